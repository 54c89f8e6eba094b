//! Edit storms against `dossier serve` (issue 27): hundreds of writes, editor-style
//! rename-over saves, creations, renames and deletions of the article, its sources and the
//! theme within a few hundred milliseconds, as an autosave or a `git checkout` makes them.
//! Once serve settles, every file a fresh `dossier build` of the final state writes must be
//! served with the same bytes (the search index included), and no page that the storm
//! created and removed again may still be served.

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Project, Server, free_port};

/// What serve adds to every page it serves (before `</body>`), and a build never does.
const LIVE_RELOAD: &str = include_str!("../src/serve/live-reload.html");

fn serve(project: &Project) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.args(["serve", "--quiet", "--port", &free_port().to_string(), "--root"]).arg(project.root());
    Server::start(command).expect("serve starts")
}

/// `GET path`: the status and the body's bytes.
fn get(port: u16, path: &str) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let status = String::from_utf8_lossy(&response[9..12]).parse().unwrap();
    let body = response.windows(4).position(|w| w == b"\r\n\r\n").map_or(Vec::new(), |at| response[at + 4..].to_vec());
    (status, body)
}

/// Every file under `dir`, as paths relative to it with `/`.
fn files(dir: &Path) -> BTreeSet<String> {
    common::snapshot(dir)
        .into_iter()
        .map(|(path, _)| path.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

/// Builds the project as it is now into a fresh folder, with serve's address as `base_url`.
fn fresh_build(project: &Project, base_url: &str) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("site");
    let result = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["build", "--quiet", "--base-url", base_url, "--root"])
        .arg(project.root())
        .arg("--output")
        .arg(&target)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(result.status.success(), "build failed: {}", common::stderr(&result));
    out
}

/// The served files that differ from the build in `dir` (pages without serve's script),
/// and the `gone` paths still served.
fn differences(port: u16, dir: &Path, gone: &BTreeSet<String>) -> Vec<String> {
    let mut wrong = Vec::new();
    for rel in files(dir) {
        if rel == ".dossier-output" {
            continue;
        }
        let built = std::fs::read(dir.join(&rel)).unwrap();
        let (status, mut served) = get(port, &format!("/{rel}"));
        if rel.ends_with(".html") {
            served = String::from_utf8_lossy(&served).replace(LIVE_RELOAD, "").into_bytes();
        }
        if status != 200 || served != built {
            wrong.push(format!("{rel} ({status})"));
        }
    }
    for rel in gone {
        if get(port, &format!("/{rel}")).0 != 404 {
            wrong.push(format!("{rel} is still served"));
        }
    }
    wrong
}

/// A small deterministic random sequence (xorshift), so a failing storm can be replayed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % sides as u64) as usize
    }
}

/// Writes `text` to a temporary name beside `rel` and renames it over `rel`, as vim, VS Code
/// and most editors save.
fn save_by_rename(project: &Project, rel: &str, text: &str) {
    let path = project.path(rel);
    let temporary = path.with_file_name(format!(".{}.tmp", path.file_name().unwrap().to_string_lossy()));
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, &path).unwrap();
}

