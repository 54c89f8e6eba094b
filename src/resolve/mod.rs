//! Resolving: the index of every page's names and ids, and the
//! cross-references between pages (citations, figure numbers, wikilinks,
//! mentions, backlinks), with the dangling ones reported; and the claims the
//! dossier reviews (`rating:`), with the bad verdicts reported.

pub mod claims;
pub mod xref;
