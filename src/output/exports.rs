//! Machine-readable outputs: sitemap, Atom feed, robots.txt, W3C Web Annotations
//! and schema.org JSON-LD (articles, and the `ClaimReview`s of reviewed claims). (The search index is [`crate::output::search`]'s.)
//!
//! XML is written with explicit escaping; JSON with serde_json (and made
//! safe for `<script>` where it is embedded in HTML).

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde_json::json;

use crate::model::{Article, Figure, PageId, Source};
use crate::output::cache;
use crate::output::published;
use crate::output::site::{RenderedPages, Site};
use crate::output::views::{AnnotationView, BibEntryView};
use crate::render::markdown::PlacedAnnotation;
use crate::resolve::claims::{self, Review};
use crate::resolve::xref::Index;
use crate::text::html::{escape, json_for_script};

/// How much of the exports to bring up to date.
pub enum Scope<'s> {
    /// Everything (a full build).
    All,
    /// After an edit of these pages (same set of pages as before); `front_matter` if any
    /// front matter changed (titles, dates and summaries are in the feed).
    Pages { ids: &'s HashSet<PageId>, front_matter: bool },
}

impl Scope<'_> {
    /// Whether [`add_all`] writes anything for this scope (an edit of a page without
    /// annotations and front matter changes no export).
    pub fn writes(&self, index: &Index) -> bool {
        match self {
            Scope::All | Scope::Pages { front_matter: true, .. } => true,
            Scope::Pages { ids, .. } => annotated(index, ids),
        }
    }
}

/// Does any of the pages `ids` have annotations?
fn annotated(index: &Index, ids: &HashSet<PageId>) -> bool {
    index.content.articles.iter().any(|a| ids.contains(&a.id) && !a.meta.annotations.is_empty())
}

/// Adds the exports to `site`; call after the HTML pages are in.
pub fn add_all(site: &mut Site, index: &Index, rendered: &RenderedPages, annotations: &[AnnotationView], scope: Scope) {
    let full = matches!(scope, Scope::All);
    if full {
        let sitemap = sitemap(index, site);
        site.add("sitemap.xml", sitemap.into_bytes());
        let robots = format!("User-agent: *\nAllow: /\nSitemap: {}\n", index.config.absolute_url("sitemap.xml"));
        site.add("robots.txt", robots.into_bytes());
    }
    if full || matches!(scope, Scope::Pages { front_matter: true, .. }) {
        site.add("atom.xml", atom(index).into_bytes());
    }
    let only = match scope {
        Scope::All => None,
        Scope::Pages { ids, .. } => Some(ids),
    };
    if only.is_none_or(|ids| annotated(index, ids)) {
        let annotations = annotations_jsonld(index, rendered, annotations, site);
        site.add("annotations.jsonld", annotations.into_bytes());
    }
}

fn sitemap(index: &Index, site: &Site) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for path in site.paths().filter(|p| p.ends_with("index.html")) {
        let url = index.config.absolute_url(path.trim_end_matches("index.html"));
        xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(&url)));
    }
    xml.push_str("</urlset>\n");
    xml
}

