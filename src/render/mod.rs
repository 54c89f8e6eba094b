//! Rendering: quote anchoring (`annotate`), Markdown to HTML plus the facts
//! it found (`markdown`), code highlighting, figures and charts, and the
//! checks that read rendered text (`lint`). Nothing here touches Tera.

/// Quote anchoring, public for benchmarks (`benches/anchoring.rs`).
pub mod annotate;
pub mod chart;
pub mod figure;
pub mod highlight;
pub mod lint;
pub mod markdown;
