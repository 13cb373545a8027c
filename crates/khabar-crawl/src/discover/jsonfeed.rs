//! JSON Feed, versions 1.0 and 1.1 (<https://jsonfeed.org/version/1.1>), read as leniently
//! as the XML feeds: the items are streamed, only the fields khabar uses are kept (an
//! item's HTML, text and attachments are passed over without being copied), a field of
//! an unexpected type is passed over, bytes that are not UTF-8 become U+FFFD, and a
//! document cut short or broken gives the items read before the break.
//!
//! An item's address is its `url` (the permalink); without one, its `id` when that is an
//! absolute http(s) address (the specification recommends a URL there); without either,
//! its `external_url`. That one names "a page elsewhere" (a link blog's subject), so it is
//! only a last resort, and the crawl's scope decides whether it is fetched at all. Its
//! dates: `date_published` and `date_modified` (RFC 3339).

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::feed::{FeedEntries, is_absolute_http};
use super::hint::{DateHint, HintFrom, keep_first};
use super::xml::{ReadProblems, decode};

/// Visitor methods that pass over a scalar (a value of a type not expected there).
macro_rules! ignore_scalars {
    ($none:expr) => {
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok($none)
        }

        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok($none)
        }
    };
}

/// Whether the body is a JSON object (after a byte-order mark and white space).
pub(super) fn looks_like_json(body: &[u8]) -> bool {
    let b = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    b.trim_ascii_start().first() == Some(&b'{')
}

/// Whether the body is a JSON Feed: a JSON object that names the JSON Feed site (its
/// `version`, `https://jsonfeed.org/version/1.1`, slashes escaped or not).
pub(super) fn is_json_feed(body: &[u8]) -> bool {
    looks_like_json(body) && memchr::memmem::find(body, b"jsonfeed.org").is_some()
}

/// Reads a JSON Feed.
pub(super) fn parse(body: &[u8]) -> FeedEntries {
    let mut entries = FeedEntries::default();
    let mut problems = ReadProblems::default();
    let text = decode(body, &mut problems);
    let mut de = serde_json::Deserializer::from_str(&text);
    if let Err(e) = (FeedSeed {
        entries: &mut entries,
    })
    .deserialize(&mut de)
    {
        let what = e.to_string();
        let what = what
            .rfind(" at line ")
            .map_or(what.as_str(), |i| &what[..i]);
        problems.note_line(
            e.line(),
            format!("{what}: the rest of the document is not read"),
        );
    }
    entries.problems = problems;
    entries
}

/// The top-level object: its `items` go straight into `entries`, so that those read
/// before an error are kept.
struct FeedSeed<'a> {
    entries: &'a mut FeedEntries,
}

impl<'de> DeserializeSeed<'de> for FeedSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeedSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON Feed object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                map.next_value_seed(ItemsSeed {
                    entries: &mut *self.entries,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The `items` array; anything else there is passed over.
struct ItemsSeed<'a> {
    entries: &'a mut FeedEntries,
}

impl<'de> DeserializeSeed<'de> for ItemsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element::<Loose<Item>>()? {
            if let Loose(Some(item)) = item {
                let (links, hint) = item.finish();
                self.entries.push_item(links, hint);
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    ignore_scalars!(());
}

/// One item's fields that khabar uses.
#[derive(Default)]
struct Item {
    id: Option<String>,
    url: Option<String>,
    external_url: Option<String>,
    hint: Option<DateHint>,
}

impl Item {
    fn finish(self) -> (Vec<String>, Option<DateHint>) {
        let link = self
            .url
            .or(self.id.filter(|id| is_absolute_http(id)))
            .or(self.external_url);
        (link.into_iter().collect(), self.hint)
    }
}

/// A value read if it has the expected shape, passed over (`None`) if not.
struct Loose<T>(Option<T>);

impl<'de> serde::Deserialize<'de> for Loose<Item> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ItemVisitor)
    }
}

struct ItemVisitor;

impl<'de> Visitor<'de> for ItemVisitor {
    type Value = Loose<Item>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an item object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut item = Item::default();
        let mut hint = DateHint::new(HintFrom::Feed);
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                "id" => &mut item.id,
                "url" => &mut item.url,
                "external_url" => &mut item.external_url,
                "date_published" => &mut hint.published,
                "date_modified" => &mut hint.modified,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            // an id may be a number (JSON Feed 1.0 readers coerce it to a string)
            if let Loose(Some(text)) = map.next_value::<Loose<String>>()? {
                keep_first(slot, &text);
            }
        }
        item.hint = hint.into_option();
        Ok(Loose(Some(item)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose(None))
    }

    ignore_scalars!(Loose(None));
}

