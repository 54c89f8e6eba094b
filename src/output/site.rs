//! What a build produces, shared by every phase after Markdown: the
//! rendered Markdown of each page ([`RenderedPages`], read by the view
//! assembly and the exports) and the site's files ([`Site`], written by
//! `output`, served by `serve`). Kept apart from the pipeline (`build`) so
//! that the phases it runs can use these types without importing it.

use std::collections::BTreeSet;

use imbl::OrdMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::model::{Content, Page, PageId};
use crate::render::markdown::Rendered;

/// Every file of the built site, by path relative to the output folder.
///
/// The map is persistent (`imbl`): a copy shares its entries with the original, so `serve`
/// starts each rebuild's site from the one it serves for the cost of a pointer, and only
/// the files an edit changes are new.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub files: OrdMap<String, Arc<[u8]>>,
    /// Pages already sent to a [`Sink`] (a build to disk): their paths, not their bytes.
    pub written: BTreeSet<String>,
}

impl Site {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Arc::from(bytes.into()));
    }

    /// Every file held here, for work on several threads.
    pub fn par_files(&self) -> impl rayon::iter::ParallelIterator<Item = (&String, &Arc<[u8]>)> {
        use rayon::iter::IntoParallelIterator;
        self.files.iter().collect::<Vec<_>>().into_par_iter()
    }

    /// The path of every file, whether held here or already written, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &String> {
        let mut held = self.files.keys().peekable();
        let mut written = self.written.iter().peekable();
        std::iter::from_fn(move || match (held.peek(), written.peek()) {
            (Some(a), Some(b)) if b < a => written.next(),
            (Some(_), _) => held.next(),
            (None, _) => written.next(),
        })
    }
}

/// Where a build to disk sends each page as soon as it is rendered, so the
/// pages are never all held in memory at once (`serve` keeps them in [`Site`]).
/// A sink that fails remembers the error and reports it when it is finished.
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]);
    /// The paths put so far.
    fn written(&self) -> BTreeSet<String>;
}

/// The rendered Markdown of every page, by page id: the page table every phase after
/// Markdown reads (views, backlinks, exports, search records, the rebuild plan).
#[derive(Default)]
pub struct RenderedPages {
    pages: FxHashMap<PageId, Rendered>,
}

impl RenderedPages {
    pub fn empty() -> RenderedPages {
        RenderedPages::default()
    }

    pub fn insert(&mut self, id: PageId, rendered: Rendered) {
        self.pages.insert(id, rendered);
    }

    /// Takes a page's rendering out of the table (to keep it across a rebuild).
    pub fn take(&mut self, id: &PageId) -> Option<Rendered> {
        self.pages.remove(id)
    }

    pub fn get(&self, id: &PageId) -> Option<&Rendered> {
        self.pages.get(id)
    }

    /// The rendering of a loaded page: every page of the content a table was rendered
    /// from has one.
    pub fn of<M>(&self, page: &Page<M>) -> &Rendered {
        &self.pages[&page.id]
    }

    /// Every rendered page of `content`, in its order: articles, sources, figures, then the
    /// landing page.
    pub fn all<'a>(&'a self, content: &'a Content) -> impl Iterator<Item = (&'a PageId, &'a Rendered)> {
        let ids = (content.articles.iter().map(|p| &p.id))
            .chain(content.sources.iter().map(|p| &p.id))
            .chain(content.figures.iter().map(|p| &p.id))
            .chain(content.index.iter().map(|p| &p.id));
        ids.filter_map(|id| self.pages.get(id).map(|r| (id, r)))
    }
}
