//! Walks `content/` and parses every Markdown file into the [`model`](crate::model).
//!
//! A bad file becomes a [`Diagnostic`] and loading goes on, so `check`
//! reports every broken file at once. YAML errors are mapped from the front
//! matter block back to the line of the file.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, display_path};
use crate::load::config::Config;
use crate::load::yaml::{parse_all, too_deep, too_deep_diagnostic};
use crate::model::{Content, Page, PageId};

/// Front matter split off a Markdown file.
struct Split<'a> {
    yaml: &'a str,
    /// 1-based line of the file where `yaml` starts.
    yaml_line: usize,
    body: &'a str,
    body_line: usize,
}

/// Splits `---` front matter from the body. A file without front matter is all body.
fn split_front_matter(text: &str) -> Result<Split<'_>, (String, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_line_end].trim_end() != "---" {
        return Ok(Split { yaml: "", yaml_line: 1, body: text, body_line: 1 });
    }
    let mut offset = first_line_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i + 1);
        let trimmed = text[offset..end].trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[first_line_end..offset],
                yaml_line: 2,
                body: &text[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(("front matter opened with `---` on line 1 is never closed".into(), 1))
}

/// Is `id` a lower-case slug: letters, digits and single hyphens?
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A path with the bytes that are not UTF-8 written as `\xFF`, so two such names differ.
fn escaped_name(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str());
    // Elsewhere names are Unicode (Windows: UTF-16, unpaired surrogates replaced).
    #[cfg(not(unix))]
    let lossy = path.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    let mut shown = String::new();
    for chunk in bytes.utf8_chunks() {
        shown.push_str(chunk.valid());
        for byte in chunk.invalid() {
            shown.push_str(&format!("\\x{byte:02X}"));
        }
    }
    shown
}

/// The Markdown files and static files found under `content/`.
#[derive(Default)]
struct Walk {
    markdown: Vec<PathBuf>,
    statics: Vec<PathBuf>,
    /// A folder could not be read.
    partial: bool,
}

fn walk(dir: &Path, content_root: &Path, out: &mut Walk, diagnostics: &Diagnostics) {
    let shown_dir = display_path(content_root.parent().unwrap_or(content_root), dir);
    let entries =
        match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                diagnostics.push(Diagnostic::error(shown_dir, format!("cannot read folder: {e}")).help(
                    "make the folder readable (`chmod u+rx`); references to its pages are not checked until then",
                ));
                out.partial = true;
                return;
            }
        };
    let mut paths: Vec<(PathBuf, fs::FileType)> =
        entries.filter_map(Result::ok).filter_map(|e| e.file_type().ok().map(|t| (e.path(), t))).collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, file_type) in paths {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            // Two such names would become the same output file; one would be lost silently.
            let shown = escaped_name(&display_path(content_root.parent().unwrap_or(content_root), &path));
            diagnostics.push(
                Diagnostic::error(shown, "file name is not valid UTF-8")
                    .help("rename the file; names on a web site must be UTF-8 (most file managers can rename it)"),
            );
            continue;
        };
        if name.starts_with('.') || name.ends_with('~') || name.starts_with('#') {
            continue; // hidden files and editors' backups
        }
        let in_static = path.strip_prefix(content_root).is_ok_and(|p| p.starts_with("static"));
        if file_type.is_symlink() {
            // Followed only when it stays inside content/: no loops, no escapes.
            let inside = path
                .canonicalize()
                .ok()
                .zip(content_root.canonicalize().ok())
                .is_some_and(|(target, root)| target.starts_with(root) && target.is_file());
            if !inside {
                let shown = display_path(content_root.parent().unwrap_or(content_root), &path);
                diagnostics.push(
                    Diagnostic::warning(shown, "symbolic link skipped: it points to a folder or outside `content/`")
                        .help("copy the file into `content/` instead of linking to it"),
                );
                continue;
            }
        } else if file_type.is_dir() {
            walk(&path, content_root, out, diagnostics);
            continue;
        }
        if in_static {
            out.statics.push(path);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.markdown.push(path);
        }
    }
}

