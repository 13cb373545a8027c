//! Feedback on long crawls: a live line on stderr when it is a terminal, a log line every
//! few seconds otherwise.

use std::collections::VecDeque;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use khabar_crawl::{CrawlProgress, CrawlStats};

/// The crawl's progress on stderr.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    last_log: Instant,
    log_every: Duration,
    quiet: bool,
    /// (when, requests so far), for the current rate over the last few seconds.
    samples: VecDeque<(Instant, u64)>,
}

/// The span the current rate is measured over.
const RATE_WINDOW: Duration = Duration::from_secs(5);

impl Progress {
    /// `quiet`: no feedback at all (the summary is still logged by the caller).
    pub fn new(quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .expect("template"),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Self {
            bar,
            started: Instant::now(),
            last_log: Instant::now(),
            log_every: Duration::from_secs(5),
            quiet,
            samples: VecDeque::new(),
        }
    }

    /// The live line shows `msg`; without a terminal, a log line every `log_every`.
    fn show(&mut self, msg: String) {
        match &self.bar {
            Some(bar) => bar.set_message(msg),
            None => {
                if self.last_log.elapsed() >= self.log_every {
                    self.last_log = Instant::now();
                    tracing::info!("{msg}");
                }
            }
        }
    }

    /// The live line goes away.
    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl CrawlProgress for Progress {
    fn update(&mut self, stats: &CrawlStats, queued: usize, in_flight: usize) {
        if self.quiet {
            return;
        }
        let now = Instant::now();
        if self
            .samples
            .back()
            .is_none_or(|(t, _)| now.duration_since(*t) >= Duration::from_millis(100))
        {
            self.samples.push_back((now, stats.requests));
        }
        while self.samples.len() > 2
            && self
                .samples
                .front()
                .is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW)
        {
            self.samples.pop_front();
        }
        let rate = match (self.samples.front(), self.samples.back()) {
            (Some((t0, n0)), Some((t1, n1))) if t1 > t0 => {
                (n1 - n0) as f64 / t1.duration_since(*t0).as_secs_f64()
            }
            _ => stats.requests as f64 / self.started.elapsed().as_secs_f64().max(1e-9),
        };
        let msg = format!(
            "fetched {} · queued {queued} · in flight {in_flight} · records {} · errors {} · {rate:.1} req/s now",
            stats.requests,
            stats.records,
            stats.errors_total(),
        );
        self.show(msg);
    }

    fn finish(&mut self) {
        self.clear();
    }
}

/// The same live line (or log line) for `khabar ccnews`.
impl khabar_crawl::ccnews::CcNewsProgress for Progress {
    fn update(&mut self, counts: &khabar_crawl::ccnews::CcNewsCounts) {
        if self.quiet {
            return;
        }
        let msg = counts.line();
        self.show(msg);
    }

    fn finish(&mut self) {
        self.clear();
    }
}
