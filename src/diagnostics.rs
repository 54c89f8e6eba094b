//! Problems found in a dossier, reported the way rustc reports them.
//!
//! Loading and rendering never stop at the first bad file: each problem
//! becomes a [`Diagnostic`] in a [`Diagnostics`] collector, and the command
//! decides the exit status from what was collected. A diagnostic knows its
//! file, line and column, and prints as `--> path:line:col` followed by the
//! offending line with a caret under the problem.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How bad a problem is: errors fail the build, warnings only fail `check --deny-warnings`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A point in a file, 1-based, with the text of that line for the caret.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub line_text: String,
}

impl Location {
    /// The location of byte `offset` in `text`, with `first_line` the line number of `text`'s first line.
    pub fn at_offset(text: &str, offset: usize, first_line: usize) -> Location {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        Location {
            line: first_line + text[..line_start].matches('\n').count(),
            column: text[line_start..offset].chars().count() + 1,
            line_text: text[line_start..line_end].trim_end_matches('\r').to_string(),
        }
    }

    /// The location of 1-based `line` and `column` in `text`.
    pub fn at_line(text: &str, line: usize, column: usize) -> Location {
        let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
        Location { line, column: column.max(1), line_text: line_text.to_string() }
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem, with everything a reader needs to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    /// Boxed to keep `Result<_, Diagnostic>` small.
    pub location: Option<Box<Location>>,
    pub message: String,
    /// Context that is not a fix, e.g. the template include chain.
    pub note: Option<String>,
    pub help: Option<String>,
    /// What kind of failure this is, for the exit status.
    pub class: Class,
}

/// What an error is about, which decides the exit status (1 or 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Class {
    /// The project's content or templates (exit 1).
    #[default]
    Content,
    /// How dossier was called, or the file system around it: a missing
    /// `dossier.yaml`, a file that cannot be read or written (exit 2).
    Usage,
}

impl Class {
    pub fn exit_code(self) -> u8 {
        match self {
            Class::Content => 1,
            Class::Usage => 2,
        }
    }
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            location: None,
            message: message.into(),
            note: None,
            help: None,
            class: Class::Content,
        }
    }

    /// Marks this as a usage or file-system problem (exit 2), not one of content.
    pub fn usage(mut self) -> Diagnostic {
        self.class = Class::Usage;
        self
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, message) }
    }

    pub fn at(mut self, location: Option<Location>) -> Diagnostic {
        self.location = location.map(Box::new);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.note = Some(note.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    /// The diagnostic as rustc prints it; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let (label, paint) = match self.severity {
            Severity::Error => ("error", "\x1b[1;31m"),
            Severity::Warning => ("warning", "\x1b[1;33m"),
        };
        let (bold, blue, reset) = if color { ("\x1b[1m", "\x1b[1;34m", "\x1b[0m") } else { ("", "", "") };
        let paint = if color { paint } else { "" };
        let mut out = format!("{paint}{label}{reset}{bold}: {}{reset}\n", visible(&self.message));
        let file = visible(&self.file.to_string_lossy()).into_owned();
        match &self.location {
            Some(loc) => {
                let gutter = loc.line.to_string().len();
                let pad = " ".repeat(gutter);
                let _ = writeln!(out, "{pad}{blue}-->{reset} {file}:{}:{}", loc.line, loc.column);
                let _ = writeln!(out, "{pad} {blue}|{reset}");
                let (shown, column) = window(&loc.line_text, loc.column);
                let _ = writeln!(out, "{blue}{}{reset} {blue}|{reset} {}", loc.line, visible(&shown));
                let caret_pad: String =
                    shown.chars().take(column - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
                let _ = writeln!(out, "{pad} {blue}|{reset} {caret_pad}{paint}^{reset}");
            }
            None => {
                let _ = writeln!(out, " {blue}-->{reset} {file}");
            }
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "  {blue}={reset} {bold}note{reset}: {}", visible(note));
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  {blue}={reset} {bold}help{reset}: {}", visible(help));
        }
        out
    }
}

