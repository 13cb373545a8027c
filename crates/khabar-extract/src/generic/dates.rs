//! The published date of a page nobody wrote selectors for: a `<time>` element or a printed
//! date near the headline, outside sidebars and comments; the date in the address last.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use regex::Regex;
use scraper::ElementRef;
use url::Url;

use super::tree::Ix;
use super::{BEFORE_HEADLINE, GenericPage};
use crate::datetime::{parse_machine, parse_visible};
use crate::dom::text_of;
use crate::zone::Zone;

/// Elements read for a visible date hold at most this many letters.
const MAX_DATE_LETTERS: u32 = 120;

/// A date found on the page, with where it came from for the trace.
pub(crate) struct FoundDate {
    /// The date, with the offset it was written with (or the profile's).
    pub date: DateTime<FixedOffset>,
    /// The record's source name for it: `heuristic` or `url`.
    pub source: &'static str,
    /// Where it was read, for `--explain`.
    pub rule: String,
}

/// A `<time>` element's date: its `datetime` attribute read as a timestamp, or as text
/// when a site writes prose there («on Friday December 19, 2025 @08:00PM»), else its text.
fn time_element_date(el: ElementRef<'_>, offset: Zone) -> Option<(DateTime<FixedOffset>, String)> {
    if let Some(v) = el.value().attr("datetime") {
        if let Some(d) = parse_machine(v, offset) {
            return Some((d, "time[datetime]".into()));
        }
        if let Some(d) = parse_visible(v, offset) {
            return Some((d, format!("time[datetime] read «{v}»")));
        }
    }
    let text = text_of(el)?;
    parse_visible(&text, offset).map(|d| (d, format!("<time> text «{text}»")))
}

impl GenericPage<'_> {
    /// The published date shown with the article: the first `<time>` element, then the
    /// first printed date («Posted on 14 February 2025», «الأحد ٢ مارس ٢٠٢٥»), from a
    /// little above the headline to the end of the body block. Elements in furniture count
    /// only inside the article's own container (a byline box marked `meta`), never in
    /// comments: a sidebar's or a comment's date is another item's. Last, any
    /// `<time datetime>` outside furniture.
    pub(crate) fn date_near_headline(
        &self,
        headline_ix: Option<Ix>,
        offset: Zone,
    ) -> Option<FoundDate> {
        let flat = self.flat();
        let items = &flat.items;
        // from a little before the headline: «Last updated: Dec 12, 2025» above it
        let start = match headline_ix {
            Some(h) => h.saturating_sub(BEFORE_HEADLINE),
            None => self
                .choice
                .as_ref()
                .map_or(0, |c| c.best.ix.saturating_sub(200)),
        };
        let scope = self.article_scope(headline_ix);
        let allowed = |ix: Ix| self.belongs_to_article(scope, ix);
        let body = self.choice.as_ref().map(|c| c.best.ix);
        let range = start..self.byline_search_end().max(start);
        for ix in range.clone() {
            if items[ix].name() == "time"
                && allowed(ix)
                && let Some((date, rule)) = time_element_date(items[ix].el, offset)
            {
                return Some(FoundDate {
                    date,
                    source: "time",
                    rule,
                });
            }
        }
        for ix in range {
            let it = &items[ix];
            if it.letters < 6
                || it.letters > MAX_DATE_LETTERS
                || it.own_letters == 0
                || body.is_some_and(|b| ix > b && flat.is_paragraph_like(ix) && it.letters > 60)
                || !allowed(ix)
            {
                continue;
            }
            let Some(text) = text_of(it.el) else {
                continue;
            };
            if !text
                .chars()
                .any(|c| c.is_ascii_digit() || ('٠'..='٩').contains(&c))
            {
                continue;
            }
            if let Some(date) = parse_visible(&text, offset) {
                return Some(FoundDate {
                    date,
                    source: "heuristic",
                    rule: format!("date near the headline «{text}»"),
                });
            }
        }
        items
            .iter()
            .filter(|it| it.name() == "time" && !it.in_furniture)
            .find_map(|it| time_element_date(it.el, offset))
            .map(|(date, rule)| FoundDate {
                date,
                source: "time",
                rule,
            })
    }
}

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d{2})[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|-|$)")
        .expect("url date")
});

/// A date in an article's address, `/2025/09/04/slug`: the last resort.
pub(crate) fn date_in_url(url: &Url, zone: Zone) -> Option<DateTime<FixedOffset>> {
    let c = URL_DATE.captures(url.path())?;
    let date = NaiveDate::from_ymd_opt(c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?)?;
    zone.local(&date.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_addresses() {
        let utc = Zone::utc();
        let u = Url::parse("https://x.example/2025/09/04/slug/").unwrap();
        assert_eq!(
            date_in_url(&u, utc).unwrap().to_rfc3339(),
            "2025-09-04T00:00:00+00:00"
        );
        let u = Url::parse("https://x.example/p/20250904-x").unwrap();
        assert!(date_in_url(&u, utc).is_none());
    }
}
