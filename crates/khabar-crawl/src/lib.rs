#![deny(missing_docs)]
#![warn(unreachable_pub, unnameable_types)]
//! khabar-crawl: a polite, rate-limited crawler feeding the extractor
//! ([`khabar_extract`]), and the pipelines around it.
//!
//! ```text
//! sources (seeds, sitemaps, feeds, links) → frontier → fetch → extract → records → sink
//! ```
//!
//! A [`Crawler`] runs one crawl: one queue and one pace per host, robots.txt, scope,
//! sitemaps and feeds, retries and backoff, each page extracted as soon as it is fetched
//! and its records handed over ([`output::Output`]). [`job::run_job`] runs it as the
//! `crawl` command does: with its crawl state ([`state`]) so that the next run writes only
//! new or changed articles, once or on a schedule, records to a file, a folder or standard
//! output ([`output`]); or with a frontier and state many workers share on a Redis server
//! ([`shared`]). [`run::run_extract`] is the `extract` command: pages from a
//! [`source::PageSource`] (saved pages, web archives, or your own) extracted on worker
//! threads into a [`output::RecordSink`], in input order.
//!
//! ```
//! use khabar_crawl::output::NdjsonWriter;
//! use khabar_crawl::run::{ExtractOptions, run_extract};
//! use khabar_crawl::source::{InputError, LoadedPage, PageSource};
//! use khabar_extract::{Extractor, Profiles, SourceInfo, SourceKind};
//!
//! /// Pages already in memory: (address, HTML).
//! struct Pages(Vec<(&'static str, &'static str)>);
//!
//! impl PageSource for Pages {
//!     fn next_page(&mut self) -> Option<Result<LoadedPage, InputError>> {
//!         let (url, html) = self.0.pop()?;
//!         Some(Ok(LoadedPage {
//!             label: url.to_string(),
//!             url: url.parse().ok(),
//!             bytes: html.as_bytes().to_vec(),
//!             source: SourceInfo::of_kind(SourceKind::Memory),
//!             fallback_url: None,
//!             http_charset: Some("utf-8".to_string()),
//!         }))
//!     }
//! }
//!
//! // no `[profiles]`: metadata and the generic extractor do the work
//! let extractor = Extractor::new(Profiles::parse("", "<none>".as_ref())?, None)?;
//! let mut pages = Pages(vec![(
//!     "https://news.example.com/2025/01/02/rain",
//!     r#"<!doctype html><html lang="en"><head>
//!         <title>Rain returns to the coast | Example News</title>
//!         <meta property="og:type" content="article">
//!         <meta property="article:published_time" content="2025-01-02T08:30:00Z">
//!     </head><body><article>
//!         <h1>Rain returns to the coast</h1>
//!         <p>After a dry year, the first storms of winter reached the coast on Thursday.</p>
//!         <p>Farmers said the rain came too late for the olive harvest.</p>
//!     </article></body></html>"#,
//! )]);
//! // records as NDJSON lines, here into memory
//! let mut sink = NdjsonWriter::new(Vec::new());
//!
//! let stats = run_extract(
//!     &mut pages,
//!     &extractor,
//!     &mut sink,
//!     &ExtractOptions::default(),
//!     &mut std::io::sink(), // where `--explain` accounts would go
//! );
//! assert!(stats.all_ok() && stats.write_error.is_none());
//! assert_eq!((stats.pages, stats.records), (1, 1));
//!
//! let ndjson = String::from_utf8(sink.into_inner()?)?;
//! let record: serde_json::Value = serde_json::from_str(ndjson.trim_end())?;
//! println!("{}", record["headline"]);
//! assert_eq!(record["headline"], "Rain returns to the coast");
//! assert_eq!(record["published_at"], "2025-01-02T08:30:00+00:00");
//! assert_eq!(record["source"]["kind"], "memory");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The API
//!
//! - the crawl: [`Crawler`], [`CrawlError`], [`CrawlOutcome`], [`CrawlSettings`] (and the
//!   [`settings`] module: the `[crawl]` keys, their flags, reading them from a config);
//!   [`CrawlStats`] ([`HostStats`], [`FieldFill`], [`ReadProblems`]), [`CrawlProgress`],
//!   [`NoProgress`];
//! - [`job`]: a crawl as the `crawl` command runs it ([`job::run_job`]);
//! - [`output`]: where records go and as what ([`output::Destination`],
//!   [`output::OutputFormat`], [`output::RecordSink`], [`output::NdjsonWriter`]);
//! - [`run`] and [`source`]: the `extract` pipeline and its inputs;
//! - [`state`]: the crawl state on disk ([`state::StateStore`]);
//! - [`shared`]: the frontier and state on a Redis server many workers share;
//! - [`ccnews`]: Common Crawl's news archives (`khabar ccnews`).
//!
//! Everything else (the frontier, pacing, robots.txt, fetching, discovery, scope) is
//! private.

// the README's example, compiled and run with the doc tests
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

// The `pub mod`s are the API's namespaces: every `pub` item written in them is API (the
// rest of each is `pub(crate)`). The private modules export what the API needs below.
mod archive;
// not curated yet: everything `pub` in it is public for now
pub mod ccnews;
mod discover;
mod engine;
mod fetch;
mod frontier;
mod incremental;
pub mod job;
mod network;
pub mod output;
mod pacing;
mod policy;
mod progress;
mod robots;
pub mod run;
mod scope;
pub mod settings;
pub mod shared;
mod signals;
mod sink;
pub mod source;
pub mod state;
mod stats;
mod task;

pub use discover::ReadProblems;
pub use engine::{CrawlError, CrawlOutcome, Crawler};
pub use progress::{CrawlProgress, NoProgress};
pub use settings::CrawlSettings;
pub use stats::{CrawlStats, FieldFill, HostStats};

/// Not part of the API: the pieces khabar's fuzz targets and tests call directly. They
/// change without notice.
#[doc(hidden)]
pub mod internals {
    /// Reading sitemaps and feeds.
    pub mod discover {
        pub use crate::discover::{
            DateHint, DocKind, FeedEntries, HintFrom, PageEntry, SitemapEntries, gunzip_limited,
            parse_feed, parse_sitemap, sniff,
        };
    }
    /// robots.txt.
    pub mod robots {
        pub use crate::robots::Robots;
    }
    /// Looking names up and checking addresses ([`crate::Crawler::with_network`]).
    pub mod network {
        pub use crate::network::{
            ConnectCheck, FixedLookup, HostLookup, LookupResult, Network, SystemLookup,
        };
    }
    /// The frontier's storage, and the shared frontier on a Redis server.
    pub mod frontier {
        pub use crate::frontier::{
            FrontierStore, Lane, MalformedRequest, QueuedUrl, SharedFrontier, SharedSnapshot,
        };
        pub use crate::pacing::{PaceRule, Pacer};
        pub use crate::shared::frontier::RedisFrontier;
    }
}
