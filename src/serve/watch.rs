//! File watching for `serve`: batches of the paths that matter, as soon as a save is complete.
//!
//! notify 8 on `content/`, `themes/` and `templates/` recursively, and the
//! project root non-recursively (so an editor's rename-over save of
//! `dossier.yaml` is seen). Editors' temporary and backup files are dropped.
//! If the OS watch limit is reached, it says which sysctl raises it and falls
//! back to polling.
//!
//! A batch is gathered from the first event until the events stop: for
//! [`SETTLE`] once every file written to has been closed (inotify's
//! close-after-write; an editor's rename-over save is complete when renamed),
//! else for [`QUIET`]. A fixed debounce window would add its whole length to
//! every edit; waiting for the close costs about a millisecond, and a file is
//! never read half written.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
use notify::{Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher as _};

/// How long to wait for more events once every written file has been closed.
const SETTLE: Duration = Duration::from_millis(1);
/// How long to wait for more events while a written file is still open (or when the
/// watcher cannot tell: polling, attribute changes).
const QUIET: Duration = Duration::from_millis(10);
/// A batch is handed over after this long even if events keep coming (they go to the next
/// batch: nothing is dropped, the rebuild loop reads them once this one is done).
const LONGEST: Duration = Duration::from_millis(200);
/// How long a batch waits at most for files still open for writing to be closed, so that a
/// rebuild never reads a file half written (a program that keeps one open longer is not
/// waited for).
const OPEN_LONGEST: Duration = Duration::from_secs(1);

/// One batch of changes.
#[derive(Debug, Default)]
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// Files or folders were created, removed or renamed.
    pub structural: bool,
}

/// The watcher in use: native (inotify) or, past the OS watch limit, polling.
enum Backend {
    Native(RecommendedWatcher),
    Polling(PollWatcher),
}

impl Backend {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Backend::Native(w) => w.watch(path, mode),
            Backend::Polling(w) => w.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Backend::Native(w) => w.unwatch(path),
            Backend::Polling(w) => w.unwatch(path),
        }
    }
}

pub struct Watcher {
    backend: Backend,
    events: Receiver<notify::Result<Event>>,
    root: PathBuf,
    /// Which of `content/`, `themes/`, `templates/` are watched (they may appear later).
    watched: Vec<PathBuf>,
}

