//! What the generic extractor costs next to the profile path and the parse alone.
//!
//! The same pages go through three extractors, single-threaded, in interleaved rounds:
//!
//! - parse-only: `charset::decode` + `scraper::Html::parse_document`, the floor;
//! - profile: `Extractor::extract` with the shipped config.toml (the aawsat profile);
//! - generic: `Extractor::extract` with a config that has no profiles, so every field of
//!   every page comes from metadata and the generic extractor (block scoring, cleaning,
//!   headline, dates, captions, related);
//!
//! and, apart, the records of the generic extractor written as Markdown documents
//! (`render::Format::Markdown`): the rendering alone, per page.
//!
//! Workloads: the aawsat fixtures, ~150 KB generated aawsat pages (benches/support), and,
//! when `../shared/bench/wcxb-dev-articles` is there, the 793 WCXB pages (generic and
//! parse only: no profile covers them). trafilatura's in-process time on the same pages
//! comes from `bench/generic/speed.py`; `bench/generic/run.sh` runs both and prints the
//! ratios.
//!
//! `cargo bench --bench generic`. `KHABAR_BENCH_SECS` (default 2.0) seconds per workload
//! and mode. Without `--bench` (as `cargo test --benches` runs it) it checks the pages and
//! runs each mode once.

#[path = "support/aawsat_pages.rs"]
mod aawsat_pages;

use std::hint::black_box;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use aawsat_pages::{Generator, Page, html_files, median};
use khabar::config::Config;
use khabar_extract::Extractor;
use khabar_extract::render::Format;

const ROUNDS: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Parse,
    Profile,
    Generic,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::Parse => "parse-only",
            Mode::Profile => "profile",
            Mode::Generic => "generic",
        }
    }
}

struct Workload {
    name: String,
    pages: Vec<Page>,
    modes: Vec<Mode>,
}

fn main() {
    let bench = std::env::args().skip(1).any(|a| a == "--bench");
    let secs: f64 = std::env::var("KHABAR_BENCH_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2.0_f64)
        .max(0.05);
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&repo.join("config.toml")).expect("load config.toml");
    let profile = Extractor::new(config.profiles, None).expect("extractor");
    let empty = Config::parse("", Path::new("<no profiles>")).expect("an empty config is valid");
    let generic = Extractor::new(empty.profiles, None).expect("extractor");

    let seed = std::fs::read_to_string(repo.join("fixtures/aawsat/seed.html")).expect("seed");
    let generator = Generator::new(&seed);
    let mut workloads = vec![
        Workload {
            name: "aawsat fixtures".into(),
            pages: aawsat_fixtures(&repo.join("fixtures/aawsat")),
            modes: vec![Mode::Parse, Mode::Profile, Mode::Generic],
        },
        Workload {
            name: "aawsat generated ~150KB".into(),
            pages: (0..20).map(|i| generator.page(i, 150_000)).collect(),
            modes: vec![Mode::Parse, Mode::Profile, Mode::Generic],
        },
    ];
    let wcxb = repo.join("../shared/bench/wcxb-dev-articles/html");
    if wcxb.is_dir() {
        workloads.push(Workload {
            name: "wcxb (793 real pages)".into(),
            pages: wcxb_pages(&wcxb),
            modes: vec![Mode::Parse, Mode::Generic],
        });
    } else {
        println!("(no {}: the WCXB workload is left out)", wcxb.display());
    }

    // every page must give a body both ways before anything is timed
    for w in &workloads {
        for mode in &w.modes {
            let ex = match mode {
                Mode::Parse => continue,
                Mode::Profile => &profile,
                Mode::Generic => &generic,
            };
            let with_body = w
                .pages
                .iter()
                .filter(|p| {
                    ex.extract(&p.input())
                        .articles
                        .iter()
                        .any(|(r, _)| !r.body.is_empty())
                })
                .count();
            // a few WCXB pages have no article text in their HTML (script-rendered)
            let need = if w.name.starts_with("wcxb") {
                w.pages.len() * 98 / 100
            } else {
                w.pages.len()
            };
            assert!(
                with_body >= need,
                "{} / {}: {with_body} of {} pages gave a body",
                w.name,
                mode.name(),
                w.pages.len()
            );
        }
    }
    if !bench {
        for w in &workloads {
            for &mode in &w.modes {
                run(w, mode, &profile, &generic, Duration::ZERO);
            }
            markdown_us(w, &generic, Duration::ZERO);
            println!(
                "  {}: {} pages checked, every mode ran once",
                w.name,
                w.pages.len()
            );
        }
        println!("smoke test passed (run `cargo bench --bench generic` to measure)");
        return;
    }

    println!(
        "khabar generic-extractor benchmark: single thread, µs per page (median of {ROUNDS} interleaved rounds, {secs:.1} s per workload and mode)"
    );
    println!(
        "  {:<26} {:>6} {:>11} {:>11} {:>11} {:>16} {:>16} {:>10} {:>16}",
        "workload",
        "pages",
        "parse-only",
        "profile",
        "generic",
        "generic/profile",
        "generic/parse",
        "markdown",
        "markdown/generic"
    );
    for w in &workloads {
        // warm-up
        for &mode in &w.modes {
            run(w, mode, &profile, &generic, Duration::from_millis(100));
        }
        let slice = Duration::from_secs_f64(secs / ROUNDS as f64);
        let mut per_mode: Vec<Vec<f64>> = vec![Vec::new(); w.modes.len()];
        for r in 0..ROUNDS {
            for k in 0..w.modes.len() {
                let m = (r + k) % w.modes.len();
                per_mode[m].push(run(w, w.modes[m], &profile, &generic, slice));
            }
        }
        let med = |mode: Mode| {
            w.modes
                .iter()
                .position(|m| *m == mode)
                .map(|i| median(per_mode[i].clone()))
        };
        let (parse, prof, gen_) = (med(Mode::Parse), med(Mode::Profile), med(Mode::Generic));
        let markdown = Some(markdown_us(w, &generic, slice));
        let show = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:.2}x", a / b),
            _ => "-".into(),
        };
        println!(
            "  {:<26} {:>6} {:>11} {:>11} {:>11} {:>16} {:>16} {:>10} {:>16}",
            w.name,
            w.pages.len(),
            show(parse),
            show(prof),
            show(gen_),
            ratio(gen_, prof),
            ratio(gen_, parse),
            show(markdown),
            ratio(markdown, gen_)
        );
    }
    println!(
        "goal: generic <= 2x profile per page; markdown = µs per page to write the generic extractor's records as Markdown documents (median of {ROUNDS} rounds); trafilatura's time on the same pages: bench/generic/speed.py"
    );
}

