//! The rebuild plan: every decision about what a change needs rebuilt, in one
//! place; [`Session`](super::Session) only carries them out.
//!
//! 1. [`Unchanged`] drops saves that changed no bytes.
//! 2. [`classify`], from the changed paths alone: a full build (the
//!    configuration, templates, files added, removed or moved), static files
//!    only (and the pages that inline a theme stylesheet), or page edits.
//! 3. For page edits, from what the edit changed: which pages' Markdown
//!    renders again ([`markdown_affected`]), then, once it has, which output
//!    pages ([`affected_jobs`]), which list pages appeared or went
//!    ([`Shown::lists_gone`]); the exports and the search records follow the
//!    edited pages (`exports::Scope`, `search::NoteRecords::prepare`).
//!
//! The vocabulary: a page's *front matter* (what other pages show of it:
//! titles, dates, claims), its *body* (its own text and the facts rendering
//! it found: citations, mentions, figure uses, wikilinks), and each output
//! page's [`Deps`]: `Pages` it shows something of, or `Everything` (lists and
//! the landing page, which count and list every page). An edit invalidates:
//! the edited pages' own outputs; every output whose `Deps` name a page whose
//! front matter changed; every page that page's front matter names, before
//! and after (a figure's claimant, an affiliation, an article's sources); the
//! pages cited or mentioned before and after whose backlinks changed (a
//! citation's number, anchor or sentence; a mention; a figure use; a wikilink);
//! and every `Everything` output the edit shows on. What a page refers to is
//! said once, for front matter ([`FrontMatter::references`]) and for bodies
//! (`Rendered::references`). `incremental_tests` checks that after every kind
//! of change an author makes the result equals a full build.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::assemble::{Deps, JobId};
use crate::load::config::CONFIG_FILE;
use crate::model::{Content, FrontMatter, PageId, Pseudonym, Source};
use crate::output::site::RenderedPages;
use crate::text::TextMap;

/// The first decision, from paths alone: how much a batch of file changes needs rebuilt.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Config, templates, or files added, removed or renamed: rebuild everything.
    Full,
    /// Edited pages: re-render what depends on them.
    Pages(Vec<PathBuf>),
    /// Theme or content static files only (`css` if all are stylesheets); the pages that
    /// inline a theme stylesheet render again.
    Static { css: bool },
}

/// Decides how much a batch of changed paths needs rebuilt.
pub fn classify(root: &Path, paths: &[PathBuf], structural: bool) -> ChangeKind {
    let rel = |p: &PathBuf| p.strip_prefix(root).map(Path::to_path_buf).unwrap_or_else(|_| p.clone());
    let mut pages = Vec::new();
    let mut statics = 0;
    let mut css = true;
    for path in paths {
        let r = rel(path);
        let first = r.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
        let is_theme_static = is_theme_static(&r);
        let is_content_static = r.starts_with("content/static");
        if r == Path::new(CONFIG_FILE) || first == "templates" || (first == "themes" && !is_theme_static) {
            return ChangeKind::Full;
        }
        if is_theme_static || is_content_static {
            statics += 1;
            css &= is_theme_static && is_stylesheet(&r);
        } else if first == "content" && r.extension().is_some_and(|e| e == "md") {
            if structural || !path.is_file() || r.ends_with("_index.md") {
                return ChangeKind::Full;
            }
            pages.push(path.clone());
        }
    }
    if !pages.is_empty() {
        return ChangeKind::Pages(pages);
    }
    // New, removed or moved static files change the file list: only a full load knows it.
    if statics > 0 && !structural {
        return ChangeKind::Static { css };
    }
    if structural { ChangeKind::Full } else { ChangeKind::Pages(Vec::new()) }
}

/// The front matter of the page at `path` as it is now (before a reload).
pub(super) fn front_of_path(root: &Path, content: &Content, path: &Path) -> Option<PageFront> {
    let rel = path.strip_prefix(root.join("content")).ok()?;
    let id = PageId::of_file(rel)?;
    let c = content;
    let (front, names, refs) = match &id {
        PageId::Article(_) => {
            let p = c.articles.iter().find(|p| p.id == id)?;
            (front_text(p), None, p.meta.references())
        }
        PageId::Source(_) => {
            let p = c.sources.iter().find(|p| p.id == id)?;
            (front_text(p), Some(SourceNames::of(p)), p.meta.references())
        }
        PageId::Figure(_) => {
            let p = c.figures.iter().find(|p| p.id == id)?;
            // A table figure shows its body wherever it is embedded: treat it all as front matter.
            (p.raw.clone(), None, p.meta.references())
        }
        PageId::Landing => return None,
    };
    Some(PageFront { id, front, names, refs })
}

