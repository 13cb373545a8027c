//! The streaming reader.

use std::collections::VecDeque;
use std::io::{self, Read};

use crate::error::WarcError;
use crate::input::Input;
use crate::record::{Damage, Limits, Parse, WarcRecord, parse_record};

/// The default limit on one record (header and block, decompressed): 64 MiB.
pub const DEFAULT_MAX_RECORD_SIZE: u64 = 64 * 1024 * 1024;
/// The default limit on one record's header: 1 MiB.
pub const DEFAULT_MAX_HEADER_SIZE: usize = 1024 * 1024;

/// How the input is stored, as detected from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// A plain `.warc`.
    None,
    /// A `.warc.gz`: gzip members, one record each.
    Gzip,
}

/// Reads records one by one from a WARC stream, plain or gzip (detected by the gzip magic
/// bytes `1f 8b` at the start).
///
/// The reader buffers by itself (no `BufReader` needed) and holds at most one record (and,
/// for gzip, that record's compressed bytes) in memory. Each item is a record or the error of
/// one damaged record; after an error the reader resynchronises on the next gzip member (the
/// next `1f 8b 08` magic after the damaged member's start) or, in a plain file, on the next
/// `WARC/1.x` version line after the damaged record's start (at a line start, or mid-line
/// where a record was cut short), so one bad record costs only itself. It never panics and
/// always makes progress, so the iteration ends on any finite input.
///
/// How damage is told apart in a plain file, which has no framing beyond `Content-Length`:
/// a block must end with two line ends or be followed by the next `WARC/` record (else
/// [`WarcError::BadContentLength`]); a block followed by junk is still accepted unless it
/// holds a version line itself (Content-Length too large, next record swallowed); two of
/// `WARC-Type`, `WARC-Record-ID`, `WARC-Date` or `Content-Length` in one header mean two
/// records' headers ran together ([`WarcError::BadHeader`]). Inside a gzip member the member
/// is the frame: a record whose block runs past the member's end is a bad Content-Length.
///
/// A gzip member holding several records (not how archives are written, but legal) yields
/// them all, each with the member's offset and length. A whole file compressed as one
/// member works only up to the record size limit.
pub struct WarcReader<R> {
    input: Input<R>,
    compression: Option<Compression>,
    limits: Limits,
    resyncing: bool,
    done: bool,
    pending: VecDeque<Result<WarcRecord, WarcError>>,
}

impl<R: Read> WarcReader<R> {
    /// A reader over `inner` with the default limits.
    pub fn new(inner: R) -> Self {
        let mut r = WarcReader {
            input: Input::new(inner),
            compression: None,
            limits: Limits {
                max_record: DEFAULT_MAX_RECORD_SIZE,
                max_header: DEFAULT_MAX_HEADER_SIZE,
            },
            resyncing: false,
            done: false,
            pending: VecDeque::new(),
        };
        r.update_keep_limit();
        r
    }

    /// Sets the largest record (header and block, decompressed) read into memory; bigger
    /// records yield [`WarcError::TooLarge`] and are skipped. Default
    /// [`DEFAULT_MAX_RECORD_SIZE`].
    pub fn with_max_record_size(mut self, bytes: u64) -> Self {
        self.limits.max_record = bytes;
        self.update_keep_limit();
        self
    }

    /// Sets the largest record header. Default [`DEFAULT_MAX_HEADER_SIZE`].
    pub fn with_max_header_size(mut self, bytes: usize) -> Self {
        self.limits.max_header = bytes;
        self.update_keep_limit();
        self
    }

    fn update_keep_limit(&mut self) {
        // A gzip member's compressed bytes are kept for a rescan after damage while they fit
        // in about one record's worth of memory.
        let keep = self
            .limits
            .max_record
            .saturating_add(self.limits.max_header as u64)
            .saturating_add(1 << 20)
            .min(usize::MAX as u64) as usize;
        self.input.set_keep_limit(keep);
    }

