//! Reading archives: plain and gzip, offsets, damage and recovery.

mod common;

use common::*;
use khabar_warc::{Compression, RecordType, WarcError, WarcReader};

fn uris(n: std::ops::Range<usize>) -> Vec<String> {
    n.map(|i| format!("https://news.example/{i}")).collect()
}

fn oks(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|i| i.as_ref().ok())
        .map(|(u, _)| u.clone())
        .collect()
}

fn errs(items: &[Item]) -> Vec<(String, u64)> {
    items
        .iter()
        .filter_map(|i| i.as_ref().err())
        .cloned()
        .collect()
}

#[test]
fn plain_records_with_offsets_and_lengths() {
    let (bytes, offsets) = plain_archive(5);
    let records: Vec<_> = WarcReader::new(&bytes[..]).map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 5);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, offsets[i]);
        let end = offsets.get(i + 1).copied().unwrap_or(bytes.len() as u64);
        assert_eq!(r.length, end - r.offset);
        assert_eq!(r.version, "WARC/1.0");
        assert_eq!(r.record_type(), RecordType::Response);
        assert_eq!(
            r.target_uri(),
            Some(format!("https://news.example/{i}").as_str())
        );
        assert_eq!(r.date(), Some("2026-12-03T10:00:00Z"));
        assert!(r.record_id().unwrap().starts_with("<urn:uuid:"));
        let http = r.http_response().unwrap().unwrap();
        assert!(http.is_html());
        assert_eq!(http.charset(), Some("utf-8"));
        assert!(
            http.body
                .starts_with(format!("<html><title>page {i}").as_bytes())
        );
    }
}

#[test]
fn gzip_records_carry_member_offsets() {
    let (bytes, offsets) = gz_archive(5);
    let mut reader = WarcReader::new(&bytes[..]);
    let records: Vec<_> = reader.by_ref().map(|r| r.unwrap()).collect();
    assert_eq!(reader.compression(), Some(Compression::Gzip));
    assert_eq!(records.len(), 5);
    for (i, r) in records.iter().enumerate() {
        assert_eq!(r.offset, offsets[i], "record {i}");
        let end = offsets.get(i + 1).copied().unwrap_or(bytes.len() as u64);
        assert_eq!(r.length, end - r.offset);
        // offset/length address the member alone
        let member = &bytes[r.offset as usize..(r.offset + r.length) as usize];
        let again: Vec<_> = WarcReader::new(member).collect();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].as_ref().unwrap().block, r.block);
    }
}

#[test]
fn headers_case_insensitive_ordered_folded_and_warc_1_1_with_bare_lf() {
    let block = b"hello";
    let text = format!(
        "WARC/1.1\nwarc-type: resource\nX-Multi: a\nWARC-Target-URI: <https://x.example/a>\nX-Multi: b\nX-Folded: one\n  two\ncontent-length: {}\n\n",
        block.len()
    );
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(block);
    bytes.extend_from_slice(b"\n\n");
    bytes.extend(record("response", "https://x.example/b", b"x"));
    let records: Vec<_> = WarcReader::new(&bytes[..]).map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 2);
    let r = &records[0];
    assert_eq!(r.version, "WARC/1.1");
    assert_eq!(r.record_type(), RecordType::Resource);
    assert_eq!(r.header("WARC-TYPE"), Some("resource"));
    assert_eq!(r.target_uri(), Some("https://x.example/a"));
    assert_eq!(r.headers.get_all("x-multi").collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(r.header("X-Folded"), Some("one two"));
    let names: Vec<_> = r.headers.iter().map(|(n, _)| n).collect();
    assert_eq!(names[0], "warc-type");
    assert_eq!(names[1], "X-Multi");
    assert_eq!(r.block, block);
    assert_eq!(records[1].target_uri(), Some("https://x.example/b"));
}

#[test]
fn empty_and_blank_inputs_give_nothing() {
    assert!(WarcReader::new(&b""[..]).next().is_none());
    assert!(WarcReader::new(&b"\r\n\r\n  \n"[..]).next().is_none());
    let mut r = WarcReader::new(&b""[..]);
    assert!(r.next().is_none());
    assert!(r.next().is_none());
}

#[test]
fn truncated_final_record_ends_after_its_error() {
    let (bytes, offsets) = plain_archive(4);
    let cut = &bytes[..offsets[3] as usize + 150];
    let items = read_all(cut);
    assert_eq!(oks(&items), uris(0..3));
    let e = errs(&items);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].1, offsets[3]);
    assert!(e[0].0.contains("truncated"), "{}", e[0].0);
    assert!(matches!(items.last(), Some(Err(_))));

    // cut inside the header
    let items = read_all(&bytes[..offsets[3] as usize + 20]);
    assert_eq!(oks(&items), uris(0..3));
    assert_eq!(errs(&items)[0].1, offsets[3]);

    // gzip: the last member cut short
    let (gz, gz_offsets) = gz_archive(4);
    let items = read_all(&gz[..gz.len() - 30]);
    assert_eq!(oks(&items), uris(0..3));
    let e = errs(&items);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].1, gz_offsets[3]);
    assert!(e[0].0.contains("truncated"), "{}", e[0].0);
}

