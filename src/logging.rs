//! Diagnostics on stderr, through `tracing`, as `khabar: warning: message` lines. Standard
//! output carries records only.

use std::fmt;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

struct PlainFormat;

impl<S, N> FormatEvent<S, N> for PlainFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let tag = match *event.metadata().level() {
            Level::ERROR => "error",
            Level::WARN => "warning",
            Level::INFO => "info",
            _ => "debug",
        };
        write!(writer, "khabar: {tag}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// khabar's own crates: `-v` shows their debug lines, and only theirs.
const OWN_CRATES: [&str; 4] = ["khabar", "khabar_extract", "khabar_crawl", "khabar_warc"];

/// The filter for `-q` and each `-v`: errors only; khabar's information (the default);
/// khabar's debug lines (`-v`) and trace lines (`-vv`), the libraries' warnings only;
/// everything of everyone (`-vvv`, the HTML parser's and HTTP pool's internals included).
fn filter_for(quiet: bool, verbose: u8) -> String {
    let own = |level: &str| {
        OWN_CRATES
            .iter()
            .map(|c| format!("{c}={level}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    match (quiet, verbose) {
        (true, _) => "error".into(),
        (false, 0) => format!("warn,{}", own("info")),
        (false, 1) => format!("warn,{}", own("debug")),
        (false, 2) => format!("warn,{}", own("trace")),
        _ => "trace".into(),
    }
}

/// Sets up logging: `quiet` shows errors only, each `verbose` step shows more (see
/// [`filter_for`]); `KHABAR_LOG` (e.g. `KHABAR_LOG=debug`) overrides both.
pub fn init(quiet: bool, verbose: u8) {
    let filter = EnvFilter::try_from_env("KHABAR_LOG")
        .unwrap_or_else(|_| EnvFilter::new(filter_for(quiet, verbose)));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .event_format(PlainFormat)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_shows_more_and_libraries_come_last() {
        assert_eq!(filter_for(true, 3), "error");
        assert!(filter_for(false, 0).contains("khabar_crawl=info"));
        let v = filter_for(false, 1);
        assert!(
            v.starts_with("warn,") && v.contains("khabar_extract=debug"),
            "{v}"
        );
        assert_eq!(filter_for(false, 3), "trace");
        for f in [0, 1, 2, 3].map(|v| filter_for(false, v)) {
            EnvFilter::try_new(&f).unwrap();
        }
    }
}
