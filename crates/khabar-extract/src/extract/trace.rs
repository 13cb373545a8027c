//! What the extractor did for each field of a record: the source that gave it and the
//! rule (selector, meta key, JSON-LD property), or what was tried in vain. Feeds
//! `extraction.sources` and `--explain`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::generic::BlockNote;
use crate::record::Record;
use crate::text::clip;

/// How one field was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldNote {
    /// The field's name, as in the record.
    pub field: &'static str,
    /// `selector`, `json-ld`, `meta`, `time`, `link`, `byline`, `first-paragraph`, …
    pub source: &'static str,
    /// The selector, meta key or property that gave the value.
    pub rule: String,
}

/// What the extractor did for one record's fields: what was found and how, and what was
/// tried in vain.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    /// Fields found, with their source and rule, in the order they were read.
    pub(crate) found: Vec<FieldNote>,
    /// Fields left empty, with what was tried.
    pub(crate) missing: Vec<(&'static str, String)>,
    /// How the profile was chosen.
    pub(crate) profile_choice: String,
    /// The generic extractor's chosen body block and its runner-up.
    pub(crate) blocks: Option<(Option<BlockNote>, Option<BlockNote>)>,
}

impl Trace {
    /// Notes a field as found, from `source` by `rule`.
    pub(crate) fn found(
        &mut self,
        field: &'static str,
        source: &'static str,
        rule: impl Into<String>,
    ) {
        self.found.push(FieldNote {
            field,
            source,
            rule: rule.into(),
        });
    }

    /// Notes a field found again, overruling what was noted for it before: the earlier
    /// note's source and rule go into the new rule («… over json-ld datePublished»).
    pub(crate) fn overrule(
        &mut self,
        field: &'static str,
        source: &'static str,
        rule: impl Into<String>,
    ) {
        let mut rule = rule.into();
        if let Some(pos) = self.found.iter().position(|n| n.field == field) {
            let old = self.found.remove(pos);
            rule = format!("{rule}, over {} {}", old.source, old.rule);
        }
        self.found(field, source, rule);
    }

    /// Notes a field as left empty after trying `tried`.
    pub(crate) fn missing(&mut self, field: &'static str, tried: impl Into<String>) {
        self.missing.push((field, tried.into()));
    }

    /// Field → source, as `extraction.sources` carries it.
    pub(crate) fn sources(&self) -> BTreeMap<String, String> {
        self.found
            .iter()
            .map(|n| (n.field.to_string(), n.source.to_string()))
            .collect()
    }

    /// A human-readable account of one record, for `--explain`.
    pub fn render(&self, record: &Record, label: &str) -> String {
        let mut out = String::new();
        let readable = percent_encoding::percent_decode_str(&record.url).decode_utf8_lossy();
        let _ = writeln!(out, "{label}: {readable}");
        let _ = writeln!(out, "  profile          {}", self.profile_choice);
        if let Some(c) = &record.extraction.charset {
            let _ = writeln!(out, "  charset          {c}");
        }
        for n in &self.found {
            let value = preview(record, n.field);
            let _ = writeln!(
                out,
                "  {:<16} {:<16} {:<40} {}",
                n.field, n.source, n.rule, value
            );
        }
        if let Some((chosen, runner_up)) = &self.blocks {
            for (label, block) in [("chosen", chosen), ("runner-up", runner_up)] {
                match block {
                    Some(b) => {
                        let _ = writeln!(
                            out,
                            "  {:<16} {:<16} {} (score {:.1}, {} letters, link density {:.2}, markup: {}){}",
                            "body block",
                            label,
                            b.path,
                            b.score,
                            b.letters,
                            b.link_density,
                            b.hint,
                            if matches!(b.hint, "furniture" | "comments" | "inside furniture") {
                                " — furniture is never the body".to_string()
                            } else {
                                String::new()
                            }
                        );
                        for w in &b.why {
                            let _ = writeln!(out, "  {:<16} {:<16} {w}", "body block", "why");
                        }
                        if label == "chosen" {
                            render_parts(&mut out, &b.parts, record);
                        }
                    }
                    None => {
                        let _ = writeln!(out, "  {:<16} {:<16} none", "body block", label);
                    }
                }
            }
        }
        for (field, tried) in &self.missing {
            let _ = writeln!(out, "  {field:<16} {:<16} tried: {tried}", "(not found)");
        }
        for w in &record.extraction.warnings {
            let _ = writeln!(out, "  warning          {w}");
        }
        out
    }
}

/// Parts of the chosen block listed at most; the rest are counted.
const MAX_PARTS_SHOWN: usize = 60;

/// What cleaning did inside the chosen block: each part dropped or kept against a rule,
/// then what was kept as the article's text, by kind.
fn render_parts(out: &mut String, parts: &[String], record: &Record) {
    for p in parts.iter().take(MAX_PARTS_SHOWN) {
        let _ = writeln!(out, "  {:<16} {p}", "body part");
    }
    if parts.len() > MAX_PARTS_SHOWN {
        let _ = writeln!(
            out,
            "  {:<16} … and {} more parts dropped or kept against a rule",
            "body part",
            parts.len() - MAX_PARTS_SHOWN
        );
    }
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &record.blocks {
        *kinds.entry(b.kind()).or_default() += 1;
    }
    if !kinds.is_empty() {
        let counts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(
            out,
            "  {:<16} kept     the rest, the block's own text: {}",
            "body part",
            counts.join(", ")
        );
    }
}

fn preview(r: &Record, field: &str) -> String {
    let opt = |o: &Option<String>| o.as_deref().map(clip).unwrap_or_default();
    match field {
        "url" => r.url.clone(),
        "language" => opt(&r.language),
        "headline" => opt(&r.headline),
        "title" => opt(&r.title),
        "subtitle" => opt(&r.subtitle),
        "body" => format!("{} paragraphs, {} words", r.body.len(), r.word_count),
        "captions" => format!("{} captions", r.captions.len()),
        "dateline" => r
            .dateline
            .as_ref()
            .map(|d| clip(&d.raw))
            .unwrap_or_default(),
        "published_at" => opt(&r.published_at),
        "modified_at" => opt(&r.modified_at),
        "authors" => r.authors.join(", "),
        "section" => opt(&r.section),
        "tags" => r.tags.join(", "),
        "image_url" => opt(&r.image_url),
        "related" => format!("{} entries", r.related.len()),
        _ => String::new(),
    }
}
