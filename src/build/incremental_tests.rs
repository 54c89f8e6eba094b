//! Incremental equals full: random sequences of every kind of change an
//! author makes to a fixture dossier (body and front-matter edits, citations,
//! renamed sources and aliases, annotations added and removed, pages created,
//! deleted, renamed and made drafts, the theme's stylesheet, templates,
//! `dossier.yaml`, static files, broken files repaired), applied through
//! [`Session::apply`] as `serve` applies them; after each one every file the
//! session serves, the search index's included, must equal a fresh full
//! build's, byte for byte (or both must fail).

use std::path::{Path, PathBuf};

use super::{Session, UpdateError};
use crate::diagnostics::Diagnostics;
use crate::load::config::{Config, Overrides};

/// A small deterministic generator (xorshift64*), so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().map(Result::unwrap) {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// One change to the project: its description, and the files it touched
/// (`structural` when files appeared, disappeared or moved).
struct Step {
    what: String,
    paths: Vec<PathBuf>,
    structural: bool,
}

struct Project {
    root: PathBuf,
    /// Sources the edits may cite, claim or rename (created ones join).
    sources: Vec<String>,
    created: Vec<String>,
    counter: usize,
    /// A file broken by the last step, restored by the next one.
    broken: Option<(String, String)>,
}

