//! Markdown to HTML, with the dossier's extensions, returning facts beside the HTML.
//!
//! Three steps over one list of pulldown-cmark events:
//! 1. [`preprocess`] turns `[@a; @b]`, `@fig-x`, `![](@fig-x)` and `[[id]]`
//!    into items of their own;
//! 2. [`collect_text`] builds the article's normalised rendered text
//!    ([`TextMap`]), on which annotations are anchored and source names found;
//! 3. the [`Writer`](writer) emits HTML, splitting highlights into
//!    well-nested `<mark>` pieces and placing margin notes and sidenotes.
//!
//! Rendering never touches Tera; templates only see the HTML and the facts.
//! The CommonMark and GFM example suites run against this writer in the
//! `spec_suite` tests; the dialect and its intended differences are in
//! `docs/markdown.md`.

mod element_ids;
mod numbering;
mod table;
mod writer;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CowStr, Event, LinkType, Options as CmarkOptions, Parser, Tag, TagEnd};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::Autolink;
use crate::load::indent::item_key_offsets;
use crate::model::{Annotation, AnnotationKind, PageId};
use crate::render::annotate::{self, Anchor};
use crate::resolve::xref::{Index, RefKind};
use crate::text::TextMap;

/// How a figure reference starts in prose: `@fig-troop-strength`.
const FIGURE_REF: &str = "@fig-";
/// After a figure reference, shows the figure's value instead of its number.
const VALUE_SUFFIX: &str = ":value";
/// What to render and how.
pub struct RenderOptions<'a> {
    pub index: &'a Index<'a>,
    pub file: &'a Path,
    pub body: &'a str,
    pub body_line: usize,
    /// The whole file, for locating problems in front matter.
    pub raw: &'a str,
    /// The page's annotations (articles only).
    pub annotations: &'a [Annotation],
    /// How source names become links; `None` outside articles (no mentions are recorded).
    pub autolink: Option<Autolink>,
    /// Curly quotes, dashes and ellipses from their ASCII spellings (off: every
    /// character as written, for a version kept as received).
    pub smart_punctuation: bool,
}

/// A numbered citation of a source at one spot of the page.
#[derive(Clone, Debug)]
pub struct CitationUse {
    pub source: String,
    pub number: usize,
    /// The element id at the spot (`cite-3`).
    pub anchor: String,
    /// Shared with the page's other uses in the same sentence (kept once).
    pub sentence: std::sync::Arc<str>,
}

/// A mention of a source's name in prose.
#[derive(Clone, Debug)]
pub struct Mention {
    pub source: String,
    pub anchor: String,
    /// Shared with the page's other uses in the same sentence (kept once).
    pub sentence: std::sync::Arc<str>,
}

/// A figure referenced or embedded on the page.
#[derive(Clone, Debug)]
pub struct FigureUse {
    pub figure: String,
    pub number: usize,
    pub embedded: bool,
}

/// An annotation placed on the text.
#[derive(Clone, Debug)]
pub struct PlacedAnnotation {
    /// Position in the article's `annotations:` list (for its other fields).
    pub index: usize,
    pub id: String,
    pub kind: AnnotationKind,
    /// The note's Markdown rendered (and sanitised) once, for every place that shows it.
    pub note_html: std::sync::Arc<str>,
    /// Element id of the mark (`anno-<id>`, `anno-<id>-2` for further matches).
    pub anchor: String,
    pub start: usize,
    pub end: usize,
    /// The quote as matched in the normalised text (the export uses the published
    /// text instead: see `published`).
    pub exact: String,
}