/// Which of the edited pages changed their front matter, and whose source names changed.
pub(super) fn describe(
    root: &Path,
    content: &Content,
    pages: &HashSet<PageId>,
    before: &HashMap<PageId, PageFront>,
) -> Edit {
    let mut edit = Edit::default();
    for id in pages {
        let Some(old) = before.get(id) else { continue };
        let Some(new) = front_of_path(root, content, &root.join(id.file())) else {
            continue;
        };
        if old.front != new.front {
            edit.front.insert(id.clone());
            // Pages this one's front matter names, before and after, show it (a claim, a member).
            edit.front_refs.extend(old.refs.iter().chain(&new.refs).cloned());
        }
        if old.names != new.names {
            edit.names_changed = true;
            let names = old.names.iter().chain(&new.names).flat_map(|n| &n.names);
            edit.names.extend(names.map(|n| TextMap::normalize(n)));
        }
    }
    edit
}

/// Pages whose Markdown must re-render: the edited ones; pages showing something of an
/// edited page's front matter (a title in a citation, a figure embed, a wikilink title);
/// and, when a source's names changed, every article whose text contains an old or new name.
pub(super) fn markdown_affected(
    content: &Content,
    rendered: &RenderedPages,
    pages: &HashSet<PageId>,
    edit: &Edit,
) -> HashSet<PageId> {
    let mut affected = pages.clone();
    let mut touched: HashSet<PageId> = edit.front.clone();
    for figure in &content.figures {
        if figure.meta.claimed_by.as_ref().is_some_and(|c| edit.front.contains(&PageId::Source(c.clone()))) {
            touched.insert(figure.id.clone());
        }
    }
    if touched.is_empty() && !edit.names_changed {
        return affected;
    }
    for (id, facts) in rendered.all(content) {
        let refers = facts.references().any(|r| touched.contains(&r));
        let names_it = id.is_article() && edit.names.iter().any(|n| contains_word(&facts.text, n));
        if refers || names_it {
            affected.insert(id.clone());
        }
    }
    affected
}

/// The output pages to re-render after an edit.
pub(super) fn affected_jobs(
    shown: &Shown,
    markdown: &HashSet<PageId>,
    edit: &Edit,
    backlinks_changed: &HashSet<PageId>,
    lists_changed: bool,
) -> Vec<JobId> {
    let mut jobs: HashSet<JobId> = HashSet::new();
    // Lists and the landing page count and list every page: a change to any front
    // matter, any name, or what the bodies give them (references, highlights) shows there.
    if lists_changed || !edit.front.is_empty() || edit.names_changed {
        jobs.extend(shown.deps.iter().filter(|(_, d)| **d == Deps::Everything).map(|(j, _)| j.clone()));
    }
    // Whatever shows something of an edited page's front matter.
    for id in &edit.front {
        jobs.extend(shown.dependents.get(id).into_iter().flatten().cloned());
    }
    // The pages that front matter names, before and after: a new claimant, a former member.
    for id in &edit.front_refs {
        jobs.extend(own_jobs(id));
    }
    // Each re-rendered page, and the pages it cites or mentions whose backlinks changed.
    for id in markdown.iter().chain(backlinks_changed) {
        jobs.extend(own_jobs(id));
        if id.is_article() {
            // Other versions link to it; its successors' change pages compare with it.
            jobs.extend(
                shown.dependents.get(id).into_iter().flatten().filter(|j| matches!(j, JobId::Changes(_))).cloned(),
            );
        }
    }
    let mut jobs: Vec<JobId> = jobs.into_iter().collect();
    jobs.sort();
    jobs
}

/// What the lists and the landing page show of these pages' bodies: every
/// reference (citations and mentions count per source) and every placed
/// highlight. Equal before and after a body edit: the lists stay.
pub(super) fn listed_facts(rendered: &RenderedPages, pages: &HashSet<PageId>) -> Vec<(PageId, String)> {
    let mut listed: Vec<(PageId, String)> = Vec::new();
    for id in pages {
        let Some(facts) = rendered.get(id) else { continue };
        listed.extend(facts.references().map(|r| (r, String::new())));
        listed.extend(facts.annotations.iter().map(|p| (id.clone(), p.anchor.clone())));
    }
    listed.sort_unstable();
    listed
}

