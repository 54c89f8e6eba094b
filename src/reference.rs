//! The reference in `docs/` must not drift from the code: every front-matter
//! field and `dossier.yaml` key the parser accepts, and every variable each
//! template receives, must be named in the docs. Fields are read from the
//! parser itself (serde lists the fields it expects when given an unknown
//! one); variables from the views of a real build of `tests/fixtures/`.

use std::collections::BTreeSet;
use std::path::Path;

use serde::de::DeserializeOwned;

/// The fields `T` accepts, as serde lists them for an unknown field.
fn fields<T: DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
    let error = serde_yaml::from_str::<T>("__probe__: 1").expect_err("an unknown field is refused");
    let message = error.to_string();
    // "unknown field `__probe__`, expected one of `a`, `b`" or "… expected `a` or `b`"
    let list = message.split(", expected ").nth(1).unwrap_or("");
    list.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// Every variable path in a template's context: `site.title`, `annotations[].note_html`.
fn paths(value: &serde_json::Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                out.insert(path.clone());
                paths(child, &path, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

fn read_doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_front_matter_field_and_config_key_is_documented() {
    use crate::model::{Annotation, ArticleMeta, Chart, ChartPoint, Event, FigureMeta, IndexMeta, SourceMeta};
    let doc = read_doc("front-matter.md");
    let kinds: [(&str, Vec<String>); 11] = [
        ("dossier.yaml", fields::<crate::load::config::RawConfig>()),
        ("publisher", fields::<crate::load::config::Publisher>()),
        ("ratings", fields::<crate::load::config::Ratings>()),
        ("_index.md", fields::<IndexMeta>()),
        ("article", fields::<ArticleMeta>()),
        ("annotation", fields::<Annotation>()),
        ("event", fields::<Event>()),
        ("source", fields::<SourceMeta>()),
        ("figure", fields::<FigureMeta>()),
        ("chart", fields::<Chart>()),
        ("chart point", fields::<ChartPoint>()),
    ];
    let mut missing = Vec::new();
    for (kind, names) in &kinds {
        assert!(names.len() >= 2, "{kind}: could not read its fields from the parser: {names:?}");
        for name in names {
            if !doc.contains(&format!("`{name}`")) {
                missing.push(format!("{kind}: `{name}`"));
            }
        }
    }
    assert!(missing.is_empty(), "docs/front-matter.md does not name:\n{}", missing.join("\n"));
}

#[test]
fn every_template_variable_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    let config = crate::load::config::Config::load(&root, &Default::default()).expect("fixture config");
    let doc = read_doc("templates.md");
    let mut missing = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (template, context) in crate::build::template_variables(&config) {
        seen.insert(template);
        let mut vars = BTreeSet::new();
        paths(&context, "", &mut vars);
        // Each template has a section headed by its name; its variables are named there.
        let heading = format!("## `{template}`");
        let section = doc.split(&heading).nth(1).map(|s| s.split("\n## ").next().unwrap_or(s)).unwrap_or("");
        for var in vars.iter().filter(|v| !v.starts_with("site.") && *v != "site") {
            if !section.contains(&format!("`{var}`")) {
                missing.insert(format!("{template}: `{var}`"));
            }
        }
        for var in vars.iter().filter(|v| v.starts_with("site")) {
            if !doc.contains(&format!("`{var}`")) {
                missing.insert(format!("(every template): `{var}`"));
            }
        }
    }
    assert!(seen.len() >= 11, "every template was rendered: {seen:?}");
    let list: Vec<String> = missing.into_iter().collect();
    assert!(list.is_empty(), "docs/templates.md does not name:\n{}", list.join("\n"));
}
