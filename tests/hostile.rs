//! Hostile projects (issue 15): a repository someone else wrote, a downloaded theme, a
//! pull request on CI. Each test builds one tiny dossier in a temporary folder, breaks it in
//! one hostile way, runs the real binary and checks what a user would notice: nothing read
//! or written outside the project, nothing lost, nothing injected, no hang, a clear message.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use common::{select, snapshot, stderr};

/// A tiny dossier in `<tmp>/project`, with room beside it (`<tmp>/…`) for things outside it.
struct Tiny {
    tmp: tempfile::TempDir,
}

const ARTICLE: &str = "---\ntitle: \"The report\"\narticle: report\nbased_on: outlet\nannotations:\n  - quote: \"army\"\n    kind: context\n    note: \"A *note*.\"\n---\nThe army said so [@outlet].\n";
const OUTLET: &str =
    "---\ntitle: \"The Outlet\"\nkind: outlet\nurl: \"https://outlet.example/\"\n---\nA news outlet.\n";

impl Tiny {
    fn new() -> Tiny {
        let tiny = Tiny { tmp: tempfile::tempdir().expect("temp dir") };
        tiny.write("dossier.yaml", "title: \"Tiny\"\nbase_url: \"https://example.org/\"\n");
        tiny.write("content/articles/report.md", ARTICLE);
        tiny.write("content/sources/outlet.md", OUTLET);
        tiny
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join("project")
    }

    /// A path beside the project, outside it.
    fn outside(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        write(&self.path(rel), text);
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
        command.args(args).arg("--root").arg(self.root()).env("NO_COLOR", "1");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        run_bounded(self.command(args), Duration::from_secs(60))
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Runs `command`, killing it (and failing the test) if it takes longer than `limit`.
fn run_bounded(mut command: Command, limit: Duration) -> Output {
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run dossier");
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(limit) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("dossier took longer than {limit:?}");
        }
    }
}

fn assert_fails(out: &Output, code: i32, says: &[&str]) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "exit code; stderr:\n{err}");
    for part in says {
        assert!(err.contains(part), "stderr lacks {part:?}:\n{err}");
    }
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "failed:\n{}", stderr(out));
}

fn mkfifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

// ---- data leaving the project ------------------------------------------------------------

#[test]
fn a_committed_spare_folder_with_a_link_out_cannot_write_outside() {
    let tiny = Tiny::new();
    tiny.write("content/static/a.txt", "mine");
    let victim = tiny.outside("victim");
    write(&victim.join("keep.txt"), "victim's");
    tiny.write(".public.dossier-spare/.dossier-output", "");
    symlink("../../victim", tiny.path(".public.dossier-spare/static")).unwrap();
    symlink(&victim, tiny.path(".public.dossier-spare/robots.txt")).unwrap();
    assert_ok(&tiny.run(&["build"]));
    assert_ok(&tiny.run(&["build"])); // and again, with the first build as the spare
    assert_eq!(snapshot(&victim), vec![(victim.join("keep.txt"), b"victim's".to_vec())]);
    assert_eq!(tiny.read("public/static/a.txt"), "mine");
    assert!(!tiny.path("public/static").symlink_metadata().unwrap().file_type().is_symlink());
}

#[test]
fn templates_and_theme_files_linking_out_of_the_project_are_refused() {
    let secret = "root:x:0:0:secret";
    let cases: &[(&str, &[&str])] = &[
        ("templates/404.html", &["templates/404.html", "outside the project"]),
        ("themes/default/templates/404.html", &["themes/default/templates/404.html", "outside the project"]),
        ("themes/default/static/leak.css", &["themes/default/static/leak.css", "outside the project"]),
    ];
    for (link, says) in cases {
        let tiny = Tiny::new();
        write(&tiny.outside("secret.txt"), secret);
        fs::create_dir_all(tiny.path(link).parent().unwrap()).unwrap();
        symlink(tiny.outside("secret.txt"), tiny.path(link)).unwrap();
        let out = tiny.run(&["build"]);
        assert_fails(&out, 1, says);
        assert!(!tiny.path("public").exists(), "{link}: nothing published");
    }
    // A whole theme static folder linked to an outside folder.
    let tiny = Tiny::new();
    write(&tiny.outside("elsewhere/passwd"), secret);
    fs::create_dir_all(tiny.path("themes/default")).unwrap();
    symlink(tiny.outside("elsewhere"), tiny.path("themes/default/static")).unwrap();
    assert_fails(&tiny.run(&["build"]), 1, &["themes/default/static", "outside the project"]);
    assert!(!tiny.path("public").exists());
}

