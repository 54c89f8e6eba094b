//! The article's rendered text, normalised, with a map back to the Markdown events.
//!
//! Annotation quotes are matched against this text (SPEC §5): Unicode NFC,
//! every run of white space (NBSP included) as one space, zero-width
//! characters and soft hyphens removed, curly quotes and dashes folded to
//! ASCII. Each character of the normalised text remembers which text
//! segment (a Markdown text or code event) and which bytes of it it came
//! from, so a match can be highlighted in the HTML without touching the
//! article's own text.

/// HTML escaping and safe URLs, for every layer that writes HTML.
pub(crate) mod html;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Where one character of the normalised text came from: bytes of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Origin {
    pub segment: u32,
    pub start: u32,
    pub end: u32,
}

/// Normalised text plus, for each of its characters, the origin in the source.
#[derive(Debug, Default)]
pub struct TextMap {
    text: String,
    /// Byte offset in `text` of each character.
    char_starts: Vec<u32>,
    origins: Vec<Origin>,
    segment_lens: Vec<u32>,
    pending_space: Option<Origin>,
}

enum Folded {
    Space,
    Drop,
    Char(char),
    Str(&'static str),
}

fn fold(c: char) -> Folded {
    match c {
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Folded::Drop,
        c if c.is_whitespace() => Folded::Space,
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Folded::Char('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Folded::Char('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => Folded::Char('-'),
        '\u{2026}' => Folded::Str("..."),
        c => Folded::Char(c),
    }
}

/// Can a normalisation cluster start at `c` (nothing before it can compose with it)?
fn starts_cluster(c: char) -> bool {
    c.is_ascii() || (canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes)
}

impl TextMap {
    pub fn new() -> TextMap {
        TextMap::default()
    }

    /// A map with room for `bytes` of text (and as many characters) before it grows.
    pub fn with_capacity(bytes: usize) -> TextMap {
        TextMap {
            text: String::with_capacity(bytes),
            char_starts: Vec::with_capacity(bytes),
            origins: Vec::with_capacity(bytes),
            ..TextMap::default()
        }
    }

    /// Normalises a standalone string (a quote, a prefix) the same way as the article.
    pub fn normalize(text: &str) -> String {
        let mut map = TextMap::new();
        map.push_segment(text);
        map.text
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn char_len(&self) -> usize {
        self.origins.len()
    }

    pub fn segment_count(&self) -> usize {
        self.segment_lens.len()
    }

    pub fn segment_len(&self, segment: u32) -> u32 {
        self.segment_lens[segment as usize]
    }

    /// The origin of character `index`.
    pub fn origin(&self, index: usize) -> Origin {
        self.origins[index]
    }

    /// The character index at byte offset `byte` of the normalised text.
    pub fn char_index(&self, byte: usize) -> usize {
        self.char_starts.partition_point(|&b| (b as usize) < byte)
    }

    /// The byte offset in the normalised text of character `index`.
    pub fn byte_offset(&self, index: usize) -> usize {
        self.char_starts.get(index).map_or(self.text.len(), |&b| b as usize)
    }

    /// Characters `start..end` of the normalised text.
    pub fn slice(&self, start: usize, end: usize) -> &str {
        &self.text[self.byte_offset(start)..self.byte_offset(end)]
    }

    /// The character index of the first character that came from `segment` at or after `byte`.
    pub fn position_in_segment(&self, segment: u32, byte: u32) -> usize {
        self.origins.partition_point(|o| (o.segment, o.start) < (segment, byte))
    }

    /// A block boundary: counts as one space between blocks.
    pub fn boundary(&mut self) {
        if !self.text.is_empty() && self.pending_space.is_none() {
            let origin =
                self.origins.last().map_or(Origin { segment: 0, start: 0, end: 0 }, |o| Origin { start: o.end, ..*o });
            self.pending_space = Some(origin);
        }
    }

    /// Adds the text of the next segment (a text or code event); returns the segment number.
    pub fn push_segment(&mut self, source: &str) -> u32 {
        let segment = self.segment_lens.len() as u32;
        self.segment_lens.push(source.len() as u32);
        if source.is_ascii() {
            self.push_ascii(source, segment);
            return segment;
        }
        let mut chars = source.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            let mut end = start + c.len_utf8();
            while let Some(&(next_start, next)) = chars.peek() {
                if starts_cluster(next) {
                    break;
                }
                end = next_start + next.len_utf8();
                chars.next();
            }
            let origin = Origin { segment, start: start as u32, end: end as u32 };
            let cluster = &source[start..end];
            if cluster.len() == c.len_utf8() && c.is_ascii() {
                self.push_folded(c, origin);
            } else {
                for n in cluster.nfc() {
                    self.push_folded(n, origin);
                }
            }
        }
        segment
    }

    fn push_folded(&mut self, c: char, origin: Origin) {
        match fold(c) {
            Folded::Drop => {}
            Folded::Space => {
                if !self.text.is_empty() && self.pending_space.is_none() {
                    self.pending_space = Some(origin);
                }
            }
            Folded::Char(c) => self.push_char(c, origin),
            Folded::Str(s) => s.chars().for_each(|c| self.push_char(c, origin)),
        }
    }

    /// An ASCII segment (most text): every character is a cluster of its own, folds to
    /// itself unless it is white space, and is one byte, so the runs between white space
    /// are copied whole.
    fn push_ascii(&mut self, source: &str, segment: u32) {
        self.text.reserve(source.len());
        self.char_starts.reserve(source.len());
        self.origins.reserve(source.len());
        let bytes = source.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let run = bytes[at..].iter().position(|&b| char::from(b).is_whitespace()).map_or(bytes.len(), |n| at + n);
            if run > at {
                self.flush_space();
                let base = self.text.len() as u32;
                self.text.push_str(&source[at..run]);
                self.char_starts.extend((0..(run - at) as u32).map(|k| base + k));
                self.origins.extend((at as u32..run as u32).map(|k| Origin { segment, start: k, end: k + 1 }));
            }
            if run < bytes.len() {
                let start = run as u32;
                self.push_folded(char::from(bytes[run]), Origin { segment, start, end: start + 1 });
            }
            at = run + 1;
        }
    }

    /// A pending space is written before the next character.
    fn flush_space(&mut self) {
        if let Some(space) = self.pending_space.take() {
            self.char_starts.push(self.text.len() as u32);
            self.text.push(' ');
            self.origins.push(space);
        }
    }

    fn push_char(&mut self, c: char, origin: Origin) {
        self.flush_space();
        self.char_starts.push(self.text.len() as u32);
        self.text.push(c);
        self.origins.push(origin);
    }
}

/// A small deterministic generator for tests that compare two ways of doing one thing on
/// random input: each call gives a number in `0..n`.
#[cfg(test)]
pub(crate) fn random(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    }
}

