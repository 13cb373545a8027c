//! Pages for the benchmarks: the page type both benches time, and ~150 KB aawsat pages
//! generated deterministically from `fixtures/aawsat/seed.html` (a mega-menu of hundreds
//! of section links, long bodies, many related cards, inline CSS/JS/JSON as real pages
//! carry). Included by `benches/extract.rs` and `benches/generic.rs` with `#[path]`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use khabar_extract::{PageInput, SourceInfo, SourceKind};

pub struct Page {
    pub name: String,
    pub bytes: Vec<u8>,
    /// Articles the page must give.
    pub articles: usize,
    /// Body paragraphs of each article, when the generator knows them.
    pub paragraphs_per_article: Option<Vec<usize>>,
    /// Related entries of the first article, when known.
    pub related: Option<usize>,
    /// Total body paragraphs, filled in by the check.
    pub paragraphs: usize,
}

impl Page {
    pub fn input(&self) -> PageInput<'_> {
        PageInput {
            bytes: &self.bytes,
            page_url: None,
            http_charset: None,
            source: SourceInfo {
                kind: SourceKind::File,
                file: Some(self.name.clone()),
                fetched_at: None,
                status: None,
                record_id: None,
                offset: None,
            },
            fallback_url: None,
        }
    }
}

/// The `.html` files of a folder, in name order.
pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .html files in {}", dir.display());
    paths
}

/// The median of some timings.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

// ---------------------------------------------------------------------------------------
// generated pages

/// A fixed-seed linear congruential generator: the same pages on every run and machine.
struct Lcg(u64);

