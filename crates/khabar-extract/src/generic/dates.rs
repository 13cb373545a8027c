//! The published date of a page nobody wrote selectors for: a `<time>` element or a printed
//! date or a date-marked element near the headline, outside sidebars, comments, teasers and
//! menus; the date in the address last.

use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use regex::Regex;
use scraper::ElementRef;
use url::Url;

use super::tree::Ix;
use super::{BEFORE_HEADLINE, GenericPage};
use crate::datetime::{parse_machine, parse_visible};
use crate::dom::text_of;
use crate::text::{clip, normalize};
use crate::zone::Zone;

/// Characters of a link's text read to tell a date's link from a teaser's.
const LINK_TEXT_READ: usize = 256;

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

/// Whether an element's markup says it holds the publication date: `itemprop` naming it,
/// or a class or id of a date line («entry-date», «post-date», «datum», «published»), not
/// of an update («updated», «modified»).
fn marked_as_date(el: ElementRef<'_>) -> bool {
    let v = el.value();
    if let Some(p) = v.attr("itemprop") {
        return matches!(p, "datePublished" | "dateCreated");
    }
    let names = super::hints::class_and_id(v);
    ["date", "datum", "publish", "posted", "time", "fecha"]
        .iter()
        .any(|w| names.contains(w))
        && !["update", "modif", "comment", "timeline", "reading"]
            .iter()
            .any(|w| names.contains(w))
}

/// A date-marked element's date: a machine timestamp in its `datetime`, `content` or
/// `title` attribute (`<abbr class="published" title="2017-07-23T17:06:45+0000">`), else
/// its text, where a two-digit year is read too when the text is the date alone
/// («23.09.22»).
fn marked_date(el: ElementRef<'_>, offset: Zone) -> Option<(DateTime<FixedOffset>, String)> {
    for attr in ["datetime", "content", "title"] {
        if let Some(d) = el.value().attr(attr).and_then(|v| parse_machine(v, offset)) {
            return Some((
                d,
                format!("[{attr}] of a date-marked <{}>", el.value().name()),
            ));
        }
    }
    let text = text_of(el)?;
    if text.chars().count() > MAX_DATE_LETTERS as usize {
        return None;
    }
    parse_visible(&text, offset)
        .or_else(|| parse_short_year(&text, offset))
        .map(|d| (d, format!("date-marked <{}> «{text}»", el.value().name())))
}

/// `dd.mm.yy` as the whole text: only ever read in an element marked as a date.
fn parse_short_year(text: &str, offset: Zone) -> Option<DateTime<FixedOffset>> {
    static SHORT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{2})\s*$").expect("short date"));
    let c = SHORT.captures(text)?;
    let year = 2000 + c[3].parse::<i32>().ok()?;
    let date = NaiveDate::from_ymd_opt(year, c[2].parse().ok()?, c[1].parse().ok()?)?;
    offset.local(&date.and_time(NaiveTime::MIN))
}

/// A date in a link that holds more than the date is the linked item's: a teaser's
/// («Older post: Budget talks stall, 3 May 2024») or a menu entry's («Advice (until
/// 31.12.2018)», any link in a list). A link that is the date alone (a permalink, a month's archive) is the
/// page's own.
fn in_a_longer_link(el: ElementRef<'_>) -> bool {
    let link = std::iter::once(el)
        .chain(el.ancestors().filter_map(ElementRef::wrap))
        .find(|a| a.value().name() == "a");
    link.is_some_and(|a| {
        // more than 16 letters, reading no further (a link around a whole page)
        a.text()
            .flat_map(str::chars)
            .take(LINK_TEXT_READ)
            .filter(|c| c.is_alphabetic())
            .nth(16)
            .is_some()
            || a.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|p| p.value().name() == "li")
    })
}

/// Whether a text holds a digit, Western or Arabic-Indic: no date without one.
fn holds_digit(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_ascii_digit() || ('٠'..='٩').contains(&c))
}

/// A printed date inside a sentence («What changed on 1 October 2022?») is the sentence's
/// subject, not the article's date line.
fn reads_as_sentence(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with('?') || t.ends_with('!') || t.split_whitespace().count() > 14
}

