//! `cargo xtask bench [inbox|takeover|scale|widget|size]`: the benchmark, every part unless one is
//! named. Each part builds what it measures and runs the program that measures it: `bench/inbox`
//! against the release inbox (`bench/inbox.md`; `takeover` and `scale` replace only their
//! section), `bench/widget.mjs` against a fresh `dist/` (`bench/widget.md`), and `bench/size` on
//! the wasm as shipped and with its names (`bench/size.md`).

use std::path::PathBuf;

use crate::cmd::{note, step, warn, Cmd};
use crate::workspace::Workspace;
use crate::{dist, files, install, wasm, Result};

pub const USAGE: &str = "cargo xtask bench [inbox|takeover|scale|widget|size] [--rate N] \
    [--duration SECS] [--runs N] [--note TEXT]";

#[derive(Debug, PartialEq)]
pub struct Options {
    /// The parts to run, in order: `inbox` (the load, a million messages, the takeover),
    /// `takeover`, `scale`, `widget`, `size`.
    pub parts: Vec<&'static str>,
    /// Inbox: submissions per second in the steady phase, and for how many seconds.
    pub rate: u32,
    pub duration: u32,
    /// Widget: visits of each page per CPU setting.
    pub runs: u32,
    /// Widget: a sentence for the report, e.g. that the machine was shared.
    pub note: Option<String>,
}

/// `[inbox|takeover|scale|widget|size] [--rate N] [--duration SECS] [--runs N] [--note TEXT]`.
pub fn parse(args: &[String]) -> Result<Options> {
    const PARTS: [&str; 5] = ["inbox", "takeover", "scale", "widget", "size"];
    let mut options = Options {
        parts: vec!["inbox", "widget", "size"],
        rate: 200,
        duration: 60,
        runs: 9,
        note: None,
    };
    let mut rest = args;
    if let Some(part) = PARTS
        .iter()
        .find(|part| args.first() == Some(&part.to_string()))
    {
        options.parts = vec![part];
        rest = &args[1..];
    }
    for pair in rest.chunks(2) {
        let flag = &pair[0];
        if !flag.starts_with("--") {
            return Err(format!("unknown argument {flag:?}; usage: {USAGE}"));
        }
        let Some(value) = pair.get(1) else {
            return Err(format!("{flag} needs a value"));
        };
        if flag == "--note" {
            options.note = Some(value.clone());
            continue;
        }
        let number = match value.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => return Err(format!("{flag} wants a whole number from 1, not {value:?}")),
        };
        match flag.as_str() {
            "--rate" => options.rate = number,
            "--duration" => options.duration = number,
            "--runs" => options.runs = number,
            _ => return Err(format!("unknown argument {flag:?}; usage: {USAGE}")),
        }
    }
    Ok(options)
}

pub fn run(ws: &Workspace, options: &Options) -> Result {
    for part in &options.parts {
        match *part {
            "widget" => widget(ws, options)?,
            "size" => size(ws)?,
            inbox => self::inbox(ws, inbox, options)?,
        }
    }
    Ok(())
}

/// `bench/inbox` (the program `inbox-bench`) against the release inbox; the million-message
/// part fills the store with sqlite3.
fn inbox(ws: &Workspace, part: &str, options: &Options) -> Result {
    if part != "takeover" {
        let why = "fills the store to a million messages";
        install::debian("sqlite3", why, "sqlite3")?;
    }
    let inbox = ws.inbox(true)?;
    step(&format!(
        "the inbox benchmark ({part}), written to bench/inbox.md"
    ));
    ws.cargo("run --release -p inbox-bench --")
        .arg(part)
        .args(["--report", "bench/inbox.md", "--binary"])
        .arg(inbox)
        .args(["--rate", &options.rate.to_string()])
        .args(["--duration", &options.duration.to_string()])
        .run()
}

/// The widget half: `bench/widget.mjs` against a fresh `dist/` served by the release inbox.
fn widget(ws: &Workspace, options: &Options) -> Result {
    install::chromium()?;
    dist::run(ws)?;
    let inbox = ws.inbox(true)?;
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
        .env("INBOX_BIN", inbox)
        .env("DIST_DIR", ws.dist())
        .env("WWW_DIR", ws.www())
        .env("CHROMIUM", install::CHROMIUM);
    if let Some(note) = &options.note {
        command = command.args(["--note", note]);
    }
    command.run()
}

