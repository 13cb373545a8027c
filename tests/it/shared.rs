//! Many workers on one shared frontier (`--frontier redis://`): real `khabar crawl`
//! processes against a Redis server on 127.0.0.1 (see `support/redis.rs`) and a site served
//! by the test (`support/pages.rs`), asserting from the records every worker wrote and from
//! the site's own request log.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::pages::{Seen, article, config_with, news_site};
use crate::support::process::wait_with_limit;
use crate::support::redis::{connect, fresh_db};

/// A worker: `khabar crawl BASE/ --frontier FRONTIER -o OUT` with extra arguments.
fn worker(cfg: &Path, base: &str, frontier: &str, out: &Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(cfg)
        .args(["-q", "crawl", &format!("{base}/"), "--frontier", frontier])
        .args(["--timeout", "5"])
        .args(extra)
        .arg("-o")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("khabar runs")
}

/// Waits for every worker (each one's output read meanwhile, on a thread of its own); fails
/// the test if one fails or takes longer than `limit`. Returns what each wrote on stderr.
fn wait_all(children: Vec<Child>, limit: Duration) -> Vec<String> {
    let waiting: Vec<_> = children
        .into_iter()
        .map(|c| std::thread::spawn(move || wait_with_limit(c, limit)))
        .collect();
    waiting
        .into_iter()
        .map(|w| {
            let (status, _, err) = w.join().expect("a worker's waiter");
            assert!(status.success(), "a worker failed ({status}): {err}");
            err
        })
        .collect()
}

/// Every record in the files, as (url, id, revision); fails on a line that is not whole.
fn records(files: &[PathBuf]) -> Vec<(String, String, u64)> {
    let mut all = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        for line in text.lines() {
            let r: serde_json::Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: torn line ({e}): {line}", f.display()));
            all.push((
                r["url"].as_str().unwrap().to_string(),
                r["id"].as_str().unwrap().to_string(),
                r["revision"].as_u64().unwrap(),
            ));
        }
    }
    all
}

/// The most requests the server got in any 1 s window.
fn most_in_a_second(log: &[Seen]) -> usize {
    let mut times: Vec<Instant> = log.iter().map(|s| s.at).collect();
    times.sort();
    let mut most = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end] - times[start] >= Duration::from_secs(1) {
            start += 1;
        }
        most = most.max(end - start + 1);
    }
    most
}

/// `khabar state --frontier ADDRESS` with the config `cfg`.
fn khabar_state(cfg: &Path, address: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(cfg)
        .args(["state", "--frontier", address])
        .output()
        .unwrap()
}

/// Two workers through the library on a fresh database, the second joining the first's
/// crawl: the database's address and the two.
fn two_workers() -> (
    String,
    khabar_crawl::internals::frontier::RedisFrontier,
    khabar_crawl::internals::frontier::RedisFrontier,
) {
    use khabar_crawl::internals::frontier::RedisFrontier;
    use khabar_crawl::shared::Server;
    let url = fresh_db();
    let server = Server::connect(&url, None).unwrap();
    let a = RedisFrontier::join(server.clone(), Duration::from_secs(5)).unwrap();
    let b = RedisFrontier::join(server, Duration::from_secs(5)).unwrap();
    (url, a, b)
}

fn outputs(dir: &Path, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| dir.join(format!("worker{i}.ndjson")))
        .collect()
}

#[test]
fn four_workers_write_every_article_once_and_keep_the_host_to_its_rate_together() {
    let (site, base, all) = news_site(6, 10);
    let frontier = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "");
    let outs = outputs(dir.path(), 4);
    let rate = 20;
    let children: Vec<Child> = outs
        .iter()
        .map(|o| worker(&cfg, &base, &frontier, o, &["--rate", &rate.to_string()]))
        .collect();
    wait_all(children, Duration::from_secs(60));

    let got = records(&outs);
    let mut urls: Vec<&String> = got.iter().map(|(u, _, _)| u).collect();
    urls.sort();
    assert_eq!(
        urls,
        all.iter().collect::<Vec<_>>(),
        "every article exactly once across the four outputs"
    );
    let writers = outs
        .iter()
        .filter(|o| std::fs::metadata(o).is_ok_and(|m| m.len() > 0))
        .count();
    assert!(
        writers >= 2,
        "the work was shared: {writers} workers wrote records"
    );

    let log = site.take_log();
    let pages: Vec<&Seen> = log.iter().filter(|s| s.path != "/robots.txt").collect();
    let distinct: BTreeSet<&str> = pages.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(pages.len(), distinct.len(), "no page fetched twice");
    assert_eq!(distinct.len(), all.len() + 7, "articles, sections and home");
    // rate + burst (1) in any 1 s window, every request counted, robots.txt included
    let most = most_in_a_second(&log);
    assert!(
        most <= rate + 1,
        "{most} requests in one second at --rate {rate}"
    );
    let span = log.last().unwrap().at - log.first().unwrap().at;
    assert!(
        span >= Duration::from_secs_f64((log.len() - 2) as f64 / f64::from(rate as u32)),
        "{} requests in {span:?}: faster than {rate}/s",
        log.len()
    );
}

