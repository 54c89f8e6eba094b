//! The search index of a `serve` session, kept current on a thread of its own so that
//! an edit's pages are served without waiting for it.
//!
//! Regenerating Pagefind's files takes about a second at 10,000 pages, far longer than
//! re-rendering the pages an edit touches. So [`Session::update`](super::Session::update)
//! only hands the edit's records to the [`Indexer`] and returns; the indexer's thread
//! regenerates the files, merging every batch that arrived while it was busy into one
//! regeneration, and hands each result to a listener (`serve` swaps it into the live site).
//!
//! Every batch gets a number from one counter for the whole process, and each result
//! carries the number of the last batch it holds, so whoever receives results (across
//! sessions too: a full rebuild starts a new one) can keep the newest and never go back to
//! an older index. The thread runs at a lower priority than the rebuilds, which it must not
//! slow down on a machine with few cores.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::output::search::{self, Batch, Pending, SearchError};
use crate::output::site::Site;

/// The number of the last batch handed to any indexer of this process.
static LAST_BATCH: AtomicU64 = AtomicU64::new(0);

/// The index files made from every batch up to `batch`.
#[derive(Clone)]
pub struct SearchFiles {
    /// The number of the last batch these files hold: a larger one is newer.
    pub batch: u64,
    /// The files under `pagefind/`, by path in the site.
    pub site: Arc<Site>,
    /// From that batch's hand-over to these files.
    pub took: Duration,
}

/// Told of each new index, or of the failure that stopped the indexer.
pub type Listener = Box<dyn Fn(Result<&SearchFiles, &SearchError>) + Send>;

/// The indexing thread of a session; dropping it lets the thread finish its current work and end.
pub struct Indexer {
    batches: Sender<(u64, Instant, Batch)>,
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// The last batch handed over.
    submitted: u64,
    latest: Option<SearchFiles>,
    failed: Option<SearchError>,
    listener: Option<Listener>,
    /// Set by a test to keep the thread from taking batches (so that they queue up).
    #[cfg(test)]
    paused: bool,
}

/// Keeps an indexer paused until dropped (tests).
#[cfg(test)]
pub struct Paused(Arc<Shared>);

#[cfg(test)]
impl Drop for Paused {
    fn drop(&mut self) {
        self.0.lock().paused = false;
        self.0.changed.notify_all();
    }
}

impl Indexer {
    /// Takes over the index a full build started (`first`), and keeps it current.
    pub fn start(first: Pending, timings: bool) -> Indexer {
        let (batches, received) = channel();
        let shared = Arc::new(Shared::default());
        let batch = LAST_BATCH.fetch_add(1, Ordering::SeqCst) + 1;
        shared.lock().submitted = batch;
        let worker = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("search index".into())
            .spawn(move || work(first, (batch, Instant::now()), &received, &worker, timings));
        if let Err(e) = spawned {
            shared.lock().failed = Some(SearchError::from(format!("cannot start the search indexer: {e}")));
        }
        Indexer { batches, shared }
    }

    /// Hands an edit's records over; the files follow when the thread gets to them.
    pub fn submit(&self, batch: Batch) -> Result<(), SearchError> {
        let mut state = self.shared.lock();
        if let Some(e) = &state.failed {
            return Err(e.clone());
        }
        let number = LAST_BATCH.fetch_add(1, Ordering::SeqCst) + 1;
        state.submitted = number;
        self.batches
            .send((number, Instant::now(), batch))
            .map_err(|_| SearchError::from("the search indexer stopped".to_string()))
    }

    /// Has the indexer stopped on an error (the session then needs a full build)?
    pub fn failed(&self) -> bool {
        self.shared.lock().failed.is_some()
    }

    /// Waits until the index holds every batch handed over so far; its files.
    pub fn wait(&self) -> Result<SearchFiles, SearchError> {
        let mut state = self.shared.lock();
        loop {
            if let Some(e) = &state.failed {
                return Err(e.clone());
            }
            if let Some(files) = state.latest.as_ref().filter(|f| f.batch >= state.submitted) {
                return Ok(files.clone());
            }
            state = self.shared.changed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Keeps the thread from taking any further batch until the guard is dropped (tests).
    #[cfg(test)]
    pub fn pause(&self) -> Paused {
        self.shared.lock().paused = true;
        Paused(self.shared.clone())
    }

    /// Calls `listener` with each new index from now on, and at once with the latest if any.
    pub fn listen(&self, listener: Listener) {
        let mut state = self.shared.lock();
        match (&state.latest, &state.failed) {
            (_, Some(e)) => listener(Err(e)),
            (Some(files), None) => listener(Ok(files)),
            (None, None) => {}
        }
        state.listener = Some(listener);
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn publish(&self, outcome: Result<SearchFiles, SearchError>) {
        let mut state = self.lock();
        match outcome {
            Ok(files) => {
                if let Some(listener) = &state.listener {
                    listener(Ok(&files));
                }
                state.latest = Some(files);
            }
            Err(e) => {
                if let Some(listener) = &state.listener {
                    listener(Err(&e));
                }
                state.failed = Some(e);
            }
        }
        self.changed.notify_all();
    }
}

/// The indexing thread: finishes the full build's index, then regenerates it after each
/// batch, merging the batches that queued up meanwhile. Ends when the session drops its
/// [`Indexer`] or an index fails.
fn work(
    first: Pending,
    mut last: (u64, Instant),
    batches: &Receiver<(u64, Instant, Batch)>,
    shared: &Shared,
    timings: bool,
) {
    lower_priority();
    let mut outcome = first.join();
    loop {
        let built = match outcome {
            Ok(built) => built,
            Err(e) => return shared.publish(Err(e)),
        };
        if timings {
            built.report();
        }
        let site = Arc::new(search::site_files(built.files));
        shared.publish(Ok(SearchFiles { batch: last.0, site, took: last.1.elapsed() }));
        let Ok((number, at, mut batch)) = batches.recv() else { return };
        #[cfg(test)]
        drop(shared.changed.wait_while(shared.lock(), |state| state.paused));
        last = (number, at);
        for (number, at, later) in batches.try_iter() {
            batch = batch.then(later);
            last = (number, at);
        }
        outcome = built.index.update(batch);
    }
}

/// Lowers the calling thread's scheduling priority (and that of the threads it starts): on
/// Linux the nice value belongs to each thread. Background work, such as the search index,
/// then leaves the cores to the rebuilds and the browser when they need them.
pub fn lower_priority() {
    // SAFETY: setpriority only changes the calling thread's nice value (`who` 0 on Linux).
    #[cfg(target_os = "linux")]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}
