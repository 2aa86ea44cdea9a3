//! `cargo xtask test`: every test layer in order, stopping at the first failure.

use std::fs;
use std::path::Path;

use crate::cmd::{self, step, warn, Cmd};
use crate::sizes::FileSize;
use crate::workspace::Workspace;
use crate::{budget, dist, install, Result};

/// What one layer hands to a later one.
#[derive(Default)]
struct State {
    sizes: Vec<FileSize>,
    /// Whether Debian's `pg_virtualenv` can give the native tests a throwaway PostgreSQL.
    postgres: bool,
}

/// A layer's name and what it runs; `Ok(Some(reason))` when it was skipped.
type Layer = (
    &'static str,
    fn(&Workspace, &mut State) -> Result<Option<String>>,
);

const LAYERS: &[Layer] = &[
    ("formatting and lints (cargo fmt, cargo clippy)", lint),
    ("install Chromium and ChromeDriver", |_, _| {
        install::chromium().map(|()| None)
    }),
    ("PostgreSQL for the inbox's store tests", postgres),
    ("native tests (cargo test --workspace)", native),
    ("build dist/", |ws, state| {
        state.sizes = dist::run(ws)?;
        Ok(None)
    }),
    ("browser tests of the wasm in headless Chromium", browser),
    ("end-to-end tests (node --test tests/e2e/)", end_to_end),
    ("the npm package in real apps (tests/bundlers/)", bundlers),
    ("size budget (size-budget.json)", |ws, state| {
        budget::check_dist(ws, &state.sizes).map(|()| None)
    }),
];

pub fn run(ws: &Workspace) -> Result {
    let mut state = State::default();
    let mut summary = Vec::new();
    let mut failed = None;
    for (name, layer) in LAYERS {
        let outcome = match failed {
            Some(_) => "not run".to_string(),
            None => match layer(ws, &mut state) {
                Ok(None) => "passed".to_string(),
                Ok(Some(reason)) => format!("skipped ({reason})"),
                Err(error) => {
                    let first_line = error.lines().next().unwrap_or_default().to_string();
                    failed = Some(format!("{name}: {error}"));
                    format!("FAILED: {first_line}")
                }
            },
        };
        summary.push(format!("    {name:<50} {outcome}"));
    }
    drop(state);
    println!("\n==> summary of cargo xtask test\n{}", summary.join("\n"));
    failed.map_or(Ok(()), Err)
}

fn lint(ws: &Workspace, _: &mut State) -> Result<Option<String>> {
    install::rust_components(&["rustfmt", "clippy"])?;
    step("check the formatting (`cargo fmt --all` fixes it)");
    ws.cargo("fmt --all --check").run()?;
    step("lint every crate and target, warnings as errors");
    ws.cargo("clippy --workspace --all-targets -- -D warnings")
        .run()?;
    Ok(None)
}

fn postgres(_: &Workspace, state: &mut State) -> Result<Option<String>> {
    let why = "for the inbox's store tests";
    let Err(reason) = install::debian("postgresql", why, "pg_virtualenv") else {
        state.postgres = true;
        return Ok(None);
    };
    let reason = format!("PostgreSQL unavailable, the inbox tests run on SQLite only: {reason}");
    warn(&reason);
    Ok(Some(reason))
}

/// `cargo test --workspace`, with PostgreSQL inside Debian's `pg_virtualenv`: it creates a
/// throwaway cluster (in a temporary directory; fsync off, as its data need not survive a power
/// cut), runs the tests with `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` and `PGDATABASE` set, and
/// drops it. The inbox's tests must then use it: a skipped backend would be a failure.
fn native(ws: &Workspace, state: &mut State) -> Result<Option<String>> {
    step("run the native tests");
    if state.postgres {
        // The inbox's tests read the server's address as one URL.
        let url = "postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE";
        Cmd::new("pg_virtualenv")
            .args(["-t", "-o", "fsync=off", "-o", "max_connections=200"])
            .args(["sh", "-c"])
            .arg(format!("DATABASE_URL={url} exec \"$@\""))
            .arg("sh")
            .arg(cmd::cargo_path())
            .args(["test", "--workspace"])
            .env("INBOX_REQUIRE_POSTGRES", "1")
            .current_dir(&ws.root)
            .run()?;
    } else {
        ws.cargo("test --workspace")
            .env_remove("DATABASE_URL")
            .run()?;
    }
    step(
        "run the core's tests as the visitor's wasm builds it: without its messages, every \
         problem at the same path",
    );
    ws.cargo("test -p widget-core --no-default-features")
        .run()?;
    Ok(None)
}

