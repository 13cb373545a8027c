//! Tools for `bench/ccnews/run.sh`:
//!
//! ```text
//! ccnews_bench make DATA OUT [ARCHIVES] [COPIES]   # a CC-NEWS-shaped tree of the WCXB pages
//! ccnews_bench serve DIR                            # a static server with Range, on 127.0.0.1
//! ccnews_bench run SOURCE DAY [HOST...]             # the library's run_ccnews, records to stdout
//! ```
//!
//! `make` writes `OUT/crawl-data/CC-NEWS/2024/03/warc.paths.gz` and ARCHIVES `.warc.gz`
//! files (a gzip member per record, request and response per page, as CC-NEWS ships them)
//! holding COPIES times the development pages of `DATA` (`ground-truth.json` and
//! `html/*.html.gz`). `serve` prints its base address on the first line of stdout and
//! serves files below DIR until killed. `run` reads the day's archives from SOURCE with no
//! state, keeping pages of the HOSTs (all pages when none is given), with `-j` from
//! `KHABAR_JOBS` (default 2) and the profiles of `config.toml` (or `KHABAR_CONFIG`); it
//! writes the summary to stderr.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use khabar_crawl::ccnews::{CcNewsOptions, NoCcNewsProgress, parse_day, run_ccnews};
use khabar_crawl::output::{Destination, OutputFormat};
use khabar_extract::{Extractor, Profiles};
use khabar_warc::{Exchange, WarcWriter, WriterOptions};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("make") if args.len() >= 3 => {
            let archives = args.get(3).map_or(4, |n| n.parse().expect("ARCHIVES"));
            let copies = args.get(4).map_or(1, |n| n.parse().expect("COPIES"));
            make(Path::new(&args[1]), Path::new(&args[2]), archives, copies);
        }
        Some("serve") if args.len() == 2 => serve(PathBuf::from(&args[1])),
        Some("run") if args.len() >= 3 => run(&args[1], &args[2], &args[3..]),
        _ => {
            eprintln!(
                "usage: ccnews_bench make DATA OUT [ARCHIVES] [COPIES] | serve DIR | run SOURCE DAY [HOST...]"
            );
            std::process::exit(2);
        }
    }
}

fn make(data: &Path, out: &Path, archives: usize, copies: usize) {
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data.join("ground-truth.json")).expect("ground-truth.json"),
    )
    .expect("JSON");
    let mut ids: Vec<&String> = truth.as_object().expect("an object").keys().collect();
    ids.sort();
    let month = out.join("crawl-data/CC-NEWS/2024/03");
    std::fs::create_dir_all(&month).unwrap();
    let tmp = out.join("tmp");
    let mut writers: Vec<WarcWriter> = (0..archives)
        .map(|i| {
            WarcWriter::new(
                tmp.join(i.to_string()),
                WriterOptions {
                    max_file_size: u64::MAX,
                    ..WriterOptions::default()
                },
            )
            .unwrap()
        })
        .collect();
    let headers = vec![(
        "Content-Type".to_string(),
        "text/html; charset=utf-8".to_string(),
    )];
    let mut n = 0;
    for copy in 0..copies {
        for id in &ids {
            let mut html = Vec::new();
            flate2::read::GzDecoder::new(
                std::fs::File::open(data.join("html").join(format!("{id}.html.gz"))).unwrap(),
            )
            .read_to_end(&mut html)
            .unwrap();
            let url = truth[id.as_str()]["url"]
                .as_str()
                .filter(|u| !u.is_empty())
                .map_or_else(|| format!("https://example.invalid/{id}"), str::to_string);
            let url = if copy == 0 {
                url
            } else {
                format!("{url}#copy{copy}")
            };
            let ex = Exchange::new(&url, 200, &headers, &html, SystemTime::now());
            writers[n % archives].write_exchange(&ex).unwrap();
            n += 1;
        }
    }
    let mut listing = String::new();
    for (i, w) in writers.into_iter().enumerate() {
        let file = w.finish().unwrap().pop().unwrap();
        let name = format!("CC-NEWS-20240301{:02}0000-{i:05}.warc.gz", i % 24);
        std::fs::rename(file, month.join(&name)).unwrap();
        listing.push_str(&format!("crawl-data/CC-NEWS/2024/03/{name}\n"));
    }
    std::fs::remove_dir_all(&tmp).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(listing.as_bytes()).unwrap();
    std::fs::write(month.join("warc.paths.gz"), gz.finish().unwrap()).unwrap();
    println!("{n}");
}

fn serve(root: PathBuf) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    println!("http://{}/", listener.local_addr().unwrap());
    std::io::stdout().flush().unwrap();
    for stream in listener.incoming().flatten() {
        let root = root.clone();
        std::thread::spawn(move || answer(&root, stream));
    }
}

/// Answers GETs on one connection (kept alive), with `Range: bytes=N-`.
fn answer(root: &Path, stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, &stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut from = 0u64;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("range")
            {
                from = v
                    .trim()
                    .trim_start_matches("bytes=")
                    .trim_end_matches('-')
                    .parse()
                    .unwrap_or(0);
            }
        }
        let file = root.join(path.trim_start_matches('/'));
        let Some(mut f) = std::fs::File::open(&file)
            .ok()
            .filter(|f| f.metadata().is_ok_and(|m| m.is_file()))
        else {
            let _ = out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            let _ = out.flush();
            continue;
        };
        let len = f.metadata().unwrap().len();
        let head = if from > 0 {
            f.seek(SeekFrom::Start(from)).unwrap();
            format!(
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes {from}-{}/{len}\r\nContent-Length: {}\r\n\r\n",
                len - 1,
                len - from
            )
        } else {
            format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n")
        };
        if out.write_all(head.as_bytes()).is_err() || std::io::copy(&mut f, &mut out).is_err() {
            return;
        }
        if out.flush().is_err() {
            return;
        }
    }
}

fn run(source: &str, day: &str, hosts: &[String]) {
    let day = parse_day(day).unwrap();
    // the repository's configuration, as `khabar` run from its root reads it
    let config = std::env::var("KHABAR_CONFIG").unwrap_or_else(|_| "config.toml".into());
    let text = std::fs::read_to_string(&config).unwrap_or_else(|e| panic!("{config}: {e}"));
    let profiles = Profiles::parse(&text, Path::new(&config)).unwrap();
    let extractor = Extractor::new(profiles, None).unwrap();
    let mut opts = CcNewsOptions::new(day, day);
    opts.source = source.to_string();
    opts.hosts = hosts.to_vec();
    opts.state = None;
    opts.jobs = std::env::var("KHABAR_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or(2);
    let mut sink = Destination::Stdout.open(&OutputFormat::ndjson()).unwrap();
    let summary = run_ccnews(&extractor, &opts, sink.as_mut(), &mut NoCcNewsProgress).unwrap();
    eprintln!("{}", summary.line());
}
