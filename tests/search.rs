//! Search: the Pagefind index holds every page and every annotation's note, works at a
//! domain root and under a sub-path from one build, and `serve` keeps it current.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Project;
use serde_json::Value;

/// A child process killed when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Serves `dir` with Python's static file server (as a plain static host would).
fn static_server(dir: &Path) -> (Running, u16) {
    let port = common::free_port();
    let child = Command::new("python3")
        .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1", "--directory"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "the static server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Running(child), port)
}

/// Runs `search.cjs` on the search page at `url`; one JSON value per (query, wanted) pair.
fn search(url: &str, pairs: &[(&str, &str)]) -> Vec<Value> {
    let script = common::browser_scripts().join("search.cjs");
    let mut command = Command::new("node");
    command.arg(script).arg(url);
    for (query, wanted) in pairs {
        command.arg(query).arg(wanted);
    }
    let output = command.output().expect("node");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn titles(run: &Value) -> Vec<&str> {
    run["results"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap()).collect()
}

#[test]
fn every_page_and_every_annotation_note_is_a_record() {
    let project = Project::shipped();
    let out = project.run(&["build", "--quiet", "--output", "site"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!project.path("site/search-index.json").exists(), "the old one-file index is gone");
    assert!(project.path("site/pagefind/pagefind.js").is_file());
    assert!(!project.path("site/pagefind/pagefind-ui.js").exists(), "Pagefind's own UI is not shipped");
    let records = common::search_fragments(&project.path("site"));
    let url = |r: &Value| r["url"].as_str().unwrap().to_string();
    let kind = |r: &Value| r["filters"]["kind"][0].as_str().unwrap().to_string();
    let note = records
        .iter()
        .find(|r| url(r) == "articles/defectors-as-received/#anno-with-troops-remaining")
        .expect("the annotation is a record, linking to its highlight");
    assert_eq!(kind(note), "annotation");
    assert!(note["content"].as_str().unwrap().contains("concessive"), "its note is searchable: {note}");
    let pages: Vec<String> = records.iter().filter(|r| kind(r) != "annotation").map(url).collect();
    for page in ["articles/defectors/", "sources/tatmadaw/", "figures/troop-strength/"] {
        assert!(pages.contains(&page.to_string()), "{page} in {pages:?}");
    }
    assert!(pages.iter().all(|p| !p.starts_with('/')), "addresses are relative to the site root: {pages:?}");
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn a_reader_finds_pages_and_annotation_notes_at_the_root_and_under_a_sub_path() {
    let project = Project::shipped();
    // One build, served both under /dossier/ and at the root of another host.
    let out =
        project.run(&["build", "--quiet", "--output", "www/dossier", "--base-url", "https://example.org/dossier/"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_sub, sub_port) = static_server(&project.path("www"));
    let (_root, root_port) = static_server(&project.path("www/dossier"));
    for base in [format!("http://127.0.0.1:{sub_port}/dossier/"), format!("http://127.0.0.1:{root_port}/")] {
        let runs = search(
            &format!("{base}search/"),
            &[
                ("Tatmadaw", "sources/tatmadaw/"),
                ("concessive", "articles/defectors-as-received/#anno-with-troops-remaining"),
                ("Tatmadaw:figure", "figures/troop-strength/"),
            ],
        );
        let [page, note, figure] = &runs[..] else { panic!("{runs:?}") };
        for run in &runs {
            assert_eq!(run["errors"], serde_json::json!([]), "no script errors: {run}");
        }
        // A word: ranked results with highlighted excerpts; the page titled by it comes first.
        assert!(titles(page).len() >= 5, "{page}");
        assert_eq!(titles(page)[0], "Tatmadaw", "{page}");
        assert!(
            page["results"][0]["marked"].as_array().unwrap().iter().any(|m| m.as_str().unwrap().contains("Tatmadaw"))
        );
        assert_eq!(page["landed"], format!("{base}sources/tatmadaw/"), "followed to the right page");
        // A word found only in an annotation's note lands on its highlight.
        assert_eq!(note["results"][0]["kind"].as_str().unwrap().split(' ').next(), Some("annotation"), "{note}");
        assert_eq!(note["landed"], format!("{base}articles/defectors-as-received/#anno-with-troops-remaining"));
        assert_eq!(note["target"]["tag"], "mark", "{note}");
        assert_eq!(note["target"]["inView"], true, "{note}");
        // Filtered by kind: only figures.
        assert!(!titles(figure).is_empty(), "{figure}");
        for r in figure["results"].as_array().unwrap() {
            assert_eq!(r["kind"], "figure", "{figure}");
        }
        assert_eq!(figure["landed"], format!("{base}figures/troop-strength/"));
    }
}

/// What `search-more.cjs` saw at `step`: (results shown, fragments fetched, "More results" hidden).
fn at_step<'a>(run: &'a Value, step: &str) -> (u64, u64, bool, &'a Value) {
    let s = run["steps"].as_array().unwrap().iter().find(|s| s["step"] == step).unwrap_or_else(|| panic!("{run}"));
    (s["shown"].as_u64().unwrap(), s["fragments"].as_u64().unwrap(), s["more_hidden"].as_bool().unwrap(), s)
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn a_long_result_list_shows_five_first_and_fetches_only_what_it_shows() {
    let project = Project::fixture("basic");
    // 30 articles with the word, each a different number of times, so they rank in an order.
    for i in 0..30 {
        let body = "A wombatish report. ".repeat(i + 1);
        project.write(
            &format!("content/articles/many-{i}.md"),
            &format!("---\ntitle: \"Many {i}\"\ndate: 2021-12-20\n---\n{body}\n"),
        );
    }
    let out = project.run(&["build", "--quiet", "--output", "site"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_server, port) = static_server(&project.path("site"));
    let script = common::browser_scripts().join("search-more.cjs");
    let output = Command::new("node")
        .arg(script)
        .arg(format!("http://127.0.0.1:{port}/search/"))
        .arg("wombatish")
        .output()
        .expect("node");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let run: Value = serde_json::from_slice(&output.stdout).expect("one JSON line");
    assert_eq!(run["errors"], serde_json::json!([]), "no script errors: {run}");
    assert_eq!(run["status"], "30 results", "{run}");
    // Typed a key at a time: one query ran, once the keys paused, and the first five show,
    // each result's text fetched when it is shown and not before.
    assert_eq!(at_step(&run, "typed").0, 5, "{run}");
    assert_eq!(at_step(&run, "typed").1, 5, "{run}");
    assert_eq!(run["ran"], serde_json::json!(["wombatish"]), "the first letters ran no query of their own: {run}");
    // Ten more from the button, ten more from scrolling down to it, the last five from ↓
    // past the last result (which moves to the first of them); then no button.
    assert_eq!(at_step(&run, "button").0, 15, "{run}");
    assert_eq!(at_step(&run, "scrolled").0, 25, "{run}");
    let (shown, fragments, hidden, arrow) = at_step(&run, "arrow");
    assert_eq!((shown, fragments, hidden), (30, 30, true), "{run}");
    assert_eq!(arrow["focused"], 25, "{run}");
    // The same results in the same order as Pagefind gives them.
    assert_eq!(run["list"], run["pagefind"], "{run}");
    let list = run["list"].as_array().unwrap();
    assert!(list[0].as_str().unwrap().ends_with("/articles/many-29/"), "the most mentions first: {run}");
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn serve_makes_an_edited_note_searchable_after_the_rebuild() {
    let project = Project::fixture("basic");
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.args(["serve", "--port", "0", "--root"]).arg(project.root()).env("NO_COLOR", "1");
    let server = common::Server::start(command).expect("serve started");
    let port = server.port;
    let url = format!("http://127.0.0.1:{port}/search/");
    let before = search(&url, &[("zanzibarite", "")]);
    let marks = |run: &Value| -> Vec<String> {
        let results = run["results"].as_array().unwrap().iter();
        results
            .flat_map(|r| r["marked"].as_array().unwrap().iter().map(|m| m.as_str().unwrap().to_lowercase()))
            .collect()
    };
    assert!(!marks(&before[0]).iter().any(|m| m.contains("zanzibarite")), "{before:?}");
    let path = "content/articles/report.md";
    let text = project.read(path);
    let edited = text.replacen("Crosses *emphasis* and a link.", "Crosses *emphasis* and a zanzibarite link.", 1);
    assert_ne!(text, edited, "the fixture's note is where the test expects it");
    project.write(path, &edited);
    // Wait for the rebuild and for the search index to catch up (the serve log says when:
    // the pages are served first, the index follows), then search again.
    let started = Instant::now();
    let (rebuilt, caught_up) = loop {
        let log = server.log.lock().unwrap().clone();
        let rebuilt = log.lines().position(|l| l.starts_with("Rebuilt"));
        let caught_up = log.lines().position(|l| l.starts_with("Search index updated"));
        if let (Some(rebuilt), Some(caught_up)) = (rebuilt, caught_up) {
            let lines: Vec<&str> = log.lines().collect();
            break (lines[rebuilt].to_string(), caught_up > rebuilt);
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no rebuild and index: {log}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(rebuilt.contains("re-rendered"), "an incremental rebuild: {rebuilt}");
    assert!(caught_up, "the index follows the pages");
    let after = search(&url, &[("zanzibarite", "")]);
    let first = &after[0]["results"][0];
    assert!(first["href"].as_str().unwrap().contains("/articles/report/#anno-"), "the note's annotation: {after:?}");
    assert!(marks(&after[0]).iter().any(|m| m.contains("zanzibarite")), "{after:?}");
}

#[test]
fn search_false_leaves_out_the_search_page_its_links_and_the_index() {
    let project = Project::fixture("basic");
    let config = project.read("dossier.yaml");
    project.write("dossier.yaml", &format!("{config}\nsearch: false\n"));
    project.build(&[]);
    assert!(project.path("public/index.html").is_file());
    assert!(!project.path("public/search").exists(), "no search page");
    assert!(!project.path("public/pagefind").exists(), "no search index");
    for page in ["index.html", "404.html", "articles/report/index.html"] {
        let html = project.read(&format!("public/{page}"));
        assert!(!html.contains("search/"), "{page} links to the missing search page");
    }
    // `serve` still rebuilds edits incrementally without an index to keep current.
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.args(["serve", "--port", "0", "--root"]).arg(project.root()).env("NO_COLOR", "1");
    let server = common::Server::start(command).expect("serve started");
    let path = "content/articles/report.md";
    let text = project.read(path);
    project.write(path, &text.replacen("Crosses *emphasis*", "Crosses *strong emphasis*", 1));
    let started = Instant::now();
    let rebuilt = loop {
        let log = server.log.lock().unwrap().clone();
        if let Some(line) = log.lines().find(|l| l.starts_with("Rebuilt")) {
            break line.to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no rebuild: {log}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(rebuilt.contains("re-rendered"), "an incremental rebuild: {rebuilt}");
    let log = server.log.lock().unwrap().clone();
    assert!(!log.contains("error"), "{log}");
}
