//! Starting points: `dossier init DIR` (a small, complete dossier that
//! teaches the format by example) and `dossier new source|figure|article ID`
//! / `dossier new version ARTICLE` (one new file with its fields commented).
//!
//! Nothing here overwrites a file, and nothing is written through a symbolic
//! link: a folder the user did not expect to change is refused instead.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::content::{is_slug, slugify};
use crate::model::{ArticleMeta, PageId};

#[derive(Clone, Copy)]
pub enum Kind {
    Source,
    Figure,
    Article,
}

/// The dossier `dossier init` writes: (path in the project, text).
const STARTER: &[(&str, &str)] = &[
    ("dossier.yaml", include_str!("starter/dossier.yaml")),
    (".gitignore", include_str!("starter/gitignore")),
    ("content/_index.md", include_str!("starter/content/_index.md")),
    ("content/articles/bridge-as-received.md", include_str!("starter/content/articles/bridge-as-received.md")),
    ("content/articles/bridge.md", include_str!("starter/content/articles/bridge.md")),
    ("content/sources/town-council.md", include_str!("starter/content/sources/town-council.md")),
    ("content/sources/ana-ruiz.md", include_str!("starter/content/sources/ana-ruiz.md")),
    ("content/sources/valley-gazette.md", include_str!("starter/content/sources/valley-gazette.md")),
    ("content/figures/repair-cost.md", include_str!("starter/content/figures/repair-cost.md")),
    ("content/figures/closures.md", include_str!("starter/content/figures/closures.md")),
];

/// What `init` did.
pub struct Initialised {
    pub written: Vec<PathBuf>,
    /// Files that already existed (only with `force`): left as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes the starter dossier into `dir` (created if missing). Refuses a
/// non-empty folder, and an existing project, unless `force`; even then no
/// existing file is overwritten.
pub fn init(dir: &Path, force: bool) -> Result<Initialised, Diagnostic> {
    let refuse = |why: &str, help: &str| Err(Diagnostic::error(dir, why.to_string()).help(help.to_string()).usage());
    if dir.join(crate::load::config::CONFIG_FILE).exists() && !force {
        return refuse(
            "this folder already holds a dossier (`dossier.yaml`)",
            "build it with `dossier build`, or choose another folder for a new dossier",
        );
    }
    match fs::read_dir(dir).map(|mut entries| entries.next().is_some()) {
        Ok(true) if !force => {
            return refuse(
                "this folder is not empty",
                "choose a new or empty folder (`dossier init my-dossier`), or pass `--force` to add the starter files here (existing files are kept)",
            );
        }
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return refuse(&format!("cannot read the folder: {e}"), "check the folder's permissions"),
    }
    let mut done = Initialised { written: Vec::new(), kept: Vec::new() };
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        refuse_links(dir, rel)?;
        if path.exists() {
            done.kept.push(path);
            continue;
        }
        let io = |e: std::io::Error| Diagnostic::error(&path, format!("cannot write: {e}")).usage();
        fs::create_dir_all(path.parent().unwrap_or(dir)).map_err(io)?;
        write_new(&path, text).map_err(io)?;
        done.written.push(path);
    }
    Ok(done)
}

/// Refuses to write `rel` under `dir` if any part of its way is a symbolic link.
fn refuse_links(dir: &Path, rel: &str) -> Result<(), Diagnostic> {
    let mut path = dir.to_path_buf();
    for part in rel.split('/') {
        path.push(part);
        if path.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Diagnostic::error(&path, "is a symbolic link; dossier does not write through links")
                .help("remove the link, or choose another folder")
                .usage());
        }
    }
    Ok(())
}

/// Creates `path` with `text`, failing if it exists (no race with another writer).
fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    fs::OpenOptions::new().write(true).create_new(true).open(path)?.write_all(text.as_bytes())
}

const SOURCE: &str = r#"---
title: "TITLE"               # required: the name readers see
kind: person                # required: person | organization | outlet | document | dataset
aliases: []                 # other spellings, all auto-linked: ["Robertson"]
# role: ""                  # e.g. "Deputy director, Asia division"
# affiliation: ""           # another source's id
# url: ""                   # only a URL you have checked (`dossier check --links` checks it still answers)
# archive_url: ""           # an archived copy of url: https://web.archive.org/web/… or https://perma.cc/…
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

const ARTICLE: &str = r#"---
title: "TITLE"               # required: the headline
article: STORY              # the story this version belongs to; versions of one story share it
version: VERSION            # this version's name, e.g. as-received, edited, 2
EDITED_FROM
date: DATE                  # ISO 8601: 2021, 2021-12 or 2021-12-20
# updated: DATE
# language: en              # if not the site's language
# based_on: ""              # the source id this text comes from (an outlet or document)
# summary: ""               # one or two sentences, shown in lists and previews
annotations: []             # highlights with notes, e.g.:
#  - id: wrong-date         # optional: a stable id for links (#anno-wrong-date)
#    quote: "in 2019"       # required: the exact words of the text to highlight
#    kind: correction       # correction | translation | verification | context | disputed
#    correction: "in 2021"  # what the text should say
#    note: "Why, in Markdown."
#    cites: []              # source ids
events: []                  # for the timeline, e.g.:
#  - { date: 2021-06, label: "What happened", cites: [] }
# smart_punctuation: true   # curly quotes and dashes; default: off for as-received, on otherwise
draft: false
---
The article, in Markdown. Cite sources with `[@source-id]`, refer to
figures with `@fig-figure-id`, and link pages with `[[sources/source-id]]`.
"#;

