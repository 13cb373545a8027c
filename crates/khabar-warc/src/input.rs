//! A buffered reader that knows the absolute offset of every byte, lets the parser look at a
//! growing window without consuming it, and can keep the bytes since a mark so that a failed
//! gzip member can be rescanned from just after its start.

use std::io::{self, BufRead, Read};

const CHUNK: usize = 64 * 1024;

pub(crate) struct Input<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    mark: Option<usize>,
    /// The most bytes kept behind a mark; past it the mark is dropped.
    keep_limit: usize,
    pub(crate) eof: bool,
    /// Set when the inner reader failed (as opposed to bad data).
    pub(crate) io_error: Option<io::Error>,
}

impl<R: Read> Input<R> {
    pub(crate) fn new(inner: R) -> Self {
        Input {
            inner,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            base: 0,
            mark: None,
            keep_limit: usize::MAX,
            eof: false,
            io_error: None,
        }
    }

    pub(crate) fn set_keep_limit(&mut self, n: usize) {
        self.keep_limit = n;
    }

    /// Absolute offset of the next unconsumed byte.
    pub(crate) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The unconsumed bytes in the buffer.
    pub(crate) fn window(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    pub(crate) fn consume_n(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    pub(crate) fn set_mark(&mut self) {
        self.mark = Some(self.pos);
    }

    pub(crate) fn clear_mark(&mut self) {
        self.mark = None;
    }

    /// Moves back to one byte past the mark, if the mark was kept; drops the mark.
    pub(crate) fn rewind_past_mark(&mut self) -> bool {
        match self.mark.take() {
            Some(m) => {
                self.pos = (m + 1).min(self.end);
                true
            }
            None => false,
        }
    }

    /// Reads more bytes onto the end of the window. `Ok(false)` at the end of the input; a
    /// failed read is remembered in `io_error` and returned again by every later call.
    pub(crate) fn fill_more(&mut self) -> io::Result<bool> {
        if let Some(e) = &self.io_error {
            return Err(io::Error::new(e.kind(), e.to_string()));
        }
        if self.eof {
            return Ok(false);
        }
        let keep = match self.mark {
            Some(m) if self.end - m <= self.keep_limit => m,
            _ => {
                self.mark = None;
                self.pos
            }
        };
        if keep > 0 {
            self.buf.copy_within(keep..self.end, 0);
            self.end -= keep;
            self.pos -= keep;
            self.base += keep as u64;
            if let Some(m) = self.mark.as_mut() {
                *m -= keep;
            }
            if self.buf.len() > 4 * CHUNK && self.end < CHUNK {
                self.buf.truncate(2 * CHUNK);
                self.buf.shrink_to(2 * CHUNK);
            }
        }
        if self.buf.len() < self.end + CHUNK {
            self.buf.resize(self.end + CHUNK, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n.min(self.buf.len() - self.end);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.eof = true;
                    let copy = io::Error::new(e.kind(), e.to_string());
                    self.io_error = Some(e);
                    return Err(copy);
                }
            }
        }
    }

    /// Fills until at least `n` bytes are in the window or the input ends.
    pub(crate) fn fill_to(&mut self, n: usize) -> io::Result<()> {
        while self.end - self.pos < n && self.fill_more()? {}
        Ok(())
    }
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.end {
            self.fill_more()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    fn consume(&mut self, n: usize) {
        self.consume_n(n);
    }
}
