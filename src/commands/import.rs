//! `dossier import annotations FILE --article ID`: W3C Web Annotations (from
//! Hypothesis, Apache Annotator, or dossier's own `annotations.jsonld`) into
//! an article's front matter.
//!
//! Each W3C annotation becomes a dossier annotation: its quote
//! (`TextQuoteSelector`, also inside a `CssSelector`'s `refinedBy`), its kind
//! (`dossier:kind`, else a tag naming a kind, else from the motivation, else
//! the default kind given on the command line), its note and correction
//! (`TextualBody`, by purpose; Hypothesis's `text`), the sources it links
//! to (`SpecificResource`s pointing at `sources/<id>/`) and its verdict
//! (`dossier:rating`). Hypothesis's API rows
//! (a search result's `rows`, or one annotation) are W3C-shaped enough to be
//! read the same way: `target[].selector` holds its quote, `text` its note,
//! `tags` its kind. Quotes are anchored in
//! the article's text exactly as a build anchors them; where a quote occurs
//! more than once, the W3C `prefix`/`suffix` pick the occurrence. Nothing is
//! written unless every annotation anchors (or `--partial` is given), and the
//! file is re-read and re-anchored before it replaces the original.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::{Config, Overrides};
use crate::load::content;
use crate::model::{Annotation, AnnotationKind, ArticleMeta, Occurrence, PageId};
use crate::render::annotate;
use crate::resolve::xref::Index;
use crate::text::TextMap;

/// What an import did.
#[derive(Debug, Default)]
pub struct Imported {
    pub file: PathBuf,
    pub added: Vec<String>,
    /// Already in the article (same id): left as they are.
    pub present: Vec<String>,
    /// Targeting another article of the dossier.
    pub elsewhere: usize,
    /// Annotations that did not anchor: (label, why).
    pub failed: Vec<(String, String)>,
}

/// Imports the annotations of `file` into `content/articles/<article>.md`.
///
/// `default_kind` is the kind of annotations whose tags, `dossier:kind` and motivation name none.
pub fn annotations(
    root: &Path,
    file: &Path,
    article: &str,
    partial: bool,
    default_kind: AnnotationKind,
) -> Result<Imported, Diagnostic> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Diagnostic::error(file, format!("cannot read: {e}")).help("give the path of a JSON-LD file").usage()
    })?;
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(file, format!("not valid JSON: {e}"))
            .at(Some(crate::diagnostics::Location::at_line(&text, e.line().max(1), e.column().max(1))))
            .help("export W3C Web Annotations as JSON-LD (Hypothesis: the API's JSON; dossier: annotations.jsonld)")
            .usage()
    })?;
    let config = Config::load(root, &Overrides::default())?;
    let diagnostics = Diagnostics::default();
    let loaded = content::load(&config, &diagnostics);
    let id = PageId::Article(article.to_string());
    let Some(page) = loaded.articles.iter().find(|a| a.id == id) else {
        let path = root.join("content/articles").join(format!("{article}.md"));
        if let Some(problem) =
            diagnostics.snapshot().into_iter().find(|d| d.severity == crate::diagnostics::Severity::Error)
        {
            return Err(problem);
        }
        return Err(Diagnostic::error(&path, format!("no article `{article}`"))
            .help("name a file of content/articles/ without `.md`, e.g. `--article my-story`")
            .usage());
    };
    let index = Index::new(&config, &loaded);
    let rendered = crate::build::render_article(&index, page, &page.meta.annotations);
    let mut map = TextMap::new();
    map.push_segment(&rendered.text);

    let mut report = Imported { file: page.path.clone(), ..Imported::default() };
    let existing: Vec<String> = page.meta.annotations.iter().filter_map(|a| a.id.clone()).collect();
    let mut new: Vec<Annotation> = Vec::new();
    for w3c in items(&json) {
        let Some(candidate) = convert(w3c, article, default_kind) else {
            report.elsewhere += 1;
            continue;
        };
        let label = candidate.id.clone().unwrap_or_else(|| candidate.quote.clone());
        if candidate.id.as_ref().is_some_and(|id| existing.contains(id)) {
            report.present.push(label);
            continue;
        }
        // Further placements of one `occurrence: all` annotation come as `anno-x-2`, `anno-x-3`…
        if let Some(first) = new.iter_mut().find(|a| continues(a, &candidate)) {
            first.occurrence = Some(Occurrence::All);
            continue;
        }
        new.push(candidate);
    }
    let mut anchored = Vec::new();
    for mut annotation in new {
        let label = annotation.id.clone().unwrap_or_else(|| annotation.quote.clone());
        match place(&map, &mut annotation) {
            Ok(()) => anchored.push(annotation),
            Err(why) => report.failed.push((label, why)),
        }
    }
    if anchored.is_empty() || (!report.failed.is_empty() && !partial) {
        return Ok(report);
    }
    // `page.path` is relative to the project, as diagnostics show it.
    let path = root.join(&page.path);
    let raw = crate::load::confine::read_text(root, &path)
        .map_err(|e| Diagnostic::error(&page.path, format!("cannot read: {e}")))?;
    let updated = insert_annotations(&raw, &anchored)
        .ok_or_else(|| Diagnostic::error(&page.path, "cannot find the front matter between `---` lines"))?;
    verify(&page.path, &updated, page.meta.annotations.len() + anchored.len(), &map)?;
    write_replacing(&path, &updated)?;
    report.added = anchored.iter().map(|a| a.id.clone().unwrap_or_else(|| a.quote.clone())).collect();
    Ok(report)
}

