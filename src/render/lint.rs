//! Warnings: things that build fine but are probably mistakes in a dossier.
//!
//! Errors stop a build; these do not (only `check --deny-warnings` fails on
//! them). They can only be found once every page has rendered, because
//! citations are written in Markdown bodies as well as in front matter:
//! - a source that nothing cites, claims or is based on (a forgotten citation,
//!   or a page that can go), said only when every page loaded;
//! - a figure that rests on a single source (or none): a claim to verify;
//! - a name (title or alias) shared by two sources, so auto-links and search
//!   cannot tell which one the prose means.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Figure, Source};
use crate::render::markdown::Rendered;
use crate::resolve::xref::Index;
use crate::text::TextMap;

/// Pushes every warning about the loaded and rendered dossier.
pub fn check<'r>(index: &Index, rendered: impl IntoIterator<Item = &'r Rendered>, diagnostics: &Diagnostics) {
    uncited_sources(index, &cited_sources(index, rendered), diagnostics);
    for figure in &index.content.figures {
        single_source_figure(figure, diagnostics);
    }
    shared_names(&index.content.sources, diagnostics);
}

/// Every source id that something cites, claims, is based on or is affiliated to.
fn cited_sources<'r>(index: &Index, rendered: impl IntoIterator<Item = &'r Rendered>) -> HashSet<String> {
    let content = index.content;
    let mut cited: HashSet<String> =
        rendered.into_iter().flat_map(|r| r.citations.iter().map(|c| c.source.clone())).collect();
    for article in &content.articles {
        let meta = &article.meta;
        cited.extend(meta.based_on.iter().cloned());
        cited.extend(meta.annotations.iter().flat_map(|a| a.cites.iter().cloned()));
        cited.extend(meta.events.iter().flat_map(|e| e.cites.iter().cloned()));
    }
    for figure in &content.figures {
        cited.extend(figure.meta.claimed_by.iter().cloned());
        cited.extend(figure.meta.cites.iter().cloned());
    }
    for source in &content.sources {
        cited.extend(source.meta.affiliation.iter().cloned());
    }
    cited
}

fn uncited_sources(index: &Index, cited: &HashSet<String>, diagnostics: &Diagnostics) {
    if index.content.partial || !index.content.unloaded.is_empty() {
        // A page that did not load may be the one citing them (its error is reported):
        // saying "never cited" of each source it cites would bury that error.
        return;
    }
    for source in index.content.sources.iter().filter(|s| !cited.contains(s.slug())) {
        diagnostics.push(
            Diagnostic::warning(
                &source.path,
                format!("source `{}` is never cited", source.slug()),
            )
            .at(source.locate("title:"))
            .help(format!(
                "cite it where the article relies on it (`[@{}]`, or `cites: [{}]` in an annotation or figure), or delete the file",
                source.slug(), source.slug()
            )),
        );
    }
}

fn single_source_figure(figure: &Figure, diagnostics: &Diagnostics) {
    let meta = &figure.meta;
    let sources: BTreeSet<&str> = meta.claimed_by.iter().chain(&meta.cites).map(String::as_str).collect();
    let (message, help) = match sources.iter().next() {
        _ if sources.len() > 1 => return,
        None => (
            format!("figure `{}` has no source", figure.slug()),
            "add `claimed_by:` (who makes the claim) and `cites:` (where it is reported)",
        ),
        Some(only) => (
            format!("figure `{}` rests on a single source, `{only}`", figure.slug()),
            "add to `cites:` an independent source that confirms it, or say in the figure's text that it is unconfirmed",
        ),
    };
    let location = figure.locate("claimed_by:").or_else(|| figure.locate("cites:")).or_else(|| figure.locate("title:"));
    diagnostics.push(Diagnostic::warning(&figure.path, message).at(location).help(help));
}

/// Titles and aliases that name two sources (compared as annotation quotes are: normalised).
fn shared_names(sources: &[Source], diagnostics: &Diagnostics) {
    let mut owner: HashMap<String, &Source> = HashMap::new();
    for source in sources {
        let names = std::iter::once(&source.meta.title).chain(&source.meta.aliases);
        let mut own = HashSet::new();
        for name in names {
            let key = TextMap::normalize(name);
            if key.is_empty() || !own.insert(key.clone()) {
                continue;
            }
            match owner.get(&key) {
                Some(first) => diagnostics.push(
                    Diagnostic::warning(
                        &source.path,
                        format!(
                            "the name \"{name}\" of source `{}` also names source `{}`",
                            source.slug(),
                            first.slug()
                        ),
                    )
                    .at(source.locate(&format!("\"{name}\"")).or_else(|| source.locate(name)))
                    .help(format!(
                        "auto-links and search cannot tell the two apart; remove the alias from one of them (`{}`)",
                        first.path.display()
                    )),
                ),
                None => {
                    owner.insert(key, source);
                }
            }
        }
    }
}
