//! Command-line arguments, kept apart from the settings resolved from them.
//!
//! Each command is a short function that resolves a [`Config`] and calls
//! into the library; the exit status comes back as a number (0 success,
//! 1 content or template errors, 2 usage or I/O errors) for `main` to use.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::build;
use crate::commands::{links, scaffold};
use crate::diagnostics::{Diagnostic, Diagnostics, Severity};
use crate::load::config::{CONFIG_FILE, Config, Overrides};
use crate::output::disk;
use crate::serve;
use crate::terminal::{ProgressLine, SCREEN_LINES, summary};

#[derive(Debug, Parser)]
#[command(name = "dossier", version, about = "Build annotated dossiers into cross-linked static websites")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The project folder (holding dossier.yaml and content/); default: the
    /// nearest folder upwards from here that holds a dossier.yaml
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// Print only errors
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Print every warning, every page written and each phase's timing
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build the site into the output folder (atomically)
    Build(BuildArgs),
    /// Validate everything a build would, writing nothing
    Check(CheckArgs),
    /// Build, serve on http://127.0.0.1:1111/, rebuild on change and reload open tabs
    Serve(ServeArgs),
    /// Import W3C Web Annotations (JSON-LD from Hypothesis, Apache Annotator
    /// or dossier) into an article's front matter
    Import {
        what: ImportKind,
        /// The JSON-LD file
        file: PathBuf,
        /// The article: its file name in content/articles/ without `.md`
        #[arg(long)]
        article: String,
        /// Write the annotations that anchor even if others do not
        #[arg(long)]
        partial: bool,
        /// The kind of annotations whose tags (Hypothesis), `dossier:kind` and
        /// motivation name none
        #[arg(long, value_enum, default_value = "context")]
        kind: KindArg,
    },
    /// Create a small, complete dossier to start from (in DIR, default: here)
    Init {
        /// The folder to create it in; it must be new or empty
        dir: Option<PathBuf>,
        /// Add the starter files to a non-empty folder (existing files are kept)
        #[arg(long)]
        force: bool,
    },
    /// Scaffold a new source, figure or article with every field commented,
    /// or a new version of an article (`new version ARTICLE`)
    New {
        kind: NewKind,
        /// The new page's id, a lower-case slug such as `phil-robertson`;
        /// for `version`, the existing article's file name without `.md`
        id: String,
    },
}

#[derive(Debug, Clone, Args)]
struct SiteArgs {
    /// Override `base_url` from dossier.yaml (e.g. https://example.org/sub/)
    #[arg(long)]
    base_url: Option<String>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The output folder; a relative path is read from the project folder
    #[arg(long, short, default_value = "public")]
    output: PathBuf,
    /// Replace a non-empty output folder that dossier did not create
    #[arg(long)]
    force: bool,
    /// Neither read nor write the cache in `.dossier-cache/` (the same site, built from scratch)
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// Exit 1 on warnings too
    #[arg(long)]
    deny_warnings: bool,
    /// Also check every external address (sources' `url`, links in texts and
    /// notes) on the web: dead and redirected ones are reported
    #[arg(long)]
    links: bool,
    /// With `--links`: seconds one address may take to answer
    #[arg(long, value_name = "SECONDS", default_value_t = 20, requires = "links")]
    links_timeout: u64,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Port to listen on
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Open the site in a browser
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Neither read nor write the cache in `.dossier-cache/` (the same site, built from scratch)
    #[arg(long)]
    no_cache: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImportKind {
    Annotations,
}

/// An annotation kind on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum KindArg {
    Correction,
    Context,
    Verification,
    Translation,
    Disputed,
}