impl<'de> serde::Deserialize<'de> for Loose<String> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

/// A string, or a number as text; anything else is passed over.
struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Loose<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Loose(Some(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Loose(Some(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Loose(Some(v.to_string())))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Loose(Some(v.to_string())))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Loose(Some(v.to_string())))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Loose(None))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Loose(None))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose(None))
    }
}

#[cfg(test)]
mod tests {
    use super::super::feed::parse_feed;
    use super::*;

    #[test]
    fn json_feed_1_1_items_with_their_dates() {
        let feed = br#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "x", "home_page_url": "https://x.com/", "items": [
    {"id": "1", "url": "https://x.com/1", "content_html": "<p>a</p>",
     "date_published": "2024-03-27T10:00:00+03:00", "date_modified": "2024-03-28T10:00:00+03:00"},
    {"id": "https://x.com/2", "content_text": "b", "attachments": [{"url": "https://x.com/2.mp3"}]},
    {"id": 3, "external_url": "https://elsewhere.com/3", "date_published": "2024-03-29T10:00:00Z"},
    {"id": "tag:x.com,2024:4", "content_text": "no address"},
    "not an item", 5, null,
    {"url": ["x"], "id": {"nested": true}, "date_published": ["x"]},
    {"id": 7, "url": "https://x.com/7"}
  ]}"#;
        let f = parse_feed(feed);
        assert_eq!(
            f.links,
            vec![
                "https://x.com/1",
                "https://x.com/2",
                "https://elsewhere.com/3",
                "https://x.com/7"
            ]
        );
        let dates: Vec<_> = f
            .hints
            .iter()
            .map(|h| {
                h.as_ref()
                    .map(|h| (h.published.as_deref(), h.modified.as_deref()))
            })
            .collect();
        assert_eq!(
            dates,
            vec![
                Some((
                    Some("2024-03-27T10:00:00+03:00"),
                    Some("2024-03-28T10:00:00+03:00")
                )),
                None,
                Some((Some("2024-03-29T10:00:00Z"), None)),
                None
            ]
        );
        assert!(f.problems.is_empty(), "{:?}", f.problems);
    }

    #[test]
    fn json_feed_1_0_with_escaped_slashes_is_told_apart() {
        let feed = br#"{"version":"https:\/\/jsonfeed.org\/version\/1","items":[{"id":"a","url":"https:\/\/x.com\/a"}]}"#;
        assert!(is_json_feed(feed));
        assert!(!is_json_feed(br#"{"data": [1, 2]}"#));
        assert!(!is_json_feed(b"<rss>jsonfeed.org</rss>"));
        assert_eq!(parse_feed(feed).links, vec!["https://x.com/a"]);
    }

    #[test]
    fn a_broken_json_feed_gives_the_items_before_the_break() {
        let mut feed =
            b"\xef\xbb\xbf{\"version\": \"https://jsonfeed.org/version/1.1\", \"items\": [\n"
                .to_vec();
        feed.extend_from_slice(b"{\"url\": \"https://x.com/1\", \"title\": \"caf\xe9\"},\n");
        feed.extend_from_slice(b"{\"url\": \"https://x.com/2\"},\n");
        feed.extend_from_slice(b"{\"url\": \"https://x.com/3\" \"title\": \"no comma\"},\n");
        feed.extend_from_slice(b"{\"url\": \"https://x.com/4\"}]}");
        let f = parse_feed(&feed);
        assert_eq!(f.links, vec!["https://x.com/1", "https://x.com/2"]);
        assert_eq!(f.problems.count, 2, "{:?}", f.problems);
        assert!(
            f.problems.noted[0].starts_with("line 2: 1 byte sequence(s) not valid in UTF-8"),
            "{:?}",
            f.problems
        );
        assert_eq!(
            f.problems.noted[1],
            "line 4: expected `,` or `}`: the rest of the document is not read"
        );
        // cut short
        let f = parse_feed(br#"{"items": [{"url": "https://x.com/1"}, {"url": "https://x.com/2"#);
        assert_eq!(f.links, vec!["https://x.com/1"]);
        assert_eq!(f.problems.count, 1);
        // deeply nested where nothing is read: passed over without recursion
        let deep = format!(
            r#"{{"items": [{{"url": "https://x.com/1"}}, {{"x": {}{}}}]}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let f = parse_feed(deep.as_bytes());
        assert_eq!(f.links, vec!["https://x.com/1"]);
        assert!(f.problems.is_empty());
        // and where an address is expected: the same
        let deep = deep.replace(r#""x": "#, r#""url": "#);
        let f = parse_feed(deep.as_bytes());
        assert_eq!(f.links, vec!["https://x.com/1"]);
        assert!(f.problems.is_empty());
    }
}
