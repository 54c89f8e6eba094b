//! The search index's records kept between builds, so that a build indexes only the
//! pages whose text changed.
//!
//! Indexing a record (splitting its words, stemming them, packing their locations,
//! gzipping its fragment) is most of the index's cost. Each record's packed form
//! ([`IndexedPage`]) is kept in `.dossier-cache/search-records` in the project folder,
//! under the SHA-1 of everything Pagefind reads of the record; a record whose key is
//! there is read back instead of indexed again.
//!
//! The cache can only cost time, never change the output:
//! - the file opens with the versions that made it (dossier's, and [`FORMAT`]); another
//!   version's file is ignored;
//! - each entry carries a CRC-32 of its bytes: a damaged entry, or one that does not
//!   decode, is indexed afresh;
//! - it is written to a temporary file and renamed over the old one, so an interrupted
//!   build leaves the previous cache or the new one, never half of one;
//! - it is read and written only inside the project folder: a cache folder or file that
//!   is a symbolic link, or anything but a regular file, is not used.
//!
//! The file holds the records of the last full index only, in its order, so it never
//! grows past one site's worth. Delete the folder at any time.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use pagefind::api::{CustomRecord, IndexedPage};
use rayon::prelude::*;
use sha1::{Digest, Sha1};

use crate::load::confine;

/// The cache folder, in the project folder (shared with `check --links`).
pub const FOLDER: &str = ".dossier-cache";
const FILE: &str = "search-records";
/// Bumped whenever what a record packs into changes (the vendored Pagefind's patches).
const FORMAT: u32 = 1;

/// A record's key: the SHA-1 of its URL, text, language, meta and filters.
type Key = [u8; 20];

/// The entries read from the cache file: where each lies in `bytes`.
pub struct RecordCache {
    bytes: Vec<u8>,
    entries: HashMap<Key, Entry>,
}

#[derive(Clone, Copy)]
struct Entry {
    start: usize,
    len: usize,
    crc: u32,
}

/// What [`RecordCache::index`] found: how many records were read back and how many indexed.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Reuse {
    pub cached: usize,
    pub indexed: usize,
}

/// The first line of the file: what must match for its entries to be used. It names the
/// binary too (its size and time), so that a development build whose packing changed
/// never reads the entries of another.
fn header(language: &str) -> String {
    let binary = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let time = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{}-{}", m.len(), time.map_or(0, |t| t.as_nanos()))
        })
        .unwrap_or_default();
    format!(
        "dossier {} search records, format {FORMAT}, binary {binary}, language {language}\n",
        env!("CARGO_PKG_VERSION")
    )
}

fn path(root: &Path) -> PathBuf {
    root.join(FOLDER).join(FILE)
}

impl RecordCache {
    /// The cache of the project at `root`, for an index in `language`; empty if there is
    /// none, or it is another version's, or it cannot be read safely.
    pub fn open(root: &Path, language: &str) -> RecordCache {
        let mut cache = RecordCache { bytes: Vec::new(), entries: HashMap::new() };
        let Ok(bytes) = confine::read(root, &path(root)) else { return cache };
        let header = header(language);
        if !bytes.starts_with(header.as_bytes()) {
            return cache;
        }
        let mut at = header.len();
        // key, length, CRC-32, then the entry; a file cut short keeps the entries before.
        while let Some(head) = bytes.get(at..at + 28) {
            let key: Key = head[..20].try_into().expect("20 bytes");
            let len = u32::from_le_bytes(head[20..24].try_into().expect("4 bytes")) as usize;
            let crc = u32::from_le_bytes(head[24..28].try_into().expect("4 bytes"));
            let start = at + 28;
            if start + len > bytes.len() {
                break;
            }
            cache.entries.insert(key, Entry { start, len, crc });
            at = start + len;
        }
        cache.bytes = bytes;
        cache
    }

    /// The packed page of `key`, if the cache holds it undamaged.
    fn get(&self, key: &Key) -> Option<(IndexedPage, &[u8])> {
        let entry = self.entries.get(key)?;
        let bytes = &self.bytes[entry.start..entry.start + entry.len];
        if crc32fast::hash(bytes) != entry.crc {
            return None;
        }
        Some((IndexedPage::from_bytes(bytes).ok()?, bytes))
    }

