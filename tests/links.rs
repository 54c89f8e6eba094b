//! `dossier check --links` against servers on this machine only (never the
//! internet): a live page, a chain of 301s, a 404, a 429 with `Retry-After`
//! that then answers, and a server that accepts connections but never answers.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Project, stderr};

/// A small HTTP server: path → (status, extra headers); `/busy` answers 429 the first time.
fn serve() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut hits: HashMap<String, usize> = HashMap::new();
        for stream in listener.incoming().map_while(Result::ok) {
            let path = request_path(&stream);
            log.lock().unwrap().push(path.clone());
            let n = hits.entry(path.clone()).or_default();
            *n += 1;
            let (status, headers) = match (path.as_str(), *n) {
                ("/ok" | "/archive/ok" | "/body" | "/note", _) => ("200 OK", String::new()),
                ("/moved", _) => ("301 Moved Permanently", "Location: /moved-again\r\n".into()),
                ("/moved-again", _) => ("301 Moved Permanently", "Location: /ok\r\n".into()),
                ("/busy", 1) => ("429 Too Many Requests", "Retry-After: 1\r\n".into()),
                ("/busy", _) => ("200 OK", String::new()),
                ("/always-busy", _) => ("429 Too Many Requests", "Retry-After: 1\r\n".into()),
                _ => ("404 Not Found", String::new()),
            };
            let mut stream = stream;
            let _ = write!(stream, "HTTP/1.1 {status}\r\n{headers}Content-Length: 2\r\nConnection: close\r\n\r\nok");
        }
    });
    (base, seen)
}

fn request_path(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    let _ = reader.read_line(&mut line);
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    // Read the headers to their end, so the client sees a clean answer.
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
            break;
        }
    }
    path
}

/// Accepts connections and never answers.
fn silent() -> (String, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    (format!("http://{}", listener.local_addr().unwrap()), listener)
}

/// The basic fixture with its addresses pointing at `base` and `mute`.
fn project(base: &str, mute: &str) -> Project {
    let p = Project::fixture("basic");
    p.write(
        "content/sources/outlet.md",
        &format!("---\ntitle: \"The Outlet\"\nkind: outlet\nurl: \"{base}/moved\"\n---\nA news outlet; see [its archive]({base}/body), [its feed]({base}/always-busy) and [its home](https://example.org/sub/about/).\n"),
    );
    p.write(
        "content/sources/lopez-foundation.md",
        &format!("---\ntitle: \"Lopez Foundation\"\nkind: organization\naliases: [\"Lopes Foundation\"]\nurl: \"{base}/gone\"\n---\nA foundation ([slow site]({mute}/page)).\n"),
    );
    let report = p.read("content/articles/report.md");
    let report = report.replace("https://example.com/", &format!("{base}/busy")).replace(
        "note: \"Crosses *emphasis* and a link.\"",
        &format!("note: \"Crosses *emphasis*, [a link]({base}/dead-note).\""),
    );
    p.write("content/articles/report.md", &report);
    p
}

fn check_links(p: &Project) -> (std::process::Output, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["check", "--links", "--links-timeout", "2", "--root"])
        .arg(p.root())
        .env("NO_COLOR", "1")
        .env_remove("HTTP_PROXY")
        .env_remove("http_proxy")
        .env_remove("ALL_PROXY")
        .output()
        .unwrap();
    let err = stderr(&out);
    (out, err)
}