/// Loads every page under `config.root/content`, leaving out drafts unless asked.
pub fn load(config: &Config, diagnostics: &Diagnostics) -> Content {
    let content_root = config.root.join("content");
    let mut content = Content::default();
    if !content_root.is_dir() {
        diagnostics.push(
            Diagnostic::error("content", "the project has no `content/` folder")
                .help("create `content/articles/` with at least one Markdown article"),
        );
        return content;
    }
    let mut found = Walk::default();
    walk(&content_root, &content_root, &mut found, diagnostics);
    content.partial = found.partial;
    content.static_files =
        found.statics.iter().filter_map(|p| p.strip_prefix(&content_root).ok().map(Path::to_path_buf)).collect();

    // Reading and parsing each file are independent: both run in parallel; the checks
    // across files (ids, duplicates) run in order between them, as they always did.
    let texts: Vec<Option<String>> = found
        .markdown
        .par_iter()
        .map(|path| read_text(&config.root, path, &display_path(&config.root, path), diagnostics))
        .collect();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    let mut pending: Vec<Pending> = Vec::new();
    for (path, text) in found.markdown.iter().zip(texts) {
        let shown = display_path(&config.root, path);
        let rel = path.strip_prefix(&content_root).unwrap_or(path);
        let stem = rel.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(text) = text else {
            // Reported once when read; references to it are not reported again as unknown.
            content.unloaded.push(stem);
            continue;
        };
        if rel == Path::new("_index.md") {
            pending.push(Pending { shown, id: PageId::Landing, text });
            continue;
        }
        let folders: Vec<String> = rel
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let section = folders.first().map_or("", String::as_str);
        if !is_slug(&stem) || folders.len() != 1 {
            let suggestion = slugify(&stem);
            let shown_id = rel.with_extension("").to_string_lossy().replace('\\', "/");
            diagnostics.push(
                Diagnostic::error(&shown, format!("`{shown_id}` is not a valid page id"))
                    .help(format!(
                        "page files live directly in `content/articles/`, `content/sources/` or `content/figures/` and are named as lower-case slugs, e.g. `{section}/{suggestion}.md`"
                    )),
            );
            continue;
        }
        if let Some(first) = seen.get(&stem) {
            diagnostics.push(
                Diagnostic::error(&shown, format!("duplicate id `{stem}`: also used by `{}`", first.display()))
                    .help("ids are the file names' last part and must be unique across articles, sources and figures; rename one file"),
            );
            // References to the page left out are not reported again as unknown: one cause, one error.
            content.unloaded.push(stem);
            continue;
        }
        seen.insert(stem.clone(), shown.clone());
        let Some(id) = PageId::new(section, &stem).filter(|id| *id != PageId::Landing) else {
            diagnostics.push(
                Diagnostic::error(&shown, format!("unknown section `{section}`"))
                    .help("Markdown pages belong in `content/articles/`, `content/sources/` or `content/figures/`"),
            );
            continue;
        };
        pending.push(Pending { shown, id, text });
    }
    let parsed: Vec<(PageId, Parsed)> = pending
        .into_par_iter()
        .map(|Pending { shown, id, text }| {
            let parsed = match id {
                PageId::Landing => Parsed::Index(parse_page(&shown, &id, text, diagnostics)),
                PageId::Article(_) => Parsed::Article(parse_page(&shown, &id, text, diagnostics)),
                PageId::Source(_) => Parsed::Source(parse_page(&shown, &id, text, diagnostics)),
                PageId::Figure(_) => Parsed::Figure(parse_page(&shown, &id, text, diagnostics)),
            };
            (id, parsed)
        })
        .collect();
    for (id, parsed) in parsed {
        let (c, d) = (&mut content, diagnostics);
        let loaded = match parsed {
            Parsed::Index(page) => {
                c.index = page.or(c.index.take());
                true
            }
            Parsed::Article(page) => push_page(&mut c.articles, &mut c.drafts, page, config, d),
            Parsed::Source(page) => push_page(&mut c.sources, &mut c.drafts, page, config, d),
            Parsed::Figure(page) => push_page(&mut c.figures, &mut c.drafts, page, config, d),
        };
        if !loaded {
            content.unloaded.push(id.slug().to_string());
        }
    }
    content
}

/// A file read and checked, waiting to be parsed.
struct Pending {
    shown: PathBuf,
    id: PageId,
    text: String,
}

/// A parsed page of each section (`None`: its problems are diagnostics).
enum Parsed {
    Index(Option<Page<crate::model::IndexMeta>>),
    Article(Option<crate::model::Article>),
    Source(Option<crate::model::Source>),
    Figure(Option<crate::model::Figure>),
}

trait Draft {
    fn is_draft(&self) -> bool;
    fn title(&self) -> &str;
}
impl Draft for crate::model::ArticleMeta {
    fn is_draft(&self) -> bool {
        self.draft
    }
    fn title(&self) -> &str {
        &self.title
    }
}
impl Draft for crate::model::SourceMeta {
    fn is_draft(&self) -> bool {
        self.draft
    }
    fn title(&self) -> &str {
        &self.title
    }
}
impl Draft for crate::model::FigureMeta {
    fn is_draft(&self) -> bool {
        self.draft
    }
    fn title(&self) -> &str {
        &self.title
    }
}

