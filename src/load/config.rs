//! `dossier.yaml` plus command-line overrides, resolved into one [`Config`].
//!
//! The raw file is parsed strictly (unknown keys are errors naming the
//! expected ones); everything downstream reads only the resolved settings.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, did_you_mean};
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
    publisher: Option<Publisher>,
    #[serde(default)]
    ratings: Ratings,
}

/// Who publishes the dossier's fact checks: the `author` of its `ClaimReview`s.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub name: String,
    pub url: Option<String>,
    pub logo: Option<String>,
}

/// `ratings:` of dossier.yaml: the verdicts the dossier's `rating:`s may use,
/// an optional numeric scale, and the date its reviews were published.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ratings {
    pub date: Option<crate::model::PartialDate>,
    pub worst: Option<f64>,
    pub best: Option<f64>,
    #[serde(default)]
    verdicts: Vec<VerdictName>,
}

/// One declared verdict: `Unverified`, or `{ name: Misleading, value: 2 }`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum VerdictName {
    Name(String),
    Numbered(NumberedVerdict),
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NumberedVerdict {
    name: String,
    value: f64,
}

impl Ratings {
    /// The verdicts a `rating:` may name, with their number on the scale if any.
    pub fn verdicts(&self) -> Vec<(String, Option<f64>)> {
        if self.verdicts.is_empty() {
            return crate::model::DEFAULT_VERDICTS.iter().map(|v| (v.to_string(), None)).collect();
        }
        self.verdicts
            .iter()
            .map(|v| match v {
                VerdictName::Name(name) => (name.clone(), None),
                VerdictName::Numbered(n) => (n.name.clone(), Some(n.value)),
            })
            .collect()
    }

    /// The numeric scale, worst to best, if the dossier declares one.
    pub fn scale(&self) -> Option<(f64, f64)> {
        self.worst.zip(self.best)
    }

    /// A rating's verdict and number, or what is wrong with it and a likely fix.
    pub fn resolve(&self, verdict: &crate::model::Verdict) -> Result<(String, Option<f64>), (String, String)> {
        let known = self.verdicts();
        let names = || known.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        match verdict {
            crate::model::Verdict::Name(name) => {
                if let Some(found) = known.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                    return Ok(found.clone());
                }
                let help = did_you_mean(name, known.iter().map(|(n, _)| n.as_str()))
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| {
                        format!("use one of {}, or declare it under `ratings: verdicts:` in dossier.yaml", names())
                    });
                Err((format!("unknown verdict `{name}`"), help))
            }
            crate::model::Verdict::Number(value) => {
                let Some((worst, best)) = self.scale() else {
                    return Err((
                        format!("`rating: {value}` is a number, but dossier.yaml declares no numeric scale"),
                        format!(
                            "write a verdict such as `Unverified` (one of {}), or declare `ratings: {{ worst: 1, best: 5, verdicts: [...] }}` in dossier.yaml",
                            names()
                        ),
                    ));
                };
                if *value < worst.min(best) || *value > worst.max(best) {
                    return Err((
                        format!("rating {value} is out of the scale {worst} (worst) to {best} (best)"),
                        format!("give a number from {worst} to {best}, as declared under `ratings:` in dossier.yaml"),
                    ));
                }
                let named = known.iter().find(|(_, v)| *v == Some(*value));
                named.cloned().ok_or_else(|| {
                    let numbered: Vec<String> =
                        known.iter().filter_map(|(n, v)| v.map(|v| format!("{v} ({n})"))).collect();
                    (
                        format!("no verdict of dossier.yaml's `ratings:` has the value {value}"),
                        format!("use one of {}, or name the verdict", numbered.join(", ")),
                    )
                })
            }
        }
    }

    /// What is wrong with the declaration itself, if anything.
    fn problem(&self) -> Option<String> {
        match (self.worst, self.best) {
            (Some(w), Some(b)) if w == b || !w.is_finite() || !b.is_finite() => {
                return Some(format!("`ratings:` has worst {w} and best {b}: they must be two different numbers"));
            }
            (Some(_), None) | (None, Some(_)) => {
                return Some("`ratings:` needs both `worst` and `best`, or neither".into());
            }
            _ => {}
        }
        let known = self.verdicts();
        for (i, (name, value)) in known.iter().enumerate() {
            if known[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                return Some(format!("`ratings:` declares the verdict `{name}` twice"));
            }
            match (value, self.scale()) {
                (Some(v), None) => {
                    return Some(format!(
                        "verdict `{name}` has the value {v}, but `ratings:` declares no `worst` and `best`"
                    ));
                }
                (Some(v), Some((w, b))) if *v < w.min(b) || *v > w.max(b) => {
                    return Some(format!("verdict `{name}` has the value {v}, outside the scale {w} to {b}"));
                }
                _ => {}
            }
        }
        None
    }
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
    /// Neither read nor write `.dossier-cache/` (`--no-cache`).
    pub no_cache: bool,
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
    /// Who publishes the dossier's fact checks (`ClaimReview` author), if declared.
    pub publisher: Option<Publisher>,
    /// The verdicts and scale of `rating:`s.
    pub ratings: Ratings,
    pub drafts: bool,
    /// Print each build phase's time (`--verbose`).
    pub timings: bool,
    /// Whether the search index may reuse and keep its records in `.dossier-cache/`.
    pub cache: bool,
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
        let at = |key: &str| Some(crate::diagnostics::Location::at_offset(&text, text.find(key).unwrap_or(0), 1));
        if let Some(problem) = raw.ratings.problem() {
            return Err(Diagnostic::error(CONFIG_FILE, problem).at(at("ratings:")).help(
                "declare e.g. `ratings: { worst: 1, best: 5, verdicts: [{ name: Incorrect, value: 1 }, { name: Correct, value: 5 }, Unverified] }`",
            ));
        }
        if let Some(url) = raw
            .publisher
            .iter()
            .flat_map(|p| p.url.iter().chain(&p.logo))
            .find(|u| !u.starts_with("https://") && !u.starts_with("http://"))
        {
            return Err(Diagnostic::error(
                CONFIG_FILE,
                format!("publisher address {url:?} is not an absolute web address"),
            )
            .at(at(url.as_str()))
            .help("write an `https://` address"));
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
            publisher: raw.publisher,
            ratings: raw.ratings,
            drafts: overrides.drafts,
            timings: overrides.timings,
            cache: !overrides.no_cache,
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
