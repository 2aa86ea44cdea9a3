//! `cargo xtask demo`: builds dist/ and serves the demo site with the inbox server.

use std::fs;

use crate::cmd::{self, step, Cmd};
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
    match value.parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(format!(
            "--port wants a port number from 1 to 65535, not {value:?}"
        )),
    }
}

pub fn run(ws: &Workspace, port: u16) -> Result {
    dist::run(ws)?;
    step("build the inbox server");
    cmd::cargo()
        .args(["build", "-p", "inbox"])
        .current_dir(&ws.root)
        .run()?;
    let data = ws.root.join("data");
    fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    step(&format!(
        "serve the demo on http://127.0.0.1:{port}/ (Ctrl+C stops it)"
    ));
    println!("\n    demo:         http://127.0.0.1:{port}/");
    println!("    configurator: http://127.0.0.1:{port}/configurator.html");
    println!("    docs:         http://127.0.0.1:{port}/docs/index.html\n");
    Cmd::new(ws.debug_binary("inbox"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .args([
            "--db",
            "data/inbox.sqlite3",
            "--www",
            "www",
            "--dist",
            "dist",
        ])
        .current_dir(&ws.root)
        .run()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_port() {
        fn check(args: &[&str], expected: Result<u16, &str>) {
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            let got = parse_port(&args);
            match expected {
                Ok(port) => assert_eq!(got, Ok(port), "{args:?}"),
                Err(part) => assert!(
                    got.as_ref().is_err_and(|e| e.contains(part)),
                    "{args:?}: {got:?}"
                ),
            }
        }
        check(&[], Ok(8080));
        check(&["--port", "9000"], Ok(9000));
        check(&["--port=3000"], Ok(3000));
        check(&["--port", "0"], Err("1 to 65535"));
        check(&["--port", "70000"], Err("1 to 65535"));
        check(&["--port"], Err("usage"));
        check(&["--host", "0.0.0.0"], Err("usage"));
    }
}
