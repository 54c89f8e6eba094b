//! The changes page shows exactly what readers of each version see: its
//! edited side, read in order with the unchanged sentences, is the edited
//! article's text, figure references included (a stat's `@fig-x:value` as
//! "would cost about 2,000,000 euros", `@fig-x` as "Figure 1");
//! and its summary counts every sentence left as it was.

mod common;

use std::process::Command;

use common::{Project, select, text};
use scraper::{ElementRef, Html, Node};

/// A `dossier init` project in a temporary folder.
fn starter() -> Project {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dossier")).args(["init", "-q"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Project { dir }
}

/// Text as the changes page compares it: straight quotes, single spaces, no space before a stop.
fn folded(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '‘' | '’' => '\'',
            '“' | '”' => '"',
            c if c.is_whitespace() || c == '\u{2060}' => ' ',
            c => c,
        })
        .collect();
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    [".", ",", ";", ":", "!", "?"].iter().fold(words, |t, stop| t.replace(&format!(" {stop}"), stop))
}

/// The words of the article readers see: without citation numbers, embedded figures, code
/// blocks (left out of the comparison) and note toggles.
fn article_words(element: ElementRef, out: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(e) => {
                let skip = matches!(e.name(), "figure" | "sup" | "pre")
                    || e.classes().any(|c| c == "note-ref" || c == "sidenote" || c == "margin-toggle");
                let block = matches!(e.name(), "p" | "li" | "h2" | "h3" | "h4" | "blockquote" | "div" | "td" | "th");
                if !skip {
                    out.push_str(if block { " " } else { "" });
                    article_words(ElementRef::wrap(child).unwrap(), out);
                    out.push_str(if block { " " } else { "" });
                }
            }
            _ => {}
        }
    }
}

/// The edited side of the changes page, read in order with the unchanged sentences.
fn edited_side(page: &Html) -> String {
    let parts: Vec<String> =
        select(page, ".change-new p:not(.change-version), details.unchanged p").iter().map(|p| text(p)).collect();
    folded(&parts.join(" "))
}

fn article_text(page: &Html) -> String {
    let mut words = String::new();
    article_words(select(page, ".article-body")[0], &mut words);
    folded(&words)
}

#[test]
fn the_edited_side_is_the_edited_article_figure_references_included() {
    let p = starter();
    p.build(&[]);
    let changes = p.page("articles/bridge/changes/index.html");
    let edited = edited_side(&changes);
    assert!(edited.contains("The works would cost about 2,000,000 euros, the council said"), "{edited}");
    assert_eq!(edited, article_text(&p.page("articles/bridge/index.html")));
    let lede = text(&select(&changes, ".lede")[0]);
    assert!(lede.contains("2 sentences changed") && lede.contains("2 left as they were"), "{lede}");
}

#[test]
fn the_shipped_edited_article_is_shown_whole_on_its_changes_page() {
    let p = Project::shipped();
    p.build(&[]);
    let edited = edited_side(&p.page("articles/defectors/changes/index.html"));
    assert_eq!(edited, article_text(&p.page("articles/defectors/index.html")));
}

#[test]
fn a_change_at_a_sentence_end_leaves_the_next_sentence_unchanged() {
    let p = starter();
    let received = p.read("content/articles/bridge-as-received.md");
    let body = received.split("\n---\n").nth(1).unwrap();
    let edited = p.read("content/articles/bridge.md");
    let front = edited.split("\n---\n").next().unwrap();
    // Only the first sentence's last word changes; the sentences after it do not.
    let body = body.replace("to repair it.", "to repair them.");
    p.write("content/articles/bridge.md", &format!("{front}\n---\n{body}"));
    p.build(&[]);
    let changes = p.page("articles/bridge/changes/index.html");
    let lede = text(&select(&changes, ".lede")[0]);
    assert!(
        lede.contains("1 sentence changed (1 word removed, 1 added)") && lede.contains("3 left as they were"),
        "{lede}"
    );
    let unchanged: Vec<String> = select(&changes, "details.unchanged p").iter().map(|p| text(p)).collect();
    assert!(unchanged[0].starts_with("The works would cost 2 million"), "{unchanged:?}");
}

#[test]
fn wikilink_titles_and_figure_references_are_shown_where_they_stand() {
    let p = Project::fixture("basic");
    p.build(&[]);
    let changes = p.page("articles/report/changes/index.html");
    assert_eq!(edited_side(&changes), article_text(&p.page("articles/report/index.html")));
}

#[test]
fn a_stat_reference_can_show_its_value_and_a_figure_without_one_cannot() {
    let p = Project::fixture("basic");
    let path = "content/articles/report.md";
    let report =
        p.read(path).replace("See @fig-strength and", "About @fig-strength:value remain. See @fig-strength and");
    p.write(path, &report);
    p.build(&[]);
    let html = p.read("public/articles/report/index.html");
    let link = "<a class=\"figref figref-value\" href=\"#fig-strength\" title=\"Figure 1: Troop strength\">about 350,000 soldiers</a> remain.";
    assert!(html.contains(link), "{html}");
    // `:value` of a figure that has none (a chart) is an error naming both forms.
    p.write(path, &report.replace("@fig-strength:value", "@fig-trend:value"));
    let out = p.run(&["check"]);
    let err = common::stderr(&out);
    assert!(err.contains("error: `@fig-trend:value`: figure `trend` has no `value` to show"), "{err}");
    assert!(err.contains("content/articles/report.md:36:29"), "{err}");
    assert!(err.contains("write `@fig-trend` to refer to the figure"), "{err}");
}