/// One storm: `steps` random edits of the article, a source, the theme stylesheet, and
/// pages created, renamed and removed, as fast as the disk takes them.
fn storm(project: &Project, originals: &[String; 4], dice: &mut Dice, steps: usize) {
    let [report, outlet, css, config] = originals;
    let annotation =
        "annotations:\n  - id: storm\n    quote: \"Another army\"\n    kind: context\n    note: \"Storm.\"\n";
    for step in 0..steps {
        match dice.roll(13) {
            9 => project.write(&format!("content/static/storm-{}.txt", dice.roll(3)), &format!("static {step}\n")),
            10 => _ = std::fs::remove_file(project.path(&format!("content/static/storm-{}.txt", dice.roll(3)))),
            11 => {
                save_by_rename(project, "dossier.yaml", &config.replace("Fixture dossier", &format!("Dossier {step}")))
            }
            12 => project.write(
                "templates/404.html",
                &format!(
                    "{{% extends \"base.html\" %}}{{% block content %}}<p>Lost {step}</p>{{% endblock content %}}"
                ),
            ),
            0 => project.write("content/articles/report.md", &report.replace("marched.", &format!("marched {step}."))),
            1 => save_by_rename(
                project,
                "content/articles/report.md",
                &report.replace("marched.", &format!("went {step}.")),
            ),
            2 => {
                save_by_rename(project, "content/articles/report.md", &report.replacen("annotations:\n", annotation, 1))
            }
            3 => project.write("content/sources/outlet.md", &outlet.replace("The Outlet", &format!("Outlet {step}"))),
            4 => project.write("themes/default/static/style.css", &format!("{css}\n.storm{step} {{ color: red; }}\n")),
            5 => project.write(
                &format!("content/sources/storm-{}.md", dice.roll(4)),
                "---\ntitle: Storm\nkind: person\n---\nGust.\n",
            ),
            6 => _ = std::fs::remove_file(project.path(&format!("content/sources/storm-{}.md", dice.roll(4)))),
            7 => {
                let (from, to) = (dice.roll(4), dice.roll(4));
                let from = project.path(&format!("content/sources/storm-{from}.md"));
                _ = std::fs::rename(from, project.path(&format!("content/sources/storm-{to}.md")));
            }
            _ => save_by_rename(
                project,
                "content/sources/outlet.md",
                &outlet.replace("A news outlet.", &format!("Edit {step}.")),
            ),
        }
        if step % 16 == 0 {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Waits for serve to settle on what a fresh build of the project writes; panics with the
/// files that still differ after 30 s.
fn settles_on_a_fresh_build(server: &Server, project: &Project, gone: &BTreeSet<String>) {
    let build = fresh_build(project, &server.url());
    let dir = build.path().join("site");
    let gone: BTreeSet<String> = gone.difference(&files(&dir)).cloned().collect();
    let started = Instant::now();
    loop {
        let wrong = differences(server.port, &dir, &gone);
        if wrong.is_empty() {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "after the storm, served ≠ built: {wrong:?}");
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn after_an_edit_storm_every_served_file_equals_a_fresh_build() {
    let project = Project::fixture("basic");
    project.write("themes/default/static/style.css", include_str!("../themes/default/static/style.css"));
    let server = serve(&project);
    let mut gone: BTreeSet<String> = (0..4).map(|n| format!("sources/storm-{n}/index.html")).collect();
    gone.extend((0..3).map(|n| format!("storm-{n}.txt")));
    let originals =
        ["content/articles/report.md", "content/sources/outlet.md", "themes/default/static/style.css", "dossier.yaml"]
            .map(|rel| project.read(rel));
    let mut dice = Dice(0x2718_2818_2845_9045);
    for round in 0..8 {
        let started = Instant::now();
        storm(&project, &originals, &mut dice, 300);
        eprintln!("storm {round}: 300 changes in {} ms", started.elapsed().as_millis());
        settles_on_a_fresh_build(&server, &project, &gone);
    }
}

#[test]
fn an_annotation_added_and_a_theme_stylesheet_edit_leave_nothing_stale() {
    let project = Project::fixture("basic");
    project.write("themes/default/static/style.css", include_str!("../themes/default/static/style.css"));
    let server = serve(&project);
    let none = BTreeSet::new();
    // The search index holds the new annotation as a build's does (its files byte for byte).
    let report = project.read("content/articles/report.md");
    let annotation =
        "annotations:\n  - id: added\n    quote: \"Another army\"\n    kind: context\n    note: \"Added.\"\n";
    project.write("content/articles/report.md", &report.replacen("annotations:\n", annotation, 1));
    settles_on_a_fresh_build(&server, &project, &none);
    // 404.html inlines the theme's stylesheet.
    let css = project.read("themes/default/static/style.css");
    project.write("themes/default/static/style.css", &format!("{css}\n.edited {{ color: red; }}\n"));
    settles_on_a_fresh_build(&server, &project, &none);
    assert!(String::from_utf8_lossy(&get(server.port, "/404.html").1).contains("edited"));
}
