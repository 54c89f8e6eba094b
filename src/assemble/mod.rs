//! Assembling the views templates see, one output page at a time.
//!
//! Every output page has a stable [`JobId`]. For each job the [`Assembler`]
//! can build its view and say which pages it depends on ([`Assembler::deps`]):
//! a full build renders every job; `serve` re-renders only the jobs whose
//! dependencies changed. Backlinks (citations, mentions, figure uses) are
//! gathered once, after all Markdown has rendered: in [`Assembler::new`], or
//! when a view first needs them ([`Assembler::deferred`], for `serve`'s
//! rebuilds, most of which render no page that shows backlinks).

mod changes;

use std::collections::HashSet;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::diagnostics::Diagnostic;
use crate::model::{AnnotationKind, Article, Content, Event, SourceKind};
use crate::output::exports;
use crate::output::site::RenderedPages;
use crate::output::templates::Templates;
use crate::output::views::*;
use crate::render::figure;
use crate::resolve::xref::Index;

/// One output page, named stably across rebuilds.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobId {
    Index,
    /// A page of the sources list, from 1 (`sources/`, then `sources/page/2/`, …).
    Sources(usize),
    Figures(usize),
    Timeline,
    Annotations(usize),
    Search,
    NotFound,
    Article(String),
    Changes(String),
    Source(String),
    Figure(String),
}

/// How many entries a page of each list shows: at 10,000 pages every list page stays
/// well under 200 KB of HTML. The first page keeps the list's URL (`sources/`); the
/// others are `sources/page/2/` and so on.
const SOURCES_PER_PAGE: usize = 500;
const FIGURES_PER_PAGE: usize = 500;
const ANNOTATIONS_PER_PAGE: usize = 200;

/// The output folder of page `n` (from 1) of the list at `base` (`sources/`).
pub fn list_path(base: &str, n: usize) -> String {
    if n <= 1 { base.to_string() } else { format!("{base}page/{n}/") }
}

/// The entries `from..to` of page `n` of a list of `len`; `None` past the last page.
fn page_range(n: usize, len: usize, per: usize) -> Option<(usize, usize)> {
    let from = (n.max(1) - 1) * per;
    (n >= 1 && (from < len || n == 1)).then(|| (from, (from + per).min(len)))
}

/// `Sources`, or `Sources (page 2)`.
fn numbered(title: &str, n: usize) -> String {
    if n <= 1 { title.to_string() } else { format!("{title} (page {n})") }
}

/// Groups that hold a list in order.
trait Grouped: Sized {
    fn len(&self) -> usize;
    /// The group with only its entries `from..to`.
    fn slice(&self, from: usize, to: usize) -> Self;
}

impl Grouped for SourceGroupView {
    fn len(&self) -> usize {
        self.sources.len()
    }
    fn slice(&self, from: usize, to: usize) -> Self {
        SourceGroupView { kind: self.kind.clone(), label: self.label.clone(), sources: self.sources[from..to].to_vec() }
    }
}

impl Grouped for AnnotationGroupView {
    fn len(&self) -> usize {
        self.annotations.len()
    }
    fn slice(&self, from: usize, to: usize) -> Self {
        AnnotationGroupView {
            kind: self.kind.clone(),
            label: self.label.clone(),
            annotations: self.annotations[from..to].to_vec(),
        }
    }
}

/// The groups as they show entries `from..to` of the list they make together (copying
/// only those: each page of a list copies its own entries, not the whole list).
fn slice_groups<G: Grouped>(groups: &[G], from: usize, to: usize) -> Vec<G> {
    let mut at = 0;
    let mut kept = Vec::new();
    for group in groups {
        let (start, end) = (at, at + group.len());
        at = end;
        if end <= from || start >= to {
            continue;
        }
        kept.push(group.slice(from.max(start) - start, to.min(end) - start));
    }
    kept
}

/// The pages an output page shows something of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deps {
    /// Lists and the landing page: any change may alter them.
    Everything,
    /// Page ids (`articles/x`, `sources/y`), and `_index`.
    Pages(HashSet<String>),
}

