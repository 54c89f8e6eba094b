//! The content model: articles, sources, figures and what they carry.
//!
//! Plain data that mirrors the front matter users write (SPEC §4), with
//! strict serde definitions: an unknown field or a wrong type is an error
//! when the file is loaded, never a silent default. No IO happens here.

mod ids;
pub use ids::PageId;

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, de};

mod rating;

pub use rating::{DEFAULT_VERDICTS, Rating, Verdict};

/// An ISO 8601 calendar date with optional month and day: `2021`, `2021-12`, `2021-12-20`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: i16,
    pub month: Option<i8>,
    pub day: Option<i8>,
}

impl PartialDate {
    pub fn parse(text: &str) -> Result<PartialDate, String> {
        let expected = "expected an ISO 8601 date such as `2021`, `2021-12` or `2021-12-20`";
        let parts: Vec<&str> = text.trim().split('-').collect();
        let number = |s: &str, len: usize| -> Result<i64, String> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse::<i64>().map_err(|_| format!("`{text}`: {expected}"))
            } else {
                Err(format!("`{text}` is not a date: {expected}"))
            }
        };
        let year = number(parts[0], 4)? as i16;
        let month = parts.get(1).map(|m| number(m, 2)).transpose()?.map(|m| m as i8);
        let day = parts.get(2).map(|d| number(d, 2)).transpose()?.map(|d| d as i8);
        if parts.len() > 3 {
            return Err(format!("`{text}` is not a date: {expected}"));
        }
        let check_month = month.unwrap_or(1);
        let check_day = day.unwrap_or(1);
        jiff::civil::Date::new(year, check_month, check_day)
            .map_err(|_| format!("`{text}` is not a real calendar date: {expected}"))?;
        Ok(PartialDate { year, month, day })
    }

    /// The first instant of the date, as RFC 3339, for feeds and JSON-LD.
    pub fn rfc3339(&self) -> String {
        format!("{:04}-{:02}-{:02}T00:00:00Z", self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// A date for readers: `20 December 2021`, `December 2021`, `2021`.
    pub fn human(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let month = self.month.map(|m| MONTHS[(m - 1) as usize]);
        match (self.day, month) {
            (Some(d), Some(m)) => format!("{d} {m} {}", self.year),
            (None, Some(m)) => format!("{m} {}", self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = PartialDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an ISO 8601 date such as `2021`, `2021-12` or `2021-12-20`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PartialDate, E> {
                PartialDate::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PartialDate, E> {
                PartialDate::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PartialDate, E> {
                PartialDate::parse(&v.to_string()).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Front matter of `content/_index.md`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexMeta {
    pub title: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
}

/// The kind of an annotation; decides its colour and its W3C motivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AnnotationKind {
    Correction,
    Context,
    Verification,
    Translation,
    Disputed,
}

impl AnnotationKind {
    pub const ALL: [AnnotationKind; 5] = [
        AnnotationKind::Correction,
        AnnotationKind::Translation,
        AnnotationKind::Context,
        AnnotationKind::Verification,
        AnnotationKind::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AnnotationKind::Correction => "correction",
            AnnotationKind::Context => "context",
            AnnotationKind::Verification => "verification",
            AnnotationKind::Translation => "translation",
            AnnotationKind::Disputed => "disputed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AnnotationKind::Correction => "Correction",
            AnnotationKind::Context => "Context",
            AnnotationKind::Verification => "Verification",
            AnnotationKind::Translation => "Translation",
            AnnotationKind::Disputed => "Disputed",
        }
    }

    /// The W3C Web Annotation motivation for this kind.
    pub fn motivation(self) -> &'static str {
        match self {
            AnnotationKind::Correction | AnnotationKind::Translation => "editing",
            AnnotationKind::Context => "commenting",
            AnnotationKind::Verification => "assessing",
            AnnotationKind::Disputed => "questioning",
        }
    }
}

/// Which occurrence(s) of a quote an annotation means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    Nth(usize),
    All,
}

impl<'de> Deserialize<'de> for Occurrence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Occurrence;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a positive number or `all`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Occurrence, E> {
                if v == "all" {
                    Ok(Occurrence::All)
                } else {
                    Err(E::custom(format!("`{v}`: expected a positive number or `all`")))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Occurrence, E> {
                if v == 0 {
                    return Err(E::custom("occurrence counts from 1"));
                }
                Ok(Occurrence::Nth(v as usize))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Occurrence, E> {
                if v < 1 {
                    return Err(E::custom("occurrence counts from 1"));
                }
                Ok(Occurrence::Nth(v as usize))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A quote-anchored note on an article (SPEC §5).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annotation {
    pub quote: String,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub occurrence: Option<Occurrence>,
    pub id: Option<String>,
    pub kind: AnnotationKind,
    pub note: Option<String>,
    pub correction: Option<String>,
    #[serde(default)]
    pub cites: Vec<String>,
    /// A verdict on the quoted claim (`verification` and `disputed` only).
    pub rating: Option<Rating>,
}

impl Annotation {
    /// An annotation of `kind` on `quote`, with every optional field empty.
    pub fn new(quote: &str, kind: AnnotationKind) -> Annotation {
        Annotation {
            quote: quote.into(),
            prefix: None,
            suffix: None,
            occurrence: None,
            id: None,
            kind,
            note: None,
            correction: None,
            cites: Vec::new(),
            rating: None,
        }
    }
}

/// A dated event for the timeline.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub date: PartialDate,
    pub label: String,
    #[serde(default)]
    pub cites: Vec<String>,
}

/// Front matter of `content/articles/*.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleMeta {
    pub title: String,
    pub article: Option<String>,
    pub version: Option<String>,
    pub edited_from: Option<String>,
    pub date: Option<PartialDate>,
    pub updated: Option<PartialDate>,
    pub language: Option<String>,
    pub based_on: Option<String>,
    pub summary: Option<String>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    #[serde(default)]
    pub events: Vec<Event>,
    /// Straight quotes to curly, `--` to dashes; `None`: off for `as-received`, else on.
    pub smart_punctuation: Option<bool>,
    #[serde(default)]
    pub draft: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Person,
    Organization,
    Outlet,
    Document,
    Dataset,
}

impl SourceKind {
    pub const ALL: [SourceKind; 5] =
        [SourceKind::Person, SourceKind::Organization, SourceKind::Outlet, SourceKind::Document, SourceKind::Dataset];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Person => "person",
            SourceKind::Organization => "organization",
            SourceKind::Outlet => "outlet",
            SourceKind::Document => "document",
            SourceKind::Dataset => "dataset",
        }
    }

    pub fn plural_label(self) -> &'static str {
        match self {
            SourceKind::Person => "People",
            SourceKind::Organization => "Organisations",
            SourceKind::Outlet => "Outlets",
            SourceKind::Document => "Documents",
            SourceKind::Dataset => "Datasets",
        }
    }

    /// The schema.org type for JSON-LD.
    pub fn schema_type(self) -> &'static str {
        match self {
            SourceKind::Person => "Person",
            SourceKind::Organization => "Organization",
            SourceKind::Outlet => "NewsMediaOrganization",
            SourceKind::Document => "CreativeWork",
            SourceKind::Dataset => "Dataset",
        }
    }
}

/// Front matter of `content/sources/*.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceMeta {
    pub title: String,
    pub kind: SourceKind,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub role: Option<String>,
    pub affiliation: Option<String>,
    pub url: Option<String>,
    /// An archived copy of `url` (Wayback Machine, perma.cc), for when the live page changes or dies.
    pub archive_url: Option<String>,
    pub published: Option<PartialDate>,
    pub accessed: Option<PartialDate>,
    #[serde(default)]
    pub pseudonym: Pseudonym,
    #[serde(default)]
    pub draft: bool,
}

/// Whether a source's name is a pseudonym: `pseudonym: true | false | likely`.
///
/// `likely` is for names the evidence suggests, but does not say, were changed;
/// readers see "name probably changed" instead of "name changed".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pseudonym {
    #[default]
    No,
    Yes,
    Likely,
}

