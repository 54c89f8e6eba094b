//! `dossier serve` on the real binary: edits, creates, deletes, renames, broken edits,
//! recovery, path traversal, and an open browser tab reloading by itself.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Project, Server, free_port};

fn serve(project: &Project) -> Server {
    serve_on(project, free_port())
}

fn serve_on(project: &Project, port: u16) -> Server {
    serve_with(port, |command| {
        command.arg("--root").arg(project.root());
    })
}

/// Starts `dossier serve --port PORT`, as `configure` adds arguments and the folder to run in.
fn serve_with(port: u16, configure: impl FnOnce(&mut Command)) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.args(["serve", "--port", &port.to_string()]).env("NO_COLOR", "1");
    configure(&mut command);
    Server::start(command).expect("serve exited early")
}

/// A plain HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// Waits until `check` holds (rebuilds are asynchronous), failing after 10 s.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(10), "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn edits_creates_deletes_and_renames_are_served() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let port = server.port;
    assert_eq!(get(port, "/articles/report/").0, 200);
    assert!(!project.path("public").exists(), "serve never writes public/");

    // edit
    let report = project.read("content/articles/report.md");
    project.write("content/articles/report.md", &report.replace("Another army marched.", "Another army marched home."));
    eventually("the edit is served", || get(port, "/articles/report/").1.contains("marched home"));

    // create
    project.write("content/sources/newcomer.md", "---\ntitle: Newcomer\nkind: person\n---\nNew.\n");
    eventually("a new page appears", || get(port, "/sources/newcomer/").0 == 200);

    // rename
    std::fs::rename(project.path("content/sources/newcomer.md"), project.path("content/sources/renamed.md")).unwrap();
    eventually("a renamed page moves", || {
        get(port, "/sources/renamed/").0 == 200 && get(port, "/sources/newcomer/").0 == 404
    });

    // delete
    std::fs::remove_file(project.path("content/sources/renamed.md")).unwrap();
    eventually("a deleted page disappears", || get(port, "/sources/renamed/").0 == 404);
    assert!(get(port, "/sources/renamed/").1.contains("Page not found"), "the 404 page is served");
}

#[test]
fn an_editors_atomic_save_and_a_burst_of_edits_settle_on_the_last_state() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let port = server.port;
    let path = "content/articles/report.md";
    let original = project.read(path);
    // Write a temporary file and rename it over the page, as vim and VS Code do.
    project.write("content/articles/.report.md.swp", "noise");
    project.write("content/articles/report.md.tmp-save", &original.replace("marched.", "marched atomically."));
    std::fs::rename(project.path("content/articles/report.md.tmp-save"), project.path(path)).unwrap();
    eventually("the rename-over save is served", || get(port, "/articles/report/").1.contains("marched atomically."));
    for n in 0..20 {
        project.write(path, &original.replace("marched.", &format!("marched burst{n}.")));
    }
    eventually("the last edit wins", || get(port, "/articles/report/").1.contains("marched burst19."));
    std::thread::sleep(Duration::from_millis(300));
    assert!(get(port, "/articles/report/").1.contains("marched burst19."), "and stays");
}

#[test]
fn a_source_title_change_reaches_the_pages_that_cite_it() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let port = server.port;
    let path = "content/sources/outlet.md";
    project.write(path, &project.read(path).replace("The Outlet", "The Renamed Outlet"));
    eventually("citing article shows the new title", || {
        get(port, "/articles/report/").1.contains("Source 1: The Renamed Outlet")
    });
    assert!(get(port, "/figures/strength/").1.contains("The Renamed Outlet"), "the figure it claims");
    assert!(get(port, "/sources/").1.contains("The Renamed Outlet"), "the list of sources");
}

#[test]
fn a_broken_edit_keeps_the_last_good_site_until_it_is_fixed() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let port = server.port;
    let path = "content/sources/outlet.md";
    let good = project.read(path);
    // (The stream is open before the edit: the failure may come before a late one connects.)
    let mut events = Events::open(port, "/");
    project.write(path, "---\ntitle: [unclosed\nkind: outlet\n---\n");
    let events = events.next("failed");
    assert!(events.contains("content/sources/outlet.md"), "the overlay names the file: {events}");
    assert_eq!(get(port, "/sources/outlet/").0, 200, "the last good site is still served");
    assert!(get(port, "/sources/outlet/").1.contains("The Outlet"));
    project.write(path, &good.replace("A news outlet.", "A fixed outlet."));
    eventually("recovery", || get(port, "/sources/outlet/").1.contains("A fixed outlet."));
    let (_, hello) = get_first_event(port);
    assert!(hello.contains("\"error\":null"), "fixing it clears the overlay: {hello}");
}