impl GenericPage<'_> {
    /// The published date shown with the article, from a little above the headline to the
    /// end of the body block: the first `<time>` element, else the first element whose
    /// markup says it is the date (`itemprop="datePublished"`, `class="entry-date"`) or
    /// that prints a date line («Posted on 14 February 2025», «الأحد ٢ مارس ٢٠٢٥»), not a
    /// sentence and not a link's text. Elements in furniture count only inside the article's own
    /// container (a byline box marked `meta`), never in comments: a sidebar's or a
    /// comment's date is another item's. Last, any `<time datetime>` outside furniture.
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
        let found = |(date, rule): (DateTime<FixedOffset>, String), source| FoundDate {
            date,
            source,
            rule,
        };
        let in_range = || range.clone().filter(|&ix| allowed(ix));
        if let Some(d) = in_range()
            .filter(|&ix| items[ix].name() == "time")
            .find_map(|ix| time_element_date(items[ix].el, offset))
        {
            return Some(found(d, "time"));
        }
        for ix in in_range() {
            let it = &items[ix];
            if it.letters > MAX_DATE_LETTERS || in_a_longer_link(it.el) {
                continue;
            }
            if marked_as_date(it.el)
                && let Some(d) = marked_date(it.el, offset)
            {
                return Some(found(d, "heuristic"));
            }
            if it.letters < 6
                || it.own_letters == 0
                || body.is_some_and(|b| ix > b && flat.is_paragraph_like(ix) && it.letters > 60)
            {
                continue;
            }
            let Some(text) = text_of(it.el) else {
                continue;
            };
            if reads_as_sentence(&text) || !holds_digit(&text) {
                continue;
            }
            if let Some(date) = parse_visible(&text, offset) {
                let rule = format!("date near the headline «{text}»");
                return Some(found((date, rule), "heuristic"));
            }
        }
        items
            .iter()
            .filter(|it| it.name() == "time" && !it.in_furniture)
            .find_map(|it| time_element_date(it.el, offset))
            .map(|d| found(d, "time"))
    }

    /// The last resort, when neither the metadata, a date line nor the address names a
    /// date: the first date printed in the article's own text, from the headline to a
    /// little past the body, in a sentence too («Press release of 25 January 2022 |
    /// Berlin – …»); never a link's (a teaser's) nor a question's.
    pub(crate) fn date_in_article_text(
        &self,
        headline_ix: Option<Ix>,
        offset: Zone,
    ) -> Option<FoundDate> {
        let items = &self.flat().items;
        let start = headline_ix.unwrap_or(0);
        let scope = self.article_scope(headline_ix);
        (start..self.byline_search_end().max(start)).find_map(|ix| {
            let it = &items[ix];
            if !self.belongs_to_article(scope, ix) || it.own_letters < 6 || in_a_longer_link(it.el)
            {
                return None;
            }
            let own: String = it
                .el
                .children()
                .filter_map(|c| c.value().as_text())
                .map(|t| &**t)
                .collect();
            if !holds_digit(&own) {
                return None;
            }
            let own = normalize(&own);
            if own.ends_with(['?', '!']) {
                return None;
            }
            let date = parse_visible(&own, offset)?;
            Some(FoundDate {
                date,
                source: "heuristic",
                // a sentence can run on: its start is enough to find it
                rule: format!("the first date in the article's text {}", clip(&own)),
            })
        })
    }
}

/// A publication date under a well-known key in a script's data that is not JSON-LD: a
/// shop's product JSON (`"published_at":"2019-03-02T06:22:28+01:00"`), a framework's page
/// state (`"datePublished":"…"`). Read past the JSON-LD, the meta tags and the page's
/// printed dates, before the address.
static SCRIPT_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#""(datePublished|published_at|publishedAt|publishDate|publish_date|date_published|first_published_at|publicationDate|pubDate)"\s*:\s*"(\d{4}-\d{2}-\d{2}(?:[T ][0-9:.+\-Z]{0,30})?)""#,
    )
    .expect("script date")
});

/// Script text read per script at most, for [`date_in_scripts`].
const MAX_SCRIPT_BYTES: usize = 512 * 1024;

/// The first date under a publication key in the page's non-JSON-LD scripts, and the key.
pub(crate) fn date_in_scripts(
    any: ElementRef<'_>,
    zone: Zone,
) -> Option<(DateTime<FixedOffset>, String)> {
    let root = any.tree().root();
    root.descendants()
        .filter_map(ElementRef::wrap)
        .filter(|el| {
            el.value().name() == "script"
                && !el
                    .value()
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
        })
        .find_map(|el| {
            let text: String = el.text().collect();
            let mut end = text.len().min(MAX_SCRIPT_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let c = SCRIPT_DATE.captures(&text[..end])?;
            let date = parse_machine(&c[2], zone).or_else(|| parse_machine(&c[2][..10], zone))?;
            Some((date, format!("\"{}\" in a script's data", &c[1])))
        })
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
