//! Writing a built [`Site`] to disk atomically, and only where it is safe.
//!
//! The site is written into a fresh sibling folder, which is then swapped
//! in with two renames, so a failed build leaves the previous output
//! untouched and readers never see a half-written folder. A marker file
//! records that dossier created the folder; an existing non-empty folder
//! without it is refused (unless `--force`), as are the project root, its
//! source folders, the home folder and any ancestor of the project.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::output::manifest::{self, Entry, Manifest, Stamp};
use crate::output::site::{Sink, Site};

/// The file that marks an output folder as dossier's own.
pub const MARKER: &str = ".dossier-output";

#[derive(Debug)]
pub enum OutputError {
    Refused {
        path: PathBuf,
        why: String,
        help: String,
    },
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// Files that come after the pages (the search index) could not be made.
    Incomplete(String),
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused { path, why, help } => {
                let path = crate::diagnostics::visible(&path.to_string_lossy()).into_owned();
                write!(f, "refusing to write to `{path}`: {why}\n  = help: {help}")
            }
            OutputError::Io { path, error } => {
                write!(f, "cannot write `{}`: {error}", crate::diagnostics::visible(&path.to_string_lossy()))?;
                match error.kind() {
                    io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => write!(
                        f,
                        "\n  = note: the disk (or your quota) is full; the previous output was left as it was, and what this build wrote was removed\n  = help: free some space, or choose an `--output` on another disk, and build again"
                    ),
                    io::ErrorKind::ResourceBusy => write!(f, "\n  = note: {BUSY_NOTE}\n  = help: {BUSY_HELP}"),
                    _ => Ok(()),
                }
            }
            OutputError::Incomplete(why) => write!(f, "{why}; the output was left as it was"),
        }
    }
}

/// Why an output folder that is a mount point (or otherwise busy) cannot be replaced.
const BUSY_NOTE: &str = "the output folder is a mount point (or another program holds it): a build is written beside it and swapped in with one rename, which a mount point cannot take";
const BUSY_HELP: &str =
    "mount the folder above it instead, or build into a folder inside it (e.g. `--output public/site`) and serve that";

fn io_at(path: &Path) -> impl Fn(io::Error) -> OutputError + '_ {
    move |error| OutputError::Io { path: path.to_path_buf(), error }
}

