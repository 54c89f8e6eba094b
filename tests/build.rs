//! `dossier build` on fixture dossiers: pages, cross-links, figures, sub-paths, themes, atomic output.

mod common;

use common::{Project, select, snapshot, stderr, text};

#[test]
fn every_page_of_the_site_is_written_with_pretty_urls() {
    let project = Project::fixture("basic");
    project.build(&[]);
    for page in [
        "index.html",
        "articles/report/index.html",
        "articles/report-as-received/index.html",
        "articles/report/changes/index.html",
        "sources/index.html",
        "sources/maria-lopez/index.html",
        "figures/index.html",
        "figures/trend/index.html",
        "timeline/index.html",
        "annotations/index.html",
        "search/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "annotations.jsonld",
        "style.css",
        "highlight.css",
        "static/map.svg",
    ] {
        assert!(project.path("public").join(page).is_file(), "missing {page}");
    }
    let sitemap = project.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/sub/sources/maria-lopez/</loc>"));
    let atom = project.read("public/atom.xml");
    assert!(atom.contains("<id>https://example.org/sub/articles/report/</id>"));
    assert!(project.read("public/robots.txt").contains("Sitemap: https://example.org/sub/sitemap.xml"));
}

#[test]
fn citations_are_numbered_and_link_to_the_bibliography_and_source_pages() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    let cites: Vec<(String, String)> = select(&page, "[data-cite]")
        .iter()
        .map(|c| (c.value().attr("data-cite").unwrap().to_string(), text(c)))
        .collect();
    // [@outlet] first, then [@maria-lopez; @outlet], then the annotation's cites.
    assert_eq!(
        cites[..3],
        [("outlet".into(), "1".into()), ("maria-lopez".into(), "2".into()), ("outlet".into(), "1".into())]
    );
    let entries = select(&page, ".bibliography li");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].value().attr("id"), Some("ref-outlet"));
    let link = select(&page, "#ref-maria-lopez a")[0];
    assert_eq!(link.value().attr("href"), Some("/sub/sources/maria-lopez/"));
    assert!(text(&select(&page, "#ref-maria-lopez")[0]).contains("(name changed)"));
}

#[test]
fn figures_are_numbered_by_first_reference_and_embedded() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    let refs: Vec<String> = select(&page, "a.figref").iter().map(text).collect();
    assert_eq!(refs, ["Figure 1", "Figure 2"]);
    assert_eq!(select(&page, "a.figref")[0].value().attr("href"), Some("#fig-strength"));
    let strength = select(&page, "figure#fig-strength")[0];
    assert!(text(&strength).contains("350,000"));
    assert!(text(&strength).contains("Figure 1."));
    let trend = select(&page, "figure#fig-trend")[0];
    assert!(text(&trend).contains("Figure 2."));
    let svg = select(&page, "figure#fig-trend svg[role=img]");
    assert_eq!(svg.len(), 1, "the chart is inline SVG");
    assert_eq!(text(&select(&page, "figure#fig-trend svg title")[0]), "Defections by month");
    assert!(text(&select(&page, "figure#fig-trend svg desc")[0]).contains("Dec: 2,000"));
    // The figure page shows the bar chart of another figure and the image.
    let bar = project.page("figures/proportion/index.html");
    assert_eq!(select(&bar, "svg.chart-bar rect.chart-bar").len(), 2);
    let image = project.page("figures/map/index.html");
    assert_eq!(select(&image, "figure img")[0].value().attr("alt"), Some("A square standing for a map"));
}

#[test]
fn wikilinks_resolve_with_and_without_labels() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    let labelled = select(&page, "a[href='/sub/sources/maria-lopez/']");
    assert!(labelled.iter().any(|a| text(a) == "the spokeswoman"));
    let titled = select(&page, "a.wikilink")[0];
    assert_eq!(
        (titled.value().attr("href"), text(&titled).as_str()),
        (Some("/sub/figures/strength/"), "Troop strength")
    );
    let home = project.page("index.html");
    assert!(select(&home, "a[href='/sub/articles/report/']").iter().any(|a| text(a) == "The report"));
}

