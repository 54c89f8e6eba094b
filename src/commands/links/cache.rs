//! Recent results, so that checking again after an edit asks the web only
//! about new addresses and ones that failed. Kept in `.dossier-cache/` in the
//! project folder (beside `public/`), which ignores itself for git; delete
//! the folder to check everything afresh.
//!
//! Only good news is kept (a live page, a redirect), for [`MAX_AGE`]: a dead
//! or unanswered address is asked again on every run, so a fix shows at once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::output::cache;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::fetch::Outcome;

/// How long a result is trusted.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);
/// The cache folder, in the project folder.
pub(crate) const FOLDER: &str = cache::FOLDER;
const FILE: &str = "links.json";

#[derive(Default, Serialize, Deserialize)]
struct Stored {
    /// Address → (seconds since 1970 when checked, what was found).
    checked: BTreeMap<String, (u64, Outcome)>,
}

/// The results read from the cache folder, and the new ones to write back.
pub(crate) struct Cache {
    /// The project folder.
    root: PathBuf,
    stored: Stored,
    now: u64,
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl Cache {
    /// Reads the cache of the project at `root`; a missing or unreadable one is empty.
    pub(crate) fn open(root: &Path) -> Cache {
        // Read only as a regular file inside the project (it may be someone else's).
        let stored = cache::read(root, FILE).and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        Cache { root: root.to_path_buf(), stored, now: now() }
    }

    /// A result for `url` younger than [`MAX_AGE`].
    pub(crate) fn get(&self, url: &str) -> Option<&Outcome> {
        let (at, outcome) = self.stored.checked.get(url)?;
        (self.now.saturating_sub(*at) < MAX_AGE.as_secs()).then_some(outcome)
    }

    /// Records a fresh result (kept only if it is good news).
    pub(crate) fn put(&mut self, url: &str, outcome: &Outcome) {
        match outcome {
            Outcome::Alive | Outcome::Redirected { .. } => {
                self.stored.checked.insert(url.to_string(), (self.now, outcome.clone()));
            }
            Outcome::Dead { .. } | Outcome::Unchecked { .. } => {
                self.stored.checked.remove(url);
            }
        }
    }

    /// Writes the cache back, without the results that have expired.
    pub(crate) fn save(mut self) -> std::io::Result<()> {
        let now = self.now;
        self.stored.checked.retain(|_, (at, _)| now.saturating_sub(*at) < MAX_AGE.as_secs());
        let json = serde_json::to_vec_pretty(&self.stored).map_err(std::io::Error::other)?;
        // Renamed into place inside the project, never written through a link.
        cache::write(&self.root, FILE, &json)
    }
}
