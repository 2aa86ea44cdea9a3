//! `cargo xtask test`: every test layer in order, stopping at the first failure.

use std::fs;
use std::path::Path;

use crate::cmd::{self, note, step, warn, Cmd};
use crate::sizes::FileSize;
use crate::workspace::Workspace;
use crate::{budget, dist, install, postgres, Result};

/// How a layer ended.
enum Outcome {
    Passed,
    Skipped(String),
    Failed(String),
    NotRun,
}

type Layer = (
    &'static str,
    fn(&Workspace, &mut State) -> Result<Option<String>>,
);

/// What one layer hands to a later one.
#[derive(Default)]
struct State {
    sizes: Vec<FileSize>,
    /// Runs until `State` is dropped at the end of `run`.
    postgres: Option<postgres::Cluster>,
}

/// The layers; each returns `Ok(Some(reason))` when it had nothing to run.
const LAYERS: &[Layer] = &[
    ("install Chromium and ChromeDriver", |_, _| {
        install::chromium().map(|()| None)
    }),
    (
        "PostgreSQL for the inbox's store tests",
        |_, state| match postgres::start() {
            Ok(cluster) => {
                state.postgres = Some(cluster);
                Ok(None)
            }
            Err(reason) => {
                let reason =
                    format!("PostgreSQL unavailable, the inbox tests run on SQLite only: {reason}");
                warn(&reason);
                Ok(Some(reason))
            }
        },
    ),
    ("native tests (cargo test --workspace)", native),
    ("build dist/", |ws, state| {
        state.sizes = dist::run(ws)?;
        Ok(None)
    }),
    ("browser tests of the wasm in headless Chromium", browser),
    ("install the end-to-end tests' npm packages", |ws, _| {
        install::npm_packages(&ws.root, "tests/e2e", "end-to-end tests").map(|()| None)
    }),
    ("end-to-end tests (node --test tests/e2e/)", end_to_end),
    ("the npm package in real apps (tests/bundlers/)", bundlers),
    ("size budget (size-budget.json)", size_budget),
];

pub fn run(ws: &Workspace) -> Result {
    let mut state = State::default();
    let mut outcomes = Vec::new();
    let mut failed = None;
    for (name, layer) in LAYERS {
        if failed.is_some() {
            outcomes.push((*name, Outcome::NotRun));
            continue;
        }
        let outcome = match layer(ws, &mut state) {
            Ok(None) => Outcome::Passed,
            Ok(Some(reason)) => Outcome::Skipped(reason),
            Err(error) => {
                failed = Some(format!("{name}: {error}"));
                Outcome::Failed(error)
            }
        };
        outcomes.push((*name, outcome));
    }
    print_summary(&outcomes);
    failed.map_or(Ok(()), Err)
}

fn print_summary(outcomes: &[(&str, Outcome)]) {
    println!();
    println!("==> summary of cargo xtask test");
    let (mut passed, mut failed, mut skipped) = (0, 0, 0);
    for (name, outcome) in outcomes {
        let status = match outcome {
            Outcome::Passed => {
                passed += 1;
                "passed".to_string()
            }
            Outcome::Skipped(reason) => {
                skipped += 1;
                format!("skipped ({reason})")
            }
            Outcome::Failed(error) => {
                failed += 1;
                format!("FAILED: {}", error.lines().next().unwrap_or_default())
            }
            Outcome::NotRun => "not run".to_string(),
        };
        println!("    {name:<50} {status}");
    }
    let skipped = if skipped > 0 {
        format!(", {skipped} skipped")
    } else {
        String::new()
    };
    println!("layers: {passed} passed, {failed} failed{skipped}");
}

fn native(ws: &Workspace, state: &mut State) -> Result<Option<String>> {
    step("run the native tests");
    let mut command = cmd::cargo()
        .args(["test", "--workspace"])
        .current_dir(&ws.root);
    // With a server running, the inbox tests must use it: a skipped backend would be a failure.
    if let Some(cluster) = &state.postgres {
        command = command
            .env("DATABASE_URL", &cluster.url)
            .env("INBOX_REQUIRE_POSTGRES", "1");
    } else {
        command = command.env_remove("DATABASE_URL");
    }
    command.run()?;
    step("run the core's tests as the visitor's wasm builds it: without its messages, every problem at the same path");
    cmd::cargo()
        .args(["test", "-p", "widget-core", "--no-default-features"])
        .current_dir(&ws.root)
        .run()?;
    Ok(None)
}

