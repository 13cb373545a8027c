//! Support for the crawl tests: the test web site ([`site`]) and ways to crawl it, through the
//! library or through the built binary.
//!
//! Everything here talks to 127.0.0.1 only: the site binds 127.0.0.1 on a port the OS picks,
//! and every seed is one of its addresses.

#![allow(dead_code)]

pub mod heap;
pub mod pages;
pub mod process;
pub mod redis;
pub mod site;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use khabar::config::Config;
use khabar_crawl::output::Output;
use khabar_crawl::{CrawlOutcome, CrawlSettings, Crawler, NoProgress};
use khabar_extract::Extractor;
use khabar_extract::Record;

/// The test configuration: the aawsat selectors, for host 127.0.0.1.
pub fn config_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/test-config.toml")
}

pub fn test_config() -> Config {
    let text = include_str!("test-config.toml");
    Config::parse(text, Path::new("tests/support/test-config.toml")).expect("test config is valid")
}

/// Settings for a fast crawl of the test site from `seeds`: no pacing, short timeouts and
/// backoff, deep enough for every page of the site.
pub fn settings(seeds: &[String]) -> CrawlSettings {
    let mut s = test_config().crawl;
    s.seeds = seeds.to_vec();
    s.rate = 0.0;
    s.burst = 1;
    s.max_depth = 10;
    s.max_pages = 0;
    s.timeout = Duration::from_secs(5);
    s.connect_timeout = Duration::from_secs(2);
    s.robots_timeout = Duration::from_secs(5);
    s.idle_timeout = Duration::from_secs(30);
    s.retries = 1;
    s.backoff_base = Duration::from_millis(100);
    s
}

/// Crawls with the library and returns how it ended and every record, in order. Fails the
/// test if the crawl does not end within `limit`.
pub async fn crawl(settings: CrawlSettings) -> (CrawlOutcome, Vec<Record>) {
    crawl_within(settings, Duration::from_secs(40)).await
}

pub async fn crawl_within(settings: CrawlSettings, limit: Duration) -> (CrawlOutcome, Vec<Record>) {
    let extractor = Arc::new(Extractor::new(test_config().profiles, None).expect("extractor"));
    let crawler = Crawler::new(settings, extractor)
        .await
        .expect("crawler set up");
    let (tx, rx) = std::sync::mpsc::sync_channel::<Output>(4096);
    // kept alive for the whole crawl: a dropped sender reads as Ctrl-C
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let outcome = tokio::time::timeout(limit, crawler.run(tx, stop_rx, &mut NoProgress))
        .await
        .unwrap_or_else(|_| panic!("the crawl did not end within {limit:?}"));
    drop(stop_tx);
    let records: Vec<Record> = rx
        .try_iter()
        .filter_map(|o| match o {
            Output::Record(r, _) => Some(*r),
            Output::Fetch(_) | Output::Done(_) => None,
        })
        .collect();
    (outcome, records)
}

/// The records whose `url` is `url`.
pub fn records_for<'a>(records: &'a [Record], url: &str) -> Vec<&'a Record> {
    records.iter().filter(|r| r.url == url).collect()
}

/// The `khabar` binary with the test configuration, run from the repository root.
pub fn khabar_crawl(args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_khabar"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c.env_remove("KHABAR_LOG");
    c.arg("--config")
        .arg(config_path())
        .arg("crawl")
        .arg("--no-state");
    c.args(args);
    c
}

/// Runs a test server on a thread of its own, with a two-worker tokio runtime: `serve`
/// is called inside the runtime (where a std listener can become a tokio one) and its
/// future runs until it ends or the returned sender fires or is dropped.
pub fn spawn_server<F, Fut>(
    name: String,
    serve: F,
) -> (
    tokio::sync::oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                tokio::select! {
                    _ = serve() => {}
                    _ = stop_rx => {}
                }
            });
            rt.shutdown_timeout(Duration::from_millis(100));
        })
        .expect("server thread");
    (stop_tx, thread)
}
