//! Fact checks as schema.org sees them: every reviewed claim of the shipped
//! dossier (its rated figures, and its rated `verification` and `disputed`
//! annotations) is published as a `ClaimReview` with the fields Google's
//! fact-check documentation requires and recommends, checked on the JSON and,
//! with a JSON-LD processor and schema.org's own context, on what it means;
//! and a bad `rating:` is an error at its line.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{Project, select, stderr};
use serde_json::Value;

/// Every `application/ld+json` document of every page of `public/`, by page (`figures/x/`).
fn jsonld_documents(public: &Path) -> BTreeMap<String, Vec<Value>> {
    let mut found = BTreeMap::new();
    for (path, bytes) in common::snapshot(public) {
        let rel = path.strip_prefix(public).unwrap().to_string_lossy().replace('\\', "/");
        let Some(page) = rel.strip_suffix("index.html") else { continue };
        let html = scraper::Html::parse_document(&String::from_utf8_lossy(&bytes));
        for script in select(&html, r#"script[type="application/ld+json"]"#) {
            let json: Value = serde_json::from_str(&common::text(&script))
                .unwrap_or_else(|e| panic!("{rel}: ld+json is not JSON: {e}"));
            let list = match json {
                Value::Array(all) => all,
                one => vec![one],
            };
            found.entry(page.to_string()).or_insert_with(Vec::new).extend(list);
        }
    }
    found
}

/// The ids of the elements of `public/<page>index.html`.
fn element_ids(public: &Path, page: &str) -> Vec<String> {
    let html = scraper::Html::parse_document(&std::fs::read_to_string(public.join(page).join("index.html")).unwrap());
    select(&html, "[id]").iter().filter_map(|e| e.value().id().map(str::to_string)).collect()
}

const BASE: &str = "https://example.org/dossier/";
const VERDICTS: [&str; 6] = ["Incorrect", "Misleading", "Mixed", "Mostly correct", "Correct", "Unverified"];

/// Google's required and recommended fields of one `ClaimReview` published on `page`.
fn assert_complete(public: &Path, page: &str, review: &Value) {
    let context = format!("{page}: {review:#}");
    let text = |v: &Value| v.as_str().filter(|s| !s.trim().is_empty()).map(str::to_string);
    // Required: claimReviewed (short), reviewRating with alternateName, url on this page.
    let claim = text(&review["claimReviewed"]).unwrap_or_else(|| panic!("claimReviewed: {context}"));
    assert!(claim.chars().count() <= 75, "claimReviewed longer than 75 characters: {context}");
    let rating = &review["reviewRating"];
    assert_eq!(rating["@type"], "Rating", "{context}");
    let verdict = text(&rating["alternateName"]).unwrap_or_else(|| panic!("alternateName: {context}"));
    assert!(VERDICTS.contains(&verdict.as_str()), "{context}");
    if let Some(value) = rating["ratingValue"].as_f64() {
        let (worst, best) = (rating["worstRating"].as_f64().unwrap(), rating["bestRating"].as_f64().unwrap());
        assert!((worst..=best).contains(&value), "ratingValue within the scale: {context}");
    } else {
        assert_eq!(verdict, "Unverified", "only verdicts off the scale have no number: {context}");
    }
    let url = text(&review["url"]).unwrap_or_else(|| panic!("url: {context}"));
    let (address, anchor) = url.split_once('#').unwrap_or_else(|| panic!("url has an #anchor: {context}"));
    assert_eq!(address, format!("{BASE}{page}"), "the url is the page that holds the review: {context}");
    assert!(element_ids(public, page).iter().any(|id| id == anchor), "#{anchor} exists on {page}: {context}");
    // Recommended: author (the publisher), datePublished, itemReviewed as a Claim.
    assert_eq!(review["author"]["@type"], "Organization", "{context}");
    assert_eq!(review["author"]["name"], "Walking away from the Tatmadaw", "{context}");
    assert_eq!(review["datePublished"], "2026-12-07", "{context}");
    let item = &review["itemReviewed"];
    assert_eq!(item["@type"], "Claim", "{context}");
    assert!(matches!(item["author"]["@type"].as_str(), Some("Person" | "Organization")), "{context}");
    assert!(text(&item["author"]["name"]).is_some(), "claimant's name: {context}");
    assert!(text(&item["datePublished"]).is_some(), "when the claim appeared: {context}");
    let appearance = &item["appearance"];
    assert_eq!(appearance["@type"], "CreativeWork", "{context}");
    assert!(text(&appearance["url"]).is_some_and(|u| u.starts_with("https://")), "{context}");
}

/// The ClaimReviews of the shipped dossier, by page.
fn shipped_reviews() -> (Project, BTreeMap<String, Vec<Value>>) {
    let project = Project::shipped();
    project.build(&[]);
    let documents = jsonld_documents(&project.path("public"));
    let reviews = documents
        .into_iter()
        .map(|(page, docs)| (page, docs.into_iter().filter(|d| d["@type"] == "ClaimReview").collect::<Vec<_>>()))
        .filter(|(_, docs)| !docs.is_empty())
        .collect();
    (project, reviews)
}