#[test]
fn damaged_gzip_member_in_the_middle_is_reported_and_skipped() {
    let (mut gz, offsets) = gz_archive(6);
    // garble the deflate data of the third member
    let start = offsets[2] as usize + 20;
    for b in &mut gz[start..start + 40] {
        *b ^= 0x5a;
    }
    let items = read_all(&gz);
    assert_eq!(oks(&items), [uris(0..2), uris(3..6)].concat());
    let e = errs(&items);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].1, offsets[2]);
    assert!(
        e[0].0.contains(&format!("offset {}", offsets[2])),
        "{}",
        e[0].0
    );
}

#[test]
fn gzip_member_cut_short_in_the_middle_is_skipped() {
    let (gz, offsets) = gz_archive(5);
    let mut damaged = gz[..offsets[2] as usize + 40].to_vec();
    damaged.extend_from_slice(&gz[offsets[3] as usize..]);
    let items = read_all(&damaged);
    assert_eq!(oks(&items), [uris(0..2), uris(3..5)].concat());
    let e = errs(&items);
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].1, offsets[2]);
}

#[test]
fn crc_mismatch_and_garbage_between_members() {
    let (gz, offsets) = gz_archive(4);
    let mut damaged = gz.clone();
    // the CRC32 of the second member is its last 8 bytes' first 4
    let crc_at = offsets[2] as usize - 8;
    damaged[crc_at] ^= 1;
    let items = read_all(&damaged);
    assert_eq!(oks(&items), [uris(0..1), uris(2..4)].concat());
    assert_eq!(errs(&items)[0].1, offsets[1]);

    let mut garbage = gz[..offsets[2] as usize].to_vec();
    garbage.extend_from_slice(b"junk between members");
    garbage.extend_from_slice(&gz[offsets[2] as usize..]);
    let items = read_all(&garbage);
    assert_eq!(oks(&items), uris(0..4));
    let e = errs(&items);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].1, offsets[2]);
}

#[test]
fn bad_content_length_plain() {
    let (bytes, offsets) = plain_archive(5);
    for bad in [
        "Content-Length: 12\r\n",
        "Content-Length: 100000\r\n",
        "Content-Length: x12\r\n",
        "",
    ] {
        let mut damaged = bytes[..offsets[2] as usize].to_vec();
        damaged.extend(record_with(
            "response",
            "https://news.example/bad",
            b"<html>some page</html>",
            bad,
        ));
        damaged.extend_from_slice(&bytes[offsets[2] as usize..]);
        let items = read_all(&damaged);
        assert_eq!(oks(&items), uris(0..5), "with {bad:?}");
        let e = errs(&items);
        assert_eq!(e.len(), 1, "{bad:?}: {e:?}");
        assert_eq!(e[0].1, offsets[2]);
        if bad.contains("100000") {
            // runs past the end: the file ends inside the block
            assert!(e[0].0.contains("truncated"), "{}", e[0].0);
        } else {
            assert!(e[0].0.contains("Content-Length"), "{}", e[0].0);
        }
    }
}

#[test]
fn bad_content_length_in_a_gzip_member() {
    let (gz, offsets) = gz_archive(3);
    for bad in [
        "Content-Length: 3\r\n",
        "Content-Length: 5000\r\n",
        "Content-Length: -1\r\n",
    ] {
        let mut damaged = gz[..offsets[1] as usize].to_vec();
        damaged.extend(gz_member_with(bad));
        damaged.extend_from_slice(&gz[offsets[1] as usize..]);
        let items = read_all(&damaged);
        assert_eq!(oks(&items), uris(0..3), "{bad:?}");
        let e = errs(&items);
        assert_eq!(e.len(), 1, "{bad:?}: {e:?}");
        assert_eq!(e[0].1, offsets[1]);
        assert!(e[0].0.contains("Content-Length"), "{}", e[0].0);
    }
}

fn gz_member_with(cl: &str) -> Vec<u8> {
    gz(&record_with(
        "response",
        "https://news.example/bad",
        b"<html>x</html>",
        cl,
    ))
}

#[test]
fn bad_header_plain_resyncs_on_next_record() {
    let (bytes, offsets) = plain_archive(3);
    let mut damaged = bytes[..offsets[1] as usize].to_vec();
    damaged.extend_from_slice(b"WARC/1.0\r\nno colon here\r\n\r\n");
    damaged.extend_from_slice(b"garbage line\r\n");
    damaged.extend_from_slice(&bytes[offsets[1] as usize..]);
    let items = read_all(&damaged);
    assert_eq!(oks(&items), uris(0..3));
    let e = errs(&items);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].0.contains("bad record header"), "{}", e[0].0);
    assert_eq!(e[0].1, offsets[1]);
}

