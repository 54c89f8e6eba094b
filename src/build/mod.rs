//! The build pipeline: load → resolve → render Markdown → assemble views → render templates.
//!
//! Phases run in this order because each needs the one before:
//! 1. [`content::load`] reads every file (bad files become diagnostics);
//! 2. [`Index`] resolves ids and checks front-matter references;
//! 3. Markdown renders in parallel, returning facts (citations, mentions,
//!    figure uses, placed annotations) beside the HTML;
//! 4. backlinks can only be gathered once every page has rendered
//!    ([`Assembler::new`]);
//! 5. views are assembled and templates rendered in parallel.
//!
//! `serve` keeps every output file in memory (a [`Site`] in its [`Session`])
//! and, after an edit, re-runs phases 3 and 5 only for what the edit affects.
//! `build` and `check` send each page to a [`Sink`] as soon as it is
//! rendered — written to disk by [`crate::output::disk`], or dropped — so the
//! pages are never all in memory at once.
//! The search index ([`crate::output::search`]) is built on a thread of its own from
//! phase 4 on, beside template rendering (and, in `build`, the writing of the
//! pages); `check` does without it. In `serve` it stays on that thread
//! ([`Indexer`]), which keeps it current after each edit while the pages are
//! already served.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::assemble::{Assembler, Deps, JobId};
use crate::build::progress::{Counted, Progress, Silent};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::Config;
use crate::load::content::{self, Reloaded};
use crate::model::Content;
use crate::output::exports;
use crate::output::search::{NoteRecords, Pending, SearchError, SearchIndex};
use crate::output::site::{RenderedPages, Sink, Site};
use crate::output::templates::{self, Templates};
use crate::output::urls;
use crate::output::views::SiteView;
use crate::render::highlight;
use crate::render::lint;
use crate::render::markdown::{self, RenderOptions, Rendered};
use crate::resolve::xref::{Index, Names};

/// Builds the whole site to find its problems (all in `diagnostics`), without its search
/// index, holding none of its pages.
pub fn check(config: &Config, diagnostics: &Diagnostics, progress: &dyn Progress) {
    let _ = Session::begin(config.clone(), "", diagnostics, None, Some(&Discard), progress);
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
    let mut notes = NoteRecords::default();
    let (mut session, pending) =
        Session::begin(config.clone(), "", diagnostics, Some(&mut notes), Some(sink), progress)?;
    Some((std::mem::take(Arc::make_mut(&mut session.site)), pending))
}

/// Where `check` sends the pages it renders: nowhere.
struct Discard;

impl Sink for Discard {
    fn put(&self, _: &str, _: &[u8]) {}

    fn written(&self) -> std::collections::BTreeSet<String> {
        std::collections::BTreeSet::new()
    }
}

/// Which pages to (re)render.
enum Select<'a> {
    All,
    Only(&'a HashSet<String>),
}

impl Select<'_> {
    fn wants(&self, id: &str) -> bool {
        match self {
            Select::All => true,
            Select::Only(ids) => ids.contains(id),
        }
    }
}

/// Renders the Markdown of the selected pages into `rendered` (all pages when `rendered` is empty).
fn render_markdown(
    index: &Index,
    previous: Option<RenderedPages>,
    select: Select,
    diagnostics: &Diagnostics,
) -> RenderedPages {
    let content: &Content = index.content;
    let autolink = Some(index.config.autolink);
    let (old_articles, old_sources, old_figures, old_index) = match previous {
        Some(p) => (Some(p.articles), Some(p.sources), Some(p.figures), p.index),
        None => (None, None, None, None),
    };
    // Articles find source names with one automaton of every name, built on first use by one
    // thread (about a second at 100,000 pages): the sources and figures, which need none,
    // render meanwhile on the other threads.
    let articles = || {
        if content.articles.iter().any(|a| select.wants(&a.id)) {
            let _ = index.name_matcher();
        }
        render_each(old_articles, &content.articles, &select, |a| {
            render_page(index, a, &a.meta.annotations, autolink, diagnostics)
        })
    };
    let sources =
        || render_each(old_sources, &content.sources, &select, |s| render_page(index, s, &[], None, diagnostics));
    let figures =
        || render_each(old_figures, &content.figures, &select, |f| render_page(index, f, &[], None, diagnostics));
    let (articles, (sources, figures)) = rayon::join(articles, || rayon::join(sources, figures));
    let index_page = match (old_index, &content.index) {
        (Some(r), Some(_)) if !select.wants("_index") => Some(r),
        (_, Some(i)) => Some(render_page(index, i, &[], None, diagnostics)),
        (_, None) => None,
    };
    RenderedPages { articles, sources, figures, index: index_page }
}

