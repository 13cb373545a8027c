//! Feedback on long runs: the counts as they stand ([`CcNewsCounts`]), handed to a
//! [`CcNewsProgress`] about five times a second. [`LogProgress`] logs a line every few
//! seconds; a command line may draw a live line from [`CcNewsCounts::line`] instead.

use std::time::{Duration, Instant};

/// Where a run stands.
#[derive(Debug, Clone, Default)]
pub struct CcNewsCounts {
    /// Archives in the date range.
    pub archives: usize,
    /// Of those, read to their end by an earlier run.
    pub archives_before: usize,
    /// Read to their end by this run.
    pub archives_done: usize,
    /// Given up on by this run.
    pub archives_failed: usize,
    /// Bytes of archives received (as stored: compressed).
    pub bytes: u64,
    /// The bytes this run is expected to read in all, once an archive's size is known
    /// (the sizes not yet known are taken to be the mean of those known).
    pub bytes_expected: Option<u64>,
    /// WARC records read.
    pub warc_records: u64,
    /// Pages kept (on the hosts asked for) and extracted.
    pub pages: u64,
    /// Records written.
    pub records: u64,
    /// Time since the run started.
    pub elapsed: Duration,
}

impl CcNewsCounts {
    /// The time left, from the bytes still to read at the rate so far.
    pub fn time_left(&self) -> Option<Duration> {
        let expected = self.bytes_expected?;
        let secs = self.elapsed.as_secs_f64();
        if self.bytes == 0 || secs < 1.0 {
            return None;
        }
        let rate = self.bytes as f64 / secs;
        Some(Duration::from_secs_f64(
            expected.saturating_sub(self.bytes) as f64 / rate,
        ))
    }

    /// One line: `archives 3/120 · 1.2 GB at 45.1 MB/s · 1204 pages kept · 2310 records
    /// (38/s) · about 1 h 20 min left`.
    pub fn line(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let done = self.archives_before + self.archives_done;
        let mut s = format!(
            "archives {done}/{}{} · {} at {}/s · {} pages kept · {} records ({:.1}/s)",
            self.archives,
            if self.archives_failed > 0 {
                format!(" ({} failed)", self.archives_failed)
            } else {
                String::new()
            },
            bytes(self.bytes),
            bytes((self.bytes as f64 / secs) as u64),
            self.pages,
            self.records,
            self.records as f64 / secs
        );
        if let Some(left) = self.time_left() {
            s.push_str(&format!(" · about {} left", duration(left)));
        }
        s
    }
}

/// Bytes for people: `812 B`, `12.3 MB`, `1.20 GB` (powers of 1000).
pub(super) fn bytes(n: u64) -> String {
    let n = n as f64;
    if n < 1e3 {
        format!("{n} B")
    } else if n < 1e6 {
        format!("{:.1} kB", n / 1e3)
    } else if n < 1e9 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.2} GB", n / 1e9)
    }
}

/// A duration for people: `45 s`, `12 min`, `3 h 05 min`.
pub(super) fn duration(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    }
}

/// Receives a run's counts as it goes.
pub trait CcNewsProgress {
    /// The counts so far.
    fn update(&mut self, counts: &CcNewsCounts);
    /// The run is over: clear whatever was drawn.
    fn finish(&mut self) {}
}

/// No feedback.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoCcNewsProgress;

impl CcNewsProgress for NoCcNewsProgress {
    fn update(&mut self, _: &CcNewsCounts) {}
}

/// A log line (tracing, at info level, on stderr) every `every`.
#[derive(Debug)]
pub struct LogProgress {
    every: Duration,
    last: Instant,
}

impl LogProgress {
    /// A line every `every`.
    pub fn new(every: Duration) -> Self {
        Self {
            every,
            last: Instant::now(),
        }
    }
}

impl Default for LogProgress {
    fn default() -> Self {
        Self::new(Duration::from_secs(5))
    }
}

impl CcNewsProgress for LogProgress {
    fn update(&mut self, counts: &CcNewsCounts) {
        if self.last.elapsed() >= self.every {
            self.last = Instant::now();
            tracing::info!("{}", counts.line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_with_the_time_left() {
        let c = CcNewsCounts {
            archives: 10,
            archives_before: 2,
            archives_done: 3,
            bytes: 50_000_000,
            bytes_expected: Some(150_000_000),
            pages: 12,
            records: 20,
            elapsed: Duration::from_secs(10),
            ..CcNewsCounts::default()
        };
        let line = c.line();
        assert!(
            line.starts_with("archives 5/10 · 50.0 MB at 5.0 MB/s"),
            "{line}"
        );
        assert!(line.contains("20 records (2.0/s)"), "{line}");
        assert!(line.ends_with("about 20 s left"), "{line}");
        assert_eq!(
            duration(Duration::from_secs(3 * 3600 + 5 * 60)),
            "3 h 05 min"
        );
        assert_eq!(bytes(999), "999 B");
    }
}