/// Absolute and real: `.` and `..` resolved lexically, then the nearest existing ancestor
/// resolved with its symbolic links (the folder itself may not exist yet), so a path through
/// a link is judged by where it really leads.
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
    let mut existing = out.as_path();
    let mut rest = Vec::new();
    while existing.symlink_metadata().is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    match existing.canonicalize() {
        Ok(mut real) => {
            real.extend(rest.iter().rev());
            real
        }
        Err(_) => out,
    }
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
    if std::env::var_os("HOME").is_some_and(|home| absolute(Path::new(&home)).starts_with(&out))
        || out.parent().is_none()
    {
        return refuse("it is the home folder, one of its ancestors, or the file-system root", help);
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it is a file, not a folder", help);
        }
        if is_mount_point(&out) {
            return refuse(BUSY_NOTE, BUSY_HELP);
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

/// Is `dir` the root of a file system mounted there (its device differs from its parent's)?
#[cfg(unix)]
fn is_mount_point(dir: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (dir.symlink_metadata(), dir.parent().map(fs::symlink_metadata)) {
        (Ok(meta), Some(Ok(parent))) => meta.is_dir() && meta.dev() != parent.dev(),
        _ => false,
    }
}

/// Elsewhere (Windows) a folder is not a mount point in that sense.
#[cfg(not(unix))]
fn is_mount_point(_: &Path) -> bool {
    false
}

/// A build being written: pages are written into the spare folder as they are
/// rendered ([`Sink::put`]), and [`Staged::finish`] writes the rest and swaps the
/// spare folder in.
///
/// The new site is written into a spare folder beside the output
/// (`.<name>.dossier-spare`), which is then exchanged with the output in one
/// atomic rename. The previous site stays in the spare folder, so the next
/// build rewrites only the files that changed and reuses the folders: on
/// ext4, creating and deleting thousands of folders per build costs seconds.
/// The [`Manifest`] says which files of both folders are unchanged since
/// dossier wrote them, so those are kept (or hard-linked) without being read;
/// the spare folder is walked once, at the start.
/// Dropped without finishing (a failed build), the output is left as it was.
pub struct Staged {
    out: PathBuf,
    spare: PathBuf,
    /// The output folder, when it is ours: unchanged files are hard-linked from it.
    previous: Option<PathBuf>,
    /// Regular files the spare folder held before this build, with their stamps (leftovers
    /// are removed at the end).
    leftovers: HashMap<String, Stamp>,
    /// Folders of the spare folder that were empty before this build (an interrupted one's).
    empty: Vec<PathBuf>,
    /// What the last two builds wrote, taken out of the spare folder (empty if there was none).
    manifest: Manifest,
    state: Mutex<Progress>,
    /// Set once the spare folder is swapped in; dropped before that (a failed build), the
    /// spare folder is removed if writing failed, so a full disk is not left fuller.
    done: bool,
    /// Writing failed (any file of the site, or the swap).
    failed: bool,
    _lock: fs::File,
}

/// What has been written so far, and the first error.
#[derive(Default)]
struct Progress {
    written: Vec<String>,
    /// Each file of the new site as it now is in the spare folder.
    entries: HashMap<String, Entry>,
    /// Files of the output hard-linked into the spare folder, stamped after linking (the
    /// link changed their change time): the manifest's record of the output is updated.
    linked: Vec<(String, Entry)>,
    folders: HashSet<PathBuf>,
    error: Option<OutputError>,
}

/// How a file of the new site came to be in the spare folder.
enum Put {
    /// It was there already (a build before last had the same bytes).
    Kept(Stamp),
    /// Hard-linked from the output (the last build had the same bytes).
    Linked(Stamp),
    /// Written.
    Written(Stamp),
}

impl Staged {
    /// Checks the output folder, takes the lock and readies the spare folder.
    pub fn begin(root: &Path, output: &Path, force: bool) -> Result<Staged, OutputError> {
        check_target(root, output, force)?;
        let out = absolute(output);
        let parent = out.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."));
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        fs::create_dir_all(&parent).map_err(io_at(&parent))?;
        let lock = lock(&parent, &out)?;
        // Checked again under the lock: another build may have changed the folder meanwhile.
        check_target(root, output, force)?;
        let spare = parent.join(format!(".{name}.dossier-spare"));
        let (walked, manifest) = match spare.symlink_metadata() {
            Ok(meta) if !meta.is_dir() || !ours(&spare) => {
                return Err(OutputError::Refused {
                    path: spare,
                    why: "dossier keeps its previous build there, but this is not a folder it made".into(),
                    help: "move it away".into(),
                });
            }
            // The manifest goes before anything is written (a build that fails leaves none), and
            // anything but files and folders goes before anything is written through it.
            Ok(_) => {
                let manifest = Manifest::take(&spare).map_err(io_at(&spare))?;
                (walk(&spare).map_err(io_at(&spare))?, manifest)
            }
            Err(_) => (Walked::default(), Manifest::default()),
        };
        let made = walked.files.is_empty() && spare.symlink_metadata().is_err();
        fs::create_dir_all(&spare).map_err(io_at(&spare))?;
        if let Err(error) = mark(&spare) {
            // (A spare folder without its marker would be refused by the next build.)
            if made {
                let _ = fs::remove_dir_all(&spare);
            }
            return Err(OutputError::Io { path: spare, error });
        }
        let previous = ours(&out).then(|| out.clone());
        let mut folders: HashSet<PathBuf> = walked.folders.iter().map(|rel| spare.join(rel)).collect();
        folders.insert(spare.clone());
        let state = Mutex::new(Progress { folders, ..Progress::default() });
        let empty = walked.empty;
        Ok(Staged {
            out,
            spare,
            previous,
            leftovers: walked.files,
            empty,
            manifest,
            state,
            done: false,
            failed: false,
            _lock: lock,
        })
    }

    /// Writes the rest of the site, then what `late` makes meanwhile (the search index: it is
    /// called once `site` is written), removes leftovers of older builds and swaps the spare
    /// folder in; returns the path of every file written, sorted.
    pub fn finish(
        mut self,
        site: &Site,
        late: impl FnOnce() -> Result<Site, String>,
    ) -> Result<Vec<String>, OutputError> {
        site.par_files().for_each(|(rel, bytes)| self.put(rel, bytes));
        let late = late().map_err(OutputError::Incomplete)?;
        late.par_files().for_each(|(rel, bytes)| self.put(rel, bytes));
        let state = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(error) = state.error.take() {
            self.failed = true;
            return Err(error);
        }
        let mut written = std::mem::take(&mut state.written);
        written.sort_unstable();
        match self.swap_in(&written) {
            Ok(()) => {
                self.done = true;
                self.keep_manifest();
                Ok(written)
            }
            Err(error) => {
                self.failed = true;
                Err(error)
            }
        }
    }

    /// Removes leftovers of older builds from the spare folder and swaps it in.
    fn swap_in(&self, written: &[String]) -> Result<(), OutputError> {
        let keep: HashSet<&str> = written.iter().map(String::as_str).collect();
        let mut emptied: HashSet<PathBuf> = self.empty.iter().map(|rel| self.spare.join(rel)).collect();
        for stale in self.leftovers.keys().filter(|f| !keep.contains(f.as_str()) && *f != MARKER) {
            let path = self.spare.join(stale);
            // (Gone already when a folder of this build replaced it.)
            if path.symlink_metadata().is_ok_and(|m| m.is_file()) {
                fs::remove_file(&path).map_err(io_at(&path))?;
            }
            emptied.extend(path.parent().map(Path::to_path_buf));
        }
        remove_empty_folders(&self.spare, emptied);
        let (spare, out) = (&self.spare, &self.out);
        if out.symlink_metadata().is_err() {
            return fs::rename(spare, out).map_err(io_at(out));
        }
        exchange(spare, out).map_err(io_at(out))?;
        if !ours(spare) {
            // The output was a folder of someone else's, replaced on `--force`: not kept as spare.
            fs::remove_dir_all(spare).map_err(io_at(spare))?;
        }
        Ok(())
    }

    /// Leaves the manifest of both folders in the spare folder (made for it if there is none:
    /// after a first build). The build is done: failing here only costs the next build speed.
    fn keep_manifest(&mut self) {
        let state = self.state.get_mut().unwrap_or_else(|p| p.into_inner());
        // The spare folder is now the last build's output: the manifest's record of it, with
        // the files linked from it stamped again.
        let mut spare = std::mem::take(&mut self.manifest.output);
        spare.extend(state.linked.drain(..));
        let manifest = Manifest { spare, output: std::mem::take(&mut state.entries) };
        let ready = self.spare.symlink_metadata().is_ok_and(|m| m.is_dir())
            || fs::create_dir(&self.spare).and_then(|()| mark(&self.spare)).is_ok();
        if ready && ours(&self.spare) {
            let _ = manifest.store(&self.spare);
        }
    }

    /// Makes the folders of `relative` in the spare folder, removing files of an older
    /// (or interrupted) build that stand where a folder goes.
    fn make_folder(&self, relative: &Path) -> io::Result<()> {
        let folder = self.spare.join(relative.parent().unwrap_or(Path::new("")));
        if fs::create_dir_all(&folder).is_ok() {
            return Ok(());
        }
        let mut at = self.spare.clone();
        for part in relative.parent().into_iter().flat_map(Path::components) {
            at.push(part);
            if at.symlink_metadata().is_ok_and(|m| !m.is_dir()) {
                fs::remove_file(&at)?;
            }
        }
        fs::create_dir_all(&folder)
    }

    fn write(&self, rel: &str, bytes: &[u8], hash: u128) -> Result<Put, OutputError> {
        let relative = Path::new(rel);
        if relative.is_absolute() || relative.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(OutputError::Refused {
                path: relative.to_path_buf(),
                why: "the path would leave the output folder".into(),
                help: "rename the file so it stays inside `content/static/`".into(),
            });
        }
        let path = self.spare.join(relative);
        if let Some(folder) = path.parent() {
            let known = self.state.lock().unwrap_or_else(|p| p.into_inner()).folders.contains(folder);
            if !known {
                self.make_folder(relative).map_err(io_at(folder))?;
                self.state.lock().unwrap_or_else(|p| p.into_inner()).folders.insert(folder.to_path_buf());
            }
        }
        let same = |file: &Path, stamp: &Stamp, spare: bool| {
            self.manifest.holds(spare, rel, hash, stamp)
                || (stamp.size == bytes.len() as u64 && fs::read(file).is_ok_and(|old| old == bytes))
        };
        if let Some(stamp) = self.leftovers.get(rel) {
            if same(&path, stamp, true) {
                return Ok(Put::Kept(*stamp)); // the spare folder already holds this version
            }
            let _ = fs::remove_file(&path);
        } else if !self.leftovers.is_empty() && path.symlink_metadata().is_ok_and(|m| m.is_dir()) {
            // A folder of an older (or interrupted) build where this file goes.
            fs::remove_dir_all(&path).map_err(io_at(&path))?;
        }
        // A file unchanged since the last build is hard-linked from it, not rewritten.
        // (Never one reached through a linked folder: that file lies elsewhere.)
        if let Some((root, previous)) = self.previous.as_ref().map(|p| (p, p.join(rel)))
            && let Ok(meta) = previous.symlink_metadata()
            && meta.is_file()
            && same(&previous, &Stamp::of(&meta), false)
            && previous.canonicalize().is_ok_and(|real| real.starts_with(root))
            && fs::hard_link(&previous, &path).is_ok()
        {
            let linked = path.symlink_metadata().map_err(io_at(&path))?;
            return Ok(Put::Linked(Stamp::of(&linked)));
        }
        simulated_full_disk().map_err(|error| OutputError::Io { path: path.clone(), error })?;
        let mut file = fs::File::create(&path).map_err(io_at(&path))?;
        file.write_all(bytes).map_err(io_at(&path))?;
        let meta = file.metadata().map_err(io_at(&path))?;
        Ok(Put::Written(Stamp::of(&meta)))
    }
}

