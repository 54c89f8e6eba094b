//! Markdown rendering as a table of cases: highlights across inline formatting, nesting,
//! citations, figure references and auto-links, checked on the HTML a reader gets.

use std::path::Path;

use super::{RenderOptions, Rendered, render};
use crate::diagnostics::Diagnostics;
use crate::load::config::{Autolink, Config};
use crate::model::{Annotation, AnnotationKind, Content, Occurrence, Page, SourceKind, SourceMeta};
use crate::resolve::xref::Index;

/// A site at the domain root (the spec suite renders with it too).
pub(super) fn config() -> Config {
    Config {
        root: ".".into(),
        title: "T".into(),
        description: String::new(),
        base_url: "https://example.org/".into(),
        base_path: "/".into(),
        language: "en".into(),
        theme: "default".into(),
        autolink: Autolink::First,
        highlight_theme: "InspiredGitHub".into(),
        search: true,
        publisher: None,
        ratings: Default::default(),
        drafts: false,
        timings: false,
        cache: false,
    }
}

fn source(slug: &str, title: &str, aliases: &[&str]) -> Page<SourceMeta> {
    Page {
        id: crate::model::PageId::Source(slug.into()),
        path: format!("content/sources/{slug}.md").into(),
        meta: SourceMeta {
            title: title.into(),
            kind: SourceKind::Organization,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            role: None,
            affiliation: None,
            url: None,
            archive_url: None,
            published: None,
            accessed: None,
            pseudonym: Default::default(),
            draft: false,
        },
        body_start: 0,
        body_line: 1,
        raw: String::new(),
    }
}

fn note(id: &str, quote: &str) -> Annotation {
    Annotation { id: Some(id.into()), ..Annotation::new(quote, AnnotationKind::Correction) }
}

fn render_with(body: &str, annotations: &[Annotation], autolink: Option<Autolink>) -> (Rendered, Diagnostics) {
    let config = config();
    let content = Content {
        sources: vec![
            source("lopez", "Lopez", &[]),
            source("lopez-foundation", "Lopez Foundation", &["Lopes Foundation"]),
        ],
        ..Content::default()
    };
    let index = Index::new(&config, &content);
    let diagnostics = Diagnostics::default();
    let options = RenderOptions {
        index: &index,
        file: Path::new("content/articles/a.md"),
        body,
        body_line: 1,
        raw: body,
        annotations,
        autolink,
        smart_punctuation: true,
    };
    (render(&options, &diagnostics), diagnostics)
}

const MARK: &str = "<mark class=\"anno anno-correction\" data-annotation=";

#[test]
fn highlights_split_into_well_nested_pieces() {
    let cases: Vec<(&str, Vec<Annotation>, &str)> = vec![
        // across emphasis: one piece outside, one inside <em>
        (
            "led by *Man Aung* Hlaing",
            vec![note("a", "by Man")],
            "led <mark class=\"anno anno-correction\" data-annotation=\"a\" data-kind=\"correction\" id=\"anno-a\">by </mark><em><mark class=\"anno anno-correction\" data-annotation=\"a\" data-kind=\"correction\">Man</mark><a class=\"note-ref anno-correction\" href=\"#note-a\"",
        ),
        // across a link
        ("see [the army](https://x.org) now", vec![note("b", "the army now")], "<a href=\"https://x.org\"><mark"),
        // inside a code span
        ("run `cargo build` now", vec![note("c", "cargo build")], "<code><mark"),
        // smart quotes in the text, straight quotes in the quote
        ("he said \"stop\" loudly", vec![note("d", "\"stop\"")], "id=\"anno-d\">“stop”</mark>"),
        // NBSP in the text
        ("France\u{a0}24 said", vec![note("e", "France 24")], "id=\"anno-e\">France\u{a0}24</mark>"),
        // Burmese with a zero-width non-joiner
        (
            "\u{1019}\u{200C}\u{103C}\u{1014}\u{103A} x",
            vec![note("f", "\u{1019}\u{103C}\u{1014}\u{103A}")],
            "id=\"anno-f\">\u{1019}\u{200C}\u{103C}\u{1014}\u{103A}</mark>",
        ),
        // at a paragraph's edges: the quote runs from the end of one paragraph into the next
        ("first end.\n\nSecond start", vec![note("g", "end. Second")], "id=\"anno-g\">end.</mark></p>"),
    ];
    for (body, annotations, expected) in cases {
        let (rendered, diagnostics) = render_with(body, &annotations, None);
        assert!(!diagnostics.has_errors(), "{body}: {:?}", diagnostics.snapshot());
        assert!(rendered.html.contains(expected), "{body}\nwant {expected}\ngot  {}", rendered.html);
        assert_balanced(&rendered.html);
    }
}