impl Pseudonym {
    /// What readers see beside the name, or nothing.
    pub fn label(self) -> &'static str {
        match self {
            Pseudonym::No => "",
            Pseudonym::Yes => "name changed",
            Pseudonym::Likely => "name probably changed",
        }
    }
}

impl<'de> Deserialize<'de> for Pseudonym {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Pseudonym;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "`true`, `false` or `likely` (the evidence suggests, but does not say, the name was changed)",
                )
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Pseudonym, E> {
                Ok(if v { Pseudonym::Yes } else { Pseudonym::No })
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Pseudonym, E> {
                match v {
                    "likely" => Ok(Pseudonym::Likely),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FigureKind {
    Stat,
    Chart,
    Image,
    Table,
}

impl FigureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FigureKind::Stat => "stat",
            FigureKind::Chart => "chart",
            FigureKind::Image => "image",
            FigureKind::Table => "table",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChartType {
    Bar,
    Line,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartPoint {
    pub label: String,
    pub value: f64,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    #[serde(rename = "type")]
    pub chart_type: ChartType,
    pub series: Vec<ChartPoint>,
    pub unit: Option<String>,
    #[serde(default)]
    pub log_scale: bool,
}

/// Front matter of `content/figures/*.md`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureMeta {
    pub title: String,
    pub kind: FigureKind,
    pub value: Option<f64>,
    pub unit: Option<String>,
    #[serde(default)]
    pub approximate: bool,
    pub as_of: Option<PartialDate>,
    pub claimed_by: Option<String>,
    /// A verdict on the claimant's figure.
    pub rating: Option<Rating>,
    #[serde(default)]
    pub cites: Vec<String>,
    pub chart: Option<Chart>,
    pub image: Option<String>,
    pub alt: Option<String>,
    pub credit: Option<String>,
    #[serde(default)]
    pub draft: bool,
}

/// A loaded Markdown file: where it came from and its body.
#[derive(Clone, Debug)]
pub struct Page<M> {
    /// The page id: its path under `content/` without `.md` (`sources/phil-robertson`).
    pub id: PageId,
    pub path: PathBuf,
    pub meta: M,
    /// Where the body starts in `raw` (a byte offset): the body is not kept twice.
    pub body_start: usize,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    /// The whole file, for locating problems in the front matter.
    pub raw: String,
}

impl<M> Page<M> {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.raw[self.body_start..]
    }

    /// The last part of the id, by which citations name sources (`phil-robertson`).
    pub fn slug(&self) -> &str {
        self.id.slug()
    }
}

pub type Article = Page<ArticleMeta>;
pub type Source = Page<SourceMeta>;
pub type Figure = Page<FigureMeta>;

impl Article {
    /// The key shared by all versions of one article.
    pub fn article_key(&self) -> &str {
        self.meta.article.as_deref().unwrap_or(self.slug())
    }

    /// The slug of the version named by `edited_from` (written `articles/x`, or `x`).
    pub fn edited_from(&self) -> Option<&str> {
        let from = self.meta.edited_from.as_deref()?;
        Some(match from.parse::<PageId>() {
            Ok(PageId::Article(_)) => from.split_once('/').map_or(from, |(_, slug)| slug),
            _ => from,
        })
    }

    pub fn version(&self) -> &str {
        self.meta.version.as_deref().unwrap_or("edited")
    }

    /// Whether this version's body is typeset with smart punctuation: as its
    /// `smart_punctuation` says, else off for the `as-received` version (its
    /// characters are evidence) and on for every other.
    pub fn smart_punctuation(&self) -> bool {
        self.meta.smart_punctuation.unwrap_or(self.version() != "as-received")
    }
}

/// What a page's front matter refers to: the pages whose titles, dates or claims it
/// shows, or that show it (a claimant, an affiliation, a cited source, a predecessor).
pub trait FrontMatter {
    fn references(&self) -> Vec<PageId>;
}

impl FrontMatter for ArticleMeta {
    fn references(&self) -> Vec<PageId> {
        let cites = self.annotations.iter().flat_map(|a| &a.cites).chain(self.events.iter().flat_map(|e| &e.cites));
        let mut refs: Vec<PageId> = cites.chain(&self.based_on).map(|s| PageId::Source(s.clone())).collect();
        if let Some(from) = &self.edited_from {
            refs.push(from.parse().unwrap_or_else(|_| PageId::Article(from.clone())));
        }
        refs
    }
}

impl FrontMatter for SourceMeta {
    fn references(&self) -> Vec<PageId> {
        self.affiliation.iter().map(|a| PageId::Source(a.clone())).collect()
    }
}

impl FrontMatter for FigureMeta {
    fn references(&self) -> Vec<PageId> {
        self.claimed_by.iter().chain(&self.cites).map(|s| PageId::Source(s.clone())).collect()
    }
}

impl FrontMatter for IndexMeta {
    fn references(&self) -> Vec<PageId> {
        Vec::new()
    }
}

/// Every page of a dossier, as loaded.
#[derive(Debug, Default)]
pub struct Content {
    pub index: Option<Page<IndexMeta>>,
    pub articles: Vec<Article>,
    pub sources: Vec<Source>,
    pub figures: Vec<Figure>,
    /// Files under `content/static/`, relative to `content/` (`static/map.svg`).
    pub static_files: Vec<PathBuf>,
    /// Slugs of pages that exist but could not be loaded (already reported):
    /// references to them are not reported again as unknown.
    pub unloaded: Vec<String>,
    /// Slugs of drafts left out of this build (references say "is a draft").
    pub drafts: Vec<String>,
    /// A folder of `content/` could not be read (already reported): any page may be missing,
    /// so no reference is reported as unknown.
    pub partial: bool,
}

#[cfg(test)]
mod tests {
    use super::PartialDate;

    #[test]
    fn dates_parse_in_three_precisions_and_reject_impossible_ones() {
        let cases = [
            ("2021", Ok("2021")),
            ("2021-12", Ok("2021-12")),
            ("2021-12-20", Ok("2021-12-20")),
            ("2021-02-30", Err("not a real calendar date")),
            ("2021-13", Err("not a real calendar date")),
            ("21-12-20", Err("not a date")),
            ("2021-12-20-1", Err("not a date")),
            ("yesterday", Err("not a date")),
        ];
        for (input, expected) in cases {
            match (PartialDate::parse(input), expected) {
                (Ok(d), Ok(text)) => assert_eq!(d.to_string(), text),
                (Err(e), Err(part)) => assert!(e.contains(part), "{input}: {e}"),
                (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
            }
        }
    }
}
