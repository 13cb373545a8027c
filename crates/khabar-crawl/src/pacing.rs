//! Per-host politeness: a GCRA rate limiter (governor) per host, on tokio's clock so that
//! tests can run the schedule on a paused clock. R requests per second with a burst of B
//! means: at most B at once after a quiet spell, then one every 1/R seconds.
//!
//! A timer always wakes a little after the instant a slot opens; a limiter that charged
//! that lateness to the next request would hold a 20/s host to about 19.5/s. So each
//! request costs [`CELLS`] cells of a limiter running [`CELLS`] times faster, whose
//! capacity holds [`SLACK`] cells more than the burst: a request may come up to
//! SLACK/CELLS of a period early to make up for a late one. Never more than B at once,
//! never closer than 0.8 of a period, at most R + B in any 1 s window, and the long-run
//! rate is R.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

/// Tokio's clock, as governor wants it: time since the clock was made.
#[derive(Debug, Clone)]
pub(crate) struct TokioClock {
    start: Instant,
}

impl TokioClock {
    /// A clock that starts now.
    pub(crate) fn new() -> Self {
        Self {
            start: Instant::now(),
        }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for TokioClock {
    type Instant = Duration;
    fn now(&self) -> Duration {
        Instant::now().duration_since(self.start)
    }
}

/// Cells one request costs.
pub(crate) const CELLS: u32 = 10;
/// Cells of slack on top of the burst: lateness up to SLACK/CELLS of a period is made up.
pub(crate) const SLACK: u32 = 2;

type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<Duration>>;

/// A pace as a rule of the generic cell rate algorithm: one request per `interval` in the
/// long run, each may come up to `tolerance` ahead of its turn (the burst, and the slack that
/// makes up for timers waking late).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaceRule {
    /// The time between two requests in the long run.
    pub interval: Duration,
    /// How far ahead of its turn a request may come.
    pub tolerance: Duration,
}

/// One host's pace.
pub struct Pacer {
    limiter: Option<Limiter>,
    clock: TokioClock,
    /// Requests per second (0: unlimited).
    pub rate: f64,
    /// Requests at once after a quiet spell.
    burst: u32,
    /// Cells of slack (see the module's notes).
    slack: u32,
    /// Whether the last try had to wait: only then may the slack make up for lateness.
    waited: bool,
    /// When the last slot was taken.
    last_take: Option<Instant>,
}

impl Pacer {
    /// `rate` requests per second (0 or less: no limit) with `burst` at once.
    pub fn new(rate: f64, burst: u32) -> Self {
        Self::with_slack(rate, burst, SLACK)
    }

    /// A pace that never lets a request come early, even to make up for a late one: for
    /// a robots.txt Crawl-delay, which is a minimum time between requests.
    pub fn strict(rate: f64) -> Self {
        Self::with_slack(rate, 1, 0)
    }

    fn with_slack(rate: f64, burst: u32, slack: u32) -> Self {
        let clock = TokioClock::new();
        let limiter = (rate > 0.0).then(|| {
            let cell =
                Duration::from_secs_f64(1.0 / rate / f64::from(CELLS)).max(Duration::from_nanos(1));
            let capacity = burst.max(1).saturating_mul(CELLS).saturating_add(slack);
            let quota = Quota::with_period(cell)
                .expect("a positive period")
                .allow_burst(NonZeroU32::new(capacity).expect("capacity is positive"));
            RateLimiter::direct_with_clock(quota, clock.clone())
        });
        Self {
            limiter,
            clock,
            rate: rate.max(0.0),
            burst: burst.max(1),
            slack,
            waited: false,
            last_take: None,
        }
    }

    /// Takes a slot now if the pace allows; otherwise says how long to wait.
    pub fn try_take(&mut self) -> Result<(), Duration> {
        let Some(l) = &self.limiter else {
            return Ok(());
        };
        match l.check_n(NonZeroU32::new(CELLS).expect("cells")) {
            Ok(Ok(())) => {
                // A slot free without waiting, a period or more after the last one, means
                // the host had been quiet: the slack is used up at once, so it can never
                // make the next request early; it only makes up for a timer that woke late.
                let now = Instant::now();
                let period = Duration::from_secs_f64(1.0 / self.rate);
                let after_quiet = self
                    .last_take
                    .is_none_or(|t| now.duration_since(t) >= period);
                if !self.waited && after_quiet && self.slack > 0 {
                    let _ = l.check_n(NonZeroU32::new(self.slack).expect("slack"));
                }
                self.waited = false;
                self.last_take = Some(now);
                Ok(())
            }
            Ok(Err(not_until)) => {
                self.waited = true;
                Err(not_until.wait_time_from(self.clock.now()))
            }
            Err(_) => unreachable!("capacity is at least CELLS"),
        }
    }

    /// The same pace as a rule another keeper of time can apply (a shared frontier keeps
    /// one clock for every worker): `None` when the pace is unlimited.
    pub fn rule(&self) -> Option<PaceRule> {
        (self.rate > 0.0).then(|| {
            let interval = Duration::from_secs_f64(1.0 / self.rate);
            let slack = interval.mul_f64(f64::from(self.slack) / f64::from(CELLS));
            PaceRule {
                interval,
                tolerance: interval * (self.burst - 1) + slack,
            }
        })
    }

