//! `dossier import annotations`: W3C Web Annotations into an article's front matter.

mod common;

use common::{Project, stderr};

/// The article file with its `annotations:` list removed (the rest kept as it is).
fn without_annotations(raw: &str) -> String {
    let lines: Vec<&str> = raw.split('\n').collect();
    let close = 1 + lines[1..].iter().position(|l| *l == "---").unwrap();
    let mut out = Vec::new();
    let mut skipping = false;
    for (i, line) in lines.iter().enumerate() {
        if i > 0 && i < close {
            if line.starts_with("annotations:") {
                skipping = true;
                continue;
            }
            if skipping && line.starts_with(|c: char| !c.is_whitespace() && c != '#' && c != '-') {
                skipping = false;
            }
            if skipping {
                continue;
            }
        }
        out.push(*line);
    }
    out.join("\n")
}

#[test]
fn export_then_import_gives_the_same_annotations() {
    let project = Project::shipped();
    project.build(&[]);
    let exported = project.read("public/annotations.jsonld");
    std::fs::write(project.path("exported.jsonld"), &exported).unwrap();
    let articles = ["defectors", "defectors-as-received"];
    for article in articles {
        let path = format!("content/articles/{article}.md");
        let stripped = without_annotations(&project.read(&path));
        assert!(!stripped.contains("quote:"), "{article}: annotations removed");
        project.write(&path, &stripped);
    }
    let file = project.path("exported.jsonld");
    let file = file.to_str().unwrap();
    for article in articles {
        let out = project.run(&["import", "annotations", file, "--article", article]);
        assert!(out.status.success(), "{article}: {}", stderr(&out));
        assert!(stderr(&out).contains("imported"), "{}", stderr(&out));
    }
    project.build(&[]);
    // Same annotations: same ids, kinds, notes, corrections, sources, and the same places in the text.
    assert!(project.read("public/annotations.jsonld") == exported, "the export after the round trip differs");
    // Importing again adds nothing.
    let again = project.run(&["import", "annotations", file, "--article", "defectors"]);
    assert!(again.status.success() && stderr(&again).contains("already in the article"), "{}", stderr(&again));
}

#[test]
fn a_hypothesis_annotation_is_imported_and_one_that_does_not_anchor_is_refused() {
    let project = Project::fixture("basic");
    let path = "content/articles/report.md";
    let before = project.read(path);
    // The shape Hypothesis's API returns: rows, a target list with several selectors, a text body.
    let hypothesis = r#"{ "total": 1, "rows": [ {
        "id": "abc123", "text": "ignored",
        "target": [ { "source": "https://example.org/sub/articles/report/", "selector": [
            { "type": "TextPositionSelector", "start": 0, "end": 5 },
            { "type": "TextQuoteSelector", "exact": "Another army marched", "prefix": "", "suffix": "." } ] } ],
        "body": [ { "type": "TextualBody", "value": "A *second* army: which one?" } ],
        "motivation": "questioning" } ] }"#;
    project.write("hypothesis.json", hypothesis);
    let out = project.run(&[
        "import",
        "annotations",
        project.path("hypothesis.json").to_str().unwrap(),
        "--article",
        "report",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let after = project.read(path);
    assert!(after.contains("quote: Another army marched") && after.contains("kind: disputed"), "{after}");
    assert!(after.ends_with(before.split_once("\n---\n").unwrap().1), "the body is untouched");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    assert!(!common::select(&page, "mark[data-kind=disputed]").is_empty());

    // A quote that is not in the text: exit 1, the annotation named, nothing written.
    let missing = hypothesis.replace("Another army marched", "A sentence that is not there");
    project.write("missing.json", &missing);
    let before = project.read(path);
    let out =
        project.run(&["import", "annotations", project.path("missing.json").to_str().unwrap(), "--article", "report"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("A sentence that is not there") && stderr(&out).contains("nothing was written"));
    assert_eq!(project.read(path), before);

    // Not JSON: the file, line and column.
    project.write("broken.json", "{\n  \"type\": ,\n}");
    let out =
        project.run(&["import", "annotations", project.path("broken.json").to_str().unwrap(), "--article", "report"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("broken.json:2:"), "{}", stderr(&out));
}
