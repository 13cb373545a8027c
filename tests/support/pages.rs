//! A small news site on 127.0.0.1 whose pages a test sets (and changes between runs), with
//! ETags, answering 304 to a matching If-None-Match, and a log of every request it got
//! (path, validator, status, time). For the incremental and shared-frontier crawls.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One page: its body and, when it has one, its ETag.
#[derive(Clone)]
pub struct Page {
    pub body: Vec<u8>,
    pub etag: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
    pub status: u16,
    /// When the request line arrived.
    pub at: Instant,
}

/// Pages made on request, for paths no page was set at (a sitemap bomb).
pub type Pages = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

#[derive(Clone, Default)]
pub struct Site {
    pages: Arc<Mutex<HashMap<String, Page>>>,
    log: Arc<Mutex<Vec<Seen>>>,
    made: Option<Pages>,
}

impl Site {
    pub fn start() -> (Site, String) {
        Self::start_making(None)
    }

    /// [`Site::start`], answering paths no page was set at with what `made` makes of them.
    pub fn start_making(made: Option<Pages>) -> (Site, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let site = Site {
            made,
            ..Site::default()
        };
        let s = site.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || s.serve(stream));
            }
        });
        (site, base)
    }

    pub fn set(&self, path: &str, body: String, etag: Option<&str>) {
        self.set_bytes(path, body.into_bytes(), etag);
    }

    /// [`Site::set`] with bytes that need not be UTF-8.
    pub fn set_bytes(&self, path: &str, body: Vec<u8>, etag: Option<&str>) {
        self.pages.lock().unwrap().insert(
            path.into(),
            Page {
                body,
                etag: etag.map(str::to_string),
            },
        );
    }

    /// Requests for `path` so far.
    pub fn count_path(&self, path: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|s| s.path == path)
            .count()
    }

    pub fn take_log(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }

    fn serve(&self, stream: TcpStream) {
        let _ = stream.set_nodelay(true);
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        loop {
            let Some((path, if_none_match)) = read_request(&mut reader, "if-none-match") else {
                return;
            };
            let at = Instant::now();
            let page = self.pages.lock().unwrap().get(&path).cloned().or_else(|| {
                let made = self.made.as_ref()?(&path)?;
                Some(Page {
                    body: made.into_bytes(),
                    etag: None,
                })
            });
            let (status, head, body) = match page {
                None => (404, String::new(), b"not here".to_vec()),
                Some(p) if p.etag.is_some() && p.etag == if_none_match => {
                    (304, format!("ETag: {}\r\n", p.etag.unwrap()), Vec::new())
                }
                Some(p) => {
                    let etag = p.etag.map(|e| format!("ETag: {e}\r\n")).unwrap_or_default();
                    let ct = if path.ends_with(".xml") {
                        "application/xml"
                    } else if path == "/robots.txt" {
                        "text/plain"
                    } else {
                        "text/html; charset=utf-8"
                    };
                    (200, format!("{etag}Content-Type: {ct}\r\n"), p.body)
                }
            };
            self.log.lock().unwrap().push(Seen {
                path: path.clone(),
                if_none_match,
                status,
                at,
            });
            let mut out = &stream;
            let reason = match status {
                200 => "OK",
                304 => "Not Modified",
                _ => "Not Found",
            };
            // one write, no Nagle: an answer in pieces waits on delayed ACKs
            let mut answer = format!(
                "HTTP/1.1 {status} {reason}\r\n{head}Content-Length: {}\r\n\r\n",
                body.len()
            )
            .into_bytes();
            answer.extend_from_slice(&body);
            let _ = out.write_all(&answer);
            let _ = out.flush();
        }
    }
}

/// Reads one HTTP/1.1 request's head off a kept-alive connection: its target (`/a/1`) and
/// the value of the header named `header` (case-insensitive), if sent. `None` once the
/// client has closed the connection.
pub fn read_request(reader: &mut impl BufRead, header: &str) -> Option<(String, Option<String>)> {
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return None;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut value = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case(header)
        {
            value = Some(v.trim().to_string());
        }
    }
    Some((target, value))
}

pub fn article(base: &str, id: u32, text: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>خبر {id}</title>
<link rel="canonical" href="{base}/news/{id}-story"></head><body>
<div class="node node--type-article" data-url="/news/{id}-story">
<div class="entry-header"><div class="entry-title"><h1>خبر رقم {id}</h1></div></div>
<div class="printable-area"><article><div class="entry-content"><p>{text}</p></div></article></div>
</div></body></html>"#
    )
}

pub fn home(ids: &[u32]) -> String {
    let links: String = ids
        .iter()
        .map(|i| format!(r#"<a href="/news/{i}-story">{i}</a>"#))
        .collect();
    format!("<!DOCTYPE html><html><body>{links}</body></html>")
}

pub fn config(dir: &Path) -> PathBuf {
    config_with(dir, "")
}

/// [`config`] with a `[crawl]` section of `crawl` (its lines, without the heading).
pub fn config_with(dir: &Path, crawl: &str) -> PathBuf {
    let path = dir.join("sites.toml");
    let crawl = if crawl.is_empty() {
        String::new()
    } else {
        format!("[crawl]\n{crawl}\n")
    };
    std::fs::write(
        &path,
        crawl
            + r#"[profiles.local]
hosts = ["127.0.0.1"]
article = [".node--type-article"]
url = ["@data-url"]
headline = [".entry-title h1"]
body = [".printable-area .entry-content p"]
article_urls = ['/news/\d+-story$']
recrawl_after_secs = 0
"#,
    )
    .unwrap();
    path
}

/// A site of `sections` section pages of `per_section` articles each, linked from `/`.
/// Returns the site, its base address and every article's URL.
pub fn news_site(sections: u32, per_section: u32) -> (Site, String, Vec<String>) {
    let (site, base) = Site::start();
    site.set("/robots.txt", "User-agent: *\nDisallow:\n".into(), None);
    let mut all = Vec::new();
    let mut links = String::new();
    for s in 0..sections {
        let ids: Vec<u32> = (0..per_section)
            .map(|i| 100 + s * per_section + i)
            .collect();
        for id in &ids {
            site.set(
                &format!("/news/{id}-story"),
                article(&base, *id, &format!("نص الخبر {id}")),
                Some(&format!("\"{id}-1\"")),
            );
            all.push(format!("{base}/news/{id}-story"));
        }
        site.set(&format!("/section/{s}"), home(&ids), None);
        links.push_str(&format!(r#"<a href="/section/{s}">{s}</a>"#));
    }
    site.set("/", format!("<html><body>{links}</body></html>"), None);
    all.sort();
    (site, base, all)
}