/// What pages `ids` show on the pages they refer to, by the page referred to: each
/// citation's number, anchor and sentence, each mention's, each figure use, each
/// wikilink. A page whose entry is the same before and after an edit shows the same
/// backlinks, and need not render again.
pub(super) fn backlinks_from(rendered: &RenderedPages, ids: &HashSet<PageId>) -> HashMap<PageId, Vec<Backlink>> {
    let mut shown: HashMap<PageId, Vec<Backlink>> = HashMap::new();
    for id in ids {
        let Some(facts) = rendered.get(id) else { continue };
        let from = || id.clone();
        for c in &facts.citations {
            let entry = Backlink::Cites {
                from: from(),
                number: c.number,
                anchor: c.anchor.clone(),
                sentence: c.sentence.to_string(),
            };
            shown.entry(PageId::Source(c.source.clone())).or_default().push(entry);
        }
        for m in &facts.mentions {
            let entry = Backlink::Mentions { from: from(), anchor: m.anchor.clone(), sentence: m.sentence.to_string() };
            shown.entry(PageId::Source(m.source.clone())).or_default().push(entry);
        }
        for f in &facts.figures {
            let entry = Backlink::Uses { from: from(), number: f.number, embedded: f.embedded };
            shown.entry(PageId::Figure(f.figure.clone())).or_default().push(entry);
        }
        for link in &facts.links {
            shown.entry(link.clone()).or_default().push(Backlink::Links { from: from() });
        }
    }
    shown
}

/// What a page shows on a page it refers to (see [`backlinks_from`]).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Backlink {
    Cites { from: PageId, number: usize, anchor: String, sentence: String },
    Mentions { from: PageId, anchor: String, sentence: String },
    Uses { from: PageId, number: usize, embedded: bool },
    Links { from: PageId },
}

/// A page's front matter before an edit, to tell body edits from front-matter edits.
pub(super) struct PageFront {
    pub(super) id: PageId,
    front: String,
    /// A source's names, for auto-linking.
    names: Option<SourceNames>,
    /// The pages the front matter names (claimants, affiliations, cited sources, predecessor).
    refs: Vec<PageId>,
}

/// What auto-linking knows of a source: its title and aliases, and whether it is a pseudonym.
#[derive(PartialEq, Eq)]
struct SourceNames {
    names: Vec<String>,
    pseudonym: Pseudonym,
}

impl SourceNames {
    fn of(source: &Source) -> SourceNames {
        let names = std::iter::once(&source.meta.title).chain(&source.meta.aliases).cloned().collect();
        SourceNames { names, pseudonym: source.meta.pseudonym }
    }
}

/// What an edit changed beyond page bodies.
#[derive(Default)]
pub(super) struct Edit {
    /// Pages whose front matter changed.
    pub(super) front: HashSet<PageId>,
    /// A source's names or pseudonym flag changed: the names auto-linking looks for.
    pub(super) names_changed: bool,
    /// Normalised source names that appeared or disappeared.
    names: Vec<String>,
    /// Pages named by the changed front matter, before or after the edit.
    front_refs: HashSet<PageId>,
}

/// The keys whose entries differ between `before` and `after` (or are in one only).
pub(super) fn changed_keys<V: PartialEq>(before: &HashMap<PageId, V>, after: &HashMap<PageId, V>) -> HashSet<PageId> {
    before.keys().chain(after.keys()).filter(|k| before.get(*k) != after.get(*k)).cloned().collect()
}

/// Does `text` contain `word` with no letter or digit right before or after it?
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn front_text<M>(page: &crate::model::Page<M>) -> String {
    page.raw[..page.body_start].to_string()
}

/// The jobs that render page `id` itself.
fn own_jobs(id: &PageId) -> Vec<JobId> {
    match id {
        PageId::Article(_) => vec![JobId::Page(id.clone()), JobId::Changes(id.clone())],
        PageId::Source(_) | PageId::Figure(_) => vec![JobId::Page(id.clone())],
        PageId::Landing => Vec::new(),
    }
}