#[test]
fn a_worker_killed_mid_crawl_loses_nothing() {
    let (_site, base, all) = news_site(5, 12);
    let frontier = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "lease_timeout_secs = 2");
    let outs = outputs(dir.path(), 3);
    let mut children: Vec<Child> = outs
        .iter()
        .map(|o| worker(&cfg, &base, &frontier, o, &["--rate", "25"]))
        .collect();
    // wait until the first worker holds requests taken from the frontier, then kill -9 it
    let victim = children.remove(0);
    let mark = format!("-{}-", victim.id());
    let mut redis = connect(&frontier);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let held: Vec<String> = redis::cmd("HVALS")
            .arg("khabar:g1:leased")
            .query(&mut redis)
            .unwrap();
        if held
            .iter()
            .any(|h| h.split('\n').next().unwrap().contains(&mark))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the first worker never took work"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut victim = victim;
    victim.kill().unwrap(); // SIGKILL
    victim.wait().unwrap();
    wait_all(children, Duration::from_secs(60));

    let got = records(&outs);
    let urls: BTreeSet<&String> = got.iter().map(|(u, _, _)| u).collect();
    assert_eq!(
        urls,
        all.iter().collect::<BTreeSet<_>>(),
        "every article written, by the killed worker before it died or by the others"
    );
    // a page written twice (by the killed worker, then again) is the same id and revision
    let mut by_url: BTreeMap<&String, BTreeSet<(&String, u64)>> = BTreeMap::new();
    for (u, id, rev) in &got {
        by_url.entry(u).or_default().insert((id, *rev));
    }
    assert!(by_url.values().all(|v| v.len() == 1), "{by_url:?}");
    let waiting: Vec<(String, u64)> = redis::cmd("HGETALL")
        .arg("khabar:g1:waiting")
        .query(&mut redis)
        .unwrap();
    let held: u64 = redis::cmd("HLEN")
        .arg("khabar:g1:leased")
        .query(&mut redis)
        .unwrap();
    assert!(waiting.iter().all(|(_, n)| *n == 0), "{waiting:?}");
    assert_eq!(held, 0, "nothing left held");
}

#[test]
fn a_second_run_with_four_workers_writes_only_the_changed_articles() {
    let (site, base, all) = news_site(4, 10);
    let frontier = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "");
    let first = outputs(dir.path(), 4);
    let run = |outs: &[PathBuf]| {
        let children: Vec<Child> = outs
            .iter()
            .map(|o| worker(&cfg, &base, &frontier, o, &["--rate", "0"]))
            .collect();
        wait_all(children, Duration::from_secs(60));
    };
    run(&first);
    assert_eq!(records(&first).len(), all.len());

    // three articles change (new text, new ETag); the rest answer 304 to their ETag
    let changed = [101u32, 117, 135];
    for id in changed {
        site.set(
            &format!("/news/{id}-story"),
            article(&base, id, &format!("نص معدل للخبر {id}")),
            Some(&format!("\"{id}-2\"")),
        );
    }
    site.take_log();
    let second: Vec<PathBuf> = (0..4)
        .map(|i| dir.path().join(format!("second{i}.ndjson")))
        .collect();
    run(&second);
    let got = records(&second);
    let mut urls: Vec<String> = got.iter().map(|(u, _, _)| u.clone()).collect();
    urls.sort();
    let want: Vec<String> = changed
        .iter()
        .map(|id| format!("{base}/news/{id}-story"))
        .collect();
    assert_eq!(urls, want, "only the changed articles");
    assert!(got.iter().all(|(_, _, rev)| *rev == 2), "{got:?}");
    let log = site.take_log();
    let conditional = log
        .iter()
        .filter(|s| s.path.starts_with("/news/") && s.if_none_match.is_some())
        .count();
    assert_eq!(
        conditional,
        all.len(),
        "every article asked for conditionally"
    );
    assert_eq!(
        log.iter().filter(|s| s.status == 304).count(),
        all.len() - changed.len()
    );

    // the shared state as `khabar state --frontier` reports it
    let out = khabar_state(&cfg, &frontier);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("articles {}, revised at least once 3", all.len())),
        "{text}"
    );
    assert!(text.contains("crawl 2: waiting 0"), "{text}");
    assert_eq!(
        text.matches("(worker ").count(),
        5,
        "the last 5 runs: {text}"
    );
}

