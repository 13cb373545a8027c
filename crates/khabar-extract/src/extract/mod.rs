//! The extractor: one page's bytes in, one record per article out. Decodes, parses once,
//! reads page metadata, picks the site profile, finds the article containers and reads
//! each one's fields.

mod article;
mod dates;
mod fields;
mod related;
mod trace;

pub use trace::Trace;

use std::collections::HashSet;

use crate::zone::Zone;
use ego_tree::NodeId;
use scraper::{ElementRef, Html};
use url::Url;

use crate::address::{resolve, same_article_key};
use crate::charset::decode;
use crate::config::{Profile, Profiles};
use crate::metadata::PageMeta;
use crate::record::{Extraction, PageFields, Record, SCHEMA, SourceInfo, article_id};
use crate::text::word_count;
use article::ArticleScope;
use fields::read_fields;

/// One page to extract.
#[derive(Debug, Clone)]
pub struct PageInput<'a> {
    /// The page's bytes, as fetched or read, in whatever encoding it has.
    pub bytes: &'a [u8],
    /// The address the page was fetched from or given as.
    pub page_url: Option<Url>,
    /// The `charset` of an HTTP Content-Type header.
    pub http_charset: Option<&'a str>,
    /// Where the bytes came from, for the record's `source`.
    pub source: SourceInfo,
    /// The address to use when the page names none (a saved file's `file://` URL).
    pub fallback_url: Option<Url>,
}

impl<'a> PageInput<'a> {
    /// A page of `bytes` with nothing else known: no address, no HTTP charset, a file of
    /// no name.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            page_url: None,
            http_charset: None,
            source: SourceInfo::of_kind(crate::record::SourceKind::File),
            fallback_url: None,
        }
    }
}

/// What extraction gave for one page.
#[derive(Debug, Default)]
pub struct PageOutput {
    /// One record per article, in page order, with how each field was found.
    pub articles: Vec<(Record, Trace)>,
    /// Problems with the input itself that the user should hear of (for instance bytes
    /// not valid in the page's declared encoding). The records are still written.
    pub problems: Vec<String>,
}

/// What the fields of one article are read against.
pub(crate) struct Page<'a> {
    /// The page's metadata.
    pub meta: &'a PageMeta,
    /// What relative links resolve against.
    pub base: Option<&'a Url>,
    /// The site profile in use, if any.
    pub profile: Option<&'a Profile>,
    /// The zone of dates printed without an offset.
    pub offset: Zone,
}

/// A page decoded and parsed once, with its metadata read and its site profile chosen:
/// what [`Extractor::records`] turns into records, and what a crawler reads the page's
/// links from ([`links`](Self::links)) without parsing it again. The parsed document
/// itself stays inside.
pub struct ParsedPage<'c> {
    doc: Html,
    meta: PageMeta,
    base: Option<Url>,
    profile: Option<&'c Profile>,
    profile_choice: String,
    charset: String,
    warnings: Vec<String>,
    problems: Vec<String>,
}

impl std::fmt::Debug for ParsedPage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedPage")
            .field("base", &self.base.as_ref().map(Url::as_str))
            .field("profile", &self.profile.map(|p| p.name.as_str()))
            .field("charset", &self.charset)
            .finish_non_exhaustive()
    }
}

/// The links a crawler follows: `<a href>` and `<area href>`.
static LINKS: std::sync::LazyLock<scraper::Selector> = std::sync::LazyLock::new(|| {
    scraper::Selector::parse("a[href], area[href]").expect("link selector")
});

impl<'c> ParsedPage<'c> {
    /// What relative links on the page resolve against: `<base href>`, the page's own
    /// address, its canonical link, og:url, then the fallback address; `None` when the
    /// page has no address at all.
    pub fn base(&self) -> Option<&Url> {
        self.base.as_ref()
    }

