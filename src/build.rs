//! The build pipeline: load → resolve → render Markdown → assemble views → render templates.
//!
//! Phases run in this order because each needs the one before:
//! 1. [`content::load`] reads every file (bad files become diagnostics);
//! 2. [`Index`] resolves ids and checks front-matter references;
//! 3. Markdown renders in parallel, returning facts (citations, mentions,
//!    figure uses, placed annotations) beside the HTML;
//! 4. backlinks can only be gathered once every page has rendered;
//! 5. views are assembled and templates rendered in parallel.
//!
//! The result is a [`Site`]: every output file in memory. `build` writes it
//! with [`crate::output`]; `check` drops it; `serve` serves it.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use crate::changes;
use crate::config::Config;
use crate::content;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::exports;
use crate::figure;
use crate::highlight;
use crate::lint;
use crate::markdown::{self, RenderOptions, Rendered, render_inline};
use crate::model::{AnnotationKind, Article, Content, Event, SourceKind};
use crate::templates::{self, Templates};
use crate::views::*;
use crate::xref::Index;

/// Every file of the built site, by path relative to the output folder.
#[derive(Debug, Default)]
pub struct Site {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Site {
    fn add(&mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
}

/// Builds the whole site in memory; `None` if any error was found (all are in `diagnostics`).
pub fn build(config: &Config, body_end_html: &str, diagnostics: &Diagnostics) -> Option<Site> {
    let content = content::load(config, diagnostics);
    let index = Index::new(config, &content);
    index.check_front_matter(diagnostics);
    if highlight::stylesheet(&config.highlight_theme).is_none() {
        let names = highlight::theme_names();
        diagnostics.push(
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("unknown highlight_theme `{}`", config.highlight_theme),
            )
            .help(format!("choose one of: {}", names.join(", "))),
        );
    }
    let templates = match Templates::load(config) {
        Ok(t) => Some(t),
        Err(problems) => {
            problems.into_iter().for_each(|d| diagnostics.push(d));
            None
        }
    };
    let rendered = render_markdown(&index, diagnostics);
    lint::check(&index, rendered.all(), diagnostics);
    let templates = templates?;
    let site = SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_path: config.base_path.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        body_end_html: body_end_html.to_string(),
    };
    let assembler = Assembler {
        index: &index,
        rendered: &rendered,
        site,
    };
    let pages = assembler.pages();
    let outputs: Vec<Result<(String, String), Diagnostic>> = pages
        .into_par_iter()
        .map(|page| page.render(&templates).map(|html| (page.path(), html)))
        .collect();
    let mut out = Site::default();
    let mut reported = std::collections::HashSet::new();
    for result in outputs {
        match result {
            Ok((path, html)) => out.add(path, html),
            // A broken shared template fails every page: report each spot once.
            Err(d) if reported.insert((d.file.clone(), d.location.clone(), d.message.clone())) => {
                diagnostics.push(d)
            }
            Err(_) => {}
        }
    }
    if diagnostics.has_errors() {
        return None;
    }
    exports::add_all(&mut out, &index, &rendered, &assembler.all_annotations());
    if let Some(css) = highlight::stylesheet(&config.highlight_theme) {
        out.add("highlight.css", css);
    }
    for (name, bytes) in templates::theme_static_files(config) {
        out.add(name, bytes);
    }
    for file in &content.static_files {
        match std::fs::read(config.root.join("content").join(file)) {
            Ok(bytes) => out.add(file.to_string_lossy().replace('\\', "/"), bytes),
            Err(e) => diagnostics.push(Diagnostic::error(
                file,
                format!("cannot read static file: {e}"),
            )),
        }
    }
    (!diagnostics.has_errors()).then_some(out)
}

/// The rendered Markdown of every page, in the order of [`Content`]'s lists.
pub struct RenderedPages {
    pub articles: Vec<Rendered>,
    pub sources: Vec<Rendered>,
    pub figures: Vec<Rendered>,
    pub index: Option<Rendered>,
}

impl RenderedPages {
    /// Every rendered page: articles, sources, figures, then the landing page.
    fn all(&self) -> impl Iterator<Item = &Rendered> {
        self.articles
            .iter()
            .chain(&self.sources)
            .chain(&self.figures)
            .chain(&self.index)
    }
}

