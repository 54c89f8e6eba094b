//! The entry points for `cargo fuzz` (see `fuzz/`), not part of the public API.
//!
//! [`front_matter`] runs hostile YAML through every page type; [`annotations`] places
//! overlapping, nested and `occurrence: all` annotations with hostile notes; [`article`]
//! runs, on arbitrary bytes, what every article goes through: the
//! front-matter split and strict YAML parsing, front-matter reference
//! checks, Markdown rendering with the dossier's extensions, quote
//! anchoring, and the printing of every diagnostic found. Anything that
//! panics here would panic `dossier build` on a user's file.

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostics;
use crate::load::config::{Autolink, Config};
use crate::load::content::parse_page;
use crate::model::{Article, ArticleMeta, Content, Figure, PageId, Source};
use crate::render::markdown::{self, RenderOptions};
use crate::resolve::xref::Index;

/// Loads `input` as `content/articles/fuzz.md` among a few fixed pages and renders it.
pub fn article(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let config = config();
    let diagnostics = Diagnostics::default();
    let file = Path::new("content/articles/fuzz.md");
    let article: Article = parse_page(file, &PageId::Article("fuzz".into()), text.to_string(), &diagnostics)
        .unwrap_or_else(|| plain_article(text));
    let mut content = fixed_pages(&diagnostics);
    content.articles.push(article);
    let index = Index::new(&config, &content);
    crate::resolve::check_pages(&index, |_| true, &diagnostics);
    let article = &content.articles[content.articles.len() - 1];
    let rendered = markdown::render(
        &RenderOptions {
            index: &index,
            file,
            body: article.body(),
            body_line: article.body_line,
            raw: &article.raw,
            annotations: &article.meta.annotations,
            autolink: Some(Autolink::All),
            smart_punctuation: true,
        },
        &diagnostics,
    );
    assert!(rendered.html.len() < 64 * (text.len() + 1024), "HTML grew out of proportion");
    for diagnostic in diagnostics.snapshot() {
        let _ = diagnostic.render(true);
    }
}

/// Parses `input` as the front matter of every kind of page, the way `build` reads a file
/// (lone CRs as line ends, the nesting limit, YAML errors mapped to lines), and prints every
/// diagnostic. Anything that panics or hangs here would do so on a user's (or a stranger's) file.
pub fn front_matter(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let text = crate::load::content::lone_cr_to_lf(text.to_string());
    let diagnostics = Diagnostics::default();
    let _: Option<Article> =
        parse_page(Path::new("content/articles/a.md"), &PageId::Article("a".into()), text.clone(), &diagnostics);
    let _: Option<Source> =
        parse_page(Path::new("content/sources/s.md"), &PageId::Source("s".into()), text.clone(), &diagnostics);
    let _: Option<Figure> =
        parse_page(Path::new("content/figures/f.md"), &PageId::Figure("f".into()), text.clone(), &diagnostics);
    let index: Option<crate::model::Page<crate::model::IndexMeta>> =
        parse_page(Path::new("content/_index.md"), &PageId::Landing, text, &diagnostics);
    drop(index);
    for diagnostic in diagnostics.snapshot() {
        let rendered = diagnostic.render(false);
        assert!(!rendered.contains('\u{1b}'), "a diagnostic printed a raw escape: {rendered:?}");
    }
}

/// Places annotations on an article. Input: Markdown body, a line `===`, then one annotation
/// per line as `quote<TAB>prefix<TAB>suffix<TAB>occurrence<TAB>note` (occurrence `all`, a
/// number, or empty). Checks that the page stays in proportion to the article however the
/// annotations overlap, and that no note can put script into it.
pub fn annotations(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let (body, specs) = text.split_once("\n===\n").unwrap_or((text, ""));
    let annotations: Vec<crate::model::Annotation> = specs.lines().take(200).map(annotation).collect();
    let config = config();
    let diagnostics = Diagnostics::default();
    let mut content = fixed_pages(&diagnostics);
    let mut article = plain_article(body);
    article.meta.annotations = annotations;
    content.articles.push(article);
    let index = Index::new(&config, &content);
    let article = &content.articles[content.articles.len() - 1];
    let rendered = markdown::render(
        &RenderOptions {
            index: &index,
            file: Path::new("content/articles/fuzz.md"),
            body: article.body(),
            body_line: 1,
            raw: &article.raw,
            annotations: &article.meta.annotations,
            autolink: Some(Autolink::All),
            smart_punctuation: true,
        },
        &diagnostics,
    );
    let notes: usize = article.meta.annotations.iter().map(|a| a.note.as_deref().map_or(0, str::len)).sum();
    assert!(rendered.html.len() < 64 * (body.len() + notes + 1024), "HTML grew out of proportion");
    for note in article.meta.annotations.iter().filter_map(|a| a.note.as_deref()) {
        let html = markdown::render_inline(note).to_ascii_lowercase();
        // Every real tag (text `<` is escaped) is one Markdown makes, with no handler or script URL.
        for tag in html.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
            let name = tag.trim_start_matches('/').split([' ', '/']).next().unwrap_or("");
            let allowed = ["a", "em", "strong", "del", "code", "br", "img", "sup", "sub"];
            assert!(allowed.contains(&name), "tag <{tag}> in note HTML: {html}");
            for (attribute, value) in attributes(tag) {
                assert!(["href", "src", "alt", "title"].contains(&attribute), "attribute {attribute} in <{tag}>");
                if attribute == "href" || attribute == "src" {
                    assert!(crate::text::html::is_safe_url(value.trim()) || value.is_empty(), "unsafe URL in <{tag}>");
                }
            }
        }
    }
    for diagnostic in diagnostics.snapshot() {
        let _ = diagnostic.render(true);
    }
}

