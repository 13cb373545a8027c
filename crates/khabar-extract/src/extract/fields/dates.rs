//! The dates. Both go through `extract::dates::read_date` (the profile's selectors, JSON-LD,
//! meta, then with a profile the container's first `<time datetime>`); the publication date
//! then tries a JSON-LD WebPage's date, a date near the headline, a script's data, the
//! article's address and, without a profile, a date in the article's text; on a page no
//! profile covers it gives the address's day when the metadata's is one off.

use chrono::{DateTime, FixedOffset};
use scraper::ElementRef;

use super::Cascade;
use crate::datetime::{format_rfc3339, parse_machine};
use crate::extract::article::tried;
use crate::extract::dates::read_date;
use crate::extract::trace::Trace;
use crate::generic::dates::{date_in_scripts, date_in_url};
use crate::record::ArticleFields;

/// A `<time>` in a sidebar or a comment is another item's date: on a page without a
/// profile, furniture is left out.
fn exclude_time<'a>(cx: &Cascade<'a>) -> impl Fn(&ElementRef<'_>) -> bool + 'a {
    let related_block = cx.related_block;
    move |el: &ElementRef<'_>| {
        related_block.is_some_and(|b| el.ancestors().any(|a| a.id() == b.id()))
    }
}

/// Meta keys that name a date without saying of what.
const GENERIC_META_KEYS: [&str; 1] = ["date"];

/// Whether a timestamp falls on the day before or after the date in an address.
fn one_day_apart(found: &str, in_url: &DateTime<FixedOffset>) -> bool {
    DateTime::parse_from_rfc3339(found)
        .is_ok_and(|d| (d.date_naive() - in_url.date_naive()).num_days().abs() == 1)
}

pub(super) fn published(
    cx: &mut Cascade<'_>,
    _: &ArticleFields,
    trace: &mut Trace,
) -> Option<String> {
    let Cascade {
        page,
        scope,
        profile,
        ld,
        meta,
        ..
    } = *cx;
    let in_url = date_in_url(&scope.url, page.offset);
    if let Some(shown) = shown_over_bare_meta_date(cx, in_url.is_some(), trace) {
        return Some(shown);
    }
    // with a profile, the container's first <time datetime> comes next; without one, the
    // generic step below looks at <time> elements by where they stand (a sidebar's or a
    // comment's is another item's date)
    let mut published_at = read_date(
        page,
        scope,
        profile.map(|p| &p.published),
        ld.and_then(|l| l.date_published.as_deref()),
        meta.and_then(|m| m.published_time.as_ref()),
        &exclude_time(cx),
        profile.is_some(),
        "published_at",
        trace,
    );
    if let Some(found) = &published_at
        && profile.is_none()
        && let Some(in_url) = &in_url
        && one_day_apart(found, in_url)
    {
        // the address names the day the article was filed under where the metadata, in
        // UTC or another zone than the newsroom's, says the day before or after
        trace.overrule(
            "published_at",
            "url",
            "the date in the article's address, a day from the metadata's",
        );
        published_at = Some(format_rfc3339(in_url));
    }
    published_at.or_else(|| published_past_metadata(cx, in_url, trace))
}

/// A bare `<meta name="date">` is often the day a content system last touched the page:
/// without a profile, JSON-LD or a date in the address to check it against, a date shown
/// with the article wins over it.
fn shown_over_bare_meta_date(
    cx: &Cascade<'_>,
    address_dated: bool,
    trace: &mut Trace,
) -> Option<String> {
    let Cascade {
        page,
        profile,
        ld,
        meta,
        ..
    } = *cx;
    if profile.is_some()
        || ld.and_then(|l| l.date_published.as_deref()).is_some()
        || address_dated
        || !meta
            .and_then(|m| m.published_time.as_ref())
            .is_some_and(|(_, key)| GENERIC_META_KEYS.contains(key))
    {
        return None;
    }
    let found = cx
        .generic()
        .date_near_headline(cx.headline_ix, page.offset)?;
    trace.found(
        "published_at",
        found.source,
        format!("{}, over a bare <meta name=\"date\">", found.rule),
    );
    Some(format_rfc3339(&found.date))
}

