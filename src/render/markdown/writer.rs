//! The HTML writer: entries to HTML, with highlights, margin notes and sidenotes.
//!
//! Highlights are split per text segment: a `<mark>` never crosses the edge
//! of an element, so a quote running through `*emphasis*` or a link becomes
//! several well-nested pieces, and overlapping annotations nest by a stack
//! that closes and reopens marks where they cross. Margin notes wait until
//! the writer is outside any inline element (never inside a link or a
//! heading), then follow the highlight they explain.
//!
//! Footnotes become sidenotes beside their first reference. A note made of
//! paragraphs only is written inline, as a `<span>` inside the paragraph
//! that cites it; a note holding other blocks (lists, code, quotes, tables)
//! cannot live inside a `<p>`, so the reference gets only its toggle and the
//! note is written as a `<div>` right after the paragraph (or heading, list
//! item or table) closes. A definition nothing in the text refers to is
//! written where it stands, and warned about. URLs are escaped by
//! pulldown-cmark's own `escape_href`, as CommonMark's reference renderer does.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Tag, TagEnd};

use super::element_ids::ElementIds;
use super::numbering::Numbering;
use super::table::Table;
use super::{
    CitationUse, Collected, Entry, Item, Mention, MentionSpot, PlacedAnnotation, RenderOptions, Rendered, Shown,
    annotation_id, note_carriers, number_figures, placed_annotations, sentence_at,
};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::config::Autolink;
use crate::load::content::slugify;
use crate::render::annotate::Anchor;
use crate::render::chart::format_number;
use crate::render::figure;
use crate::render::highlight;
use crate::text::html::escape;

/// A footnote's marker: letters (a, b, … z, aa, ab), so footnotes never look like
/// the numbered source citations beside them.
pub(super) fn note_marker(number: usize) -> String {
    let mut n = number.max(1);
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// A footnote definition's entries and the number and element id it was given.
#[derive(Clone)]
struct Note {
    start: usize,
    end: usize,
    key: String,
    number: usize,
    /// Holds more than paragraphs: written as a `<div>` between blocks.
    block: bool,
}

/// Where each footnote is defined, which ones hold blocks, which the text reaches.
struct NotePlan {
    /// Label → (definition start entry, end entry).
    definitions: HashMap<String, (usize, usize)>,
    /// Labels whose definition holds more than paragraphs.
    blocks: HashSet<String>,
    /// Labels referenced from the text, or from a note the text references.
    reachable: HashSet<String>,
}

/// A source's name being written: where it ends, and how it closes.
#[derive(Clone)]
struct OpenMention {
    last_segment: u32,
    end: u32,
    linked: bool,
    source: String,
}

/// A highlight's bytes within one text segment.
#[derive(Clone, Copy)]
struct Piece {
    start: u32,
    end: u32,
    anchor: usize,
}

struct Writer<'w, 'a> {
    options: &'w RenderOptions<'a>,
    entries: &'w [Entry<'w>],
    collected: &'w Collected,
    diagnostics: &'w Diagnostics,
    placed: Vec<PlacedAnnotation>,
    pieces: Vec<Vec<Piece>>,
    /// Per segment, the highlights whose note toggle follows a byte of it: (end byte, anchor).
    notes_at: Vec<Vec<(u32, usize)>>,
    /// The toggles of the segment being written, not yet placed.
    segment_notes: Vec<(u32, usize)>,
    /// A name begun in an earlier segment and ending in a later one (across a line break).
    open_mention: Option<OpenMention>,
    mentions_at: Vec<Vec<MentionSpot>>,
    out: String,
    facts: Rendered,
    inline_depth: usize,
    /// Inside a link (Markdown's, or an auto-linked name): a toggle, itself a link, waits.
    link_depth: usize,
    in_heading: bool,
    sidenote_depth: usize,
    /// Inside a sidenote written inline (its paragraphs become spans).
    inline_note: bool,
    pending_notes: Vec<usize>,
    mark_opened: Vec<bool>,
    /// Figure and citation numbers.
    numbering: Numbering,
    notes: NotePlan,
    /// Label → (number, element key) of every note given a number so far.
    note_ids: HashMap<String, (usize, String)>,
    note_keys: HashSet<String>,
    /// Notes cited inside another note: written after it (sidenotes never nest).
    deferred_footnotes: Vec<Note>,
    /// Block notes cited in the text, written when the enclosing block closes.
    pending_block_notes: Vec<Note>,
    linked_sources: HashSet<String>,
    flagged_pseudonyms: HashSet<String>,
    mention_counts: HashMap<String, usize>,
    /// Heading and note ids: one id space.
    ids: ElementIds,
    table: Table,
}

