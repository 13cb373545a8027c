//! What an element's tag, class, id and role say about it, before any text is counted:
//! likely article content, likely page furniture, or nothing. The words are markup
//! vocabulary (class names are written in English, and in transliterated Arabic on some
//! Arabic sites), never the language of the text, so a right-to-left page is judged by the
//! same rules as an English one.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use scraper::node::Element;

/// The verdict on one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Hint {
    /// The markup says nothing.
    #[default]
    None,
    /// Names the article body outright (`itemprop=articleBody`, `entry-content`, …).
    Body,
    /// Suggests content (`article`, `post`, `story`, `content`, …).
    Content,
    /// Suggests furniture, but weakly (`meta`, `widget`, `banner`, …): scored down.
    Weak,
    /// Page furniture: navigation, sharing, related lists, newsletter boxes, ads, cookie
    /// notices, hidden elements. Dropped from the body, unless it holds most of the
    /// page's paragraphs (then the hint was a layout word, `sidebar-first-only`).
    Furniture,
    /// A comment section: dropped however much text it holds.
    Comments,
}

impl Hint {
    /// The hint's name, as `--explain` prints it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Hint::None => "no hint",
            Hint::Body => "names the body",
            Hint::Content => "content",
            Hint::Weak => "weak furniture",
            Hint::Furniture => "furniture",
            Hint::Comments => "comments",
        }
    }

    /// Furniture of either kind.
    pub(crate) fn is_furniture(self) -> bool {
        matches!(self, Hint::Furniture | Hint::Comments)
    }
}

/// Tags that are furniture whatever their class.
pub(super) fn furniture_tag(name: &str) -> bool {
    matches!(
        name,
        "nav" | "aside" | "footer" | "form" | "button" | "select" | "textarea" | "input" | "dialog"
    )
}

/// Why an element hinted as furniture is: its tag, or the first furniture word in its
/// class or id (for `--explain`).
pub(super) fn furniture_reason(el: &Element) -> String {
    if furniture_tag(el.name()) {
        return format!("furniture by its tag <{}>", el.name());
    }
    match word_in_names(el, FURNITURE_WORDS) {
        Some(w) => format!("furniture by its class or id («{w}»)"),
        None => "furniture by its markup (hidden, or a box of the page's)".to_string(),
    }
}

/// The weak word in an element's class or id, for `--explain`.
pub(super) fn weak_word(el: &Element) -> Option<&'static str> {
    word_in_names(el, WEAK_WORDS)
}

fn word_in_names(el: &Element, words: &[&'static str]) -> Option<&'static str> {
    let names = class_and_id(el);
    words.iter().find(|w| names.contains(*w)).copied()
}

/// Whether the element's schema.org `itemprop` names `property` (case aside).
pub(super) fn has_itemprop(el: &Element, property: &str) -> bool {
    el.attr("itemprop").is_some_and(|v| {
        v.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case(property))
    })
}

/// An element's class and id in lower case, for finding a word in them.
pub(super) fn class_and_id(el: &Element) -> String {
    format!(
        "{} {}",
        el.attr("class").unwrap_or(""),
        el.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase()
}

/// Hidden by an attribute or an inline style. Not skipped outright: some pages send the
/// article in a hidden element that a script reveals.
pub(super) fn hidden(el: &Element) -> bool {
    el.attr("hidden").is_some()
        || el
            .attr("aria-hidden")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        || el.attr("style").is_some_and(hidden_by_style)
}

fn hidden_by_style(style: &str) -> bool {
    let s: String = style
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    s.contains("display:none") || s.contains("visibility:hidden")
}

/// Class and id words that name the article body itself.
const BODY_WORDS: &[&str] = &[
    "articlebody",
    "article-body",
    "article_body",
    "articlecontent",
    "article-content",
    "article_content",
    "article__body",
    "article__content",
    "articletext",
    "article-text",
    "entry-content",
    "entry_content",
    "entrycontent",
    "post-content",
    "post_content",
    "postcontent",
    "post-body",
    "post_body",
    "postbody",
    "post-entry",
    "story-body",
    "story_body",
    "storybody",
    "story-content",
    "storycontent",
    "story-text",
    "news-body",
    "news-content",
    "news-text",
    "body-text",
    "bodytext",
    "rich-text",
    "richtext",
    "single-content",
    "blog-content",
    "blog-post-content",
    "page-content",
    "text-content",
    "content-body",
    "detail-content",
    "details-body",
    "article-details",
    "article-detail",
    // transliterated Arabic: matn (body text), nass (text), maqal (article), khabar (news)
    "matn",
    "nass",
    "maqal",
];

/// Words that suggest content.
const CONTENT_WORDS: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "post", "story", "text",
    "blog", "prose", "markdown", "khabar", "news", "detail",
];

/// Words that mark a comment section.
const COMMENT_WORDS: &[&str] = &["comment", "disqus", "respond", "reply"];

/// Words that mark furniture.
const FURNITURE_WORDS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "related",
    "recommend",
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "sidebar",
    "side-bar",
    "breadcrumb",
    "cookie",
    "consent",
    "gdpr",
    "advert",
    "adsense",
    "ad-slot",
    "adslot",
    "ad-container",
    "ad-wrapper",
    "dfp",
    "sponsor",
    "promo",
    "popup",
    "dialog",
    "modal",
    "outbrain",
    "taboola",
    "navbar",
    "navigation",
    "menu",
    "masthead",
    "footer",
    "skip-link",
    "screen-reader",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "author-bio",
    "author-box",
    "authorbox",
    "about-author",
    "author-info",
    "bio-box",
    "post-author",
    "contactbox",
    "contact-box",
    "rating",
    "disclosure",
    "pagination",
    "pager",
    "most-read",
    "mostread",
    "most-popular",
    "popular-posts",
    "trending",
    "read-more",
    "readmore",
    "read-also",
    "more-stories",
    "tag-list",
    "taglist",
    "tags",
    "print",
    "toolbar",
    "login",
    "paywall",
    "donate",
    "donation",
    "support-box",
    "support-us",
    "supportbox",
    "membership",
    "yarpp",
    "jp-relatedposts",
    "wp-block-buttons",
    // transliterated Arabic: "also read"
    "iqra",
    // charts exported from Illustrator by ai2html (news graphics): labels placed over a
    // picture, not sentences
    "ai2html",
];

