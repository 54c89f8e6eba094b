//! `dossier check --links`: is every external address the dossier rests on
//! still there?
//!
//! Collects every `http(s)://` address with the places it is written
//! ([`collect`]), checks each once, concurrently with a per-host limit
//! ([`schedule`], [`fetch`]), skipping those checked recently ([`cache`]), and
//! reports each dead or redirected one as a diagnostic at each place it is
//! written. A dead `url:` of a source that has an `archive_url:` is only a
//! warning: readers still have the copy.
//!
//! Built on `ureq` (blocking, rustls) with a small scheduler of our own, not
//! on `lychee-lib`: see `docs/links.md` for the measurements behind that.

mod cache;
mod collect;
mod fetch;
mod schedule;

use std::time::Duration;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::Config;
use crate::model::Content;
use collect::{Use, UseKind};
use fetch::{Limits, Outcome};

pub(crate) use cache::FOLDER as CACHE_FOLDER;

/// How `check --links` runs.
#[derive(Clone, Debug)]
pub(crate) struct LinkOptions {
    /// How long one request may take.
    pub(crate) timeout: Duration,
    /// Requests at once, overall.
    pub(crate) workers: usize,
    /// Requests at once to one host.
    pub(crate) per_host: usize,
}

impl Default for LinkOptions {
    fn default() -> LinkOptions {
        LinkOptions { timeout: Duration::from_secs(20), workers: 16, per_host: 2 }
    }
}

/// What was checked, for the summary line.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Summary {
    pub(crate) addresses: usize,
    pub(crate) from_cache: usize,
    pub(crate) dead: usize,
    pub(crate) redirected: usize,
    pub(crate) unchecked: usize,
}

/// Checks every external address of `content`; problems go to `diagnostics`.
pub(crate) fn check(config: &Config, content: &Content, options: &LinkOptions, diagnostics: &Diagnostics) -> Summary {
    let root = config.root.as_path();
    let uses = collect::collect(content, &config.base_url);
    let mut cache = cache::Cache::open(root);
    let urls: Vec<String> = uses.keys().cloned().collect();
    let fresh: Vec<String> = urls.iter().filter(|u| cache.get(u).is_none()).cloned().collect();
    let limits = Limits { timeout: options.timeout, max_retry_after: Duration::from_secs(30) };
    let agent = fetch::agent(limits);
    let plan = schedule::Plan { workers: options.workers, per_host: options.per_host };
    let outcomes = schedule::run(&fresh, plan, |url| fetch::check(&agent, url, limits));
    for (url, outcome) in fresh.iter().zip(&outcomes) {
        cache.put(url, outcome);
    }
    let mut summary = Summary { addresses: urls.len(), from_cache: urls.len() - fresh.len(), ..Summary::default() };
    let fresh_outcomes: std::collections::HashMap<&str, &Outcome> =
        fresh.iter().map(String::as_str).zip(outcomes.iter()).collect();
    for (url, places) in &uses {
        let outcome = fresh_outcomes.get(url.as_str()).copied().or_else(|| cache.get(url)).cloned();
        let Some(outcome) = outcome else { continue };
        match &outcome {
            Outcome::Alive => {}
            Outcome::Redirected { .. } => summary.redirected += 1,
            Outcome::Dead { .. } => summary.dead += 1,
            Outcome::Unchecked { .. } => summary.unchecked += 1,
        }
        for place in places {
            if let Some(d) = diagnostic(url, place, &outcome) {
                diagnostics.push(d);
            }
        }
    }
    if let Err(e) = cache.save() {
        let folder = root.join(CACHE_FOLDER);
        diagnostics.push(
            Diagnostic::warning(&folder, format!("the results could not be kept for next time: {e}"))
                .help("check that the project folder is writable; the next run checks every address again"),
        );
    }
    summary
}

/// The diagnostic for one place `url` is written, if what was found calls for one.
fn diagnostic(url: &str, place: &Use, outcome: &Outcome) -> Option<Diagnostic> {
    let at = |d: Diagnostic| Some(d.at(place.location.clone()));
    match outcome {
        Outcome::Alive => None,
        Outcome::Redirected { hops, to } => {
            let chain: Vec<String> = hops.iter().map(u16::to_string).collect();
            let message = format!("link `{url}` redirects ({}) to `{to}`", chain.join(" → "));
            let help = format!("link the final address instead: `{to}`");
            at(Diagnostic::warning(&place.file, message).help(help))
        }
        Outcome::Unchecked { why } => {
            let message = format!("link `{url}` could not be checked: {why}");
            at(Diagnostic::warning(&place.file, message).help("run `dossier check --links` again later"))
        }
        Outcome::Dead { why } => at(dead(url, place, why)),
    }
}

fn dead(url: &str, place: &Use, why: &str) -> Diagnostic {
    let wayback = format!("https://web.archive.org/web/2024/{url}");
    match place.kind {
        UseKind::SourceUrl { archived: true } => Diagnostic::warning(
            &place.file,
            format!("dead link: `{url}` ({why}); readers are also shown the source's `archive_url`"),
        )
        .help("keep `url:` as the record of where the source was published, or replace it if the page moved"),
        UseKind::SourceUrl { archived: false } => {
            let source = place.source.as_deref().unwrap_or("the source");
            Diagnostic::error(&place.file, format!("dead link: `{url}` ({why})")).help(format!(
                "if the page moved, write its new address; if it is gone, add an archived copy to `{source}`: \
                 `archive_url: {wayback}` (find one at https://web.archive.org/, or make one at https://perma.cc/)"
            ))
        }
        UseKind::ArchiveUrl => Diagnostic::error(&place.file, format!("the archived copy `{url}` is dead ({why})"))
            .help("find another copy at https://web.archive.org/ or https://perma.cc/"),
        UseKind::Link => Diagnostic::error(&place.file, format!("dead link: `{url}` ({why})")).help(format!(
            "if the page moved, link its new address; if it is gone, link an archived copy, e.g. `{wayback}`"
        )),
    }
}
