//! YAML read strictly and reported kindly: serde errors mapped to the line
//! and column of the file (not of the front-matter block), with a hint where
//! one is likely, and a bound on flow nesting so hostile files cannot make
//! the parser crawl. Used by `dossier.yaml` and by every page's front matter.
//!
//! The parser stops at the first error; [`parse_all`] goes on past it, by blanking the
//! part of the text at fault (the field, or the list item holding it) and parsing again,
//! so one run reports every problem of a file. When the text does not load at all, a
//! line indented unlike its siblings is reported as such ([`misindented`]), since that is
//! what the parser's own message is then about.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Location, did_you_mean};
use crate::load::indent::{indent_of, misindented};
use crate::model::{AnnotationKind, SourceKind};

/// Errors reported for one file at most: past these, a file is better fixed and re-checked.
const MAX_ERRORS: usize = 50;

/// Bytes of YAML parsed at most to find a file's errors (each is found by parsing again):
/// a 400 KB front matter full of mistakes stops after ten, not fifty, parses.
const MAX_PARSED: usize = 4 << 20;

/// Parses `yaml` (which starts on 1-based line `yaml_line` of `text`, the whole file) into
/// `M`, or returns every problem found in it, each pointing into `file`.
pub fn parse_all<M: DeserializeOwned>(
    file: &Path,
    text: &str,
    yaml: &str,
    yaml_line: usize,
) -> Result<M, Vec<Diagnostic>> {
    let mut current = yaml.to_string();
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut fixes = Fixes::default();
    loop {
        // All blanked: parse an empty mapping, so that a required field is still said missing.
        let empty = current.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        let error = match serde_yaml::from_str::<M>(if empty && !found.is_empty() { "{}" } else { &current }) {
            Ok(meta) if found.is_empty() => return Ok(meta),
            Ok(_) => return Err(found),
            Err(error) => error,
        };
        if found.is_empty() {
            let lines = misindented_diagnostics(file, text, yaml, yaml_line);
            if !lines.is_empty() {
                return Err(lines);
            }
        }
        let full = error.to_string();
        let (path, message) = split_path(&full);
        if let Some(field) = missing_field(message)
            && fixes.explains(path, field)
        {
            // Not missing: blanked for its own error, or misspelt and reported as unknown.
            // In a list item, the item goes, and the items after it are still read.
            let at = error.location().map(|l| (l.line() - 1, l.column() - 1));
            match at {
                Some((line, column))
                    if !empty && path.ends_with(']') && fixes.blank(&mut current, path, message, line, column) =>
                {
                    continue;
                }
                _ => return Err(found),
            }
        }
        let mut diagnostic = yaml_diagnostic_with(file, text, yaml_line, &error, &fixes.shown_path(path));
        if found.last().is_some_and(|last| last.message == diagnostic.message && last.location == diagnostic.location) {
            return Err(found); // blanking did not get past it
        }
        let mut at = error.location().map(|l| (l.line() - 1, l.column() - 1));
        if let Some(second) =
            at.and_then(|at| point_at_duplicate(&mut diagnostic, message, &current, text, yaml_line, at))
        {
            at = Some(second);
        }
        found.push(diagnostic);
        let syntax = serde_yaml::from_str::<serde_yaml::Value>(&current).is_err();
        let within = found.len() < MAX_ERRORS && (found.len() + 1) * current.len() <= MAX_PARSED;
        let blanked = match at {
            Some((line, column)) if !syntax && within => fixes.blank(&mut current, path, message, line, column),
            _ => false,
        };
        if !blanked {
            let listed = found.len();
            if !within && let Some(last) = found.last_mut() {
                last.note =
                    Some(format!("the first {listed} problems of this file are listed; fix them and check again"));
            }
            return Err(found);
        }
    }
}

/// For a key written twice in the mapping at `at` (0-based line and column of `yaml`), moves
/// `diagnostic` from the mapping's start to the second key and says where the first is;
/// returns where the second is.
fn point_at_duplicate(
    diagnostic: &mut Diagnostic,
    message: &str,
    yaml: &str,
    text: &str,
    yaml_line: usize,
    (line, column): (usize, usize),
) -> Option<(usize, usize)> {
    let key = message.strip_prefix("duplicate field `").and_then(|rest| rest.split('`').next())?;
    let (first, second) = duplicate_lines(yaml, line, column, key)?;
    diagnostic.location = Some(Box::new(Location::at_line(text, second + yaml_line, column + 1)));
    diagnostic.help = Some(format!("`{key}` is already set on line {}; keep one of the two", first + yaml_line));
    Some((second, column))
}

