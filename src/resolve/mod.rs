//! Resolving: the index of every page's names and ids, and the
//! cross-references between pages (citations, figure numbers, wikilinks,
//! mentions, backlinks), with the dangling ones reported; and the claims the
//! dossier reviews (`rating:`), with the bad verdicts reported.

pub mod claims;
pub mod xref;

use crate::diagnostics::Diagnostics;
use crate::model::PageId;
use xref::Index;

/// Checks the front matter of the pages `wanted` accepts: every reference resolves
/// ([`Index::check_pages`]) and every rating is one the dossier declares ([`claims`]).
pub fn check_pages(index: &Index, wanted: impl Fn(&PageId) -> bool, diagnostics: &Diagnostics) {
    index.check_pages(&wanted, diagnostics);
    let content = index.content;
    for article in content.articles.iter().filter(|p| wanted(&p.id)) {
        claims::check_article(index, article, diagnostics);
    }
    for figure in content.figures.iter().filter(|p| wanted(&p.id)) {
        claims::check_figure(index, figure, diagnostics);
    }
}
