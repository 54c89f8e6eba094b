//! One entry point for `cargo fuzz` (see `fuzz/`), not part of the public API.
//!
//! It runs, on arbitrary bytes, what every article goes through: the
//! front-matter split and strict YAML parsing, front-matter reference
//! checks, Markdown rendering with the dossier's extensions, quote
//! anchoring, and the printing of every diagnostic found. Anything that
//! panics here would panic `dossier build` on a user's file.

use std::path::{Path, PathBuf};

use crate::config::{Autolink, Config};
use crate::content::parse_page;
use crate::diagnostics::Diagnostics;
use crate::markdown::{self, RenderOptions};
use crate::model::{Article, ArticleMeta, Content, Figure, Source};
use crate::xref::Index;

/// Loads `input` as `content/articles/fuzz.md` among a few fixed pages and renders it.
pub fn article(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let config = config();
    let diagnostics = Diagnostics::default();
    let file = Path::new("content/articles/fuzz.md");
    let article: Article =
        parse_page(file, "articles/fuzz", text.to_string(), &diagnostics).unwrap_or_else(|| plain_article(text));
    let mut content = fixed_pages(&diagnostics);
    content.articles.push(article);
    let index = Index::new(&config, &content);
    index.check_front_matter(&diagnostics);
    let article = &content.articles[content.articles.len() - 1];
    let rendered = markdown::render(
        &RenderOptions {
            index: &index,
            file,
            body: &article.body,
            body_line: article.body_line,
            raw: &article.raw,
            annotations: &article.meta.annotations,
            autolink: Some(Autolink::All),
        },
        &diagnostics,
    );
    assert!(rendered.html.len() < 64 * (text.len() + 1024), "HTML grew out of proportion");
    for diagnostic in diagnostics.snapshot() {
        let _ = diagnostic.render(true);
    }
}

/// An article whose whole text is its body, for inputs whose front matter is broken.
fn plain_article(text: &str) -> Article {
    Article {
        id: "articles/fuzz".into(),
        slug: "fuzz".into(),
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
            draft: false,
        },
        body: text.to_string(),
        body_line: 1,
        raw: text.to_string(),
    }
}

/// A source with aliases (for auto-links), a figure and an earlier version.
fn fixed_pages(diagnostics: &Diagnostics) -> Content {
    let source: Option<Source> = page(
        diagnostics,
        "content/sources/outlet.md",
        "sources/outlet",
        "---\ntitle: The Outlet\nkind: outlet\naliases: [Outlet, Army]\n---\nAn outlet.\n",
    );
    let figure: Option<Figure> = page(
        diagnostics,
        "content/figures/strength.md",
        "figures/strength",
        "---\ntitle: Strength\nkind: stat\nvalue: 2000\nclaimed_by: outlet\n---\n",
    );
    let earlier: Option<Article> = page(
        diagnostics,
        "content/articles/earlier.md",
        "articles/earlier",
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
    id: &str,
    text: &str,
) -> Option<crate::model::Page<M>> {
    parse_page(Path::new(path), id, text.to_string(), diagnostics)
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
        drafts: false,
    }
}
