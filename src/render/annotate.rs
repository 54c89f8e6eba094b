//! Strict quote anchoring: W3C TextQuoteSelector semantics, resolved at build time.
//!
//! Every annotation's quote is searched in the article's normalised rendered
//! text ([`TextMap`]) in one Aho-Corasick pass over all quotes, so anchoring
//! stays linear in the article's size however many annotations there are.
//! Candidates are narrowed by `prefix`/`suffix`, then `occurrence`. Zero or
//! too many matches is an error with the nearest candidates; nothing is ever
//! re-anchored fuzzily.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::model::{Annotation, Occurrence};
use crate::text::TextMap;

/// One placed annotation: characters `start..end` of the normalised text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    /// Index of the annotation in the article's list.
    pub annotation: usize,
    /// 1-based number of this match when `occurrence: all` places several.
    pub piece: usize,
    pub start: usize,
    pub end: usize,
}

/// Why an annotation could not be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnchorError {
    EmptyQuote,
    NotFound {
        nearest: Vec<String>,
    },
    Ambiguous {
        matches: Vec<String>,
    },
    NoSuchOccurrence {
        wanted: usize,
        found: usize,
    },
    /// Placing it would make the article's highlights too many or too long (see [`Limits`]).
    TooMuch {
        pieces: usize,
        chars: usize,
        limit_pieces: usize,
        limit_chars: usize,
    },
    /// One of its highlights would lie under more than [`Limits::depth`] others.
    TooDeep {
        /// Characters `start..end` of the text where they pile up, shown.
        at: String,
        depth: usize,
    },
}

/// Bounds on what the annotations of one article may place. Every highlight is written into
/// the page and into `annotations.jsonld` with its text, so overlapping annotations and
/// `occurrence: all` on a short quote could turn a 19 KB article into a 78 MB page. Each bound
/// grows with the article, so any number of annotations that do not pile up is accepted
/// (10,000 on a long transcript), and the page stays within a fixed multiple of the article.
pub struct Limits {
    /// Highlights (matches) in one article: at least `pieces`, else one per
    /// `chars_per_piece` characters of its text.
    pub pieces: usize,
    pub chars_per_piece: usize,
    /// Highlighted characters summed over all highlights, as a multiple of the article's text.
    pub chars_per_text_char: usize,
    /// Highlights over any one character: each one more wraps the text in another `<mark>`,
    /// and one that ends inside another closes and reopens the marks above it.
    pub depth: usize,
}

pub const LIMITS: Limits = Limits { pieces: 2_000, chars_per_piece: 8, chars_per_text_char: 8, depth: 16 };

/// Unanchored quotes of one article that get a search for the nearest text (each search reads
/// the whole article); the rest are reported without, so 10,000 broken quotes report quickly.
const NEAREST_SEARCHES: usize = 20;

impl AnchorError {
    pub fn describe(&self, quote: &str) -> (String, String) {
        // A quote of a whole article is named by its first words.
        let cut = head_chars(quote, 60);
        let quote = &if cut.len() < quote.len() { format!("{cut}…") } else { quote.to_string() };
        match self {
            AnchorError::EmptyQuote => (
                "annotation has an empty `quote`".into(),
                "quote the exact words of the article the note is about".into(),
            ),
            AnchorError::NotFound { nearest } if nearest.is_empty() => (
                format!("quote \"{quote}\" is not in the article's text"),
                "copy the quote from the rendered article; matching is exact and case-sensitive".into(),
            ),
            AnchorError::NotFound { nearest } => (
                format!("quote \"{quote}\" is not in the article's text"),
                format!("nearest text in the article: {}", nearest.join("; ")),
            ),
            AnchorError::Ambiguous { matches } => (
                format!("quote \"{quote}\" matches {} places", matches.len()),
                format!(
                    "add `prefix:`/`suffix:` or `occurrence: N` (or `occurrence: all`); the matches: {}",
                    matches.join("; ")
                ),
            ),
            AnchorError::TooMuch { pieces, chars, limit_pieces, limit_chars } => (
                format!(
                    "quote \"{quote}\" would bring the article's highlights to {pieces} pieces covering {chars} characters (at most {limit_pieces} pieces and {limit_chars} characters)"
                ),
                "every highlight is copied into the page and into annotations.jsonld; narrow `occurrence: all` with `prefix:`/`suffix:` or `occurrence: N`, or quote fewer words".into(),
            ),
            AnchorError::TooDeep { at, depth } => (
                format!(
                    "quote \"{quote}\" would lie under {depth} other highlights at {at} (at most {} may overlap)",
                    LIMITS.depth
                ),
                "so many notes on the same words cannot be shown apart; merge them into one annotation, or quote fewer words".into(),
            ),
            AnchorError::NoSuchOccurrence { wanted, found } => (
                format!("`occurrence: {wanted}` but quote \"{quote}\" occurs {found} time(s)"),
                format!("use an occurrence between 1 and {found}"),
            ),
        }
    }
}