/// Mean µs per page of whole passes over the pages for at least `dur`.
fn run(w: &Workload, mode: Mode, profile: &Extractor, generic: &Extractor, dur: Duration) -> f64 {
    let inputs: Vec<_> = w.pages.iter().map(Page::input).collect();
    let start = Instant::now();
    let mut n = 0u64;
    loop {
        for input in &inputs {
            match mode {
                Mode::Parse => {
                    let decoded = khabar_extract::internals::charset::decode(
                        black_box(input.bytes),
                        None,
                        None,
                    );
                    black_box(scraper::Html::parse_document(&decoded.text));
                }
                Mode::Profile => {
                    black_box(profile.extract(black_box(input)));
                }
                Mode::Generic => {
                    black_box(generic.extract(black_box(input)));
                }
            }
        }
        n += inputs.len() as u64;
        if start.elapsed() >= dur {
            break;
        }
    }
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

/// Median µs per page to write the generic extractor's records of the pages as Markdown
/// documents (the records made once, before timing).
fn markdown_us(w: &Workload, generic: &Extractor, slice: Duration) -> f64 {
    let records: Vec<Vec<khabar_extract::Record>> = w
        .pages
        .iter()
        .map(|p| {
            generic
                .extract(&p.input())
                .articles
                .into_iter()
                .map(|(r, _)| r)
                .collect()
        })
        .collect();
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut n = 0u64;
        loop {
            for page in &records {
                for r in page {
                    black_box(Format::Markdown.document(black_box(r)));
                }
            }
            n += records.len() as u64;
            if start.elapsed() >= slice {
                break;
            }
        }
        rounds.push(start.elapsed().as_secs_f64() * 1e6 / n as f64);
    }
    median(rounds)
}

fn aawsat_fixtures(dir: &Path) -> Vec<Page> {
    html_files(dir)
        .into_iter()
        .map(|path| page(&path, std::fs::read(&path).expect("read fixture")))
        .collect()
}

fn wcxb_pages(dir: &Path) -> Vec<Page> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("WCXB html directory")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".html.gz"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let mut bytes = Vec::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path).expect("open page"))
                .read_to_end(&mut bytes)
                .expect("gunzip page");
            page(&path, bytes)
        })
        .collect()
}

fn page(path: &Path, bytes: Vec<u8>) -> Page {
    Page {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        bytes,
        articles: 0,
        paragraphs_per_article: None,
        related: None,
        paragraphs: 0,
    }
}
