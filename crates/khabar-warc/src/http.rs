//! The HTTP response inside a `response` record's block.

use std::io::Read;

use crate::error::HttpError;
use crate::headers::{Headers, parse_fields, show};

/// The most bytes a body is decoded to (chunked and gzip/deflate); past it the body is cut
/// and [`HttpResponse::decode_error`] says so.
pub const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;

/// An HTTP response parsed from a record block, its body de-chunked and decompressed.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The protocol on the status line, e.g. `HTTP/1.1`.
    pub version: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase, possibly empty.
    pub reason: String,
    /// The response headers as recorded (`Content-Encoding` and `Transfer-Encoding` included
    /// even though the body below is decoded).
    pub headers: Headers,
    /// The body after undoing `Transfer-Encoding: chunked` and `Content-Encoding: gzip`,
    /// `x-gzip` or `deflate`.
    pub body: Vec<u8>,
    /// A `Content-Encoding` this crate does not decode (e.g. `br`): the body is still encoded.
    pub undecoded_encoding: Option<String>,
    /// Decoding went wrong part way (truncated chunk, corrupt gzip, over the size limit): the
    /// body holds what could be decoded (or the raw bytes, when nothing could).
    pub decode_error: Option<String>,
}

impl HttpResponse {
    /// The first value of a header (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// `Content-Type` as sent.
    pub fn content_type(&self) -> Option<&str> {
        self.header("Content-Type")
    }

    /// The media type without parameters, lower case, e.g. `text/html`.
    pub fn mime_type(&self) -> Option<String> {
        let ct = self.content_type()?;
        let essence = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        (!essence.is_empty()).then_some(essence)
    }

    /// The `charset` parameter of `Content-Type`, unquoted (e.g. `utf-8`, `windows-1256`).
    pub fn charset(&self) -> Option<&str> {
        charset_of(self.content_type()?)
    }

    /// Whether this is an HTML page: `text/html` or `application/xhtml+xml`, or no
    /// `Content-Type` at all and a body that starts like HTML.
    pub fn is_html(&self) -> bool {
        match self.mime_type() {
            Some(m) => m == "text/html" || m == "application/xhtml+xml",
            None => looks_like_html(&self.body),
        }
    }
}

/// The `charset` parameter of a `Content-Type` value.
pub(crate) fn charset_of(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (k, v) = param.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let v = v.trim().trim_matches(|c| c == '"' || c == '\'').trim();
        (!v.is_empty()).then_some(v)
    })
}

/// Whether the first bytes (after a BOM and white space) look like an HTML document.
pub(crate) fn looks_like_html(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(body.len());
    let head = &body[start..body.len().min(start + 512)];
    let lower: Vec<u8> = head.to_ascii_lowercase();
    const OPENINGS: [&[u8]; 8] = [
        b"<!doctype html",
        b"<html",
        b"<head",
        b"<body",
        b"<title",
        b"<meta",
        b"<!--",
        b"<?xml",
    ];
    if !OPENINGS.iter().any(|o| lower.starts_with(o)) {
        return false;
    }
    // A comment or an XML declaration alone is not enough: an html tag must follow soon.
    if lower.starts_with(b"<!--") || lower.starts_with(b"<?xml") {
        return memchr::memmem::find(&lower, b"<html").is_some()
            || memchr::memmem::find(&lower, b"<!doctype html").is_some();
    }
    true
}

/// Parses an HTTP response (status line, headers, body) with bodies decoded up to
/// [`DEFAULT_MAX_BODY_SIZE`]. Bare LF line ends are accepted. A block with no blank line is
/// taken as all head and no body.
pub fn parse_http_response(block: &[u8]) -> Result<HttpResponse, HttpError> {
    parse_http_response_with_limit(block, DEFAULT_MAX_BODY_SIZE)
}

/// [`parse_http_response`] with another limit on the decoded body size.
pub fn parse_http_response_with_limit(
    block: &[u8],
    max_body: usize,
) -> Result<HttpResponse, HttpError> {
    let (head, raw_body) = split_head(block);
    let line_end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let status_line = &head[..line_end];
    let status_line = status_line.strip_suffix(b"\r").unwrap_or(status_line);
    let (version, status, reason) = parse_status_line(status_line)?;
    let headers =
        parse_fields(head.get(line_end + 1..).unwrap_or(b"")).map_err(HttpError::BadHeader)?;

    let mut decode_error = None;
    let mut body: Vec<u8>;
    let chunked = headers
        .get_all("Transfer-Encoding")
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        match dechunk(raw_body, max_body) {
            Ok(b) => body = b,
            Err((b, why)) => {
                decode_error = Some(why);
                body = if b.is_empty() { raw_body.to_vec() } else { b };
            }
        }
    } else {
        body = raw_body[..raw_body.len().min(max_body)].to_vec();
        if raw_body.len() > max_body {
            decode_error = Some(format!("body over the limit of {max_body} bytes"));
        }
    }

    let mut undecoded_encoding = None;
    let encodings: Vec<String> = headers
        .get_all("Content-Encoding")
        .flat_map(|v| v.split(','))
        .map(|e| e.trim().to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e != "identity")
        .collect();
    // Encodings are listed in the order applied: undo them from the last.
    for enc in encodings.iter().rev() {
        if undecoded_encoding.is_some() || decode_error.is_some() {
            break;
        }
        let decoded = match enc.as_str() {
            "gzip" | "x-gzip" => inflate(flate2::read::MultiGzDecoder::new(&body[..]), max_body),
            "deflate" => {
                // Servers send both zlib-wrapped and raw deflate under this name.
                match inflate(flate2::read::ZlibDecoder::new(&body[..]), max_body) {
                    Err((partial, _)) if partial.is_empty() => {
                        inflate(flate2::read::DeflateDecoder::new(&body[..]), max_body)
                    }
                    other => other,
                }
            }
            _ => {
                undecoded_encoding = Some(enc.clone());
                continue;
            }
        };
        match decoded {
            Ok(b) => body = b,
            Err((partial, why)) => {
                decode_error = Some(format!("Content-Encoding {enc}: {why}"));
                if !partial.is_empty() {
                    body = partial;
                }
            }
        }
    }

    Ok(HttpResponse {
        version,
        status,
        reason,
        headers,
        body,
        undecoded_encoding,
        decode_error,
    })
}

