//! Which `<meta>` key gives a page's publication and modification times: the keys khabar
//! knows, best first, then a publication key of the site's own naming.

use chrono::Datelike;

use super::MetaTime;

/// Meta names and properties that carry the publication time, best first.
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "dc.date.issued",
    "dcterms.created",
    "citation_publication_date",
    "citation_date",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "publication_date",
    "original-publish-date",
    "published",
    "publish-date",
    "dc.date",
    "dc.date.created",
    "date",
];
const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
];

fn rank(keys: &[&'static str], key: &str) -> Option<(usize, &'static str)> {
    keys.iter().position(|k| *k == key).map(|i| (i, keys[i]))
}

/// A publication-date key of a site's own naming (`published-date`, `w-published-date`,
/// `sitePublishDate`): one that says "publish" and "date" or "time" and says nothing of a
/// change, an end, a time zone or a format. Ranked after every key of [`PUBLISHED_KEYS`].
const OTHER_PUBLISHED_KEY: &str = "a meta key naming a publish date";

/// Words that make a "publish … date" key about something else: a later edition
/// (`lastPublishedDate`, `republished_date`, `modified`, `updated`, `revised`), the end of
/// the page's life (`unpublish-date`, `expires`), or how dates are written
/// (`publish-timezone`, `publish_date_format`, `publish-time-offset`).
const NOT_A_PUBLICATION: [&str; 10] = [
    "modif",
    "updat",
    "revis",
    "expir",
    "unpublish",
    "republish",
    "last",
    "zone",
    "format",
    "offset",
];

fn published_key_rank(key: &str) -> Option<(usize, &'static str)> {
    rank(PUBLISHED_KEYS, key).or_else(|| {
        let says = |w: &str| key.contains(w);
        // "end" as a word of its own (`publish_end_date`, `publish-enddate`), not inside one
        // (`recommended-publish-date`, `vendor-publish-date`)
        let says_end = key
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "end" || w.starts_with("enddate") || w.starts_with("endtime"));
        (says("publish")
            && (says("date") || says("time"))
            && !says_end
            && !NOT_A_PUBLICATION.iter().any(|w| says(w)))
        .then_some((PUBLISHED_KEYS.len(), OTHER_PUBLISHED_KEY))
    })
}

/// Of two values of keys of a site's own naming, whether `new` is a better publication
/// date than `current`: a date where `current` is none, or an earlier one (a page's later
/// "publish" times are when it was rendered or re-issued). A value before 1990 is a
/// placeholder (`0001-01-01`, `1970-01-01`), as good as none.
fn better_site_named_date(new: &str, current: &str) -> bool {
    let utc = crate::zone::Zone::utc();
    let read = |v: &str| crate::datetime::parse_meta_value(v, utc).filter(|d| d.year() >= 1990);
    match (read(new), read(current)) {
        (Some(new), Some(current)) => new < current,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// The best publication and modification times among a page's `<meta>` tags, as written,
/// with the key each came from.
#[derive(Default)]
pub(super) struct MetaDates {
    published: Option<(String, &'static str, usize)>,
    modified: Option<(String, &'static str, usize)>,
}

impl MetaDates {
    /// Keeps `value` when `key` names a publication or modification time and it is the
    /// best so far; gives `value` back when `key` names neither.
    pub(super) fn offer(&mut self, key: &str, value: String) -> Option<String> {
        if let Some((rank, name)) = published_key_rank(key) {
            let better = self.published.as_ref().is_none_or(|(current, _, best)| {
                rank < *best
                    || (rank == *best
                        && name == OTHER_PUBLISHED_KEY
                        && better_site_named_date(&value, current))
            });
            if better {
                self.published = Some((value, name, rank));
            }
            None
        } else if let Some((rank, name)) = self::rank(MODIFIED_KEYS, key) {
            if self
                .modified
                .as_ref()
                .is_none_or(|(_, _, best)| rank < *best)
            {
                self.modified = Some((value, name, rank));
            }
            None
        } else {
            Some(value)
        }
    }

    /// The publication and modification times kept, each with its key.
    pub(super) fn into_best(self) -> (Option<MetaTime>, Option<MetaTime>) {
        let drop_rank = |(value, key, _)| (value, key);
        (self.published.map(drop_rank), self.modified.map(drop_rank))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::PageMeta;
    use scraper::Html;

    #[test]
    fn a_publish_date_key_of_a_sites_own_naming() {
        let published = |head: &str| {
            let doc = Html::parse_document(&format!("<html><head>{head}</head></html>"));
            PageMeta::read(&doc).published_time
        };
        // after every known key
        assert_eq!(
            published(
                r#"<meta name="w-published-date" content="2025-05-27">
                <meta name="date" content="2020-01-01">"#
            ),
            Some(("2020-01-01".into(), "date"))
        );
        assert_eq!(
            published(r#"<meta name="w-published-date" content="2025-05-27">"#),
            Some(("2025-05-27".into(), OTHER_PUBLISHED_KEY))
        );
        // of two, the earlier date, whichever comes first
        for (a, b) in [
            ("2026-03-09T08:45:32Z", "2021-02-16"),
            ("2021-02-16", "2026-03-09"),
        ] {
            assert_eq!(
                published(&format!(
                    r#"<meta name="published-time" content="{a}"><meta name="published-date" content="{b}">"#
                ))
                .map(|(v, _)| v[..10].to_string()),
                Some("2021-02-16".into())
            );
        }
        // a value that is no date, or a placeholder, gives way to one that is
        for (a, b) in [
            ("America/New_York", "2021-02-16"),
            ("soon", "2021-02-16"),
            ("0001-01-01T00:00:00Z", "2021-02-16"),
            ("1970-01-01", "2021-02-16"),
        ] {
            assert_eq!(
                published(&format!(
                    r#"<meta name="site-publish-date" content="{a}"><meta name="x-published-date" content="{b}">"#
                ))
                .map(|(v, _)| v),
                Some(b.to_string()),
                "{a}"
            );
        }
        // "end" inside a word is not an end
        assert!(
            published(r#"<meta name="recommended-publish-date" content="2021-02-16">"#).is_some()
        );
        // a key about a change, an end, another edition, a zone or a format is not one
        for key in [
            "publish-date-modified",
            "last-updated-publish-date",
            "publish_end_date",
            "unpublish-date",
            "lastPublishedDate",
            "republished_date",
            "publish-timezone",
            "publish_date_format",
        ] {
            assert_eq!(
                published(&format!(r#"<meta name="{key}" content="2021-02-16">"#)),
                None,
                "{key}"
            );
        }
    }
}
