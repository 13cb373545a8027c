//! The command line's arguments: every flag defined once, here, with its help. `--help`,
//! `khabar man` and `khabar completions` are all made from these definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use khabar_crawl::output::{Destination, OutputFormat, Rotate};
use khabar_crawl::settings::{CrawlSettings, Flag, KEYS, Key, Scope};

#[derive(Parser)]
#[command(
    name = "khabar",
    version,
    about = "News article pages in, one JSON record per article out (NDJSON).",
    long_about = "News article pages in, one JSON record per article out (NDJSON): a polite \
                  crawler and an extractor driven by site profiles, with a generic extractor \
                  for pages no profile covers.",
    after_help = "Exit codes: 0 all went well; 1 some inputs failed or had problems (see \
                  stderr); 2 the command line or the config is wrong and nothing was done; \
                  130 interrupted (Ctrl-C).\n\n\
                  Examples:\n  \
                  khabar extract saved/ > articles.ndjson\n  \
                  khabar fetch https://example.com/news/1 --format markdown\n  \
                  khabar crawl https://example.com/ --max-pages 200 -o articles.ndjson"
)]
pub struct Cli {
    /// Configuration file with the site profiles and [crawl] settings [default: ./config.toml if present, else the built-in one]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print errors only
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Print more: -v khabar's debug lines, -vv its trace lines, -vvv also the libraries' (HTML parser, HTTP)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Extract articles from saved pages: files, directories, web archives, or `-` for standard input
    #[command(after_help = "Examples:\n  \
        khabar extract page.html --url https://example.com/news/1\n  \
        khabar extract saved/ -o articles.ndjson\n  \
        khabar extract crawl.warc.gz --format markdown --output-dir articles/\n  \
        curl -s https://example.com/a | khabar extract - --url https://example.com/a")]
    Extract(ExtractArgs),
    /// Crawl sites politely and extract their articles as they are fetched
    #[command(
        after_help = "Settings without a flag are read from the config's [crawl] \
        table (see docs/crawl.md).\n\nExamples:\n  \
        khabar crawl https://example.com/ --max-pages 200 -o articles.ndjson\n  \
        khabar crawl https://example.com/feed.xml --every 15m --output-dir out/\n  \
        khabar crawl -i seeds.txt --stats stats.json"
    )]
    Crawl(CrawlArgs),
    /// Fetch the given addresses and extract them, following nothing (robots.txt obeyed)
    #[command(after_help = "Examples:\n  \
        khabar fetch https://example.com/news/1\n  \
        khabar fetch -i urls.txt -O articles.ndjson\n  \
        khabar fetch https://example.com/news/1 --format markdown")]
    Fetch(FetchArgs),
    /// Read Common Crawl's news archives (CC-NEWS) of a date range as they download, and extract the pages of the hosts asked for
    #[command(
        name = "ccnews",
        after_help = "Archives are read as they download; nothing is stored but the records, unless \
        --keep DIR. A second run with the same range does only what is left (see --state).\n\n\
        Examples:\n  \
        khabar ccnews --from 2024-03-01 --to 2024-03-31 --host aawsat.com -o aawsat.ndjson\n  \
        khabar ccnews --from 2024-03-01 --to 2024-03-01 --profiles --output-dir articles/\n  \
        khabar ccnews --from 2024-03-01 --to 2024-03-07 --host example.com --source /data/cc-mirror"
    )]
    Ccnews(CcNewsArgs),
    /// Show what the crawl state knows: counts, the last runs, hosts; or forget URLs
    State(StateArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(after_help = "Examples:\n  \
        khabar completions bash > ~/.local/share/bash-completion/completions/khabar\n  \
        khabar completions zsh > ~/.zfunc/_khabar")]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff)
    #[command(after_help = "Examples:\n  \
        khabar man | man -l -\n  \
        khabar man > ~/.local/share/man/man1/khabar.1")]
    Man,
}

/// What records are written as.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
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
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocArg {
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

/// What records are written as: the flags every command that writes records shares.
#[derive(Args)]
pub struct FormatArgs {
    /// Write NDJSON records, or each article as a Markdown, text or HTML document
    #[arg(long, value_enum, default_value = "ndjson")]
    pub format: FormatArg,
    /// Add the article as Markdown, text or HTML to each NDJSON record, in a field named so (`--include markdown,text`, or the flag given again)
    #[arg(long, value_enum, value_name = "FORMAT", value_delimiter = ',')]
    pub include: Vec<DocArg>,
}

impl FormatArgs {
    /// `--format` and `--include` as the sinks take them.
    pub fn output_format(&self) -> anyhow::Result<OutputFormat> {
        use khabar_extract::render::Format;
        let document = match self.format {
            FormatArg::Ndjson => None,
            FormatArg::Markdown => Some(Format::Markdown),
            FormatArg::Text => Some(Format::Text),
            FormatArg::Html => Some(Format::Html),
        };
        anyhow::ensure!(
            document.is_none() || self.include.is_empty(),
            "--include adds fields to NDJSON records: it does not go with --format {}",
            document.map_or("", Format::name)
        );
        let mut fields: Vec<Format> = self.include.iter().map(|&d| d.into()).collect();
        fields.dedup();
        Ok(OutputFormat { document, fields })
    }
}

/// Where records go: standard output, a file appended to or replaced, or a folder.
#[derive(Args)]
pub struct OutputArgs {
    /// Append records to FILE instead of writing them to stdout
    #[arg(short, long, value_name = "FILE", conflicts_with_all = ["replace", "output_dir"])]
    pub output: Option<PathBuf>,
    /// Write records to FILE, replacing what it held
    #[arg(
        short = 'O',
        long = "output-replace",
        value_name = "FILE",
        conflicts_with = "output_dir"
    )]
    pub replace: Option<PathBuf>,
    /// Write records to files in DIR: one per article with a document --format (named by its id); for a crawl's NDJSON a file per hour (or day, --rotate daily), named by UTC time; for extract's NDJSON one ID.json per article
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

