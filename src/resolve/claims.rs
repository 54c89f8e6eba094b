//! Reviewed claims: what a `rating:` on a figure or on a `verification` or
//! `disputed` annotation says once resolved against the dossier — the
//! verdict and its number on the dossier's scale, who made the claim, where
//! and when it appeared — and the errors a bad `rating:` gives, at its line.
//!
//! The output writes each resolved review as a schema.org `ClaimReview`
//! ([`crate::output::exports`]); the notes and figure pages show its verdict.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{Annotation, AnnotationKind, Article, Figure, Page, PartialDate, Rating, Source, SourceKind};
use crate::resolve::xref::{Index, RefKind};

/// A reviewed claim, resolved.
#[derive(Debug)]
pub struct Review<'a> {
    /// `claimReviewed`: the claim in a short sentence.
    pub claim: String,
    pub verdict: String,
    /// The verdict's number on the dossier's scale, if it has one.
    pub value: Option<f64>,
    pub claimant: Option<&'a Source>,
    /// The document in which the claim appeared.
    pub appeared_in: Option<&'a Source>,
    /// When the review was published.
    pub date: Option<PartialDate>,
}

/// Kinds of annotation that review a claim, and so may carry a `rating`.
pub fn reviews(kind: AnnotationKind) -> bool {
    matches!(kind, AnnotationKind::Verification | AnnotationKind::Disputed)
}

/// The review an annotation of `article` makes, if it has a valid `rating`.
pub fn of_annotation<'a>(index: &Index<'a>, article: &'a Article, annotation: &'a Annotation) -> Option<Review<'a>> {
    let rating = annotation.rating.as_ref().filter(|_| reviews(annotation.kind))?;
    let cited = || annotation.cites.iter().filter_map(|c| index.source(c));
    let speaker =
        |s: &&Source| matches!(s.meta.kind, SourceKind::Person | SourceKind::Organization | SourceKind::Outlet);
    let document = |s: &&Source| matches!(s.meta.kind, SourceKind::Document | SourceKind::Dataset);
    let based_on = article.meta.based_on.as_deref().and_then(|s| index.source(s));
    let claimant = named(index, &rating.claimed_by)
        .or_else(|| cited().find(speaker))
        .or_else(|| cited().find(document).and_then(|d| d.meta.affiliation.as_deref()).and_then(|a| index.source(a)))
        .or(based_on);
    let appeared_in = named(index, &rating.appeared_in)
        .or_else(|| cited().find(document))
        .or_else(|| based_on.filter(|s| document(s)));
    let claim = rating.claim.clone().unwrap_or_else(|| crate::text::TextMap::normalize(&annotation.quote));
    review(index, rating, claim, claimant, appeared_in)
}

/// The review a figure makes of its claimant's number, if it has a valid `rating`.
pub fn of_figure<'a>(index: &Index<'a>, figure: &'a Figure) -> Option<Review<'a>> {
    let rating = figure.meta.rating.as_ref()?;
    let claimant = named(index, &rating.claimed_by).or_else(|| named(index, &figure.meta.claimed_by));
    let appeared_in = named(index, &rating.appeared_in).or_else(|| {
        let mut cited = figure.meta.cites.iter().filter_map(|c| index.source(c));
        cited.find(|s| matches!(s.meta.kind, SourceKind::Document | SourceKind::Dataset))
    });
    let claim = rating.claim.clone().unwrap_or_else(|| figure.meta.title.clone());
    review(index, rating, claim, claimant, appeared_in)
}

fn named<'a>(index: &Index<'a>, id: &Option<String>) -> Option<&'a Source> {
    id.as_deref().and_then(|id| index.source(id))
}

fn review<'a>(
    index: &Index<'a>,
    rating: &Rating,
    claim: String,
    claimant: Option<&'a Source>,
    appeared_in: Option<&'a Source>,
) -> Option<Review<'a>> {
    let ratings = &index.config.ratings;
    let (verdict, value) = ratings.resolve(&rating.verdict).ok()?;
    Some(Review { claim, verdict, value, claimant, appeared_in, date: rating.date.or(ratings.date) })
}

/// Reports every bad `rating:` of `article`'s annotations.
pub fn check_article(index: &Index, article: &Article, diagnostics: &Diagnostics) {
    let rated = article.meta.annotations.iter().filter(|a| a.rating.is_some());
    for (nth, annotation) in rated.enumerate() {
        let Some(rating) = &annotation.rating else { continue };
        let at = rating_location(article, nth, &rating.verdict.to_string());
        if !reviews(annotation.kind) {
            diagnostics.push(
                Diagnostic::error(&article.path, format!("a `{}` annotation cannot have a `rating`", annotation.kind.as_str()))
                    .at(at)
                    .help("a rating is a verdict on a claim: give it to `verification` or `disputed` annotations, or remove it"),
            );
            continue;
        }
        check_rating(index, article, rating, at, diagnostics);
    }
}

/// Reports a bad `rating:` of `figure`.
pub fn check_figure(index: &Index, figure: &Figure, diagnostics: &Diagnostics) {
    let Some(rating) = &figure.meta.rating else { return };
    let at = rating_location(figure, 0, &rating.verdict.to_string());
    if figure.meta.claimed_by.is_none() && rating.claimed_by.is_none() {
        diagnostics.push(
            Diagnostic::error(
                &figure.path,
                "a figure with a `rating` needs `claimed_by`: a verdict reviews someone's claim",
            )
            .at(at.clone())
            .help("add `claimed_by: <source id>` naming who gave the number"),
        );
    }
    check_rating(index, figure, rating, at, diagnostics);
}

fn check_rating<M>(index: &Index, page: &Page<M>, rating: &Rating, at: Option<Location>, diagnostics: &Diagnostics) {
    if let Err((message, help)) = index.config.ratings.resolve(&rating.verdict) {
        diagnostics.push(Diagnostic::error(&page.path, format!("`rating`: {message}")).at(at).help(help));
    }
    for (field, id) in [("appeared_in", &rating.appeared_in), ("claimed_by", &rating.claimed_by)] {
        let Some(id) = id else { continue };
        if index.source(id).is_none() && !index.unloaded(id) {
            let (message, help) = index.unknown(RefKind::Source, id);
            let at = page.locate_after(field, id);
            diagnostics
                .push(Diagnostic::error(&page.path, format!("`rating`: `{field}`: {message}")).at(at).help_opt(help));
        }
    }
    if let Some(claim) = rating.claim.as_deref().filter(|c| c.chars().count() > 200) {
        let at = page.locate_after("claim", claim.split_whitespace().next().unwrap_or(claim));
        diagnostics.push(
            Diagnostic::error(
                &page.path,
                format!("`rating`: the `claim` is {} characters long", claim.chars().count()),
            )
            .at(at)
            .help("summarise the claim in a short sentence (fact-check tools advise 75 characters at most)"),
        );
    }
}

/// Where the verdict of the `nth` `rating:` of `page`'s front matter is written.
fn rating_location<M>(page: &Page<M>, nth: usize, verdict: &str) -> Option<Location> {
    let front = &page.raw[..page.body_start];
    let (key, _) = front.match_indices("rating:").nth(nth)?;
    let after = key + "rating:".len();
    let offset = front[after..].find(verdict).map_or(key, |i| after + i);
    Some(Location::at_offset(&page.raw, offset, 1))
}
