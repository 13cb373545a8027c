//! The NDJSON record: one article, as `../shared/record.md` defines it. Field order here
//! is the order on the wire.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::caption::Caption;
pub use crate::dateline::Dateline;

/// The record format's version: bumped only when a field is renamed or changes type.
pub const SCHEMA: &str = "khabar.article/1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Http,
    File,
    Stdin,
    Warc,
}

/// Where the bytes came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceInfo {
    pub kind: SourceKind,
    pub file: Option<String>,
    pub fetched_at: Option<String>,
    pub status: Option<u16>,
}

/// One entry of the page's related-articles block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub url: String,
    pub title: String,
    pub section: Option<String>,
    pub summary: Option<String>,
    pub dateline: Option<Dateline>,
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
    pub warnings: Vec<String>,
    /// The page's encoding and how it was decided, e.g. `windows-1256 (<meta> tag)`.
    pub charset: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub schema: String,
    pub id: String,
    /// 1 when the article is first written; one more each time a later crawl finds its
    /// content changed.
    pub revision: u32,
    pub url: String,
    pub page_url: Option<String>,
    pub source: SourceInfo,
    pub site: String,
    pub language: Option<String>,
    pub headline: Option<String>,
    pub subtitle: Option<String>,
    pub body: Vec<String>,
    pub captions: Vec<Caption>,
    pub dateline: Option<Dateline>,
    pub published_at: Option<String>,
    pub modified_at: Option<String>,
    pub authors: Vec<String>,
    pub section: Option<String>,
    pub tags: Vec<String>,
    pub image_url: Option<String>,
    pub related: Vec<Related>,
    pub word_count: usize,
    pub extraction: Extraction,
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

/// A digest of what an article says (text, dates, people, images), not of how or when it
/// was fetched nor of its ever-changing related block: two fetches with the same content
/// hash are the same revision.
pub fn content_hash(r: &Record) -> String {
    let content = (
        &r.headline,
        &r.subtitle,
        &r.body,
        &r.captions,
        &r.dateline,
        &r.published_at,
        &r.modified_at,
        &r.authors,
        &r.section,
        &r.tags,
        &r.image_url,
    );
    article_id(&serde_json::to_string(&content).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with every field set, as it goes on the wire.
    const FULL: &str = r#"{"schema":"khabar.article/1","id":"abc","revision":2,"url":"https://x/a","page_url":"https://x/p","source":{"kind":"http","file":null,"fetched_at":"2025-01-02T03:04:05Z","status":200},"site":"x","language":"ar","headline":"H","subtitle":"S","body":["P1","P2"],"captions":[{"text":"C","credit":"K","image_url":"https://x/i.jpg"}],"dateline":{"place":"Cairo","source":"AP","raw":"Cairo (AP)"},"published_at":"2025-01-02T03:04:05+00:00","modified_at":"2025-01-03T03:04:05+00:00","authors":["A","B"],"section":"World","tags":["t1","t2"],"image_url":"https://x/l.jpg","related":[{"url":"https://x/r","title":"R","section":null,"summary":"Sum","dateline":null,"caption":null}],"word_count":2,"extraction":{"profile":"x","sources":{"body":"selector","headline":"meta"},"warnings":["w"],"charset":"utf-8 (default)"}}"#;

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
        // not of how or when it was fetched, nor of the related block
        r.source.status = Some(304);
        r.related.clear();
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
