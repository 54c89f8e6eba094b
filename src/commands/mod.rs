//! Commands that make or change a project rather than build it: `init` and
//! `new` (`scaffold`), and `import` of W3C annotations.

pub mod import;
pub mod scaffold;
