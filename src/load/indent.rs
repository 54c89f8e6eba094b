//! Lines of YAML indented unlike their siblings, found by reading the indentation itself.
//!
//! The YAML parser sees a mis-indented line as something else (a new mapping, the rest of a
//! value, a stray key) and reports what that leads to: a "missing" field that is there, a
//! date that is not a date, "did not find expected key". When the front matter does not
//! load, this scan says what the author needs to hear instead: this line is indented N
//! spaces, its siblings M; move it. It is deliberately conservative: only lines that look
//! like keys (`name:`) or list items (`- `) are judged, and block scalars (`|`, `>`), quoted
//! values and flow collections (`[…]`, `{…}`) spanning lines are skipped.

/// A key or list item indented where no sibling of it can be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Misindent {
    /// 0-based line in the YAML text.
    pub line: usize,
    pub indent: usize,
    /// The indentation of its siblings.
    pub expected: usize,
    /// 0-based line of the first sibling, and how it starts (`quote:`, `- id:`).
    pub sibling_line: usize,
    pub sibling: String,
    /// How the line itself starts.
    pub what: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

/// One level of block structure: its indentation, what it holds, and its first line.
struct Level {
    indent: usize,
    kind: Kind,
    line: usize,
    what: String,
    /// Another indentation read as this one: where the content of a mis-indented list item
    /// is, if the whole item was moved.
    alias: Option<usize>,
}

/// A line's structure: a key (with or without an inline value) or a list item.
enum Shape {
    /// `name:` with whether a value follows on the same line, and that value.
    Key {
        name_end: usize,
        value: String,
    },
    /// `- ` followed by the rest of the line (maybe a key).
    Item,
    Other,
}

/// Every mis-indented key or list item of `yaml`, in order.
pub(crate) fn misindented(yaml: &str) -> Vec<Misindent> {
    let mut found = Vec::new();
    let mut levels: Vec<Level> = Vec::new();
    // The indentation a block opened by the previous line (`key:` with no value) must exceed.
    let mut opened: Option<usize> = None;
    // Lines more indented than this belong to a block scalar (`true`: skipped whatever they
    // hold) or may go on a plain value (`false`: skipped unless they look like a key).
    let mut skip_deeper: Option<(usize, bool)> = None;
    let mut open_brackets = 0usize;
    let mut open_quote: Option<char> = None;
    for (n, line) in yaml.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line[indent..].trim_end();
        if open_brackets > 0 || open_quote.is_some() {
            (open_brackets, open_quote) = scan(rest, open_brackets, open_quote);
            continue;
        }
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with('\t') {
            continue;
        }
        if let Some((limit, block)) = skip_deeper {
            if indent > limit && (block || !matches!(shape(rest), Shape::Key { .. })) {
                continue;
            }
            skip_deeper = None;
        }
        let (mut at, mut text) = (indent, rest);
        let mut is_item = false;
        // How far a mis-indented list item was moved back (its content is then read either way).
        let mut moved = 0isize;
        while let Shape::Item = shape(text) {
            // `- - a` and `- key: v`: each dash opens a sequence level, its content one deeper.
            if !is_item {
                match place(&mut levels, Kind::Seq, at, opened, n, item_what(text)) {
                    Ok(placed) => at = placed,
                    Err(problem) => {
                        // Read on as if it were where it belongs, so its content is not reported too.
                        moved = problem.indent as isize - problem.expected as isize;
                        at = problem.expected;
                        found.push(problem);
                    }
                }
            } else {
                levels.push(Level { indent: at, kind: Kind::Seq, line: n, what: item_what(text), alias: None });
            }
            is_item = true;
            opened = None;
            let after = text[1..].trim_start_matches(' ');
            at += text.len() - after.len();
            text = after;
            if text.is_empty() {
                opened = Some(at - 2);
                break;
            }
        }
        match shape(text) {
            Shape::Key { name_end, value } => {
                let what = text[..=name_end].to_string();
                if is_item {
                    let alias = (moved != 0).then(|| at.saturating_add_signed(moved));
                    levels.push(Level { indent: at, kind: Kind::Map, line: n, what, alias });
                } else {
                    at = match place(&mut levels, Kind::Map, at, opened, n, what) {
                        Ok(placed) => placed,
                        Err(problem) => {
                            found.push(problem);
                            found.last().map_or(at, |p| p.expected)
                        }
                    };
                }
                opened = None;
                let value = value.trim();
                if value.is_empty() {
                    opened = Some(at);
                } else if value.starts_with(['|', '>']) {
                    skip_deeper = Some((at, true));
                } else {
                    (open_brackets, open_quote) = scan(value, 0, None);
                    if open_quote.is_none() && open_brackets == 0 {
                        // A plain value may go on over more-indented lines.
                        skip_deeper = Some((at, false));
                    }
                }
            }
            Shape::Item => {}
            Shape::Other if is_item => {
                (open_brackets, open_quote) = scan(text, 0, None);
                skip_deeper = Some((at.saturating_sub(2), false));
            }
            Shape::Other => {}
        }
    }
    found
}

