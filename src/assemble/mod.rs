//! Assembling the views templates see, one output page at a time.
//!
//! Every output page has a stable [`JobId`]. For each job the [`Assembler`]
//! can build its view and say which pages it depends on ([`Assembler::deps`]):
//! a full build renders every job; `serve` re-renders only the jobs whose
//! dependencies changed. Backlinks (citations, mentions, figure uses) are
//! gathered once, after all Markdown has rendered: in [`Assembler::new`], or
//! when a view first needs them ([`Assembler::deferred`], for `serve`'s
//! rebuilds, most of which render no page that shows backlinks).

mod articles;
mod backlinks;
mod changes;
mod figures;
mod landing;
mod lists;
pub use lists::List;
mod sources;

use std::collections::HashSet;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::model::{Content, FrontMatter, PageId};
use crate::output::site::RenderedPages;
use crate::output::templates::Templates;
use crate::output::views::*;
use crate::resolve::xref::Index;
use backlinks::Backlinks;

/// One output page, named stably across rebuilds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobId {
    Index,
    /// Page `n` of a list, from 1 (`sources/`, then `sources/page/2/`, …).
    List(List, usize),
    Timeline,
    Search,
    NotFound,
    /// The page of an article, a source or a figure.
    Page(PageId),
    /// An article's changes page, beside its own.
    Changes(PageId),
}

impl JobId {
    /// The output file the job writes: pretty URLs (`sources/x/index.html`), and `404.html`.
    pub fn path(&self) -> String {
        let folder = match self {
            JobId::Index => String::new(),
            JobId::List(list, n) => list.page_folder(*n),
            JobId::Timeline => "timeline/".into(),
            JobId::Search => "search/".into(),
            JobId::NotFound => return "404.html".into(),
            JobId::Page(id) => id.url_path(),
            JobId::Changes(id) => format!("{}changes/", id.url_path()),
        };
        format!("{folder}index.html")
    }

    /// A page of a paginated list: their number follows the number of entries.
    pub fn is_list(&self) -> bool {
        matches!(self, JobId::List(..))
    }

    /// Does the page inline the theme's stylesheet? (The 404 page does: a host serves it
    /// at any depth, where a relative link to the stylesheet would break.)
    pub fn inlines_theme_css(&self) -> bool {
        matches!(self, JobId::NotFound)
    }
}

/// The pages an output page shows something of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deps {
    /// Lists and the landing page: any change may alter them.
    Everything,
    /// These pages.
    Pages(HashSet<PageId>),
}

/// One output page: its file, its template, and the view that template sees.
pub struct PageJob {
    /// The output file: pretty URLs (`sources/x/index.html`), and `404.html`.
    pub path: String,
    template: &'static str,
    context: Result<tera::Context, String>,
    /// The same variables as JSON, for the docs reference test.
    #[cfg(test)]
    json: serde_json::Value,
}

impl PageJob {
    fn new<V: serde::Serialize>(template: &'static str, path: String, view: &V) -> PageJob {
        PageJob {
            path,
            template,
            context: tera::Context::from_serialize(view).map_err(|e| e.to_string()),
            #[cfg(test)]
            json: serde_json::to_value(view).unwrap_or_default(),
        }
    }

    /// Adds `permalink`, the page's absolute address from `base_url` (empty
    /// for `404.html`, which has no address of its own).
    fn with_permalink(mut self, base_url: &str) -> PageJob {
        let permalink = match self.path.strip_suffix("index.html") {
            Some(folder) => format!("{base_url}{folder}"),
            None => String::new(),
        };
        if let Ok(context) = &mut self.context {
            context.insert("permalink", &permalink);
        }
        #[cfg(test)]
        if let Some(map) = self.json.as_object_mut() {
            map.insert("permalink".into(), permalink.into());
        }
        self
    }

    /// The template and the variables it sees, as JSON (for the docs reference test).
    #[cfg(test)]
    pub fn variables(&self) -> (&'static str, serde_json::Value) {
        (self.template, self.json.clone())
    }

    pub fn render(&self, templates: &Templates) -> Result<String, Diagnostic> {
        match &self.context {
            Ok(context) => templates.render_context(self.template, context),
            Err(e) => Err(Diagnostic::error(self.template, e.clone())),
        }
    }
}

