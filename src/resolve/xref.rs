//! Cross-references: what every id names, and whether every reference resolves.
//!
//! The [`Index`] is built once after loading and is read-only afterwards, so
//! pages can render in parallel. It checks the references written in front
//! matter (`based_on`, `edited_from`, `affiliation`, `claimed_by`, `cites`,
//! image paths); references in Markdown are checked while rendering.

use rustc_hash::FxHashMap;
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, MatchKind};
use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, did_you_mean};
use crate::load::config::Config;
use crate::load::content::is_slug;
use crate::model::{Article, Content, Figure, FigureKind, Page, PageId, Source};
use crate::text::TextMap;

/// Read-only lookups over every loaded page.
pub struct Index<'a> {
    pub config: &'a Config,
    pub content: &'a Content,
    sources: FxHashMap<&'a str, &'a Source>,
    figures: FxHashMap<&'a str, &'a Figure>,
    articles: FxHashMap<&'a str, &'a Article>,
    names: Arc<Names>,
}

/// Every normalised source title and alias with the source it names, and one automaton
/// over them all, built on first use. Shared by every article, and kept across `serve`'s
/// rebuilds while no source's names change.
pub struct Names {
    list: Vec<(String, String)>,
    matcher: OnceLock<Option<AhoCorasick>>,
}

impl Names {
    pub fn of(content: &Content) -> Names {
        let mut list = Vec::new();
        for source in &content.sources {
            for name in std::iter::once(&source.meta.title).chain(&source.meta.aliases) {
                let normalized = TextMap::normalize(name);
                if !normalized.is_empty() {
                    list.push((normalized, source.slug().to_string()));
                }
            }
        }
        Names { list, matcher: OnceLock::new() }
    }
}

/// A wikilink target, resolved.
pub struct Resolved {
    /// The page linked to (`None` for a page that exists but failed to load).
    pub id: Option<PageId>,
    pub url: String,
    pub title: String,
}

/// What kind of thing a reference should name, for messages.
#[derive(Clone, Copy)]
pub enum RefKind {
    Source,
    Figure,
    Page,
}

impl RefKind {
    fn noun(self) -> &'static str {
        match self {
            RefKind::Source => "source",
            RefKind::Figure => "figure",
            RefKind::Page => "page",
        }
    }
}