impl Lcg {
    fn new(seed: u64) -> Self {
        let mut r = Self(seed ^ 0x9E37_79B9_7F4A_7C15);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// UTF-8 percent-encoding of everything but ASCII letters, digits and `-`, the way the
/// site writes its paths.
fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` from `from` (inclusive) to `to` (exclusive), as a byte range of `s`, searching
/// `to` after `from`.
fn span(s: &str, from: &str, to: &str, start_at: usize) -> (usize, usize) {
    let a = start_at
        + s[start_at..]
            .find(from)
            .unwrap_or_else(|| panic!("seed.html has no {from:?}"));
    let b = a + s[a..]
        .find(to)
        .unwrap_or_else(|| panic!("seed.html has no {to:?} after {from:?}"));
    (a, b)
}

/// The texts between each `open` and the next `close` inside `s`.
fn all_between(s: &str, open: &str, close: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(a) = rest.find(open) {
        rest = &rest[a + open.len()..];
        let Some(b) = rest.find(close) else { break };
        out.push(rest[..b].to_string());
        rest = &rest[b + close.len()..];
    }
    out
}

/// Builds large pages on the seed page's template.
pub struct Generator {
    seed: String,
    /// Body paragraphs of both seed articles.
    paragraphs: Vec<String>,
    /// Words of the seed's texts, without markup-significant characters.
    words: Vec<String>,
    /// Section links of the seed's menu: (href, label).
    sections: Vec<(String, String)>,
    summaries: Vec<String>,
    captions: Vec<String>,
}

/// Where the seed's second (infinite-scroll) article starts.
const SECOND_ARTICLE: &str = "    <div class=\"node node--type-article\" data-nid=\"5085310\"";
const FIRST_NID: &str = "4926491";
const SECOND_NID: &str = "5085310";

impl Generator {
    pub fn new(seed: &str) -> Self {
        let paragraphs: Vec<String> = all_between(seed, "<div class=\"entry-content\">", "</div>")
            .iter()
            .flat_map(|block| all_between(block, "<p>", "</p>"))
            .collect();
        assert!(paragraphs.len() >= 10, "seed.html: too few body paragraphs");
        let summaries = all_between(seed, "<div class=\"article-item-summary\">", "</div>");
        let captions = all_between(seed, "<div class=\"img-caption\">", "</div>");
        let words: Vec<String> = paragraphs
            .iter()
            .chain(&summaries)
            .flat_map(|p| p.split_whitespace())
            .filter(|w| !w.contains(['<', '>', '&', '"', '\'']))
            .map(str::to_string)
            .collect();
        let (nav_a, nav_b) = span(seed, "<nav class=\"main-menu\">", "</nav>", 0);
        let sections: Vec<(String, String)> =
            all_between(&seed[nav_a..nav_b], "<a href=\"", "</a>")
                .iter()
                .filter_map(|a| a.split_once("\">"))
                .map(|(h, l)| (h.to_string(), l.to_string()))
                .collect();
        assert!(sections.len() >= 10, "seed.html: too few menu links");
        Self {
            seed: seed.to_string(),
            paragraphs,
            words,
            sections,
            summaries,
            captions,
        }
    }

    fn phrase(&self, rng: &mut Lcg, lo: usize, hi: usize) -> String {
        let n = rng.range(lo, hi);
        (0..n)
            .map(|_| rng.pick(&self.words).as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A seed paragraph with some of its words swapped, sometimes run on with another's.
    fn paragraph(&self, rng: &mut Lcg) -> String {
        let mut words: Vec<&str> = rng.pick(&self.paragraphs).split_whitespace().collect();
        if rng.chance(30) {
            let more = rng.pick(&self.paragraphs);
            words.extend(more.split_whitespace().take(rng.range(5, 25)));
        }
        for _ in 0..words.len() / 4 {
            let (i, j) = (rng.below(words.len()), rng.below(words.len()));
            words.swap(i, j);
        }
        words.join(" ")
    }

    /// An article address in a random section, its id `base` plus up to `spread`.
    fn article_href(&self, rng: &mut Lcg, base: u64, spread: usize, title: &str) -> String {
        let nid = base + rng.below(spread.max(1)) as u64;
        let (section, _) = rng.pick(&self.sections);
        let section = if section == "/" {
            "/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"
        } else {
            section
        };
        format!("{section}/{nid}-{}", pct(&title.replace(' ', "-")))
    }

    fn image(&self, rng: &mut Lcg, style: &str) -> String {
        format!(
            "https://aawsat.com/sites/default/files/styles/{style}/public/2024/{:02}/{:02}/img_{:06}.jpg",
            rng.range(1, 12),
            rng.range(1, 28),
            rng.below(1_000_000)
        )
    }

    /// Page `index`, about `target` bytes.
    pub fn page(&self, index: usize, target: usize) -> Page {
        let mut rng = Lcg::new(index as u64 + 1);
        let first_nid = (4_926_491 + index * 7_919).to_string();
        let seed = self.seed.replace(FIRST_NID, &first_nid);
        let s = seed.as_str();

        let head_end = s.find("</head>").expect("</head>");
        let (nav_a, nav_b) = span(s, "<nav class=\"main-menu\">", "</nav>", 0);
        let nav_a = nav_a + "<nav class=\"main-menu\">".len();
        let (body_a, body_b) = span(s, "<div class=\"entry-content\">", "</div>", nav_b);
        let body_a = body_a + "<div class=\"entry-content\">".len();
        let (rel_a, rel_b) = span(s, "<h2 class=\"block-title\">", "</section>", body_b);
        let rel_a = rel_a + s[rel_a..].find("</h2>").expect("</h2>") + "</h2>".len();
        let (second_a, second_b) = span(s, SECOND_ARTICLE, "  </main>", rel_b);
        let footer_a = s.find("<footer class=\"site-footer\">").expect("footer")
            + "<footer class=\"site-footer\">".len();
        let body_end = s.rfind("</body>").expect("</body>");

        let mut paragraphs_per_article = Vec::new();
        let head = self.head_extras(&mut rng);
        let menu = self.mega_menu(&mut rng);
        let (body, n) = self.body(&mut rng, (30, 55), true);
        paragraphs_per_article.push(n);
        let n_cards = rng.range(8, 16);
        let cards = self.cards(&mut rng, n_cards);
        let extra_articles = index % 3; // 1, 2 or 3 articles on the page
        let second = self.more_articles(
            &mut rng,
            &s[second_a..second_b],
            index,
            extra_articles,
            &mut paragraphs_per_article,
        );
        let footer = self.footer(&mut rng);
        let scripts = self.footer_scripts(&mut rng, &first_nid);

        let mut out = String::with_capacity(target + 16 * 1024);
        out.push_str(&s[..head_end]);
        out.push_str(&head);
        out.push_str(&s[head_end..nav_a]);
        out.push_str(&menu);
        out.push_str(&s[nav_b..body_a]);
        out.push_str(&body);
        out.push_str(&s[body_b..rel_a]);
        out.push_str(&cards);
        out.push_str(&s[rel_b..second_a]);
        out.push_str(&second);
        out.push_str(&s[second_b..footer_a]);
        out.push_str(&footer);
        out.push_str(&s[footer_a..body_end]);
        out.push_str(&scripts);
        // the client-side state blob that fills the page to its size, as frameworks ship
        let want = target * rng.range(93, 107) / 100;
        let state = self.state_blob(
            &mut rng,
            want.saturating_sub(out.len() + s.len() - body_end),
        );
        out.push_str(&state);
        out.push_str(&s[body_end..]);

        Page {
            name: format!("generated/aawsat-{index:02}.html"),
            bytes: out.into_bytes(),
            articles: 1 + extra_articles,
            paragraphs_per_article: Some(paragraphs_per_article),
            related: Some(n_cards),
            paragraphs: 0,
        }
    }

    fn head_extras(&self, rng: &mut Lcg) -> String {
        let mut h = String::new();
        for (k, v) in [
            ("twitter:card", "summary_large_image"),
            ("twitter:site", "@aawsat_News"),
            ("fb:app_id", "1234567890"),
            ("theme-color", "#00576a"),
            ("robots", "index, follow, max-image-preview:large"),
        ] {
            h.push_str(&format!("  <meta name=\"{k}\" content=\"{v}\">\n"));
        }
        for font in [
            "DroidArabicKufi",
            "DroidArabicNaskh",
            "Cairo-Regular",
            "Cairo-Bold",
        ] {
            h.push_str(&format!(
                "  <link rel=\"preload\" href=\"/themes/custom/aawsat/fonts/{font}.woff2\" as=\"font\" type=\"font/woff2\" crossorigin>\n"
            ));
        }
        h.push_str("  <style>\n");
        for i in 0..rng.range(90, 140) {
            h.push_str(&format!(
                "    .c{i}-{} .w{} > a:hover, .c{i} .item-{}{{margin:0 {}px {}px;padding:{}px {}px;color:#{:06x};font:{}px/1.6 \"Droid Arabic Kufi\",Tahoma,sans-serif}}\n",
                rng.below(50),
                rng.below(30),
                rng.below(99),
                rng.below(24),
                rng.below(24),
                rng.below(16),
                rng.below(16),
                rng.below(0xFF_FFFF),
                rng.range(11, 32)
            ));
        }
        h.push_str("  </style>\n  <script>window.drupalSettings = {\"path\":{\"baseUrl\":\"/\",\"currentLanguage\":\"ar\"},\"ads\":[");
        for i in 0..rng.range(20, 35) {
            if i > 0 {
                h.push(',');
            }
            h.push_str(&format!(
                "{{\"id\":\"div-gpt-ad-{}-{i}\",\"unit\":\"/5910/aawsat/article/slot{i}\",\"sizes\":[[300,250],[728,90],[970,250]],\"targeting\":{{\"section\":\"{}\",\"pos\":\"{i}\"}}}}",
                rng.next(),
                rng.pick(&self.sections).1
            ));
        }
        h.push_str("]};</script>\n");
        h.push_str("  <script async src=\"https://www.googletagmanager.com/gtag/js?id=G-AAWSAT0001\"></script>\n  <script async src=\"https://securepubads.g.doubleclick.net/tag/js/gpt.js\"></script>\n");
        h
    }

    /// The seed's menu grown into a mega-menu: every section with its sub-sections.
    fn mega_menu(&self, rng: &mut Lcg) -> String {
        let mut m = String::from("\n      <ul class=\"menu menu--main\">\n");
        let total = rng.range(220, 320);
        let per = total / self.sections.len();
        for (href, label) in &self.sections {
            m.push_str(&format!(
                "        <li class=\"menu-item menu-item--expanded\"><a href=\"{href}\" class=\"menu-link\">{label}</a>\n          <ul class=\"menu-sub\">\n"
            ));
            for _ in 0..rng.range(per / 2, per * 3 / 2) {
                let sub = self.phrase(rng, 1, 3);
                let base = if href == "/" { "" } else { href.as_str() };
                m.push_str(&format!(
                    "            <li class=\"menu-item\"><a href=\"{base}/{}\" class=\"menu-link\">{sub}</a></li>\n",
                    pct(&sub.replace(' ', "-"))
                ));
            }
            m.push_str("          </ul>\n        </li>\n");
        }
        m.push_str("      </ul>\n      <div class=\"breaking-news\"><span>عاجل</span><ul>\n");
        for _ in 0..rng.range(6, 12) {
            let title = self.phrase(rng, 6, 12);
            let href = self.article_href(rng, 5_000_000, 99_999, &title);
            m.push_str(&format!(
                "        <li><a href=\"{href}\">{title}</a></li>\n"
            ));
        }
        m.push_str("      </ul></div>\n    ");
        m
    }

    /// Article body markup of `lo..=hi` paragraphs, crossheads, inline links, and embeds that must not
    /// reach the body. Returns the markup and how many body paragraphs it holds.
    fn body(&self, rng: &mut Lcg, (lo, hi): (usize, usize), embeds: bool) -> (String, usize) {
        let paragraphs = rng.range(lo, hi);
        let mut b = String::from("\n");
        let mut count = 0;
        for i in 0..paragraphs {
            if i > 0 && i % rng.range(6, 10) == 0 {
                b.push_str(&format!(
                    "            <h3>{}</h3>\n",
                    self.phrase(rng, 3, 7)
                ));
                count += 1;
            }
            let text = self.paragraph(rng);
            if rng.chance(15) {
                // a link on a few words in the middle
                let words: Vec<&str> = text.split_whitespace().collect();
                let at = words.len() / 2;
                let end = (at + 3).min(words.len());
                let href = self.article_href(rng, 4_000_000, 999_999, &words[at..end].join(" "));
                b.push_str(&format!(
                    "            <p>{} <a href=\"{href}\">{}</a> {}</p>\n",
                    words[..at].join(" "),
                    words[at..end].join(" "),
                    words[end..].join(" ")
                ));
            } else if rng.chance(10) {
                let (lead, rest) = text.split_once(' ').unwrap_or((&text, ""));
                b.push_str(&format!(
                    "            <p><strong>{lead}</strong> {rest}</p>\n"
                ));
            } else {
                b.push_str(&format!("            <p>{text}</p>\n"));
            }
            count += 1;
            if embeds && i == paragraphs / 3 {
                let title = self.phrase(rng, 5, 10);
                let href = self.article_href(rng, 4_700_000, 99_999, &title);
                b.push_str(&format!(
                    "            <div class=\"read-also\"><span>اقرأ أيضاً</span> <a href=\"{href}\">{title}</a></div>\n"
                ));
            }
            if embeds && i == paragraphs * 2 / 3 {
                b.push_str(&format!(
                    "            <blockquote class=\"twitter-tweet\" data-lang=\"ar\"><p lang=\"ar\" dir=\"rtl\">{} <a href=\"https://t.co/{:x}\">pic.twitter.com/{:x}</a></p>&mdash; Asharq Al-Awsat (@aawsat_News) <a href=\"https://twitter.com/aawsat_News/status/{}\">March 27, 2024</a></blockquote>\n            <script async src=\"https://platform.twitter.com/widgets.js\" charset=\"utf-8\"></script>\n",
                    self.phrase(rng, 8, 20),
                    rng.next(),
                    rng.next(),
                    rng.next()
                ));
                b.push_str("            <div class=\"ad\" id=\"div-gpt-ad-inread\"><script>googletag.cmd.push(function(){googletag.display('div-gpt-ad-inread');});</script></div>\n");
            }
        }
        b.push_str("          ");
        (b, count)
    }

    fn cards(&self, rng: &mut Lcg, n: usize) -> String {
        let mut c = String::from("\n");
        for i in 0..n {
            let title = self.phrase(rng, 6, 13);
            let href = self.article_href(rng, 5_080_000 + (i as u64) * 97, 90, &title);
            let caption = rng.pick(&self.captions).clone();
            let img = self.image(rng, "article_img_top");
            let section = &rng.pick(&self.sections).1;
            let summary = if rng.chance(50) {
                rng.pick(&self.summaries).clone()
            } else {
                self.phrase(rng, 15, 30)
            };
            let place = self.phrase(rng, 1, 1);
            let featured = if i == 0 {
                " article-item--featured"
            } else {
                ""
            };
            let overlay = if i == 0 {
                format!("          <div class=\"article-item-overlay-title\">{title}</div>\n")
            } else {
                String::new()
            };
            c.push_str(&format!(
                "        <div class=\"article-item{featured}\">\n{overlay}          <div class=\"article-item-img\">\n            <a href=\"{href}\"><img src=\"{img}\" alt=\"{caption}\"></a>\n            <span class=\"article-item-section\">{section}</span>\n            <div class=\"img-caption\">{caption}</div>\n          </div>\n          <div class=\"article-item-info\">\n            <div class=\"article-item-title\"><h2><a href=\"{href}\">{title}</a></h2></div>\n            <div class=\"article-item-summary\">{summary}</div>\n            <div class=\"article-item-dateline\">«الشرق الأوسط» ({place})</div>\n          </div>\n        </div>\n"
            ));
        }
        c.push_str("      ");
        c
    }

    /// `n` infinite-scroll articles on the seed's second article, each with its own id,
    /// address and body.
    fn more_articles(
        &self,
        rng: &mut Lcg,
        template: &str,
        index: usize,
        n: usize,
        paragraphs_per_article: &mut Vec<usize>,
    ) -> String {
        let mut out = String::new();
        for k in 0..n {
            let nid = (5_085_310 + index * 1_000 + k).to_string();
            let node = template.replace(SECOND_NID, &nid);
            let (a, b) = span(&node, "<div class=\"entry-content\">", "</div>", 0);
            let a = a + "<div class=\"entry-content\">".len();
            let (body, count) = self.body(rng, (6, 14), false);
            paragraphs_per_article.push(count);
            out.push_str(&node[..a]);
            out.push_str(&body);
            out.push_str(&node[b..]);
        }
        out
    }

    fn footer(&self, rng: &mut Lcg) -> String {
        let mut f = String::from("\n    <div class=\"footer-menus\">\n");
        for _ in 0..4 {
            f.push_str(&format!(
                "      <div class=\"footer-col\"><h4>{}</h4><ul>\n",
                self.phrase(rng, 1, 2)
            ));
            for _ in 0..rng.range(10, 18) {
                let (href, label) = rng.pick(&self.sections);
                let sub = self.phrase(rng, 1, 2);
                f.push_str(&format!(
                    "        <li><a href=\"{href}\" title=\"{label}\">{sub}</a></li>\n"
                ));
            }
            f.push_str("      </ul></div>\n");
        }
        f.push_str("    </div>\n    <div class=\"social\"><a href=\"https://twitter.com/aawsat_News\">X</a> <a href=\"https://www.facebook.com/AsharqAlAwsat\">Facebook</a> <a href=\"https://www.instagram.com/aawsat_news\">Instagram</a> <a href=\"https://www.youtube.com/aawsat\">YouTube</a></div>\n    ");
        f
    }

    fn footer_scripts(&self, rng: &mut Lcg, nid: &str) -> String {
        let mut s = format!(
            "  <script>\n    (function(w,d,s,l,i){{w[l]=w[l]||[];w[l].push({{'gtm.start':new Date().getTime(),event:'gtm.js'}});var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);}})(window,document,'script','dataLayer','GTM-AAWSAT');\n    window.dataLayer.push({{\"event\":\"pageMeta\",\"nid\":\"{nid}\",\"words\":{},\"ab\":\"{:x}\"}});\n  </script>\n",
            rng.range(300, 1500),
            rng.next()
        );
        s.push_str("  <noscript><iframe src=\"https://www.googletagmanager.com/ns.html?id=GTM-AAWSAT\" height=\"0\" width=\"0\" style=\"display:none;visibility:hidden\"></iframe></noscript>\n");
        s
    }

    /// A JSON state blob of teasers of about `size` bytes (nothing when `size` is small).
    fn state_blob(&self, rng: &mut Lcg, size: usize) -> String {
        if size < 200 {
            return String::new();
        }
        let mut s =
            String::from("  <script type=\"application/json\" id=\"initial-state\">{\"teasers\":[");
        let mut first = true;
        while s.len() + 20 < size {
            if !first {
                s.push(',');
            }
            first = false;
            let title = self.phrase(rng, 5, 12);
            let nid = 4_000_000 + rng.below(999_999) as u64;
            let href = self.article_href(rng, nid, 1, &title);
            s.push_str(&format!(
                "{{\"nid\":{nid},\"title\":\"{title}\",\"url\":\"{href}\",\"image\":\"{}\",\"views\":{}}}",
                self.image(rng, "teaser"),
                rng.below(100_000)
            ));
        }
        s.push_str("]}</script>\n");
        s
    }
}