#[test]
fn every_reviewed_claim_of_the_shipped_dossier_is_a_complete_claim_review() {
    let (project, reviews) = shipped_reviews();
    let public = project.path("public");
    for (page, list) in &reviews {
        for review in list {
            assert_complete(&public, page, review);
        }
    }
    // Each figure with a claimant, once, on its own page at its verdict.
    let figures: Vec<&String> = reviews.keys().filter(|p| p.starts_with("figures/")).collect();
    assert_eq!(figures.len(), 9, "{figures:?}");
    for page in &figures {
        assert_eq!(reviews[*page].len(), 1, "{page}");
        assert!(reviews[*page][0]["url"].as_str().unwrap().ends_with("#review"));
    }
    assert!(!reviews.contains_key("figures/defections-in-proportion/"), "the dossier's own chart has no claimant");
    // Every verification and disputed note of the edited article, at its highlight.
    let article = &reviews["articles/defectors/"];
    assert_eq!(article.len(), 20);
    let disputed = article.iter().find(|r| r["url"].as_str().unwrap().ends_with("#anno-disputed-un")).unwrap();
    assert_eq!(disputed["itemReviewed"]["author"]["name"], "France 24");
    let scaled = reviews["figures/months-in-hiding/"][0]["reviewRating"].clone();
    assert_eq!((scaled["ratingValue"].as_f64(), scaled["bestRating"].as_f64()), (Some(4.0), Some(5.0)), "{scaled}");
    // Readers see the verdicts too: beside the figure, and in the notes.
    let page = project.page("articles/defectors/index.html");
    assert_eq!(select(&page, ".note-verdict").len(), 20);
    let figure = project.page("figures/defections/index.html");
    assert_eq!(common::text(&select(&figure, "#review")[0]), "Unverified");
}

#[test]
#[ignore = "needs node and tests/browser's packages (npm install --prefix tests/browser)"]
fn claim_reviews_mean_what_schema_org_says_once_expanded() {
    let (project, reviews) = shipped_reviews();
    let documents: Vec<&Value> = reviews.values().flatten().collect();
    let file = project.path("reviews.json");
    std::fs::write(&file, serde_json::to_string(&documents).unwrap()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/jsonld.cjs");
    let out = Command::new("node").arg(script).arg(&file).output().expect("node runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let expanded: Vec<Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(expanded.len(), documents.len());
    let s = |name: &str| format!("http://schema.org/{name}");
    // The first value of `property` of `node`.
    let first = |node: &Value, property: &str| node[s(property)][0].clone();
    for (doc, review) in expanded.iter().zip(&documents) {
        assert!(doc.get("error").is_none(), "{doc}");
        let node = &doc[0];
        assert_eq!(node["@type"][0], s("ClaimReview"), "{review}");
        assert!(first(node, "claimReviewed")["@value"].is_string(), "{review}");
        let rating = first(node, "reviewRating");
        assert_eq!(rating["@type"][0], s("Rating"));
        assert!(first(&rating, "alternateName")["@value"].is_string(), "{review}");
        assert!(first(node, "url")["@id"].as_str().unwrap().starts_with(BASE), "url is an IRI: {review}");
        assert_eq!(first(node, "datePublished")["@type"], s("Date"), "{review}");
        assert_eq!(first(node, "author")["@type"][0], s("Organization"));
        let claim = first(node, "itemReviewed");
        assert_eq!(claim["@type"][0], s("Claim"), "{review}");
        assert!(first(&first(&claim, "author"), "name")["@value"].is_string(), "{review}");
        assert_eq!(first(&claim, "datePublished")["@type"], s("Date"), "{review}");
        let appearance = first(&claim, "appearance");
        assert_eq!(appearance["@type"][0], s("CreativeWork"), "{review}");
        assert!(first(&appearance, "url")["@id"].is_string(), "appearance url is an IRI: {review}");
    }
}

/// A bad rating written into the `basic` fixture, and what `build` must say.
struct Bad {
    what: &'static str,
    writes: &'static [(&'static str, &'static str, &'static str)],
    at: &'static str,
    says: &'static [&'static str],
}

const STRENGTH: &str = "content/figures/strength.md";
const REPORT: &str = "content/articles/report.md";
const CONFIG: &str = "dossier.yaml";
const SCALE: &str = "ratings:\n  worst: 1\n  best: 5\n  verdicts:\n    - { name: Incorrect, value: 1 }\n    - { name: Correct, value: 5 }\n    - Unverified\n";

