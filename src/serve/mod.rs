//! `dossier serve`: build, serve from memory, watch, rebuild what changed, reload open tabs.
//!
//! Three parts, one thread each: the HTTP server ([`http`]) serves the
//! current [`Site`] from memory, so `public/` is never touched; the watcher
//! ([`watch`]) turns file-system events into batches of changed paths; this
//! module's loop drops saves that changed nothing ([`Unchanged`]), has the
//! build [`Session`] rebuild what the rest need (it decides how much: the
//! rebuild plan lives in `build`), swaps the new site in
//! one step, and only then tells open tabs to reload. A broken edit keeps the
//! last good site and shows the error in the terminal and in the browser.
//!
//! The loop is a small state machine with one queue. Its states are the
//! [`Rebuilder`]'s session: `Some` (serving a good build, edits are applied to
//! it) or `None` (the last rebuild failed: the next change rebuilds
//! everything). Its queue is the watcher's channel: events that arrive while
//! a rebuild runs wait there and are gathered into the next batch, never
//! dropped, and a batch is handed over only once the files written to are
//! closed ([`watch`]), so a rebuild never reads a half-written file. A
//! rebuild that read a file mid-storm is followed by the batch that saw it
//! change again, so the site always settles on what is on disk
//! (`tests/serve_storm.rs` compares every served file with a fresh build).
//!
//! The search index follows on a thread of its own (see `build::Indexer`): its
//! files are a layer of the live site of their own, swapped in when ready (the
//! newest index wins), so an edit never waits for it. Rebuilds render in a
//! thread pool of their own; rayon's global pool, which Pagefind uses, runs
//! at a lower priority, as does the indexing thread.

mod http;
mod watch;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use crate::build::{Applied, SearchFiles, Session, Unchanged, UpdateError, lower_priority};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::config::{Config, Overrides};
use crate::output::site::Site;

/// How `serve` was asked to run.
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    /// Neither read nor write `.dossier-cache/`.
    pub no_cache: bool,
    pub quiet: bool,
    /// Print each rebuild's phase timings.
    pub verbose: bool,
}

/// What open tabs are told.
#[derive(Clone, Debug)]
pub enum Notice {
    /// Pages changed: a tab showing one of them (or any page, when `None`: a full rebuild)
    /// fetches it again and patches itself in place; the others stay as they are.
    Update { version: u64, pages: Option<Arc<[String]>> },
    /// Scripts or other static files changed: reload.
    Reload(u64),
    /// Only stylesheets changed: swap them.
    Css(u64),
    /// The last edit is broken: show this over the page.
    Error(String),
}

/// What a rebuild did, to say so in the terminal.
enum Done {
    /// Pages re-rendered.
    Pages(usize),
    /// Files of a full rebuild.
    Full(usize),
}

/// What a rebuild changed, to tell tabs.
enum Change {
    /// These output files (`None`: any page).
    Pages(Option<Vec<String>>),
    Static {
        css: bool,
    },
}

/// The address a tab shows output file `path` at: `articles/x/index.html` → `/articles/x/`.
fn page_url(path: &str) -> String {
    format!("/{}", path.strip_suffix("index.html").unwrap_or(path))
}

/// What the server serves, swapped in one step after each successful rebuild.
pub struct Live {
    pub site: Arc<Site>,
    /// The search index's files (`pagefind/`), swapped in when the index catches up.
    pub search: Arc<Site>,
    /// The last batch `search` holds ([`SearchFiles::batch`]): an older index never replaces it.
    pub search_batch: u64,
    pub version: u64,
    pub error: Option<String>,
}

impl Live {
    /// The file served at `path`: the search index's under `pagefind/`, else the site's.
    pub fn file(&self, path: &str) -> Option<&Arc<[u8]>> {
        if path.starts_with(crate::output::search::FOLDER) {
            self.search.files.get(path)
        } else {
            self.site.files.get(path)
        }
    }

    /// Takes `files` if they are newer than the index served now; says whether it did.
    fn offer_search(&mut self, files: &SearchFiles) -> bool {
        let newer = files.batch > self.search_batch;
        if newer {
            self.search = files.site.clone();
            self.search_batch = files.batch;
        }
        newer
    }
}

/// The script served pages get (never `dossier build` output): reload, CSS swap, error overlay.
const LIVE_RELOAD: &str = include_str!("live-reload.html");

