//! Every encoding test of html5lib-tests (`encoding/tests1.dat`, `tests2.dat`,
//! `test-yahoo-jp.dat`; MIT, see `tests/data/html5lib-encoding/LICENSE`) through khabar's
//! `<meta>` prescan: the byte-order mark first, then `prescan_meta` (the HTML Standard's
//! prescan of the first 1,024 bytes), windows-1252 when nothing is found (the tests'
//! default). The cases in `html5lib_dat::NOT_APPLICABLE` are listed with the reason they
//! cannot pass; all the others must.

mod html5lib_dat;

use encoding_rs::{Encoding, WINDOWS_1252};
use khabar_extract::internals::charset::{PRESCAN_BYTES, prescan, prescan_meta};

fn sniff(data: &[u8], scan: impl Fn(&[u8]) -> Option<&'static Encoding>) -> &'static Encoding {
    Encoding::for_bom(data)
        .map(|(enc, _)| enc)
        .or_else(|| scan(data))
        .unwrap_or(WINDOWS_1252)
}

fn expected(case: &html5lib_dat::Case) -> Option<&'static Encoding> {
    Encoding::for_label(case.expected.as_bytes())
}

#[test]
fn html5lib_encoding_cases() {
    assert_eq!(
        PRESCAN_BYTES, 1024,
        "the cases below are sorted for a 1,024-byte prescan"
    );
    let cases = html5lib_dat::all();
    assert_eq!(cases.len(), 83);
    let mut failed = Vec::new();
    let mut not_applicable_passing = Vec::new();
    let mut pass = 0;
    for case in &cases {
        let got = sniff(&case.data, prescan_meta);
        let ok = Some(got) == expected(case);
        pass += usize::from(ok);
        match html5lib_dat::NOT_APPLICABLE
            .iter()
            .find(|(id, _)| *id == case.id)
        {
            Some(_) if ok => not_applicable_passing.push(case.id.clone()),
            Some(_) => {}
            None if !ok => failed.push(format!(
                "{}: expected {}, got {}",
                case.id,
                case.expected,
                got.name()
            )),
            None => {}
        }
    }
    println!(
        "html5lib encoding cases: {pass} of {} pass ({} not applicable)",
        cases.len(),
        html5lib_dat::NOT_APPLICABLE.len()
    );
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(
        not_applicable_passing.is_empty(),
        "listed as not applicable, but pass: {not_applicable_passing:?}"
    );
    assert_eq!(pass, cases.len() - html5lib_dat::NOT_APPLICABLE.len());
}

/// The window cases of `tests1.dat` ("511 characters" … "8193 characters" of comment, then
/// a `<meta>`) were written for a 512-byte prescan: with one, they pass too.
#[test]
fn html5lib_window_cases_with_a_512_byte_prescan() {
    let cases = html5lib_dat::read("tests1.dat");
    let window: Vec<_> = cases
        .iter()
        .filter(|c| c.data.starts_with(b"<!-- ") && c.data.len() > 500)
        .collect();
    assert_eq!(
        window.len(),
        11,
        "511 … 8193 characters, and the multi-script test"
    );
    for case in window {
        let got = sniff(&case.data, |b| prescan(&b[..b.len().min(512)]));
        assert_eq!(Some(got), expected(case), "{}", case.id);
    }
}
