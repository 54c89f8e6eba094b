//! Full-text search: a Pagefind index of every page and of every annotation's note.
//!
//! The index is built in-process (the `pagefind` crate's Rust API) from the text the
//! Markdown phase already extracted, so no page is parsed twice and navigation chrome is
//! never indexed. Pagefind writes a chunked index under `pagefind/` that the browser loads
//! on demand (a few tens of KB for a query, however large the dossier); `search.js` drives
//! it with our own small UI.
//!
//! Each page is one record (`articles/x/`, `sources/y/`, `figures/z/`), and each annotation
//! is a record of its own whose URL is the highlight on its article (`articles/x/#anchor`).
//! URLs are relative to the site root, so one build works at a domain root and under a
//! sub-path; `search.js` resolves them against the `pagefind/` folder's parent.
//!
//! The index is built on a thread of its own ([`SearchIndex::spawn`]) while the pages render,
//! so it adds less than its own time to a build. `serve` keeps one [`SearchIndex`] for the
//! session: after an edit only the edited pages' records are re-read (Pagefind replaces a
//! record with the same URL; a record that must go is replaced by an empty one, which
//! Pagefind leaves out), then the index files are regenerated from the records it holds
//! (Pagefind's API cannot update them in place), after the edited pages are served. Which
//! annotation records the index holds ([`NoteRecords`]) is kept apart from it, so that an
//! edit's [`Batch`] can be prepared while the index is still busy with an earlier one, and
//! batches that wait are merged ([`Batch::then`]) into one regeneration.

use std::collections::BTreeMap;
use std::collections::{HashMap, HashSet};

use std::borrow::Cow;
use std::path::PathBuf;
use std::time::Instant;

use pagefind::api::{CustomRecord, IndexedPage, PagefindIndex, SyntheticFile};
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;

use crate::model::PageId;
use crate::output::cache::{self, Entry, Key, RecordCache, Reuse};
use crate::output::site::{RenderedPages, Site};
use crate::output::views::AnnotationView;
use crate::resolve::xref::Index;

/// The folder of the search index in the built site.
pub const FOLDER: &str = "pagefind/";

/// Pagefind's files we do not serve: its own UIs (we style our own) and its highlighter.
const UNUSED: [&str; 7] = [
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// A Pagefind index kept between rebuilds.
pub struct SearchIndex {
    runtime: tokio::runtime::Runtime,
    index: PagefindIndex,
    /// Pagefind's language code, to start the index afresh.
    language: String,
    /// The project folder, whose cache of records a full index reads and writes
    /// (`None`: no cache).
    cache: Option<PathBuf>,
}

/// The annotation record URLs the index holds of each article, to tell when an edit adds
/// or removes one. Kept by the build, beside the index, so batches can be prepared while it is busy.
#[derive(Default)]
pub struct NoteRecords(HashMap<PageId, HashSet<String>>);

/// The records an edit (or a full build) changes, taken from the build while it has them.
pub struct Batch {
    records: Vec<Record<'static>>,
    language: String,
    /// Every record, to index from scratch: Pagefind numbers its pages in the order they
    /// were first added, so a record added or removed after the first build would leave the
    /// index in another order than a build's. (Replacing a record keeps its place.)
    fresh: bool,
}

/// The index being built on a thread of its own, while the pages render and are written.
pub struct Pending(std::thread::JoinHandle<Result<Built, SearchError>>);

/// Why the search index could not be built (Pagefind's own message).
#[derive(Clone, Debug)]
pub struct SearchError(String);

impl From<String> for SearchError {
    fn from(message: String) -> SearchError {
        SearchError(message)
    }
}

impl std::fmt::Display for SearchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Pagefind's errors (and tokio's) as ours.
fn failed(e: impl std::fmt::Display) -> SearchError {
    SearchError(format!("{e:#}"))
}

/// What the indexing thread hands back.
pub struct Built {
    pub index: SearchIndex,
    pub files: Vec<SyntheticFile>,
    /// How long the thread worked: adding the records, then making the index files.
    pub took: std::time::Duration,
    pub adding: std::time::Duration,
    /// How many records of a full index were read back from the cache, and how many indexed.
    pub reuse: Reuse,
}

impl Built {
    /// The thread's timings, for `--verbose`.
    pub fn report(&self) {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
        eprintln!("  {:<16} {:>8.1} ms", "search (thread)", ms(self.took));
        eprintln!("  {:<16} {:>8.1} ms", "  of it, records", ms(self.adding));
        let Reuse { cached, indexed, files } = self.reuse;
        if cached > 0 {
            let files = if files { ", the index files too" } else { "" };
            eprintln!("  {:<16} {cached:>8} read back from the cache, {indexed} indexed{files}", "  records");
        }
    }
}