/// The widget's `wasm_bindgen_test`s, run by wasm-bindgen-test-runner in headless Chromium
/// through ChromeDriver. The runner reads extra capabilities (Chromium's path and flags) from
/// `webdriver.json` in its working directory, which cargo sets to the package root: the
/// repository root for the widget. We also name the file explicitly.
fn browser(ws: &Workspace, _: &mut State) -> Result<Option<String>> {
    // On the stable toolchain, unlike the shipped wasm (`wasm.rs`).
    install::wasm_target()?;
    step("run the browser tests of the wasm in headless Chromium");
    let webdriver_json = ws.root.join("webdriver.json");
    if !webdriver_json.is_file() {
        return Err(format!("{} is missing", webdriver_json.display()));
    }
    let mut command = cmd::cargo()
        .args([
            "test",
            "-p",
            "contact-widget",
            "--target",
            install::WASM_TARGET,
        ])
        .current_dir(&ws.root)
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
    for var in [
        "GECKODRIVER",
        "SAFARIDRIVER",
        "MSEDGEDRIVER",
        "GECKODRIVER_REMOTE",
        "SAFARIDRIVER_REMOTE",
        "CHROMEDRIVER_REMOTE",
        "MSEDGEDRIVER_REMOTE",
        "NO_HEADLESS",
        "WASM_BINDGEN_TEST_ONLY_NODE",
        "WASM_BINDGEN_USE_NODE_EXPERIMENTAL",
        "WASM_BINDGEN_USE_DENO",
        "WASM_BINDGEN_USE_DEDICATED_WORKER",
        "WASM_BINDGEN_USE_SHARED_WORKER",
        "WASM_BINDGEN_USE_SERVICE_WORKER",
    ] {
        command = command.env_remove(var);
    }
    command.run()?;
    Ok(None)
}

fn end_to_end(ws: &Workspace, _: &mut State) -> Result<Option<String>> {
    step("build the inbox server");
    cmd::cargo()
        .args(["build", "-p", "inbox"])
        .current_dir(&ws.root)
        .run()?;
    step("run the end-to-end tests in headless Chromium");
    if !has_test_files(&ws.root.join("tests/e2e"))? {
        let reason = "tests/e2e/ has no *.test.mjs yet".to_string();
        warn(&format!("{reason}: the end-to-end layer ran nothing"));
        return Ok(Some(reason));
    }
    Cmd::new("node")
        .args(["--test", "--test-concurrency=1", "tests/e2e/"])
        .current_dir(&ws.root)
        .env("INBOX_BIN", ws.debug_binary("inbox"))
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
    let entries = fs::read_dir(ws.root.join(DIR)).map_err(|e| format!("cannot list {DIR}: {e}"))?;
    let mut apps: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| {
            ws.root
                .join(DIR)
                .join(name)
                .join("package-lock.json")
                .is_file()
        })
        .collect();
    apps.sort();
    for app in apps {
        install::npm_packages(
            &ws.root,
            &format!("{DIR}/{app}"),
            "an app of the bundler tests",
        )?;
    }
    step("build the apps for production with the packed package and use them in Chromium");
    Cmd::new("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "tests/bundlers/bundlers.test.mjs",
        ])
        .current_dir(&ws.root)
        .env("DIST_DIR", ws.dist())
        .env("CHROMIUM", install::CHROMIUM)
        .run()?;
    Ok(None)
}

fn has_test_files(dir: &Path) -> Result<bool> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if name != "node_modules" && has_test_files(&path)? {
                return Ok(true);
            }
        } else if name.ends_with(".test.mjs") {
            return Ok(true);
        }
    }
    Ok(false)
}

fn size_budget(ws: &Workspace, state: &mut State) -> Result<Option<String>> {
    step("compare dist/ with the size budget (brotli, quality 11)");
    let path = ws.root.join("size-budget.json");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let budget = budget::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let sizes: Vec<(&str, u64)> = state
        .sizes
        .iter()
        .map(|s| (s.name.as_str(), s.brotli))
        .collect();
    for (name, size) in sizes
        .iter()
        .filter(|(name, _)| budget::loaded_by_browsers(name))
    {
        let limit = budget
            .files
            .get(&budget::logical_name(name))
            .map_or("none".to_string(), u64::to_string);
        note(&format!("{name:<24} {size:>8} / {limit:>8} bytes"));
    }
    note(&format!(
        "{:<24} {:>8} / {:>8} bytes (one way of embedding, the glue, the wasm, every language file)",
        "total",
        budget::total(&budget, &sizes),
        budget.total
    ));
    if let (Some(open), Some(size)) = (&budget.open, budget::by_first_open(&budget, &sizes)) {
        note(&format!(
            "{:<24} {size:>8} / {:>8} bytes (the loader, the glue, the wasm, one language file)",
            "by the first open", open.limit
        ));
    }
    for (path, size) in budget::critical_paths(&budget, &sizes) {
        note(&format!(
            "critical path: {path:<24} {size:>8} / {:>8} bytes (before the launcher is visible)",
            budget.critical.limit
        ));
    }
    let problems = budget::check(&budget, &sizes);
    if problems.is_empty() {
        Ok(None)
    } else {
        Err(format!(
            "over the size budget:\n    {}",
            problems.join("\n    ")
        ))
    }
}
