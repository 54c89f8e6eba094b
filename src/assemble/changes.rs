//! What an editor changed between an article version and the one it was edited from.
//!
//! Both versions are compared on their normalised rendered text (what a
//! reader sees), word by word with the `similar` crate. Readers of a
//! corrected translation want each received sentence beside its edited
//! sentence, so the word diff is cut into sentence pairs: a cut falls only
//! where both versions agree (an unchanged sentence end or paragraph start),
//! which keeps every pair aligned even where the editor merged or split
//! sentences. Each pair carries its changed words and, once, the annotations
//! that explain them; runs of unchanged sentences fold away. The template
//! draws it all: nothing here writes HTML.

use similar::{ChangeTag, TextDiff};

use crate::output::site::RenderedPages;
use crate::output::views::{AnnotationView, ChangeView, ChangesView, DiffPieceView, SentencePairView, SiteView};
use crate::render::markdown::{Rendered, Shown};
use crate::resolve::xref::Index;

const DIFF_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// A run of removed and added words between two unchanged runs.
#[derive(Default)]
struct Hunk {
    old: String,
    new: String,
    old_range: (usize, usize),
    new_range: (usize, usize),
}

/// One pair of sentences being gathered: each side's pieces and the changes in it.
#[derive(Default)]
struct Pair {
    old: Vec<DiffPieceView>,
    new: Vec<DiffPieceView>,
    changes: Vec<ChangeView>,
    /// Starts a paragraph of the edited version.
    paragraph: bool,
}

/// Appends `text` to a side, merging with a piece of the same kind.
fn push(side: &mut Vec<DiffPieceView>, kind: &'static str, text: &str) {
    if text.is_empty() {
        return;
    }
    match side.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => side.push(DiffPieceView { kind, text: text.to_string() }),
    }
}

/// Appends changed text as `kind`, its outer spaces as unchanged (`<del>July</del> 25`).
fn push_marked(side: &mut Vec<DiffPieceView>, kind: &'static str, text: &str) {
    let core = text.trim();
    let start = text.len() - text.trim_start().len();
    push(side, "same", &text[..start]);
    push(side, kind, core);
    push(side, "same", &text[start + core.len()..]);
}

/// Whether an unchanged word ends a sentence (`coup.`, `him?”`).
fn ends_sentence(word: &str) -> bool {
    let word = word.trim_end_matches(['"', '\'', '”', '’', ')', ']']);
    word.ends_with(['.', '!', '?', '…'])
}

/// The text a reader sees, without the space a removed citation leaves before
/// punctuation (`resistance .`), and where each of its characters was in `text`.
fn tidy(text: &str) -> (String, Vec<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = Vec::with_capacity(chars.len() + 1);
    for (i, &c) in chars.iter().enumerate() {
        let before_stop = chars.get(i + 1).is_some_and(|n| matches!(n, '.' | ',' | ';' | ':' | '!' | '?'));
        if c == ' ' && before_stop && i > 0 && chars[i - 1] != ' ' {
            continue;
        }
        out.push(c);
        at.push(i);
    }
    at.push(chars.len());
    (out, at)
}

/// What a reader sees: `text` with the words it leaves out put back (`would cost
/// Figure 1`, not `would cost`), and where each character was in `text` (an
/// inserted one: where it stands).
fn reader_text(text: &str, shown: &[Shown]) -> (String, Vec<usize>) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = Vec::with_capacity(chars.len() + 1);
    let mut shown = shown.iter().peekable();
    for j in 0..=chars.len() {
        // The text's space at `j` stood before words put back here, not after them.
        let mut space_taken = false;
        while let Some(words) = shown.next_if(|w| w.at <= j) {
            space_taken |= words.space_before && !words.space_after;
            if words.space_before && !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
                at.push(j);
            }
            for c in words.text.chars() {
                out.push(c);
                at.push(j);
            }
            if words.space_after && chars.get(j).is_some_and(|&c| c != ' ') {
                out.push(' ');
                at.push(j);
            }
        }
        let Some(&c) = chars.get(j) else { break };
        if c == ' ' && (out.ends_with(' ') || space_taken) {
            continue;
        }
        out.push(c);
        at.push(j);
    }
    at.push(chars.len());
    (out, at)
}

