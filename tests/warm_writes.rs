//! Warm builds write only what changed (issue 24): with the manifest of what the last builds
//! wrote, an unchanged file is neither read nor written, so its inode and times stay as they
//! were; an edit rewrites exactly the files whose bytes change; and a manifest that is corrupt,
//! or an output file edited or deleted by hand, never makes the output differ from a fresh
//! build's.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::Project;

/// What says a file was (re)written: its inode and modification time. (Not its change time:
/// hard-linking a file, which is not writing it, changes that.)
type Stamp = (u64, i64, i64);

type Files = BTreeMap<PathBuf, (Vec<u8>, Stamp)>;

/// Every file under `dir` (relative path) with its bytes and stamp; the manifest and the marker
/// left out (the output and spare folders, which take turns, each have their own marker).
fn files(dir: &Path) -> Files {
    common::snapshot(dir)
        .into_iter()
        .filter(|(path, _)| !path.ends_with(".dossier-manifest") && !path.ends_with(".dossier-output"))
        .map(|(path, bytes)| {
            let meta = fs::symlink_metadata(&path).unwrap();
            let stamp = (meta.ino(), meta.mtime(), meta.mtime_nsec());
            (path.strip_prefix(dir).unwrap().to_path_buf(), (bytes, stamp))
        })
        .collect()
}

/// The paths whose bytes (`stamps: false`) or stamps differ between `a` and `b`, or that only
/// one of them has.
fn differing(a: &Files, b: &Files, stamps: bool) -> Vec<PathBuf> {
    let same = |x: &(Vec<u8>, Stamp), y: &(Vec<u8>, Stamp)| if stamps { x.1 == y.1 } else { x.0 == y.0 };
    let mut paths: Vec<PathBuf> = a.keys().chain(b.keys()).cloned().collect();
    paths.sort();
    paths.dedup();
    paths.retain(|path| !matches!((a.get(path), b.get(path)), (Some(x), Some(y)) if same(x, y)));
    paths
}

/// The files of `project` rebuilt from scratch in a copy of it.
fn fresh_build(project: &Project) -> Files {
    let fresh = Project::fixture("basic");
    fs::remove_dir_all(fresh.path("content")).unwrap();
    common::copy_dir(&project.path("content"), &fresh.path("content"));
    fresh.build(&[]);
    files(&fresh.path("public"))
}

#[test]
fn a_warm_build_after_no_change_writes_nothing() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let first = files(&project.path("public"));
    // The second build links the first's files; the third finds them in the spare folder.
    for build in 2..=4 {
        project.build(&[]);
        let now = files(&project.path("public"));
        assert_eq!(differing(&now, &first, true), Vec::<PathBuf>::new(), "build {build}: files written again");
    }
    let spare = project.path(".public.dossier-spare");
    assert!(spare.join(".dossier-manifest").is_file(), "the manifest is kept in the spare folder");
    assert!(!project.path("public/.dossier-manifest").exists(), "never in the output");
    assert_eq!(differing(&files(&spare), &first, true), Vec::<PathBuf>::new(), "the spare folder shares the files");
}

#[test]
fn after_one_edit_only_the_files_whose_bytes_change_are_rewritten() {
    let project = Project::fixture("basic");
    project.build(&[]);
    project.build(&[]);
    let before = files(&project.path("public"));
    let report = project.read("content/articles/report.md");
    project.write("content/articles/report.md", &report.replace("A footnote.", "A changed footnote."));
    project.build(&[]);
    let after = files(&project.path("public"));
    let rewritten = differing(&before, &after, true);
    assert_eq!(rewritten, differing(&before, &after, false), "rewritten exactly when changed");
    assert!(rewritten.contains(&PathBuf::from("articles/report/index.html")), "{rewritten:?}");
    assert!(rewritten.len() < after.len() / 2, "an edit rewrites a few files: {rewritten:?}");
    let nothing = Vec::<PathBuf>::new();
    assert_eq!(differing(&after, &fresh_build(&project), false), nothing, "the same as a fresh build");
    // Built again without a change: the spare folder's older page is replaced by the new one,
    // linked; nothing in the output is rewritten.
    project.build(&[]);
    assert_eq!(differing(&files(&project.path("public")), &after, true), nothing);
}

#[test]
fn a_corrupt_manifest_or_files_edited_by_hand_still_give_a_fresh_builds_output() {
    let project = Project::fixture("basic");
    project.build(&[]);
    project.build(&[]);
    project.build(&[]);
    let manifest = project.path(".public.dossier-spare/.dossier-manifest");
    let page = project.path("public/articles/report/index.html");
    let fresh = fresh_build(&project);
    let damage: [(&str, &dyn Fn()); 5] = [
        ("a manifest cut short", &|| {
            let text = fs::read(&manifest).unwrap();
            fs::write(&manifest, &text[..text.len() / 2]).unwrap();
        }),
        ("a manifest of garbage", &|| fs::write(&manifest, "dossier output manifest 1\nend 0\n").unwrap()),
        ("a manifest that is a folder", &|| {
            fs::remove_file(&manifest).unwrap();
            fs::create_dir(&manifest).unwrap();
        }),
        // In place, the same length, its modification time set back: only the change
        // time (which nothing can set back) tells.
        ("a page edited by hand, its time set back", &|| {
            let meta = fs::metadata(&page).unwrap();
            let text = fs::read_to_string(&page).unwrap().replacen("<title>", "<titlE>", 1);
            fs::write(&page, text).unwrap();
            fs::File::options().write(true).open(&page).unwrap().set_modified(meta.modified().unwrap()).unwrap();
        }),
        ("a page deleted and the robots file emptied", &|| {
            fs::remove_file(&page).unwrap();
            fs::write(project.path("public/robots.txt"), "").unwrap();
        }),
    ];
    for (what, damage) in damage {
        damage();
        project.build(&[]);
        let nothing = Vec::<PathBuf>::new();
        assert_eq!(differing(&files(&project.path("public")), &fresh, false), nothing, "after {what}");
        project.build(&[]);
        assert_eq!(differing(&files(&project.path("public")), &fresh, false), nothing, "again, after {what}");
    }
}
