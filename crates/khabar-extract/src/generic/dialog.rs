//! A page saved with a dialog open: the article a reader sees in front of the page behind
//! it (a story opened over a news stream). The page says so on its `<html>` or `<body>`
//! (`modal-open`, the state class Bootstrap and many sites set); the dialog is the visible
//! element named a modal or dialog that holds the most paragraph text.

use scraper::node::Element;

use super::hints::hidden;
use super::tree::{Flat, Ix, NO_PARENT};

/// Least paragraph letters of an open dialog read instead of the page behind it (a cookie
/// or newsletter box is shorter).
const DIALOG_MIN_LETTERS: u32 = 1000;

/// Whether the markup names the element a dialog: a class or id part `modal`,
/// `role=dialog`/`alertdialog`, `aria-modal=true`, or an open `<dialog>`.
pub(super) fn is_dialog(e: &Element) -> bool {
    (e.name() == "dialog" && e.attr("open").is_some())
        || e.attr("role").is_some_and(|r| {
            let r = r.trim();
            r.eq_ignore_ascii_case("dialog") || r.eq_ignore_ascii_case("alertdialog")
        })
        || e.attr("aria-modal")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || e.attr("class")
            .into_iter()
            .flat_map(str::split_ascii_whitespace)
            .chain(e.attr("id"))
            .any(|t| t.split(['-', '_']).any(|p| p.eq_ignore_ascii_case("modal")))
}

/// The open dialog, if the page says one is open: of the elements named a dialog that are
/// neither hidden nor inside a hidden element, the one holding the most paragraph letters
/// (`para`), at least [`DIALOG_MIN_LETTERS`]; the outermost on a tie.
pub(super) fn open_dialog(flat: &Flat<'_>, para: &[u32]) -> Option<Ix> {
    let root = flat.items.first();
    let body = flat.items.iter().find(|it| it.name() == "body");
    let says_open = root.into_iter().chain(body).any(|it| {
        matches!(it.name(), "html" | "body")
            && it.el.value().attr("class").is_some_and(|c| {
                c.split_ascii_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("modal-open"))
            })
    });
    if !says_open {
        return None;
    }
    // hidden, or inside a hidden element: a closed modal (Bootstrap hides the outer
    // `.modal`, not the `.modal-dialog` inside it)
    let mut hidden_in = vec![false; flat.items.len()];
    let mut best: Option<Ix> = None;
    for (ix, it) in flat.items.iter().enumerate() {
        let e = it.el.value();
        hidden_in[ix] = hidden(e) || (it.parent != NO_PARENT && hidden_in[it.parent]);
        if para[ix] >= DIALOG_MIN_LETTERS
            && !hidden_in[ix]
            && !matches!(it.name(), "html" | "body")
            && is_dialog(e)
            && best.is_none_or(|b| para[ix] > para[b])
        {
            best = Some(ix);
        }
    }
    best
}
