//! Throughput of `Extractor::extract` next to the cost floor, scraper's parse alone.
//!
//! Two workloads, each timed single-threaded in three modes:
//!
//! - parse-only: `charset::decode` + `scraper::Html::parse_document`, what any extractor
//!   built on scraper pays at least;
//! - extract: `Extractor::extract` (decode, one parse, metadata, profile selectors, records);
//! - extract+ndjson: the same, plus every record serialised through `sink::NdjsonWriter`
//!   (into `io::sink()`), as the `extract` command does.
//!
//! Workloads: the aawsat fixtures as saved, and ~150 KB pages generated deterministically
//! from `fixtures/aawsat/seed.html` (a mega-menu of hundreds of section links, long bodies,
//! many related cards, inline CSS/JS/JSON as real pages carry). Before timing, every page is
//! extracted once and checked (article count, non-empty bodies), so the timed work is real.
//!
//! `cargo bench --bench extract` (or `bench/extract.sh`). Environment:
//! `KHABAR_BENCH_SECS` seconds per workload and mode (default 2.5), `KHABAR_BENCH_PAGES`
//! generated pages (default 20), `KHABAR_BENCH_KB` their target size (default 150),
//! `KHABAR_BENCH_STAGES=1` adds a per-stage breakdown (decode, parse, metadata, records),
//! `KHABAR_BENCH_WORKLOAD=fixtures` (or `generated`) runs one workload only (for profiling),
//! `KHABAR_BENCH_DUMP=dir` writes the generated pages there to look at.
//!
//! Run without `--bench` (as `cargo test --benches` does) it only checks the pages and runs
//! each mode once.
//! See bench/README.md.

use std::hint::black_box;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/aawsat_pages.rs"]
mod aawsat_pages;

use aawsat_pages::{Generator, Page, html_files, median};
use khabar::config::Config;
use khabar_crawl::output::NdjsonWriter;
use khabar_extract::internals::metadata::PageMeta;
use khabar_extract::{Extractor, PageInput};

