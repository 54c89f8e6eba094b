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
use serde::{Deserialize, Serialize};

/// The element the exported selectors are relative to (documented in docs/annotations.md).
pub const SCOPE: &str = "article .article-body";

/// Characters of context kept before and after a quote.
pub const CONTEXT: usize = 32;

/// One placement of a highlight in the published text (positions in Unicode code points).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The same placement in the text of the whole `<body>`, as Hypothesis describes it.
    pub page: PageQuote,
}

/// A placement over `document.body.textContent`, the root Hypothesis anchors in: the
/// position in code points, and the quote with [`CONTEXT`] characters of context on
/// each side, where, as in Hypothesis's `TextQuoteAnchor.fromRange`, each `<br>` inside
/// the quote or its context reads as a space.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageQuote {
    pub start: usize,
    pub end: usize,
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
}

/// Every highlight of the page's `.article-body`, in text order; `None` if
/// the page (a custom template) has no such element.
pub fn selections(page_html: &str) -> Option<Vec<Selection>> {
    let document = Html::parse_document(page_html);
    let scope = Selector::parse(SCOPE).ok()?;
    let body = Selector::parse("body").ok()?;
    let body = document.select(&body).next()?;
    let mut walk = Walk { scope: Some(scope), ..Walk::default() };
    walk.element(body);
    let (from, to) = walk.scope_range?;
    let text: Vec<char> = walk.text.chars().collect();
    let slice = |a: usize, b: usize| text[a..b].iter().collect::<String>();
    // Hypothesis's rendered text: a space for each `<br>` inside the range, and, for
    // its context (a range it resolves up to the next text node), one at its end.
    let rendered = |a: usize, b: usize, context: bool| {
        let has_break = |i: usize| walk.breaks.binary_search(&i).is_ok();
        let mut out = String::new();
        // (Indexed from `a`, not skipped to: 10,000 highlights on a long article stay linear.)
        for (i, c) in text[a..b].iter().enumerate().map(|(k, c)| (a + k, c)) {
            if i > a && has_break(i) {
                out.push(' ');
            }
            out.push(*c);
        }
        if context && b > a && has_break(b) {
            out.push(' ');
        }
        out
    };
    Some(
        walk.placements
            .into_iter()
            .map(|p| Selection {
                prefix: slice(p.start.saturating_sub(CONTEXT).max(from), p.start),
                suffix: slice(p.end, (p.end + CONTEXT).min(to)),
                exact: slice(p.start, p.end),
                page: PageQuote {
                    start: p.start,
                    end: p.end,
                    exact: rendered(p.start, p.end, false),
                    prefix: rendered(p.start.saturating_sub(CONTEXT), p.start, true),
                    suffix: rendered(p.end, (p.end + CONTEXT).min(text.len()), true),
                },
                anchor: p.anchor,
                start: p.start - from,
                end: p.end - from,
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

/// A walk over `<body>` collecting its text content as a browser computes it.
#[derive(Default)]
struct Walk {
    text: String,
    /// Code points in `text`.
    chars: usize,
    /// Highlights are collected inside the first element this matches.
    scope: Option<Selector>,
    /// Where that element's text starts and ends, once walked.
    scope_range: Option<(usize, usize)>,
    inside: bool,
    /// Code point offsets of the `<br>` elements.
    breaks: Vec<usize>,
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
                    match child.value().name() {
                        // A template's content is not part of the document's text.
                        "template" => continue,
                        "br" => self.breaks.push(self.chars),
                        _ => {}
                    }
                    if !self.inside
                        && self.scope_range.is_none()
                        && self.scope.as_ref().is_some_and(|s| s.matches(&child))
                    {
                        let start = self.chars;
                        self.inside = true;
                        self.element(child);
                        self.inside = false;
                        self.scope_range = Some((start, self.chars));
                        continue;
                    }
                    let mark = self.inside && child.value().name() == "mark";
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
        // Over the whole body, as Hypothesis reads it: the header's text comes first.
        let page = &a.page;
        assert_eq!((page.start, page.end, page.exact.as_str()), (a.start + 4, a.end + 4, "“new rules”"));
        assert_eq!(page.prefix, "Site\nThe army’s ");
    }

    #[test]
    fn the_page_quote_reads_a_line_break_as_a_space_as_hypothesis_does() {
        let page = r##"<body><template>hidden</template><div class="article-body"><article>
<p>One<br><mark data-annotation="a" id="anno-a">two<br>three</mark><br>four</p></article></div>
<script>var x = 1;</script></body>"##;
        let page = page.replace("<div class=\"article-body\"><article>", "<article><div class=\"article-body\">");
        let page = page.replace("</article></div>", "</div></article>");
        let found = selections(&page).unwrap();
        let a = &found[0];
        assert_eq!((a.exact.as_str(), a.prefix.as_str()), ("twothree", "\nOne"));
        assert_eq!((a.page.exact.as_str(), a.page.prefix.as_str()), ("two three", "\nOne "));
        assert_eq!(a.page.suffix, "four\nvar x = 1;", "a script's text is in textContent; a template's is not");
        assert_eq!((a.page.start, a.page.end), (4, 12));
    }

    #[test]
    fn a_page_without_the_article_element_has_no_selections() {
        assert_eq!(selections("<p>no article</p>"), None);
    }
}
