//! Structured logs on stderr (stdout carries only the startup line harnesses wait for):
//! human-readable text by default, one JSON object per line with `log_format = "json"`.
//! The level comes from `INBOX_LOG` (`error`, `warn`, `info` (default), `debug`, `trace`).

use tracing::level_filters::LevelFilter;

use crate::config::LogFormat;

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(format: LogFormat, level: Option<&str>) {
    let level = match level.unwrap_or("info").to_ascii_lowercase().as_str() {
        "error" => LevelFilter::ERROR,
        "warn" => LevelFilter::WARN,
        "debug" => LevelFilter::DEBUG,
        "trace" => LevelFilter::TRACE,
        "off" => LevelFilter::OFF,
        _ => LevelFilter::INFO,
    };
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level);
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(false).try_init(),
    };
}