/// What [`parse_all`] blanked so far, to go on past each error and word the next ones.
#[derive(Default)]
struct Fixes {
    /// Items removed from lists: (list path with original indexes, original index).
    removed: Vec<(String, usize)>,
    /// Keys blanked for an error in their value: (path of their mapping, key).
    blanked_keys: Vec<(String, String)>,
}

impl Fixes {
    /// Whether `field`, said missing at `path`, was blanked by an earlier fix (its value was
    /// wrong, or it was written misspelt).
    fn explains(&self, path: &str, field: &str) -> bool {
        self.blanked_keys.iter().any(|(p, k)| p == path && (k == field || did_you_mean(k, [field]).is_some()))
    }

    /// `path` (as the parser counts after the removals) with original indexes.
    fn original_path(&self, path: &str) -> String {
        let mut out = String::new();
        for (i, part) in path.split('[').enumerate() {
            if i == 0 {
                out.push_str(part);
                continue;
            }
            let Some((index, rest)) = part.split_once(']') else {
                out.push('[');
                out.push_str(part);
                continue;
            };
            let Ok(mut index) = index.parse::<usize>() else {
                out.push_str(&format!("[{part}"));
                continue;
            };
            let mut gone: Vec<usize> = self.removed.iter().filter(|(list, _)| *list == out).map(|(_, n)| *n).collect();
            gone.sort_unstable();
            for n in gone {
                if n <= index {
                    index += 1;
                }
            }
            out.push_str(&format!("[{index}]{rest}"));
        }
        out
    }

    /// The path for readers: items counted from 1, as default annotation ids are
    /// (`annotations[7].kind` → ``annotation #8, `kind` ``).
    fn shown_path(&self, path: &str) -> String {
        if path.is_empty() {
            return String::new();
        }
        let original = self.original_path(path);
        let mut parts: Vec<String> = Vec::new();
        for segment in original.split('.') {
            match segment.split_once('[') {
                Some((list, index)) => {
                    let n = index.trim_end_matches(']').parse::<usize>().map_or(0, |n| n + 1);
                    let item = match list {
                        "annotations" => "annotation",
                        "events" => "event",
                        "series" => "series point",
                        other => other,
                    };
                    parts.push(format!("{item} #{n}"));
                }
                None => parts.push(format!("`{segment}`")),
            }
        }
        parts.join(", ")
    }

    /// Blanks the text at fault for an error at 0-based (`line`, `column`) of `current`:
    /// an unknown or duplicate key alone, else the list item holding the error, else the
    /// top-level key. Returns false when nothing could be blanked.
    fn blank(&mut self, current: &mut String, path: &str, message: &str, line: usize, column: usize) -> bool {
        let lines: Vec<&str> = current.lines().collect();
        if line >= lines.len() {
            return false;
        }
        let own_key = message.starts_with("unknown field") || message.starts_with("duplicate field");
        let in_item = path.ends_with(']') || path.contains("].");
        let item = if in_item { item_start(&lines, line, column) } else { None };
        let (start_line, start_column) = if own_key {
            if let Some(key) = message.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
                self.blanked_keys.push((path.to_string(), key.to_string()));
            }
            (line, column)
        } else if let Some((item_line, dash)) = item {
            if let Some((list, index)) = self.original_path(path).rsplit_once('[')
                && let Some(n) = index.split(']').next().and_then(|n| n.parse::<usize>().ok())
            {
                self.removed.push((list.to_string(), n));
            }
            (item_line, dash)
        } else {
            let Some(key_line) = (0..=line).rev().find(|&n| {
                let l = lines[n];
                !l.is_empty() && !l.starts_with([' ', '#', '\t'])
            }) else {
                return false;
            };
            let key = lines[key_line].split(':').next().unwrap_or("").trim().to_string();
            self.blanked_keys.push((String::new(), key));
            (key_line, 0)
        };
        let blanked = blank_node(&lines, start_line, start_column);
        let changed = blanked != *current;
        *current = blanked;
        changed
    }
}