/// Where each source and figure is used, gathered once from every page's facts.
/// Only indices are stored (article, and position in its facts); views are built on demand.
#[derive(Default)]
struct Backlinks<'a> {
    citations: FxHashMap<&'a str, Vec<(usize, usize)>>,
    mentions: FxHashMap<&'a str, Vec<(usize, usize)>>,
    figure_uses: FxHashMap<&'a str, Vec<(usize, usize)>>,
    /// Articles whose Markdown links to a page id with a wikilink.
    links_to: FxHashMap<&'a str, Vec<usize>>,
    /// Sources affiliated with a source (source indices).
    members: FxHashMap<&'a str, Vec<usize>>,
    /// Figures claimed by a source, and figures citing it (figure indices).
    claims: FxHashMap<&'a str, Vec<usize>>,
    figure_cites: FxHashMap<&'a str, Vec<usize>>,
    /// Articles whose annotations or events cite a source (article indices).
    annotated_in: FxHashMap<&'a str, Vec<usize>>,
}

#[derive(Clone, Copy)]
enum Use {
    Citation,
    Mention,
    Figure,
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
    positions: FxHashMap<&'a str, usize>,
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
        let positions = content
            .articles
            .iter()
            .map(|p| p.id.as_str())
            .chain(content.sources.iter().map(|p| p.id.as_str()))
            .chain(content.figures.iter().map(|p| p.id.as_str()))
            .enumerate()
            .map(|(i, id)| (id, i))
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
            article_slugs: content.articles.iter().enumerate().map(|(i, a)| (a.slug.as_str(), i)).collect(),
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

