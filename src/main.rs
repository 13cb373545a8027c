//! The `khabar` command line: parses arguments and wires the library's parts together.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};

use khabar::config::Config;
use khabar::progress::Progress;
use khabar::report::{shared_report, state_report};
use khabar_crawl::job::{JobEnd, JobOptions, parse_every, run_job};
use khabar_crawl::output::{Destination, OutputFormat, Rotate};
use khabar_crawl::run::{ExtractOptions, run_extract};
use khabar_crawl::settings::{Overrides, is_frontier_address};
use khabar_crawl::shared::{RedisState, Server, hide_password, report};
use khabar_crawl::source::{FileSource, list_inputs};
use khabar_crawl::state::StateStore;
use khabar_extract::Extractor;
use std::sync::Arc;

/// Exit codes: 0 all went well; 1 some inputs failed or had problems (see stderr);
/// 2 the command line or the config is wrong and nothing was done.
const EXIT_INPUT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "khabar",
    version,
    about = "News article pages in, one JSON record per article out (NDJSON)."
)]
struct Cli {
    /// Configuration file with the site profiles [default: ./config.toml if present, else the built-in one]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print errors only
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more about what is happening (-vv for even more)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract articles from saved pages: files, directories, or `-` for standard input
    Extract(ExtractArgs),
    /// Crawl sites politely and extract their articles as they are fetched
    Crawl(CrawlArgs),
    /// Show what the crawl state knows: counts, the last runs, hosts; or forget URLs
    State(StateArgs),
}

/// What records are written as.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FormatArg {
    /// One JSON record per article per line
    Ndjson,
    /// Markdown (CommonMark, GitHub tables), YAML front matter on top
    Markdown,
    /// Plain text, header lines on top
    Text,
    /// Minimal HTML (no scripts; no attributes but href, dir and lang)
    Html,
}

/// A document format, for `--include`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DocArg {
    Markdown,
    Text,
    Html,
}

impl From<DocArg> for khabar_extract::render::Format {
    fn from(d: DocArg) -> Self {
        match d {
            DocArg::Markdown => Self::Markdown,
            DocArg::Text => Self::Text,
            DocArg::Html => Self::Html,
        }
    }
}

/// What records are written as: the flags `extract` and `crawl` share.
#[derive(clap::Args)]
struct FormatArgs {
    /// Write NDJSON records, or each article as a Markdown, text or HTML document
    #[arg(long, value_enum, default_value = "ndjson")]
    format: FormatArg,
    /// Add the article as Markdown, text or HTML to each NDJSON record, in a field named so (`--include markdown,text`, or the flag given again)
    #[arg(long, value_enum, value_name = "FORMAT", value_delimiter = ',')]
    include: Vec<DocArg>,
}

