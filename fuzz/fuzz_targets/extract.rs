//! The extractor on arbitrary bytes, with an address taken from the input's first line.
#![no_main]
use std::sync::LazyLock;

use khabar::config::Config;
use khabar_extract::{Extractor, PageInput, SourceInfo, SourceKind};
use libfuzzer_sys::fuzz_target;

static EXTRACTOR: LazyLock<Extractor> =
    LazyLock::new(|| Extractor::new(Config::builtin().profiles, Some("aawsat")).unwrap());

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(0);
    let url = std::str::from_utf8(&data[..split])
        .ok()
        .and_then(|u| url::Url::parse(u).ok());
    let input = PageInput {
        bytes: &data[split..],
        page_url: url,
        http_charset: None,
        source: SourceInfo {
            kind: SourceKind::File,
            file: None,
            fetched_at: None,
            status: None,
            record_id: None,
            offset: None,
        },
        fallback_url: None,
    };
    for (record, _) in EXTRACTOR.extract(&input).articles {
        let line = serde_json_line(&record);
        assert!(!line.contains('\n'));
    }
});

fn serde_json_line(r: &khabar_extract::Record) -> String {
    let mut w = khabar_crawl::output::NdjsonWriter::new(Vec::new());
    w.write(r).unwrap();
    let bytes = w.into_inner().unwrap();
    String::from_utf8(bytes)
        .unwrap()
        .trim_end_matches('\n')
        .to_string()
}
