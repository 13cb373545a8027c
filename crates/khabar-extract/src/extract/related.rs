//! A profile's related-article cards: each card's link, title, section, summary, dateline
//! and picture, the article's own link and repeats left out.

use std::collections::HashSet;

use scraper::ElementRef;

use super::Page;
use super::article::{ArticleScope, resolve_str};
use super::trace::Trace;
use crate::address::{resolve, same_article_key};
use crate::caption::split_credit;
use crate::config::Profile;
use crate::dateline::parse_line;
use crate::record::{Caption, Related};

pub(super) fn read_related(
    page: &Page<'_>,
    scope: &ArticleScope<'_>,
    p: &Profile,
    block: ElementRef<'_>,
    trace: &mut Trace,
) -> Vec<Related> {
    let rules = &p.related;
    let Some((cards, card_sel)) = rules.card.elements(block) else {
        return Vec::new();
    };
    let mut seen: HashSet<String> = HashSet::new();
    seen.insert(same_article_key(&scope.url));
    let mut out = Vec::new();
    for card in cards {
        let Some(url) = rules
            .url
            .first_value(card)
            .and_then(|(href, _)| resolve(page.base, &href))
        else {
            continue;
        };
        let Some((title, _)) = rules.title.first_value(card) else {
            continue;
        };
        if !seen.insert(same_article_key(&url)) {
            continue;
        }
        let caption = rules
            .caption
            .first_value(card)
            .and_then(|(raw, _)| split_credit(&raw))
            .map(|(text, credit)| Caption {
                text,
                credit,
                image_url: rules
                    .image
                    .first_value(card)
                    .and_then(|(src, _)| resolve_str(page.base, &src)),
            });
        out.push(Related {
            url: url.into(),
            title,
            section: rules.section.first_value(card).map(|(v, _)| v),
            summary: rules.summary.first_value(card).map(|(v, _)| v),
            dateline: rules
                .dateline
                .first_value(card)
                .and_then(|(v, _)| parse_line(&v))
                .map(|p| p.dateline),
            caption,
        });
    }
    if !out.is_empty() {
        trace.found("related", "selector", card_sel.as_str());
    }
    out
}