pub(super) fn write(
    options: &RenderOptions,
    entries: &[Entry],
    collected: &Collected,
    anchors: &[Anchor],
    mentions: &[MentionSpot],
    diagnostics: &Diagnostics,
) -> Rendered {
    let segments = collected.text.segment_count();
    let mut pieces = vec![Vec::new(); segments];
    let mut notes_at = vec![Vec::new(); segments];
    let carriers = note_carriers(anchors);
    for (k, anchor) in anchors.iter().enumerate() {
        let (first, last) = (collected.text.origin(anchor.start), collected.text.origin(anchor.end - 1));
        for segment in first.segment..=last.segment {
            let start = if segment == first.segment { first.start } else { 0 };
            let end = if segment == last.segment { last.end } else { collected.text.segment_len(segment) };
            if start < end {
                pieces[segment as usize].push(Piece { start, end, anchor: k });
            }
        }
        if carriers.contains(&k) {
            notes_at[last.segment as usize].push((last.end, k));
        }
    }
    let mut mentions_at = vec![Vec::new(); segments];
    for m in mentions {
        mentions_at[m.segment as usize].push(m.clone());
    }
    let (figure_numbers, embedded) = number_figures(entries);
    let placed = placed_annotations(options, collected, anchors);
    let mut writer = Writer {
        options,
        entries,
        collected,
        diagnostics,
        mark_opened: vec![false; placed.len()],
        placed,
        pieces,
        notes_at,
        segment_notes: Vec::new(),
        open_mention: None,
        mentions_at,
        out: String::with_capacity(options.body.len() * 2),
        facts: Rendered::default(),
        inline_depth: 0,
        link_depth: 0,
        in_heading: false,
        sidenote_depth: 0,
        inline_note: false,
        pending_notes: Vec::new(),
        numbering: Numbering::new(figure_numbers, embedded),
        notes: plan_notes(entries),
        note_ids: HashMap::new(),
        note_keys: HashSet::new(),
        deferred_footnotes: Vec::new(),
        pending_block_notes: Vec::new(),
        linked_sources: HashSet::new(),
        flagged_pseudonyms: HashSet::new(),
        mention_counts: HashMap::new(),
        ids: ElementIds::default(),
        table: Table::default(),
    };
    writer.write_range(0, entries.len());
    writer.flush_block_notes();
    writer.flush_notes();
    let mut facts = writer.facts;
    // Kept until the templates run: the HTML, not the room reserved for it (twice the
    // Markdown's size; shrinking in place may keep it all).
    let spare = writer.out.capacity() - writer.out.len();
    facts.html = if spare > writer.out.len() / 8 { writer.out.as_str().to_owned() } else { writer.out };
    facts.text = collected.text.as_str().to_string();
    facts.block_starts = collected.block_starts.clone();
    facts.block_starts.dedup();
    facts.annotations = writer.placed;
    facts.figures = writer.numbering.figure_uses();
    facts.bibliography = writer.numbering.bibliography();
    facts
}

/// The sentence of a citation or a mention, shared with the page's last citation or mention
/// when theirs is the same (a name and its citation usually are): kept once, not per use.
fn shared_sentence(facts: &Rendered, sentence: Option<String>) -> std::sync::Arc<str> {
    let sentence = sentence.unwrap_or_default();
    let last =
        facts.citations.last().map(|c| &c.sentence).into_iter().chain(facts.mentions.last().map(|m| &m.sentence));
    last.into_iter().find(|shared| ***shared == *sentence).cloned().unwrap_or_else(|| sentence.into())
}

