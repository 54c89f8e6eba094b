//! What a build produces, shared by every phase after Markdown: the
//! rendered Markdown of each page ([`RenderedPages`], read by the view
//! assembly and the exports) and the site's files ([`Site`], written by
//! `output`, served by `serve`). Kept apart from the pipeline (`build`) so
//! that the phases it runs can use these types without importing it.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::markdown::Rendered;

/// Every file of the built site, by path relative to the output folder.
#[derive(Clone, Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, Arc<[u8]>>,
}

impl Site {
    pub fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), Arc::from(bytes.into()));
    }
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