#[test]
fn each_note_toggle_follows_its_highlight() {
    let cases: Vec<(&str, Vec<Annotation>, Vec<&str>)> = vec![
        // three highlights on one source line: each toggle right after its words, not at the line's end
        (
            "The army said one thing, then another, then a third in the country.",
            vec![note("a", "one thing"), note("b", "another"), note("c", "a third")],
            vec!["one thing</mark>✎a, then", "another</mark>✎b, then", "a third</mark>✎c in the country."],
        ),
        // hard-wrapped: the toggle stays on the highlight's line, not at the end of the next
        (
            "The council voted on\nTuesday to close the bridge\nfor repairs until May.",
            vec![note("a", "voted on Tuesday")],
            vec!["Tuesday</mark>✎a to close"],
        ),
        // inside a link a toggle (itself a link) cannot sit: it follows the link
        ("see [the army report](https://x.org) now", vec![note("a", "the army")], vec!["</a>✎a now"]),
        // nested highlights: the inner one's toggle inside the outer highlight
        (
            "the army that currently rules",
            vec![note("a", "army that currently rules"), note("b", "currently")],
            vec!["currently</mark>✎b", "rules</mark>✎a"],
        ),
    ];
    for (body, annotations, expected) in cases {
        let (rendered, diagnostics) = render_with(body, &annotations, None);
        assert!(!diagnostics.has_errors(), "{body}: {:?}", diagnostics.snapshot());
        let html = toggles_as_pencils(&rendered.html);
        for want in expected {
            assert!(html.contains(want), "{body}\nwant {want}\ngot  {html}");
        }
        assert_balanced(&rendered.html);
    }
}