#[test]
fn a_theme_named_by_a_path_is_refused() {
    let tiny = Tiny::new();
    write(&tiny.outside("elsewhere/templates/404.html"), "stolen");
    tiny.write("dossier.yaml", "title: \"Tiny\"\nbase_url: \"https://example.org/\"\ntheme: ../../elsewhere\n");
    assert_fails(&tiny.run(&["build"]), 1, &["dossier.yaml:3:1", "not a folder name in `themes/`"]);
}

#[test]
fn an_output_path_through_a_link_into_content_is_refused() {
    let tiny = Tiny::new();
    symlink(tiny.path("content"), tiny.path("lnk")).unwrap();
    let before = snapshot(&tiny.path("content"));
    let out = tiny.run(&["build", "--output", "lnk/site"]);
    assert_fails(&out, 2, &["refusing", "inside the project's `content/` folder"]);
    assert_eq!(snapshot(&tiny.path("content")), before);
}

#[test]
fn content_and_config_links_out_of_the_project_are_not_read() {
    let tiny = Tiny::new();
    write(&tiny.outside("secret.md"), "---\ntitle: \"Secret\"\nkind: person\n---\n");
    symlink(tiny.outside("secret.md"), tiny.path("content/sources/secret.md")).unwrap();
    symlink(tiny.outside("secret.md"), tiny.path("content/static/secret.txt")).unwrap_or_else(|_| {
        fs::create_dir_all(tiny.path("content/static")).unwrap();
        symlink(tiny.outside("secret.md"), tiny.path("content/static/secret.txt")).unwrap();
    });
    let out = tiny.run(&["build"]);
    assert_ok(&out);
    assert!(stderr(&out).contains("symbolic link skipped"));
    assert!(!tiny.path("public/sources/secret").exists());
    assert!(!tiny.path("public/static/secret.txt").exists());
    // the configuration itself
    fs::rename(tiny.path("dossier.yaml"), tiny.outside("dossier.yaml")).unwrap();
    symlink(tiny.outside("dossier.yaml"), tiny.path("dossier.yaml")).unwrap();
    assert_fails(&tiny.run(&["check"]), 2, &["outside the project"]);
}

#[test]
fn new_does_not_scaffold_through_a_link_out_of_the_project() {
    let tiny = Tiny::new();
    fs::create_dir_all(tiny.outside("elsewhere")).unwrap();
    fs::remove_dir_all(tiny.path("content/sources")).unwrap();
    symlink(tiny.outside("elsewhere"), tiny.path("content/sources")).unwrap();
    let out = tiny.run(&["new", "source", "someone"]);
    assert!(!out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("outside the project"), "{}", stderr(&out));
    assert!(fs::read_dir(tiny.outside("elsewhere")).unwrap().next().is_none());
}

// ---- data loss ---------------------------------------------------------------------------

#[test]
fn force_never_replaces_a_folder_holding_the_home_folder() {
    let tiny = Tiny::new();
    let home = tiny.outside("homes/alice");
    write(&home.join("thesis.txt"), "years of work");
    let homes = tiny.outside("homes");
    let mut command = tiny.command(&["build", "--force", "--output", homes.to_str().unwrap()]);
    command.env("HOME", &home);
    let out = run_bounded(command, Duration::from_secs(60));
    assert_fails(&out, 2, &["refusing", "home folder"]);
    assert_eq!(fs::read_to_string(home.join("thesis.txt")).unwrap(), "years of work");
}

