//! The body: the blocks of the profile's `body` elements (less `drop`), else JSON-LD
//! articleBody or the generic block, whichever is the article rather than a teaser of it;
//! the record's `body` is their text ([`body_of`]), its `blocks` the blocks.

use std::collections::{HashMap, HashSet};

use ego_tree::NodeId;
use scraper::ElementRef;

use super::Cascade;
use crate::blocks::{Block, BlockBuilder, body_of, paragraphs};
use crate::extract::article::tried;
use crate::extract::trace::Trace;
use crate::generic::fields::{covered, tokens};
use crate::record::ArticleFields;
use crate::text::{normalize_opt, word_count};

/// JSON-LD articleBody is taken over the generic block when it has at least this share of
/// the block's words: when it holds more than the block (the block is a part of the
/// article), not when it is about the block's length (it then brings captions, related
/// links and no paragraph breaks; bench/generic, tune halves: WCXB unchanged, Readability
/// 0.911 -> 0.912).
const LD_BODY_SHARE: f32 = 1.1;

/// The lead set apart above the generic body block (`GenericPage::lead`), less what
/// restates the body's opening.
fn lead_apart(cx: &mut Cascade<'_>, body: &[String]) -> Vec<String> {
    let opening = body
        .iter()
        .take(3)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    cx.generic()
        .lead(cx.headline_ix)
        .into_iter()
        .filter(|l| !restates(l, &opening))
        .collect()
}

/// Whether a lead says again what the body's opening says (a summary, an excerpt): most
/// of its words are there.
fn restates(lead: &str, opening: &str) -> bool {
    // words of more than three letters: «the», «and», «der» say nothing
    let words = |s: &str| -> Vec<String> {
        tokens(s)
            .into_iter()
            .filter(|w| w.chars().count() > 3)
            .collect()
    };
    covered(&words(lead), &words(opening)) >= LEAD_RESTATES_SHARE
}

/// A lead with this share of its words in the body's opening restates it.
const LEAD_RESTATES_SHARE: f32 = 0.4;

pub(super) fn read(cx: &mut Cascade<'_>, f: &ArticleFields, trace: &mut Trace) -> Vec<String> {
    let blocks = read_blocks(cx, f, trace);
    let body = body_of(&blocks);
    cx.blocks = Some(blocks);
    body
}

/// The blocks [`read`] found.
pub(super) fn blocks(cx: &mut Cascade<'_>, _: &ArticleFields, _: &mut Trace) -> Vec<Block> {
    cx.blocks.take().unwrap_or_default()
}