/// `--format` and `--include` as the sinks take them.
fn output_format(args: &FormatArgs) -> anyhow::Result<OutputFormat> {
    use khabar_extract::render::Format;
    let (format, include) = (args.format, &args.include);
    let document = match format {
        FormatArg::Ndjson => None,
        FormatArg::Markdown => Some(Format::Markdown),
        FormatArg::Text => Some(Format::Text),
        FormatArg::Html => Some(Format::Html),
    };
    anyhow::ensure!(
        document.is_none() || include.is_empty(),
        "--include adds fields to NDJSON records: it does not go with --format {}",
        document.map_or("", Format::name)
    );
    let mut fields: Vec<Format> = include.iter().map(|&d| d.into()).collect();
    fields.dedup();
    Ok(OutputFormat { document, fields })
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RotateArg {
    Hourly,
    Daily,
}

impl From<RotateArg> for Rotate {
    fn from(r: RotateArg) -> Self {
        match r {
            RotateArg::Hourly => Rotate::Hourly,
            RotateArg::Daily => Rotate::Daily,
        }
    }
}

#[derive(clap::Args)]
struct StateArgs {
    /// The crawl state [default: the config's [crawl] frontier if set, else .khabar/state.db beside the config]
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// A shared frontier: redis://HOST:PORT/DB (rediss:// for TLS)
    #[arg(long, value_name = "URL", conflicts_with = "state")]
    frontier: Option<String>,
    /// Forget this URL, so the next crawl fetches it anew
    #[arg(long, value_name = "URL")]
    forget: Vec<String>,
    /// Forget every URL of this host
    #[arg(long, alias = "host", value_name = "HOST")]
    forget_host: Vec<String>,
}

#[derive(clap::Args)]
struct CrawlArgs {
    /// Start addresses: article or section pages, RSS/Atom feeds, sitemaps [default: the config's [crawl] seeds]
    #[arg(value_name = "URL")]
    seeds: Vec<String>,
    /// Requests per second per host (0: no limit)
    #[arg(long, value_name = "R")]
    rate: Option<f64>,
    /// Requests a host may get at once after a quiet spell
    #[arg(long, value_name = "N")]
    burst: Option<u32>,
    /// Requests in flight at once, all hosts together
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// Requests in flight at once to one host
    #[arg(long, value_name = "N")]
    per_host: Option<usize>,
    /// Pages fetched at most (0: no limit)
    #[arg(long, value_name = "N")]
    max_pages: Option<u64>,
    /// Link hops from a seed at most
    #[arg(long, value_name = "N")]
    max_depth: Option<u32>,
    /// Stop the crawl after this many seconds
    #[arg(long, value_name = "SECS")]
    max_time: Option<u64>,
    /// Timeout for one request, in seconds
    #[arg(long, value_name = "SECS")]
    timeout: Option<u64>,
    /// The User-Agent header (its first word is the name robots.txt rules are matched against)
    #[arg(long, value_name = "UA")]
    user_agent: Option<String>,
    /// Allow requests to loopback, private and link-local addresses
    #[arg(long)]
    allow_private: bool,
    /// Do not read or obey robots.txt (be sure you may)
    #[arg(long)]
    ignore_robots: bool,
    /// Append records to FILE instead of writing them to stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write records to files in DIR, a new one each hour (or day, with --rotate daily), named by UTC time; with a document --format, one file per article, named by its id
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    output_dir: Option<PathBuf>,
    #[command(flatten)]
    format: FormatArgs,
    /// How often --output-dir starts a new file
    #[arg(long, value_enum, default_value = "hourly", requires = "output_dir")]
    rotate: RotateArg,
    /// Crawl again this long after each run ends (90s, 15m, 1h, 1d), until Ctrl-C or SIGTERM
    #[arg(long, value_name = "DURATION")]
    every: Option<String>,
    /// The crawl state (what earlier runs fetched) [default: .khabar/state.db beside the config]
    #[arg(long, value_name = "PATH", conflicts_with = "no_state")]
    state: Option<PathBuf>,
    /// A one-shot crawl: no state read or written
    #[arg(long)]
    no_state: bool,
    /// Share one frontier and crawl state with other workers on a Redis server: redis://HOST:PORT/DB (rediss:// for TLS) [default: the config's [crawl] frontier]
    #[arg(long, value_name = "URL", conflicts_with_all = ["state", "no_state"])]
    frontier: Option<String>,
    /// Also write every response received to web archives (.warc.gz) in DIR
    #[arg(long, value_name = "DIR")]
    warc: Option<PathBuf>,
    /// Start a new WARC file once one reaches this many megabytes
    #[arg(long, value_name = "MB", default_value_t = 1000, requires = "warc")]
    warc_max_mb: u64,
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// Saved pages, web archives (.warc, .warc.gz), directories of them (searched for .html/.htm/.xhtml/.shtml/.warc/.warc.gz), or `-` for stdin
    #[arg(value_name = "INPUT")]
    inputs: Vec<String>,
    /// The address of the page (one input only): picks the profile and resolves relative links
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// NDJSON file of {"file", "url"} lines; files are relative to the INPUT directory, else to the manifest's
    #[arg(long, value_name = "FILE")]
    manifest: Option<PathBuf>,
    /// Profile for pages whose host no profile covers
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Explain on stderr where each field of each record came from
    #[arg(long)]
    explain: bool,
    /// Append records to FILE instead of writing them to stdout
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write one file per article in DIR, named by its id (ID.json, ID.md, ID.txt or ID.html)
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    output_dir: Option<PathBuf>,
    #[command(flatten)]
    format: FormatArgs,
    /// Worker threads [default: the number of CPUs]
    #[arg(short, long, value_name = "N")]
    jobs: Option<usize>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    khabar::logging::init(cli.quiet, cli.verbose);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            tracing::error!("{e:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn load_config(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) => Ok(Config::load(p)?),
        None if Path::new("config.toml").is_file() => Ok(Config::load(Path::new("config.toml"))?),
        None => Ok(Config::builtin()),
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let quiet = cli.quiet;
    let config = load_config(cli.config.as_deref())?;
    match cli.command {
        Command::Extract(args) => extract(config, args),
        Command::Crawl(args) => crawl(config, args, quiet),
        Command::State(args) => state(&config, args),
    }
}

fn extract(config: Config, args: ExtractArgs) -> anyhow::Result<u8> {
    let extractor = Extractor::new(config.profiles, args.profile.as_deref())?;
    let (items, listing_errors) =
        list_inputs(&args.inputs, args.manifest.as_deref(), args.url.as_deref())?;
    for e in &listing_errors {
        tracing::error!("{e}");
    }
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let opts = ExtractOptions {
        jobs,
        explain: args.explain,
        progress_every: Duration::from_secs(5),
    };
    let started = Instant::now();
    let mut source = FileSource::new(items);
    let mut stderr = io::stderr();
    let format = output_format(&args.format)?;
    let destination = match (&args.output, &args.output_dir) {
        (Some(path), _) => Destination::File(path.clone()),
        (None, Some(dir)) => Destination::Files(dir.clone()),
        (None, None) => Destination::Stdout,
    };
    let mut sink = destination
        .open(&format)
        .with_context(|| format!("cannot write to {}", destination.describe()))?;
    let stats = run_extract(&mut source, &extractor, sink.as_mut(), &opts, &mut stderr);
    drop(sink);
    let _ = stderr.flush();
    let failed = stats.failed + listing_errors.len() as u64;
    tracing::info!(
        "{}, {}, {} failed, {} with problems, in {:.2} s",
        plural(stats.pages, "page"),
        plural(stats.records, "record"),
        failed,
        stats.with_problems,
        started.elapsed().as_secs_f64()
    );
    match &stats.write_error {
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(0),
        Some(e) => {
            tracing::error!(
                "cannot write to {}: {e}; stopped after {} (every one whole: a record cut short was taken out again)",
                destination.describe(),
                plural(stats.records, "record")
            );
            return Ok(EXIT_INPUT_PROBLEMS);
        }
        None => {}
    }
    Ok(if failed == 0 && stats.all_ok() {
        0
    } else {
        EXIT_INPUT_PROBLEMS
    })
}

/// Exit code of a crawl stopped by Ctrl-C.
const EXIT_INTERRUPTED: u8 = 130;

fn crawl(config: Config, args: CrawlArgs, quiet: bool) -> anyhow::Result<u8> {
    let mut settings = config.crawl.clone();
    settings.apply(Overrides {
        seeds: args.seeds,
        rate: args.rate,
        burst: args.burst,
        concurrency: args.concurrency,
        per_host: args.per_host,
        max_pages: args.max_pages,
        max_depth: args.max_depth,
        max_duration: args.max_time.map(Duration::from_secs),
        timeout: args.timeout.map(Duration::from_secs),
        user_agent: args.user_agent,
        allow_private: args.allow_private,
        ignore_robots: args.ignore_robots,
    })?;
    if !settings.robots {
        tracing::warn!("robots.txt is NOT being read or obeyed on this crawl");
    }
    // the command line wins over the config: --state or --no-state means no shared frontier
    if let Some(f) = &args.frontier {
        anyhow::ensure!(
            is_frontier_address(f),
            "--frontier `{}`: must be a Redis address, redis://HOST:PORT/DB (rediss:// for TLS)",
            hide_password(f)
        );
        settings.frontier = Some(f.clone());
    } else if args.state.is_some() || args.no_state {
        settings.frontier = None;
    }
    let every = args
        .every
        .as_deref()
        .map(parse_every)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let format = output_format(&args.format)?;
    let destination = match (&args.output, &args.output_dir) {
        (Some(f), _) => Destination::File(f.clone()),
        (None, Some(d)) if format.document.is_some() => Destination::Files(d.clone()),
        (None, Some(d)) => Destination::Dir {
            dir: d.clone(),
            rotate: args.rotate.into(),
        },
        (None, None) => Destination::Stdout,
    };
    let state = (!args.no_state).then(|| {
        args.state
            .clone()
            .unwrap_or_else(|| default_state_path(&config))
    });
    let extractor = Arc::new(Extractor::new(config.profiles, None)?);
    let end = run_job(
        extractor,
        JobOptions {
            settings,
            state,
            destination,
            format,
            every,
            warc: args
                .warc
                .clone()
                .map(|d| (d, args.warc_max_mb.saturating_mul(1_000_000).max(1))),
            progress: (!quiet).then(|| {
                let make: khabar_crawl::job::ProgressFactory =
                    Arc::new(|| Box::new(Progress::new(false)));
                make
            }),
            on_second_interrupt: Some(Arc::new(|| {
                // the record being written is finished first: no line is left half written
                khabar_crawl::output::quit_after_line(Duration::from_secs(30));
                std::process::exit(i32::from(EXIT_INTERRUPTED))
            })),
        },
    )?;
    Ok(match end {
        JobEnd::Done | JobEnd::OutputClosed | JobEnd::Terminated => 0,
        JobEnd::Interrupted => EXIT_INTERRUPTED,
        JobEnd::OutputFailed { error, written } => {
            let target = args
                .output
                .or(args.output_dir)
                .map_or("standard output".to_string(), |p| p.display().to_string());
            tracing::error!(
                "cannot write to {target}: {error}; the crawl stopped after writing {} whole (a record cut short was taken out again), and the state holds only what was written",
                plural(written, "record")
            );
            EXIT_INPUT_PROBLEMS
        }
        JobEnd::FrontierLost(why) => {
            tracing::error!("{why}");
            EXIT_INPUT_PROBLEMS
        }
        JobEnd::NothingFetched => {
            tracing::error!("no page could be fetched");
            EXIT_INPUT_PROBLEMS
        }
        JobEnd::ArchiveFailed(e) => {
            tracing::error!(
                "the web archive is incomplete ({e}); the records were written; free space or give another --warc DIR"
            );
            EXIT_INPUT_PROBLEMS
        }
    })
}

/// `khabar state` on a shared frontier.
fn shared_state(address: &str, ca_file: Option<&Path>, args: &StateArgs) -> anyhow::Result<u8> {
    let server = Server::connect(address, ca_file)?;
    if !args.forget.is_empty() || !args.forget_host.is_empty() {
        let state = RedisState::new(server, "khabar-state");
        for url in &args.forget {
            let n = state.forget_url(url)?;
            tracing::info!("forgot {url} ({n} entries)");
        }
        for host in &args.forget_host {
            let n = state.forget_host(host)?;
            tracing::info!("forgot host {host} ({n} URLs)");
        }
        return Ok(0);
    }
    let text = shared_report(&report(&server, 5)?);
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(0)
}

/// Where the crawl state lives when not given: `.khabar/state.db` in the config file's
/// folder (the working directory for the built-in config).
fn default_state_path(config: &Config) -> PathBuf {
    let dir = if config.origin.is_file() {
        config
            .origin
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    } else {
        PathBuf::new()
    };
    dir.join(".khabar").join("state.db")
}

fn state(config: &Config, args: StateArgs) -> anyhow::Result<u8> {
    let frontier = match (&args.frontier, &args.state) {
        (Some(f), _) => Some(f.clone()),
        (None, None) => config.crawl.frontier.clone(),
        (None, Some(_)) => None,
    };
    if let Some(address) = frontier {
        return shared_state(&address, config.crawl.frontier_ca_file.as_deref(), &args);
    }
    let path = args
        .state
        .clone()
        .unwrap_or_else(|| default_state_path(config));
    if !args.forget.is_empty() || !args.forget_host.is_empty() {
        let mut store = StateStore::open(&path)?;
        for url in &args.forget {
            let n = store.forget_url(url)?;
            tracing::info!("forgot {url} ({n} entries)");
        }
        for host in &args.forget_host {
            let n = store.forget_host(host)?;
            tracing::info!("forgot host {host} ({n} URLs)");
        }
        return Ok(0);
    }
    let report = state_report(&StateStore::open_read_only(&path)?)?;
    let mut out = io::stdout().lock();
    out.write_all(report.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(0)
}
