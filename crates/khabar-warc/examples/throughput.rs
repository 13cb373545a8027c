//! Rough write and read speed on 793 synthetic 60 KB news pages (the size of the WCXB set):
//! `cargo run --release --example throughput [LEVEL]`.
use std::time::{Instant, SystemTime};

use khabar_warc::*;
fn main() {
    let dir = std::env::temp_dir().join("warcbench-out");
    let _ = std::fs::remove_dir_all(&dir);
    let mut rng = fastrand::Rng::with_seed(1);
    let words = [
        "news", "the", "minister", "said", "on", "Tuesday", "that", "economy", "growth", "report",
        "city", "council",
    ];
    let pages: Vec<String> = (0..793)
        .map(|i| {
            let mut s = format!("<!doctype html><html><head><title>Page {i}</title></head><body>");
            while s.len() < 60_000 {
                s.push_str("<p>");
                for _ in 0..40 {
                    s.push_str(words[rng.usize(..words.len())]);
                    s.push(' ');
                }
                s.push_str("</p>\n");
            }
            s + "</body></html>"
        })
        .collect();
    let hs = vec![(
        "Content-Type".to_string(),
        "text/html; charset=utf-8".to_string(),
    )];
    let t = Instant::now();
    let level = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(6);
    let options = WriterOptions {
        compression_level: level,
        ..WriterOptions::default()
    };
    let mut w = WarcWriter::new(&dir, options).unwrap();
    for (i, p) in pages.iter().enumerate() {
        let uri = format!("https://news.example/{i}");
        w.write_exchange(&Exchange::new(
            &uri,
            200,
            &hs,
            p.as_bytes(),
            SystemTime::now(),
        ))
        .unwrap();
    }
    let files = w.finish().unwrap();
    let wt = t.elapsed();
    let size = std::fs::metadata(&files[0]).unwrap().len();
    let t = Instant::now();
    let mut n = 0;
    let mut bytes = 0;
    for _ in 0..5 {
        for r in WarcReader::new(std::fs::File::open(&files[0]).unwrap()) {
            let r = r.unwrap();
            if let Some(Ok(h)) = r.http_response()
                && h.is_html()
            {
                n += 1;
                bytes += h.body.len();
            }
        }
    }
    let rt = t.elapsed() / 5;
    println!(
        "write (gzip level {level}): {} pages in {:?} ({:.0} pages/s), file {} KB",
        pages.len(),
        wt,
        pages.len() as f64 / wt.as_secs_f64(),
        size / 1024
    );
    println!(
        "read+http: {} pages/pass in {:?} ({:.0} pages/s, {:.0} MB/s decoded)",
        n / 5,
        rt,
        (n / 5) as f64 / rt.as_secs_f64(),
        (bytes / 5) as f64 / 1e6 / rt.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