/// Is `dir` a folder dossier made (it holds the marker file)?
fn ours(dir: &Path) -> bool {
    dir.join(MARKER).symlink_metadata().is_ok_and(|m| m.is_file())
}

/// Marks `dir` as dossier's own (a marker already there is left as it is).
fn mark(dir: &Path) -> io::Result<()> {
    if ours(dir) {
        return Ok(());
    }
    fs::write(dir.join(MARKER), "This folder is written by `dossier build`; it is replaced on every build.\n")
}

impl Drop for Staged {
    /// A build that failed while writing (a full disk, say) leaves no half-written spare
    /// folder to fill the disk again next time; one that failed for other reasons (an error
    /// in the content) keeps it, to be reused. The output itself is never touched here.
    fn drop(&mut self) {
        let failed_writing = self.failed || self.state.get_mut().unwrap_or_else(|p| p.into_inner()).error.is_some();
        if !self.done && failed_writing && self.spare.join(MARKER).symlink_metadata().is_ok_and(|m| m.is_file()) {
            let _ = fs::remove_dir_all(&self.spare);
        }
    }
}

impl Sink for Staged {
    fn put(&self, path: &str, bytes: &[u8]) {
        if self.state.lock().unwrap_or_else(|p| p.into_inner()).error.is_some() {
            return;
        }
        let hash = manifest::hash(bytes);
        let result = self.write(path, bytes, hash);
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match result {
            Ok(put) => {
                state.written.push(path.to_string());
                let stamp = match put {
                    Put::Kept(stamp) | Put::Written(stamp) => stamp,
                    Put::Linked(stamp) => {
                        state.linked.push((path.to_string(), Entry { hash, stamp }));
                        stamp
                    }
                };
                state.entries.insert(path.to_string(), Entry { hash, stamp });
            }
            Err(e) => {
                state.error.get_or_insert(e);
            }
        }
    }

