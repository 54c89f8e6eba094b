//! The programmatic service interface for integrating Pagefind into another Rust project.
//!
//! # Examples
//!
//! ```
//! use pagefind::api::{PagefindIndex};
//! use pagefind::options::{PagefindServiceConfig};
//!
//! #[tokio::main]
//! async fn main() {
//!     let options = PagefindServiceConfig::builder()
//!         .keep_index_url(true)
//!         .force_language("en".to_string())
//!         .build();
//!     let mut index = PagefindIndex::new(Some(options)).expect("Options should be valid");
//!     let indexing_response = index
//!         .add_html_file(
//!             Some("test/index.html".into()),
//!             None,
//!             "<html><body><h1>Test content</h1></body></html>".into(),
//!         )
//!         .await;
//!
//!     if let Ok(file) = indexing_response {
//!         println!("Page word count: {}", file.page_word_count);
//!         println!("Page URL: {}", file.page_url);
//!     }
//!
//!     let files_response = index.get_files().await;
//!     if let Ok(files) = files_response {
//!         println!("Have {} files to write to disk", files.len());
//!     }
//! }
//! ```

pub use crate::index::IndexedPage;
pub use crate::output::SyntheticFile;
use anyhow::{bail, Result};
use rust_patch::Patch;
use std::{collections::BTreeMap, path::PathBuf, sync::Arc};

use crate::{
    fossick::{parser::DomParserResult, Fossicker},
    options::PagefindServiceConfig,
    PagefindInboundConfig, SearchOptions, SearchState,
};

#[derive(Debug)]
pub struct IndexedFileResponse {
    pub page_word_count: u32,
    pub page_url: String,
    pub page_meta: BTreeMap<String, String>,
}

/// One record for [`PagefindIndex::add_custom_records`]: the arguments of
/// [`PagefindIndex::add_custom_record`].
#[derive(Debug, Clone, Default)]
pub struct CustomRecord {
    pub url: String,
    pub content: String,
    pub language: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
}

impl CustomRecord {
    /// The record as a page to fossick, in `force_language` if one is set.
    fn into_fossicker(self, force_language: Option<String>) -> Fossicker {
        let data = DomParserResult {
            digest: self.content,
            filters: self.filters,
            sort: self.sort,
            meta: self.meta,
            anchor_content: BTreeMap::new(),
            anchor_titles: BTreeMap::new(),
            has_custom_body: false,
            force_inclusion: true,
            has_html_element: true,
            has_old_bundle_reference: false,
            has_default_ui_reference: false,
            language: force_language.unwrap_or(self.language),
        };
        Fossicker::new_with_data(self.url, data)
    }
}

/// Packs custom records for an index (see [`PagefindIndex::packer`]).
#[derive(Clone)]
pub struct RecordPacker {
    options: SearchOptions,
    force_language: Option<String>,
}

impl RecordPacker {
    /// The record fossicked and packed for the index, as [`PagefindIndex::index_custom_records`] would.
    pub fn pack(&self, record: CustomRecord) -> Result<IndexedPage> {
        record
            .into_fossicker(self.force_language.clone())
            .fossick_sync(&self.options)
            .map(IndexedPage::pack)
    }
}

pub struct PagefindIndex {
    search_index: Arc<tokio::sync::Mutex<SearchState>>,
}

impl PagefindIndex {
    /// Create a new PagefindIndex instance that files can be added to.
    ///
    /// # Arguments
    /// * `config` - An optional PagefindServiceConfig to override default options for the service.
    ///
    /// # Returns
    /// A PagefindIndex instance if search options are valid, otherwise an Error.
    pub fn new(config: Option<PagefindServiceConfig>) -> Result<Self> {
        let mut service_options: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");

        service_options.service = true;
        if let Some(config) = config {
            service_options = config.apply(service_options);
        }

        let options = SearchOptions::load(service_options)?;
        Ok(Self {
            search_index: Arc::new(tokio::sync::Mutex::new(SearchState::new(options))),
        })
    }

