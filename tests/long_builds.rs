//! Long builds on the real binary: thousands of warnings fit on a screen (summarised by
//! kind, `check` lists them all), and a build that takes seconds shows its progress on a
//! terminal, but never when its output goes to a pipe or with `--quiet`.

mod common;

use std::process::Command;

use common::{Project, stderr};

/// The `basic` fixture with `n` sources that nothing cites, two by two sharing a name.
fn many_uncited_sources(n: usize) -> Project {
    let project = Project::fixture("basic");
    for i in 0..n {
        project.write(
            &format!("content/sources/extra-{i}.md"),
            &format!("---\ntitle: \"Extra {i}\"\nkind: person\naliases: [\"Namesake {}\"]\n---\nText.\n", i / 2),
        );
    }
    project
}

#[test]
fn thousands_of_warnings_are_summarised_by_kind_on_build_and_listed_by_check() {
    let project = many_uncited_sources(400);
    let out = project.build(&[]);
    let err = stderr(&out);
    assert!(err.lines().count() <= 40, "{} lines:\n{err}", err.lines().count());
    assert!(err.contains("warnings of 4 kind(s), too many to list here (`dossier check` lists them all)"), "{err}");
    assert!(err.contains("400 × source `…` is never cited"), "{err}");
    assert!(err.contains("200 × the name \"…\" of source `…` also names source `…`"), "{err}");
    assert!(err.contains("content/sources/extra-0.md:2: source `extra-0` is never cited"), "{err}");
    let checked = stderr(&project.run(&["check"]));
    assert_eq!(checked.matches("is never cited").count(), 400, "check lists every warning");
    assert!(!checked.contains("too many to list"), "{checked}");
    let verbose = stderr(&project.build(&["--verbose"]));
    assert_eq!(verbose.matches("is never cited").count(), 400, "--verbose lists every warning");
}

#[test]
fn a_few_warnings_are_listed_in_full() {
    let project = Project::fixture("basic");
    let err = stderr(&project.build(&[]));
    assert!(err.contains("--> content/figures/map.md:2:1"), "{err}");
    assert!(!err.contains("too many to list"), "{err}");
}

/// Runs `dossier <args>` on a pseudo-terminal (with `script`), returning what it showed;
/// `None` where `script` is missing.
fn on_terminal(project: &Project, args: &str) -> Option<String> {
    let command = format!("{} {args} --root {}", env!("CARGO_BIN_EXE_dossier"), project.root().display());
    let out = Command::new("script").args(["-qfec", &command, "/dev/null"]).env_remove("NO_COLOR").output().ok()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_long_build_shows_its_progress_on_a_terminal_only() {
    let project = many_uncited_sources(1500);
    let Some(shown) = on_terminal(&project, "build") else {
        eprintln!("skipped: no `script` to run dossier on a terminal");
        return;
    };
    // The line appears after about a second, in whichever phase the build is then (on a
    // fast machine the pages may be rendered by then, and it starts at writing them).
    let phases = ["loading pages", "checking", "rendering", "gathering", "preparing", "adding", "writing"];
    assert!(shown.contains("\u{1b}[2K") && phases.iter().any(|p| shown.contains(p)), "a progress line: {shown}");
    assert!(shown.contains("Built "), "{shown}");
    let quiet = on_terminal(&project, "build --quiet").unwrap_or_default();
    assert!(!quiet.contains("rendering"), "--quiet shows no progress: {quiet}");
    let piped = stderr(&project.build(&[]));
    assert!(!piped.contains("rendering") && !piped.contains('\r') && !piped.contains('\x1b'), "{piped}");
}