impl Watcher {
    pub fn start(root: &Path) -> notify::Result<Watcher> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = channel();
        let mut watched = Vec::new();
        let native = RecommendedWatcher::new(tx.clone(), notify::Config::default()).map(Backend::Native);
        let native = native.and_then(|mut w| watch_all(&root, &mut w, &mut watched).map(|()| w));
        let backend = match native {
            Ok(w) => w,
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                eprintln!(
                    "warning: the OS limit on watched folders is reached; falling back to polling (slower).\n  = help: raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (and max_user_instances)"
                );
                let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
                let mut w = Backend::Polling(PollWatcher::new(tx, config)?);
                watched.clear();
                watch_all(&root, &mut w, &mut watched)?;
                w
            }
            Err(e) => return Err(e),
        };
        Ok(Watcher { backend, events, root, watched })
    }

    /// The next batch of relevant changes, or `None` after `timeout` without one.
    pub fn next_batch(&mut self, timeout: Duration) -> Option<Batch> {
        let deadline = Instant::now() + timeout;
        let mut batch = Batch::default();
        // Files written to and not yet closed.
        let mut open: HashSet<PathBuf> = HashSet::new();
        let mut started: Option<Instant> = None;
        // Only inotify says when a file is closed; polling cannot wait for it.
        let closes_seen = matches!(self.backend, Backend::Native(_));
        let still_writing =
            |open: &HashSet<PathBuf>, at: Instant| closes_seen && !open.is_empty() && at.elapsed() < OPEN_LONGEST;
        loop {
            let wait = match started {
                None => deadline.saturating_duration_since(Instant::now()),
                Some(at) if at.elapsed() >= LONGEST && !still_writing(&open, at) => break,
                Some(_) if open.is_empty() => SETTLE,
                Some(_) => QUIET,
            };
            let event = match self.events.recv_timeout(wait) {
                Ok(Ok(event)) => event,
                Ok(Err(_)) => continue,
                Err(RecvTimeoutError::Timeout) if started.is_some_and(|at| still_writing(&open, at)) => continue,
                Err(RecvTimeoutError::Timeout) if started.is_some() => break,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            };
            if self.add(&mut batch, &mut open, &event) && started.is_none() {
                started = Some(Instant::now());
            }
        }
        // A `content/`, `themes/` or `templates/` folder created after start is watched from now on.
        if batch.structural {
            let _ = watch_all(&self.root, &mut self.backend, &mut self.watched);
        }
        (!batch.paths.is_empty()).then_some(batch)
    }

    /// Adds `event` to `batch` and keeps track of the files still open for writing;
    /// `false` if it does not concern the site.
    fn add(&self, batch: &mut Batch, open: &mut HashSet<PathBuf>, event: &Event) -> bool {
        let relevant: Vec<&PathBuf> = event.paths.iter().filter(|p| self.relevant(p)).collect();
        if relevant.is_empty() {
            return false;
        }
        match event.kind {
            // A file closed after writing is a complete save: it is in the batch even when its
            // last write fell in the batch before (the content filter drops it if unchanged).
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {
                relevant.iter().for_each(|p| _ = open.remove(*p));
            }
            EventKind::Access(_) => return false,
            EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) | EventKind::Create(CreateKind::File) => {
                open.extend(relevant.iter().map(|p| p.to_path_buf()));
            }
            _ => {}
        }
        let structural = matches!(event.kind, EventKind::Create(_) | EventKind::Remove(_))
            || matches!(event.kind, EventKind::Modify(ModifyKind::Name(_)));
        // An editor's rename-over save leaves the file in place: an edit, not a new page.
        // (A brand-new file is found out later: the session cannot place it and rebuilds fully.)
        batch.structural |= structural && relevant.iter().any(|p| !p.is_file());
        for path in relevant {
            if !batch.paths.contains(path) {
                batch.paths.push(path.clone());
            }
        }
        true
    }

    /// Does a change to `path` matter to the site?
    fn relevant(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else {
            return false;
        };
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if is_editor_noise(name) {
            return false;
        }
        match rel.components().next().and_then(|c| c.as_os_str().to_str()) {
            Some("content" | "themes" | "templates") => true,
            Some(first) => first == crate::load::config::CONFIG_FILE,
            None => false,
        }
    }
}

/// Watches the root (not recursively: it sees `dossier.yaml` replaced by a rename) and,
/// recursively, each of `content/`, `themes/`, `templates/` that exists and is not watched yet.
fn watch_all(root: &Path, backend: &mut Backend, watched: &mut Vec<PathBuf>) -> notify::Result<()> {
    if watched.is_empty() {
        backend.watch(root, RecursiveMode::NonRecursive)?;
        watched.push(root.to_path_buf());
    }
    // A watched folder that was removed (`rm -rf content`) is forgotten, so that the folder
    // made in its place is watched again.
    watched.retain(|path| path == root || path.is_dir());
    for folder in ["content", "themes", "templates"] {
        let path = root.join(folder);
        if path.is_dir() && !watched.contains(&path) {
            let _ = backend.unwatch(&path);
            backend.watch(&path, RecursiveMode::Recursive)?;
            watched.push(path);
        }
    }
    Ok(())
}

/// Swap, backup and temporary files of common editors.
fn is_editor_noise(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".kate-swp", "___jb_tmp___", "___jb_old___", ".crdownload", ".part"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::is_editor_noise;

    #[test]
    fn editor_temporary_files_are_ignored() {
        for noise in
            [".article.md.swp", "article.md~", "#article.md#", "4913", "x.md.tmp", ".#lock", "a.md___jb_tmp___"]
        {
            assert!(is_editor_noise(noise), "{noise}");
        }
        for real in ["article.md", "style.css", "dossier.yaml"] {
            assert!(!is_editor_noise(real), "{real}");
        }
    }
}
