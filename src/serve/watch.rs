//! File watching for `serve`: debounced batches of the paths that matter.
//!
//! notify 8 with notify-debouncer-full: `content/`, `themes/` and
//! `templates/` recursively, and the project root non-recursively (so an
//! editor's rename-over save of `dossier.yaml` is seen). Editors' temporary
//! and backup files are dropped. If the OS watch limit is reached, it says
//! which sysctl raises it and falls back to polling.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, FileIdMap, RecommendedCache, new_debouncer_opt};

/// Debounce window: long enough to gather an editor's save, short enough to feel instant.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// One batch of changes.
#[derive(Debug, Default)]
pub struct Batch {
    pub paths: Vec<PathBuf>,
    /// Files or folders were created, removed or renamed.
    pub structural: bool,
}

/// The debouncer in use: native (inotify) or, past the OS watch limit, polling.
enum Debouncer {
    Native(notify_debouncer_full::Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(notify_debouncer_full::Debouncer<PollWatcher, FileIdMap>),
}

impl Debouncer {
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Debouncer::Native(d) => d.watch(path, mode),
            Debouncer::Polling(d) => d.watch(path, mode),
        }
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        match self {
            Debouncer::Native(d) => d.unwatch(path),
            Debouncer::Polling(d) => d.unwatch(path),
        }
    }
}

pub struct Watcher {
    debouncer: Debouncer,
    events: Receiver<DebounceEventResult>,
    root: PathBuf,
    /// Which of `content/`, `themes/`, `templates/` are watched (they may appear later).
    watched: Vec<PathBuf>,
}

impl Watcher {
    pub fn start(root: &Path) -> notify::Result<Watcher> {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = channel();
        let native = new_debouncer_opt::<_, RecommendedWatcher, RecommendedCache>(
            DEBOUNCE,
            Some(Duration::from_millis(5)),
            tx.clone(),
            RecommendedCache::new(),
            notify::Config::default(),
        )
        .map(Debouncer::Native);
        let mut watched = Vec::new();
        let native = native.and_then(|mut d| watch_all(&root, &mut d, &mut watched).map(|()| d));
        let debouncer = match native {
            Ok(d) => d,
            Err(e) if matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                eprintln!(
                    "warning: the OS limit on watched folders is reached; falling back to polling (slower).\n  = help: raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (and max_user_instances)"
                );
                let config = notify::Config::default().with_poll_interval(Duration::from_millis(250));
                let mut d = Debouncer::Polling(new_debouncer_opt::<_, PollWatcher, FileIdMap>(
                    DEBOUNCE,
                    None,
                    tx,
                    FileIdMap::new(),
                    config,
                )?);
                watched.clear();
                watch_all(&root, &mut d, &mut watched)?;
                d
            }
            Err(e) => return Err(e),
        };
        Ok(Watcher { debouncer, events, root, watched })
    }

    /// The next batch of relevant changes, or `None` after `timeout` without one.
    pub fn next_batch(&mut self, timeout: Duration) -> Option<Batch> {
        let first = match self.events.recv_timeout(timeout) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
        };
        let mut batch = Batch::default();
        for result in std::iter::once(first).chain(self.events.try_iter()) {
            let Ok(events) = result else { continue };
            for event in events {
                if matches!(event.kind, EventKind::Access(_)) {
                    continue;
                }
                let relevant: Vec<&PathBuf> = event.paths.iter().filter(|p| self.relevant(p)).collect();
                if relevant.is_empty() {
                    continue;
                }
                let structural = matches!(event.kind, EventKind::Create(_) | EventKind::Remove(_))
                    || matches!(event.kind, EventKind::Modify(notify::event::ModifyKind::Name(_)));
                // An editor's rename-over save leaves the file in place: an edit, not a new page.
                // (A brand-new file is found out later: the session cannot place it and rebuilds fully.)
                batch.structural |= structural && relevant.iter().any(|p| !p.is_file());
                for path in relevant {
                    if !batch.paths.contains(path) {
                        batch.paths.push(path.clone());
                    }
                }
            }
        }
        // A `content/`, `themes/` or `templates/` folder created after start is watched from now on.
        if batch.structural {
            let _ = watch_all(&self.root, &mut self.debouncer, &mut self.watched);
        }
        (!batch.paths.is_empty()).then_some(batch)
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
            Some(first) => first == crate::config::CONFIG_FILE,
            None => false,
        }
    }
}

/// Watches the root (not recursively: it sees `dossier.yaml` replaced by a rename) and,
/// recursively, each of `content/`, `themes/`, `templates/` that exists and is not watched yet.
fn watch_all(root: &Path, debouncer: &mut Debouncer, watched: &mut Vec<PathBuf>) -> notify::Result<()> {
    if watched.is_empty() {
        debouncer.watch(root, RecursiveMode::NonRecursive)?;
        watched.push(root.to_path_buf());
    }
    // A watched folder that was removed (`rm -rf content`) is forgotten, so that the folder
    // made in its place is watched again.
    watched.retain(|path| path == root || path.is_dir());
    for folder in ["content", "themes", "templates"] {
        let path = root.join(folder);
        if path.is_dir() && !watched.contains(&path) {
            let _ = debouncer.unwatch(&path);
            debouncer.watch(&path, RecursiveMode::Recursive)?;
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