/// The selected `pages` rendered by `render` (in parallel), the others kept from `old`
/// (all rendered when there is no `old`).
fn render_each<M: Sync>(
    old: Option<Vec<Rendered>>,
    pages: &[crate::model::Page<M>],
    select: &Select,
    render: impl Fn(&crate::model::Page<M>) -> Rendered + Sync,
) -> Vec<Rendered> {
    let old: Vec<Option<Rendered>> =
        old.map_or_else(|| (0..pages.len()).map(|_| None).collect(), |v| v.into_iter().map(Some).collect());
    old.into_par_iter()
        .zip(pages)
        .map(|(old, page)| match old {
            Some(r) if !select.wants(&page.id) => r,
            _ => render(page),
        })
        .collect()
}

fn render_page<M>(
    index: &Index,
    page: &crate::model::Page<M>,
    annotations: &[crate::model::Annotation],
    autolink: Option<crate::load::config::Autolink>,
    diagnostics: &Diagnostics,
) -> Rendered {
    let options = RenderOptions {
        index,
        file: &page.path,
        body: &page.body,
        body_line: page.body_line,
        raw: &page.raw,
        annotations,
        autolink,
    };
    markdown::render(&options, diagnostics)
}

/// One article rendered with `annotations` (for `dossier import`); problems are dropped.
pub(crate) fn render_article(
    index: &Index,
    article: &crate::model::Article,
    annotations: &[crate::model::Annotation],
) -> Rendered {
    render_page(index, article, annotations, Some(index.config.autolink), &Diagnostics::default())
}

impl Session {
    /// Re-reads the static files (the theme's, and `content/static/`'s as the
    /// last full load found them by `content`'s rules) into the site, after
    /// `serve` saw `changed` edited. A content static file added or removed
    /// needs [`Session::start`].
    pub fn refresh_static(&mut self, changed: &[PathBuf], diagnostics: &Diagnostics) -> Result<(), UpdateError> {
        let content_root = self.config.root.join("content");
        let known = |path: &PathBuf| match path.strip_prefix(&content_root) {
            Ok(rel) => path.is_file() && self.content.static_files.iter().any(|f| f == rel),
            Err(_) => true,
        };
        if !changed.iter().all(known) {
            return Err(UpdateError::NeedsFullBuild);
        }
        let mut site = (*self.site).clone();
        add_static(&mut site, &self.config, &self.content, diagnostics);
        if diagnostics.has_errors() {
            return Err(UpdateError::Broken);
        }
        self.site = Arc::new(site);
        Ok(())
    }
}

/// Why [`Session::update`] did not update the site.
#[derive(Debug, PartialEq, Eq)]
pub enum UpdateError {
    /// Files appeared, disappeared or moved: start a new session.
    NeedsFullBuild,
    /// The edit is broken (see the diagnostics): keep the last good site.
    Broken,
}

#[cfg(test)]
mod incremental_tests;
mod indexer;
pub mod progress;
mod rebuild;

pub use indexer::{Indexer, Listener, SearchFiles, lower_priority};

pub use rebuild::{ChangeKind, classify};
use rebuild::{PageFront, invert};

/// A build kept in memory between rebuilds (for `serve`).
pub struct Session {
    pub config: Config,
    body_end_html: String,
    content: Content,
    rendered: RenderedPages,
    templates: Templates,
    deps: HashMap<JobId, Deps>,
    /// The jobs that show something of each page id.
    dependents: HashMap<String, HashSet<JobId>>,
    names: Arc<Names>,
    /// The annotation records the search index holds, and the index, on its own thread.
    notes: NoteRecords,
    indexer: Option<Indexer>,
    /// The pages and other files; the search index's files come from [`Session::search_files`].
    pub site: Arc<Site>,
}

impl Session {
    /// A full build; `None` if anything is wrong (see `diagnostics`).
    pub fn start(config: Config, body_end_html: &str, diagnostics: &Diagnostics) -> Option<Session> {
        let mut notes = NoteRecords::default();
        let (mut session, pending) =
            Session::begin(config, body_end_html, diagnostics, Some(&mut notes), None, &Silent)?;
        session.notes = notes;
        session.indexer = pending.map(|p| Indexer::start(p, session.config.timings));
        Some(session)
    }

