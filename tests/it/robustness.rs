//! No input makes the extractor panic: random bytes, and real pages with random damage.

use khabar::config::Config;
use khabar_extract::{Extractor, PageInput};
use proptest::prelude::*;
use std::sync::LazyLock;

static EXTRACTOR: LazyLock<Extractor> =
    LazyLock::new(|| Extractor::new(Config::builtin().profiles, Some("aawsat")).unwrap());
static SEED: LazyLock<Vec<u8>> = LazyLock::new(|| {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/aawsat/seed.html"
    ))
    .unwrap()
});

fn extract(bytes: &[u8], url: Option<&str>) -> usize {
    let input = PageInput {
        page_url: url.and_then(|u| url::Url::parse(u).ok()),
        ..PageInput::new(bytes)
    };
    let out = EXTRACTOR.extract(&input);
    for (record, _) in &out.articles {
        let line = serde_json::to_string(record).unwrap();
        assert!(!line.contains('\n'));
    }
    out.articles.len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        extract(&bytes, None);
    }

    #[test]
    fn random_markup_never_panics(s in "(<[a-z/!]{0,4}[ a-z=\"'@:#.-]{0,12}>|[^<]{0,10}|&[a-z#0-9]{0,6};?){0,200}") {
        extract(s.as_bytes(), Some("https://aawsat.com/a"));
    }

    #[test]
    fn damaged_real_pages_never_panic(cuts in proptest::collection::vec((0usize..30_000, 0usize..200, any::<u8>()), 1..8)) {
        let mut page = SEED.clone();
        for (at, len, byte) in cuts {
            let at = at.min(page.len());
            let end = (at + len).min(page.len());
            page.splice(at..end, std::iter::repeat_n(byte, len % 7));
        }
        extract(&page, Some("https://aawsat.com/x"));
    }
}

#[test]
fn an_untouched_seed_page_gives_two_articles() {
    assert_eq!(extract(&SEED, None), 2);
}