/// A title that shows nothing (empty, blanks, or YAML's `~` for "no value") is an error.
fn blank_title<M: Draft>(page: &Page<M>, diagnostics: &Diagnostics) -> bool {
    let title = page.meta.title().trim();
    let blank = title.is_empty() || title == "~";
    if blank {
        diagnostics.push(
            Diagnostic::error(&page.path, "`title` is blank")
                .at(page.locate("title:"))
                .help("write the title readers will see, e.g. `title: \"The Outlet\"`"),
        );
    }
    blank
}

/// Keeps `page` unless it is a draft left out (its slug is then noted in `drafts`);
/// returns whether it loaded at all.
fn push_page<M: Draft>(
    pages: &mut Vec<Page<M>>,
    drafts: &mut Vec<String>,
    page: Option<Page<M>>,
    config: &Config,
    diagnostics: &Diagnostics,
) -> bool {
    let Some(page) = page.filter(|p| !blank_title(p, diagnostics)) else {
        return false;
    };
    if config.drafts || !page.meta.is_draft() {
        pages.push(page);
    } else {
        drafts.push(page.slug().to_string());
    }
    true
}

fn read_text(root: &Path, path: &Path, shown: &Path, diagnostics: &Diagnostics) -> Option<String> {
    let bytes = match crate::load::confine::read(root, path) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(Diagnostic::error(shown, format!("cannot read file: {e}")));
            return None;
        }
    };
    match String::from_utf8(bytes) {
        // Classic Mac line ends (a lone CR) become LF, byte for byte, so offsets still hold.
        Ok(text) if text.contains('\r') => Some(lone_cr_to_lf(text)),
        Ok(text) => Some(text),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            let location = Location::at_offset(&valid, valid.len(), 1);
            diagnostics.push(
                Diagnostic::error(shown, "file is not valid UTF-8")
                    .at(Some(location))
                    .help("save the file as UTF-8 (most editors offer this under \"Save with encoding\")"),
            );
            None
        }
    }
}

pub(crate) fn lone_cr_to_lf(text: String) -> String {
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

/// Parses one file's front matter into `M`; problems become diagnostics.
pub(crate) fn parse_page<M: DeserializeOwned>(
    shown: &Path,
    id: &PageId,
    text: String,
    diagnostics: &Diagnostics,
) -> Option<Page<M>> {
    if text.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(shown, "file is empty")
                .help("start it with front matter between `---` lines, at least a `title:`"),
        );
        return None;
    }
    let split = match split_front_matter(&text) {
        Ok(split) => split,
        Err((message, line)) => {
            diagnostics.push(
                Diagnostic::error(shown, message)
                    .at(Some(Location::at_line(&text, line, 1)))
                    .help("add a line containing only `---` after the front matter"),
            );
            return None;
        }
    };
    let yaml = if split.yaml.trim().is_empty() { "{}" } else { split.yaml };
    if let Some(offset) = too_deep(yaml) {
        let yaml_start = split.yaml.as_ptr() as usize - text.as_ptr() as usize;
        diagnostics.push(too_deep_diagnostic(shown, &text, yaml_start, offset));
        return None;
    }
    let meta: M = match parse_all(shown, &text, yaml, split.yaml_line) {
        Ok(meta) => meta,
        Err(problems) => {
            for problem in problems {
                diagnostics.push(problem);
            }
            return None;
        }
    };
    Some(Page {
        id: id.clone(),
        path: shown.to_path_buf(),
        meta,
        body_start: text.len() - split.body.len(),
        body_line: split.body_line,
        raw: text.clone(),
    })
}

/// A best-effort slug for a suggestion: `Phil Robertson` → `phil-robertson`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// The first place `needle` stands as a whole token in `text` (`france` in `[france24, france]`
/// is the second one, not the start of `france24`), else its first occurrence.
fn find_token(text: &str, needle: &str) -> Option<usize> {
    let word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let starts_word = needle.chars().next().is_some_and(word);
    let ends_word = needle.chars().next_back().is_some_and(word);
    text.match_indices(needle)
        .map(|(i, _)| i)
        .find(|&i| {
            let before = text[..i].chars().next_back().is_some_and(word);
            let after = text[i + needle.len()..].chars().next().is_some_and(word);
            !((starts_word && before) || (ends_word && after))
        })
        .or_else(|| text.find(needle))
}

impl<M> Page<M> {
    /// Where `needle` first appears in this file's front matter (for errors about a field's value).
    pub fn locate(&self, needle: &str) -> Option<Location> {
        let front_end = self.body_start;
        let offset = find_token(&self.raw[..front_end], needle)?;
        Some(Location::at_offset(&self.raw, offset, 1))
    }