/// `html` with each note toggle written `✎` and its note's id.
fn toggles_as_pencils(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<a class=\"note-ref") {
        out.push_str(&rest[..i]);
        let end = i + rest[i..].find("</a>").unwrap() + 4;
        let id = rest[i..end].split("data-note=\"").nth(1).unwrap().split('"').next().unwrap();
        out.push('✎');
        out.push_str(id);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Every `<mark>` opened is closed before its parent element closes.
fn assert_balanced(html: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..end];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric()).collect();
        if ["br", "input", "img", "hr", "line", "circle", "rect", "polyline"].contains(&name.as_str())
            || tag.ends_with('/')
        {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "badly nested at {rest:.60}");
        } else {
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn overlapping_highlights_nest_and_reopen() {
    let (rendered, _) =
        render_with("alpha beta gamma delta", &[note("outer", "alpha beta gamma"), note("cross", "gamma delta")], None);
    assert_balanced(&rendered.html);
    assert_eq!(rendered.html.matches("data-annotation=\"cross\"").count(), 2, "{}", rendered.html);
    let (rendered, _) =
        render_with("alpha beta gamma", &[note("outer", "alpha beta gamma"), note("inner", "beta")], None);
    assert!(rendered.html.contains(&format!("{MARK}\"inner\" data-kind=\"correction\" id=\"anno-inner\">beta</mark>")));
    assert_eq!(rendered.html.matches("data-annotation=\"outer\"").count(), 1, "inner nests without splitting outer");
}

#[test]
fn occurrence_picks_the_match_and_all_marks_every_one() {
    let mut second = note("s", "army");
    second.occurrence = Some(Occurrence::Nth(2));
    let (rendered, _) = render_with("army one, army two", &[second], None);
    assert!(rendered.html.starts_with("<p>army one, <mark"), "{}", rendered.html);
    let mut all = note("all", "army");
    all.occurrence = Some(Occurrence::All);
    let (rendered, _) = render_with("army one, army two", &[all], None);
    assert_eq!(rendered.html.matches("<mark").count(), 2);
    assert!(rendered.html.contains("id=\"anno-all-2\""));
}

#[test]
fn unanchored_quotes_are_errors_with_candidates() {
    let (_, diagnostics) = render_with("The Army marched.", &[note("x", "the Army marched")], None);
    let all = diagnostics.snapshot();
    assert_eq!(all.len(), 1);
    assert!(all[0].message.contains("annotation `x`"), "{}", all[0].message);
    assert!(all[0].help.as_deref().unwrap_or("").contains("The Army marched"), "{:?}", all[0].help);
}

#[test]
fn autolinks_take_the_longest_whole_word_match_outside_links_and_headings() {
    let body =
        "# Lopez\n\nThe Lopez Foundation and Lopez met. Lopezville is not a name. [Lopez](https://x.org) is linked.";
    let (rendered, _) = render_with(body, &[], Some(Autolink::First));
    let html = &rendered.html;
    assert!(html.contains("<h1 id=\"lopez\">Lopez</h1>"), "never in headings: {html}");
    assert!(html.contains("href=\"/sources/lopez-foundation/\">Lopez Foundation</a>"), "{html}");
    assert!(html.contains("href=\"/sources/lopez/\">Lopez</a> met"), "{html}");
    assert!(!html.contains(">Lopezville"), "whole words only: {html}");
    assert_eq!(rendered.mentions.len(), 2, "the existing link is not a mention: {:?}", rendered.mentions);
    let (all, _) = render_with("Lopez and Lopez.", &[], Some(Autolink::All));
    assert_eq!(all.html.matches("<a class=\"mention\"").count(), 2);
    let (off, _) = render_with("Lopez and Lopez.", &[], Some(Autolink::Off));
    assert_eq!(off.html.matches("<a class=\"mention\"").count(), 0);
    assert_eq!(off.mentions.len(), 2, "mentions are still recorded for backlinks");
}

#[test]
fn a_name_cut_by_a_line_break_is_linked_as_one() {
    let cases = [
        // a soft line break inside the title
        (
            "The Lopez\nFoundation said so.",
            "<a class=\"mention\" id=\"m-lopez-foundation-1\" href=\"/sources/lopez-foundation/\">Lopez\nFoundation</a> said",
        ),
        // a hard break too
        ("The Lopez  \nFoundation said so.", "href=\"/sources/lopez-foundation/\">Lopez<br>\nFoundation</a> said"),
        // the name's end carries a highlight, whose ✎ follows the link
        ("The Lopez\nFoundation said so.", "Foundation</mark></a><a class=\"note-ref"),
    ];
    for (k, (body, expected)) in cases.into_iter().enumerate() {
        let annotations = if k == 2 { vec![note("a", "Foundation")] } else { Vec::new() };
        let (rendered, _) = render_with(body, &annotations, Some(Autolink::All));
        assert!(rendered.html.contains(expected), "{body:?}\nwant {expected}\ngot  {}", rendered.html);
        assert_eq!(rendered.mentions.len(), 1, "{body:?}: {:?}", rendered.mentions);
        assert_balanced(&rendered.html);
    }
    // Not across emphasis: one link cannot hold half of an `<em>`.
    let (rendered, _) = render_with("The Lopez *Foundation* said so.", &[], Some(Autolink::All));
    assert!(!rendered.html.contains("Foundation</a>"), "{}", rendered.html);
}

#[test]
fn mentions_and_citations_carry_their_sentence() {
    let (rendered, _) =
        render_with("First sentence. The Lopez Foundation said so [@lopez]. Last one.", &[], Some(Autolink::First));
    assert_eq!(&*rendered.mentions[0].sentence, "The Lopez Foundation said so.");
    assert_eq!(&*rendered.citations[0].sentence, "The Lopez Foundation said so.");
    assert!(rendered.html.contains("data-cite=\"lopez\""));
    // A citation closing a paragraph belongs to that paragraph, not the next one.
    let (rendered, _) = render_with("Earlier. It ends here. [@lopez]\n\nNext paragraph.", &[], None);
    assert_eq!(&*rendered.citations[0].sentence, "It ends here.");
}

fn render_article(body: &str) -> (Rendered, Diagnostics) {
    let config = config();
    let content = Content { static_files: vec!["static/map.svg".into()], ..Content::default() };
    let index = Index::new(&config, &content);
    let diagnostics = Diagnostics::default();
    let options = RenderOptions {
        index: &index,
        file: Path::new("content/articles/a.md"),
        body,
        body_line: 1,
        raw: body,
        annotations: &[],
        autolink: Some(Autolink::First),
        smart_punctuation: true,
    };
    (render(&options, &diagnostics), diagnostics)
}

/// No block element opens inside a `<p>` or a `<span>` (a browser would close
/// the paragraph there and spill the rest of the note into the text).
fn assert_blocks_outside_phrasing(html: &str) {
    const BLOCKS: [&str; 12] = ["p", "div", "ul", "ol", "li", "pre", "blockquote", "table", "h1", "h2", "h3", "hr"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let tag = &rest[..rest.find('>').unwrap()];
        let name: String = tag.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric()).collect();
        if ["br", "input", "img", "hr"].contains(&name.as_str()) {
            continue;
        }
        if tag.starts_with('/') {
            assert_eq!(stack.pop().as_deref(), Some(name.as_str()), "badly nested at {rest:.80}");
            continue;
        }
        let inside_phrasing = stack.iter().any(|t| t == "p" || t == "span");
        assert!(!(inside_phrasing && BLOCKS.contains(&name.as_str())), "<{name}> inside {stack:?} at {rest:.80}");
        stack.push(name);
    }
}

