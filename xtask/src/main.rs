//! `cargo xtask <command>`: builds, serves and tests the contact widget on a fresh machine.
//!
//! Every command installs what it needs first (each install checks and skips when already
//! satisfied), prints `==> what it is doing` before every step, and exits non-zero with a
//! message when a step fails.

mod bench;
mod budget;
mod cmd;
mod demo;
mod dist;
mod docs;
mod files;
mod install;
mod integrity;
mod package;
mod sizes;
mod static_binary;
mod test;
mod wasm;
mod workspace;

use std::process::ExitCode;

use workspace::Workspace;

/// Errors are messages for the person at the terminal.
pub type Result<T = (), E = String> = std::result::Result<T, E>;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  dist              build dist/ (the loader, the wasm and its bindings, types, schema, SRI hashes,
                    the npm package.json) and the docs site www/docs/
  docs              generate only the docs site www/docs/ from docs/*.md
  demo [--port N]   build dist/ and serve the demo site on http://127.0.0.1:N/ (default 8080)
  test              install Chromium, ChromeDriver and npm packages, then run every test layer
  bench [inbox|takeover|scale|widget|size] [--rate N] [--duration SECS] [--runs N] [--note TEXT]
                    the benchmark, every part unless one is named: the inbox on SQLite (steady
                    --rate for --duration, then peak, then pages, searches and a full export at
                    a million messages, then a forwarding job's takeover after a SIGKILL;
                    `scale` and `takeover` redo only their section) to bench/inbox.md; what the
                    widget costs a page in headless Chromium (--runs visits per page and CPU
                    setting, default 9; --note adds a sentence to the report) to bench/widget.md;
                    what each feature costs in the shipped wasm (bytes by function path) to
                    bench/size.md
  static            build the inbox as one static binary (x86_64-unknown-linux-musl)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    cmd::put_cargo_bin_on_path();
    let result = match (command.as_str(), rest) {
        ("dist", []) => Workspace::find().and_then(|ws| dist::run(&ws).map(drop)),
        ("docs", []) => Workspace::find().and_then(|ws| docs::run(&ws)),
        ("demo", rest) => demo::parse_port(rest)
            .and_then(|port| Workspace::find().and_then(|ws| demo::run(&ws, port))),
        ("test", []) => Workspace::find().and_then(|ws| test::run(&ws)),
        ("bench", rest) => bench::parse(rest)
            .and_then(|options| Workspace::find().and_then(|ws| bench::run(&ws, &options))),
        ("static", []) => Workspace::find().and_then(|ws| static_binary::run(&ws)),
        ("help" | "--help" | "-h", _) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!(
                "unknown command or arguments: {}\n\n{USAGE}",
                args.join(" ")
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: cargo xtask {command}: {message}");
            ExitCode::FAILURE
        }
    }
}
