//! Article pages: an article's versions, its predecessor, its annotations as
//! views, its timeline events, and what an article page shows of other pages.

use std::collections::HashSet;

use super::Assembler;
use crate::model::{Article, Event, FrontMatter, PageId};
use crate::output::exports;
use crate::output::views::*;

impl<'a> Assembler<'a> {
    /// The version an article was edited from: `edited_from`, else the as-received version.
    pub fn predecessor(&self, article: &Article) -> Option<usize> {
        let articles = &self.content().articles;
        if let Some(slug) = article.edited_from() {
            return self.article_slugs.get(slug).copied().filter(|&i| articles[i].slug() != article.slug());
        }
        if article.version() == "as-received" {
            return None;
        }
        self.versions_of_article(article)
            .find(|&i| articles[i].version() == "as-received" && articles[i].slug() != article.slug())
    }

    /// The indices of the versions of `article` (itself included), in content order.
    pub(super) fn versions_of_article(&self, article: &Article) -> impl Iterator<Item = usize> + '_ {
        self.versions_of.get(article.article_key()).into_iter().flatten().copied()
    }

    pub(super) fn versions(&self, article: &Article) -> Vec<VersionView> {
        let articles = &self.content().articles;
        self.versions_of_article(article)
            .map(|i| &articles[i])
            .map(|a| VersionView {
                title: a.meta.title.clone(),
                url: self.index.page_url(&a.id),
                version: a.version().to_string(),
                label: crate::output::views::version_label(a.version()),
                current: a.slug() == article.slug(),
            })
            .collect()
    }

    pub fn annotation_views(&self, article_index: usize) -> Vec<AnnotationView> {
        let article = &self.content().articles[article_index];
        let rendered = self.rendered.of(article);
        let mut seen = std::collections::HashSet::new();
        rendered
            .annotations
            .iter()
            .filter(|p| seen.insert(p.index))
            .map(|placed| {
                let a = &article.meta.annotations[placed.index];
                AnnotationView {
                    id: placed.id.clone(),
                    kind: placed.kind.as_str().into(),
                    kind_label: placed.kind.label().into(),
                    quote: a.quote.clone(),
                    correction: a.correction.clone(),
                    note_html: placed.note_html.to_string(),
                    verdict: crate::resolve::claims::of_annotation(self.index, article, a).map(|r| r.verdict),
                    sources: a
                        .cites
                        .iter()
                        .filter(|s| self.index.source(s).is_some())
                        .map(|s| self.source_link(s))
                        .collect(),
                    article: self.link(&article.id, &article.meta.title),
                    article_id: article.id.clone(),
                    url: format!("{}#{}", self.index.page_url(&article.id), placed.anchor),
                }
            })
            .collect()
    }

    /// Every annotation of every article, in article order.
    pub fn all_annotations(&self) -> &[AnnotationView] {
        &self.annotations
    }

    pub(super) fn article_view(&self, i: usize) -> ArticleView<'_> {
        let article = &self.content().articles[i];
        let rendered = self.rendered.of(article);
        let meta = &article.meta;
        // The citations of each source, in text order (one pass, not one per source).
        let mut backrefs: rustc_hash::FxHashMap<&str, Vec<String>> = rustc_hash::FxHashMap::default();
        for cite in &rendered.citations {
            backrefs.entry(cite.source.as_str()).or_default().push(cite.anchor.clone());
        }
        let bibliography: Vec<BibEntryView> = rendered
            .bibliography
            .iter()
            .enumerate()
            .filter_map(|(n, slug)| {
                let source = self.index.source(slug)?;
                Some(BibEntryView {
                    number: n + 1,
                    id: slug.clone(),
                    title: source.meta.title.clone(),
                    url: self.index.source_url(slug),
                    external_url: source.meta.url.clone(),
                    archive_url: source.meta.archive_url.clone(),
                    kind: source.meta.kind.as_str().into(),
                    role: source.meta.role.clone(),
                    pseudonym: source.meta.pseudonym.label(),
                    backrefs: backrefs.get(slug.as_str()).cloned().unwrap_or_default(),
                })
            })
            .collect();
        let url = self.index.page_url(&article.id);
        let changes_url = self.predecessor(article).map(|_| format!("{url}changes/"));
        let edited_from = self.predecessor(article).map(|p| {
            let from = &self.content().articles[p];
            self.link(&from.id, &from.meta.title)
        });
        ArticleView {
            site: &self.site,
            id: article.slug().to_string(),
            title: meta.title.clone(),
            version: article.version().to_string(),
            version_label: crate::output::views::version_label(article.version()),
            date: meta.date.map(|d| d.to_string()),
            date_human: meta.date.map(|d| d.human()),
            summary: meta.summary.clone(),
            language: meta.language.clone().unwrap_or_else(|| self.index.config.language.clone()),
            based_on: meta.based_on.as_deref().filter(|s| self.index.source(s).is_some()).map(|s| self.source_link(s)),
            edited_from,
            changes_url,
            body_html: &rendered.html,
            notes_html: &rendered.notes_html,
            annotations: self.annotation_views(i),
            figures: rendered
                .figures
                .iter()
                .filter_map(|f| {
                    self.index
                        .figure(&f.figure)
                        .map(|fig| self.link(&fig.id, &format!("Figure {}: {}", f.number, fig.meta.title)))
                })
                .collect(),
            versions: self.versions(article),
            events: self.events(Some(i)),
            jsonld: exports::article_jsonld(self.index, article, &bibliography),
            reviews_jsonld: exports::article_reviews_jsonld(self.index, article, &rendered.annotations),
            bibliography,
            url,
        }
    }

    /// What an article's page shows of other pages: cited and mentioned sources, figures, links.
    pub(super) fn article_deps(&self, i: usize, pages: &mut HashSet<PageId>) {
        let article = &self.content().articles[i];
        pages.extend(self.rendered.of(article).references());
        pages.extend(article.meta.references());
    }

    /// Timeline events of one article, or of all articles, in date order.
    pub(super) fn events(&self, only: Option<usize>) -> Vec<EventView> {
        let mut events: Vec<(&Event, &Article)> = self
            .content()
            .articles
            .iter()
            .enumerate()
            .filter(|(i, _)| only.is_none_or(|o| o == *i))
            .flat_map(|(_, a)| a.meta.events.iter().map(move |e| (e, a)))
            .collect();
        events.sort_by_key(|(e, _)| e.date);
        events
            .into_iter()
            .map(|(e, a)| EventView {
                date: e.date.to_string(),
                date_human: e.date.human(),
                label: e.label.clone(),
                page: self.link(&a.id, &a.meta.title),
                sources: e
                    .cites
                    .iter()
                    .filter(|s| self.index.source(s).is_some())
                    .map(|s| self.source_link(s))
                    .collect(),
            })
            .collect()
    }
}