fn read_blocks(cx: &mut Cascade<'_>, f: &ArticleFields, trace: &mut Trace) -> Vec<Block> {
    let Cascade {
        scope,
        profile,
        c,
        ld,
        ..
    } = *cx;
    let mut body = Vec::new();
    if let Some(p) = profile {
        // `drop` is tested only where it matters (the picked elements, their ancestors
        // and their insides) rather than over the whole container
        let dropped = |el: ElementRef<'_>| {
            scope.excluded.contains(&el.id()) || p.drop.iter().any(|s| s.matches(el))
        };
        if let Some((elements, sel)) = p.body.elements(c) {
            let mut builder = BlockBuilder::new(cx.page.base);
            let picked: HashSet<NodeId> = elements.iter().map(|e| e.id()).collect();
            // whether an ancestor (below the container) is picked or dropped, remembered
            // per node: each ancestor is looked at once however many elements share it
            let mut covered: HashMap<NodeId, bool> = HashMap::new();
            for el in elements {
                // skip an element that is dropped, inside a dropped one, or inside another
                // picked one (read with it)
                let mut skip = dropped(el);
                if !skip {
                    let mut chain = Vec::new();
                    let mut up = el.parent();
                    while let Some(node) = up.filter(|n| n.id() != c.id()) {
                        if let Some(&known) = covered.get(&node.id()) {
                            skip = known;
                            break;
                        }
                        chain.push(node.id());
                        if ElementRef::wrap(node)
                            .is_some_and(|anc| picked.contains(&anc.id()) || dropped(anc))
                        {
                            skip = true;
                            break;
                        }
                        up = node.parent();
                    }
                    for id in chain {
                        covered.insert(id, skip);
                    }
                }
                if !skip {
                    builder.read(el, &dropped);
                }
            }
            body = builder.finish();
            if !body_of(&body).is_empty() {
                trace.found("body", "selector", sel.as_str());
            } else {
                body.clear();
            }
        }
    }
    // JSON-LD articleBody, then the generic block; the generic block wins when the
    // articleBody is only a teaser of it (sites often cut it to a first paragraph)
    if body.is_empty() {
        let from_ld: Vec<String> = ld
            .and_then(|l| l.article_body.as_deref())
            .map(|text| text.lines().filter_map(normalize_opt).collect())
            .unwrap_or_default();
        let found = cx.generic().body(f.headline.as_deref());
        let ld_words = word_count(&from_ld);
        if !from_ld.is_empty()
            && ld_words as f32 >= LD_BODY_SHARE * word_count(&found.paragraphs) as f32
        {
            body = paragraphs(from_ld);
            trace.found("body", "json-ld", "articleBody");
        } else if !found.paragraphs.is_empty() {
            body = found.blocks;
            let lead = lead_apart(cx, &found.paragraphs);
            let mut rule = found
                .chosen
                .as_ref()
                .map_or(String::new(), |b| b.path.clone());
            if !lead.is_empty() {
                rule.push_str(&format!(
                    ", after a lead of {} paragraph(s) between the headline and it",
                    lead.len()
                ));
                body.splice(0..0, paragraphs(lead));
            }
            trace.found("body", "heuristic", rule);
            trace.blocks = Some((found.chosen, found.runner_up));
        } else if found.chosen.is_some() {
            // the block chosen and what cleaning dropped of it: why the body is empty
            trace.blocks = Some((found.chosen, found.runner_up));
        }
    }
    if body.is_empty() {
        trace.missing(
            "body",
            profile.map_or(String::new(), |p| format!("{}, ", tried(&p.body)))
                + "json-ld articleBody, the generic extractor",
        );
    }
    body
}

#[cfg(test)]
mod lead_tests {
    use crate::{Extractor, PageInput, Profiles};

    fn body(top: &str) -> Vec<String> {
        let profiles = Profiles::parse("", "<none>".as_ref()).unwrap();
        let extractor = Extractor::new(profiles, None).unwrap();
        let prose: String = (0..6)
            .map(|i| {
                format!(
                    "<p>Paragraph {i} of the story tells what the council decided about the \
                     bridge, and why, at some length.</p>"
                )
            })
            .collect();
        let html = format!(
            "<html><head><title>Bridge to reopen</title></head><body><div class='col'>\
             <h1>Bridge to reopen</h1>{top}<div class='group'><div class='article-body'>{prose}\
             </div></div></div><nav><a href='/a'>Home</a> <a href='/b'>News</a></nav>\
             </body></html>"
        );
        let out = extractor.extract(&PageInput::new(html.as_bytes()));
        out.articles[0].0.body.clone()
    }

    #[test]
    fn a_lead_set_apart_above_the_body_is_read_first() {
        let lead = "<p class='intro'>The old footbridge over the Marrow will carry walkers \
                    again by spring, after two years behind fences.</p>";
        let b = body(lead);
        assert!(b[0].starts_with("The old footbridge"), "{b:?}");
        assert_eq!(b.len(), 7);
    }

    #[test]
    fn a_summary_restating_the_opening_is_not() {
        let summary = "<p class='intro'>Paragraph 0 of the story tells what the council \
                       decided about the bridge.</p>";
        let b = body(summary);
        assert!(
            b[0].starts_with("Paragraph 0 of the story tells what"),
            "{b:?}"
        );
        assert_eq!(b.len(), 6);
    }
}
