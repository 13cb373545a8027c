#![deny(missing_docs)]
//! khabar-extract: one news page's bytes and address in, one clean record per article out.
//!
//! No network, no runtime, no storage: decoding ([`charset`]), bounds on hostile markup
//! ([`limits`]), one parse, the site profiles ([`config`]), the field cascade
//! ([`extract`]: profile selectors, JSON-LD, OpenGraph and meta, `<time>`, then the
//! [`generic`] extractor for whatever is still empty) and the NDJSON [`record`].
//!
//! ```no_run
//! use khabar_extract::{Extractor, PageInput, Profiles};
//! use khabar_extract::record::{SourceInfo, SourceKind};
//!
//! let profiles = Profiles::parse("", std::path::Path::new("<none>")).unwrap();
//! let extractor = Extractor::new(profiles, None).unwrap();
//! let html = b"<html><body><article><h1>Title</h1><p>Some text.</p></article></body></html>";
//! let out = extractor.extract(&PageInput {
//!     bytes: html,
//!     page_url: url::Url::parse("https://example.com/2025/01/02/story").ok(),
//!     http_charset: None,
//!     source: SourceInfo { kind: SourceKind::Stdin, file: None, fetched_at: None, status: None, record_id: None, offset: None },
//!     fallback_url: None,
//! });
//! for (record, _trace) in out.articles {
//!     println!("{}", serde_json::to_string(&record).unwrap());
//! }
//! ```

pub mod blocks;
pub mod caption;
pub mod charset;
pub mod config;
pub mod dateline;
pub mod dates;
pub mod dom;
pub mod entities;
pub mod extract;

pub mod generic;
pub mod html;
pub mod limits;
pub mod metadata;
pub mod record;
pub mod render;
pub mod selector;
pub mod text;
pub mod urls;
pub mod zone;

pub use config::{ConfigError, Profiles};
pub use extract::{Extractor, PageInput, PageOutput};
pub use record::Record;
