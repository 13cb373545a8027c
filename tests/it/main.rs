//! The integration tests, one binary of modules (one link instead of one per file). Each
//! module drives khabar as a user would (the built binary) or through the library crates,
//! against fixtures and servers it starts on 127.0.0.1 itself.
//!
//! `tests/hostile.rs` is a binary of its own: it measures the heap of its whole process with a
//! counting global allocator, which other tests running beside it would disturb.

mod common;
#[path = "../support/mod.rs"]
mod support;

mod archive;
mod ccnews;
mod cli;
mod commands;
mod crawl;
mod faults;
mod feeds;
mod fixtures;
mod generic;
mod pathological;
mod python;
mod robustness;
mod schema;
mod shared;
mod state;
mod structure;
mod traps;
