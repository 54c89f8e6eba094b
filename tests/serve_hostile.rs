//! `dossier serve` against hostile networks and hostile edits (issue 15): a thousand slow
//! clients, a low descriptor limit, `//host`-style paths, the content folder removed and
//! restored, a project broken from the start, and the address it prints.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Project, Server, free_port};

/// Starts `sh -c "<prefix> exec dossier serve <args>"` and waits for its banner; the port is
/// read from the banner (so `--port 0` works).
fn serve(project: &Project, shell_prefix: &str, args: &[&str]) -> Option<Server> {
    let script = format!("{shell_prefix} exec \"$0\" serve --root \"$1\" {}", args.join(" "));
    let mut command = Command::new("sh");
    command.arg("-c").arg(script).arg(env!("CARGO_BIN_EXE_dossier")).arg(project.root()).env("NO_COLOR", "1");
    Server::start(command)
}

fn serve_plain(project: &Project) -> Server {
    serve(project, "", &["--port", &free_port().to_string()]).expect("serve starts")
}

/// A plain HTTP/1.1 request: (status, headers, body).
fn request(port: u16, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_string(), body.to_string())
}

fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(15), "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Lets this test process hold a few thousand sockets.
fn raise_descriptor_limit() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: the struct is valid for both calls.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max.min(8192);
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

#[test]
fn a_thousand_slow_clients_do_not_lock_readers_out() {
    raise_descriptor_limit();
    let project = Project::fixture("basic");
    // A low descriptor limit, as on many machines: the server keeps its own cap under it.
    let server = serve(&project, "ulimit -n 512;", &["--port", &free_port().to_string()]).expect("serve starts");
    let started = Instant::now();
    let mut slow = Vec::new();
    for _ in 0..1000 {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", server.port)) else { continue };
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
        slow.push(stream);
    }
    assert!(slow.len() > 900, "only {} slow clients connected", slow.len());
    for n in 0..20 {
        let asked = Instant::now();
        let (status, _, body) = request(server.port, "/articles/report/");
        assert_eq!(status, 200, "request {n}");
        assert!(body.contains("</html>"));
        assert!(
            asked.elapsed() < Duration::from_secs(8),
            "request {n} took {:?} (slow clients are closed after 10 s)",
            asked.elapsed()
        );
    }
    // And edits still rebuild (descriptors are left for reading files).
    let report = project.read("content/articles/report.md");
    project.write("content/articles/report.md", &report.replace("Another army marched.", "Another army marched on."));
    eventually("the edit is served", || request(server.port, "/articles/report/").2.contains("marched on."));
    // The slow clients are closed: evicted, or after the header timeout (10 s).
    for stream in &mut slow {
        stream.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        let mut byte = [0u8; 1];
        assert!(!matches!(stream.read(&mut byte), Ok(1..)), "a slow client got a response");
    }
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[test]
fn double_slash_paths_redirect_on_this_host() {
    let project = Project::fixture("basic");
    let server = serve_plain(&project);
    for path in ["//sources", "///sources", "/.//sources"] {
        let (status, head, _) = request(server.port, path);
        assert_eq!(status, 301, "{path}");
        assert!(head.to_lowercase().contains("\r\nlocation: /sources/"), "{path}: {head}");
    }
}

#[test]
fn the_printed_address_is_the_one_listened_on() {
    let project = Project::fixture("basic");
    let server = serve(&project, "", &["--port", "0"]).expect("serve starts");
    assert_ne!(server.port, 0, "{}", server.banner);
    assert_eq!(request(server.port, "/").0, 200);
    // IPv6 loopback, where the machine has it: the address needs brackets.
    if std::net::TcpListener::bind("[::1]:0").is_ok() {
        let server = serve(&project, "", &["--port", "0", "--bind", "::1"]).expect("serve starts on ::1");
        assert!(server.banner.contains("http://[::1]:"), "{}", server.banner);
    }
}

#[test]
fn a_project_broken_from_the_start_shows_its_error() {
    let project = Project::fixture("basic");
    let report = project.read("content/articles/report.md");
    project.write("content/articles/report.md", &report.replace("title: \"The report\"", "title: [unclosed"));
    let server = serve_plain(&project);
    let (status, _, body) = request(server.port, "/");
    assert_eq!(status, 500);
    assert!(body.contains("content/articles/report.md"), "{body}");
    assert!(body.contains("__dossier/events"), "the page reloads itself once fixed");
    project.write("content/articles/report.md", &report);
    eventually("the fixed site is served", || request(server.port, "/").0 == 200);
}

#[test]
fn the_content_folder_removed_and_restored_is_watched_again() {
    let project = Project::fixture("basic");
    let server = serve_plain(&project);
    let saved = tempfile::tempdir().unwrap();
    common::copy_dir(&project.path("content"), saved.path());
    std::fs::remove_dir_all(project.path("content")).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    common::copy_dir(saved.path(), &project.path("content"));
    eventually("the restored site is served", || request(server.port, "/articles/report/").0 == 200);
    std::thread::sleep(Duration::from_millis(500));
    for n in 0..3 {
        let report = project.read("content/articles/report.md");
        let edited = report.replace("Another army marched", &format!("Another army marched {n}"));
        project.write("content/articles/report.md", &edited);
        eventually("later edits are served", || {
            request(server.port, "/articles/report/").2.contains(&format!("marched {n}"))
        });
    }
}

#[test]
fn a_fifo_appearing_in_content_does_not_block_rebuilds() {
    let project = Project::fixture("basic");
    let server = serve_plain(&project);
    let status = Command::new("mkfifo").arg(project.path("content/static/pipe.txt")).status().unwrap();
    assert!(status.success());
    std::thread::sleep(Duration::from_millis(300));
    std::fs::remove_file(project.path("content/static/pipe.txt")).unwrap();
    let report = project.read("content/articles/report.md");
    project.write("content/articles/report.md", &report.replace("Another army marched.", "Another army piped up."));
    eventually("edits after the pipe are served", || request(server.port, "/articles/report/").2.contains("piped up."));
}

#[test]
fn a_fifo_left_in_static_fails_the_full_rebuild_at_once_and_its_removal_recovers() {
    let project = Project::fixture("basic");
    let server = serve_plain(&project);
    let status = Command::new("mkfifo").arg(project.path("content/static/pipe.txt")).status().unwrap();
    assert!(status.success());
    // A new page needs a full rebuild, which meets the pipe: it must say so, not wait for a writer.
    project.write("content/sources/newcomer.md", "---\ntitle: Newcomer\nkind: person\n---\nNew.\n");
    eventually("the pipe is reported", || server.log.lock().unwrap().contains("named pipe (FIFO)"));
    assert_eq!(request(server.port, "/articles/report/").0, 200, "the last good site is still served");
    std::fs::remove_file(project.path("content/static/pipe.txt")).unwrap();
    eventually("the new page is served once the pipe is gone", || request(server.port, "/sources/newcomer/").0 == 200);
}