/// The `name="value"` attributes of a tag as html5ever serialises them (values in double
/// quotes, `"` inside escaped).
fn attributes(tag: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = tag.split_once(' ').map_or("", |(_, r)| r);
    while let Some((name, after)) = rest.trim_start().split_once("=\"") {
        let Some((value, tail)) = after.split_once('"') else { break };
        found.push((name.trim(), value));
        rest = tail;
    }
    found
}

fn annotation(line: &str) -> crate::model::Annotation {
    let mut fields = line.split('\t');
    let mut annotation =
        crate::model::Annotation::new(fields.next().unwrap_or(""), crate::model::AnnotationKind::Context);
    let mut optional = || fields.next().filter(|f| !f.is_empty()).map(str::to_string);
    annotation.prefix = optional();
    annotation.suffix = optional();
    annotation.occurrence = optional().and_then(|o| match o.as_str() {
        "all" => Some(crate::model::Occurrence::All),
        n => n.parse().ok().filter(|n| *n > 0).map(crate::model::Occurrence::Nth),
    });
    annotation.note = optional();
    annotation
}

/// An article whose whole text is its body, for inputs whose front matter is broken.
fn plain_article(text: &str) -> Article {
    Article {
        id: PageId::Article("fuzz".into()),
        path: PathBuf::from("content/articles/fuzz.md"),
        meta: ArticleMeta {
            title: "Fuzz".into(),
            article: None,
            version: None,
            edited_from: None,
            date: None,
            updated: None,
            language: None,
            based_on: None,
            summary: None,
            annotations: Vec::new(),
            events: Vec::new(),
            smart_punctuation: None,
            draft: false,
        },
        body_start: 0,
        body_line: 1,
        raw: text.to_string(),
    }
}

/// A source with aliases (for auto-links), a figure and an earlier version.
fn fixed_pages(diagnostics: &Diagnostics) -> Content {
    let source: Option<Source> = page(
        diagnostics,
        "content/sources/outlet.md",
        PageId::Source("outlet".into()),
        "---\ntitle: The Outlet\nkind: outlet\naliases: [Outlet, Army]\n---\nAn outlet.\n",
    );
    let figure: Option<Figure> = page(
        diagnostics,
        "content/figures/strength.md",
        PageId::Figure("strength".into()),
        "---\ntitle: Strength\nkind: stat\nvalue: 2000\nclaimed_by: outlet\n---\n",
    );
    let earlier: Option<Article> = page(
        diagnostics,
        "content/articles/earlier.md",
        PageId::Article("earlier".into()),
        "---\ntitle: Earlier\nversion: as-received\n---\nThe army said so.\n",
    );
    Content {
        sources: source.into_iter().collect(),
        figures: figure.into_iter().collect(),
        articles: earlier.into_iter().collect(),
        static_files: vec![PathBuf::from("static/map.svg")],
        index: None,
        ..Content::default()
    }
}

fn page<M: serde::de::DeserializeOwned>(
    diagnostics: &Diagnostics,
    path: &str,
    id: PageId,
    text: &str,
) -> Option<crate::model::Page<M>> {
    parse_page(Path::new(path), &id, text.to_string(), diagnostics)
}

fn config() -> Config {
    Config {
        root: PathBuf::from("."),
        title: "Fuzz".into(),
        description: String::new(),
        base_url: "https://example.org/sub/".into(),
        base_path: "/sub/".into(),
        language: "en".into(),
        theme: "default".into(),
        autolink: Autolink::All,
        highlight_theme: "InspiredGitHub".into(),
        search: true,
        publisher: None,
        ratings: Default::default(),
        drafts: false,
        timings: false,
        cache: false,
    }
}