    /// A full build, with the search index being built on its thread if given the `notes`
    /// it then holds (`check` needs none); its pages go to `sink` (when given) instead of
    /// into the session's site.
    fn begin(
        config: Config,
        body_end_html: &str,
        diagnostics: &Diagnostics,
        notes: Option<&mut NoteRecords>,
        sink: Option<&dyn Sink>,
        progress: &dyn Progress,
    ) -> Option<(Session, Option<Pending>)> {
        // Pages sent to a sink are a one-shot build (`build`, `check`): nothing is kept for
        // rebuilds, neither the search records nor which pages depend on which.
        let one_shot = sink.is_some();
        let counted = sink.map(|sink| Counted { sink, progress });
        let sink = counted.as_ref().map(|c| c as &dyn Sink);
        let mut phases = Phases::new(config.timings, progress);
        let content = content::load(&config, diagnostics);
        phases.done("load");
        let templates = load_checks(&config, diagnostics);
        let index = Index::new(&config, &content);
        index.check_front_matter(diagnostics);
        phases.done("index");
        let rendered = render_markdown(&index, None, Select::All, diagnostics);
        lint::check(&index, rendered.all(), diagnostics);
        phases.done("markdown");
        let templates = templates?;
        if diagnostics.has_errors() {
            return None;
        }
        let mut site = Site::default();
        let site_view = site_view(&config, body_end_html);
        let assembler = Assembler::new(&index, &rendered, site_view);
        phases.done("backlinks");
        // The search index builds on a thread of its own while the pages render.
        let pending = notes.filter(|_| config.search).map(|notes| {
            SearchIndex::new(&config.language).map(|search| {
                let batch = notes.prepare(&index, &rendered, assembler.all_annotations(), None);
                if one_shot { search.spawn_once(batch) } else { search.spawn(batch) }
            })
        });
        phases.done("search: records");
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
        let pending = match pending.transpose() {
            Ok(pending) => pending,
            Err(e) => {
                diagnostics.push(Diagnostic::error(crate::load::config::CONFIG_FILE, format!("search index: {e:#}")));
                return None;
            }
        };
        let dependents = if one_shot { HashMap::new() } else { invert(&deps) };
        drop(assembler);
        drop(index);
        if diagnostics.has_errors() {
            return None;
        }
        let session = Session {
            body_end_html: body_end_html.to_string(),
            content,
            rendered,
            templates,
            deps,
            dependents,
            names,
            notes: NoteRecords::default(),
            indexer: None,
            site: Arc::new(site),
            config,
        };
        Some((session, pending))
    }