    fn written(&self) -> std::collections::BTreeSet<String> {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).written.iter().cloned().collect()
    }
}

/// Tests only (debug builds): with `DOSSIER_TEST_FULL_DISK_AFTER=N` in the environment, every
/// file write after the first N fails as on a full disk, so that a build failing at any point
/// can be tried without filling a real disk.
fn simulated_full_disk() -> io::Result<()> {
    #[cfg(debug_assertions)]
    {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static WRITES: AtomicUsize = AtomicUsize::new(0);
        let limit = std::env::var("DOSSIER_TEST_FULL_DISK_AFTER").ok().and_then(|n| n.parse::<usize>().ok());
        if limit.is_some_and(|limit| WRITES.fetch_add(1, Ordering::SeqCst) >= limit) {
            // The error the system gives (on Unix, its message too).
            #[cfg(unix)]
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
            #[cfg(not(unix))]
            return Err(io::Error::from(io::ErrorKind::StorageFull));
        }
    }
    Ok(())
}

/// Holds an exclusive lock on the output's parent folder (`flock`), so two builds into the same
/// place take turns instead of mixing their files; released when dropped, or when the process dies.
fn lock(parent: &Path, out: &Path) -> Result<fs::File, OutputError> {
    let handle = fs::File::open(parent).map_err(io_at(parent))?;
    match handle.try_lock() {
        Ok(()) => Ok(handle),
        Err(fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another build into `{}` to finish…", out.display());
            handle.lock().map_err(io_at(parent))?;
            Ok(handle)
        }
        Err(fs::TryLockError::Error(error)) => Err(OutputError::Io { path: parent.to_path_buf(), error }),
    }
}