const CONTEXT: usize = 32;

/// Places every annotation on `text`; returns the anchors (sorted by position) and the failures.
pub fn anchor(text: &TextMap, annotations: &[Annotation]) -> (Vec<Anchor>, Vec<(usize, AnchorError)>) {
    let quotes: Vec<String> = annotations.iter().map(|a| TextMap::normalize(&a.quote)).collect();
    let mut pattern_of: HashMap<&str, usize> = HashMap::new();
    let mut patterns: Vec<&str> = Vec::new();
    for q in quotes.iter().filter(|q| !q.is_empty()) {
        pattern_of.entry(q.as_str()).or_insert_with(|| {
            patterns.push(q.as_str());
            patterns.len() - 1
        });
    }
    let mut hits: Vec<Vec<usize>> = vec![Vec::new(); patterns.len()];
    if !patterns.is_empty() {
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .expect("quote patterns always build");
        for m in automaton.find_overlapping_iter(text.as_str()) {
            hits[m.pattern().as_usize()].push(m.start());
        }
    }

    let mut anchors = Vec::new();
    let mut errors = Vec::new();
    let mut searches = NEAREST_SEARCHES;
    let limit_chars = LIMITS.chars_per_text_char * text.char_len().max(1000);
    let limit_pieces = LIMITS.pieces.max(text.char_len() / LIMITS.chars_per_piece);
    let (mut pieces, mut chars) = (0usize, 0usize);
    for (index, (annotation, quote)) in annotations.iter().zip(&quotes).enumerate() {
        if quote.is_empty() {
            errors.push((index, AnchorError::EmptyQuote));
            continue;
        }
        let starts = &hits[pattern_of[quote.as_str()]];
        match select(text, annotation, quote, starts, &mut searches) {
            Ok(chosen) => {
                let more = chosen.len() * quote.chars().count();
                if pieces + chosen.len() > limit_pieces || chars + more > limit_chars {
                    let (pieces, chars) = (pieces + chosen.len(), chars + more);
                    errors.push((index, AnchorError::TooMuch { pieces, chars, limit_pieces, limit_chars }));
                    continue;
                }
                pieces += chosen.len();
                chars += more;
                for (piece, byte) in chosen.into_iter().enumerate() {
                    let start = text.char_index(byte);
                    let end = text.char_index(byte + quote.len());
                    anchors.push(Anchor { annotation: index, piece: piece + 1, start, end });
                }
            }
            Err(e) => errors.push((index, e)),
        }
    }
    anchors.sort_by_key(|a| (a.start, std::cmp::Reverse(a.end), a.annotation));
    let piled = piled_up(text, &anchors);
    if !piled.is_empty() {
        anchors.retain(|a| !piled.contains_key(&a.annotation));
        errors.extend(piled);
        errors.sort_by_key(|(index, _)| *index);
    }
    (anchors, errors)
}

/// The annotations that have a highlight under more than [`Limits::depth`] others, with
/// where: one sweep over the anchors (sorted by start) with a heap of the open ones' ends.
fn piled_up(text: &TextMap, anchors: &[Anchor]) -> HashMap<usize, AnchorError> {
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut open: BinaryHeap<Reverse<usize>> = BinaryHeap::new();
    let mut piled = HashMap::new();
    for a in anchors {
        while open.peek().is_some_and(|Reverse(end)| *end <= a.start) {
            open.pop();
        }
        if open.len() >= LIMITS.depth {
            let end = a.end.min(a.start + 40);
            let at = format!("\"{}\"", text.slice(a.start, end));
            piled.entry(a.annotation).or_insert(AnchorError::TooDeep { at, depth: open.len() });
            continue;
        }
        open.push(Reverse(a.end));
    }
    piled
}