/// The HTML of a page body and what rendering learnt about it.
#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    /// The normalised rendered text (search, diffs, JSON-LD positions).
    pub text: String,
    pub citations: Vec<CitationUse>,
    /// Sources in bibliography order (by citation number).
    pub bibliography: Vec<String>,
    pub mentions: Vec<Mention>,
    pub figures: Vec<FigureUse>,
    pub annotations: Vec<PlacedAnnotation>,
    /// Page ids named by wikilinks (their titles may appear in the HTML).
    pub links: Vec<PageId>,
    /// Where paragraphs and other blocks start in `text` (character positions).
    pub block_starts: Vec<usize>,
    /// The annotations' notes, as `<li>`s in text order, for the notes column
    /// beside the article (kept out of the text so W3C clients see its words only).
    pub notes_html: String,
    /// Words readers see that `text` leaves out (figure references, wikilink
    /// titles), for the changes page, which shows what readers see.
    pub shown: Vec<Shown>,
}

/// Words shown in the page at a place of [`Rendered::text`] that holds none of them:
/// a figure reference's "Figure 2", a wikilink's title.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shown {
    /// The character position in `text` they stand before.
    pub at: usize,
    pub text: String,
    /// White space stood before (after) them in the Markdown.
    pub space_before: bool,
    pub space_after: bool,
}

impl Rendered {
    /// Every page the body refers to: cited and mentioned sources, figures, wikilinks.
    pub fn references(&self) -> impl Iterator<Item = PageId> + '_ {
        let sources = self.citations.iter().map(|c| &c.source).chain(self.mentions.iter().map(|m| &m.source));
        (sources.map(|s| PageId::Source(s.clone())))
            .chain(self.figures.iter().map(|f| PageId::Figure(f.figure.clone())))
            .chain(self.links.iter().cloned())
    }
}

/// The events of the page after the dossier's syntax is picked out.
enum Item<'a> {
    Md(Event<'a>),
    Cite(Vec<String>),
    /// `@fig-id` ("Figure 2"), or `@fig-id:value`, a stat's value ("about 2,000,000 euros").
    FigRef {
        slug: String,
        value: bool,
    },
    FigEmbed(String),
    /// `[[id]]` without a label: a link showing the page title.
    WikiTitle {
        url: String,
        title: String,
    },
}

struct Entry<'a> {
    item: Item<'a>,
    range: Range<usize>,
}

pub(crate) fn cmark_options(smart_punctuation: bool) -> CmarkOptions {
    let options = CmarkOptions::ENABLE_TABLES
        | CmarkOptions::ENABLE_FOOTNOTES
        | CmarkOptions::ENABLE_STRIKETHROUGH
        | CmarkOptions::ENABLE_TASKLISTS
        | CmarkOptions::ENABLE_HEADING_ATTRIBUTES
        | CmarkOptions::ENABLE_WIKILINKS;
    if smart_punctuation { options | CmarkOptions::ENABLE_SMART_PUNCTUATION } else { options }
}

/// Renders one page body.
pub fn render(options: &RenderOptions, diagnostics: &Diagnostics) -> Rendered {
    let cite_callback = |link: pulldown_cmark::BrokenLink<'_>| {
        let reference = link.reference.trim();
        reference.starts_with('@').then(|| (CowStr::from(format!("cite:{reference}")), CowStr::from("")))
    };
    let parser = Parser::new_with_broken_link_callback(
        options.body,
        cmark_options(options.smart_punctuation),
        Some(cite_callback),
    );
    let events = pulldown_cmark::utils::TextMergeWithOffset::new(parser.into_offset_iter());
    let mut links = Vec::new();
    let entries = preprocess(events, options, &mut links, diagnostics);
    let collected = collect_text(&entries);
    let (anchors, failures) = annotate::anchor(&collected.text, options.annotations);
    let front = &options.raw[..options.raw.len() - options.body.len()];
    let quotes = if failures.is_empty() { Vec::new() } else { item_key_offsets(front, "annotations", "quote") };
    for (index, failure) in failures {
        let annotation = &options.annotations[index];
        let (message, help) = failure.describe(&annotation.quote);
        let label = annotation.id.clone().unwrap_or_else(|| format!("#{}", index + 1));
        let head: String = annotation.quote.chars().take(16).collect();
        let location = quotes
            .get(index)
            .copied()
            .flatten()
            .or_else(|| front.find(&head))
            .map(|offset| crate::diagnostics::Location::at_offset(options.raw, offset, 1));
        diagnostics
            .push(Diagnostic::error(options.file, format!("annotation `{label}`: {message}")).at(location).help(help));
    }
    let mentions = if options.autolink.is_some() { find_mentions(&collected, options.index) } else { Vec::new() };
    let mut rendered = writer::write(options, &entries, &collected, &anchors, &mentions, diagnostics);
    links.sort();
    links.dedup();
    rendered.links = links;
    rendered
}