#[test]
fn source_pages_link_back_to_every_citation_and_related_source() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("sources/outlet/index.html");
    let backlinks: Vec<String> = select(&page, "section[aria-labelledby=cited-heading] a")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect();
    assert!(backlinks.contains(&"/sub/articles/report/#cite-1".to_string()), "{backlinks:?}");
    // The sentence around the citation is quoted.
    assert!(text(&page.root_element()).contains("said \"everything changed\""));
    // Figures it claims.
    assert!(!select(&page, "a[href='/sub/figures/strength/']").is_empty());
    // Affiliation both ways.
    let person = project.page("sources/maria-lopez/index.html");
    assert_eq!(select(&person, "dd a[href='/sub/sources/lopez-foundation/']").len(), 1);
    let org = project.page("sources/lopez-foundation/index.html");
    assert_eq!(select(&org, "section[aria-labelledby=members-heading] a[href='/sub/sources/maria-lopez/']").len(), 1);
}

#[test]
fn every_internal_link_honours_the_base_path() {
    let project = Project::fixture("basic");
    project.build(&["--base-url", "https://example.org/deep/sub/"]);
    for page in ["index.html", "articles/report/index.html", "sources/maria-lopez/index.html", "404.html"] {
        let html = project.page(page);
        for a in select(&html, "a[href], link[href], img[src], script[src]") {
            let url = a.value().attr("href").or(a.value().attr("src")).unwrap();
            if url.starts_with('/') {
                assert!(url.starts_with("/deep/sub/"), "{page}: {url}");
            }
        }
    }
}

#[test]
fn a_project_template_overrides_the_theme() {
    let project = Project::fixture("basic");
    project.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">Custom {{ title }}</p>{% endblock content %}",
    );
    project.build(&[]);
    let page = project.page("404.html");
    assert_eq!(text(&select(&page, "#custom")[0]), "Custom Page not found");
    // Other templates still come from the theme.
    assert_eq!(select(&project.page("index.html"), "header.site-header").len(), 1);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let before = snapshot(&project.path("public"));
    project.write("content/sources/outlet.md", "---\ntitle: [unclosed\n---\n");
    let out = project.run(&["build"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("content/sources/outlet.md"), "{}", stderr(&out));
    assert_eq!(snapshot(&project.path("public")), before);
    let leftovers: Vec<_> = std::fs::read_dir(project.root())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("dossier-new"))
        .collect();
    assert!(leftovers.is_empty(), "no staging folder is left behind");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let project = Project::fixture("basic");
    project.write("content/sources/secret.md", "---\ntitle: Secret\nkind: person\ndraft: true\n---\n");
    project.build(&[]);
    assert!(!project.path("public/sources/secret/index.html").exists());
    project.build(&["--drafts"]);
    assert!(project.path("public/sources/secret/index.html").exists());
}

#[test]
fn the_shipped_dossier_builds() {
    let project = Project::shipped();
    project.build(&[]);
    let page = project.page("articles/defectors/index.html");
    assert!(!select(&page, "figure[id^=fig-] svg").is_empty(), "the edited article embeds a chart");
    let received = project.page("articles/defectors-as-received/index.html");
    assert!(select(&received, "mark[data-kind=correction]").len() > 20);
}

