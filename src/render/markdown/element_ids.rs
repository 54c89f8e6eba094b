//! The element ids of one page: headings and notes share one id space, so
//! every id is handed out here, unique, in the order the page is written.

use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub(super) struct ElementIds {
    taken: HashSet<String>,
    /// The next number to try per heading id, so thousands of equal headings stay linear.
    counters: HashMap<String, usize>,
}

impl ElementIds {
    /// `id`, or `id-2`, `id-3`… if taken.
    pub(super) fn heading(&mut self, id: &str) -> String {
        let n = self.counters.entry(id.to_string()).or_insert(1);
        let mut candidate = id.to_string();
        if *n > 1 {
            candidate = format!("{id}-{n}");
        }
        while !self.taken.insert(candidate.clone()) {
            *n += 1;
            candidate = format!("{id}-{n}");
        }
        candidate
    }

    /// Is the note key `key` free (its footnote and sidenote ids, `fn-key` and `sn-key`)?
    pub(super) fn note_free(&self, key: &str) -> bool {
        !self.taken.contains(&format!("fn-{key}")) && !self.taken.contains(&format!("sn-{key}"))
    }

    /// Takes the footnote and sidenote ids of note key `key`.
    pub(super) fn take_note(&mut self, key: &str) {
        self.taken.insert(format!("fn-{key}"));
        self.taken.insert(format!("sn-{key}"));
    }
}