/// Head (without the blank line) and body. The head ends at the first empty line.
fn split_head(block: &[u8]) -> (&[u8], &[u8]) {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\n', &block[from..]) {
        let nl = from + i;
        match block.get(nl + 1) {
            Some(b'\n') => return (&block[..nl + 1], &block[nl + 2..]),
            Some(b'\r') if block.get(nl + 2) == Some(&b'\n') => {
                return (&block[..nl + 1], &block[nl + 3..]);
            }
            _ => {}
        }
        from = nl + 1;
    }
    (block, &[])
}

fn parse_status_line(line: &[u8]) -> Result<(String, u16, String), HttpError> {
    let bad = || HttpError::BadStatusLine(show(line));
    if line.len() < 5 || !line[..5].eq_ignore_ascii_case(b"HTTP/") {
        return Err(bad());
    }
    let text = String::from_utf8_lossy(line);
    let mut parts = text.trim().splitn(3, [' ', '\t']);
    let version = parts.next().ok_or_else(bad)?.to_string();
    let code = parts.next().ok_or_else(bad)?.trim();
    if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let status: u16 = code.parse().map_err(|_| bad())?;
    let reason = parts.next().unwrap_or("").trim().to_string();
    Ok((version, status, reason))
}

/// Undoes chunked transfer coding. On failure, what was decoded and why.
fn dechunk(mut data: &[u8], max: usize) -> Result<Vec<u8>, (Vec<u8>, String)> {
    let mut out = Vec::new();
    loop {
        let Some(nl) = memchr::memchr(b'\n', data) else {
            if data.iter().all(|b| b.is_ascii_whitespace()) && !out.is_empty() {
                // Last chunk marker missing, e.g. a capture cut at a chunk boundary.
                return Err((out, "chunked body ends without the last chunk".into()));
            }
            return Err((out, "chunked body truncated in a chunk size line".into()));
        };
        let line = &data[..nl];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let size_text = line.split(|b| *b == b';').next().unwrap_or(b"");
        let size_text = String::from_utf8_lossy(size_text);
        let size_text = size_text.trim();
        if size_text.is_empty() && out.is_empty() && line.is_empty() {
            // Blank lines before the first chunk.
            data = &data[nl + 1..];
            continue;
        }
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return Err((out, format!("bad chunk size line {}", show(line))));
        };
        data = &data[nl + 1..];
        if size == 0 {
            return Ok(out);
        }
        if out.len().saturating_add(size) > max {
            let room = max - out.len();
            out.extend_from_slice(&data[..room.min(data.len())]);
            return Err((out, format!("body over the limit of {max} bytes")));
        }
        if data.len() < size {
            out.extend_from_slice(data);
            return Err((out, format!("chunk of {size} bytes truncated")));
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size..];
        if data.starts_with(b"\r\n") {
            data = &data[2..];
        } else if data.starts_with(b"\n") {
            data = &data[1..];
        }
    }
}

fn inflate(reader: impl Read, max: usize) -> Result<Vec<u8>, (Vec<u8>, String)> {
    let mut out = Vec::new();
    match reader.take(max as u64 + 1).read_to_end(&mut out) {
        Ok(_) if out.len() > max => {
            out.truncate(max);
            Err((out, format!("decoded body over the limit of {max} bytes")))
        }
        Ok(_) => Ok(out),
        Err(e) => Err((out, e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_param() {
        assert_eq!(charset_of("text/html; charset=\"UTF-8\""), Some("UTF-8"));
        assert_eq!(
            charset_of("text/html;Charset=windows-1256 ; x=y"),
            Some("windows-1256")
        );
        assert_eq!(charset_of("text/html"), None);
        assert_eq!(charset_of("text/html; charset="), None);
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_html(b"\xEF\xBB\xBF  <!DOCTYPE html><p>"));
        assert!(looks_like_html(b"<html>"));
        assert!(looks_like_html(b"<!-- x --><html>"));
        assert!(!looks_like_html(b"<!-- x -->"));
        assert!(!looks_like_html(b"{\"a\":1}"));
        assert!(!looks_like_html(b""));
    }

    #[test]
    fn status_lines() {
        assert!(parse_status_line(b"HTTP/1.1 200 OK").is_ok());
        assert_eq!(parse_status_line(b"HTTP/2 404").unwrap().1, 404);
        assert!(parse_status_line(b"HTTP/1.1 20 OK").is_err());
        assert!(parse_status_line(b"GET / HTTP/1.1").is_err());
    }
}