impl SearchIndex {
    /// An empty index for a site in `language` (an ISO 639-1 code, maybe with a region);
    /// a full index reuses the records cached in the project folder `cache`, if given.
    pub fn new(language: &str, cache: Option<PathBuf>) -> Result<SearchIndex, SearchError> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(failed)?;
        let language = language.split(['-', '_']).next().unwrap_or("en").to_lowercase();
        let options = PagefindServiceConfig::builder().force_language(language.clone()).build();
        let index = PagefindIndex::new(Some(options)).map_err(failed)?;
        Ok(SearchIndex { runtime, index, language, cache })
    }

    /// Adds `batch` and builds the index files on the calling thread, keeping the records.
    pub fn update(mut self, batch: Batch) -> Result<Built, SearchError> {
        let started = Instant::now();
        let Batch { records, language, fresh } = batch;
        if fresh {
            // Every record, in a build's order: packed as a build packs them.
            let packed = self.pack(records, &language, true)?;
            return self.finish(packed, true, started);
        }
        let records: Vec<CustomRecord> = records.into_iter().map(|r| r.custom(&language)).collect();
        self.runtime.block_on(self.index.add_custom_records(records)).map_err(failed)?;
        let adding = started.elapsed();
        let files = self.runtime.block_on(files_of(&mut self.index, true))?;
        Ok(Built { index: self, files, took: started.elapsed(), adding, reuse: Reuse::default() })
    }

    /// Packs every record of a full index on the calling thread (in parallel): each record
    /// is made, packed and dropped in turn, so the records' text is never held twice; those
    /// the cache holds are read back instead. When the cache holds the index files of
    /// exactly these records, a build (`!keep`) needs nothing more.
    pub fn pack(&self, records: Vec<Record<'_>>, language: &str, keep: bool) -> Result<Packed, SearchError> {
        let started = Instant::now();
        let packer = self.runtime.block_on(self.index.packer());
        let pack = |record: Record<'_>| packer.pack(record.custom(language)).map_err(failed);
        let Some(root) = &self.cache else {
            let pages = records.into_par_iter().map(pack).collect::<Result<Vec<_>, _>>()?;
            let reuse = Reuse { indexed: pages.len(), ..Reuse::default() };
            return Ok(Packed { pages, files: None, keys: None, reuse, took: started.elapsed() });
        };
        let keys: Vec<Key> = records.par_iter().map(|r| r.key(language)).collect();
        let files = cache::index_files(root, language, &keys);
        if files.is_some() && !keep {
            let reuse = Reuse { cached: keys.len(), indexed: 0, files: true };
            return Ok(Packed { pages: Vec::new(), files, keys: None, reuse, took: started.elapsed() });
        }
        let cache = RecordCache::open(root, language);
        let packed: Vec<(IndexedPage, Option<&[u8]>)> = records
            .into_par_iter()
            .zip(&keys)
            .map(|(record, key)| match cache.get(key) {
                Some((page, bytes)) => Ok((page, Some(bytes))),
                None => pack(record).map(|page| (page, None)),
            })
            .collect::<Result<_, _>>()?;
        let indexed = packed.iter().filter(|(_, bytes)| bytes.is_none()).count();
        if indexed > 0 || !cache.holds(keys.len()) {
            let entries = packed.iter().zip(&keys).map(|((page, bytes), key)| Entry {
                key: *key,
                parts: vec![bytes.map_or_else(|| Cow::Owned(page.to_bytes()), Cow::Borrowed)],
            });
            cache.save(root, language, entries);
        }
        let reuse = Reuse { cached: keys.len() - indexed, indexed, files: files.is_some() };
        let pages = packed.into_iter().map(|(page, _)| page).collect();
        Ok(Packed { pages, files, keys: Some(keys), reuse, took: started.elapsed() })
    }

    /// Makes the index files of what [`SearchIndex::pack`] packed, on a thread of its own;
    /// the index keeps its records for later batches if `keep` (`serve`).
    pub fn spawn_packed(self, packed: Packed, keep: bool) -> Pending {
        Pending(std::thread::spawn(move || self.finish(packed, keep, Instant::now())))
    }

    fn finish(mut self, packed: Packed, keep: bool, started: Instant) -> Result<Built, SearchError> {
        let Packed { pages, files, keys, reuse, took } = packed;
        let (runtime, index) = (&self.runtime, &mut self.index);
        // A fresh index, in the order of these pages.
        let options = PagefindServiceConfig::builder().force_language(self.language.clone()).build();
        *index = PagefindIndex::new(Some(options)).map_err(failed)?;
        // (`serve` adds the records even when the files were read back, for its later batches.)
        if !pages.is_empty() {
            runtime.block_on(index.add_indexed_pages(pages)).map_err(failed)?;
        }
        let adding = took + started.elapsed();
        let files = match files {
            Some(files) => files,
            None => {
                let files = runtime.block_on(files_of(index, keep))?;
                if let (Some(root), Some(keys)) = (&self.cache, &keys) {
                    // Only the files the site serves (they are all that is read back).
                    let served: Vec<&SyntheticFile> = files.iter().filter(|f| served(f)).collect();
                    cache::keep_index_files(root, &self.language, keys, &served);
                }
                files
            }
        };
        Ok(Built { index: self, files, took: took + started.elapsed(), adding, reuse })
    }
}