impl Project {
    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_default()
    }
    fn write(&self, rel: &str, text: &str) -> Step {
        std::fs::write(self.path(rel), text).unwrap();
        Step { what: String::new(), paths: vec![self.path(rel)], structural: false }
    }
    /// `text` with `line`'s value (a front-matter `key: value` line) replaced.
    fn set_field(text: &str, key: &str, value: &str) -> String {
        let mut done = false;
        let mut out: Vec<String> = text
            .lines()
            .map(|l| {
                if !done && l.starts_with(&format!("{key}:")) {
                    done = true;
                    format!("{key}: {value}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        if !done {
            out.insert(1, format!("{key}: {value}"));
        }
        out.join("\n") + "\n"
    }

    fn random_step(&mut self, rng: &mut Rng) -> Step {
        self.counter += 1;
        if let Some((rel, text)) = self.broken.take() {
            return Step { what: format!("repair {rel}"), ..self.write(&rel, &text) };
        }
        let n = self.counter;
        let articles = ["content/articles/report.md", "content/articles/report-as-received.md"];
        let figures = ["content/figures/strength.md", "content/figures/trend.md", "content/figures/proportion.md"];
        let source = rng.pick(&self.sources).clone();
        let (what, step) = match rng.below(21) {
            12 => {
                let rel = format!("content/sources/{source}.md");
                self.broken = Some((rel.clone(), self.read(&rel)));
                (
                    format!("break the front matter of {rel}"),
                    self.write(&rel, "---\ntitle: [unclosed\nkind: person\n---\n"),
                )
            }
            0 => {
                let a = *rng.pick(&articles);
                let text =
                    self.read(a).replacen("Another army marched.", &format!("Another army marched [@{source}]."), 1);
                (format!("cite {source} in {a}"), self.write(a, &text))
            }
            1 => {
                let a = *rng.pick(&articles);
                let text = self.read(a);
                let text = match (text.find(" [@"), text.rfind("\n---\n")) {
                    (Some(at), Some(body)) if at > body => {
                        let end = at + text[at..].find(']').unwrap() + 1;
                        format!("{}{}", &text[..at], &text[end..])
                    }
                    _ => text,
                };
                (format!("drop a citation from {a}"), self.write(a, &text))
            }
            2 => {
                let rel = format!("content/sources/{source}.md");
                let text = Self::set_field(&self.read(&rel), "title", &format!("\"Renamed {n}\""));
                (format!("rename the title of {source}"), self.write(&rel, &text))
            }
            3 => {
                let f = *rng.pick(&figures);
                let text = Self::set_field(&self.read(f), "claimed_by", &source);
                (format!("{f} now claimed by {source}"), self.write(f, &text))
            }
            4 => {
                let rel = format!("content/sources/{source}.md");
                let text = Self::set_field(&self.read(&rel), "aliases", &format!("[\"Alias{n}\"]"));
                (format!("alias Alias{n} for {source}"), self.write(&rel, &text))
            }
            5 => {
                let a = *rng.pick(&articles);
                let title = self.read(&format!("content/sources/{source}.md"));
                let title =
                    title.lines().find_map(|l| l.strip_prefix("title: ")).unwrap_or("x").trim_matches('"').to_string();
                let text = self.read(a) + &format!("\nA sentence naming {title} again ({n}).\n");
                (format!("mention {title} in {a}"), self.write(a, &text))
            }
            6 => {
                let text = self.read("content/_index.md") + &format!("\nSee [[sources/{source}]] ({n}).\n");
                (format!("link {source} from the landing page"), self.write("content/_index.md", &text))
            }
            7 => {
                let a = *rng.pick(&articles);
                let text = Self::set_field(&self.read(a), "title", &format!("\"Article title {n}\""));
                (format!("retitle {a}"), self.write(a, &text))
            }
            8 => {
                let f = *rng.pick(&figures);
                let text = Self::set_field(&self.read(f), "title", &format!("\"Figure {n}\""));
                (format!("retitle {f}"), self.write(f, &text))
            }
            9 => {
                let id = format!("new-source-{n}");
                let rel = format!("content/sources/{id}.md");
                let step = self.write(&rel, &format!("---\ntitle: \"New Source {n}\"\nkind: person\n---\nNew.\n"));
                self.sources.push(id.clone());
                self.created.push(id.clone());
                (format!("create {rel}"), Step { structural: true, ..step })
            }
            10 if !self.created.is_empty() => {
                let id = self.created.remove(rng.below(self.created.len()));
                self.sources.retain(|s| *s != id);
                let rel = format!("content/sources/{id}.md");
                std::fs::remove_file(self.path(&rel)).unwrap();
                (format!("delete {rel}"), Step { what: String::new(), paths: vec![self.path(&rel)], structural: true })
            }
            11 if !self.created.is_empty() => {
                let from = self.created.remove(rng.below(self.created.len()));
                let to = format!("moved-{n}");
                self.sources.retain(|s| *s != from);
                self.sources.push(to.clone());
                self.created.push(to.clone());
                let (a, b) = (format!("content/sources/{from}.md"), format!("content/sources/{to}.md"));
                std::fs::rename(self.path(&a), self.path(&b)).unwrap();
                (
                    format!("rename {a} to {b}"),
                    Step { what: String::new(), paths: vec![self.path(&a), self.path(&b)], structural: true },
                )
            }
            13 | 14 => {
                // A new annotation, first in the list: the default ids of those after it shift.
                let a = "content/articles/report.md";
                let note = format!("  - quote: \"Lopez again\"\n    kind: context\n    note: \"Added {n}.\"\n");
                let text = self.read(a).replacen("annotations:\n", &format!("annotations:\n{note}"), 1);
                (format!("add an annotation to {a}"), self.write(a, &text))
            }
            15 if self.read("content/articles/report.md").contains("  - quote: \"Lopez again\"") => {
                let a = "content/articles/report.md";
                let text = self.read(a);
                let at = text.find("  - quote: \"Lopez again\"").unwrap();
                let end = at + text[at..].find("\"\n").unwrap() + 2; // the quote line
                let end = end + text[end..].find("\"\n").unwrap() + 2; // its note line
                let text = format!("{}{}", &text[..at], &text[end..].trim_start_matches("    kind: context\n"));
                (format!("remove an added annotation from {a}"), self.write(a, &text))
            }
            16 => {
                let rel = "themes/default/static/style.css";
                let text = self.read(rel) + &format!("\n/* edit {n} */\n");
                (format!("edit the theme's {rel}"), self.write(rel, &text))
            }
            17 => {
                let rel = "templates/base.html";
                let base = include_str!("../../themes/default/templates/base.html");
                (format!("override {rel}"), self.write(rel, &format!("{base}{{# edit {n} #}}\n")))
            }
            18 => {
                let text = Self::set_field(&self.read("dossier.yaml"), "title", &format!("\"Fixture {n}\""));
                ("retitle the dossier".to_string(), self.write("dossier.yaml", &text))
            }
            19 if !self.created.is_empty() => {
                let id = self.created.remove(rng.below(self.created.len()));
                self.sources.retain(|s| *s != id);
                let rel = format!("content/sources/{id}.md");
                let text = Self::set_field(&self.read(&rel), "draft", "true");
                (format!("make {rel} a draft"), self.write(&rel, &text))
            }
            20 => {
                let rel = "content/static/map.svg";
                let text = self.read(rel).replacen("</svg>", &format!("<!-- {n} --></svg>"), 1);
                (format!("edit {rel}"), self.write(rel, &text))
            }
            _ => {
                let a = *rng.pick(&articles);
                let text = self.read(a).replacen("Lopez again.", &format!("Lopez again ({n})."), 1);
                (format!("body edit of {a}"), self.write(a, &text))
            }
        };
        Step { what, ..step }
    }
}

type Files = std::collections::BTreeMap<String, std::sync::Arc<[u8]>>;

/// A fresh build to compare with: without the cache, which the session's own full builds use.
fn full_build(config: &Config) -> Option<Files> {
    let config = Config { cache: false, ..config.clone() };
    Session::start(config, &Diagnostics::default()).map(|s| served(&s))
}

/// The site as `serve` serves it once the search index has caught up with every edit:
/// the pages, and the index's files (which follow on the indexing thread).
fn served(session: &Session) -> Files {
    let mut files = session.site.files.clone();
    let search = session.search_files().expect("the search index").expect("a search index");
    files.extend(search.site.files.iter().map(|(path, bytes)| (path.clone(), bytes.clone())));
    files.into_iter().collect()
}

fn first_difference(incremental: &Files, full: &Files) -> Option<String> {
    for (path, bytes) in full {
        match incremental.get(path) {
            None => return Some(format!("{path}: missing from the incremental site")),
            Some(b) if b != bytes => return Some(format!("{path}: stale in the incremental site")),
            _ => {}
        }
    }
    incremental.keys().find(|p| !full.contains_key(*p)).map(|p| format!("{p}: left over in the incremental site"))
}

#[test]
fn incremental_rebuilds_equal_full_builds_after_random_edits() {
    let steps: usize = std::env::var("DOSSIER_PROPERTY_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(250);
    let seed: u64 = std::env::var("DOSSIER_PROPERTY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_d055);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), &root);
    // A theme stylesheet of the project's own, and a folder for template overrides, for the
    // steps that edit them.
    std::fs::create_dir_all(root.join("themes/default/static")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("themes/default/static/style.css"), include_str!("../../themes/default/static/style.css"))
        .unwrap();
    let config = Config::load(&root, &Overrides::default()).unwrap();
    let mut project = Project {
        root: root.clone(),
        sources: vec!["outlet".into(), "maria-lopez".into(), "lopez-foundation".into()],
        created: Vec::new(),
        counter: 0,
        broken: None,
    };
    let mut rng = Rng(seed);
    // Some steps are not compared, so that the next edit reaches the search index while it
    // is still busy (its batches are then merged): a separate generator keeps the steps as they were.
    let mut unchecked = Rng(seed ^ 0xa5a5_a5a5);
    let mut session = Session::start(config.clone(), &Diagnostics::default());
    let mut log = Vec::new();
    for _ in 0..steps {
        let step = project.random_step(&mut rng);
        log.push(step.what.clone());
        // As `serve` does: files added, removed or moved rebuild everything; edits update.
        // As `serve` does: the session's plan decides; a change it cannot take starts a new one.
        let config = Config::load(&root, &Overrides::default()).unwrap();
        session = match session {
            Some(mut s) => match s.apply(&step.paths, step.structural, &Diagnostics::default(), &mut |_, _| {}) {
                Ok(_) => Some(s),
                Err(UpdateError::NeedsFullBuild) => Session::start(config.clone(), &Diagnostics::default()),
                Err(UpdateError::Broken) => None,
            },
            None => Session::start(config.clone(), &Diagnostics::default()),
        };
        if unchecked.below(3) == 0 {
            continue;
        }
        let full = full_build(&config);
        match (&session, &full) {
            (Some(s), Some(full)) => {
                if let Some(diff) = first_difference(&served(s), full) {
                    panic!("after {} steps (seed {seed:#x}): {diff}\nsteps:\n  {}", log.len(), log.join("\n  "));
                }
            }
            (None, None) => {}
            (s, f) => panic!(
                "after {} steps: incremental {} but full build {}\nsteps:\n  {}",
                log.len(),
                if s.is_some() { "succeeded" } else { "failed" },
                if f.is_some() { "succeeded" } else { "failed" },
                log.join("\n  ")
            ),
        }
    }
}

/// The URLs of the search index's records in `site` (Pagefind's gzipped JSON fragments).
fn search_urls(session: &Session) -> std::collections::BTreeSet<String> {
    use std::io::Read;
    let files = served(session);
    let fragments = files.iter().filter(|(path, _)| path.starts_with("pagefind/fragment/"));
    fragments
        .map(|(_, bytes)| {
            let mut json = Vec::new();
            flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut json).unwrap();
            let record: serde_json::Value =
                serde_json::from_slice(json.strip_prefix(b"pagefind_dcd").unwrap()).unwrap();
            record["url"].as_str().unwrap().to_string()
        })
        .collect()
}

/// A session on a copy of the `basic` fixture (the folder lives as long as the guard).
fn basic_session() -> (tempfile::TempDir, PathBuf, Config, Session) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"), &root);
    let config = Config::load(&root, &Overrides::default()).unwrap();
    let session = Session::start(config.clone(), &Diagnostics::default()).unwrap();
    (dir, root, config, session)
}

#[test]
fn annotations_an_edit_removes_or_adds_leave_or_join_the_search_index() {
    let (_dir, root, config, mut session) = basic_session();
    let before = search_urls(&session);
    let emph = before.iter().find(|u| u.starts_with("articles/report/#") && u.contains("emph")).cloned();
    let emph = emph.unwrap_or_else(|| panic!("the annotation is a record: {before:?}"));
    let path = root.join("content/articles/report.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let removed = text.replacen(
        "  - id: emph\n    quote: \"army that currently rules\"\n    kind: context\n    note: \"Crosses *emphasis* and a link.\"\n",
        "",
        1,
    );
    assert_ne!(removed, text, "the fixture holds the annotation");
    std::fs::write(&path, &removed).unwrap();
    assert!(session.apply(std::slice::from_ref(&path), false, &Diagnostics::default(), &mut |_, _| {}).is_ok());
    let after = search_urls(&session);
    assert!(!after.contains(&emph), "{emph} left the index: {after:?}");
    let full = Session::start(config.clone(), &Diagnostics::default()).unwrap();
    assert_eq!(after, search_urls(&full), "the same records as a full build");
    // And back: the annotation is searchable again.
    std::fs::write(&path, &text).unwrap();
    assert!(session.apply(std::slice::from_ref(&path), false, &Diagnostics::default(), &mut |_, _| {}).is_ok());
    assert_eq!(search_urls(&session), before);
}

#[test]
fn edits_that_reach_a_busy_search_index_are_merged_and_the_last_one_wins() {
    let (_dir, root, config, mut session) = basic_session();
    let before = search_urls(&session);
    let path = root.join("content/articles/report.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let annotation = "  - id: emph\n    quote: \"army that currently rules\"\n    kind: context\n    note: \"Crosses *emphasis* and a link.\"\n";
    assert!(text.contains(annotation), "the fixture holds the annotation");
    // The index is busy: the edits queue up behind it. The first removes an annotation,
    // the second brings it back, the third edits the body.
    let pause = session.pause_search();
    let edits =
        [text.replacen(annotation, "", 1), text.clone(), text.replacen("Lopez again.", "Lopez again, merged.", 1)];
    for edit in &edits {
        std::fs::write(&path, edit).unwrap();
        assert!(session.apply(std::slice::from_ref(&path), false, &Diagnostics::default(), &mut |_, _| {}).is_ok());
    }
    drop(pause);
    assert_eq!(search_urls(&session), before, "the annotation removed and restored is still searchable");
    let full = full_build(&config).unwrap();
    assert_eq!(first_difference(&served(&session), &full), None, "the same site as a full build");
}
