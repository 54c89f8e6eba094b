//! Page ids: which page of a dossier something is about, checked by the
//! compiler instead of spelled as `"sources/x"` strings.
//!
//! A page's id is its path under `content/` without `.md`: `articles/x`,
//! `sources/x`, `figures/x`, and `_index` for the landing page. This module is
//! the one place that turns an id into text ([`fmt::Display`]) and text back
//! into an id ([`PageId::from_str`]); everything else matches on the enum.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// One page of the dossier. Ordered as the site lists them: articles, sources,
/// figures, then the landing page.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PageId {
    Article(String),
    Source(String),
    Figure(String),
    /// `content/_index.md`.
    Landing,
}

/// The id text of the landing page.
const LANDING: &str = "_index";

impl PageId {
    /// The page of `section` (`articles`, `sources`, `figures`, or `_index`) named `slug`.
    pub fn new(section: &str, slug: &str) -> Option<PageId> {
        match section {
            "articles" => Some(PageId::Article(slug.to_string())),
            "sources" => Some(PageId::Source(slug.to_string())),
            "figures" => Some(PageId::Figure(slug.to_string())),
            LANDING if slug.is_empty() || slug == LANDING => Some(PageId::Landing),
            _ => None,
        }
    }

    /// The page of the Markdown file at `rel`, a path under `content/` (`sources/x.md`);
    /// `None` for files that are not pages.
    pub fn of_file(rel: &Path) -> Option<PageId> {
        let text = rel.with_extension("").to_string_lossy().replace('\\', "/");
        text.parse().ok()
    }

    /// The name other pages use for it: the id's last part (`phil-robertson`), `_index`
    /// for the landing page.
    pub fn slug(&self) -> &str {
        match self {
            PageId::Article(s) | PageId::Source(s) | PageId::Figure(s) => s,
            PageId::Landing => LANDING,
        }
    }

    /// The folder of `content/` (and of the site) that holds it: `articles`, `sources`,
    /// `figures`; `None` for the landing page.
    pub fn section(&self) -> Option<&'static str> {
        match self {
            PageId::Article(_) => Some("articles"),
            PageId::Source(_) => Some("sources"),
            PageId::Figure(_) => Some("figures"),
            PageId::Landing => None,
        }
    }

    /// Its folder in the site, relative to the site's root: `sources/x/`, and `` for the
    /// landing page.
    pub fn url_path(&self) -> String {
        match self.section() {
            Some(section) => format!("{section}/{}/", self.slug()),
            None => String::new(),
        }
    }

    /// Its Markdown file, relative to the project: `content/sources/x.md`.
    pub fn file(&self) -> String {
        format!("content/{self}.md")
    }

    pub fn is_article(&self) -> bool {
        matches!(self, PageId::Article(_))
    }
}

impl fmt::Display for PageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.section() {
            Some(section) => write!(f, "{section}/{}", self.slug()),
            None => f.write_str(LANDING),
        }
    }
}

/// Text that names no page: not `section/slug` with a known section, nor `_index`.
#[derive(Debug, PartialEq, Eq)]
pub struct NotAPageId;

impl FromStr for PageId {
    type Err = NotAPageId;

    /// `articles/x`, `sources/x`, `figures/x` or `_index`.
    fn from_str(text: &str) -> Result<PageId, NotAPageId> {
        if text == LANDING {
            return Ok(PageId::Landing);
        }
        match text.split_once('/') {
            Some((section, slug)) if !slug.is_empty() && !slug.contains('/') && section != LANDING => {
                PageId::new(section, slug).ok_or(NotAPageId)
            }
            _ => Err(NotAPageId),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{NotAPageId, PageId};

    #[test]
    fn ids_read_and_print_as_their_paths_under_content() {
        let cases = [
            ("articles/defectors", Ok(PageId::Article("defectors".into()))),
            ("sources/phil-robertson", Ok(PageId::Source("phil-robertson".into()))),
            ("figures/strength", Ok(PageId::Figure("strength".into()))),
            ("_index", Ok(PageId::Landing)),
            ("static/map", Err(NotAPageId)),
            ("sources/", Err(NotAPageId)),
            ("sources/a/b", Err(NotAPageId)),
            ("phil-robertson", Err(NotAPageId)),
            ("_index/x", Err(NotAPageId)),
        ];
        for (text, expected) in cases {
            let parsed = text.parse::<PageId>();
            assert_eq!(parsed, expected, "{text}");
            if let Ok(id) = parsed {
                assert_eq!(id.to_string(), text);
            }
        }
        assert_eq!(PageId::of_file(Path::new("sources/x.md")), Some(PageId::Source("x".into())));
        assert_eq!(PageId::Source("x".into()).url_path(), "sources/x/");
        assert_eq!(PageId::Landing.url_path(), "");
        assert_eq!(PageId::Figure("f".into()).file(), "content/figures/f.md");
    }
}
