//! The build pipeline: load → resolve → render Markdown → assemble views → render templates.
//!
//! Phases run in this order because each needs the one before:
//! 1. `content::load` reads every file (bad files become diagnostics);
//! 2. the `Index` resolves ids and checks front-matter references;
//! 3. Markdown renders in parallel, returning facts (citations, mentions,
//!    figure uses, placed annotations) beside the HTML;
//! 4. backlinks can only be gathered once every page has rendered
//!    (`Assembler::new`);
//! 5. views are assembled and templates rendered in parallel.
//!
//! `serve` keeps every output file in memory (a `Site` in its [`Session`])
//! and, after an edit, re-runs phases 3 and 5 only for what the edit affects.
//! `build` and `check` send each page to a [`Sink`] as soon as it is
//! rendered — written to disk by [`crate::output::disk`], or dropped — so the
//! pages are never all in memory at once.
//! The search index ([`crate::output::search`]) is built on a thread of its own from
//! phase 4 on, beside template rendering (and, in `build`, the writing of the
//! pages); `check` does without it. In `serve` it stays on that thread
//! (`Indexer`), which keeps it current after each edit while the pages are
//! already served.
//!
//! The folder holds one file a part: [`pipeline`] runs every phase once (for
//! `build`, `check` and the start of `serve`), [`render`] holds the phases'
//! work, [`plan`] decides what an edit needs rebuilt, [`session`] keeps a
//! `serve` build in memory and carries out those decisions, and [`indexer`]
//! keeps `serve`'s search index current on its own thread.

#[cfg(test)]
mod incremental_tests;
mod indexer;
mod pipeline;
mod plan;
pub mod progress;
mod render;
mod session;

pub use indexer::{Listener, SearchFiles, lower_priority};
pub use plan::{Applied, Unchanged};
pub(crate) use render::render_article;
#[cfg(test)]
pub(crate) use render::template_variables;
pub use session::{Session, UpdateError};

use crate::diagnostics::Diagnostics;
use crate::load::config::Config;
use crate::output::search::Pending;
use crate::output::site::{Sink, Site};
use pipeline::Mode;
use progress::Progress;

/// Builds the whole site to find its problems (all in `diagnostics`), without its search
/// index, holding none of its pages.
pub fn check(config: &Config, diagnostics: &Diagnostics, progress: &dyn Progress) {
    let _ = pipeline::run(config.clone(), Mode::Check, diagnostics, progress);
}

/// Builds the whole site, sending its pages to `sink` as they are rendered; returns the other
/// files (exports, static files), or `None` if any error was found (all are in `diagnostics`).
/// Its search index is still being built on its own thread, so that the pages can be written
/// meanwhile: [`Pending::join`] gives its files.
/// A site with `search: false` has no index: `None`.
pub fn build_pages(
    config: &Config,
    diagnostics: &Diagnostics,
    sink: &dyn Sink,
    progress: &dyn Progress,
) -> Option<(Site, Option<Pending>)> {
    let mut built = pipeline::run(config.clone(), Mode::Build(sink), diagnostics, progress)?;
    let kept = (std::mem::take(&mut built.site), built.search.take());
    // The rest (every page's text and rendering: millions of allocations) is not freed one
    // by one before the files are written: the process ends once they are.
    std::mem::forget(built);
    Some(kept)
}