pub fn run(options: ServeOptions) -> u8 {
    let address = format!("{}:{}", options.bind, options.port);
    let listener = match std::net::TcpListener::bind((options.bind.as_str(), options.port)) {
        Ok(l) => l,
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            eprintln!(
                "error: port {} on {} is already in use\n  = help: stop the other server, or pick another port: `dossier serve --port {}`",
                options.port,
                options.bind,
                options.port.wrapping_add(1)
            );
            return 2;
        }
        Err(e) => {
            eprintln!("error: cannot listen on {address}: {e}");
            return 2;
        }
    };
    let base_url = match listener.local_addr() {
        Ok(address) => http::address_url(address),
        Err(_) => format!("http://{address}/"),
    };
    let overrides = Overrides {
        base_url: Some(base_url.clone()),
        drafts: options.drafts,
        timings: options.verbose,
        no_cache: options.no_cache,
    };
    let (notices, _) = broadcast::channel::<Notice>(64);
    // Versions start from the clock, so a tab reconnecting to a restarted server reloads.
    let first_version =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
    let live = Arc::new(RwLock::new(Live {
        site: Arc::new(Site::default()),
        search: Arc::new(Site::default()),
        search_batch: 0,
        version: first_version,
        error: None,
    }));
    let mut state = Rebuilder {
        options: &options,
        overrides,
        session: None,
        live: live.clone(),
        notices: notices.clone(),
        unchanged: Unchanged::default(),
    };
    let mut watcher = match watch::Watcher::start(&options.root) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch `{}`: {e}", options.root.display());
            return 2;
        }
    };
    let rebuilds = match rebuild_pool() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: cannot start the rebuild threads: {e}");
            return 2;
        }
    };
    let started = Instant::now();
    rebuilds.install(|| state.full_rebuild());
    if !options.quiet {
        let pages = live.read().map(|l| l.site.files.len()).unwrap_or(0);
        eprintln!("Built {pages} files in {} ms", started.elapsed().as_millis());
    }
    let stop = Arc::new(AtomicBool::new(false));
    let server = match http::start(listener, live.clone(), notices.clone(), stop.clone()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot start the web server: {e}");
            return 2;
        }
    };
    eprintln!("Serving on {base_url} (Ctrl-C to stop)");
    if options.open
        && let Err(e) = opener::open_browser(&base_url)
    {
        eprintln!("warning: could not open a browser ({e}); open {base_url} yourself");
    }
    while !stop.load(Ordering::SeqCst) {
        let Some(batch) = watcher.next_batch(Duration::from_millis(200)) else {
            continue;
        };
        rebuilds.install(|| state.apply(batch));
    }
    drop(server);
    eprintln!("Stopped.");
    0
}

/// The state the rebuild loop keeps between batches.
struct Rebuilder<'a> {
    options: &'a ServeOptions,
    overrides: Overrides,
    /// `None` after a failed rebuild: the next change rebuilds everything.
    session: Option<Session>,
    live: Arc<RwLock<Live>>,
    notices: broadcast::Sender<Notice>,
    /// Files seen changing, to skip saves that changed nothing.
    unchanged: Unchanged,
}