/// Builds view structs from the content, the index and the rendered facts.
pub struct Assembler<'a> {
    pub index: &'a Index<'a>,
    pub rendered: &'a RenderedPages,
    pub site: SiteView,
    backlinks: OnceLock<Backlinks<'a>>,
    annotations: Vec<AnnotationView>,
    /// Annotations citing a source, by the source's URL.
    annotations_citing: FxHashMap<String, Vec<AnnotationView>>,
    /// Each page's place in its list of the content (`content.sources[i]`).
    positions: FxHashMap<&'a PageId, usize>,
    /// The sources and annotations lists, made once for all their pages (and the landing
    /// page) when the first of them renders.
    source_groups: OnceLock<Vec<SourceGroupView>>,
    annotation_groups: OnceLock<Vec<AnnotationGroupView>>,
    /// Articles by slug, and the versions of each article (indices, in content order), so
    /// that finding an article's versions does not scan every article.
    article_slugs: FxHashMap<&'a str, usize>,
    versions_of: FxHashMap<&'a str, Vec<usize>>,
}

impl<'a> Assembler<'a> {
    pub fn new(index: &'a Index<'a>, rendered: &'a RenderedPages, site: SiteView) -> Assembler<'a> {
        let assembler = Assembler::deferred(index, rendered, site);
        assembler.backlinks();
        assembler
    }

    /// An assembler that gathers the backlinks only when a view or [`Assembler::deps`] first
    /// needs them: gathering reads every page's facts (7 ms at 10,000 pages), and most of
    /// `serve`'s rebuilds (an article edited) render no page that shows backlinks.
    pub fn deferred(index: &'a Index<'a>, rendered: &'a RenderedPages, site: SiteView) -> Assembler<'a> {
        let content = index.content;
        let positions = (content.articles.iter().enumerate().map(|(i, p)| (&p.id, i)))
            .chain(content.sources.iter().enumerate().map(|(i, p)| (&p.id, i)))
            .chain(content.figures.iter().enumerate().map(|(i, p)| (&p.id, i)))
            .collect();
        let mut assembler = Assembler {
            index,
            rendered,
            site,
            backlinks: OnceLock::new(),
            annotations: Vec::new(),
            annotations_citing: FxHashMap::default(),
            positions,
            source_groups: OnceLock::new(),
            annotation_groups: OnceLock::new(),
            article_slugs: content.articles.iter().enumerate().map(|(i, a)| (a.slug(), i)).collect(),
            versions_of: FxHashMap::default(),
        };
        for (i, a) in content.articles.iter().enumerate() {
            assembler.versions_of.entry(a.article_key()).or_default().push(i);
        }
        assembler.annotations = (0..content.articles.len()).flat_map(|i| assembler.annotation_views(i)).collect();
        for a in &assembler.annotations {
            for s in &a.sources {
                assembler.annotations_citing.entry(s.url.clone()).or_default().push(a.clone());
            }
        }
        assembler
    }

    /// Every output page of the site.
    pub fn jobs(&self) -> Vec<JobId> {
        let c = self.content();
        let mut jobs = vec![JobId::Index, JobId::Timeline, JobId::NotFound];
        if self.site.search {
            jobs.push(JobId::Search);
        }
        jobs.extend(self.list_jobs());
        for article in &c.articles {
            jobs.push(JobId::Page(article.id.clone()));
            if self.predecessor(article).is_some() {
                jobs.push(JobId::Changes(article.id.clone()));
            }
        }
        jobs.extend(c.sources.iter().map(|s| JobId::Page(s.id.clone())));
        jobs.extend(c.figures.iter().map(|f| JobId::Page(f.id.clone())));
        jobs
    }

    /// The page's place in its list of the content (`None` if it no longer exists).
    fn position(&self, id: &PageId) -> Option<usize> {
        self.positions.get(id).copied()
    }

    /// The view of one job; `None` if its page no longer exists.
    pub fn view(&self, job: &JobId) -> Option<PageJob> {
        let site = || self.site.clone();
        let config = self.index.config;
        let path = job.path();
        let simple = |title: &str, url: &str| SimpleView { site: site(), title: title.into(), url: config.url(url) };
        Some(
            match job {
                JobId::Index => PageJob::new("index.html", path, &self.index_view()),
                JobId::List(list, n) => self.list_view(*list, *n)?,
                JobId::Timeline => PageJob::new(
                    "timeline.html",
                    path,
                    &TimelineView {
                        site: site(),
                        title: "Timeline".into(),
                        url: config.url("timeline/"),
                        events: self.events(None),
                    },
                ),
                JobId::Search => PageJob::new("search.html", path, &simple("Search", "search/")),
                JobId::NotFound => PageJob::new(
                    "404.html",
                    path,
                    &NotFoundView {
                        site: site(),
                        title: "Page not found".into(),
                        url: config.url("404.html"),
                        stylesheet_css: theme_stylesheet(config),
                    },
                ),
                JobId::Page(id) => {
                    let i = self.position(id)?;
                    match id {
                        PageId::Article(_) => PageJob::new("article.html", path, &self.article_view(i)),
                        PageId::Source(_) => PageJob::new("source.html", path, &self.source_view(i)),
                        PageId::Figure(_) => PageJob::new("figure.html", path, &self.figure_view(i)),
                        PageId::Landing => return None,
                    }
                }
                JobId::Changes(id) => {
                    let i = self.position(id)?;
                    let from = self.predecessor(&self.content().articles[i])?;
                    PageJob::new(
                        "changes.html",
                        path,
                        &changes::view(changes::Versions {
                            index: self.index,
                            rendered: self.rendered,
                            site: &self.site,
                            new: i,
                            old: from,
                            old_notes: self.annotation_views(from),
                            new_notes: self.annotation_views(i),
                        }),
                    )
                }
            }
            .with_permalink(&self.site.base_url),
        )
    }

    /// The pages whose change would change this job's output.
    pub fn deps(&self, job: &JobId) -> Deps {
        let c = self.content();
        let mut pages = HashSet::new();
        match job {
            JobId::Search | JobId::NotFound => {}
            JobId::Index | JobId::List(..) | JobId::Timeline => {
                return Deps::Everything;
            }
            JobId::Page(id @ PageId::Article(_)) | JobId::Changes(id) => {
                let Some(i) = self.position(id) else {
                    return Deps::Everything;
                };
                let article = &c.articles[i];
                pages.insert(article.id.clone());
                self.article_deps(i, &mut pages);
                if let Some(p) = self.predecessor(article) {
                    pages.insert(c.articles[p].id.clone());
                    self.article_deps(p, &mut pages);
                }
                for other in self.versions_of_article(article) {
                    pages.insert(c.articles[other].id.clone());
                }
            }
            JobId::Page(id @ PageId::Source(slug)) => {
                if let Some(source) = self.index.source(slug) {
                    pages.extend(source.meta.references());
                }
                let b = self.backlinks();
                pages.extend(b.members.get(slug.as_str()).into_iter().flatten().map(|&i| c.sources[i].id.clone()));
                let figures = b.claims.get(slug.as_str()).into_iter().chain(b.figure_cites.get(slug.as_str()));
                pages.extend(figures.flatten().map(|&i| c.figures[i].id.clone()));
                pages
                    .extend(b.annotated_in.get(slug.as_str()).into_iter().flatten().map(|&i| c.articles[i].id.clone()));
                pages.extend(self.articles_using(id).into_iter().map(|i| c.articles[i].id.clone()));
                pages.insert(id.clone());
            }
            JobId::Page(id @ PageId::Figure(slug)) => {
                if let Some(figure) = self.index.figure(slug) {
                    pages.extend(figure.meta.references());
                }
                pages.extend(self.articles_using(id).into_iter().map(|i| c.articles[i].id.clone()));
                pages.insert(id.clone());
            }
            JobId::Page(PageId::Landing) => return Deps::Everything,
        }
        Deps::Pages(pages)
    }

    fn content(&self) -> &'a Content {
        self.index.content
    }

    fn link(&self, id: &PageId, title: &str) -> LinkView {
        LinkView { title: title.to_string(), url: self.index.page_url(id) }
    }

    fn source_link(&self, slug: &str) -> LinkView {
        LinkView { title: self.index.source_name(slug), url: self.index.source_url(slug) }
    }
}

/// The theme's `style.css` (the project's theme folder first, then the built-in one).
/// Problems reading the theme folder are reported when its files are added to the site.
fn theme_stylesheet(config: &crate::load::config::Config) -> String {
    crate::output::templates::theme_static_files(config)
        .0
        .into_iter()
        .find(|(name, _)| name == "style.css")
        .map(|(_, bytes)| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}
