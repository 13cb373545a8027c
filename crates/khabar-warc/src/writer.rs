//! The rotating writer.

use std::fs::{File, OpenOptions};
use std::io::{self, Seek, SeekFrom, Write};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::digest::sha1_base32;
use crate::error::WriteError;
use crate::time::{compact_timestamp, format_warc_date};

/// The default size past which a new file is started: 1 GB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1_000_000_000;

/// The original value of a response header that the writer had to rewrite is kept under this
/// prefix (`X-Crawler-Content-Encoding`, `X-Crawler-Transfer-Encoding`,
/// `X-Crawler-Content-Length`), as Common Crawl does for the decoded payloads it stores.
pub const ORIGINAL_HEADER_PREFIX: &str = "X-Crawler-";

/// How a [`WarcWriter`] names, fills and rotates its files.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// File name prefix: files are `PREFIX-YYYYMMDDHHMMSS-NNNNN.warc.gz` (UTC time the file
    /// was opened, NNNNN counting files from 00000).
    pub prefix: String,
    /// Once a file has reached this many bytes, the next record goes to a new file.
    pub max_file_size: u64,
    /// One gzip member per record (`.warc.gz`, the default) or plain `.warc`.
    pub gzip: bool,
    /// Gzip level, 0 to 9 (default 6, as zlib and most WARC writers). Level 1 writes several
    /// times faster for files about 40% bigger on news pages.
    pub compression_level: u32,
    /// The `software` field of each file's `warcinfo` record.
    pub software: String,
    /// More `warcinfo` fields (e.g. `operator`, `robots`, `isPartOf`), in order.
    pub warcinfo: Vec<(String, String)>,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            prefix: "khabar".into(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            gzip: true,
            compression_level: 6,
            software: concat!("khabar-warc/", env!("CARGO_PKG_VERSION")).into(),
            warcinfo: Vec::new(),
        }
    }
}

/// The request side of an exchange.
#[derive(Debug, Clone, Copy)]
pub enum RequestHead<'a> {
    /// The request head exactly as sent (request line, headers, blank line).
    Raw(&'a [u8]),
    /// A method and headers; the request line is built from the target URI
    /// (`METHOD /path?query HTTP/1.1`) and a `Host` header added if missing.
    Parts {
        /// E.g. `GET`.
        method: &'a str,
        /// Request headers in order.
        headers: &'a [(String, String)],
    },
}

/// One fetch to archive: a `request` record and a `response` record.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    /// The URL fetched (`WARC-Target-URI` of both records).
    pub target_uri: &'a str,
    /// What was sent.
    pub request: RequestHead<'a>,
    /// The response's status code.
    pub status: u16,
    /// The reason phrase; `None` writes the usual one for the code, if known.
    pub reason: Option<&'a str>,
    /// The response headers as received, in order.
    pub headers: &'a [(String, String)],
    /// The response body as handed over by the HTTP client: already de-chunked and
    /// decompressed.
    pub body: &'a [u8],
    /// When the response was received (`WARC-Date`).
    pub fetched_at: SystemTime,
    /// The server's address (`WARC-IP-Address`), if known.
    pub ip_address: Option<IpAddr>,
}

impl<'a> Exchange<'a> {
    /// A GET without request headers and without an IP address; set the other fields on the
    /// value returned.
    pub fn new(
        target_uri: &'a str,
        status: u16,
        headers: &'a [(String, String)],
        body: &'a [u8],
        fetched_at: SystemTime,
    ) -> Self {
        Exchange {
            target_uri,
            request: RequestHead::Parts {
                method: "GET",
                headers: &[],
            },
            status,
            reason: None,
            headers,
            body,
            fetched_at,
            ip_address: None,
        }
    }
}

/// Where a record went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file.
    pub file: PathBuf,
    /// Offset of the record in the file (of its gzip member in a `.warc.gz`), as the reader
    /// reports it in [`crate::WarcRecord::offset`].
    pub offset: u64,
    /// Bytes the record takes in the file.
    pub length: u64,
    /// Its `WARC-Record-ID`.
    pub record_id: String,
}

/// Where the two records of an exchange went (always the same file, request first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenExchange {
    /// The `request` record.
    pub request: Written,
    /// The `response` record.
    pub response: Written,
}

