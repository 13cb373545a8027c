//! One WARC record and the parsing of a record from bytes.

use crate::digest::check_sha1;
use crate::error::HttpError;
use crate::headers::{Headers, parse_fields, show};
use crate::http::{HttpResponse, parse_http_response};

/// The `WARC-Type` of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordType {
    /// `warcinfo`: about the file itself.
    Warcinfo,
    /// `response`: a server's response, usually an HTTP response with its head.
    Response,
    /// `resource`: a resource without protocol information.
    Resource,
    /// `request`: the request that was sent.
    Request,
    /// `metadata`: about another record.
    Metadata,
    /// `revisit`: the content was seen before; the block holds at most an HTTP head.
    Revisit,
    /// `conversion`: another record's content converted.
    Conversion,
    /// `continuation`: a segment of a record split over files.
    Continuation,
    /// Any other value, as written.
    Other(String),
}

impl RecordType {
    /// The type for a `WARC-Type` value (case-insensitive).
    pub fn parse(value: &str) -> RecordType {
        match value.trim().to_ascii_lowercase().as_str() {
            "warcinfo" => RecordType::Warcinfo,
            "response" => RecordType::Response,
            "resource" => RecordType::Resource,
            "request" => RecordType::Request,
            "metadata" => RecordType::Metadata,
            "revisit" => RecordType::Revisit,
            "conversion" => RecordType::Conversion,
            "continuation" => RecordType::Continuation,
            _ => RecordType::Other(value.trim().to_string()),
        }
    }

    /// The `WARC-Type` value.
    pub fn as_str(&self) -> &str {
        match self {
            RecordType::Warcinfo => "warcinfo",
            RecordType::Response => "response",
            RecordType::Resource => "resource",
            RecordType::Request => "request",
            RecordType::Metadata => "metadata",
            RecordType::Revisit => "revisit",
            RecordType::Conversion => "conversion",
            RecordType::Continuation => "continuation",
            RecordType::Other(s) => s,
        }
    }
}

/// One record read from an archive.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    /// The version line, e.g. `WARC/1.0` or `WARC/1.1`.
    pub version: String,
    /// The record's header fields in order.
    pub headers: Headers,
    /// The record's block: `Content-Length` bytes after the header.
    pub block: Vec<u8>,
    /// Where the record starts in the file: the compressed offset of its gzip member in a
    /// `.warc.gz`, the offset of its `WARC/` line in a plain `.warc`.
    pub offset: u64,
    /// Bytes the record takes in the file from `offset`: the whole gzip member (compressed),
    /// or header, block and the blank lines after it in a plain file, so that `offset +
    /// length` is where the next record starts (warcio's indexer leaves those four trailing
    /// bytes out of a plain record's length; gzip lengths agree). `offset` and `length` are
    /// what a CDX index stores to fetch the record again.
    pub length: u64,
}

impl WarcRecord {
    /// The first value of a header field (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// The record's `WARC-Type`.
    pub fn record_type(&self) -> RecordType {
        RecordType::parse(self.header("WARC-Type").unwrap_or(""))
    }

    /// `WARC-Record-ID`, e.g. `<urn:uuid:...>`.
    pub fn record_id(&self) -> Option<&str> {
        self.header("WARC-Record-ID")
    }

    /// `WARC-Target-URI`, without the angle brackets some writers put around it.
    pub fn target_uri(&self) -> Option<&str> {
        self.header("WARC-Target-URI").map(strip_angles)
    }

    /// `WARC-Date` as written (RFC 3339, UTC).
    pub fn date(&self) -> Option<&str> {
        self.header("WARC-Date")
    }

    /// The record's `Content-Type`, e.g. `application/http; msgtype=response`.
    pub fn content_type(&self) -> Option<&str> {
        self.header("Content-Type")
    }

    /// `WARC-IP-Address`.
    pub fn ip_address(&self) -> Option<&str> {
        self.header("WARC-IP-Address")
    }

    /// `WARC-Concurrent-To` (the first, if several).
    pub fn concurrent_to(&self) -> Option<&str> {
        self.header("WARC-Concurrent-To")
    }

    /// `WARC-Payload-Digest`.
    pub fn payload_digest(&self) -> Option<&str> {
        self.header("WARC-Payload-Digest")
    }

    /// `WARC-Block-Digest`.
    pub fn block_digest(&self) -> Option<&str> {
        self.header("WARC-Block-Digest")
    }

    /// `WARC-Truncated` (e.g. `length`): the crawler cut the payload short.
    pub fn truncated_reason(&self) -> Option<&str> {
        self.header("WARC-Truncated")
    }

    /// Whether this is a `revisit` record (no payload of its own).
    pub fn is_revisit(&self) -> bool {
        self.record_type() == RecordType::Revisit
    }

    /// For a revisit: `WARC-Refers-To-Target-URI`, the URI whose earlier capture holds the
    /// payload.
    pub fn refers_to_target_uri(&self) -> Option<&str> {
        self.header("WARC-Refers-To-Target-URI").map(strip_angles)
    }

