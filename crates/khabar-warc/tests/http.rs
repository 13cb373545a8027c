//! HTTP bodies in response blocks, and digests.

use std::io::Write;

use khabar_warc::{HttpError, parse_http_response, parse_http_response_with_limit, sha1_base32};

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn chunked(data: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for c in data.chunks(size) {
        out.extend(format!("{:x};ext=1\r\n", c.len()).into_bytes());
        out.extend_from_slice(c);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\nTrailer: x\r\n\r\n");
    out
}

const PAGE: &[u8] =
    b"<!doctype html><html><body><p>\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85</p></body></html>";

#[test]
fn chunked_and_gzip_body_decoded() {
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    block.extend(chunked(&gzip(PAGE), 7));
    let r = parse_http_response(&block).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.body, PAGE);
    assert_eq!(r.decode_error, None);
    assert!(r.is_html());
    assert_eq!(r.charset(), Some("utf-8"));
}

#[test]
fn bare_lf_heads_and_deflate_both_kinds() {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(PAGE).unwrap();
    let zlib = z.finish().unwrap();
    let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    d.write_all(PAGE).unwrap();
    let raw = d.finish().unwrap();
    for body in [zlib, raw] {
        let mut block =
            b"HTTP/1.0 200 OK\nContent-Encoding: deflate\nContent-Type: text/html\n\n".to_vec();
        block.extend_from_slice(&body);
        let r = parse_http_response(&block).unwrap();
        assert_eq!(r.version, "HTTP/1.0");
        assert_eq!(r.body, PAGE);
        assert_eq!(r.header("content-type"), Some("text/html"));
    }
}

#[test]
fn broken_bodies_keep_what_decodes() {
    // a chunk cut short
    let mut block = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    block.extend_from_slice(b"5\r\nhello\r\n10\r\nwor");
    let r = parse_http_response(&block).unwrap();
    assert_eq!(r.body, b"helloworld"[..8].to_vec());
    assert!(r.decode_error.unwrap().contains("truncated"));

    // gzip cut short: the decoded prefix is kept
    let long: Vec<u8> = (0..20_000u32)
        .flat_map(|i| i.to_string().into_bytes())
        .collect();
    let gz = gzip(&long);
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    block.extend_from_slice(&gz[..gz.len() / 2]);
    let r = parse_http_response(&block).unwrap();
    assert!(r.decode_error.is_some());
    assert!(!r.body.is_empty() && long.starts_with(&r.body));

    // says gzip, is not: raw body kept
    let block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n<html>plain</html>";
    let r = parse_http_response(block).unwrap();
    assert_eq!(r.body, b"<html>plain</html>");
    assert!(r.decode_error.is_some());

    // an encoding not decoded here
    let block = b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x1b\x00";
    let r = parse_http_response(block).unwrap();
    assert_eq!(r.undecoded_encoding.as_deref(), Some("br"));
    assert_eq!(r.body, b"\x1b\x00");
}

#[test]
fn decoded_size_is_limited() {
    let bomb = gzip(&vec![0u8; 10_000_000]);
    let mut block = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
    block.extend_from_slice(&bomb);
    let r = parse_http_response_with_limit(&block, 1000).unwrap();
    assert_eq!(r.body.len(), 1000);
    assert!(r.decode_error.unwrap().contains("limit"));
}

#[test]
fn html_or_not() {
    let json =
        parse_http_response(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n<html>")
            .unwrap();
    assert!(!json.is_html());
    assert_eq!(json.mime_type().as_deref(), Some("application/json"));
    let xhtml =
        parse_http_response(b"HTTP/1.1 200 OK\r\nContent-Type: Application/XHTML+XML\r\n\r\nx")
            .unwrap();
    assert!(xhtml.is_html());
    let untyped = parse_http_response(b"HTTP/1.1 200 OK\r\n\r\n\n  <HTML><body>").unwrap();
    assert!(untyped.is_html());
    let untyped_pdf = parse_http_response(b"HTTP/1.1 200 OK\r\n\r\n%PDF-1.4").unwrap();
    assert!(!untyped_pdf.is_html());
    let head_only = parse_http_response(b"HTTP/1.1 304 Not Modified\r\nETag: x").unwrap();
    assert_eq!(head_only.status, 304);
    assert!(head_only.body.is_empty());
}

#[test]
fn not_http() {
    assert!(matches!(
        parse_http_response(b""),
        Err(HttpError::BadStatusLine(_))
    ));
    assert!(matches!(
        parse_http_response(b"<html>"),
        Err(HttpError::BadStatusLine(_))
    ));
    assert!(matches!(
        parse_http_response(b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n"),
        Err(HttpError::BadHeader(_))
    ));
}

#[test]
fn digests_match_known_values() {
    assert_eq!(sha1_base32(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
    assert_eq!(sha1_base32(b"abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
    assert_eq!(
        sha1_base32(b"The quick brown fox jumps over the lazy dog"),
        "sha1:F7KODRT2FUUPZ3MET3Q3W5XHHENZH2YS"
    );
    // base32 itself: RFC 4648's vectors, in src/digest.rs
}