/// Words that suggest furniture without proving it.
const WEAK_WORDS: &[&str] = &[
    "meta", "widget", "banner", "byline", "caption", "credit", "hidden", "header", "date",
    "author", "toc", "aside", "extra", "teaser", "card", "hero",
];

/// Class tokens that describe a state, a taxonomy or a look (WordPress puts `tag-…`,
/// `category-…`, `has-sidebar`, `comments-open` on the article element), not a role, nor
/// does a negated word (`no-sidebar`, `non-paywall`).
fn is_state_token(token: &str) -> bool {
    const PREFIXES: [&str; 11] = [
        "has-",
        "is-",
        "tag-",
        "category-",
        "no-",
        "non-",
        "with-",
        "comments-",
        "format-",
        "status-",
        "type-",
    ];
    // utility classes (Tailwind's `md:[grid-area:sidebar]`, `hover:shadow`, Atomic CSS's
    // `Bxsh(modalShadow)`) say how a thing looks, not what it is
    token.contains([':', '[', '/', '('])
        || PREFIXES.iter().any(|p| token.starts_with(p))
        || token.starts_with("single")
        || token.contains("-no-")
        || token.contains("without")
}

const BODY: u8 = 1;
const COMMENTS: u8 = 2;
const FURNITURE: u8 = 4;
const WEAK: u8 = 8;
const CONTENT: u8 = 16;

/// Every word list in one automaton: a class token is scanned once, not once per word.
static WORDS: LazyLock<(AhoCorasick, Vec<u8>)> = LazyLock::new(|| {
    let lists: [(&[&str], u8); 5] = [
        (BODY_WORDS, BODY),
        (COMMENT_WORDS, COMMENTS),
        (FURNITURE_WORDS, FURNITURE),
        (WEAK_WORDS, WEAK),
        (CONTENT_WORDS, CONTENT),
    ];
    let mut words = Vec::new();
    let mut kinds = Vec::new();
    for (list, kind) in lists {
        for w in list {
            words.push(*w);
            kinds.push(kind);
        }
    }
    let automaton = AhoCorasick::new(&words).expect("hint words build an automaton");
    (automaton, kinds)
});

/// Which word lists have a word inside `token`.
fn kinds_in(token: &str) -> u8 {
    let (automaton, kinds) = &*WORDS;
    automaton
        .find_overlapping_iter(token)
        .fold(0, |acc, m| acc | kinds[m.pattern().as_usize()])
}

/// A short word matches only as a whole token or a `-`/`_` separated part of one, so
/// `ad` does not match `header` and `main` does not match `domain`.
fn has_part(token: &str, word: &str) -> bool {
    token.split(['-', '_']).any(|part| part == word)
}

