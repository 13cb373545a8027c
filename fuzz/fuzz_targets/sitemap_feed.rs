//! Sitemaps (plain and gzipped) and RSS/Atom feeds from any bytes.
#![no_main]
use khabar_crawl::internals::discover::{gunzip_limited, parse_feed, parse_sitemap, sniff};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sniff(Some("application/xml"), data);
    let entries = parse_sitemap(data);
    assert!(entries.pages.iter().all(|(loc, _)| !loc.is_empty()));
    let _ = parse_feed(data);
    if let Ok(inflated) = gunzip_limited(data, 1 << 20) {
        assert!(inflated.len() <= 1 << 20);
        let _ = parse_sitemap(&inflated);
    }
});