/// The records of a full index, packed ([`SearchIndex::pack`]), for the index files.
pub struct Packed {
    pages: Vec<IndexedPage>,
    /// The index files of exactly these records, read back from the cache.
    files: Option<Vec<SyntheticFile>>,
    /// The records' keys, to keep the index files made of them (with a cache).
    keys: Option<Vec<Key>>,
    reuse: Reuse,
    /// How long packing took.
    took: std::time::Duration,
}

/// The index files, keeping the records for the next update (`keep`) or moving them in.
async fn files_of(index: &mut PagefindIndex, keep: bool) -> Result<Vec<SyntheticFile>, SearchError> {
    if keep { index.get_files().await } else { index.take_files().await }.map_err(failed)
}

impl NoteRecords {
    /// The records of the pages in `only` (every page if `None`): those pages and the
    /// annotations on them; every record, to index afresh, when an edit added or removed an
    /// annotation.
    pub fn prepare(
        &mut self,
        index: &Index,
        rendered: &RenderedPages,
        annotations: &[AnnotationView],
        only: Option<&HashSet<PageId>>,
    ) -> Batch {
        let language = index.config.language.clone();
        let Some(only) = only else {
            let records = self.full(index, rendered, annotations).into_iter().map(Record::owned).collect();
            return Batch { records, language, fresh: true };
        };
        let records: Vec<Record<'static>> =
            records(index, rendered, annotations, Some(only)).into_iter().map(Record::owned).collect();
        let notes = notes_of(&records);
        // An annotation added or removed (or one whose default id moved) changes which records
        // exist: index everything afresh, in a build's order.
        let same = |id: &PageId| notes.get(id).unwrap_or(&HashSet::new()) == self.0.get(id).unwrap_or(&HashSet::new());
        if !only.iter().all(same) {
            return self.prepare(index, rendered, annotations, None);
        }
        Batch { records, language, fresh: false }
    }

    /// Every record of a full index, borrowing the pages' text (for [`SearchIndex::pack`]).
    pub fn full<'a>(
        &mut self,
        index: &Index,
        rendered: &'a RenderedPages,
        annotations: &[AnnotationView],
    ) -> Vec<Record<'a>> {
        let records = records(index, rendered, annotations, None);
        self.0 = notes_of(&records);
        records
    }
}