struct OpenFile {
    path: PathBuf,
    file: File,
    len: u64,
    /// The `WARC-Record-ID` of the file's `warcinfo` record.
    warcinfo_id: String,
}

/// Writes WARC records into rotating files in one directory.
///
/// Each file starts with a `warcinfo` record, which every later record in the file names in
/// its `WARC-Warcinfo-ID`. Each record is one gzip member (or plain, see
/// [`WriterOptions::gzip`]); the bytes of a call (both records of an exchange) are built in
/// memory and written with one `write_all`, and if that fails the file is truncated back to
/// its last whole record, so a file never holds half a record. Files are synced to disk
/// when rotated and on [`WarcWriter::finish`].
///
/// The response body is stored decoded (as the crawler's HTTP client hands it over), so the
/// head is rewritten to match it: `Content-Encoding`, `Transfer-Encoding` and
/// `Content-Length` are dropped, kept as `X-Crawler-Content-Encoding` etc.
/// ([`ORIGINAL_HEADER_PREFIX`]), and a `Content-Length` of the stored body is written. The
/// `WARC-Payload-Digest` is that of the stored body. A reader then gets the same body from
/// the record as the crawler had.
pub struct WarcWriter {
    dir: PathBuf,
    options: WriterOptions,
    current: Option<OpenFile>,
    serial: u32,
    files: Vec<PathBuf>,
}