/// When neither the profile, JSON-LD nor meta tags date the article: a JSON-LD page's date,
/// a date near the headline, a script's data, the address (`in_url`), and last the
/// article's text.
fn published_past_metadata(
    cx: &Cascade<'_>,
    in_url: Option<DateTime<FixedOffset>>,
    trace: &mut Trace,
) -> Option<String> {
    let Cascade {
        page,
        profile,
        meta,
        ..
    } = *cx;
    let generic = profile.is_none();
    let (dt, source, rule) = if let Some(dt) = meta
        .and_then(|m| m.ld_page_published.as_deref())
        .and_then(|v| parse_machine(v, page.offset))
    {
        let rule = "datePublished of the page (WebPage, Recipe, HowTo)".to_string();
        (dt, "json-ld", rule)
    } else if let Some(found) = cx.generic().date_near_headline(cx.headline_ix, page.offset) {
        (found.date, found.source, found.rule)
    } else if let Some((dt, key)) = generic
        .then(|| date_in_scripts(cx.c, page.offset))
        .flatten()
    {
        (dt, "heuristic", key)
    } else if let Some(dt) = in_url {
        (dt, "url", "the date in the article's address".to_string())
    } else if let Some(found) = generic
        .then(|| {
            cx.generic()
                .date_in_article_text(cx.headline_ix, page.offset)
        })
        .flatten()
    {
        (found.date, found.source, found.rule)
    } else {
        trace.missing(
            "published_at",
            profile.map_or(String::new(), |p| format!("{}, ", tried(&p.published)))
                + "json-ld, meta, time[datetime], a date near the headline, scripts' data, the address, the article's text",
        );
        return None;
    };
    trace.found("published_at", source, rule);
    Some(format_rfc3339(&dt))
}

pub(super) fn modified(
    cx: &mut Cascade<'_>,
    _: &ArticleFields,
    trace: &mut Trace,
) -> Option<String> {
    let Cascade {
        page,
        scope,
        profile,
        ld,
        meta,
        ..
    } = *cx;
    read_date(
        page,
        scope,
        profile.map(|p| &p.modified),
        ld.and_then(|l| l.date_modified.as_deref()),
        meta.and_then(|m| m.modified_time.as_ref()),
        &exclude_time(cx),
        false,
        "modified_at",
        trace,
    )
}

#[cfg(test)]
mod tests {
    use crate::{Extractor, PageInput, Profiles};

    /// The published date of a page with no profile: `head` inside `<head>`, `top` between
    /// the headline and the article's paragraphs.
    fn published(head: &str, top: &str, url: &str) -> Option<String> {
        let profiles = Profiles::parse("", "<none>".as_ref()).unwrap();
        let extractor = Extractor::new(profiles, None).unwrap();
        let prose: String = (0..6)
            .map(|i| format!("<p>Paragraph {i} of the story tells what happened, at length.</p>"))
            .collect();
        let html = format!(
            "<html><head><title>Storm on the coast</title>{head}</head><body>\
             <ul class='menu'><li><a href='/a'>Advice (until 31.12.2018)</a></li></ul>\
             <article><h1>Storm on the coast</h1>{top}{prose}</article></body></html>"
        );
        let mut input = PageInput::new(html.as_bytes());
        input.page_url = Some(url.parse().unwrap());
        let out = extractor.extract(&input);
        out.articles[0].0.published_at.clone()
    }

    const URL: &str = "https://example.org/news/storm";

    #[test]
    fn a_date_line_in_another_language_is_read() {
        let top = "<div class='info'>Samstag, 5. Oktober 2013</div>";
        assert_eq!(
            published("", top, URL).as_deref(),
            Some("2013-10-05T00:00:00+00:00")
        );
        let top = "<p>6 de mayo de 2022</p>";
        assert_eq!(
            published("", top, URL).as_deref(),
            Some("2022-05-06T00:00:00+00:00")
        );
    }

    #[test]
    fn a_date_marked_in_the_markup_is_read_from_its_attribute_or_short_text() {
        let top = "<abbr class='published' title='2017-07-23T17:06:45+0000'>23. Juli</abbr>";
        assert_eq!(
            published("", top, URL).as_deref(),
            Some("2017-07-23T17:06:45+00:00")
        );
        let top = "<div class='uploaded-date'> 23.09.22 </div>";
        assert_eq!(
            published("", top, URL).as_deref(),
            Some("2022-09-23T00:00:00+00:00")
        );
        // a two-digit year is never read where nothing marks the text as a date
        assert_eq!(published("", "<div>23.09.22</div>", URL), None);
    }

