//! WARC (ISO 28500, versions 1.0 and 1.1) for khabar: a streaming reader of `.warc` and
//! `.warc.gz` files that survives damaged records, the HTTP parsing a news extractor needs
//! from `response` records, and a rotating writer of request/response records.
//!
//! ```
//! use std::time::SystemTime;
//! use khabar_warc::{Exchange, HtmlPages, RecordType, WarcReader, WarcWriter, WriterOptions};
//!
//! // archive one fetch: a `warcinfo` record opens the file, then `request` and `response`
//! let dir = tempfile::tempdir()?;
//! let mut writer = WarcWriter::new(dir.path(), WriterOptions::default())?;
//! let headers = [("Content-Type".to_string(), "text/html; charset=utf-8".to_string())];
//! let body = b"<!doctype html><title>Rain</title><h1>Rain returns to the coast</h1>";
//! let at = SystemTime::now();
//! let written = writer.write_exchange(&Exchange::new(
//!     "https://news.example.com/rain", 200, &headers, body, at,
//! ))?;
//! let files = writer.finish()?;
//! assert_eq!(files, [written.response.file.clone()]);
//!
//! // read every record back, damaged ones reported and skipped
//! let mut types = Vec::new();
//! for record in WarcReader::new(std::fs::File::open(&files[0])?) {
//!     let record = record?;
//!     types.push(record.record_type());
//!     if record.record_type() == RecordType::Response {
//!         assert_eq!(record.offset, written.response.offset); // where the writer put it
//!         let http = record.http_response().unwrap()?;
//!         assert!(http.is_html());
//!         assert_eq!(http.charset(), Some("utf-8"));
//!         assert_eq!(http.body, body);
//!     }
//! }
//! assert_eq!(types, [RecordType::Warcinfo, RecordType::Request, RecordType::Response]);
//!
//! // or just the HTML pages, from bytes in memory
//! let bytes = std::fs::read(&files[0])?;
//! let pages: Vec<_> = HtmlPages::new(WarcReader::new(&bytes[..])).collect::<Result<_, _>>()?;
//! assert_eq!(pages.len(), 1);
//! assert_eq!(pages[0].target_uri.as_deref(), Some("https://news.example.com/rain"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Reading
//!
//! ```
//! use khabar_warc::{WarcReader, RecordType};
//! # let bytes: &[u8] = b"";
//! for item in WarcReader::new(bytes) {
//!     let record = match item {
//!         Ok(r) => r,
//!         Err(e) => { eprintln!("skipped: {e}"); continue } // names the offset
//!     };
//!     if record.record_type() != RecordType::Response { continue }
//!     if let Some(Ok(http)) = record.http_response() {
//!         if http.is_html() {
//!             let _ = (record.target_uri(), http.charset(), &http.body, record.offset);
//!         }
//!     }
//! }
//! ```
//!
//! Gzip is detected from the magic bytes. A `.warc.gz` is read one gzip member at a time (one
//! record per member, as Common Crawl and every crawler write them); each record's
//! [`WarcRecord::offset`] is the compressed offset of its member, and
//! [`WarcRecord::length`] the member's compressed length, so `offset`/`length` fetch the
//! record again (as in a CDX index). Memory is bounded by one record (limit
//! [`DEFAULT_MAX_RECORD_SIZE`], configurable); bigger records are reported and skipped.
//!
//! A damaged record (truncated, bad header, bad `Content-Length`, corrupt gzip member)
//! yields one `Err` naming its offset and what is wrong; the reader then resynchronises on
//! the next gzip member magic after the damaged member's start (or, plain, on the next
//! `WARC/1.x` version line) and goes on. A truncated last record ends the iteration after its
//! error; a failed read ends it with [`WarcError::Io`].
//!
//! # Writing
//!
//! [`WarcWriter`] writes `PREFIX-YYYYMMDDHHMMSS-NNNNN.warc.gz` files in a directory, each
//! starting with a `warcinfo` record and rotated past a size, each record its own gzip
//! member, written whole or not at all. [`WarcWriter::write_exchange`] writes a `request`
//! and a `response` record for one fetch with digests and returns where they went. Bodies
//! are stored decoded; see [`WarcWriter`] for how the head is rewritten.
//!
//! # Why not an existing crate
//!
//! Looked at (Dec 2026), from their docs: `warc` 0.4 (reader and writer; nom, libflate,
//! uuid 0.8, chrono) reads a `.warc.gz` as one decompressed stream, gives no record offsets
//! and has no way past a corrupt member; `rust_warc` reads plain WARC from a `BufRead` only
//! (no gzip members, no offsets, no writer); `warcat` 0.3 is a CLI first whose library API
//! its author calls unstable, MPL-2.0, with a large dependency tree (brotli, zstd...). khabar
//! needs per-record offsets (to cite a record), recovery from damage (big news archives, some
//! cut short), bounded memory, and a writer; the format is small enough that a fuzzed reader
//! of our own is the smaller risk. Dependencies: flate2, sha1, memchr, thiserror, fastrand
//! (record ids).
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(unreachable_pub, unnameable_types)]

// the README's example, compiled and run with the doc tests
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod digest;
mod error;
mod headers;
mod http;
mod input;
mod pages;
mod reader;
mod record;
mod time;
mod writer;

pub use digest::sha1_base32;
pub use error::{HttpError, WarcError, WriteError};
pub use headers::Headers;
pub use http::{
    DEFAULT_MAX_BODY_SIZE, HttpResponse, parse_http_response, parse_http_response_with_limit,
};
pub use pages::{HtmlPage, HtmlPages, PageError};
pub use reader::{Compression, DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_RECORD_SIZE, WarcReader};
pub use record::{RecordType, WarcRecord};
pub use writer::{
    DEFAULT_MAX_FILE_SIZE, Exchange, ORIGINAL_HEADER_PREFIX, RequestHead, WarcWriter,
    WriterOptions, Written, WrittenExchange,
};
