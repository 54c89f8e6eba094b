//! The rebuild policy of `serve`, in one place: from the changed paths alone,
//! whether a batch needs a full build, page updates or only static files
//! ([`classify`]); then, after an edit, which pages' Markdown must render
//! again and which output pages must be rendered again.
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
//! and every `Everything` output the edit shows on. `incremental_tests` checks the result equals a full
//! build after random edits.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::Session;
use crate::assemble::{Deps, JobId};
use crate::load::config::CONFIG_FILE;
use crate::output::site::RenderedPages;
use crate::render::markdown::Rendered;
use crate::text::TextMap;

/// The first decision, from paths alone: how much a batch of file changes needs rebuilt.
/// How much a batch of changes needs rebuilt.
#[derive(Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// Config, templates, or files added, removed or renamed: rebuild everything.
    Full,
    /// Edited pages: re-render what depends on them.
    Pages(Vec<PathBuf>),
    /// Theme or content static files only (`css` if all are stylesheets).
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
        let is_theme_static = first == "themes" && r.components().nth(2).is_some_and(|c| c.as_os_str() == "static");
        let is_content_static = r.starts_with("content/static");
        if r == Path::new(CONFIG_FILE) || first == "templates" || (first == "themes" && !is_theme_static) {
            return ChangeKind::Full;
        }
        if is_theme_static || is_content_static {
            statics += 1;
            css &= is_theme_static && r.extension().is_some_and(|e| e == "css");
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

impl Session {
    /// The front matter of the page at `path` as it is now (before a reload).
    pub(super) fn front_of_path(&self, path: &Path) -> Option<PageFront> {
        let rel = path.strip_prefix(self.config.root.join("content")).ok()?;
        let id = rel.with_extension("").to_string_lossy().replace('\\', "/");
        let c = &self.content;
        let (front, names, refs) = if let Some(p) = c.articles.iter().find(|p| p.id == id) {
            let m = &p.meta;
            let cites = m.annotations.iter().flat_map(|a| &a.cites).chain(m.events.iter().flat_map(|e| &e.cites));
            let mut refs: Vec<String> = cites.chain(&m.based_on).map(|s| format!("sources/{s}")).collect();
            refs.extend(m.edited_from.iter().cloned());
            (front_text(p), None, refs)
        } else if let Some(p) = c.sources.iter().find(|p| p.id == id) {
            let refs = p.meta.affiliation.iter().map(|a| format!("sources/{a}")).collect();
            (front_text(p), Some(source_names(p)), refs)
        } else {
            let p = c.figures.iter().find(|p| p.id == id)?;
            let refs = p.meta.claimed_by.iter().chain(&p.meta.cites).map(|s| format!("sources/{s}")).collect();
            // A table figure shows its body wherever it is embedded: treat it all as front matter.
            (p.raw.clone(), None, refs)
        };
        Some(PageFront { id, front, names, refs })
    }

    /// Which of the edited pages changed their front matter, and whose source names changed.
    pub(super) fn describe(&self, pages: &HashSet<String>, before: &HashMap<String, PageFront>) -> Edit {
        let mut edit = Edit::default();
        for id in pages {
            let Some(old) = before.get(id) else { continue };
            let Some(new) = self.front_of_path(&self.config.root.join("content").join(format!("{id}.md"))) else {
                continue;
            };
            if old.front != new.front {
                edit.front.insert(id.clone());
                // Pages this one's front matter names, before and after, show it (a claim, a member).
                edit.front_refs.extend(old.refs.iter().chain(&new.refs).cloned());
            }
            if old.names != new.names {
                edit.names.extend(old.names.iter().chain(&new.names).flatten().map(|n| TextMap::normalize(n)));
            }
        }
        edit
    }

    /// Pages whose Markdown must re-render: the edited ones; pages showing something of an
    /// edited page's front matter (a title in a citation, a figure embed, a wikilink title);
    /// and, when a source's names changed, every article whose text contains an old or new name.
    pub(super) fn markdown_affected(&self, pages: &HashSet<String>, edit: &Edit) -> HashSet<String> {
        let mut affected = pages.clone();
        let mut touched: HashSet<String> = edit.front.clone();
        for figure in &self.content.figures {
            if figure.meta.claimed_by.as_ref().is_some_and(|c| edit.front.contains(&format!("sources/{c}"))) {
                touched.insert(figure.id.clone());
            }
        }
        if touched.is_empty() && edit.names.is_empty() {
            return affected;
        }
        let c = &self.content;
        let r = &self.rendered;
        let landing = c.index.as_ref().map(|p| &p.id).zip(r.index.as_ref());
        let pages_and_facts = (c.articles.iter().map(|p| &p.id).zip(&r.articles))
            .chain(c.sources.iter().map(|p| &p.id).zip(&r.sources))
            .chain(c.figures.iter().map(|p| &p.id).zip(&r.figures))
            .chain(landing);
        for (id, facts) in pages_and_facts {
            let refers = facts_references(facts).iter().any(|r| touched.contains(r));
            let names_it = id.starts_with("articles/") && edit.names.iter().any(|n| contains_word(&facts.text, n));
            if refers || names_it {
                affected.insert(id.clone());
            }
        }
        affected
    }

    /// The output pages to re-render after an edit.
    pub(super) fn affected_jobs(
        &self,
        markdown: &HashSet<String>,
        edit: &Edit,
        backlinks_changed: &HashSet<String>,
        lists_changed: bool,
    ) -> Vec<JobId> {
        let mut jobs: HashSet<JobId> = HashSet::new();
        // Lists and the landing page count and list every page: a change to any front
        // matter, any name, or what the bodies give them (references, highlights) shows there.
        if lists_changed || !edit.front.is_empty() || !edit.names.is_empty() {
            jobs.extend(self.deps.iter().filter(|(_, d)| **d == Deps::Everything).map(|(j, _)| j.clone()));
        }
        // Whatever shows something of an edited page's front matter.
        for id in &edit.front {
            jobs.extend(self.dependents.get(id).into_iter().flatten().cloned());
        }
        // The pages that front matter names, before and after: a new claimant, a former member.
        for id in &edit.front_refs {
            jobs.extend(own_jobs(id));
        }
        // Each re-rendered page, and the pages it cites or mentions whose backlinks changed.
        for id in markdown.iter().chain(backlinks_changed) {
            jobs.extend(own_jobs(id));
            if id.starts_with("articles/") {
                // Other versions link to it; its successors' change pages compare with it.
                jobs.extend(
                    self.dependents.get(id).into_iter().flatten().filter(|j| matches!(j, JobId::Changes(_))).cloned(),
                );
            }
        }
        let mut jobs: Vec<JobId> = jobs.into_iter().collect();
        jobs.sort();
        jobs
    }

    /// What the lists and the landing page show of these pages' bodies: every
    /// reference with its count (citations and mentions per source) and every
    /// placed highlight. Equal before and after a body edit: the lists stay.
    pub(super) fn listed_facts(&self, pages: &HashSet<String>) -> Vec<String> {
        let c = &self.content;
        let mut listed: Vec<String> = pages.iter().flat_map(|id| self.references_of(&self.rendered, id)).collect();
        for (article, facts) in c.articles.iter().zip(&self.rendered.articles).filter(|(a, _)| pages.contains(&a.id)) {
            listed.extend(facts.annotations.iter().map(|p| format!("{}#{}", article.id, p.anchor)));
        }
        listed.sort_unstable();
        listed
    }

    /// The page ids the rendered Markdown of page `id` refers to.
    pub(super) fn references_of(&self, rendered: &RenderedPages, id: &str) -> Vec<String> {
        self.facts_of(rendered, id).map(facts_references).unwrap_or_default()
    }

    /// What pages `ids` show on the pages they refer to, by the page referred to: each
    /// citation's number, anchor and sentence, each mention's, each figure use, each
    /// wikilink. A page whose entry is the same before and after an edit shows the same
    /// backlinks, and need not render again.
    pub(super) fn backlinks_from(
        &self,
        rendered: &RenderedPages,
        ids: &HashSet<String>,
    ) -> HashMap<String, Vec<String>> {
        let mut shown: HashMap<String, Vec<String>> = HashMap::new();
        for id in ids {
            let Some(facts) = self.facts_of(rendered, id) else { continue };
            for c in &facts.citations {
                let entry = format!("{id} cites {} {} {}", c.number, c.anchor, c.sentence);
                shown.entry(format!("sources/{}", c.source)).or_default().push(entry);
            }
            for m in &facts.mentions {
                let entry = format!("{id} mentions {} {}", m.anchor, m.sentence);
                shown.entry(format!("sources/{}", m.source)).or_default().push(entry);
            }
            for f in &facts.figures {
                let entry = format!("{id} uses {} {}", f.number, f.embedded);
                shown.entry(format!("figures/{}", f.figure)).or_default().push(entry);
            }
            for link in &facts.links {
                shown.entry(link.clone()).or_default().push(format!("{id} links"));
            }
        }
        shown
    }

    /// The rendered Markdown of page `id`.
    fn facts_of<'r>(&self, rendered: &'r RenderedPages, id: &str) -> Option<&'r Rendered> {
        let c = &self.content;
        if let Some(i) = c.articles.iter().position(|a| a.id == id) {
            rendered.articles.get(i)
        } else if let Some(i) = c.sources.iter().position(|s| s.id == id) {
            rendered.sources.get(i)
        } else if let Some(i) = c.figures.iter().position(|f| f.id == id) {
            rendered.figures.get(i)
        } else {
            None
        }
    }
}

