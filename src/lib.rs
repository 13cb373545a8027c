//! khabar: news article pages in, one clean JSON record per article out.
//!
//! Data flows one way: sources ([`source`]) → extraction ([`extract`], driven by the site
//! profiles of [`config`], with [`generic`] for what no profile covers) → records ([`record`]) → sinks ([`sink`]). [`run`] wires them
//! for the `extract` command; `main.rs` only parses arguments.

pub mod caption;
pub mod charset;
pub mod config;
pub mod crawl;
pub mod dateline;
pub mod dates;
pub mod dom;
pub mod entities;
pub mod extract;
pub mod generic;
pub mod limits;
pub mod logging;
pub mod metadata;
pub mod output;
pub mod record;
pub mod run;
pub mod selector;
pub mod sink;
pub mod source;
pub mod state;
pub mod text;
pub mod urls;

pub use config::{Config, ConfigError};
pub use extract::{Extractor, PageInput, PageOutput};
pub use record::Record;