#[test]
fn footnotes_holding_blocks_are_written_after_the_paragraph_with_their_markup() {
    let cases: Vec<(&str, &[&str])> = vec![
        ("Text.[^n]\n\n[^n]: Steps:\n\n    - one\n    - two\n", &["<ul>\n<li>one</li>\n<li>two</li>\n</ul>"]),
        (
            "Text.[^n]\n\n[^n]: Run:\n\n    ```\n    make\n    ```\n",
            &["<pre class=\"code\" tabindex=\"0\"><code>make\n"],
        ),
        ("Text.[^n]\n\n[^n]: > quoted\n", &["<blockquote>\n<p>quoted</p>\n</blockquote>"]),
        ("# Title[^n]\n\n[^n]: - item\n", &["</h1>\n<input", "<li>item</li>"]),
        ("- tight item[^n]\n\n[^n]: - item\n", &["<div class=\"sidenote sidenote-blocks\"", "</div>\n</li>"]),
    ];
    for (body, wants) in cases {
        let (rendered, diagnostics) = render_article(body);
        let html = &rendered.html;
        assert!(diagnostics.snapshot().is_empty(), "{body}: {:?}", diagnostics.snapshot());
        for want in wants {
            assert!(html.contains(want), "{body}\nwant {want}\ngot  {html}");
        }
        assert!(html.contains("<label for=\"sn-n\""), "the reference opens the note: {html}");
        assert!(html.contains("<input type=\"checkbox\" id=\"sn-n\" class=\"margin-toggle\"><div class=\"sidenote"));
        assert_blocks_outside_phrasing(html);
    }
    // A note of paragraphs stays inline, beside its reference.
    let (rendered, _) = render_article("Text.[^n] More.\n\n[^n]: One.\n\n    Two.\n");
    assert!(
        rendered
            .html
            .contains("<span class=\"sidenote-p\">One.</span><span class=\"sidenote-p\">Two.</span></span> More.")
    );
    assert_blocks_outside_phrasing(&rendered.html);
}

#[test]
fn footnotes_nothing_refers_to_are_kept_and_warned_about() {
    // Referenced only from itself: the text around it must survive.
    let (rendered, diagnostics) = render_article("Before.\n\n[^a]: Self [^a] and *more*.\n\nAfter.\n");
    let html = &rendered.html;
    assert!(html.contains("<p>Before.</p>") && html.contains("<p>After.</p>"), "{html}");
    assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-a\""), "{html}");
    assert!(html.contains("<em>more</em>") && html.contains("<a href=\"#fn-a\">a</a>"), "{html}");
    let all = diagnostics.snapshot();
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].message.contains("`[^a]` is defined but nothing in the text refers to it"), "{}", all[0].message);
    assert_eq!(all[0].location.as_ref().map(|l| l.line), Some(3));
    // Text inside lists and quotes that belongs to an unreferenced note is kept too.
    let (rendered, _) = render_article("> [^q]: - kept item\n");
    assert!(rendered.html.contains("<li>kept item</li>"), "{}", rendered.html);
}