#[test]
fn an_unreachable_frontier_fails_at_once_and_names_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "");
    // a port nothing listens on
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(&cfg)
        .args([
            "crawl",
            "http://127.0.0.1:9/",
            "--frontier",
            &format!("redis://:hunter2@127.0.0.1:{port}/0"),
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(err.contains("is the server running"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password is never printed: {err}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(out.stdout.is_empty());

    let out = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .arg("--config")
        .arg(&cfg)
        .args([
            "crawl",
            "http://127.0.0.1:9/",
            "--frontier",
            "127.0.0.1:6379",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("redis://HOST:PORT/DB"), "{err}");
}

#[test]
fn two_workers_share_one_pace_and_a_hold() {
    use khabar_crawl::internals::frontier::Pacer;
    use khabar_crawl::internals::frontier::SharedFrontier;
    let (_, a, b) = two_workers();
    assert_eq!(
        a.generation(),
        b.generation(),
        "the second joins the first's crawl"
    );
    assert!(b.joined());
    let rule = Pacer::new(10.0, 1).rule();
    // both take as fast as the shared pace lets them, for 2 seconds
    let start = Instant::now();
    let mut times = Vec::new();
    // time this thread was not looking (a busy machine): slots it could not have taken
    let mut stalled = Duration::ZERO;
    let mut last_look = start;
    while start.elapsed() < Duration::from_secs(2) {
        for w in [&a, &b] {
            if w.pace("h:1", rule).unwrap().is_ok() {
                times.push(start.elapsed());
            }
        }
        std::thread::sleep(Duration::from_millis(2));
        let now = Instant::now();
        stalled += (now - last_look).saturating_sub(Duration::from_millis(20));
        last_look = now;
    }
    // never more than the rate and the burst; no fewer than the time looked allows
    let looked = Duration::from_secs(2).saturating_sub(stalled);
    let fewest = (looked.as_secs_f64() * 10.0) as usize;
    assert!(
        times.len() <= 21 && times.len() + 2 >= fewest,
        "{} slots in 2 s at 10/s shared ({stalled:?} not looking): {times:?}",
        times.len()
    );
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= Duration::from_millis(79), "{times:?}");
    }
    // a hold (Retry-After) one worker sets stops the other too
    a.hold("h:1", Duration::from_millis(800)).unwrap();
    let wait = b.pace("h:1", rule).unwrap().unwrap_err();
    assert!(wait > Duration::from_millis(600), "{wait:?}");
}

/// A CA of the test's own and a certificate for 127.0.0.1 it signed (openssl), in `dir`.
fn certificates(dir: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .current_dir(dir)
            .args(args)
            .output()
            .expect("openssl (Debian's openssl package) makes the test's certificates");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=khabar test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
}

#[test]
fn a_frontier_over_tls_with_a_password_crawls_and_never_shows_the_password() {
    use crate::support::redis::{OwnServer, free_port};
    let dir = tempfile::tempdir().unwrap();
    certificates(dir.path());
    let port = free_port();
    let port_text = port.to_string();
    let d = |f: &str| dir.path().join(f).display().to_string();
    let (cert, key, ca) = (d("server.pem"), d("server.key"), d("ca.pem"));
    // TLS only (no plain port), a password
    let _server = OwnServer::start(
        &[
            "--port",
            "0",
            "--tls-port",
            &port_text,
            "--tls-cert-file",
            &cert,
            "--tls-key-file",
            &key,
            "--tls-ca-cert-file",
            &ca,
            "--tls-auth-clients",
            "no",
            "--requirepass",
            "s3cret-pw",
        ],
        || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
    );
    let (_site, base, all) = news_site(1, 3);
    let cfg = config_with(dir.path(), "frontier_ca_file = \"ca.pem\"");
    let address = format!("rediss://:s3cret-pw@127.0.0.1:{port}/0");
    let out_file = dir.path().join("out.ndjson");
    let child = worker(&cfg, &base, &address, &out_file, &["--rate", "0"]);
    let errs = wait_all(vec![child], Duration::from_secs(60));
    assert!(!errs[0].contains("s3cret-pw"), "{}", errs[0]);
    let mut urls: Vec<String> = records(&[out_file])
        .into_iter()
        .map(|(u, _, _)| u)
        .collect();
    urls.sort();
    assert_eq!(urls, all, "the crawl ran on the frontier over TLS");

    let out = khabar_state(&cfg, &address);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with(&format!(
            "shared frontier rediss://:***@127.0.0.1:{port}/0\n"
        )),
        "{text}"
    );
    assert!(text.contains("articles 3,"), "{text}");

    // a wrong password, and a certificate the system does not trust: errors naming the
    // server, never the password
    let out = khabar_state(&cfg, &format!("rediss://:wrong-pw@127.0.0.1:{port}/0"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("rediss://:***@127.0.0.1:{port}/0")),
        "{err}"
    );
    assert!(!err.contains("wrong-pw"), "{err}");
    // a password was given: the hint says it was refused, it does not ask for one
    assert!(
        err.contains("refused the user name or password") && !err.contains("wants a password"),
        "{err}"
    );
    // none given: the hint asks for one
    let out = khabar_state(&cfg, &format!("rediss://127.0.0.1:{port}/0"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("the server wants a password"), "{err}");
    std::fs::create_dir(dir.path().join("plain")).unwrap();
    let plain = config_with(&dir.path().join("plain"), "");
    let out = khabar_state(&plain, &address);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("127.0.0.1:{port}")) && !err.contains("s3cret-pw"),
        "{err}"
    );
}

