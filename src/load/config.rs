//! `dossier.yaml` plus command-line overrides, resolved into one [`Config`].
//!
//! The raw file is parsed strictly (unknown keys are errors naming the
//! expected ones); everything downstream reads only the resolved settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::load::yaml::{parse_all, too_deep, too_deep_diagnostic};

/// How source names in article prose become links.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Autolink {
    /// The first mention of each source in each article.
    #[default]
    First,
    All,
    Off,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    title: String,
    description: Option<String>,
    base_url: String,
    language: Option<String>,
    theme: Option<String>,
    #[serde(default)]
    autolink: Autolink,
    highlight_theme: Option<String>,
    #[serde(default = "enabled")]
    search: bool,
}

fn enabled() -> bool {
    true
}

/// Settings given on the command line that override the file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Print each build phase's time (`--verbose`).
    pub timings: bool,
}

/// The resolved settings of one build.
#[derive(Clone, Debug)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/` (`/dossier/`).
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub autolink: Autolink,
    pub highlight_theme: String,
    /// Whether the site has a search page and index (`search: false` leaves both out).
    pub search: bool,
    pub drafts: bool,
    /// Print each build phase's time (`--verbose`).
    pub timings: bool,
}

pub const CONFIG_FILE: &str = "dossier.yaml";

impl Config {
    /// Reads `dossier.yaml` under `root` and applies `overrides`.
    pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let text = crate::load::confine::read_text(root, &path).map_err(|e| {
            let mut d = Diagnostic::error(CONFIG_FILE, format!("cannot read the site configuration: {e}")).usage();
            if e.kind() == std::io::ErrorKind::NotFound {
                let misspelt = ["dossier.yml", "Dossier.yaml", "dosier.yaml", "config.yaml"]
                    .into_iter()
                    .find(|name| root.join(name).exists());
                d = d.help(match misspelt {
                    Some(name) => format!("found `{name}`; rename it to `{CONFIG_FILE}`"),
                    None => format!(
                        "run dossier in the project folder, or pass `--root DIR`; `{}` has no `{CONFIG_FILE}`",
                        root.display()
                    ),
                });
            }
            d
        })?;
        if let Some(offset) = too_deep(&text) {
            return Err(too_deep_diagnostic(Path::new(CONFIG_FILE), &text, 0, offset));
        }
        // The first problem only: a `Config` is one diagnostic or none (a mis-indented line
        // is reported as such, as in pages).
        let raw: RawConfig = parse_all(Path::new(CONFIG_FILE), &text, &text, 1).map_err(|all| {
            all.into_iter().next().unwrap_or_else(|| Diagnostic::error(CONFIG_FILE, "invalid configuration"))
        })?;
        let base_url = overrides.base_url.clone().unwrap_or(raw.base_url);
        let (base_url, base_path) = split_base_url(&base_url).map_err(|message| {
            Diagnostic::error(CONFIG_FILE, message)
                .help("write an absolute URL such as `https://example.org/dossier/` or a path such as `/dossier/`")
        })?;
        let theme = raw.theme.unwrap_or_else(|| "default".into());
        if theme.is_empty() || theme.starts_with('.') || theme.contains(['/', '\\', '\0']) {
            let at = crate::diagnostics::Location::at_offset(&text, text.find("theme:").unwrap_or(0), 1);
            return Err(Diagnostic::error(CONFIG_FILE, format!("theme `{theme}` is not a folder name in `themes/`"))
                .at(Some(at))
                .help("name a folder directly inside `themes/`, such as `theme: default`"));
        }
        Ok(Config {
            root: root.to_path_buf(),
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            base_url,
            base_path,
            language: raw.language.unwrap_or_else(|| "en".into()),
            theme,
            autolink: raw.autolink,
            highlight_theme: raw.highlight_theme.unwrap_or_else(|| "InspiredGitHub".into()),
            search: raw.search,
            drafts: overrides.drafts,
            timings: overrides.timings,
        })
    }

    /// The site-relative URL of a page or file: `url("sources/x/")` → `/dossier/sources/x/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute URL, for feeds, sitemaps and JSON-LD.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }
}

/// Splits a base URL into its normalised absolute form and its path.
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    if let Some(bad) = url.chars().find(|c| c.is_control() || c.is_whitespace() || matches!(c, '"' | '<' | '>' | '\\'))
    {
        return Err(format!("base_url {url:?} contains {bad:?}, which a URL cannot hold"));
    }
    let (origin, path) = if let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) {
        let scheme_len = url.len() - rest.len();
        let host_end = rest.find('/').unwrap_or(rest.len());
        if host_end == 0 {
            return Err(format!("base_url `{url}` has no host"));
        }
        (&url[..scheme_len + host_end], &rest[host_end..])
    } else if url.starts_with('/') {
        ("", url)
    } else {
        return Err(format!("base_url `{url}` is neither an absolute http(s) URL nor a path"));
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let mut path = format!("/{}", path.trim_matches('/'));
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((format!("{origin}{path}"), path))
}

#[cfg(test)]
mod tests {
    use super::split_base_url;

    #[test]
    fn base_urls_split_into_origin_and_path() {
        let cases = [
            ("https://example.org/dossier/", "https://example.org/dossier/", "/dossier/"),
            ("https://example.org/dossier", "https://example.org/dossier/", "/dossier/"),
            ("https://example.org", "https://example.org/", "/"),
            ("http://127.0.0.1:1111/", "http://127.0.0.1:1111/", "/"),
            ("/sub/path", "/sub/path/", "/sub/path/"),
        ];
        for (input, base, path) in cases {
            assert_eq!(split_base_url(input), Ok((base.into(), path.into())), "{input}");
        }
        assert!(split_base_url("example.org").is_err());
        assert!(split_base_url("https://x.example/\nDisallow: /").is_err());
        assert!(split_base_url("https://x.example/\"><script>").is_err());
    }
}