#[cfg(test)]
mod tests {
    use super::TextMap;

    #[test]
    fn normalisation_folds_what_the_spec_lists() {
        let cases = [
            ("  a \u{00A0}\t b  ", "a b"),
            ("\u{201C}quoted\u{201D} it\u{2019}s", "\"quoted\" it's"),
            ("2015\u{2013}2021 \u{2014} done\u{2026}", "2015-2021 - done..."),
            ("soft\u{00AD}hyphen zero\u{200B}width", "softhyphen zerowidth"),
            ("e\u{0301}", "\u{00E9}"),
            ("\u{1019}\u{200C}\u{103C}\u{1014}\u{103A}", "\u{1019}\u{103C}\u{1014}\u{103A}"),
            ("\u{1025}\u{102E}", "\u{1026}"),
        ];
        for (input, expected) in cases {
            assert_eq!(TextMap::normalize(input), expected, "{input:?}");
        }
    }

    #[test]
    fn every_character_maps_back_to_its_segment_bytes() {
        let mut map = TextMap::new();
        map.push_segment("Hello ");
        map.boundary();
        let second = map.push_segment("  wo\u{2019}ld");
        assert_eq!(map.as_str(), "Hello wo'ld");
        let apostrophe = map.as_str().find('\'').unwrap();
        let origin = map.origin(map.char_index(apostrophe));
        assert_eq!((origin.segment, origin.start, origin.end), (second, 4, 7));
    }

    /// The ASCII fast path gives the map that folding character by character gives.
    #[test]
    fn ascii_runs_map_as_characters_one_by_one() {
        use super::Origin;
        let mut next = super::random(0x2545_f491);
        let alphabet = b"ab .,\t\n\r\x0b\x0c\"'?";
        for _ in 0..500 {
            let (mut fast, mut slow) = (TextMap::new(), TextMap::new());
            for _ in 0..next(6) {
                if next(4) == 0 {
                    fast.boundary();
                    slow.boundary();
                    continue;
                }
                let segment: String =
                    (0..next(12)).map(|_| char::from(alphabet[next(alphabet.len() as u64) as usize])).collect();
                let number = fast.push_segment(&segment);
                slow.segment_lens.push(segment.len() as u32);
                for (at, byte) in (0u32..).zip(segment.bytes()) {
                    slow.push_folded(char::from(byte), Origin { segment: number, start: at, end: at + 1 });
                }
            }
            assert_eq!(fast.text, slow.text);
            assert_eq!(fast.char_starts, slow.char_starts, "{:?}", fast.text);
            assert_eq!(fast.origins, slow.origins, "{:?}", fast.text);
            assert_eq!(fast.pending_space, slow.pending_space);
        }
    }
}
