//! [`RedisFrontier`]: one frontier and one seen set for many workers, on a Redis server.
//! A worker takes requests on a lease that lasts as long as its heartbeat: a worker that
//! dies (kill -9, a lost machine) stops beating, and the next worker to look gives what it
//! held back to the queue.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::scripts::scripts;
use super::server::{KEY_PREFIX, Keys, Server, lasting};
use crate::frontier::shorten;
use crate::frontier::{
    FrontierStore, Lane, MalformedRequest, QueuedUrl, SharedFrontier, SharedSnapshot, fingerprint,
};
use crate::pacing::PaceRule;
use crate::state::StateError;

/// How often a worker looks for the requests of workers that died.
const REAP_EVERY: Duration = Duration::from_secs(1);

/// URL fingerprints this worker remembers as seen without asking the server (8 bytes each).
const LOCAL_SEEN_MAX: usize = 1 << 20;

/// The longest queued entry a worker takes from the server; a longer one is dropped there
/// (no URL khabar queues comes near it).
pub(crate) const MAX_ENTRY_BYTES: usize = 64 * 1024;

/// A worker's place on a shared frontier: the crawl (generation) it joined, its lease, and
/// the heartbeat that keeps the lease alive.
pub struct RedisFrontier {
    server: Arc<Server>,
    keys: Keys,
    worker: String,
    generation: u64,
    joined: bool,
    /// Fingerprints known seen (by this worker's own adds and lookups).
    seen_here: Mutex<HashSet<u64>>,
    left: AtomicBool,
    last_reap: Mutex<Option<std::time::Instant>>,
    heartbeat: Mutex<Option<Heartbeat>>,
    /// Entries taken that could not be read, for the scheduler to drop.
    malformed: Mutex<Vec<MalformedRequest>>,
}

impl std::fmt::Debug for RedisFrontier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisFrontier")
            .field("server", &self.server.shown())
            .field("worker", &self.worker)
            .field("generation", &self.generation)
            .finish()
    }
}

impl RedisFrontier {
    /// Joins the crawl under way on `server`, or starts the next one when the last is over;
    /// the worker's heartbeat (its lease) lasts `lease` after its last beat.
    pub fn join(server: Arc<Server>, lease: Duration) -> Result<Self, StateError> {
        let worker = worker_id();
        let lease_ms = lease.as_millis().max(1000) as u64;
        let mut conn = server.get()?;
        let (generation, joined): (u64, u8) = server.call(
            scripts()
                .join
                .arg(KEY_PREFIX)
                .arg(&worker)
                .arg(lease_ms)
                .invoke(&mut *conn),
        )?;
        drop(conn);
        let heartbeat = Heartbeat::start(&server, &worker, generation, lease)?;
        let keys = Keys::of(generation);
        let frontier = Self {
            keys,
            server,
            worker,
            generation,
            joined: joined == 1,
            seen_here: Mutex::new(HashSet::new()),
            left: AtomicBool::new(false),
            last_reap: Mutex::new(None),
            heartbeat: Mutex::new(Some(heartbeat)),
            malformed: Mutex::new(Vec::new()),
        };
        // what workers that died held goes back first
        frontier.give_back("")?;
        Ok(frontier)
    }

    /// This worker's id (host name, process id and a random part).
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// The crawl's number on the server.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the crawl was under way (other workers, or one that stopped early).
    pub fn joined(&self) -> bool {
        self.joined
    }

    fn give_back(&self, worker: &str) -> Result<u64, StateError> {
        let mut conn = self.server.get()?;
        self.server.call(
            scripts()
                .give_back
                .arg(KEY_PREFIX)
                .arg(&self.keys.crawl)
                .arg(worker)
                .invoke(&mut *conn),
        )
    }

    fn seen_here(&self) -> std::sync::MutexGuard<'_, HashSet<u64>> {
        self.seen_here.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn remember(&self, fp: u64) {
        let mut seen = self.seen_here();
        if seen.len() >= LOCAL_SEEN_MAX {
            seen.clear();
        }
        seen.insert(fp);
    }

    fn add_request(&self, url: &str, field: &str, request: &str) -> Result<bool, StateError> {
        let fp = fingerprint(url);
        if self.seen_here().contains(&fp) {
            return Ok(false);
        }
        let mut conn = self.server.get()?;
        let new: u8 = self.server.call(
            scripts()
                .add
                .arg(&self.keys.crawl)
                .arg(format!("{fp:016x}"))
                .arg(field)
                .arg(request)
                .invoke(&mut *conn),
        )?;
        self.remember(fp);
        Ok(new == 1)
    }
}