    /// Packs `records` for the index, reading back those the cache holds and indexing the
    /// rest with `index`, in parallel; then writes the cache of exactly these records
    /// (unless it holds them already). The pages come in the order of the records.
    pub fn index(
        self,
        root: &Path,
        language: &str,
        records: Vec<CustomRecord>,
        index: impl FnOnce(Vec<CustomRecord>) -> Result<Vec<IndexedPage>, String>,
    ) -> Result<(Vec<IndexedPage>, Reuse), String> {
        let keys: Vec<Key> = records.par_iter().map(key).collect();
        let found: Vec<Option<(IndexedPage, &[u8])>> = keys.par_iter().map(|k| self.get(k)).collect();
        let missing: Vec<CustomRecord> =
            records.into_iter().zip(&found).filter(|(_, f)| f.is_none()).map(|(r, _)| r).collect();
        let reuse = Reuse { cached: keys.len() - missing.len(), indexed: missing.len() };
        let mut fresh = index(missing)?.into_iter();
        let mut pages = Vec::with_capacity(keys.len());
        let mut stored: Vec<(&Key, Stored)> = Vec::with_capacity(keys.len());
        for (key, found) in keys.iter().zip(found) {
            match found {
                Some((page, bytes)) => {
                    pages.push(page);
                    stored.push((key, Stored::Kept(bytes)));
                }
                None => {
                    let page = fresh.next().ok_or("the index packed fewer pages than it was given")?;
                    stored.push((key, Stored::New(page.to_bytes())));
                    pages.push(page);
                }
            }
        }
        let unchanged = reuse.indexed == 0 && self.entries.len() == keys.len();
        if !unchanged {
            // Only speed is lost if the cache cannot be written (a read-only checkout, say).
            let _ = save(root, language, &stored);
        }
        Ok((pages, reuse))
    }
}

/// An entry to write: the bytes read from the old file, or a page packed now.
enum Stored<'a> {
    Kept(&'a [u8]),
    New(Vec<u8>),
}

/// Writes the cache file (a temporary file renamed over the old one), inside the project.
fn save(root: &Path, language: &str, entries: &[(&Key, Stored)]) -> io::Result<()> {
    let folder = root.join(FOLDER);
    let real = confine::folder_inside(root, &folder)?;
    if folder.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
        return Err(io::Error::other("the cache folder is not a folder"));
    }
    std::fs::create_dir_all(&real)?;
    let ignore = real.join(".gitignore");
    if ignore.symlink_metadata().is_err() {
        std::fs::write(ignore, "# dossier's caches: not part of the project, safe to delete\n*\n")?;
    }
    let mut out = header(language).into_bytes();
    for (key, stored) in entries {
        let bytes = match stored {
            Stored::Kept(bytes) => bytes,
            Stored::New(bytes) => bytes.as_slice(),
        };
        out.extend_from_slice(&key[..]);
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&crc32fast::hash(bytes).to_le_bytes());
        out.extend_from_slice(bytes);
    }
    let temporary = real.join(format!("{FILE}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temporary, &out).and_then(|()| std::fs::rename(&temporary, real.join(FILE)));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The key of a record: every field Pagefind reads, each with its length, so that no two
/// different records run together into the same bytes.
fn key(record: &CustomRecord) -> Key {
    let mut hash = Sha1::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(record.url.as_bytes());
    field(record.content.as_bytes());
    field(record.language.as_bytes());
    for (name, value) in &record.meta {
        field(name.as_bytes());
        field(value.as_bytes());
    }
    field(b"filters");
    for (name, values) in &record.filters {
        field(name.as_bytes());
        for value in values {
            field(value.as_bytes());
        }
        field(b"");
    }
    field(b"sort");
    for (name, value) in &record.sort {
        field(name.as_bytes());
        field(value.as_bytes());
    }
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::key;
    use pagefind::api::CustomRecord;
    use std::collections::BTreeMap;

    #[test]
    fn keys_differ_when_any_field_differs() {
        let record = CustomRecord {
            url: "a/".into(),
            content: "text".into(),
            language: "en".into(),
            meta: BTreeMap::from([("title".into(), "T".into())]),
            filters: BTreeMap::from([("kind".into(), vec!["article".into()])]),
            sort: BTreeMap::new(),
        };
        let base = key(&record);
        let mut moved = record.clone();
        moved.url = "a/t".into();
        moved.content = "ext".into();
        assert_ne!(key(&moved), base, "fields must not run together");
        let mut meta = record.clone();
        meta.meta.insert("title".into(), "U".into());
        assert_ne!(key(&meta), base);
        let mut kind = record.clone();
        kind.filters.insert("kind".into(), vec!["source".into()]);
        assert_ne!(key(&kind), base);
        assert_eq!(key(&record.clone()), base);
    }
}
