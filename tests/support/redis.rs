//! A Redis server for the shared-frontier tests, on 127.0.0.1: the one `.ci/run` started
//! (it sets `KHABAR_TEST_REDIS=redis://127.0.0.1:PORT`), or else one started here from the
//! `redis-server` on the PATH (Debian's package `redis-server`), which stops when the test
//! process ends. With neither, the test fails and says what to do; in CI (`CI` set) the
//! variable must be set, so a missing server can never pass unnoticed.
//!
//! Each test takes a database of its own, emptied first (the server runs with 256).

use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The server's base address, `redis://127.0.0.1:PORT`.
fn server() -> &'static str {
    static SERVER: OnceLock<String> = OnceLock::new();
    SERVER.get_or_init(|| {
        if let Ok(url) = std::env::var("KHABAR_TEST_REDIS") {
            let url = url.trim_end_matches('/').to_string();
            wait_for(&url).unwrap_or_else(|e| {
                panic!("KHABAR_TEST_REDIS={url}: the server does not answer: {e}")
            });
            return url;
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "KHABAR_TEST_REDIS is not set: in CI, .ci/run starts redis-server and sets it"
        );
        start_own()
    })
}

/// Starts `redis-server` on a free port, watched by a shell that stops it when this test
/// process ends.
fn start_own() -> String {
    let port = free_port();
    let script = format!(
        "redis-server --port {port} --bind 127.0.0.1 --save '' --appendonly no --databases 256 \
         --daemonize no >/dev/null 2>&1 & pid=$!; \
         while kill -0 {parent} 2>/dev/null; do sleep 1; done; kill $pid",
        parent = std::process::id()
    );
    // the watching shell outlives this process on purpose (it stops the server after it)
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .spawn()
        .expect("sh");
    let url = format!("redis://127.0.0.1:{port}");
    wait_for(&url).unwrap_or_else(|e| {
        panic!(
            "the shared-frontier tests need a Redis server, and none could be started ({e}): \
             install redis-server (apt-get install redis-server), or start one and set \
             KHABAR_TEST_REDIS=redis://127.0.0.1:PORT"
        )
    });
    url
}

fn wait_for(url: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    let client = redis::Client::open(format!("{url}/0")).map_err(|e| e.to_string())?;
    loop {
        let answer = client
            .get_connection_with_timeout(Duration::from_secs(1))
            .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
        match answer {
            Ok(_) => return Ok(()),
            Err(e) if Instant::now() > deadline => return Err(e.to_string()),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// A database of the test's own, emptied: `redis://127.0.0.1:PORT/N`.
pub fn fresh_db() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    assert!(n < 256, "more shared-frontier tests than databases");
    let url = format!("{}/{n}", server());
    let mut conn = redis::Client::open(url.as_str())
        .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    redis::cmd("FLUSHDB")
        .query::<()>(&mut conn)
        .unwrap_or_else(|e| panic!("{url}: FLUSHDB: {e}"));
    url
}

/// A connection to `url`, for a test to look at what is stored.
pub fn connect(url: &str) -> redis::Connection {
    redis::Client::open(url)
        .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
        .unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// A `redis-server` of a test's own, on 127.0.0.1, stopped when dropped.
pub struct OwnServer {
    child: std::process::Child,
}

impl OwnServer {
    /// Starts `redis-server` with `args` (which name its ports) and waits until `url`
    /// answers a connection (or up to 10 s).
    pub fn start(args: &[&str], ready: impl Fn() -> bool) -> OwnServer {
        let child = Command::new("redis-server")
            .args(args)
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("this test starts a redis-server of its own and none runs here ({e}): install redis-server")
            });
        let server = OwnServer { child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !ready() {
            assert!(
                Instant::now() < deadline,
                "redis-server {args:?} did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }
}

impl Drop for OwnServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1 (free when asked).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