    /// Where `needle` appears after `after` (a field name) in the front matter.
    pub fn locate_after(&self, after: &str, needle: &str) -> Option<Location> {
        let front_end = self.body_start;
        let front = &self.raw[..front_end];
        let start = find_token(front, after).unwrap_or(0);
        let offset = find_token(&front[start..], needle).map(|i| start + i)?;
        Some(Location::at_offset(&self.raw, offset, 1))
    }

    /// The location of byte `offset` of the body.
    pub fn body_location(&self, offset: usize) -> Location {
        Location::at_offset(self.body(), offset, self.body_line)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_slug, slugify, split_front_matter};

    #[test]
    fn front_matter_splits_and_keeps_line_numbers() {
        let split = split_front_matter("---\ntitle: x\n---\nbody\n").ok().unwrap();
        assert_eq!((split.yaml, split.yaml_line, split.body, split.body_line), ("title: x\n", 2, "body\n", 4));
        let none = split_front_matter("just text").ok().unwrap();
        assert_eq!((none.yaml, none.body), ("", "just text"));
        assert!(split_front_matter("---\ntitle: x\nbody").is_err());
    }

    #[test]
    fn flow_nesting_is_bounded_but_brackets_in_text_are_not_counted() {
        let deep = format!("a: {}{}", "[".repeat(65), "]".repeat(65));
        assert_eq!(super::too_deep(&deep), Some(3 + 64));
        assert_eq!(super::too_deep(&format!("a: {}{}", "[".repeat(64), "]".repeat(64))), None);
        assert_eq!(
            super::too_deep(&format!("a: \"{}\"\nb: '{}' # {}", "[".repeat(99), "{".repeat(99), "[".repeat(99))),
            None
        );
        assert_eq!(super::too_deep(&format!("a: \"\\\\\" {}", "[".repeat(99))), Some(8 + 64));
    }

    #[test]
    fn carets_find_whole_tokens() {
        assert_eq!(super::find_token("cites: [france24, france]", "france"), Some(18));
        assert_eq!(super::find_token("cites: [france24]", "france"), Some(8));
        assert_eq!(super::find_token("kind: x\ntitle: y", "title:"), Some(8));
    }

    #[test]
    fn slugs_are_lower_case_words_joined_by_hyphens() {
        for ok in ["a", "phil-robertson", "france24"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in ["", "Phil", "a_b", "-a", "a-", "a--b", "é"] {
            assert!(!is_slug(bad), "{bad}");
        }
        assert_eq!(slugify("Phil Robertson!"), "phil-robertson");
    }
}

/// What [`reload`] did with one changed file.
#[derive(Debug, PartialEq, Eq)]
pub enum Reloaded {
    /// The page with this id was replaced by the file's new contents.
    Replaced(PageId),
    /// The file is new, gone, or moved: only a full load can place it.
    NeedsFullLoad,
    /// The file is broken; its problems are in the diagnostics.
    Failed,
}

/// Re-reads one existing page file into `content`, for `serve`'s incremental rebuilds.
pub fn reload(config: &Config, content: &mut Content, path: &Path, diagnostics: &Diagnostics) -> Reloaded {
    let content_root = config.root.join("content");
    let Ok(rel) = path.strip_prefix(&content_root) else {
        return Reloaded::NeedsFullLoad;
    };
    let Some(id) = PageId::of_file(rel) else {
        return Reloaded::NeedsFullLoad;
    };
    let shown = display_path(&config.root, path);
    if !path.is_file() {
        return Reloaded::NeedsFullLoad;
    }
    let Some(text) = read_text(&config.root, path, &shown, diagnostics) else {
        return Reloaded::Failed;
    };
    fn replace<M: DeserializeOwned + Draft>(
        pages: &mut [Page<M>],
        shown: &Path,
        id: &PageId,
        text: String,
        config: &Config,
        diagnostics: &Diagnostics,
    ) -> Reloaded {
        let Some(slot) = pages.iter_mut().find(|p| p.id == *id) else {
            return Reloaded::NeedsFullLoad;
        };
        match parse_page::<M>(shown, id, text, diagnostics) {
            Some(page) if blank_title(&page, diagnostics) => Reloaded::Failed,
            Some(page) if page.meta.is_draft() && !config.drafts => Reloaded::NeedsFullLoad,
            Some(page) => {
                *slot = page;
                Reloaded::Replaced(id.clone())
            }
            None => Reloaded::Failed,
        }
    }
    match id {
        PageId::Article(_) => replace(&mut content.articles, &shown, &id, text, config, diagnostics),
        PageId::Source(_) => replace(&mut content.sources, &shown, &id, text, config, diagnostics),
        PageId::Figure(_) => replace(&mut content.figures, &shown, &id, text, config, diagnostics),
        PageId::Landing => Reloaded::NeedsFullLoad,
    }
}
