//! `dossier`: a static-site generator for annotated dossiers.
//!
//! The binary (`main.rs`) only parses arguments and calls [`cli::run`].
//! The folders are the build's phases. They form layers, lowest first; a
//! module uses only modules of its own layer or of layers above it in this
//! list, and there are no import cycles (the `layers` test reads every
//! `crate::` path and checks both):
//!
//! 1. foundations: `diagnostics`, `text`, `model`
//! 2. loading the project: `load`
//! 3. resolving names and references: `resolve`
//! 4. rendering Markdown: `render`
//! 5. what a build produces: `output`
//! 6. assembling pages: `assemble`
//! 7. the pipeline, one-shot and incremental: `build`
//! 8. commands: `commands`, `serve`, `terminal`, `cli`
//! 9. tests and fuzzing: `fuzzing`, `reference`, `layers`

mod assemble;
mod build;
pub mod cli;
mod commands;
mod diagnostics;
/// The `cargo fuzz` entry point (see `fuzz/`); not a stable API.
#[doc(hidden)]
pub mod fuzzing;
#[cfg(test)]
mod layers;
mod load;
mod output;
#[cfg(test)]
mod reference;
mod render;
mod resolve;
mod serve;
mod terminal;

/// Quote anchoring, public for benchmarks.
pub use render::annotate;
pub mod model;
/// The normalised text quotes are matched against, public for benchmarks.
pub mod text;