impl<'a> Index<'a> {
    pub fn new(config: &'a Config, content: &'a Content) -> Index<'a> {
        Index::with_names(config, content, Arc::new(Names::of(content)))
    }

    /// An index reusing `names` (which must be [`Names::of`] the same sources).
    pub fn with_names(config: &'a Config, content: &'a Content, names: Arc<Names>) -> Index<'a> {
        let sources: FxHashMap<&str, &Source> = content.sources.iter().map(|s| (s.slug(), s)).collect();
        Index {
            config,
            content,
            sources,
            figures: content.figures.iter().map(|f| (f.slug(), f)).collect(),
            articles: content.articles.iter().map(|a| (a.slug(), a)).collect(),
            names,
        }
    }

    pub fn shared_names(&self) -> Arc<Names> {
        self.names.clone()
    }

    /// Finds source names, longest match first (`None` when there are no sources).
    pub fn name_matcher(&self) -> Option<&AhoCorasick> {
        let names = &self.names;
        names
            .matcher
            .get_or_init(|| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(names.list.iter().map(|(n, _)| n.as_str()))
                    .ok()
            })
            .as_ref()
    }

    pub fn source(&self, slug: &str) -> Option<&'a Source> {
        self.sources.get(slug).copied()
    }

    pub fn figure(&self, slug: &str) -> Option<&'a Figure> {
        self.figures.get(slug).copied()
    }

    pub fn article(&self, slug: &str) -> Option<&'a Article> {
        self.articles.get(slug).copied()
    }

    /// Is `slug` a page that exists but failed to load? Its own error was
    /// reported; references to it are not reported again as unknown.
    pub fn unloaded(&self, slug: &str) -> bool {
        self.content.partial || self.content.unloaded.iter().any(|s| s == slug)
    }

    /// Source names for auto-linking: (normalised name, source slug).
    pub fn names(&self) -> &[(String, String)] {
        &self.names.list
    }

    /// The site-relative URL of a page (`sources/x` → `/base/sources/x/`).
    pub fn page_url(&self, id: &PageId) -> String {
        match id.section() {
            Some(section) => self.section_url(section, id.slug()),
            None => self.config.url(&id.url_path()),
        }
    }

    pub fn source_url(&self, slug: &str) -> String {
        self.section_url("sources", slug)
    }

    pub fn figure_url(&self, slug: &str) -> String {
        self.section_url("figures", slug)
    }

    /// `config.url(&id.url_path())` for a page of `section`, made in one allocation (pages
    /// link to tens of thousands of pages at 10,000 pages).
    fn section_url(&self, section: &str, slug: &str) -> String {
        let base = &self.config.base_path;
        let mut url = String::with_capacity(base.len() + section.len() + slug.len() + 2);
        url.push_str(base);
        url.push_str(section);
        url.push('/');
        url.push_str(slug);
        url.push('/');
        url
    }

    /// A source's display name: its title, marked where the name was changed.
    pub fn source_name(&self, slug: &str) -> String {
        self.source(slug).map_or_else(|| slug.to_string(), |s| s.meta.title.clone())
    }

    /// Resolves a wikilink target (`sources/x`, `x`, `x#part`) to the page it names.
    pub fn resolve_page(&self, target: &str) -> Result<Resolved, (String, Option<String>)> {
        let (id, fragment) = match target.split_once('#') {
            Some((id, fragment)) => (id.trim().trim_matches('/'), Some(fragment)),
            None => (target.trim().trim_matches('/'), None),
        };
        let title_of = |page: PageId| {
            let title = match &page {
                PageId::Article(slug) => self.article(slug).map(|a| a.meta.title.clone()),
                PageId::Source(slug) => self.source(slug).map(|s| s.meta.title.clone()),
                PageId::Figure(slug) => self.figure(slug).map(|f| f.meta.title.clone()),
                PageId::Landing => Some(self.config.title.clone()),
            };
            title.map(|title| (page, title))
        };
        let found = match id.parse::<PageId>() {
            _ if id.is_empty() => title_of(PageId::Landing),
            Ok(page) => title_of(page),
            Err(_) if id.contains('/') => None,
            // A bare slug: a source, else a figure, else an article of that name.
            Err(_) => title_of(PageId::Source(id.to_string()))
                .or_else(|| title_of(PageId::Figure(id.to_string())))
                .or_else(|| title_of(PageId::Article(id.to_string()))),
        };
        let Some((page, title)) = found else {
            let slug = id.rsplit('/').next().unwrap_or(id);
            if self.unloaded(slug) {
                // The page exists but failed to load; its own error was reported.
                return Ok(Resolved { id: None, url: "#".into(), title: slug.to_string() });
            }
            return Err(self.unknown(RefKind::Page, id));
        };
        let url = self.page_url(&page);
        let url = fragment.map_or(url.clone(), |f| format!("{url}#{f}"));
        Ok(Resolved { id: Some(page), url, title })
    }

    /// "unknown source `nug`" with a "did you mean" where one is close.
    pub fn unknown(&self, kind: RefKind, id: &str) -> (String, Option<String>) {
        let candidates: Vec<String> = match kind {
            RefKind::Source => self.sources.keys().map(|s| s.to_string()).collect(),
            RefKind::Figure => self.figures.keys().map(|s| format!("fig-{s}")).collect(),
            RefKind::Page => self
                .content
                .sources
                .iter()
                .map(|p| p.id.to_string())
                .chain(self.content.figures.iter().map(|p| p.id.to_string()))
                .chain(self.content.articles.iter().map(|p| p.id.to_string()))
                .collect(),
        };
        let shown = match kind {
            RefKind::Figure => format!("fig-{id}"),
            _ => id.to_string(),
        };
        let slug = id.rsplit('/').next().unwrap_or(id);
        if self.content.drafts.iter().any(|d| d == slug) {
            return (
                format!("{} `{shown}` is a draft, left out of this build", kind.noun()),
                Some(format!(
                    "remove `draft: true` from its front matter, build with `--drafts`, or stop referring to `{slug}`"
                )),
            );
        }
        let message = format!("unknown {} `{shown}`", kind.noun());
        let help = did_you_mean(&shown, candidates.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| match kind {
                RefKind::Source => {
                    Some(format!("create `{}`, or run `dossier new source {id}`", PageId::Source(id.into()).file()))
                }
                RefKind::Figure => {
                    Some(format!("create `{}`, or run `dossier new figure {id}`", PageId::Figure(id.into()).file()))
                }
                RefKind::Page => None,
            });
        (message, help)
    }

    /// Checks the front matter of the pages whose id `wanted` accepts.
    pub fn check_pages(&self, wanted: impl Fn(&PageId) -> bool, diagnostics: &Diagnostics) {
        for article in self.content.articles.iter().filter(|p| wanted(&p.id)) {
            self.check_article(article, diagnostics);
        }
        for source in self.content.sources.iter().filter(|p| wanted(&p.id)) {
            if let Some(affiliation) = &source.meta.affiliation {
                self.expect_source(source, "affiliation", affiliation, diagnostics);
            }
            if let Some(url) = source.meta.url.as_deref().filter(|u| !crate::text::html::is_safe_url(u)) {
                push(
                    diagnostics,
                    source,
                    "url:",
                    url,
                    format!("`url` {url:?} is not a web address dossier links to"),
                    Some("write an `https://` (or `http://`, `mailto:`) address; other schemes such as `javascript:` are refused".into()),
                );
            }
            if let Some(archive) = source.meta.archive_url.as_deref() {
                check_archive_url(source, archive, diagnostics);
            }
        }
        for figure in self.content.figures.iter().filter(|p| wanted(&p.id)) {
            self.check_figure(figure, diagnostics);
        }
    }

    fn check_article(&self, article: &Article, diagnostics: &Diagnostics) {
        if let Some(based_on) = &article.meta.based_on {
            self.expect_source(article, "based_on", based_on, diagnostics);
        }
        if let (Some(from), Some(slug)) = (&article.meta.edited_from, article.edited_from())
            && self.article(slug).is_none()
            && !self.unloaded(slug)
        {
            let (message, help) = self.unknown(RefKind::Page, from);
            push(diagnostics, article, "edited_from", from, format!("`edited_from`: {message}"), help);
        }
        if let Some(cycle) = self.edited_from_cycle(article) {
            let from = article.meta.edited_from.as_deref().unwrap_or("");
            push(
                diagnostics,
                article,
                "edited_from",
                from,
                format!("`edited_from` goes round in a circle: {}", cycle.join(" → ")),
                Some("one version must be the original: remove `edited_from` from it (an `as-received` version needs none)".into()),
            );
        }
        let mut ids: FxHashMap<String, usize> = FxHashMap::default();
        for (i, annotation) in article.meta.annotations.iter().enumerate() {
            for cite in &annotation.cites {
                self.expect_source(article, "cites", cite, diagnostics);
            }
            if let Some(id) = &annotation.id {
                if !is_slug(id) {
                    push(
                        diagnostics,
                        article,
                        "id:",
                        id,
                        format!("annotation id `{id}` is not a lower-case slug"),
                        Some("use lower-case letters, digits and hyphens".into()),
                    );
                }
                if let Some(first) = ids.insert(id.clone(), i) {
                    push(
                        diagnostics,
                        article,
                        "id:",
                        id,
                        format!("duplicate annotation id `{id}` (annotations {} and {})", first + 1, i + 1),
                        Some("give each annotation of an article its own id".into()),
                    );
                }
            }
        }
        for event in &article.meta.events {
            for cite in &event.cites {
                self.expect_source(article, "events", cite, diagnostics);
            }
        }
    }

    /// The versions around a circle of `edited_from` that starts at `article`, reported only
    /// for the circle's first slug in alphabetical order (so it is said once).
    fn edited_from_cycle(&self, article: &Article) -> Option<Vec<String>> {
        let mut chain = vec![article.slug().to_string()];
        let mut at = article;
        while let Some(from) = at.edited_from() {
            let next = self.article(from)?;
            if next.slug() == article.slug() {
                chain.push(article.slug().to_string());
                let first = chain.iter().min()?;
                return (*first == article.slug()).then_some(chain);
            }
            if chain.iter().any(|s| s == next.slug()) || chain.len() > self.content.articles.len() {
                return None; // a circle that does not pass through `article`
            }
            chain.push(next.slug().to_string());
            at = next;
        }
        None
    }

    fn check_figure(&self, figure: &Figure, diagnostics: &Diagnostics) {
        let meta = &figure.meta;
        if let Some(claimant) = &meta.claimed_by {
            self.expect_source(figure, "claimed_by", claimant, diagnostics);
        }
        for cite in &meta.cites {
            self.expect_source(figure, "cites", cite, diagnostics);
        }
        let missing = |field: &str, why: &str| {
            diagnostics.push(
                Diagnostic::error(&figure.path, format!("a figure of kind `{}` needs `{field}`", meta.kind.as_str()))
                    .at(figure.locate("kind:"))
                    .help(why.to_string()),
            );
        };
        match meta.kind {
            FigureKind::Stat if meta.value.is_none() => missing("value", "add `value: <number>`"),
            FigureKind::Chart if meta.chart.as_ref().is_none_or(|c| c.series.is_empty()) => {
                missing("chart", "add `chart: { type: bar, series: [{ label: \"…\", value: 1 }] }`")
            }
            FigureKind::Image if meta.image.is_none() => missing("image", "add `image: static/<file>`"),
            FigureKind::Image if meta.alt.as_deref().is_none_or(|a| a.trim().is_empty()) => {
                missing("alt", "add `alt:` describing the image for readers who cannot see it")
            }
            _ => {}
        }
        let values = meta.value.iter().chain(meta.chart.iter().flat_map(|c| c.series.iter().map(|p| &p.value)));
        if let Some(&value) = values.into_iter().find(|v| !v.is_finite() || v.abs() > MAX_VALUE) {
            let written = written_value(figure, value);
            push(
                diagnostics,
                figure,
                "value:",
                &written,
                format!("figure value `{written}` is not a number dossier can show"),
                Some("write a finite number up to 1e15; for larger scales use `unit:`, e.g. `value: 2.5` with `unit: billion`".into()),
            );
        }
        if let Some(image) = &meta.image
            && let Err((message, help)) = self.check_static_path(image)
        {
            push(diagnostics, figure, "image:", image, message, Some(help));
        }
    }

    /// A path to a file under `content/static/`, refused if it leaves that folder.
    pub fn check_static_path(&self, path: &str) -> Result<(), (String, String)> {
        let relative = Path::new(path);
        let escapes = relative.is_absolute()
            || relative
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir | std::path::Component::Prefix(_)));
        if escapes {
            return Err((
                format!("image path `{path}` leaves `content/static/`"),
                "images must be files under `content/static/`, written as `static/<file>`".into(),
            ));
        }
        if !path.starts_with("static/") {
            return Err((
                format!("image `{path}` is not under `static/`"),
                format!(
                    "images are files of the dossier, so that the site is complete and checked at build time: \
                     put the file at `content/static/{}` and write `static/{}`",
                    path.trim_start_matches("./"),
                    path.trim_start_matches("./")
                ),
            ));
        }
        if !self.content.static_files.iter().any(|f| f == relative) {
            let names: Vec<String> = self.content.static_files.iter().map(|f| f.display().to_string()).collect();
            let help = did_you_mean(path, names.iter().map(String::as_str))
                .map_or_else(|| format!("put the file at `content/{path}`"), |s| format!("did you mean `{s}`?"));
            return Err((format!("image `{path}` not found in `content/static/`"), help));
        }
        Ok(())
    }

    fn expect_source<M>(&self, page: &Page<M>, field: &str, id: &str, diagnostics: &Diagnostics) {
        if self.source(id).is_none() && !self.unloaded(id) {
            let (message, help) = self.unknown(RefKind::Source, id);
            push(diagnostics, page, field, id, format!("`{field}`: {message}"), help);
        }
    }
}