/// [`tidy`] of [`reader_text`]: each character's place in the rendered text.
fn shown_text(facts: &Rendered) -> (String, Vec<usize>) {
    let (text, at) = reader_text(&facts.text, &facts.shown);
    let (tidied, tidy_at) = tidy(&text);
    let composed = tidy_at.into_iter().map(|i| at[i]).collect();
    (tidied, composed)
}

/// The annotations of `facts` whose highlight touches characters `lo..hi`.
fn touching(notes: &[AnnotationView], facts: &Rendered, (lo, hi): (usize, usize)) -> Vec<AnnotationView> {
    let ids: Vec<&str> =
        facts.annotations.iter().filter(|p| p.start < hi.max(lo + 1) && p.end > lo).map(|p| p.id.as_str()).collect();
    notes.iter().filter(|n| ids.contains(&n.id.as_str())).cloned().collect()
}

/// Both versions' facts and notes, to explain a hunk.
struct Sides<'a> {
    /// Each version's tidied text, and where its characters were in the rendered text.
    old_text: (String, Vec<usize>),
    new_text: (String, Vec<usize>),
    old_facts: &'a Rendered,
    new_facts: &'a Rendered,
    old_notes: Vec<AnnotationView>,
    new_notes: Vec<AnnotationView>,
}

impl Sides<'_> {
    /// What explains a change: any note on the old text it replaces, and corrections or
    /// translation notes on the new text (context notes there explain facts, not edits).
    fn explain(&self, hunk: &Hunk) -> Vec<AnnotationView> {
        let back = |at: &[usize], (lo, hi): (usize, usize)| (at[lo], at[hi]);
        let (old_range, new_range) = (back(&self.old_text.1, hunk.old_range), back(&self.new_text.1, hunk.new_range));
        let mut notes = touching(&self.old_notes, self.old_facts, old_range);
        let explains = |n: &AnnotationView| n.kind == "correction" || n.kind == "translation";
        notes.extend(touching(&self.new_notes, self.new_facts, new_range).into_iter().filter(explains));
        notes
    }
}

