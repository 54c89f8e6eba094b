//! The CommonMark 0.31.2 spec and pulldown-cmark's GFM and footnote examples, run
//! through dossier's own writer the way an article body is rendered.
//!
//! pulldown-cmark parses, but the HTML is ours, so nothing else tells us when
//! the writer drifts from the spec. Each example's Markdown goes through
//! [`render`] with an article's options; its HTML and the expected HTML are
//! then compared after [`normalise`], a short, reviewed list of rules that
//! set aside what dossier adds on purpose (heading ids, highlighting, sidenote
//! markup, typographic quotes, table and task-list markup). An example that
//! still differs must be listed in `tests/commonmark/intended-differences.txt`
//! with its class; the classes are explained in `docs/markdown.md`. The list
//! is checked both ways: an unlisted failure and a listed example that now
//! passes (or fails for another reason) both turn the test red.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::tests::config;
use super::{RenderOptions, cmark_options, render};
use crate::diagnostics::{Diagnostics, Severity};
use crate::load::config::Autolink;
use crate::model::Content;
use crate::resolve::xref::Index;

/// The vendored example files (see `tests/commonmark/README.md`).
const FILES: [&str; 5] = ["spec.txt", "gfm_strikethrough.txt", "gfm_table.txt", "gfm_tasklist.txt", "footnotes.txt"];

/// One example of a spec file.
struct Example {
    file: &'static str,
    /// 1-based, in the file's order (CommonMark's own numbering for `spec.txt`).
    number: usize,
    line: usize,
    section: String,
    markdown: String,
    html: String,
}

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/commonmark")
}

/// Reads the examples of one file: Markdown and HTML between fences, split by a `.` line.
fn examples(file: &'static str) -> Vec<Example> {
    let text = std::fs::read_to_string(suite_dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    const FENCE: &str = "````````````````````````````````";
    let mut out = Vec::new();
    let mut section = String::new();
    let mut lines = text.lines().enumerate();
    while let Some((at, line)) = lines.next() {
        if let Some(heading) = line.strip_prefix("## ").or_else(|| line.strip_prefix("# ")) {
            section = heading.trim().to_string();
        }
        if !(line.starts_with(FENCE) && line.ends_with(" example")) {
            continue;
        }
        let (mut markdown, mut html, mut in_html) = (String::new(), String::new(), false);
        for (_, line) in lines.by_ref() {
            if line == FENCE {
                break;
            }
            if line == "." && !in_html {
                in_html = true;
                continue;
            }
            let target = if in_html { &mut html } else { &mut markdown };
            target.push_str(&line.replace('→', "\t"));
            target.push('\n');
        }
        out.push(Example { file, number: out.len() + 1, line: at + 1, section: section.clone(), markdown, html });
    }
    out
}

/// What dossier made of an example: its HTML, or the first error that refused it.
enum Outcome {
    Html(String),
    Refused(String),
}

fn render_article(index: &Index, markdown: &str) -> Outcome {
    let diagnostics = Diagnostics::default();
    let options = RenderOptions {
        index,
        file: Path::new("content/articles/spec.md"),
        body: markdown,
        body_line: 1,
        raw: markdown,
        annotations: &[],
        autolink: Some(Autolink::First),
        smart_punctuation: true,
    };
    let rendered = render(&options, &diagnostics);
    let errors = diagnostics.snapshot().into_iter().find(|d| d.severity == Severity::Error);
    match errors {
        Some(error) => Outcome::Refused(error.message),
        None => Outcome::Html(rendered.html),
    }
}

/// What plain pulldown-cmark's HTML module writes with the same parser options.
fn render_reference(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(markdown, cmark_options(true)));
    html
}

