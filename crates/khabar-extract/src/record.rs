//! The NDJSON record: one article, as `docs/record.md` defines it. Field order here
//! is the order on the wire.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub(crate) use crate::blocks::Block;
pub(crate) use crate::caption::Caption;
pub(crate) use crate::dateline::Dateline;

/// The record format's version: bumped only when a field is renamed or changes type.
pub const SCHEMA: &str = "khabar.article/1";

/// What kind of source a page came from: `source.kind` in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Fetched over HTTP(S).
    Http,
    /// Read from a saved file.
    File,
    /// Read from standard input.
    Stdin,
    /// Read from a WARC archive (`.warc` or `.warc.gz`).
    Warc,
    /// Handed over in memory by a program (the Python API's `extract`).
    Memory,
}

/// Where the bytes came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    /// `http`, `file`, `stdin`, `warc` or `memory`.
    pub kind: SourceKind,
    /// The saved page or the archive it was read from.
    pub file: Option<String>,
    /// When it was fetched (RFC 3339), if known.
    pub fetched_at: Option<String>,
    /// The HTTP status it was served with, if known.
    pub status: Option<u16>,
    /// From an archive: the `WARC-Record-ID` of the response record (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// From an archive: the record's offset in the file, in bytes (of its gzip member in a
    /// `.warc.gz`), for random access (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

impl SourceInfo {
    /// A source of `kind` and nothing else known.
    pub fn of_kind(kind: SourceKind) -> Self {
        Self {
            kind,
            file: None,
            fetched_at: None,
            status: None,
            record_id: None,
            offset: None,
        }
    }
}

/// One entry of the page's related-articles block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// The entry's link, absolute.
    pub url: String,
    /// The entry's title.
    pub title: String,
    /// The entry's section, if the card shows one.
    pub section: Option<String>,
    /// The entry's summary, if the card shows one.
    pub summary: Option<String>,
    /// The entry's dateline, if the card shows one.
    pub dateline: Option<Dateline>,
    /// The entry's image caption, if the card has one.
    pub caption: Option<Caption>,
}

/// How each field was found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extraction {
    /// The site profile used, or null for a page no profile covers.
    pub profile: Option<String>,
    /// Field name → `selector`, `json-ld`, `meta`, `time`, `link`, `url`, `page`, `byline`,
    /// `first-paragraph`.
    pub sources: BTreeMap<String, String>,
    /// Things the extractor noticed and the user may want to know, in plain words.
    pub warnings: Vec<String>,
    /// The page's encoding and how it was decided, e.g. `windows-1256 (<meta> tag)`.
    pub charset: Option<String>,
}