/// The hint for one element. With `read_words` false only its tag, role, `itemprop` and
/// hidden state count, not its class and id words (a link inside a sentence, a highlighted
/// token inside a code listing: see `Flat::build`).
pub(crate) fn hint_of(el: &Element, read_words: bool) -> Hint {
    let name = el.name();
    if matches!(name, "html" | "body") {
        // themes put layout words of every kind on these
        return Hint::None;
    }
    if has_itemprop(el, "articleBody") {
        return Hint::Body;
    }
    if furniture_tag(name) || hidden(el) {
        return Hint::Furniture;
    }
    if let Some(role) = el.attr("role") {
        let role = role.trim().to_ascii_lowercase();
        if matches!(
            role.as_str(),
            "navigation"
                | "complementary"
                | "banner"
                | "contentinfo"
                | "dialog"
                | "alertdialog"
                | "menu"
                | "menubar"
                | "search"
        ) {
            return Hint::Furniture;
        }
    }
    if !read_words {
        return Hint::None;
    }
    let mut best = Hint::None;
    let mut any = false;
    let mut lowered = String::new();
    for token in el
        .attr("class")
        .into_iter()
        .flat_map(str::split_ascii_whitespace)
        .chain(el.attr("id"))
    {
        any = true;
        lowered.clear();
        lowered.extend(token.chars().map(|c| c.to_ascii_lowercase()));
        let t = lowered.as_str();
        if is_state_token(t) {
            continue;
        }
        let kinds = kinds_in(t);
        let furniture = kinds & FURNITURE != 0
            || has_part(t, "ad")
            || has_part(t, "ads")
            || has_part(t, "nav")
            || has_part(t, "cta");
        // a body word inside a furniture name is the furniture's (`rich-text-cta`,
        // `entry-content-share`)
        if kinds & BODY != 0 && !furniture {
            return Hint::Body;
        }
        if kinds & COMMENTS != 0 {
            return Hint::Comments;
        }
        if furniture {
            best = Hint::Furniture;
        } else if best != Hint::Furniture {
            if kinds & WEAK != 0 {
                best = Hint::Weak;
            } else if best == Hint::None && kinds & CONTENT != 0 {
                best = Hint::Content;
            }
        }
    }
    if !any && matches!(name, "article" | "main") {
        return Hint::Content;
    }
    if best == Hint::None && matches!(name, "article" | "main") {
        return Hint::Content;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    fn hint(html: &str) -> Hint {
        let doc = Html::parse_fragment(html);
        let el = doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
            .find(|e| e.value().name() != "html")
            .unwrap();
        hint_of(el.value(), true)
    }

    #[test]
    fn reads_roles_from_markup_words() {
        assert_eq!(hint("<div itemprop=articleBody></div>"), Hint::Body);
        assert_eq!(
            hint("<div class='entry-content clearfix'></div>"),
            Hint::Body
        );
        assert_eq!(hint("<div class='story'></div>"), Hint::Content);
        assert_eq!(hint("<div id=comments></div>"), Hint::Comments);
        assert_eq!(hint("<nav></nav>"), Hint::Furniture);
        assert_eq!(hint("<div class='ad-box'></div>"), Hint::Furniture);
        assert_eq!(hint("<div class='header-top'></div>"), Hint::Weak);
        assert_eq!(hint("<div class='download'></div>"), Hint::None);
        // WordPress state classes on the article do not make it furniture
        assert_eq!(
            hint("<article class='post tag-sharing comments-open has-sidebar'></article>"),
            Hint::Content
        );
        // a negated word says what the element is not: the free part of a paywalled site
        assert_eq!(
            hint("<section class='row non-paywall'></section>"),
            Hint::None
        );
        assert_eq!(hint("<div class='matn'></div>"), Hint::Body);
        assert_eq!(
            hint("<div class='mb-6 md:[grid-area:sidebar]'></div>"),
            Hint::None
        );
        assert_eq!(
            hint("<div class='Bxsh(modalShadow) Pos(r)'></div>"),
            Hint::None
        );
        // a body word inside a furniture name is the furniture's
        assert_eq!(
            hint("<section class='rich-text-cta'></section>"),
            Hint::Furniture
        );
        assert_eq!(
            hint("<div class='entry-content-share'></div>"),
            Hint::Furniture
        );
        assert_eq!(hint("<div class='rich-text'></div>"), Hint::Body);
        assert_eq!(
            hint("<div class='ai2html ai2html-box'></div>"),
            Hint::Furniture
        );
        // without its words, only what the tag, role and hidden state say
        let doc = Html::parse_fragment("<a class=popup href=#n1>a</a><a hidden href=#n2>b</a>");
        let links: Vec<_> = doc
            .select(&scraper::Selector::parse("a").unwrap())
            .collect();
        assert_eq!(hint_of(links[0].value(), false), Hint::None);
        assert_eq!(hint_of(links[0].value(), true), Hint::Furniture);
        assert_eq!(hint_of(links[1].value(), false), Hint::Furniture);
    }
}