/// Creates the file; refuses an id that is not a slug or a file that exists.
pub fn create(root: &Path, kind: Kind, id: &str) -> Result<PathBuf, Diagnostic> {
    let (folder, template) = match kind {
        Kind::Source => ("sources", SOURCE),
        Kind::Figure => ("figures", FIGURE),
        Kind::Article => ("articles", ARTICLE),
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
    let io = |e: std::io::Error| Diagnostic::error(&path, format!("cannot write: {e}")).usage();
    crate::load::confine::folder_inside(root, path.parent().unwrap_or(root)).map_err(io)?;
    fs::create_dir_all(path.parent().unwrap_or(root)).map_err(io)?;
    refuse_links(root, &format!("content/{folder}/{id}.md"))?;
    let (story, version) = story_and_version(id);
    let edited_from = if version == "as-received" {
        "# edited_from:              # none: this is the text as it was received".to_string()
    } else {
        format!(
            "# edited_from: articles/{story}-as-received   # the version this one was edited from: adds a Changes page"
        )
    };
    let text = template
        .replacen("TITLE", &title, 1)
        .replace("STORY", story)
        .replace("VERSION", version)
        .replace("EDITED_FROM", &edited_from)
        .replace("DATE", &today());
    write_new(&path, &text).map_err(io)?;
    Ok(path)
}

/// The story and version an article's id names: `floods-as-received` is the `as-received`
/// version of `floods`, `floods-edited` its `edited` one, and `floods` alone is `edited`.
fn story_and_version(id: &str) -> (&str, &str) {
    for version in ["as-received", "edited"] {
        if let Some(story) = id.strip_suffix(version).and_then(|s| s.strip_suffix('-')).filter(|s| !s.is_empty()) {
            return (story, version);
        }
    }
    (id, "edited")
}

/// `dossier new version ARTICLE`: a new version of `content/articles/ARTICLE.md`,
/// its body copied and `edited_from` pointing at it, as `ARTICLE-2.md` (or the next free number).
pub fn new_version(root: &Path, article: &str) -> Result<PathBuf, Diagnostic> {
    let articles = root.join("content/articles");
    let from = articles.join(format!("{article}.md"));
    let text = crate::load::confine::read_text(root, &from).map_err(|e| {
        Diagnostic::error(&from, format!("cannot read the article: {e}"))
            .usage()
            .help("name an existing file of content/articles/ without `.md`, e.g. `dossier new version my-story`")
    })?;
    let diagnostics = Diagnostics::default();
    let shown = from.strip_prefix(root).unwrap_or(&from);
    let Some(page) =
        crate::load::content::parse_page::<ArticleMeta>(shown, &PageId::Article(article.into()), text, &diagnostics)
    else {
        let first = diagnostics.snapshot().into_iter().next();
        return Err(first.unwrap_or_else(|| Diagnostic::error(&from, "cannot read its front matter")));
    };
    let story = page.meta.article.clone().unwrap_or_else(|| article.to_string());
    let (n, path) = (2..)
        .map(|n| (n, articles.join(format!("{story}-{n}.md"))))
        .find(|(_, p)| !p.exists())
        .expect("some number is free");
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut front = format!("---\ntitle: {}\narticle: {story}\nversion: \"{n}\"\n", quoted(&page.meta.title));
    front.push_str(&format!(
        "edited_from: {}    # the version this one was edited from\n",
        PageId::Article(article.into())
    ));
    front.push_str(&format!("date: {}\n", today()));
    for (key, value) in
        [("language", &page.meta.language), ("based_on", &page.meta.based_on), ("summary", &page.meta.summary)]
    {
        if let Some(value) = value {
            front.push_str(&format!("{key}: {}\n", quoted(value)));
        }
    }
    front.push_str(
        "annotations: []   # the previous version's annotations stay with it; annotate this text anew\n---\n",
    );
    refuse_links(root, &format!("content/articles/{story}-{n}.md"))?;
    let io = |e: std::io::Error| Diagnostic::error(&path, format!("cannot write: {e}")).usage();
    write_new(&path, &(front + page.body())).map_err(io)?;
    Ok(path)
}

/// Today's date, for `date:` in new articles.
fn today() -> String {
    // RFC 3339, in UTC: `2026-11-28T21:56:33Z`.
    jiff::Timestamp::now().to_string().chars().take(10).collect()
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
