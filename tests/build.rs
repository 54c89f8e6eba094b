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
    assert_eq!(link.value().attr("href"), Some("../../sources/maria-lopez/"));
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
    let labelled = select(&page, "a[href='../../sources/maria-lopez/']");
    assert!(labelled.iter().any(|a| text(a) == "the spokeswoman"));
    let titled = select(&page, "a.wikilink")[0];
    assert_eq!(
        (titled.value().attr("href"), text(&titled).as_str()),
        (Some("../../figures/strength/"), "Troop strength")
    );
    let home = project.page("index.html");
    assert!(select(&home, "a[href='articles/report/']").iter().any(|a| text(a) == "The report"));
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
    assert!(backlinks.contains(&"../../articles/report/#cite-1".to_string()), "{backlinks:?}");
    // The sentence around the citation is quoted.
    assert!(text(&page.root_element()).contains("said \"everything changed\""));
    // Figures it claims.
    assert!(!select(&page, "a[href='../../figures/strength/']").is_empty());
    // Affiliation both ways.
    let person = project.page("sources/maria-lopez/index.html");
    assert_eq!(select(&person, "dd a[href='../lopez-foundation/']").len(), 1);
    let org = project.page("sources/lopez-foundation/index.html");
    assert_eq!(select(&org, "section[aria-labelledby=members-heading] a[href='../maria-lopez/']").len(), 1);
}

#[test]
fn internal_links_are_relative_so_one_build_works_anywhere() {
    let project = Project::fixture("basic");
    project.build(&["--base-url", "https://example.org/deep/sub/"]);
    let public = project.path("public");
    for (page, _) in common::snapshot(&public) {
        let rel = page.strip_prefix(&public).unwrap().to_string_lossy().replace('\\', "/");
        if !rel.ends_with(".html") || rel == "404.html" {
            continue;
        }
        let html = project.page(&rel);
        for a in select(&html, "a[href], link[href], img[src], script[src], form[action]") {
            let attr = |n| a.value().attr(n);
            let url = attr("href").or(attr("src")).or(attr("action")).unwrap();
            if url.starts_with("https://")
                || url.starts_with('#')
                || url.starts_with("mailto:")
                || url.starts_with("data:")
            {
                continue;
            }
            assert!(!url.starts_with('/'), "{rel}: `{url}` is site-absolute");
            // It resolves to a file of the build, from the page's own folder.
            let path = url.split(['#', '?']).next().unwrap();
            let target = page.parent().unwrap().join(path);
            let target = if path.is_empty() || path.ends_with('/') { target.join("index.html") } else { target };
            assert!(target.is_file(), "{rel}: `{url}` points to nothing ({})", target.display());
        }
    }
}

#[test]
fn canonical_links_are_absolute_at_the_root_and_under_a_sub_path() {
    let project = Project::fixture("basic");
    for (base, expected) in [
        ("https://example.org/", "https://example.org/articles/report/"),
        ("https://example.org/deep/sub/", "https://example.org/deep/sub/articles/report/"),
    ] {
        project.build(&["--base-url", base]);
        let page = project.page("articles/report/index.html");
        let canonical = select(&page, "link[rel=canonical]");
        assert_eq!(canonical[0].value().attr("href"), Some(expected));
        let home = project.page("index.html");
        assert_eq!(select(&home, "link[rel=canonical]")[0].value().attr("href"), Some(base));
    }
}

