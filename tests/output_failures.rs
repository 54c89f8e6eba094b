//! `dossier build` when writing the output fails (issue 27): a full disk at any point of a
//! build leaves `public/` as it was and nothing behind that stands in the next build's way,
//! and an output folder that is a mount point is refused up front, saying why and what to do.
//!
//! The full disk is simulated in debug builds (`DOSSIER_TEST_FULL_DISK_AFTER=N` fails every
//! file write after the first N); where this process may mount file systems (root), a real,
//! small tmpfs is filled too.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::Project;

fn build_with(project: &Project, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command.args(["build", "--quiet", "--root"]).arg(project.root()).env("NO_COLOR", "1");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn spare(project: &Project) -> std::path::PathBuf {
    project.path(".public.dossier-spare")
}

#[test]
fn a_full_disk_at_any_point_leaves_the_output_as_it_was_and_nothing_in_the_way() {
    let project = Project::fixture("basic");
    project.build(&[]);
    let before = common::snapshot(&project.path("public"));
    let report = project.read("content/articles/report.md");
    // Fail the first write, and later ones (an edit rewrites a dozen files: the pages that show
    // the article, the feeds, the search index).
    for (n, after) in [0, 1, 3, 6].into_iter().enumerate() {
        project.write("content/articles/report.md", &report.replace("marched.", &format!("marched {n}.")));
        let out = build_with(&project, &[("DOSSIER_TEST_FULL_DISK_AFTER", &after.to_string())]);
        let stderr = common::stderr(&out);
        assert!(!out.status.success(), "the build fails when the disk is full after {after} files");
        assert!(stderr.contains("No space left on device"), "{stderr}");
        assert!(stderr.contains("free some space"), "it says what to do: {stderr}");
        assert_eq!(common::snapshot(&project.path("public")), before, "public/ is untouched");
        assert!(!spare(&project).exists(), "the half-written spare folder is removed (after {after})");
    }
    // Space freed: the next build succeeds and is whole.
    project.build(&[]);
    assert!(project.read("public/articles/report/index.html").contains("marched 3."));
    let fresh = Project::fixture("basic");
    fresh.write("content/articles/report.md", &project.read("content/articles/report.md"));
    fresh.build(&[]);
    let relative = |dir: &Path| -> Vec<(std::path::PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = common::snapshot(dir)
            .into_iter()
            .map(|(path, bytes)| (path.strip_prefix(dir).unwrap().to_path_buf(), bytes))
            .collect();
        files.sort();
        files
    };
    assert_eq!(relative(&project.path("public")), relative(&fresh.path("public")), "same as a build from scratch");
}

#[test]
fn a_full_disk_on_the_first_build_leaves_nothing_behind() {
    let project = Project::fixture("basic");
    let out = build_with(&project, &[("DOSSIER_TEST_FULL_DISK_AFTER", "5")]);
    assert!(!out.status.success());
    assert!(!project.path("public").exists() && !spare(&project).exists(), "no output, no spare folder");
    project.build(&[]);
    assert!(project.path("public/index.html").is_file());
}

/// Mounts a tmpfs of `size` at `dir`; `false` where this process may not mount.
fn mount_tmpfs(dir: &Path, size: &str) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    let status = Command::new("mount").args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"]).arg(dir).output();
    status.is_ok_and(|s| s.status.success())
}

fn unmount(dir: &Path) {
    let _ = Command::new("umount").arg(dir).status();
}

#[test]
fn an_output_folder_that_is_a_mount_point_is_refused_with_why_and_what_to_do() {
    let project = Project::fixture("basic");
    if !mount_tmpfs(&project.path("public"), "8m") {
        eprintln!("skipped: this process may not mount a file system (run as root to try it)");
        return;
    }
    let out = project.run(&["build"]);
    unmount(&project.path("public"));
    let stderr = common::stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("mount point") && stderr.contains("--output public/site"), "{stderr}");
    assert!(!stderr.contains("os error 16"), "no bare errno: {stderr}");
}

#[test]
fn a_real_full_disk_then_freed_builds_again() {
    let holder = tempfile::tempdir().unwrap();
    let disk = holder.path().join("disk");
    // Room for the project, two builds and the cache (the filler takes the rest).
    if !mount_tmpfs(&disk, "2m") {
        eprintln!("skipped: this process may not mount a file system (run as root to try it)");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let project = Project::fixture("basic");
        common::copy_dir(project.root(), &disk.join("project"));
        let root = disk.join("project");
        let build = || {
            Command::new(env!("CARGO_BIN_EXE_dossier"))
                .args(["build", "--quiet", "--root"])
                .arg(&root)
                .output()
                .unwrap()
        };
        assert!(build().status.success());
        let before = common::snapshot(&root.join("public"));
        // Fill the disk, change every page (the title is on each), and build: it fails.
        let filler = disk.join("filler");
        let free = fs_free(&disk);
        std::fs::write(&filler, vec![0u8; free.saturating_sub(64 * 1024) as usize]).unwrap_or(());
        let config = std::fs::read_to_string(root.join("dossier.yaml")).unwrap();
        std::fs::write(root.join("dossier.yaml"), config.replace("Fixture dossier", "Full dossier")).unwrap();
        let out = build();
        assert!(!out.status.success(), "the build fails on the full disk");
        assert_eq!(common::snapshot(&root.join("public")), before, "public/ is untouched");
        assert!(!root.join(".public.dossier-spare").exists(), "nothing left in the way");
        std::fs::remove_file(&filler).unwrap();
        let out = build();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::read_to_string(root.join("public/index.html")).unwrap().contains("Full dossier"));
    });
    unmount(&disk);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// Free bytes on the file system of `dir`.
fn fs_free(dir: &Path) -> u64 {
    let out = Command::new("df").args(["-B1", "--output=avail"]).arg(dir).output().unwrap();
    String::from_utf8_lossy(&out.stdout).lines().nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or(0)
}