/// The line and dash column of the block list item (`- …`) holding (`line`, `column`), if
/// it is in one: not when the list is written in flow style (`[{…}, {…}]`).
fn item_start(lines: &[&str], line: usize, column: usize) -> Option<(usize, usize)> {
    let limit = indent_of(lines[line]);
    for n in (0..=line).rev() {
        let text = lines[n];
        let dash = indent_of(text);
        let rest = &text[dash..];
        if (rest == "-" || rest.starts_with("- ")) && dash < if n == line { column.max(1) } else { limit } {
            return Some((n, dash));
        }
        if n != line && dash == 0 && !rest.is_empty() && !rest.starts_with('#') {
            return None; // a top-level key: the item is not a block item
        }
        if n == line && dash == 0 {
            return None;
        }
    }
    None
}

/// `lines` with the node starting at (`line`, `column`) replaced by spaces: the rest of that
/// line and every following line indented deeper than `column` (line numbers are kept).
fn blank_node(lines: &[&str], line: usize, column: usize) -> String {
    let mut out = String::new();
    let mut inside = true;
    for (n, text) in lines.iter().enumerate() {
        if n > line && inside && !text.trim().is_empty() && indent_of(text) <= column {
            inside = false;
        }
        if n == line {
            let cut = text.char_indices().nth(column).map_or(text.len(), |(i, _)| i);
            out.push_str(&text[..cut]);
        } else if n < line || !inside {
            out.push_str(text);
        }
        out.push('\n');
    }
    out
}

/// The 0-based lines of the first two `key:` of the mapping that starts at (`line`,
/// `column`) of `yaml`.
fn duplicate_lines(yaml: &str, line: usize, column: usize, key: &str) -> Option<(usize, usize)> {
    let mut seen = Vec::new();
    for (n, text) in yaml.lines().enumerate().skip(line) {
        let indent = indent_of(text);
        if n > line && !text.trim().is_empty() && !text.trim_start().starts_with('#') && indent < column {
            break;
        }
        let at = if n == line { column } else { indent };
        if at == column && text.get(at..).is_some_and(|t| t.starts_with(key) && t[key.len()..].starts_with(':')) {
            seen.push(n);
        }
    }
    Some((*seen.first()?, *seen.get(1)?))
}

/// Splits serde's `annotations[0].kind: message` into the path and the message.
fn split_path(full: &str) -> (&str, &str) {
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']');
    match full.split_once(": ") {
        Some((path, rest)) if !path.is_empty() && path.chars().all(plain) && path != "." => (path, rest),
        _ => ("", full),
    }
}

fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `").and_then(|rest| rest.split('`').next())
}

/// Each mis-indented line of `yaml` as a diagnostic.
fn misindented_diagnostics(file: &Path, text: &str, yaml: &str, yaml_line: usize) -> Vec<Diagnostic> {
    misindented(yaml)
        .into_iter()
        .map(|m| {
            let (line, sibling_line) = (m.line + yaml_line, m.sibling_line + yaml_line);
            let spaces = |n: usize| if n == 1 { "1 space".to_string() } else { format!("{n} spaces") };
            let way = if m.indent > m.expected { "left" } else { "right" };
            Diagnostic::error(
                file,
format!("this line is indented {}, its siblings {}", spaces(m.indent), m.expected),
            )
            .at(Some(Location::at_line(text, line, m.indent + 1)))
            .help(format!(
                "move `{}` {} {way}, under `{}` on line {sibling_line}: in YAML, indentation says what belongs to what",
                m.what,
                spaces(m.indent.abs_diff(m.expected)),
                m.sibling
            ))
        })
        .collect()
}