#[test]
fn the_missing_page_works_at_any_depth() {
    let project = Project::fixture("basic");
    project.build(&["--base-url", "https://example.org/deep/sub/"]);
    let page = project.page("404.html");
    assert!(select(&page, "link[rel=canonical]").is_empty(), "404.html has no address of its own");
    assert!(select(&page, "link[rel=stylesheet], script[src]").is_empty(), "nothing relative to fetch");
    assert!(text(&select(&page, "style")[0]).contains("--measure"), "the theme's stylesheet, inline");
    for a in select(&page, "a[href]") {
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with('#') || href.starts_with("https://example.org/deep/sub/"), "{href}");
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
    assert_eq!(select(&page, "link[href='../../highlight.css']").len(), 1);
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

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn a_build_opened_from_disk_can_be_browsed_across_page_kinds() {
    let dir = common::browser_scripts();
    let project = Project::fixture("basic");
    project.build(&[]);
    let start = format!("file://{}", project.path("public/index.html").display());
    // Home → an article → a cited source → a figure it claims → the figures list → search.
    // Opened from disk, folder links are pointed at their index.html (file-links.js).
    let out = std::process::Command::new("node")
        .arg(dir.join("follow.cjs"))
        .arg(&start)
        .args([
            "main a[href$='/articles/report/index.html']",
            ".bibliography a[href$='/sources/outlet/index.html']",
            "main a[href$='/figures/strength/index.html']",
            "nav a[href$='/figures/index.html']",
            "nav a[href$='/search/index.html']",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pages: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let public = format!("file://{}", project.path("public").display());
    let reached: Vec<String> =
        pages.iter().map(|p| p["url"].as_str().unwrap().trim_start_matches(&public).to_string()).collect();
    assert_eq!(
        reached,
        [
            "/index.html",
            "/articles/report/index.html",
            "/sources/outlet/index.html",
            "/figures/strength/index.html",
            "/figures/index.html",
            "/search/index.html"
        ]
    );
    for page in &pages {
        assert_eq!(page["styled"], true, "the stylesheet loads from disk: {page}");
        assert!(page["h1"].as_str().is_some_and(|h| !h.is_empty()), "{page}");
    }
    let search = pages.last().unwrap()["status"].as_str().unwrap();
    assert!(search.contains("served over the web"), "search says why it cannot work from disk: {search}");
}

#[test]
fn quiet_prints_nothing_and_verbose_prints_phase_timings() {
    let project = Project::fixture("basic");
    let quiet = project.build(&["--quiet"]);
    assert_eq!(common::stderr(&quiet), "", "the fixture has warnings; --quiet shows none, not even blank lines");
    let check = project.run(&["check", "--quiet"]);
    assert_eq!(common::stderr(&check), "");
    let verbose = common::stderr(&project.build(&["--verbose"]));
    for phase in ["load", "markdown", "templates", "exports"] {
        assert!(verbose.lines().any(|l| l.trim_start().starts_with(phase) && l.ends_with(" ms")), "{phase}: {verbose}");
    }
    assert!(verbose.contains("wrote index.html"), "{verbose}");
}

/// The footnotes fixture: notes holding lists, code and quotes keep their markup,
/// outside any paragraph; ids stay unique; an unreferenced note is kept and warned about.
#[test]
fn footnotes_with_blocks_become_sidenotes_a_browser_keeps_whole() {
    let project = Project::fixture("footnotes");
    let out = project.build(&[]);
    let warnings = stderr(&out);
    assert!(warnings.contains("footnote `[^orphan]` is defined but nothing in the text refers to it"), "{warnings}");
    assert!(warnings.contains("content/articles/field-notes.md:55:1"), "{warnings}");
    let page = project.page("articles/field-notes/index.html");
    let method = select(&page, "div.sidenote#fn-method");
    assert_eq!(method.len(), 1);
    assert_eq!(select(&page, "div.sidenote#fn-method > ul > li").len(), 3, "the list keeps its bullets");
    assert!(text(&select(&page, "div.sidenote#fn-tool pre code")[0]).contains("print(path, check(path))"));
    assert_eq!(select(&page, "div.sidenote#fn-quote > blockquote").len(), 1);
    // As written (a browser would silently close the `<p>` and spill the note into
    // the text): no paragraph holds a block.
    let raw = project.read("public/articles/field-notes/index.html");
    for paragraph in raw.split("<p").skip(1).filter(|p| p.starts_with('>') || p.starts_with(' ')) {
        let paragraph = &paragraph[..paragraph.find("</p>").expect("closed paragraph")];
        for block in ["<div", "<pre", "<ul", "<ol", "<blockquote"] {
            assert!(!paragraph.contains(block), "{block} inside <p{paragraph}</p>");
        }
    }
    let ids: Vec<&str> =
        select(&page, ".sidenote, .footnote-definition").iter().filter_map(|e| e.value().id()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), 11, "{ids:?}");
    assert_eq!(unique.len(), ids.len(), "footnote ids collide: {ids:?}");
    for id in &ids {
        let toggle = format!("label[for=\"sn-{}\"]", id.trim_start_matches("fn-"));
        let is_orphan = *id == "fn-orphan";
        assert_eq!(select(&page, &toggle).len(), usize::from(!is_orphan), "{toggle}");
    }
    assert!(text(&select(&page, ".footnote-definition#fn-orphan")[0]).contains("nothing in the text refers to"));
}