fn render_markdown(index: &Index, diagnostics: &Diagnostics) -> RenderedPages {
    let content: &Content = index.content;
    let page = |file, body, body_line, raw, annotations, autolink| {
        markdown::render(
            &RenderOptions {
                index,
                file,
                body,
                body_line,
                raw,
                annotations,
                autolink,
            },
            diagnostics,
        )
    };
    let autolink = Some(index.config.autolink);
    RenderedPages {
        articles: content
            .articles
            .par_iter()
            .map(|a| {
                page(
                    &a.path,
                    &a.body,
                    a.body_line,
                    &a.raw,
                    &a.meta.annotations[..],
                    autolink,
                )
            })
            .collect(),
        sources: content
            .sources
            .par_iter()
            .map(|s| page(&s.path, &s.body, s.body_line, &s.raw, &[], None))
            .collect(),
        figures: content
            .figures
            .par_iter()
            .map(|f| page(&f.path, &f.body, f.body_line, &f.raw, &[], None))
            .collect(),
        index: content
            .index
            .as_ref()
            .map(|i| page(&i.path, &i.body, i.body_line, &i.raw, &[], None)),
    }
}

/// One output page: which template, and the view it sees.
pub enum PageJob {
    Index(Box<IndexView>),
    Article(Box<ArticleView>),
    Changes(Box<ChangesView>),
    Source(Box<SourceView>),
    Sources(Box<SourcesView>),
    Figure(Box<FigureView>),
    Figures(Box<FiguresView>),
    Timeline(Box<TimelineView>),
    Annotations(Box<AnnotationsView>),
    Search(Box<SimpleView>),
    NotFound(Box<SimpleView>),
}

impl PageJob {
    fn url(&self) -> &str {
        match self {
            PageJob::Index(v) => &v.url,
            PageJob::Article(v) => &v.url,
            PageJob::Changes(v) => &v.url,
            PageJob::Source(v) => &v.url,
            PageJob::Sources(v) => &v.url,
            PageJob::Figure(v) => &v.url,
            PageJob::Figures(v) => &v.url,
            PageJob::Timeline(v) => &v.url,
            PageJob::Annotations(v) => &v.url,
            PageJob::Search(v) => &v.url,
            PageJob::NotFound(v) => &v.url,
        }
    }

    /// The output file: pretty URLs (`sources/x/index.html`), and `404.html`.
    pub fn path(&self) -> String {
        if let PageJob::NotFound(_) = self {
            return "404.html".into();
        }
        let base = match self {
            PageJob::Index(v) => v.site.base_path.clone(),
            PageJob::Article(v) => v.site.base_path.clone(),
            PageJob::Changes(v) => v.site.base_path.clone(),
            PageJob::Source(v) => v.site.base_path.clone(),
            PageJob::Sources(v) => v.site.base_path.clone(),
            PageJob::Figure(v) => v.site.base_path.clone(),
            PageJob::Figures(v) => v.site.base_path.clone(),
            PageJob::Timeline(v) => v.site.base_path.clone(),
            PageJob::Annotations(v) => v.site.base_path.clone(),
            PageJob::Search(v) => v.site.base_path.clone(),
            PageJob::NotFound(v) => v.site.base_path.clone(),
        };
        let rel = self.url().strip_prefix(base.as_str()).unwrap_or(self.url());
        format!("{rel}index.html")
    }

    fn render(&self, templates: &Templates) -> Result<String, Diagnostic> {
        match self {
            PageJob::Index(v) => templates.render("index.html", v),
            PageJob::Article(v) => templates.render("article.html", v),
            PageJob::Changes(v) => templates.render("changes.html", v),
            PageJob::Source(v) => templates.render("source.html", v),
            PageJob::Sources(v) => templates.render("sources.html", v),
            PageJob::Figure(v) => templates.render("figure.html", v),
            PageJob::Figures(v) => templates.render("figures.html", v),
            PageJob::Timeline(v) => templates.render("timeline.html", v),
            PageJob::Annotations(v) => templates.render("annotations.html", v),
            PageJob::Search(v) => templates.render("search.html", v),
            PageJob::NotFound(v) => templates.render("404.html", v),
        }
    }
}

/// Builds view structs from the content, the index and the rendered facts.
pub struct Assembler<'a> {
    pub index: &'a Index<'a>,
    pub rendered: &'a RenderedPages,
    pub site: SiteView,
}

