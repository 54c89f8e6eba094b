//! The default theme as a reader meets it, on the shipped dossier: annotation
//! kinds told apart without colour, source and footnote markers that differ,
//! version names for people, and (in Chromium) line length, the first phone
//! screen, tap targets and pages that never scroll sideways.

mod common;

use std::collections::HashSet;

use common::{Project, select, text};

#[test]
fn annotation_kinds_differ_without_colour_and_are_spoken() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/themes/default/static/style.css")).unwrap();
    // Each kind's rule names its own underline style: wavy, dashed, dotted, solid, double.
    let mut styles = HashSet::new();
    for kind in ["correction", "translation", "context", "verification", "disputed"] {
        let rule = css.lines().find(|l| l.starts_with(&format!(".anno-{kind} {{"))).unwrap_or_else(|| panic!("{kind}"));
        let style = rule.split("text-decoration-style:").nth(1).unwrap().split(';').next().unwrap().trim();
        assert!(styles.insert(style.to_string()), "{kind} shares the underline `{style}`");
        assert!(!rule.contains("var(--link)"), "{kind} must not look like a link: {rule}");
    }
    // Underlines print (backgrounds may not), and the kind is spoken from data-kind.
    assert!(css.contains("mark.anno[data-kind]::before { content: \"\\2060\" / attr(data-kind)"));
    let project = Project::shipped();
    project.build(&[]);
    let page = project.page("articles/defectors/index.html");
    let kinds: HashSet<&str> = select(&page, "mark.anno").iter().filter_map(|m| m.value().attr("data-kind")).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
}

#[test]
fn citations_and_footnotes_are_two_series_that_stay_on_their_word() {
    let project = Project::shipped();
    project.build(&[]);
    let html = project.read("public/articles/defectors/index.html");
    let page = project.page("articles/defectors/index.html");
    // Footnotes are letters; sources are numbers (bracketed by the theme).
    let footnote = select(&page, "label.sidenote-number")[0];
    assert_eq!(text(&footnote).trim_start_matches("Footnote "), "a");
    assert!(text(&select(&page, ".article-body .citation a")[0]).parse::<u32>().is_ok());
    // No space (a break opportunity) right before a citation: "resistance[1, 2]".
    assert!(!html.contains(" <sup class=\"citation\">"), "a citation can wrap away from its word");
    // Back-links can wrap: a space after each.
    assert!(html.contains("↩</a> <a class=\"backref\""));
}

#[test]
fn readers_see_version_names_a_current_page_and_pairs_of_changed_sentences() {
    let project = Project::shipped();
    project.build(&[]);
    let article = project.page("articles/defectors/index.html");
    assert_eq!(text(&select(&article, ".kicker .badge")[0]), "Edited");
    assert!(select(&article, ".versions-nav a").iter().any(|a| text(a) == "As received"));
    let sources = project.page("sources/index.html");
    let current: Vec<String> = select(&sources, "nav a[aria-current=page]").iter().map(text).collect();
    assert_eq!(current, ["Sources"]);
    assert!(select(&article, "link[href$='highlight.css']").is_empty(), "no code, no highlight.css");
    assert_eq!(select(&article, "link[rel=icon]").len(), 1);
    // Changes: each pair holds the received and the edited sentence, words kept apart by spaces.
    let changes = project.page("articles/defectors/changes/index.html");
    let pairs = select(&changes, "section.change");
    assert!(pairs.len() > 20, "{}", pairs.len());
    for pair in &pairs {
        assert_eq!(select_in(pair, ".change-old").len() + select_in(pair, ".change-new").len(), 2);
    }
    let html = project.read("public/articles/defectors/changes/index.html");
    assert!(html.contains("<del>troops</del> have") && html.contains("<ins>soldiers</ins> have"), "troopssoldiers");
    assert!(!html.contains("</del><ins>"), "removed and added words never run together");
    // One note per pair: no annotation is named twice in a pair.
    for pair in &pairs {
        let notes: Vec<&str> = select_in(pair, ".change-note").iter().filter_map(|a| a.value().attr("href")).collect();
        let unique: HashSet<&&str> = notes.iter().collect();
        assert_eq!(unique.len(), notes.len(), "{notes:?}");
    }
    assert!(!select(&changes, "details.unchanged").is_empty(), "unchanged sentences fold away");
}

fn select_in<'a>(element: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    element.select(&scraper::Selector::parse(css).unwrap()).collect()
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn pages_read_well_on_a_wide_screen_and_a_phone() {
    let dir = common::browser_scripts();
    let project = Project::shipped();
    project.build(&[]);
    let out =
        std::process::Command::new("node").arg(dir.join("theme.cjs")).arg(project.path("public")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let median = report["wide"]["charsPerLine"]["median"].as_u64().unwrap();
    assert!((60..=75).contains(&median), "{median} characters a line at 1366 px");
    let first = report["pages"]["article"]["phone"]["firstText"].as_u64().unwrap();
    assert!(first < 844 - 60, "the article starts at {first} px on an 844 px phone screen");
    for (name, size) in report["phone"]["tapTargets"].as_object().unwrap() {
        let (w, h) = (size["width"].as_f64().unwrap(), size["height"].as_f64().unwrap());
        assert!(w >= 24.0 && h >= 24.0, "{name}: {w}×{h} px on a phone");
    }
    for (page, widths) in report["pages"].as_object().unwrap() {
        for (width, facts) in widths.as_object().unwrap() {
            assert_eq!(facts["sideways"], 0, "{page} scrolls sideways ({width})");
            if page != "article" && !page.starts_with("article-") {
                let off = facts["mainCentre"].as_i64().unwrap();
                assert!(off.abs() <= 2, "{page} is {off} px off centre ({width})");
            }
        }
    }
    // Kinds keep distinct lines when printed without backgrounds.
    let printed: HashSet<String> = report["wide"]["printKinds"]
        .as_object()
        .unwrap()
        .values()
        .map(|k| k["line"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(printed.len(), report["wide"]["printKinds"].as_object().unwrap().len());
    assert!(report["wide"]["printKinds"].as_object().unwrap().values().all(|k| k["looksLikeLink"] == false));
    assert_eq!(report["phone"]["errors"], serde_json::json!([]), "console errors");
}
