//! `dossier new source|figure ID`: a new file with every field present and commented.

use std::fs;
use std::path::{Path, PathBuf};

use crate::content::{is_slug, slugify};
use crate::diagnostics::Diagnostic;

#[derive(Clone, Copy)]
pub enum Kind {
    Source,
    Figure,
}

const SOURCE: &str = r#"---
title: "TITLE"               # required: the name readers see
kind: person                # required: person | organization | outlet | document | dataset
aliases: []                 # other spellings, all auto-linked: ["Robertson"]
# role: ""                  # e.g. "Deputy director, Asia division"
# affiliation: ""           # another source's id
# url: ""                   # only a URL you have checked
# published: 2021-12-20     # ISO 8601: 2021, 2021-12 or 2021-12-20
# accessed: 2026-11-24
pseudonym: false            # true where the article says the name was changed; likely where it only suggests so
draft: false
---
Who this is and why they matter to the dossier.
"#;

const FIGURE: &str = r#"---
title: "TITLE"               # required: what the number counts
kind: stat                  # required: stat | chart | image | table
value: 0                    # kind stat: the number
# unit: ""                  # e.g. soldiers
approximate: false          # true for "about", "some", "an estimated"
# as_of: 2021-12            # ISO 8601: 2021, 2021-12 or 2021-12-20
# claimed_by: ""            # the source id of who states the number
cites: []                   # source ids that report it
# chart:                    # kind chart: rendered to SVG at build time
#   type: bar               # bar | line
#   unit: ""
#   series:
#     - { label: "A", value: 1 }
# image: static/file.svg    # kind image: a file under content/static/
# alt: ""                   # kind image: required description
# credit: ""
draft: false
---
Who claims this number, and how solid it is.
"#;

/// Creates the file; refuses an id that is not a slug or a file that exists.
pub fn create(root: &Path, kind: Kind, id: &str) -> Result<PathBuf, Diagnostic> {
    let (folder, template) = match kind {
        Kind::Source => ("sources", SOURCE),
        Kind::Figure => ("figures", FIGURE),
    };
    let path = root.join("content").join(folder).join(format!("{id}.md"));
    if !is_slug(id) {
        return Err(
            Diagnostic::error(&path, format!("`{id}` is not a lower-case slug")).help(format!("try `{}`", slugify(id)))
        );
    }
    if path.exists() {
        return Err(
            Diagnostic::error(&path, "file already exists").help("choose another id, or edit the existing file")
        );
    }
    let title = id.split('-').map(capitalize).collect::<Vec<_>>().join(" ");
    let io = |e: std::io::Error| Diagnostic::error(&path, format!("cannot write: {e}"));
    crate::confine::folder_inside(root, path.parent().unwrap_or(root)).map_err(io)?;
    fs::create_dir_all(path.parent().unwrap_or(root)).map_err(io)?;
    fs::write(&path, template.replacen("TITLE", &title, 1)).map_err(io)?;
    Ok(path)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
