#![deny(missing_docs)]
//! khabar-crawl: a polite, rate-limited crawler feeding the extractor, and the pipelines
//! around it.
//!
//! ```text
//! sources (seeds, sitemaps, feeds, links) → frontier → fetch → extract → records → sink
//! ```
//!
//! The crawl: a scheduler with one queue and one pace per host ([`frontier`], [`pacing`]),
//! robots.txt ([`robots`]), scope ([`scope`]), a downloader ([`fetch`], [`network`]),
//! discovery of sitemaps and feeds ([`discover`]), the engine ([`Crawler`]), a job that runs
//! it once or on a schedule ([`job`]), and its state ([`state`]), or a frontier and state
//! many workers share on a Redis server ([`shared`]). Records leave through
//! [`sink`] and [`output`]. Saved pages come in through [`source`] and [`run`] for the
//! `extract` command.

pub mod archive;
pub mod discover;
mod engine;
pub mod fetch;
pub mod frontier;
mod incremental;
pub mod job;
pub mod network;
pub mod output;
pub mod pacing;
pub mod policy;
pub mod progress;
pub mod robots;
pub mod run;
pub mod scope;
pub mod settings;
pub mod shared;
pub mod sink;
pub mod source;
pub mod state;
pub mod stats;
mod task;

pub use engine::{CrawlError, CrawlOutcome, Crawler};
pub use progress::{CrawlProgress, NoProgress};
pub use settings::CrawlSettings;
pub use stats::CrawlStats;
