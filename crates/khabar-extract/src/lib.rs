#![deny(missing_docs)]
#![warn(unreachable_pub, unnameable_types)]
//! khabar-extract: one news page's bytes and address in, one clean record per article out.
//!
//! No network, no runtime, no storage. An [`Extractor`] holds the site [`Profiles`] (CSS
//! selectors per site, read from the `[profiles]` table of a TOML configuration); for
//! each page ([`PageInput`]) it decodes the bytes (HTTP charset, byte order mark, `<meta>`,
//! detection), bounds hostile markup, parses once, picks the profile covering the page's
//! host and reads each article's fields down a cascade: profile selectors, JSON-LD,
//! OpenGraph and meta tags, `<time>`, then a generic extractor for whatever is still
//! empty. Out come [`Record`]s ([`PageOutput`]), serialisable as the NDJSON lines
//! `docs/record.md` defines, with a [`Trace`] of how each field was found.
//!
//! ```
//! use khabar_extract::{Extractor, PageInput, Profiles, SourceKind};
//!
//! // no `[profiles]` at all: metadata and the generic extractor do the work
//! let profiles = Profiles::parse("", "<none>".as_ref())?;
//! let extractor = Extractor::new(profiles, None)?;
//!
//! let html = br#"<!doctype html><html lang="en"><head>
//!     <title>Rain returns to the coast | Example News</title>
//!     <meta property="og:type" content="article">
//!     <meta property="article:published_time" content="2025-01-02T08:30:00Z">
//! </head><body><article>
//!     <h1>Rain returns to the coast</h1>
//!     <p>After a dry year, the first storms of winter reached the coast on Thursday.</p>
//!     <p>Farmers said the rain came too late for the olive harvest.</p>
//! </article></body></html>"#;
//! let mut input = PageInput::new(html);
//! input.page_url = Some("https://news.example.com/2025/01/02/rain".parse()?);
//!
//! let out = extractor.extract(&input);
//! let (record, _trace) = &out.articles[0];
//! println!("{}", record.headline.as_deref().unwrap_or("(no headline)"));
//! assert_eq!(record.headline.as_deref(), Some("Rain returns to the coast"));
//! assert_eq!(record.published_at.as_deref(), Some("2025-01-02T08:30:00+00:00"));
//! assert_eq!(record.source.kind, SourceKind::File);
//! assert_eq!(record.body.len(), 2);
//!
//! // one NDJSON line, or a document for people
//! let line = serde_json::to_string(record)?;
//! assert!(line.starts_with(r#"{"schema":"khabar.article/1""#));
//! let markdown = khabar_extract::render::Format::Markdown.document(record);
//! assert!(markdown.contains("# Rain returns to the coast"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The API
//!
//! - extraction: [`Extractor`], [`PageInput`], [`PageOutput`], [`ParsedPage`] (a page
//!   parsed once, for callers that also want its links), [`Trace`], [`UnknownProfile`];
//! - the record: [`Record`] and its parts ([`SourceInfo`], [`SourceKind`], [`Block`] and
//!   [`ListItem`], [`SubList`], [`Cell`], [`Link`], [`Caption`], [`Dateline`], [`Related`],
//!   [`Extraction`]), [`SCHEMA`], [`ARTICLE_FIELDS`], [`article_id`], [`content_hash`];
//! - site profiles: [`Profiles`], [`Profile`] and the types of its fields
//!   ([`SelectorList`], [`FieldSelector`], [`CaptionRules`], [`RelatedRules`], [`Zone`]),
//!   [`ConfigError`]; the [`config`] module has the rest (reading a configuration file
//!   that holds more than `[profiles]`);
//! - [`render`]: a record as Markdown, plain text or HTML;
//! - helpers the crawler shares: [`dates`] (timestamps as records carry them), [`urls`]
//!   (resolving links, telling two addresses of one article apart), [`looks_binary`].
//!
//! Everything else is private. The HTML parser's types appear nowhere in the API.

// the README's example, compiled and run with the doc tests
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod address;
mod blocks;
mod caption;
mod charset;
pub mod config;
mod dateline;
mod datetime;
mod dom;
mod entities;
mod extract;
mod generic;
mod html;
mod limits;
mod metadata;
mod month_names;
mod record;
mod rendering;
mod selector;
mod text;
mod zone;

pub use blocks::{Block, Cell, Link, ListItem, SubList};
pub use caption::Caption;
pub use charset::looks_binary;
pub use config::{CaptionRules, ConfigError, Profile, Profiles, RelatedRules};
pub use dateline::Dateline;
pub use extract::{Extractor, PageInput, PageOutput, ParsedPage, Trace, UnknownProfile};
pub use record::{
    ARTICLE_FIELDS, Extraction, Record, Related, SCHEMA, SourceInfo, SourceKind, article_id,
    content_hash,
};
pub use selector::{FieldSelector, SelectorList};
pub use zone::Zone;

/// A record as a document for people and language models: Markdown (CommonMark, with
/// GitHub's tables), plain text, or minimal HTML, the article's metadata on top.
///
/// ```
/// use khabar_extract::render::Format;
/// assert_eq!(Format::Markdown.extension(), "md");
/// ```
pub mod render {
    pub use crate::rendering::{Format, direction, html, markdown, text};
}

/// Timestamps as records carry them: RFC 3339 with an offset, to the second.
///
/// ```
/// use khabar_extract::{Zone, dates};
/// let d = dates::parse_machine("2024-03-27 13:52", Zone::utc()).unwrap();
/// assert_eq!(dates::format_rfc3339(&d), "2024-03-27T13:52:00+00:00");
/// ```
pub mod dates {
    pub use crate::datetime::{format_rfc3339, parse_machine, rfc3339_or_none};
}

/// Links found in pages: resolved against the page's address (http and https only), and
/// the key under which two addresses of one article compare equal.
///
/// ```
/// use khabar_extract::urls::{resolve, same_article_key};
/// let base = "https://www.example.com/news/".parse().unwrap();
/// let u = resolve(Some(&base), "2025/story/").unwrap();
/// assert_eq!(u.as_str(), "https://www.example.com/news/2025/story/");
/// assert_eq!(same_article_key(&u), same_article_key(&"http://example.com/news/2025/story".parse().unwrap()));
/// ```
pub mod urls {
    pub use crate::address::{resolve, same_article_key};
}

/// Not part of the API: the pieces khabar's fuzz targets, benchmarks and tests call
/// directly. They change without notice.
#[doc(hidden)]
pub mod internals {
    /// Decoding a page's bytes.
    pub mod charset {
        pub use crate::charset::{
            CharsetSource, Decoded, PRESCAN_BYTES, decode, detect, late_meta, prescan, prescan_meta,
        };
    }
    /// Reading dates.
    pub mod dates {
        pub use crate::datetime::{parse_offset, parse_visible};
    }
    /// Datelines and captions.
    pub mod dateline {
        pub use crate::caption::split_credit;
        pub use crate::dateline::{ParsedDateline, parse_line, parse_opening};
    }
    /// Bounds on hostile markup.
    pub mod limits {
        pub use crate::limits::{Bounded, MAX_DEPTH, bound_markup};
    }
    /// Character references in metadata.
    pub mod entities {
        pub use crate::entities::decode_entities;
    }
    /// Page metadata.
    pub mod metadata {
        pub use crate::metadata::{LdArticle, LdAuthor, PageMeta};
    }
}