/// The rules that set aside what dossier adds on purpose; each says which addition.
/// `ours` is true for dossier's HTML, false for the expected or reference HTML.
fn normalise(html: &str, ours: bool) -> String {
    let mut html = html.to_string();
    if ours {
        // 1. Heading ids: every heading gets one (the spec writes none).
        html = strip_attribute_in(&html, &["<h1", "<h2", "<h3", "<h4", "<h5", "<h6"], "id");
        // 2. Highlighting: code blocks carry classes and syntect's spans.
        html = unhighlight(&html);
        // 3. Tables: a scrolling wrapper, alignment as classes.
        html = html
            .replace("<div class=\"table-wrap\"><table>", "<table>")
            .replace("</table></div>", "</table>")
            .replace(" class=\"align-left\"", " style=\"text-align: left\"")
            .replace(" class=\"align-center\"", " style=\"text-align: center\"")
            .replace(" class=\"align-right\"", " style=\"text-align: right\"");
        // 4. Task lists: a read-only mark with a label instead of a disabled checkbox.
        html = html
            .replace(
                "<span class=\"task\" role=\"img\" aria-label=\"done\">☑</span> ",
                "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>\n",
            )
            .replace(
                "<span class=\"task\" role=\"img\" aria-label=\"not done\">☐</span> ",
                "<input disabled=\"\" type=\"checkbox\"/>\n",
            );
        // 5. Images load lazily.
        html = html.replace(" loading=\"lazy\"", "");
    }
    // 6. Footnotes: dossier writes sidenotes beside the reference, pulldown-cmark
    //    a list of definitions where they are written; both reduce to markers in
    //    the text plus the notes' bodies.
    html = footnotes(&html, ours);
    // 7. Typographic quotes and dashes (smart punctuation is always on), and the
    //    two spellings of quote characters in HTML text.
    html = html.replace("&quot;", "\"").replace("&#39;", "'");
    html = html
        .replace(['“', '”'], "\"")
        .replace(['‘', '’'], "'")
        .replace('—', "---")
        .replace('–', "--")
        .replace('…', "...");
    // 8. Spellings of void elements and line breaks between tags (pulldown-cmark's own rule).
    html.replace("<br />", "<br>")
        .replace("<br/>", "<br>")
        .replace("<hr />", "<hr>")
        .replace("<hr/>", "<hr>")
        .replace("/>", ">")
        .replace(">\n<", "><")
        .trim_end()
        .to_string()
}

