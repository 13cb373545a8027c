//! The pre-parse bounds on any text: no panic (every cut on a character boundary), the
//! text passed on untouched exactly when nothing was changed, and a bounded result: never
//! more than a closing tag added per element moved or formatting element closed, the
//! parser given at most 512 levels and no more nodes than twice its budget (plus what one
//! re-opening adds).
#![no_main]
use khabar_extract::internals::limits::{MAX_DEPTH, bound_markup};
use libfuzzer_sys::fuzz_target;
use std::borrow::Cow;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let b = bound_markup(&text);
    match &b.text {
        Cow::Borrowed(t) => {
            assert_eq!(*t, &*text);
            assert!(b.message().is_none());
        }
        Cow::Owned(t) => {
            assert!(b.message().is_some() || t == &*text);
            // each moved element or closed formatting element adds one `</name>` (names are
            // at most the input's length)
            let added = b.flattened + b.formatting_closed;
            assert!(t.len() <= text.len() + added * (text.len() + 3));
        }
    }
    let doc = scraper::Html::parse_document(&b.text);
    assert!(doc.tree.nodes().count() <= 2 * b.node_budget + MAX_DEPTH + 16);
    if b.flattened > 0 {
        let doc = scraper::Html::parse_document(&b.text);
        let deepest = doc
            .root_element()
            .descendants()
            .map(|n| n.ancestors().count())
            .max()
            .unwrap_or(0);
        // html5ever adds html/head/body and may reopen formatting elements
        assert!(deepest <= 3 * MAX_DEPTH, "depth {deepest}");
    }
});
