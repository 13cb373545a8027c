//! What a feed item or a news sitemap entry says of the article it lists: its dates (and a
//! news sitemap's title and language), kept as written. A hint: the page's own date, when
//! it has one, is the better one ([`DateHint::fill`]).

/// Where a hint comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintFrom {
    /// An RSS, RDF, Atom or JSON Feed item.
    Feed,
    /// A Google News sitemap's `<news:news>`.
    NewsSitemap,
}

impl HintFrom {
    /// The name a record's `extraction.sources` gives a field filled from it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::NewsSitemap => "news-sitemap",
        }
    }
}

/// An item's dates and what else a listing says of its article, as written (parsed only
/// when used).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateHint {
    /// `pubDate`, `dc:date`, Atom `published`, JSON Feed `date_published`,
    /// `news:publication_date`.
    pub published: Option<String>,
    /// Atom `updated`, JSON Feed `date_modified`.
    pub modified: Option<String>,
    /// `news:title`.
    pub title: Option<String>,
    /// `news:language` (ISO 639).
    pub language: Option<String>,
    /// Where it was read.
    pub from: HintFrom,
}

/// Longest date, title or language kept in a hint, in bytes: a dated entry's fields are
/// short, and a hostile one does not make a crawl keep megabytes per URL.
pub(super) const MAX_HINT_FIELD: usize = 1024;

impl DateHint {
    /// A hint from `from` with nothing in it yet.
    pub fn new(from: HintFrom) -> Self {
        Self {
            published: None,
            modified: None,
            title: None,
            language: None,
            from,
        }
    }

    /// Whether it says anything.
    pub fn is_empty(&self) -> bool {
        self.published.is_none()
            && self.modified.is_none()
            && self.title.is_none()
            && self.language.is_none()
    }

    /// The hint, or `None` when it says nothing.
    pub(super) fn into_option(self) -> Option<Self> {
        (!self.is_empty()).then_some(self)
    }
}

/// Keeps the first value of a field: `slot` is set from `text` unless it already holds one
/// (an item with two `pubDate`s keeps the first) or `text` is too long to be one.
pub(super) fn keep_first(slot: &mut Option<String>, text: &str) {
    let t = text.trim();
    if slot.is_none() && !t.is_empty() && t.len() <= MAX_HINT_FIELD {
        *slot = Some(t.to_string());
    }
}