/// Removes attribute `name="…"` from every tag opening with one of `tags`.
fn strip_attribute_in(html: &str, tags: &[&str], name: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find('>').map_or(rest.len(), |e| e + 1);
        let tag = &rest[..end];
        let is_target = tags.iter().any(|t| tag.starts_with(t) && tag[t.len()..].starts_with([' ', '>']));
        let needle = format!(" {name}=\"");
        match tag.find(&needle).filter(|_| is_target) {
            Some(a) => {
                let close = tag[a + needle.len()..].find('"').map_or(tag.len(), |c| a + needle.len() + c + 1);
                out.push_str(&tag[..a]);
                out.push_str(&tag[close..]);
            }
            None => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// `<pre class="code" tabindex="0">` with syntect spans back to a plain `<pre>`.
fn unhighlight(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<pre class=\"code\" tabindex=\"0\">") {
        out.push_str(&rest[..at]);
        out.push_str("<pre>");
        rest = &rest[at + "<pre class=\"code\" tabindex=\"0\">".len()..];
        let end = rest.find("</pre>").unwrap_or(rest.len());
        let mut block = &rest[..end];
        while let Some(open) = block.find('<') {
            out.push_str(&block[..open]);
            let close = block[open..].find('>').map_or(block.len(), |c| open + c + 1);
            let tag = &block[open..close];
            if !(tag.starts_with("<span") || tag == "</span>") {
                out.push_str(tag);
            }
            block = &block[close..];
        }
        out.push_str(block);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Replaces every note reference by `[^]` and appends the notes' bodies, sorted.
///
/// Ours: the toggle label is the reference; the sidenote (`<span>` or `<div>`
/// with class `sidenote`, or an unreferenced `footnote-definition`) is the body,
/// its paragraphs written as `sidenote-p` spans when it sits inside a paragraph.
/// Expected: `<sup class="footnote-reference">` and `<div class="footnote-definition">`.
fn footnotes(html: &str, ours: bool) -> String {
    let mut html = html.to_string();
    let mut bodies = Vec::new();
    if ours {
        html = replace_elements(&html, "<label for=\"sn-", "label", |label| {
            // The toggle of a note cited inside another note is not a reference in the text.
            if label.contains("sidenote-nested") { String::new() } else { "[^]".into() }
        });
        html = replace_elements(&html, "<input type=\"checkbox\" id=\"sn-", "", |_| String::new());
        html = replace_elements(&html, "<sup class=\"sidenote-ref\">", "sup", |_| "[^]".into());
        for (open, tag) in [
            ("<span class=\"sidenote\"", "span"),
            ("<div class=\"sidenote", "div"),
            ("<div class=\"footnote-definition", "div"),
        ] {
            html = replace_elements(&html, open, tag, |element| {
                bodies.push(note_body(element));
                String::new()
            });
        }
    } else {
        html = replace_elements(&html, "<sup class=\"footnote-reference\">", "sup", |_| "[^]".into());
        html = replace_elements(&html, "<div class=\"footnote-definition\"", "div", |element| {
            bodies.push(note_body(element));
            String::new()
        });
    }
    // Where a definition stood, pulldown-cmark leaves a line break.
    while html.contains("\n\n") {
        html = html.replace("\n\n", "\n");
    }
    html = html.replace("\n</li>", "</li>");
    bodies.sort();
    for body in bodies {
        let _ = write!(html, "\n[note]{body}");
    }
    html
}

/// The content of a note element: without its wrapper and number, paragraphs as `<p>`.
fn note_body(element: &str) -> String {
    let inner_start = element.find('>').map_or(0, |e| e + 1);
    let inner_end = element.rfind("</").unwrap_or(element.len());
    let mut inner = element[inner_start..inner_end].to_string();
    for label in ["<sup class=\"footnote-definition-label\">", "<span class=\"sidenote-label\">"] {
        if inner.starts_with(label) {
            let tag = if label.starts_with("<sup") { "</sup>" } else { "</span>" };
            inner = inner[inner.find(tag).map_or(0, |e| e + tag.len())..].to_string();
        }
    }
    let inner = replace_elements(inner.trim(), "<span class=\"sidenote-p\">", "span", |paragraph| {
        let text = &paragraph["<span class=\"sidenote-p\">".len()..paragraph.len() - "</span>".len()];
        format!("<p>{text}</p>")
    });
    inner.replace(">\n<", "><").trim().to_string()
}

/// Replaces each element opening with `open` (through its matching `</tag>`; the
/// opening tag alone if `tag` is empty) by what `with` makes of it.
fn replace_elements(html: &str, open: &str, tag: &str, mut with: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let element = &rest[at..];
        let end = if tag.is_empty() {
            element.find('>').map_or(element.len(), |e| e + 1)
        } else {
            matching_end(element, tag)
        };
        out.push_str(&with(&element[..end]));
        rest = &element[end..];
    }
    out.push_str(rest);
    out
}

/// The length of the element at the start of `html`, through its matching close tag.
fn matching_end(html: &str, tag: &str) -> usize {
    let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
    let mut depth = 0usize;
    let mut at = 0;
    while at < html.len() {
        let rest = &html[at..];
        if rest.starts_with(&close) {
            depth -= 1;
            at += close.len();
            if depth == 0 {
                return at;
            }
        } else if rest.starts_with(&open) && rest[open.len()..].starts_with([' ', '>']) {
            depth += 1;
            at += open.len();
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    html.len()
}

/// A listed difference: the class says why the example is allowed to differ.
struct Listed {
    class: String,
    line: usize,
}

fn intended_differences() -> BTreeMap<(String, usize), Listed> {
    let path = suite_dir().join("intended-differences.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut listed = BTreeMap::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [file, number, class] = fields[..] else {
            panic!("intended-differences.txt:{}: want `FILE NUMBER CLASS`, got `{line}`", at + 1);
        };
        let number: usize =
            number.parse().unwrap_or_else(|_| panic!("intended-differences.txt:{}: bad number", at + 1));
        let previous = listed.insert((file.to_string(), number), Listed { class: class.to_string(), line: at + 1 });
        assert!(previous.is_none(), "intended-differences.txt:{}: {file} {number} is listed twice", at + 1);
    }
    listed
}

/// Whether a failure of `example` is of the listed `class` (so a list entry
/// cannot hide a different, new failure of the same example).
fn failure_is_of_class(class: &str, outcome: &Outcome, reference_passes: bool) -> bool {
    match (class, outcome) {
        ("images-under-static", Outcome::Refused(message)) => message.contains("image"),
        ("wikilinks", Outcome::Refused(message)) => message.contains("wikilink"),
        ("undefined-footnotes", Outcome::Refused(message)) => message.contains("has no definition"),
        ("parser-options", Outcome::Html(_)) => !reference_passes,
        _ => false,
    }
}

#[test]
fn spec_examples_render_as_commonmark_says_or_are_listed() {
    let config = config();
    let content = Content::default();
    let index = Index::new(&config, &content);
    let mut listed = intended_differences();
    let (mut total, mut passed) = (0, 0);
    let mut problems = Vec::new();
    for file in FILES {
        for example in examples(file) {
            total += 1;
            let outcome = render_article(&index, &example.markdown);
            let expected = normalise(&example.html, false);
            let pass = matches!(&outcome, Outcome::Html(html) if normalise(html, true) == expected);
            let entry = listed.remove(&(file.to_string(), example.number));
            if pass {
                passed += 1;
                if let Some(entry) = entry {
                    problems.push(format!(
                        "intended-differences.txt:{}: {file} {} now passes: remove it from the list",
                        entry.line, example.number
                    ));
                }
                continue;
            }
            let reference_passes = normalise(&render_reference(&example.markdown), false) == expected;
            match entry {
                Some(entry) if failure_is_of_class(&entry.class, &outcome, reference_passes) => {}
                Some(entry) => problems.push(format!(
                    "intended-differences.txt:{}: {file} {} is listed as `{}` but fails otherwise\n{}",
                    entry.line,
                    example.number,
                    entry.class,
                    describe(&example, &outcome)
                )),
                None => problems.push(describe(&example, &outcome)),
            }
        }
    }
    for ((file, number), entry) in listed {
        problems.push(format!("intended-differences.txt:{}: no example {file} {number}", entry.line));
    }
    eprintln!("CommonMark and GFM suites: {passed} of {total} examples pass through dossier's writer");
    assert!(problems.is_empty(), "{} problem(s):\n\n{}", problems.len(), problems.join("\n\n"));
}

fn describe(example: &Example, outcome: &Outcome) -> String {
    let got = match outcome {
        Outcome::Html(html) => format!("got (normalised):\n{}", normalise(html, true)),
        Outcome::Refused(message) => format!("refused: {message}"),
    };
    format!(
        "tests/commonmark/{}:{}: example {} ({}) differs\nmarkdown:\n{}want (normalised):\n{}\n{got}",
        example.file,
        example.line,
        example.number,
        example.section,
        example.markdown,
        normalise(&example.html, false)
    )
}

/// The harness can fail: a writer that drops a paragraph's closing tag, loses
/// `mailto:` or flattens a list in a footnote is caught by the same comparison.
#[test]
fn the_comparison_catches_regressions() {
    let spec = examples("spec.txt");
    let autolink = spec.iter().find(|e| e.markdown == "<foo@bar.example.com>\n").expect("the email autolink example");
    let expected = normalise(&autolink.html, false);
    assert!(expected.contains("href=\"mailto:foo@bar.example.com\""), "{expected}");
    let broken = "<p><a href=\"foo@bar.example.com\">foo@bar.example.com</a></p>\n";
    assert_ne!(normalise(broken, true), expected, "a lost mailto: must fail");
    let flattened = "<p>a<label for=\"sn-1\" class=\"margin-toggle sidenote-number\">1</label><input type=\"checkbox\" id=\"sn-1\" class=\"margin-toggle\"><span class=\"sidenote\" id=\"fn-1\" role=\"note\"><span class=\"sidenote-label\">1</span> <span class=\"sidenote-p\">x</span><span class=\"sidenote-p\">y</span></span></p>";
    let listed = "<p>a<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p>\n<div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>\n<ul>\n<li>x</li>\n<li>y</li>\n</ul>\n</div>\n";
    assert_ne!(normalise(flattened, true), normalise(listed, false), "a flattened list must fail");
}