    /// Slows this host down to at most one request per `delay` (robots.txt Crawl-delay),
    /// counting a request made just now (robots.txt itself).
    pub fn slow_to(&mut self, delay: Duration) {
        if delay.is_zero() {
            return;
        }
        let rate = 1.0 / delay.as_secs_f64();
        if self.rate > 0.0 && self.rate <= rate {
            return;
        }
        *self = Self::strict(rate);
        let _ = self.try_take();
    }

    /// Waits until a slot is free and takes it.
    pub async fn take(&mut self) {
        while let Err(wait) = self.try_take() {
            tokio::time::sleep(wait).await;
        }
    }
}

// `Duration` is governor's reference type for our clock; make sure it stays one.
const _: fn() = || {
    fn is_reference<T: Reference>() {}
    is_reference::<Duration>();
};

#[cfg(test)]
mod tests {
    use super::*;

    /// The schedule the pacer yields for `n` requests made as fast as it allows.
    async fn schedule(rate: f64, burst: u32, n: usize) -> Vec<Duration> {
        let mut pacer = Pacer::new(rate, burst);
        let start = Instant::now();
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            pacer.take().await;
            times.push(start.elapsed());
        }
        times
    }

    fn most_in_window(times: &[Duration], window: Duration) -> usize {
        times
            .iter()
            .map(|t| {
                times
                    .iter()
                    .filter(|u| **u >= *t && **u < *t + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn holds_the_rate_exactly() {
        for (rate, burst) in [(20.0, 1), (5.0, 1), (3.0, 3), (0.5, 1)] {
            let n = 200;
            let times = schedule(rate, burst, n).await;
            let limit = rate.ceil() as usize + burst as usize;
            assert!(
                most_in_window(&times, Duration::from_secs(1)) <= limit,
                "rate {rate} burst {burst}"
            );
            // long-run rate within 2%
            let span = (times[n - 1] - times[burst as usize - 1]).as_secs_f64();
            let achieved = (n - burst as usize) as f64 / span;
            assert!(
                (achieved - rate).abs() / rate < 0.02,
                "rate {rate}: achieved {achieved}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn late_wake_ups_do_not_slow_the_pace() {
        let mut pacer = Pacer::new(20.0, 1);
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..200 {
            while let Err(wait) = pacer.try_take() {
                // wake up 1.7 ms after the slot opens, as a busy timer does
                tokio::time::sleep(wait + Duration::from_micros(1700)).await;
            }
            times.push(start.elapsed());
        }
        let achieved = 199.0 / (times[199] - times[0]).as_secs_f64();
        assert!((achieved - 20.0).abs() / 20.0 < 0.02, "achieved {achieved}");
        assert!(most_in_window(&times, Duration::from_secs(1)) <= 21);
    }

    #[tokio::test(start_paused = true)]
    async fn no_burst_means_evenly_spaced() {
        // on time, the slack is never used: exactly one period apart, two in any 100 ms
        let times = schedule(20.0, 1, 50).await;
        assert_eq!(most_in_window(&times, Duration::from_millis(100)), 2);
        for w in times.windows(2) {
            assert_eq!(w[1] - w[0], Duration::from_millis(50), "{:?}", w);
        }
        // after a quiet spell too
        let mut pacer = Pacer::new(20.0, 1);
        tokio::time::sleep(Duration::from_secs(3)).await;
        pacer.take().await;
        let first = Instant::now();
        pacer.take().await;
        assert_eq!(first.elapsed(), Duration::from_millis(50));
        // and when requests trickle in slower than the pace, then pile up
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(70)).await;
            pacer.take().await;
        }
        let last = Instant::now();
        pacer.take().await;
        assert_eq!(last.elapsed(), Duration::from_millis(50));
    }

    #[tokio::test(start_paused = true)]
    async fn after_a_quiet_spell_at_most_the_burst_goes_at_once() {
        for burst in [1, 3] {
            let mut pacer = Pacer::new(10.0, burst);
            tokio::time::sleep(Duration::from_secs(5)).await;
            let mut at_once = 0;
            while pacer.try_take().is_ok() {
                at_once += 1;
            }
            assert_eq!(at_once, burst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn crawl_delay_slows_a_host_down_but_never_speeds_it_up() {
        let mut p = Pacer::new(10.0, 1);
        p.slow_to(Duration::from_secs(2));
        assert!((p.rate - 0.5).abs() < 1e-9);
        assert!(p.try_take().is_err(), "the robots.txt request counts");
        // a Crawl-delay is a minimum: never a moment early
        let start = Instant::now();
        p.take().await;
        assert!(start.elapsed() >= Duration::from_secs(2));
        tokio::time::sleep(Duration::from_millis(2300)).await;
        p.take().await;
        let second = Instant::now();
        p.take().await;
        assert!(second.elapsed() >= Duration::from_secs(2));
        let mut q = Pacer::new(0.1, 1);
        q.slow_to(Duration::from_secs(2));
        assert!((q.rate - 0.1).abs() < 1e-9);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_rate_is_unlimited() {
        let times = schedule(0.0, 1, 100).await;
        assert_eq!(times[99], Duration::ZERO);
    }
}