/// Finds the footnote definitions, which hold blocks, and which the text reaches.
fn plan_notes(entries: &[Entry]) -> NotePlan {
    let mut definitions = HashMap::new();
    let mut blocks = HashSet::new();
    // References made by the text (`None`) and by each definition.
    let mut references: HashMap<Option<String>, Vec<String>> = HashMap::new();
    // Open definitions: label, start entry, nesting depth inside it.
    let mut open: Vec<(String, usize, usize)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match &entry.item {
            Item::Md(Event::Start(Tag::FootnoteDefinition(label))) => {
                if let Some((outer, _, _)) = open.last() {
                    blocks.insert(outer.clone());
                }
                open.push((label.to_string(), i, 0));
                continue;
            }
            Item::Md(Event::End(TagEnd::FootnoteDefinition)) => {
                if let Some((label, start, _)) = open.pop() {
                    definitions.entry(label).or_insert((start, i));
                }
                continue;
            }
            Item::Md(Event::FootnoteReference(label)) => {
                let from = open.last().map(|(l, _, _)| l.clone());
                references.entry(from).or_default().push(label.to_string());
            }
            _ => {}
        }
        if let Some((label, _, depth)) = open.last_mut() {
            // A direct child of the definition that is not a paragraph makes it a block note.
            let is_paragraph = matches!(entry.item, Item::Md(Event::Start(Tag::Paragraph)));
            if *depth == 0 && !is_paragraph {
                blocks.insert(label.clone());
            }
            match &entry.item {
                Item::Md(Event::Start(_)) => *depth += 1,
                Item::Md(Event::End(_)) => *depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    let mut reachable = HashSet::new();
    let mut queue: Vec<String> = references.get(&None).cloned().unwrap_or_default();
    while let Some(label) = queue.pop() {
        if reachable.insert(label.clone()) {
            queue.extend(references.get(&Some(label)).cloned().unwrap_or_default());
        }
    }
    NotePlan { definitions, blocks, reachable }
}

/// A URL for an `href` or `src` attribute, escaped as pulldown-cmark's HTML writer does it.
fn href(url: &str) -> String {
    let mut out = String::with_capacity(url.len() + 8);
    let _ = pulldown_cmark_escape::escape_href(&mut out, url);
    out
}

impl Writer<'_, '_> {
    fn write_range(&mut self, start: usize, end: usize) {
        let mut i = start;
        while i < end {
            i = self.entry(i) + 1;
        }
    }

    /// Writes entry `i`; returns the last entry it consumed.
    fn entry(&mut self, i: usize) -> usize {
        let entries = self.entries;
        match &entries[i].item {
            Item::Md(event) => return self.event(i, event),
            Item::Cite(slugs) => {
                // The space before a citation becomes a word joiner (same length, so text
                // positions hold): the marker sits on its word and never wraps away from it.
                if self.out.ends_with(' ') {
                    self.out.pop();
                    self.out.push('\u{2060}');
                }
                let position = self.collected.position_at[i];
                let html = self.citation(slugs, Some(position));
                self.out.push_str(&html);
            }
            Item::FigRef { slug, value } => self.figure_ref(i, slug, *value),
            Item::FigEmbed(slug) => self.embed_figure(i, slug),
            Item::WikiTitle { url, title } => {
                let _ = write!(self.out, "<a class=\"wikilink\" href=\"{}\">{}</a>", escape(url), escape(title));
                self.shown(i, title.clone());
            }
        }
        i
    }

    /// Records words entry `i` shows that the text leaves out (not those of a footnote,
    /// whose words the text leaves out too).
    fn shown(&mut self, i: usize, text: String) {
        if self.sidenote_depth > 0 {
            return;
        }
        // White space beside it: a line break, or the end (start) of the text before (after) it.
        let space = |entry: Option<&Entry>, before: bool| match entry.map(|e| &e.item) {
            Some(Item::Md(Event::SoftBreak | Event::HardBreak)) => true,
            Some(Item::Md(Event::Text(t))) if before => t.ends_with(char::is_whitespace),
            Some(Item::Md(Event::Text(t))) => t.starts_with(char::is_whitespace),
            _ => false,
        };
        let space_before = space(i.checked_sub(1).and_then(|b| self.entries.get(b)), true);
        let space_after = space(self.entries.get(i + 1), false);
        self.facts.shown.push(Shown { at: self.collected.position_at[i], text, space_before, space_after });
    }

    fn event(&mut self, i: usize, event: &Event) -> usize {
        match event {
            Event::Start(tag) => return self.start(i, tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) => {
                match self.collected.segment_of[i] {
                    Some(segment) => self.segment(segment, text, false),
                    None => self.out.push_str(&escape(text)),
                }
                self.maybe_flush();
            }
            Event::Code(text) => {
                self.out.push_str("<code>");
                match self.collected.segment_of[i] {
                    Some(segment) => self.segment(segment, text, true),
                    None => self.out.push_str(&escape(text)),
                }
                self.out.push_str("</code>");
                self.maybe_flush();
            }
            Event::Html(html) | Event::InlineHtml(html) => self.out.push_str(html),
            Event::FootnoteReference(label) => self.footnote(i, label),
            Event::SoftBreak => self.out.push('\n'),
            Event::HardBreak => self.out.push_str("<br>\n"),
            Event::Rule => {
                self.block_newline();
                self.out.push_str("<hr>\n");
            }
            Event::TaskListMarker(done) => {
                let (mark, label) = if *done { ("☑", "done") } else { ("☐", "not done") };
                let _ = write!(self.out, "<span class=\"task\" role=\"img\" aria-label=\"{label}\">{mark}</span> ");
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.out.push_str(&escape(t)),
        }
        i
    }

    fn start(&mut self, i: usize, tag: &Tag) -> usize {
        let sidenote = self.inline_note;
        if !sidenote
            && matches!(
                tag,
                Tag::Paragraph
                    | Tag::Heading { .. }
                    | Tag::BlockQuote(_)
                    | Tag::CodeBlock(_)
                    | Tag::List(_)
                    | Tag::Item
                    | Tag::Table(_)
            )
        {
            self.block_newline();
        }
        match tag {
            Tag::Paragraph if sidenote => self.out.push_str("<span class=\"sidenote-p\">"),
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, id, .. } => {
                let id = id.as_ref().map(|s| s.to_string()).unwrap_or_else(|| self.heading_text(i));
                let id = self.ids.heading(&id);
                self.in_heading = true;
                let _ = write!(self.out, "<{level} id=\"{}\">", escape(&id));
            }
            Tag::BlockQuote(_) if sidenote => self.out.push_str("<span class=\"sidenote-quote\">"),
            Tag::BlockQuote(_) => self.out.push_str("<blockquote>\n"),
            Tag::CodeBlock(kind) => return self.code_block(i, kind),
            Tag::HtmlBlock => {}
            Tag::List(_) if sidenote => {}
            Tag::List(Some(1)) => self.out.push_str("<ol>\n"),
            Tag::List(Some(n)) => {
                let _ = writeln!(self.out, "<ol start=\"{n}\">");
            }
            Tag::List(None) => self.out.push_str("<ul>\n"),
            Tag::Item if sidenote => self.out.push_str("<span class=\"sidenote-p\">"),
            Tag::Item => self.out.push_str("<li>"),
            Tag::FootnoteDefinition(label) => return self.definition(i, label),
            Tag::Table(alignments) => {
                self.table.start(alignments);
                self.out.push_str("<div class=\"table-wrap\"><table>\n");
            }
            Tag::TableHead => {
                self.table.row(true);
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.table.row(false);
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let (cell, align) = self.table.open_cell();
                let _ = write!(self.out, "<{cell}{align}>");
            }
            Tag::Emphasis => self.open_inline("<em>"),
            Tag::Strong => self.open_inline("<strong>"),
            Tag::Strikethrough => self.open_inline("<del>"),
            Tag::Superscript => self.open_inline("<sup>"),
            Tag::Subscript => self.open_inline("<sub>"),
            Tag::Link { link_type, dest_url, title, .. } => {
                let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(title)) };
                let mailto = if *link_type == LinkType::Email { "mailto:" } else { "" };
                self.link_depth += 1;
                self.open_inline(&format!("<a href=\"{mailto}{}\"{title}>", href(dest_url)));
            }
            Tag::Image { dest_url, title, .. } => return self.image(i, dest_url, title),
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition | Tag::MetadataBlock(_) => {}
        }
        i
    }

    fn end(&mut self, tag: &TagEnd) {
        let sidenote = self.inline_note;
        match tag {
            TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) if sidenote => self.out.push_str("</span>"),
            TagEnd::Paragraph => {
                self.out.push_str("</p>\n");
                self.flush_block_notes();
            }
            TagEnd::Heading(level) => {
                let _ = writeln!(self.out, "</{level}>");
                self.in_heading = false;
                if !self.pending_notes.is_empty() {
                    self.out.push_str("<p class=\"heading-notes\">");
                    self.flush_notes();
                    self.out.push_str("</p>\n");
                }
                self.flush_block_notes();
            }
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::List(_) if sidenote => {}
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => {
                self.flush_block_notes();
                self.out.push_str("</li>\n");
            }
            TagEnd::Table => {
                self.out.push_str("</tbody></table></div>\n");
                self.flush_block_notes();
            }
            TagEnd::TableHead => {
                self.table.end_head();
                self.out.push_str("</tr></thead><tbody>\n");
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                let cell = self.table.close_cell();
                let _ = write!(self.out, "</{cell}>");
            }
            TagEnd::Emphasis => self.close_inline("</em>"),
            TagEnd::Strong => self.close_inline("</strong>"),
            TagEnd::Strikethrough => self.close_inline("</del>"),
            TagEnd::Superscript => self.close_inline("</sup>"),
            TagEnd::Subscript => self.close_inline("</sub>"),
            TagEnd::Link => {
                self.link_depth = self.link_depth.saturating_sub(1);
                self.close_inline("</a>");
            }
            _ => {}
        }
    }

    fn open_inline(&mut self, html: &str) {
        self.inline_depth += 1;
        self.out.push_str(html);
    }

    fn close_inline(&mut self, html: &str) {
        self.inline_depth = self.inline_depth.saturating_sub(1);
        self.out.push_str(html);
        self.maybe_flush();
    }

    fn skip_to_end(&self, i: usize) -> usize {
        let mut depth = 0usize;
        for (j, entry) in self.entries.iter().enumerate().skip(i) {
            match &entry.item {
                Item::Md(Event::Start(_)) => depth += 1,
                Item::Md(Event::End(_)) => {
                    depth -= 1;
                    if depth == 0 {
                        return j;
                    }
                }
                _ => {}
            }
        }
        self.entries.len() - 1
    }

    fn heading_text(&self, i: usize) -> String {
        let mut text = String::new();
        for entry in &self.entries[i + 1..] {
            match &entry.item {
                Item::Md(Event::End(TagEnd::Heading(_))) => break,
                Item::Md(Event::Text(t) | Event::Code(t)) => text.push_str(t),
                Item::WikiTitle { title, .. } => text.push_str(title),
                _ => {}
            }
        }
        let slug = slugify(&text);
        if slug.is_empty() { "section".into() } else { slug }
    }

    fn code_block(&mut self, i: usize, kind: &CodeBlockKind) -> usize {
        let end = self.skip_to_end(i);
        let mut code = String::new();
        for entry in &self.entries[i + 1..end] {
            if let Item::Md(Event::Text(t)) = &entry.item {
                code.push_str(t);
            }
        }
        let language = match kind {
            CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let highlighted = (!language.is_empty()).then(|| highlight::highlight(&code, &language)).flatten();
        let class =
            if language.is_empty() { String::new() } else { format!(" class=\"language-{}\"", escape(&language)) };
        let body = highlighted.unwrap_or_else(|| escape(&code));
        let _ = writeln!(self.out, "<pre class=\"code\" tabindex=\"0\"><code{class}>{body}</code></pre>");
        end
    }

    /// Starts a block on a line of its own, as pulldown-cmark's writer does.
    fn block_newline(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn image(&mut self, i: usize, dest: &str, title: &str) -> usize {
        let end = self.skip_to_end(i);
        // The alt text is the plain text of the description, line breaks as spaces
        // (as pulldown-cmark's writer does it).
        let mut alt = String::new();
        for entry in &self.entries[i + 1..end] {
            match &entry.item {
                Item::Md(Event::Text(t) | Event::Code(t) | Event::InlineHtml(t)) => alt.push_str(t),
                Item::Md(Event::SoftBreak | Event::HardBreak) => alt.push(' '),
                _ => {}
            }
        }
        let remote = dest.contains("://") || dest.starts_with("//");
        let src = if remote {
            self.options.error(
                self.diagnostics,
                &self.entries[i].range,
                format!("remote image `{dest}` refused: images must be files under `content/static/`"),
                Some(
                    "a dossier is a record: a remote image can change or vanish after publication, and its host \
                     sees every reader; save it as `content/static/<file>` (say where it came from in the text) \
                     and write `![alt](static/<file>)`"
                        .into(),
                ),
            );
            dest.to_string()
        } else if dest.starts_with("data:") {
            dest.to_string()
        } else {
            let path = dest.trim_start_matches('/');
            if let Err((message, help)) = self.options.index.check_static_path(path) {
                self.options.error(self.diagnostics, &self.entries[i].range, message, Some(help));
            }
            self.options.index.config.url(path)
        };
        if alt.trim().is_empty() {
            self.options.error(
                self.diagnostics,
                &self.entries[i].range,
                "image has no alt text".into(),
                Some("describe the image between the brackets: `![a map of the border](static/map.png)`".into()),
            );
        }
        let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(title)) };
        let _ = write!(self.out, "<img src=\"{}\" alt=\"{}\"{title} loading=\"lazy\">", href(&src), escape(&alt));
        end
    }

    /// `@fig-id`: "Figure 2", linking to the figure; `@fig-id:value`: its value
    /// ("about 2,000,000 euros"), linking to it too, with its number and title as a tooltip.
    fn figure_ref(&mut self, i: usize, slug: &str, value: bool) {
        let number = self.numbering.figure(slug).unwrap_or(0);
        let href =
            if self.numbering.is_embedded(slug) { format!("#fig-{slug}") } else { self.options.index.figure_url(slug) };
        let figure = self.options.index.figure(slug);
        let shown = match figure.filter(|_| value).and_then(|f| f.meta.value.map(|v| (f, v))) {
            Some((figure, v)) => {
                let meta = &figure.meta;
                let about = if meta.approximate { "about " } else { "" };
                let unit = meta.unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
                let text = format!("{about}{}{unit}", format_number(v));
                let title = format!("Figure {number}: {}", meta.title);
                let _ = write!(
                    self.out,
                    "<a class=\"figref figref-value\" href=\"{}\" title=\"{}\">{}</a>",
                    escape(&href),
                    escape(&title),
                    escape(&text)
                );
                text
            }
            None => {
                let _ = write!(self.out, "<a class=\"figref\" href=\"{}\">Figure {number}</a>", escape(&href));
                format!("Figure {number}")
            }
        };
        self.shown(i, shown);
    }

    fn embed_figure(&mut self, i: usize, slug: &str) {
        if !self.numbering.embed_once(slug) {
            self.options.error(
                self.diagnostics,
                &self.entries[i].range,
                format!("figure `fig-{slug}` is embedded twice on this page"),
                Some(format!("embed it once; refer to it elsewhere with `@fig-{slug}`")),
            );
            return;
        }
        let Some(fig) = self.options.index.figure(slug) else {
            return;
        };
        let number = self.numbering.figure(slug);
        let html = figure::embed(self.options.index, fig, number, true);
        self.out.push_str(&html);
        self.out.push('\n');
    }

    /// Numbered citation links for `slugs`; `position` is where they sit in the text.
    fn citation(&mut self, slugs: &[String], position: Option<usize>) -> String {
        let mut html = String::from("<sup class=\"citation\">");
        for (k, slug) in slugs.iter().enumerate() {
            let number = self.numbering.cite(slug);
            let anchor = format!("cite-{}", self.facts.citations.len() + 1);
            let sentence = shared_sentence(&self.facts, position.map(|p| sentence_at(self.collected, p)));
            self.facts.citations.push(CitationUse { source: slug.clone(), number, anchor: anchor.clone(), sentence });
            if k > 0 {
                html.push_str("<span class=\"cite-sep\">,</span>");
            }
            let name = self.options.index.source_name(slug);
            let _ = write!(
                html,
                "<a class=\"cite\" id=\"{anchor}\" href=\"#ref-{slug}\" data-cite=\"{slug}\" aria-label=\"Source {number}: {}\">{number}</a>",
                escape(&name),
                slug = escape(slug),
            );
        }
        html.push_str("</sup>");
        html
    }

    fn footnote(&mut self, i: usize, label: &str) {
        let Some(&(start, end)) = self.notes.definitions.get(label) else {
            self.options.error(
                self.diagnostics,
                &self.entries[i].range,
                format!("footnote `[^{label}]` has no definition"),
                Some(format!("add a line `[^{label}]: …` below the paragraph")),
            );
            return;
        };
        if let Some((n, key)) = self.note_ids.get(label) {
            let _ = write!(self.out, "<sup class=\"sidenote-ref\"><a href=\"#fn-{key}\">{}</a></sup>", note_marker(*n));
            return;
        }
        let (number, key) = self.number_note(label);
        let block = self.notes.blocks.contains(label);
        let note = Note { start, end, key, number, block };
        if self.sidenote_depth > 0 {
            // Cited inside another footnote: numbered here, written after the
            // outer sidenote (sidenotes never nest, and writing never recurses).
            let _ = write!(
                self.out,
                "<sup class=\"sidenote-ref\"><a href=\"#fn-{}\">{}</a></sup>",
                note.key,
                note_marker(number)
            );
            self.deferred_footnotes.push(note);
            return;
        }
        self.note_toggle(&note, false);
        if block {
            self.pending_block_notes.push(note);
            return;
        }
        self.inline_sidenote(&note);
        self.write_deferred(false);
    }

    /// Gives the note labelled `label` the next number and an element id no other note has.
    fn number_note(&mut self, label: &str) -> (usize, String) {
        let number = self.note_ids.len() + 1;
        let slug = slugify(label);
        let base = if slug.is_empty() { "note".to_string() } else { slug };
        let mut key = base.clone();
        let mut k = 1;
        // Unique among notes and among the page's heading ids (one id space).
        let taken = |w: &Self, key: &str| w.note_keys.contains(key) || !w.ids.note_free(key);
        while taken(self, &key) {
            k += 1;
            key = format!("{base}-{k}");
        }
        self.note_keys.insert(key.clone());
        self.ids.take_note(&key);
        self.note_ids.insert(label.to_string(), (number, key.clone()));
        (number, key)
    }

    /// The note's number in the text: a label that opens and closes it on narrow
    /// screens. A note cited inside another note gets its toggle after that note
    /// (class `sidenote-nested`): it is not a reference in the text.
    fn note_toggle(&mut self, note: &Note, nested: bool) {
        let _ = write!(
            self.out,
            "<label for=\"sn-{key}\" class=\"margin-toggle sidenote-number{nested}\"><span class=\"visually-hidden\">Footnote </span>{n}</label>",
            key = note.key,
            n = note_marker(note.number),
            nested = if nested { " sidenote-nested" } else { "" },
        );
    }

    /// Writes a note of paragraphs as a `<span>` sidenote, inside the current paragraph.
    fn inline_sidenote(&mut self, note: &Note) {
        let _ = write!(
            self.out,
            "<input type=\"checkbox\" id=\"sn-{key}\" class=\"margin-toggle\"><span class=\"sidenote\" id=\"fn-{key}\" role=\"note\"><span class=\"sidenote-label\">{n}</span> ",
            key = note.key,
            n = note_marker(note.number),
        );
        self.sidenote_depth += 1;
        self.inline_note = true;
        self.write_range(note.start + 1, note.end);
        self.inline_note = false;
        self.sidenote_depth -= 1;
        self.out.push_str("</span>");
    }

    /// Writes a note holding blocks as a `<div>` sidenote, between blocks of the text.
    fn block_sidenote(&mut self, note: &Note) {
        self.block_newline();
        let _ = writeln!(
            self.out,
            "<input type=\"checkbox\" id=\"sn-{key}\" class=\"margin-toggle\"><div class=\"sidenote sidenote-blocks\" id=\"fn-{key}\" role=\"note\"><span class=\"sidenote-label\">{n}</span>",
            key = note.key,
            n = note_marker(note.number),
        );
        self.sidenote_depth += 1;
        self.write_range(note.start + 1, note.end);
        self.sidenote_depth -= 1;
        self.block_newline();
        self.out.push_str("</div>\n");
    }

    /// Writes the notes cited inside notes just written. Inside a paragraph
    /// (`between_blocks` false) notes of paragraphs follow inline and block notes
    /// wait for the paragraph's end; between blocks every note is a block.
    fn write_deferred(&mut self, between_blocks: bool) {
        let mut next = 0;
        while next < self.deferred_footnotes.len() {
            let note = self.deferred_footnotes[next].clone();
            next += 1;
            if between_blocks {
                self.block_newline();
                self.note_toggle(&note, true);
                self.block_sidenote(&note);
            } else if note.block {
                self.note_toggle(&note, true);
                self.pending_block_notes.push(note);
            } else {
                self.note_toggle(&note, true);
                self.inline_sidenote(&note);
            }
        }
        self.deferred_footnotes.clear();
    }

    /// Writes the block notes cited in the block that just closed (text level only).
    fn flush_block_notes(&mut self) {
        if self.sidenote_depth > 0 {
            return;
        }
        // Writing a block note only defers what it cites: nothing is added here meanwhile.
        for note in std::mem::take(&mut self.pending_block_notes) {
            self.block_sidenote(&note);
            self.write_deferred(true);
        }
    }

    /// A footnote definition met in the text. One the text refers to is written at
    /// its first reference; one nothing refers to is written here, and warned about,
    /// so that no text of the page is lost.
    fn definition(&mut self, i: usize, label: &str) -> usize {
        let end = self.skip_to_end(i);
        if self.notes.reachable.contains(label) || self.note_ids.contains_key(label) {
            return end;
        }
        let location = crate::diagnostics::Location::at_offset(
            self.options.body,
            self.entries[i].range.start,
            self.options.body_line,
        );
        self.diagnostics.push(
            Diagnostic::warning(
                self.options.file,
                format!("footnote `[^{label}]` is defined but nothing in the text refers to it"),
            )
            .at(Some(location))
            .help(format!(
                "refer to it with `[^{label}]` where it belongs, or delete the definition; \
                 until then it is shown where it is written, not as a sidenote"
            )),
        );
        let (number, key) = self.number_note(label);
        self.block_newline();
        let _ = writeln!(
            self.out,
            "<div class=\"footnote-definition\" id=\"fn-{key}\" role=\"note\"><span class=\"sidenote-label\">{}</span>",
            note_marker(number)
        );
        self.sidenote_depth += 1;
        self.write_range(i + 1, end);
        self.sidenote_depth -= 1;
        self.block_newline();
        self.out.push_str("</div>\n");
        if self.sidenote_depth == 0 {
            self.write_deferred(true);
        }
        end
    }

    /// Writes a text segment: mentions wrapped in links, highlights as marks.
    /// Each highlight's note toggle is written right after the highlight's last
    /// byte ([`Writer::place_notes`]).
    fn segment(&mut self, segment: u32, text: &str, code: bool) {
        let mentions = std::mem::take(&mut self.mentions_at[segment as usize]);
        let mut notes = std::mem::take(&mut self.notes_at[segment as usize]);
        notes.sort_by_key(|&(end, _)| end);
        self.segment_notes = notes;
        let len = text.len() as u32;
        let mut cursor = 0u32;
        if let Some(open) = self.open_mention.clone() {
            // The rest of a name begun before a line break.
            let end = if open.last_segment == segment { open.end.min(len) } else { len };
            self.marked(segment, text, 0, end);
            if open.last_segment <= segment {
                self.close_mention();
            }
            cursor = end;
        }
        for mention in &mentions {
            self.marked(segment, text, cursor, mention.start);
            self.open_mention(mention, code);
            let end = if mention.last_segment == segment { mention.end } else { len };
            self.marked(segment, text, mention.start, end);
            if mention.last_segment == segment {
                self.close_mention();
            }
            cursor = end;
        }
        self.marked(segment, text, cursor, len);
        // Any left (none should be) follow the segment.
        let left = std::mem::take(&mut self.segment_notes);
        self.pending_notes.extend(left.into_iter().map(|(_, k)| k));
    }

    /// Writes the toggles of the highlights that end at byte `x` of the segment, or
    /// keeps them for later where a link cannot hold one (inside a link, or a sidenote).
    fn place_notes(&mut self, x: u32) {
        let ending = self.segment_notes.iter().take_while(|&&(end, _)| end <= x).count();
        if ending == 0 {
            return;
        }
        let here: Vec<usize> = self.segment_notes.drain(..ending).map(|(_, k)| k).collect();
        if self.link_depth == 0 && self.sidenote_depth == 0 {
            for k in here {
                self.write_note(k);
            }
        } else {
            self.pending_notes.extend(here);
        }
    }

    /// Opens the link (or span) of a source's name; [`Writer::close_mention`] ends it,
    /// in this segment or, for a name cut by a line break, in a later one.
    fn open_mention(&mut self, mention: &MentionSpot, code: bool) {
        let count = self.mention_counts.entry(mention.source.clone()).or_insert(0);
        *count += 1;
        let anchor = format!("m-{}-{}", mention.source, count);
        let linked = !code
            && match self.options.autolink {
                Some(Autolink::All) => true,
                Some(Autolink::First) => self.linked_sources.insert(mention.source.clone()),
                _ => false,
            };
        let url = self.options.index.source_url(&mention.source);
        if linked {
            let _ = write!(self.out, "<a class=\"mention\" id=\"{anchor}\" href=\"{}\">", escape(&url));
            self.link_depth += 1;
        } else {
            let _ = write!(self.out, "<span class=\"mention\" id=\"{anchor}\">");
        }
        self.facts.mentions.push(Mention {
            source: mention.source.clone(),
            anchor,
            sentence: shared_sentence(&self.facts, Some(sentence_at(self.collected, mention.position))),
        });
        self.open_mention = Some(OpenMention {
            last_segment: mention.last_segment,
            end: mention.end,
            linked,
            source: mention.source.clone(),
        });
    }

    fn close_mention(&mut self) {
        let Some(open) = self.open_mention.take() else { return };
        self.out.push_str(if open.linked { "</a>" } else { "</span>" });
        if open.linked {
            self.link_depth -= 1;
            self.maybe_flush();
        }
        let label = self.options.index.source(&open.source).map_or("", |s| s.meta.pseudonym.label());
        if !label.is_empty() && self.flagged_pseudonyms.insert(open.source.clone()) {
            // CSS shows the label (`::after`), so it is not part of the article's text.
            let _ = write!(self.out, "<span class=\"name-changed\" data-label=\"({label})\"></span>");
        }
    }

    /// Writes bytes `lo..hi` of a segment with its highlights as well-nested marks.
    fn marked(&mut self, segment: u32, text: &str, lo: u32, hi: u32) {
        if lo >= hi {
            return;
        }
        let pieces: Vec<Piece> = self.pieces[segment as usize]
            .iter()
            .filter(|p| p.start < hi && p.end > lo)
            .map(|p| Piece { start: p.start.max(lo), end: p.end.min(hi), ..*p })
            .collect();
        if pieces.is_empty() {
            crate::text::html::escape_into(&mut self.out, &text[lo as usize..hi as usize]);
            self.place_notes(hi);
            return;
        }
        let mut points: Vec<u32> = pieces.iter().flat_map(|p| [p.start, p.end]).chain([hi]).collect();
        points.sort_unstable();
        points.dedup();
        let mut stack: Vec<Piece> = Vec::new();
        let mut next = 0;
        let mut cursor = lo;
        for x in points {
            crate::text::html::escape_into(&mut self.out, &text[cursor as usize..x as usize]);
            cursor = x;
            if stack.iter().any(|p| p.end == x) {
                let mut reopen = Vec::new();
                while stack.iter().any(|p| p.end == x) {
                    let top = stack.pop().expect("stack holds the ending piece");
                    self.out.push_str("</mark>");
                    if top.end != x {
                        reopen.push(top);
                    }
                }
                self.place_notes(x);
                for piece in reopen.into_iter().rev() {
                    self.open_mark(piece.anchor);
                    stack.push(piece);
                }
            }
            while next < pieces.len() && pieces[next].start == x {
                self.open_mark(pieces[next].anchor);
                stack.push(pieces[next]);
                next += 1;
            }
        }
        for _ in stack {
            self.out.push_str("</mark>");
        }
    }

    fn open_mark(&mut self, k: usize) {
        let placed = &self.placed[k];
        let kind = self.options.annotations[placed.index].kind.as_str();
        let id_attr = if std::mem::replace(&mut self.mark_opened[k], true) {
            String::new()
        } else {
            format!(" id=\"{}\"", escape(&placed.anchor))
        };
        let _ = write!(
            self.out,
            "<mark class=\"anno anno-{kind}\" data-annotation=\"{}\" data-kind=\"{kind}\"{id_attr}>",
            escape(&placed.id)
        );
    }

    fn maybe_flush(&mut self) {
        if self.link_depth == 0 && self.sidenote_depth == 0 {
            self.flush_notes();
        }
    }

    /// The verdict of a reviewing annotation's valid `rating`, and its number.
    fn verdict(&self, annotation: &crate::model::Annotation) -> Option<(String, Option<f64>)> {
        let rating = annotation.rating.as_ref().filter(|_| crate::resolve::claims::reviews(annotation.kind))?;
        self.options.index.config.ratings.resolve(&rating.verdict).ok()
    }

    /// Writes, for each highlight that ended since the last flush, its note
    /// toggle into the text and its note into the notes column
    /// ([`Rendered::notes_html`]). The toggle is an empty link (its ✎ is CSS
    /// content), so the article's text, which W3C clients anchor quotes in,
    /// holds the article's words only.
    fn flush_notes(&mut self) {
        for k in std::mem::take(&mut self.pending_notes) {
            self.write_note(k);
        }
    }

    /// Writes highlight `k`'s note toggle here, and its note into the notes column.
    fn write_note(&mut self, k: usize) {
        let index = self.placed[k].index;
        let annotation = &self.options.annotations[index];
        let id = annotation_id(self.options.annotations, index);
        let key = escape(&id);
        let kind = annotation.kind;
        let (k_str, label) = (kind.as_str(), kind.label());
        let _ = write!(
            self.out,
            "<a class=\"note-ref anno-{k_str}\" href=\"#note-{key}\" data-note=\"{key}\" aria-label=\"{label} note\"></a>"
        );
        let mut note = format!(
            "<li class=\"anno-note anno-{k_str}\" id=\"note-{key}\" data-annotation=\"{key}\" tabindex=\"-1\">\
<a class=\"note-kind\" href=\"#anno-{key}\">{label}</a> "
        );
        if let Some(correction) = &annotation.correction {
            let _ = write!(note, "<span class=\"note-correction\">→ <strong>{}</strong></span> ", escape(correction));
        }
        if let Some((verdict, _)) = self.verdict(annotation) {
            let _ =
                write!(note, "<span class=\"note-verdict\">Verdict: <strong>{}</strong>.</span> ", escape(&verdict));
        }
        if !self.placed[k].note_html.is_empty() {
            let _ = write!(note, "<span class=\"note-text\">{}</span>", self.placed[k].note_html);
        }
        if !annotation.cites.is_empty() {
            let cites = annotation.cites.clone();
            let html = self.citation(&cites, Some(self.placed[k].start));
            let _ = write!(note, " <span class=\"note-cites\">{html}</span>");
        }
        note.push_str("</li>\n");
        self.facts.notes_html.push_str(&note);
    }
}

#[cfg(test)]
mod marker_tests {
    use super::note_marker;

    #[test]
    fn footnotes_are_lettered_so_they_never_look_like_source_numbers() {
        for (number, marker) in [(1, "a"), (2, "b"), (26, "z"), (27, "aa"), (28, "ab"), (52, "az"), (53, "ba")] {
            assert_eq!(note_marker(number), marker);
        }
    }
}
