//! Finding more addresses (a page's own links are khabar-extract's `ParsedPage::links`):
//! sitemaps ([`parse_sitemap`]): indexes and URL sets (gzipped too, with their `hreflang`
//! alternates and Google News fields) and text sitemaps, within the protocol's limits;
//! feeds ([`parse_feed`]): RSS 0.9x, 1.0 (RDF) and 2.0, Atom and JSON Feed, with their
//! items' dates. XML is read leniently (`xml`). What a feed or news sitemap says of an
//! article's dates is a hint ([`DateHint`]): the page's own dates come first.

mod feed;
mod hint;
mod jsonfeed;
mod sitemap;
mod xml;

pub use feed::{FeedEntries, parse_feed};
pub use hint::{DateHint, HintFrom};
use sitemap::MAX_SITEMAP_BYTES;
pub use sitemap::{PageEntry, SitemapEntries, parse_sitemap};
pub use xml::ReadProblems;

use std::io::Read;

use khabar_extract::Record;
use khabar_extract::Zone;
use khabar_extract::dates::{format_rfc3339, parse_machine};

/// What a response holds, judged from its Content-Type, its address and its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    /// An HTML page.
    Html,
    /// A sitemap index, URL set or text sitemap, gzipped or not.
    Sitemap,
    /// An RSS, RDF, Atom or JSON feed.
    Feed,
    /// Anything else (PDF, images, JSON that is no feed…): skipped.
    Other,
}

/// Gzip's magic number.
fn is_gzip(body: &[u8]) -> bool {
    body.starts_with(&[0x1f, 0x8b])
}

/// The size gzip data says it inflates to (its last member's `ISIZE`, modulo 4 GiB: never
/// more than the true size).
fn gzip_size(body: &[u8]) -> Option<u64> {
    let tail: [u8; 4] = body.get(body.len().checked_sub(4)?..)?.try_into().ok()?;
    (body.len() >= 18).then(|| u64::from(u32::from_le_bytes(tail)))
}

/// Deflate's best ratio: 1,032 to 1.
const MAX_DEFLATE_RATIO: u64 = 1032;

/// Decompresses a gzipped sitemap, reading at most `limit` bytes of output (a
/// decompression bomb stops there; one that says it is larger is not inflated at all).
pub fn gunzip_limited(body: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let said = gzip_size(body);
    if said.is_some_and(|n| n > limit) {
        return Err(format!("gzip data expands past {limit} bytes"));
    }
    // room for what it says, within what it can be
    let room = said
        .unwrap_or(0)
        .min(limit)
        .min((body.len() as u64).saturating_mul(MAX_DEFLATE_RATIO));
    let mut out = Vec::with_capacity(usize::try_from(room).unwrap_or(0).saturating_add(1));
    flate2::read::GzDecoder::new(body)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("bad gzip data: {e}"))?;
    if out.len() as u64 > limit {
        return Err(format!("gzip data expands past {limit} bytes"));
    }
    Ok(out)
}