/// Cuts the word diff into sentence pairs.
fn pairs(sides: &Sides, diff: &TextDiff<'_, '_, str>) -> (Vec<Pair>, usize) {
    let at = &sides.new_text.1;
    let block_starts: Vec<usize> =
        sides.new_facts.block_starts.iter().map(|&b| at.partition_point(|&i| i < b)).collect();
    let mut done: Vec<Pair> = Vec::new();
    let mut pair = Pair { paragraph: true, ..Pair::default() };
    let mut hunk: Option<Hunk> = None;
    let (mut old_pos, mut new_pos) = (0usize, 0usize);
    let mut last_equal = String::new();
    let mut held = String::new();
    let mut count = 0usize;
    let mut close_hunk = |pair: &mut Pair, hunk: &mut Option<Hunk>| {
        let Some(h) = hunk.take() else { return };
        count += 1;
        let (old, new) = (h.old.trim(), h.new.trim());
        let kind = match (old.is_empty(), new.is_empty()) {
            (true, _) => "added",
            (_, true) => "removed",
            _ => "replaced",
        };
        // Removed and added words sit on their own side; the space around them stays as it was.
        push_marked(&mut pair.old, "removed", &h.old);
        push_marked(&mut pair.new, "added", &h.new);
        let notes = sides.explain(&h);
        pair.changes.push(ChangeView { kind: kind.into(), old: old.into(), new: new.into(), notes });
    };
    for change in diff.iter_all_changes() {
        let value = change.value();
        let len = value.chars().count();
        match change.tag() {
            // A space between two changed words belongs to the change, so
            // "military coup of 1 February" is one change, not four.
            ChangeTag::Equal if hunk.is_some() && value.trim().is_empty() => {
                let h = hunk.as_mut().expect("a hunk is open");
                h.old.push_str(value);
                h.new.push_str(value);
                held.push_str(value);
                old_pos += len;
                new_pos += len;
            }
            ChangeTag::Equal => {
                // A change that ends a sentence on both sides (`2019.` → `2021.`), then a
                // space: the next sentence is a pair of its own.
                let stops = |t: &str| t.trim().is_empty() || ends_sentence(t.trim_end());
                let after_stop = !held.is_empty() && hunk.as_ref().is_some_and(|h| stops(&h.old) && stops(&h.new));
                // A space held after the last change goes back outside it.
                if let Some(h) = hunk.as_mut().filter(|_| !held.is_empty()) {
                    h.old.truncate(h.old.len() - held.len());
                    h.new.truncate(h.new.len() - held.len());
                }
                close_hunk(&mut pair, &mut hunk);
                if !held.is_empty() {
                    push(&mut pair.old, "same", &held);
                    push(&mut pair.new, "same", &held);
                    held.clear();
                }
                let paragraph = block_starts.binary_search(&new_pos).is_ok() && new_pos > 0;
                let sentence = (value.trim().is_empty() && ends_sentence(&last_equal)) || after_stop;
                if (paragraph || sentence) && !(pair.old.is_empty() && pair.new.is_empty()) {
                    let next = Pair { paragraph, ..Pair::default() };
                    done.push(std::mem::replace(&mut pair, next));
                }
                if !(pair.old.is_empty() && pair.new.is_empty() && value.trim().is_empty()) {
                    push(&mut pair.old, "same", value);
                    push(&mut pair.new, "same", value);
                }
                if !value.trim().is_empty() {
                    last_equal = value.to_string();
                }
                old_pos += len;
                new_pos += len;
            }
            ChangeTag::Delete | ChangeTag::Insert => {
                let h = hunk.get_or_insert_with(|| Hunk {
                    old_range: (old_pos, old_pos),
                    new_range: (new_pos, new_pos),
                    ..Hunk::default()
                });
                if change.tag() == ChangeTag::Delete {
                    h.old.push_str(value);
                    old_pos += len;
                    h.old_range.1 = old_pos;
                } else {
                    h.new.push_str(value);
                    new_pos += len;
                    h.new_range.1 = new_pos;
                }
                last_equal.clear();
                held.clear();
            }
        }
    }
    if let Some(h) = hunk.as_mut() {
        h.old.truncate(h.old.len() - held.len());
        h.new.truncate(h.new.len() - held.len());
    }
    close_hunk(&mut pair, &mut hunk);
    if !(pair.old.is_empty() && pair.new.is_empty()) {
        done.push(pair);
    }
    (done, count)
}

/// Trims the white space a sentence cut leaves at either end of a side.
fn trimmed(mut side: Vec<DiffPieceView>) -> Vec<DiffPieceView> {
    if let Some(first) = side.first_mut() {
        first.text = first.text.trim_start().to_string();
    }
    if let Some(last) = side.last_mut() {
        last.text = last.text.trim_end().to_string();
    }
    side.retain(|p| !p.text.is_empty());
    side
}

/// Turns pairs into what the page shows: changed pairs, and unchanged runs to fold away.
fn sentence_views(pairs: Vec<Pair>) -> Vec<SentencePairView> {
    let mut out: Vec<SentencePairView> = Vec::new();
    let mut number = 0;
    for pair in pairs {
        let old = trimmed(pair.old);
        let new = trimmed(pair.new);
        if pair.changes.is_empty() {
            let text: String = new.iter().map(|p| p.text.as_str()).collect();
            match out.last_mut() {
                Some(last) if !last.changed => last.unchanged.push(text),
                _ => out.push(SentencePairView { unchanged: vec![text], ..SentencePairView::default() }),
            }
            continue;
        }
        number += 1;
        // One note per pair: an annotation explaining several of its words is named once.
        let mut notes: Vec<AnnotationView> = Vec::new();
        for note in pair.changes.iter().flat_map(|c| &c.notes) {
            if !notes.iter().any(|n| n.id == note.id && n.article.url == note.article.url) {
                notes.push(note.clone());
            }
        }
        out.push(SentencePairView {
            id: format!("change-{number}"),
            changed: true,
            paragraph: pair.paragraph,
            old,
            new,
            changes: pair.changes,
            notes,
            unchanged: Vec::new(),
        });
    }
    out
}

