//! Feeds: RSS 0.9x and 2.0, RSS 1.0 (RDF), Atom 1.0 (and 0.3), read leniently
//! ([`super::xml`]), and JSON Feed 1.0 and 1.1 ([`super::jsonfeed`]). Each item gives the
//! address of its article, with its dates as a hint ([`DateHint`]).
//!
//! An item's address: an RSS item's `<link>` (FeedBurner's `<feedburner:origLink>` over
//! it: the link is then a tracking redirect); without one, its `<guid>` when that is a
//! permalink (`isPermaLink` true or absent, and an absolute http(s) address), then an RSS
//! 1.0 item's `rdf:about`. An Atom entry's `<link>`s whose `rel` is `alternate` or absent;
//! without one, its `<id>` when that is an http(s) address.

use super::hint::{DateHint, HintFrom, keep_first};
use super::jsonfeed;
use super::xml::{ReadProblems, XmlItem, attr, decode, walk};

/// A feed's entries.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FeedEntries {
    /// Each item's article address, in feed order (an Atom entry with alternates in
    /// several languages gives each of them).
    pub links: Vec<String>,
    /// The dates of the item each link is of: `hints[i]` is of `links[i]` (`None` for an
    /// item with none).
    pub hints: Vec<Option<DateHint>>,
    /// What reading it leniently had to repair or lost.
    pub problems: ReadProblems,
}

impl FeedEntries {
    /// Every link with its item's dates, in order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Option<&DateHint>)> {
        self.links
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), self.hints.get(i).and_then(Option::as_ref)))
    }

    /// Adds an item's links, each with the item's hint.
    pub(super) fn push_item(&mut self, links: Vec<String>, hint: Option<DateHint>) {
        for link in links {
            self.links.push(link);
            self.hints.push(hint.clone());
        }
    }
}

/// Links kept from one item: an entry with alternates in a few languages has a few.
const MAX_LINKS_PER_ITEM: usize = 16;

/// Reads a feed: JSON Feed when it is a JSON object, else RSS, RDF or Atom.
pub fn parse_feed(body: &[u8]) -> FeedEntries {
    if jsonfeed::looks_like_json(body) {
        return jsonfeed::parse(body);
    }
    let mut entries = FeedEntries::default();
    let mut problems = ReadProblems::default();
    let text = decode(body, &mut problems);
    let mut item: Option<Item> = None;
    walk(&text, &mut problems, |x| {
        match x {
            XmlItem::Opened(path, attrs) => {
                let n = path.len();
                let name = path[n - 1].as_str();
                if matches!(name, "item" | "entry") {
                    // an item left open is done when the next one starts
                    if let Some(open) = item.replace(Item::new(attr(attrs, "about"))) {
                        let (links, hint) = open.finish();
                        entries.push_item(links, hint);
                    }
                    return true;
                }
                let Some(it) = item.as_mut().filter(|_| in_item(path)) else {
                    return true;
                };
                match name {
                    // Atom: <link href="…" rel="alternate"/>
                    "link" => {
                        let alternate = attr(attrs, "rel")
                            .is_none_or(|r| r.is_empty() || r.eq_ignore_ascii_case("alternate"));
                        if let Some(href) = attr(attrs, "href").filter(|h| !h.is_empty())
                            && alternate
                        {
                            it.push_link(href);
                        }
                    }
                    "guid" => {
                        it.guid_is_permalink = attr(attrs, "ispermalink")
                            .is_none_or(|p| !p.trim().eq_ignore_ascii_case("false"));
                    }
                    _ => {}
                }
            }
            XmlItem::Text(path, text) => {
                let Some(it) = item.as_mut().filter(|_| in_item(path)) else {
                    return true;
                };
                match path[path.len() - 1].as_str() {
                    // RSS: <link>…</link> (an Atom link has no text)
                    "link" => it.push_link(text),
                    "origlink" => keep_first(&mut it.orig_link, text),
                    "guid" => keep_first(&mut it.guid, text),
                    "id" => keep_first(&mut it.id, text),
                    // RSS pubDate, Atom published (0.3: issued), RSS 1.0 dc:date
                    "pubdate" | "published" | "issued" | "date" => {
                        keep_first(&mut it.hint.published, text)
                    }
                    // Atom updated (0.3: modified)
                    "updated" | "modified" => keep_first(&mut it.hint.modified, text),
                    _ => {}
                }
            }
            XmlItem::Closed(path) => {
                if matches!(path[path.len() - 1].as_str(), "item" | "entry")
                    && let Some(it) = item.take()
                {
                    let (links, hint) = it.finish();
                    entries.push_item(links, hint);
                }
            }
        }
        true
    });
    entries.problems = problems;
    entries
}

/// Whether the element the path ends with is a child of an item or entry.
fn in_item(path: &[String]) -> bool {
    path.len() >= 2 && matches!(path[path.len() - 2].as_str(), "item" | "entry")
}

/// One item or entry being read.
struct Item {
    links: Vec<String>,
    orig_link: Option<String>,
    guid: Option<String>,
    guid_is_permalink: bool,
    about: Option<String>,
    id: Option<String>,
    hint: DateHint,
}

impl Item {
    fn new(about: Option<&str>) -> Self {
        Self {
            links: Vec::new(),
            orig_link: None,
            guid: None,
            guid_is_permalink: true,
            about: about.map(str::to_string),
            id: None,
            hint: DateHint::new(HintFrom::Feed),
        }
    }

