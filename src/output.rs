//! Writing a built [`Site`] to disk atomically, and only where it is safe.
//!
//! The site is written into a fresh sibling folder, which is then swapped
//! in with two renames, so a failed build leaves the previous output
//! untouched and readers never see a half-written folder. A marker file
//! records that dossier created the folder; an existing non-empty folder
//! without it is refused (unless `--force`), as are the project root, its
//! source folders, the home folder and any ancestor of the project.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::build::Site;

/// The file that marks an output folder as dossier's own.
pub const MARKER: &str = ".dossier-output";

#[derive(Debug)]
pub enum OutputError {
    Refused { path: PathBuf, why: String, help: String },
    Io { path: PathBuf, error: io::Error },
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused { path, why, help } => {
                write!(f, "refusing to write to `{}`: {why}\n  = help: {help}", path.display())
            }
            OutputError::Io { path, error } => {
                write!(f, "cannot write `{}`: {error}", path.display())
            }
        }
    }
}

fn io_at(path: &Path) -> impl Fn(io::Error) -> OutputError + '_ {
    move |error| OutputError::Io { path: path.to_path_buf(), error }
}

/// Absolute, with `.` and `..` resolved lexically (the folder may not exist yet).
fn absolute(path: &Path) -> PathBuf {
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut out = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.canonicalize().unwrap_or(out)
}

/// Refuses output folders that would destroy something that is not ours.
pub fn check_target(root: &Path, output: &Path, force: bool) -> Result<(), OutputError> {
    let root = absolute(root);
    let out = absolute(output);
    let refuse = |why: &str, help: &str| {
        Err(OutputError::Refused { path: output.to_path_buf(), why: why.into(), help: help.into() })
    };
    let help = "choose a folder of its own, e.g. `--output public`";
    if root.starts_with(&out) {
        return refuse("it is the project folder or one of its ancestors", help);
    }
    for protected in ["content", "themes", "templates", "src", ".git"] {
        if out.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside the project's `{protected}/` folder"), help);
        }
    }
    if std::env::var_os("HOME").is_some_and(|home| absolute(Path::new(&home)) == out) || out.parent().is_none() {
        return refuse("it is the home folder or the file-system root", help);
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file, not a folder", help);
        }
        let empty = fs::read_dir(&out).map_err(io_at(&out))?.next().is_none();
        if !empty && !out.join(MARKER).exists() && !force {
            return refuse(
                "it is a non-empty folder that dossier did not create",
                "empty it, choose another `--output`, or pass `--force` to replace it",
            );
        }
    }
    Ok(())
}

/// Writes `site` to `output`, replacing the previous contents in one step.
pub fn write_atomic(site: &Site, root: &Path, output: &Path, force: bool) -> Result<(), OutputError> {
    check_target(root, output, force)?;
    let out = absolute(output);
    let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    fs::create_dir_all(&parent).map_err(io_at(&parent))?;
    let staging = parent.join(format!(".{name}.dossier-new-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.dossier-old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = write_tree(site, &staging).and_then(|()| swap(&staging, &out, &retired));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(site: &Site, dir: &Path) -> Result<(), OutputError> {
    fs::create_dir_all(dir).map_err(io_at(dir))?;
    fs::write(dir.join(MARKER), "This folder is written by `dossier build`; it is replaced on every build.\n")
        .map_err(io_at(dir))?;
    for (rel, bytes) in &site.files {
        let relative = Path::new(rel);
        if relative.is_absolute() || relative.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(OutputError::Refused {
                path: relative.to_path_buf(),
                why: "the path would leave the output folder".into(),
                help: "rename the file so it stays inside `content/static/`".into(),
            });
        }
        let path = dir.join(relative);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).map_err(io_at(folder))?;
        }
        fs::write(&path, bytes).map_err(io_at(&path))?;
    }
    Ok(())
}

fn swap(staging: &Path, out: &Path, retired: &Path) -> Result<(), OutputError> {
    let had_previous = out.exists();
    if had_previous {
        let _ = fs::remove_dir_all(retired);
        fs::rename(out, retired).map_err(io_at(out))?;
    }
    if let Err(error) = fs::rename(staging, out) {
        if had_previous {
            let _ = fs::rename(retired, out);
        }
        return Err(OutputError::Io { path: out.to_path_buf(), error });
    }
    if had_previous {
        fs::remove_dir_all(retired).map_err(io_at(retired))?;
    }
    Ok(())
}
