//! Tera templates: the built-in default theme, a theme folder on disk, and project overrides.
//!
//! Lookup order for each template name, last wins: the default theme built
//! into the binary, `themes/<theme>/templates/`, then the project's
//! `templates/` (as in Zola and Hugo). Template errors become diagnostics
//! with the template's file, line and column.

use std::collections::{HashMap, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use tera::{Context, ErrorKind, Tera};

use crate::diagnostics::{Diagnostic, Location, did_you_mean};
use crate::load::config::Config;

/// The default theme, compiled in so a dossier without `themes/` still builds.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("index.html", include_str!("../../themes/default/templates/index.html")),
    ("article.html", include_str!("../../themes/default/templates/article.html")),
    ("changes.html", include_str!("../../themes/default/templates/changes.html")),
    ("source.html", include_str!("../../themes/default/templates/source.html")),
    ("sources.html", include_str!("../../themes/default/templates/sources.html")),
    ("figure.html", include_str!("../../themes/default/templates/figure.html")),
    ("figures.html", include_str!("../../themes/default/templates/figures.html")),
    ("timeline.html", include_str!("../../themes/default/templates/timeline.html")),
    ("annotations.html", include_str!("../../themes/default/templates/annotations.html")),
    ("search.html", include_str!("../../themes/default/templates/search.html")),
    ("404.html", include_str!("../../themes/default/templates/404.html")),
    ("pagination.html", include_str!("../../themes/default/templates/pagination.html")),
];

/// The default theme's static files, copied to the site root.
pub const DEFAULT_STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/static/style.css")),
    ("search.js", include_str!("../../themes/default/static/search.js")),
    ("file-links.js", include_str!("../../themes/default/static/file-links.js")),
    ("notes.css", include_str!("../../themes/default/static/notes.css")),
    ("notes.js", include_str!("../../themes/default/static/notes.js")),
];

