//! What each HTML element is, as khabar reads a page: one table for the block reader
//! (profiles and the generic extractor alike), the generic extractor's walks and the text
//! walks. (What the HTML parser does with a tag, which the bounds before parsing follow, is
//! another matter: `limits/tags.rs`.)

/// What an element is to a reader of the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Never read as text: scripts, styles, embedded documents and widgets, forms' controls.
    Hidden,
    /// `h1` … `h6`, with its level.
    Heading(u8),
    /// `p`.
    Paragraph,
    /// `ul`, `ol` (and the old `menu`, `dir`).
    List {
        /// `ol`.
        ordered: bool,
    },
    /// `li`.
    ListItem,
    /// `blockquote`.
    Quote,
    /// `pre` (and the old `listing`, `xmp`, `plaintext`): text whose line breaks and
    /// indentation are its meaning.
    Code,
    /// `table`.
    Table,
    /// `thead`, `tbody`, `tfoot`.
    TableSection,
    /// `tr`.
    Row,
    /// `td`, `th`.
    Cell {
        /// `th`.
        header: bool,
    },
    /// `figure`.
    Figure,
    /// `figcaption`.
    FigureCaption,
    /// Pictures and players: `picture`, `video`, `audio`, `img`.
    Media,
    /// `br`.
    Break,
    /// `hr`.
    Rule,
    /// Any other element that starts and ends a block of its own: `div`, `section`, …
    Block,
    /// `a`.
    Link,
    /// Elements inside a run of text: `b`, `i`, `span`, `code`, …
    Phrasing,
    /// Anything else (custom elements, unknown tags): read as a run of text.
    Other,
}

/// What `name` (a lower-case tag name) is.
pub(crate) fn kind(name: &str) -> Kind {
    match name {
        "script" | "style" | "noscript" | "template" | "svg" | "math" | "head" | "iframe"
        | "object" | "embed" | "canvas" | "select" | "option" | "optgroup" | "textarea"
        | "button" | "title" | "datalist" | "dialog-backdrop" => Kind::Hidden,
        "h1" => Kind::Heading(1),
        "h2" => Kind::Heading(2),
        "h3" => Kind::Heading(3),
        "h4" => Kind::Heading(4),
        "h5" => Kind::Heading(5),
        "h6" => Kind::Heading(6),
        "p" => Kind::Paragraph,
        "ul" | "menu" | "dir" => Kind::List { ordered: false },
        "ol" => Kind::List { ordered: true },
        "li" => Kind::ListItem,
        "blockquote" => Kind::Quote,
        "pre" | "listing" | "xmp" | "plaintext" => Kind::Code,
        "table" => Kind::Table,
        "thead" | "tbody" | "tfoot" => Kind::TableSection,
        "tr" => Kind::Row,
        "td" => Kind::Cell { header: false },
        "th" => Kind::Cell { header: true },
        "figure" => Kind::Figure,
        "figcaption" => Kind::FigureCaption,
        "picture" | "video" | "audio" | "img" => Kind::Media,
        "br" => Kind::Break,
        "hr" => Kind::Rule,
        "address" | "article" | "aside" | "caption" | "center" | "details" | "dialog" | "div"
        | "dl" | "dt" | "dd" | "fieldset" | "footer" | "form" | "header" | "hgroup" | "legend"
        | "main" | "nav" | "search" | "section" | "summary" | "body" | "html" => Kind::Block,
        "a" => Kind::Link,
        "abbr" | "b" | "bdi" | "bdo" | "big" | "cite" | "code" | "data" | "del" | "dfn" | "em"
        | "font" | "i" | "ins" | "kbd" | "label" | "mark" | "nobr" | "q" | "rp" | "rt" | "ruby"
        | "s" | "samp" | "small" | "span" | "strike" | "strong" | "sub" | "sup" | "time" | "tt"
        | "u" | "var" | "wbr" | "output" | "meter" | "progress" => Kind::Phrasing,
        _ => Kind::Other,
    }
}

/// Whether the element's text is never article text.
pub(crate) fn is_hidden(name: &str) -> bool {
    kind(name) == Kind::Hidden
}

/// Whether the element breaks a line: words in adjacent blocks do not run together.
pub(crate) fn is_block(name: &str) -> bool {
    !matches!(
        kind(name),
        Kind::Phrasing | Kind::Link | Kind::Other | Kind::Hidden | Kind::Media
    )
}

/// Whether the element sits inside a run of text (links not included: `<a>` is
/// [`Kind::Link`]).
pub(crate) fn is_phrasing(name: &str) -> bool {
    kind(name) == Kind::Phrasing
}

/// `h1` … `h6`: the heading's level.
pub(crate) fn heading_level(name: &str) -> Option<u8> {
    match kind(name) {
        Kind::Heading(n) => Some(n),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tag_has_one_meaning() {
        assert_eq!(kind("h3"), Kind::Heading(3));
        assert_eq!(kind("ol"), Kind::List { ordered: true });
        assert_eq!(kind("th"), Kind::Cell { header: true });
        assert!(is_hidden("script") && is_hidden("button") && !is_hidden("div"));
        assert!(is_block("p") && is_block("br") && is_block("td") && !is_block("span"));
        assert!(is_phrasing("code") && !is_phrasing("a") && !is_phrasing("div"));
        assert_eq!(kind("my-widget"), Kind::Other);
    }
}