/// Is `path` a stylesheet of the theme (`themes/<theme>/static/….css`)?
pub(super) fn is_theme_stylesheet(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rel| is_theme_static(rel) && is_stylesheet(rel))
}

/// Is `rel` (relative to the project) a static file of a theme (`themes/<theme>/static/…`)?
fn is_theme_static(rel: &Path) -> bool {
    rel.starts_with("themes") && rel.components().nth(2).is_some_and(|c| c.as_os_str() == "static")
}

fn is_stylesheet(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "css")
}

/// Which output page shows something of which page: each job's dependencies, and the
/// reverse map. Kept by a session between rebuilds.
#[derive(Default)]
pub(super) struct Shown {
    pub(super) deps: HashMap<JobId, Deps>,
    /// The jobs that show something of each page.
    dependents: HashMap<PageId, HashSet<JobId>>,
}

impl Shown {
    /// From every job's dependencies (a full build's).
    pub(super) fn new(deps: HashMap<JobId, Deps>) -> Shown {
        let mut shown = Shown::default();
        shown.record(deps);
        shown
    }

    /// Jobs rendered again, with their dependencies now.
    pub(super) fn record(&mut self, deps: HashMap<JobId, Deps>) {
        for (job, dep) in deps {
            if let Deps::Pages(ids) = &dep {
                for id in ids {
                    self.dependents.entry(id.clone()).or_default().insert(job.clone());
                }
            }
            self.deps.insert(job, dep);
        }
    }

    /// Jobs whose pages no longer exist (a list grown shorter).
    pub(super) fn forget(&mut self, jobs: &[JobId]) {
        for job in jobs {
            self.deps.remove(job);
        }
    }

    /// The list pages rendered last time that `lists`, the list pages now, no longer has.
    pub(super) fn lists_gone(&self, lists: &[JobId]) -> Vec<JobId> {
        let now: HashSet<&JobId> = lists.iter().collect();
        let mut gone: Vec<JobId> = self.deps.keys().filter(|j| j.is_list() && !now.contains(j)).cloned().collect();
        gone.sort();
        gone
    }
}

/// What a batch of changes did to the site.
#[derive(Debug, PartialEq, Eq)]
pub enum Applied {
    /// These output files were rendered again or removed.
    Pages(Vec<String>),
    /// Static files were read again (`css` if all were stylesheets).
    Static { css: bool },
}

/// The content of every file seen changing, so that a save that changed nothing (an
/// editor's touch, a second event for one write) rebuilds nothing.
#[derive(Default)]
pub struct Unchanged(HashMap<PathBuf, u64>);

impl Unchanged {
    /// The paths of `batch` whose content differs from when they were last seen (a file
    /// that cannot be read counts as changed: it may have been removed).
    pub fn filter(&mut self, root: &Path, batch: Vec<PathBuf>) -> Vec<PathBuf> {
        batch.into_iter().filter(|path| self.changed(root, path)).collect()
    }

    fn changed(&mut self, root: &Path, path: &Path) -> bool {
        use std::hash::{Hash, Hasher};
        match crate::load::confine::read(root, path) {
            Ok(bytes) => {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                bytes.hash(&mut hasher);
                let hash = hasher.finish();
                self.0.insert(path.to_path_buf(), hash) != Some(hash)
            }
            Err(_) => {
                self.0.remove(path);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{ChangeKind, classify};

    #[test]
    fn changes_are_classified_by_what_they_need_rebuilt() {
        let root = Path::new("/p");
        let p = |s: &str| PathBuf::from(format!("/p/{s}"));
        let cases = [
            (vec![p("dossier.yaml")], false, ChangeKind::Full),
            (vec![p("templates/base.html")], false, ChangeKind::Full),
            (vec![p("themes/default/templates/article.html")], false, ChangeKind::Full),
            (vec![p("themes/default/static/style.css")], false, ChangeKind::Static { css: true }),
            (vec![p("themes/default/static/search.js")], false, ChangeKind::Static { css: false }),
            (vec![p("content/static/map.svg")], false, ChangeKind::Static { css: false }),
            // a page that no longer exists (deleted) needs a full rebuild
            (vec![p("content/articles/gone.md")], false, ChangeKind::Full),
        ];
        for (paths, structural, expected) in cases {
            assert_eq!(classify(root, &paths, structural), expected, "{paths:?}");
        }
    }
}