/// Timed slices per (workload, mode); the modes take turns, so a slow phase of the machine
/// hits all three alike and the per-round ratios show the noise.
const ROUNDS: u32 = 10;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and gets a smoke test
    let bench = std::env::args().skip(1).any(|a| a == "--bench");
    let secs = env_f64("KHABAR_BENCH_SECS", 2.5).max(0.05);
    let n_generated = env_f64("KHABAR_BENCH_PAGES", 20.0).max(1.0) as usize;
    let target_kb = env_f64("KHABAR_BENCH_KB", 150.0).max(30.0) as usize;
    let stages = std::env::var("KHABAR_BENCH_STAGES").is_ok_and(|v| v != "0" && !v.is_empty());

    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&repo.join("config.toml")).expect("load config.toml");
    let extractor = Extractor::new(config.profiles, None).expect("extractor");

    let fixtures = load_fixtures(&repo.join("fixtures/aawsat"));
    let seed = std::fs::read_to_string(repo.join("fixtures/aawsat/seed.html")).expect("seed.html");
    let generator = Generator::new(&seed);
    let generated: Vec<Page> = (0..n_generated)
        .map(|i| generator.page(i, target_kb * 1000))
        .collect();

    if let Ok(dir) = std::env::var("KHABAR_BENCH_DUMP") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create KHABAR_BENCH_DUMP directory");
        for p in &generated {
            let name = p.name.rsplit('/').next().expect("page name");
            std::fs::write(dir.join(name), &p.bytes).expect("write generated page");
        }
        eprintln!(
            "wrote {} generated pages to {}",
            generated.len(),
            dir.display()
        );
    }

    if bench {
        print_header(secs);
    }
    let mut workloads = vec![
        Workload::new(format!("fixtures ({} pages)", fixtures.len()), fixtures),
        Workload::new(
            format!("generated ~{target_kb}KB ({n_generated} pages)"),
            generated,
        ),
    ];
    if let Ok(only) = std::env::var("KHABAR_BENCH_WORKLOAD") {
        let only = only.to_lowercase();
        let kept = std::mem::take(&mut workloads)
            .into_iter()
            .filter(|w| w.name.to_lowercase().contains(&only))
            .collect::<Vec<_>>();
        assert!(
            !kept.is_empty(),
            "KHABAR_BENCH_WORKLOAD={only:?} names no workload"
        );
        workloads = kept;
    }
    for w in &mut workloads {
        w.check(&extractor);
    }
    if !bench {
        // `cargo test --benches` / `--all-targets` runs this binary without `--bench` (and
        // unoptimised): check the pages and run every mode once, time nothing
        for w in &workloads {
            for mode in MODES {
                w.run(mode, &extractor, Duration::ZERO);
            }
            println!(
                "  {}: {} pages checked, every mode ran once",
                w.name,
                w.pages.len()
            );
        }
        println!("smoke test passed (run `cargo bench --bench extract` to measure)");
        return;
    }
    println!();
    for w in &workloads {
        let avg = w.bytes() as f64 / w.pages.len() as f64 / 1000.0;
        let (min, max) = w.pages.iter().fold((usize::MAX, 0), |(lo, hi), p| {
            (lo.min(p.bytes.len()), hi.max(p.bytes.len()))
        });
        println!(
            "  {:<34} {} pages, {:.1} KB avg ({:.1}–{:.1} KB), {} articles, {} body paragraphs",
            w.name,
            w.pages.len(),
            avg,
            min as f64 / 1000.0,
            max as f64 / 1000.0,
            w.pages.iter().map(|p| p.articles).sum::<usize>(),
            w.pages.iter().map(|p| p.paragraphs).sum::<usize>(),
        );
    }

    let results: Vec<(&Workload, Results)> = workloads
        .iter()
        .map(|w| (w, w.measure(&extractor, Duration::from_secs_f64(secs))))
        .collect();
    print_tables(&results);

    if stages {
        println!();
        println!(
            "stage breakdown (µs/page, single thread, {secs:.1} s each; \"by difference\" columns are noisier)"
        );
        println!(
            "  {:<34} {:>8} {:>8} {:>12} {:>17} {:>9} {:>9}",
            "workload", "decode", "+parse", "+meta::read", "Extractor::parse", "records", "extract"
        );
        let d = Duration::from_secs_f64(secs);
        for w in &workloads {
            let decode = time_each(&w.pages, d, |p| {
                black_box(khabar_extract::internals::charset::decode(
                    &p.bytes, None, None,
                ))
                .text
                .len()
            });
            let parse = time_each(&w.pages, d, |p| parse_only(&p.bytes));
            let meta = time_each(&w.pages, d, |p| {
                let decoded = khabar_extract::internals::charset::decode(&p.bytes, None, None);
                let doc = scraper::Html::parse_document(&decoded.text);
                black_box(PageMeta::read(&doc)).tags.len()
            });
            let inputs: Vec<PageInput<'_>> = w.pages.iter().map(Page::input).collect();
            let khabar_parse = time_each(&inputs, d, |input| {
                usize::from(black_box(extractor.parse(input)).metadata_says_article())
            });
            let parsed: Vec<_> = inputs
                .iter()
                .map(|input| (input, extractor.parse(input)))
                .collect();
            let records = time_each(&parsed, d, |(input, page)| {
                black_box(extractor.records(page, input)).articles.len()
            });
            drop(parsed);
            let extract = time_each(&inputs, d, |input| {
                black_box(extractor.extract(input)).articles.len()
            });
            println!(
                "  {:<34} {:>8.1} {:>8.1} {:>12.1} {:>17.1} {:>9.1} {:>9.1}",
                w.name,
                decode,
                parse - decode,
                meta - parse,
                khabar_parse,
                records,
                extract,
            );
        }
        println!(
            "  (+parse and +meta::read by difference; Extractor::parse = decode + parse + metadata + profile;\n   records = Extractor::records on pages parsed beforehand: selectors, text, dates, URLs, record building)"
        );
    }
}

/// Mean µs per item of `f` over whole passes of `items` for `dur`, after one warm-up pass.
fn time_each<T>(items: &[T], dur: Duration, mut f: impl FnMut(&T) -> usize) -> f64 {
    for item in items {
        black_box(f(item));
    }
    let start = Instant::now();
    let mut n = 0u64;
    loop {
        for item in items {
            black_box(f(black_box(item)));
        }
        n += items.len() as u64;
        if start.elapsed() >= dur {
            break;
        }
    }
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn env_f64(name: &str, default: f64) -> f64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v:?} is not a number")),
        Err(_) => default,
    }
}

// ---------------------------------------------------------------------------------------
// pages and workloads