    fn push_link(&mut self, link: &str) {
        let link = link.trim();
        if !link.is_empty()
            && self.links.len() < MAX_LINKS_PER_ITEM
            && !self.links.iter().any(|l| l == link)
        {
            self.links.push(link.to_string());
        }
    }

    /// The item's links (see the module's text) and its dates.
    fn finish(self) -> (Vec<String>, Option<DateHint>) {
        let links = if let Some(orig) = self.orig_link.filter(|o| is_absolute_http(o)) {
            vec![orig]
        } else if !self.links.is_empty() {
            self.links
        } else {
            [
                self.guid.filter(|_| self.guid_is_permalink),
                self.about,
                self.id,
            ]
            .into_iter()
            .flatten()
            .find(|u| is_absolute_http(u))
            .into_iter()
            .collect()
        };
        (links, self.hint.into_option())
    }
}

/// Whether `s` is an absolute http(s) address (a guid or id that is one is a permalink;
/// `tag:…`, `urn:…` or a bare number is not).
pub(super) fn is_absolute_http(s: &str) -> bool {
    url::Url::parse(s.trim()).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(published: Option<&str>, modified: Option<&str>) -> Option<DateHint> {
        Some(DateHint {
            published: published.map(Into::into),
            modified: modified.map(Into::into),
            title: None,
            language: None,
            from: HintFrom::Feed,
        })
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

    #[test]
    fn rss_2_dates_and_guid_permalinks() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0"><channel>
            <item><link>https://x.com/1</link><guid isPermaLink="true">https://x.com/?p=1</guid><pubDate>Wed, 27 Mar 2024 10:00:00 GMT</pubDate></item>
            <item><guid>https://x.com/2</guid><pubDate>Wed, 27 Mar 2024 11:00:00 +0300</pubDate></item>
            <item><guid isPermaLink="false">https://x.com/not-a-permalink</guid></item>
            <item><guid>12345</guid></item>
            <item><guid isPermaLink=" TRUE ">https://x.com/5</guid></item>
            <item><link>https://feeds.feedburner.com/~r/x/~3/abc</link><feedburner:origLink>https://x.com/6</feedburner:origLink></item>
            </channel></rss>"#;
        let f = parse_feed(rss);
        assert_eq!(
            f.links,
            vec![
                "https://x.com/1",
                "https://x.com/2",
                "https://x.com/5",
                "https://x.com/6"
            ]
        );
        assert_eq!(
            f.hints,
            vec![
                hint(Some("Wed, 27 Mar 2024 10:00:00 GMT"), None),
                hint(Some("Wed, 27 Mar 2024 11:00:00 +0300"), None),
                None,
                None
            ]
        );
    }

    #[test]
    fn rss_1_rdf_items_with_dc_dates() {
        let rdf = br#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://x.com/"><title>x</title><link>https://x.com/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://x.com/1"/><rdf:li rdf:resource="https://x.com/2"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://x.com/1"><title>One</title><link>https://x.com/1</link><dc:date>2024-03-27T10:00:00+00:00</dc:date></item>
  <item rdf:about="https://x.com/2"><title>Two</title><dc:date>2024-03-28</dc:date></item>
</rdf:RDF>"#;
        let f = parse_feed(rdf);
        assert_eq!(f.links, vec!["https://x.com/1", "https://x.com/2"]);
        assert_eq!(
            f.hints,
            vec![
                hint(Some("2024-03-27T10:00:00+00:00"), None),
                hint(Some("2024-03-28"), None)
            ]
        );
    }

    #[test]
    fn atom_ids_and_dates() {
        let atom = br#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>https://x.com/</id><updated>2024-03-29T00:00:00Z</updated>
  <entry><id>tag:x.com,2024:1</id><link href="https://x.com/1" type="text/html"/>
    <published>2024-03-27T10:00:00Z</published><updated>2024-03-28T10:00:00Z</updated>
    <source><updated>1999-01-01T00:00:00Z</updated></source></entry>
  <entry><id>https://x.com/2</id><updated>2024-03-28T11:00:00Z</updated></entry>
  <entry><id>urn:uuid:60a76c80-d399-11d9-b93C-0003939e0af6</id><link rel="self" href="https://x.com/3.atom"/></entry>
  <entry><link rel="alternate" hreflang="en" href="/en/4"/><link rel="alternate" hreflang="ar" href="/ar/4"/></entry>
</feed>"#;
        let f = parse_feed(atom);
        assert_eq!(
            f.links,
            vec!["https://x.com/1", "https://x.com/2", "/en/4", "/ar/4"]
        );
        assert_eq!(
            f.hints,
            vec![
                hint(Some("2024-03-27T10:00:00Z"), Some("2024-03-28T10:00:00Z")),
                hint(None, Some("2024-03-28T11:00:00Z")),
                None,
                None
            ]
        );
    }

    /// One bare `&`, one Latin-1 byte, one stray end tag: every entry is still read, and
    /// what was repaired is noted with its line.
    #[test]
    fn damaged_feeds_keep_every_entry() {
        let item = |n: usize| {
            format!(
                "<item><title>Item {n}</title><link>https://x.com/{n}</link><pubDate>Wed, 27 Mar 2024 10:0{n}:00 GMT</pubDate></item>\n"
            )
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
        assert!(read.hints.iter().all(Option::is_some));
        assert_eq!(read.problems.count, 2, "{:?}", read.problems);
        assert!(
            read.problems.noted[0].starts_with("line 8: 1 byte sequence(s) not valid in UTF-8")
        );
        assert!(read.problems.noted[1].starts_with("line 10: </div> without a start tag"));
    }
}
