//! `dossier`: a static-site generator for annotated dossiers.
//!
//! The binary (`main.rs`) only parses arguments and calls [`cli::run`].
//! Modules form layers, lowest first; a module uses only modules of its own
//! layer or of layers above it in this list, and there are no import cycles
//! (the `layers` test reads every `crate::` path and checks both):
//!
//! 1. foundations: `diagnostics`, `model`, `text`, `html`, `confine`
//! 2. loading: `annotate`, `yaml`, `config`, `content`
//! 3. Markdown: `xref`, `chart`, `figure`, `highlight`, `markdown`, `lint`
//! 4. pages: `site`, `views`, `published`, `changes`, `exports`, `search`, `templates`, `urls`, `assemble`
//! 5. the pipeline: `build`, `output`
//! 6. commands: `import`, `scaffold`, `serve`, `cli`
//! 7. tests and fuzzing: `fuzzing`, `reference`, `layers`

mod assemble;
mod build;
mod changes;
mod chart;
pub mod cli;
mod config;
mod confine;
mod content;
mod diagnostics;
mod exports;
mod figure;
/// The `cargo fuzz` entry point (see `fuzz/`); not a stable API.
#[doc(hidden)]
pub mod fuzzing;
mod highlight;
mod html;
mod import;
#[cfg(test)]
mod layers;
mod lint;
mod markdown;
mod output;
mod published;
#[cfg(test)]
mod reference;
mod scaffold;
mod search;
mod serve;
mod site;
mod templates;
mod urls;
mod views;
mod xref;
mod yaml;

/// Quote anchoring and the normalised text it runs on, public for benchmarks.
pub mod annotate;
pub mod model;
pub mod text;