    /// Add an HTML file that isn't on disk into this search index.
    /// Either a filepath or a URL must be provided.
    ///
    /// # Arguments
    /// * `source_path` - The source path of the HTML file if it were to exist on disk.
    /// * `url` - An explicit URL to use, instead of having Pagefind compute the URL based on the `source_path`.
    /// * `content` - The source HTML content of the file to be parsed.
    ///
    /// # Returns
    /// Metadata about the added file if successful, otherwise an Error.
    pub async fn add_html_file(
        &mut self,
        source_path: Option<String>,
        url: Option<String>,
        content: String,
    ) -> Result<IndexedFileResponse> {
        if source_path.is_none() && url.is_none() {
            bail!("Either source_path or url must be provided");
        }

        let file = Fossicker::new_synthetic(source_path.map(PathBuf::from), url, content);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(IndexedFileResponse {
            page_word_count: data.fragment.data.word_count as u32,
            page_url: data.fragment.data.url,
            page_meta: data.fragment.data.meta,
        })
    }

    /// Index a custom record that isn't backed by an HTML file.
    ///
    /// # Arguments
    /// * `url` - The output URL of this record. Pagefind will not alter this.
    /// * `content` - The raw content of this record.
    /// * `language` - What language is this record written in. Expects an ISO 639-1 code.
    /// * `meta` - The metadata to attach to this record. Supplying a `title` is highly recommended.
    /// * `filters` - The filters to attach to this record.
    /// * `sort` - The sort keys to attach to this record.
    ///
    /// # Returns
    /// Metadata about the added record if successful, otherwise an Error.
    pub async fn add_custom_record(
        &mut self,
        url: String,
        content: String,
        language: String,
        meta: Option<BTreeMap<String, String>>,
        filters: Option<BTreeMap<String, Vec<String>>>,
        sort: Option<BTreeMap<String, String>>,
    ) -> Result<IndexedFileResponse> {
        let force_language = self
            .search_index
            .lock()
            .await
            .options
            .force_language
            .clone();
        let record = CustomRecord {
            url,
            content,
            language,
            meta: meta.unwrap_or_default(),
            filters: filters.unwrap_or_default(),
            sort: sort.unwrap_or_default(),
        };
        let file = record.into_fossicker(force_language);
        let state = Arc::clone(&self.search_index);
        let data = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_one(file)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(IndexedFileResponse {
            page_word_count: data.fragment.data.word_count as u32,
            page_url: data.fragment.data.url,
            page_meta: data.fragment.data.meta,
        })
    }

    /// Index many custom records at once, fossicking them in parallel, as
    /// [`Self::add_custom_record`] would one by one (and much faster than one call per
    /// record). A record with the URL of an earlier one replaces it.
    ///
    /// # Returns
    /// The number of records added if successful, otherwise an Error (and none are added).
    pub async fn add_custom_records(&mut self, records: Vec<CustomRecord>) -> Result<usize> {
        let force_language = self
            .search_index
            .lock()
            .await
            .options
            .force_language
            .clone();
        let files: Vec<Fossicker> = records
            .into_iter()
            .map(|record| record.into_fossicker(force_language.clone()))
            .collect();
        let state = Arc::clone(&self.search_index);
        tokio::task::spawn_blocking(move || state.blocking_lock().fossick_batch(files))
            .await
            .map_err(|e| anyhow::anyhow!("Task join error: {e}"))?
    }

    /// Fossicks custom records and packs them for the index, in parallel, without adding
    /// them: a program can keep the [`IndexedPage`]s (as bytes, between builds) and add
    /// them with [`Self::add_indexed_pages`] instead of fossicking the same records again.
    ///
    /// # Returns
    /// The packed pages, in the order of the records, or the first error.
    pub async fn index_custom_records(&self, records: Vec<CustomRecord>) -> Result<Vec<IndexedPage>> {
        let state = self.search_index.lock().await;
        let force_language = state.options.force_language.clone();
        let files: Vec<Fossicker> = records
            .into_iter()
            .map(|record| record.into_fossicker(force_language.clone()))
            .collect();
        state.pack_batch(files)
    }

    /// A packer of custom records that works on any thread, without this index's lock:
    /// [`RecordPacker::pack`] makes what [`Self::index_custom_records`] makes of a record,
    /// one record at a time, so a program can pack records as it makes them (in parallel,
    /// without holding them all).
    pub async fn packer(&self) -> RecordPacker {
        let state = self.search_index.lock().await;
        RecordPacker {
            options: state.options.clone(),
            force_language: state.options.force_language.clone(),
        }
    }