/// Checks that a key (`Map`) or item (`Seq`) at `indent` continues a level of its kind or
/// opens one under the previous line; updates `levels` as if it had been placed right.
fn place(
    levels: &mut Vec<Level>,
    kind: Kind,
    indent: usize,
    opened: Option<usize>,
    line: usize,
    what: String,
) -> Result<usize, Misindent> {
    let opens = opened.is_some_and(|parent| indent > parent || (kind == Kind::Seq && indent == parent));
    if opens || levels.is_empty() {
        levels.retain(|l| l.indent < indent || (l.indent == indent && l.kind != kind));
        levels.push(Level { indent, kind, line, what, alias: None });
        return Ok(indent);
    }
    if let Some(i) = levels.iter().rposition(|l| (l.indent == indent || l.alias == Some(indent)) && l.kind == kind) {
        levels.truncate(i + 1);
        return Ok(levels[i].indent);
    }
    let nearest = levels
        .iter()
        .enumerate()
        .filter(|(_, l)| l.kind == kind)
        .min_by_key(|(i, l)| (l.indent.abs_diff(indent), usize::MAX - i))
        .map(|(i, _)| i);
    let Some(i) = nearest else {
        // No sibling of its kind to compare with: leave it to the parser's message.
        return Ok(indent);
    };
    let sibling = &levels[i];
    let problem = Misindent {
        line,
        indent,
        expected: sibling.indent,
        sibling_line: sibling.line,
        sibling: sibling.what.clone(),
        what,
    };
    levels.truncate(i + 1);
    Err(problem)
}

/// `- id:` for an item holding a key, `-` otherwise: how a list item is named in messages.
fn item_what(text: &str) -> String {
    let after = text[1..].trim_start_matches(' ');
    match shape(after) {
        Shape::Key { name_end, .. } => format!("- {}", &after[..=name_end]),
        _ => "-".into(),
    }
}

fn shape(text: &str) -> Shape {
    if text == "-" || text.starts_with("- ") {
        return Shape::Item;
    }
    let name_len = text.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')).count();
    let after = &text[name_len..];
    if name_len > 0 && (after == ":" || after.starts_with(": ") || after.starts_with(":\t")) {
        let value = after[1..].trim();
        let value = if value.starts_with('#') { "" } else { value };
        return Shape::Key { name_end: name_len, value: value.to_string() };
    }
    Shape::Other
}

