//! Random damage to valid archives never panics or hangs, and every error names an offset
//! inside the input.

mod common;

use common::*;
use khabar_warc::{WarcReader, parse_http_response};

/// Flips, overwrites, deletes, inserts junk or digits, truncates; with `copies`, also
/// duplicates a range elsewhere.
fn mutate(rng: &mut fastrand::Rng, bytes: &mut Vec<u8>, copies: bool) {
    for _ in 0..rng.usize(1..4) {
        if bytes.is_empty() {
            bytes.push(rng.u8(..));
            continue;
        }
        let at = rng.usize(..bytes.len());
        match rng.u8(0..7) {
            0 => bytes[at] ^= 1 << rng.u8(0..8),
            1 => bytes[at] = rng.u8(..),
            2 => {
                let end = (at + rng.usize(1..200)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let junk: Vec<u8> = (0..rng.usize(1..50)).map(|_| rng.u8(..)).collect();
                bytes.splice(at..at, junk);
            }
            4 => bytes.truncate(at),
            5 if copies => {
                let end = (at + rng.usize(1..300)).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                let to = rng.usize(..=bytes.len());
                bytes.splice(to..to, copy);
            }
            5 => bytes[at] = b'\n',
            _ => {
                // digits into a Content-Length or a chunk size
                let digits: Vec<u8> = (0..rng.usize(1..12))
                    .map(|_| b'0' + rng.u8(0..10))
                    .collect();
                bytes.splice(at..at, digits);
            }
        }
    }
}

fn check(bytes: &[u8]) {
    let mut n = 0;
    let mut last_offset = 0;
    for item in WarcReader::new(bytes).with_max_record_size(1 << 20) {
        n += 1;
        assert!(n <= bytes.len() + 1, "more items than bytes");
        match item {
            Ok(r) => {
                assert!(r.offset + r.length <= bytes.len() as u64);
                assert!(r.offset >= last_offset, "offsets go back");
                last_offset = r.offset;
                if let Some(Ok(http)) = r.http_response() {
                    let _ = (http.is_html(), http.charset());
                }
                let _ = parse_http_response(&r.block);
                let _ = r.verify_block_digest();
            }
            Err(e) => {
                assert!(e.offset() <= bytes.len() as u64, "{e}");
                let _ = e.to_string();
            }
        }
    }
}

#[test]
fn random_mutations_never_panic() {
    let mut rng = fastrand::Rng::with_seed(12);
    let (plain, _) = plain_archive(6);
    let (gz, _) = gz_archive(6);
    for round in 0..3000 {
        let mut bytes = if round % 2 == 0 {
            plain.clone()
        } else {
            gz.clone()
        };
        mutate(&mut rng, &mut bytes, true);
        check(&bytes);
    }
}

#[test]
fn undamaged_records_around_a_mutation_survive() {
    // Damage confined to one record (its gzip member, or its bytes in a plain file) costs at
    // most that record. In a plain file, a copy of a record header pasted into a block makes
    // a plausible record that can swallow its neighbour (nothing frames plain records), so
    // copies are only made in gzip members there.
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..1000 {
        let (gz, offsets) = if round % 2 == 0 {
            gz_archive(8)
        } else {
            plain_archive(8)
        };
        let victim = rng.usize(0..8);
        let start = offsets[victim] as usize;
        let end = offsets
            .get(victim + 1)
            .map(|e| *e as usize)
            .unwrap_or(gz.len());
        let mut member = gz[start..end].to_vec();
        mutate(&mut rng, &mut member, round % 2 == 0);
        let mut bytes = gz[..start].to_vec();
        bytes.extend_from_slice(&member);
        bytes.extend_from_slice(&gz[end..]);
        let ok: Vec<String> = WarcReader::new(&bytes[..])
            .filter_map(|r| r.ok())
            .map(|r| r.target_uri().unwrap_or("").to_string())
            .collect();
        for i in (0..8).filter(|i| *i != victim) {
            let uri = format!("https://news.example/{i}");
            if !ok.contains(&uri) {
                let items: Vec<_> = WarcReader::new(&bytes[..])
                    .map(|r| r.map(|r| (r.offset, r.target_uri().map(String::from))))
                    .collect();
                panic!(
                    "lost {uri} after damaging record {victim}: {:?} offsets {offsets:?} member {:02x?} orig {:02x?}",
                    items,
                    &member[..member.len().min(40)],
                    &gz[start..(start + 40).min(end)]
                );
            }
        }
    }
}

#[test]
fn arbitrary_small_inputs() {
    let mut rng = fastrand::Rng::with_seed(99);
    for _ in 0..5000 {
        let len = rng.usize(0..64);
        let mut bytes: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
        if rng.bool() {
            bytes.splice(
                0..0,
                b"WARC/1.0\r\nWARC-Type: x\r\nContent-Length: "
                    .iter()
                    .copied(),
            );
        }
        if rng.u8(0..4) == 0 {
            bytes.splice(0..0, [0x1f, 0x8b, 0x08, 0x00]);
        }
        check(&bytes);
        let _ = parse_http_response(&bytes);
    }
}
