//! Sitemaps as sitemaps.org and Google define them: an XML URL set or sitemap index (each
//! `<loc>` with its `<lastmod>`), a URL set's `hreflang` alternates
//! (`<xhtml:link rel="alternate" hreflang="…" href="…"/>`) and Google News fields
//! (`<news:publication_date>`, `<news:title>`, `<news:language>`), or a text sitemap (one
//! URL a line, UTF-8). At most [`MAX_SITEMAP_ENTRIES`] entries are kept from one document,
//! the protocol's own limit; what is past it is counted and said.

use std::collections::HashSet;

use super::hint::{DateHint, HintFrom, keep_first};
use super::xml::{ReadProblems, XmlItem, attr, decode, walk};

/// Entries kept from one sitemap (the protocol's own limit); the rest are counted.
pub(crate) const MAX_SITEMAP_ENTRIES: usize = 50_000;

/// The protocol's limit on a sitemap's size, uncompressed: 50 MB (52,428,800 bytes).
pub(crate) const MAX_SITEMAP_BYTES: u64 = 50 * 1024 * 1024;

/// `hreflang` alternates kept from one `<url>`: one a language a site publishes in is a
/// few dozen at most.
const MAX_ALTERNATES_PER_URL: usize = 100;

/// A sitemap's entries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SitemapEntries {
    /// Page addresses with their `<lastmod>`, in document order; then the `hreflang`
    /// alternates they name that the document does not list itself (the last
    /// [`SitemapEntries::alternates`] of them).
    pub pages: Vec<(String, Option<String>)>,
    /// What a Google News sitemap says of each page: `page_hints[i]` is of `pages[i]`
    /// (`None` for a page with no `<news:news>`).
    pub page_hints: Vec<Option<DateHint>>,
    /// How many of `pages`, at its end, are `hreflang` alternates.
    pub alternates: usize,
    /// Child sitemaps of a sitemap index.
    pub sitemaps: Vec<String>,
    /// The `<lastmod>` of each child sitemap: `sitemap_lastmods[i]` is of `sitemaps[i]`.
    pub sitemap_lastmods: Vec<Option<String>>,
    /// Entries past the protocol's 50,000: counted, not kept.
    pub more: u64,
    /// What reading it leniently had to repair or lost.
    pub problems: ReadProblems,
}

/// One page a sitemap lists, as [`SitemapEntries::entries`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageEntry<'a> {
    /// Its address, as written (relative to the sitemap's when not absolute).
    pub url: &'a str,
    /// Its `<lastmod>`.
    pub lastmod: Option<&'a str>,
    /// What a news sitemap says of it.
    pub hint: Option<&'a DateHint>,
    /// An `hreflang` alternate of a listed page, not listed itself.
    pub alternate: bool,
}

impl SitemapEntries {
    /// Every page with what the sitemap says of it, in order (alternates last).
    pub fn entries(&self) -> impl Iterator<Item = PageEntry<'_>> {
        let first_alternate = self.pages.len().saturating_sub(self.alternates);
        self.pages
            .iter()
            .enumerate()
            .map(move |(i, (url, lastmod))| PageEntry {
                url,
                lastmod: lastmod.as_deref(),
                hint: self.page_hints.get(i).and_then(Option::as_ref),
                alternate: i >= first_alternate,
            })
    }

    /// Every child sitemap with its `<lastmod>`, in order.
    pub fn children(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.sitemaps.iter().enumerate().map(|(i, s)| {
            let lastmod = self.sitemap_lastmods.get(i).and_then(Option::as_deref);
            (s.as_str(), lastmod)
        })
    }

    /// Entries kept so far, pages and child sitemaps.
    fn kept(&self) -> usize {
        self.pages.len() + self.sitemaps.len()
    }

    fn push_page(&mut self, url: String, lastmod: Option<String>, hint: Option<DateHint>) {
        if self.kept() >= MAX_SITEMAP_ENTRIES {
            self.more += 1;
        } else {
            self.pages.push((url, lastmod));
            self.page_hints.push(hint);
        }
    }

    fn push_child(&mut self, url: String, lastmod: Option<String>) {
        if self.kept() >= MAX_SITEMAP_ENTRIES {
            self.more += 1;
        } else {
            self.sitemaps.push(url);
            self.sitemap_lastmods.push(lastmod);
        }
    }
}

/// Reads a sitemap (already decompressed): an XML sitemap index or URL set, or a text
/// sitemap, told apart by their first characters.
pub fn parse_sitemap(body: &[u8]) -> SitemapEntries {
    let mut entries = SitemapEntries::default();
    let mut problems = ReadProblems::default();
    let text = decode(body, &mut problems);
    if is_http_url(text.trim_start().lines().next().unwrap_or("").trim()) {
        read_text(&text, &mut entries, &mut problems);
    } else {
        read_xml(&text, &mut entries, &mut problems);
    }
    if entries.more > 0 {
        problems.note_document(format!(
            "more entries than the sitemap protocol's 50,000: the first 50,000 are read, \
             the {} past them are not",
            entries.more
        ));
    }
    entries.problems = problems;
    entries
}

