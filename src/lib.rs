//! `dossier`: a static-site generator for annotated dossiers.
//!
//! The binary (`main.rs`) only parses arguments and calls [`cli::run`]. The
//! layers, lowest first: `diagnostics`, `model`, `config`, `content`,
//! `text`/`annotate`, `xref`, `highlight`/`chart`/`figure`, `markdown`,
//! `views`/`templates`, `changes`/`exports`, `build`, `output`, `cli`.

mod assemble;
mod build;
mod changes;
mod chart;
pub mod cli;
mod config;
mod content;
mod diagnostics;
mod exports;
mod figure;
/// The `cargo fuzz` entry point (see `fuzz/`); not a stable API.
#[doc(hidden)]
pub mod fuzzing;
mod highlight;
mod html;
mod lint;
mod markdown;
mod output;
mod published;
#[cfg(test)]
mod reference;
mod scaffold;
mod search;
mod serve;
mod templates;
mod urls;
mod views;
mod xref;

/// Quote anchoring and the normalised text it runs on, public for benchmarks.
pub mod annotate;
pub mod model;
pub mod text;