    /// The site profile in use: the one covering the page's host (or its canonical
    /// link's), else the fallback profile.
    pub fn profile(&self) -> Option<&'c Profile> {
        self.profile
    }

    /// The page's `<link rel=canonical>`, resolved against [`base`](Self::base) (http and
    /// https only).
    pub fn canonical_url(&self) -> Option<Url> {
        self.meta
            .canonical
            .as_deref()
            .and_then(|c| resolve(self.base.as_ref(), c))
    }

    /// Every link on the page (`<a href>`, `<area href>`) but those marked
    /// `rel="nofollow"`, in page order, resolved against [`base`](Self::base); http and
    /// https only. Empty when the page has no base address.
    ///
    /// ```
    /// use khabar_extract::{Extractor, PageInput, Profiles};
    /// let extractor = Extractor::new(Profiles::parse("", "<none>".as_ref())?, None)?;
    /// let mut page = PageInput::new(
    ///     br#"<a href="/a">a</a><a rel="nofollow" href="/b">b</a><a href="mailto:x">m</a>
    ///         <map><area href="c/d" alt="d"></map>"#,
    /// );
    /// page.page_url = Some("https://news.example.com/s/".parse()?);
    /// let links: Vec<String> = extractor.parse(&page).links().into_iter().map(String::from).collect();
    /// assert_eq!(links, ["https://news.example.com/a", "https://news.example.com/s/c/d"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn links(&self) -> Vec<Url> {
        let Some(base) = self.base.as_ref() else {
            return Vec::new();
        };
        self.doc
            .select(&LINKS)
            .filter(|a| {
                a.value().attr("rel").is_none_or(|r| {
                    !r.split_ascii_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("nofollow"))
                })
            })
            .filter_map(|a| a.value().attr("href"))
            .filter_map(|href| resolve(Some(base), href))
            .collect()
    }

    /// Whether the page's metadata says it is an article: og:type `article`, or a JSON-LD
    /// article object.
    pub fn metadata_says_article(&self) -> bool {
        self.meta.json_ld.is_some()
            || self
                .meta
                .og_type
                .as_deref()
                .is_some_and(|t| t.eq_ignore_ascii_case("article"))
    }
}

/// Turns pages into records using a configuration's site profiles.
#[derive(Debug, Clone)]
pub struct Extractor {
    profiles: Profiles,
    fallback_profile: Option<String>,
}

/// `--profile` named a profile the configuration does not have.
#[derive(Debug, thiserror::Error)]
#[error("no profile named `{name}` in {origin}; it has: {available}")]
pub struct UnknownProfile {
    /// The name asked for.
    pub name: String,
    /// What the profiles were read from (the configuration file's path).
    pub origin: String,
    /// The profiles it has, comma-separated.
    pub available: String,
}

impl Extractor {
    /// `fallback_profile` is used for pages whose host no profile covers.
    pub fn new(profiles: Profiles, fallback_profile: Option<&str>) -> Result<Self, UnknownProfile> {
        if let Some(name) = fallback_profile
            && profiles.profile(name).is_none()
        {
            return Err(UnknownProfile {
                name: name.to_string(),
                origin: profiles.origin.display().to_string(),
                available: profiles.names().join(", "),
            });
        }
        Ok(Self {
            profiles,
            fallback_profile: fallback_profile.map(str::to_string),
        })
    }

    /// The site profiles this extractor reads pages with.
    pub fn profiles(&self) -> &Profiles {
        &self.profiles
    }