#[test]
fn two_builds_into_one_output_take_turns() {
    let tiny = Tiny::new();
    for i in 0..200 {
        tiny.write(&format!("content/static/f{i}.txt"), &"x".repeat(10_000));
    }
    for _ in 0..3 {
        let children: Vec<_> = (0..2)
            .map(|_| tiny.command(&["build"]).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap())
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_ok(&out);
        }
        assert_eq!(fs::read_dir(tiny.path("public/static")).unwrap().count(), 200);
        assert!(tiny.path("public/articles/report/index.html").is_file());
    }
}

#[test]
fn leftovers_of_an_interrupted_build_do_not_break_the_next() {
    let tiny = Tiny::new();
    assert_ok(&tiny.run(&["build"]));
    assert_ok(&tiny.run(&["build"]));
    // What a build killed by a full disk may leave in the spare folder: folders where files go,
    // files where folders go, a half-written page.
    let spare = tiny.path(".public.dossier-spare");
    fs::remove_file(spare.join("robots.txt")).unwrap();
    write(&spare.join("robots.txt/partial"), "x");
    fs::remove_dir_all(spare.join("sources")).unwrap();
    write(&spare.join("sources"), "half");
    write(&spare.join("articles/report/index.html"), "<html><bo");
    assert_ok(&tiny.run(&["build"]));
    assert!(tiny.read("public/robots.txt").starts_with("User-agent"));
    assert!(tiny.read("public/articles/report/index.html").contains("</html>"));
    assert!(tiny.path("public/sources/outlet/index.html").is_file());
}

// ---- injection into the published site ---------------------------------------------------

#[test]
fn raw_html_and_script_urls_in_notes_never_reach_the_pages() {
    let tiny = Tiny::new();
    let article = ARTICLE.replace(
        "note: \"A *note*.\"",
        "note: \"A **bold** <img src=x onerror=alert(1)> </script><script>alert(2)</script> [x](javascript:alert(3)) [ok](https://ok.example/)\"",
    );
    tiny.write("content/articles/report.md", &article);
    assert_ok(&tiny.run(&["build"]));
    for page in ["public/articles/report/index.html", "public/annotations/index.html"] {
        let html = tiny.read(page);
        let doc = scraper::Html::parse_document(&html);
        assert!(select(&doc, "[onerror]").is_empty(), "{page}: onerror attribute");
        assert!(select(&doc, "img").is_empty(), "{page}: raw <img> became an element");
        assert!(!html.contains("<script>alert"), "{page}: script");
        for a in select(&doc, "a[href]") {
            let href = a.value().attr("href").unwrap();
            assert!(!href.to_lowercase().contains("javascript"), "{page}: {href}");
        }
        assert!(!select(&doc, ".note strong, aside strong, strong").is_empty(), "{page}: Markdown still renders");
        assert!(!select(&doc, "a[href='https://ok.example/']").is_empty(), "{page}: safe links kept");
    }
}

#[test]
fn a_source_url_with_a_script_scheme_is_an_error() {
    for url in ["javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>x</script>"] {
        let tiny = Tiny::new();
        tiny.write("content/sources/outlet.md", &OUTLET.replace("https://outlet.example/", url));
        assert_fails(&tiny.run(&["build"]), 1, &["content/sources/outlet.md:4:", "not a web address", "https://"]);
        assert!(!tiny.path("public").exists());
    }
}

