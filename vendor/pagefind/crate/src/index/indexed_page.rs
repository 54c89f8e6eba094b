//! A page packed for the index as soon as it is fossicked.
//!
//! Fossicking keeps every occurrence of every word of a page (`FossickedWord`: 32 bytes,
//! with an `Option<String>`) and the page's text twice, until the whole site is indexed.
//! An [`IndexedPage`] holds what building the index needs of a page, and no more: its
//! words packed as the index stores them (`i32` locations), and its fragment already
//! encoded and gzipped. Pages are packed in parallel as they are added, so memory is
//! bounded by the index being written rather than by the site's text, and a page can be
//! encoded to bytes and decoded again ([`IndexedPage::to_bytes`]), to keep it between
//! builds.
//!
//! Page numbers are given when the index is built ([`super::build_indexes`]): a packed
//! page's words carry page number 0, and its meta locations the page's own field ids,
//! remapped then to the site's (both orders are sorted, so the remapping keeps the
//! order the locations were packed in).

use std::collections::BTreeMap;

use hashbrown::HashMap;
use minicbor::{Decode, Encode};

use super::index_words::{PackedPage, PackedVariant, PackedWord};
use super::{meta_positions_to_packed, positions_to_packed_page};
use crate::fossick::{FossickedData, FossickedWord, MetaFossickedWord};
use crate::output::{gzip, Level};
use crate::utils::full_hash;

/// A fossicked page, packed for the index (see the module's documentation).
#[derive(Clone, Debug, Encode, Decode)]
pub struct IndexedPage {
    #[n(0)]
    pub(crate) url: String,
    #[n(1)]
    pub(crate) language: String,
    /// The page's words with their locations, under page number 0.
    #[n(2)]
    pub(crate) words: Vec<PackedWord>,
    /// Did the page's body have words (meta words aside)? Pages without are left out.
    #[n(3)]
    pub(crate) has_words: bool,
    /// The page's meta fields, sorted: the field ids of its meta locations index this.
    #[n(4)]
    pub(crate) meta_fields: Vec<String>,
    #[n(5)]
    pub(crate) filters: BTreeMap<String, Vec<String>>,
    #[n(6)]
    pub(crate) sort: BTreeMap<String, String>,
    /// The SHA-1 of the fragment's JSON, in hex (the language prefix is added when built).
    #[n(7)]
    pub(crate) fragment_hash: String,
    /// The fragment's file: its JSON after Pagefind's marker, gzipped.
    #[n(8)]
    #[cbor(with = "minicbor::bytes")]
    pub(crate) fragment: Vec<u8>,
    #[n(9)]
    pub(crate) word_count: usize,
    #[n(10)]
    pub(crate) has_custom_body: bool,
    #[n(11)]
    pub(crate) force_inclusion: bool,
    #[n(12)]
    pub(crate) has_html_element: bool,
    #[n(13)]
    pub(crate) has_old_bundle_reference: bool,
    #[n(14)]
    pub(crate) has_default_ui_reference: bool,
}

impl IndexedPage {
    /// Packs a fossicked page: its words as the index stores them, its fragment encoded.
    pub(crate) fn pack(page: FossickedData) -> IndexedPage {
        let mut words: HashMap<String, PackedWord> = HashMap::new();
        let has_words = !page.word_data.is_empty();
        for (word, positions) in page.word_data {
            pack_body_word(&mut words, word, positions);
        }
        for (word, positions) in page.meta_word_data {
            pack_meta_word(&mut words, word, positions);
        }
        let data = &page.fragment.data;
        let encoded = serde_json::to_string(data).unwrap();
        IndexedPage {
            url: page.url,
            language: page.language,
            words: words.into_values().collect(),
            has_words,
            meta_fields: data.meta.keys().cloned().collect(),
            filters: data.filters.clone(),
            sort: page.sort,
            fragment_hash: full_hash(encoded.as_bytes()),
            fragment: gzip(Level::Fragments, &[encoded.as_bytes()]),
            word_count: data.word_count,
            has_custom_body: page.has_custom_body,
            force_inclusion: page.force_inclusion,
            has_html_element: page.has_html_element,
            has_old_bundle_reference: page.has_old_bundle_reference,
            has_default_ui_reference: page.has_default_ui_reference,
        }
    }

