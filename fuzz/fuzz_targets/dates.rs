//! Visible and machine dates: never a panic, and what comes out is RFC 3339.
#![no_main]
use khabar_extract::Zone;
use khabar_extract::dates::{format_rfc3339, parse_machine};
use khabar_extract::internals::dates::{parse_offset, parse_visible};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let utc = Zone::utc();
    for dt in [parse_visible(s, utc), parse_machine(s, utc)]
        .into_iter()
        .flatten()
    {
        let out = format_rfc3339(&dt);
        assert!(chrono::DateTime::parse_from_rfc3339(&out).is_ok(), "{out}");
    }
    let _ = parse_offset(s);
});
