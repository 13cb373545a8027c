//! The generic extractor: the last step of the cascade, for pages no profile covers and
//! for fields a profile left empty. It works on the document already parsed; it never
//! parses again.
//!
//! - [`tree`] flattens the page into elements with letter, link and punctuation counts;
//! - [`hints`] reads what class, id, role and tag say about an element;
//! - [`body`] scores the elements and picks the body block, [`clean`] reads it cleaned;
//! - [`fields`] finds the headline, authors and captions by position and shape;
//! - [`dates`] the published date near the headline, or in the address;
//! - [`dialog`] the dialog a page was saved with open, read instead of the page behind;
//! - [`language`] the language of a page that declares none, from its text;
//! - [`related`] related-article lists.

pub(crate) mod body;
pub(crate) mod clean;
pub(crate) mod dates;
pub(crate) mod dialog;
pub(crate) mod fields;
pub(crate) mod hints;
pub(crate) mod language;
pub(crate) mod related;
pub(crate) mod tree;
mod widgets;

use scraper::ElementRef;
use url::Url;

use body::{BodyChoice, Candidate};
use tree::Flat;

use crate::blocks::{Block, body_of};

/// How far above the headline and past the body block the byline and the published date
/// are looked for, in elements: «Last updated: …» above the title, «Posted on … by …» at the
/// foot of the article.
const BEFORE_HEADLINE: usize = 40;
const AFTER_BODY: usize = 60;

/// One scored element, described for `--explain`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BlockNote {
    /// `tag#id.class…` of the element and its parent.
    pub path: String,
    /// Its score: paragraph letters less what it would drag in, scaled by its hint.
    pub score: f32,
    /// Letters of its visible text.
    pub letters: u32,
    /// The share of those letters inside links.
    pub link_density: f32,
    /// What its markup says: `content`, `furniture`, `comments`, …
    pub hint: &'static str,
    /// Why it won when a fallback chose it or siblings were joined to it (empty for the
    /// plain choice).
    pub why: Vec<String>,
    /// Inside it, each part dropped and each kept against a rule, with the reason (the
    /// chosen block only).
    pub parts: Vec<String>,
}

/// The page as the generic extractor sees it: flattened and scored once, read by field.
pub(crate) struct GenericPage<'a> {
    flat: Flat<'a>,
    choice: Option<BodyChoice>,
    base: Option<&'a Url>,
}

/// What the generic body step found.
#[derive(Debug, Default)]
pub(crate) struct GenericBody {
    /// The body's blocks, cleaned, in page order.
    pub blocks: Vec<Block>,
    /// The body's paragraphs ([`body_of`] the blocks).
    pub paragraphs: Vec<String>,
    /// The block they came from.
    pub chosen: Option<BlockNote>,
    /// The best block neither inside nor around it (for `--explain`).
    pub runner_up: Option<BlockNote>,
}

impl<'a> GenericPage<'a> {
    /// Flattens and scores the subtree under `root` (the page, or a profile's container);
    /// links are resolved against `base`.
    pub(crate) fn new(root: ElementRef<'a>, base: Option<&'a Url>) -> Self {
        let flat = Flat::build(root);
        let choice = body::choose(&flat);
        Self { flat, choice, base }
    }

    /// The body block's paragraphs, cleaned; `headline` is left out where it repeats.
    pub(crate) fn body(&self, headline: Option<&str>) -> GenericBody {
        let Some(choice) = &self.choice else {
            return GenericBody::default();
        };
        let mut why = choice.why.clone();
        let mut parts = Vec::new();
        let mut blocks = clean::read(
            &self.flat, choice, headline, self.base, &mut why, &mut parts,
        );
        widgets::drop_trailing_widgets(&mut blocks, &mut parts);
        let paragraphs = body_of(&blocks);
        let mut chosen = self.note(choice.best);
        chosen.why = why;
        chosen.parts = parts;
        GenericBody {
            blocks,
            paragraphs,
            chosen: Some(chosen),
            runner_up: choice.runner_up.map(|c| self.note(c)),
        }
    }

    /// The flattened page.
    pub(crate) fn flat(&self) -> &Flat<'a> {
        &self.flat
    }

    fn note(&self, c: Candidate) -> BlockNote {
        let it = &self.flat.items[c.ix];
        let mut path = describe(it.el);
        if let Some(parent) = it.el.parent().and_then(ElementRef::wrap) {
            path = format!("{} > {path}", describe(parent));
        }
        BlockNote {
            path,
            score: c.score,
            letters: it.letters,
            link_density: it.link_density(),
            hint: if it.in_furniture && !it.hint.is_furniture() {
                "inside furniture"
            } else {
                it.hint.as_str()
            },
            why: Vec::new(),
            parts: Vec::new(),
        }
    }
}

/// `div#main.story.wide`: an element as a selector-like name.
pub(crate) fn describe(el: ElementRef<'_>) -> String {
    let v = el.value();
    let mut s = v.name().to_string();
    if let Some(id) = v.id() {
        s.push('#');
        s.push_str(id);
    }
    for class in v.classes().take(3) {
        s.push('.');
        s.push_str(class);
    }
    s
}
