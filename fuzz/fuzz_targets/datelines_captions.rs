//! Dateline and caption parsing on any text.
#![no_main]
use khabar_extract::internals::dateline::{parse_line, parse_opening, split_credit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(p) = parse_line(s) {
        assert!(!p.dateline.raw.is_empty());
    }
    let _ = parse_opening(s);
    if let Some((text, credit)) = split_credit(s) {
        assert!(!text.is_empty());
        assert!(credit.is_none_or(|c| !c.is_empty()));
    }
});