    fn backlinks(&self) -> &Backlinks<'a> {
        self.backlinks.get_or_init(|| self.gather_backlinks())
    }

    fn gather_backlinks(&self) -> Backlinks<'a> {
        let content: &'a Content = self.index.content;
        let rendered: &'a RenderedPages = self.rendered;
        let mut b = Backlinks::default();
        for (a, facts) in rendered.articles.iter().enumerate() {
            for (k, c) in facts.citations.iter().enumerate() {
                b.citations.entry(c.source.as_str()).or_default().push((a, k));
            }
            for (k, m) in facts.mentions.iter().enumerate() {
                b.mentions.entry(m.source.as_str()).or_default().push((a, k));
            }
            for (k, f) in facts.figures.iter().enumerate() {
                b.figure_uses.entry(f.figure.as_str()).or_default().push((a, k));
            }
            for link in &facts.links {
                b.links_to.entry(link.as_str()).or_default().push(a);
            }
        }
        for (i, source) in content.sources.iter().enumerate() {
            if let Some(a) = &source.meta.affiliation {
                b.members.entry(a.as_str()).or_default().push(i);
            }
        }
        for (i, f) in content.figures.iter().enumerate() {
            if let Some(claimant) = &f.meta.claimed_by {
                b.claims.entry(claimant.as_str()).or_default().push(i);
            }
            for cite in &f.meta.cites {
                b.figure_cites.entry(cite.as_str()).or_default().push(i);
            }
        }
        for (i, article) in content.articles.iter().enumerate() {
            let meta = &article.meta;
            for cite in meta.annotations.iter().flat_map(|a| &a.cites).chain(meta.events.iter().flat_map(|e| &e.cites))
            {
                b.annotated_in.entry(cite.as_str()).or_default().push(i);
            }
        }
        b
    }

    /// Articles whose rendered Markdown shows something of source or figure `slug`.
    fn articles_using(&self, kind: &str, slug: &str) -> Vec<usize> {
        let b = self.backlinks();
        let mut articles: Vec<usize> = match kind {
            "sources" => {
                b.citations.get(slug).into_iter().chain(b.mentions.get(slug)).flatten().map(|(a, _)| *a).collect()
            }
            _ => b.figure_uses.get(slug).into_iter().flatten().map(|(a, _)| *a).collect(),
        };
        articles.extend(b.links_to.get(format!("{kind}/{slug}").as_str()).into_iter().flatten());
        articles.sort_unstable();
        articles.dedup();
        articles
    }

    fn backlink_views(&self, uses: Option<&Vec<(usize, usize)>>, kind: Use) -> Vec<BacklinkView> {
        let c = self.content();
        let mut seen = HashSet::new();
        uses.into_iter()
            .flatten()
            .map(|&(a, k)| {
                let (article, facts) = (&c.articles[a], &self.rendered.articles[a]);
                let page = self.link(&article.id, &article.meta.title);
                let (anchor, sentence, number) = match kind {
                    Use::Citation => {
                        let cite = &facts.citations[k];
                        (cite.anchor.clone(), cite.sentence.clone(), Some(cite.number))
                    }
                    Use::Mention => (facts.mentions[k].anchor.clone(), facts.mentions[k].sentence.clone(), None),
                    Use::Figure => {
                        let f = &facts.figures[k];
                        let anchor = if f.embedded { format!("fig-{}", f.figure) } else { String::new() };
                        (anchor, String::new(), Some(f.number))
                    }
                };
                let url = if anchor.is_empty() { page.url.clone() } else { format!("{}#{anchor}", page.url) };
                BacklinkView { page, url, sentence, number }
            })
            // The same sentence twice (a citation in the text and in a margin note on it) is listed once.
            .filter(|b| seen.insert((b.page.url.clone(), b.sentence.clone())) || b.sentence.is_empty())
            .collect()
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
            jobs.push(JobId::Article(article.slug.clone()));
            if self.predecessor(article).is_some() {
                jobs.push(JobId::Changes(article.slug.clone()));
            }
        }
        jobs.extend(c.sources.iter().map(|s| JobId::Source(s.slug.clone())));
        jobs.extend(c.figures.iter().map(|f| JobId::Figure(f.slug.clone())));
        jobs
    }

    fn position(&self, id: &str) -> Option<usize> {
        let c = self.content();
        let i = *self.positions.get(id)?;
        let (a, s) = (c.articles.len(), c.sources.len());
        Some(if i < a {
            i
        } else if i < a + s {
            i - a
        } else {
            i - a - s
        })
    }

    /// The view of one job; `None` if its page no longer exists.
    pub fn view(&self, job: &JobId) -> Option<PageJob> {
        let site = || self.site.clone();
        let config = self.index.config;
        let page = |rel: &str| format!("{rel}index.html");
        let simple = |title: &str, url: &str| SimpleView { site: site(), title: title.into(), url: config.url(url) };
        Some(
            match job {
                JobId::Index => PageJob::new("index.html", page(""), &self.index_view()),
                JobId::Sources(n) => {
                    let (from, to) = page_range(*n, self.content().sources.len(), SOURCES_PER_PAGE)?;
                    PageJob::new(
                        "sources.html",
                        page(&list_path("sources/", *n)),
                        &SourcesView {
                            site: site(),
                            title: numbered("Sources", *n),
                            url: config.url(&list_path("sources/", *n)),
                            groups: slice_groups(self.source_groups(), from, to),
                            pagination: self.pagination("sources/", *n, self.content().sources.len(), SOURCES_PER_PAGE),
                        },
                    )
                }
                JobId::Figures(n) => {
                    let figures = &self.content().figures;
                    let (from, to) = page_range(*n, figures.len(), FIGURES_PER_PAGE)?;
                    PageJob::new(
                        "figures.html",
                        page(&list_path("figures/", *n)),
                        &FiguresView {
                            site: site(),
                            title: numbered("Figures", *n),
                            url: config.url(&list_path("figures/", *n)),
                            figures: figures[from..to].iter().map(|f| self.figure_summary(f)).collect(),
                            pagination: self.pagination("figures/", *n, figures.len(), FIGURES_PER_PAGE),
                        },
                    )
                }
                JobId::Timeline => PageJob::new(
                    "timeline.html",
                    page("timeline/"),
                    &TimelineView {
                        site: site(),
                        title: "Timeline".into(),
                        url: config.url("timeline/"),
                        events: self.events(None),
                    },
                ),
                JobId::Annotations(n) => {
                    PageJob::new("annotations.html", page(&list_path("annotations/", *n)), &self.annotations_view(*n)?)
                }
                JobId::Search => PageJob::new("search.html", page("search/"), &simple("Search", "search/")),
                JobId::NotFound => PageJob::new(
                    "404.html",
                    "404.html".into(),
                    &NotFoundView {
                        site: site(),
                        title: "Page not found".into(),
                        url: config.url("404.html"),
                        stylesheet_css: theme_stylesheet(config),
                    },
                ),
                JobId::Article(slug) => {
                    let i = self.position(&format!("articles/{slug}"))?;
                    PageJob::new("article.html", page(&format!("articles/{slug}/")), &self.article_view(i))
                }
                JobId::Changes(slug) => {
                    let i = self.position(&format!("articles/{slug}"))?;
                    let from = self.predecessor(&self.content().articles[i])?;
                    PageJob::new(
                        "changes.html",
                        page(&format!("articles/{slug}/changes/")),
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
                JobId::Source(slug) => {
                    let i = self.position(&format!("sources/{slug}"))?;
                    PageJob::new("source.html", page(&format!("sources/{slug}/")), &self.source_view(i))
                }
                JobId::Figure(slug) => {
                    let i = self.position(&format!("figures/{slug}"))?;
                    PageJob::new("figure.html", page(&format!("figures/{slug}/")), &self.figure_view(i))
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
            JobId::Index | JobId::Sources(_) | JobId::Figures(_) | JobId::Timeline | JobId::Annotations(_) => {
                return Deps::Everything;
            }
            JobId::Article(slug) | JobId::Changes(slug) => {
                let Some(i) = self.position(&format!("articles/{slug}")) else {
                    return Deps::Everything;
                };
                let article = &c.articles[i];
                pages.insert(article.id.clone());
                self.article_deps(i, &mut pages);
                if let Some(p) = self.predecessor(article) {
                    pages.insert(c.articles[p].id.clone());
                    self.article_deps(p, &mut pages);
                }
                for other in c.articles.iter().filter(|a| a.article_key() == article.article_key()) {
                    pages.insert(other.id.clone());
                }
            }
            JobId::Source(slug) => {
                let id = format!("sources/{slug}");
                if let Some(source) = self.index.source(slug) {
                    pages.extend(source.meta.affiliation.iter().map(|a| format!("sources/{a}")));
                }
                let b = self.backlinks();
                pages.extend(b.members.get(slug.as_str()).into_iter().flatten().map(|&i| c.sources[i].id.clone()));
                let figures = b.claims.get(slug.as_str()).into_iter().chain(b.figure_cites.get(slug.as_str()));
                pages.extend(figures.flatten().map(|&i| c.figures[i].id.clone()));
                pages
                    .extend(b.annotated_in.get(slug.as_str()).into_iter().flatten().map(|&i| c.articles[i].id.clone()));
                pages.extend(self.articles_using("sources", slug).into_iter().map(|i| c.articles[i].id.clone()));
                pages.insert(id);
            }
            JobId::Figure(slug) => {
                let id = format!("figures/{slug}");
                if let Some(figure) = self.index.figure(slug) {
                    pages.extend(
                        figure.meta.claimed_by.iter().chain(&figure.meta.cites).map(|s| format!("sources/{s}")),
                    );
                }
                pages.extend(self.articles_using("figures", slug).into_iter().map(|i| c.articles[i].id.clone()));
                pages.insert(id);
            }
        }
        Deps::Pages(pages)
    }

    /// What an article's page shows of other pages: cited and mentioned sources, figures, links.
    fn article_deps(&self, i: usize, pages: &mut HashSet<String>) {
        let (article, rendered) = (&self.content().articles[i], &self.rendered.articles[i]);
        pages.extend(rendered.citations.iter().map(|c| format!("sources/{}", c.source)));
        pages.extend(rendered.mentions.iter().map(|m| format!("sources/{}", m.source)));
        pages.extend(rendered.figures.iter().map(|f| format!("figures/{}", f.figure)));
        pages.extend(rendered.links.iter().cloned());
        let meta = &article.meta;
        let cited = meta
            .annotations
            .iter()
            .flat_map(|a| &a.cites)
            .chain(meta.events.iter().flat_map(|e| &e.cites))
            .chain(&meta.based_on);
        pages.extend(cited.map(|s| format!("sources/{s}")));
    }
    fn content(&self) -> &'a Content {
        self.index.content
    }

    fn link(&self, id: &str, title: &str) -> LinkView {
        LinkView { title: title.to_string(), url: self.index.page_url(id) }
    }

    fn source_link(&self, slug: &str) -> LinkView {
        LinkView { title: self.index.source_name(slug), url: self.index.source_url(slug) }
    }

    /// The version an article was edited from: `edited_from`, else the as-received version.
    pub fn predecessor(&self, article: &Article) -> Option<usize> {
        let articles = &self.content().articles;
        if let Some(from) = &article.meta.edited_from {
            let slug = from.trim_start_matches("articles/");
            return self.article_slugs.get(slug).copied().filter(|&i| articles[i].slug != article.slug);
        }
        if article.version() == "as-received" {
            return None;
        }
        self.versions_of_article(article)
            .find(|&i| articles[i].version() == "as-received" && articles[i].slug != article.slug)
    }

    /// The indices of the versions of `article` (itself included), in content order.
    fn versions_of_article(&self, article: &Article) -> impl Iterator<Item = usize> + '_ {
        self.versions_of.get(article.article_key()).into_iter().flatten().copied()
    }

    fn versions(&self, article: &Article) -> Vec<VersionView> {
        let articles = &self.content().articles;
        self.versions_of_article(article)
            .map(|i| &articles[i])
            .map(|a| VersionView {
                title: a.meta.title.clone(),
                url: self.index.page_url(&a.id),
                version: a.version().to_string(),
                label: crate::output::views::version_label(a.version()),
                current: a.slug == article.slug,
            })
            .collect()
    }

    pub fn annotation_views(&self, article_index: usize) -> Vec<AnnotationView> {
        let article = &self.content().articles[article_index];
        let rendered = &self.rendered.articles[article_index];
        let mut seen = std::collections::HashSet::new();
        rendered
            .annotations
            .iter()
            .filter(|p| seen.insert(p.index))
            .map(|placed| {
                let a = &article.meta.annotations[placed.index];
                AnnotationView {
                    id: placed.id.clone(),
                    kind: placed.kind.as_str().into(),
                    kind_label: placed.kind.label().into(),
                    quote: a.quote.clone(),
                    correction: a.correction.clone(),
                    note_html: placed.note_html.to_string(),
                    sources: a
                        .cites
                        .iter()
                        .filter(|s| self.index.source(s).is_some())
                        .map(|s| self.source_link(s))
                        .collect(),
                    article: self.link(&article.id, &article.meta.title),
                    url: format!("{}#{}", self.index.page_url(&article.id), placed.anchor),
                }
            })
            .collect()
    }

    /// Every annotation of every article, in article order.
    pub fn all_annotations(&self) -> &[AnnotationView] {
        &self.annotations
    }

    fn article_view(&self, i: usize) -> ArticleView {
        let article = &self.content().articles[i];
        let rendered = &self.rendered.articles[i];
        let meta = &article.meta;
        let bibliography: Vec<BibEntryView> = rendered
            .bibliography
            .iter()
            .enumerate()
            .filter_map(|(n, slug)| {
                let source = self.index.source(slug)?;
                Some(BibEntryView {
                    number: n + 1,
                    id: slug.clone(),
                    title: source.meta.title.clone(),
                    url: self.index.source_url(slug),
                    external_url: source.meta.url.clone(),
                    archive_url: source.meta.archive_url.clone(),
                    kind: source.meta.kind.as_str().into(),
                    role: source.meta.role.clone(),
                    pseudonym: source.meta.pseudonym.label(),
                    backrefs: rendered
                        .citations
                        .iter()
                        .filter(|c| &c.source == slug)
                        .map(|c| c.anchor.clone())
                        .collect(),
                })
            })
            .collect();
        let url = self.index.page_url(&article.id);
        let changes_url = self.predecessor(article).map(|_| format!("{url}changes/"));
        let edited_from = self.predecessor(article).map(|p| {
            let from = &self.content().articles[p];
            self.link(&from.id, &from.meta.title)
        });
        ArticleView {
            site: self.site.clone(),
            id: article.slug.clone(),
            title: meta.title.clone(),
            version: article.version().to_string(),
            version_label: crate::output::views::version_label(article.version()),
            date: meta.date.map(|d| d.to_string()),
            date_human: meta.date.map(|d| d.human()),
            summary: meta.summary.clone(),
            language: meta.language.clone().unwrap_or_else(|| self.index.config.language.clone()),
            based_on: meta.based_on.as_deref().filter(|s| self.index.source(s).is_some()).map(|s| self.source_link(s)),
            edited_from,
            changes_url,
            body_html: rendered.html.clone(),
            notes_html: rendered.notes_html.clone(),
            annotations: self.annotation_views(i),
            figures: rendered
                .figures
                .iter()
                .filter_map(|f| {
                    self.index
                        .figure(&f.figure)
                        .map(|fig| self.link(&fig.id, &format!("Figure {}: {}", f.number, fig.meta.title)))
                })
                .collect(),
            versions: self.versions(article),
            events: self.events(Some(i)),
            jsonld: exports::article_jsonld(self.index, article, &bibliography),
            bibliography,
            url,
        }
    }

    /// Timeline events of one article, or of all articles, in date order.
    fn events(&self, only: Option<usize>) -> Vec<EventView> {
        let mut events: Vec<(&Event, &Article)> = self
            .content()
            .articles
            .iter()
            .enumerate()
            .filter(|(i, _)| only.is_none_or(|o| o == *i))
            .flat_map(|(_, a)| a.meta.events.iter().map(move |e| (e, a)))
            .collect();
        events.sort_by_key(|(e, _)| e.date);
        events
            .into_iter()
            .map(|(e, a)| EventView {
                date: e.date.to_string(),
                date_human: e.date.human(),
                label: e.label.clone(),
                page: self.link(&a.id, &a.meta.title),
                sources: e
                    .cites
                    .iter()
                    .filter(|s| self.index.source(s).is_some())
                    .map(|s| self.source_link(s))
                    .collect(),
            })
            .collect()
    }

    fn links_to_sources(&self, indices: Option<&Vec<usize>>) -> Vec<LinkView> {
        indices.into_iter().flatten().map(|&i| self.source_link(&self.content().sources[i].slug)).collect()
    }

    fn links_to_figures(&self, indices: Option<&Vec<usize>>) -> Vec<LinkView> {
        let figures = &self.content().figures;
        indices.into_iter().flatten().map(|&i| self.link(&figures[i].id, &figures[i].meta.title)).collect()
    }

    fn uses_of(&self, slug: &str) -> usize {
        let count = |m: &FxHashMap<&str, Vec<(usize, usize)>>| m.get(slug).map_or(0, Vec::len);
        count(&self.backlinks().citations) + count(&self.backlinks().mentions)
    }

    fn source_groups(&self) -> &[SourceGroupView] {
        self.source_groups.get_or_init(|| self.make_source_groups())
    }

    fn make_source_groups(&self) -> Vec<SourceGroupView> {
        SourceKind::ALL
            .iter()
            .filter_map(|kind| {
                let mut sources: Vec<SourceSummaryView> = self
                    .content()
                    .sources
                    .iter()
                    .filter(|s| s.meta.kind == *kind)
                    .map(|s| SourceSummaryView {
                        id: s.slug.clone(),
                        title: s.meta.title.clone(),
                        url: self.index.source_url(&s.slug),
                        kind: kind.as_str().into(),
                        role: s.meta.role.clone(),
                        pseudonym: s.meta.pseudonym.label(),
                        uses: self.uses_of(&s.slug),
                    })
                    .collect();
                sources.sort_by_cached_key(|s| s.title.to_lowercase());
                (!sources.is_empty()).then(|| SourceGroupView {
                    kind: kind.as_str().into(),
                    label: kind.plural_label().into(),
                    sources,
                })
            })
            .collect()
    }

    fn source_view(&self, i: usize) -> SourceView {
        let source = &self.content().sources[i];
        let meta = &source.meta;
        let slug = &source.slug;
        let citations = self.backlink_views(self.backlinks().citations.get(slug.as_str()), Use::Citation);
        let mentions = self.backlink_views(self.backlinks().mentions.get(slug.as_str()), Use::Mention);
        let annotations = self.annotations_citing.get(&self.index.source_url(slug)).cloned().unwrap_or_default();
        SourceView {
            site: self.site.clone(),
            id: slug.clone(),
            title: meta.title.clone(),
            url: self.index.source_url(slug),
            kind: meta.kind.as_str().into(),
            kind_label: meta.kind.plural_label().into(),
            aliases: meta.aliases.clone(),
            role: meta.role.clone(),
            affiliation: meta
                .affiliation
                .as_deref()
                .filter(|a| self.index.source(a).is_some())
                .map(|a| self.source_link(a)),
            members: self.links_to_sources(self.backlinks().members.get(slug.as_str())),
            external_url: meta.url.clone().filter(|u| crate::text::html::is_safe_url(u)),
            archive_url: meta.archive_url.clone().filter(|u| crate::text::html::is_safe_url(u)),
            published: meta.published.map(|d| d.human()),
            accessed: meta.accessed.map(|d| d.human()),
            pseudonym: meta.pseudonym.label(),
            body_html: self.rendered.sources[i].html.clone(),
            citations,
            mentions,
            figures: self.links_to_figures(self.backlinks().claims.get(slug.as_str())),
            cited_by_figures: self.links_to_figures(self.backlinks().figure_cites.get(slug.as_str())),
            annotations,
        }
    }

    fn figure_summary(&self, figure: &crate::model::Figure) -> FigureSummaryView {
        let meta = &figure.meta;
        FigureSummaryView {
            id: figure.slug.clone(),
            title: meta.title.clone(),
            url: self.index.figure_url(&figure.slug),
            kind: meta.kind.as_str().into(),
            value: meta.value.map(crate::render::chart::format_number),
            unit: meta.unit.clone(),
            approximate: meta.approximate,
            claimant: meta
                .claimed_by
                .as_deref()
                .filter(|s| self.index.source(s).is_some())
                .map(|s| self.source_link(s)),
            as_of: meta.as_of.map(|d| d.human()),
        }
    }

    fn figure_view(&self, i: usize) -> FigureView {
        let figure = &self.content().figures[i];
        let referenced_in = self.backlink_views(self.backlinks().figure_uses.get(figure.slug.as_str()), Use::Figure);
        FigureView {
            site: self.site.clone(),
            id: figure.slug.clone(),
            title: figure.meta.title.clone(),
            url: self.index.figure_url(&figure.slug),
            summary: self.figure_summary(figure),
            figure_html: figure::embed(self.index, figure, None, false),
            body_html: self.rendered.figures[i].html.clone(),
            sources: figure
                .meta
                .cites
                .iter()
                .filter(|s| self.index.source(s).is_some())
                .map(|s| self.source_link(s))
                .collect(),
            referenced_in,
        }
    }

    fn annotations_view(&self, n: usize) -> Option<AnnotationsView> {
        let all = self.all_annotations();
        let (from, to) = page_range(n, all.len(), ANNOTATIONS_PER_PAGE)?;
        let groups = self.annotation_groups.get_or_init(|| {
            AnnotationKind::ALL
                .iter()
                .filter_map(|kind| {
                    let annotations: Vec<AnnotationView> =
                        all.iter().filter(|a| a.kind == kind.as_str()).cloned().collect();
                    (!annotations.is_empty()).then(|| AnnotationGroupView {
                        kind: kind.as_str().into(),
                        label: kind.label().into(),
                        annotations,
                    })
                })
                .collect()
        });
        Some(AnnotationsView {
            site: self.site.clone(),
            title: numbered("Annotations", n),
            url: self.index.config.url(&list_path("annotations/", n)),
            groups: slice_groups(groups, from, to),
            jsonld_url: self.index.config.url("annotations.jsonld"),
            pagination: self.pagination("annotations/", n, all.len(), ANNOTATIONS_PER_PAGE),
        })
    }

    /// Every page of the sources, figures and annotations lists.
    pub fn list_jobs(&self) -> Vec<JobId> {
        let c = self.content();
        let pages = |len: usize, per: usize| 1..=len.div_ceil(per).max(1);
        let mut jobs: Vec<JobId> = pages(c.sources.len(), SOURCES_PER_PAGE).map(JobId::Sources).collect();
        jobs.extend(pages(c.figures.len(), FIGURES_PER_PAGE).map(JobId::Figures));
        jobs.extend(pages(self.all_annotations().len(), ANNOTATIONS_PER_PAGE).map(JobId::Annotations));
        jobs
    }

    /// Links between the pages of a list of `len` entries under `base` (`sources/`).
    fn pagination(&self, base: &str, n: usize, len: usize, per: usize) -> PaginationView {
        let total = len.div_ceil(per).max(1);
        let url = |k: usize| self.index.config.url(&list_path(base, k));
        PaginationView {
            number: n,
            total,
            previous: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
            pages: (1..=total).map(|k| PageLinkView { number: k, url: url(k), current: k == n }).collect(),
        }
    }

    fn index_view(&self) -> IndexView {
        let c = self.content();
        let mut groups: Vec<ArticleGroupView> = Vec::new();
        let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
        for article in &c.articles {
            let key = article.article_key().to_string();
            if !by_key.contains_key(&key) {
                by_key.insert(key.clone(), groups.len());
                let mut versions = self.versions(article);
                versions.iter_mut().for_each(|v| v.current = false);
                let summary = c
                    .articles
                    .iter()
                    .filter(|a| a.article_key() == key)
                    .find(|a| a.version() == "edited")
                    .or(Some(article))
                    .and_then(|a| a.meta.summary.clone());
                groups.push(ArticleGroupView { key, versions, summary });
            }
        }
        let index_page = c.index.as_ref();
        IndexView {
            site: self.site.clone(),
            title: index_page.and_then(|p| p.meta.title.clone()).unwrap_or_else(|| self.index.config.title.clone()),
            url: self.index.config.url(""),
            summary: index_page
                .and_then(|p| p.meta.summary.clone())
                .or_else(|| Some(self.index.config.description.clone()).filter(|d| !d.is_empty())),
            body_html: self.rendered.index.as_ref().map(|r| r.html.clone()).unwrap_or_default(),
            articles: groups,
            figures: c.figures.iter().map(|f| self.figure_summary(f)).collect(),
            key_figures_html: c
                .figures
                .iter()
                .filter(|f| f.meta.kind == crate::model::FigureKind::Stat)
                .take(4)
                .map(|f| figure::embed(self.index, f, None, true))
                .collect(),
            source_groups: self.source_groups().iter().map(most_used).collect(),
            events: self.events(None),
            annotation_count: self.all_annotations().len(),
        }
    }
}

/// How many sources of each kind the landing page lists: the most used, so it stays light.
const LANDING_SOURCES: usize = 50;

/// The group with only its `LANDING_SOURCES` most used sources, still sorted by title.
fn most_used(group: &SourceGroupView) -> SourceGroupView {
    if group.sources.len() <= LANDING_SOURCES {
        return group.clone();
    }
    let mut by_use: Vec<usize> = (0..group.sources.len()).collect();
    by_use.sort_by_key(|&i| std::cmp::Reverse(group.sources[i].uses));
    let mut keep: Vec<usize> = by_use.into_iter().take(LANDING_SOURCES).collect();
    keep.sort_unstable();
    let sources = keep.into_iter().map(|i| group.sources[i].clone()).collect();
    SourceGroupView { kind: group.kind.clone(), label: group.label.clone(), sources }
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
