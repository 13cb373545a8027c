//! robots.txt parsing and matching on any text.
#![no_main]
use khabar_crawl::internals::robots::Robots;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let robots = Robots::parse(&text, "khabar");
    for path in ["/", "/robots.txt", "/a/b?c=d", "/%D8%A3/x", "/private/"] {
        let _ = robots.allows(path);
    }
    assert!(robots.allows("/robots.txt"));
    let _ = robots.describe();
});