/// The annotation records of each article among `records`.
fn notes_of(records: &[Record<'_>]) -> HashMap<PageId, HashSet<String>> {
    let mut notes: HashMap<PageId, HashSet<String>> = HashMap::new();
    for record in records {
        if let Some(article) = &record.article {
            notes.entry(article.clone()).or_default().insert(record.url.clone());
        }
    }
    notes
}

impl Batch {
    /// This batch followed by `later`, as one: a record in `later` replaces this batch's
    /// record of the same URL, so applying the result equals applying both in turn.
    pub fn then(self, later: Batch) -> Batch {
        if later.fresh {
            return later;
        }
        // A later record takes the place of the earlier one of its URL: in a fresh batch the
        // order is the index's.
        let mut newer: HashMap<String, Record> = later.records.into_iter().map(|r| (r.url.clone(), r)).collect();
        let mut records: Vec<Record> = self.records.into_iter().map(|r| newer.remove(&r.url).unwrap_or(r)).collect();
        let mut added: Vec<Record> = newer.into_values().collect();
        added.sort_by(|a, b| a.url.cmp(&b.url));
        records.extend(added);
        Batch { records, language: later.language, fresh: self.fresh }
    }
}

/// Pagefind's files as files of the site, under [`FOLDER`], without those we do not serve.
pub fn site_files(files: Vec<SyntheticFile>) -> Site {
    let mut site = Site::default();
    for file in files.into_iter().filter(served) {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        site.add(format!("{FOLDER}{name}"), file.contents);
    }
    site
}

/// Is this one of Pagefind's files the site serves (not one of its own UIs)?
fn served(file: &SyntheticFile) -> bool {
    !UNUSED.contains(&file.filename.to_string_lossy().replace('\\', "/").as_str())
}

impl Pending {
    /// Waits for the index; the [`SearchIndex`] comes back with its files.
    pub fn join(self) -> Result<Built, SearchError> {
        self.0.join().map_err(|_| SearchError("the search indexer panicked".into()))?
    }
}

/// One search result as Pagefind stores it; its text may be borrowed from the page's.
pub struct Record<'a> {
    url: String,
    content: Cow<'a, str>,
    kind: &'static str,
    meta: BTreeMap<String, String>,
    /// The article, for annotations.
    article: Option<PageId>,
}

impl Record<'_> {
    /// The record with a text of its own, to be sent to the indexing thread.
    fn owned(self) -> Record<'static> {
        Record { content: Cow::Owned(self.content.into_owned()), ..self }
    }

    /// The record as Pagefind takes it (its text copied, if borrowed).
    fn custom(self, language: &str) -> CustomRecord {
        CustomRecord {
            url: self.url,
            content: self.content.into_owned(),
            language: language.to_string(),
            meta: self.meta,
            filters: BTreeMap::from([("kind".to_string(), vec![self.kind.to_string()])]),
            sort: BTreeMap::new(),
        }
    }

    /// The record's key in the cache: of all Pagefind reads of it.
    fn key(&self, language: &str) -> Key {
        cache::key(&self.url, &self.content, language, &self.meta, self.kind)
    }
}

/// The records of the pages in `only` (all if `None`), and of the annotations on them.
fn records<'a>(
    index: &Index,
    rendered: &'a RenderedPages,
    annotations: &[AnnotationView],
    only: Option<&HashSet<PageId>>,
) -> Vec<Record<'a>> {
    let content = index.content;
    let wanted = |id: &PageId| only.is_none_or(|ids| ids.contains(id));
    let page = |id: &PageId, title: &str, kind: &'static str, text: Cow<'a, str>| Record {
        url: id.url_path(),
        content: text,
        kind,
        meta: BTreeMap::from([("title".to_string(), title.to_string())]),
        article: None,
    };
    let mut records = Vec::new();
    for a in content.articles.iter().filter(|a| wanted(&a.id)) {
        records.push(page(&a.id, &a.meta.title, "article", Cow::Borrowed(&rendered.of(a).text)));
    }
    for s in content.sources.iter().filter(|s| wanted(&s.id)) {
        let role = s.meta.role.as_deref().unwrap_or("");
        let text = format!("{} {} {}", s.meta.aliases.join(", "), role, rendered.of(s).text);
        records.push(page(&s.id, &s.meta.title, "source", Cow::Owned(text)));
    }
    for f in content.figures.iter().filter(|f| wanted(&f.id)) {
        records.push(page(&f.id, &f.meta.title, "figure", Cow::Borrowed(&rendered.of(f).text)));
    }
    let base = &index.config.base_path;
    for a in annotations {
        if !wanted(&a.article_id) {
            continue;
        }
        let url = a.url.strip_prefix(base.as_str()).unwrap_or(&a.url).to_string();
        let note = strip_tags(&a.note_html);
        let correction = a.correction.as_deref().map(|c| format!(" → {c}")).unwrap_or_default();
        records.push(Record {
            url,
            content: Cow::Owned(format!("“{}”{correction}. {note}", a.quote)),
            kind: "annotation",
            meta: BTreeMap::from([
                ("title".to_string(), format!("{}: “{}”", a.kind_label, a.quote)),
                ("article".to_string(), a.article.title.clone()),
            ]),
            article: Some(a.article_id.clone()),
        });
    }
    records
}

/// The text of an HTML fragment we rendered ourselves (tags dropped, entities decoded).
fn strip_tags(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::strip_tags;

    #[test]
    fn strip_tags_keeps_text_and_decodes_entities() {
        assert_eq!(strip_tags("<em>a</em> &amp; <a href=\"x\">b&lt;c</a>"), "a & b<c");
    }
}