/// A serde YAML error as a diagnostic pointing into the file, its path written as `shown_path`.
fn yaml_diagnostic_with(
    file: &Path,
    text: &str,
    yaml_line: usize,
    error: &serde_yaml::Error,
    shown_path: &str,
) -> Diagnostic {
    let full = error.to_string();
    let message = match full.find(" at line ").or_else(|| full.find(" at position ")) {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let (path, bare) = split_path(&message);
    let message = if path.is_empty() { bare.to_string() } else { format!("{shown_path}: {bare}") };
    // Some scanner errors (a control character, a NUL) carry only a character position.
    let position = full
        .rsplit_once(" at position ")
        .and_then(|(_, n)| n.trim().parse::<usize>().ok())
        .filter(|_| error.location().is_none_or(|l| l.index() == 0 && l.line() <= 1))
        .map(|chars| {
            let yaml_start: usize = text.split_inclusive('\n').take(yaml_line - 1).map(str::len).sum();
            let byte = text[yaml_start..].char_indices().nth(chars).map_or(text.len(), |(i, _)| yaml_start + i);
            Location::at_offset(text, byte, 1)
        });
    let unclosed =
        message.contains("found unexpected end of stream") || message.contains("while scanning a quoted scalar");
    let location = match unclosed.then(|| unclosed_quote(text, yaml_line)).flatten() {
        Some(opening) => Some(opening),
        None if position.is_some() => position,
        None => error.location().map(|l| Location::at_line(text, l.line() + yaml_line - 1, l.column())),
    };
    let help = yaml_help(&message, location.as_ref(), &choices(file, path, missing_field(bare).unwrap_or("")));
    Diagnostic::error(file, format!("invalid front matter: {message}")).at(location).help_opt(help)
}

/// The values a field of a page takes, where it takes a fixed set (for "missing field").
fn choices(file: &Path, path: &str, field: &str) -> Vec<&'static str> {
    let section = file.parent().and_then(Path::file_name).and_then(|n| n.to_str()).unwrap_or("");
    let in_list = path.rsplit('.').next().and_then(|last| last.split('[').next()).unwrap_or("");
    match (section, in_list, field) {
        ("sources", "", "kind") => SourceKind::ALL.iter().map(|k| k.as_str()).collect(),
        ("figures", "", "kind") => vec!["stat", "chart", "image", "table"],
        ("figures", "chart", "type") => vec!["bar", "line"],
        ("articles", "annotations", "kind") => AnnotationKind::ALL.iter().map(|k| k.as_str()).collect(),
        _ => Vec::new(),
    }
}

/// Deepest nesting of flow collections (`[`, `{`) front matter may have. The YAML parser
/// takes quadratic time in the depth (100,000 `[` took 25 s); real front matter nests 3 deep.
pub const MAX_FLOW_DEPTH: usize = 64;

/// The byte offset in `yaml` where flow collections nest deeper than [`MAX_FLOW_DEPTH`].
/// Brackets inside quoted scalars and comments do not count; so that an odd quote cannot
/// hide a deep nest, brackets are also counted ignoring quotes, against a limit 30 times
/// higher (still parsed in milliseconds).
pub fn too_deep(yaml: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in yaml.char_indices() {
        match c {
            '[' | '{' if depth == 30 * MAX_FLOW_DEPTH => return Some(i),
            '[' | '{' => depth += 1,
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let (mut depth, mut quote, mut comment, mut previous) = (0usize, None, false, ' ');
    for (i, c) in yaml.char_indices() {
        match (quote, c) {
            _ if comment => comment = c != '\n',
            (Some('"'), '\\') if previous != '\\' => {}
            (Some(q), c) if c == q && !(q == '"' && previous == '\\') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if matches!(previous, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':' | '-') => {
                quote = Some(c)
            }
            (None, '#') if previous.is_whitespace() => comment = true,
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        previous = if previous == '\\' && c == '\\' { ' ' } else { c };
    }
    None
}

/// The error for front matter that nests too deep, at the bracket that went past the limit.
pub fn too_deep_diagnostic(file: &Path, text: &str, yaml_start: usize, offset: usize) -> Diagnostic {
    Diagnostic::error(file, format!("front matter nests `[` or `{{` more than {MAX_FLOW_DEPTH} levels deep"))
        .at(Some(Location::at_offset(text, yaml_start + offset, 1)))
        .help("close the brackets sooner, or put the value in quotes if it is text")
}

/// The one choice that starts with the same four or more letters as `wrong`
/// (`verify` → `verification`), which edit distance finds too far.
fn same_start<'a>(wrong: &str, choices: &[&'a str]) -> Option<&'a str> {
    let shared = |c: &str| wrong.chars().zip(c.chars()).take_while(|(a, b)| a == b).count();
    let mut close = choices.iter().filter(|c| shared(c) >= 4);
    match (close.next(), close.next()) {
        (Some(only), None) => Some(*only),
        _ => None,
    }
}

/// The opening quote of the first line of YAML whose double or single quotes do not balance.
fn unclosed_quote(text: &str, yaml_line: usize) -> Option<Location> {
    for (n, line) in text.lines().enumerate().skip(yaml_line - 1) {
        if line.trim_end() == "---" {
            break;
        }
        let value_start = line.find(": ").map_or(0, |i| i + 2);
        let value = line[value_start..].trim_start_matches(['-', ' ']);
        let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            continue;
        };
        let body = &value[1..];
        let closed = if quote == '"' {
            body.replace("\\\\", "").replace("\\\"", "").contains('"')
        } else {
            body.replace("''", "").contains('\'')
        };
        if !closed {
            let column = line.len() - value.len();
            return Some(Location::at_offset(line, column, n + 1));
        }
    }
    None
}