fn load_fixtures(dir: &Path) -> Vec<Page> {
    html_files(dir)
        .into_iter()
        .map(|path| {
            let expected = path.with_extension("expected.ndjson");
            let articles = std::fs::read_to_string(&expected)
                .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
                .unwrap_or_else(|e| panic!("{}: {e}", expected.display()));
            Page {
                name: format!(
                    "fixtures/aawsat/{}",
                    path.file_name().unwrap().to_string_lossy()
                ),
                bytes: std::fs::read(&path).expect("read fixture"),
                articles,
                paragraphs_per_article: None,
                related: None,
                paragraphs: 0,
            }
        })
        .collect()
}

struct Workload {
    name: String,
    pages: Vec<Page>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Parse,
    Extract,
    ExtractNdjson,
}

const MODES: [Mode; 3] = [Mode::Parse, Mode::Extract, Mode::ExtractNdjson];

#[derive(Default, Clone, Copy)]
struct Sample {
    pages: u64,
    secs: f64,
}

impl Sample {
    fn us_per_page(&self) -> f64 {
        self.secs * 1e6 / self.pages as f64
    }
}

struct Results {
    rounds: Vec<[Sample; 3]>,
}

fn parse_only(bytes: &[u8]) -> usize {
    let decoded = khabar_extract::internals::charset::decode(bytes, None, None);
    let doc = scraper::Html::parse_document(&decoded.text);
    black_box(&doc);
    decoded.text.len()
}

impl Workload {
    fn new(name: String, pages: Vec<Page>) -> Self {
        Self { name, pages }
    }

    fn bytes(&self) -> u64 {
        self.pages.iter().map(|p| p.bytes.len() as u64).sum()
    }

    /// Extracts every page once and checks that it gives what it should; panics otherwise.
    fn check(&mut self, extractor: &Extractor) {
        for page in &mut self.pages {
            let out = extractor.extract(&page.input());
            let got = out.articles.len();
            assert_eq!(
                got, page.articles,
                "{}: {got} articles extracted, {} expected",
                page.name, page.articles
            );
            for (i, (record, _)) in out.articles.iter().enumerate() {
                assert!(
                    !record.body.is_empty(),
                    "{}: article {} has an empty body",
                    page.name,
                    i + 1
                );
                assert!(
                    record.headline.is_some(),
                    "{}: article {} has no headline",
                    page.name,
                    i + 1
                );
                if let Some(want) = &page.paragraphs_per_article {
                    assert_eq!(
                        record.body.len(),
                        want[i],
                        "{}: article {} has {} body paragraphs, {} generated",
                        page.name,
                        i + 1,
                        record.body.len(),
                        want[i]
                    );
                }
            }
            if let Some(want) = page.related {
                let got = out.articles[0].0.related.len();
                assert_eq!(
                    got, want,
                    "{}: {got} related entries, {want} generated",
                    page.name
                );
            }
            page.paragraphs = out.articles.iter().map(|(r, _)| r.body.len()).sum();
        }
    }

    /// Runs `mode` over whole passes of the pages until `dur` has passed.
    fn run(&self, mode: Mode, extractor: &Extractor, dur: Duration) -> Sample {
        let inputs: Vec<PageInput<'_>> = self.pages.iter().map(Page::input).collect();
        let mut writer = NdjsonWriter::new(io::sink());
        let mut s = Sample::default();
        let start = Instant::now();
        loop {
            for input in &inputs {
                match mode {
                    Mode::Parse => {
                        black_box(parse_only(black_box(input.bytes)));
                    }
                    Mode::Extract => {
                        let out = extractor.extract(black_box(input));
                        black_box(&out);
                    }
                    Mode::ExtractNdjson => {
                        let out = extractor.extract(black_box(input));
                        for (record, _) in &out.articles {
                            writer.write(record).expect("write to io::sink");
                        }
                        black_box(writer.written());
                    }
                }
            }
            s.pages += inputs.len() as u64;
            if start.elapsed() >= dur {
                break;
            }
        }
        s.secs = start.elapsed().as_secs_f64();
        s
    }

    fn measure(&self, extractor: &Extractor, dur: Duration) -> Results {
        // warm-up: caches, allocator, lazily compiled regexes
        for mode in MODES {
            self.run(mode, extractor, Duration::from_millis(150));
        }
        let slice = dur / ROUNDS;
        let mut rounds = Vec::new();
        for r in 0..ROUNDS as usize {
            let mut round = [Sample::default(); 3];
            // rotate the order so no mode always runs first
            for k in 0..MODES.len() {
                let m = (r + k) % MODES.len();
                round[m] = self.run(MODES[m], extractor, slice);
            }
            rounds.push(round);
        }
        Results { rounds }
    }
}

