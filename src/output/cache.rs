//! What a build keeps for the next one, so that it redoes only the work whose input
//! changed: the search index's records and files, and where each annotation lies in its
//! published page.
//!
//! Indexing a record (splitting its words, stemming them, packing their locations,
//! gzipping its fragment) is most of the index's cost, and finding each highlight in its
//! published page (for `annotations.jsonld`) means parsing the page. Three files in
//! `.dossier-cache/` in the project folder keep what a build can reuse:
//! - `search-records`: each record's packed form ([`IndexedPage`]), under the SHA-1 of
//!   everything Pagefind reads of the record ([`key`]); a record whose key is there is read
//!   back instead of indexed again;
//! - `search-index`: the index files of the last full index, under the key of all its
//!   records in order; the same records again give the same files, read back whole;
//! - `selections`: each annotated article's selections ([`Selection`]), under the SHA-1
//!   of its published page.
//!
//! The cache can only cost time, never change the output:
//! - each file opens with what made it (dossier's version, [`FORMAT`] and the binary's
//!   size and time, and the language); another's is ignored;
//! - each entry carries a CRC-32 of its bytes: a damaged record is indexed afresh, and a
//!   damaged index file makes the whole index be built again;
//! - a file is written to a temporary file and renamed over the old one, so an
//!   interrupted build leaves the previous cache or the new one, never half of one;
//! - it is read and written only inside the project folder: a cache folder or file that
//!   is a symbolic link out of it, or anything but a regular file, is not used.
//!
//! The files hold the last full index only, so they never grow past one site's worth.
//! Delete the folder at any time.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

use pagefind::api::{IndexedPage, SyntheticFile};
use sha1::{Digest, Sha1};

use crate::load::confine;
use crate::output::published::Selection;

/// The cache folder, in the project folder (shared with `check --links`).
pub const FOLDER: &str = ".dossier-cache";
const RECORDS: &str = "search-records";
const INDEX: &str = "search-index";
const SELECTIONS: &str = "selections";
/// Bumped whenever what a record packs into changes (the vendored Pagefind's patches).
const FORMAT: u32 = 1;

/// A record's key: the SHA-1 of its URL, text, language, meta and filters.
pub type Key = [u8; 20];

/// What a full index took from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Reuse {
    /// Records read back.
    pub cached: usize,
    /// Records indexed.
    pub indexed: usize,
    /// The index files were read back whole.
    pub files: bool,
}

/// The first line of a cache file: what must match for its entries to be used. It names
/// the binary too (its size and time), so that a development build whose packing changed
/// never reads the entries of another.
fn header(language: &str, what: &str) -> String {
    let binary = &*BINARY;
    format!("dossier {} {what}, format {FORMAT}, binary {binary}, language {language}\n", env!("CARGO_PKG_VERSION"))
}

/// The running binary's size and modification time, looked up once.
static BINARY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| {
            let time = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{}-{}", m.len(), time.map_or(0, |t| t.as_nanos()))
        })
        .unwrap_or_default()
});

/// A cache file read into memory: a header line, then entries of a key, a length, a
/// CRC-32 and the bytes.
struct Store {
    bytes: Vec<u8>,
    entries: Vec<(Key, Range<usize>, u32)>,
    /// Where each key's entry is in `entries`.
    at: HashMap<Key, usize>,
}

impl Store {
    fn empty() -> Store {
        Store { bytes: Vec::new(), entries: Vec::new(), at: HashMap::new() }
    }

    /// The file `name` of the project at `root` if its header is `header`; empty if there
    /// is none, it is another's, or it cannot be read safely. A file cut short keeps the
    /// entries before the cut.
    fn open(root: &Path, name: &str, header: &str) -> Store {
        let mut store = Store::empty();
        let Ok(bytes) = confine::read(root, &root.join(FOLDER).join(name)) else { return store };
        if !bytes.starts_with(header.as_bytes()) {
            return store;
        }
        let mut at = header.len();
        while let Some(head) = bytes.get(at..at + 28) {
            let key: Key = head[..20].try_into().expect("20 bytes");
            let len = u32::from_le_bytes(head[20..24].try_into().expect("4 bytes")) as usize;
            let crc = u32::from_le_bytes(head[24..28].try_into().expect("4 bytes"));
            let start = at + 28;
            if start + len > bytes.len() {
                break;
            }
            store.entries.push((key, start..start + len, crc));
            at = start + len;
        }
        store.bytes = bytes;
        store.at = store.entries.iter().enumerate().map(|(i, (key, _, _))| (*key, i)).collect();
        store
    }

    /// The bytes of `key`'s entry, if there is one and it is undamaged.
    fn get(&self, key: &Key) -> Option<&[u8]> {
        let (_, range, crc) = &self.entries[*self.at.get(key)?];
        let bytes = &self.bytes[range.clone()];
        (crc32fast::hash(bytes) == *crc).then_some(bytes)
    }

