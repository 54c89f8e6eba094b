//! The landing page: the article and its versions, key figures, the most
//! used sources of each kind, the timeline.

use rustc_hash::FxHashMap;

use super::Assembler;
use crate::model::PageId;
use crate::output::views::{ArticleGroupView, IndexView, SourceGroupView};
use crate::render::figure;

/// How many sources of each kind the landing page lists: the most used, so it stays light.
const LANDING_SOURCES: usize = 50;

/// The group with only its `LANDING_SOURCES` most used sources, still sorted by title.
fn most_used(group: &SourceGroupView) -> SourceGroupView {
    if group.sources.len() <= LANDING_SOURCES {
        return group.clone();
    }
    let mut by_use: Vec<usize> = (0..group.sources.len()).collect();
    by_use.sort_by_key(|&i| std::cmp::Reverse(group.sources[i].uses));
    let mut keep: Vec<usize> = by_use.into_iter().take(LANDING_SOURCES).collect();
    keep.sort_unstable();
    let sources = keep.into_iter().map(|i| group.sources[i].clone()).collect();
    SourceGroupView { kind: group.kind.clone(), label: group.label.clone(), sources }
}

impl<'a> Assembler<'a> {
    pub(super) fn index_view(&self) -> IndexView {
        let c = self.content();
        let mut groups: Vec<ArticleGroupView> = Vec::new();
        let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
        for article in &c.articles {
            let key = article.article_key().to_string();
            if !by_key.contains_key(&key) {
                by_key.insert(key.clone(), groups.len());
                let mut versions = self.versions(article);
                versions.iter_mut().for_each(|v| v.current = false);
                let summary = c
                    .articles
                    .iter()
                    .filter(|a| a.article_key() == key)
                    .find(|a| a.version() == "edited")
                    .or(Some(article))
                    .and_then(|a| a.meta.summary.clone());
                groups.push(ArticleGroupView { key, versions, summary });
            }
        }
        let index_page = c.index.as_ref();
        IndexView {
            site: self.site.clone(),
            title: index_page.and_then(|p| p.meta.title.clone()).unwrap_or_else(|| self.index.config.title.clone()),
            url: self.index.config.url(""),
            summary: index_page
                .and_then(|p| p.meta.summary.clone())
                .or_else(|| Some(self.index.config.description.clone()).filter(|d| !d.is_empty())),
            body_html: self.rendered.get(&PageId::Landing).map(|r| r.html.clone()).unwrap_or_default(),
            articles: groups,
            figures: c.figures.iter().map(|f| self.figure_summary(f)).collect(),
            key_figures_html: c
                .figures
                .iter()
                .filter(|f| f.meta.kind == crate::model::FigureKind::Stat)
                .take(4)
                .map(|f| figure::embed(self.index, f, None, true))
                .collect(),
            source_groups: self.source_groups().iter().map(most_used).collect(),
            events: self.events(None),
            annotation_count: self.all_annotations().len(),
        }
    }
}