    #[test]
    fn menus_teasers_and_sentences_do_not_give_the_date() {
        // the menu's «(until 31.12.2018)» above the article is never taken
        assert_eq!(published("", "", URL), None);
        let teaser = "<a href='/other'><span>Floods in the north, a week of rain</span> \
                      <span>3 May 2024</span></a>";
        assert_eq!(published("", teaser, URL), None);
        let sentence = "<h2>What changes on 1 October 2022?</h2>";
        assert_eq!(published("", sentence, URL), None);
        // a permalink that is the date alone is the page's own
        let permalink = "<a href='/2014/01/post' rel='bookmark'>13. Januar 2014</a>";
        assert_eq!(
            published("", permalink, URL).as_deref(),
            Some("2014-01-13T00:00:00+00:00")
        );
    }

    #[test]
    fn a_date_in_the_article_s_text_is_the_last_resort() {
        let lead = "<p>Press release of 25 January 2022 | Berlin – The ministry said on \
                    Tuesday that it would fund the programme for three more years.</p>";
        assert_eq!(
            published("", lead, URL).as_deref(),
            Some("2022-01-25T00:00:00+00:00")
        );
        // the address comes first
        let url = "https://example.org/2021/03/04/storm";
        assert_eq!(
            published("", lead, url).as_deref(),
            Some("2021-03-04T00:00:00+00:00")
        );
    }

    #[test]
    fn a_date_shown_with_the_article_wins_over_a_bare_meta_date() {
        let head = r#"<meta name="date" content="2022-01-21T15:38:44+01:00">"#;
        let top = r#"<time itemprop="datePublished" datetime="2022-01-27">27.01.2022</time>"#;
        assert_eq!(
            published(head, top, URL).as_deref(),
            Some("2022-01-27T00:00:00+00:00")
        );
        // a key that says what it dates, or none shown, and the meta stands
        let head =
            r#"<meta property="article:published_time" content="2022-01-21T15:38:44+01:00">"#;
        assert_eq!(
            published(head, top, URL).as_deref(),
            Some("2022-01-21T15:38:44+01:00")
        );
        let head = r#"<meta name="date" content="2022-01-21T15:38:44+01:00">"#;
        assert_eq!(
            published(head, "", URL).as_deref(),
            Some("2022-01-21T15:38:44+01:00")
        );
    }

    #[test]
    fn a_recipe_s_json_ld_date_is_the_page_s() {
        let head = r#"<script type="application/ld+json">{"@type":"HowTo","name":"x",
            "datePublished":"2022-01-10T22:06:08:684Z"}</script>"#;
        assert_eq!(
            published(head, "", URL).as_deref(),
            Some("2022-01-10T22:06:08+00:00")
        );
    }

    #[test]
    fn a_date_in_a_script_s_data_comes_before_the_address() {
        let head = r#"<script>var product = {"id": 7, "published_at":"2019-03-02T06:22:28+01:00"};</script>"#;
        let url = "https://example.org/2025/12/18/storm";
        assert_eq!(
            published(head, "", url).as_deref(),
            Some("2019-03-02T06:22:28+01:00")
        );
        // JSON-LD is read as JSON-LD, not searched as text
        let head = r#"<script type="application/ld+json">{"@type":"Thing","datePublished":"2019-03-02"}</script>"#;
        assert_eq!(published(head, "", URL), None);
    }

    #[test]
    fn the_address_s_day_wins_over_metadata_one_day_off() {
        let head =
            r#"<meta property="article:published_time" content="2025-12-19T02:41:41+00:00">"#;
        let url = "https://example.org/2025/12/18/storm";
        assert_eq!(
            published(head, "", url).as_deref(),
            Some("2025-12-18T00:00:00+00:00")
        );
        // further apart, the address is an archive's or a series' date: metadata stands
        let url = "https://example.org/2025/11/18/storm";
        assert_eq!(
            published(head, "", url).as_deref(),
            Some("2025-12-19T02:41:41+00:00")
        );
    }
}