/// The widget's `wasm_bindgen_test`s, run by wasm-bindgen-test-runner in headless Chromium
/// through ChromeDriver, with the capabilities (Chromium's path and flags) of `webdriver.json`.
fn browser(ws: &Workspace, _: &mut State) -> Result<Option<String>> {
    // On the stable toolchain, unlike the shipped wasm (`wasm.rs`).
    install::rust_components(&[&format!("rust-std-{}", install::WASM_TARGET)])?;
    step("run the browser tests of the wasm in headless Chromium");
    let webdriver_json = ws.root.join("webdriver.json");
    if !webdriver_json.is_file() {
        return Err(format!("{} is missing", webdriver_json.display()));
    }
    let mut command = ws
        .cargo("test -p contact-widget --target")
        .arg(install::WASM_TARGET)
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", install::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver_json)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60")
        // Test binaries without `run_in_browser` would otherwise run in Node.
        .env("WASM_BINDGEN_USE_BROWSER", "1");
    // Anything that would make the runner pick another driver, browser or mode.
    let others = "GECKODRIVER SAFARIDRIVER MSEDGEDRIVER GECKODRIVER_REMOTE SAFARIDRIVER_REMOTE \
        CHROMEDRIVER_REMOTE MSEDGEDRIVER_REMOTE NO_HEADLESS WASM_BINDGEN_TEST_ONLY_NODE \
        WASM_BINDGEN_USE_NODE_EXPERIMENTAL WASM_BINDGEN_USE_DENO WASM_BINDGEN_USE_DEDICATED_WORKER \
        WASM_BINDGEN_USE_SHARED_WORKER WASM_BINDGEN_USE_SERVICE_WORKER";
    for var in others.split_whitespace() {
        command = command.env_remove(var);
    }
    command.run()?;
    Ok(None)
}

/// Every `tests/e2e/*.test.mjs`; a missing or empty folder fails, as a layer that ran nothing.
fn end_to_end(ws: &Workspace, _: &mut State) -> Result<Option<String>> {
    install::npm_packages(&ws.root, "tests/e2e", "end-to-end tests")?;
    let tests = listed(ws, "tests/e2e", "*.test.mjs to run", |path| {
        path.to_string_lossy().ends_with(".test.mjs")
    })?;
    let inbox = ws.inbox(false)?;
    step(&format!(
        "run the {} end-to-end test files in headless Chromium",
        tests.len()
    ));
    Cmd::new("node")
        .args(["--test", "--test-concurrency=1"])
        .args(tests)
        .current_dir(&ws.root)
        .env("INBOX_BIN", inbox)
        .env("DIST_DIR", ws.dist())
        .env("WWW_DIR", ws.www())
        .env("CHROMIUM", install::CHROMIUM)
        .run()?;
    Ok(None)
}

/// The packed npm package installed into real apps, each built by its bundler and used in
/// Chromium, and linted by publint and arethetypeswrong. Every folder of tests/bundlers/ with a
/// lock file is an app: its packages are installed when the lock file changed.
fn bundlers(ws: &Workspace, _: &mut State) -> Result<Option<String>> {
    const DIR: &str = "tests/bundlers";
    install::npm_packages(&ws.root, DIR, "publint and arethetypeswrong")?;
    let apps = listed(ws, DIR, "app (a folder with a package-lock.json)", |path| {
        path.join("package-lock.json").is_file()
    })?;
    for app in apps {
        install::npm_packages(&ws.root, &app, "an app of the bundler tests")?;
    }
    step("build the apps for production with the packed package and use them in Chromium");
    Cmd::new("node")
        .args(["--test", "--test-concurrency=1"])
        .arg(format!("{DIR}/bundlers.test.mjs"))
        .current_dir(&ws.root)
        .env("DIST_DIR", ws.dist())
        .env("CHROMIUM", install::CHROMIUM)
        .run()?;
    Ok(None)
}

/// The entries of `dir` (relative to the root) that `wanted` keeps, as `dir/NAME`, sorted; none
/// fails, as a layer that would run nothing (it lacks `what`).
fn listed(ws: &Workspace, dir: &str, what: &str, wanted: fn(&Path) -> bool) -> Result<Vec<String>> {
    let entries = fs::read_dir(ws.root.join(dir)).map_err(|e| format!("cannot list {dir}: {e}"))?;
    let mut names: Vec<String> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| wanted(path))
        .filter_map(|path| Some(format!("{dir}/{}", path.file_name()?.to_str()?)))
        .collect();
    if names.is_empty() {
        return Err(format!("{dir} has no {what}"));
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_test_folder_fails() {
        let root = std::env::temp_dir().join(format!("xtask-listed-{}", std::process::id()));
        let ws = Workspace {
            target: root.join("target"),
            root,
        };
        let is_test = |path: &Path| path.to_string_lossy().ends_with(".test.mjs");
        assert!(listed(&ws, "e2e", "tests", is_test).is_err(), "missing");
        fs::create_dir_all(ws.root.join("e2e")).unwrap();
        assert!(listed(&ws, "e2e", "tests", is_test).is_err(), "empty");
        for name in ["b.test.mjs", "notes.md", "a.test.mjs"] {
            fs::write(ws.root.join("e2e").join(name), "").unwrap();
        }
        let tests = listed(&ws, "e2e", "tests", is_test);
        fs::remove_dir_all(&ws.root).unwrap();
        assert_eq!(tests.unwrap(), ["e2e/a.test.mjs", "e2e/b.test.mjs"]);
    }
}