/// Tells what a response holds from its media type (`content_type`, as the
/// response's `Content-Type` has it) and its first KiB: an HTML type is a page; gzip data, or
/// XML with `<urlset>` or `<sitemapindex>`, a sitemap; XML with `<rss>`, `<feed>` or
/// `<rdf:RDF>`, or an RSS or Atom type, a feed; `application/feed+json`, or a JSON object
/// naming the JSON Feed version, a feed. Without a type (or as `text/plain`): `<html>` is a
/// page, and lines of http(s) addresses a text sitemap.
pub fn sniff(content_type: Option<&str>, body: &[u8]) -> DocKind {
    let ct = content_type.unwrap_or("");
    if ct.contains("html") {
        return DocKind::Html;
    }
    if is_gzip(body)
        && (ct.is_empty()
            || ct.contains("gzip")
            || ct.contains("octet-stream")
            || ct.contains("xml")
            || ct.starts_with("text/plain"))
    {
        return DocKind::Sitemap;
    }
    let untyped = ct.is_empty() || ct.starts_with("text/plain");
    if ct.contains("json") || untyped {
        if ct.contains("feed+json") || jsonfeed::is_json_feed(body) {
            return DocKind::Feed;
        }
        if !untyped {
            return DocKind::Other;
        }
    }
    let head: String = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    if ct.contains("xml") || untyped {
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
    if untyped && is_url_list(&head) {
        return DocKind::Sitemap;
    }
    if ct.contains("rss") || ct.contains("atom") {
        return DocKind::Feed;
    }
    DocKind::Other
}

/// Whether a document's head (lower-cased) starts like a text sitemap: an http(s) address
/// alone on its first line.
fn is_url_list(head: &str) -> bool {
    let head = head.trim_start_matches('\u{feff}').trim_start();
    let first = head.lines().next().unwrap_or("").trim();
    (first.starts_with("http://") || first.starts_with("https://"))
        && !first.contains(|c: char| c.is_whitespace())
}

/// The most bytes of a sitemap read (once inflated): the protocol's 50 MB, or
/// `max_body_bytes` when that is more.
pub(crate) fn sitemap_byte_limit(max_body_bytes: u64) -> u64 {
    max_body_bytes.max(MAX_SITEMAP_BYTES)
}

/// Why a sitemap past `limit` bytes (as fetched, or once inflated) is not read, in the words
/// the crawl's summary gives.
pub(crate) fn sitemap_too_large(limit: u64) -> String {
    if limit == MAX_SITEMAP_BYTES {
        format!(
            "sitemap larger than the protocol's 50 MB ({MAX_SITEMAP_BYTES} bytes uncompressed): not read"
        )
    } else {
        format!("sitemap larger than max_body_bytes ({limit} bytes uncompressed): not read")
    }
}

/// Why a fetched sitemap is not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SitemapRefused {
    /// Larger than the limit (the bytes), as fetched or once inflated.
    #[error("{}", sitemap_too_large(*.0))]
    TooLarge(u64),
    /// Gzip data that does not inflate.
    #[error("bad gzip data: {0}")]
    BadGzip(String),
}

/// Reads a fetched sitemap: inflated first when gzipped (to `limit` bytes at most, see
/// [`sitemap_byte_limit`]), refused past `limit`.
pub(crate) fn read_sitemap(body: &[u8], limit: u64) -> Result<SitemapEntries, SitemapRefused> {
    if is_gzip(body) {
        let inflated = gunzip_limited(body, limit).map_err(|e| {
            if e.contains("expands past") {
                SitemapRefused::TooLarge(limit)
            } else {
                SitemapRefused::BadGzip(e.trim_start_matches("bad gzip data: ").to_string())
            }
        })?;
        return Ok(parse_sitemap(&inflated));
    }
    if body.len() as u64 > limit {
        return Err(SitemapRefused::TooLarge(limit));
    }
    Ok(parse_sitemap(body))
}

impl DateHint {
    /// Fills in what the page did not say: its `published_at` and `modified_at` from the
    /// hint's dates (a date without an offset read in `zone`, the site's), its `language`
    /// from a news sitemap's; each noted in `extraction.sources` as `feed` or
    /// `news-sitemap`. A field the page gave is left as it is. Whether anything was filled.
    pub fn fill(&self, record: &mut Record, zone: Zone) -> bool {
        let from = self.from.as_str();
        let mut filled = false;
        for (field, slot, value) in [
            ("published_at", &mut record.published_at, &self.published),
            ("modified_at", &mut record.modified_at, &self.modified),
        ] {
            if slot.is_none()
                && let Some(date) = value.as_deref().and_then(|d| parse_machine(d, zone))
            {
                *slot = Some(format_rfc3339(&date));
                record
                    .extraction
                    .sources
                    .insert(field.to_string(), from.to_string());
                filled = true;
            }
        }
        if record.language.is_none()
            && let Some(lang) = self.language.as_deref().filter(|l| is_language_tag(l))
        {
            record.language = Some(lang.to_string());
            filled = true;
        }
        filled
    }
}

