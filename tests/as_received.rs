//! A version kept as received is evidence: its page must show the file's
//! characters exactly, straight quotes and apostrophes included, because its
//! notes point at misplaced quotation marks and other faults of punctuation.
//! These tests build with the real binary and compare the rendered article
//! text with the Markdown body, and check the `smart_punctuation` defaults
//! and overrides.

mod common;

use common::{Project, select, text};

/// The body of a Markdown file: what follows the closing `---` of its front matter.
fn body(file: &str) -> &str {
    let after_open = file.strip_prefix("---\n").expect("front matter opens the file");
    let close = after_open.find("\n---\n").expect("front matter is closed");
    &after_open[close + "\n---\n".len()..]
}

/// A paragraph's text as CommonMark reads it: backslash escapes of ASCII
/// punctuation resolved, line breaks inside it read as the newline HTML keeps.
fn paragraph_text(markdown: &str) -> String {
    let mut out = String::new();
    let mut chars = markdown.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&next)) if next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// The texts of the paragraphs of an article page's body.
fn rendered_paragraphs(project: &Project, page: &str) -> Vec<String> {
    let html = project.page(&format!("articles/{page}/index.html"));
    select(&html, "article .article-body > p").iter().map(text).collect()
}

#[test]
fn the_as_received_page_shows_the_files_characters_exactly() {
    let project = Project::shipped();
    project.build(&[]);
    let file = project.read("content/articles/defectors-as-received.md");
    let expected: Vec<String> =
        body(&file).split("\n\n").filter(|p| !p.trim().is_empty()).map(paragraph_text).collect();
    let rendered = rendered_paragraphs(&project, "defectors-as-received");
    assert_eq!(rendered.len(), expected.len(), "one rendered paragraph per paragraph of the file");
    for (i, (got, want)) in rendered.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "paragraph {} differs from the file", i + 1);
    }
    let all = rendered.concat();
    assert!(all.contains("civilians, \"Koung Hat Aung *"), "the misplaced straight quote is kept");
    assert!(all.contains("leadership. \""), "the stray closing quote stays straight");
    assert!(all.contains("Myanmar's current military"), "apostrophes stay straight");
    assert!(!all.contains(['“', '”', '‘', '’']), "no curly quotation mark is invented");
    let edited = rendered_paragraphs(&project, "defectors").concat();
    assert!(edited.contains('“') && edited.contains('’'), "the edited version is still typeset");
}

#[test]
fn smart_punctuation_defaults_by_version_and_can_be_overridden() {
    let project = Project::fixture("basic");
    let words = "\"Stop,\" she said -- it's over...\n";
    let article = |version: &str, extra: &str| {
        format!("---\ntitle: \"T\"\narticle: quoted\nversion: {version}\n{extra}---\n{words}")
    };
    project.write("content/articles/quoted-as-received.md", &article("as-received", ""));
    project.write("content/articles/quoted.md", &article("edited", ""));
    project.write("content/articles/quoted-verbatim.md", &article("verbatim", "smart_punctuation: false\n"));
    project.write("content/articles/quoted-typeset.md", &article("typeset", "smart_punctuation: true\n"));
    project.build(&[]);
    let straight = "\"Stop,\" she said -- it's over...";
    let curly = "“Stop,” she said – it’s over…";
    for (page, want) in
        [("quoted-as-received", straight), ("quoted", curly), ("quoted-verbatim", straight), ("quoted-typeset", curly)]
    {
        assert_eq!(rendered_paragraphs(&project, page), [want], "{page}");
    }
    project.write("content/articles/quoted-typeset.md", &article("typeset", "smart_punctuation: maybe\n"));
    let out = project.run(&["check"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("quoted-typeset.md:5:") && err.contains("expected a boolean"), "{err}");
}