    /// Each entry's key and bytes, `None` for one that is damaged.
    fn entries(&self) -> impl Iterator<Item = (&Key, Option<&[u8]>)> {
        self.entries.iter().map(|(key, range, crc)| {
            let bytes = &self.bytes[range.clone()];
            (key, (crc32fast::hash(bytes) == *crc).then_some(bytes))
        })
    }
}

/// Writes cache file `name` (a temporary file renamed over the old one), inside the project.
fn save<'a>(root: &Path, name: &str, header: &str, entries: impl Iterator<Item = Entry<'a>>) -> io::Result<()> {
    write_with(root, name, |out| {
        out.write_all(header.as_bytes())?;
        for Entry { key, parts } in entries {
            let mut crc = crc32fast::Hasher::new();
            parts.iter().for_each(|part| crc.update(part));
            let len: usize = parts.iter().map(|part| part.len()).sum();
            out.write_all(&key)?;
            out.write_all(&(len as u32).to_le_bytes())?;
            out.write_all(&crc.finalize().to_le_bytes())?;
            parts.iter().try_for_each(|part| out.write_all(part))?;
        }
        Ok(())
    })
}

/// The cache file `name` of the project at `root`, if it is there and safe to read (a
/// regular file inside the project).
pub fn read(root: &Path, name: &str) -> Option<Vec<u8>> {
    confine::read(root, &root.join(FOLDER).join(name)).ok()
}

/// Writes the cache file `name` of the project at `root` whole.
pub fn write(root: &Path, name: &str, bytes: &[u8]) -> io::Result<()> {
    write_with(root, name, |out| out.write_all(bytes))
}

/// Writes cache file `name` with `fill`: into a new temporary file, renamed over the old one,
/// inside the project only. The folder is made if need be, with a `.gitignore` of its own.
fn write_with(root: &Path, name: &str, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
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
    let temporary = real.join(format!("{name}.{}.tmp", std::process::id()));
    let write = || -> io::Result<()> {
        // A new file, never one that is there already: a link planted under this name
        // (the project may be someone else's) is removed, not written through.
        let _ = std::fs::remove_file(&temporary);
        let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        // Written as it is made: the entries are never all in memory a second time.
        let mut out = io::BufWriter::with_capacity(1 << 20, file);
        fill(&mut out)?;
        // (Not synced to disk: a file a crash leaves damaged fails its CRC-32s, and costs time only.)
        out.flush()?;
        drop(out);
        std::fs::rename(&temporary, real.join(name))
    };
    let written = write();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// An entry to write: its key and its bytes, in parts.
pub struct Entry<'a> {
    pub key: Key,
    pub parts: Vec<Cow<'a, [u8]>>,
}

/// The packed records of the last full index.
pub struct RecordCache {
    store: Store,
}

impl RecordCache {
    /// The cache of the project at `root`, for an index in `language`.
    pub fn open(root: &Path, language: &str) -> RecordCache {
        RecordCache { store: Store::open(root, RECORDS, &header(language, RECORDS)) }
    }

    /// The packed page of `key` and its bytes, if the cache holds it undamaged.
    pub fn get(&self, key: &Key) -> Option<(IndexedPage, &[u8])> {
        let bytes = self.store.get(key)?;
        Some((IndexedPage::from_bytes(bytes).ok()?, bytes))
    }

    /// Does the cache hold `count` entries (then, if each was found, exactly these)?
    pub fn holds(&self, count: usize) -> bool {
        self.store.entries.len() == count
    }

    /// Writes the cache of exactly `entries` (each record's key and packed bytes), in order.
    pub fn save<'a>(&self, root: &Path, language: &str, entries: impl Iterator<Item = Entry<'a>>) {
        // Only speed is lost if the cache cannot be written (a read-only checkout, say).
        let _ = save(root, RECORDS, &header(language, RECORDS), entries);
    }
}

/// The header of the index files' cache: it names the records they index, in order.
fn index_header(language: &str, keys: &[Key]) -> String {
    let mut all = Sha1::new();
    for key in keys {
        all.update(key);
    }
    let hex: String = all.finalize().iter().map(|b| format!("{b:02x}")).collect();
    header(language, &format!("{INDEX} of {hex}"))
}

/// The key of the last entry of the index files' cache, which holds their number: a file
/// cut short, even between two entries, is not taken for a smaller index.
const LAST: Key = [0xff; 20];