    /// Adds pages packed by [`Self::index_custom_records`] (now or in an earlier run of
    /// the same Pagefind), as adding their records would; a page with the URL of an earlier
    /// one replaces it.
    ///
    /// # Returns
    /// The number of pages added.
    pub async fn add_indexed_pages(&mut self, pages: Vec<IndexedPage>) -> Result<usize> {
        let mut state = self.search_index.lock().await;
        let count = pages.len();
        for page in pages {
            state.insert_fossicked(page);
        }
        Ok(count)
    }

    /// Index a directory of HTML files from disk.
    ///
    /// # Arguments
    /// * `path` - The path to the directory to index.
    /// * `glob` - A glob pattern to match files in the directory. If not provided, the default glob pattern will be used.
    ///
    /// # Returns
    /// The number of pages indexed if successful, otherwise an Error.
    pub async fn add_directory(&mut self, path: String, glob: Option<String>) -> Result<usize> {
        let defaults: PagefindInboundConfig =
            serde_json::from_str("{}").expect("All fields have serde defaults");
        let glob = glob.unwrap_or(defaults.glob);

        let state = Arc::clone(&self.search_index);
        let page_count = tokio::task::spawn_blocking(move || {
            state.blocking_lock().fossick_many(PathBuf::from(path), glob)
        })
        .await
        .map_err(|e| anyhow::anyhow!("Task join error: {e}"))??;

        Ok(page_count)
    }

    /// Build the search index for this instance and hold it in memory.
    pub async fn build_indexes(&mut self) -> Result<()> {
        self.search_index.lock().await.build_indexes().await
    }

    /// Build the search index for this instance and write the files to disk.
    ///
    /// # Arguments
    /// * `output_path` - The path to write the files to. If not provided, the default output path will be used.
    ///
    /// # Returns
    /// The path files were written to if successful, otherwise an Error.
    pub async fn write_files(&mut self, output_path: Option<String>) -> Result<String> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        let resolved_output_path = state.write_files(output_path.map(Into::into)).await;