fn atom(index: &Index) -> String {
    let config = index.config;
    let articles = &index.content.articles;
    let updated = articles
        .iter()
        .filter_map(|a| a.meta.updated.or(a.meta.date))
        .max()
        .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |d| d.rfc3339());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n  <title>{title}</title>\n  <subtitle>{subtitle}</subtitle>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{feed}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{home}\"/>\n  <id>{home}</id>\n  <updated>{updated}</updated>\n  <generator>dossier</generator>\n",
        lang = escape(&config.language),
        title = escape(&config.title),
        subtitle = escape(&config.description),
        feed = escape(&config.absolute_url("atom.xml")),
        home = escape(&config.base_url),
    );
    for article in articles {
        let url = config.absolute_url(&format!("{}/", article.id));
        let date = article.meta.updated.or(article.meta.date).map_or_else(|| updated.clone(), |d| d.rfc3339());
        xml.push_str(&format!(
            "  <entry>\n    <title>{title}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n    <id>{url}</id>\n    <updated>{date}</updated>\n    <author><name>{author}</name></author>\n    <summary>{summary}</summary>\n  </entry>\n",
            title = escape(&format!("{} ({})", article.meta.title, article.version())),
            url = escape(&url),
            author = escape(&config.title),
            summary = escape(article.meta.summary.as_deref().unwrap_or("")),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// Every annotation as a W3C Web Annotation collection.
///
/// Selectors describe the published page as a browser sees it: a
/// `CssSelector` for the article's text element, refined by a quote and by
/// a position computed over that element's text content (see
/// [`crate::output::published`]), so any W3C client anchors them; and, as
/// alternatives, a quote and a position over the whole `<body>`, which is all
/// Hypothesis reads (it does not follow `refinedBy`).
fn annotations_jsonld(index: &Index, rendered: &RenderedPages, views: &[AnnotationView], site: &Site) -> String {
    let config = index.config;
    let mut items = Vec::new();
    // Parsing the published pages is most of the work: all of them at once, in parallel,
    // and only those that changed since the last build.
    let root = config.cache.then_some(config.root.as_path());
    let kept = cache::Selections::open(root);
    let published: Vec<Vec<published::Selection>> = index
        .content
        .articles
        .par_iter()
        .map(|article| {
            let page = (!rendered.of(article).annotations.is_empty())
                .then(|| site.files.get(&format!("{}index.html", article.id.url_path())))
                .flatten();
            let find = |html: &[u8]| published::selections(&String::from_utf8_lossy(html)).unwrap_or_default();
            page.map(|html| kept.of(html, || find(html))).unwrap_or_default()
        })
        .collect();
    kept.save(root);
    for (article, published) in index.content.articles.iter().zip(published) {
        let published: HashMap<&str, &published::Selection> =
            published.iter().rev().map(|s| (s.anchor.as_str(), s)).collect();
        let facts = rendered.of(article);
        if facts.annotations.is_empty() {
            continue;
        }
        let source = config.absolute_url(&article.id.url_path());
        for placed in &facts.annotations {
            let annotation = &article.meta.annotations[placed.index];
            let mut body = Vec::new();
            if let Some(note) = &annotation.note {
                body.push(
                    json!({ "type": "TextualBody", "value": note, "format": "text/markdown", "purpose": "commenting" }),
                );
            }
            if let Some(correction) = &annotation.correction {
                body.push(
                    json!({ "type": "TextualBody", "value": correction, "format": "text/plain", "purpose": "editing" }),
                );
            }
            for cite in &annotation.cites {
                body.push(json!({ "type": "SpecificResource", "source": config.absolute_url(&PageId::Source(cite.clone()).url_path()), "purpose": "linking" }));
            }
            let selector = match published.get(placed.anchor.as_str()) {
                Some(s) => json!([
                    { "type": "CssSelector", "value": published::SCOPE, "refinedBy":
                        { "type": "TextQuoteSelector", "exact": s.exact, "prefix": s.prefix, "suffix": s.suffix } },
                    { "type": "CssSelector", "value": published::SCOPE, "refinedBy":
                        { "type": "TextPositionSelector", "start": s.start, "end": s.end } },
                    // What Hypothesis reads: top-level selectors over the whole body.
                    { "type": "TextQuoteSelector", "exact": s.page.exact, "prefix": s.page.prefix, "suffix": s.page.suffix },
                    { "type": "TextPositionSelector", "start": s.page.start, "end": s.page.end }
                ]),
                // A custom template without `.article-body`: the quote as the author wrote it.
                None => json!([{ "type": "TextQuoteSelector", "exact": placed.exact }]),
            };
            let mut item = json!({
                "id": format!("{source}#{}", placed.anchor),
                "type": "Annotation",
                "motivation": annotation.kind.motivation(),
                "dossier:kind": annotation.kind.as_str(),
                "body": body,
                "target": { "source": source, "selector": selector }
            });
            if let Some(rating) = &annotation.rating {
                // As written in the front matter, so an import gives it back.
                item["dossier:rating"] = json!(rating);
            }
            items.push(item);
        }
    }
    let collection = json!({
        "@context": ["http://www.w3.org/ns/anno.jsonld", { "dossier": config.absolute_url("annotations/#") }],
        "id": config.absolute_url("annotations.jsonld"),
        "type": "AnnotationCollection",
        "label": format!("Annotations of {}", config.title),
        "total": items.len(),
        "first": {
            "id": config.absolute_url("annotations.jsonld#page-1"),
            "type": "AnnotationPage",
            "partOf": config.absolute_url("annotations.jsonld"),
            "startIndex": 0,
            "items": items
        }
    });
    debug_assert!(views.len() <= collection["total"].as_u64().unwrap_or(0) as usize);
    // Escaped like JSON in `<script>`, so pasting it into a page can never run markup.
    json_for_script(&collection)
}

/// schema.org `NewsArticle` JSON-LD for an article page, safe inside `<script>`.
pub fn article_jsonld(index: &Index, article: &Article, bibliography: &[BibEntryView]) -> String {
    let config = index.config;
    let meta = &article.meta;
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": meta.title,
        "url": config.absolute_url(&format!("{}/", article.id)),
        "inLanguage": meta.language.clone().unwrap_or_else(|| config.language.clone()),
        "version": article.version(),
        "citation": bibliography.iter().map(|b| {
            let kind = index.source(&b.id).map_or("CreativeWork", |s| s.meta.kind.schema_type());
            json!({ "@type": kind, "name": b.title, "url": config.absolute_url(&PageId::Source(b.id.clone()).url_path()) })
        }).collect::<Vec<_>>(),
    });
    if let Some(date) = meta.date {
        value["datePublished"] = json!(date.to_string());
    }
    if let Some(date) = meta.updated.or(meta.date) {
        value["dateModified"] = json!(date.to_string());
    }
    if let Some(summary) = &meta.summary {
        value["description"] = json!(summary);
    }
    if let Some(source) = meta.based_on.as_deref().and_then(|s| index.source(s)) {
        let mut based = json!({ "@type": source.meta.kind.schema_type(), "name": source.meta.title });
        if let Some(url) = &source.meta.url {
            based["url"] = json!(url);
        }
        value["isBasedOn"] = based;
    }
    json_for_script(&value)
}

/// The `ClaimReview`s of an article's rated `verification` and `disputed`
/// annotations, one per annotation (at its first highlight), as a JSON array
/// safe inside `<script>`; empty if there are none.
pub fn article_reviews_jsonld(index: &Index, article: &Article, placed: &[PlacedAnnotation]) -> String {
    let page = index.config.absolute_url(&format!("{}/", article.id));
    let mut seen = HashSet::new();
    let reviews: Vec<serde_json::Value> = placed
        .iter()
        .filter(|p| seen.insert(p.index))
        .filter_map(|p| {
            let review = claims::of_annotation(index, article, &article.meta.annotations[p.index])?;
            Some(claim_review(index, &review, format!("{page}#{}", p.anchor)))
        })
        .collect();
    if reviews.is_empty() { String::new() } else { json_for_script(&json!(reviews)) }
}

/// The `ClaimReview` of a rated figure, on its page (at the verdict, `#review`),
/// as a JSON array safe inside `<script>`; empty if the figure has no valid rating.
pub fn figure_reviews_jsonld(index: &Index, figure: &Figure) -> String {
    let Some(review) = claims::of_figure(index, figure) else { return String::new() };
    let url = index.config.absolute_url(&format!("{}/#review", figure.id));
    json_for_script(&json!([claim_review(index, &review, url)]))
}

/// One schema.org `ClaimReview`, with the fields Google's fact-check documentation
/// requires (`claimReviewed`, `reviewRating` with `alternateName`, `url`) and
/// recommends (`author`, `datePublished`, `itemReviewed` as a `Claim`).
fn claim_review(index: &Index, review: &Review, url: String) -> serde_json::Value {
    let config = index.config;
    let mut rating = json!({ "@type": "Rating", "alternateName": review.verdict });
    if let (Some(value), Some((worst, best))) = (review.value, config.ratings.scale()) {
        rating["ratingValue"] = json!(value);
        rating["worstRating"] = json!(worst);
        rating["bestRating"] = json!(best);
    }
    let author = match &config.publisher {
        Some(p) => {
            let mut org = json!({ "@type": "Organization", "name": p.name, "url": p.url.clone().unwrap_or_else(|| config.base_url.clone()) });
            if let Some(logo) = &p.logo {
                org["logo"] = json!(logo);
            }
            org
        }
        None => json!({ "@type": "Organization", "name": config.title, "url": config.base_url }),
    };
    let mut claim = json!({ "@type": "Claim" });
    if let Some(who) = review.claimant {
        claim["author"] = json!({ "@type": party_type(who), "name": who.meta.title });
    }
    if let Some(work) = review.appeared_in {
        if let Some(date) = work.meta.published {
            claim["datePublished"] = json!(date.to_string());
        }
        claim["appearance"] = appearance(index, work);
    }
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": review.claim,
        "author": author,
        "reviewRating": rating,
        "itemReviewed": claim,
    });
    if let Some(date) = review.date {
        value["datePublished"] = json!(date.to_string());
    }
    value
}

/// Person for people, Organization for organisations and outlets (and anything else).
fn party_type(source: &Source) -> &'static str {
    match source.meta.kind {
        crate::model::SourceKind::Person => "Person",
        _ => "Organization",
    }
}

/// The work a claim appeared in: its own address, or, where the dossier records
/// none, the dossier's page about it (which says what is known of it).
fn appearance(index: &Index, work: &Source) -> serde_json::Value {
    let url = work
        .meta
        .url
        .clone()
        .filter(|u| crate::text::html::is_safe_url(u))
        .unwrap_or_else(|| index.config.absolute_url(&format!("{}/", work.id)));
    let mut value = json!({ "@type": "CreativeWork", "name": work.meta.title, "url": url });
    if let Some(date) = work.meta.published {
        value["datePublished"] = json!(date.to_string());
    }
    if let Some(by) = work.meta.affiliation.as_deref().and_then(|a| index.source(a)) {
        value["publisher"] = json!({ "@type": party_type(by), "name": by.meta.title });
    }
    value
}
