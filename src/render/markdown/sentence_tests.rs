//! `sentence_at` finds a backlink's sentence by visiting the stops around it; this checks it
//! against the way it did so before, visiting every space, on random text.

use super::{Collected, sentence_at};
use crate::text::TextMap;

/// The former `sentence_at`, word for word.
/// `text` with " ." and " ," made "." and "," (as `replace` twice would, in one pass).
fn old_without_space_before_stops(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' && matches!(chars.peek(), Some('.' | ',')) {
            continue;
        }
        out.push(c);
    }
    out
}

fn old_sentence_at(collected: &Collected, position: usize) -> String {
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
    // Where a sentence ends: right after ". ", "? ", "! " or ".\" " (all ASCII, so any
    // byte offset that matches is a character boundary).
    let bytes = text.as_bytes();
    let is_end = |from: usize, to: usize| {
        let s = &bytes[from..to];
        s.ends_with(b". ") || s.ends_with(b"? ") || s.ends_with(b"! ") || s.ends_with(b".\" ")
    };
    // Only the spot right after a space can match: visit the spaces alone.
    let start = memchr::memrchr_iter(b' ', &bytes[lo..at.saturating_sub(1).max(lo)])
        .map(|q| lo + q + 1)
        .find(|&p| is_end(lo, p))
        .unwrap_or(lo);
    let end = memchr::memchr_iter(b' ', &bytes[at..hi.saturating_sub(1).max(at)])
        .map(|q| at + q + 1)
        .find(|&p| is_end(at, p))
        .unwrap_or(hi);
    // A citation removed from the text leaves its space before the full stop.
    let sentence = old_without_space_before_stops(text[start..end].trim());
    let sentence = sentence.as_str();
    if sentence.chars().count() > 320 {
        format!("{}…", crate::render::annotate::head_chars(sentence, 320))
    } else {
        sentence.to_string()
    }
}

#[test]
fn stops_find_the_sentences_spaces_found() {
    let mut next = crate::text::random(0x9e37_79b9);
    let pieces = ["word", "é", " ", " ", ". ", "? ", "! ", ".\" ", " .", " ,", ".", "\"", "…", "x"];
    for round in 0..400 {
        let words = if round % 10 == 0 { 900 } else { 60 };
        let source: String = (0..next(words)).map(|_| pieces[next(pieces.len() as u64) as usize]).collect();
        let mut text = TextMap::new();
        text.push_segment(&source);
        let chars = text.char_len();
        let mut block_starts = vec![0];
        block_starts.extend((0..next(4)).map(|_| next(chars as u64 + 1) as usize));
        block_starts.sort_unstable();
        let collected =
            Collected { text, segments: Vec::new(), segment_of: Vec::new(), position_at: Vec::new(), block_starts };
        for position in 0..=chars + 1 {
            assert_eq!(
                sentence_at(&collected, position),
                old_sentence_at(&collected, position),
                "at {position} of {:?} (blocks {:?})",
                collected.text.as_str(),
                collected.block_starts
            );
        }
    }
}
