//! The dossier layer on the real binary: annotations and their exports, versions and
//! changes, timeline, contextual backlinks, pseudonyms, JSON-LD.

mod common;

use common::{Project, select, text};

#[test]
fn annotations_become_marks_with_margin_notes_and_an_index() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    let marks = select(&page, "mark[data-annotation=emph]");
    assert_eq!(marks.len(), 4, "pieces: before <em>, inside it, between, inside the link");
    assert!(marks.iter().all(|m| m.value().attr("data-kind") == Some("context")));
    let note = select(&page, "aside.notes li#note-quoted")[0];
    assert!(text(&note).contains("all changed"), "the suggested correction is in the notes column");
    // The text keeps only an empty ✎ link to its note (the glyph is CSS), so W3C
    // clients see the article's words alone; without JavaScript it leads to the note.
    let toggle = select(&page, ".article-body a.note-ref[href='#note-quoted']");
    assert_eq!(toggle.len(), 1);
    assert_eq!(text(&toggle[0]), "");
    assert_eq!(toggle[0].value().attr("aria-label"), Some("Translation note"));
    assert!(select(&page, ".article-body li.anno-note, .article-body .marginnote").is_empty());
    let index = project.page("annotations/index.html");
    let links: Vec<&str> = select(&index, "a[href*='#anno-']").iter().filter_map(|a| a.value().attr("href")).collect();
    assert!(links.contains(&"../articles/report/#anno-second-army"), "{links:?}");
    assert_eq!(select(&index, "h2#group-disputed").len(), 1, "grouped by kind");
}

#[test]
fn annotations_export_as_w3c_web_annotations_over_the_published_text() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let json: serde_json::Value = serde_json::from_str(&project.read("public/annotations.jsonld")).unwrap();
    // The W3C Web Annotation model's MUSTs for the collection and its page.
    assert_eq!(json["@context"][0], "http://www.w3.org/ns/anno.jsonld");
    assert_eq!(json["type"], "AnnotationCollection");
    assert!(json["id"].as_str().unwrap().starts_with("https://"));
    let page = &json["first"];
    assert_eq!(page["type"], "AnnotationPage");
    assert!(page["id"].as_str().unwrap().starts_with("https://"), "an AnnotationPage MUST have an id");
    let items = page["items"].as_array().unwrap();
    assert_eq!(json["total"], items.len());
    let motivations = ["editing", "commenting", "assessing", "questioning", "describing", "linking"];
    for item in items {
        assert!(item["id"].as_str().unwrap().starts_with("https://example.org/sub/articles/"), "{item}");
        assert_eq!(item["type"], "Annotation");
        assert!(motivations.contains(&item["motivation"].as_str().unwrap()));
        assert!(item["target"]["source"].as_str().unwrap().starts_with("https://"));
        for body in item["body"].as_array().unwrap() {
            match body["type"].as_str().unwrap() {
                "TextualBody" => assert!(body["value"].is_string()),
                "SpecificResource" => assert!(body["source"].is_string()),
                other => panic!("unexpected body type {other}"),
            }
        }
    }
    // Selectors are relative to the article's text element and use its characters as published.
    let quoted = items.iter().find(|i| i["id"].as_str().unwrap().ends_with("#anno-quoted")).unwrap();
    assert_eq!(quoted["motivation"], "editing");
    let selectors = quoted["target"]["selector"].as_array().unwrap();
    assert_eq!(selectors[0]["type"], "CssSelector");
    assert_eq!(selectors[0]["value"], "article .article-body");
    let quote = &selectors[0]["refinedBy"];
    assert_eq!(quote["type"], "TextQuoteSelector");
    let html = project.page("articles/report/index.html");
    let marked: String = select(&html, "mark[data-annotation=quoted]").iter().map(text).collect();
    assert_eq!(quote["exact"], marked.as_str(), "the quote is the page's own text (typographic quotes and all)");
    assert!(quote["prefix"].as_str().unwrap().ends_with("rules said "), "{quote}");
    let position = &selectors[1]["refinedBy"];
    assert_eq!(position["type"], "TextPositionSelector");
    let body: Vec<char> = text(&select(&html, "article .article-body")[0]).chars().collect();
    let (start, end) = (position["start"].as_u64().unwrap() as usize, position["end"].as_u64().unwrap() as usize);
    assert_eq!(body[start..end].iter().collect::<String>(), marked, "positions select the same text");
}

#[test]
fn versions_link_to_each_other_and_changes_link_to_annotations() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    assert_eq!(select(&page, ".versions-nav a[href='../report-as-received/']").len(), 1);
    assert_eq!(select(&page, "a.changes-link[href='changes/']").len(), 1);
    let changes = project.page("articles/report/changes/index.html");
    assert!(!select(&changes, ".change del").is_empty() && !select(&changes, ".change ins").is_empty());
    // The as-received text said "Lopes Foundation": the change links to the correction there.
    let fix = select(&changes, "a.change-note[href='../../report-as-received/#anno-lopez-spelling']");
    assert_eq!(fix.len(), 1, "{}", project.read("public/articles/report/changes/index.html"));
}