/// Flow brackets and quotes still open at the end of `text`, given those open before it.
fn scan(text: &str, mut brackets: usize, mut quote: Option<char>) -> (usize, Option<char>) {
    let mut previous = ' ';
    for c in text.chars() {
        match (quote, c) {
            (Some('"'), '\\') if previous == '\\' => {
                previous = ' ';
                continue;
            }
            (Some(q), c) if c == q && !(q == '"' && previous == '\\') => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') if matches!(previous, ' ' | '[' | '{' | ',' | ':') => quote = Some(c),
            (None, '#') if previous == ' ' => break,
            (None, '[' | '{') => brackets += 1,
            (None, ']' | '}') => brackets = brackets.saturating_sub(1),
            _ => {}
        }
        previous = c;
    }
    (brackets, quote)
}

/// The byte offset in `front` (front matter) of the value of `key` in each item of the
/// top-level list `list` (`None` where an item has no such key): where a problem with, say,
/// the third annotation's `quote` is, even when the same words stand earlier in the file.
/// One pass, so that an article with 10,000 broken quotes is reported in linear time.
pub(crate) fn item_key_offsets(front: &str, list: &str, key: &str) -> Vec<Option<usize>> {
    let mut found: Vec<Option<usize>> = Vec::new();
    let mut offset = 0;
    let mut in_list = false;
    let mut dash: Option<usize> = None;
    for line in front.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let indent = indent_of(line);
        let rest = line[indent..].trim_end();
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if !in_list {
            in_list = indent == 0 && rest.strip_prefix(list).is_some_and(|r| r.starts_with(':'));
            continue;
        }
        let is_item = rest == "-" || rest.starts_with("- ");
        let d = *dash.get_or_insert(indent);
        if indent < d || (indent == d && !is_item) || (indent == 0 && !is_item) {
            break;
        }
        if indent == d && is_item {
            found.push(None);
        }
        let Some(slot) = found.last_mut().filter(|slot| slot.is_none()) else { continue };
        let text = if indent == d { rest[1..].trim_start() } else { rest };
        if let Some(value) = text.strip_prefix(key).and_then(|r| r.strip_prefix(':')) {
            *slot = Some(start + (value.trim_start().as_ptr() as usize - line.as_ptr() as usize));
        }
    }
    found
}

pub(crate) fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::misindented;

    /// (line, indent, expected, sibling line) of each problem.
    fn found(yaml: &str) -> Vec<(usize, usize, usize, usize)> {
        misindented(yaml).iter().map(|m| (m.line, m.indent, m.expected, m.sibling_line)).collect()
    }

    #[test]
    fn well_indented_front_matter_has_no_problems() {
        let yaml = "title: \"A\"\nsummary: a long\n  plain value\nannotations:\n  - id: a\n    quote: \"x\"\n    note: >-\n      folded\n\n      text: with colon\n    cites: [a,\n      b]\n  - quote: 'y'\n    kind: context\nevents:\n- date: 2021\n  label: \"multi\n    line\"\n  cites:\n    - a\nchart: { type: bar,\n  series: [] }\n# comment\n";
        assert_eq!(found(yaml), vec![]);
    }

    #[test]
    fn the_four_mistakes_are_found_with_their_siblings() {
        // A key one space short inside a list item.
        let yaml = "annotations:\n  - id: a\n    quote: \"x\"\n   kind: context\n";
        assert_eq!(found(yaml), vec![(3, 3, 4, 1)]);
        // A top-level key with a leading space.
        assert_eq!(found("title: A\nkind: person\n role: x\n"), vec![(2, 1, 0, 0)]);
        // A list item indented too far.
        let yaml = "annotations:\n  - id: a\n    kind: context\n    - id: b\n      kind: context\n";
        assert_eq!(found(yaml), vec![(3, 4, 2, 1)], "its content is read as moved with it");
        let yaml = "annotations:\n  - id: a\n    kind: context\n    - id: b\n    kind: context\n";
        assert_eq!(found(yaml), vec![(3, 4, 2, 1)], "or as left where it belongs");
        // A key indented too far under an event.
        assert_eq!(found("events:\n  - date: 2021\n      label: x\n"), vec![(2, 6, 4, 1)]);
    }

    #[test]
    fn an_items_key_is_found_in_its_own_item() {
        let front = "---\ntitle: x\nannotations:\n  - note: \"quote: a\"\n    quote: a\n  - kind: context\n    quote: \"a\"\nevents: []\n";
        let found = super::item_key_offsets(front, "annotations", "quote");
        let at = |n: usize| found.get(n).copied().flatten().map(|i| &front[i..i + 3]);
        assert_eq!((at(0), at(1), at(2)), (Some("a\n "), Some("\"a\""), None));
    }

    #[test]
    fn no_page_of_the_shipped_dossier_fixtures_or_starter_is_flagged_but_the_mistakes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut folders =
            vec![root.join("content"), root.join("src/commands/starter/content"), root.join("tests/fixtures")];
        let mut pages = 0;
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("mistakes") {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "md") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let front = text.split("\n---").next().unwrap_or("").trim_start_matches("---\n");
                    assert_eq!(misindented(front), vec![], "{}", path.display());
                    pages += 1;
                }
            }
        }
        assert!(pages > 20, "{pages}");
    }
}
