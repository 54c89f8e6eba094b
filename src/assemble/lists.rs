//! The paginated lists (sources, figures, annotations): how many entries a
//! page shows, the folder of each page, the groups a list is split into, and
//! the links between its pages.

use super::{Assembler, JobId, PageJob};
use crate::model::{AnnotationKind, SourceKind};
use crate::output::views::{
    AnnotationGroupView, AnnotationView, AnnotationsView, FiguresView, PageLinkView, PaginationView, SourceGroupView,
    SourceSummaryView, SourcesView,
};

/// A paginated list of the site. Its first page keeps the list's folder (`sources/`); the
/// others are `sources/page/2/` and so on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum List {
    Sources,
    Figures,
    Annotations,
}

impl List {
    /// The list's folder in the site.
    fn folder(self) -> &'static str {
        match self {
            List::Sources => "sources/",
            List::Figures => "figures/",
            List::Annotations => "annotations/",
        }
    }

    /// How many entries a page shows: at 10,000 pages every list page stays well under
    /// 200 KB of HTML.
    fn per_page(self) -> usize {
        match self {
            List::Sources | List::Figures => 500,
            List::Annotations => 200,
        }
    }

    fn title(self) -> &'static str {
        match self {
            List::Sources => "Sources",
            List::Figures => "Figures",
            List::Annotations => "Annotations",
        }
    }

    /// The folder of page `n` (from 1).
    pub fn page_folder(self, n: usize) -> String {
        if n <= 1 { self.folder().to_string() } else { format!("{}page/{n}/", self.folder()) }
    }
}

/// The entries `from..to` of page `n` of a list of `len`; `None` past the last page.
fn page_range(n: usize, len: usize, per: usize) -> Option<(usize, usize)> {
    let from = (n.max(1) - 1) * per;
    (n >= 1 && (from < len || n == 1)).then(|| (from, (from + per).min(len)))
}

/// `Sources`, or `Sources (page 2)`.
fn numbered(title: &str, n: usize) -> String {
    if n <= 1 { title.to_string() } else { format!("{title} (page {n})") }
}

/// Groups that hold a list in order.
trait Grouped: Sized {
    fn len(&self) -> usize;
    /// The group with only its entries `from..to`.
    fn slice(&self, from: usize, to: usize) -> Self;
}

impl Grouped for SourceGroupView {
    fn len(&self) -> usize {
        self.sources.len()
    }
    fn slice(&self, from: usize, to: usize) -> Self {
        SourceGroupView { kind: self.kind.clone(), label: self.label.clone(), sources: self.sources[from..to].to_vec() }
    }
}

impl Grouped for AnnotationGroupView {
    fn len(&self) -> usize {
        self.annotations.len()
    }
    fn slice(&self, from: usize, to: usize) -> Self {
        AnnotationGroupView {
            kind: self.kind.clone(),
            label: self.label.clone(),
            annotations: self.annotations[from..to].to_vec(),
        }
    }
}

/// The groups as they show entries `from..to` of the list they make together (copying
/// only those: each page of a list copies its own entries, not the whole list).
fn slice_groups<G: Grouped>(groups: &[G], from: usize, to: usize) -> Vec<G> {
    let mut at = 0;
    let mut kept = Vec::new();
    for group in groups {
        let (start, end) = (at, at + group.len());
        at = end;
        if end <= from || start >= to {
            continue;
        }
        kept.push(group.slice(from.max(start) - start, to.min(end) - start));
    }
    kept
}

impl<'a> Assembler<'a> {
    pub(super) fn source_groups(&self) -> &[SourceGroupView] {
        self.source_groups.get_or_init(|| self.make_source_groups())
    }

