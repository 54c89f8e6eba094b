//! `serve`'s build, kept in memory between edits: the content, the page table,
//! which output page shows which pages, and the site. [`Session::apply`] takes
//! a batch of changed files, asks [`plan`](super::plan) what they need rebuilt,
//! and does only that; the search index follows on its own thread
//! ([`Indexer`]).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

#[cfg(test)]
use super::indexer;
use super::indexer::{Indexer, Listener, SearchFiles};
use super::pipeline::{self, Built, Mode};
use super::plan::{self, Applied, ChangeKind, PageFront, Shown};
use super::progress::Silent;
use super::render::{Phases, Select, add_static, render_jobs, render_markdown, site_view};
use crate::assemble::{Assembler, JobId};
use crate::diagnostics::Diagnostics;
use crate::load::config::Config;
use crate::load::content::{self, Reloaded};
use crate::model::{Content, PageId};
use crate::output::exports;
use crate::output::search::{NoteRecords, SearchError};
use crate::output::site::{RenderedPages, Site};
use crate::output::templates::Templates;
use crate::resolve::{
    self,
    xref::{Index, Names},
};

/// A build kept in memory between rebuilds (for `serve`).
pub struct Session {
    pub config: Config,
    content: Content,
    rendered: RenderedPages,
    templates: Templates,
    /// Which output page shows something of which page.
    shown: Shown,
    names: Arc<Names>,
    /// The annotation records the search index holds, and the index, on its own thread.
    notes: NoteRecords,
    indexer: Option<Indexer>,
    /// The pages and other files; the search index's files come from [`Session::search_files`].
    pub site: Arc<Site>,
}

/// Why [`Session::apply`] did not update the site.
#[derive(Debug, PartialEq, Eq)]
pub enum UpdateError {
    /// Files appeared, disappeared or moved, or the configuration or templates changed:
    /// start a new session.
    NeedsFullBuild,
    /// The edit is broken (see the diagnostics): keep the last good site.
    Broken,
}

impl Session {
    /// A full build; `None` if anything is wrong (see `diagnostics`).
    pub fn start(config: Config, diagnostics: &Diagnostics) -> Option<Session> {
        let built = pipeline::run(config, Mode::Serve, diagnostics, &Silent)?;
        let Built { config, content, rendered, templates, shown, names, notes, site, search } = built;
        let indexer = search.map(|pending| Indexer::start(pending, config.timings));
        let site = Arc::new(site);
        Some(Session { config, content, rendered, templates, shown, names, notes, indexer, site })
    }

    /// Rebuilds after the files `changed` changed (`structural`: files appeared, disappeared
    /// or moved), doing only what [`plan::classify`] says they need. A change only a full
    /// build can take (the configuration, templates, files added or removed) gives
    /// [`UpdateError::NeedsFullBuild`]: start a new session. A broken edit gives
    /// [`UpdateError::Broken`] with its problems in `diagnostics`; the caller keeps serving
    /// the last good site and must start a new session on the next change.
    ///
    /// As soon as the pages are ready, before the exports (feed, W3C annotations) and the
    /// search records, it calls `pages_ready` with the site so far and the output files it
    /// re-rendered or removed; its [`Session::site`] then has the exports too.
    pub fn apply(
        &mut self,
        changed: &[PathBuf],
        structural: bool,
        diagnostics: &Diagnostics,
        pages_ready: &mut dyn FnMut(&Arc<Site>, &[String]),
    ) -> Result<Applied, UpdateError> {
        match plan::classify(&self.config.root, changed, structural) {
            ChangeKind::Full => Err(UpdateError::NeedsFullBuild),
            ChangeKind::Static { css } => {
                self.refresh_static(changed, diagnostics)?;
                Ok(Applied::Static { css })
            }
            ChangeKind::Pages(pages) => self.update(&pages, diagnostics, pages_ready).map(Applied::Pages),
        }
    }

