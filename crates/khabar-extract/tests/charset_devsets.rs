//! How the `<meta>` prescan's window changes the charset khabar decides for the pages of
//! the development sets, against the regular expression khabar used before issue 23. Not
//! run by default (it reads the sets from `../shared/bench`, or `KHABAR_BENCH_DIR`):
//!
//! ```text
//! cargo test -p khabar-extract --release --test charset_devsets -- --ignored --nocapture
//! ```
//!
//! It prints, per window, how many pages' decided charset (encoding and how it was chosen)
//! differs from before, and lists those pages with what each decision makes of the bytes.

mod html5lib_dat;

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use khabar_extract::internals::charset::{CharsetSource, decode, detect, late_meta, prescan};

/// The `<meta>` scan before issue 23: a regular expression over the first 4 KiB.
fn regex_prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    static META_CHARSET: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(r#"(?i-u)<meta\s[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)"#)
            .unwrap()
    });
    let head = &bytes[..bytes.len().min(4096)];
    let label = META_CHARSET.captures(head)?.get(1)?.as_bytes();
    let enc = Encoding::for_label(label)?;
    Some(
        if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            UTF_8
        } else if enc == encoding_rs::X_USER_DEFINED {
            WINDOWS_1252
        } else {
            enc
        },
    )
}

/// A `<meta>` scan: the bytes in, the declared encoding out.
type Scan<'a> = &'a dyn Fn(&[u8]) -> Option<&'static Encoding>;

/// `charset::decode`'s decision (no HTTP header) with other `<meta>` scans: `early`'s
/// charset, unless the bytes are not valid in it and are valid UTF-8; else UTF-8 when
/// valid; else `late`'s charset, if any; else detection. Only the decision, not the text.
fn decide(
    bytes: &[u8],
    tld: Option<&[u8]>,
    early: Scan,
    late: Option<Scan>,
) -> (&'static Encoding, CharsetSource) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, CharsetSource::Bom);
    }
    let utf8 = std::str::from_utf8(bytes).is_ok();
    if let Some(enc) = early(bytes) {
        let (_, malformed) = enc.decode_without_bom_handling(bytes);
        if malformed && enc != UTF_8 && utf8 {
            return (UTF_8, CharsetSource::Utf8OverMeta);
        }
        return (enc, CharsetSource::Meta);
    }
    if utf8 {
        return (UTF_8, CharsetSource::Utf8);
    }
    if let Some(enc) = late.and_then(|late| late(bytes)) {
        return (enc, CharsetSource::Meta);
    }
    (detect(bytes, tld), CharsetSource::Detected)
}

struct Page {
    name: String,
    bytes: Vec<u8>,
    tld: Option<Vec<u8>>,
}

fn bench_dir() -> PathBuf {
    std::env::var_os("KHABAR_BENCH_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench"),
        PathBuf::from,
    )
}

fn read_page(path: &Path) -> Vec<u8> {
    if path.extension().is_some_and(|e| e == "gz") {
        let out = std::process::Command::new("gzip")
            .arg("-dc")
            .arg(path)
            .output()
            .expect("gzip");
        assert!(out.status.success(), "{}", path.display());
        out.stdout
    } else {
        std::fs::read(path).unwrap()
    }
}

fn tld_of(url: &str) -> Option<Vec<u8>> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    Some(host.rsplit('.').next()?.as_bytes().to_vec())
}

/// The pages of the three sets, with the top-level domain of their address where known.
fn pages() -> Vec<(String, Vec<Page>)> {
    let base = bench_dir();
    let mut sets = Vec::new();

    let wcxb = base.join("wcxb-dev-articles");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(wcxb.join("ground-truth.json")).unwrap()).unwrap();
    let mut set = Vec::new();
    for (id, v) in truth.as_object().unwrap() {
        set.push(Page {
            name: format!("wcxb/{id}"),
            bytes: read_page(&wcxb.join(format!("html/{id}.html.gz"))),
            tld: v["url"].as_str().and_then(tld_of),
        });
    }
    sets.push(("wcxb".to_string(), set));

    let traf = base.join("trafilatura-eval-dev");
    let eval: serde_json::Value =
        serde_json::from_slice(&std::fs::read(traf.join("evaldata.json")).unwrap()).unwrap();
    let mut set = Vec::new();
    for v in eval.as_object().unwrap().values() {
        let file = v["file"].as_str().unwrap();
        set.push(Page {
            name: format!("traf/{file}"),
            bytes: read_page(&traf.join(format!("html/{file}.gz"))),
            tld: v["url"].as_str().and_then(tld_of),
        });
    }
    sets.push(("traf".to_string(), set));

    let read = base.join("readability-pages");
    let mut dirs: Vec<_> = std::fs::read_dir(&read)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html").is_file())
        .collect();
    dirs.sort();
    let set = dirs
        .iter()
        .map(|d| Page {
            name: format!("read/{}", d.file_name().unwrap().to_string_lossy()),
            bytes: std::fs::read(d.join("source.html")).unwrap(),
            tld: None,
        })
        .collect();
    sets.push(("read".to_string(), set));
    sets
}

