//! `cargo xtask demo`: builds dist/ and serves the demo site with the inbox server.

use std::fs;

use crate::cmd::{step, Cmd};
use crate::workspace::Workspace;
use crate::{dist, Result};

pub const DEFAULT_PORT: u16 = 8080;

/// The port from `[--port N]` (or `--port=N`).
pub fn parse_port(args: &[String]) -> Result<u16> {
    let value = match args {
        [] => return Ok(DEFAULT_PORT),
        [flag, value] if flag == "--port" => value.as_str(),
        [flag] if flag.starts_with("--port=") => &flag["--port=".len()..],
        _ => {
            return Err(format!(
                "unexpected arguments {args:?}; usage: cargo xtask demo [--port N]"
            ))
        }
    };
    let port = value.parse::<u16>().ok().filter(|&port| port > 0);
    port.ok_or_else(|| format!("--port wants a port number from 1 to 65535, not {value:?}"))
}

pub fn run(ws: &Workspace, port: u16) -> Result {
    dist::run(ws)?;
    let inbox = ws.inbox(false)?;
    let data = ws.root.join("data");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    step(&format!(
        "serve the demo on http://127.0.0.1:{port}/ (Ctrl+C stops it)"
    ));
    println!("\n    demo:         http://127.0.0.1:{port}/");
    println!("    configurator: http://127.0.0.1:{port}/configurator.html");
    println!("    docs:         http://127.0.0.1:{port}/docs/index.html\n");
    Cmd::new(inbox)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args(["--db", "data/inbox.sqlite3"])
        .args(["--www", "www", "--dist", "dist"])
        .current_dir(&ws.root)
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_port() {
        for (args, expected) in [
            ("", Ok(8080)),
            ("--port 9000", Ok(9000)),
            ("--port=3000", Ok(3000)),
            ("--port 0", Err("1 to 65535")),
            ("--port 70000", Err("1 to 65535")),
            ("--port", Err("usage")),
            ("--host 0.0.0.0", Err("usage")),
        ] {
            let args: Vec<String> = args.split_whitespace().map(String::from).collect();
            match (parse_port(&args), expected) {
                (Ok(port), Ok(expected)) => assert_eq!(port, expected),
                (Err(error), Err(part)) => assert!(error.contains(part), "{args:?}: {error}"),
                (got, _) => panic!("{args:?}: {got:?}"),
            }
        }
    }
}