/// Narrows the byte offsets where `quote` occurs to the ones the annotation means.
fn select(
    text: &TextMap,
    annotation: &Annotation,
    quote: &str,
    starts: &[usize],
    searches: &mut usize,
) -> Result<Vec<usize>, AnchorError> {
    let full = text.as_str();
    if starts.is_empty() {
        if *searches == 0 {
            return Err(AnchorError::NotFound { nearest: Vec::new() });
        }
        *searches -= 1;
        return Err(AnchorError::NotFound { nearest: nearest(full, quote) });
    }
    let prefix = annotation.prefix.as_deref().map(TextMap::normalize);
    let suffix = annotation.suffix.as_deref().map(TextMap::normalize);
    let narrowed: Vec<usize> = starts
        .iter()
        .copied()
        .filter(|&s| prefix.as_deref().is_none_or(|p| full[..s].trim_end().ends_with(p.trim_end())))
        .filter(|&s| suffix.as_deref().is_none_or(|x| full[s + quote.len()..].trim_start().starts_with(x.trim_start())))
        .collect();
    if narrowed.is_empty() {
        return Err(AnchorError::NotFound {
            nearest: starts.iter().take(3).map(|&s| context(full, s, quote.len())).collect(),
        });
    }
    match annotation.occurrence {
        Some(Occurrence::All) => Ok(narrowed),
        Some(Occurrence::Nth(n)) => narrowed
            .get(n - 1)
            .map(|&s| vec![s])
            .ok_or(AnchorError::NoSuchOccurrence { wanted: n, found: narrowed.len() }),
        None if narrowed.len() == 1 => Ok(narrowed),
        None => Err(AnchorError::Ambiguous {
            matches: narrowed.iter().take(5).map(|&s| context(full, s, quote.len())).collect(),
        }),
    }
}

/// A match shown with the text around it: `…before [quote] after…`.
fn context(full: &str, start: usize, len: usize) -> String {
    let before = tail_chars(&full[..start], CONTEXT);
    let after = head_chars(&full[start + len..], CONTEXT);
    format!("\"…{before}[{}]{after}…\"", &full[start..start + len])
}

pub fn tail_chars(s: &str, n: usize) -> &str {
    let start = s.char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i);
    &s[start..]
}

pub fn head_chars(s: &str, n: usize) -> &str {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    &s[..end]
}

/// `text` in lower case, if lowering keeps every character's byte length
/// (so offsets found in the result are offsets in `text`).
fn lowercase_in_place(text: &str) -> Option<String> {
    let mut lower = String::with_capacity(text.len());
    for c in text.chars() {
        let mut folded = c.to_lowercase();
        match (folded.next(), folded.next()) {
            (Some(l), None) if l.len_utf8() == c.len_utf8() => lower.push(l),
            _ => return None,
        }
    }
    Some(lower)
}

/// The places that come closest to `quote`: same text in another case, else its longest leading words.
fn nearest(full: &str, quote: &str) -> Vec<String> {
    if let (Some(lower_full), Some(lower_quote)) = (lowercase_in_place(full), lowercase_in_place(quote))
        && let Some(i) = lower_full.find(&lower_quote)
    {
        return vec![format!("{} (differs in case)", context(full, i, quote.len()))];
    }
    // The longest run of leading words found in the text. If the first k words occur, so do
    // the first k - 1: a binary search needs log2(words) passes over the text, not one per word.
    let words: Vec<&str> = quote.split(' ').collect();
    let head = |take: usize| words[..take].join(" ");
    let found_at = |take: usize| {
        let head = head(take);
        (head.chars().count() >= 3).then(|| full.match_indices(&head).take(3).map(|(i, _)| i).collect::<Vec<_>>())
    };
    let Some(shortest) = (1..words.len()).find(|&take| head(take).chars().count() >= 3) else {
        return Vec::new();
    };
    // `lo`: the most words found so far (`shortest - 1`: none); `hi`: the most worth trying.
    let (mut lo, mut hi) = (shortest - 1, words.len() - 1);
    let mut best = Vec::new();
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        match found_at(mid) {
            Some(at) if !at.is_empty() => {
                lo = mid;
                best = at;
            }
            _ => hi = mid - 1,
        }
    }
    best.into_iter().map(|i| context(full, i, head_chars(&full[i..], quote.chars().count()).len())).collect()
}

#[cfg(test)]
mod tests {
    use super::{AnchorError, anchor};
    use crate::model::{Annotation, AnnotationKind, Occurrence};
    use crate::text::TextMap;

    fn note(quote: &str) -> Annotation {
        Annotation::new(quote, AnnotationKind::Context)
    }

    fn text_of(blocks: &[&[&str]]) -> TextMap {
        let mut map = TextMap::new();
        for block in blocks {
            map.boundary();
            for segment in *block {
                map.push_segment(segment);
            }
        }
        map
    }