/// The annotations of a collection, a page, an array, or a single annotation.
fn items(json: &Value) -> Vec<&Value> {
    match json {
        Value::Array(all) => all.iter().flat_map(items).collect(),
        Value::Object(map) => match map.get("type").and_then(Value::as_str) {
            Some("AnnotationCollection") => map.get("first").map(items).unwrap_or_default(),
            Some("AnnotationPage") => map.get("items").map(items).unwrap_or_default(),
            _ if map.contains_key("target") => vec![json],
            _ => map.get("items").or_else(|| map.get("rows")).map(items).unwrap_or_default(),
        },
        _ => Vec::new(),
    }
}

/// A W3C annotation as a dossier annotation (its quote not yet placed);
/// `None` if it targets another article of this dossier.
fn convert(w3c: &Value, article: &str, default_kind: AnnotationKind) -> Option<Annotation> {
    let targets: Vec<&Value> = match &w3c["target"] {
        Value::Array(all) => all.iter().collect(),
        other => vec![other],
    };
    let source = targets.iter().find_map(|t| t["source"].as_str().or(t.as_str())).or(w3c["uri"].as_str()).unwrap_or("");
    let path = source.split(['#', '?']).next().unwrap_or("");
    if let Some(at) = path.rfind("/articles/") {
        let slug = path[at + "/articles/".len()..].trim_end_matches('/');
        if slug != article {
            return None;
        }
    }
    let quote = targets.iter().flat_map(|t| selectors(&t["selector"])).find(|s| s["type"] == "TextQuoteSelector");
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let (exact, prefix, suffix) = quote.map_or_else(
        || (String::new(), String::new(), String::new()),
        |q| (text(&q["exact"]), text(&q["prefix"]), text(&q["suffix"])),
    );
    let bodies: Vec<&Value> = match &w3c["body"] {
        Value::Array(all) => all.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    };
    let mut annotation = Annotation::new(&exact, kind_of(w3c, &bodies, default_kind));
    annotation.prefix = Some(prefix).filter(|p| !p.is_empty());
    annotation.suffix = Some(suffix).filter(|s| !s.is_empty());
    annotation.id = w3c["id"]
        .as_str()
        .and_then(|id| id.rsplit_once("#anno-"))
        .map(|(_, id)| id.to_string())
        .filter(|id| content::is_slug(id) || id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    for body in bodies {
        let purpose = body["purpose"].as_str().unwrap_or("commenting");
        match (body["type"].as_str(), purpose) {
            (Some("TextualBody"), "editing") => annotation.correction = body["value"].as_str().map(str::to_string),
            (Some("TextualBody") | None, _) if body["value"].is_string() => {
                annotation.note = body["value"].as_str().map(str::to_string);
            }
            (Some("SpecificResource"), _) => {
                let cited = body["source"].as_str().unwrap_or("");
                if let Some((_, slug)) = cited.trim_end_matches('/').rsplit_once("/sources/") {
                    annotation.cites.push(slug.to_string());
                }
            }
            _ => {}
        }
    }
    annotation.rating = serde_json::from_value(w3c["dossier:rating"].clone()).ok();
    // Hypothesis: the note is `text` (Markdown), with no body.
    if annotation.note.is_none() && w3c["body"].is_null() {
        annotation.note = w3c["text"].as_str().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
    }
    Some(annotation)
}

/// A selector and what refines it, outermost first.
fn selectors(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(all) => all.iter().flat_map(selectors).collect(),
        Value::Object(map) => {
            let mut out = vec![value];
            if let Some(inner) = map.get("refinedBy") {
                out.extend(selectors(inner));
            }
            out
        }
        _ => Vec::new(),
    }
}