    /// The profile for a page, and a sentence saying why.
    fn choose_profile(
        &self,
        page_url: Option<&Url>,
        meta: &PageMeta,
    ) -> (Option<&Profile>, String) {
        let declared = meta
            .canonical
            .as_deref()
            .or(meta.og_url.as_deref())
            .and_then(|u| Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_string));
        let page_host = page_url.and_then(|u| u.host_str().map(str::to_string));
        for (host, what) in [
            (page_host.as_deref(), "the page's address"),
            (declared.as_deref(), "the canonical link"),
        ] {
            if let Some(h) = host
                && let Some(p) = self.profiles.profile_for_host(h)
            {
                return (Some(p), format!("{} (host {h} of {what})", p.name));
            }
        }
        let host = page_host.or(declared).unwrap_or_else(|| "unknown".into());
        if let Some(p) = self
            .fallback_profile
            .as_deref()
            .and_then(|n| self.profiles.profile(n))
        {
            return (
                Some(p),
                format!("{} (--profile; no profile covers host {host})", p.name),
            );
        }
        (None, format!("none: no profile covers host {host}"))
    }

    /// Extracts every article on one page.
    pub fn extract(&self, input: &PageInput<'_>) -> PageOutput {
        let parsed = self.parse(input);
        self.records(&parsed, input)
    }

    /// Decodes and parses a page once, reads its metadata and picks its profile: what
    /// both record building and link discovery (when crawling) work from.
    pub fn parse(&self, input: &PageInput<'_>) -> ParsedPage<'_> {
        let tld = input.page_url.as_ref().and_then(|u| {
            u.host_str()
                .map(|h| h.rsplit('.').next().unwrap_or("").to_string())
        });
        let decoded = decode(
            input.bytes,
            input.http_charset,
            tld.as_deref().map(str::as_bytes),
        );
        let charset = format!("{} ({})", decoded.encoding.name(), decoded.source.as_str());
        let mut warnings = Vec::new();
        let mut problems = Vec::new();
        if let Some(at) = decoded.first_malformed {
            let msg = format!(
                "bytes not valid in {} from byte {at} on; replaced with U+FFFD (check the page's declared charset)",
                decoded.encoding.name()
            );
            problems.push(msg.clone());
            warnings.push(msg);
        }
        let bounded = crate::limits::bound_markup(&decoded.text);
        if let Some(msg) = bounded.message() {
            // the text is all there: a warning, not a problem with the input
            tracing::warn!("{}: {msg}", input.source.file.as_deref().unwrap_or("page"));
            warnings.push(msg);
        }
        let doc = Html::parse_document(&bounded.text);
        let meta = PageMeta::read(&doc);
        let base = page_base(input, &meta);
        let (profile, profile_choice) = self.choose_profile(input.page_url.as_ref(), &meta);
        if profile.is_none() {
            warnings.push(format!(
                "no site profile covers this page ({profile_choice}); fields come from its metadata and the generic extractor"
            ));
        }
        ParsedPage {
            doc,
            meta,
            base,
            profile,
            profile_choice,
            charset,
            warnings,
            problems,
        }
    }

    /// One record per article of a parsed page.
    pub fn records(&self, parsed: &ParsedPage<'_>, input: &PageInput<'_>) -> PageOutput {
        let mut out = PageOutput {
            problems: parsed.problems.clone(),
            ..PageOutput::default()
        };
        let mut page_warnings = parsed.warnings.clone();
        let (doc, meta, base, profile) = (&parsed.doc, &parsed.meta, &parsed.base, parsed.profile);
        let profile_choice = &parsed.profile_choice;
        let charset = &parsed.charset;
        let offset = profile.map_or(Zone::utc(), |p| p.timezone);
        let page = Page {
            meta,
            base: base.as_ref(),
            profile,
            offset,
        };
        let root = doc.root_element();
        let containers: Vec<ElementRef<'_>> = match profile {
            Some(p) => match p.article.elements(root) {
                Some((els, _)) => els,
                None => {
                    if !p.article.is_empty() {
                        page_warnings.push("no element matched the profile's `article` selectors; read the whole page as one article".into());
                    }
                    vec![root]
                }
            },
            None => vec![root],
        };

        let canonical = meta
            .canonical
            .as_deref()
            .and_then(|h| resolve(base.as_ref(), h));
        let og_url = meta
            .og_url
            .as_deref()
            .and_then(|h| resolve(base.as_ref(), h));
        let ld_url = meta
            .json_ld
            .as_ref()
            .and_then(|l| l.url.as_deref())
            .and_then(|h| resolve(base.as_ref(), h));
        let own_urls: Vec<Option<Url>> = containers
            .iter()
            .map(|c| {
                profile
                    .and_then(|p| p.url.first_value(*c))
                    .and_then(|(href, _)| resolve(base.as_ref(), &href))
            })
            .collect();
        let declared_key = canonical.as_ref().or(og_url.as_ref()).map(same_article_key);
        let primary = declared_key
            .and_then(|k| {
                own_urls
                    .iter()
                    .position(|u| u.as_ref().is_some_and(|u| same_article_key(u) == k))
            })
            .unwrap_or(0);

        let mut seen_urls: HashSet<String> = HashSet::new();
        for (i, container) in containers.iter().enumerate() {
            let mut trace = Trace {
                profile_choice: profile_choice.clone(),
                ..Trace::default()
            };
            let mut warnings = page_warnings.clone();
            let is_primary = i == primary;
            let url = if is_primary {
                [
                    (canonical.clone(), "link", "canonical"),
                    (og_url.clone(), "meta", "og:url"),
                    (ld_url.clone(), "json-ld", "url"),
                    (own_urls[i].clone(), "selector", "url"),
                    (input.page_url.clone(), "page", "--url or fetched address"),
                    (input.fallback_url.clone(), "page", "the file's path"),
                ]
                .into_iter()
                .find_map(|(u, s, r)| u.map(|u| (u, s, r)))
            } else {
                own_urls[i].clone().map(|u| (u, "selector", "url"))
            };
            let url = match url {
                Some((u, source, rule)) => {
                    let rule = if source == "selector" {
                        profile.map_or("url".to_string(), |p| selector_text(&p.url))
                    } else {
                        rule.to_string()
                    };
                    trace.found("url", source, rule);
                    u
                }
                None => {
                    warnings.push(format!(
                        "article {} on the page has no address of its own",
                        i + 1
                    ));
                    synthetic_url(base.as_ref(), input.bytes, i)
                }
            };
            let dedupe_key = format!(
                "{}#{}",
                same_article_key(&url),
                url.fragment().unwrap_or("")
            );
            if !seen_urls.insert(dedupe_key) {
                continue;
            }
            let excluded: HashSet<NodeId> = containers
                .iter()
                .filter(|o| {
                    o.id() != container.id() && o.ancestors().any(|a| a.id() == container.id())
                })
                .map(|o| o.id())
                .collect();
            let scope = ArticleScope {
                container: *container,
                primary: is_primary,
                excluded,
                url,
            };
            let fields = read_fields(&page, &scope, &mut trace);
            // a page that declares no language: detected from the article's text
            let language = meta.language().or_else(|| {
                crate::generic::language::detect(fields.headline.as_deref(), &fields.body)
                    .map(|l| (l, "detected"))
            });
            if let Some((_, source)) = &language {
                trace.found(
                    "language",
                    match *source {
                        "html-lang" => "meta",
                        "detected" => "heuristic",
                        s => s,
                    },
                    if *source == "detected" {
                        "whatlang on the headline and body"
                    } else {
                        source
                    },
                );
            }
            if fields.headline.is_none() {
                warnings.push("no headline found".into());
            }
            if fields.body.is_empty() {
                warnings.push("no body text found".into());
            }
            let url = scope.url.to_string();
            let page_fields = PageFields {
                schema: SCHEMA.to_string(),
                id: article_id(&url),
                revision: 1,
                url,
                page_url: input.page_url.as_ref().map(Url::to_string),
                source: input.source.clone(),
                site: profile.map_or_else(|| "generic".to_string(), |p| p.name.clone()),
                language: language.map(|(l, _)| l),
            };
            let word_count = word_count(&fields.body);
            let extraction = Extraction {
                profile: profile.map(|p| p.name.clone()),
                sources: trace.sources(),
                warnings,
                charset: Some(charset.clone()),
            };
            let record = Record::new(page_fields, fields, word_count, extraction);
            out.articles.push((record, trace));
        }
        out
    }
}

fn selector_text(list: &crate::selector::SelectorList) -> String {
    list.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The address relative links on the page resolve against: `<base href>`, the page's own
/// address, its canonical link, og:url, then the file's.
fn page_base(input: &PageInput<'_>, meta: &PageMeta) -> Option<Url> {
    let declared = |h: Option<&str>| h.and_then(|h| resolve(input.page_url.as_ref(), h));
    let own = input
        .page_url
        .clone()
        .or_else(|| declared(meta.canonical.as_deref()))
        .or_else(|| declared(meta.og_url.as_deref()));
    meta.base_href
        .as_deref()
        .and_then(|h| resolve(own.as_ref(), h))
        .or(own)
        .or_else(|| input.fallback_url.clone())
}

/// An address for an article that has none: the page's with a fragment naming the
/// article, or a content-derived URN when the page has no address either.
fn synthetic_url(base: Option<&Url>, bytes: &[u8], index: usize) -> Url {
    if let Some(b) = base {
        let mut u = b.clone();
        u.set_fragment(Some(&format!("article-{}", index + 1)));
        return u;
    }
    let hash = article_id(&String::from_utf8_lossy(bytes));
    Url::parse(&format!("urn:sha256:{hash}:{}", index + 1)).expect("urn is a valid URL")
}