    /// The page as bytes, for [`IndexedPage::from_bytes`].
    pub fn to_bytes(&self) -> Vec<u8> {
        minicbor::to_vec(self).expect("encoding into a Vec cannot fail")
    }

    /// A page from the bytes of [`IndexedPage::to_bytes`] (of the same Pagefind build).
    pub fn from_bytes(bytes: &[u8]) -> anyhow::Result<IndexedPage> {
        minicbor::decode(bytes).map_err(|e| anyhow::anyhow!("not a packed page: {e}"))
    }

    /// The page's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// The page's word entry, made on first use.
fn entry<'a>(words: &'a mut HashMap<String, PackedWord>, word: &str) -> &'a mut PackedWord {
    words.entry_ref(word).or_insert_with(|| PackedWord {
        word: word.to_string(),
        pages: Vec::new(),
        additional_variants: Vec::new(),
    })
}

/// A word of the body: its locations, those of each diacritic variant apart.
fn pack_body_word(words: &mut HashMap<String, PackedWord>, word: String, positions: Vec<FossickedWord>) {
    // Group positions by original_word for this page
    let mut normalized_positions: Vec<FossickedWord> = Vec::new();
    let mut variant_positions: BTreeMap<String, Vec<FossickedWord>> = BTreeMap::new();
    for fossicked in positions {
        match fossicked.original_word.clone() {
            // No diacritics - original matches normalized form
            None => normalized_positions.push(fossicked),
            // Original form differs (has diacritics) - stored instead in additional_variants
            Some(original) => variant_positions.entry(original).or_default().push(fossicked),
        }
    }
    let packed_word = entry(words, &word);
    if !normalized_positions.is_empty() {
        packed_word.pages.push(positions_to_packed_page(normalized_positions, 0));
    }
    for (form, positions) in variant_positions {
        let page = positions_to_packed_page(positions, 0);
        match packed_word.additional_variants.iter_mut().find(|v| v.form == form) {
            Some(variant) => variant.pages.push(page),
            None => packed_word.additional_variants.push(PackedVariant { form, pages: vec![page] }),
        }
    }
}

/// A word of the meta fields: its locations beside the body's, under the page's field ids.
fn pack_meta_word(words: &mut HashMap<String, PackedWord>, word: String, positions: Vec<MetaFossickedWord>) {
    let mut normalized: Vec<MetaFossickedWord> = Vec::new();
    let mut variants: BTreeMap<String, Vec<MetaFossickedWord>> = BTreeMap::new();
    for fossicked in positions {
        match fossicked.original_word.clone() {
            Some(original) => variants.entry(original).or_default().push(fossicked),
            None => normalized.push(fossicked),
        }
    }
    let packed_word = entry(words, &word);
    if !normalized.is_empty() {
        set_meta_locs(&mut packed_word.pages, meta_positions_to_packed(normalized));
    }
    // Handle diacritic variants in meta
    for (form, positions) in variants {
        let meta_locs = meta_positions_to_packed(positions);
        match packed_word.additional_variants.iter_mut().find(|v| v.form == form) {
            Some(variant) => set_meta_locs(&mut variant.pages, meta_locs),
            None => packed_word.additional_variants.push(PackedVariant {
                form,
                pages: vec![PackedPage { page_number: 0, locs: vec![], meta_locs }],
            }),
        }
    }
}

/// Sets the page's meta locations on its (only) entry, made if the body had none.
fn set_meta_locs(pages: &mut Vec<PackedPage>, meta_locs: Vec<i32>) {
    match pages.first_mut() {
        Some(page) => page.meta_locs = meta_locs,
        None => pages.push(PackedPage { page_number: 0, locs: vec![], meta_locs }),
    }
}

/// Meta locations under the site's field ids: `field_ids[i]` for the page's field `i`.
pub(crate) fn remap_meta_fields(meta_locs: &mut [i32], field_ids: &[u16]) {
    for loc in meta_locs.iter_mut().filter(|loc| **loc < 0) {
        *loc = -(field_ids[(-*loc - 1) as usize] as i32) - 1;
    }
}