    /// For a revisit: `WARC-Refers-To`, the record id of the earlier capture.
    pub fn refers_to(&self) -> Option<&str> {
        self.header("WARC-Refers-To")
    }

    /// For a revisit: `WARC-Profile`.
    pub fn profile(&self) -> Option<&str> {
        self.header("WARC-Profile")
    }

    /// Whether the block is an HTTP response: a `response` or `revisit` record with
    /// `Content-Type: application/http` (`msgtype=response` or no msgtype), or with no
    /// `Content-Type` and a block starting `HTTP/`.
    pub fn is_http_response(&self) -> bool {
        if !matches!(
            self.record_type(),
            RecordType::Response | RecordType::Revisit
        ) {
            return false;
        }
        let Some(ct) = self.content_type() else {
            return self.block.starts_with(b"HTTP/");
        };
        let ct = ct.to_ascii_lowercase().replace(' ', "");
        ct.starts_with("application/http")
            && (!ct.contains("msgtype") || ct.contains("msgtype=response"))
    }

    /// The block parsed as an HTTP response, when [`Self::is_http_response`]. A revisit's
    /// block holds at most the HTTP head: its body is empty, and an empty block (as warcio
    /// writes them) gives [`HttpError::BadStatusLine`].
    pub fn http_response(&self) -> Option<Result<HttpResponse, HttpError>> {
        self.is_http_response()
            .then(|| parse_http_response(&self.block))
    }

    /// Checks `WARC-Block-Digest` against the block: `None` when there is none or it is not
    /// SHA-1.
    pub fn verify_block_digest(&self) -> Option<bool> {
        check_sha1(self.block_digest()?, &self.block)
    }
}

fn strip_angles(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(t)
}

/// Limits for parsing.
#[derive(Clone, Copy)]
pub(crate) struct Limits {
    pub max_record: u64,
    pub max_header: usize,
}

/// What kind of damage, before the offset is known.
#[derive(Debug)]
pub(crate) enum Damage {
    BadHeader(String),
    BadContentLength(String),
    Truncated(String),
    TooLarge(String),
}

pub(crate) enum Parse {
    /// A record and how many bytes of `data` it took (blank lines after it included).
    Record(String, Headers, Vec<u8>, usize),
    /// At least this many bytes are needed to decide.
    NeedMore(usize),
    Damaged(Damage),
}

/// Position just past the blank line that ends a header (CRLF CRLF or LF LF, mixed allowed).
fn header_end(data: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', &data[from..]) {
        let nl = from + i;
        match data.get(nl + 1) {
            Some(b'\n') => return Some(nl + 2),
            Some(b'\r') if data.get(nl + 2) == Some(&b'\n') => return Some(nl + 3),
            _ => {}
        }
        from = nl + 1;
    }
    None
}

fn valid_version(line: &[u8]) -> bool {
    line.len() > 5
        && line[..5].eq_ignore_ascii_case(b"WARC/")
        && line[5..].iter().all(|b| b.is_ascii_digit() || *b == b'.')
        && line[5].is_ascii_digit()
}