const BAD: &[Bad] = &[
    Bad {
        what: "an unknown verdict",
        writes: &[(STRENGTH, "claimed_by: outlet\n", "claimed_by: outlet\nrating: Unverifed\n")],
        at: "content/figures/strength.md:9:9",
        says: &["unknown verdict `Unverifed`", "did you mean `Unverified`?"],
    },
    Bad {
        what: "an unknown verdict on an annotation",
        writes: &[(REPORT, "    kind: disputed\n", "    kind: disputed\n    rating: { verdict: Misleadnig }\n")],
        at: "content/articles/report.md:25:24",
        says: &["unknown verdict `Misleadnig`", "did you mean `Misleading`?"],
    },
    Bad {
        what: "a number out of the scale",
        writes: &[(STRENGTH, "claimed_by: outlet\n", "claimed_by: outlet\nrating: 7\n"), (CONFIG, "", SCALE)],
        at: "content/figures/strength.md:9:9",
        says: &["rating 7 is out of the scale 1 (worst) to 5 (best)", "give a number from 1 to 5"],
    },
    Bad {
        what: "a number without a scale",
        writes: &[(STRENGTH, "claimed_by: outlet\n", "claimed_by: outlet\nrating: 3\n")],
        at: "content/figures/strength.md:9:9",
        says: &["declares no numeric scale", "`Unverified`"],
    },
    Bad {
        what: "a number the scale does not name",
        writes: &[(STRENGTH, "claimed_by: outlet\n", "claimed_by: outlet\nrating: 3\n"), (CONFIG, "", SCALE)],
        at: "content/figures/strength.md:9:9",
        says: &["no verdict", "has the value 3", "1 (Incorrect), 5 (Correct)"],
    },
    Bad {
        what: "a rating on a context note",
        writes: &[(REPORT, "    kind: context\n", "    kind: context\n    rating: Correct\n")],
        at: "content/articles/report.md:12:13",
        says: &["a `context` annotation cannot have a `rating`", "`verification` or `disputed`"],
    },
    Bad {
        what: "a rated figure without a claimant",
        writes: &[(STRENGTH, "claimed_by: outlet\n", "rating: Unverified\n")],
        at: "content/figures/strength.md:8:9",
        says: &["needs `claimed_by`"],
    },
    Bad {
        what: "an unknown source for the appearance",
        writes: &[(
            STRENGTH,
            "claimed_by: outlet\n",
            "claimed_by: outlet\nrating: { verdict: Correct, appeared_in: outlt }\n",
        )],
        at: "content/figures/strength.md:9:",
        says: &["`appeared_in`: unknown source `outlt`", "did you mean `outlet`?"],
    },
    Bad {
        what: "a scale with a verdict off it",
        writes: &[(CONFIG, "", "ratings:\n  worst: 1\n  best: 5\n  verdicts: [{ name: Wrong, value: 0 }]\n")],
        at: "dossier.yaml:7:",
        says: &["verdict `Wrong` has the value 0, outside the scale 1 to 5"],
    },
];

#[test]
fn a_bad_rating_is_an_error_at_its_line_with_the_likely_fix() {
    for case in BAD {
        let project = Project::fixture("basic");
        for (path, find, replace) in case.writes {
            let text = project.read(path);
            let text = if find.is_empty() { format!("{text}{replace}") } else { text.replacen(find, replace, 1) };
            project.write(path, &text);
        }
        let out = project.run(&["build"]);
        let err = stderr(&out);
        let context = format!("{}:\n{err}", case.what);
        assert_ne!(out.status.code(), Some(0), "{context}");
        assert!(err.contains(&format!("--> {}", case.at)), "{context}");
        for part in case.says {
            assert!(err.contains(part), "missing {part:?}: {context}");
        }
        assert!(!err.contains("panicked"), "{context}");
    }
}

#[test]
fn a_fixture_rating_on_a_numeric_scale_is_published_with_its_number() {
    let project = Project::fixture("basic");
    project.write(CONFIG, &format!("{}{SCALE}publisher: {{ name: \"Fixture desk\" }}\n", project.read(CONFIG)));
    let text = project.read(STRENGTH).replacen("claimed_by: outlet\n", "claimed_by: outlet\nrating: 5\n", 1);
    project.write(STRENGTH, &text);
    project.build(&[]);
    let documents = jsonld_documents(&project.path("public"));
    let review = &documents["figures/strength/"][0];
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(review["reviewRating"]["alternateName"], "Correct");
    assert_eq!(review["reviewRating"]["ratingValue"].as_f64(), Some(5.0));
    assert_eq!(review["reviewRating"]["worstRating"].as_f64(), Some(1.0));
    assert_eq!(review["author"]["name"], "Fixture desk");
    assert_eq!(review["author"]["url"], "https://example.org/sub/", "the site, when the publisher has no url");
    assert_eq!(review["claimReviewed"], "Troop strength", "the figure's title by default");
    assert!(review.get("datePublished").is_none(), "no date declared: none invented");
}
