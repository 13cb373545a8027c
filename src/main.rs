//! The `khabar` command line: parses arguments and wires the library's parts together.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{CommandFactory, Parser};

use khabar::config::Config;
use khabar::progress::Progress;
use khabar::report::{shared_report, state_report};
use khabar::url_list::read_url_list;
use khabar_crawl::job::{JobEnd, JobOptions, parse_every, run_job};
use khabar_crawl::run::{ExtractOptions, run_extract};
use khabar_crawl::settings::is_frontier_address;
use khabar_crawl::shared::{RedisState, Server, hide_password, report};
use khabar_crawl::source::{FileSource, list_inputs};
use khabar_crawl::state::StateStore;
use khabar_extract::Extractor;
use std::sync::Arc;

mod cli;
use cli::{CcNewsArgs, Cli, Command, CrawlArgs, ExtractArgs, FetchArgs, StateArgs, UrlArgs};

/// Exit codes: 0 all went well; 1 some inputs failed or had problems (see stderr);
/// 2 the command line or the config is wrong and nothing was done.
const EXIT_INPUT_PROBLEMS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    khabar::logging::init(cli.quiet, cli.verbose);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            tracing::error!("{}", error_text(&e));
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

/// An error and its causes on one line, each cause once: a message that already quotes
/// its cause (`cannot read config file x: No such file…`) is not followed by it again.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
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
    match cli.command {
        Command::Completions { shell } => return print_completions(shell),
        Command::Man => return print_man(),
        _ => {}
    }
    let config = load_config(cli.config.as_deref())?;
    match cli.command {
        Command::Extract(args) => extract(config, args),
        Command::Crawl(args) => crawl(config, args, quiet),
        Command::Fetch(args) => fetch(config, args, quiet),
        Command::Ccnews(args) => ccnews(config, args, quiet),
        Command::State(args) => state(&config, args),
        Command::Completions { .. } | Command::Man => unreachable!("answered above"),
    }
}

/// `khabar completions SHELL`: the script, made from the argument definitions.
fn print_completions(shell: clap_complete::Shell) -> anyhow::Result<u8> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "khabar", &mut out);
    write_stdout(&out)
}

/// `khabar man`: the manual page in roff, every command's flags with their help.
fn print_man() -> anyhow::Result<u8> {
    let cmd = Cli::command();
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    for sub in cmd.get_subcommands() {
        let name = format!("khabar {}", sub.get_name());
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        if let Some(about) = sub.get_about() {
            writeln!(out, "{}", roff_text(&about.to_string()))?;
        }
        let after = sub.get_after_help().map(|a| a.to_string());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name));
        page.render_synopsis_section(&mut out)?;
        page.render_options_section(&mut out)?;
        if let Some(after) = after {
            writeln!(out, ".PP\n.nf\n{}\n.fi", roff_text(&after))?;
        }
    }
    man.render_version_section(&mut out)?;
    write_stdout(&out)
}