/// Loaded templates, ready to render from many threads.
pub struct Templates {
    tera: Tera,
    /// Where each template came from, for error messages.
    origins: Vec<(String, PathBuf)>,
    /// Each template's text, for carets and include/extends chains.
    texts: Vec<(String, String)>,
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
                Diagnostic::error(crate::load::config::CONFIG_FILE, format!("theme `{}` not found", config.theme))
                    .help(format!("create `themes/{}/templates/`, or set `theme: default`", config.theme)),
            );
        }
        for dir in [theme_dir, project_dir] {
            for (name, path) in template_files(&config.root, &dir, &mut problems) {
                let shown = crate::diagnostics::display_path(&config.root, &path);
                match crate::load::confine::read_text(&config.root, &path) {
                    Ok(text) => {
                        sources.retain(|(n, _, _)| *n != name);
                        sources.push((name, text, shown));
                    }
                    Err(e) => problems.push(Diagnostic::error(shown, format!("cannot read template: {e}")).help(
                        "templates must be UTF-8 files inside the project; copy the file in instead of linking to it",
                    )),
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
        let result = tera.add_raw_templates(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())));
        let templates = Templates { tera, origins, texts };
        match result {
            Ok(()) => Ok(templates),
            Err(e) => Err(match e.kind() {
                ErrorKind::Msg(text) if text.contains("\n") => templates.reports(text),
                _ => vec![templates.diagnostic(&e, None)],
            }),
        }
    }

    /// Renders `name` with `view` as its context.
    /// Renders `name` with a context built from a view.
    pub fn render_context(&self, name: &str, context: &Context) -> Result<String, Diagnostic> {
        self.tera.render(name, context).map_err(|e| self.diagnostic(&e, Some(name)))
    }

    fn origin(&self, name: &str) -> PathBuf {
        self.origins.iter().find(|(n, _)| n == name).map_or_else(|| PathBuf::from(name), |(_, p)| p.clone())
    }

    fn text(&self, name: &str) -> &str {
        self.texts.iter().find(|(n, _)| n == name).map_or("", |(_, t)| t.as_str())
    }

    /// A Tera error as a diagnostic; `rendering` is the page template being rendered, if any.
    fn diagnostic(&self, error: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let name = report.filename();
                let span = report.span();
                let kind = if matches!(error.kind(), ErrorKind::SyntaxError(_)) { "syntax error" } else { "error" };
                let diagnostic =
                    Diagnostic::error(self.origin(name), format!("template {kind} in `{name}`: {}", report.message()))
                        .at(Some(Location::at_line(self.text(name), span.start_line, span.start_col + 1)))
                        .help(template_help(report.message()));
                match rendering.and_then(|top| self.chain(top, name)) {
                    Some(chain) => diagnostic.note(chain),
                    None => diagnostic,
                }
            }
            ErrorKind::MissingParent { current, parent } => Diagnostic::error(
                self.origin(current),
                format!("template `{current}` extends `{parent}`, which does not exist"),
            )
            .at(self.locate(current, parent))
            .help(self.suggest(parent)),
            ErrorKind::TemplateNotFound(missing) => {
                let user = self.texts.iter().find(|(_, t)| uses(t).iter().any(|(_, n)| n == missing));
                let file = user.map_or_else(|| PathBuf::from("templates"), |(n, _)| self.origin(n));
                Diagnostic::error(file, format!("template `{missing}` not found"))
                    .at(user.and_then(|(n, _)| self.locate(n, missing)))
                    .help(self.suggest(missing))
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain } => Diagnostic::error(
                self.origin(tpl),
                format!("template `{tpl}` extends itself through {}", inheritance_chain.join(" → ")),
            )
            .help("remove one `{% extends %}` so the chain ends in a template that extends nothing"),
            ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::error(
                self.origin(tpl),
                format!("template `{tpl}` includes itself through {}", include_chain.join(" → ")),
            )
            .help("remove one `{% include %}` from the loop"),
            other => Diagnostic::error(
                rendering.map_or_else(|| PathBuf::from("templates"), |n| self.origin(n)),
                format!("template error: {other}"),
            ),
        }
    }

    /// Tera's pre-rendered reports (unknown templates, filters, functions found
    /// when templates are linked) as diagnostics pointing into our files.
    fn reports(&self, text: &str) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        for report in text.split("\n\n") {
            let message = report.lines().find_map(|l| l.strip_prefix("error: "));
            let place = report.lines().find_map(|l| l.trim_start().strip_prefix("--> ")).and_then(|p| {
                let mut parts = p.rsplitn(3, ':');
                let column = parts.next()?.parse::<usize>().ok()?;
                let line = parts.next()?.parse::<usize>().ok()?;
                Some((parts.next()?.to_string(), line, column))
            });
            let (Some(message), Some((name, line, column))) = (message, place) else {
                continue;
            };
            let help = match message.strip_prefix("Unknown template `") {
                Some(rest) => self.suggest(rest.trim_end_matches('`')),
                None => {
                    "check the name's spelling; Tera 2 filters and functions are listed in its documentation".into()
                }
            };
            found.push(
                Diagnostic::error(self.origin(&name), format!("template error in `{name}`: {message}"))
                    .at(Some(Location::at_line(self.text(&name), line, column)))
                    .help(help),
            );
        }
        if found.is_empty() {
            found.push(Diagnostic::error("templates", format!("template error: {text}")));
        }
        found
    }

    /// Where `needle` (a template name) is written in template `name`.
    fn locate(&self, name: &str, needle: &str) -> Option<Location> {
        let text = self.text(name);
        let offset = text.find(&format!("\"{needle}\"")).or_else(|| text.find(needle))?;
        Some(Location::at_offset(text, offset, 1))
    }

    fn suggest(&self, missing: &str) -> String {
        let names = self.names();
        match did_you_mean(missing, names.iter().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("templates available: {}", names.join(", ")),
        }
    }

    /// How template `from` reaches template `to`: "`article.html` extends `base.html`, which includes `nav.html`".
    fn chain(&self, from: &str, to: &str) -> Option<String> {
        if from == to {
            return None;
        }
        let mut came_from: HashMap<String, (String, &'static str)> = HashMap::new();
        let mut queue = VecDeque::from([from.to_string()]);
        while let Some(name) = queue.pop_front() {
            for (verb, used) in uses(self.text(&name)) {
                if used != from && !came_from.contains_key(&used) {
                    came_from.insert(used.clone(), (name.clone(), verb));
                    queue.push_back(used);
                }
            }
        }
        let mut steps = Vec::new();
        let mut at = to.to_string();
        while let Some((parent, verb)) = came_from.get(&at) {
            steps.push(format!("{verb} `{at}`"));
            at = parent.clone();
        }
        if steps.is_empty() {
            return None;
        }
        steps.reverse();
        Some(format!("while rendering `{from}`, which {}", steps.join(", which ")))
    }

    fn names(&self) -> Vec<String> {
        self.origins.iter().map(|(n, _)| n.clone()).collect()
    }
}

