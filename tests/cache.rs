//! The cache across builds (`.dossier-cache/`): a build that reads records back from it
//! writes exactly the files of a fresh build, however the cache was left: by an earlier
//! build, an edit since, an interrupted build, or a hand that damaged the file.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::Project;

const RECORDS: &str = ".dossier-cache/search-records";
const INDEX: &str = ".dossier-cache/search-index";
const SELECTIONS: &str = ".dossier-cache/selections";

/// Every file of a built site, by path relative to it.
fn files(site: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    common::snapshot(site)
        .into_iter()
        .map(|(path, bytes)| (path.strip_prefix(site).unwrap().to_path_buf(), bytes))
        .collect()
}

/// Builds into `out` (verbosely); returns the site's files and what the build printed.
fn build(project: &Project, out: &str) -> (Vec<(PathBuf, Vec<u8>)>, String) {
    let output = project.run(&["--verbose", "build", "--output", out]);
    let printed = common::stderr(&output);
    assert!(output.status.success(), "build failed:\n{printed}");
    (files(&project.path(out)), printed)
}

/// A build with no cache at all: what every cached build must equal.
fn fresh(project: &Project, out: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let _ = std::fs::remove_dir_all(project.path(".dossier-cache"));
    let (site, printed) = build(project, out);
    assert!(!printed.contains("read back from the cache"), "{printed}");
    site
}

/// Asserts two sites are equal, naming the first file that differs.
fn assert_same(cached: &[(PathBuf, Vec<u8>)], fresh: &[(PathBuf, Vec<u8>)]) {
    let names = |site: &[(PathBuf, Vec<u8>)]| site.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(cached), names(fresh), "the cached build wrote other files");
    for ((path, a), (_, b)) in cached.iter().zip(fresh) {
        assert!(a == b, "{} differs between the cached and the fresh build", path.display());
    }
}

