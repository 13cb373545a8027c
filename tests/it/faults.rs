//! Faults and hostile input through the command line, as a user meets them: feeds and
//! sitemaps that are not quite XML, a sitemap index that explodes, a disk that fills, a run
//! killed mid-line, a second Ctrl-C into a slow reader, settings out of range, a site that
//! is down, a damaged crawl state, one state under two names. Every server is the tests'
//! own, on 127.0.0.1.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::pages::{Pages, Site, article, config, config_with, home};
use crate::support::process::wait_with_limit;

fn khabar() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_khabar"));
    c.env_remove("KHABAR_LOG");
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every line of `text` as JSON; fails on a line that is not whole.
fn whole_lines(text: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(text).expect("UTF-8");
    assert!(text.is_empty() || text.ends_with('\n'), "ends mid-line");
    text.lines()
        .map(|l| {
            serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not a whole record ({e}): {}", &l[..l.len().min(120)]))
        })
        .collect()
}

fn file_lines(path: &Path) -> Vec<serde_json::Value> {
    whole_lines(&std::fs::read(path).unwrap_or_default())
}

/// A site of `n` articles linked from `/`, each with `words` words of text.
fn site_of(n: u32, words: usize) -> (Site, String) {
    let (site, base) = Site::start();
    site.set("/robots.txt", "User-agent: *\nDisallow:\n".into(), None);
    let ids: Vec<u32> = (1..=n).collect();
    for id in &ids {
        let text = format!("كلمة{id} ").repeat(words);
        site.set(
            &format!("/news/{id}-story"),
            article(&base, *id, &text),
            None,
        );
    }
    site.set("/", home(&ids), None);
    (site, base)
}

// ---------------------------------------------------------------------------------------
// feeds and sitemaps read leniently