impl Rebuilder<'_> {
    fn apply(&mut self, batch: watch::Batch) {
        let started = Instant::now();
        let paths = self.unchanged.filter(&self.options.root, batch.paths);
        if paths.is_empty() && !batch.structural {
            return;
        }
        let outcome = match self.session {
            Some(_) => self.update(&paths, batch.structural),
            None => self.full_rebuild(),
        };
        if !self.options.quiet
            && let Some(done) = outcome
        {
            let what = match done {
                Done::Pages(n) => format!("{n} page(s) re-rendered"),
                Done::Full(n) => format!("full rebuild, {n} files"),
            };
            eprintln!("Rebuilt in {:.1} ms ({what})", started.elapsed().as_secs_f64() * 1e3);
        }
    }

    fn full_rebuild(&mut self) -> Option<Done> {
        let diagnostics = Diagnostics::default();
        let config = match Config::load(&self.options.root, &self.overrides) {
            Ok(c) => c,
            Err(d) => {
                diagnostics.push(d);
                return self.failed(&diagnostics);
            }
        };
        let first = self.live.read().unwrap_or_else(|p| p.into_inner()).site.files.is_empty();
        match Session::start(config, &diagnostics) {
            Some(session) => {
                // The first build is searchable when serving starts; later ones catch up.
                if first {
                    match session.search_files() {
                        Ok(Some(files)) => {
                            _ = self.live.write().unwrap_or_else(|p| p.into_inner()).offer_search(&files)
                        }
                        Ok(None) => {}
                        Err(e) => {
                            diagnostics.push(Diagnostic::error(
                                crate::load::config::CONFIG_FILE,
                                format!("search index: {e}"),
                            ));
                            return self.failed(&diagnostics);
                        }
                    }
                }
                let files = session.site.files.len();
                self.publish(session.site.clone(), Change::Pages(None));
                session.on_search_files(self.search_listener());
                self.session = Some(session);
                self.report_warnings(&diagnostics);
                Some(Done::Full(files))
            }
            None => self.failed(&diagnostics),
        }
    }

    /// Swaps each new search index into the live site, unless a newer one is there already.
    fn search_listener(&self) -> crate::build::Listener {
        let live = self.live.clone();
        let quiet = self.options.quiet;
        Box::new(move |outcome| match outcome {
            Ok(files) => {
                let taken = live.write().unwrap_or_else(|p| p.into_inner()).offer_search(files);
                if taken && !quiet {
                    eprintln!("Search index updated {:.1} ms after the edit", files.took.as_secs_f64() * 1e3);
                }
            }
            Err(e) => eprintln!("error: the search index could not be updated: {e}; the next edit rebuilds everything"),
        })
    }

    /// Rebuilds what the session's plan says `paths` need; a full build when only that will do.
    fn update(&mut self, paths: &[PathBuf], structural: bool) -> Option<Done> {
        let diagnostics = Diagnostics::default();
        let session = self.session.as_mut()?;
        // The pages are served as soon as they are ready; the exports follow (swapped in
        // quietly: no tab shows them), and the search index on its own thread.
        let (live, notices) = (&self.live, &self.notices);
        let mut serve_pages = |site: &Arc<Site>, changed: &[String]| {
            publish(live, notices, site.clone(), Change::Pages(Some(changed.to_vec())))
        };
        match session.apply(paths, structural, &diagnostics, &mut serve_pages) {
            Ok(Applied::Pages(changed)) => {
                let previous = {
                    let mut live = self.live.write().unwrap_or_else(|p| p.into_inner());
                    std::mem::replace(&mut live.site, session.site.clone())
                };
                drop(previous);
                Some(Done::Pages(changed.len()))
            }
            Ok(Applied::Static { css }) => {
                let site = session.site.clone();
                self.publish(site, Change::Static { css });
                Some(Done::Pages(0))
            }
            Err(UpdateError::NeedsFullBuild) => self.full_rebuild(),
            Err(UpdateError::Broken) => self.failed(&diagnostics),
        }
    }

    /// Swaps the new site in, then tells tabs what changed.
    fn publish(&self, site: Arc<Site>, change: Change) {
        publish(&self.live, &self.notices, site, change);
    }

    fn failed(&mut self, diagnostics: &Diagnostics) -> Option<Done> {
        let all = diagnostics.snapshot();
        let errors: Vec<&Diagnostic> = all.iter().filter(|d| d.severity == Severity::Error).collect();
        let color = std::io::IsTerminal::is_terminal(&std::io::stderr());
        let mut text = String::new();
        for d in &errors {
            eprint!("{}", d.render(color));
            text.push_str(&d.render(false));
            text.push('\n');
        }
        eprintln!("error: rebuild failed with {} error(s); still serving the last good site", errors.len());
        self.live.write().unwrap_or_else(|p| p.into_inner()).error = Some(text.clone());
        let _ = self.notices.send(Notice::Error(text));
        self.session = None;
        None
    }

    fn report_warnings(&self, diagnostics: &Diagnostics) {
        if self.options.quiet {
            return;
        }
        for d in diagnostics.snapshot() {
            eprint!("{}", d.render(std::io::IsTerminal::is_terminal(&std::io::stderr())));
        }
    }
}

/// Swaps the new site in, then tells tabs what changed.
fn publish(live: &RwLock<Live>, notices: &broadcast::Sender<Notice>, site: Arc<Site>, change: Change) {
    let (version, previous) = {
        let mut live = live.write().unwrap_or_else(|p| p.into_inner());
        let previous = std::mem::replace(&mut live.site, site);
        live.version += 1;
        live.error = None;
        (live.version, previous)
    };
    let notice = match change {
        Change::Pages(pages) => {
            let pages = pages.map(|paths| paths.iter().map(|p| page_url(p)).collect());
            Notice::Update { version, pages }
        }
        Change::Static { css: true } => Notice::Css(version),
        Change::Static { css: false } => Notice::Reload(version),
    };
    let _ = notices.send(notice);
    // Freeing the previous site (10,000 paths) waits until tabs have been told.
    drop(previous);
}

/// The threads rebuilds render on, at normal priority; rayon's global pool, which Pagefind
/// uses for the search index, gets threads at a lower one (see `build::lower_priority`).
fn rebuild_pool() -> Result<rayon::ThreadPool, rayon::ThreadPoolBuildError> {
    let _ = rayon::ThreadPoolBuilder::new()
        .thread_name(|i| format!("background-{i}"))
        .spawn_handler(|thread| {
            let mut builder = std::thread::Builder::new();
            if let Some(name) = thread.name() {
                builder = builder.name(name.to_string());
            }
            builder.spawn(move || {
                lower_priority();
                thread.run();
            })?;
            Ok(())
        })
        .build_global();
    rayon::ThreadPoolBuilder::new().thread_name(|i| format!("rebuild-{i}")).build()
}
