//! Annotations as real W3C clients see them: every exported annotation
//! anchored by Apache Annotator and by Hypothesis's own anchoring code in
//! Chromium on the served pages, and the notes column measured beside its
//! highlights.

mod common;

use std::process::Command;

use common::{Project, Server};

/// `dossier serve` on a free port.
fn serve(project: &Project) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.args(["serve", "--quiet", "--port", &common::free_port().to_string(), "--root"]).arg(project.root());
    Server::start(command).expect("serve starts")
}

/// Runs a script of `tests/browser/` and parses its JSON lines.
fn browser(script: &str, args: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new("node").arg(common::browser_scripts().join(script)).args(args).output().unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Does `found` (`{text, start}` from a client) cover exactly the marks of `r`,
/// from the start of its first piece to the end of its last?
fn on_the_marks(r: &serde_json::Value, found: &serde_json::Value) -> bool {
    let (Some(start), Some(end)) = (found["start"].as_u64(), r["marksEnd"].as_u64()) else { return false };
    let length = found["text"].as_str().map_or(0, |t| t.encode_utf16().count() as u64);
    r["marks"].is_string() && found["start"] == r["marksStart"] && start + length == end
}

/// Anchors every annotation of `project` in both clients. `across_breaks` are
/// annotations whose quote or context crosses a `<br>`: Hypothesis reads a
/// `<br>` as a space, so Apache Annotator's exact matching cannot use the
/// top-level quote written for Hypothesis, and anchors with the other three.
fn every_annotation_anchors_in_both_clients(project: &Project, expected_at_least: usize, across_breaks: &[&str]) {
    let served = serve(project);
    let jsonld = format!("{}annotations.jsonld", served.url());
    let results = browser("anchor.cjs", &[&served.url(), &jsonld, &served.url()]);
    assert!(results.len() >= expected_at_least, "{} annotations", results.len());
    // Apache Annotator: each of the four selectors matches once, on the marks.
    let wrong: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| {
            let selectors = r["apache"].as_array().unwrap();
            let excused = |s: &serde_json::Value| {
                s["type"] == "TextQuoteSelector" && s["matches"] == 0 && across_breaks.iter().any(|id| r["id"] == *id)
            };
            selectors.len() != 4 || selectors.iter().any(|s| !excused(s) && (s["matches"] != 1 || !on_the_marks(r, s)))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "Apache Annotator: {} of {} do not anchor exactly:\n{wrong:#?}",
        wrong.len(),
        results.len()
    );
    // Hypothesis: from all the selectors, and from its quote alone.
    let wrong: Vec<&serde_json::Value> = results
        .iter()
        .filter(|r| !on_the_marks(r, &r["hypothesis"]) || !on_the_marks(r, &r["hypothesisQuote"]))
        .collect();
    assert!(wrong.is_empty(), "Hypothesis: {} of {} do not anchor exactly:\n{wrong:#?}", wrong.len(), results.len());
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn every_annotation_of_the_shipped_dossier_anchors_in_apache_annotator_and_hypothesis() {
    every_annotation_anchors_in_both_clients(&Project::shipped(), 100, &[]);
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn every_annotation_of_the_fixtures_anchors_in_apache_annotator_and_hypothesis() {
    let project = Project::fixture("basic");
    // Line breaks (`<br>`, which Hypothesis reads as a space) inside and beside
    // highlights, and a character outside the BMP before them all (Hypothesis
    // counts positions in UTF-16 units, W3C in code points).
    let path = "content/articles/report.md";
    let text = project.read(path).replace(
        "The army that *currently* [rules](https://example.com/) said \"everything",
        "🪖 The army that *currently*\\\n[rules](https://example.com/) said\\\n\"everything",
    );
    assert_eq!(text.matches("\\\n").count(), 2);
    project.write(path, &text);
    every_annotation_anchors_in_both_clients(&project, 5, &["anno-emph", "anno-inner", "anno-quoted"]);
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn notes_sit_level_with_their_highlights_without_overlapping() {
    let project = Project::shipped();
    let served = serve(&project);
    let url = format!("{}articles/defectors-as-received/", served.url());
    let screens = browser("notes-layout.cjs", &[&url]);
    assert_notes_laid_out(&screens);
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn footnotes_and_annotation_notes_share_one_column_without_overlapping() {
    let project = Project::shipped();
    let served = serve(&project);
    let url = format!("{}articles/defectors/", served.url());
    let screens = browser("notes-layout.cjs", &[&url]);
    for wide in &screens[..2] {
        assert!(wide["sidenotes"].as_u64().unwrap() >= 2, "the edited article has footnotes: {wide}");
        assert_eq!(wide["sidenotesAboveLabel"], 0, "no footnote above its letter: {wide}");
    }
    // Where there is room, notes are shown in full, and more of them on a wider screen.
    let (narrow, wide) = (screens[0]["full"].as_u64().unwrap(), screens[1]["full"].as_u64().unwrap());
    assert!(narrow > 0 && wide > narrow, "notes in full at 1366 and 1920 px: {narrow}, {wide}");
    assert_notes_laid_out(&screens);
}

/// Both wide screens: every note beside the text, none above its highlight, no two overlapping
/// (annotation notes and footnotes alike); a phone opens a note under its line; print keeps them all.
fn assert_notes_laid_out(screens: &[serde_json::Value]) {
    for wide in &screens[..2] {
        assert_eq!(wide["placed"], true, "{wide}");
        assert!(wide["notes"].as_u64().unwrap() >= 50, "{wide}");
        assert_eq!(wide["overlaps"], 0, "{wide}");
        assert_eq!(wide["beside"], true, "notes beside the text, not over it: {wide}");
        assert_eq!(wide["aboveHighlight"], 0, "no note starts above its highlight: {wide}");
        let height = wide["height"].as_i64().unwrap();
        assert!(wide["worstOffset"].as_i64().unwrap() < height, "worst offset within one screen: {wide}");
        eprintln!(
            "notes at {}×{height}: median offset {} px, worst {} px",
            wide["width"], wide["medianOffset"], wide["worstOffset"]
        );
    }
    let phone = &screens[2];
    for check in ["open", "visible", "belowItsLine", "focused"] {
        assert_eq!(phone[check], true, "{check}: {phone}");
    }
    assert_eq!(phone["scrollsSideways"], false, "{phone}");
    let paper = &screens[3];
    assert_eq!(paper["copies"], paper["notes"], "every note is printed: {paper}");
    for check in ["beside", "columnHidden", "restored"] {
        assert_eq!(paper[check], true, "printing, {check}: {paper}");
    }
}