/// Reports each `[^label]` in the source of a text event: the parser leaves a footnote
/// reference with no definition as text, which would print its brackets on the page.
/// `\[^label]` (escaped) is text by choice and passes.
fn undefined_footnotes(options: &RenderOptions, range: &Range<usize>, diagnostics: &Diagnostics) {
    let source = &options.body[range.clone()];
    for (at, _) in source.match_indices("[^") {
        if source[..at].ends_with('\\') {
            continue;
        }
        let rest = &source[at + 2..];
        let label_len = rest.find(|c: char| c == ']' || c == '[' || c.is_whitespace()).unwrap_or(rest.len());
        if label_len == 0 || !rest[label_len..].starts_with(']') {
            continue;
        }
        let label = &rest[..label_len];
        let start = range.start + at;
        options.error(
            diagnostics,
            &(start..start + label_len + 3),
            format!("footnote `[^{label}]` has no definition"),
            Some(format!(
                "add a line `[^{label}]: …` below the paragraph (the note's text); to show the brackets themselves, write `\\[^{label}]`"
            )),
        );
    }
}

impl RenderOptions<'_> {
    fn error(&self, diagnostics: &Diagnostics, range: &Range<usize>, message: String, help: Option<String>) {
        let location = crate::diagnostics::Location::at_offset(self.body, range.start, self.body_line);
        diagnostics.push(Diagnostic::error(self.file, message).at(Some(location)).help_opt(help));
    }
}