/// The record's fields in wire order, each written once. Made from this table: [`Record`]
/// and its parts ([`PageFields`], [`ArticleFields`], [`Record::new`]), [`content_hash`],
/// [`ARTICLE_FIELDS`] and [`Record::filled`] (the crawl's fill rates), here; the profiles'
/// field keys (`RawProfile`, `Profile`) in `config.rs`; the cascade's order of rules
/// (`read_fields`) in `extract/fields/mod.rs`. A new field is one row here, plus its rule's
/// file in `extract/fields/` (and that file's `mod` line).
///
/// `record_fields!(then)` hands the table to the macro `then!`. Its groups:
/// - `page`: what the page and its fetch give;
/// - `article`: what the cascade reads from the article, in this order (a rule sees the
///   fields read before it). `hashed`: part of what the article says, so of its content
///   hash. `profile`: the `[profiles.NAME]` keys holding the field's selectors (a selector
///   list, or the rules type named). `read`: the rule, `file::function` in
///   `extract/fields/`;
/// - `derived`: computed from the others.
macro_rules! record_fields {
    ($then:ident) => {
        $then! {
            page {
                /// [`SCHEMA`].
                schema: String,
                /// [`article_id`] of `url`.
                id: String,
                /// 1 when the article is first written; one more each time a later crawl
                /// finds its content changed.
                revision: u32,
                /// The article's own absolute address: canonical link, og:url, the
                /// container's own link, then the fetched or given address.
                url: String,
                /// The address the page was fetched from or given as, when known.
                page_url: Option<String>,
                /// Where the bytes came from.
                source: SourceInfo,
                /// The site profile used, or `generic`.
                site: String,
                /// The page's language (BCP 47), from its markup.
                language: Option<String>,
            }
            article {
                /// The article's headline.
                headline:     Option<String>   { hashed: true,  profile: [headline],               read: headline::read },
                /// The page's title as the site declares it (og:title, twitter:title,
                /// `<title>`), as written: the site's name and all. Sites retitle pages for
                /// search and sharing without changing the article: not part of the content
                /// hash.
                title:        Option<String>   { hashed: false, profile: [],                       read: title::read },
                /// The standfirst or sub-headline.
                subtitle:     Option<String>   { hashed: true,  profile: [subtitle],               read: subtitle::read },
                /// The article's paragraphs in order: no captions, boxes, widgets or links.
                /// The text of `blocks`, one string per paragraph, heading, quote, listing,
                /// list item and table row.
                body:         Vec<String>      { hashed: true,  profile: [body, drop],             read: body::read },
                /// The article's structure: paragraphs, headings, lists, quotes, code,
                /// tables and the places of figures, with their links. How the article is
                /// marked up changes with a site's templates: not part of the content hash
                /// (`body` is).
                blocks:       Vec<Block>       { hashed: false, profile: [],                       read: body::blocks },
                /// The article's own pictures' captions, in page order, each once.
                captions:     Vec<Caption>     { hashed: true,  profile: [captions: CaptionRules], read: captions::read },
                /// The place and the credited outlet, agency or reporter.
                dateline:     Option<Dateline> { hashed: true,  profile: [byline],                 read: dateline::read },
                /// RFC 3339 with offset.
                published_at: Option<String>   { hashed: true,  profile: [published],              read: dates::published },
                /// RFC 3339 with offset.
                modified_at:  Option<String>   { hashed: true,  profile: [modified],               read: dates::modified },
                /// The people credited as authors.
                authors:      Vec<String>      { hashed: true,  profile: [authors],                read: authors::read },
                /// The site's section or category.
                section:      Option<String>   { hashed: true,  profile: [section],                read: section::read },
                /// Topic keywords.
                tags:         Vec<String>      { hashed: true,  profile: [tags],                   read: tags::read },
                /// The lead image, absolute.
                image_url:    Option<String>   { hashed: true,  profile: [image],                  read: image::read },
                /// The entries of the page's related-articles block. What else the site
                /// offers changes by the hour: not part of the content hash.
                related:      Vec<Related>     { hashed: false, profile: [related: RelatedRules],  read: related::read },
            }
            derived {
                /// Words in `body`.
                word_count: usize,
                /// How each field was found.
                extraction: Extraction,
            }
        }
    };
}
pub(crate) use record_fields;