/// `{lane} {host}`: a queue's name.
fn queue_field(host: &str, lane: Lane) -> String {
    format!("{} {host}", lane.index())
}

fn encode(q: &QueuedUrl) -> String {
    format!("{}\t{}\t{}\t{}", q.url, q.kind, q.depth, q.redirects)
}

fn decode(s: &str) -> Option<QueuedUrl> {
    let mut parts = s.split('\t');
    Some(QueuedUrl {
        url: parts.next()?.to_string(),
        kind: parts.next()?.to_string(),
        depth: parts.next()?.parse().ok()?,
        redirects: parts.next()?.parse().ok()?,
    })
}

impl FrontierStore for RedisFrontier {
    fn add(
        &self,
        request: &QueuedUrl,
        host: &str,
        lane: Lane,
        _in_memory: bool,
    ) -> Result<bool, StateError> {
        // every request waits on the server, whatever the scheduler keeps
        self.add_request(&request.url, &queue_field(host, lane), &encode(request))
    }

    fn seen(&self, url: &str) -> Result<bool, StateError> {
        let fp = fingerprint(url);
        if self.seen_here().contains(&fp) {
            return Ok(true);
        }
        let mut conn = self.server.get()?;
        let seen: bool = self.server.call(
            redis::cmd("SISMEMBER")
                .arg(self.keys.key("seen"))
                .arg(format!("{fp:016x}"))
                .query(&mut *conn),
        )?;
        if seen {
            self.remember(fp);
        }
        Ok(seen)
    }

    fn mark_seen(&self, url: &str, host: &str) -> Result<bool, StateError> {
        self.add_request(url, &queue_field(host, Lane::Pages), "")
    }

    fn take(&self, host: &str, lane: Lane, n: usize) -> Result<Vec<QueuedUrl>, StateError> {
        let mut conn = self.server.get()?;
        let rows: Vec<String> = self.server.call(
            scripts()
                .take
                .arg(&self.keys.crawl)
                .arg(queue_field(host, lane))
                .arg(n)
                .arg(&self.worker)
                .arg(MAX_ENTRY_BYTES)
                .invoke(&mut *conn),
        )?;
        let mut taken = Vec::with_capacity(rows.len());
        let mut malformed = self.malformed.lock().unwrap_or_else(|e| e.into_inner());
        for row in rows {
            if let Some(len) = row.strip_prefix('\0') {
                malformed.push(MalformedRequest {
                    url: String::new(),
                    why: format!("an entry of {len} bytes, dropped by the server"),
                });
                continue;
            }
            match decode(&row) {
                Some(q) => taken.push(q),
                None => malformed.push(MalformedRequest {
                    url: row.split('\t').next().unwrap_or("").to_string(),
                    why: format!("not url, kind, depth and redirects: {:?}", shorten(&row)),
                }),
            }
        }
        Ok(taken)
    }