/// Reads the event stream until an event of `kind` arrives; returns everything read.
fn read_events(port: u16, kind: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /__dossier/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    while !seen.contains(&format!("event: {kind}"))
        || !seen[seen.find(&format!("event: {kind}")).unwrap()..].contains("\n\n")
    {
        let n = stream.read(&mut buffer).expect("event stream");
        assert!(n > 0, "event stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    seen
}

fn get_first_event(port: u16) -> (String, String) {
    let seen = read_events(port, "hello");
    let data = seen.lines().find(|l| l.starts_with("data:")).unwrap_or("").to_string();
    ("hello".into(), data)
}

#[test]
fn requests_cannot_leave_the_site() {
    let project = Project::fixture("basic");
    project.write("secret.txt", "do not serve");
    let server = serve(&project);
    for path in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/static/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/dossier.yaml",
        "/content/sources/outlet.md",
    ] {
        let (status, body) = get(server.port, path);
        assert!(status == 400 || status == 404, "{path}: {status}");
        assert!(!body.contains("do not serve") && !body.contains("base_url"), "{path} leaked");
    }
    let (status, body) = get(server.port, "/style.css");
    assert_eq!(status, 200);
    assert!(body.contains("--measure"));
}

#[test]
fn build_output_has_no_live_reload_code() {
    let project = Project::fixture("basic");
    project.build(&[]);
    for page in ["index.html", "articles/report/index.html", "404.html"] {
        assert!(!project.read(&format!("public/{page}")).contains("__dossier"), "{page}");
    }
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let project = Project::fixture("basic");
    let out = project.run(&["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("--port"), "{}", common::stderr(&out));
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn an_edit_is_patched_into_its_open_tab_without_a_reload_and_other_tabs_stay_as_they_are() {
    let script = common::browser_scripts().join("morph.cjs");
    let project = Project::fixture("basic");
    let server = serve(&project);
    let mut browser = Command::new("node")
        .arg(&script)
        .arg(format!("{}articles/report/", server.url()))
        .arg(format!("{}figures/trend/", server.url()))
        .arg("Another army patched in place.")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(browser.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "ready", "the pages opened");
    let path = "content/articles/report.md";
    project.write(path, &project.read(path).replace("Another army marched.", "Another army patched in place."));
    let report: serde_json::Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert!(browser.wait().unwrap().success());
    let (before, a, b) = (&report["before"], &report["a"], &report["b"]);
    assert_eq!(a["kept"], true, "the edited tab was patched, not reloaded: {report}");
    assert_eq!(a["patches"], 1, "{report}");
    assert!(before["scrollY"].as_f64().unwrap() > 0.0, "the page was scrolled: {report}");
    assert_eq!(a["scrollY"], before["scrollY"], "the scroll position is kept: {report}");
    assert_eq!(a["focused"], true, "the focused link keeps the focus: {report}");
    assert!(before["refs"].as_u64().unwrap() > 0, "the article has annotations: {report}");
    assert_eq!(a["notesSetUp"], before["refs"], "notes.js set the notes up again: {report}");
    assert_eq!(a["notesPlaced"], true, "and laid them out beside the text: {report}");
    assert_eq!(b["kept"], true, "the other tab did not reload: {report}");
    assert_eq!(b["patches"], 0, "nor was it patched: {report}");
    assert_eq!(b["loads"], 0, "{report}");
}

/// A tab's event stream, opened as the live-reload script opens it for the page at `page`.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn open(port: u16, page: &str) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(stream, "GET /__dossier/events?page={page} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        let mut events = Events { stream, seen: String::new() };
        events.next("hello");
        events
    }

    /// Reads until the next complete event of `kind`; returns its data.
    fn next(&mut self, kind: &str) -> String {
        let mut buffer = [0u8; 65536];
        loop {
            let start = self.seen.find(&format!("event: {kind}\n"));
            if let Some(end) = start.and_then(|at| self.seen[at..].find("\n\n").map(|e| at + e + 2)) {
                let event: String = self.seen[start.unwrap()..end].to_string();
                self.seen.drain(..end);
                return event.lines().filter_map(|l| l.strip_prefix("data:")).map(str::trim_start).collect();
            }
            let n = self.stream.read(&mut buffer).expect("event stream");
            assert!(n > 0, "event stream closed: {}", self.seen);
            self.seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
        }
    }
}

#[test]
fn an_update_carries_the_new_page_to_its_tab_and_only_a_version_to_the_others() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let mut report = Events::open(server.port, "/articles/report/");
    let mut figure = Events::open(server.port, "/figures/trend/");
    let path = "content/articles/report.md";
    project.write(path, &project.read(path).replace("Another army marched.", "Another army marched on."));
    let shown: serde_json::Value = serde_json::from_str(&report.next("update")).unwrap();
    let other: serde_json::Value = serde_json::from_str(&figure.next("update")).unwrap();
    assert!(
        shown["html"].as_str().unwrap().contains("</a> marched on."),
        "the tab showing the page gets it (the army note's ✎ before the edit)"
    );
    assert_eq!(other["version"], shown["version"], "the same update");
    assert!(other.get("html").is_none() && other.get("gone").is_none(), "nothing for the other tab to do: {other}");
}

#[test]
fn a_second_edit_is_served_while_the_search_index_still_catches_up_with_the_first() {
    let project = Project::fixture("basic");
    // Enough pages that regenerating the search index takes far longer than an edit.
    let words = "soldiers defected from the army and crossed the border to the village ".repeat(8);
    for n in 0..1500 {
        project.write(
            &format!("content/sources/bulk-{n}.md"),
            &format!("---\ntitle: Bulk {n}\nkind: person\n---\n{words}\n"),
        );
    }
    let server = serve(&project);
    let port = server.port;
    let path = "content/articles/report.md";
    let text = project.read(path);
    project.write(path, &text.replace("Another army marched.", "Another army marched first."));
    eventually("the first edit is served", || get(port, "/articles/report/").1.contains("marched first."));
    project.write(path, &text.replace("Another army marched.", "Another army marched second."));
    eventually("the second edit is served", || get(port, "/articles/report/").1.contains("marched second."));
    // (The log says so just after the pages are served.)
    let rebuilds = || server.log.lock().unwrap().lines().filter(|l| l.starts_with("Rebuilt")).count();
    eventually("the second rebuild is logged", || rebuilds() == 2);
    let log = server.log.lock().unwrap().clone();
    let lines: Vec<&str> = log.lines().collect();
    let rebuilt: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("Rebuilt")).collect();
    let indexed = |after: usize| (after..lines.len()).find(|&i| lines[i].starts_with("Search index updated"));
    assert_eq!(rebuilt.len(), 2, "two incremental rebuilds: {log}");
    assert!(
        indexed(rebuilt[0]).is_none_or(|i| i > rebuilt[1]),
        "the second edit was served before the index caught up with the first, not after it: {log}"
    );
    // Then the index catches up with both.
    let started = Instant::now();
    let caught_up =
        || server.log.lock().unwrap().lines().skip(rebuilt[1]).any(|l| l.starts_with("Search index updated"));
    while !caught_up() {
        assert!(started.elapsed() < Duration::from_secs(120), "the index never caught up: {log}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_stylesheet_edit_swaps_css_without_a_reload() {
    let project = Project::fixture("basic");
    let css = include_str!("../themes/default/static/style.css");
    project.write("themes/default/static/style.css", css);
    let server = serve(&project);
    let port = server.port;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /__dossier/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    project.write("themes/default/static/style.css", &format!("{css}\n.edited {{ color: red; }}\n"));
    let mut seen = String::new();
    let mut buffer = [0u8; 4096];
    while !seen.contains("event: css") && !seen.contains("event: reload") {
        let n = stream.read(&mut buffer).expect("event stream");
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..n]));
    }
    assert!(seen.contains("event: css") && !seen.contains("event: reload"), "{seen}");
    assert!(get(port, "/style.css").1.contains(".edited"));
}

