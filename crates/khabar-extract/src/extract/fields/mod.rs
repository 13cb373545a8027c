//! The field cascade: one rule per article field, each in its own file, run in record order
//! (as the table of [`record_fields!`](crate::record::record_fields) lists the fields and
//! their rules) by [`read_fields`]. A rule tries what its field has of the profile's
//! selectors, then (for the page's main article) JSON-LD and meta, then `<time datetime>`,
//! then the generic extractor's heuristics, and notes in the trace where the value came from.

mod authors;
mod body;
mod captions;
mod dateline;
mod dates;
mod headline;
mod image;
mod related;
mod section;
mod subtitle;
mod tags;
mod title;

use std::cell::OnceCell;

use scraper::ElementRef;

use super::Page;
use super::article::ArticleScope;
use super::trace::Trace;
use crate::config::Profile;
use crate::generic::GenericPage;
use crate::generic::tree::Ix;
use crate::metadata::{LdArticle, PageMeta};
use crate::record::ArticleFields;

/// What the rules read one article's fields from, and what a rule leaves for later ones.
pub(super) struct Cascade<'a> {
    page: &'a Page<'a>,
    scope: &'a ArticleScope<'a>,
    profile: Option<&'a Profile>,
    /// The article's container.
    c: ElementRef<'a>,
    /// The page's JSON-LD article: the main article's alone.
    ld: Option<&'a LdArticle>,
    /// The page's metadata: the main article's alone.
    meta: Option<&'a PageMeta>,
    /// The profile's related-articles block in the container.
    related_block: Option<ElementRef<'a>>,
    /// The generic extractor's view of the container, made when a rule first needs it.
    generic: OnceCell<GenericPage<'a>>,
    /// The heading the generic headline step took: bylines, dates, captions and related
    /// lists are looked for from there.
    headline_ix: Option<Ix>,
    /// A person the profile's byline names: the author when the profile's selectors find none.
    byline_author: Option<String>,
    /// The blocks the body rule read, for the blocks rule to take.
    blocks: Option<Vec<crate::blocks::Block>>,
}

impl<'a> Cascade<'a> {
    fn new(page: &'a Page<'a>, scope: &'a ArticleScope<'a>) -> Self {
        let profile = page.profile;
        let c = scope.container;
        let ld = if scope.primary {
            page.meta.json_ld.as_ref()
        } else {
            None
        };
        let meta = scope.primary.then_some(page.meta);
        let related_block = profile
            .and_then(|p| p.related.block.first_element(c))
            .map(|(el, _)| el);
        Self {
            page,
            scope,
            profile,
            c,
            ld,
            meta,
            related_block,
            generic: OnceCell::new(),
            headline_ix: None,
            byline_author: None,
            blocks: None,
        }
    }

    fn generic(&self) -> &GenericPage<'a> {
        self.generic
            .get_or_init(|| GenericPage::new(self.c, self.page.base))
    }
}

/// Makes [`read_fields`] from the table of [`record_fields!`](crate::record::record_fields):
/// each field's `read` rule, in record order.
macro_rules! cascade {
    (
        page { $($_page:tt)* }
        article {
            $(
                $(#[$_am:meta])*
                $a:ident: $_aty:ty {
                    hashed: $_hashed:literal,
                    profile: [$($_keys:tt)*],
                    read: $file:ident::$rule:ident
                },
            )*
        }
        derived { $($_derived:tt)* }
    ) => {
        /// Reads one article's fields, each by its rule, in record order: a rule sees the
        /// fields read before it.
        pub(super) fn read_fields(
            page: &Page<'_>,
            scope: &ArticleScope<'_>,
            trace: &mut Trace,
        ) -> ArticleFields {
            let mut cx = Cascade::new(page, scope);
            let mut f = ArticleFields::default();
            $( f.$a = $file::$rule(&mut cx, &f, trace); )*
            f
        }
    };
}
crate::record::record_fields!(cascade);

fn push_unique(out: &mut Vec<String>, values: impl IntoIterator<Item = String>) {
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
}
