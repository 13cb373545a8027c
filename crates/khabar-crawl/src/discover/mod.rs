//! Finding more addresses: links on HTML pages, sitemap indexes and URL sets (gzipped too,
//! Google News sitemaps included), RSS 2.0 and Atom feeds, read leniently ([`xml`]).

mod xml;

use std::io::Read;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use khabar_extract::urls::resolve;

/// What a response holds, judged from its Content-Type, its address and its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// An HTML page.
    Html,
    /// A sitemap index or URL set, gzipped or not.
    Sitemap,
    /// An RSS, RDF or Atom feed.
    Feed,
    /// Anything else (PDF, images, JSON…): skipped.
    Other,
}

/// Gzip's magic number.
fn is_gzip(body: &[u8]) -> bool {
    body.starts_with(&[0x1f, 0x8b])
}

/// Decompresses a gzipped sitemap, reading at most `limit` bytes of output (a
/// decompression bomb stops there).
pub fn gunzip_limited(body: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(body)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("bad gzip data: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("gzip data expands past {limit} bytes"));
    }
    Ok(out)
}

/// Tells what a response holds from its media type (`content_type`, as
/// [`crate::fetch::Fetched`] has it) and its first KiB: an HTML type is a page; gzip data, or
/// XML with `<urlset>` or `<sitemapindex>`, a sitemap; XML with `<rss>`, `<feed>` or
/// `<rdf:RDF>`, or an RSS or Atom type, a feed. Without a type, `<html>` is a page too.
pub fn sniff(content_type: Option<&str>, body: &[u8]) -> DocKind {
    let ct = content_type.unwrap_or("");
    if ct.contains("html") {
        return DocKind::Html;
    }
    if is_gzip(body)
        && (ct.is_empty()
            || ct.contains("gzip")
            || ct.contains("octet-stream")
            || ct.contains("xml"))
    {
        return DocKind::Sitemap;
    }
    let head: String = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    if ct.contains("xml") || ct.is_empty() || ct.starts_with("text/plain") {
        if head.contains("<urlset") || head.contains("<sitemapindex") {
            return DocKind::Sitemap;
        }
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
            return DocKind::Feed;
        }
        if ct.is_empty() && (head.contains("<html") || head.contains("<!doctype html")) {
            return DocKind::Html;
        }
    }
    if ct.contains("rss") || ct.contains("atom") {
        return DocKind::Feed;
    }
    DocKind::Other
}

/// A sitemap's entries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SitemapEntries {
    /// Page addresses with their `<lastmod>`, if given.
    pub pages: Vec<(String, Option<String>)>,
    /// Child sitemaps of a sitemap index.
    pub sitemaps: Vec<String>,
    /// Entries past [`MAX_SITEMAP_ENTRIES`]: counted, not kept.
    pub more: u64,
    /// What reading it leniently had to repair or lost.
    pub problems: ReadProblems,
}

pub use xml::ReadProblems;
use xml::{XmlItem, decode, walk};

/// Entries kept from one sitemap or feed (the protocol's own limit); the rest are counted.
pub const MAX_SITEMAP_ENTRIES: usize = 50_000;

/// Reads a sitemap index or URL set (already decompressed), pairing each `<loc>` with the
/// `<lastmod>` of the same `<url>`.
pub fn parse_sitemap(body: &[u8]) -> SitemapEntries {
    let mut entries = SitemapEntries::default();
    let mut problems = ReadProblems::default();
    let text = decode(body, &mut problems);
    let (mut loc, mut lastmod): (Option<String>, Option<String>) = (None, None);
    walk(&text, &mut problems, |item| {
        match item {
            XmlItem::Text(path, text) => {
                let n = path.len();
                let parent = n.checked_sub(2).map(|i| path[i].as_str());
                match (parent, path[n - 1].as_str()) {
                    (Some("sitemap" | "url"), "loc")
                        if entries.pages.len() + entries.sitemaps.len() >= MAX_SITEMAP_ENTRIES =>
                    {
                        entries.more += 1;
                    }
                    (Some("sitemap"), "loc") => entries.sitemaps.push(text.to_string()),
                    (Some("url"), "loc") => loc = Some(text.to_string()),
                    (Some("url"), "lastmod") => lastmod = Some(text.to_string()),
                    _ => {}
                }
            }
            XmlItem::Closed(path) if path.last().is_some_and(|p| p == "url") => {
                if let Some(l) = loc.take() {
                    entries.pages.push((l, lastmod.take()));
                }
                lastmod = None;
            }
            _ => {}
        }
        true
    });
    entries.problems = problems;
    entries
}

/// A feed's entries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FeedEntries {
    /// Item links of an RSS 2.0 / RDF feed, entry links of an Atom feed, in feed order.
    pub links: Vec<String>,
    /// What reading it leniently had to repair or lost.
    pub problems: ReadProblems,
}

/// Reads an RSS 2.0, RDF or Atom feed.
pub fn parse_feed(body: &[u8]) -> FeedEntries {
    let mut links = Vec::new();
    let mut problems = ReadProblems::default();
    let text = decode(body, &mut problems);
    walk(&text, &mut problems, |item| {
        match item {
            XmlItem::Text(path, text) => {
                let n = path.len();
                // RSS: the text of <item><link>; path still holds `link` here
                if n >= 2 && path[n - 1] == "link" && path[n - 2] == "item" {
                    links.push(text.to_string());
                }
            }
            XmlItem::Link(path, href, rel) => {
                if path.last().is_some_and(|p| p == "entry") && rel.is_none_or(|r| r == "alternate")
                {
                    links.push(href.to_string());
                }
            }
            XmlItem::Closed(_) => {}
        }
        true
    });
    FeedEntries { links, problems }
}

