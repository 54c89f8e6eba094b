//! Figure pages, and the summaries lists and the landing page show of figures.

use super::Assembler;
use super::backlinks::Use;
use crate::output::exports;
use crate::output::views::{FigureSummaryView, FigureView};
use crate::render::figure;

impl<'a> Assembler<'a> {
    pub(super) fn figure_summary(&self, figure: &crate::model::Figure) -> FigureSummaryView {
        let meta = &figure.meta;
        FigureSummaryView {
            id: figure.slug().to_string(),
            title: meta.title.clone(),
            url: self.index.figure_url(figure.slug()),
            kind: meta.kind.as_str().into(),
            value: meta.value.map(crate::render::chart::format_number),
            unit: meta.unit.clone(),
            approximate: meta.approximate,
            claimant: meta
                .claimed_by
                .as_deref()
                .filter(|s| self.index.source(s).is_some())
                .map(|s| self.source_link(s)),
            as_of: meta.as_of.map(|d| d.human()),
            verdict: crate::resolve::claims::of_figure(self.index, figure).map(|r| r.verdict),
        }
    }

    pub(super) fn figure_view(&self, i: usize) -> FigureView<'_> {
        let figure = &self.content().figures[i];
        let referenced_in = self.backlink_views(self.backlinks().figure_uses.get(figure.slug()), Use::Figure);
        FigureView {
            site: &self.site,
            id: figure.slug().to_string(),
            title: figure.meta.title.clone(),
            url: self.index.figure_url(figure.slug()),
            summary: self.figure_summary(figure),
            figure_html: figure::embed(self.index, figure, None, false),
            body_html: &self.rendered.of(figure).html,
            sources: figure
                .meta
                .cites
                .iter()
                .filter(|s| self.index.source(s).is_some())
                .map(|s| self.source_link(s))
                .collect(),
            referenced_in,
            reviews_jsonld: exports::figure_reviews_jsonld(self.index, figure),
        }
    }
}