/// A page's front matter before an edit, to tell body edits from front-matter edits.
pub(super) struct PageFront {
    pub(super) id: String,
    front: String,
    /// A source's title, aliases and pseudonym flag.
    names: Option<Vec<String>>,
    /// The pages the front matter names (claimants, affiliations, cited sources, predecessor).
    refs: Vec<String>,
}

/// What an edit changed beyond page bodies.
#[derive(Default)]
pub(super) struct Edit {
    /// Pages whose front matter changed.
    pub(super) front: HashSet<String>,
    /// Normalised source names that appeared or disappeared.
    pub(super) names: Vec<String>,
    /// Pages named by the changed front matter, before or after the edit.
    front_refs: HashSet<String>,
}

/// The keys whose entries differ between `before` and `after` (or are in one only).
pub(super) fn changed_keys(
    before: &HashMap<String, Vec<String>>,
    after: &HashMap<String, Vec<String>>,
) -> HashSet<String> {
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
    page.raw[..page.raw.len() - page.body.len()].to_string()
}

fn source_names(source: &crate::model::Source) -> Vec<String> {
    let mut names: Vec<String> = std::iter::once(&source.meta.title).chain(&source.meta.aliases).cloned().collect();
    names.push(format!("pseudonym: {:?}", source.meta.pseudonym));
    names
}