static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href], area[href]").expect("link selector"));

/// Every link on an HTML page, resolved against `base` (http and https only).
pub fn html_links(doc: &Html, base: &Url) -> Vec<Url> {
    doc.select(&LINKS)
        .filter(|a| {
            a.value().attr("rel").is_none_or(|r| {
                !r.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("nofollow"))
            })
        })
        .filter_map(|a| a.value().attr("href"))
        .filter_map(|href| resolve(Some(base), href))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_index_and_url_set() {
        let index = br#"<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>https://aawsat.com/sitemap-1.xml.gz</loc><lastmod>2024-03-27</lastmod></sitemap>
            <sitemap><loc> https://aawsat.com/sitemap-2.xml </loc></sitemap></sitemapindex>"#;
        let e = parse_sitemap(index);
        assert_eq!(
            e.sitemaps,
            vec![
                "https://aawsat.com/sitemap-1.xml.gz",
                "https://aawsat.com/sitemap-2.xml"
            ]
        );
        assert!(e.pages.is_empty());
        let set = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc>https://aawsat.com/a?x=1&amp;y=2</loc><lastmod>2024-03-27T10:00:00Z</lastmod>
              <news:news><news:title>t</news:title></news:news></url>
            <url><loc><![CDATA[https://aawsat.com/b]]></loc></url></urlset>"#;
        let e = parse_sitemap(set);
        assert_eq!(
            e.pages,
            vec![
                (
                    "https://aawsat.com/a?x=1&y=2".to_string(),
                    Some("2024-03-27T10:00:00Z".to_string())
                ),
                ("https://aawsat.com/b".to_string(), None)
            ]
        );
    }

    #[test]
    fn rss_and_atom_feeds() {
        let rss = br#"<rss version="2.0"><channel><title>x</title><link>https://aawsat.com/</link>
            <item><title>a</title><link>https://aawsat.com/a</link></item>
            <item><link>https://aawsat.com/b?utm_source=rss&amp;x=1</link></item></channel></rss>"#;
        assert_eq!(
            parse_feed(rss).links,
            vec![
                "https://aawsat.com/a",
                "https://aawsat.com/b?utm_source=rss&x=1"
            ]
        );
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><link href="https://x.com/"/>
            <entry><link rel="alternate" href="https://x.com/1"/><link rel="enclosure" href="https://x.com/1.mp3"/></entry>
            <entry><link href="https://x.com/2"/></entry></feed>"#;
        assert_eq!(
            parse_feed(atom).links,
            vec!["https://x.com/1", "https://x.com/2"]
        );
    }

    /// One bare `&`, one Latin-1 byte, one stray end tag: every entry is still read, and
    /// what was repaired is noted with its line.
    #[test]
    fn damaged_feeds_and_sitemaps_keep_every_entry() {
        let item = |n: usize| {
            format!("<item><title>Item {n}</title><link>https://x.com/{n}</link></item>\n")
        };
        let mut feed = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss><channel>\n".to_vec();
        for n in 1..=7 {
            feed.extend_from_slice(item(n).as_bytes());
            match n {
                2 => feed.extend_from_slice(b"<item><title>Tom & Jerry</title></item>\n"),
                4 => feed.extend_from_slice(b"<item><title>caf\xe9</title></item>\n"),
                5 => feed.extend_from_slice(b"</div>\n"),
                _ => {}
            }
        }
        feed.extend_from_slice(b"</channel></rss>");
        let read = parse_feed(&feed);
        assert_eq!(read.links.len(), 7, "{read:?}");
        assert_eq!(read.problems.count, 2, "{:?}", read.problems);
        assert!(
            read.problems.noted[0].starts_with("line 8: 1 byte sequence(s) not valid in UTF-8")
        );
        assert!(read.problems.noted[1].starts_with("line 10: </div> without a start tag"));
        let mut map = b"<urlset>\n".to_vec();
        for n in 1..=7 {
            map.extend_from_slice(
                format!("<url><loc>https://x.com/{n}?a=1&b=2</loc></url>\n").as_bytes(),
            );
            if n == 3 {
                map.extend_from_slice(b"</url>\n");
            }
        }
        map.extend_from_slice(b"</urlset>");
        let read = parse_sitemap(&map);
        assert_eq!(read.pages.len(), 7);
        assert_eq!(read.pages[0].0, "https://x.com/1?a=1&b=2");
        assert_eq!(read.problems.count, 1);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(Some("text/html"), b"<p>"), DocKind::Html);
        assert_eq!(
            sniff(Some("application/xml"), b"<?xml?><urlset>"),
            DocKind::Sitemap
        );
        assert_eq!(
            sniff(Some("application/rss+xml"), b"<?xml?><rss>"),
            DocKind::Feed
        );
        assert_eq!(sniff(Some("application/pdf"), b"%PDF-1.4"), DocKind::Other);
        assert_eq!(
            sniff(Some("application/x-gzip"), &[0x1f, 0x8b, 8]),
            DocKind::Sitemap
        );
        assert_eq!(sniff(None, b"<!DOCTYPE html><html>"), DocKind::Html);
    }

    #[test]
    fn gzip_is_limited() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![b'a'; 100_000]).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gunzip_limited(&gz, 200_000).unwrap().len(), 100_000);
        assert!(gunzip_limited(&gz, 1000).is_err());
    }

    #[test]
    fn links_skip_nofollow() {
        let doc = Html::parse_document(
            r#"<a href="/a">a</a><a rel="nofollow" href="/b">b</a><a href="mailto:x">m</a>"#,
        );
        let base = Url::parse("https://aawsat.com/s/").unwrap();
        let links: Vec<String> = html_links(&doc, &base)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(links, vec!["https://aawsat.com/a"]);
    }
}
