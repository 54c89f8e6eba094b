//! The structs templates see: plain, serialisable, separate from the content model.
//!
//! Every URL here already honours `base_url`'s path, every `*_html` field
//! is trusted HTML rendered by us, and every other string is plain text
//! that Tera escapes. Template authors can rely on these field names (the
//! docs/templates.md lists them).

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_path: String,
    pub base_url: String,
    pub language: String,
    /// Whether the site has a search page (`search:` in `dossier.yaml`).
    pub search: bool,
    /// Extra HTML before `</body>`: empty for `build`, the live-reload script for `serve`.
    pub body_end_html: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

/// One entry of a page's bibliography.
#[derive(Clone, Debug, Serialize)]
pub struct BibEntryView {
    pub number: usize,
    pub id: String,
    pub title: String,
    pub url: String,
    /// The source's own web address, if it has one (printed on paper).
    pub external_url: Option<String>,
    /// An archived copy of that address (`archive_url:`), printed beside it.
    pub archive_url: Option<String>,
    pub kind: String,
    pub role: Option<String>,
    /// "name changed", "name probably changed", or empty.
    pub pseudonym: &'static str,
    /// Element ids of the citations that point here (`cite-3`).
    pub backrefs: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AnnotationView {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub quote: String,
    pub correction: Option<String>,
    pub note_html: String,
    /// The verdict of its `rating` (`verification` and `disputed` annotations).
    pub verdict: Option<String>,
    pub sources: Vec<LinkView>,
    pub article: LinkView,
    /// Link to the highlight in the article.
    pub url: String,
    /// The article's page id (for the search records; templates have `article`).
    #[serde(skip)]
    pub article_id: crate::model::PageId,
}

#[derive(Clone, Debug, Serialize)]
pub struct VersionView {
    pub title: String,
    pub url: String,
    pub version: String,
    /// The version's human name ("As received").
    pub label: String,
    pub current: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct EventView {
    pub date: String,
    pub date_human: String,
    pub label: String,
    pub page: LinkView,
    pub sources: Vec<LinkView>,
}

#[derive(Clone, Debug, Serialize)]
///
/// The page's own HTML, its notes and the site are borrowed, not copied, for its template.
pub struct ArticleView<'a> {
    pub site: &'a SiteView,
    pub id: String,
    pub title: String,
    pub url: String,
    pub version: String,
    /// The version's human name ("As received").
    pub version_label: String,
    pub date: Option<String>,
    pub date_human: Option<String>,
    pub summary: Option<String>,
    pub language: String,
    pub based_on: Option<LinkView>,
    pub edited_from: Option<LinkView>,
    pub changes_url: Option<String>,
    pub body_html: &'a str,
    /// The annotations' notes as `<li>` elements, for the notes column (`<ol>` in the template).
    pub notes_html: &'a str,
    pub bibliography: Vec<BibEntryView>,
    pub annotations: Vec<AnnotationView>,
    pub figures: Vec<LinkView>,
    pub versions: Vec<VersionView>,
    pub events: Vec<EventView>,
    pub jsonld: String,
    /// schema.org `ClaimReview`s of its rated annotations (a JSON array), or empty.
    pub reviews_jsonld: String,
}

/// One run of removed or added words, inside a sentence pair.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeView {
    /// `replaced`, `removed` or `added`.
    pub kind: String,
    pub old: String,
    pub new: String,
    /// The annotations that explain it.
    pub notes: Vec<AnnotationView>,
}

/// A stretch of one side of a sentence pair: `same`, `removed` or `added` text.
#[derive(Clone, Debug, Serialize)]
pub struct DiffPieceView {
    pub kind: &'static str,
    pub text: String,
}

/// A received sentence beside its edited sentence, or (`changed` false) a run
/// of sentences the editor left as they were.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SentencePairView {
    /// Element id of a changed pair (`change-3`).
    pub id: String,
    pub changed: bool,
    /// Starts a paragraph of the edited version.
    pub paragraph: bool,
    pub old: Vec<DiffPieceView>,
    pub new: Vec<DiffPieceView>,
    pub changes: Vec<ChangeView>,
    /// Each annotation explaining the pair's changes, once.
    pub notes: Vec<AnnotationView>,
    /// The unchanged sentences of a run.
    pub unchanged: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ChangesView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    pub article: LinkView,
    pub from: LinkView,
    /// Human names of the two versions ("As received", "Edited").
    pub from_label: String,
    pub article_label: String,
    pub sentences: Vec<SentencePairView>,
    /// Runs of changed words, changed sentence pairs, unchanged sentences.
    pub change_count: usize,
    pub pair_count: usize,
    pub unchanged_count: usize,
    pub words_added: usize,
    pub words_removed: usize,
}