/// The index files of exactly the records of `keys`, if the cache holds them, all undamaged.
pub fn index_files(root: &Path, language: &str, keys: &[Key]) -> Option<Vec<SyntheticFile>> {
    let store = Store::open(root, INDEX, &index_header(language, keys));
    let (last, count) = store.entries().last()?;
    let count = u32::from_le_bytes(count?.try_into().ok()?) as usize;
    if *last != LAST || count + 1 != store.entries.len() {
        return None;
    }
    store
        .entries()
        .take(count)
        .map(|(_, bytes)| {
            let bytes = bytes?;
            let name_len = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
            let name = std::str::from_utf8(bytes.get(4..4 + name_len)?).ok()?;
            Some(SyntheticFile { filename: PathBuf::from(name), contents: bytes[4 + name_len..].to_vec() })
        })
        .collect()
}

/// Keeps the index files made of the records of `keys`, for the next build.
pub fn keep_index_files(root: &Path, language: &str, keys: &[Key], files: &[&SyntheticFile]) {
    let entries = files.iter().map(|file| {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        let key = Sha1::digest(name.as_bytes()).into();
        let head = [&(name.len() as u32).to_le_bytes()[..], name.as_bytes()].concat();
        Entry { key, parts: vec![Cow::Owned(head), Cow::Borrowed(&file.contents[..])] }
    });
    let count = (files.len() as u32).to_le_bytes().to_vec();
    let last = Entry { key: LAST, parts: vec![Cow::Owned(count)] };
    // Only speed is lost if the cache cannot be written.
    let _ = save(root, INDEX, &index_header(language, keys), entries.chain([last]));
}

/// The selections of annotated pages, by the SHA-1 of each page.
pub struct Selections {
    store: Store,
    /// The pages of this build, with the selections found in each.
    seen: std::sync::Mutex<Vec<(Key, Vec<u8>)>>,
}

impl Selections {
    /// The selections kept by the last build of the project at `root` (none if `root` is `None`).
    pub fn open(root: Option<&Path>) -> Selections {
        let store = root.map_or_else(Store::empty, |root| Store::open(root, SELECTIONS, &header("", SELECTIONS)));
        Selections { store, seen: std::sync::Mutex::new(Vec::new()) }
    }

    /// The selections of the page `html`: kept ones if the page is unchanged, else `find`'s.
    pub fn of(&self, html: &[u8], find: impl FnOnce() -> Vec<Selection>) -> Vec<Selection> {
        let key: Key = Sha1::digest(html).into();
        let kept = self.store.get(&key).and_then(|bytes| serde_json::from_slice(bytes).ok());
        let selections = kept.unwrap_or_else(find);
        let bytes = serde_json::to_vec(&selections).unwrap_or_default();
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).push((key, bytes));
        selections
    }

    /// Keeps this build's selections for the next one, if they differ from those kept.
    pub fn save(self, root: Option<&Path>) {
        let Some(root) = root else { return };
        let mut seen = self.seen.into_inner().unwrap_or_else(|p| p.into_inner());
        seen.sort();
        let unchanged = seen.len() == self.store.entries.len()
            && seen
                .iter()
                .zip(self.store.entries())
                .all(|((k, b), (key, bytes))| k == key && bytes == Some(b.as_slice()));
        if !unchanged {
            let entries =
                seen.iter().map(|(key, bytes)| Entry { key: *key, parts: vec![Cow::Borrowed(bytes.as_slice())] });
            // Only speed is lost if the cache cannot be written.
            let _ = save(root, SELECTIONS, &header("", SELECTIONS), entries);
        }
    }
}

/// The key of a record: every field Pagefind reads (the `kind` filter is the only one
/// dossier sets), each with its length, so that no two different records run together
/// into the same bytes.
pub fn key(url: &str, content: &str, language: &str, meta: &BTreeMap<String, String>, kind: &str) -> Key {
    let mut hash = Sha1::new();
    let mut field = |bytes: &[u8]| {
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(bytes);
    };
    field(url.as_bytes());
    field(content.as_bytes());
    field(language.as_bytes());
    for (name, value) in meta {
        field(name.as_bytes());
        field(value.as_bytes());
    }
    field(b"filters");
    field(b"kind");
    field(kind.as_bytes());
    hash.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::key;
    use std::collections::BTreeMap;

    #[test]
    fn keys_differ_when_any_field_differs() {
        let meta = BTreeMap::from([("title".to_string(), "T".to_string())]);
        let base = key("a/", "text", "en", &meta, "article");
        assert_ne!(key("a/t", "ext", "en", &meta, "article"), base, "fields must not run together");
        assert_ne!(key("a/", "text", "fr", &meta, "article"), base);
        assert_ne!(key("a/", "text", "en", &BTreeMap::new(), "article"), base);
        assert_ne!(key("a/", "text", "en", &meta, "source"), base);
        assert_eq!(key("a/", "text", "en", &meta.clone(), "article"), base);
    }
}
