//! The phases' work, for a whole build and for a rebuild alike: Markdown
//! rendered into the page table (all pages, or those a rebuild selects),
//! output pages rendered from their views, static files read into the site.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use super::progress::Progress;
use crate::assemble::{Assembler, Deps, JobId};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::Config;
#[cfg(test)]
use crate::load::content;
use crate::model::{Content, PageId};
use crate::output::site::{RenderedPages, Sink, Site};
use crate::output::templates::{self, Templates};
use crate::output::urls;
use crate::output::views::SiteView;
use crate::render::highlight;
use crate::render::markdown::{self, RenderOptions, Rendered};
use crate::resolve::xref::Index;
/// Which pages to (re)render.
pub(super) enum Select<'a> {
    All,
    Only(&'a HashSet<PageId>),
}

impl Select<'_> {
    fn wants(&self, id: &PageId) -> bool {
        match self {
            Select::All => true,
            Select::Only(ids) => ids.contains(id),
        }
    }
}

/// Renders the Markdown of the selected pages, keeping the others' from `previous`
/// (all pages when there is no `previous`).
pub(super) fn render_markdown(
    index: &Index,
    previous: Option<RenderedPages>,
    select: Select,
    diagnostics: &Diagnostics,
) -> RenderedPages {
    let content: &Content = index.content;
    let autolink = Some(index.config.autolink);
    let mut previous = previous.unwrap_or_default();
    let mut kept = |id: &PageId| if select.wants(id) { None } else { previous.take(id) };
    let old_articles: Vec<_> = content.articles.iter().map(|p| kept(&p.id)).collect();
    let old_sources: Vec<_> = content.sources.iter().map(|p| kept(&p.id)).collect();
    let old_figures: Vec<_> = content.figures.iter().map(|p| kept(&p.id)).collect();
    let old_index = content.index.as_ref().and_then(|p| kept(&p.id));
    // Articles find source names with one automaton of every name, built on first use by one
    // thread (about a second at 100,000 pages): the sources and figures, which need none,
    // render meanwhile on the other threads.
    let articles = || {
        if old_articles.iter().any(Option::is_none) {
            let _ = index.name_matcher();
        }
        render_each(old_articles, &content.articles, |a| {
            render_page(index, a, &a.meta.annotations, autolink, a.smart_punctuation(), diagnostics)
        })
    };
    let sources =
        || render_each(old_sources, &content.sources, |s| render_page(index, s, &[], None, true, diagnostics));
    let figures =
        || render_each(old_figures, &content.figures, |f| render_page(index, f, &[], None, true, diagnostics));
    let (articles, (sources, figures)) = rayon::join(articles, || rayon::join(sources, figures));
    let mut rendered = RenderedPages::empty();
    for (id, page) in articles.into_iter().chain(sources).chain(figures) {
        rendered.insert(id, page);
    }
    if let Some(page) = &content.index {
        let landing = old_index.unwrap_or_else(|| render_page(index, page, &[], None, true, diagnostics));
        rendered.insert(page.id.clone(), landing);
    }
    rendered
}

/// Each of `pages` with its rendering: kept from `old` where there is one, else rendered
/// by `render` (in parallel).
fn render_each<M: Sync>(
    old: Vec<Option<Rendered>>,
    pages: &[crate::model::Page<M>],
    render: impl Fn(&crate::model::Page<M>) -> Rendered + Sync,
) -> Vec<(PageId, Rendered)> {
    old.into_par_iter().zip(pages).map(|(old, page)| (page.id.clone(), old.unwrap_or_else(|| render(page)))).collect()
}

fn render_page<M>(
    index: &Index,
    page: &crate::model::Page<M>,
    annotations: &[crate::model::Annotation],
    autolink: Option<crate::load::config::Autolink>,
    smart_punctuation: bool,
    diagnostics: &Diagnostics,
) -> Rendered {
    let options = RenderOptions {
        index,
        file: &page.path,
        body: page.body(),
        body_line: page.body_line,
        raw: &page.raw,
        annotations,
        autolink,
        smart_punctuation,
    };
    markdown::render(&options, diagnostics)
}

/// One article rendered with `annotations` (for `dossier import`); problems are dropped.
pub(crate) fn render_article(
    index: &Index,
    article: &crate::model::Article,
    annotations: &[crate::model::Annotation],
) -> Rendered {
    render_page(
        index,
        article,
        annotations,
        Some(index.config.autolink),
        article.smart_punctuation(),
        &Diagnostics::default(),
    )
}

/// Phase timings, printed with `--verbose` (for profiling builds), and told to `progress`.
pub(super) struct Phases<'a> {
    on: bool,
    last: std::time::Instant,
    progress: &'a dyn Progress,
}

impl Phases<'_> {
    pub(super) fn new(on: bool, progress: &dyn Progress) -> Phases<'_> {
        Phases { on, last: std::time::Instant::now(), progress }
    }

    pub(super) fn done(&mut self, phase: &str) {
        self.progress.done(phase);
        if self.on {
            eprintln!("  {phase:<16} {:>8.1} ms", self.last.elapsed().as_secs_f64() * 1e3);
        }
        self.last = std::time::Instant::now();
    }
}

pub(super) fn site_view(config: &Config) -> SiteView {
    SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_path: config.base_path.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        search: config.search,
        body_end_html: String::new(),
    }
}

/// Every page's template and the variables it sees (for the docs reference test).
#[cfg(test)]
pub(crate) fn template_variables(config: &Config) -> Vec<(&'static str, serde_json::Value)> {
    let diagnostics = Diagnostics::default();
    let content = content::load(config, &diagnostics);
    let index = Index::new(config, &content);
    let rendered = render_markdown(&index, None, Select::All, &diagnostics);
    let assembler = Assembler::new(&index, &rendered, site_view(config));
    assembler.jobs().iter().filter_map(|job| assembler.view(job)).map(|view| view.variables()).collect()
}

/// Checks that need no content: the highlight theme exists, the templates load.
pub(super) fn load_checks(config: &Config, diagnostics: &Diagnostics) -> Option<Templates> {
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
/// except annotated articles: the annotation export reads their HTML; and the dependencies
/// are not gathered (only `serve`'s rebuilds need them).
pub(super) fn render_jobs(
    assembler: &Assembler,
    templates: &Templates,
    jobs: &[JobId],
    diagnostics: &Diagnostics,
    sink: Option<&dyn Sink>,
) -> (Vec<(String, String)>, HashMap<JobId, Deps>) {
    struct Done {
        deps: Option<(JobId, Deps)>,
        output: Option<(String, String)>,
    }
    let annotated: HashSet<&PageId> = (assembler.index.content.articles.iter())
        .filter(|article| !assembler.rendered.of(article).annotations.is_empty())
        .map(|article| &article.id)
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
            let kept = matches!(job, JobId::Page(id) if annotated.contains(id));
            let output = match (output, sink) {
                (Some((path, html)), Some(sink)) if !kept => {
                    sink.put(&path, html.as_bytes());
                    None
                }
                (output, _) => output,
            };
            let deps = sink.is_none().then(|| (job.clone(), assembler.deps(job)));
            Some(Done { deps, output })
        })
        .collect();
    let mut pages = Vec::with_capacity(results.len());
    let mut deps = HashMap::with_capacity(results.len());
    for done in results {
        pages.extend(done.output);
        deps.extend(done.deps);
    }
    (pages, deps)
}

/// The highlight stylesheet, the theme's static files and `content/static/`.
pub(super) fn add_static(site: &mut Site, config: &Config, content: &Content, diagnostics: &Diagnostics) {
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