/// How `value` is written in the figure's front matter (`1e20`, `.inf`), for the caret.
fn written_value(figure: &Figure, value: f64) -> String {
    let front = &figure.raw[..figure.body_start];
    let same = |v: f64| v.to_bits() == value.to_bits() || (v.is_nan() && value.is_nan());
    front
        .match_indices("value:")
        .map(|(i, m)| {
            let rest = &front[i + m.len()..];
            rest[..rest.find([',', '}', '\n', '#']).unwrap_or(rest.len())].trim()
        })
        .find(|token| serde_yaml::from_str::<f64>(token).is_ok_and(same))
        .unwrap_or("value")
        .to_string()
}

/// `archive_url:` is a web address of an archived copy of the source's `url`.
fn check_archive_url(source: &Source, archive: &str, diagnostics: &Diagnostics) {
    let web = archive.starts_with("https://") || archive.starts_with("http://");
    if !web {
        let help = "write the `https://` address of the copy, e.g. \
                    `https://web.archive.org/web/2024/https://example.org/page` or `https://perma.cc/ABCD-1234`";
        let message = format!("`archive_url` {archive:?} is not a web address");
        push(diagnostics, source, "archive_url:", archive, message, Some(help.into()));
    } else if source.meta.url.is_none() {
        let message = "`archive_url` is an archived copy of the source's `url`, and this source has none".to_string();
        let help = "add `url:` with the live address the copy was made from";
        push(diagnostics, source, "archive_url:", archive, message, Some(help.into()));
    }
}

/// The largest figure value shown exactly (integers are exact up to 2^53 ≈ 9e15).
const MAX_VALUE: f64 = 1e15;

fn push<M>(diagnostics: &Diagnostics, page: &Page<M>, field: &str, value: &str, message: String, help: Option<String>) {
    let location: Option<Location> = page.locate_after(field, value).or_else(|| page.locate(value));
    diagnostics.push(Diagnostic::error(&page.path, message).at(location).help_opt(help));
}
