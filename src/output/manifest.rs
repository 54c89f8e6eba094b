//! What the last builds wrote, so that a warm build knows an unchanged file
//! without reading it back.
//!
//! The output folder and its spare folder (`disk.rs`) each hold a previous
//! build. The manifest lists, for both, every file with a 128-bit hash of its
//! bytes and the file's stamp as the file system reported it right after
//! dossier wrote or linked it (size, modification and change times to the
//! nanosecond, inode and device). A file of the new site whose hash is the
//! one listed, and whose stamp on disk is still the one listed, is that very
//! file, untouched since: it is kept (or hard-linked) without being read. A
//! file edited by hand gets a new change time, which no tool can set back, so
//! it is read and compared (and repaired) as when there is no manifest.
//!
//! It lives in the spare folder as `.dossier-manifest`, never in the output
//! (the spare folder is swapped in only once the manifest has been taken out
//! of it): it is removed before a build writes anything and written again
//! after the swap, so a failed or interrupted build leaves none. One that is
//! missing, unreadable or corrupt (its last line is a checksum of the rest)
//! is ignored: it costs reading the previous files back, never the output.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

use xxhash_rust::xxh3::{xxh3_64, xxh3_128};

/// The manifest's file name, in the spare folder.
pub const NAME: &str = ".dossier-manifest";

/// The first line: the format, and its version.
const HEADER: &str = "dossier output manifest 1";

/// A file as the file system reports it; two equal stamps are the same, unchanged file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stamp {
    #[cfg(unix)]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        use std::os::unix::fs::MetadataExt;
        Stamp {
            size: meta.size(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
            device: meta.dev(),
        }
    }

    /// Elsewhere, the size and modification time alone.
    #[cfg(not(unix))]
    pub fn of(meta: &fs::Metadata) -> Stamp {
        let since = |t: io::Result<std::time::SystemTime>| {
            t.ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default()
        };
        let modified = since(meta.modified());
        Stamp {
            size: meta.len(),
            modified: (modified.as_secs() as i64, i64::from(modified.subsec_nanos())),
            changed: (0, 0),
            inode: 0,
            device: 0,
        }
    }
}

/// One file: the hash of its bytes and its stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub hash: u128,
    pub stamp: Stamp,
}

/// The hash a file's bytes are known by.
pub fn hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// The files of the two folders of the last two builds, by path relative to the folder.
#[derive(Debug, Default)]
pub struct Manifest {
    /// The spare folder's files (the build before last).
    pub spare: HashMap<String, Entry>,
    /// The output folder's files (the last build).
    pub output: HashMap<String, Entry>,
}

impl Manifest {
    /// Is the file at `rel` of the spare (`spare: true`) or output folder, stamped `stamp`, known
    /// to hold bytes hashed `hash`?
    pub fn holds(&self, spare: bool, rel: &str, hash: u128, stamp: &Stamp) -> bool {
        let files = if spare { &self.spare } else { &self.output };
        files.get(rel).is_some_and(|entry| entry.hash == hash && entry.stamp == *stamp)
    }

    /// Takes the manifest out of `folder` (the spare folder, already known to be dossier's):
    /// read if it is a regular file, then removed whatever it is. Missing or unreadable, it is
    /// empty.
    pub fn take(folder: &Path) -> io::Result<Manifest> {
        let path = folder.join(NAME);
        let Ok(meta) = path.symlink_metadata() else {
            return Ok(Manifest::default());
        };
        let manifest = if meta.is_file() {
            fs::read(&path).ok().and_then(|bytes| parse(&bytes)).unwrap_or_default()
        } else {
            Manifest::default()
        };
        if meta.is_dir() {
            fs::remove_dir_all(&path)?
        } else {
            fs::remove_file(&path)?
        }
        Ok(manifest)
    }

    /// Writes the manifest into `folder` (the spare folder, after the swap), never through
    /// a link: whatever stands at its name is removed first, and the file is created new.
    pub fn store(&self, folder: &Path) -> io::Result<()> {
        let path = folder.join(NAME);
        match path.symlink_metadata() {
            Ok(meta) if meta.is_dir() => fs::remove_dir_all(&path)?,
            Ok(_) => fs::remove_file(&path)?,
            Err(_) => {}
        }
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        file.write_all(&self.to_bytes())
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut text = String::with_capacity(100 * (self.spare.len() + self.output.len()) + 64);
        text.push_str(HEADER);
        text.push('\n');
        for (side, files) in [('s', &self.spare), ('o', &self.output)] {
            // (A path with a line break is left out: that file is read back, as without a manifest.)
            for (rel, entry) in files.iter().filter(|(rel, _)| !rel.contains(['\n', '\r'])) {
                let Stamp { size, modified, changed, inode, device } = entry.stamp;
                text.push_str(&format!(
                    "{side} {:032x} {size} {} {} {} {} {inode} {device} {rel}\n",
                    entry.hash, modified.0, modified.1, changed.0, changed.1
                ));
            }
        }
        let checksum = xxh3_64(text.as_bytes());
        text.push_str(&format!("end {checksum:016x}\n"));
        text.into_bytes()
    }
}

/// A manifest's bytes, or `None` if they are not a whole, intact manifest of this version.
fn parse(bytes: &[u8]) -> Option<Manifest> {
    let text = std::str::from_utf8(bytes).ok()?;
    let body_end = text.strip_suffix('\n')?.rfind('\n')? + 1;
    let (body, last) = text.split_at(body_end);
    let checksum = u64::from_str_radix(last.strip_prefix("end ")?.trim_end(), 16).ok()?;
    if xxh3_64(body.as_bytes()) != checksum {
        return None;
    }
    let mut lines = body.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let mut manifest = Manifest::default();
    for line in lines {
        let mut fields = line.splitn(10, ' ');
        let side = fields.next()?;
        let hash = u128::from_str_radix(fields.next()?, 16).ok()?;
        let mut number = || fields.next()?.parse::<i64>().ok();
        let (size, modified, changed) = (number()?, (number()?, number()?), (number()?, number()?));
        let (inode, device) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
        let rel = fields.next()?.to_string();
        let stamp = Stamp { size: u64::try_from(size).ok()?, modified, changed, inode, device };
        let files = match side {
            "s" => &mut manifest.spare,
            "o" => &mut manifest.output,
            _ => return None,
        };
        files.insert(rel, Entry { hash, stamp });
    }
    Some(manifest)
}

#[cfg(test)]
mod tests {
    use super::{Entry, Manifest, Stamp, hash, parse};

    fn sample() -> Manifest {
        let stamp = Stamp { size: 5, modified: (1, 2), changed: (3, 4), inode: 5, device: 6 };
        let mut manifest = Manifest::default();
        manifest.output.insert("a b/index.html".into(), Entry { hash: hash(b"hello"), stamp });
        manifest.spare.insert("style.css".into(), Entry { hash: 7, stamp: Stamp { size: 9, ..stamp } });
        manifest
    }

    #[test]
    fn a_manifest_reads_back_as_written() {
        let bytes = sample().to_bytes();
        let back = parse(&bytes).expect("parses");
        assert_eq!(back.output, sample().output);
        assert_eq!(back.spare, sample().spare);
    }

    #[test]
    fn any_damage_makes_it_unreadable_not_wrong() {
        let bytes = sample().to_bytes();
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x01;
            assert!(parse(&damaged).is_none(), "a flipped bit at {at} is noticed");
        }
        for len in 0..bytes.len() {
            assert!(parse(&bytes[..len]).is_none(), "cut at {len}");
        }
    }
}
