//! What the HTML standard's tree builder does with each tag, as far as the bounds need to
//! know: which elements have no end tag, which hold raw text, which close an open `<p>`,
//! which are formatting elements (re-opened by the parser when left open), which put a
//! marker in the list of those, and which start tags re-open them first.

/// Elements with no end tag.
pub(super) fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"image"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
            | b"frame"
            | b"basefont"
            | b"bgsound"
    )
}

/// Elements whose content is text up to their end tag.
pub(super) fn is_raw_text(name: &[u8]) -> bool {
    matches!(
        name,
        b"script"
            | b"style"
            | b"textarea"
            | b"title"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"plaintext"
    )
}

/// Start tags that close an open `<p>` first.
pub(super) fn closes_p(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"center"
            | b"details"
            | b"dialog"
            | b"dir"
            | b"div"
            | b"dl"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"pre"
            | b"listing"
            | b"search"
            | b"section"
            | b"summary"
            | b"table"
            | b"ul"
            | b"li"
            | b"dd"
            | b"dt"
    )
}

/// Elements a search for an open `<p>` (or cell, or row) does not look past.
pub(super) fn is_scope_boundary(name: &[u8]) -> bool {
    matches!(
        name,
        b"applet"
            | b"caption"
            | b"html"
            | b"table"
            | b"td"
            | b"th"
            | b"marquee"
            | b"object"
            | b"template"
            | b"button"
    )
}

/// The formatting elements: left open when a block around them closes, the parser opens
/// them again (a copy each time) before the next text or inline element.
pub(super) fn is_formatting(name: &[u8]) -> bool {
    matches!(
        name,
        b"a" | b"b"
            | b"big"
            | b"code"
            | b"em"
            | b"font"
            | b"i"
            | b"nobr"
            | b"s"
            | b"small"
            | b"strike"
            | b"strong"
            | b"tt"
            | b"u"
    )
}

/// Elements that put a marker in the list of formatting elements: what was left open
/// outside them is not re-opened inside.
pub(super) fn is_marker(name: &[u8]) -> bool {
    matches!(
        name,
        b"applet" | b"marquee" | b"object" | b"td" | b"th" | b"caption" | b"template"
    )
}

/// Start tags before which the parser re-opens the formatting elements left open: every
/// inline one, and a few others, as the standard's "in body" rules say.
pub(super) fn reopens_formatting(name: &[u8]) -> bool {
    !(closes_p(name)
        || matches!(
            name,
            b"html"
                | b"head"
                | b"body"
                | b"base"
                | b"basefont"
                | b"bgsound"
                | b"link"
                | b"meta"
                | b"noframes"
                | b"script"
                | b"style"
                | b"template"
                | b"title"
                | b"frameset"
                | b"frame"
                | b"plaintext"
                | b"textarea"
                | b"iframe"
                | b"noembed"
                | b"noscript"
                | b"rb"
                | b"rtc"
                | b"rp"
                | b"rt"
                | b"caption"
                | b"col"
                | b"colgroup"
                | b"tbody"
                | b"thead"
                | b"tfoot"
                | b"tr"
                | b"td"
                | b"th"
                | b"param"
                | b"source"
                | b"track"
        ))
}

/// The standard's "special" elements: an `<li>`, `<dd>` or `<dt>` looking for an open one
/// to close stops at these (but for `address`, `div` and `p`).
pub(super) fn is_special(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"applet"
            | b"area"
            | b"article"
            | b"aside"
            | b"base"
            | b"basefont"
            | b"bgsound"
            | b"blockquote"
            | b"body"
            | b"br"
            | b"button"
            | b"caption"
            | b"center"
            | b"col"
            | b"colgroup"
            | b"dd"
            | b"details"
            | b"dir"
            | b"div"
            | b"dl"
            | b"dt"
            | b"embed"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"form"
            | b"frame"
            | b"frameset"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"header"
            | b"hgroup"
            | b"hr"
            | b"html"
            | b"iframe"
            | b"img"
            | b"input"
            | b"keygen"
            | b"li"
            | b"link"
            | b"listing"
            | b"main"
            | b"marquee"
            | b"menu"
            | b"meta"
            | b"nav"
            | b"noembed"
            | b"noframes"
            | b"noscript"
            | b"object"
            | b"ol"
            | b"p"
            | b"param"
            | b"plaintext"
            | b"pre"
            | b"script"
            | b"search"
            | b"section"
            | b"select"
            | b"source"
            | b"style"
            | b"summary"
            | b"table"
            | b"tbody"
            | b"td"
            | b"template"
            | b"textarea"
            | b"tfoot"
            | b"th"
            | b"thead"
            | b"title"
            | b"tr"
            | b"track"
            | b"ul"
            | b"wbr"
            | b"xmp"
    )
}

/// `h1` … `h6`.
pub(super) fn is_heading(name: &[u8]) -> bool {
    matches!(name, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6")
}

/// HTML start tags that end `<svg>` or `<math>` content (the parser closes them first).
pub(super) fn breaks_out_of_foreign(name: &[u8]) -> bool {
    matches!(
        name,
        b"b" | b"big"
            | b"blockquote"
            | b"body"
            | b"br"
            | b"center"
            | b"code"
            | b"dd"
            | b"div"
            | b"dl"
            | b"dt"
            | b"em"
            | b"embed"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"head"
            | b"hr"
            | b"i"
            | b"img"
            | b"li"
            | b"listing"
            | b"menu"
            | b"meta"
            | b"nobr"
            | b"ol"
            | b"p"
            | b"pre"
            | b"ruby"
            | b"s"
            | b"small"
            | b"span"
            | b"strong"
            | b"strike"
            | b"sub"
            | b"sup"
            | b"table"
            | b"tt"
            | b"u"
            | b"ul"
            | b"var"
    )
}

/// Inline elements whose tags separate no words: `bo<b>ld</b>` is one word.
pub(super) fn is_phrasing(name: &[u8]) -> bool {
    is_formatting(name)
        || matches!(
            name,
            b"abbr"
                | b"bdi"
                | b"bdo"
                | b"cite"
                | b"data"
                | b"del"
                | b"dfn"
                | b"ins"
                | b"kbd"
                | b"mark"
                | b"q"
                | b"ruby"
                | b"samp"
                | b"span"
                | b"sub"
                | b"sup"
                | b"time"
                | b"var"
                | b"label"
                | b"wbr"
        )
}