/// The size half: the widget's wasm built as `cargo xtask dist` builds it, optimized as shipped
/// and again with `-g` (keeping the name section), then `bench/size` (the program `size-report`)
/// gives every byte to a feature and writes `bench/size.md`.
fn size(ws: &Workspace) -> Result {
    install::wasm_bindgen_cli(&ws.root)?;
    install::wasm_opt(&ws.root)?;
    let wasm = wasm::build(ws, wasm::Build::Widget)?;
    // The same build again, now fresh, for where its build script wrote the stylesheet.
    let messages = wasm::cargo_build(ws, wasm::Build::Widget)
        .arg("--message-format=json")
        .probe()
        .unwrap_or_default();
    let work = ws.target.join("size-report");
    files::fresh_dir(&work)?;
    step(&format!("generate the bindings into {}", work.display()));
    wasm::bindgen(&wasm, &work, "widget")?;
    let (shipped, named) = (work.join("shipped.wasm"), work.join("named.wasm"));
    step("optimize for size, as shipped and keeping the function names (wasm-opt -g)");
    for (out, keep_names) in [(&shipped, false), (&named, true)] {
        wasm::optimize(ws, &work.join("widget_bg.wasm"), out, keep_names)?;
    }
    let file = dist::hashed_name("widget_bg", "wasm", &files::read(&shipped)?);
    match ws.dist().join(&file).is_file() {
        true => note(&format!("the same bytes as dist/{file}")),
        false => warn(&format!(
            "dist/ has no {file}: it holds another build (run `cargo xtask dist`); this report \
             measures the build above"
        )),
    }
    let probe = |program: &str, args: &[&str]| {
        let output = Cmd::new(program).args(args).probe().unwrap_or_default();
        output.trim().to_string()
    };
    let wasm_opt = ws.root.join(install::WASM_OPT);
    let toolchain = format!(
        "{}; {}; binaryen {} (npm, node {})",
        probe("rustup", &["run", install::NIGHTLY, "rustc", "--version"]),
        probe("wasm-bindgen", &["--version"]),
        probe("node", &[&wasm_opt.to_string_lossy(), "--version"]),
        probe("node", &["--version"]),
    );
    step("give every function and string literal of the data to a feature: bench/size.md");
    let mut command = ws
        .cargo("run --release -p size-report -- --shipped")
        .arg(&shipped)
        .arg("--named")
        .arg(&named)
        .args(["--name", &file, "--toolchain", &toolchain, "--date"])
        .arg(probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"]))
        .args(["--report", "bench/size.md"]);
    match out_dir(&messages) {
        Some(out_dir) => command = command.arg("--out-dir").arg(out_dir),
        None => warn(
            "cargo did not say where the widget's build script writes; its files count as other \
             data",
        ),
    }
    command.run()
}

/// The widget's build-script output folder, from cargo's JSON messages of the (fresh) build.
fn out_dir(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "build-script-executed")
        .filter(|message| {
            message["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("contact-widget"))
        })
        .find_map(|message| Some(PathBuf::from(message["out_dir"].as_str()?)))
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
        assert_eq!(o.parts, ["inbox", "widget", "size"]);
        assert_eq!((o.rate, o.duration, o.runs), (200, 60, 9));
        let o = parse_str("scale --rate 50 --duration 5").unwrap();
        assert_eq!((o.parts, o.rate, o.duration), (vec!["scale"], 50, 5));
        let o = parse(&["widget", "--runs", "3", "--note", "shared machine"].map(String::from))
            .unwrap();
        assert_eq!((o.parts, o.runs), (vec!["widget"], 3));
        assert_eq!(o.note.as_deref(), Some("shared machine"));
        for (args, error) in [
            ("--runs 0", "from 1"),
            ("browser", "unknown argument"),
            ("--rate", "needs a value"),
            ("--fast 1", "unknown argument"),
        ] {
            assert!(parse_str(args).is_err_and(|e| e.contains(error)), "{args}");
        }
    }

    #[test]
    fn finds_the_widgets_build_script_output() {
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"x"}"#,
            r#"{"reason":"build-script-executed","package_id":"quote@1","out_dir":"/t/q"}"#,
            r#"{"reason":"build-script-executed","package_id":"contact-widget","out_dir":"/t/w"}"#,
        ]
        .join("\n");
        assert_eq!(out_dir(&messages), Some(PathBuf::from("/t/w")));
    }
}