    /// Rebuilds after `changed` content files were edited, re-rendering only what they affect.
    /// Files that are new, deleted or moved need [`Session::start`] instead
    /// ([`UpdateError::NeedsFullBuild`]). A broken edit gives [`UpdateError::Broken`] with its
    /// problems in `diagnostics`; the caller keeps serving the last good site and must start a
    /// new session on the next change.
    ///
    /// As soon as the pages are ready, before the exports (feed, W3C annotations) and the
    /// search records, it calls `pages_ready` with the site so far and the output files it
    /// re-rendered (or removed: a paginated list grown shorter), which it also returns; its
    /// [`Session::site`] then has the exports too.
    pub fn update(
        &mut self,
        changed: &[PathBuf],
        diagnostics: &Diagnostics,
        pages_ready: &mut dyn FnMut(&Arc<Site>, &[String]),
    ) -> Result<Vec<String>, UpdateError> {
        if self.indexer.as_ref().is_some_and(Indexer::failed) {
            return Err(UpdateError::NeedsFullBuild);
        }
        let mut phases = Phases::new(self.config.timings, &Silent);
        // The new site starts as a copy of the current one, made on another thread while the
        // edit renders (copying 10,000 paths takes 3 ms).
        let copy = {
            let (sender, copy) = std::sync::mpsc::channel();
            let current = self.site.clone();
            rayon::spawn(move || _ = sender.send(Site::clone(&current)));
            copy
        };
        let before: HashMap<String, PageFront> =
            changed.iter().filter_map(|p| self.front_of_path(p)).map(|f| (f.id.clone(), f)).collect();
        let mut pages: HashSet<String> = HashSet::new();
        for path in changed {
            match content::reload(&self.config, &mut self.content, path, diagnostics) {
                Reloaded::Replaced(id) => {
                    pages.insert(id);
                }
                Reloaded::NeedsFullLoad => return Err(UpdateError::NeedsFullBuild),
                Reloaded::Failed => return Err(UpdateError::Broken),
            }
        }
        let edit = self.describe(&pages, &before);
        let index = if edit.names.is_empty() {
            Index::with_names(&self.config, &self.content, self.names.clone())
        } else {
            Index::new(&self.config, &self.content)
        };
        index.check_pages(|id| pages.contains(id), diagnostics);
        let markdown = self.markdown_affected(&pages, &edit);
        let old_backlinks = self.backlinks_from(&self.rendered, &markdown);
        let old_listed = self.listed_facts(&markdown);
        let previous = std::mem::replace(&mut self.rendered, RenderedPages::empty());
        self.rendered = render_markdown(&index, Some(previous), Select::Only(&markdown), diagnostics);
        if diagnostics.has_errors() {
            return Err(UpdateError::Broken);
        }
        let backlinks_changed = rebuild::changed_keys(&old_backlinks, &self.backlinks_from(&self.rendered, &markdown));
        let lists_changed = old_listed != self.listed_facts(&markdown);
        phases.done("markdown");
        let site_view = site_view(&self.config, &self.body_end_html);
        // Backlinks are gathered only if a page to render shows them (an edited article does not).
        let assembler = Assembler::deferred(&index, &self.rendered, site_view);
        phases.done("backlinks");
        let lists = assembler.list_jobs();
        let mut jobs = self.affected_jobs(&markdown, &edit, &backlinks_changed, lists_changed);
        // A list may have more pages than before (an annotation added).
        jobs.extend(lists.iter().filter(|j| !self.deps.contains_key(*j)).cloned());
        let (pages_out, deps) = render_jobs(&assembler, &self.templates, &jobs, diagnostics, None);
        phases.done("templates");
        if diagnostics.has_errors() {
            return Err(UpdateError::Broken);
        }
        let mut site = copy.recv().unwrap_or_else(|_| (*self.site).clone());
        let mut changed: Vec<String> = pages_out.iter().map(|(path, _)| path.clone()).collect();
        if jobs.iter().any(|j| lists.contains(j)) {
            // A list may have fewer pages than before (an annotation removed): drop the extra ones.
            let kept: HashSet<&str> = pages_out.iter().map(|(path, _)| path.as_str()).collect();
            let paged =
                |p: &str| ["sources/page/", "figures/page/", "annotations/page/"].iter().any(|l| p.starts_with(l));
            let gone = |p: &String| paged(p) && !kept.contains(p.as_str());
            changed.extend(site.files.keys().filter(|p| gone(p)).cloned());
            site.files.retain(|p, _| !gone(p));
        }
        for (path, html) in pages_out {
            site.add(path, html);
        }
        let mut site = Arc::new(site);
        pages_ready(&site, &changed);
        phases.done("swap");
        // What no page shows follows the pages: the exports, the search records, the bookkeeping.
        let scope = exports::Scope::Pages { ids: &markdown, front_matter: !edit.front.is_empty() };
        if scope.writes(&index) {
            exports::add_all(Arc::make_mut(&mut site), &index, &self.rendered, assembler.all_annotations(), scope);
        }
        phases.done("exports");
        // The edited records go to the index now; its files follow the pages ([`Session::search_files`]).
        let batch = self.notes.prepare(&index, &self.rendered, assembler.all_annotations(), Some(&markdown));
        if let Some(indexer) = &self.indexer
            && indexer.submit(batch).is_err()
        {
            return Err(UpdateError::NeedsFullBuild);
        }
        phases.done("search: records");
        self.names = index.shared_names();
        drop(assembler);
        drop(index);
        for (job, dep) in deps {
            if let Deps::Pages(ids) = &dep {
                for id in ids {
                    self.dependents.entry(id.clone()).or_default().insert(job.clone());
                }
            }
            self.deps.insert(job, dep);
        }
        self.site = site;
        Ok(changed)
    }

    /// Waits until the search index holds every edit so far; its files, or none with
    /// `search: false`. (`serve` does not wait: it [listens](Session::on_search_files) instead.)
    pub fn search_files(&self) -> Result<Option<SearchFiles>, SearchError> {
        self.indexer.as_ref().map(Indexer::wait).transpose()
    }

    /// Keeps the search index from taking further edits until the guard is dropped (tests).
    #[cfg(test)]
    pub(crate) fn pause_search(&self) -> Option<indexer::Paused> {
        self.indexer.as_ref().map(Indexer::pause)
    }

    /// Calls `listener` with each new search index of this session (and at once with the
    /// current one if it is ready); see [`Indexer::listen`].
    pub fn on_search_files(&self, listener: Listener) {
        if let Some(indexer) = &self.indexer {
            indexer.listen(listener);
        }
    }
}

/// Phase timings, printed with `--verbose` (for profiling builds), and told to `progress`.
struct Phases<'a> {
    on: bool,
    last: std::time::Instant,
    progress: &'a dyn Progress,
}