#[test]
fn control_characters_from_yaml_never_break_the_feed() {
    let tiny = Tiny::new();
    tiny.write("content/articles/report.md", &ARTICLE.replace("The report", "Bad\\x01 \\e[31mred\\x7f"));
    tiny.write("dossier.yaml", "title: \"Tiny\\x02\"\ndescription: \"\\x0b\"\nbase_url: \"https://example.org/\"\n");
    assert_ok(&tiny.run(&["build"]));
    for file in ["public/atom.xml", "public/sitemap.xml"] {
        let xml = tiny.read(file);
        let bad: Vec<char> = xml.chars().filter(|c| (*c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')).collect();
        assert!(bad.is_empty(), "{file} holds {bad:?}");
    }
    assert!(tiny.read("public/atom.xml").contains("Bad\u{FFFD} \u{FFFD}[31mred"));
}

#[test]
fn a_base_url_cannot_inject_lines_or_markup() {
    for url in ["https://x.example/\nDisallow: /", "https://x.example/\"><script>", "https://x.example/a b"] {
        let tiny = Tiny::new();
        let out = tiny.run(&["build", "--base-url", url]);
        assert_fails(&out, 1, &["base_url", "cannot hold"]);
        assert!(!tiny.path("public").exists());
    }
}

#[test]
fn diagnostics_show_terminal_escapes_instead_of_sending_them() {
    let tiny = Tiny::new();
    tiny.write("content/sources/bad\u{1b}]0;PWNED\u{7}.md", "---\ntitle: x\n---\n");
    tiny.write("content/sources/outlet.md", "---\ntitle: \"The Outlet\"\nkind: outlet\nrole: \u{1b}[31m: red\n---\n");
    let out = tiny.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "raw escapes in:\n{err:?}");
    assert!(err.contains("bad\u{241b}]0;PWNED\u{2407}"), "{err}");
    assert!(err.contains("\u{241b}[31m"), "{err}");
}

// ---- hangs and blow-ups ------------------------------------------------------------------

#[test]
fn a_fifo_in_content_is_an_error_not_a_hang() {
    for fifo in ["content/articles/pipe.md", "content/static/pipe.txt"] {
        let tiny = Tiny::new();
        mkfifo(&tiny.path(fifo));
        for command in ["check", "build"] {
            let out = run_bounded(tiny.command(&[command]), Duration::from_secs(120));
            assert_fails(&out, 1, &[fifo.trim_start_matches("content/"), "named pipe (FIFO), not a regular file"]);
        }
    }
}

#[test]
fn deeply_nested_yaml_is_refused_quickly() {
    let tiny = Tiny::new();
    let deep = format!("---\ntitle: \"x\"\nsummary: {}{}\n---\n", "[".repeat(100_000), "]".repeat(100_000));
    tiny.write("content/articles/deep.md", &deep);
    // Linear, not quadratic (25 s before the bound); the limit only guards against a hang.
    let out = run_bounded(tiny.command(&["check"]), Duration::from_secs(120));
    assert_fails(&out, 1, &["content/articles/deep.md:3:", "more than 64 levels deep"]);
}

#[test]
fn annotations_cannot_blow_the_output_up() {
    let long_text = "The army said see everything here. ".repeat(600); // ~21 KB
    let article = |annotations: &str| {
        format!("---\ntitle: \"The report\"\nbased_on: outlet\nannotations:\n{annotations}---\n{long_text}\n")
    };
    // One short quote everywhere.
    let tiny = Tiny::new();
    tiny.write(
        "content/articles/report.md",
        &article("  - quote: \"e\"\n    occurrence: all\n    kind: context\n    note: \"x\"\n"),
    );
    let out = run_bounded(tiny.command(&["build"]), Duration::from_secs(120));
    assert_fails(&out, 1, &["content/articles/report.md", "pieces covering", "prefix:"]);
    // Many annotations each covering most of the text, overlapping.
    let whole: String = long_text.trim_end().chars().take(20_000).collect();
    let many: String =
        (0..50).map(|_| format!("  - quote: \"{whole}\"\n    occurrence: 1\n    kind: context\n")).collect();
    tiny.write("content/articles/report.md", &article(&many));
    let out = run_bounded(tiny.command(&["build"]), Duration::from_secs(120));
    assert_fails(&out, 1, &["content/articles/report.md", "highlights"]);
    assert!(!tiny.path("public").exists());
}

#[test]
fn thousands_of_unanchored_quotes_report_quickly() {
    let tiny = Tiny::new();
    let long_text = "Soldiers walked away from the army in their thousands. ".repeat(20_000); // ~1 MB
    let notes: String =
        (0..10_000).map(|i| format!("  - quote: \"Soldiers walked to town {i}\"\n    kind: context\n")).collect();
    tiny.write(
        "content/articles/report.md",
        &format!("---\ntitle: \"The report\"\nbased_on: outlet\nannotations:\n{notes}---\n{long_text}\n"),
    );
    let out = run_bounded(tiny.command(&["check"]), Duration::from_secs(120));
    assert_fails(&out, 1, &["is not in the article's text", "nearest text in the article: \"…"]);
    // The costly nearest-text search runs for the first quotes only; the rest are still reported.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.matches("nearest text in the article").count() <= 20, "the nearest-text search is bounded");
    assert!(err.matches("is not in the article's text").count() >= 10_000, "every quote is reported");
}

// ---- wrong or misleading messages, silent acceptance -------------------------------------

/// The 1-based line of `needle` in `text`, and its column.
fn line_col(text: &str, needle: &str) -> String {
    let offset = text.find(needle).unwrap();
    let line = text[..offset].matches('\n').count() + 1;
    let column = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{line}:{column}")
}

#[test]
fn an_unknown_id_is_pointed_at_itself_not_at_a_longer_one() {
    let tiny = Tiny::new();
    tiny.write("content/sources/france24.md", "---\ntitle: \"France 24\"\nkind: outlet\n---\n");
    let article = ARTICLE
        .replace("based_on: outlet", "based_on: france24")
        .replace("kind: context", "kind: context\n    cites: [france24, france]");
    tiny.write("content/articles/report.md", &article);
    let at = line_col(&article, "france]");
    let out = tiny.run(&["check"]);
    assert_fails(
        &out,
        1,
        &[&format!("content/articles/report.md:{at}"), "unknown source `france`", "did you mean `france24`?"],
    );
}

#[test]
fn a_page_that_fails_to_load_is_reported_once() {
    let tiny = Tiny::new();
    fs::write(tiny.path("content/sources/outlet.md"), b"---\ntitle: \"The \xff Outlet\"\nkind: outlet\n---\n").unwrap();
    let out = tiny.run(&["check"]);
    assert_fails(&out, 1, &["content/sources/outlet.md:2:", "not valid UTF-8", "check: 1 error(s)"]);
    assert!(!stderr(&out).contains("unknown source"), "{}", stderr(&out));
    // The same for a page that is not a regular file.
    fs::remove_file(tiny.path("content/sources/outlet.md")).unwrap();
    mkfifo(&tiny.path("content/sources/outlet.md"));
    let out = run_bounded(tiny.command(&["check"]), Duration::from_secs(120));
    assert_fails(&out, 1, &["content/sources/outlet.md", "named pipe", "check: 1 error(s)"]);
}

#[test]
fn a_cited_draft_is_called_a_draft() {
    let tiny = Tiny::new();
    tiny.write("content/sources/outlet.md", &OUTLET.replace("kind: outlet", "kind: outlet\ndraft: true"));
    let out = tiny.run(&["check"]);
    assert_fails(&out, 1, &["source `outlet` is a draft", "--drafts"]);
    assert!(!stderr(&out).contains("unknown source"), "{}", stderr(&out));
    assert_ok(&tiny.run(&["check", "--drafts"]));
}

#[test]
fn stat_values_must_be_finite_numbers_in_range() {
    for value in ["1e20", ".inf", "-.inf", ".nan", ".NaN"] {
        let tiny = Tiny::new();
        let figure = format!("---\ntitle: \"Strength\"\nkind: stat\nvalue: {value}\n---\n");
        tiny.write("content/figures/strength.md", &figure);
        let out = tiny.run(&["check"]);
        assert_fails(&out, 1, &["content/figures/strength.md:4:8", &format!("`{value}` is not a number")]);
    }
    let tiny = Tiny::new();
    let chart = "---\ntitle: \"Trend\"\nkind: chart\nchart:\n  type: bar\n  series:\n    - { label: \"a\", value: 1 }\n    - { label: \"b\", value: -.inf }\n---\n";
    tiny.write("content/figures/trend.md", chart);
    assert_fails(&tiny.run(&["check"]), 1, &["content/figures/trend.md:8:", "`-.inf` is not a number"]);
}

#[test]
fn blank_titles_are_errors() {
    for title in ["\"\"", "\"   \"", "~", "''"] {
        let tiny = Tiny::new();
        tiny.write("content/sources/outlet.md", &OUTLET.replace("\"The Outlet\"", title));
        let out = tiny.run(&["check"]);
        assert_fails(&out, 1, &["content/sources/outlet.md:2:1", "`title` is blank"]);
        assert!(!stderr(&out).contains("unknown source"), "{title}: {}", stderr(&out));
    }
}

#[test]
fn static_file_names_that_are_not_utf8_are_errors_not_lost() {
    use std::os::unix::ffi::OsStrExt;
    let tiny = Tiny::new();
    for name in [&b"map\xff.svg"[..], &b"map\xfe.svg"[..]] {
        let path = tiny.path("content/static").join(std::ffi::OsStr::from_bytes(name));
        write(&path, "<svg/>");
    }
    let out = tiny.run(&["build"]);
    assert_fails(
        &out,
        1,
        &["content/static/map\\xFF.svg", "content/static/map\\xFE.svg", "not valid UTF-8", "rename the file"],
    );
}

#[test]
fn nul_and_lone_carriage_returns_are_placed_right() {
    let tiny = Tiny::new();
    tiny.write("content/sources/outlet.md", "---\ntitle: \"The Outlet\"\nkind: outlet\nrole: \"a\0b\"\n---\n");
    assert_fails(&tiny.run(&["check"]), 1, &["content/sources/outlet.md:4:9", "control characters", "\u{2400}"]);
    // Classic Mac line ends: the front matter is read, not "missing field `title`".
    tiny.write("content/sources/outlet.md", &OUTLET.replace('\n', "\r"));
    let out = tiny.run(&["build"]);
    assert_ok(&out);
    assert!(tiny.read("public/sources/outlet/index.html").contains("The Outlet"));
}

#[test]
fn an_unreadable_theme_file_is_an_error_not_a_silent_fallback() {
    let tiny = Tiny::new();
    mkfifo(&tiny.path("themes/default/static/style.css"));
    let out = run_bounded(tiny.command(&["build"]), Duration::from_secs(120));
    assert_fails(&out, 1, &["themes/default/static/style.css", "cannot read theme file", "named pipe"]);
    assert!(!tiny.path("public").exists());
}

#[test]
fn edited_from_circles_are_reported_once() {
    let tiny = Tiny::new();
    let version = |slug: &str, from: &str| {
        format!(
            "---\ntitle: \"{slug}\"\narticle: story\nversion: {slug}\nedited_from: articles/{from}\n---\nThe army said so.\n"
        )
    };
    tiny.write("content/articles/first.md", &version("first", "second"));
    tiny.write("content/articles/second.md", &version("second", "first"));
    let out = tiny.run(&["check"]);
    assert_fails(
        &out,
        1,
        &["content/articles/first.md:5:", "goes round in a circle: first → second → first", "check: 1 error(s)"],
    );
}

#[test]
fn new_version_of_a_pipe_is_refused_at_once() {
    let tiny = Tiny::new();
    mkfifo(&tiny.path("content/articles/piped.md"));
    let out = run_bounded(tiny.command(&["new", "version", "piped"]), Duration::from_secs(60));
    assert_fails(&out, 2, &["content/articles/piped.md", "named pipe (FIFO), not a regular file"]);
}

#[test]
fn a_socket_in_static_is_refused_without_being_opened() {
    let tiny = Tiny::new();
    fs::create_dir_all(tiny.path("content/static")).unwrap();
    let _socket = std::os::unix::net::UnixListener::bind(tiny.path("content/static/app.sock")).unwrap();
    let out = run_bounded(tiny.command(&["build"]), Duration::from_secs(60));
    assert_fails(&out, 1, &["content/static/app.sock", "it is a socket, not a regular file"]);
}