#[test]
fn oversized_records_are_refused_and_skipped() {
    let (bytes, offsets) = plain_archive(3);
    // plain, a Content-Length far beyond memory
    let mut damaged = bytes[..offsets[1] as usize].to_vec();
    damaged.extend(record_with(
        "response",
        "https://news.example/huge",
        b"tiny",
        "Content-Length: 99999999999999\r\n",
    ));
    damaged.extend_from_slice(&bytes[offsets[1] as usize..]);
    let items: Vec<_> = WarcReader::new(&damaged[..]).collect();
    let e: Vec<_> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(e.len(), 1);
    assert!(
        matches!(e[0], WarcError::TooLarge { offset, .. } if *offset == offsets[1]),
        "{:?}",
        e[0]
    );
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 3);

    // gzip, a member that decompresses past the limit
    let (gzb, gz_offsets) = gz_archive(3);
    let mut damaged = gzb[..gz_offsets[1] as usize].to_vec();
    let big = vec![b'a'; 200_000];
    damaged.extend(gz(&record("resource", "https://news.example/big", &big)));
    damaged.extend_from_slice(&gzb[gz_offsets[1] as usize..]);
    let items: Vec<_> = WarcReader::new(&damaged[..])
        .with_max_record_size(100_000)
        .collect();
    let e: Vec<_> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(e.len(), 1);
    assert!(
        matches!(e[0], WarcError::TooLarge { offset, limit: 100_000, .. } if *offset == gz_offsets[1])
    );
    assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 3);
}

#[test]
fn several_records_in_one_member_share_its_offset() {
    let (plain, _) = plain_archive(3);
    let (gz0, _) = gz_archive(1);
    let mut bytes = gz0.clone();
    bytes.extend(gz(&plain));
    let records: Vec<_> = WarcReader::new(&bytes[..]).map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 4);
    assert!(records[1..].iter().all(|r| r.offset == gz0.len() as u64));
}

#[test]
fn read_errors_end_the_iteration() {
    struct Failing<'a>(&'a [u8]);
    impl std::io::Read for Failing<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = out.len().min(self.0.len()).min(100);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    for (bytes, _) in [plain_archive(3), gz_archive(3)] {
        let cut = &bytes[..bytes.len() - 10];
        let items: Vec<_> = WarcReader::new(Failing(cut)).collect();
        assert_eq!(items.iter().filter(|i| i.is_ok()).count(), 2);
        let last = items.last().unwrap().as_ref().unwrap_err();
        assert!(matches!(last, WarcError::Io { .. }), "{last:?}");
        assert!(last.to_string().contains("disk on fire"));
    }
}

#[test]
fn byte_at_a_time_reader_gives_the_same_records() {
    struct Slow<'a>(&'a [u8]);
    impl std::io::Read for Slow<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() || out.is_empty() {
                return Ok(0);
            }
            out[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }
    for (bytes, offsets) in [plain_archive(4), gz_archive(4)] {
        let got: Vec<u64> = WarcReader::new(Slow(&bytes))
            .map(|r| r.unwrap().offset)
            .collect();
        assert_eq!(got, offsets);
    }
}

#[test]
fn damaged_start_of_a_file_is_detected_and_skipped() {
    let (gz, offsets) = gz_archive(3);
    let mut damaged = gz.clone();
    damaged[0] = b'x';
    let items = read_all(&damaged);
    assert_eq!(oks(&items), uris(1..3));
    assert_eq!(errs(&items).len(), 1);
    assert_eq!(errs(&items)[0].1, offsets[0]);

    let (plain, offsets) = plain_archive(3);
    let mut damaged = plain.clone();
    damaged[0] = b'x';
    let items = read_all(&damaged);
    assert_eq!(oks(&items), uris(1..3));
    assert_eq!(errs(&items)[0].1, offsets[0]);
}

#[test]
fn two_damaged_members_in_a_row() {
    let (mut gz, offsets) = gz_archive(6);
    for m in [2, 3] {
        let start = offsets[m] as usize + 40;
        for b in &mut gz[start..start + 30] {
            *b ^= 0x5a;
        }
    }
    let items = read_all(&gz);
    assert_eq!(oks(&items), [uris(0..2), uris(4..6)].concat());
    let e = errs(&items);
    assert_eq!(e[0].1, offsets[2]);
    // the second member's header is whole, so its damage is reported too
    assert_eq!(e.len(), 2, "{e:?}");
    assert_eq!(e[1].1, offsets[3]);
}