fn yaml_help(message: &str, location: Option<&Location>, choices: &[&str]) -> Option<String> {
    if location.is_some_and(|l| l.line_text.starts_with('\t') || l.line_text.contains(":\t")) {
        return Some("YAML does not allow tabs for indentation; use spaces".into());
    }
    let quoted = |after: &str| -> Vec<&str> {
        message.split_once(after).map(|(_, rest)| rest.split('`').skip(1).step_by(2).collect()).unwrap_or_default()
    };
    for (what, expected) in [("field", "expected one of"), ("variant", "expected one of")] {
        if let Some(rest) = message.split_once(&format!("unknown {what} `")) {
            let wrong = rest.1.split('`').next().unwrap_or("");
            let choices = quoted(expected);
            let close = did_you_mean(wrong, choices.iter().copied())
                .or_else(|| (what == "variant").then(|| same_start(wrong, &choices)).flatten());
            return Some(match close {
                Some(close) => format!("did you mean `{close}`?"),
                None if what == "field" => {
                    "remove the field or fix its spelling (fields are listed after `expected`)".into()
                }
                None => format!("use one of: {}", choices.join(", ")),
            });
        }
    }
    if message.contains("control characters are not allowed") {
        return Some("remove the invisible control character at the caret (shown as a symbol such as ␀ or ␛); YAML allows them only as escapes in double quotes, such as \"\\t\"".into());
    }
    if let Some(field) = message.split_once("missing field `").and_then(|(_, rest)| rest.split('`').next()) {
        let place = if message.contains('#') { "this item" } else { "the front matter" };
        return Some(match choices {
            [] => format!("add `{field}:` to {place}"),
            _ => format!("add `{field}:` to {place}, with one of: {}", choices.join(", ")),
        });
    }
    if message.contains("found unexpected end of stream") || message.contains("while scanning a quoted scalar") {
        return Some("a quoted value is never closed; add the closing quote".into());
    }
    if message.contains("mapping values are not allowed") {
        return Some("a value contains `: `; put the whole value in double quotes".into());
    }
    if let Some((_, expected)) = message.split_once("invalid type: ").and_then(|(_, r)| r.split_once(", expected ")) {
        let expected = match expected {
            "f64" | "f32" | "i64" | "u64" | "usize" => "a number",
            "a boolean" => "`true` or `false`",
            other => other,
        };
        return Some(format!("write {expected} here"));
    }
    None
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::model::ArticleMeta;

    /// (line, message) of each problem `parse_all` finds in an article's front matter.
    fn problems(yaml: &str) -> Vec<(usize, String)> {
        let text = format!("---\n{yaml}---\n");
        match super::parse_all::<ArticleMeta>(Path::new("content/articles/a.md"), &text, yaml, 2) {
            Ok(_) => Vec::new(),
            Err(found) => {
                found.iter().map(|d| (d.location.as_ref().map_or(0, |l| l.line), d.message.clone())).collect()
            }
        }
    }

    #[test]
    fn every_error_is_found_and_none_twice() {
        let found = problems(
            "title: A\ndate: 2021-13\nupdated: soon\nevents:\n  - date: x\n    label: a\n  - date: 2021\n    label: b\n  - date: y\n    label: c\n",
        );
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![3, 4, 6, 10], "{found:?}");
        assert!(found[3].1.contains("event #3"), "{found:?}");
    }

    #[test]
    fn a_missing_field_is_reported_but_not_one_blanked_for_its_own_error() {
        let found = problems("date: 2021-13\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].1.contains("missing field `title`"), "{found:?}");
        let found = problems("title: [1, 2]\n");
        assert_eq!(found.len(), 1, "{found:?}");
        let found = problems("titel: A\ndate: 2021\n");
        assert_eq!(found.len(), 1, "a misspelt field is not also missing: {found:?}");
        assert!(found[0].1.contains("unknown field `titel`"), "{found:?}");
    }

    #[test]
    fn flow_lists_and_unknown_fields_in_items_are_gone_past() {
        let found = problems(
            "title: A\nannotations: [{quote: a, kind: verify}]\nevents:\n  - date: 2021\n    lable: x\n  - date: z\n    label: y\n",
        );
        let lines: Vec<usize> = found.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![3, 6, 7], "{found:?}");
    }
}