#[test]
fn a_theme_folder_created_while_serving_is_watched() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let port = server.port;
    project.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Custom missing page</p>{% endblock content %}",
    );
    eventually("the new template folder is used", || get(port, "/nope/").1.contains("Custom missing page"));
    project.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>Edited missing page</p>{% endblock content %}",
    );
    eventually("and later edits in it are seen", || get(port, "/nope/").1.contains("Edited missing page"));
}

#[test]
fn ctrl_c_stops_the_server_cleanly_and_leaves_no_output_behind() {
    let project = Project::fixture("basic");
    let mut server = serve(&project);
    assert_eq!(get(server.port, "/").0, 200);
    let interrupted = Command::new("kill").args(["-INT", &server.child.id().to_string()]).status().unwrap();
    assert!(interrupted.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    assert!(TcpStream::connect(("127.0.0.1", server.port)).is_err(), "the port is released");
    assert!(!project.path("public").exists());
}

#[test]
#[ignore = "needs chromium and tests/browser (npm install --prefix tests/browser)"]
fn an_open_tab_reconnects_and_reloads_after_the_server_restarts() {
    let dir = common::browser_scripts();
    let project = Project::fixture("basic");
    let first = serve(&project);
    let port = first.port;
    let mut browser = Command::new("node")
        .arg(dir.join("reload.cjs"))
        .arg(format!("http://127.0.0.1:{port}/articles/report/"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(browser.stdout.take().unwrap()).lines();
    assert_eq!(lines.next().unwrap().unwrap(), "loaded");
    drop(first); // the server goes away
    let path = "content/articles/report.md";
    project.write(path, &project.read(path).replace("Another army marched.", "Another army reloaded."));
    let _second = serve_on(&project, port); // and comes back with new content
    assert_eq!(lines.next().unwrap().unwrap(), "reloaded: true", "the tab reconnected and reloaded");
    assert!(browser.wait().unwrap().success());
}

/// Every kind of edit, served as the README says to run it: from the project
/// folder without `--root`, and from its parent with a relative `--root`.
fn every_kind_of_edit_is_served(server: &Server, project: &Project) {
    let port = server.port;
    // article body
    let path = "content/articles/report.md";
    project.write(path, &project.read(path).replace("Another army marched.", "Another army marched home."));
    eventually("a body edit is served", || get(port, "/articles/report/").1.contains("marched home"));
    // source front matter
    let path = "content/sources/outlet.md";
    let good = project.read(path);
    project.write(path, &good.replace("The Outlet", "The Renamed Outlet"));
    eventually("a front-matter edit is served", || get(port, "/sources/outlet/").1.contains("The Renamed Outlet"));
    // broken edit: overlay and terminal error, last good site kept
    // (The stream is open before the edit: the failure may come before a late one connects.)
    let mut events = Events::open(port, "/");
    project.write(path, "---\ntitle: [unclosed\nkind: outlet\n---\n");
    let events = events.next("failed");
    assert!(events.contains("content/sources/outlet.md"), "the overlay names the file: {events}");
    eventually("the terminal shows the error", || server.log.lock().unwrap().contains("content/sources/outlet.md:2"));
    assert!(get(port, "/sources/outlet/").1.contains("The Renamed Outlet"), "the last good site is kept");
    project.write(path, &good);
    eventually("recovery", || get(port, "/sources/outlet/").1.contains("The Outlet"));
    // new file, deleted file
    project.write("content/sources/newcomer.md", "---\ntitle: Newcomer\nkind: person\n---\nNew.\n");
    eventually("a new page appears", || get(port, "/sources/newcomer/").0 == 200);
    std::fs::remove_file(project.path("content/sources/newcomer.md")).unwrap();
    eventually("a deleted page disappears", || get(port, "/sources/newcomer/").0 == 404);
    // stylesheet
    project.write("themes/default/static/style.css", "body { color: rebeccapurple; }\n");
    eventually("a CSS edit is served", || get(port, "/style.css").1.contains("rebeccapurple"));
}

#[test]
fn serve_from_the_project_folder_without_root_sees_every_edit() {
    let project = Project::fixture("basic");
    std::fs::create_dir_all(project.path("themes/default/static")).unwrap();
    let server = serve_with(free_port(), |command| {
        command.current_dir(project.root());
    });
    every_kind_of_edit_is_served(&server, &project);
}

#[test]
fn serve_with_a_relative_root_sees_every_edit() {
    let project = Project::fixture("basic");
    std::fs::create_dir_all(project.path("themes/default/static")).unwrap();
    let parent = project.root().parent().unwrap().to_path_buf();
    let name = project.root().file_name().unwrap().to_owned();
    let server = serve_with(free_port(), |command| {
        command.current_dir(&parent).arg("--root").arg(&name);
    });
    every_kind_of_edit_is_served(&server, &project);
}

#[test]
fn static_files_are_served_by_the_same_rules_as_a_build() {
    let project = Project::fixture("basic");
    let server = serve(&project);
    let port = server.port;
    // A new file appears; an edit is seen; hidden files and editor backups never are.
    project.write("content/static/notes.txt", "first");
    eventually("a new static file is served", || get(port, "/static/notes.txt").1 == "first");
    project.write("content/static/notes.txt", "second");
    eventually("its edit is served", || get(port, "/static/notes.txt").1 == "second");
    project.write("content/static/.env", "SECRET=1");
    project.write("content/static/map.svg~", "backup");
    project.write("content/static/notes.txt", "third");
    eventually("a later edit is served", || get(port, "/static/notes.txt").1 == "third");
    assert_eq!(get(port, "/static/.env").0, 404, "hidden files are not served");
    assert_eq!(get(port, "/static/map.svg~").0, 404, "editor backups are not served");
    project.build(&[]);
    assert!(!project.path("public/static/.env").exists() && !project.path("public/static/map.svg~").exists());
}