#[test]
fn a_late_done_from_a_worker_taken_for_dead_leaves_the_new_holder_s_lease() {
    use khabar_crawl::internals::frontier::{FrontierStore, Lane, QueuedUrl, SharedFrontier};
    let (url, a, b) = two_workers();
    let q = QueuedUrl {
        url: "http://h:1/news/1-story".into(),
        kind: "article".into(),
        depth: 1,
        redirects: 0,
    };
    assert!(a.add(&q, "h:1", Lane::Articles, false).unwrap());
    assert!(
        !b.add(&q, "h:1", Lane::Articles, false).unwrap(),
        "seen by both"
    );
    assert_eq!(a.take("h:1", Lane::Articles, 5).unwrap(), vec![q.clone()]);
    assert!(
        b.take("h:1", Lane::Articles, 5).unwrap().is_empty(),
        "taken once"
    );
    // A's request goes back (as it does when A is taken for dead), B takes it, then A's
    // late `done` comes: B still holds it, and it still counts as held
    a.leave().unwrap();
    assert_eq!(b.take("h:1", Lane::Articles, 5).unwrap(), vec![q.clone()]);
    a.done(&q.url).unwrap();
    let mut redis = connect(&url);
    let crawl = a.generation();
    let held: Vec<String> = redis::cmd("HVALS")
        .arg(format!("khabar:g{crawl}:leased"))
        .query(&mut redis)
        .unwrap();
    assert_eq!(held.len(), 1, "{held:?}");
    assert!(
        held[0].starts_with(&format!("{}\n", b.worker())),
        "{held:?}"
    );
    b.done(&q.url).unwrap();
    let left: u64 = redis::cmd("HLEN")
        .arg(format!("khabar:g{crawl}:leased"))
        .query(&mut redis)
        .unwrap();
    assert_eq!(left, 0);
}

// ---------------------------------------------------------------------------------------
// zero trust in the store's contents