// ---------------------------------------------------------------------------------------
// output

fn print_header(secs: f64) {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    println!("khabar extract benchmark: single thread, `bench` profile (= release)");
    println!("  commit   {}", git_commit());
    println!(
        "  machine  {cores} core(s) available, {cpu}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    println!(
        "  timing   {secs:.1} s per workload and mode (KHABAR_BENCH_SECS), in {ROUNDS} interleaved rounds"
    );
    // the 1-minute load average counts this process too once it has run a while
    if let Some(load) = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse::<f64>().ok())
    {
        let busy = load > 0.75 * cores.max(1) as f64;
        println!(
            "  load     {load:.2} (1-min average){}",
            if busy {
                ": other work is running, expect noisy numbers (see the round ranges)"
            } else {
                ""
            }
        );
    }
}

/// `HEAD`'s short hash, and whether tracked files differ from it. Read-only git calls.
fn git_commit() -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("--no-optional-locks")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short", "HEAD"]) {
        Some(head) => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{head} + uncommitted changes")
            } else {
                head
            }
        }
        None => "unknown (no git)".into(),
    }
}

impl Results {
    /// Median over the rounds of µs per page in `mode`.
    fn us_per_page(&self, mode: Mode) -> f64 {
        median(
            self.rounds
                .iter()
                .map(|r| r[mode as usize].us_per_page())
                .collect(),
        )
    }

    /// `mode`'s time over parse-only's, taken round by round (each pair ran back to back):
    /// the median and the lowest and highest.
    fn ratio(&self, mode: Mode) -> (f64, f64, f64) {
        let per_round: Vec<f64> = self
            .rounds
            .iter()
            .map(|r| r[mode as usize].us_per_page() / r[Mode::Parse as usize].us_per_page())
            .collect();
        let lo = per_round.iter().copied().fold(f64::MAX, f64::min);
        let hi = per_round.iter().copied().fold(f64::MIN, f64::max);
        (median(per_round), lo, hi)
    }

    fn ratio_cell(&self, mode: Mode) -> String {
        let (r, lo, hi) = self.ratio(mode);
        format!("{r:.2}x [{lo:.2}-{hi:.2}]")
    }
}

fn print_tables(results: &[(&Workload, Results)]) {
    println!();
    println!("time per page (µs, single thread, median of {ROUNDS} rounds; lower is better)");
    println!(
        "  {:<34} {:>5} {:>18} {:>15} {:>22}   {:<22} {:<22}",
        "workload",
        "pages",
        "parse-only µs/page",
        "extract µs/page",
        "extract+ndjson µs/page",
        "ratio(extract/parse)",
        "ratio(+ndjson/parse)"
    );
    for (w, r) in results {
        println!(
            "  {:<34} {:>5} {:>18.1} {:>15.1} {:>22.1}   {:<22} {:<22}",
            w.name,
            w.pages.len(),
            r.us_per_page(Mode::Parse),
            r.us_per_page(Mode::Extract),
            r.us_per_page(Mode::ExtractNdjson),
            r.ratio_cell(Mode::Extract),
            r.ratio_cell(Mode::ExtractNdjson),
        );
    }
    println!(
        "  (ratio: median of the per-round ratios [lowest-highest]; a wide range means a busy machine)"
    );
    println!();
    println!("throughput per core (pages/s | MB/s of input HTML)");
    println!(
        "  {:<34} {:>22} {:>22} {:>22}",
        "workload", "parse-only", "extract", "extract+ndjson"
    );
    for (w, r) in results {
        let page_bytes = w.bytes() as f64 / w.pages.len() as f64;
        let cell = |m: Mode| {
            let us = r.us_per_page(m);
            format!("{:.0} | {:.1}", 1e6 / us, page_bytes / us)
        };
        println!(
            "  {:<34} {:>22} {:>22} {:>22}",
            w.name,
            cell(Mode::Parse),
            cell(Mode::Extract),
            cell(Mode::ExtractNdjson)
        );
    }
    println!();
    let verdicts: Vec<String> = results
        .iter()
        .map(|(w, r)| {
            let (ratio, _, _) = r.ratio(Mode::Extract);
            format!(
                "{}: {ratio:.2}x {}",
                w.name,
                if ratio <= 1.3 { "(met)" } else { "(NOT met)" }
            )
        })
        .collect();
    println!("goal extract <= 1.3x parse-only: {}", verdicts.join("; "));
}
