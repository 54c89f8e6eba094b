//! The whole pipeline, run once: load → resolve → render Markdown → gather
//! backlinks → render templates → exports and static files, with the search
//! index built beside the templates on a thread of its own.
//!
//! The [`Mode`] says what happens to the result: `check` renders every page
//! and drops it, `build` sends each page to a [`Sink`] as soon as it is
//! rendered (so the pages are never all in memory), and `serve` keeps
//! everything a rebuild needs ([`Built`], which becomes a [`Session`](super::Session)).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::plan::Shown;
use super::progress::{Counted, Progress};
use super::render::{Phases, Select, add_static, load_checks, render_jobs, render_markdown, site_view};
use crate::assemble::Assembler;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::{CONFIG_FILE, Config};
use crate::load::content;
use crate::model::Content;
use crate::output::exports;
use crate::output::search::{NoteRecords, Pending, SearchIndex};
use crate::output::site::{RenderedPages, Sink, Site};
use crate::output::templates::Templates;
use crate::render::lint;
use crate::resolve::{
    self,
    xref::{Index, Names},
};

/// What a run of the pipeline is for.
pub(crate) enum Mode<'s> {
    /// `dossier check`: every page rendered to find its problems, none kept; no search index.
    Check,
    /// `dossier build`: each page sent to the sink as it renders; the search index builds on
    /// its own thread, to be joined when the pages are written.
    Build(&'s dyn Sink),
    /// `dossier serve`: everything kept in memory for rebuilds, the search index's records
    /// too.
    Serve,
}

impl Mode<'_> {
    fn sink(&self) -> Option<&dyn Sink> {
        match self {
            Mode::Check => Some(&Discard),
            Mode::Build(sink) => Some(*sink),
            Mode::Serve => None,
        }
    }
}

/// Where `check` sends the pages it renders: nowhere.
struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &[u8]) {}

    fn written(&self) -> BTreeSet<String> {
        BTreeSet::new()
    }
}

/// A finished run: the site, and (for `serve`) what a rebuild starts from.
pub(crate) struct Built {
    pub(crate) config: Config,
    pub(crate) content: Content,
    pub(crate) rendered: RenderedPages,
    pub(crate) templates: Templates,
    /// Which output page shows something of which page (empty unless serving).
    pub(super) shown: Shown,
    pub(crate) names: Arc<Names>,
    /// The annotation records the search index holds (empty unless serving).
    pub(crate) notes: NoteRecords,
    /// The pages not sent to a sink, the exports and the static files.
    pub(crate) site: Site,
    /// The search index, still building on its own thread; `None` with `search: false`
    /// and in `check`.
    pub(crate) search: Option<Pending>,
}

/// Runs the whole pipeline; `None` if anything is wrong (all problems are in `diagnostics`).
pub(crate) fn run(config: Config, mode: Mode, diagnostics: &Diagnostics, progress: &dyn Progress) -> Option<Built> {
    // Each page sent to the sink counts as done.
    let counted = mode.sink().map(|sink| Counted { sink, progress });
    let sink = counted.as_ref().map(|c| c as &dyn Sink);
    let mut phases = Phases::new(config.timings, progress);
    let content = content::load(&config, diagnostics);
    phases.done("load");
    let templates = load_checks(&config, diagnostics);
    let index = Index::new(&config, &content);
    resolve::check_pages(&index, |_| true, diagnostics);
    phases.done("index");
    let rendered = render_markdown(&index, None, Select::All, diagnostics);
    lint::check(&index, rendered.all(&content).map(|(_, r)| r), diagnostics);
    phases.done("markdown");
    let templates = templates?;
    if diagnostics.has_errors() {
        return None;
    }
    let assembler = Assembler::new(&index, &rendered, site_view(&config));
    phases.done("backlinks");
    // The records are packed for the search index (in parallel, read back from the cache
    // where they are unchanged), then its files are made on a thread of their own while
    // the pages render.
    let mut notes = NoteRecords::default();
    let search = match mode {
        Mode::Check => None,
        _ if !config.search => None,
        Mode::Build(_) | Mode::Serve => {
            let keep = matches!(mode, Mode::Serve);
            let search = SearchIndex::new(&config.language, config.cache.then(|| config.root.clone()));
            Some(search.and_then(|search| {
                let records = notes.full(&index, &rendered, assembler.all_annotations());
                let packed = search.pack(records, &config.language, keep)?;
                Ok(search.spawn_packed(packed, keep))
            }))
        }
    };
    phases.done("search: records");
    let mut site = Site::default();
    let jobs = assembler.jobs();
    progress.pages(jobs.len());
    let (pages, deps) = render_jobs(&assembler, &templates, &jobs, diagnostics, sink);
    for (path, html) in pages {
        site.add(path, html);
    }
    site.written = sink.map(Sink::written).unwrap_or_default();
    phases.done("templates");
    exports::add_all(&mut site, &index, &rendered, assembler.all_annotations(), exports::Scope::All);
    add_static(&mut site, &config, &content, diagnostics);
    let names = index.shared_names();
    phases.done("exports");
    let search = match search.transpose() {
        Ok(search) => search,
        Err(e) => {
            diagnostics.push(Diagnostic::error(CONFIG_FILE, format!("search index: {e:#}")));
            return None;
        }
    };
    // Only `serve` rebuilds: only it needs to know which pages depend on which.
    let shown = if sink.is_some() { Shown::default() } else { Shown::new(deps) };
    drop(assembler);
    drop(index);
    if diagnostics.has_errors() {
        return None;
    }
    Some(Built { config, content, rendered, templates, shown, names, notes, site, search })
}
