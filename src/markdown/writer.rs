//! The HTML writer: entries to HTML, with highlights, margin notes and sidenotes.
//!
//! Highlights are split per text segment: a `<mark>` never crosses the edge
//! of an element, so a quote running through `*emphasis*` or a link becomes
//! several well-nested pieces, and overlapping annotations nest by a stack
//! that closes and reopens marks where they cross. Margin notes wait until
//! the writer is outside any inline element (never inside a link or a
//! heading), then follow the highlight they explain.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, Tag, TagEnd};

use super::{
    CitationUse, Collected, Entry, FigureUse, Item, Mention, MentionSpot, PlacedAnnotation, RenderOptions, Rendered,
    annotation_id, note_carriers, number_figures, placed_annotations, render_inline, sentence_at,
};
use crate::annotate::Anchor;
use crate::config::Autolink;
use crate::content::slugify;
use crate::diagnostics::Diagnostics;
use crate::figure;
use crate::highlight;
use crate::html::escape;

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
    notes_at: Vec<Vec<usize>>,
    mentions_at: Vec<Vec<MentionSpot>>,
    out: String,
    facts: Rendered,
    inline_depth: usize,
    in_heading: bool,
    sidenote_depth: usize,
    pending_notes: Vec<usize>,
    mark_opened: Vec<bool>,
    figure_numbers: HashMap<String, usize>,
    embedded: HashSet<String>,
    embedded_done: HashSet<String>,
    cite_numbers: HashMap<String, usize>,
    footnotes: HashMap<String, (usize, usize)>,
    footnote_numbers: HashMap<String, usize>,
    /// Footnotes cited inside a sidenote: (definition start, end, key, number).
    deferred_footnotes: Vec<(usize, usize, String, usize)>,
    linked_sources: HashSet<String>,
    flagged_pseudonyms: HashSet<String>,
    mention_counts: HashMap<String, usize>,
    heading_ids: HashSet<String>,
    heading_counters: HashMap<String, usize>,
    table_alignments: Vec<Alignment>,
    table_cell: usize,
    in_table_head: bool,
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
            notes_at[last.segment as usize].push(k);
        }
    }
    let mut mentions_at = vec![Vec::new(); segments];
    for m in mentions {
        mentions_at[m.segment as usize].push(m.clone());
    }
    let (figure_numbers, embedded) = number_figures(entries);
    let mut footnotes = HashMap::new();
    let mut open: Option<(String, usize)> = None;
    for (i, entry) in entries.iter().enumerate() {
        match &entry.item {
            Item::Md(Event::Start(Tag::FootnoteDefinition(label))) => open = Some((label.to_string(), i)),
            Item::Md(Event::End(TagEnd::FootnoteDefinition)) => {
                if let Some((label, start)) = open.take() {
                    footnotes.insert(label, (start, i));
                }
            }
            _ => {}
        }
    }
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
        mentions_at,
        out: String::with_capacity(options.body.len() * 2),
        facts: Rendered::default(),
        inline_depth: 0,
        in_heading: false,
        sidenote_depth: 0,
        pending_notes: Vec::new(),
        figure_numbers,
        embedded,
        embedded_done: HashSet::new(),
        cite_numbers: HashMap::new(),
        footnotes,
        footnote_numbers: HashMap::new(),
        deferred_footnotes: Vec::new(),
        linked_sources: HashSet::new(),
        flagged_pseudonyms: HashSet::new(),
        mention_counts: HashMap::new(),
        heading_ids: HashSet::new(),
        heading_counters: HashMap::new(),
        table_alignments: Vec::new(),
        table_cell: 0,
        in_table_head: false,
    };
    writer.write_range(0, entries.len());
    writer.flush_notes();
    let mut facts = writer.facts;
    facts.html = writer.out;
    facts.text = collected.text.as_str().to_string();
    facts.block_starts = collected.block_starts.clone();
    facts.block_starts.dedup();
    facts.annotations = writer.placed;
    let mut figures: Vec<FigureUse> = writer
        .figure_numbers
        .iter()
        .map(|(slug, &number)| FigureUse { figure: slug.clone(), number, embedded: writer.embedded.contains(slug) })
        .collect();
    figures.sort_by_key(|f| f.number);
    facts.figures = figures;
    let mut bibliography: Vec<(usize, String)> = writer.cite_numbers.into_iter().map(|(s, n)| (n, s)).collect();
    bibliography.sort();
    facts.bibliography = bibliography.into_iter().map(|(_, s)| s).collect();
    facts
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
                let position = self.collected.position_at[i];
                let html = self.citation(slugs, Some(position));
                self.out.push_str(&html);
            }
            Item::FigRef(slug) => {
                let number = self.figure_numbers.get(slug).copied().unwrap_or(0);
                let href = if self.embedded.contains(slug) {
                    format!("#fig-{slug}")
                } else {
                    self.options.index.figure_url(slug)
                };
                let _ = write!(self.out, "<a class=\"figref\" href=\"{}\">Figure {number}</a>", escape(&href));
            }
            Item::FigEmbed(slug) => self.embed_figure(i, slug),
            Item::WikiTitle { url, title } => {
                let _ = write!(self.out, "<a class=\"wikilink\" href=\"{}\">{}</a>", escape(url), escape(title));
            }
        }
        i
    }

    fn event(&mut self, i: usize, event: &Event) -> usize {
        let sidenote = self.sidenote_depth > 0;
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
            Event::HardBreak => self.out.push_str(if sidenote { "<br>" } else { "<br>\n" }),
            Event::Rule => self.out.push_str("<hr>\n"),
            Event::TaskListMarker(done) => {
                let (mark, label) = if *done { ("☑", "done") } else { ("☐", "not done") };
                let _ = write!(self.out, "<span class=\"task\" role=\"img\" aria-label=\"{label}\">{mark}</span> ");
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.out.push_str(&escape(t)),
        }
        i
    }

    fn start(&mut self, i: usize, tag: &Tag) -> usize {
        let sidenote = self.sidenote_depth > 0;
        match tag {
            Tag::Paragraph if sidenote => self.out.push_str("<span class=\"sidenote-p\">"),
            Tag::Paragraph => self.out.push_str("<p>"),
            Tag::Heading { level, id, .. } => {
                let id = id.as_ref().map(|s| s.to_string()).unwrap_or_else(|| self.heading_text(i));
                let id = self.unique_heading_id(&id);
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
            Tag::FootnoteDefinition(_) => {
                // Written where it is referenced, as a sidenote.
                return self.skip_to_end(i);
            }
            Tag::Table(alignments) => {
                self.table_alignments = alignments.clone();
                self.out.push_str("<div class=\"table-wrap\"><table>\n");
            }
            Tag::TableHead => {
                self.in_table_head = true;
                self.table_cell = 0;
                self.out.push_str("<thead><tr>");
            }
            Tag::TableRow => {
                self.table_cell = 0;
                self.out.push_str("<tr>");
            }
            Tag::TableCell => {
                let cell = if self.in_table_head { "th" } else { "td" };
                let align = match self.table_alignments.get(self.table_cell) {
                    Some(Alignment::Left) => " class=\"align-left\"",
                    Some(Alignment::Center) => " class=\"align-center\"",
                    Some(Alignment::Right) => " class=\"align-right\"",
                    _ => "",
                };
                let _ = write!(self.out, "<{cell}{align}>");
            }
            Tag::Emphasis => self.open_inline("<em>"),
            Tag::Strong => self.open_inline("<strong>"),
            Tag::Strikethrough => self.open_inline("<del>"),
            Tag::Superscript => self.open_inline("<sup>"),
            Tag::Subscript => self.open_inline("<sub>"),
            Tag::Link { dest_url, title, .. } => {
                let title = if title.is_empty() { String::new() } else { format!(" title=\"{}\"", escape(title)) };
                self.open_inline(&format!("<a href=\"{}\"{title}>", escape(dest_url)));
            }
            Tag::Image { dest_url, title, .. } => return self.image(i, dest_url, title),
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition | Tag::MetadataBlock(_) => {}
        }
        i
    }

    fn end(&mut self, tag: &TagEnd) {
        let sidenote = self.sidenote_depth > 0;
        match tag {
            TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) if sidenote => self.out.push_str("</span>"),
            TagEnd::Paragraph => self.out.push_str("</p>\n"),
            TagEnd::Heading(level) => {
                let _ = writeln!(self.out, "</{level}>");
                self.in_heading = false;
                if !self.pending_notes.is_empty() {
                    self.out.push_str("<p class=\"heading-notes\">");
                    self.flush_notes();
                    self.out.push_str("</p>\n");
                }
            }
            TagEnd::BlockQuote(_) => self.out.push_str("</blockquote>\n"),
            TagEnd::List(_) if sidenote => {}
            TagEnd::List(true) => self.out.push_str("</ol>\n"),
            TagEnd::List(false) => self.out.push_str("</ul>\n"),
            TagEnd::Item => self.out.push_str("</li>\n"),
            TagEnd::Table => self.out.push_str("</tbody></table></div>\n"),
            TagEnd::TableHead => {
                self.in_table_head = false;
                self.out.push_str("</tr></thead><tbody>\n");
            }
            TagEnd::TableRow => self.out.push_str("</tr>\n"),
            TagEnd::TableCell => {
                let cell = if self.in_table_head { "th" } else { "td" };
                let _ = write!(self.out, "</{cell}>");
                self.table_cell += 1;
            }
            TagEnd::Emphasis => self.close_inline("</em>"),
            TagEnd::Strong => self.close_inline("</strong>"),
            TagEnd::Strikethrough => self.close_inline("</del>"),
            TagEnd::Superscript => self.close_inline("</sup>"),
            TagEnd::Subscript => self.close_inline("</sub>"),
            TagEnd::Link => self.close_inline("</a>"),
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

    /// `id`, or `id-2`, `id-3`… if taken; the next number to try is kept per id,
    /// so thousands of equal headings stay linear.
    fn unique_heading_id(&mut self, id: &str) -> String {
        let n = self.heading_counters.entry(id.to_string()).or_insert(1);
        let mut candidate = id.to_string();
        if *n > 1 {
            candidate = format!("{id}-{n}");
        }
        while !self.heading_ids.insert(candidate.clone()) {
            *n += 1;
            candidate = format!("{id}-{n}");
        }
        candidate
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

    fn image(&mut self, i: usize, dest: &str, title: &str) -> usize {
        let end = self.skip_to_end(i);
        let mut alt = String::new();
        for entry in &self.entries[i + 1..end] {
            if let Item::Md(Event::Text(t) | Event::Code(t)) = &entry.item {
                alt.push_str(t);
            }
        }
        let src = if dest.contains("://") || dest.starts_with("data:") {
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
        let _ = write!(self.out, "<img src=\"{}\" alt=\"{}\"{title} loading=\"lazy\">", escape(&src), escape(&alt));
        end
    }

    fn embed_figure(&mut self, i: usize, slug: &str) {
        if !self.embedded_done.insert(slug.to_string()) {
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
        let number = self.figure_numbers.get(slug).copied();
        let html = figure::embed(self.options.index, fig, number, true);
        self.out.push_str(&html);
        self.out.push('\n');
    }

    /// Numbered citation links for `slugs`; `position` is where they sit in the text.
    fn citation(&mut self, slugs: &[String], position: Option<usize>) -> String {
        let mut html = String::from("<sup class=\"citation\">");
        for (k, slug) in slugs.iter().enumerate() {
            let next = self.cite_numbers.len() + 1;
            let number = *self.cite_numbers.entry(slug.clone()).or_insert(next);
            let anchor = format!("cite-{}", self.facts.citations.len() + 1);
            let sentence = position.map(|p| sentence_at(self.collected, p)).unwrap_or_default();
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
        let Some(&(start, end)) = self.footnotes.get(label) else {
            self.options.error(
                self.diagnostics,
                &self.entries[i].range,
                format!("footnote `[^{label}]` has no definition"),
                Some(format!("add a line `[^{label}]: …` below the paragraph")),
            );
            return;
        };
        let key = slugify(label);
        if let Some(&n) = self.footnote_numbers.get(label) {
            let _ = write!(self.out, "<sup class=\"sidenote-ref\"><a href=\"#fn-{key}\">{n}</a></sup>");
            return;
        }
        let n = self.footnote_numbers.len() + 1;
        self.footnote_numbers.insert(label.to_string(), n);
        if self.sidenote_depth > 0 {
            // Cited inside another footnote: numbered here, written after the
            // outer sidenote (sidenotes never nest, and writing never recurses).
            let _ = write!(self.out, "<sup class=\"sidenote-ref\"><a href=\"#fn-{key}\">{n}</a></sup>");
            self.deferred_footnotes.push((start, end, key, n));
            return;
        }
        self.sidenote(start, end, &key, n);
        let mut next = 0;
        while next < self.deferred_footnotes.len() {
            let (start, end, key, n) = self.deferred_footnotes[next].clone();
            self.sidenote(start, end, &key, n);
            next += 1;
        }
        self.deferred_footnotes.clear();
    }

    /// Writes footnote definition `start..end` as sidenote number `n`.
    fn sidenote(&mut self, start: usize, end: usize, key: &str, n: usize) {
        let _ = write!(
            self.out,
            "<label for=\"sn-{key}\" class=\"margin-toggle sidenote-number\"><span class=\"visually-hidden\">Footnote </span>{n}</label>\
<input type=\"checkbox\" id=\"sn-{key}\" class=\"margin-toggle\"><span class=\"sidenote\" id=\"fn-{key}\" role=\"note\"><span class=\"sidenote-label\">{n}</span> "
        );
        self.sidenote_depth += 1;
        self.write_range(start + 1, end);
        self.sidenote_depth -= 1;
        self.out.push_str("</span>");
    }

    /// Writes a text segment: mentions wrapped in links, highlights as marks.
    fn segment(&mut self, segment: u32, text: &str, code: bool) {
        let mentions = std::mem::take(&mut self.mentions_at[segment as usize]);
        let mut cursor = 0u32;
        for mention in &mentions {
            self.marked(segment, text, cursor, mention.start);
            self.mention(segment, text, mention, code);
            cursor = mention.end;
        }
        self.marked(segment, text, cursor, text.len() as u32);
        let notes = std::mem::take(&mut self.notes_at[segment as usize]);
        self.pending_notes.extend(notes);
    }

    fn mention(&mut self, segment: u32, text: &str, mention: &MentionSpot, code: bool) {
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
        } else {
            let _ = write!(self.out, "<span class=\"mention\" id=\"{anchor}\">");
        }
        self.marked(segment, text, mention.start, mention.end);
        self.out.push_str(if linked { "</a>" } else { "</span>" });
        let label = self.options.index.source(&mention.source).map_or("", |s| s.meta.pseudonym.label());
        if !label.is_empty() && self.flagged_pseudonyms.insert(mention.source.clone()) {
            let _ = write!(self.out, " <span class=\"name-changed\">({label})</span>");
        }
        self.facts.mentions.push(Mention {
            source: mention.source.clone(),
            anchor,
            sentence: sentence_at(self.collected, mention.position),
        });
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
            self.out.push_str(&escape(&text[lo as usize..hi as usize]));
            return;
        }
        let mut points: Vec<u32> = pieces.iter().flat_map(|p| [p.start, p.end]).chain([hi]).collect();
        points.sort_unstable();
        points.dedup();
        let mut stack: Vec<Piece> = Vec::new();
        let mut next = 0;
        let mut cursor = lo;
        for x in points {
            self.out.push_str(&escape(&text[cursor as usize..x as usize]));
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
        if self.inline_depth == 0 && !self.in_heading && self.sidenote_depth == 0 {
            self.flush_notes();
        }
    }

    /// Writes the margin notes of highlights that ended since the last flush.
    fn flush_notes(&mut self) {
        for k in std::mem::take(&mut self.pending_notes) {
            let index = self.placed[k].index;
            let annotation = &self.options.annotations[index];
            let id = annotation_id(self.options.annotations, index);
            let key = escape(&id);
            let kind = annotation.kind;
            let mut note = format!(
                "<label for=\"toggle-{key}\" class=\"margin-toggle anno-toggle anno-{k}\"><span aria-hidden=\"true\">✎</span><span class=\"visually-hidden\">{label} note</span></label>\
<input type=\"checkbox\" id=\"toggle-{key}\" class=\"margin-toggle\"><span class=\"marginnote anno-note anno-{k}\" id=\"note-{key}\" role=\"note\">\
<a class=\"note-kind\" href=\"#anno-{key}\">{label}</a> ",
                k = kind.as_str(),
                label = kind.label(),
            );
            if let Some(correction) = &annotation.correction {
                let _ =
                    write!(note, "<span class=\"note-correction\">→ <strong>{}</strong></span> ", escape(correction));
            }
            if let Some(text) = &annotation.note {
                let _ = write!(note, "<span class=\"note-text\">{}</span>", render_inline(text));
            }
            if !annotation.cites.is_empty() {
                let cites = annotation.cites.clone();
                let html = self.citation(&cites, Some(self.placed[k].start));
                let _ = write!(note, " <span class=\"note-cites\">{html}</span>");
            }
            note.push_str("</span>");
            self.out.push_str(&note);
        }
    }
}