/// Text as roff reads it: a line starting with `.` or `'` would be a request.
fn roff_text(s: &str) -> String {
    s.lines()
        .map(|l| {
            let l = l.replace('\\', "\\\\");
            if l.starts_with(['.', '\'']) {
                format!("\\&{l}")
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_stdout(bytes: &[u8]) -> anyhow::Result<u8> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(0)
}

fn extract(config: Config, args: ExtractArgs) -> anyhow::Result<u8> {
    use khabar_crawl::ccnews::{ChainSource, HttpOptions, RemoteArchives, split_inputs};
    use khabar_crawl::source::PageSource;
    let user_agent = config.crawl.user_agent.clone();
    let extractor = Extractor::new(config.profiles, args.profile.as_deref())?;
    // http(s):// addresses of web archives are streamed; the other inputs are read as before
    let (remote, local) = split_inputs(&args.inputs);
    anyhow::ensure!(
        remote.is_empty() || (args.manifest.is_none() && args.url.is_none()),
        "--manifest and --url go with saved files, not with http(s):// addresses of web archives"
    );
    let (items, listing_errors) = if local.is_empty() && !remote.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        list_inputs(&local, args.manifest.as_deref(), args.url.as_deref())?
    };
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
    let mut sources: Vec<Box<dyn PageSource>> = vec![Box::new(FileSource::new(items))];
    if !remote.is_empty() {
        let http = HttpOptions {
            user_agent,
            ..HttpOptions::default()
        };
        sources.push(Box::new(RemoteArchives::new(&remote, http)?));
    }
    let mut source = ChainSource::new(sources);
    let mut stderr = io::stderr();
    let format = args.format.output_format()?;
    let destination = args.output.destination(&format, None);
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

/// `khabar ccnews`: the CC-NEWS archives of a date range, read as they download, the pages
/// of the hosts asked for extracted; resumable through its state (docs/ccnews.md).
fn ccnews(config: Config, args: CcNewsArgs, quiet: bool) -> anyhow::Result<u8> {
    use khabar_crawl::ccnews::{
        self, CcNewsOptions, CcNewsProgress, LogProgress, NoCcNewsProgress, run_ccnews,
    };
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicBool, Ordering};
    let user_agent = config.crawl.user_agent.clone();
    // beside the crawl state: .khabar/ beside the config
    let default_state = default_state_path(&config).with_file_name("ccnews.db");
    let extractor = Extractor::new(config.profiles, None)?;
    let mut opts = CcNewsOptions::new(args.from, args.to);
    opts.source = args.source;
    opts.hosts = args.hosts;
    opts.profiles_hosts = args.profiles;
    if let Some(j) = args.jobs {
        opts.jobs = j.max(1);
    }
    opts.connections = args.connections;
    opts.keep = args.keep;
    opts.state = (!args.no_state).then(|| args.state.unwrap_or(default_state));
    opts.max_records = args.max_records;
    opts.http.retries = args.retries;
    opts.http.timeout = Duration::from_secs(args.timeout.max(1));
    opts.http.user_agent = user_agent;
    let stop = Arc::new(AtomicBool::new(false));
    let interrupted = ccnews::stop_on_signals(stop.clone());
    opts.stop = Some(stop.clone());
    let format = args.format.output_format()?;
    let destination = args.output.destination(&format, None);
    let mut sink = destination
        .open(&format)
        .with_context(|| format!("cannot write to {}", destination.describe()))?;
    let mut progress: Box<dyn CcNewsProgress> = if quiet {
        Box::new(NoCcNewsProgress)
    } else if io::stderr().is_terminal() {
        Box::new(Progress::new(false))
    } else {
        Box::new(LogProgress::default())
    };
    let summary = run_ccnews(&extractor, &opts, sink.as_mut(), progress.as_mut())?;
    drop(sink);
    tracing::info!("{}", summary.line());
    match &summary.write_error {
        Some(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(0),
        Some(e) => {
            tracing::error!(
                "cannot write to {}: {e}; stopped after {} (every one whole and remembered in the state: the next run goes on from there)",
                destination.describe(),
                plural(summary.records, "record")
            );
            return Ok(EXIT_INPUT_PROBLEMS);
        }
        None => {}
    }
    // Ctrl-C is an interruption; SIGTERM (a service manager, a time limit) ends the run
    // as asked, as it ends a crawl
    if interrupted.load(Ordering::Relaxed) {
        return Ok(EXIT_INTERRUPTED);
    }
    Ok(if summary.all_ok() {
        0
    } else {
        EXIT_INPUT_PROBLEMS
    })
}

/// Exit code of a crawl stopped by Ctrl-C.
const EXIT_INTERRUPTED: u8 = 130;

/// The addresses given on the command line, then those of `-i FILE`.
fn addresses(given: Vec<String>, list: &UrlArgs) -> anyhow::Result<Vec<String>> {
    let mut all = given;
    if let Some(path) = &list.input_file {
        let listed = read_url_list(path)?;
        anyhow::ensure!(
            !listed.is_empty(),
            "{}: no address in it (one http(s) address per line)",
            path.display()
        );
        all.extend(listed);
    }
    Ok(all)
}

/// The settings' flags given, applied over the config's values.
fn apply_flags(
    settings: &mut khabar_crawl::CrawlSettings,
    given: &[(&'static khabar_crawl::settings::Key, String)],
) -> anyhow::Result<()> {
    for (key, text) in given {
        settings.apply_flag(key, text)?;
    }
    Ok(())
}

fn crawl(config: Config, args: CrawlArgs, quiet: bool) -> anyhow::Result<u8> {
    let mut settings = config.crawl.clone();
    settings.replace_seeds(addresses(args.seeds, &args.urls)?);
    apply_flags(&mut settings, &args.settings.given)?;
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
        .map_err(|e| anyhow::anyhow!("--every {e}"))?;
    let format = args.format.output_format()?;
    let destination = args.output.destination(&format, Some(args.rotate.into()));
    let state = (!args.no_state).then(|| {
        args.state
            .clone()
            .unwrap_or_else(|| default_state_path(&config))
    });
    let extractor = Arc::new(Extractor::new(config.profiles, None)?);
    let job = JobOptions {
        settings,
        state,
        destination,
        format,
        every,
        warc: args
            .warc
            .clone()
            .map(|d| (d, args.warc_max_mb.saturating_mul(1_000_000).max(1))),
        progress: None,
        on_second_interrupt: None,
        stats: args.stats.clone(),
    };
    run_crawl_job(extractor, job, quiet)
}

/// `khabar fetch`: the given addresses fetched and extracted as articles, nothing
/// followed, no state; robots.txt, politeness and scope as in a crawl.
fn fetch(config: Config, args: FetchArgs, quiet: bool) -> anyhow::Result<u8> {
    let urls = addresses(args.urls, &args.input)?;
    anyhow::ensure!(
        !urls.is_empty(),
        "no address to fetch: give them as arguments or in a file with -i FILE"
    );
    let mut settings = config.crawl.clone();
    apply_flags(&mut settings, &args.settings.given)?;
    settings.seeds.clear();
    settings.sitemaps.clear();
    settings.feeds.clear();
    settings.pages = urls;
    settings.follow = false;
    settings.max_pages = 0;
    settings.frontier = None;
    let format = args.format.output_format()?;
    let destination = args.output.destination(&format, None);
    let extractor = Arc::new(Extractor::new(config.profiles, None)?);
    let job = JobOptions {
        settings,
        state: None,
        destination,
        format,
        every: None,
        warc: None,
        progress: None,
        on_second_interrupt: None,
        stats: args.stats.clone(),
    };
    run_crawl_job(extractor, job, quiet)
}

/// Runs a crawl job with the command line's progress display and Ctrl-C handling, and
/// tells how it ended as an exit code.
fn run_crawl_job(
    extractor: Arc<Extractor>,
    mut job: JobOptions,
    quiet: bool,
) -> anyhow::Result<u8> {
    if !job.settings.robots {
        tracing::warn!("robots.txt is NOT being read or obeyed on this crawl");
    }
    let target = job.destination.describe();
    job.progress = (!quiet).then(|| {
        let make: khabar_crawl::job::ProgressFactory = Arc::new(|| Box::new(Progress::new(false)));
        make
    });
    job.on_second_interrupt = Some(Arc::new(|| {
        // the record being written is finished first: no line is left half written
        khabar_crawl::output::quit_after_line(Duration::from_secs(30));
        std::process::exit(i32::from(EXIT_INTERRUPTED))
    }));
    let end = run_job(extractor, job)?;
    Ok(match end {
        JobEnd::Done | JobEnd::OutputClosed | JobEnd::Terminated => 0,
        JobEnd::Interrupted => EXIT_INTERRUPTED,
        JobEnd::OutputFailed { error, written } => {
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
        return forget(
            args,
            |url| state.forget_url(url),
            |host| state.forget_host(host),
        );
    }
    let text = shared_report(&report(&server, 5)?);
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(0)
}

/// `--forget URL` and `--forget-host HOST`: exit 1 when one of them named nothing the
/// state knows (a typo, or a host written without its port is fine: every port goes).
fn forget<E>(
    args: &StateArgs,
    forget_url: impl Fn(&str) -> Result<u64, E>,
    forget_host: impl Fn(&str) -> Result<u64, E>,
) -> anyhow::Result<u8>
where
    E: std::error::Error + Send + Sync + 'static,
{
    let mut missed = 0;
    for url in &args.forget {
        match forget_url(url)? {
            0 => {
                tracing::warn!("{url}: the state knows no such URL; nothing forgotten");
                missed += 1;
            }
            n => tracing::info!("forgot {url} ({n} entries)"),
        }
    }
    for host in &args.forget_host {
        match forget_host(host)? {
            0 => {
                tracing::warn!(
                    "{host}: the state knows no URL of this host; nothing forgotten (`khabar state` lists the hosts it knows)"
                );
                missed += 1;
            }
            n => tracing::info!("forgot host {host} ({n} URLs)"),
        }
    }
    Ok(if missed > 0 { EXIT_INPUT_PROBLEMS } else { 0 })
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
        let store = std::cell::RefCell::new(StateStore::open(&path)?);
        return forget(
            &args,
            |url| store.borrow_mut().forget_url(url),
            |host| store.borrow_mut().forget_host(host),
        );
    }
    let report = state_report(&StateStore::open_read_only(&path)?)?;
    let mut out = io::stdout().lock();
    out.write_all(report.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write to standard output")?;
    Ok(0)
}