    /// Re-renders what the edited content files `changed` affect.
    fn update(
        &mut self,
        changed: &[PathBuf],
        diagnostics: &Diagnostics,
        pages_ready: &mut dyn FnMut(&Arc<Site>, &[String]),
    ) -> Result<Vec<String>, UpdateError> {
        if self.indexer.as_ref().is_some_and(Indexer::failed) {
            return Err(UpdateError::NeedsFullBuild);
        }
        let mut phases = Phases::new(self.config.timings, &Silent);
        let root = self.config.root.clone();
        let before: HashMap<PageId, PageFront> = changed
            .iter()
            .filter_map(|p| plan::front_of_path(&root, &self.content, p))
            .map(|f| (f.id.clone(), f))
            .collect();
        let pages = self.reload(changed, diagnostics)?;
        let edit = plan::describe(&root, &self.content, &pages, &before);
        let index = if edit.names_changed {
            Index::new(&self.config, &self.content)
        } else {
            Index::with_names(&self.config, &self.content, self.names.clone())
        };
        resolve::check_pages(&index, |id| pages.contains(id), diagnostics);
        let markdown = plan::markdown_affected(&self.content, &self.rendered, &pages, &edit);
        let old_backlinks = plan::backlinks_from(&self.rendered, &markdown);
        let old_listed = plan::listed_facts(&self.rendered, &markdown);
        let previous = std::mem::take(&mut self.rendered);
        self.rendered = render_markdown(&index, Some(previous), Select::Only(&markdown), diagnostics);
        if diagnostics.has_errors() {
            return Err(UpdateError::Broken);
        }
        let backlinks_changed = plan::changed_keys(&old_backlinks, &plan::backlinks_from(&self.rendered, &markdown));
        let lists_changed = old_listed != plan::listed_facts(&self.rendered, &markdown);
        phases.done("markdown");
        let site_view = site_view(&self.config);
        // Backlinks are gathered only if a page to render shows them (an edited article does not).
        let assembler = Assembler::deferred(&index, &self.rendered, site_view);
        phases.done("backlinks");
        // A list may have more pages than before (an annotation added), or fewer.
        let lists = assembler.list_jobs();
        let gone = self.shown.lists_gone(&lists);
        let mut jobs = plan::affected_jobs(&self.shown, &markdown, &edit, &backlinks_changed, lists_changed);
        jobs.extend(lists.iter().filter(|j| !self.shown.deps.contains_key(*j)).cloned());
        let (pages_out, deps) = render_jobs(&assembler, &self.templates, &jobs, diagnostics, None);
        phases.done("templates");
        if diagnostics.has_errors() {
            return Err(UpdateError::Broken);
        }
        // The new site starts as the current one: the map is persistent, so this copies no file.
        let mut site = Site::clone(&self.site);
        let mut changed: Vec<String> = pages_out.iter().map(|(path, _)| path.clone()).collect();
        for job in &gone {
            let path = job.path();
            site.files.remove(&path);
            changed.push(path);
        }
        for (path, html) in pages_out {
            site.add(path, html);
        }
        let mut site = Arc::new(site);
        pages_ready(&site, &changed);
        phases.done("swap");
        // What no page shows follows the pages: the exports, the search records, the bookkeeping.
        let scope = exports::Scope::Pages { ids: &markdown, front_matter: !edit.front.is_empty() };
        if scope.writes(&index) {
            exports::add_all(Arc::make_mut(&mut site), &index, &self.rendered, assembler.all_annotations(), scope);
        }
        phases.done("exports");
        // The edited records go to the index now; its files follow the pages ([`Session::search_files`]).
        let batch = self.notes.prepare(&index, &self.rendered, assembler.all_annotations(), Some(&markdown));
        if let Some(indexer) = &self.indexer
            && indexer.submit(batch).is_err()
        {
            return Err(UpdateError::NeedsFullBuild);
        }
        phases.done("search: records");
        self.names = index.shared_names();
        drop(assembler);
        drop(index);
        self.shown.forget(&gone);
        self.shown.record(deps);
        self.site = site;
        Ok(changed)
    }

    /// Re-reads the edited page files into the content; the ids of the pages they hold.
    fn reload(&mut self, changed: &[PathBuf], diagnostics: &Diagnostics) -> Result<HashSet<PageId>, UpdateError> {
        let mut pages = HashSet::new();
        for path in changed {
            match content::reload(&self.config, &mut self.content, path, diagnostics) {
                Reloaded::Replaced(id) => _ = pages.insert(id),
                Reloaded::NeedsFullLoad => return Err(UpdateError::NeedsFullBuild),
                Reloaded::Failed => return Err(UpdateError::Broken),
            }
        }
        Ok(pages)
    }

    /// Re-reads the static files (the theme's, and `content/static/`'s as the last full
    /// load found them by `content`'s rules) into the site, and renders again the pages
    /// that inline a theme stylesheet. A content static file added or removed needs
    /// [`Session::start`].
    fn refresh_static(&mut self, changed: &[PathBuf], diagnostics: &Diagnostics) -> Result<(), UpdateError> {
        let content_root = self.config.root.join("content");
        let known = |path: &PathBuf| match path.strip_prefix(&content_root) {
            Ok(rel) => path.is_file() && self.content.static_files.iter().any(|f| f == rel),
            Err(_) => true,
        };
        if !changed.iter().all(known) {
            return Err(UpdateError::NeedsFullBuild);
        }
        let mut site = (*self.site).clone();
        add_static(&mut site, &self.config, &self.content, diagnostics);
        if changed.iter().any(|path| plan::is_theme_stylesheet(&self.config.root, path)) {
            let index = Index::with_names(&self.config, &self.content, self.names.clone());
            let assembler = Assembler::deferred(&index, &self.rendered, site_view(&self.config));
            let jobs: Vec<JobId> = self.shown.deps.keys().filter(|j| j.inlines_theme_css()).cloned().collect();
            let (pages, _) = render_jobs(&assembler, &self.templates, &jobs, diagnostics, None);
            for (path, html) in pages {
                site.add(path, html);
            }
        }
        if diagnostics.has_errors() {
            return Err(UpdateError::Broken);
        }
        self.site = Arc::new(site);
        Ok(())
    }

    /// Waits until the search index holds every edit so far; its files, or none with
    /// `search: false`. (`serve` does not wait: it [listens](Session::on_search_files) instead.)
    pub fn search_files(&self) -> Result<Option<SearchFiles>, SearchError> {
        self.indexer.as_ref().map(Indexer::wait).transpose()
    }

    /// Keeps the search index from taking further edits until the guard is dropped (tests).
    #[cfg(test)]
    pub(crate) fn pause_search(&self) -> Option<indexer::Paused> {
        self.indexer.as_ref().map(Indexer::pause)
    }

    /// Calls `listener` with each new search index of this session (and at once with the
    /// current one if it is ready); see [`Indexer::listen`].
    pub fn on_search_files(&self, listener: Listener) {
        if let Some(indexer) = &self.indexer {
            indexer.listen(listener);
        }
    }
}
