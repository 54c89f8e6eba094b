//! Commands that make or change a project rather than build it: `init` and
//! `new` (`scaffold`), and `import` of W3C annotations; and `links`, which
//! checks the web addresses a project points to (`check --links`).

pub mod import;
pub(crate) mod links;
pub mod scaffold;