/// Picks the dossier's own syntax out of the event stream.
fn preprocess<'a>(
    events: impl Iterator<Item = (Event<'a>, Range<usize>)>,
    options: &RenderOptions,
    links: &mut Vec<PageId>,
    diagnostics: &Diagnostics,
) -> Vec<Entry<'a>> {
    let mut out: Vec<Entry<'a>> = Vec::new();
    let mut skip_until_link_end: Option<usize> = None;
    let mut link_depth = 0usize;
    let mut in_code_block = false;
    for (event, range) in events {
        if let Some(depth) = skip_until_link_end {
            match &event {
                Event::Start(Tag::Link { .. } | Tag::Image { .. }) => skip_until_link_end = Some(depth + 1),
                Event::End(TagEnd::Link | TagEnd::Image) if depth == 0 => skip_until_link_end = None,
                Event::End(TagEnd::Link | TagEnd::Image) => skip_until_link_end = Some(depth - 1),
                _ => {}
            }
            continue;
        }
        if let Event::Text(text) = &event
            && !in_code_block
            && text.contains("[^")
        {
            undefined_footnotes(options, &range, diagnostics);
        }
        let item = match event {
            Event::Start(Tag::Link { dest_url, .. }) if dest_url.starts_with("cite:@") => {
                skip_until_link_end = Some(0);
                Item::Cite(parse_citation(&dest_url["cite:".len()..], options, &range, diagnostics))
            }
            Event::Start(Tag::Image { dest_url, .. }) if dest_url.starts_with(FIGURE_REF) => {
                skip_until_link_end = Some(0);
                let slug = dest_url[FIGURE_REF.len()..].to_string();
                if options.index.figure(&slug).is_none() && !options.index.unloaded(&slug) {
                    let (message, help) = options.index.unknown(RefKind::Figure, &slug);
                    options.error(diagnostics, &range, message, help);
                }
                Item::FigEmbed(slug)
            }
            Event::Start(Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, title, id }) => {
                let (url, page_title) = match options.index.resolve_page(&dest_url) {
                    Ok(found) => {
                        links.extend(found.id);
                        (found.url, found.title)
                    }
                    Err((message, help)) => {
                        // `[[…]]` is always a link to a page of the dossier, so that every
                        // cross-link is checked at build time; say so, and how to opt out.
                        let why = "`[[…]]` always links to a page of this dossier (as in Obsidian and MediaWiki), \
                                   so the build can check it; for literal brackets write `\\[[…]]`";
                        let help = Some(help.map_or_else(|| why.to_string(), |h| format!("{h}; {why}")));
                        options.error(diagnostics, &range, format!("wikilink [[{dest_url}]]: {message}"), help);
                        ("#".to_string(), dest_url.to_string())
                    }
                };
                if !has_pothole {
                    skip_until_link_end = Some(0);
                    Item::WikiTitle { url, title: page_title }
                } else {
                    link_depth += 1;
                    Item::Md(Event::Start(Tag::Link {
                        link_type: LinkType::WikiLink { has_pothole },
                        dest_url: url.into(),
                        title,
                        id,
                    }))
                }
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                link_depth += 1;
                let dest_url = if dest_url.starts_with('/') && !dest_url.starts_with("//") {
                    CowStr::from(options.index.config.url(&dest_url))
                } else {
                    dest_url
                };
                Item::Md(Event::Start(Tag::Link { link_type, dest_url, title, id }))
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                Item::Md(Event::End(TagEnd::Link))
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code_block = true;
                Item::Md(Event::Start(Tag::CodeBlock(kind)))
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                Item::Md(Event::End(TagEnd::CodeBlock))
            }
            Event::Text(text) if !in_code_block && link_depth == 0 && text.contains(FIGURE_REF) => {
                split_figure_refs(text, &range, &mut out, options, diagnostics);
                continue;
            }
            event => Item::Md(event),
        };
        out.push(Entry { item, range });
    }
    unwrap_figure_paragraphs(out, options, diagnostics)
}

fn parse_citation(keys: &str, options: &RenderOptions, range: &Range<usize>, diagnostics: &Diagnostics) -> Vec<String> {
    let mut slugs = Vec::new();
    for key in keys.split(';').map(str::trim).filter(|k| !k.is_empty()) {
        let Some(slug) = key.strip_prefix('@') else {
            options.error(
                diagnostics,
                range,
                format!("citation `{key}` does not start with `@`"),
                Some("write citations as `[@id]` or `[@a; @b]`".into()),
            );
            continue;
        };
        if options.index.source(slug).is_none() && !options.index.unloaded(slug) {
            let (message, help) = options.index.unknown(RefKind::Source, slug);
            options.error(diagnostics, range, format!("citation: {message}"), help);
        }
        slugs.push(slug.to_string());
    }
    slugs
}

