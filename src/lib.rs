//! The `khabar` command line's own parts: the configuration file, logging, crawl progress
//! and the `state` report. The work is done by the library crates: [`khabar_extract`]
//! (page bytes in, records out) and [`khabar_crawl`] (frontier, fetch, politeness, the
//! crawl state, sinks and page sources); `main.rs` only parses arguments and wires them.

pub mod config;
pub mod logging;
pub mod progress;
pub mod report;
pub mod url_list;

pub use config::Config;
pub use khabar_crawl;
pub use khabar_extract;