/// Whether `s` looks like a BCP 47 language tag (`ar`, `en-GB`, `zh-Hant-TW`).
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphabetic()))
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

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
        // JSON Feed, by its type or by its version
        let json = br#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#;
        assert_eq!(sniff(Some("application/feed+json"), b"{}"), DocKind::Feed);
        assert_eq!(sniff(Some("application/json"), json), DocKind::Feed);
        assert_eq!(sniff(Some("text/plain"), json), DocKind::Feed);
        assert_eq!(sniff(None, json), DocKind::Feed);
        assert_eq!(
            sniff(Some("application/json"), br#"{"a": 1}"#),
            DocKind::Other
        );
        // text sitemaps
        let text = b"https://x.com/a\nhttps://x.com/b\n";
        assert_eq!(sniff(Some("text/plain"), text), DocKind::Sitemap);
        assert_eq!(
            sniff(None, b"\xef\xbb\xbf  https://x.com/a\r\n"),
            DocKind::Sitemap
        );
        assert_eq!(
            sniff(Some("text/plain"), b"User-agent: *\n"),
            DocKind::Other
        );
        assert_eq!(
            sniff(Some("text/plain"), b"see https://x.com/a\n"),
            DocKind::Other
        );
        assert_eq!(sniff(Some("text/csv"), text), DocKind::Other);
    }

    #[test]
    fn sitemaps_past_the_limit_are_refused_with_the_reason() {
        use std::io::Write;
        assert_eq!(sitemap_byte_limit(10 << 20), MAX_SITEMAP_BYTES);
        assert_eq!(sitemap_byte_limit(64 << 20), 64 << 20);
        let body = b"https://x.com/a\n".repeat(10);
        assert_eq!(read_sitemap(&body, 1000).unwrap().pages.len(), 10);
        let err = read_sitemap(&body, 100).unwrap_err();
        assert_eq!(err, SitemapRefused::TooLarge(100));
        assert_eq!(
            err.to_string(),
            "sitemap larger than max_body_bytes (100 bytes uncompressed): not read"
        );
        assert!(matches!(
            read_sitemap(b"\x1f\x8b\x08\x00junk", 1000),
            Err(SitemapRefused::BadGzip(_))
        ));
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&body).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(read_sitemap(&gz, 1000).unwrap().pages.len(), 10);
        assert_eq!(read_sitemap(&gz, 100).unwrap_err(), err);
        assert_eq!(
            sitemap_too_large(MAX_SITEMAP_BYTES),
            "sitemap larger than the protocol's 50 MB (52428800 bytes uncompressed): not read"
        );
    }

    fn record() -> Record {
        let profiles =
            khabar_extract::Profiles::parse("", std::path::Path::new("none.toml")).unwrap();
        let out = khabar_extract::Extractor::new(profiles, None)
            .unwrap()
            .extract(&khabar_extract::PageInput {
                page_url: Some(Url::parse("https://x.com/a").unwrap()),
                ..khabar_extract::PageInput::new(
                    b"<html><head><meta property=og:type content=article><title>T</title></head>\
                      <body><article><h1>Headline</h1><p>Words enough for a body, and then some \
                      more words to make it one.</p></article></body></html>",
                )
            });
        out.articles.into_iter().next().expect("a record").0
    }

    #[test]
    fn a_hint_fills_only_what_the_page_did_not_say() {
        let mut r = record();
        assert_eq!(r.published_at, None, "{r:?}");
        r.language = None;
        let hint = DateHint {
            published: Some("2024-03-27".into()),
            modified: Some("not a date".into()),
            title: Some("t".into()),
            language: Some("ar".into()),
            from: HintFrom::NewsSitemap,
        };
        let zone = Zone::parse("+03:00").unwrap();
        assert!(hint.fill(&mut r, zone));
        assert_eq!(r.published_at.as_deref(), Some("2024-03-27T00:00:00+03:00"));
        assert_eq!(r.modified_at, None);
        assert_eq!(r.extraction.sources["published_at"], "news-sitemap");
        assert_eq!(r.language.as_deref(), Some("ar"));
        // the page's own date stays
        let feed = DateHint {
            published: Some("Wed, 27 Mar 2024 10:00:00 GMT".into()),
            from: HintFrom::Feed,
            ..hint.clone()
        };
        let mut r2 = r.clone();
        r2.published_at = Some("2020-01-01T00:00:00+00:00".into());
        r2.extraction
            .sources
            .insert("published_at".into(), "meta".into());
        assert!(!feed.fill(&mut r2, zone));
        assert_eq!(
            r2.published_at.as_deref(),
            Some("2020-01-01T00:00:00+00:00")
        );
        assert_eq!(r2.extraction.sources["published_at"], "meta");
        let mut r3 = record();
        assert!(feed.fill(&mut r3, zone));
        assert_eq!(
            r3.published_at.as_deref(),
            Some("2024-03-27T10:00:00+00:00")
        );
        assert_eq!(r3.extraction.sources["published_at"], "feed");
        assert!(
            is_language_tag("zh-Hant-TW") && !is_language_tag("arabic") && !is_language_tag("a<")
        );
    }

    #[test]
    fn gzip_is_limited() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&vec![b'a'; 100_000]).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(gzip_size(&gz), Some(100_000));
        assert_eq!(gunzip_limited(&gz, 200_000).unwrap().len(), 100_000);
        assert_eq!(gunzip_limited(&gz, 100_000).unwrap().len(), 100_000);
        assert!(gunzip_limited(&gz, 1000).is_err());
        // one that lies about its size is still cut at the limit
        let mut liar = gz.clone();
        let n = liar.len();
        liar[n - 4..].copy_from_slice(&10u32.to_le_bytes());
        let err = gunzip_limited(&liar, 1000).unwrap_err();
        assert!(err.contains("expands past 1000 bytes"), "{err}");
        assert!(
            gunzip_limited(&liar, 200_000).is_err(),
            "its trailer is checked"
        );
    }

    const SAMPLES: [&[u8]; 4] = [
        br#"<?xml version="1.0"?><urlset xmlns:xhtml="x" xmlns:news="n"><url><loc>https://x.com/a?b=1&c=2</loc><lastmod>2024-03-27</lastmod><xhtml:link rel="alternate" hreflang="ar" href="https://x.com/ar/a"/><news:news><news:publication><news:language>ar</news:language></news:publication><news:publication_date>2024-03-27</news:publication_date></news:news></url></urlset>"#,
        br#"<rss><channel><item><link>https://x.com/1</link><guid isPermaLink="true">https://x.com/g</guid><pubDate>Wed, 27 Mar 2024 10:00:00 GMT</pubDate></item></channel></rss>"#,
        br#"<feed><entry><id>https://x.com/2</id><link href="/2"/><published>2024-03-27T10:00:00Z</published></entry></feed>"#,
        br#"{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1, "url": "https://x.com/3", "date_published": "2024-03-27T10:00:00Z"}]}"#,
    ];

    proptest::proptest! {
        /// Any bytes, and any damage to real documents (bytes changed, cut short): read
        /// without a panic, every address kept is not empty, every hint belongs to one.
        #[test]
        fn any_bytes_are_read_without_a_panic(
            sample in 0usize..4,
            cut in 0usize..400,
            flips in proptest::collection::vec((0usize..400, proptest::num::u8::ANY), 0..6),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..200),
        ) {
            let mut doc = SAMPLES[sample].to_vec();
            for (at, b) in flips {
                if let Some(x) = doc.get_mut(at) {
                    *x = b;
                }
            }
            doc.truncate(cut.max(1));
            for body in [&doc[..], &noise[..]] {
                let _ = sniff(None, body);
                let s = parse_sitemap(body);
                proptest::prop_assert!(s.pages.iter().all(|(u, _)| !u.is_empty()));
                proptest::prop_assert_eq!(s.pages.len(), s.page_hints.len());
                proptest::prop_assert_eq!(s.sitemaps.len(), s.sitemap_lastmods.len());
                proptest::prop_assert_eq!(s.entries().count(), s.pages.len());
                let f = parse_feed(body);
                proptest::prop_assert!(f.links.iter().all(|u| !u.is_empty()));
                proptest::prop_assert_eq!(f.links.len(), f.hints.len());
                let _ = read_sitemap(body, 1 << 20);
            }
        }
    }
}