/// Queues `entries` (raw, as the server keeps them) for host `host`'s article lane in crawl 1
/// of the database at `url`, as someone with write access to the server could.
fn inject(url: &str, host: &str, entries: &[String]) {
    let mut redis = connect(url);
    let field = format!("1 {host}");
    let _: () = redis::cmd("SET")
        .arg("khabar:gen")
        .arg(1)
        .query(&mut redis)
        .unwrap();
    for e in entries {
        let _: () = redis::cmd("RPUSH")
            .arg(format!("khabar:g1:q:{field}"))
            .arg(e)
            .query(&mut redis)
            .unwrap();
    }
    let _: () = redis::cmd("HSET")
        .arg("khabar:g1:waiting")
        .arg(&field)
        .arg(entries.len())
        .query(&mut redis)
        .unwrap();
}

/// Requests queued in a shared frontier pass the worker's own checks before anything is
/// fetched: scope and `allowed_hosts`, literal internal addresses, URL length, shape; a
/// malformed entry is dropped with its reason and does not come back on the next run.
#[test]
fn requests_from_the_shared_store_are_checked_like_links_on_a_page() {
    let (site, base, all) = news_site(1, 3);
    let port = base.rsplit(':').next().unwrap().to_string();
    let seed_base = format!("http://localhost:{port}");
    let host = format!("localhost:{port}");
    site.set("/internal-only", article(&base, 999, "سر"), None);
    let frontier = fresh_db();
    inject(
        &frontier,
        &host,
        &[
            format!("http://127.0.0.1:{port}/internal-only\tarticle\t1\t0"),
            format!("http://[::1]:{port}/internal-only\tarticle\t1\t0"),
            format!("http://127.0.0.2:{port}/internal-only\tarticle\t1\t0"),
            format!(
                "http://localhost:{port}/{}\tarticle\t1\t0",
                "a".repeat(100 << 20)
            ),
            format!(
                "http://localhost:{port}/{}\tarticle\t1\t0",
                "b".repeat(5_000)
            ),
            "no tabs here at all".to_string(),
            format!("http://localhost:{port}/news/100-story\tsomething\t1\t0"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "");
    let out = dir.path().join("out.ndjson");
    let run = |out: &Path| {
        let child = Command::new(env!("CARGO_BIN_EXE_khabar"))
            .env_remove("KHABAR_LOG")
            .arg("--config")
            .arg(&cfg)
            .args(["crawl", &format!("{seed_base}/"), "--frontier", &frontier])
            .args(["--rate", "0", "-o"])
            .arg(out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_with_limit(child, Duration::from_secs(60))
    };
    let (status, _, err) = run(&out);
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(site.count_path("/internal-only"), 0, "{err}");
    let got = records(std::slice::from_ref(&out));
    assert_eq!(got.len(), all.len(), "{err}");
    assert!(got.iter().all(|(u, _, _)| !u.contains("internal-only")));
    assert!(err.matches("a stored request for").count() >= 6, "{err}");
    assert!(err.contains("malformed stored request"), "{err}");
    assert!(
        err.contains("dropped by the server"),
        "the 100 MB entry: {err}"
    );
    assert!(
        err.contains("URL trap: too long (max_url_bytes)"),
        "the 5,000-byte URL: {err}"
    );
    // nothing of them is left to resume
    let (status, _, err) = run(&dir.path().join("again.ndjson"));
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(!err.contains("a stored request for"), "{err}");
    assert!(!err.contains("resuming"), "{err}");
}

/// A server flushed under a running crawl is noticed: a warning and exit 1, not a normal
/// summary with part of the site.
#[test]
fn a_store_flushed_under_a_crawl_stops_the_worker_with_an_error() {
    let (site, base, _all) = news_site(4, 10);
    let frontier = fresh_db();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "");
    let out = dir.path().join("out.ndjson");
    let child = Command::new(env!("CARGO_BIN_EXE_khabar"))
        .env_remove("KHABAR_LOG")
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", &format!("{base}/"), "--frontier", &frontier])
        .args(["--rate", "10", "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = 0;
    while seen < 5 {
        assert!(Instant::now() < deadline, "the crawl did not start");
        std::thread::sleep(Duration::from_millis(50));
        seen += site.take_log().len();
    }
    let mut redis = connect(&frontier);
    let _: () = redis::cmd("FLUSHDB").query(&mut redis).unwrap();
    let (status, _, err) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("the server holds no crawl"), "{err}");
    assert!(
        err.contains("crawl stopped (the shared frontier lost it)"),
        "{err}"
    );
    assert!(!err.contains("crawl finished"), "{err}");
    // what was written is whole
    records(std::slice::from_ref(&out));
}
