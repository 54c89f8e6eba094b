//! Tera templates: the built-in default theme, a theme folder on disk, and project overrides.
//!
//! Lookup order for each template name, last wins: the default theme built
//! into the binary, `themes/<theme>/templates/`, then the project's
//! `templates/` (as in Zola and Hugo). Template errors become diagnostics
//! with the template's file, line and column.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, ErrorKind, Tera};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Location};

/// The default theme, compiled in so a dossier without `themes/` still builds.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../themes/default/templates/base.html")),
    ("index.html", include_str!("../themes/default/templates/index.html")),
    ("article.html", include_str!("../themes/default/templates/article.html")),
    ("changes.html", include_str!("../themes/default/templates/changes.html")),
    ("source.html", include_str!("../themes/default/templates/source.html")),
    ("sources.html", include_str!("../themes/default/templates/sources.html")),
    ("figure.html", include_str!("../themes/default/templates/figure.html")),
    ("figures.html", include_str!("../themes/default/templates/figures.html")),
    ("timeline.html", include_str!("../themes/default/templates/timeline.html")),
    ("annotations.html", include_str!("../themes/default/templates/annotations.html")),
    ("search.html", include_str!("../themes/default/templates/search.html")),
    ("404.html", include_str!("../themes/default/templates/404.html")),
];

/// The default theme's static files, copied to the site root.
pub const DEFAULT_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../themes/default/static/style.css")),
    ("search.js", include_str!("../themes/default/static/search.js")),
];

/// Loaded templates, ready to render from many threads.
pub struct Templates {
    tera: Tera,
    /// Where each template came from, for error messages.
    origins: Vec<(String, PathBuf)>,
}

impl Templates {
    pub fn load(config: &Config) -> Result<Templates, Vec<Diagnostic>> {
        let mut sources: Vec<(String, String, PathBuf)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string(), PathBuf::from(format!("(built-in theme)/{name}"))))
            .collect();
        let theme_dir = config.root.join("themes").join(&config.theme).join("templates");
        let project_dir = config.root.join("templates");
        let mut problems = Vec::new();
        if config.theme != "default" && !theme_dir.is_dir() {
            problems.push(
                Diagnostic::error(crate::config::CONFIG_FILE, format!("theme `{}` not found", config.theme))
                    .help(format!("create `themes/{}/templates/`, or set `theme: default`", config.theme)),
            );
        }
        for dir in [theme_dir, project_dir] {
            for (name, path) in template_files(&dir) {
                match fs::read_to_string(&path) {
                    Ok(text) => {
                        let shown = crate::diagnostics::display_path(&config.root, &path);
                        sources.retain(|(n, _, _)| *n != name);
                        sources.push((name, text, shown));
                    }
                    Err(e) => problems.push(Diagnostic::error(path, format!("cannot read template: {e}"))),
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        let origins: Vec<(String, PathBuf)> = sources.iter().map(|(n, _, p)| (n.clone(), p.clone())).collect();
        let texts: Vec<(String, String)> = sources.iter().map(|(n, t, _)| (n.clone(), t.clone())).collect();
        let templates = Templates { tera: Tera::new(), origins };
        match tera.add_raw_templates(texts.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
            Ok(()) => Ok(Templates { tera, ..templates }),
            Err(e) => Err(vec![templates.diagnostic(&e, &texts)]),
        }
    }

    /// Renders `name` with `view` as its context.
    pub fn render<V: Serialize>(&self, name: &str, view: &V) -> Result<String, Diagnostic> {
        let context = Context::from_serialize(view).map_err(|e| Diagnostic::error(self.origin(name), e.to_string()))?;
        self.tera.render(name, &context).map_err(|e| self.diagnostic(&e, &[]))
    }

    fn origin(&self, name: &str) -> PathBuf {
        self.origins.iter().find(|(n, _)| n == name).map_or_else(|| PathBuf::from(name), |(_, p)| p.clone())
    }

    fn diagnostic(&self, error: &tera::Error, texts: &[(String, String)]) -> Diagnostic {
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let name = report.filename();
                let span = report.span();
                let text = texts
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, t)| t.clone())
                    .or_else(|| fs::read_to_string(self.origin(name)).ok())
                    .or_else(|| DEFAULT_TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| t.to_string()))
                    .unwrap_or_default();
                let kind = if matches!(error.kind(), ErrorKind::SyntaxError(_)) {
                    "syntax error"
                } else {
                    "error while rendering"
                };
                Diagnostic::error(self.origin(name), format!("template {kind}: {}", report.message()))
                    .at(Some(Location::at_line(&text, span.start_line, span.start_col + 1)))
                    .help(template_help(report.message()))
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(
                self.origin(current),
                format!("template `{current}` extends `{parent}`, which does not exist"),
            )
            .help(format!("templates available: {}", self.names().join(", "))),
            other => Diagnostic::error("templates", format!("template error: {other}")),
        }
    }

    fn names(&self) -> Vec<String> {
        self.origins.iter().map(|(n, _)| n.clone()).collect()
    }
}

fn template_help(message: &str) -> String {
    if message.contains("not found") || message.contains("undefined") || message.contains("Undefined") {
        "check the variable's spelling; templates see the fields listed in the README's \"Templates\" section".into()
    } else {
        "check the tag or expression at the caret; Tera syntax is `{{ value }}` and `{% tag %}`".into()
    }
}

/// `*.html` files directly in `dir`, by name.
fn template_files(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "html" || e == "xml"))
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(|n| (n.to_string(), p.clone())))
        .collect();
    files.sort();
    files
}

/// The theme's static files: built-in, overridden by `themes/<theme>/static/` on disk.
pub fn theme_static_files(config: &Config) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> =
        DEFAULT_STATIC.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect();
    let dir = config.root.join("themes").join(&config.theme).join("static");
    let mut stack = vec![dir.clone()];
    while let Some(folder) = stack.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && let (Ok(bytes), Ok(rel)) = (fs::read(&path), path.strip_prefix(&dir))
            {
                let name = rel.to_string_lossy().replace('\\', "/");
                files.retain(|(n, _)| *n != name);
                files.push((name, bytes));
            }
        }
    }
    files
}