fn cached_count(printed: &str) -> usize {
    printed
        .lines()
        .find(|l| l.contains("read back from the cache"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_cached_build_equals_a_fresh_one_before_and_after_an_edit() {
    let project = Project::shipped();
    let first = fresh(&project, "a");
    assert!(project.path(RECORDS).is_file(), "the first build writes the cache");
    let ignore = project.read(".dossier-cache/.gitignore");
    assert!(ignore.lines().any(|l| l == "*"), "the cache ignores itself for git: {ignore}");

    let (again, printed) = build(&project, "b");
    assert!(cached_count(&printed) > 100, "every record is read back:\n{printed}");
    assert!(printed.contains(" 0 indexed, the index files too"), "nothing is indexed again:\n{printed}");
    assert_same(&again, &first);

    // An edit: that article's record is indexed again, the others are read back.
    let article = std::fs::read_dir(project.path("content/articles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("{text}\nA sentence added after the first build, about zebrafinches.\n")).unwrap();
    let (edited, printed) = build(&project, "c");
    assert!(printed.contains(" 1 indexed"), "only the edited record is indexed again:\n{printed}");
    assert_same(&edited, &fresh(&project, "d"));
}

#[test]
fn a_damaged_cache_changes_nothing_but_the_time() {
    let project = Project::fixture("basic");
    let expected = fresh(&project, "expected");
    let all = [RECORDS, INDEX, SELECTIONS];
    let kept = all.map(|f| std::fs::read(project.path(f)).unwrap());
    for file in all {
        let good = std::fs::read(project.path(file)).unwrap();
        for (what, bytes) in damaged(&good) {
            all.iter().zip(&kept).for_each(|(f, b)| std::fs::write(project.path(f), b).unwrap());
            std::fs::write(project.path(file), &bytes).unwrap();
            if file == RECORDS {
                // Without the index files, so that the records are read.
                std::fs::remove_file(project.path(INDEX)).unwrap();
            }
            let (site, printed) = build(&project, "out");
            let read_back = printed.contains("the index files too");
            assert!(file == SELECTIONS || !read_back, "{file}, {what}: damaged, yet read back:\n{printed}");
            assert_same(&site, &expected);
        }
    }
    // A cache folder that is a file, not a folder: the build still works, uncached.
    std::fs::remove_dir_all(project.path(".dossier-cache")).unwrap();
    std::fs::write(project.path(".dossier-cache"), "not a folder").unwrap();
    let (site, _) = build(&project, "out");
    assert_same(&site, &expected);
}

/// Ways a cache file can be damaged: every entry changed, cut short, and so on.
fn damaged(good: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let header = good.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut damages: Vec<(&str, Vec<u8>)> = Vec::new();
    // A byte changed in every entry's bytes (past the header and each entry's 28-byte head).
    let mut flipped = good.to_vec();
    for at in (header + 40..flipped.len()).step_by(97) {
        flipped[at] ^= 0x5a;
    }
    damages.push(("bytes changed", flipped));
    damages.push(("cut short", good[..good.len() * 2 / 3].to_vec()));
    damages.push(("cut inside the header", good[..header / 2].to_vec()));
    let mut lengths = good.to_vec();
    lengths[header + 20..header + 24].copy_from_slice(&u32::MAX.to_le_bytes());
    damages.push(("an entry's length", lengths));
    let mut other = good.to_vec();
    other[..7].copy_from_slice(b"DOSSIER");
    damages.push(("another header", other));
    damages.push(("not a cache at all", b"\x00\x01garbage\n".repeat(1000)));
    damages.push(("empty", Vec::new()));
    damages
}

#[cfg(unix)]
#[test]
fn a_cache_that_leads_out_of_the_project_is_neither_read_nor_written() {
    let project = Project::fixture("basic");
    let expected = fresh(&project, "expected");
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::rename(project.path(".dossier-cache"), elsewhere.path().join("cache")).unwrap();
    let outside = elsewhere.path().join("cache/search-records");
    let before = std::fs::read(&outside).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("cache"), project.path(".dossier-cache")).unwrap();
    let (site, printed) = build(&project, "out");
    assert_same(&site, &expected);
    assert_eq!(cached_count(&printed), 0, "a cache outside the project is not read:\n{printed}");
    assert_eq!(std::fs::read(&outside).unwrap(), before, "nor written");

    // A cache file that is a link out of the project: not read, and replaced, not written through.
    std::fs::remove_file(project.path(".dossier-cache")).unwrap();
    build(&project, "out");
    for file in [RECORDS, INDEX] {
        std::fs::remove_file(project.path(file)).unwrap();
        std::os::unix::fs::symlink(&outside, project.path(file)).unwrap();
    }
    let (site, printed) = build(&project, "out");
    assert_same(&site, &expected);
    assert_eq!(cached_count(&printed), 0, "a cache file outside the project is not read:\n{printed}");
    assert_eq!(std::fs::read(&outside).unwrap(), before, "nor written through");
    assert!(!project.path(RECORDS).symlink_metadata().unwrap().is_symlink(), "the link is replaced by the cache");
}

#[test]
fn an_interrupted_build_leaves_a_cache_a_build_can_trust() {
    let project = Project::shipped();
    let expected = fresh(&project, "expected");
    // Killed at several points of a build that writes a new cache (the content changed).
    for (round, delay) in [30u64, 120, 300, 600].into_iter().enumerate() {
        project.write(
            "content/sources/zz-interrupted.md",
            &format!("---\ntitle: Round {round}\nkind: person\n---\nRound {round}.\n"),
        );
        let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["build", "--quiet", "--output", "out", "--root"])
            .arg(project.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        std::fs::remove_file(project.path("content/sources/zz-interrupted.md")).unwrap();
        let (site, _) = build(&project, "out");
        assert_same(&site, &expected);
    }
}

#[test]
fn no_cache_neither_reads_nor_writes_the_cache() {
    let project = Project::fixture("basic");
    let expected = fresh(&project, "expected");
    assert!(project.path(RECORDS).is_file());
    // Unread: the cache holds every record of this very content, yet none is read back.
    let output = project.run(&["--verbose", "build", "--no-cache", "--output", "out"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert_eq!(cached_count(&common::stderr(&output)), 0, "{}", common::stderr(&output));
    assert_same(&files(&project.path("out")), &expected);
    // Unwritten: removed, it stays away.
    std::fs::remove_dir_all(project.path(".dossier-cache")).unwrap();
    let output = project.run(&["build", "--no-cache", "--output", "out"]);
    assert!(output.status.success());
    assert!(!project.path(".dossier-cache").exists(), "--no-cache wrote the cache");
}
