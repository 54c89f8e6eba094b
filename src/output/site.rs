//! What a build produces, shared by every phase after Markdown: the
//! rendered Markdown of each page ([`RenderedPages`], read by the view
//! assembly and the exports) and the site's files ([`Site`], written by
//! `output`, served by `serve`). Kept apart from the pipeline (`build`) so
//! that the phases it runs can use these types without importing it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::render::markdown::Rendered;

/// Every file of the built site, by path relative to the output folder.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, Arc<[u8]>>,
    /// Pages already sent to a [`Sink`] (a build to disk): their paths, not their bytes.
    pub written: BTreeSet<String>,
}

impl Site {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Arc::from(bytes.into()));
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

/// The rendered Markdown of every page, in the order of [`Content`]'s lists.
pub struct RenderedPages {
    pub articles: Vec<Rendered>,
    pub sources: Vec<Rendered>,
    pub figures: Vec<Rendered>,
    pub index: Option<Rendered>,
}

impl RenderedPages {
    pub fn empty() -> RenderedPages {
        RenderedPages { articles: Vec::new(), sources: Vec::new(), figures: Vec::new(), index: None }
    }

    /// Every rendered page: articles, sources, figures, then the landing page.
    pub fn all(&self) -> impl Iterator<Item = &Rendered> {
        self.articles.iter().chain(&self.sources).chain(&self.figures).chain(&self.index)
    }
}