    fn take_malformed(&self) -> Vec<MalformedRequest> {
        std::mem::take(&mut *self.malformed.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn done(&self, url: &str) -> Result<(), StateError> {
        let mut conn = self.server.get()?;
        self.server.call(
            scripts()
                .done
                .arg(&self.keys.crawl)
                .arg(url)
                .arg(&self.worker)
                .invoke::<()>(&mut *conn),
        )
    }

    fn resume(&self) -> Result<Vec<(String, Lane, u64)>, StateError> {
        Ok(self.snapshot()?.waiting)
    }

    fn shared(&self) -> Option<&dyn SharedFrontier> {
        Some(self)
    }
}

impl SharedFrontier for RedisFrontier {
    fn snapshot(&self) -> Result<SharedSnapshot, StateError> {
        // dead workers' requests are looked for at most once a second, by every worker
        let due = {
            let mut last = self.last_reap.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|t| t.elapsed() >= REAP_EVERY);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        if due {
            self.give_back("")?;
        }
        let mut conn = self.server.get()?;
        type Snap = (Vec<(String, u64)>, u64, u64, Option<u64>, Option<u64>);
        let (waiting, held, mine, pages, generation): Snap = self.server.call(
            redis::pipe()
                .hgetall(self.keys.key("waiting"))
                .hlen(self.keys.key("leased"))
                .scard(self.keys.key(&format!("leases:{}", self.worker)))
                .get(self.keys.key("pages"))
                .get(lasting("gen"))
                .query(&mut *conn),
        )?;
        if generation != Some(self.generation) {
            return Err(StateError::FrontierLost {
                server: self.server.shown().to_string(),
                what: match generation {
                    None => format!(
                        "crawl {} is gone: the server holds no crawl",
                        self.generation
                    ),
                    Some(g) => format!(
                        "crawl {} is gone: the server is at crawl {g}",
                        self.generation
                    ),
                },
            });
        }
        let mut snap = SharedSnapshot {
            waiting: Vec::new(),
            held_by_others: held.saturating_sub(mine),
            pages: pages.unwrap_or(0),
        };
        for (field, n) in waiting {
            let Some((lane, host)) = field.split_once(' ') else {
                continue;
            };
            let Some(lane) = lane.parse().ok().and_then(Lane::from_index) else {
                continue;
            };
            if n > 0 {
                snap.waiting.push((host.to_string(), lane, n));
            }
        }
        snap.waiting.sort();
        Ok(snap)
    }

    fn pace(&self, host: &str, rule: Option<PaceRule>) -> Result<Result<(), Duration>, StateError> {
        let (interval, tolerance) = rule.map_or((0, 0), |r| {
            (
                r.interval.as_micros() as u64,
                r.tolerance.as_micros() as u64,
            )
        });
        let mut conn = self.server.get()?;
        let wait_us: i64 = self.server.call(
            scripts()
                .pace
                .key(lasting(&format!("pace:{host}")))
                .key(lasting(&format!("hold:{host}")))
                .arg(interval.max(u64::from(rule.is_some())))
                .arg(tolerance)
                .invoke(&mut *conn),
        )?;
        Ok(if wait_us <= 0 {
            Ok(())
        } else {
            Err(Duration::from_micros(wait_us as u64))
        })
    }

    fn hold(&self, host: &str, wait: Duration) -> Result<(), StateError> {
        let mut conn = self.server.get()?;
        self.server.call(
            scripts()
                .hold
                .key(lasting(&format!("hold:{host}")))
                .arg(wait.as_millis().max(1) as u64)
                .invoke(&mut *conn),
        )
    }

    fn count_page(&self) -> Result<u64, StateError> {
        let mut conn = self.server.get()?;
        self.server.call(
            redis::cmd("INCR")
                .arg(self.keys.key("pages"))
                .query(&mut *conn),
        )
    }

    fn leave(&self) -> Result<(), StateError> {
        if self.left.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        if let Some(h) = self
            .heartbeat
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            h.stop();
        }
        let back = self.give_back(&self.worker)?;
        if back > 0 {
            tracing::info!("{back} requests this worker took go back to the shared frontier");
        }
        Ok(())
    }
}

impl Drop for RedisFrontier {
    fn drop(&mut self) {
        if let Err(e) = self.leave() {
            tracing::warn!("{e}");
        }
    }
}

/// A thread that keeps a worker's heartbeat key alive: beats at a quarter of the lease. Each
/// beat also puts the worker back on the crawl's list of workers, should another have taken
/// it for dead after a stall (what it takes from then on can be given back again).
struct Heartbeat {
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl Heartbeat {
    fn start(
        server: &Arc<Server>,
        worker: &str,
        generation: u64,
        lease: Duration,
    ) -> Result<Self, StateError> {
        let mut conn = server.dedicated()?;
        let key = lasting(&format!("worker:{worker}"));
        let workers = Keys::of(generation).key("workers");
        let me = worker.to_string();
        let lease_ms = lease.as_millis().max(1000) as u64;
        let every = Duration::from_millis(lease_ms / 4);
        let (stop, stopped) = mpsc::channel::<()>();
        let server = server.clone();
        let thread = std::thread::Builder::new()
            .name("khabar-heartbeat".into())
            .spawn(move || {
                loop {
                    let beat: redis::RedisResult<()> = redis::pipe()
                        .cmd("SET")
                        .arg(&key)
                        .arg(generation)
                        .arg("PX")
                        .arg(lease_ms)
                        .ignore()
                        .sadd(&workers, &me)
                        .ignore()
                        .query(&mut conn);
                    if let Err(e) = beat {
                        tracing::warn!("{}", server.error(e));
                        if let Ok(c) = server.dedicated() {
                            conn = c;
                        }
                    }
                    match stopped.recv_timeout(every) {
                        Err(RecvTimeoutError::Timeout) => {}
                        _ => return,
                    }
                }
            })
            .map_err(|e| server_thread_error(&e))?;
        Ok(Self { stop, thread })
    }

    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

fn server_thread_error(e: &std::io::Error) -> StateError {
    StateError::Corrupt {
        server: "(heartbeat)".into(),
        what: format!("cannot start the heartbeat thread: {e}"),
    }
}

/// A worker's id: host name, process id, and a random part (two workers never share one).
fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into());
    format!("{host}-{}-{:04x}", std::process::id(), fastrand::u16(..))
}
