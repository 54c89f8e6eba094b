//! YAML read strictly and reported kindly: serde errors mapped to the line
//! and column of the file (not of the front-matter block), with a hint where
//! one is likely, and a bound on flow nesting so hostile files cannot make
//! the parser crawl. Used by `dossier.yaml` and by every page's front matter.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Location, did_you_mean};

/// A serde YAML error as a diagnostic pointing into the file.
pub fn yaml_diagnostic(file: &Path, text: &str, yaml_line: usize, error: &serde_yaml::Error) -> Diagnostic {
    let full = error.to_string();
    let message = match full.find(" at line ").or_else(|| full.find(" at position ")) {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
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
    let help = yaml_help(&message, location.as_ref());
    Diagnostic::error(file, format!("invalid front matter: {message}")).at(location).help_opt(help)
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

fn yaml_help(message: &str, location: Option<&Location>) -> Option<String> {
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
            return Some(match did_you_mean(wrong, choices.iter().copied()) {
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
    if message.contains("missing field") {
        return Some("add the field to the front matter".into());
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
