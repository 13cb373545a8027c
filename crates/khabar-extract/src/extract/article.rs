//! One article's container on a page, and helpers the field rules (`fields/`) share.

use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::ElementRef;
use url::Url;

use crate::address::resolve;
use crate::selector::SelectorList;

/// One article's container on a page and what is known about it.
pub(super) struct ArticleScope<'a> {
    pub container: ElementRef<'a>,
    /// The page's main article: page-level metadata (JSON-LD, meta) belongs to it alone.
    pub primary: bool,
    /// Other articles' containers nested inside this one: never read as this one's.
    pub excluded: HashSet<NodeId>,
    pub url: Url,
}

pub(super) fn tried(list: &SelectorList) -> String {
    list.iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn resolve_str(base: Option<&Url>, href: &str) -> Option<String> {
    resolve(base, href).map(String::from)
}
