//! Word-level differences between an article version and the one it was edited from.
//!
//! Both versions are compared on their normalised rendered text (what a
//! reader sees), word by word with the `similar` crate. Each change links
//! to the annotations whose highlighted quote it touches, in either version,
//! so a reader sees *why* each word changed.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use crate::assemble::Assembler;
use crate::html::escape;
use crate::views::{AnnotationView, ChangeView, ChangesView};

const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// A run of removed and added words between two unchanged runs.
#[derive(Default)]
struct Hunk {
    old: String,
    new: String,
    old_range: (usize, usize),
    new_range: (usize, usize),
}

/// The changes page of article `new` against article `old`.
pub fn view(assembler: &Assembler, new: usize, old: usize) -> ChangesView {
    let content = assembler.index.content;
    let (old_article, new_article) = (&content.articles[old], &content.articles[new]);
    let (old_facts, new_facts) = (&assembler.rendered.articles[old], &assembler.rendered.articles[new]);
    let old_notes = assembler.annotation_views(old);
    let new_notes = assembler.annotation_views(new);
    // Word diffs are quadratic when two long versions share little; past the
    // deadline `similar` settles for a coarser (still correct) diff, so a
    // huge rewrite costs seconds, not hours.
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .timeout(DIFF_TIMEOUT)
        .diff_words(old_facts.text.as_str(), new_facts.text.as_str());

    let mut html = String::from("<p class=\"diff\">");
    let mut changes: Vec<ChangeView> = Vec::new();
    let (mut old_pos, mut new_pos) = (0usize, 0usize);
    let mut next_block = new_facts.block_starts.partition_point(|&b| b == 0);
    let mut hunk: Option<Hunk> = None;
    let finish = |hunk: &mut Option<Hunk>, html: &mut String, changes: &mut Vec<ChangeView>| {
        let Some(h) = hunk.take() else { return };
        let touches = |notes: &[AnnotationView],
                       facts: &crate::markdown::Rendered,
                       (lo, hi): (usize, usize)|
         -> Vec<AnnotationView> {
            let ids: Vec<&str> = facts
                .annotations
                .iter()
                .filter(|p| p.start < hi.max(lo + 1) && p.end > lo)
                .map(|p| p.id.as_str())
                .collect();
            notes.iter().filter(|n| ids.contains(&n.id.as_str())).cloned().collect()
        };
        // What explains a change: any note on the old text it replaces, and corrections or
        // translation notes on the new text (context notes there explain facts, not edits).
        let mut notes = touches(&old_notes, old_facts, h.old_range);
        let explains = |n: &AnnotationView| n.kind == "correction" || n.kind == "translation";
        notes.extend(touches(&new_notes, new_facts, h.new_range).into_iter().filter(explains));
        let id = format!("change-{}", changes.len() + 1);
        let kind = match (h.old.trim().is_empty(), h.new.trim().is_empty()) {
            (true, _) => "added",
            (_, true) => "removed",
            _ => "replaced",
        };
        let _ = write!(html, "<span class=\"change change-{kind}\" id=\"{id}\">");
        if !h.old.trim().is_empty() {
            let _ = write!(html, "<del>{}</del>", escape(h.old.trim()));
        }
        if !h.new.trim().is_empty() {
            let _ = write!(html, "<ins>{}</ins>", escape(h.new.trim()));
        }
        for note in &notes {
            let _ = write!(
                html,
                "<a class=\"change-note anno-{}\" href=\"{}\" title=\"{}\">{}</a>",
                note.kind,
                escape(&note.url),
                escape(&note.quote),
                note.kind_label
            );
        }
        html.push_str("</span> ");
        changes.push(ChangeView { kind: kind.into(), old: h.old.trim().into(), new: h.new.trim().into(), id, notes });
    };
    for change in diff.iter_all_changes() {
        let value = change.value();
        let len = value.chars().count();
        match change.tag() {
            ChangeTag::Equal => {
                finish(&mut hunk, &mut html, &mut changes);
                html.push_str(&escape(value));
                old_pos += len;
                new_pos += len;
                // Paragraphs of the new version start a new paragraph here too.
                if new_facts.block_starts.get(next_block).is_some_and(|&b| b <= new_pos) {
                    html.push_str("</p>\n<p class=\"diff\">");
                    next_block = new_facts.block_starts.partition_point(|&b| b <= new_pos);
                }
            }
            ChangeTag::Delete => {
                let h = hunk.get_or_insert_with(|| Hunk {
                    old_range: (old_pos, old_pos),
                    new_range: (new_pos, new_pos),
                    ..Hunk::default()
                });
                h.old.push_str(value);
                old_pos += len;
                h.old_range.1 = old_pos;
            }
            ChangeTag::Insert => {
                let h = hunk.get_or_insert_with(|| Hunk {
                    old_range: (old_pos, old_pos),
                    new_range: (new_pos, new_pos),
                    ..Hunk::default()
                });
                h.new.push_str(value);
                new_pos += len;
                h.new_range.1 = new_pos;
            }
        }
    }
    finish(&mut hunk, &mut html, &mut changes);
    html.push_str("</p>");
    let words = |s: &str| s.split_whitespace().count();
    let url = format!("{}changes/", assembler.index.page_url(&new_article.id));
    ChangesView {
        site: assembler.site.clone(),
        title: format!("Changes: {}", new_article.meta.title),
        url,
        article: crate::views::LinkView {
            title: new_article.meta.title.clone(),
            url: assembler.index.page_url(&new_article.id),
        },
        from: crate::views::LinkView {
            title: old_article.meta.title.clone(),
            url: assembler.index.page_url(&old_article.id),
        },
        diff_html: html,
        words_added: changes.iter().map(|c| words(&c.new)).sum(),
        words_removed: changes.iter().map(|c| words(&c.old)).sum(),
        changes,
    }
}