/// Splits `@fig-<id>` references out of a text event.
fn split_figure_refs<'a>(
    text: CowStr<'a>,
    range: &Range<usize>,
    out: &mut Vec<Entry<'a>>,
    options: &RenderOptions,
    diagnostics: &Diagnostics,
) {
    let mut rest_start = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find(FIGURE_REF) {
        let at = search + found;
        let slug_start = at + FIGURE_REF.len();
        let preceded_by_word = text[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric());
        let slug_len = text[slug_start..]
            .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
            .unwrap_or(text.len() - slug_start);
        let slug = text[slug_start..slug_start + slug_len].trim_end_matches('-');
        search = slug_start;
        if preceded_by_word || slug.is_empty() {
            continue;
        }
        if at > rest_start {
            out.push(Entry {
                item: Item::Md(Event::Text(text[rest_start..at].to_string().into())),
                range: range.clone(),
            });
        }
        let after = &text[slug_start + slug.len()..];
        let value = after.strip_prefix(VALUE_SUFFIX).is_some_and(|a| !a.starts_with(|c: char| c.is_alphanumeric()));
        let spot = range.start + at..range.start + slug_start + slug.len();
        match options.index.figure(slug) {
            None if !options.index.unloaded(slug) => {
                let (message, help) = options.index.unknown(RefKind::Figure, slug);
                options.error(diagnostics, &spot, message, help);
            }
            Some(figure) if value && figure.meta.value.is_none() => options.error(
                diagnostics,
                &spot,
                format!("`@fig-{slug}{VALUE_SUFFIX}`: figure `{slug}` has no `value` to show"),
                Some(format!("`{VALUE_SUFFIX}` shows a stat's number; write `@fig-{slug}` to refer to the figure")),
            ),
            _ => {}
        }
        out.push(Entry { item: Item::FigRef { slug: slug.to_string(), value }, range: range.clone() });
        rest_start = slug_start + slug.len() + if value { VALUE_SUFFIX.len() } else { 0 };
        search = rest_start;
    }
    if rest_start < text.len() {
        out.push(Entry { item: Item::Md(Event::Text(text[rest_start..].to_string().into())), range: range.clone() });
    }
}

