//! Archives the tests build themselves.
#![allow(dead_code)]

use std::io::Write;

/// One plain WARC record with the given type, target and block.
pub fn record(warc_type: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    record_with(
        warc_type,
        uri,
        block,
        &format!("Content-Length: {}\r\n", block.len()),
    )
}

/// A record whose Content-Length line (or any extra fields) is given verbatim.
pub fn record_with(warc_type: &str, uri: &str, block: &[u8], extra: &str) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: <urn:uuid:{}>\r\nWARC-Date: 2026-12-03T10:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n{extra}\r\n",
        uuid_for(uri)
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn uuid_for(uri: &str) -> String {
    let n = uri
        .bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64));
    format!(
        "{:08x}-0000-4000-8000-{:012x}",
        n as u32,
        n & 0xffff_ffff_ffff
    )
}

/// An HTTP response block.
pub fn http(content_type: Option<&str>, body: &str) -> Vec<u8> {
    let mut s = String::from("HTTP/1.1 200 OK\r\n");
    if let Some(ct) = content_type {
        s.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    s.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.into_bytes()
}

/// `bytes` as one gzip member.
pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `n` HTML response records, plain; their offsets.
pub fn plain_archive(n: usize) -> (Vec<u8>, Vec<u64>) {
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    for i in 0..n {
        offsets.push(out.len() as u64);
        let body = format!(
            "<html><title>page {i}</title><p>{}</p></html>",
            "text ".repeat(i * 7)
        );
        out.extend(record(
            "response",
            &format!("https://news.example/{i}"),
            &http(Some("text/html; charset=utf-8"), &body),
        ));
    }
    (out, offsets)
}

/// The same records, one gzip member each; the members' offsets.
pub fn gz_archive(n: usize) -> (Vec<u8>, Vec<u64>) {
    let (plain, offsets) = plain_archive(n);
    let mut out = Vec::new();
    let mut gz_offsets = Vec::new();
    for (i, start) in offsets.iter().enumerate() {
        let end = offsets
            .get(i + 1)
            .map(|e| *e as usize)
            .unwrap_or(plain.len());
        gz_offsets.push(out.len() as u64);
        out.extend(gz(&plain[*start as usize..end]));
    }
    (out, gz_offsets)
}

/// A record read (target URI, offset) or an error (message, offset).
pub type Item = Result<(String, u64), (String, u64)>;

/// The target URIs of the records read and the errors, in order.
pub fn read_all(bytes: &[u8]) -> Vec<Item> {
    khabar_warc::WarcReader::new(bytes)
        .map(|item| match item {
            Ok(r) => Ok((r.target_uri().unwrap_or("").to_string(), r.offset)),
            Err(e) => Err((e.to_string(), e.offset())),
        })
        .collect()
}
