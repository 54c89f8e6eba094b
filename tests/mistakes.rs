//! The mistakes an author makes while writing a dossier, each in its own folder under
//! `tests/fixtures/mistakes/<case>/` (the bad files, laid over the `basic` fixture so the
//! rest of the dossier is sound): the real binary must point at the file and line of the
//! mistake and say the fix, and say nothing that leads elsewhere.

mod common;

use std::path::Path;

use common::{Project, copy_dir, stderr};

/// A mistake and what `dossier check` must say about it.
struct Mistake {
    /// The folder under `tests/fixtures/mistakes/`.
    case: &'static str,
    /// Each `file:line:column` stderr must point at, in order.
    at: &'static [&'static str],
    /// Text stderr must contain: the problem and the fix.
    says: &'static [&'static str],
    /// Text stderr must not contain: wrong advice, cascades.
    never: &'static [&'static str],
}

const REPORT: &str = "content/articles/report.md";

const MISTAKES: &[Mistake] = &[
    Mistake {
        case: "key-one-space-short",
        at: &["content/articles/report.md:11:4"],
        says: &["this line is indented 3 spaces, its siblings 4", "move `kind:` 1 space right, under `id:` on line 9"],
        never: &["missing field", "add the field"],
    },
    Mistake {
        case: "top-level-key-indented",
        at: &["content/sources/outlet.md:4:2"],
        says: &["this line is indented 1 space, its siblings 0", "move `url:` 1 space left, under `title:` on line 2"],
        never: &["unknown variant"],
    },
    Mistake {
        case: "list-item-indented-too-far",
        at: &["content/articles/report.md:13:5"],
        says: &[
            "this line is indented 4 spaces, its siblings 2",
            "move `- id:` 2 spaces left, under `- id:` on line 9",
        ],
        never: &["did not find expected key", "content/articles/report.md:14:"],
    },
    Mistake {
        case: "event-key-indented-too-far",
        at: &["content/articles/report.md:28:7"],
        says: &[
            "this line is indented 6 spaces, its siblings 4",
            "move `label:` 2 spaces left, under `date:` on line 27",
        ],
        never: &["is not a date"],
    },
    Mistake {
        case: "two-bad-dates",
        at: &["content/articles/report.md:27:11", "content/articles/report.md:30:11"],
        says: &[
            "event #1, `date`: `2021-13-01` is not a real calendar date",
            "event #2, `date`: `2021-02-30` is not a real calendar date",
            "2 error(s)",
        ],
        never: &["never cited"],
    },
    Mistake {
        case: "quote-words-in-an-earlier-note",
        at: &["content/articles/report.md:14:12"],
        says: &["annotation `inner`: quote \"the soldiers who left\" is not in the article's text"],
        never: &["content/articles/report.md:12:"],
    },
    Mistake {
        case: "quote-matches-twice",
        at: &["content/articles/report.md:22:12"],
        says: &["quote \"army\" matches 2 places", "`occurrence: N`"],
        never: &["content/articles/report.md:10:"],
    },
    Mistake {
        case: "failed-page-cites",
        at: &["content/articles/report.md:5:7"],
        says: &["`20 December 2021` is not a date", "2021-12-20", " 1 error(s)"],
        never: &["never cited"],
    },
    Mistake {
        case: "kind-misspelt",
        at: &["content/articles/report.md:19:11"],
        says: &["annotation #3, `kind`: unknown variant `verify`", "did you mean `verification`?"],
        never: &["annotations[2]"],
    },
    Mistake {
        case: "source-without-kind",
        at: &["content/sources/outlet.md:2:1"],
        says: &["missing field `kind`", "add `kind:` to the front matter, with one of: person, organization, outlet"],
        never: &[],
    },
    Mistake {
        case: "duplicate-key",
        at: &["content/sources/outlet.md:4:1"],
        says: &["duplicate field `title`", "`title` is already set on line 2"],
        never: &["content/sources/outlet.md:2:"],
    },
    Mistake {
        case: "undefined-footnote",
        at: &["content/articles/report.md:44:32"],
        says: &["footnote `[^plan]` has no definition", "add a line `[^plan]: …` below the paragraph", "`\\[^plan]`"],
        never: &[],
    },
];

/// The `basic` fixture with the mistake's files laid over it.
fn project(case: &str) -> Project {
    let project = Project::fixture("basic");
    let overlay = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mistakes").join(case);
    assert!(overlay.is_dir(), "{}", overlay.display());
    copy_dir(&overlay, project.root());
    project
}

#[test]
fn every_mistake_is_reported_at_its_line_with_its_fix() {
    for mistake in MISTAKES {
        let project = project(mistake.case);
        for command in ["check", "build"] {
            let out = project.run(&[command]);
            let err = stderr(&out);
            let context = format!("{} (`{command}`):\n{err}", mistake.case);
            assert_eq!(out.status.code(), Some(1), "{context}");
            let mut from = 0;
            for at in mistake.at {
                let found = err[from..].find(&format!("--> {at}\n"));
                assert!(found.is_some(), "missing {at}: {context}");
                from += found.unwrap_or(0) + 1;
            }
            for part in mistake.says {
                assert!(err.contains(part), "missing {part:?}: {context}");
            }
            for part in mistake.never {
                assert!(!err.contains(part), "should not say {part:?}: {context}");
            }
        }
    }
}

#[test]
fn every_mistake_folder_is_a_case() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mistakes");
    for entry in std::fs::read_dir(folder).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(MISTAKES.iter().any(|m| m.case == name), "`{name}` has no case in MISTAKES");
    }
}

#[test]
fn an_undefined_footnote_escaped_is_text_and_passes() {
    let project = Project::fixture("basic");
    let text = project.read(REPORT).replace("A footnote.[^aside]", "A footnote.[^aside] Brackets: \\[^plan].");
    project.write(REPORT, &text);
    let out = project.run(&["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(project.read("public/articles/report/index.html").contains("Brackets: [^plan]."));
}