/// Swaps two folders in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), or, where the
/// file system cannot, with three renames.
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let (ca, cb) =
            (std::ffi::CString::new(a.as_os_str().as_bytes())?, std::ffi::CString::new(b.as_os_str().as_bytes())?);
        // SAFETY: both paths are valid NUL-terminated strings that outlive the call.
        let status =
            unsafe { libc::renameat2(libc::AT_FDCWD, ca.as_ptr(), libc::AT_FDCWD, cb.as_ptr(), libc::RENAME_EXCHANGE) };
        if status == 0 {
            return Ok(());
        }
    }
    let aside = a.with_extension("swap");
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        fs::rename(&aside, b)?;
        return Err(e);
    }
    fs::rename(&aside, a)
}

/// What the spare folder holds before a build: its regular files with their stamps, its
/// folders, and which of those are empty, all relative to it.
#[derive(Default)]
struct Walked {
    files: HashMap<String, Stamp>,
    folders: Vec<PathBuf>,
    empty: Vec<PathBuf>,
}

/// Walks `dir` once; everything that is neither a regular file nor a folder is removed:
/// dossier never makes symbolic links, so one found here (say, committed to a repository)
/// is removed before anything is written through it.
fn walk(dir: &Path) -> io::Result<Walked> {
    let mut stack = vec![PathBuf::new()];
    let mut walked = Walked::default();
    while let Some(rel) = stack.pop() {
        let mut entries = 0;
        for entry in fs::read_dir(dir.join(&rel))? {
            let entry = entry?;
            entries += 1;
            let child = rel.join(entry.file_name());
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(child.clone());
                walked.folders.push(child);
            } else if kind.is_file() {
                let stamp = Stamp::of(&entry.metadata()?);
                walked.files.insert(child.to_string_lossy().replace('\\', "/"), stamp);
            } else {
                fs::remove_file(entry.path())?;
            }
        }
        if entries == 0 {
            walked.empty.push(rel);
        }
    }
    Ok(walked)
}

/// Removes those of `folders` (under `dir`) that are empty, and then their parents that
/// become empty (left by pages that are gone); never `dir` itself.
fn remove_empty_folders(dir: &Path, folders: HashSet<PathBuf>) {
    let mut folders: Vec<PathBuf> = folders.into_iter().filter(|f| f != dir && f.starts_with(dir)).collect();
    // Deepest first, so that a folder emptied by its children's removal goes too.
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    for folder in folders {
        let mut at = folder.as_path();
        while at != dir && fs::remove_dir(at).is_ok() {
            at = match at.parent() {
                Some(parent) => parent,
                None => break,
            };
        }
    }
}
