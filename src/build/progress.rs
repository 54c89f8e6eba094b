//! How far a build has got, for a command to show while it runs.
//!
//! The build only reports; what is shown, and whether anything is (a terminal, not
//! `--quiet`), is the command's business. [`Silent`] is for builds nobody watches
//! (`serve`'s, tests').

use std::collections::BTreeSet;

use crate::output::site::Sink;

/// Told of each finished phase and each page rendered; called from many threads.
pub trait Progress: Sync {
    /// `phase` is over (the names `--verbose` prints with their times).
    fn done(&self, _phase: &str) {}
    /// The pages are about to be rendered: `total` of them.
    fn pages(&self, _total: usize) {}
    /// One more page rendered.
    fn page(&self) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}

/// A sink that counts the pages it passes on.
pub(crate) struct Counted<'a> {
    pub sink: &'a dyn Sink,
    pub progress: &'a dyn Progress,
}

impl Sink for Counted<'_> {
    fn put(&self, path: &str, bytes: &[u8]) {
        self.progress.page();
        self.sink.put(path, bytes);
    }

    fn written(&self) -> BTreeSet<String> {
        self.sink.written()
    }
}