fn kind_of(w3c: &Value, bodies: &[&Value], default_kind: AnnotationKind) -> AnnotationKind {
    let named = |k: &str| AnnotationKind::ALL.into_iter().find(|a| a.as_str().eq_ignore_ascii_case(k.trim()));
    let tags = w3c["tags"].as_array().into_iter().flatten().filter_map(Value::as_str);
    w3c["dossier:kind"].as_str().and_then(named).or_else(|| tags.filter_map(named).next()).unwrap_or(
        match w3c["motivation"].as_str() {
            Some("editing") if bodies.iter().any(|b| b["purpose"] == "editing") => AnnotationKind::Correction,
            Some("editing") => AnnotationKind::Translation,
            Some("assessing") => AnnotationKind::Verification,
            Some("questioning") => AnnotationKind::Disputed,
            _ => default_kind,
        },
    )
}

/// Is `next` a further placement of `first` (`anno-x` then `anno-x-2`)?
fn continues(first: &Annotation, next: &Annotation) -> bool {
    let (Some(a), Some(b)) = (&first.id, &next.id) else {
        return false;
    };
    b.strip_prefix(a.as_str())
        .and_then(|n| n.strip_prefix('-'))
        .is_some_and(|n| n.parse::<usize>().is_ok_and(|n| n >= 2))
        && first.quote == next.quote
        && first.kind == next.kind
        && first.note == next.note
        && first.correction == next.correction
}

/// Anchors `annotation` in `text`; where its quote is ambiguous, keeps the
/// W3C context as `occurrence: N` of the match whose surroundings agree best.
fn place(text: &TextMap, annotation: &mut Annotation) -> Result<(), String> {
    let (prefix, suffix) = (annotation.prefix.take(), annotation.suffix.take());
    let one = std::slice::from_ref(annotation);
    let (_, errors) = annotate::anchor(text, one);
    match errors.first().map(|(_, e)| e) {
        None => Ok(()),
        Some(annotate::AnchorError::Ambiguous { .. }) if annotation.occurrence.is_none() => {
            let quote = TextMap::normalize(&annotation.quote);
            let full = text.as_str();
            let starts: Vec<usize> = full.match_indices(quote.as_str()).map(|(at, _)| at).collect();
            let before = TextMap::normalize(prefix.as_deref().unwrap_or(""));
            let after = TextMap::normalize(suffix.as_deref().unwrap_or(""));
            let score =
                |&at: &usize| common_suffix(&full[..at], &before) + common_prefix(&full[at + quote.len()..], &after);
            let best = starts.iter().map(score).max().unwrap_or(0);
            let winners: Vec<usize> = (0..starts.len()).filter(|&i| score(&starts[i]) == best).collect();
            if let [only] = winners[..] {
                annotation.occurrence = Some(Occurrence::Nth(only + 1));
                Ok(())
            } else {
                Err(format!("quote \"{}\" occurs {} times and its context does not tell which", quote, starts.len()))
            }
        }
        Some(e) => Err(e.describe(&annotation.quote).0),
    }
}

/// How many characters, white space aside, `a` and `b` share at their ends.
fn common_suffix(a: &str, b: &str) -> usize {
    let solid = |c: &char| !c.is_whitespace();
    a.chars().rev().filter(solid).zip(b.chars().rev().filter(solid)).take_while(|(x, y)| x == y).count()
}

/// How many characters, white space aside, `a` and `b` share at their starts.
fn common_prefix(a: &str, b: &str) -> usize {
    let solid = |c: &char| !c.is_whitespace();
    a.chars().filter(solid).zip(b.chars().filter(solid)).take_while(|(x, y)| x == y).count()
}

/// One annotation as YAML, in the order authors write them.
#[derive(Serialize)]
struct Written<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    quote: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    occurrence: Option<OccurrenceYaml>,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    correction: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    cites: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    rating: Option<&'a crate::model::Rating>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum OccurrenceYaml {
    Nth(usize),
    All(&'static str),
}