impl<'a> Assembler<'a> {
    fn content(&self) -> &'a Content {
        self.index.content
    }

    fn link(&self, id: &str, title: &str) -> LinkView {
        LinkView {
            title: title.to_string(),
            url: self.index.page_url(id),
        }
    }

    fn source_link(&self, slug: &str) -> LinkView {
        LinkView {
            title: self.index.source_name(slug),
            url: self.index.source_url(slug),
        }
    }

    fn pages(&self) -> Vec<PageJob> {
        let c = self.content();
        let mut jobs = vec![
            PageJob::Index(Box::new(self.index_view())),
            PageJob::Sources(Box::new(SourcesView {
                site: self.site.clone(),
                title: "Sources".into(),
                url: self.index.config.url("sources/"),
                groups: self.source_groups(),
            })),
            PageJob::Figures(Box::new(FiguresView {
                site: self.site.clone(),
                title: "Figures".into(),
                url: self.index.config.url("figures/"),
                figures: c.figures.iter().map(|f| self.figure_summary(f)).collect(),
            })),
            PageJob::Timeline(Box::new(TimelineView {
                site: self.site.clone(),
                title: "Timeline".into(),
                url: self.index.config.url("timeline/"),
                events: self.events(None),
            })),
            PageJob::Annotations(Box::new(self.annotations_view())),
            PageJob::Search(Box::new(SimpleView {
                site: self.site.clone(),
                title: "Search".into(),
                url: self.index.config.url("search/"),
            })),
            PageJob::NotFound(Box::new(SimpleView {
                site: self.site.clone(),
                title: "Page not found".into(),
                url: self.index.config.url("404/"),
            })),
        ];
        for (i, article) in c.articles.iter().enumerate() {
            jobs.push(PageJob::Article(Box::new(self.article_view(i))));
            if let Some(from) = self.predecessor(article) {
                jobs.push(PageJob::Changes(Box::new(changes::view(self, i, from))));
            }
        }
        for (i, _) in c.sources.iter().enumerate() {
            jobs.push(PageJob::Source(Box::new(self.source_view(i))));
        }
        for (i, _) in c.figures.iter().enumerate() {
            jobs.push(PageJob::Figure(Box::new(self.figure_view(i))));
        }
        jobs
    }

    /// The version an article was edited from: `edited_from`, else the as-received version.
    pub fn predecessor(&self, article: &Article) -> Option<usize> {
        let articles = &self.content().articles;
        if let Some(from) = &article.meta.edited_from {
            let slug = from.trim_start_matches("articles/");
            return articles
                .iter()
                .position(|a| a.slug == slug && a.slug != article.slug);
        }
        if article.version() == "as-received" {
            return None;
        }
        articles.iter().position(|a| {
            a.article_key() == article.article_key()
                && a.version() == "as-received"
                && a.slug != article.slug
        })
    }

    fn versions(&self, article: &Article) -> Vec<VersionView> {
        self.content()
            .articles
            .iter()
            .filter(|a| a.article_key() == article.article_key())
            .map(|a| VersionView {
                title: a.meta.title.clone(),
                url: self.index.page_url(&a.id),
                version: a.version().to_string(),
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
                    kind: a.kind.as_str().into(),
                    kind_label: a.kind.label().into(),
                    quote: a.quote.clone(),
                    correction: a.correction.clone(),
                    note_html: a.note.as_deref().map(render_inline).unwrap_or_default(),
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
    pub fn all_annotations(&self) -> Vec<AnnotationView> {
        (0..self.content().articles.len())
            .flat_map(|i| self.annotation_views(i))
            .collect()
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
                    kind: source.meta.kind.as_str().into(),
                    role: source.meta.role.clone(),
                    pseudonym: source.meta.pseudonym,
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
            date: meta.date.map(|d| d.to_string()),
            date_human: meta.date.map(|d| d.human()),
            summary: meta.summary.clone(),
            language: meta
                .language
                .clone()
                .unwrap_or_else(|| self.index.config.language.clone()),
            based_on: meta
                .based_on
                .as_deref()
                .filter(|s| self.index.source(s).is_some())
                .map(|s| self.source_link(s)),
            edited_from,
            changes_url,
            body_html: rendered.html.clone(),
            annotations: self.annotation_views(i),
            figures: rendered
                .figures
                .iter()
                .filter_map(|f| {
                    self.index.figure(&f.figure).map(|fig| {
                        self.link(&fig.id, &format!("Figure {}: {}", f.number, fig.meta.title))
                    })
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

    fn uses_of(&self, slug: &str) -> usize {
        self.rendered
            .articles
            .iter()
            .map(|r| {
                r.citations.iter().filter(|c| c.source == slug).count()
                    + r.mentions.iter().filter(|m| m.source == slug).count()
            })
            .sum()
    }

    fn source_groups(&self) -> Vec<SourceGroupView> {
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
                        pseudonym: s.meta.pseudonym,
                        uses: self.uses_of(&s.slug),
                    })
                    .collect();
                sources.sort_by_key(|s| s.title.to_lowercase());
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
        let mut citations = Vec::new();
        let mut mentions = Vec::new();
        for (article, rendered) in self.content().articles.iter().zip(&self.rendered.articles) {
            let page = self.link(&article.id, &article.meta.title);
            for c in rendered.citations.iter().filter(|c| &c.source == slug) {
                citations.push(BacklinkView {
                    page: page.clone(),
                    url: format!("{}#{}", page.url, c.anchor),
                    sentence: c.sentence.clone(),
                    number: Some(c.number),
                });
            }
            for m in rendered.mentions.iter().filter(|m| &m.source == slug) {
                mentions.push(BacklinkView {
                    page: page.clone(),
                    url: format!("{}#{}", page.url, m.anchor),
                    sentence: m.sentence.clone(),
                    number: None,
                });
            }
        }
        let annotations = self
            .all_annotations()
            .into_iter()
            .filter(|a| {
                a.sources
                    .iter()
                    .any(|s| s.url == self.index.source_url(slug))
            })
            .collect();
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
            members: self
                .content()
                .sources
                .iter()
                .filter(|s| s.meta.affiliation.as_deref() == Some(slug))
                .map(|s| self.source_link(&s.slug))
                .collect(),
            external_url: meta.url.clone(),
            published: meta.published.map(|d| d.human()),
            accessed: meta.accessed.map(|d| d.human()),
            pseudonym: meta.pseudonym,
            body_html: self.rendered.sources[i].html.clone(),
            citations,
            mentions,
            figures: self
                .content()
                .figures
                .iter()
                .filter(|f| f.meta.claimed_by.as_deref() == Some(slug))
                .map(|f| self.link(&f.id, &f.meta.title))
                .collect(),
            cited_by_figures: self
                .content()
                .figures
                .iter()
                .filter(|f| f.meta.cites.iter().any(|c| c == slug))
                .map(|f| self.link(&f.id, &f.meta.title))
                .collect(),
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
            value: meta.value.map(crate::chart::format_number),
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
        let mut referenced_in = Vec::new();
        for (article, rendered) in self.content().articles.iter().zip(&self.rendered.articles) {
            if let Some(used) = rendered.figures.iter().find(|f| f.figure == figure.slug) {
                let page = self.link(&article.id, &article.meta.title);
                let url = if used.embedded {
                    format!("{}#fig-{}", page.url, figure.slug)
                } else {
                    page.url.clone()
                };
                referenced_in.push(BacklinkView {
                    page,
                    url,
                    sentence: String::new(),
                    number: Some(used.number),
                });
            }
        }
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

    fn annotations_view(&self) -> AnnotationsView {
        let all = self.all_annotations();
        AnnotationsView {
            site: self.site.clone(),
            title: "Annotations".into(),
            url: self.index.config.url("annotations/"),
            groups: AnnotationKind::ALL
                .iter()
                .filter_map(|kind| {
                    let annotations: Vec<AnnotationView> = all
                        .iter()
                        .filter(|a| a.kind == kind.as_str())
                        .cloned()
                        .collect();
                    (!annotations.is_empty()).then(|| AnnotationGroupView {
                        kind: kind.as_str().into(),
                        label: kind.label().into(),
                        annotations,
                    })
                })
                .collect(),
            jsonld_url: self.index.config.url("annotations.jsonld"),
        }
    }

    fn index_view(&self) -> IndexView {
        let c = self.content();
        let mut groups: Vec<ArticleGroupView> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
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
                groups.push(ArticleGroupView {
                    key,
                    versions,
                    summary,
                });
            }
        }
        let index_page = c.index.as_ref();
        IndexView {
            site: self.site.clone(),
            title: index_page
                .and_then(|p| p.meta.title.clone())
                .unwrap_or_else(|| self.index.config.title.clone()),
            url: self.index.config.url(""),
            summary: index_page
                .and_then(|p| p.meta.summary.clone())
                .or_else(|| Some(self.index.config.description.clone()).filter(|d| !d.is_empty())),
            body_html: self
                .rendered
                .index
                .as_ref()
                .map(|r| r.html.clone())
                .unwrap_or_default(),
            articles: groups,
            figures: c.figures.iter().map(|f| self.figure_summary(f)).collect(),
            key_figures_html: c
                .figures
                .iter()
                .filter(|f| f.meta.kind == crate::model::FigureKind::Stat)
                .take(4)
                .map(|f| figure::embed(self.index, f, None, true))
                .collect(),
            source_groups: self.source_groups(),
            events: self.events(None),
            annotation_count: self.all_annotations().len(),
        }
    }
}