/// Whether a text sitemap's line is an address: `http://` or `https://`, no space in it.
fn is_http_url(line: &str) -> bool {
    let lower = line.get(..8).unwrap_or(line).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && !line.contains(|c: char| c.is_whitespace())
}

/// A text sitemap: one address a line; blank lines are passed over, and so (noted) is a
/// line that is no http(s) address.
fn read_text(text: &str, entries: &mut SitemapEntries, problems: &mut ReadProblems) {
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if is_http_url(line) {
            entries.push_page(line.to_string(), None, None);
        } else {
            problems.note_line(
                i + 1,
                "not an http(s) address, in a text sitemap: passed over".into(),
            );
        }
    }
}

/// One `<url>` or `<sitemap>` being read.
struct Entry {
    loc: Option<String>,
    lastmod: Option<String>,
    news: DateHint,
    alternates: Vec<String>,
}

impl Entry {
    fn new() -> Self {
        Self {
            loc: None,
            lastmod: None,
            news: DateHint::new(HintFrom::NewsSitemap),
            alternates: Vec::new(),
        }
    }
}

/// An XML sitemap index or URL set.
fn read_xml(text: &str, entries: &mut SitemapEntries, problems: &mut ReadProblems) {
    let mut entry = Entry::new();
    // alternates named, in order, each once, before those the document lists are dropped
    let mut alternates: Vec<String> = Vec::new();
    let mut alternates_seen: HashSet<String> = HashSet::new();
    let mut alternates_over = 0u64;
    walk(text, problems, |item| {
        match item {
            XmlItem::Opened(path, attrs) => {
                let n = path.len();
                let parent = n.checked_sub(2).map(|i| path[i].as_str());
                match (parent, path[n - 1].as_str()) {
                    (_, "url" | "sitemap") => entry = Entry::new(),
                    (Some("url"), "link")
                        if attr(attrs, "rel")
                            .is_some_and(|r| r.eq_ignore_ascii_case("alternate"))
                            && attr(attrs, "hreflang").is_some_and(|h| !h.is_empty()) =>
                    {
                        if let Some(href) = attr(attrs, "href").filter(|h| !h.is_empty())
                            && entry.alternates.len() < MAX_ALTERNATES_PER_URL
                        {
                            entry.alternates.push(href.to_string());
                        }
                    }
                    _ => {}
                }
            }
            XmlItem::Text(path, text) => {
                let n = path.len();
                let parent = n.checked_sub(2).map(|i| path[i].as_str());
                match (parent, path[n - 1].as_str()) {
                    (Some("url" | "sitemap"), "loc") => {
                        entry.loc.get_or_insert_with(|| text.to_string());
                    }
                    (Some("url" | "sitemap"), "lastmod") => keep_first(&mut entry.lastmod, text),
                    // <url><news:news><news:publication_date>, <news:title>,
                    // <news:publication><news:language>
                    (Some("news"), "publication_date") => {
                        keep_first(&mut entry.news.published, text)
                    }
                    (Some("news"), "title") => keep_first(&mut entry.news.title, text),
                    (Some("publication"), "language") => keep_first(&mut entry.news.language, text),
                    _ => {}
                }
            }
            XmlItem::Closed(path) => match path.last().map(String::as_str) {
                Some("url") => {
                    let done = std::mem::replace(&mut entry, Entry::new());
                    if let Some(loc) = done.loc {
                        entries.push_page(loc, done.lastmod, done.news.into_option());
                    }
                    for a in done.alternates {
                        if alternates_seen.len() >= MAX_SITEMAP_ENTRIES {
                            alternates_over += 1;
                        } else if alternates_seen.insert(a.clone()) {
                            alternates.push(a);
                        }
                    }
                }
                Some("sitemap") => {
                    let done = std::mem::replace(&mut entry, Entry::new());
                    if let Some(loc) = done.loc {
                        entries.push_child(loc, done.lastmod);
                    }
                }
                _ => {}
            },
        }
        true
    });
    drop(alternates_seen);
    if alternates.is_empty() {
        entries.more += alternates_over;
        return;
    }
    let listed: HashSet<&str> = entries.pages.iter().map(|(u, _)| u.as_str()).collect();
    alternates.retain(|a| !listed.contains(a.as_str()));
    drop(listed);
    let before = entries.pages.len();
    for a in alternates {
        entries.push_page(a, None, None);
    }
    entries.alternates = entries.pages.len() - before;
    entries.more += alternates_over;
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
        assert_eq!(
            e.children().collect::<Vec<_>>(),
            vec![
                ("https://aawsat.com/sitemap-1.xml.gz", Some("2024-03-27")),
                ("https://aawsat.com/sitemap-2.xml", None)
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
        assert_eq!(e.page_hints.len(), 2);
        assert_eq!(
            e.page_hints[0].as_ref().unwrap().title.as_deref(),
            Some("t")
        );
        assert!(e.page_hints[1].is_none());
    }

    /// A bare `&`, a stray end tag: every entry is still read, and the repair is noted.
    #[test]
    fn a_damaged_sitemap_keeps_every_entry() {
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
        assert!(read.problems.noted[0].starts_with("line 5: </url> without a start tag"));
    }

    #[test]
    fn google_news_fields() {
        let set = br#"<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://aawsat.com/world/1</loc>
    <image:image><image:loc>https://aawsat.com/i.jpg</image:loc></image:image>
    <news:news>
      <news:publication><news:name>Asharq Al-Awsat</news:name><news:language>ar</news:language></news:publication>
      <news:publication_date>2024-03-27T10:05:00+03:00</news:publication_date>
      <news:title>Tom &amp; Jerry</news:title>
    </news:news>
  </url>
</urlset>"#;
        let e = parse_sitemap(set);
        assert_eq!(e.pages.len(), 1, "the image's loc is no page: {e:?}");
        let hint = e.entries().next().unwrap().hint.unwrap().clone();
        assert_eq!(
            hint,
            DateHint {
                published: Some("2024-03-27T10:05:00+03:00".into()),
                modified: None,
                title: Some("Tom & Jerry".into()),
                language: Some("ar".into()),
                from: HintFrom::NewsSitemap,
            }
        );
    }

    #[test]
    fn hreflang_alternates_not_listed_themselves_come_last() {
        let set = br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <url><loc>https://x.com/en/a</loc>
    <xhtml:link rel="alternate" hreflang="en" href="https://x.com/en/a"/>
    <xhtml:link rel="alternate" hreflang="ar" href="https://x.com/ar/a"/>
    <xhtml:link rel="alternate" hreflang="fr" href="https://x.com/fr/a?x=1&y=2"/>
    <xhtml:link rel="canonical" href="https://x.com/canonical"/>
    <xhtml:link rel="alternate" media="only screen" href="https://m.x.com/a"/>
  </url>
  <url><loc>https://x.com/ar/a</loc>
    <xhtml:link rel="alternate" hreflang="en" href="https://x.com/en/a"/>
    <xhtml:link rel="alternate" hreflang="fr" href="https://x.com/fr/a?x=1&y=2"/>
  </url>
</urlset>"#;
        let e = parse_sitemap(set);
        let urls: Vec<(&str, bool)> = e.entries().map(|p| (p.url, p.alternate)).collect();
        assert_eq!(
            urls,
            vec![
                ("https://x.com/en/a", false),
                ("https://x.com/ar/a", false),
                ("https://x.com/fr/a?x=1&y=2", true),
            ]
        );
        assert_eq!(e.alternates, 1);
        assert!(e.problems.is_empty(), "{:?}", e.problems);
    }

    #[test]
    fn a_text_sitemap() {
        let text = b"\xef\xbb\xbfhttps://x.com/a\r\n\r\nhttps://x.com/b?q=1&r=2\n# a comment\nHTTP://x.com/c\nhttps://x.com/caf\xc3\xa9\n";
        let e = parse_sitemap(text);
        let urls: Vec<&str> = e.pages.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://x.com/a",
                "https://x.com/b?q=1&r=2",
                "HTTP://x.com/c",
                "https://x.com/café"
            ]
        );
        assert_eq!(e.problems.count, 1);
        assert!(e.problems.noted[0].starts_with("line 4: not an http(s) address"));
        // gzipped as it is served
        assert!(parse_sitemap(b"<urlset></urlset>").pages.is_empty());
    }

    #[test]
    fn fifty_thousand_entries_are_read_and_more_are_counted_and_said() {
        for (n, more) in [(MAX_SITEMAP_ENTRIES, 0), (MAX_SITEMAP_ENTRIES + 7, 7)] {
            let mut xml = String::from("<urlset>\n");
            let mut txt = String::new();
            for i in 0..n {
                xml.push_str(&format!("<url><loc>https://x.com/{i}</loc></url>\n"));
                txt.push_str(&format!("https://x.com/{i}\n"));
            }
            xml.push_str("</urlset>");
            for body in [xml, txt] {
                let e = parse_sitemap(body.as_bytes());
                assert_eq!(e.pages.len(), MAX_SITEMAP_ENTRIES);
                assert_eq!(e.more, more);
                if more == 0 {
                    assert!(e.problems.is_empty(), "{:?}", e.problems);
                } else {
                    assert_eq!(
                        e.problems.noted,
                        vec![
                            "more entries than the sitemap protocol's 50,000: the first \
                             50,000 are read, the 7 past them are not"
                        ]
                    );
                }
            }
        }
    }
}
