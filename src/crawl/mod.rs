//! The crawler: a scheduler with one queue and one pace per host, a downloader, and the
//! extractor, feeding records to a sink as soon as each page is extracted.
//!
//! sources (seeds, sitemaps, feeds, links) → frontier → fetch → extract → records → sink

pub mod discover;
mod engine;
pub mod fetch;
pub mod frontier;
mod incremental;
pub mod job;
pub mod network;
pub mod pacing;
mod progress;
pub mod robots;
pub mod scope;
pub mod settings;
pub mod stats;
mod task;

pub use engine::{CrawlError, CrawlOutcome, Crawler};
pub use progress::Progress;
pub use settings::CrawlSettings;
pub use stats::CrawlStats;
