//! Resolving: the index of every page's names and ids, and the
//! cross-references between pages (citations, figure numbers, wikilinks,
//! mentions, backlinks), with the dangling ones reported.

pub mod xref;
