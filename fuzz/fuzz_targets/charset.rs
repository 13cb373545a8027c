//! Charset decisions on any bytes, with any HTTP charset label.
#![no_main]
use khabar_extract::internals::charset::{decode, prescan_meta};
use khabar_extract::looks_binary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (label, body) = match data.iter().position(|b| *b == 0xFF) {
        Some(i) => (std::str::from_utf8(&data[..i]).ok(), &data[i + 1..]),
        None => (None, data),
    };
    let _ = prescan_meta(body);
    let _ = looks_binary(body);
    let decoded = decode(body, label, Some(b"com"));
    if let Some(at) = decoded.first_malformed {
        assert!(at <= body.len());
    }
});