/// A figure embed must be a paragraph of its own; its `<p>` wrapper is dropped.
fn unwrap_figure_paragraphs<'a>(
    entries: Vec<Entry<'a>>,
    options: &RenderOptions,
    diagnostics: &Diagnostics,
) -> Vec<Entry<'a>> {
    let blank = |e: &Entry| match &e.item {
        Item::Md(Event::Text(t)) => t.trim().is_empty(),
        Item::Md(Event::SoftBreak) => true,
        _ => false,
    };
    let mut keep = vec![true; entries.len()];
    let mut paragraph_start = None;
    for (i, entry) in entries.iter().enumerate() {
        match &entry.item {
            Item::Md(Event::Start(Tag::Paragraph)) => paragraph_start = Some(i),
            Item::Md(Event::End(TagEnd::Paragraph)) => {
                if let Some(start) = paragraph_start.take() {
                    let inner = &entries[start + 1..i];
                    let embeds = inner.iter().filter(|e| matches!(e.item, Item::FigEmbed(_))).count();
                    if embeds > 0 {
                        if embeds == 1 && inner.iter().all(|e| matches!(e.item, Item::FigEmbed(_)) || blank(e)) {
                            keep[start] = false;
                            keep[i] = false;
                            for (j, e) in inner.iter().enumerate() {
                                keep[start + 1 + j] = matches!(e.item, Item::FigEmbed(_));
                            }
                        } else {
                            let range = inner
                                .iter()
                                .find(|e| matches!(e.item, Item::FigEmbed(_)))
                                .map_or(entry.range.clone(), |e| e.range.clone());
                            options.error(
                                diagnostics,
                                &range,
                                "a figure embed `![](@fig-…)` must be a paragraph of its own".into(),
                                Some("put a blank line before and after it; to mention a figure in a sentence, write `@fig-<id>`".into()),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }
    entries.into_iter().zip(keep).filter_map(|(e, k)| k.then_some(e)).collect()
}

/// Per text segment: where it came from and whether names in it may be auto-linked.
pub(crate) struct SegmentInfo {
    pub autolinkable: bool,
    /// Only text and line breaks stand between the previous segment and this one
    /// (`Ana` ⏎ `Ruiz`, or the pieces smart punctuation cuts a text into), so one
    /// link may run across both.
    pub joins_previous: bool,
}

/// The normalised text of a page and how it maps back to the entries.
pub(crate) struct Collected {
    pub text: TextMap,
    pub segments: Vec<SegmentInfo>,
    /// The text segment of each entry, if it has one.
    pub segment_of: Vec<Option<u32>>,
    /// The normalised position at each entry (for citation context).
    pub position_at: Vec<usize>,
    /// Positions where blocks start, for sentence context.
    pub block_starts: Vec<usize>,
}

fn is_block(tag_end: &TagEnd) -> bool {
    !matches!(
        tag_end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Builds the normalised rendered text of the entries (step 2).
fn collect_text(entries: &[Entry]) -> Collected {
    // Room for all the text at once: a long article's map is megabytes, copied at every growth.
    let size = (entries.iter())
        .map(|entry| match &entry.item {
            Item::Md(Event::Text(s) | Event::Code(s)) => s.len() + 1,
            _ => 1,
        })
        .sum();
    let mut text = TextMap::with_capacity(size);
    let mut segments = Vec::new();
    let mut segment_of = vec![None; entries.len()];
    let mut position_at = Vec::with_capacity(entries.len());
    let mut block_starts = vec![0];
    let (mut footnote_depth, mut code_block, mut image, mut link, mut heading) = (0usize, false, 0usize, 0usize, false);
    // Whether only text and line breaks were met since the last segment.
    let mut joins = false;
    for (i, entry) in entries.iter().enumerate() {
        position_at.push(text.char_len());
        let mut add = |text: &mut TextMap, s: &str, autolinkable: bool| {
            if footnote_depth == 0 && !code_block && image == 0 {
                segment_of[i] = Some(text.push_segment(s));
                let autolinkable = autolinkable && link == 0 && !heading;
                segments.push(SegmentInfo { autolinkable, joins_previous: joins });
            }
        };
        let breaks = matches!(entry.item, Item::Md(Event::SoftBreak | Event::HardBreak | Event::Text(_)));
        match &entry.item {
            Item::Md(Event::Start(tag)) => {
                match tag {
                    Tag::FootnoteDefinition(_) => footnote_depth += 1,
                    Tag::CodeBlock(_) => code_block = true,
                    Tag::Image { .. } => image += 1,
                    Tag::Link { .. } => link += 1,
                    Tag::Heading { .. } => heading = true,
                    _ => {}
                }
                if is_block(&tag.to_end()) {
                    text.boundary();
                    block_starts.push(text.char_len());
                }
            }
            Item::Md(Event::End(tag_end)) => {
                match tag_end {
                    TagEnd::FootnoteDefinition => footnote_depth -= 1,
                    TagEnd::CodeBlock => code_block = false,
                    TagEnd::Image => image -= 1,
                    TagEnd::Link => link -= 1,
                    TagEnd::Heading(_) => heading = false,
                    _ => {}
                }
                if is_block(tag_end) {
                    text.boundary();
                    block_starts.push(text.char_len());
                }
            }
            Item::Md(Event::Text(s)) => add(&mut text, s, true),
            Item::Md(Event::Code(s)) => add(&mut text, s, false),
            Item::Md(Event::SoftBreak | Event::HardBreak) => text.boundary(),
            Item::FigEmbed(_) => {
                text.boundary();
                block_starts.push(text.char_len());
            }
            _ => {}
        }
        joins = breaks && (joins || segment_of[i].is_some());
    }
    Collected { text, segments, segment_of, position_at, block_starts }
}

/// A source name found in the text: its segment and bytes there.
#[derive(Clone, Debug)]
pub(crate) struct MentionSpot {
    pub source: String,
    pub segment: u32,
    pub start: u32,
    /// The segment the name ends in: a later one where a line break (or smart
    /// punctuation) cuts it, `segment` otherwise; `end` is a byte of it.
    pub last_segment: u32,
    pub end: u32,
    pub position: usize,
}

/// Finds every whole-word mention of a source title or alias (longest match wins).
fn find_mentions(collected: &Collected, index: &Index) -> Vec<MentionSpot> {
    let names = index.names();
    let Some(automaton) = index.name_matcher() else {
        return Vec::new();
    };
    let text = collected.text.as_str();
    let mut spots = Vec::new();
    for m in automaton.find_iter(text) {
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let start = collected.text.char_index(m.start());
        let end = collected.text.char_index(m.end());
        let (first, last) = (collected.text.origin(start), collected.text.origin(end - 1));
        let linkable = |s: u32| collected.segments[s as usize].autolinkable;
        let joined = |s: u32| collected.segments[s as usize].joins_previous;
        if !linkable(first.segment) || !(first.segment + 1..=last.segment).all(|s| linkable(s) && joined(s)) {
            continue;
        }
        spots.push(MentionSpot {
            source: names[m.pattern().as_usize()].1.to_string(),
            segment: first.segment,
            start: first.start,
            last_segment: last.segment,
            end: last.end,
            position: start,
        });
    }
    spots
}

/// `text` with " ." and " ," made "." and "," (as `replace` twice would, in one pass).
fn without_space_before_stops(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for stop in memchr::memchr2_iter(b'.', b',', bytes) {
        if stop > from && bytes[stop - 1] == b' ' {
            out.push_str(&text[from..stop - 1]);
            from = stop;
        }
    }
    out.push_str(&text[from..]);
    out
}

/// Where a sentence ends in `bytes` because of the stop at `k` (`.`, `?` or `!`): right after
/// ". ", "? ", "! " or ".\" " (all ASCII, so the offset is a character boundary).
fn end_after_stop(bytes: &[u8], k: usize) -> Option<usize> {
    match bytes.get(k + 1..) {
        Some([b' ', ..]) => Some(k + 2),
        Some([b'"', b' ', ..]) if bytes[k] == b'.' => Some(k + 3),
        _ => None,
    }
}

/// The sentence around character `position`, for backlinks.
pub(crate) fn sentence_at(collected: &Collected, position: usize) -> String {
    let text = collected.text.as_str();
    // A citation at the very end of a paragraph sits at the next block's start: it belongs
    // to the paragraph before. (A name opening a paragraph comes after the block's space.)
    let block = collected.block_starts.partition_point(|&b| b < position);
    let block_start = collected.block_starts.get(block.wrapping_sub(1)).copied().unwrap_or(0);
    let block_end = collected.block_starts.get(block).copied().unwrap_or(collected.text.char_len());
    // Look no further than a window around the spot: a sentence is shown
    // cut at 320 characters anyway, and a huge paragraph with many
    // citations must not cost its length per citation.
    const WINDOW: usize = 640;
    let (lo, hi) = (
        collected.text.byte_offset(block_start.max(position.saturating_sub(WINDOW))),
        collected.text.byte_offset(block_end.max(block_start).min(position + WINDOW)),
    );
    let hi = hi.max(lo);
    let at = collected.text.byte_offset(position).clamp(lo, hi);
    let bytes = text.as_bytes();
    // The sentence starts after the last end of a sentence that lies wholly in `lo..at - 1`,
    // and ends after the first that lies wholly in `at..hi - 1` (only stops can end one:
    // visit those alone, not every space).
    let last = at.saturating_sub(1);
    let start = memchr::memrchr3_iter(b'.', b'?', b'!', &bytes[lo..last.max(lo)])
        .filter_map(|k| end_after_stop(bytes, lo + k))
        .find(|&p| p <= last)
        .unwrap_or(lo);
    let last = hi.saturating_sub(1);
    let end = memchr::memchr3_iter(b'.', b'?', b'!', &bytes[at..last.max(at)])
        .filter_map(|k| end_after_stop(bytes, at + k))
        .find(|&p| p <= last)
        .unwrap_or(hi);
    // A citation removed from the text leaves its space before the full stop.
    let sentence = without_space_before_stops(text[start..end].trim());
    let sentence = sentence.as_str();
    if sentence.chars().count() > 320 {
        format!("{}…", annotate::head_chars(sentence, 320))
    } else {
        sentence.to_string()
    }
}

/// The anchors of the page as per-segment highlight pieces.
pub(crate) fn placed_annotations(
    options: &RenderOptions,
    collected: &Collected,
    anchors: &[Anchor],
) -> Vec<PlacedAnnotation> {
    let mut notes: HashMap<usize, std::sync::Arc<str>> = HashMap::new();
    anchors
        .iter()
        .map(|a| {
            let id = annotation_id(options.annotations, a.annotation);
            let text = &collected.text;
            let annotation = &options.annotations[a.annotation];
            let note_html = notes
                .entry(a.annotation)
                .or_insert_with(|| annotation.note.as_deref().map(render_inline).unwrap_or_default().into())
                .clone();
            PlacedAnnotation {
                index: a.annotation,
                kind: annotation.kind,
                note_html,
                anchor: if a.piece == 1 { format!("anno-{id}") } else { format!("anno-{id}-{}", a.piece) },
                id,
                start: a.start,
                end: a.end,
                exact: text.slice(a.start, a.end).to_string(),
            }
        })
        .collect()
}

/// An annotation's id: its own, or its 1-based number in the list.
pub fn annotation_id(annotations: &[Annotation], index: usize) -> String {
    annotations[index].id.clone().unwrap_or_else(|| (index + 1).to_string())
}

/// Markdown of a short note rendered as phrasing content (for margin notes).
///
/// Notes come from YAML, and soon from imported W3C annotations written by strangers: raw
/// HTML in them is shown as text, and the result is sanitised by `ammonia`, keeping only
/// what this Markdown produces and links to http(s), mailto and relative URLs.
pub fn render_inline(markdown: &str) -> String {
    static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
        let mut builder = ammonia::Builder::empty();
        builder
            .tags(["a", "em", "strong", "del", "code", "br", "img", "sup", "sub"].into())
            .tag_attributes(
                [("a", ["href", "title"].into()), ("img", ["src", "alt", "title"].into())].into_iter().collect(),
            )
            .url_schemes(["http", "https", "mailto"].into())
            .url_relative(ammonia::UrlRelative::PassThrough)
            .link_rel(None);
        builder
    });
    SANITISER.clean(&render_inline_unsafe(markdown)).to_string()
}

fn render_inline_unsafe(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, CmarkOptions::ENABLE_STRIKETHROUGH | CmarkOptions::ENABLE_SMART_PUNCTUATION);
    let mut html = String::new();
    let mut first_block = true;
    let events = parser.filter_map(|event| match event {
        Event::Start(Tag::Paragraph | Tag::Item | Tag::BlockQuote(_)) => {
            let sep = if first_block { "" } else { "<br>" };
            first_block = false;
            Some(Event::InlineHtml(sep.into()))
        }
        Event::Start(Tag::List(_) | Tag::Heading { .. } | Tag::CodeBlock(_)) => None,
        Event::End(
            TagEnd::Paragraph
            | TagEnd::Item
            | TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Heading(_)
            | TagEnd::CodeBlock,
        ) => None,
        Event::Html(html) | Event::InlineHtml(html) => Some(Event::Text(html)),
        other => Some(other),
    });
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Which anchors carry the note of their annotation (the first match of each).
pub(crate) fn note_carriers(anchors: &[Anchor]) -> HashSet<usize> {
    let mut seen = HashSet::new();
    let mut carriers = HashSet::new();
    for (i, a) in anchors.iter().enumerate() {
        if a.piece == 1 && seen.insert(a.annotation) {
            carriers.insert(i);
        }
    }
    carriers
}

/// Figure numbers in order of first reference, and which figures are embedded.
fn number_figures(entries: &[Entry]) -> (HashMap<String, usize>, HashSet<String>) {
    let mut numbers = HashMap::new();
    let mut embedded = HashSet::new();
    for entry in entries {
        let slug = match &entry.item {
            Item::FigRef { slug, .. } => slug,
            Item::FigEmbed(slug) => {
                embedded.insert(slug.clone());
                slug
            }
            _ => continue,
        };
        let next = numbers.len() + 1;
        numbers.entry(slug.clone()).or_insert(next);
    }
    (numbers, embedded)
}

#[cfg(test)]
mod sentence_tests;
#[cfg(test)]
mod spec_suite;
#[cfg(test)]
mod tests;