/// Every page id a page's facts name: cited and mentioned sources, figures, wikilinks.
fn facts_references(facts: &Rendered) -> Vec<String> {
    let mut refs: Vec<String> = facts.citations.iter().map(|c| format!("sources/{}", c.source)).collect();
    refs.extend(facts.mentions.iter().map(|m| format!("sources/{}", m.source)));
    refs.extend(facts.figures.iter().map(|f| format!("figures/{}", f.figure)));
    refs.extend(facts.links.iter().cloned());
    refs
}

/// The jobs that render page `id` itself.
fn own_jobs(id: &str) -> Vec<JobId> {
    let slug = id.rsplit('/').next().unwrap_or(id).to_string();
    match id.split('/').next() {
        Some("articles") => vec![JobId::Article(slug.clone()), JobId::Changes(slug)],
        Some("sources") => vec![JobId::Source(slug)],
        Some("figures") => vec![JobId::Figure(slug)],
        _ => Vec::new(),
    }
}

pub(super) fn invert(deps: &HashMap<JobId, Deps>) -> HashMap<String, HashSet<JobId>> {
    let mut dependents: HashMap<String, HashSet<JobId>> = HashMap::new();
    for (job, dep) in deps {
        if let Deps::Pages(ids) = dep {
            for id in ids {
                dependents.entry(id.clone()).or_default().insert(job.clone());
            }
        }
    }
    dependents
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