#[test]
fn footnote_ids_are_unique_even_when_labels_slugify_alike() {
    let (rendered, _) = render_article("a[^A] b[^a-] c[^注] d[^*]\n\n[^A]: 1\n\n[^a-]: 2\n\n[^注]: 3\n\n[^*]: 4\n");
    let ids: Vec<&str> = rendered.html.split("id=\"fn-").skip(1).map(|s| &s[..s.find('"').unwrap()]).collect();
    assert_eq!(ids, ["a", "a-2", "note", "note-2"], "{}", rendered.html);
    // Headings and notes share the page's ids, whichever comes first.
    let (rendered, _) = render_article("# Fn a\n\nText[^a].\n\n# Fn b\n\n[^a]: 1\n\n[^b]: 2\n\nMore[^b].\n");
    let html = &rendered.html;
    assert!(html.contains("<h1 id=\"fn-a\">") && html.contains("id=\"fn-a-2\" role=\"note\""), "{html}");
    assert!(html.contains("<h1 id=\"fn-b\">") && html.contains("id=\"fn-b-2\" role=\"note\""), "{html}");
}

#[test]
fn urls_are_percent_encoded_and_email_autolinks_get_mailto() {
    let cases = [
        ("[link](foo\\bar)", "href=\"foo%5Cbar\""),
        ("[link](</my uri>)", "href=\"/my%20uri\""),
        ("[link](foo%20b&auml;)", "href=\"foo%20b%C3%A4\""),
        ("<foo@bar.example.com>", "href=\"mailto:foo@bar.example.com\""),
        ("[q](/a?x=1&y=2)", "href=\"/a?x=1&amp;y=2\""),
        ("![a map](static/map.svg)", "src=\"/static/map.svg\""),
    ];
    for (body, want) in cases {
        let (rendered, diagnostics) = render_article(body);
        assert!(!diagnostics.has_errors(), "{body}: {:?}", diagnostics.snapshot());
        assert!(rendered.html.contains(want), "{body}\nwant {want}\ngot  {}", rendered.html);
    }
}

#[test]
fn image_alt_text_keeps_the_space_at_a_line_break() {
    let (rendered, _) = render_article("![a map\nof the border](static/map.svg)");
    assert!(rendered.html.contains("alt=\"a map of the border\""), "{}", rendered.html);
}

#[test]
fn images_outside_static_and_remote_images_are_refused_with_the_reason() {
    for (body, says, help) in [
        (
            "![a map](https://example.com/map.png)",
            "remote image `https://example.com/map.png` refused",
            "can change or vanish",
        ),
        ("![a map](map.png)", "image `map.png` is not under `static/`", "put the file at `content/static/map.png`"),
    ] {
        let (_, diagnostics) = render_article(body);
        let all = diagnostics.snapshot();
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].message.contains(says), "{}", all[0].message);
        assert!(all[0].help.as_deref().unwrap_or("").contains(help), "{:?}", all[0].help);
    }
}

#[test]
fn double_brackets_are_always_wikilinks_and_the_error_says_how_to_write_brackets() {
    let (_, diagnostics) = render_article("[[foo]]");
    let all = diagnostics.snapshot();
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(all[0].message.contains("wikilink [[foo]]"), "{}", all[0].message);
    assert!(all[0].help.as_deref().unwrap_or("").contains("for literal brackets write `\\[[…]]`"), "{:?}", all[0].help);
    let (rendered, diagnostics) = render_article("\\[[foo]]");
    assert!(diagnostics.snapshot().is_empty(), "{:?}", diagnostics.snapshot());
    assert!(rendered.html.contains("<p>[[foo]]</p>"), "{}", rendered.html);
}