    pub(super) fn make_source_groups(&self) -> Vec<SourceGroupView> {
        SourceKind::ALL
            .iter()
            .filter_map(|kind| {
                let mut sources: Vec<SourceSummaryView> = self
                    .content()
                    .sources
                    .iter()
                    .filter(|s| s.meta.kind == *kind)
                    .map(|s| SourceSummaryView {
                        id: s.slug().to_string(),
                        title: s.meta.title.clone(),
                        url: self.index.source_url(s.slug()),
                        kind: kind.as_str().into(),
                        role: s.meta.role.clone(),
                        pseudonym: s.meta.pseudonym.label(),
                        uses: self.uses_of(s.slug()),
                    })
                    .collect();
                sources.sort_by_cached_key(|s| s.title.to_lowercase());
                (!sources.is_empty()).then(|| SourceGroupView {
                    kind: kind.as_str().into(),
                    label: kind.plural_label().into(),
                    sources,
                })
            })
            .collect()
    }

    /// The view of page `n` of `list`; `None` past its last page.
    pub(super) fn list_view(&self, list: List, n: usize) -> Option<PageJob> {
        let path = JobId::List(list, n).path();
        let c = self.content();
        let site = self.site.clone();
        let title = numbered(list.title(), n);
        let url = self.index.config.url(&list.page_folder(n));
        Some(match list {
            List::Sources => {
                let (from, to) = page_range(n, c.sources.len(), list.per_page())?;
                let groups = slice_groups(self.source_groups(), from, to);
                let pagination = self.pagination(list, n);
                PageJob::new("sources.html", path, &SourcesView { site, title, url, groups, pagination })
            }
            List::Figures => {
                let (from, to) = page_range(n, c.figures.len(), list.per_page())?;
                let figures = c.figures[from..to].iter().map(|f| self.figure_summary(f)).collect();
                let pagination = self.pagination(list, n);
                PageJob::new("figures.html", path, &FiguresView { site, title, url, figures, pagination })
            }
            List::Annotations => PageJob::new("annotations.html", path, &self.annotations_view(n)?),
        })
    }

    /// How many entries `list` has.
    fn list_len(&self, list: List) -> usize {
        match list {
            List::Sources => self.content().sources.len(),
            List::Figures => self.content().figures.len(),
            List::Annotations => self.all_annotations().len(),
        }
    }

    fn annotations_view(&self, n: usize) -> Option<AnnotationsView> {
        let all = self.all_annotations();
        let (from, to) = page_range(n, all.len(), List::Annotations.per_page())?;
        let groups = self.annotation_groups.get_or_init(|| {
            AnnotationKind::ALL
                .iter()
                .filter_map(|kind| {
                    let annotations: Vec<AnnotationView> =
                        all.iter().filter(|a| a.kind == kind.as_str()).cloned().collect();
                    (!annotations.is_empty()).then(|| AnnotationGroupView {
                        kind: kind.as_str().into(),
                        label: kind.label().into(),
                        annotations,
                    })
                })
                .collect()
        });
        Some(AnnotationsView {
            site: self.site.clone(),
            title: numbered(List::Annotations.title(), n),
            url: self.index.config.url(&List::Annotations.page_folder(n)),
            groups: slice_groups(groups, from, to),
            jsonld_url: self.index.config.url("annotations.jsonld"),
            pagination: self.pagination(List::Annotations, n),
        })
    }

    /// Every page of every list.
    pub fn list_jobs(&self) -> Vec<JobId> {
        let pages = |list: List| (1..=self.list_len(list).div_ceil(list.per_page()).max(1)).map(move |n| (list, n));
        [List::Sources, List::Figures, List::Annotations]
            .into_iter()
            .flat_map(pages)
            .map(|(l, n)| JobId::List(l, n))
            .collect()
    }

    /// Links between the pages of `list`.
    fn pagination(&self, list: List, n: usize) -> PaginationView {
        let total = self.list_len(list).div_ceil(list.per_page()).max(1);
        let url = |k: usize| self.index.config.url(&list.page_folder(k));
        PaginationView {
            number: n,
            total,
            previous: (n > 1).then(|| url(n - 1)),
            next: (n < total).then(|| url(n + 1)),
            pages: (1..=total).map(|k| PageLinkView { number: k, url: url(k), current: k == n }).collect(),
        }
    }
}
