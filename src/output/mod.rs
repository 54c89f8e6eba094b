//! What a build produces and where it goes: the site in memory (`site`),
//! the view structs templates see (`views`) and the templates themselves,
//! URLs, the published text, exports, the search index, and the disk
//! (`disk`), written whole or not at all, and what the last builds wrote there
//! (`manifest`).

pub mod cache;
pub mod disk;
pub mod exports;
pub mod manifest;
pub mod published;
pub mod search;
pub mod site;
pub mod templates;
pub mod urls;
pub mod views;
