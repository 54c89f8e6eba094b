//! `dossier init` and `dossier new article|version`: a new user's way in.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{snapshot, stderr};

fn dossier(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier")).args(args).current_dir(dir).env("NO_COLOR", "1").output().unwrap()
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "{}", stderr(&out));
    stderr(&out)
}

#[test]
fn init_makes_a_dossier_that_builds_and_checks_clean() {
    let parent = tempfile::tempdir().unwrap();
    let said = ok(dossier(parent.path(), &["init", "my-dossier"]));
    assert!(said.contains("cd my-dossier"), "{said}");
    let project = parent.path().join("my-dossier");
    for file in [".gitignore", "dossier.yaml", "content/_index.md", "content/articles/bridge.md"] {
        assert!(project.join(file).is_file(), "{file}");
    }
    // No warnings either: every source is cited, every figure rests on two sources.
    let check = dossier(&project, &["check", "--deny-warnings"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    ok(dossier(&project, &["build"]));
    let article = std::fs::read_to_string(project.join("public/articles/bridge/index.html")).unwrap();
    for shown in ["data-kind=\"context\"", "data-kind=\"disputed\"", "<svg", "changes/"] {
        assert!(article.contains(shown), "the starter article shows {shown}");
    }
    let changes = project.join("public/articles/bridge/changes/index.html");
    assert!(changes.is_file(), "two versions: a changes page");
    assert!(std::fs::read_to_string(project.join(".gitignore")).unwrap().contains("/public/"));
}

#[test]
fn init_refuses_a_non_empty_folder_and_an_existing_project_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let before = snapshot(dir.path());
    let out = dossier(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not empty") && stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(snapshot(dir.path()), before, "nothing was written");
    // Told to, it adds the starter files and keeps what was there.
    ok(dossier(dir.path(), &["init", "--force"]));
    assert_eq!(std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(), "mine");
    // An existing project is refused, even empty of other files.
    std::fs::write(dir.path().join("content/sources/ana-ruiz.md"), "edited").unwrap();
    let again = dossier(dir.path(), &["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already holds a dossier"), "{}", stderr(&again));
    let kept = ok(dossier(dir.path(), &["init", "--force"]));
    assert!(kept.contains("kept content/sources/ana-ruiz.md"), "{kept}");
    assert_eq!(std::fs::read_to_string(dir.path().join("content/sources/ana-ruiz.md")).unwrap(), "edited");
}

#[cfg(unix)]
#[test]
fn init_never_writes_through_a_symbolic_link() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("content")).unwrap();
    let out = dossier(dir.path(), &["init", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert!(std::fs::read_dir(outside.path()).unwrap().next().is_none(), "nothing written outside");
}

#[test]
fn new_article_and_new_version_scaffold_pages_that_build() {
    let parent = tempfile::tempdir().unwrap();
    ok(dossier(parent.path(), &["init", "d"]));
    let project = parent.path().join("d");
    ok(dossier(&project, &["new", "article", "second-story"]));
    let said = ok(dossier(&project, &["new", "version", "bridge"]));
    assert!(said.contains("content/articles/bridge-2.md"), "{said}");
    let version = std::fs::read_to_string(project.join("content/articles/bridge-2.md")).unwrap();
    assert!(version.contains("edited_from: articles/bridge"), "{version}");
    assert!(version.contains("The Old Mill bridge has been closed"), "the body is copied");
    ok(dossier(&project, &["build"]));
    assert!(project.join("public/articles/second-story/index.html").is_file());
    assert!(
        project.join("public/articles/bridge-2/changes/index.html").is_file(),
        "a changes page from its predecessor"
    );
    let missing = dossier(&project, &["new", "version", "no-such-story"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("content/articles/no-such-story.md"), "{}", stderr(&missing));
}

#[test]
fn new_article_reads_the_story_and_version_from_the_id() {
    let parent = tempfile::tempdir().unwrap();
    ok(dossier(parent.path(), &["init", "d"]));
    let project = parent.path().join("d");
    ok(dossier(&project, &["new", "article", "floods-as-received"]));
    ok(dossier(&project, &["new", "article", "floods"]));
    let received = std::fs::read_to_string(project.join("content/articles/floods-as-received.md")).unwrap();
    assert!(received.contains("\narticle: floods "), "{received}");
    assert!(received.contains("\nversion: as-received "), "{received}");
    assert!(!received.contains("edited_from: articles/"), "the text as received comes from no version: {received}");
    let edited = std::fs::read_to_string(project.join("content/articles/floods.md")).unwrap();
    assert!(edited.contains("\narticle: floods "), "{edited}");
    assert!(edited.contains("\nversion: edited "), "{edited}");
    assert!(edited.contains("# edited_from: articles/floods-as-received "), "{edited}");
    // Uncommented, the suggestion is right: the two build as versions of one story.
    std::fs::write(
        project.join("content/articles/floods.md"),
        edited.replace("# edited_from: articles/floods-as-received", "edited_from: articles/floods-as-received"),
    )
    .unwrap();
    ok(dossier(&project, &["build"]));
    assert!(project.join("public/articles/floods/changes/index.html").is_file());
}

#[test]
#[ignore = "needs chromium, Java and tests/browser's npm packages (npm install --prefix tests/browser): runs the site checker"]
fn init_serves_and_passes_the_site_check() {
    let parent = tempfile::tempdir().unwrap();
    ok(dossier(parent.path(), &["init", "d"]));
    let project = parent.path().join("d");
    ok(dossier(&project, &["build", "--base-url", "http://localhost/sub/"]));
    let site_url = ["--base-path", "/sub/", "--site-url", "http://localhost/sub/"];
    let out = common::site_check(&project.join("public"), &site_url);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && report.contains("site-check: 0 errors"), "{report}{}", stderr(&out));
    // And serve answers with the starter article.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["serve", "--port", &port.to_string()])
        .current_dir(&project)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let body = loop {
        use std::io::{Read, Write};
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = write!(stream, "GET /articles/bridge/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            if response.starts_with("HTTP/1.1 200") {
                break response;
            }
        }
        assert!(started.elapsed().as_secs() < 20, "serve did not answer");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let _ = server.kill();
    let _ = server.wait();
    assert!(body.contains("The Old Mill bridge"));
}