    /// Plain or gzip, once the first record has been asked for.
    pub fn compression(&self) -> Option<Compression> {
        self.compression
    }

    /// Offset of the next byte to read from the input.
    pub fn position(&self) -> u64 {
        self.input.offset()
    }

    fn io_error(&mut self) -> WarcError {
        self.done = true;
        let source = self
            .input
            .io_error
            .take()
            .unwrap_or_else(|| io::Error::other("read failed"));
        WarcError::Io {
            offset: self.input.offset(),
            source,
        }
    }

    /// Gzip if the input starts with the gzip magic; plain if it starts with `WARC/`. For an
    /// input whose start is damaged, the first 64 KiB decide: plain if a `WARC/1.` line is
    /// there, else gzip if a gzip member header is, else plain.
    fn detect(&mut self) -> Option<Compression> {
        if self.input.fill_to(2).is_err() {
            return None;
        }
        let w = self.input.window();
        if w.starts_with(&[0x1f, 0x8b]) {
            return Some(Compression::Gzip);
        }
        // A read error here shows again when the records need the bytes.
        let _ = self.input.fill_to(64 * 1024);
        let w = self.input.window();
        let start = w
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(w.len());
        // A `WARC/1.` line does not occur in compressed data; gzip headers do occur in plain
        // records' blocks.
        if w[start..].starts_with(b"WARC/") || memchr::memmem::find(w, b"\nWARC/1.").is_some() {
            return Some(Compression::None);
        }
        let gzip_inside = memchr::memmem::find_iter(w, &[0x1f, 0x8b, 0x08])
            .any(|i| w.get(i + 3).is_some_and(|flg| flg & 0xe0 == 0));
        Some(if gzip_inside {
            Compression::Gzip
        } else {
            Compression::None
        })
    }

    /// Moves to the next `WARC/1.x` version line (usually at a line start, but also found
    /// right after a block whose blank lines were lost); false at the end of the input.
    fn resync_plain(&mut self) -> io::Result<bool> {
        const NEEDLE: &[u8] = b"WARC/1.";
        loop {
            let w = self.input.window();
            let mut from = 0;
            let mut undecided = w.len();
            while let Some(i) = memchr::memmem::find(&w[from..], NEEDLE) {
                let at = from + i;
                let tail = &w[at + NEEDLE.len()..];
                if tail.len() < 3 && !self.input.eof {
                    undecided = at;
                    break;
                }
                let version_line = tail.first().is_some_and(u8::is_ascii_digit)
                    && (tail[1..].starts_with(b"\r\n") || tail[1..].starts_with(b"\n"));
                if version_line {
                    self.input.consume_n(at);
                    return Ok(true);
                }
                from = at + 1;
            }
            // Past the bytes checked, keep what could still begin a needle.
            let n = if undecided < w.len() {
                undecided
            } else {
                w.len().saturating_sub(NEEDLE.len() - 1)
            };
            self.input.consume_n(n);
            if !self.input.fill_more()? {
                let n = self.input.window().len();
                self.input.consume_n(n);
                return Ok(false);
            }
        }
    }

    /// Moves to the next plausible gzip member header; false at the end of the input.
    fn resync_gzip(&mut self) -> io::Result<bool> {
        loop {
            let w = self.input.window();
            let mut from = 0;
            while let Some(i) = memchr::memchr(0x1f, &w[from..]) {
                let at = from + i;
                if w.len() < at + 4 {
                    break;
                }
                if w[at + 1] == 0x8b && w[at + 2] == 8 && w[at + 3] & 0xe0 == 0 {
                    self.input.consume_n(at);
                    return Ok(true);
                }
                from = at + 1;
            }
            let n = if w.len() >= 3 {
                from.max(w.len() - 3)
            } else {
                0
            };
            let n = n.min(w.len());
            self.input.consume_n(n);
            if !self.input.fill_more()? {
                let n = self.input.window().len();
                self.input.consume_n(n);
                return Ok(false);
            }
        }
    }

