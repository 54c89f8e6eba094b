//! The numbers a page gives: its figures, numbered in order of first use before
//! the page is written (a reference may come before the embed), and its cited
//! sources, numbered in order of first citation (the bibliography's order).

use std::collections::{HashMap, HashSet};

use super::FigureUse;

pub(super) struct Numbering {
    figures: HashMap<String, usize>,
    /// Figures embedded on the page (a reference links to the embed, not the figure's page).
    embedded: HashSet<String>,
    /// Figures embedded so far: a second embed of one is an error.
    embedded_done: HashSet<String>,
    cites: HashMap<String, usize>,
}

impl Numbering {
    pub(super) fn new(figures: HashMap<String, usize>, embedded: HashSet<String>) -> Numbering {
        Numbering { figures, embedded, embedded_done: HashSet::new(), cites: HashMap::new() }
    }

    pub(super) fn figure(&self, slug: &str) -> Option<usize> {
        self.figures.get(slug).copied()
    }

    pub(super) fn is_embedded(&self, slug: &str) -> bool {
        self.embedded.contains(slug)
    }

    /// Marks figure `slug` as embedded here; `false` if it already was.
    pub(super) fn embed_once(&mut self, slug: &str) -> bool {
        self.embedded_done.insert(slug.to_string())
    }

    /// Source `slug`'s citation number, given at its first citation.
    pub(super) fn cite(&mut self, slug: &str) -> usize {
        let next = self.cites.len() + 1;
        *self.cites.entry(slug.to_string()).or_insert(next)
    }

    /// Every figure the page uses, by number.
    pub(super) fn figure_uses(&self) -> Vec<FigureUse> {
        let mut figures: Vec<FigureUse> = (self.figures.iter())
            .map(|(slug, &number)| FigureUse { figure: slug.clone(), number, embedded: self.is_embedded(slug) })
            .collect();
        figures.sort_by_key(|f| f.number);
        figures
    }

    /// The cited sources in citation-number order.
    pub(super) fn bibliography(self) -> Vec<String> {
        let mut cited: Vec<(usize, String)> = self.cites.into_iter().map(|(s, n)| (n, s)).collect();
        cited.sort();
        cited.into_iter().map(|(_, s)| s).collect()
    }
}