        Ok(resolved_output_path.to_string_lossy().into())
    }

    /// Build the search index for this instance and return the files as a list of
    /// SyntheticFileResponse.
    ///
    /// # Returns
    /// A list of SyntheticFiles containing the path and content of each file.
    pub async fn get_files(&mut self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes().await?;
        Ok(state.get_files().await)
    }

    /// As [`Self::get_files`], but the records added so far are moved into the index
    /// rather than copied, and are gone afterwards: for a one-shot build, which then holds
    /// them once, not twice.
    ///
    /// # Returns
    /// A list of SyntheticFiles containing the path and content of each file.
    pub async fn take_files(&mut self) -> Result<Vec<SyntheticFile>> {
        let mut state = self.search_index.lock().await;
        state.build_indexes_from(true).await?;
        let files = state.get_files().await;
        state.built_indexes.clear();
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn test_add_file() {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language("en".to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).unwrap();
        let file_response = index
            .add_html_file(
                Some("test/index.html".into()),
                None,
                "<html><body><h1>Test content</h1></body></html>".into(),
            )
            .await;

        let file = file_response.expect("Adding a file should succeed");
        assert_eq!(file.page_word_count, 2);
        assert_eq!(file.page_url, "/test/index.html");

        let files_response = index.get_files().await;

        let files = files_response.expect("Getting files should succeed");
        let filenames: Vec<_> = files.into_iter().map(|f| f.filename).collect();
        assert!(filenames.contains(&PathBuf::from("pagefind.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.js")));
        assert!(filenames.contains(&PathBuf::from("pagefind-ui.css")));
        assert!(filenames.contains(&PathBuf::from("wasm.en.pagefind")));
        assert!(filenames.contains(&PathBuf::from("pagefind-entry.json")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_meta")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_fragment")));
        assert!(filenames
            .iter()
            .any(|f| f.to_string_lossy().ends_with(".pf_index")));
    }

    /// Some custom records, one URL of them twice.
    fn records() -> Vec<CustomRecord> {
        let record = |url: &str, content: &str| CustomRecord {
            url: url.into(),
            content: content.into(),
            language: "en".into(),
            meta: BTreeMap::from([("title".into(), format!("Title of {url}"))]),
            filters: BTreeMap::from([("kind".into(), vec!["note".into()])]),
            sort: BTreeMap::new(),
        };
        vec![
            record("/a/", "Apples and pears, grown in orchards"),
            record("/b/", "Bananas ripen in the sun"),
            record("/a/", "Apricots replace the apples"),
            record("/c/", "Cherries in an orchard"),
        ]
    }

    /// The files of an index, sorted by name.
    async fn files_of(index: &mut PagefindIndex) -> Vec<(PathBuf, Vec<u8>)> {
        let files = index.get_files().await.expect("Getting files should succeed");
        let mut files: Vec<_> = files.into_iter().map(|f| (f.filename, f.contents)).collect();
        files.sort();
        files
    }

    #[tokio::test]
    async fn test_add_custom_records_as_one_by_one() {
        let mut one_by_one = PagefindIndex::new(None).unwrap();
        for record in records() {
            one_by_one
                .add_custom_record(
                    record.url,
                    record.content,
                    record.language,
                    Some(record.meta),
                    Some(record.filters),
                    Some(record.sort),
                )
                .await
                .expect("Adding a record should succeed");
        }
        let mut batched = PagefindIndex::new(None).unwrap();
        let added = batched.add_custom_records(records()).await;
        assert_eq!(added.expect("Adding records should succeed"), 4);

        let files = files_of(&mut batched).await;
        assert_eq!(files, files_of(&mut one_by_one).await);
        let entry = &files.iter().find(|(name, _)| name.ends_with("pagefind-entry.json")).unwrap().1;
        let entry = String::from_utf8_lossy(entry);
        assert!(entry.contains(r#""page_count":3"#), "{entry}");
    }

    #[tokio::test]
    async fn test_indexed_pages_as_records() {
        let mut added = PagefindIndex::new(None).unwrap();
        added.add_custom_records(records()).await.unwrap();
        let mut packed = PagefindIndex::new(None).unwrap();
        let pages = packed.index_custom_records(records()).await.unwrap();
        assert_eq!(pages.len(), 4);
        // Kept as bytes and read back, as between two builds.
        let pages: Vec<IndexedPage> = pages
            .iter()
            .map(|page| IndexedPage::from_bytes(&page.to_bytes()).unwrap())
            .collect();
        assert_eq!(pages[2].url(), "/a/");
        assert_eq!(packed.add_indexed_pages(pages).await.unwrap(), 4);
        assert_eq!(files_of(&mut packed).await, files_of(&mut added).await);
        assert!(IndexedPage::from_bytes(b"not a page").is_err());

        // One record at a time, from another thread, through a packer.
        let packer = added.packer().await;
        let pages = std::thread::spawn(move || {
            records().into_iter().map(|r| packer.pack(r).unwrap()).collect::<Vec<_>>()
        })
        .join()
        .unwrap();
        let mut one_by_one = PagefindIndex::new(None).unwrap();
        one_by_one.add_indexed_pages(pages).await.unwrap();
        assert_eq!(files_of(&mut one_by_one).await, files_of(&mut packed).await);
    }

    #[tokio::test]
    async fn test_take_files_as_get_files() {
        let mut kept = PagefindIndex::new(None).unwrap();
        kept.add_custom_records(records()).await.unwrap();
        let mut taken = PagefindIndex::new(None).unwrap();
        taken.add_custom_records(records()).await.unwrap();

        let taken_files = taken.take_files().await.expect("Taking files should succeed");
        let mut taken_files: Vec<_> = taken_files
            .into_iter()
            .map(|f| (f.filename, f.contents))
            .collect();
        taken_files.sort();
        assert_eq!(taken_files, files_of(&mut kept).await);

        // The records are gone: an index of the next records alone.
        let mut empty = PagefindIndex::new(None).unwrap();
        assert_eq!(files_of(&mut taken).await, files_of(&mut empty).await);
    }
}