/// Makes the record and its parts from the table of [`record_fields!`].
macro_rules! record_types {
    (
        page { $( $(#[$pm:meta])* $p:ident: $pty:ty, )* }
        article { $( $(#[$am:meta])* $a:ident: $aty:ty { hashed: $hashed:literal, $($_rules:tt)* }, )* }
        derived { $( $(#[$dm:meta])* $d:ident: $dty:ty, )* }
    ) => {
        /// One article, as it goes on the wire.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct Record {
            $( $(#[$pm])* pub $p: $pty, )*
            $( $(#[$am])* pub $a: $aty, )*
            $( $(#[$dm])* pub $d: $dty, )*
        }

        /// What the page and its fetch give a record.
        #[derive(Debug, Clone)]
        pub(crate) struct PageFields {
            $( $(#[$pm])* pub $p: $pty, )*
        }

        /// What the field cascade reads from one article, before it becomes a record.
        #[derive(Debug, Default)]
        pub(crate) struct ArticleFields {
            $( $(#[$am])* pub $a: $aty, )*
        }

        /// The article fields' names, in record order.
        pub const ARTICLE_FIELDS: &[&str] = &[$( stringify!($a) ),*];

        impl Record {
            /// A record from its parts.
            pub(crate) fn new(page: PageFields, article: ArticleFields, $( $d: $dty ),*) -> Self {
                Self {
                    $( $p: page.$p, )*
                    $( $a: article.$a, )*
                    $( $d, )*
                }
            }

            /// Each article field's name, in record order, and whether it has a value.
            pub fn filled(&self) -> [(&'static str, bool); ARTICLE_FIELDS.len()] {
                [$( (stringify!($a), HasValue::has_value(&self.$a)) ),*]
            }
        }

        /// A digest of what an article says (text, dates, people, images), not of how or
        /// when it was fetched nor of its ever-changing related block: two fetches with the
        /// same content hash are the same revision.
        pub fn content_hash(r: &Record) -> String {
            // the hashed fields as one JSON array, as a tuple of them serialises
            let mut content = String::from("[");
            $(
                if $hashed {
                    if content.len() > 1 {
                        content.push(',');
                    }
                    content.push_str(&serde_json::to_string(&r.$a).unwrap_or_default());
                }
            )*
            content.push(']');
            article_id(&content)
        }
    };
}
record_fields!(record_types);

/// Whether a field has a value: a list with an entry, an option that is set.
trait HasValue {
    fn has_value(&self) -> bool;
}

impl<T> HasValue for Option<T> {
    fn has_value(&self) -> bool {
        self.is_some()
    }
}

impl<T> HasValue for Vec<T> {
    fn has_value(&self) -> bool {
        !self.is_empty()
    }
}

/// The article id: lowercase hex SHA-256 of its URL, so the same article always gets the
/// same id.
pub fn article_id(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from_digit(u32::from(b >> 4), 16).expect("nibble"));
        out.push(char::from_digit(u32::from(b & 0xF), 16).expect("nibble"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with every field set, as it goes on the wire.
    const FULL: &str = r#"{"schema":"khabar.article/1","id":"abc","revision":2,"url":"https://x/a","page_url":"https://x/p","source":{"kind":"http","file":null,"fetched_at":"2025-01-02T03:04:05Z","status":200},"site":"x","language":"ar","headline":"H","title":"H | Site","subtitle":"S","body":["P1","P2"],"blocks":[{"kind":"paragraph","text":"P1"},{"kind":"paragraph","text":"P2"}],"captions":[{"text":"C","credit":"K","image_url":"https://x/i.jpg"}],"dateline":{"place":"Cairo","source":"AP","raw":"Cairo (AP)"},"published_at":"2025-01-02T03:04:05+00:00","modified_at":"2025-01-03T03:04:05+00:00","authors":["A","B"],"section":"World","tags":["t1","t2"],"image_url":"https://x/l.jpg","related":[{"url":"https://x/r","title":"R","section":null,"summary":"Sum","dateline":null,"caption":null}],"word_count":2,"extraction":{"profile":"x","sources":{"body":"selector","headline":"meta"},"warnings":["w"],"charset":"utf-8 (default)"}}"#;

    #[test]
    fn fields_go_on_the_wire_in_the_record_order() {
        let r: Record = serde_json::from_str(FULL).unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), FULL);
    }

    /// `content_hash(FULL)` as khabar has always computed it.
    const HASH: &str = "59bc73f089425434997318bd2eff4ea2a3745f340801cc91227f5599e3bc4837";

    #[test]
    fn content_hash_is_stable() {
        // a changed hash would make every stored article a new revision on the next crawl
        let mut r: Record = serde_json::from_str(FULL).unwrap();
        assert_eq!(content_hash(&r), HASH);
        // not of how or when it was fetched, nor of the related block, nor of the page's
        // declared title (a field added later: the hash of stored articles stays)
        r.source.status = Some(304);
        r.related.clear();
        r.title = Some("H, retitled for search | Site".into());
        r.extraction.warnings.clear();
        r.word_count = 7;
        assert_eq!(content_hash(&r), HASH);
        r.tags.pop();
        assert_ne!(content_hash(&r), HASH);
    }

    #[test]
    fn id_is_the_sha256_of_the_url() {
        // known vector: sha256("abc")
        assert_eq!(
            article_id("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