    /// (article blocks of segments, annotation, expected matched text or error)
    #[test]
    fn quotes_anchor_exactly_or_fail_clearly() {
        let with = |mut a: Annotation, f: &dyn Fn(&mut Annotation)| {
            f(&mut a);
            a
        };
        type Case<'a> = (&'a [&'a [&'a str]], Annotation, Result<&'a str, &'a str>);
        let cases: Vec<Case> = vec![
            // across emphasis: segments "led by ", "Man", " Aung"
            (&[&["led by ", "Man", " Aung Hlaing"]], note("Man Aung"), Ok("Man Aung")),
            // smart quotes in the text, straight in the quote
            (&[&["he said \u{201C}stop\u{201D}."]], note("\"stop\""), Ok("\"stop\"")),
            // NBSP and runs of spaces
            (&[&["France\u{00A0}24  reported"]], note("France 24 reported"), Ok("France 24 reported")),
            // Burmese with a zero-width non-joiner in the text
            (
                &[&["\u{1019}\u{200C}\u{103C}\u{1014}\u{103A}\u{1019}\u{102C}"]],
                note("\u{1019}\u{103C}\u{1014}\u{103A}"),
                Ok("\u{1019}\u{103C}\u{1014}\u{103A}"),
            ),
            // paragraph edges: a block boundary is one space
            (&[&["end of one."], &["Start of two"]], note("one. Start"), Ok("one. Start")),
            // case-sensitive
            (&[&["The Army"]], note("the army"), Err("differs in case")),
            // lower-casing that changes byte lengths (ẞ → ß, Ⱥ → ⱥ) never misplaces offsets
            // (it panicked on a char boundary before: "ab" was found at byte 2, inside the ẞ)
            (&[&["\u{1E9E}ab \u{23A}"]], note("AB"), Err("not in the article")),
            // ambiguous without occurrence
            (&[&["army and army"]], note("army"), Err("matches 2 places")),
            (&[&["army and army"]], with(note("army"), &|a| a.occurrence = Some(Occurrence::Nth(2))), Ok("army")),
            (&[&["army and army"]], with(note("army"), &|a| a.prefix = Some("and".into())), Ok("army")),
            (&[&["army and army"]], with(note("army"), &|a| a.suffix = Some("and".into())), Ok("army")),
            (
                &[&["army and army"]],
                with(note("army"), &|a| a.occurrence = Some(Occurrence::Nth(3))),
                Err("occurs 2 time"),
            ),
            (&[&["nothing here"]], note("Tatmadaw"), Err("not in the article")),
        ];
        for (blocks, annotation, expected) in cases {
            let text = text_of(blocks);
            let (anchors, errors) = anchor(&text, std::slice::from_ref(&annotation));
            match expected {
                Ok(want) => {
                    assert!(errors.is_empty(), "{:?}: {errors:?}", annotation.quote);
                    assert_eq!(text.slice(anchors[0].start, anchors[0].end), want);
                }
                Err(part) => {
                    let (message, help) = errors[0].1.describe(&annotation.quote);
                    let all = format!("{message} {help}");
                    assert!(all.contains(part), "{:?}: {all}", annotation.quote);
                }
            }
        }
    }

    #[test]
    fn occurrence_all_places_every_match_and_overlaps_are_kept() {
        let text = text_of(&[&["army and army and navy"]]);
        let mut all = note("army");
        all.occurrence = Some(Occurrence::All);
        let (anchors, errors) = anchor(&text, &[all, note("army and navy")]);
        assert!(errors.is_empty());
        let spans: Vec<(usize, usize, usize)> = anchors.iter().map(|a| (a.annotation, a.start, a.end)).collect();
        // sorted by start, longer first, so an enclosing mark opens before the one it contains
        assert_eq!(spans, vec![(0, 0, 4), (1, 9, 22), (0, 9, 13)]);
        assert!(matches!(anchor(&text, &[note("")]).1[0].1, AnchorError::EmptyQuote));
    }

    #[test]
    fn ten_thousand_separate_annotations_are_all_placed() {
        let sentences: Vec<String> = (0..10_000).map(|i| format!("statement {i} was made. ")).collect();
        let text = text_of(&[&sentences.iter().map(String::as_str).collect::<Vec<_>>()]);
        let notes: Vec<Annotation> = (0..10_000).map(|i| note(&format!("statement {i} was"))).collect();
        let (anchors, errors) = anchor(&text, &notes);
        assert!(errors.is_empty(), "{:?}", &errors[..errors.len().min(3)]);
        assert_eq!(anchors.len(), 10_000);
    }

    #[test]
    fn highlights_piled_on_the_same_words_are_refused_past_the_depth_bound() {
        let text = text_of(&[&["the same words, over and over"]]);
        let notes: Vec<Annotation> = (0..20).map(|_| note("same words")).collect();
        let (anchors, errors) = anchor(&text, &notes);
        assert_eq!(anchors.len(), super::LIMITS.depth, "the first ones are placed");
        assert_eq!(errors.len(), 20 - super::LIMITS.depth);
        let (message, help) = errors[0].1.describe("same words");
        assert!(message.contains("would lie under 16 other highlights at \"same words\""), "{message}");
        assert!(help.contains("merge them into one annotation"), "{help}");
    }
}
