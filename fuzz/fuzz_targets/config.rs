//! The config loader on any text: an error or a config, never a panic.
#![no_main]
use std::path::Path;

use khabar::config::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(e) = Config::parse(text, Path::new("fuzz.toml")) {
        assert!(e.to_string().starts_with("fuzz.toml:"), "{e}");
    }
});
