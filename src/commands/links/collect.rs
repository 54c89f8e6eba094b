//! Every external address a dossier links to, with each place it is written.
//!
//! Sources' `url:` and `archive_url:`, and the links of every Markdown body
//! (articles, sources, figures, the landing page) and of every annotation's
//! `note:`. Each use keeps its file, line and column, so a dead address is
//! reported where the author wrote it, once per place.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pulldown_cmark::{Event, Parser, Tag};

use crate::diagnostics::Location;
use crate::model::{Content, Page};
use crate::render::markdown::cmark_options;

/// What a use of an address is, which decides the advice when it is dead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UseKind {
    /// A source's `url:`; `archived` if the source also has `archive_url:`.
    SourceUrl { archived: bool },
    /// A source's `archive_url:`.
    ArchiveUrl,
    /// A link in a body or an annotation's note.
    Link,
}

/// One place an address is written.
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub(crate) file: PathBuf,
    pub(crate) location: Option<Location>,
    pub(crate) kind: UseKind,
    /// The source's slug, for a `url:` or `archive_url:`.
    pub(crate) source: Option<String>,
}

/// Address → every place it is written, in a stable order.
pub(crate) type Uses = BTreeMap<String, Vec<Use>>;

/// Whether dossier checks this address: `http://` and `https://` only.
pub(crate) fn is_checkable(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Every checkable address of `content` and where it is written, but those of the
/// site itself (under `base_url`, which the build checks, and which may not be
/// published yet).
pub(crate) fn collect(content: &Content, base_url: &str) -> Uses {
    let mut uses = collect_all(content);
    let own = base_url.trim_end_matches('/');
    if own.contains("://") {
        uses.retain(|url, _| !(url.starts_with(own) && url[own.len()..].starts_with(['/', '?', '#']) || url == own));
    }
    uses
}

fn collect_all(content: &Content) -> Uses {
    let mut uses = Uses::new();
    for source in &content.sources {
        let archived = source.meta.archive_url.is_some();
        if let Some(url) = &source.meta.url {
            front_matter_use(&mut uses, source, "url:", url, UseKind::SourceUrl { archived });
        }
        if let Some(url) = &source.meta.archive_url {
            front_matter_use(&mut uses, source, "archive_url:", url, UseKind::ArchiveUrl);
        }
        body_links(&mut uses, source);
    }
    for article in &content.articles {
        for note in article.meta.annotations.iter().filter_map(|a| a.note.as_deref()) {
            for url in links_in(note).into_iter().map(|(url, _)| url) {
                front_matter_use(&mut uses, article, "note:", &url, UseKind::Link);
            }
        }
        body_links(&mut uses, article);
    }
    for figure in &content.figures {
        body_links(&mut uses, figure);
    }
    if let Some(index) = &content.index {
        body_links(&mut uses, index);
    }
    uses
}

fn front_matter_use<M>(uses: &mut Uses, page: &Page<M>, field: &str, url: &str, kind: UseKind) {
    if !is_checkable(url) {
        return;
    }
    let location = page.locate_after(field, url).or_else(|| page.locate(url));
    let source = matches!(kind, UseKind::SourceUrl { .. } | UseKind::ArchiveUrl).then(|| page.slug().to_string());
    uses.entry(url.to_string()).or_default().push(Use { file: page.path.clone(), location, kind, source });
}

fn body_links<M>(uses: &mut Uses, page: &Page<M>) {
    for (url, offset) in links_in(page.body()) {
        let location = Some(page.body_location(offset));
        uses.entry(url).or_default().push(Use { file: page.path.clone(), location, kind: UseKind::Link, source: None });
    }
}

/// The checkable link and image addresses of a Markdown text, each with the byte
/// offset where it is written (in the link itself, or in its reference definition).
fn links_in(markdown: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(markdown, cmark_options(false)).into_offset_iter() {
        let url = match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        if !is_checkable(url) {
            continue;
        }
        let offset = markdown[range.clone()]
            .find(url.as_ref())
            .map(|i| range.start + i)
            .or_else(|| markdown.find(url.as_ref()))
            .unwrap_or(range.start);
        found.push((url.to_string(), offset));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::links_in;

    #[test]
    fn links_are_found_where_they_are_written() {
        let text = "See [the report](https://example.org/r) and <http://a.example/>.\n\n\
                    A [reference][r] and [local](../sources/x/) and [mail](mailto:a@b.c).\n\n\
                    [r]: https://example.org/ref\n";
        let found = links_in(text);
        let urls: Vec<&str> = found.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(urls, ["https://example.org/r", "http://a.example/", "https://example.org/ref"]);
        for (url, offset) in &found {
            assert!(text[*offset..].starts_with(url.as_str()), "{url} at {offset}");
        }
    }
}
