//! Feedback on long crawls: the engine reports its counts here as it goes; the command line
//! draws them (a live line on a terminal, a log line every few seconds otherwise).

use crate::stats::CrawlStats;

/// Receives the crawl's counts as it runs.
pub trait CrawlProgress: Send {
    /// The counts so far, with the URLs queued and the requests in flight.
    fn update(&mut self, stats: &CrawlStats, queued: usize, in_flight: usize);
    /// The crawl is over: clear whatever was drawn.
    fn finish(&mut self) {}
}

/// No feedback: for tests and embedding.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl CrawlProgress for NoProgress {
    fn update(&mut self, _: &CrawlStats, _: usize, _: usize) {}
}