impl KindArg {
    fn kind(self) -> crate::model::AnnotationKind {
        use crate::model::AnnotationKind;
        match self {
            KindArg::Correction => AnnotationKind::Correction,
            KindArg::Context => AnnotationKind::Context,
            KindArg::Verification => AnnotationKind::Verification,
            KindArg::Translation => AnnotationKind::Translation,
            KindArg::Disputed => AnnotationKind::Disputed,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum NewKind {
    Source,
    Figure,
    Article,
    Version,
}

/// Runs the command; returns the process exit status.
pub fn run(cli: Cli) -> u8 {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let printer = Printer { quiet: cli.quiet, verbose: cli.verbose, color };
    if let Command::Init { dir, force } = &cli.command {
        return run_init(dir.as_deref().or(cli.root.as_deref()).unwrap_or(Path::new(".")), *force, &printer);
    }
    let root = match project_root(cli.root.as_deref()) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let cli = Resolved { root, verbose: cli.verbose, command: cli.command };
    match &cli.command {
        Command::Build(args) => run_build(&cli, args, &printer),
        Command::Check(args) => run_check(&cli, args, &printer),
        Command::Serve(args) => serve::run(serve::ServeOptions {
            root: cli.root.clone(),
            bind: args.bind.clone(),
            port: args.port,
            open: args.open,
            drafts: args.drafts,
            no_cache: args.no_cache,
            quiet: printer.quiet,
            verbose: cli.verbose,
        }),
        Command::Init { .. } => unreachable!("handled before the project is looked for"),
        Command::Import { what: ImportKind::Annotations, file, article, partial, kind } => {
            run_import(&cli, file, article, *partial, kind.kind(), &printer)
        }
        Command::New { kind, id } => {
            let created = match kind {
                NewKind::Source => scaffold::create(&cli.root, scaffold::Kind::Source, id),
                NewKind::Figure => scaffold::create(&cli.root, scaffold::Kind::Figure, id),
                NewKind::Article => scaffold::create(&cli.root, scaffold::Kind::Article, id),
                NewKind::Version => scaffold::new_version(&cli.root, id),
            };
            match created {
                Ok(path) => {
                    printer.info(&format!("created {}", shown(&path)));
                    0
                }
                Err(d) => {
                    printer.diagnostic(&d);
                    d.class.exit_code()
                }
            }
        }
    }
}

fn run_import(
    cli: &Resolved,
    file: &Path,
    article: &str,
    partial: bool,
    kind: crate::model::AnnotationKind,
    printer: &Printer,
) -> u8 {
    let done = match crate::commands::import::annotations(&cli.root, file, article, partial, kind) {
        Ok(done) => done,
        Err(d) => {
            printer.diagnostic(&d);
            return d.class.exit_code();
        }
    };
    let shown_file = shown(&done.file);
    for (label, why) in &done.failed {
        eprintln!("error: annotation `{label}` does not anchor in {shown_file}: {why}");
    }
    if !done.present.is_empty() {
        printer.info(&format!("{} already in the article (same id): {}", done.present.len(), done.present.join(", ")));
    }
    if done.elsewhere > 0 {
        printer.info(&format!("{} target another article: skipped", done.elsewhere));
    }
    if done.added.is_empty() && !done.failed.is_empty() && !partial {
        eprintln!(
            "error: {} of the annotations do not anchor; nothing was written\n  = help: fix the quotes, or pass `--partial` to import the ones that anchor",
            done.failed.len()
        );
        return 1;
    }
    printer.info(&format!("imported {} annotation(s) into {shown_file}", done.added.len()));
    if done.failed.is_empty() { 0 } else { 1 }
}

fn run_init(dir: &Path, force: bool, printer: &Printer) -> u8 {
    let dir = std::env::current_dir().map_or_else(|_| dir.to_path_buf(), |cwd| cwd.join(dir));
    let dir = dir.as_path();
    match scaffold::init(dir, force) {
        Ok(done) => {
            for path in &done.kept {
                printer.info(&format!("kept {} (it already existed)", shown(path)));
            }
            printer.info(&format!(
                "Created a dossier in {} ({} files). Next:\n  cd {}\n  dossier serve      # preview at http://127.0.0.1:1111/, rebuilt as you edit\n  dossier build      # the site, in public/\nThe format is explained in the files' comments and in docs/ of dossier's repository.",
                shown(dir),
                done.written.len(),
                shown(dir)
            ));
            0
        }
        Err(d) => {
            printer.diagnostic(&d);
            2
        }
    }
}

/// The command line with the project folder resolved once, to an absolute
/// canonical path: every path compared later (watcher events, page files,
/// the output folder) is spelled the same way whatever the user typed.
struct Resolved {
    root: PathBuf,
    verbose: bool,
    command: Command,
}

/// The project folder: `--root` if given, else the nearest folder from the
/// current one upwards that holds `dossier.yaml` (as cargo finds
/// `Cargo.toml`), else the current folder.
fn project_root(given: Option<&Path>) -> Result<PathBuf, String> {
    let start = match given {
        Some(path) => path.to_path_buf(),
        None => std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?,
    };
    let root =
        start.canonicalize().map_err(|e| format!("cannot open the project folder `{}`: {e}", start.display()))?;
    if given.is_some() {
        return Ok(root);
    }
    Ok(root.ancestors().find(|dir| dir.join(CONFIG_FILE).is_file()).map_or(root.clone(), Path::to_path_buf))
}

/// A path as the user would type it: relative to the current folder when under it.
fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()) {
        Some(rel) if rel.as_os_str().is_empty() => ".".into(),
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}

struct Printer {
    quiet: bool,
    /// List every warning, even past a screenful.
    verbose: bool,
    color: bool,
}

impl Printer {
    fn diagnostic(&self, d: &Diagnostic) {
        if !(self.quiet && d.severity == Severity::Warning) {
            eprint!("{}", d.render(self.color));
        }
    }

    fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// The progress line of a build or check, shown on a terminal unless `--quiet` (or
    /// `--verbose`, which prints each phase's time instead).
    fn progress(&self) -> ProgressLine {
        ProgressLine::start(std::io::stderr().is_terminal() && !self.quiet && !self.verbose)
    }

    /// Prints every error and the warnings: all of them if `all` or `--verbose`, else all
    /// that fit on a screen, else a summary by kind; returns (errors, warnings).
    fn report(&self, diagnostics: &Diagnostics, all: bool) -> (usize, usize) {
        let found = diagnostics.snapshot();
        let errors = found.iter().filter(|d| d.severity == Severity::Error).count();
        let warnings: Vec<&Diagnostic> = found.iter().filter(|d| d.severity == Severity::Warning).collect();
        let mut out = String::new();
        for d in found.iter().filter(|d| d.severity == Severity::Error) {
            out.push_str(&d.render(self.color));
            out.push('\n');
        }
        if !self.quiet {
            let rendered: Vec<String> = warnings.iter().map(|d| d.render(self.color)).collect();
            let lines: usize = rendered.iter().map(|r| r.lines().count() + 1).sum();
            if all || self.verbose || lines <= SCREEN_LINES {
                for r in rendered {
                    out.push_str(&r);
                    out.push('\n');
                }
            } else {
                out.push_str(&summary(&warnings, self.color));
            }
        }
        // One write: stderr is unbuffered, and thousands of small writes cost more than the build.
        let _ = std::io::stderr().lock().write_all(out.as_bytes());
        (errors, warnings.len())
    }
}

fn load_config(cli: &Resolved, site: &SiteArgs, no_cache: bool, printer: &Printer) -> Result<Config, u8> {
    let overrides = Overrides { base_url: site.base_url.clone(), drafts: site.drafts, timings: cli.verbose, no_cache };
    Config::load(&cli.root, &overrides).map_err(|d| {
        printer.diagnostic(&d);
        d.class.exit_code()
    })
}

fn run_build(cli: &Resolved, args: &BuildArgs, printer: &Printer) -> u8 {
    let started = Instant::now();
    let config = match load_config(cli, &args.site, args.no_cache, printer) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let output_dir = cli.root.join(&args.output);
    if let Err(e) = disk::check_target(&cli.root, &output_dir, args.force) {
        eprintln!("error: {e}");
        return 2;
    }
    let staged = match disk::Staged::begin(&cli.root, &output_dir, args.force) {
        Ok(staged) => staged,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let diagnostics = Diagnostics::default();
    let progress = printer.progress();
    let built = build::build_pages(&config, &diagnostics, &staged, &progress);
    let (errors, warnings) = progress.suspend(|| printer.report(&diagnostics, false));
    let Some((site, search)) = built else {
        progress.finish();
        eprintln!("error: build failed with {errors} error(s); `{}` was left as it was", shown(&output_dir));
        return 1;
    };
    progress.message("writing the pages and the search index");
    // The search index is built while the pages are written, and written after them.
    let late = || {
        let started = std::time::Instant::now();
        let Some(search) = search else { return Ok(crate::output::site::Site::default()) };
        let built = search.join().map_err(|e| format!("the search index could not be built: {e:#}"))?;
        if cli.verbose {
            eprintln!("  {:<16} {:>8.1} ms", "search: wait", started.elapsed().as_secs_f64() * 1e3);
            built.report();
        }
        Ok(crate::output::search::site_files(built.files))
    };
    let written = staged.finish(&site, late);
    progress.finish();
    let written = match written {
        Ok(written) => written,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if cli.verbose {
        for path in &written {
            eprintln!("  wrote {path}");
        }
    }
    let pages = written.iter().filter(|p| p.ends_with(".html")).count();
    printer.info(&format!(
        "Built {pages} pages ({} files{}) into {} in {} ms",
        written.len(),
        if warnings > 0 { format!(", {warnings} warning(s)") } else { String::new() },
        shown(&output_dir),
        started.elapsed().as_millis()
    ));
    0
}

fn run_check(cli: &Resolved, args: &CheckArgs, printer: &Printer) -> u8 {
    let config = match load_config(cli, &args.site, false, printer) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let diagnostics = Diagnostics::default();
    let progress = printer.progress();
    build::check(&config, &diagnostics, &progress);
    progress.finish();
    let links = args.links.then(|| check_links(&config, args, printer, &diagnostics));
    let (errors, warnings) = printer.report(&diagnostics, true);
    if let Some(s) = links {
        printer.info(&format!(
            "links: {} address(es) ({} checked recently, not asked again): {} dead, {} redirected, {} not answered",
            s.addresses, s.from_cache, s.dead, s.redirected, s.unchecked
        ));
    }
    printer.info(&format!("check: {errors} error(s), {warnings} warning(s)"));
    if errors > 0 || (args.deny_warnings && warnings > 0) { 1 } else { 0 }
}

/// `check --links`: the web addresses of the project, checked; problems go to `diagnostics`.
fn check_links(config: &Config, args: &CheckArgs, printer: &Printer, diagnostics: &Diagnostics) -> links::Summary {
    // Loaded again: the build's own load reported its problems already.
    let content = crate::load::content::load(config, &Diagnostics::default());
    let options = links::LinkOptions {
        timeout: std::time::Duration::from_secs(args.links_timeout.max(1)),
        ..links::LinkOptions::default()
    };
    printer.info("checking the project's web addresses…");
    links::check(config, &content, &options, diagnostics)
}