/// A version's human name: `as-received` → "As received".
pub fn version_label(version: &str) -> String {
    let words = version.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A place where a source is cited or mentioned, with its sentence.
#[derive(Clone, Debug, Serialize)]
pub struct BacklinkView<'a> {
    pub page: LinkView,
    pub url: String,
    /// Borrowed from the citing page's rendering.
    pub sentence: &'a str,
    pub number: Option<usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceSummaryView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub kind: String,
    pub role: Option<String>,
    /// "name changed", "name probably changed", or empty.
    pub pseudonym: &'static str,
    pub uses: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceGroupView {
    pub kind: String,
    pub label: String,
    pub sources: Vec<SourceSummaryView>,
}

#[derive(Clone, Debug, Serialize)]
///
/// Its HTML, its backlinks' sentences and the site are borrowed, not copied, for its template.
pub struct SourceView<'a> {
    pub site: &'a SiteView,
    pub id: String,
    pub title: String,
    pub url: String,
    pub kind: String,
    pub kind_label: String,
    pub aliases: Vec<String>,
    pub role: Option<String>,
    pub affiliation: Option<LinkView>,
    pub members: Vec<LinkView>,
    pub external_url: Option<String>,
    /// An archived copy of `external_url` (`archive_url:`), shown beside it.
    pub archive_url: Option<String>,
    pub published: Option<String>,
    pub accessed: Option<String>,
    /// "name changed", "name probably changed", or empty.
    pub pseudonym: &'static str,
    pub body_html: &'a str,
    pub citations: Vec<BacklinkView<'a>>,
    pub mentions: Vec<BacklinkView<'a>>,
    pub figures: Vec<LinkView>,
    pub cited_by_figures: Vec<LinkView>,
    pub annotations: Vec<AnnotationView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct SourcesView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    pub groups: Vec<SourceGroupView>,
    pub pagination: PaginationView,
}

/// Where a page of a long list is, and links to the others.
#[derive(Clone, Debug, Serialize)]
pub struct PaginationView {
    /// This page's number, from 1.
    pub number: usize,
    pub total: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub pages: Vec<PageLinkView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageLinkView {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct FigureSummaryView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub kind: String,
    pub value: Option<String>,
    pub unit: Option<String>,
    pub approximate: bool,
    pub claimant: Option<LinkView>,
    pub as_of: Option<String>,
    /// The verdict of its `rating`, if it has one.
    pub verdict: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
///
/// Its HTML, its backlinks' sentences and the site are borrowed, not copied, for its template.
pub struct FigureView<'a> {
    pub site: &'a SiteView,
    pub id: String,
    pub title: String,
    pub url: String,
    pub summary: FigureSummaryView,
    pub figure_html: String,
    pub body_html: &'a str,
    pub sources: Vec<LinkView>,
    pub referenced_in: Vec<BacklinkView<'a>>,
    /// schema.org `ClaimReview` of its rating (a JSON array), or empty.
    pub reviews_jsonld: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FiguresView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    pub figures: Vec<FigureSummaryView>,
    pub pagination: PaginationView,
}

#[derive(Clone, Debug, Serialize)]
pub struct ArticleGroupView {
    pub key: String,
    pub versions: Vec<VersionView>,
    pub summary: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct IndexView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    pub summary: Option<String>,
    pub body_html: String,
    pub articles: Vec<ArticleGroupView>,
    pub figures: Vec<FigureSummaryView>,
    pub key_figures_html: Vec<String>,
    pub source_groups: Vec<SourceGroupView>,
    pub events: Vec<EventView>,
    pub annotation_count: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct TimelineView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    pub events: Vec<EventView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AnnotationGroupView {
    pub kind: String,
    pub label: String,
    pub annotations: Vec<AnnotationView>,
}

#[derive(Clone, Debug, Serialize)]
pub struct AnnotationsView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    pub groups: Vec<AnnotationGroupView>,
    pub jsonld_url: String,
    pub pagination: PaginationView,
}

/// For `search.html` and `404.html`.
#[derive(Clone, Debug, Serialize)]
pub struct SimpleView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
}

/// `404.html`: served at any depth, so it carries its stylesheet inline.
#[derive(Clone, Debug, Serialize)]
pub struct NotFoundView {
    pub site: SiteView,
    pub title: String,
    pub url: String,
    /// The theme's `style.css`, trusted CSS for a `<style>` element.
    pub stylesheet_css: String,
}