/// What a decision makes of the page: how many U+FFFD replace bytes, and whether bytes
/// that are valid UTF-8 (and not ASCII) are read as something else: mojibake.
fn damage(bytes: &[u8], enc: &'static Encoding) -> String {
    let (text, _) = enc.decode_without_bom_handling(bytes);
    let replaced = text.matches('\u{FFFD}').count();
    let utf8_misread = enc != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok();
    format!(
        "U+FFFD {replaced}{}",
        if utf8_misread {
            ", valid UTF-8 misread"
        } else {
            ""
        }
    )
}

#[test]
#[ignore = "reads the development sets; run with --ignored --nocapture"]
fn prescan_window_on_the_development_sets() {
    fn first(w: usize) -> impl Fn(&[u8]) -> Option<&'static Encoding> {
        move |b: &[u8]| prescan(&b[..b.len().min(w)])
    }
    let (w1k, w4k, w16k, w64k, whole) = (
        first(1024),
        first(4096),
        first(16 * 1024),
        first(64 * 1024),
        first(usize::MAX),
    );
    let policies: [(&str, Scan, Option<Scan>); 6] = [
        ("prescan 1 KiB", &w1k, None),
        ("prescan 4 KiB", &w4k, None),
        ("prescan 16 KiB", &w16k, None),
        ("prescan 64 KiB", &w64k, None),
        ("prescan whole page", &whole, None),
        (
            "1 KiB + <head> up to 64 KiB if not UTF-8",
            &w1k,
            Some(&late_meta),
        ),
    ];
    for (set, pages) in pages() {
        let mut changed = vec![(0usize, 0usize); policies.len()];
        for p in &pages {
            let tld = p.tld.as_deref();
            let before = decide(&p.bytes, tld, &regex_prescan, None);
            let mut line = Vec::new();
            for (i, (label, early, late)) in policies.iter().enumerate() {
                let after = decide(&p.bytes, tld, *early, *late);
                if i == policies.len() - 1 {
                    // the last is what `decode` does
                    let d = decode(&p.bytes, None, tld);
                    assert_eq!(after, (d.encoding, d.source), "{}", p.name);
                }
                if after != before {
                    changed[i].0 += 1;
                    changed[i].1 += usize::from(after.0 != before.0);
                    line.push(format!(
                        "{label}: {} ({}) [{}]",
                        after.0.name(),
                        after.1.as_str(),
                        damage(&p.bytes, after.0)
                    ));
                }
            }
            if !line.is_empty() {
                println!(
                    "{}: before {} ({}) [{}]; {}",
                    p.name,
                    before.0.name(),
                    before.1.as_str(),
                    damage(&p.bytes, before.0),
                    line.join("; ")
                );
            }
        }
        println!(
            "{set}: {} pages; decided charset differs from before (encoding, or only how it was chosen):",
            pages.len()
        );
        for ((label, _, _), (any, enc)) in policies.iter().zip(&changed) {
            println!("  {label}: {any} pages, of which the encoding: {enc}");
        }
    }
}

/// The html5lib cases through the regular expression of before (the BOM first, windows-1252
/// when nothing is found, as the tests assume): the "before" count, of all the cases and of
/// those the standard's prescan answers (`html5lib_dat::NOT_APPLICABLE` left out).
#[test]
#[ignore = "a count for the notes; run with --ignored --nocapture"]
fn html5lib_cases_through_the_old_regex() {
    let cases = html5lib_dat::all();
    let passes = |c: &html5lib_dat::Case| {
        let got = Encoding::for_bom(&c.data)
            .map(|(e, _)| e)
            .or_else(|| regex_prescan(&c.data))
            .unwrap_or(WINDOWS_1252);
        Encoding::for_label(c.expected.as_bytes()) == Some(got)
    };
    let applicable: Vec<_> = cases
        .iter()
        .filter(|c| {
            !html5lib_dat::NOT_APPLICABLE
                .iter()
                .any(|(id, _)| *id == c.id)
        })
        .collect();
    println!(
        "html5lib encoding cases, regex of before: {} of {}; of the {} applicable: {}",
        cases.iter().filter(|c| passes(c)).count(),
        cases.len(),
        applicable.len(),
        applicable.iter().filter(|c| passes(c)).count()
    );
    for c in applicable.iter().filter(|c| !passes(c)) {
        println!("  failed before: {}", c.id);
    }
}
