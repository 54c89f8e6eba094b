//! Loading: the project folder read safely (`confine`), YAML with locations
//! (`yaml`), `dossier.yaml` (`config`), and `content/` into the model
//! (`content`). A bad file becomes a diagnostic, not a stop.

pub mod config;
pub mod confine;
pub mod content;
pub(crate) mod indent;
pub mod yaml;
