//! What a browser sees of a published article, for the W3C selectors of
//! `annotations.jsonld`.
//!
//! W3C clients (Apache Annotator, Hypothesis) anchor a `TextQuoteSelector` or
//! `TextPositionSelector` in the `textContent` of an element, character for
//! character: curly quotes stay curly, white space stays as written, and any
//! text the page inserts (numbers, labels) counts. So the selectors are not
//! computed from our normalised anchoring text but from the rendered page
//! itself: it is parsed as a browser would (html5ever), the text content of
//! its `.article-body` element is collected, and each highlight's
//! `<mark data-annotation>` pieces give its place in that text.

use scraper::{ElementRef, Html, Node, Selector};

/// The element the exported selectors are relative to (documented in docs/annotations.md).
pub const SCOPE: &str = "article .article-body";

/// Characters of context kept before and after a quote.
pub const CONTEXT: usize = 32;

/// One placement of a highlight in the published text (positions in Unicode code points).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// The mark's element id (`anno-x`, `anno-x-2`): one per placement.
    pub anchor: String,
    pub start: usize,
    pub end: usize,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
    /// The text of the highlight's marks alone (equal to `exact` unless
    /// something else is shown inside the highlighted range).
    pub marked: String,
}

/// Every highlight of the page's `.article-body`, in text order; `None` if
/// the page (a custom template) has no such element.
pub fn selections(page_html: &str) -> Option<Vec<Selection>> {
    let document = Html::parse_document(page_html);
    let scope = Selector::parse(SCOPE).ok()?;
    let body = document.select(&scope).next()?;
    let mut walk = Walk::default();
    walk.element(body);
    let text: Vec<char> = walk.text.chars().collect();
    let slice = |a: usize, b: usize| text[a..b].iter().collect::<String>();
    Some(
        walk.placements
            .into_iter()
            .map(|p| Selection {
                prefix: slice(p.start.saturating_sub(CONTEXT), p.start),
                suffix: slice(p.end, (p.end + CONTEXT).min(text.len())),
                exact: slice(p.start, p.end),
                anchor: p.anchor,
                start: p.start,
                end: p.end,
                marked: p.marked,
            })
            .collect(),
    )
}

struct Placement {
    annotation: String,
    anchor: String,
    start: usize,
    end: usize,
    marked: String,
}

#[derive(Default)]
struct Walk {
    text: String,
    /// Code points in `text`.
    chars: usize,
    placements: Vec<Placement>,
    /// Marks open around the current text: index into `placements`.
    open: Vec<usize>,
}

impl Walk {
    fn element(&mut self, element: ElementRef) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) => {
                    self.chars += text.chars().count();
                    self.text.push_str(text);
                    for &p in &self.open {
                        self.placements[p].marked.push_str(text);
                    }
                }
                Node::Element(_) => {
                    let Some(child) = ElementRef::wrap(child) else { continue };
                    let mark = child.value().name() == "mark";
                    let placement =
                        child.value().attr("data-annotation").filter(|_| mark).map(|id| self.enter(child, id));
                    if let Some(p) = placement {
                        self.open.push(p);
                    }
                    self.element(child);
                    if let Some(p) = placement {
                        self.open.pop();
                        self.placements[p].end = self.chars;
                    }
                }
                _ => {}
            }
        }
    }

    /// A mark piece: the first piece of a placement carries its element id;
    /// later pieces continue the latest placement of the same annotation.
    fn enter(&mut self, mark: ElementRef, annotation: &str) -> usize {
        if mark.value().id().is_none()
            && let Some(p) = self.placements.iter().rposition(|p| p.annotation == annotation)
        {
            return p;
        }
        let anchor = mark.value().id().unwrap_or(annotation).to_string();
        self.placements.push(Placement {
            annotation: annotation.to_string(),
            anchor,
            start: self.chars,
            end: self.chars,
            marked: String::new(),
        });
        self.placements.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::selections;

    #[test]
    fn selectors_are_computed_over_the_text_a_browser_sees() {
        let page = r##"<html><body><header>Site</header><article><div class="article-body">
<p>The army’s <mark data-annotation="a" id="anno-a">“new </mark><em><mark data-annotation="a">rules”</mark></em> &amp; more<a class="note-ref" href="#n"></a>.</p>
<p>Then <mark data-annotation="b" id="anno-b">again</mark>, and <mark data-annotation="b" id="anno-b-2">again</mark>.</p>
</div></article></body></html>"##;
        let found = selections(page).unwrap();
        let text = "\n<p>The army’s “new rules” & more.\nThen again, and again.\n".replace("<p>", "");
        assert_eq!(found.len(), 3);
        let a = &found[0];
        assert_eq!((a.anchor.as_str(), a.exact.as_str(), a.marked.as_str()), ("anno-a", "“new rules”", "“new rules”"));
        assert_eq!(a.prefix, "\nThe army’s ");
        assert!(a.suffix.starts_with(" & more.\nThen"), "{:?}", a.suffix);
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(chars[a.start..a.end].iter().collect::<String>(), a.exact, "positions count code points");
        assert_eq!((found[1].anchor.as_str(), found[2].anchor.as_str()), ("anno-b", "anno-b-2"));
        assert!(found[2].start > found[1].end);
    }

    #[test]
    fn a_page_without_the_article_element_has_no_selections() {
        assert_eq!(selections("<p>no article</p>"), None);
    }
}