/// The templates a template names in `{% extends %}`, `{% include %}` and `{% import %}` tags.
fn uses(text: &str) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    for (start, _) in text.match_indices("{%") {
        let rest = &text[start + 2..];
        let tag = &rest[..rest.find("%}").unwrap_or(rest.len())];
        let tag = tag.trim_matches(|c: char| c == '-' || c.is_whitespace());
        let verb = match tag.split_whitespace().next() {
            Some("extends") => "extends",
            Some("include") => "includes",
            Some("import") => "imports",
            _ => continue,
        };
        let mut quoted = tag.split(['"', '\'']).skip(1).step_by(2);
        let names: Vec<String> = if verb == "includes" {
            quoted.map(str::to_string).collect()
        } else {
            quoted.next().map(str::to_string).into_iter().collect()
        };
        found.extend(names.into_iter().map(|n| (verb, n)));
    }
    found
}

fn template_help(message: &str) -> String {
    if message.contains("not found")
        || message.contains("not defined")
        || message.contains("undefined")
        || message.contains("Undefined")
    {
        "check the variable's spelling; templates see the fields listed in docs/templates.md".into()
    } else {
        "check the tag or expression at the caret; Tera syntax is `{{ value }}` and `{% tag %}`".into()
    }
}

/// `*.html` and `*.xml` files directly in `dir`, by name. A folder that exists but cannot be
/// listed, or that leads out of the project, is a problem rather than an empty folder.
fn template_files(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    if !dir.exists() {
        return Vec::new();
    }
    let shown = crate::diagnostics::display_path(root, dir);
    let listed = crate::load::confine::inside(root, dir).and_then(fs::read_dir);
    let entries = match listed {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Diagnostic::error(shown, format!("cannot read template folder: {e}")));
            return Vec::new();
        }
    };
    let mut files: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| dir.join(e.file_name()))
        .filter(|p| p.extension().is_some_and(|e| e == "html" || e == "xml") && !p.is_dir())
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(|n| (n.to_string(), p.clone())))
        .collect();
    files.sort();
    files
}

/// The theme's static files: built-in, overridden by `themes/<theme>/static/` on disk, and
/// the problems found reading that folder (a folder or file that cannot be read, or that
/// leads out of the project, is an error rather than a silent fall-back to the built-in files).
pub fn theme_static_files(config: &Config) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let mut files: Vec<(String, Vec<u8>)> =
        DEFAULT_STATIC.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect();
    let mut problems = Vec::new();
    let dir = config.root.join("themes").join(&config.theme).join("static");
    if !dir.exists() && dir.symlink_metadata().is_err() {
        return (files, problems);
    }
    let shown = |p: &Path| crate::diagnostics::display_path(&config.root, p);
    let mut stack = vec![dir.clone()];
    while let Some(folder) = stack.pop() {
        let entries = match crate::load::confine::inside(&config.root, &folder).and_then(fs::read_dir) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Diagnostic::error(shown(&folder), format!("cannot read theme folder: {e}")));
                continue;
            }
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_name().to_str().is_none() {
                problems.push(
                    Diagnostic::error(shown(&path), "file name is not valid UTF-8")
                        .help("rename the file; names in a web site must be UTF-8"),
                );
                continue;
            }
            if path.is_dir() && !entry.file_type().is_ok_and(|t| t.is_symlink()) {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(&dir) else { continue };
            match crate::load::confine::read(&config.root, &path) {
                Ok(bytes) => {
                    let name = rel.to_string_lossy().replace('\\', "/");
                    files.retain(|(n, _)| *n != name);
                    files.push((name, bytes));
                }
                Err(e) => problems.push(Diagnostic::error(shown(&path), format!("cannot read theme file: {e}")).help(
                    "theme files must be readable files inside the project; copy the file in instead of linking to it",
                )),
            }
        }
    }
    (files, problems)
}
