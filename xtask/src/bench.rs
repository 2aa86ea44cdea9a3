//! `cargo xtask bench [inbox|takeover|scale|widget|size]`: the benchmark, every part unless one is
//! named. The inbox parts run the benchmark program `bench/inbox` against the release inbox and
//! write `bench/inbox.md` (`takeover` and `scale` replace only their section); the widget part
//! builds `dist/` and runs `bench/widget.mjs`, which writes `bench/widget.md`; the size part
//! (`size_report.rs`) writes `bench/size.md`.

use std::time::Duration;

use crate::cmd::{self, note, step, Cmd};
use crate::workspace::Workspace;
use crate::{dist, install, size_report, Result};

pub const USAGE: &str =
    "cargo xtask bench [inbox|takeover|scale|widget|size] [--rate N] [--duration SECS] [--runs N] [--note TEXT]";

#[derive(Debug, PartialEq)]
pub struct Options {
    /// The inbox's part, if any: `inbox` (the load, a million messages, the takeover),
    /// `takeover` or `scale` alone.
    pub inbox: Option<&'static str>,
    pub widget: bool,
    pub size: bool,
    /// Inbox: submissions per second in the steady phase, and how long it lasts.
    pub rate: u32,
    pub duration: Duration,
    /// Widget: visits of each page per CPU setting.
    pub runs: u32,
    /// Widget: a sentence for the report, e.g. that the machine was shared.
    pub note: Option<String>,
}

/// `[inbox|takeover|scale|widget|size] [--rate N] [--duration SECS] [--runs N] [--note TEXT]`.
pub fn parse(args: &[String]) -> Result<Options> {
    let mut options = Options {
        inbox: Some("inbox"),
        widget: true,
        size: true,
        rate: 200,
        duration: Duration::from_secs(60),
        runs: 9,
        note: None,
    };
    let mut rest = args;
    if let [part, more @ ..] = args {
        let only = |inbox, widget, size| (inbox, widget, size);
        let parts = match part.as_str() {
            "inbox" => Some(only(Some("inbox"), false, false)),
            "takeover" => Some(only(Some("takeover"), false, false)),
            "scale" => Some(only(Some("scale"), false, false)),
            "widget" => Some(only(None, true, false)),
            "size" => Some(only(None, false, true)),
            _ => None,
        };
        if let Some((inbox, widget, size)) = parts {
            (options.inbox, options.widget, options.size) = (inbox, widget, size);
            rest = more;
        }
    }
    while let [flag, more @ ..] = rest {
        if !flag.starts_with("--") {
            return Err(format!("unknown argument {flag:?}; usage: {USAGE}"));
        }
        let [value, more @ ..] = more else {
            return Err(format!("{flag} needs a value"));
        };
        rest = more;
        if flag == "--note" {
            options.note = Some(value.clone());
            continue;
        }
        let number = match value.parse::<u32>() {
            Ok(0) => return Err(format!("{flag} must be at least 1")),
            Ok(n) => n,
            Err(_) => {
                return Err(format!(
                    "{flag} wants a positive whole number, not {value:?}"
                ))
            }
        };
        match flag.as_str() {
            "--rate" => options.rate = number,
            "--duration" => options.duration = Duration::from_secs(number.into()),
            "--runs" => options.runs = number,
            _ => return Err(format!("unknown argument {flag:?}; usage: {USAGE}")),
        }
    }
    Ok(options)
}

pub fn run(ws: &Workspace, options: &Options) -> Result {
    if let Some(part) = options.inbox {
        inbox(ws, part, options)?;
    }
    if options.widget {
        widget(ws, options)?;
    }
    if options.size {
        size_report::run(ws)?;
    }
    Ok(())
}

/// `bench/inbox` (the program `inbox-bench`) against the release inbox; the million-message
/// part fills the store with sqlite3.
fn inbox(ws: &Workspace, part: &str, options: &Options) -> Result {
    if part != "takeover" {
        step(
            "ensure sqlite3 (Debian package sqlite3), which fills the store to a million messages",
        );
        match cmd::which("sqlite3") {
            Some(path) => note(&format!("already installed: {}", path.display())),
            None => install::apt_install(&["sqlite3"])?,
        }
    }
    build_release_inbox(ws)?;
    step(&format!(
        "the inbox benchmark ({part}), written to bench/inbox.md"
    ));
    cmd::cargo()
        .args([
            "run",
            "--release",
            "-p",
            "inbox-bench",
            "--",
            part,
            "--report",
            "bench/inbox.md",
        ])
        .arg("--binary")
        .arg(ws.target.join("release/inbox"))
        .args(["--rate", &options.rate.to_string()])
        .args(["--duration", &options.duration.as_secs().to_string()])
        .current_dir(&ws.root)
        .run()
}

fn build_release_inbox(ws: &Workspace) -> Result {
    step("build the inbox server (release)");
    cmd::cargo()
        .args(["build", "--release", "-p", "inbox"])
        .current_dir(&ws.root)
        .run()
}

/// The widget half: `bench/widget.mjs` against a fresh `dist/` served by the release inbox.
fn widget(ws: &Workspace, options: &Options) -> Result {
    install::chromium()?;
    dist::run(ws)?;
    build_release_inbox(ws)?;
    install::npm_packages(
        &ws.root,
        "tests/e2e",
        "playwright-core for the widget benchmark",
    )?;
    step(&format!(
        "widget benchmark in headless Chromium: {} visits of each page per CPU setting",
        options.runs
    ));
    let mut command = Cmd::new("node")
        .args(["bench/widget.mjs", "--runs", &options.runs.to_string()])
        .args(["--out", "bench/widget.md"])
        .current_dir(&ws.root)
        .env("INBOX_BIN", ws.target.join("release/inbox"))
        .env("DIST_DIR", ws.dist())
        .env("WWW_DIR", ws.www())
        .env("CHROMIUM", install::CHROMIUM);
    if let Some(note) = &options.note {
        command = command.args(["--note", note]);
    }
    command.run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_options() {
        let parse_str = |args: &str| {
            let args: Vec<String> = args.split_whitespace().map(String::from).collect();
            parse(&args)
        };
        let o = parse_str("").unwrap();
        assert_eq!((o.inbox, o.widget, o.size), (Some("inbox"), true, true));
        assert_eq!(
            (o.rate, o.duration, o.runs),
            (200, Duration::from_secs(60), 9)
        );
        let o = parse_str("--rate 50 --duration 5").unwrap();
        assert_eq!(
            (o.inbox, o.rate, o.duration),
            (Some("inbox"), 50, Duration::from_secs(5))
        );
        let o = parse(&["widget", "--runs", "3", "--note", "shared machine"].map(String::from))
            .unwrap();
        assert_eq!((o.inbox, o.widget, o.size, o.runs), (None, true, false, 3));
        assert_eq!(o.note.as_deref(), Some("shared machine"));
        for (part, inbox, widget, size) in [
            ("inbox", Some("inbox"), false, false),
            ("takeover", Some("takeover"), false, false),
            ("scale", Some("scale"), false, false),
            ("size", None, false, true),
        ] {
            let o = parse_str(part).unwrap();
            assert_eq!((o.inbox, o.widget, o.size), (inbox, widget, size), "{part}");
        }
        for (args, error) in [
            ("--runs 0", "at least 1"),
            ("browser", "unknown argument"),
            ("--rate", "needs a value"),
            ("--rate 0", "at least 1"),
            ("--fast 1", "unknown argument"),
        ] {
            assert!(parse_str(args).is_err_and(|e| e.contains(error)), "{args}");
        }
    }
}
