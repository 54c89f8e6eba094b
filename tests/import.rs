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
    assert_eq!(exported.matches("\"dossier:rating\"").count(), 20, "the verdicts travel with the annotations");
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
    // Same annotations: same ids, kinds, notes, corrections, sources, ratings, and the same places in the text.
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

/// Each highlight of an `annotations.jsonld`: (article, quote, which of the
/// article's highlights of that same quote, in text order, kind, note).
fn placements(jsonld: &str) -> Vec<(String, String, usize, String, String)> {
    let collection: serde_json::Value = serde_json::from_str(jsonld).unwrap();
    let mut found: Vec<(String, u64, String, String, String)> = collection["first"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let refined = |kind: &str| {
                let selectors = item["target"]["selector"].as_array().unwrap();
                selectors.iter().map(|s| &s["refinedBy"]).find(|r| r["type"] == kind).unwrap().clone()
            };
            let note = item["body"].as_array().unwrap().iter().find(|b| b["purpose"] == "commenting");
            (
                item["target"]["source"].as_str().unwrap().to_string(),
                refined("TextPositionSelector")["start"].as_u64().unwrap(),
                refined("TextQuoteSelector")["exact"].as_str().unwrap().to_string(),
                item["dossier:kind"].as_str().unwrap().to_string(),
                note.map_or(String::new(), |n| n["value"].as_str().unwrap().to_string()),
            )
        })
        .collect();
    found.sort();
    let mut out: Vec<_> = found
        .iter()
        .enumerate()
        .map(|(i, (page, _, quote, kind, note))| {
            let nth = found[..i].iter().filter(|f| &f.0 == page && &f.2 == quote).count();
            (page.clone(), quote.clone(), nth, kind.clone(), note.clone())
        })
        .collect();
    out.sort();
    out
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn highlights_described_by_hypothesis_import_back_to_the_same_places() {
    let project = Project::shipped();
    project.build(&[]);
    let before = project.read("public/annotations.jsonld");
    // Hypothesis's own describe(), in Chromium, on each highlight of the served pages.
    let rows = {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"));
        let port = common::free_port().to_string();
        command.args(["serve", "--quiet", "--port", &port, "--root"]).arg(project.root());
        let served = common::Server::start(command).expect("serve starts");
        let jsonld = format!("{}annotations.jsonld", served.url());
        let script = common::browser_scripts().join("describe.cjs");
        let out = std::process::Command::new("node")
            .arg(script)
            .args([&served.url(), &jsonld, "https://example.org/dossier/"])
            .output()
            .unwrap();
        assert!(out.status.success(), "describe.cjs: {}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let parsed: serde_json::Value = serde_json::from_str(&rows).unwrap();
    let first = &parsed["rows"][0]["target"][0]["selector"];
    let types: Vec<&str> = first.as_array().unwrap().iter().map(|s| s["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["RangeSelector", "TextPositionSelector", "TextQuoteSelector"], "Hypothesis's own shape");
    project.write("hypothesis.json", &rows);
    let articles = ["defectors", "defectors-as-received"];
    for article in articles {
        let path = format!("content/articles/{article}.md");
        project.write(&path, &without_annotations(&project.read(&path)));
    }
    let file = project.path("hypothesis.json");
    for article in articles {
        let out = project.run(&["import", "annotations", file.to_str().unwrap(), "--article", article]);
        assert!(out.status.success(), "{article}: {}", stderr(&out));
    }
    project.build(&[]);
    let after = project.read("public/annotations.jsonld");
    // Hypothesis keeps no ids, sources or corrections: what it keeps (the quote, the
    // same occurrence of it, the kind from its tag, the note from its text) is unchanged.
    let (before, after) = (placements(&before), placements(&after));
    assert!(before.len() >= 100, "{} highlights", before.len());
    let lost: Vec<_> = before.iter().filter(|p| !after.contains(p)).collect();
    assert!(
        lost.is_empty() && before.len() == after.len(),
        "{} of {} moved or changed:\n{lost:#?}",
        lost.len(),
        before.len()
    );
}

#[test]
fn hypothesis_rows_take_their_kind_from_tags_their_note_from_text_or_the_default_kind() {
    let project = Project::fixture("basic");
    let row = |id: &str, exact: &str, tags: &str| {
        format!(
            r#"{{ "id": "{id}", "uri": "https://example.org/sub/articles/report/", "text": "Note on {exact}.", "tags": {tags},
            "target": [ {{ "source": "https://example.org/sub/articles/report/", "selector": [
              {{ "type": "RangeSelector", "startContainer": "/main[1]/article[1]/div[1]/div[1]/p[1]", "startOffset": 0,
                 "endContainer": "/main[1]/article[1]/div[1]/div[1]/p[1]", "endOffset": 3 }},
              {{ "type": "TextPositionSelector", "start": 0, "end": 3 }},
              {{ "type": "TextQuoteSelector", "exact": "{exact}", "prefix": "", "suffix": "" }} ] }} ] }}"#
        )
    };
    let search = format!(
        r#"{{ "total": 2, "rows": [ {}, {} ] }}"#,
        row("a1", "Another army marched", r#"["Disputed", "myanmar"]"#),
        row("a2", "Maria Lopez said so", r#"["myanmar"]"#)
    );
    project.write("search.json", &search);
    let file = project.path("search.json");
    let out = project.run(&[
        "import",
        "annotations",
        file.to_str().unwrap(),
        "--article",
        "report",
        "--kind",
        "verification",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = project.read("content/articles/report.md");
    assert!(
        text.contains("quote: Another army marched\n    kind: disputed\n    note: Note on Another army marched."),
        "{text}"
    );
    assert!(text.contains("quote: Maria Lopez said so\n    kind: verification\n"), "the default kind: {text}");
    // One annotation alone, as the API returns it for /api/annotations/ID.
    project.write("one.json", &row("a3", "The Lopez Foundation", "[]"));
    let out =
        project.run(&["import", "annotations", project.path("one.json").to_str().unwrap(), "--article", "report"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(project.read("content/articles/report.md").contains("quote: The Lopez Foundation\n    kind: context\n"));
    project.build(&[]);
}
