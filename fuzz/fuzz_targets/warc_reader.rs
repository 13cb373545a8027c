//! The WARC reader on any bytes, plain or gzipped: records or errors naming an offset inside
//! the input, never a panic or a hang. The first byte picks how the rest is fed: 0 gzips it
//! as one member, 1 makes each piece between 0xFF bytes its own (stored) member, 2 does that and
//! then flips one byte; anything else feeds the whole input as it is (so real `.warc` and
//! `.warc.gz` files are seeds as they are).
#![no_main]
use std::io::Write;

use khabar_warc::{WarcReader, parse_http_response_with_limit};
use libfuzzer_sys::fuzz_target;

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A gzip member of stored (uncompressed) deflate blocks: cheap to build, unlike an encoder
/// per piece, and a valid member all the same.
fn stored_member(data: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    let mut blocks = data.chunks(0xffff).peekable();
    if blocks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(block) = blocks.next() {
        let last = blocks.peek().is_none();
        let len = block.len() as u16;
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let mut crc = flate2::Crc::new();
    crc.update(data);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
}

fn members(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 64);
    for piece in data.split(|b| *b == 0xFF) {
        stored_member(piece, &mut out);
    }
    out
}

fn check(bytes: &[u8]) {
    let len = bytes.len() as u64;
    let mut last = 0;
    for (n, item) in WarcReader::new(bytes).with_max_record_size(1 << 20).enumerate() {
        assert!(n <= bytes.len() + 1, "more items than bytes");
        match item {
            Ok(r) => {
                assert!(r.offset >= last, "offsets go back");
                assert!(r.offset + r.length <= len);
                last = r.offset;
                let _ = (r.record_type(), r.target_uri(), r.verify_block_digest());
                if r.is_http_response() {
                    if let Ok(h) = parse_http_response_with_limit(&r.block, 1 << 20) {
                        let _ = (h.is_html(), h.charset());
                    }
                }
            }
            Err(e) => {
                assert!(e.offset() <= len, "{e}");
                let _ = e.to_string();
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match data.split_first() {
        Some((0, rest)) => check(&gz(rest)),
        Some((1, rest)) => check(&members(rest)),
        Some((2, rest)) if rest.len() >= 2 => {
            let mut bytes = members(&rest[2..]);
            if !bytes.is_empty() {
                let at = usize::from(u16::from_le_bytes([rest[0], rest[1]])) % bytes.len();
                bytes[at] ^= 0x20;
            }
            check(&bytes);
        }
        _ => {
            check(data);
            let _ = parse_http_response_with_limit(data, 1 << 20);
        }
    }
});