impl WarcWriter {
    /// A writer into `dir` (created if missing). No file is opened until the first record.
    pub fn new(dir: impl Into<PathBuf>, options: WriterOptions) -> Result<Self, WriteError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|source| WriteError::Io {
            path: dir.clone(),
            offset: 0,
            source,
        })?;
        Ok(WarcWriter {
            dir,
            options,
            current: None,
            serial: 0,
            files: Vec::new(),
        })
    }

    /// The files opened so far, oldest first.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The file being written, if one is open.
    pub fn current_file(&self) -> Option<&Path> {
        self.current.as_ref().map(|c| c.path.as_path())
    }

    /// Writes a `request` and a `response` record, linked both ways by
    /// `WARC-Concurrent-To`, and says where they went.
    pub fn write_exchange(&mut self, ex: &Exchange<'_>) -> Result<WrittenExchange, WriteError> {
        let info_id = self.open_file()?;
        let date = format_warc_date(ex.fetched_at);
        let req_id = new_record_id();
        let resp_id = new_record_id();
        let target = clean_value(ex.target_uri);
        let ip = ex.ip_address.map(|ip| ip.to_string());

        let req_block = match ex.request {
            RequestHead::Raw(bytes) => bytes.to_vec(),
            RequestHead::Parts { method, headers } => request_head(method, &target, headers),
        };
        let reason = ex.reason.unwrap_or_else(|| reason_phrase(ex.status));
        let resp_block = response_block(ex.status, reason, ex.headers, ex.body);
        let payload_digest = sha1_base32(ex.body);

        let mut req_fields: Vec<(&str, &str)> =
            vec![("WARC-Target-URI", &target), ("WARC-Warcinfo-ID", &info_id)];
        let mut resp_fields = req_fields.clone();
        if let Some(ip) = &ip {
            req_fields.push(("WARC-IP-Address", ip));
            resp_fields.push(("WARC-IP-Address", ip));
        }
        req_fields.push(("WARC-Concurrent-To", &resp_id));
        req_fields.push(("Content-Type", "application/http; msgtype=request"));
        resp_fields.push(("WARC-Concurrent-To", &req_id));
        resp_fields.push(("Content-Type", "application/http; msgtype=response"));
        resp_fields.push(("WARC-Payload-Digest", &payload_digest));

        let mut bytes = self.encode(&record_bytes(
            "request",
            &req_id,
            &date,
            &req_fields,
            &req_block,
        ))?;
        let req_len = bytes.len() as u64;
        let resp = self.encode(&record_bytes(
            "response",
            &resp_id,
            &date,
            &resp_fields,
            &resp_block,
        ))?;
        let resp_len = resp.len() as u64;
        bytes.extend_from_slice(&resp);
        let (file, offset) = self.write_whole(&bytes)?;
        Ok(WrittenExchange {
            request: Written {
                file: file.clone(),
                offset,
                length: req_len,
                record_id: req_id,
            },
            response: Written {
                file,
                offset: offset + req_len,
                length: resp_len,
                record_id: resp_id,
            },
        })
    }

    /// Writes one record of any type (`resource`, `metadata`, `revisit`...). The writer sets
    /// `WARC-Type`, `WARC-Record-ID`, `WARC-Date` (from `date`), `WARC-Warcinfo-ID`,
    /// `WARC-Block-Digest` and `Content-Length`; fields of those names in `fields` are
    /// ignored, the others written in order after them.
    pub fn write_record(
        &mut self,
        warc_type: &str,
        fields: &[(String, String)],
        block: &[u8],
        date: SystemTime,
    ) -> Result<Written, WriteError> {
        const MANAGED: [&str; 6] = [
            "WARC-Type",
            "WARC-Record-ID",
            "WARC-Date",
            "WARC-Block-Digest",
            "Content-Length",
            "WARC-Warcinfo-ID",
        ];
        let info_id = self.open_file()?;
        let id = new_record_id();
        let cleaned: Vec<(String, String)> = fields
            .iter()
            .filter(|(n, _)| !MANAGED.iter().any(|m| m.eq_ignore_ascii_case(n)))
            .filter_map(|(n, v)| Some((clean_name(n)?, clean_value(v))))
            .collect();
        let mut refs: Vec<(&str, &str)> = vec![("WARC-Warcinfo-ID", &info_id)];
        refs.extend(cleaned.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let bytes = self.encode(&record_bytes(
            &clean_value(warc_type),
            &id,
            &format_warc_date(date),
            &refs,
            block,
        ))?;
        let (file, offset) = self.write_whole(&bytes)?;
        Ok(Written {
            file,
            offset,
            length: bytes.len() as u64,
            record_id: id,
        })
    }

    /// Syncs the current file to disk and returns every file written.
    pub fn finish(mut self) -> Result<Vec<PathBuf>, WriteError> {
        self.close_current()?;
        Ok(std::mem::take(&mut self.files))
    }

    fn encode(&self, record: &[u8]) -> Result<Vec<u8>, WriteError> {
        if !self.options.gzip {
            return Ok(record.to_vec());
        }
        let mut enc = flate2::write::GzEncoder::new(
            Vec::with_capacity(record.len() / 3 + 64),
            flate2::Compression::new(self.options.compression_level.min(9)),
        );
        enc.write_all(record)
            .and_then(|_| enc.finish())
            .map_err(|source| WriteError::Io {
                path: self.dir.clone(),
                offset: 0,
                source,
            })
    }

    fn close_current(&mut self) -> Result<(), WriteError> {
        if let Some(cur) = self.current.take() {
            cur.file.sync_data().map_err(|source| WriteError::Io {
                path: cur.path.clone(),
                offset: cur.len,
                source,
            })?;
        }
        Ok(())
    }

    /// Opens a new file (with its warcinfo record) if none is open or the current one is full.
    fn ensure_file(&mut self) -> Result<(), WriteError> {
        if let Some(cur) = &self.current
            && cur.len < self.options.max_file_size
        {
            return Ok(());
        }
        self.close_current()?;
        let now = SystemTime::now();
        let ext = if self.options.gzip { "warc.gz" } else { "warc" };
        let mut tries = 0;
        let (path, file) = loop {
            let name = format!(
                "{}-{}-{:05}.{ext}",
                self.options.prefix,
                compact_timestamp(now),
                self.serial
            );
            self.serial += 1;
            let path = self.dir.join(&name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(f) => break (path, f),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 1000 => tries += 1,
                Err(source) => {
                    return Err(WriteError::Io {
                        path,
                        offset: 0,
                        source,
                    });
                }
            }
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut info = format!(
            "software: {}\r\nformat: WARC File Format 1.0\r\nconformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n",
            clean_value(&self.options.software)
        );
        for (k, v) in &self.options.warcinfo {
            if let Some(k) = clean_name(k) {
                info.push_str(&format!("{k}: {}\r\n", clean_value(v)));
            }
        }
        let warcinfo_id = new_record_id();
        let record = record_bytes(
            "warcinfo",
            &warcinfo_id,
            &format_warc_date(now),
            &[
                ("WARC-Filename", &clean_value(&name)),
                ("Content-Type", "application/warc-fields"),
            ],
            info.as_bytes(),
        );
        let bytes = self.encode(&record)?;
        self.files.push(path.clone());
        self.current = Some(OpenFile {
            path,
            file,
            len: 0,
            warcinfo_id,
        });
        if let Err(e) = self.write_whole(&bytes) {
            // A file without its warcinfo record is not continued.
            self.current = None;
            return Err(e);
        }
        Ok(())
    }

    /// The file to write to (opened or rotated as needed), as its warcinfo record id.
    fn open_file(&mut self) -> Result<String, WriteError> {
        self.ensure_file()?;
        match &self.current {
            Some(cur) => Ok(cur.warcinfo_id.clone()),
            None => Err(WriteError::Io {
                path: self.dir.clone(),
                offset: 0,
                source: io::Error::other("no open file"),
            }),
        }
    }

    /// One `write_all` of whole records at the end of the current file; on failure the file
    /// is cut back to where it was (or, if even that fails, abandoned for a new one).
    fn write_whole(&mut self, bytes: &[u8]) -> Result<(PathBuf, u64), WriteError> {
        let Some(cur) = self.current.as_mut() else {
            return Err(WriteError::Io {
                path: self.dir.clone(),
                offset: 0,
                source: io::Error::other("no open file"),
            });
        };
        let start = cur.len;
        match cur.file.write_all(bytes).and_then(|_| cur.file.flush()) {
            Ok(()) => {
                cur.len += bytes.len() as u64;
                Ok((cur.path.clone(), start))
            }
            Err(source) => {
                let path = cur.path.clone();
                let restored = cur
                    .file
                    .set_len(start)
                    .and_then(|_| cur.file.seek(SeekFrom::Start(start)).map(|_| ()));
                if restored.is_err() {
                    self.current = None;
                }
                Err(WriteError::Io {
                    path,
                    offset: start,
                    source,
                })
            }
        }
    }
}

/// A random (v4) UUID record id, `<urn:uuid:...>`.
pub(crate) fn new_record_id() -> String {
    let mut b = fastrand::u128(..).to_be_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn record_bytes(
    warc_type: &str,
    id: &str,
    date: &str,
    fields: &[(&str, &str)],
    block: &[u8],
) -> Vec<u8> {
    let mut head = format!(
        "WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Record-ID: {id}\r\nWARC-Date: {date}\r\n"
    );
    for (n, v) in fields {
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!(
        "WARC-Block-Digest: {}\r\nContent-Length: {}\r\n\r\n",
        sha1_base32(block),
        block.len()
    ));
    let mut out = Vec::with_capacity(head.len() + block.len() + 4);
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// A header value on one line.
fn clean_value(v: &str) -> String {
    v.chars()
        .map(|c| {
            if c == '\r' || c == '\n' || c == '\0' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A header name made of token characters, or `None` if nothing is left.
fn clean_name(n: &str) -> Option<String> {
    let s: String = n
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>@,;:\\\"/[]?={}".contains(*c))
        .collect();
    (!s.is_empty()).then_some(s)
}

/// `host[:port]` and `/path?query` of a URL (without fragment or user info).
fn split_uri(uri: &str) -> (&str, String) {
    let Some((_, rest)) = uri.split_once("://") else {
        return ("", "/".into());
    };
    let rest = rest.split('#').next().unwrap_or("");
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..auth_end];
    let host = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let path = &rest[auth_end..];
    let target = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    (host, target)
}

fn request_head(method: &str, target_uri: &str, headers: &[(String, String)]) -> Vec<u8> {
    let (host, path) = split_uri(target_uri);
    let method = clean_name(method).unwrap_or_else(|| "GET".into());
    let mut out = format!("{method} {} HTTP/1.1\r\n", path.replace(' ', "%20"));
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) && !host.is_empty() {
        out.push_str(&format!("Host: {host}\r\n"));
    }
    for (n, v) in headers {
        if let Some(n) = clean_name(n) {
            out.push_str(&format!("{n}: {}\r\n", clean_value(v)));
        }
    }
    out.push_str("\r\n");
    out.into_bytes()
}

fn response_block(status: u16, reason: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    let reason = clean_value(reason);
    let mut head = if reason.is_empty() {
        format!("HTTP/1.1 {status:03}\r\n")
    } else {
        format!("HTTP/1.1 {status:03} {reason}\r\n")
    };
    for (n, v) in headers {
        let Some(n) = clean_name(n) else { continue };
        let v = clean_value(v);
        if ["content-encoding", "transfer-encoding", "content-length"]
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&n))
        {
            head.push_str(&format!("{ORIGINAL_HEADER_PREFIX}{n}: {v}\r\n"));
        } else {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = Vec::with_capacity(head.len() + body.len());
    out.extend_from_slice(head.as_bytes());
    out.extend_from_slice(body);
    out
}

/// The usual reason phrase of a status code, or "".
fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_whole_records_and_the_writer_goes_on() {
        let dir = std::env::temp_dir().join(format!("khabar-warc-fail-{}", fastrand::u64(..)));
        let mut w = WarcWriter::new(&dir, WriterOptions::default()).unwrap();
        let hs: Vec<(String, String)> = Vec::new();
        let t = SystemTime::UNIX_EPOCH;
        w.write_exchange(&Exchange::new("https://a.example/", 200, &hs, b"one", t))
            .unwrap();
        let first = w.current_file().unwrap().to_path_buf();
        let len = std::fs::metadata(&first).unwrap().len();
        // A handle that cannot write (nor be truncated) stands in for a failing disk.
        let cur = w.current.as_mut().unwrap();
        cur.file = File::open(&first).unwrap();
        let err = w.write_exchange(&Exchange::new("https://a.example/2", 200, &hs, b"two", t));
        assert!(matches!(err, Err(WriteError::Io { offset, .. }) if offset == len));
        assert_eq!(std::fs::metadata(&first).unwrap().len(), len);
        // The file could not be cut back, so it is abandoned and the next write starts a new one.
        let next = w
            .write_exchange(&Exchange::new("https://a.example/3", 200, &hs, b"three", t))
            .unwrap();
        assert_ne!(next.response.file, first);
        let files = w.finish().unwrap();
        assert_eq!(files.len(), 2);
        for f in &files {
            let n = crate::WarcReader::new(File::open(f).unwrap())
                .filter(|r| r.is_ok())
                .count();
            assert_eq!(n, 3);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn uri_split() {
        assert_eq!(
            split_uri("https://a.b:8080/x/y?q=1#f"),
            ("a.b:8080", "/x/y?q=1".into())
        );
        assert_eq!(split_uri("http://u:p@a.b"), ("a.b", "/".into()));
        assert_eq!(split_uri("http://a.b?q"), ("a.b", "/?q".into()));
        assert_eq!(split_uri("nonsense"), ("", "/".into()));
    }

    #[test]
    fn record_ids_are_v4() {
        let id = new_record_id();
        assert_eq!(id.len(), "<urn:uuid:>".len() + 36);
        assert_eq!(&id[24..25], "4");
        assert!("89ab".contains(&id[29..30]));
        assert_ne!(id, new_record_id());
    }

    #[test]
    fn head_rewritten_for_decoded_body() {
        let headers = vec![
            ("Content-Type".to_string(), "text/html".to_string()),
            ("Content-Encoding".to_string(), "gzip".to_string()),
            ("Transfer-Encoding".to_string(), "chunked".to_string()),
            ("Bad\r\nName".to_string(), "v\r\nInjected: 1".to_string()),
        ];
        let block = response_block(200, "OK", &headers, b"<html>");
        let text = String::from_utf8(block).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"));
        assert!(text.contains("X-Crawler-Content-Encoding: gzip\r\n"));
        assert!(text.contains("X-Crawler-Transfer-Encoding: chunked\r\n"));
        assert!(text.contains("BadName: v  Injected: 1\r\n"));
        assert!(text.ends_with("Content-Length: 6\r\n\r\n<html>"));
        let no_reason = String::from_utf8(response_block(299, "", &[], b"")).unwrap();
        assert!(no_reason.starts_with("HTTP/1.1 299\r\n"));
    }
}