impl OutputArgs {
    /// The destination; `rotate` applies to a crawl's NDJSON in a folder.
    pub fn destination(&self, format: &OutputFormat, rotate: Option<Rotate>) -> Destination {
        match (&self.output, &self.replace, &self.output_dir) {
            (Some(f), _, _) => Destination::File(f.clone()),
            (None, Some(f), _) => Destination::Replace(f.clone()),
            (None, None, Some(d)) => match rotate {
                Some(rotate) if format.document.is_none() => Destination::Dir {
                    dir: d.clone(),
                    rotate,
                },
                _ => Destination::Files(d.clone()),
            },
            (None, None, None) => Destination::Stdout,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RotateArg {
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

#[derive(Args)]
pub struct StateArgs {
    /// The crawl state [default: the config's [crawl] frontier if set, else .khabar/state.db beside the config]
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,
    /// A shared frontier: redis://HOST:PORT/DB (rediss:// for TLS)
    #[arg(long, value_name = "URL", conflicts_with = "state")]
    pub frontier: Option<String>,
    /// Forget this URL, so the next crawl fetches it anew
    #[arg(long, value_name = "URL")]
    pub forget: Vec<String>,
    /// Forget every URL of this host, on any port (`localhost` takes `localhost:8080` too)
    #[arg(long, alias = "host", value_name = "HOST")]
    pub forget_host: Vec<String>,
}

/// The flags made from the `[crawl]` keys' definitions
/// ([`khabar_crawl::settings::KEYS`]), each overriding its key for one run: those of how
/// requests are sent for `fetch` (`CRAWL = false`), all of them for `crawl`.
#[derive(Default)]
pub struct SettingFlags<const CRAWL: bool> {
    /// Each flag given, with its key and its text (empty for a switch).
    pub given: Vec<(&'static Key, String)>,
}

/// The heading the settings' flags are listed under in `--help`.
const SETTINGS_HEADING: &str = "Settings (each overrides the [crawl] key named in its help)";

fn flagged(crawl: bool) -> impl Iterator<Item = (&'static Key, &'static Flag)> {
    KEYS.iter().filter_map(move |k| {
        let f = k.flag.as_ref()?;
        (crawl || f.scope == Scope::Request).then_some((k, f))
    })
}

impl<const CRAWL: bool> clap::FromArgMatches for SettingFlags<CRAWL> {
    fn from_arg_matches(m: &clap::ArgMatches) -> Result<Self, clap::Error> {
        let mut flags = Self::default();
        flags.update_from_arg_matches(m)?;
        Ok(flags)
    }

    fn update_from_arg_matches(&mut self, m: &clap::ArgMatches) -> Result<(), clap::Error> {
        for (k, f) in flagged(CRAWL) {
            if f.value.is_empty() {
                if m.get_flag(k.name) {
                    self.given.push((k, String::new()));
                }
            } else if let Some(v) = m.get_one::<String>(k.name) {
                self.given.push((k, v.clone()));
            }
        }
        Ok(())
    }
}

impl<const CRAWL: bool> Args for SettingFlags<CRAWL> {
    fn augment_args(mut cmd: clap::Command) -> clap::Command {
        let defaults = CrawlSettings::default();
        for (k, f) in flagged(CRAWL) {
            let says = if f.says.is_empty() { k.doc } else { f.says };
            let mut says = says.replace('`', "");
            if let Some(first) = says.get(..1) {
                says.replace_range(..1, &first.to_uppercase());
            }
            let default = match k.shown(&defaults) {
                Some(d) if !f.value.is_empty() => format!("default: {d}; "),
                _ => String::new(),
            };
            let arg = clap::Arg::new(k.name)
                .long(f.long)
                .help(format!("{says} [{default}config: {}]", k.name))
                .help_heading(SETTINGS_HEADING);
            cmd = cmd.arg(if f.value.is_empty() {
                arg.action(clap::ArgAction::SetTrue)
            } else {
                arg.value_name(f.value).action(clap::ArgAction::Set)
            });
        }
        cmd
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// Start addresses given on the command line and in a file.
#[derive(Args)]
pub struct UrlArgs {
    /// Read addresses from FILE, one per line (`-` for standard input; blank lines and lines starting with # are skipped)
    #[arg(short = 'i', long = "input-file", value_name = "FILE")]
    pub input_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct CrawlArgs {
    /// Start addresses: article or section pages, RSS/Atom/JSON feeds, sitemaps [default: the config's [crawl] seeds]
    #[arg(value_name = "URL")]
    pub seeds: Vec<String>,
    #[command(flatten)]
    pub urls: UrlArgs,
    #[command(flatten)]
    pub settings: SettingFlags<true>,
    /// Write the run's statistics to FILE as JSON (replaced after each run)
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub format: FormatArgs,
    /// How often --output-dir starts a new file
    #[arg(long, value_enum, default_value = "hourly", requires = "output_dir")]
    pub rotate: RotateArg,
    /// Crawl again this long after each run ends (90s, 15m, 1h, 1d), until Ctrl-C or SIGTERM
    #[arg(long, value_name = "DURATION")]
    pub every: Option<String>,
    /// The crawl state (what earlier runs fetched) [default: .khabar/state.db beside the config]
    #[arg(long, value_name = "PATH", conflicts_with = "no_state")]
    pub state: Option<PathBuf>,
    /// A one-shot crawl: no state read or written
    #[arg(long)]
    pub no_state: bool,
    /// Share one frontier and crawl state with other workers on a Redis server: redis://HOST:PORT/DB (rediss:// for TLS) [default: the config's [crawl] frontier]
    #[arg(long, value_name = "URL", conflicts_with_all = ["state", "no_state"])]
    pub frontier: Option<String>,
    /// Also write every response received to web archives (.warc.gz) in DIR
    #[arg(long, value_name = "DIR")]
    pub warc: Option<PathBuf>,
    /// Start a new WARC file once one reaches this many megabytes
    #[arg(long, value_name = "MB", default_value_t = 1000, requires = "warc")]
    pub warc_max_mb: u64,
}

#[derive(Args)]
pub struct FetchArgs {
    /// Addresses of pages to fetch and extract
    #[arg(value_name = "URL")]
    pub urls: Vec<String>,
    #[command(flatten)]
    pub input: UrlArgs,
    #[command(flatten)]
    pub settings: SettingFlags<false>,
    /// Write the run's statistics to FILE as JSON
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args)]
pub struct CcNewsArgs {
    /// The first day, UTC (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = khabar_crawl::ccnews::parse_day)]
    pub from: khabar_crawl::ccnews::NaiveDate,
    /// The last day, UTC, included (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", value_parser = khabar_crawl::ccnews::parse_day)]
    pub to: khabar_crawl::ccnews::NaiveDate,
    /// Keep pages on HOST and its subdomains (give the flag again for more hosts)
    #[arg(long = "host", value_name = "HOST")]
    pub hosts: Vec<String>,
    /// Keep pages on the hosts the config's site profiles cover, too
    #[arg(long)]
    pub profiles: bool,
    /// Where CC-NEWS is read from: a base address (a mirror) or a folder laid out as crawl-data/CC-NEWS/YYYY/MM/
    #[arg(long, value_name = "URL|DIR", default_value = khabar_crawl::ccnews::DEFAULT_SOURCE)]
    pub source: String,
    /// Archives read at once, one connection each (at most 16)
    #[arg(long, value_name = "N", default_value_t = khabar_crawl::ccnews::DEFAULT_CONNECTIONS)]
    pub connections: usize,
    /// Extraction threads [default: the number of CPUs]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Also keep a copy of each archive read in DIR, at its path below the source
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// What earlier runs read, so that a run does only what is left [default: .khabar/ccnews.db beside the config]
    #[arg(long, value_name = "PATH", conflicts_with = "no_state")]
    pub state: Option<PathBuf>,
    /// Remember nothing: read every archive of the range from its start
    #[arg(long)]
    pub no_state: bool,
    /// Stop after writing N records (the next run goes on from there)
    #[arg(long, value_name = "N")]
    pub max_records: Option<u64>,
    /// How many times a failed request or a broken transfer is tried again
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub retries: u32,
    /// Seconds to wait for a connection, an answer, or the next bytes of a transfer
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    pub timeout: u64,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Args)]
pub struct ExtractArgs {
    /// Saved pages, web archives (.warc, .warc.gz), directories of them (searched for .html/.htm/.xhtml/.shtml/.warc/.warc.gz), or `-` for stdin
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    /// The address of the page (one input only): picks the profile and resolves relative links
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// NDJSON file of {"file", "url"} lines; files are relative to the INPUT directory, else to the manifest's
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// Profile for pages whose host no profile covers
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Explain on stderr where each field of each record came from
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub format: FormatArgs,
    /// Worker threads [default: the number of CPUs]
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_definitions_hold_together() {
        Cli::command().debug_assert();
    }
}