#[test]
fn dead_and_redirected_links_are_reported_where_they_are_written() {
    let (base, _) = serve();
    let (mute, _listener) = silent();
    let p = project(&base, &mute);
    let started = Instant::now();
    let (out, err) = check_links(&p);
    assert_eq!(out.status.code(), Some(1), "dead links fail the check:\n{err}");
    // A source's dead `url:`, at its line, with the advice to add an archived copy.
    assert!(err.contains(&format!("dead link: `{base}/gone` (404 Not Found)")), "{err}");
    assert!(err.contains("content/sources/lopez-foundation.md:5:7"), "{err}");
    assert!(err.contains(&format!("`archive_url: https://web.archive.org/web/2024/{base}/gone`")), "{err}");
    // A chain of 301s ending at a live page: a warning naming the final address.
    assert!(err.contains(&format!("link `{base}/moved` redirects (301 → 301) to `{base}/ok`")), "{err}");
    assert!(err.contains("content/sources/outlet.md:4:7"), "{err}");
    // A link in an annotation's note, located in the front matter.
    assert!(err.contains(&format!("dead link: `{base}/dead-note` (404 Not Found)")), "{err}");
    // A server that never answers: dead after the timeout, at the link in the body.
    assert!(err.contains(&format!("dead link: `{mute}/page` (no answer within 2 s)")), "{err}");
    assert!(err.contains("content/sources/lopez-foundation.md:7:"), "{err}");
    // 429 with Retry-After: waited for, asked again, and found alive.
    assert!(!err.contains(&format!("{base}/busy`")), "{err}");
    // Always 429: asked three times, then a warning, not a dead link.
    let busy = format!("warning: link `{base}/always-busy` could not be checked: 429 Too Many Requests");
    assert!(err.contains(&busy), "{err}");
    // The site's own address (under `base_url`) is the build's to check, not the web's.
    assert!(!err.contains("example.org/sub/about"), "{err}");
    assert!(
        err.contains(
            "links: 7 address(es) (0 checked recently, not asked again): 3 dead, 1 redirected, 1 not answered"
        ),
        "{err}"
    );
    // Concurrent: the timeout and the Retry-After wait overlap with the rest.
    assert!(started.elapsed() < Duration::from_secs(8), "took {:?}", started.elapsed());
}

#[test]
fn an_archived_source_is_only_a_warning_and_good_results_are_remembered() {
    let (base, seen) = serve();
    let (mute, _listener) = silent();
    let p = project(&base, &mute);
    let text = p.read("content/sources/lopez-foundation.md").replace(
        &format!("url: \"{base}/gone\"\n"),
        &format!("url: \"{base}/gone\"\narchive_url: \"{base}/archive/ok\"\n"),
    );
    p.write("content/sources/lopez-foundation.md", &text.replace(&format!(" ([slow site]({mute}/page))"), ""));
    let report = p.read("content/articles/report.md").replace(&format!("[a link]({base}/dead-note)"), "a link");
    p.write("content/articles/report.md", &report);
    let (out, err) = check_links(&p);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("readers are also shown the source's `archive_url`"), "{err}");
    assert!(p.path(".dossier-cache/.gitignore").is_file(), "the cache ignores itself for git");
    seen.lock().unwrap().clear();
    let (_, err) = check_links(&p);
    assert!(err.contains("(4 checked recently, not asked again)"), "{err}");
    // A second run asks again only about what was not good news (the dead `url:`, the busy feed).
    let mut asked = seen.lock().unwrap().clone();
    asked.sort();
    asked.dedup();
    assert_eq!(asked, ["/always-busy", "/gone"]);
    // The source page shows the archived copy beside the live address.
    p.build(&[]);
    let page = p.read("public/sources/lopez-foundation/index.html");
    assert!(page.contains(&format!("<a href=\"{base}/archive/ok\" rel=\"external\">archived copy</a>")), "{page}");
}

#[test]
fn an_archive_url_must_be_a_web_address_of_a_source_with_a_url() {
    let p = Project::fixture("basic");
    p.write(
        "content/sources/lopez-foundation.md",
        "---\ntitle: \"Lopez Foundation\"\nkind: organization\narchive_url: \"web.archive.org/x\"\n---\nA foundation.\n",
    );
    let out = p.run(&["check"]);
    let err = stderr(&out);
    assert!(err.contains("`archive_url` \"web.archive.org/x\" is not a web address"), "{err}");
    assert!(err.contains("lopez-foundation.md:4:15"), "{err}");
    p.write(
        "content/sources/lopez-foundation.md",
        "---\ntitle: \"Lopez Foundation\"\nkind: organization\narchive_url: \"https://perma.cc/AB-12\"\n---\nA foundation.\n",
    );
    let err = stderr(&p.run(&["check"]));
    assert!(err.contains("this source has none"), "{err}");
    assert!(err.contains("add `url:` with the live address"), "{err}");
}
