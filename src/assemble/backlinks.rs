//! Backlinks: where each source and figure is used (cited, mentioned,
//! embedded, linked, claimed, affiliated), gathered once after every page's
//! Markdown has rendered, and the views that list them on source and figure
//! pages.

use std::borrow::Cow;

use rustc_hash::{FxHashMap, FxHashSet};

use super::Assembler;
use crate::model::{Content, PageId};
use crate::output::site::RenderedPages;
use crate::output::views::{BacklinkView, LinkView};

/// Where each source and figure is used, gathered once from every page's facts.
/// Only indices are stored (article, and position in its facts); views are built on demand.
#[derive(Default)]
pub(super) struct Backlinks<'a> {
    pub(super) citations: FxHashMap<&'a str, Vec<(usize, usize)>>,
    pub(super) mentions: FxHashMap<&'a str, Vec<(usize, usize)>>,
    pub(super) figure_uses: FxHashMap<&'a str, Vec<(usize, usize)>>,
    /// Articles whose Markdown links to a page with a wikilink.
    pub(super) links_to: FxHashMap<&'a PageId, Vec<usize>>,
    /// Sources affiliated with a source (source indices).
    pub(super) members: FxHashMap<&'a str, Vec<usize>>,
    /// Figures claimed by a source, and figures citing it (figure indices).
    pub(super) claims: FxHashMap<&'a str, Vec<usize>>,
    pub(super) figure_cites: FxHashMap<&'a str, Vec<usize>>,
    /// Articles whose annotations or events cite a source (article indices).
    pub(super) annotated_in: FxHashMap<&'a str, Vec<usize>>,
}

#[derive(Clone, Copy)]
pub(super) enum Use {
    Citation,
    Mention,
    Figure,
}

impl<'a> Assembler<'a> {
    pub(super) fn backlinks(&self) -> &Backlinks<'a> {
        self.backlinks.get_or_init(|| self.gather_backlinks())
    }

    pub(super) fn gather_backlinks(&self) -> Backlinks<'a> {
        let content: &'a Content = self.index.content;
        let rendered: &'a RenderedPages = self.rendered;
        let mut b = Backlinks::default();
        for (a, facts) in content.articles.iter().map(|p| rendered.of(p)).enumerate() {
            for (k, c) in facts.citations.iter().enumerate() {
                b.citations.entry(c.source.as_str()).or_default().push((a, k));
            }
            for (k, m) in facts.mentions.iter().enumerate() {
                b.mentions.entry(m.source.as_str()).or_default().push((a, k));
            }
            for (k, f) in facts.figures.iter().enumerate() {
                b.figure_uses.entry(f.figure.as_str()).or_default().push((a, k));
            }
            for link in &facts.links {
                b.links_to.entry(link).or_default().push(a);
            }
        }
        for (i, source) in content.sources.iter().enumerate() {
            if let Some(a) = &source.meta.affiliation {
                b.members.entry(a.as_str()).or_default().push(i);
            }
        }
        for (i, f) in content.figures.iter().enumerate() {
            if let Some(claimant) = &f.meta.claimed_by {
                b.claims.entry(claimant.as_str()).or_default().push(i);
            }
            for cite in &f.meta.cites {
                b.figure_cites.entry(cite.as_str()).or_default().push(i);
            }
        }
        for (i, article) in content.articles.iter().enumerate() {
            let meta = &article.meta;
            for cite in meta.annotations.iter().flat_map(|a| &a.cites).chain(meta.events.iter().flat_map(|e| &e.cites))
            {
                b.annotated_in.entry(cite.as_str()).or_default().push(i);
            }
        }
        b
    }

    /// Articles whose rendered Markdown shows something of source or figure `id`.
    pub(super) fn articles_using(&self, id: &PageId) -> Vec<usize> {
        let b = self.backlinks();
        let slug = id.slug();
        let mut articles: Vec<usize> = match id {
            PageId::Source(_) => {
                b.citations.get(slug).into_iter().chain(b.mentions.get(slug)).flatten().map(|(a, _)| *a).collect()
            }
            _ => b.figure_uses.get(slug).into_iter().flatten().map(|(a, _)| *a).collect(),
        };
        articles.extend(b.links_to.get(id).into_iter().flatten());
        articles.sort_unstable();
        articles.dedup();
        articles
    }

    pub(super) fn backlink_views(&self, uses: Option<&Vec<(usize, usize)>>, kind: Use) -> Vec<BacklinkView<'a>> {
        let c = self.content();
        // The same sentence twice on a page (a citation in the text and in a margin note on it)
        // is listed once: pages and sentences are compared where they lie, not copied.
        let mut seen: FxHashSet<(usize, &str)> = FxHashSet::default();
        let mut views = Vec::new();
        for &(a, k) in uses.into_iter().flatten() {
            let article = &c.articles[a];
            let facts = self.rendered.of(article);
            let (anchor, sentence, number) = match kind {
                Use::Citation => {
                    let cite = &facts.citations[k];
                    (Cow::Borrowed(cite.anchor.as_str()), &*cite.sentence, Some(cite.number))
                }
                Use::Mention => (Cow::Borrowed(facts.mentions[k].anchor.as_str()), &*facts.mentions[k].sentence, None),
                Use::Figure => {
                    let f = &facts.figures[k];
                    let anchor = if f.embedded { Cow::Owned(format!("fig-{}", f.figure)) } else { Cow::Borrowed("") };
                    (anchor, "", Some(f.number))
                }
            };
            if !sentence.is_empty() && !seen.insert((a, sentence)) {
                continue;
            }
            let page = self.link(&article.id, &article.meta.title);
            let url = if anchor.is_empty() { page.url.clone() } else { format!("{}#{anchor}", page.url) };
            views.push(BacklinkView { page, url, sentence, number });
        }
        views
    }

    pub(super) fn uses_of(&self, slug: &str) -> usize {
        let count = |m: &FxHashMap<&str, Vec<(usize, usize)>>| m.get(slug).map_or(0, Vec::len);
        count(&self.backlinks().citations) + count(&self.backlinks().mentions)
    }

    pub(super) fn links_to_sources(&self, indices: Option<&Vec<usize>>) -> Vec<LinkView> {
        indices.into_iter().flatten().map(|&i| self.source_link(self.content().sources[i].slug())).collect()
    }

    pub(super) fn links_to_figures(&self, indices: Option<&Vec<usize>>) -> Vec<LinkView> {
        let figures = &self.content().figures;
        indices.into_iter().flatten().map(|&i| self.link(&figures[i].id, &figures[i].meta.title)).collect()
    }
}
