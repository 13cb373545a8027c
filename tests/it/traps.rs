//! Link floods and spider traps: whatever a site links to, the frontier stays bounded. A
//! hostile site on 127.0.0.1 of this file's own: every flood page carries 20,000 unique links
//! to further flood pages (after one link to a real page), a path trap links `a/` and `b/`
//! below itself for ever, a calendar links the next day for ever. Each crawl is bounded in
//! time, ends with a bounded peak RSS (and store), names the bounds that fired, and still
//! fetches the real pages linked first.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FLOOD_LINKS: usize = 20_000;

#[derive(Clone, Default)]
struct Trap {
    hits: Arc<Mutex<HashMap<String, u32>>>,
}

impl Trap {
    fn start() -> (Trap, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let trap = Trap::default();
        let t = trap.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let t = t.clone();
                std::thread::spawn(move || t.serve(stream));
            }
        });
        (trap, base)
    }

    fn hits(&self, path: &str) -> u32 {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn paths(&self) -> Vec<String> {
        self.hits.lock().unwrap().keys().cloned().collect()
    }

    fn page(path: &str) -> (u16, String) {
        let html = |links: &str| {
            format!(
                "<!doctype html><html><head><title>t</title></head><body><p>A page.</p>{links}</body></html>"
            )
        };
        if path == "/robots.txt" {
            return (404, String::new());
        }
        if let Some(n) = path.strip_prefix("/flood/") {
            let mut links = format!("<a href=\"/real/{n}\">real</a>");
            for i in 0..FLOOD_LINKS {
                links.push_str(&format!("<a href=\"/flood/{n}-{i}\">{i}</a>"));
            }
            return (200, html(&links));
        }
        if path.starts_with("/trap/") {
            let dir = if path.ends_with('/') {
                path.to_string()
            } else {
                format!("{path}/")
            };
            return (
                200,
                html(&format!(
                    "<a href=\"/real/trap\">real</a><a href=\"{dir}a/\">a</a><a href=\"{dir}b/\">b</a>"
                )),
            );
        }
        if let Some(day) = path.strip_prefix("/calendar?day=") {
            let next: u64 = day.parse::<u64>().unwrap_or(0) + 1;
            return (
                200,
                html(&format!(
                    "<a href=\"/real/cal{day}\">real</a><a href=\"/calendar?day={next}\">next</a>"
                )),
            );
        }
        if path.starts_with("/real/") {
            return (200, html(""));
        }
        (404, String::new())
    }

    fn serve(&self, stream: TcpStream) {
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut out = stream;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
            }
            *self.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
            let (status, body) = Self::page(&path);
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            if out
                .write_all(head.as_bytes())
                .and_then(|()| out.write_all(body.as_bytes()))
                .is_err()
            {
                return;
            }
        }
    }
}

/// Runs the crawl to its end, following its peak RSS; returns (exit code, stderr, peak MiB).
fn run_watched(mut child: Child, limit: Duration) -> (Option<i32>, String, u64) {
    let pid = child.id();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut err, &mut s);
        s
    });
    let start = Instant::now();
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
            && let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the crawl did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (status.code(), reader.join().unwrap(), peak_kib / 1024)
}

fn crawl(seed: &str, extra: &[&str], out: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(crate::support::config_path())
        .args([
            "crawl",
            seed,
            "--rate",
            "0",
            "--concurrency",
            "8",
            "--per-host",
            "8",
        ])
        .args(extra)
        .arg("-o")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn a_link_flood_is_bounded_with_and_without_a_state() {
    for with_state in [false, true] {
        let (trap, base) = Trap::start();
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.db");
        let mut extra = vec!["--max-time", "6", "--max-depth", "50", "--max-pages", "300"];
        let state_arg = state.to_str().unwrap().to_string();
        if with_state {
            extra.extend(["--state", &state_arg]);
        } else {
            extra.push("--no-state");
        }
        let child = crawl(
            &format!("{base}/flood/0"),
            &extra,
            &dir.path().join("out.ndjson"),
        );
        let (code, err, peak_mib) = run_watched(child, Duration::from_secs(60));
        assert_eq!(code, Some(0), "{err}");
        assert!(err.contains("links past max_links_per_page"), "{err}");
        assert!(
            err.contains("host queue full (max_queued_per_host)"),
            "{err}"
        );
        // each flood page's first link, to a real page, is fetched for the pages fetched
        let floods: Vec<String> = trap
            .paths()
            .into_iter()
            .filter(|p| p.starts_with("/flood/"))
            .collect();
        assert!(!floods.is_empty());
        assert_eq!(trap.hits("/real/0"), 1, "the seed's real page");
        assert!(peak_mib < 300, "peak RSS {peak_mib} MiB");
        if with_state {
            let size = std::fs::metadata(&state).unwrap().len()
                + std::fs::metadata(dir.path().join("state.db-wal")).map_or(0, |m| m.len());
            // 300 pages × 10,000 links read would be 3 million rows: the cap keeps 3,000
            assert!(size < 20 * 1024 * 1024, "store {size} bytes");
        }
    }
}

#[test]
fn a_path_repetition_trap_ends_and_its_real_page_is_fetched() {
    let (trap, base) = Trap::start();
    let dir = tempfile::tempdir().unwrap();
    let child = crawl(
        &format!("{base}/trap/"),
        &[
            "--no-state",
            "--max-depth",
            "100",
            "--max-pages",
            "0",
            "--max-time",
            "30",
        ],
        &dir.path().join("out.ndjson"),
    );
    let (code, err, _) = run_watched(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("URL trap: a path segment repeated"), "{err}");
    assert_eq!(trap.hits("/real/trap"), 1);
    // the trap is a binary tree: without the bound it would never end within the limit
    let trap_pages = trap
        .paths()
        .iter()
        .filter(|p| p.starts_with("/trap/"))
        .count();
    assert!(trap_pages < 5_000, "{trap_pages} trap pages fetched");
}

#[test]
fn a_calendar_trap_ends_at_the_depth_limit() {
    let (trap, base) = Trap::start();
    let dir = tempfile::tempdir().unwrap();
    let child = crawl(
        &format!("{base}/calendar?day=0"),
        &["--no-state", "--max-depth", "20", "--max-time", "30"],
        &dir.path().join("out.ndjson"),
    );
    let (code, err, _) = run_watched(child, Duration::from_secs(60));
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("max-depth"), "{err}");
    assert_eq!(trap.hits("/calendar?day=20"), 1);
    assert_eq!(trap.hits("/calendar?day=21"), 0);
    assert_eq!(trap.hits("/real/cal0"), 1);
}
