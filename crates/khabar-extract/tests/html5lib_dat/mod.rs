//! Reading html5lib-tests' encoding test files (`tests/data/html5lib-encoding/*.dat`):
//! `#data`, the bytes (their last newline is not part of them), `#encoding`, the expected
//! encoding's name. Lines before the first `#data` are the credit header khabar added.

use std::path::PathBuf;

/// One test: where it is, its bytes and the encoding name it expects.
pub struct Case {
    /// `file.dat#N`, N counted from 1.
    pub id: String,
    pub data: Vec<u8>,
    pub expected: String,
}

/// The directory of the test files.
pub fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/html5lib-encoding")
}

/// Every case of one file. Two tests of `tests1.dat` have `#data` and their first line of
/// data on one line (`#data <!-- 4096 characters …`, a slip in the source): the rest of
/// that line is read as their first line of data, as meant.
pub fn read(file: &str) -> Vec<Case> {
    let bytes = std::fs::read(dir().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let mut cases = Vec::new();
    let mut lines = bytes.split(|b| *b == b'\n').peekable();
    // the credit header
    while lines.next_if(|l| !l.starts_with(b"#data")).is_some() {}
    while let Some(head) = lines.next() {
        assert!(head.starts_with(b"#data"), "{file}: expected #data");
        let mut data: Vec<u8> = Vec::new();
        let mut first = true;
        if let Some(rest) = head.strip_prefix(b"#data ") {
            data.extend_from_slice(rest);
            first = false;
        }
        for line in lines.by_ref() {
            if line == b"#encoding" {
                break;
            }
            if !first {
                data.push(b'\n');
            }
            data.extend_from_slice(line);
            first = false;
        }
        let expected = lines
            .next()
            .map(|l| String::from_utf8_lossy(l).trim().to_string())
            .unwrap_or_default();
        // the blank line between tests (and the end of the file)
        while lines.next_if(|l| l.is_empty()).is_some() {}
        cases.push(Case {
            id: format!("{file}#{}", cases.len() + 1),
            data,
            expected,
        });
    }
    cases
}

/// Every case of the three files.
pub fn all() -> Vec<Case> {
    ["tests1.dat", "tests2.dat", "test-yahoo-jp.dat"]
        .iter()
        .flat_map(|f| read(f))
        .collect()
}

/// The cases the HTML Standard's prescan over the first 1,024 bytes does not answer as they
/// expect, and why: they were written for older drafts of the standard, or assume
/// something other than the prescan. Every other case must pass.
pub const NOT_APPLICABLE: &[(&str, &str)] = &[
    // `content="…; charset=…"` counted without `http-equiv="content-type"` on the tag: the
    // standard (and browsers) need that pragma since 2011; these predate it
    ("tests1.dat#12", PRAGMA),
    ("tests1.dat#13", PRAGMA),
    ("tests1.dat#14", PRAGMA),
    ("tests1.dat#15", PRAGMA),
    ("tests1.dat#16", PRAGMA),
    ("tests1.dat#17", PRAGMA),
    ("tests1.dat#18", PRAGMA),
    ("tests1.dat#19", PRAGMA),
    ("tests1.dat#20", PRAGMA),
    ("tests1.dat#21", PRAGMA),
    ("tests1.dat#22", PRAGMA),
    // "1024 characters" and "1025 characters": the whole test is 1,023 and 1,024 bytes, the
    // `<meta>` inside the first 1,024; they expect the older drafts' 512-byte prescan
    ("tests1.dat#46", WINDOW_512),
    ("tests1.dat#47", WINDOW_512),
    // `euc_jp` is Python's codec name, not a label of the Encoding Standard: the prescan is
    // right to pass `charset='euc_jp'` over
    ("tests2.dat#6", NOT_A_LABEL),
    ("tests2.dat#7", NOT_A_LABEL),
    // `charset='utf-8` (a quote never closed): "extracting a character encoding from a meta
    // element" returns nothing for it; an older Gecko read up to the end
    ("tests2.dat#12", UNMATCHED_QUOTE),
];

const PRAGMA: &str = "content= without http-equiv=content-type (predates the pragma rule)";
const WINDOW_512: &str = "assumes a 512-byte prescan (older drafts)";
const NOT_A_LABEL: &str = "expects euc_jp, not an Encoding Standard label";
const UNMATCHED_QUOTE: &str = "the standard returns nothing for an unmatched quote";