    fn damage(offset: u64, d: Damage, limit: u64) -> WarcError {
        match d {
            Damage::BadHeader(detail) => WarcError::BadHeader { offset, detail },
            Damage::BadContentLength(detail) => WarcError::BadContentLength { offset, detail },
            Damage::Truncated(detail) => WarcError::Truncated { offset, detail },
            Damage::TooLarge(detail) => WarcError::TooLarge {
                offset,
                limit,
                detail,
            },
        }
    }

    /// One step in a plain file: a record, an error, or `None` at the end.
    fn next_plain(&mut self) -> Option<Result<WarcRecord, WarcError>> {
        if self.resyncing {
            match self.resync_plain() {
                Ok(true) => self.resyncing = false,
                Ok(false) => return None,
                Err(_) => return Some(Err(self.io_error())),
            }
        }
        // Skip blank lines between records.
        loop {
            let w = self.input.window();
            let n = w.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let all = n == w.len();
            self.input.consume_n(n);
            if !all {
                break;
            }
            match self.input.fill_more() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(_) => return Some(Err(self.io_error())),
            }
        }
        let offset = self.input.offset();
        loop {
            let parsed = parse_record(self.input.window(), self.input.eof, self.limits);
            match parsed {
                Parse::Record(version, headers, block, used) => {
                    self.input.consume_n(used);
                    return Some(Ok(WarcRecord {
                        version,
                        headers,
                        block,
                        offset,
                        length: used as u64,
                    }));
                }
                Parse::NeedMore(n) => {
                    if self.input.fill_to(n).is_err() {
                        return Some(Err(self.io_error()));
                    }
                }
                Parse::Damaged(d) => {
                    // Rescan from just past this record's start.
                    self.input.consume_n(1);
                    self.resyncing = true;
                    return Some(Err(Self::damage(offset, d, self.limits.max_record)));
                }
            }
        }
    }

    /// One gzip member: pushes its record(s) or error onto `pending`; false at the end.
    fn next_gzip(&mut self) -> bool {
        let candidate = self.resyncing;
        if candidate {
            match self.resync_gzip() {
                Ok(true) => {}
                Ok(false) => return false,
                Err(_) => {
                    let e = self.io_error();
                    self.pending.push_back(Err(e));
                    return true;
                }
            }
        }
        if self.input.fill_to(10).is_err() {
            let e = self.io_error();
            self.pending.push_back(Err(e));
            return true;
        }
        let w = self.input.window();
        if w.is_empty() {
            return false;
        }
        let offset = self.input.offset();
        if !w.starts_with(&[0x1f, 0x8b]) {
            if w.iter().all(|b| *b == 0) && self.input.eof {
                // Zero padding at the end of a file.
                let n = w.len();
                self.input.consume_n(n);
                return false;
            }
            self.resyncing = true;
            self.pending.push_back(Err(WarcError::Gzip {
                offset,
                detail: "not the start of a gzip member (no 1f 8b magic)".into(),
            }));
            return true;
        }
        let plausible = plausible_member_header(w);
        self.input.set_mark();
        let max = self.limits.max_record;
        let mut out = Vec::new();
        let mut decoder = flate2::bufread::GzDecoder::new(&mut self.input);
        let res = (&mut decoder)
            .take(max.saturating_add(1))
            .read_to_end(&mut out);
        let too_large = res.is_ok() && out.len() as u64 > max;
        let res = if too_large {
            out = Vec::new();
            decoder.get_mut().clear_mark();
            io::copy(&mut decoder, &mut io::sink()).map(|_| 0)
        } else {
            res
        };
        drop(decoder);
        if self.input.io_error.is_some() {
            let e = self.io_error();
            self.pending.push_back(Err(e));
            return true;
        }
        match res {
            Ok(_) if too_large => {
                self.input.clear_mark();
                self.resyncing = false;
                self.pending.push_back(Err(WarcError::TooLarge {
                    offset,
                    limit: max,
                    detail: "gzip member decompresses to more".into(),
                }));
            }
            Ok(_) => {
                self.input.clear_mark();
                self.resyncing = false;
                let length = self.input.offset() - offset;
                self.parse_member(&out, offset, length);
            }
            Err(e) => {
                let truncated = self.input.eof && self.input.window().is_empty();
                if !self.input.rewind_past_mark() && self.input.offset() == offset {
                    self.input.consume_n(1);
                }
                self.resyncing = true;
                if too_large {
                    self.pending.push_back(Err(WarcError::TooLarge {
                        offset,
                        limit: max,
                        detail: format!("and then the member is corrupt: {e}"),
                    }));
                } else if !candidate || plausible || out.starts_with(b"WARC/") {
                    // A candidate found while resynchronising that does not decode is just
                    // bytes that looked like a gzip header (the damage was reported already),
                    // unless its header is a whole valid one or it began to decode into a
                    // record: then it was a damaged member of its own.
                    self.pending.push_back(Err(if truncated {
                        WarcError::Truncated {
                            offset,
                            detail: format!("gzip member cut short: {e}"),
                        }
                    } else {
                        WarcError::Gzip {
                            offset,
                            detail: e.to_string(),
                        }
                    }));
                }
            }
        }
        true
    }

    /// The record(s) in one decompressed member (normally exactly one).
    fn parse_member(&mut self, data: &[u8], offset: u64, length: u64) {
        let mut at = 0;
        loop {
            at += data[at..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            if at >= data.len() {
                return;
            }
            match parse_record(&data[at..], true, self.limits) {
                Parse::Record(version, headers, block, used) => {
                    at += used;
                    self.pending.push_back(Ok(WarcRecord {
                        version,
                        headers,
                        block,
                        offset,
                        length,
                    }));
                }
                Parse::NeedMore(_) => {
                    unreachable_truncated(&mut self.pending, offset);
                    return;
                }
                Parse::Damaged(d) => {
                    let d = match d {
                        // The member decoded whole, so a block running past its end is a
                        // wrong Content-Length rather than a cut.
                        Damage::Truncated(s) => {
                            Damage::BadContentLength(format!("{s} in the gzip member"))
                        }
                        other => other,
                    };
                    self.pending
                        .push_back(Err(Self::damage(offset, d, self.limits.max_record)));
                    return;
                }
            }
            if at >= data.len() {
                return;
            }
        }
    }
}

