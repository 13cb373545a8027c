//! WARC (ISO 28500, versions 1.0 and 1.1) for khabar: a streaming reader of `.warc` and
//! `.warc.gz` files that survives damaged records, the HTTP parsing a news extractor needs
//! from `response` records, and a rotating writer of request/response records.
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

pub use digest::{base32_encode, sha1_base32};
pub use error::{HttpError, WarcError, WriteError};
pub use headers::Headers;
pub use http::{
    DEFAULT_MAX_BODY_SIZE, HttpResponse, looks_like_html, parse_http_response,
    parse_http_response_with_limit,
};
pub use pages::{HtmlPage, HtmlPages, PageError};
pub use reader::{Compression, DEFAULT_MAX_HEADER_SIZE, DEFAULT_MAX_RECORD_SIZE, WarcReader};
pub use record::{RecordType, WarcRecord};
pub use time::format_warc_date;
pub use writer::{
    DEFAULT_MAX_FILE_SIZE, Exchange, ORIGINAL_HEADER_PREFIX, RequestHead, WarcWriter,
    WriterOptions, Written, WrittenExchange,
};