/// What the changes page of one article is made from (assembled by `assemble`).
pub struct Versions<'a> {
    pub index: &'a Index<'a>,
    pub rendered: &'a RenderedPages,
    pub site: &'a SiteView,
    /// Positions of the two articles in the content's list.
    pub new: usize,
    pub old: usize,
    /// The annotations of each version, as their views.
    pub old_notes: Vec<AnnotationView>,
    pub new_notes: Vec<AnnotationView>,
}

/// The changes page of article `new` against article `old`.
pub fn view(versions: Versions) -> ChangesView {
    let Versions { index, rendered, site, new, old, old_notes, new_notes } = versions;
    let content = index.content;
    let (old_article, new_article) = (&content.articles[old], &content.articles[new]);
    let (old_facts, new_facts) = (rendered.of(old_article), rendered.of(new_article));
    let sides = Sides {
        old_text: shown_text(old_facts),
        new_text: shown_text(new_facts),
        old_facts,
        new_facts,
        old_notes,
        new_notes,
    };
    // Word diffs are quadratic when two long versions share little; past the
    // deadline `similar` settles for a coarser (still correct) diff, so a
    // huge rewrite costs seconds, not hours.
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .timeout(DIFF_TIMEOUT)
        .diff_words(sides.old_text.0.as_str(), sides.new_text.0.as_str());
    let (pairs, change_count) = pairs(&sides, &diff);
    let sentences = sentence_views(pairs);
    let words = |s: &str| s.split_whitespace().count();
    let all = sentences.iter().flat_map(|s| &s.changes);
    let (words_removed, words_added) = all.fold((0, 0), |(r, a), c| (r + words(&c.old), a + words(&c.new)));
    let link = |a: &crate::model::Article| crate::output::views::LinkView {
        title: a.meta.title.clone(),
        url: index.page_url(&a.id),
    };
    ChangesView {
        site: site.clone(),
        title: format!("Changes: {}", new_article.meta.title),
        url: format!("{}changes/", index.page_url(&new_article.id)),
        article: link(new_article),
        from: link(old_article),
        from_label: crate::output::views::version_label(old_article.version()),
        article_label: crate::output::views::version_label(new_article.version()),
        change_count,
        pair_count: sentences.iter().filter(|s| s.changed).count(),
        unchanged_count: sentences.iter().map(|s| s.unchanged.len()).sum(),
        sentences,
        words_added,
        words_removed,
    }
}

#[cfg(test)]
mod tests {
    use super::{ends_sentence, reader_text, tidy};
    use crate::render::markdown::Shown;

    #[test]
    fn figure_references_and_wikilink_titles_are_put_back_where_they_stood() {
        let shown =
            |at, text: &str, space_before, space_after| Shown { at, text: text.into(), space_before, space_after };
        let cases = [
            // `would cost @fig-a, the`: the text kept the space before the comma
            ("would cost , the", shown(10, "Figure 1", true, false), "would cost Figure 1, the"),
            // `see @fig-a for`
            ("see for it", shown(3, "Figure 1", true, true), "see Figure 1 for it"),
            // `(see @fig-a).`
            ("(see ).", shown(4, "Figure 2", true, false), "(see Figure 2)."),
            // `(@fig-a)` and `[[articles/x]]` at the very end
            ("a ()", shown(3, "Figure 3", false, false), "a (Figure 3)"),
            ("read ", shown(4, "The report", true, false), "read The report"),
        ];
        for (text, words, expected) in cases {
            let (out, at) = reader_text(text, &[words]);
            assert_eq!(out, expected);
            assert_eq!(at.len(), out.chars().count() + 1);
            assert_eq!(at[at.len() - 1], text.chars().count());
        }
    }

    #[test]
    fn a_removed_citation_leaves_no_space_before_punctuation() {
        let (text, at) = tidy("the resistance . Then , more");
        assert_eq!(text, "the resistance. Then, more");
        assert_eq!((at[13], at[14]), (13, 15), "`e` stays at 13; `.` was at 15 in the rendered text");
        assert_eq!(at[text.chars().count()], 28);
    }

    #[test]
    fn sentences_end_at_stops_even_inside_closing_quotes() {
        let cases = [("coup.", true), ("him?”", true), ("(2021).", true), ("said:", false), ("Mr", false)];
        for (word, ends) in cases {
            assert_eq!(ends_sentence(word), ends, "{word}");
        }
    }
}