/// Parses one record at the start of `data`. `at_eof`: no more bytes will come after `data`.
pub(crate) fn parse_record(data: &[u8], at_eof: bool, limits: Limits) -> Parse {
    let Some(hdr_len) = header_end(data) else {
        if data.len() > limits.max_header {
            return Parse::Damaged(Damage::BadHeader(format!(
                "no end of header within {} bytes",
                limits.max_header
            )));
        }
        if at_eof {
            return Parse::Damaged(Damage::Truncated(format!(
                "input ends inside the header ({} bytes)",
                data.len()
            )));
        }
        return Parse::NeedMore(data.len() + 1);
    };
    if hdr_len > limits.max_header {
        return Parse::Damaged(Damage::BadHeader(format!(
            "header of {hdr_len} bytes is over the limit of {}",
            limits.max_header
        )));
    }
    let first_nl = memchr::memchr(b'\n', data).unwrap_or(0);
    let first = &data[..first_nl];
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    if !valid_version(first) {
        return Parse::Damaged(Damage::BadHeader(format!(
            "not a WARC version line: {}",
            show(first)
        )));
    }
    let version = String::from_utf8_lossy(first).into_owned();
    let headers = match parse_fields(&data[first_nl + 1..hdr_len]) {
        Ok(h) => h,
        Err(e) => return Parse::Damaged(Damage::BadHeader(e)),
    };
    // These may not repeat; two of them mean two records' headers run together (the first
    // one cut short).
    for name in ["WARC-Type", "WARC-Record-ID", "WARC-Date", "Content-Length"] {
        if headers.get_all(name).nth(1).is_some() {
            return Parse::Damaged(Damage::BadHeader(format!("{name} repeated")));
        }
    }
    if headers.get("WARC-Type").is_none_or(|t| t.is_empty()) {
        return Parse::Damaged(Damage::BadHeader("no WARC-Type".into()));
    }
    let Some(cl) = headers.get("Content-Length") else {
        return Parse::Damaged(Damage::BadContentLength("missing".into()));
    };
    let len: u64 = match cl.trim().parse() {
        Ok(n) => n,
        Err(_) => {
            return Parse::Damaged(Damage::BadContentLength(format!("not a number: {cl:?}")));
        }
    };
    let total = (hdr_len as u64).saturating_add(len);
    let block_end = match usize::try_from(total) {
        Ok(end) if total <= limits.max_record && end <= usize::MAX - 16 => end,
        _ => return Parse::Damaged(Damage::TooLarge(format!("Content-Length {len}"))),
    };
    let len = block_end - hdr_len;
    if data.len() < block_end {
        if at_eof {
            return Parse::Damaged(Damage::Truncated(format!(
                "Content-Length {len}, only {} bytes of block",
                data.len() - hdr_len
            )));
        }
        return Parse::NeedMore(block_end + 9);
    }
    // A block ends with two line ends (CRLF CRLF, or bare LFs). Without them, the block must
    // be followed by the end of the input or the next record, or Content-Length is wrong.
    let mut end = block_end;
    let mut line_ends = 0;
    while line_ends < 2 {
        if data[end..].starts_with(b"\r\n") {
            end += 2;
        } else if data[end..].starts_with(b"\n") {
            end += 1;
        } else {
            break;
        }
        line_ends += 1;
    }
    if line_ends < 2 {
        let rest = &data[end..];
        if !at_eof && rest.len() < 5 && (b"WARC/".starts_with(rest) || rest == b"\r") {
            return Parse::NeedMore(end + 5);
        }
        let ok = (rest.is_empty() && at_eof)
            || (rest.len() >= 5 && rest[..5].eq_ignore_ascii_case(b"WARC/"));
        if !ok {
            return Parse::Damaged(Damage::BadContentLength(format!(
                "Content-Length {len} is not followed by the end of the record (found {})",
                show(&rest[..rest.len().min(16)])
            )));
        }
    }
    let rest = &data[end..];
    if line_ends == 2 && !rest.is_empty() && !rest[0].is_ascii_whitespace() {
        if rest.len() < 5 && !at_eof && b"WARC/".starts_with(rest) {
            return Parse::NeedMore(end + 5);
        }
        // Something else than a record follows. Either junk sits between whole records, or
        // Content-Length is too large and the block swallowed the next record's start.
        if !rest[..rest.len().min(5)].eq_ignore_ascii_case(b"WARC/")
            && holds_record_start(&data[hdr_len..block_end])
        {
            return Parse::Damaged(Damage::BadContentLength(format!(
                "the block of Content-Length {len} holds the start of another record"
            )));
        }
    }
    let block = data[hdr_len..block_end].to_vec();
    Parse::Record(version, headers, block, end)
}

/// Whether `block` contains a `WARC/1.x` version line (anywhere: a record cut short runs
/// into the next one mid-line).
fn holds_record_start(block: &[u8]) -> bool {
    memchr::memmem::find_iter(block, b"WARC/1.").any(|at| {
        let tail = &block[at + 7..];
        tail.first().is_some_and(u8::is_ascii_digit)
            && (tail[1..].starts_with(b"\r\n") || tail[1..].starts_with(b"\n"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(fields: &[(&str, &str)], block: &[u8]) -> WarcRecord {
        WarcRecord {
            version: "WARC/1.0".into(),
            headers: fields.iter().map(|(a, b)| (*a, *b)).collect(),
            block: block.to_vec(),
            offset: 0,
            length: 0,
        }
    }

    #[test]
    fn which_blocks_are_http_responses() {
        let http = b"HTTP/1.1 200 OK\r\n\r\n";
        let t = ("WARC-Type", "response");
        assert!(
            rec(
                &[t, ("Content-Type", "application/http;msgtype=response")],
                http
            )
            .is_http_response()
        );
        assert!(rec(&[t, ("Content-Type", "application/http")], http).is_http_response());
        assert!(rec(&[t], http).is_http_response());
        assert!(!rec(&[t], b"<html>").is_http_response());
        assert!(!rec(&[t, ("Content-Type", "text/html")], http).is_http_response());
        assert!(
            !rec(
                &[t, ("Content-Type", "application/http; msgtype=request")],
                http
            )
            .is_http_response()
        );
        assert!(
            !rec(
                &[
                    ("WARC-Type", "request"),
                    ("Content-Type", "application/http")
                ],
                http
            )
            .is_http_response()
        );
        assert!(rec(&[("WARC-Type", "revisit")], http).is_http_response());
    }

    #[test]
    fn digests_checked_in_base32_or_hex() {
        let r = rec(
            &[("WARC-Block-Digest", "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5")],
            b"abc",
        );
        assert_eq!(r.verify_block_digest(), Some(true));
        let r = rec(
            &[(
                "WARC-Block-Digest",
                "sha1:a9993e364706816aba3e25717850c26c9cd0d89d",
            )],
            b"abc",
        );
        assert_eq!(r.verify_block_digest(), Some(true));
        let r = rec(
            &[("WARC-Block-Digest", "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5")],
            b"abd",
        );
        assert_eq!(r.verify_block_digest(), Some(false));
        let r = rec(&[("WARC-Block-Digest", "sha256:abc")], b"abc");
        assert_eq!(r.verify_block_digest(), None);
    }
}
