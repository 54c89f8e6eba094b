//! Source pages: who or what a source is, and everything that uses it.

use super::Assembler;
use super::backlinks::Use;
use crate::output::views::SourceView;

impl<'a> Assembler<'a> {
    pub(super) fn source_view(&self, i: usize) -> SourceView<'_> {
        let source = &self.content().sources[i];
        let meta = &source.meta;
        let slug = source.slug();
        let citations = self.backlink_views(self.backlinks().citations.get(slug), Use::Citation);
        let mentions = self.backlink_views(self.backlinks().mentions.get(slug), Use::Mention);
        let annotations = self.annotations_citing.get(&self.index.source_url(slug)).cloned().unwrap_or_default();
        SourceView {
            site: &self.site,
            id: slug.to_string(),
            title: meta.title.clone(),
            url: self.index.source_url(slug),
            kind: meta.kind.as_str().into(),
            kind_label: meta.kind.plural_label().into(),
            aliases: meta.aliases.clone(),
            role: meta.role.clone(),
            affiliation: meta
                .affiliation
                .as_deref()
                .filter(|a| self.index.source(a).is_some())
                .map(|a| self.source_link(a)),
            members: self.links_to_sources(self.backlinks().members.get(slug)),
            external_url: meta.url.clone().filter(|u| crate::text::html::is_safe_url(u)),
            archive_url: meta.archive_url.clone().filter(|u| crate::text::html::is_safe_url(u)),
            published: meta.published.map(|d| d.human()),
            accessed: meta.accessed.map(|d| d.human()),
            pseudonym: meta.pseudonym.label(),
            body_html: &self.rendered.of(source).html,
            citations,
            mentions,
            figures: self.links_to_figures(self.backlinks().claims.get(slug)),
            cited_by_figures: self.links_to_figures(self.backlinks().figure_cites.get(slug)),
            annotations,
        }
    }
}
