//! Long lists: the sources and figures indexes are split into pages, the first at the
//! list's own URL, so each stays light however large the dossier.

mod common;

use common::Project;

#[test]
fn a_long_sources_list_is_split_into_linked_pages_under_the_same_first_url() {
    let project = Project::fixture("basic");
    for i in 0..1100 {
        project.write(
            &format!("content/sources/gen-{i:04}.md"),
            &format!("---\ntitle: \"Generated Person {i:04}\"\nkind: person\nrole: \"Witness {i}\"\n---\nA witness.\n"),
        );
    }
    let out = project.run(&["build", "--quiet", "--output", "site"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // 1,103 sources at 500 a page: sources/, sources/page/2/, sources/page/3/.
    let mut seen = Vec::new();
    for (n, path) in ["sources/index.html", "sources/page/2/index.html", "sources/page/3/index.html"].iter().enumerate()
    {
        let html = project.read(&format!("site/{path}"));
        assert!(html.len() < 200_000, "{path} is {} bytes", html.len());
        let page = scraper::Html::parse_document(&html);
        let links = common::select(&page, ".source-list a");
        seen.extend(links.iter().map(|a| a.value().attr("href").unwrap().to_string()));
        let current = common::select(&page, ".pagination a[aria-current='page']");
        assert_eq!(common::text(&current[0]), (n + 1).to_string(), "{path} says which page it is");
        assert_eq!(common::select(&page, ".pagination .page-links li").len(), 3, "{path} links every page");
    }
    assert!(!project.path("site/sources/page/4/index.html").exists());
    assert_eq!(seen.len(), 1103, "every source is listed once");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 1103, "no source is listed twice");
    // The first page links on to the second, relative to itself.
    let first = scraper::Html::parse_document(&project.read("site/sources/index.html"));
    assert_eq!(common::select(&first, ".pagination a[rel=next]")[0].value().attr("href"), Some("page/2/"));
}