/// A long line cut to about 100 characters around `column` (with `…` where cut), and the
/// caret's column in what is shown: a 200 KB line of front matter prints as one screen line.
fn window(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let count = line.chars().count();
    if count <= WIDTH {
        return (line.to_string(), column);
    }
    let start = column.saturating_sub(WIDTH / 2 + 1).min(count - WIDTH);
    let mut shown: String = line.chars().skip(start).take(WIDTH).collect();
    let mut column = column - start;
    if start > 0 {
        shown.insert(0, '…');
        column += 1;
    }
    if start + WIDTH < count {
        shown.push('…');
    }
    (shown, column)
}

/// `text` with every character a terminal would act on made visible, one character for one
/// (so carets stay aligned): C0 controls as their Unicode pictures (`␛` for ESC), C1 controls
/// and bidirectional overrides as `�`. File names and lines from a project cannot retitle the
/// terminal window, recolour it, or reorder what is shown. Tabs and line breaks pass.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    let hostile = |c: char| {
        (c.is_control() && !matches!(c, '\t' | '\n'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
    };
    if !text.chars().any(hostile) {
        return std::borrow::Cow::Borrowed(text);
    }
    let shown = text
        .chars()
        .map(|c| match c {
            c if !hostile(c) => c,
            c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7F}' => '\u{2421}',
            _ => '\u{FFFD}',
        })
        .collect();
    std::borrow::Cow::Owned(shown)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Collects diagnostics from every phase (and from parallel rendering).
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    pub fn push(&self, diagnostic: Diagnostic) {
        self.items.lock().unwrap_or_else(|poison| poison.into_inner()).push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.snapshot().iter().any(|d| d.severity == Severity::Error)
    }

    /// Every diagnostic so far, errors and warnings, sorted by file and line.
    pub fn snapshot(&self) -> Vec<Diagnostic> {
        let mut items = self.items.lock().unwrap_or_else(|poison| poison.into_inner()).clone();
        items.sort_by(|a, b| {
            (&a.file, a.location.as_ref().map(|l| (l.line, l.column)))
                .cmp(&(&b.file, b.location.as_ref().map(|l| (l.line, l.column))))
        });
        items.dedup();
        items
    }
}

/// The closest candidate to `wanted` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (levenshtein(wanted, c), c))
        .filter(|(d, c)| {
            let contained = c.contains(wanted) || wanted.contains(*c);
            *d <= limit || (contained && wanted.len().min(c.len()) >= 4)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb { prev } else { 1 + prev.min(row[j]).min(row[j + 1]) };
            prev = current;
        }
    }
    row[b.len()]
}

/// A path as shown to the user: relative to the project root where possible.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::{Location, did_you_mean};

    #[test]
    fn suggestions_find_close_ids() {
        let ids = ["national-unity-government", "france24", "phil-robertson"];
        assert_eq!(did_you_mean("france-24", ids), Some("france24"));
        assert_eq!(did_you_mean("phil-robertsen", ids), Some("phil-robertson"));
        assert_eq!(did_you_mean("the-france24", ids), Some("france24"));
        assert_eq!(did_you_mean("zzz", ids), None);
    }

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        let d = super::Diagnostic::error("a\u{1b}]0;PWNED\u{7}.md", "bad \u{1b}[31mred\u{9b}");
        let text = d.render(false);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{9b}'), "{text}");
        assert!(text.contains("a\u{241b}]0;PWNED\u{2407}.md"), "{text}");
    }

    #[test]
    fn locations_count_lines_and_columns_in_chars() {
        let text = "a: 1\nbé: x\n";
        let loc = Location::at_offset(text, text.find('x').unwrap(), 10);
        assert_eq!((loc.line, loc.column, loc.line_text.as_str()), (11, 5, "bé: x"));
    }
}