#[test]
fn the_timeline_lists_events_in_date_order_with_their_pages() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("timeline/index.html");
    let dates: Vec<&str> = select(&page, ".timeline time").iter().filter_map(|t| t.value().attr("datetime")).collect();
    assert_eq!(dates, ["2021-02-01", "2021-07"]);
    assert!(!select(&page, ".timeline a[href='../articles/report/']").is_empty());
    assert!(!select(&page, ".timeline a[href='../sources/outlet/']").is_empty());
}

#[test]
fn source_pages_quote_each_mention_and_link_to_its_spot() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("sources/maria-lopez/index.html");
    let mentions = select(&page, "section[aria-labelledby=mentioned-heading] li");
    assert_eq!(mentions.len(), 4, "one in the as-received version, three in the edited one");
    let first = *mentions.iter().find(|m| text(m).contains("both spoke")).unwrap();
    assert_eq!(select_in(&first, "a"), "../../articles/report/#m-maria-lopez-1");
    assert!(text(&first).contains("The Lopez Foundation and Lopez both spoke."), "{}", text(&first));
    // the anchor exists in the article
    let article = project.page("articles/report/index.html");
    assert_eq!(select(&article, "#m-maria-lopez-1").len(), 1);
}

fn select_in(element: &scraper::ElementRef, css: &str) -> String {
    let selector = scraper::Selector::parse(css).unwrap();
    element.select(&selector).next().unwrap().value().attr("href").unwrap().to_string()
}

#[test]
fn a_pseudonym_is_marked_at_its_first_mention_and_on_its_page() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let article = project.page("articles/report/index.html");
    assert_eq!(select(&article, ".article-body .name-changed").len(), 1, "first mention only");
    let source = project.page("sources/maria-lopez/index.html");
    assert!(text(&select(&source, "h1")[0]).contains("name changed"));
}

#[test]
fn a_likely_pseudonym_says_probably_and_a_wrong_value_names_the_choices() {
    let project = Project::fixture("basic");
    let path = "content/sources/maria-lopez.md";
    project.write(path, &project.read(path).replace("pseudonym: true", "pseudonym: likely"));
    project.build(&[]);
    let article = project.page("articles/report/index.html");
    let marker = select(&article, ".article-body .name-changed");
    assert_eq!(
        marker.iter().map(|m| m.value().attr("data-label").unwrap()).collect::<Vec<_>>(),
        ["(name probably changed)"]
    );
    let source = project.page("sources/maria-lopez/index.html");
    assert!(text(&select(&source, "h1")[0]).contains("name probably changed"));

    project.write(path, &project.read(path).replace("pseudonym: likely", "pseudonym: maybe"));
    let err = common::stderr(&project.run(&["check"]));
    assert!(err.contains("maria-lopez.md:7:12") && err.contains("`likely`"), "{err}");
}

#[test]
fn articles_carry_news_article_json_ld_with_escaped_text() {
    let project = Project::fixture("basic");
    let path = "content/articles/report.md";
    let original = project.read(path);
    project.write(
        path,
        &original.replace("title: \"The report\"", "title: \"The </script><script>alert(1)</script> report\""),
    );
    project.build(&[]);
    let html = project.read("public/articles/report/index.html");
    let page = scraper::Html::parse_document(&html);
    let scripts = select(&page, "script[type='application/ld+json']");
    assert_eq!(scripts.len(), 1, "the title did not break out of the JSON-LD script");
    let json: serde_json::Value = serde_json::from_str(&text(&scripts[0])).unwrap();
    assert_eq!(json["@type"], "NewsArticle");
    assert_eq!(json["headline"], "The </script><script>alert(1)</script> report");
    assert_eq!(json["isBasedOn"]["name"], "The Outlet");
    assert_eq!(json["datePublished"], "2021-12-20");
    let cited: Vec<&str> = json["citation"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(cited, ["The Outlet", "Maria Lopez"]);
    assert!(text(&select(&page, "h1")[0]).contains("</script>"), "shown as text in the heading");
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn margin_notes_sit_beside_the_text_and_open_from_the_keyboard_on_a_phone() {
    let dir = common::browser_scripts();
    let project = Project::fixture("basic");
    project.build(&[]);
    let url = format!("file://{}", project.path("public/articles/report/index.html").display());
    let out = std::process::Command::new("node")
        .arg(dir.join("notes.cjs"))
        .args([&url, "#note-quoted", ".article-body a.note-ref[data-note=quoted]"])
        .output()
        .unwrap();
    let result = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(result.trim(), r#"{"wideVisible":true,"phoneBefore":false,"reachedByTab":true,"phoneAfter":true}"#);
}
