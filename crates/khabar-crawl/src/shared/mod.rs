//! Many workers, one frontier: the frontier, the seen set, each host's pace and the crawl
//! state kept on a Redis server, so that workers in other processes or on other machines
//! crawl one site list together.
//!
//! - Work is taken on a lease: a worker holds the requests it took while its heartbeat key
//!   lives; when it dies, the key expires and the next worker to look puts what it held
//!   back at the head of the queue. A request is done once its records are written, so a
//!   worker killed mid-crawl loses nothing (what it wrote and did not mark done is fetched
//!   again, and written with the same id and revision).
//! - Politeness is global: one pace per host on the server's clock (a Lua script takes a
//!   slot atomically), and a Retry-After or backoff holds the host for every worker.
//! - The crawl state (validators, article revisions, runs) is shared too, so an incremental
//!   run with many workers writes only new or changed articles.
//! - A crawl is one generation of keys: workers that start while one is under way join it;
//!   the first to start after it is over begins the next one.

pub(crate) mod frontier;
mod report;
mod scripts;
mod server;
mod state;

pub(crate) use frontier::RedisFrontier;
pub use report::{SharedReport, report};
pub use server::{Server, hide_password};
pub use state::RedisState;