/// `raw` with `new` appended to its front matter's `annotations:` list
/// (created if missing); the rest of the file, comments included, unchanged.
fn insert_annotations(raw: &str, new: &[Annotation]) -> Option<String> {
    let items: Vec<Written> = new
        .iter()
        .map(|a| Written {
            id: a.id.as_deref(),
            quote: &a.quote,
            occurrence: a.occurrence.map(|o| match o {
                Occurrence::All => OccurrenceYaml::All("all"),
                Occurrence::Nth(n) => OccurrenceYaml::Nth(n),
            }),
            kind: a.kind.as_str(),
            correction: a.correction.as_deref(),
            note: a.note.as_deref(),
            cites: &a.cites,
            rating: a.rating.as_ref(),
        })
        .collect();
    let yaml = serde_yaml::to_string(&items).ok()?;
    let block: String = yaml.lines().map(|l| format!("  {l}\n")).collect();
    let lines: Vec<&str> = raw.split_inclusive('\n').collect();
    let open = lines.iter().position(|l| l.trim_end() == "---")?;
    let close = open + 1 + lines[open + 1..].iter().position(|l| l.trim_end() == "---")?;
    let key = (open + 1..close).find(|&i| lines[i].starts_with("annotations:"));
    let mut out = String::with_capacity(raw.len() + block.len() + 16);
    match key {
        None => {
            lines[..close].iter().for_each(|l| out.push_str(l));
            out.push_str("annotations:\n");
            out.push_str(&block);
            lines[close..].iter().for_each(|l| out.push_str(l));
        }
        Some(k) => {
            // The list ends at the next top-level key (or the closing `---`).
            let end = (k + 1..close)
                .find(|&i| lines[i].starts_with(|c: char| !c.is_whitespace() && c != '#' && c != '-'))
                .unwrap_or(close);
            let flow_empty = lines[k].trim_end().trim_end_matches(|c: char| c != ']').ends_with("[]");
            lines[..k].iter().for_each(|l| out.push_str(l));
            out.push_str(if flow_empty { "annotations:\n" } else { lines[k] });
            lines[k + 1..end].iter().for_each(|l| out.push_str(l));
            out.push_str(&block);
            lines[end..].iter().for_each(|l| out.push_str(l));
        }
    }
    Some(out)
}

/// The new file must parse, hold `count` annotations, and anchor them all.
fn verify(path: &Path, text: &str, count: usize, map: &TextMap) -> Result<(), Diagnostic> {
    let diagnostics = Diagnostics::default();
    let page =
        content::parse_page::<ArticleMeta>(path, &PageId::Article("check".into()), text.to_string(), &diagnostics);
    let Some(page) = page.filter(|p| p.meta.annotations.len() == count) else {
        let why = diagnostics.snapshot().into_iter().next().map_or_else(|| "lost annotations".into(), |d| d.message);
        return Err(Diagnostic::error(
            path,
            format!("the updated front matter would not be valid ({why}); nothing was written"),
        )
        .help("report this as a bug, with the file"));
    };
    let (_, errors) = annotate::anchor(map, &page.meta.annotations);
    if let Some((i, e)) = errors.first() {
        let quote = &page.meta.annotations[*i].quote;
        return Err(Diagnostic::error(path, format!("after the import, {}; nothing was written", e.describe(quote).0)));
    }
    Ok(())
}

/// Replaces `path` in one rename, never through a symbolic link.
fn write_replacing(path: &Path, text: &str) -> Result<(), Diagnostic> {
    let io = |e: std::io::Error| Diagnostic::error(path, format!("cannot write: {e}"));
    if path.symlink_metadata().map_err(io)?.file_type().is_symlink() {
        return Err(Diagnostic::error(path, "is a symbolic link; dossier does not write through links"));
    }
    let temp = path.with_extension("md.dossier-import");
    std::fs::write(&temp, text).map_err(io)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        io(e)
    })
}

#[cfg(test)]
mod tests {
    use super::insert_annotations;
    use crate::model::{Annotation, AnnotationKind};

    #[test]
    fn annotations_are_appended_to_the_front_matter_keeping_the_rest() {
        let mut a = Annotation::new("the words", AnnotationKind::Context);
        a.id = Some("x".into());
        a.note = Some("A **note**: with a colon".into());
        let cases = [
            ("---\ntitle: T\n---\nBody\n", "---\ntitle: T\nannotations:\n  - id: x\n"),
            ("---\ntitle: T\nannotations: []\ndate: 2021\n---\nBody\n", "annotations:\n  - id: x\n"),
            (
                "---\ntitle: T\nannotations:\n  # a comment\n  - quote: old\n    kind: context\nevents: []\n---\nBody\n",
                "  - quote: old\n    kind: context\n  - id: x\n",
            ),
        ];
        for (raw, expected) in cases {
            let out = insert_annotations(raw, std::slice::from_ref(&a)).unwrap();
            assert!(out.contains(expected), "{out}");
            assert!(out.ends_with("---\nBody\n"), "{out}");
            let yaml = out.split("---\n").nth(1).unwrap();
            let meta: crate::model::ArticleMeta = serde_yaml::from_str(yaml).unwrap();
            assert_eq!(meta.annotations.last().unwrap().note.as_deref(), Some("A **note**: with a colon"));
        }
    }
}