#[test]
fn rebuilds_replace_the_output_and_drop_pages_that_are_gone() {
    let project = Project::fixture("basic");
    project.build(&[]);
    project.build(&[]); // the previous build is kept beside the output, as a spare
    std::fs::remove_file(project.path("content/figures/map.md")).unwrap();
    let report = project.read("content/articles/report.md");
    project.write("content/articles/report.md", &report.replace("A footnote.", "A changed footnote."));
    project.build(&[]); // the spare is brought up to date and swapped in
    assert!(!project.path("public/figures/map/index.html").exists(), "a deleted page is gone");
    assert!(!project.path("public/figures/map").exists(), "and its folder");
    assert!(project.read("public/articles/report/index.html").contains("A changed footnote."));
    assert!(project.path("public/.dossier-output").is_file());
    let spare = project.path(".public.dossier-spare");
    assert!(spare.join("figures/map/index.html").is_file(), "the spare holds the previous build");
    let before = snapshot(&project.path("public"));
    project.build(&[]);
    assert_eq!(snapshot(&project.path("public")), before, "an unchanged rebuild gives the same files");
}

#[test]
fn new_scaffolds_a_source_and_a_figure_that_build() {
    let project = Project::fixture("basic");
    for (kind, id) in [("source", "new-witness"), ("figure", "new-count")] {
        let out = project.run(&["new", kind, id]);
        assert!(out.status.success(), "{}", stderr(&out));
        let text = project.read(&format!("content/{kind}s/{id}.md"));
        assert!(text.contains("title:") && text.contains("kind:") && text.contains("# "), "{text}");
    }
    let figure = project.read("content/figures/new-count.md");
    for field in ["value", "unit", "approximate", "as_of", "claimed_by", "cites", "chart", "image", "alt", "credit"] {
        assert!(figure.contains(&format!("{field}:")), "every field is present: {field}");
    }
    project.build(&[]);
    assert!(project.path("public/sources/new-witness/index.html").is_file());
    assert!(project.path("public/figures/new-count/index.html").is_file());
    let again = project.run(&["new", "source", "new-witness"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists"));
    let bad = project.run(&["new", "source", "Not A Slug"]);
    assert!(stderr(&bad).contains("not-a-slug"), "suggests a slug: {}", stderr(&bad));
}

#[test]
fn fenced_code_is_highlighted_with_classes_and_a_generated_stylesheet() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let page = project.page("articles/report/index.html");
    let code = select(&page, "pre.code code.language-rust span[class^=hl-]");
    assert!(!code.is_empty(), "highlighted into classes");
    assert!(project.read("public/highlight.css").contains(".hl-"));
    assert_eq!(select(&page, "link[href='/sub/highlight.css']").len(), 1);
}

#[test]
fn paths_mean_the_same_however_they_are_spelled() {
    let project = Project::fixture("basic");
    let bin = env!("CARGO_BIN_EXE_dossier");
    let run = |dir: &std::path::Path, args: &[&str]| {
        let out = std::process::Command::new(bin).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap();
        assert!(out.status.success(), "{args:?} in {}: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    // From a subfolder of the project, without --root: the project is found upwards.
    let articles = project.path("content/articles");
    run(&articles, &["build"]);
    assert!(project.path("public/index.html").is_file(), "public/ lands in the project, not in the subfolder");
    assert!(!articles.join("public").exists());
    run(&articles, &["new", "source", "from-below"]);
    assert!(project.path("content/sources/from-below.md").is_file());
    let check = run(&articles, &["check"]);
    assert!(check.contains("--> content/sources/from-below.md"), "diagnostics stay project-relative: {check}");
    // A relative --root is read against the current folder, a relative --output against the project.
    let parent = project.root().parent().unwrap();
    let name = project.root().file_name().unwrap().to_str().unwrap();
    let said = run(parent, &["build", "--root", name, "--output", "site"]);
    assert!(project.path("site/index.html").is_file(), "--output is relative to the project folder");
    assert!(said.contains(&format!("into {name}/site ")), "shown as the user would type it: {said}");
    // An --output that resolves into content/ however it is spelled is still refused.
    let refused = std::process::Command::new(bin)
        .args(["build", "--output", "content/articles/../static/site"])
        .current_dir(&articles)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", String::from_utf8_lossy(&refused.stderr));
}