#[test]
fn a_damaged_feed_and_sitemap_give_every_entry_and_the_summary_says_where() {
    let (site, base) = Site::start();
    site.set("/robots.txt", "User-agent: *\nDisallow:\n".into(), None);
    for id in 1..=14 {
        site.set(&format!("/news/{id}-story"), article(&base, id, "نص"), None);
        site.set(
            &format!("/news/{id}-story?a=1&b=2"),
            article(&base, id, "نص"),
            None,
        );
    }
    // one bare `&`, one Latin-1 byte, one stray end tag: each used to end the document
    let mut feed =
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel>\n".to_vec();
    for id in 1..=7 {
        let item =
            format!("<item><title>Story {id}</title><link>{base}/news/{id}-story</link></item>\n");
        feed.extend_from_slice(item.as_bytes());
        match id {
            2 => feed.extend_from_slice(b"<item><title>Tom & Jerry</title></item>\n"),
            4 => feed.extend_from_slice(b"<item><title>caf\xe9</title></item>\n"),
            5 => feed.extend_from_slice(b"</div>\n"),
            _ => {}
        }
    }
    feed.extend_from_slice(b"</channel></rss>\n");
    site.set_bytes("/feed.xml", feed, None);
    let mut map = b"<?xml version=\"1.0\"?>\n<urlset>\n".to_vec();
    for id in 8..=14 {
        map.extend_from_slice(
            format!("<url><loc>{base}/news/{id}-story?a=1&b=2</loc></url>\n").as_bytes(),
        );
        if id == 10 {
            map.extend_from_slice(b"</url>\n");
        }
    }
    map.extend_from_slice(b"</urlset>\n");
    site.set_bytes("/sitemap.xml", map, None);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let o = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--no-state", "--rate", "0"])
        .arg(format!("{base}/feed.xml"))
        .arg(format!("{base}/sitemap.xml"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert_eq!(whole_lines(&o.stdout).len(), 14, "every entry: {err}");
    assert!(
        err.contains("read leniently: 2 feeds or sitemaps, 3 problems"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{base}/feed.xml: line 8: 1 byte sequence(s) not valid in UTF-8"
        )),
        "{err}"
    );
    assert!(err.contains("line 10: </div> without a start tag"), "{err}");
    assert!(
        err.contains(&format!(
            "{base}/sitemap.xml: line 6: </url> without a start tag"
        )),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// a sitemap index of indexes

/// `/sitemap.xml`: an index of 1,000 indexes, each of 1,000 sitemaps of `per_map` articles.
fn sitemap_bomb(per_map: usize) -> (Site, String) {
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let made: Pages = Arc::new(move |path: &str| {
        let base = b.get()?;
        let index = |locs: Vec<String>| {
            let mut s = String::from("<?xml version=\"1.0\"?><sitemapindex>");
            for l in locs {
                s.push_str(&format!("<sitemap><loc>{base}{l}</loc></sitemap>"));
            }
            s.push_str("</sitemapindex>");
            s
        };
        if path == "/sitemap.xml" {
            return Some(index((0..1_000).map(|i| format!("/idx/{i}.xml")).collect()));
        }
        if let Some(i) = path
            .strip_prefix("/idx/")
            .and_then(|p| p.strip_suffix(".xml"))
        {
            return Some(index(
                (0..1_000).map(|j| format!("/map/{i}-{j}.xml")).collect(),
            ));
        }
        if let Some(m) = path
            .strip_prefix("/map/")
            .and_then(|p| p.strip_suffix(".xml"))
        {
            let (i, j) = m.split_once('-')?;
            let first: usize =
                (i.parse::<usize>().ok()? * 1_000 + j.parse::<usize>().ok()?) * per_map;
            let mut s = String::from("<?xml version=\"1.0\"?><urlset>");
            for n in first..first + per_map {
                s.push_str(&format!("<url><loc>{base}/news/{n}-story</loc></url>"));
            }
            s.push_str("</urlset>");
            return Some(s);
        }
        let id: u32 = path
            .strip_prefix("/news/")?
            .strip_suffix("-story")?
            .parse()
            .ok()?;
        Some(article(base, id, "نص"))
    });
    let (site, url) = Site::start_making(Some(made));
    base.set(url.clone()).unwrap();
    site.set("/robots.txt", "User-agent: *\nDisallow:\n".into(), None);
    (site, url)
}

fn sitemap_requests(site: &Site) -> usize {
    site.take_log()
        .iter()
        .filter(|s| s.path.ends_with(".xml"))
        .count()
}

/// Was: 18 million URLs queued and 3.0 GB in 30 s with `--max-pages 5`.
#[test]
fn a_sitemap_index_of_indexes_is_read_only_while_the_page_budget_can_be_spent() {
    let (site, base) = sitemap_bomb(50_000);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let started = Instant::now();
    let child = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--no-state", "--rate", "0", "--max-pages", "5"])
        .arg(format!("{base}/sitemap.xml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, out, err) = wait_with_limit(child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0), "{err}");
    // the seed counts against the budget too: 4 articles
    assert_eq!(whole_lines(&out).len(), 4);
    // the index, then (two at a time, per_host) indexes of indexes and sitemaps until the
    // pages of one spend the budget
    let read = sitemap_requests(&site);
    assert!((3..=5).contains(&read), "{read} sitemaps read: {err}");
    assert!(
        err.contains("sitemaps and feeds not read (max_pages already queued)"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// With no page limit the per-host bounds hold: sitemaps read and entries taken, each
/// counted in the summary; and a crawl state stays small.
#[test]
fn sitemap_bounds_per_host_hold_without_a_page_limit() {
    let (site, base) = sitemap_bomb(100);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(
        dir.path(),
        "max_sitemaps_per_host = 10\nmax_sitemap_urls_per_host = 250",
    );
    let state = dir.path().join("state.db");
    let child = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--rate", "0", "--max-pages", "0", "--state"])
        .arg(&state)
        .arg(format!("{base}/sitemap.xml"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, out, err) = wait_with_limit(child, Duration::from_secs(90));
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(whole_lines(&out).len(), 250, "{err}");
    assert!(sitemap_requests(&site) <= 11, "{err}");
    assert!(err.contains("sitemaps past max_sitemaps_per_host"), "{err}");
    assert!(err.contains("sitemap and feed entries past"), "{err}");
    let size = std::fs::metadata(&state).unwrap().len()
        + std::fs::metadata(dir.path().join("state.db-wal")).map_or(0, |m| m.len());
    assert!(size < 8 << 20, "state of {size} bytes");
}

// ---------------------------------------------------------------------------------------
// a disk that fills: whole lines only

/// `khabar ARGS` with files limited to `kib` KiB (a disk that fills): writes past it fail
/// (SIGXFSZ ignored, so the write returns an error as on a full disk).
fn khabar_with_file_limit(kib: u64, args: &[&std::ffi::OsStr]) -> Command {
    let mut c = Command::new("bash");
    c.env_remove("KHABAR_LOG")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_khabar"))
        .args(args);
    c
}

/// The number in "after writing N records" / "stopped after N records".
fn records_said(err: &str) -> usize {
    let at = err
        .find("after writing ")
        .map(|i| i + 14)
        .or_else(|| err.find("stopped after ").map(|i| i + 14));
    let at = at.unwrap_or_else(|| panic!("no count of records written: {err}"));
    err[at..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{err}"))
}

#[test]
fn a_disk_that_fills_leaves_whole_records_and_says_how_many() {
    let (_site, base) = site_of(30, 300);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let seed = format!("{base}/");
    let crawl = |extra: &[&str]| -> Vec<std::ffi::OsString> {
        let mut v: Vec<std::ffi::OsString> = vec!["--config".into(), cfg.clone().into()];
        v.extend(["crawl", "--no-state", "--rate", "0"].map(Into::into));
        v.extend(extra.iter().map(Into::into));
        v.push(seed.clone().into());
        v
    };
    let run = |args: Vec<std::ffi::OsString>, stdout: Stdio| {
        let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let child = khabar_with_file_limit(48, &refs)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_with_limit(child, Duration::from_secs(60))
    };
    // -o FILE
    let out = dir.path().join("out.ndjson");
    let (status, _, err) = run(crawl(&["-o", out.to_str().unwrap()]), Stdio::null());
    assert_eq!(status.code(), Some(1), "{err}");
    let lines = file_lines(&out);
    assert!(!lines.is_empty() && lines.len() < 30, "{}", lines.len());
    assert_eq!(records_said(&err), lines.len(), "{err}");
    assert!(
        err.contains(&format!(" ({} written)", lines.len())),
        "the summary says it too: {err}"
    );
    // --output-dir DIR
    let folder = dir.path().join("out");
    let (status, _, err) = run(
        crawl(&["--output-dir", folder.to_str().unwrap()]),
        Stdio::null(),
    );
    assert_eq!(status.code(), Some(1), "{err}");
    let file = std::fs::read_dir(&folder)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(records_said(&err), file_lines(&file).len(), "{err}");
    // stdout sent to a file
    let to = dir.path().join("stdout.ndjson");
    let (status, _, err) = run(crawl(&[]), Stdio::from(std::fs::File::create(&to).unwrap()));
    assert_eq!(status.code(), Some(1), "{err}");
    assert_eq!(records_said(&err), file_lines(&to).len(), "{err}");

    // extract -o: a folder of saved pages
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    for id in 1..=30 {
        let text = format!("كلمة{id} ").repeat(300);
        std::fs::write(
            pages.join(format!("{id:02}.html")),
            article(&base, id, &text),
        )
        .unwrap();
    }
    let out = dir.path().join("extracted.ndjson");
    let args: Vec<std::ffi::OsString> = vec![
        "--config".into(),
        cfg.clone().into(),
        "extract".into(),
        pages.clone().into(),
        "-o".into(),
        out.clone().into(),
    ];
    let (status, _, err) = run(args, Stdio::null());
    assert_eq!(status.code(), Some(1), "{err}");
    let lines = file_lines(&out);
    assert!(!lines.is_empty() && lines.len() < 30);
    assert_eq!(records_said(&err), lines.len(), "{err}");
}

// ---------------------------------------------------------------------------------------
// a line left unfinished

#[test]
fn a_record_left_unfinished_by_a_killed_run_is_cut_off_before_appending() {
    let (_site, base) = site_of(3, 20);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let out = dir.path().join("out.ndjson");
    let whole = r#"{"schema":"khabar.article/1","id":"a"}"#;
    let torn = r#"{"schema":"khabar.article/1","id":"b","body":["كلمة ك"#;
    std::fs::write(&out, format!("{whole}\n{torn}")).unwrap();
    let o = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--no-state", "--rate", "0", "-o"])
        .arg(&out)
        .arg(format!("{base}/"))
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("was cut off"), "{err}");
    let lines = file_lines(&out);
    assert_eq!(lines.len(), 4, "the whole one and three new");
    assert_eq!(lines[0]["id"], "a");

    // a line another program left unfinished is kept; khabar starts on a new line
    let pages = dir.path().join("pages");
    std::fs::create_dir(&pages).unwrap();
    std::fs::write(pages.join("a.html"), article(&base, 1, "نص")).unwrap();
    let mine = dir.path().join("mine.ndjson");
    std::fs::write(&mine, "{\"note\": \"unfinish").unwrap();
    let o = khabar()
        .arg("--config")
        .arg(&cfg)
        .arg("extract")
        .arg(&pages)
        .arg("-o")
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&mine).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    assert_eq!(first, "{\"note\": \"unfinish");
    assert_eq!(whole_lines(rest.as_bytes()).len(), 1);
}

/// A second Ctrl-C while a large record is being written into a slow reader: the record is
/// finished, then khabar quits. (It used to quit at once, leaving half a line.)
#[test]
fn a_second_ctrl_c_finishes_the_line_being_written() {
    // records of about 600 KB each: far more than a pipe holds
    let (site, base) = site_of(8, 40_000);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let mut child = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--no-state", "--rate", "0", &format!("{base}/")])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // nobody reads stdout: the writer blocks inside the first record
    let deadline = Instant::now() + Duration::from_secs(30);
    while site.count_path("/news/3-story") == 0 {
        assert!(Instant::now() < deadline, "the crawl did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let pid = child.id().to_string();
    for _ in 0..2 {
        let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(kill.success());
        std::thread::sleep(Duration::from_millis(300));
    }
    // now the reader reads: the line under way is finished, then khabar quits
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let (status, _, err) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("interrupted twice"), "{err}");
    let lines = whole_lines(&out);
    assert!(!lines.is_empty() && lines.len() < 8, "{}", lines.len());
}

// ---------------------------------------------------------------------------------------
// settings out of range: a clear message, exit 2, never a panic

#[test]
fn settings_out_of_range_are_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    for (flags, says) in [
        (
            vec!["--rate", "1e-20"],
            "--rate: must be 0 (no limit) or from",
        ),
        (vec!["--rate", "NaN"], "(it is NaN)"),
        (
            vec!["--timeout", "18446744073709551615"],
            "--timeout: must be from 1 to 3600",
        ),
        (vec!["--timeout", "0"], "--timeout: must be from 1"),
        (
            vec!["--max-time", "18446744073709551615"],
            "--max-time: must be from 0",
        ),
        (
            vec!["--burst", "4294967295"],
            "--burst: must be from 1 to 10000",
        ),
        (vec!["--concurrency", "0"], "--concurrency: must be from 1"),
    ] {
        let o = khabar()
            .arg("--config")
            .arg(config(dir.path()))
            .args(["crawl", "--no-state", "http://127.0.0.1:9/"])
            .args(&flags)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {err}");
        assert!(err.contains(says), "{flags:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    for (line, says) in [
        ("rate = 1e-300", "sites.toml:2"),
        (
            "timeout_secs = 99999999999",
            "must be from 1 to 3600 seconds",
        ),
        (
            "backoff_base_ms = 18446744073709551615",
            "must be from 0 to 600000 milliseconds",
        ),
        ("lease_timeout_secs = 0", "must be from 1 to 3600 seconds"),
        (
            "idle_timeout_secs = 999999999",
            "must be from 1 to 86400 seconds",
        ),
    ] {
        let cfg = config_with(dir.path(), line);
        let o = khabar()
            .arg("--config")
            .arg(&cfg)
            .args(["crawl", "--no-state", "http://127.0.0.1:9/"])
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{line}: {err}");
        assert!(err.contains(says), "{line}: {err}");
    }
}

/// A server that takes connections and never answers.
fn silent_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    format!("http://{addr}")
}

/// `--max-time` and Ctrl-C end a crawl within a few seconds whatever `--timeout` says.
#[test]
fn a_long_request_timeout_does_not_hold_a_stop() {
    let base = silent_server();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let crawl = |extra: &[&str]| {
        khabar()
            .arg("--config")
            .arg(&cfg)
            .args([
                "crawl",
                "--no-state",
                "--ignore-robots",
                "--timeout",
                "3600",
            ])
            .args(extra)
            .arg(format!("{base}/"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let started = Instant::now();
    let child = crawl(&["--max-time", "2"]);
    let (status, _, err) = wait_with_limit(child, Duration::from_secs(30));
    let took = started.elapsed();
    assert!(took < Duration::from_secs(12), "took {took:?}: {err}");
    assert_eq!(status.code(), Some(1), "nothing was fetched: {err}");
    assert!(err.contains("abandoned-at-stop 1"), "{err}");

    let started = Instant::now();
    let child = crawl(&[]);
    std::thread::sleep(Duration::from_millis(800));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let (status, _, err) = wait_with_limit(child, Duration::from_secs(30));
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(started.elapsed() < Duration::from_secs(12), "{err}");
    assert!(err.contains("crawl interrupted"), "{err}");
}

// ---------------------------------------------------------------------------------------
// a site that is down

#[test]
fn a_site_that_cannot_be_reached_is_an_error_not_a_robots_block() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config_with(dir.path(), "backoff_base_ms = 10");
    // nothing listens on port 1
    let o = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--no-state", "http://127.0.0.1:1/"])
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("unreachable: 127.0.0.1:1: robots.txt:"),
        "{err}"
    );
    assert!(err.contains("0 blocked by robots.txt"), "{err}");
    assert!(err.contains("host unreachable 1"), "{err}");
    assert!(err.contains("no page could be fetched"), "{err}");
}

// ---------------------------------------------------------------------------------------
// the crawl state: damaged, or under two names

fn crawl_with_state(cfg: &Path, state: &Path, seed: &str) -> Output {
    khabar()
        .arg("--config")
        .arg(cfg)
        .args(["crawl", "--rate", "0", "--state"])
        .arg(state)
        .arg(seed)
        .output()
        .unwrap()
}

#[test]
fn a_damaged_state_is_refused_once_with_what_to_do_and_nothing_written() {
    let (site, base) = site_of(40, 5);
    for id in 41..400 {
        site.set(&format!("/news/{id}-story"), article(&base, id, "نص"), None);
    }
    site.set("/", home(&(1..400).collect::<Vec<_>>()), None);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let o = crawl_with_state(&cfg, &state, &format!("{base}/"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut bytes = std::fs::read(&state).unwrap();
    let mid = bytes.len() / 2;
    for (k, b) in bytes[mid..mid + 8192].iter_mut().enumerate() {
        *b = (k * 7919 % 251) as u8;
    }
    std::fs::write(&state, &bytes).unwrap();
    let o = crawl_with_state(&cfg, &state, &format!("{base}/"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty(), "nothing written");
    assert_eq!(err.matches("is damaged").count(), 1, "{err}");
    assert!(
        err.contains(&state.display().to_string()) && err.contains("--no-state"),
        "{err}"
    );
}

#[test]
fn one_state_under_two_names_takes_one_lock() {
    let (_site, base) = site_of(20, 5);
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path());
    let state = dir.path().join("state.db");
    let link = dir.path().join("same.db");
    std::fs::write(&state, b"").unwrap();
    std::os::unix::fs::symlink(&state, &link).unwrap();
    // the first crawl holds the state for some 10 s
    let first = khabar()
        .arg("--config")
        .arg(&cfg)
        .args(["crawl", "--rate", "2", "--state"])
        .arg(&state)
        .arg(format!("{base}/"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let o = crawl_with_state(&cfg, &link, &format!("{base}/"));
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("in use by another khabar crawl"), "{err}");
    let _ = Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status();
    let (status, _, err) = wait_with_limit(first, Duration::from_secs(30));
    assert_eq!(status.code(), Some(0), "{err}");
}