/// A gzip member header whose every fixed field has a value real writers use (magic, deflate,
/// no reserved flags, XFL 0/2/4, a known OS): compressed data rarely looks like this.
fn plausible_member_header(w: &[u8]) -> bool {
    w.len() >= 10
        && w[..3] == [0x1f, 0x8b, 0x08]
        && w[3] & 0xe0 == 0
        && matches!(w[8], 0 | 2 | 4)
        && (w[9] <= 13 || w[9] == 255)
}

/// `parse_record` with `at_eof` never asks for more; should it, report a truncation rather
/// than panic.
fn unreachable_truncated(pending: &mut VecDeque<Result<WarcRecord, WarcError>>, offset: u64) {
    pending.push_back(Err(WarcError::Truncated {
        offset,
        detail: "record cut short in the gzip member".into(),
    }));
}

impl<R: Read> Iterator for WarcReader<R> {
    type Item = Result<WarcRecord, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let compression = match self.compression {
                Some(c) => c,
                None => match self.detect() {
                    Some(c) => {
                        self.compression = Some(c);
                        c
                    }
                    None => return Some(Err(self.io_error())),
                },
            };
            match compression {
                Compression::None => match self.next_plain() {
                    Some(item) => return Some(item),
                    None => self.done = true,
                },
                Compression::Gzip => {
                    if !self.next_gzip() {
                        self.done = true;
                    }
                }
            }
        }
    }
}