impl Phases<'_> {
    fn new(on: bool, progress: &dyn Progress) -> Phases<'_> {
        Phases { on, last: std::time::Instant::now(), progress }
    }

    fn done(&mut self, phase: &str) {
        self.progress.done(phase);
        if self.on {
            eprintln!("  {phase:<16} {:>8.1} ms", self.last.elapsed().as_secs_f64() * 1e3);
        }
        self.last = std::time::Instant::now();
    }
}

fn site_view(config: &Config, body_end_html: &str) -> SiteView {
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_path: config.base_path.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        search: config.search,
        body_end_html: body_end_html.to_string(),
    }
}

/// Every page's template and the variables it sees (for the docs reference test).
#[cfg(test)]
pub(crate) fn template_variables(config: &Config) -> Vec<(&'static str, serde_json::Value)> {
    let diagnostics = Diagnostics::default();
    let content = content::load(config, &diagnostics);
    let index = Index::new(config, &content);
    let rendered = render_markdown(&index, None, Select::All, &diagnostics);
    let assembler = Assembler::new(&index, &rendered, site_view(config, ""));
    assembler.jobs().iter().filter_map(|job| assembler.view(job)).map(|view| view.variables()).collect()
}

/// Checks that need no content: the highlight theme exists, the templates load.
fn load_checks(config: &Config, diagnostics: &Diagnostics) -> Option<Templates> {
    if highlight::stylesheet(&config.highlight_theme).is_none() {
        let names = highlight::theme_names();
        diagnostics.push(
            Diagnostic::error(
                crate::load::config::CONFIG_FILE,
                format!("unknown highlight_theme `{}`", config.highlight_theme),
            )
            .help(format!("choose one of: {}", names.join(", "))),
        );
    }
    match Templates::load(config) {
        Ok(t) => Some(t),
        Err(problems) => {
            problems.into_iter().for_each(|d| diagnostics.push(d));
            None
        }
    }
}

/// Renders `jobs` in parallel; returns (output path, HTML) and each job's dependencies.
/// With a `sink`, each page goes there as soon as it is rendered and is not returned,
/// except annotated articles: the annotation export reads their HTML.
fn render_jobs(
    assembler: &Assembler,
    templates: &Templates,
    jobs: &[JobId],
    diagnostics: &Diagnostics,
    sink: Option<&dyn Sink>,
) -> (Vec<(String, String)>, HashMap<JobId, Deps>) {
    struct Done {
        job: JobId,
        deps: Deps,
        output: Option<(String, String)>,
    }
    let annotated: HashSet<&str> = (assembler.index.content.articles.iter().zip(&assembler.rendered.articles))
        .filter(|(_, facts)| !facts.annotations.is_empty())
        .map(|(article, _)| article.slug.as_str())
        .collect();
    let results: Vec<Done> = jobs
        .par_iter()
        .filter_map(|job| {
            let view = assembler.view(job)?;
            let output = match view.render(templates) {
                Ok(html) if view.path == "404.html" => Some((
                    view.path.clone(),
                    urls::absolute_links(&html, &assembler.site.base_path, &assembler.site.base_url),
                )),
                Ok(html) => {
                    Some((view.path.clone(), urls::relative_links(&html, &view.path, &assembler.site.base_path)))
                }
                Err(d) => {
                    diagnostics.push(d);
                    None
                }
            };
            let kept = matches!(job, JobId::Article(slug) if annotated.contains(slug.as_str()));
            let output = match (output, sink) {
                (Some((path, html)), Some(sink)) if !kept => {
                    sink.put(&path, html.as_bytes());
                    None
                }
                (output, _) => output,
            };
            Some(Done { job: job.clone(), deps: assembler.deps(job), output })
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut deps = HashMap::with_capacity(results.len());
    for done in results {
        pages.extend(done.output);
        deps.insert(done.job, done.deps);
    }
    (pages, deps)
}

/// The highlight stylesheet, the theme's static files and `content/static/`.
fn add_static(site: &mut Site, config: &Config, content: &Content, diagnostics: &Diagnostics) {
    if let Some(css) = highlight::stylesheet(&config.highlight_theme) {
        site.add("highlight.css", css);
    }
    let (theme_files, problems) = templates::theme_static_files(config);
    problems.into_iter().for_each(|d| diagnostics.push(d));
    for (name, bytes) in theme_files {
        site.add(name, bytes);
    }
    for file in &content.static_files {
        match crate::load::confine::read(&config.root, &config.root.join("content").join(file)) {
            Ok(bytes) => site.add(file.to_string_lossy().replace('\\', "/"), bytes),
            Err(e) => diagnostics
                .push(Diagnostic::error(Path::new("content").join(file), format!("cannot read static file: {e}"))),
        }
    }
}
