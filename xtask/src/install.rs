//! Installs the tools the build and the tests need, each only when it is missing.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::cmd::{self, note, step, Cmd};
use crate::{lockfile, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The rustup components of `wanted` that `toolchain` lacks (the toolchain running xtask when
/// `None`): `rust-src`, `rust-std-TARGET`, or a tool such as `clippy` (listed with its host).
fn missing_components(toolchain: Option<&str>, wanted: &[&str]) -> Result<Vec<String>> {
    let mut list = Cmd::new("rustup").args(["component", "list", "--installed"]);
    if let Some(toolchain) = toolchain {
        list = list.args(["--toolchain", toolchain]);
    }
    // A toolchain that is not installed has no components.
    let installed = match (toolchain, list.probe()) {
        (_, Some(installed)) => installed,
        (Some(_), None) => String::new(),
        (None, None) => {
            return Err("`rustup component list` failed: install Rust with rustup".into())
        }
    };
    let has = |c: &str| {
        installed
            .lines()
            .any(|l| l == c || l.starts_with(&format!("{c}-")))
    };
    Ok(wanted
        .iter()
        .filter(|c| !has(c))
        .map(|c| c.to_string())
        .collect())
}

/// Components of the toolchain that runs xtask (`rustfmt`, `clippy`, `rust-std-TARGET` for a
/// target), added when missing.
pub fn rust_components(wanted: &[&str]) -> Result {
    step(&format!("ensure the Rust components {}", wanted.join(", ")));
    let missing = missing_components(None, wanted)?;
    if missing.is_empty() {
        note("already installed");
        return Ok(());
    }
    Cmd::new("rustup")
        .args(["component", "add"])
        .args(missing)
        .run()
}

/// The nightly toolchain the shipped wasm is built with (see `wasm.rs`): pinned by date, so every
/// machine builds the same bytes. Everything else (native tests, the inbox, the browser tests)
/// uses the stable toolchain.
pub const NIGHTLY: &str = "nightly-2026-05-20";

/// [`NIGHTLY`] with the standard library's sources (`-Zbuild-std` rebuilds std for size) and
/// the wasm target, installed by rustup when any of it is missing.
pub fn nightly() -> Result {
    step(&format!(
        "ensure the Rust toolchain {NIGHTLY} with rust-src and {WASM_TARGET}"
    ));
    let wanted = ["rust-src", &format!("rust-std-{WASM_TARGET}")];
    if missing_components(Some(NIGHTLY), &wanted)?.is_empty() {
        note("already installed");
        return Ok(());
    }
    Cmd::new("rustup")
        .args(["toolchain", "install", NIGHTLY, "--profile", "minimal"])
        .args(["--component", "rust-src", "--target", WASM_TARGET])
        .run()
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner` of exactly the version `Cargo.lock` pins for
/// the `wasm-bindgen` crate: the CLI refuses to process output of any other version.
pub fn wasm_bindgen_cli(root: &Path) -> Result {
    let wanted = lockfile::locked_version(root, "wasm-bindgen")?;
    step(&format!(
        "ensure wasm-bindgen-cli {wanted} (the version Cargo.lock pins)"
    ));
    let found: Vec<(&str, Option<String>)> = ["wasm-bindgen", "wasm-bindgen-test-runner"]
        .into_iter()
        .map(|tool| (tool, installed_version(tool)))
        .collect();
    if found
        .iter()
        .all(|(_, version)| version.as_deref() == Some(wanted.as_str()))
    {
        note(&format!("wasm-bindgen {wanted} already installed"));
        return Ok(());
    }
    for (tool, version) in &found {
        note(&format!(
            "{tool}: {}",
            version.as_deref().unwrap_or("not installed")
        ));
    }
    // Not `--locked`: the registry mirror lags behind the CLI's own lock file.
    let mut install = cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]);
    if found.iter().any(|(_, version)| version.is_some()) {
        install = install.arg("--force");
    }
    install.run()?;
    for (tool, _) in &found {
        let now = installed_version(tool);
        if now.as_deref() != Some(wanted.as_str()) {
            return Err(format!(
                "after installing wasm-bindgen-cli {wanted}, `{tool} --version` reports {}; \
                 is another {tool} earlier on PATH?",
                now.as_deref().unwrap_or("nothing")
            ));
        }
    }
    Ok(())
}

fn installed_version(tool: &str) -> Option<String> {
    let output = Cmd::new(tool).arg("--version").probe()?;
    tool_version(&output, tool)
}

/// The version in a `--version` line such as `wasm-bindgen 0.2.130`.
fn tool_version(output: &str, tool: &str) -> Option<String> {
    let mut words = output.lines().next()?.split_whitespace();
    if words.next()? != tool {
        return None;
    }
    words.next().map(str::to_owned)
}

/// Where `npm ci` puts binaryen's `wasm-opt`, relative to the repository root.
pub const WASM_OPT: &str = "xtask/tools/node_modules/binaryen/bin/wasm-opt";

/// binaryen's `wasm-opt`, from the npm package pinned in `xtask/tools/package-lock.json`.
///
/// Not Debian's binaryen: bookworm has version 108, which cannot read the `table.fill` that
/// wasm-bindgen writes into its externref shims once rustc enables bulk memory (the default
/// for wasm32 since Rust 1.87). The npm build is binaryen itself compiled to wasm; it runs on
/// the Node.js the end-to-end tests need anyway.
pub fn wasm_opt(root: &Path) -> Result {
    npm_packages(root, "xtask/tools", "binaryen's wasm-opt")?;
    let script = root.join(WASM_OPT);
    match Cmd::new("node").arg(&script).arg("--version").probe() {
        Some(version) => {
            note(version.trim());
            Ok(())
        }
        None => Err(format!(
            "`node {} --version` fails after npm ci",
            script.display()
        )),
    }
}

/// Debian's Chromium and ChromeDriver, for the browser and end-to-end tests.
pub fn chromium() -> Result {
    step("ensure Chromium and ChromeDriver (Debian packages chromium, chromium-driver)");
    let missing: Vec<&str> = [("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)]
        .into_iter()
        .filter(|(_, binary)| !Path::new(binary).is_file())
        .map(|(package, _)| package)
        .collect();
    if missing.is_empty() {
        note(&format!("already installed: {CHROMIUM}, {CHROMEDRIVER}"));
        return Ok(());
    }
    apt_install(&missing)?;
    for binary in [CHROMIUM, CHROMEDRIVER] {
        if !Path::new(binary).is_file() {
            return Err(format!(
                "installed {}, but {binary} is still missing",
                missing.join(" ")
            ));
        }
    }
    Ok(())
}

/// The npm packages of `root/dir` (for `what`), installed with `npm ci` when `node_modules`
/// is missing or older than `package-lock.json`.
pub fn npm_packages(root: &Path, dir: &str, what: &str) -> Result {
    step(&format!("ensure the npm packages of {dir} ({what})"));
    let dir = root.join(dir);
    let lock = dir.join("package-lock.json");
    let lock_time = modified(&lock).ok_or_else(|| format!("{} is missing", lock.display()))?;
    // npm rewrites its hidden lock file on every install; the folder's own time only changes
    // when entries come or go.
    let modules = dir.join("node_modules");
    let marker = modules.join(".package-lock.json");
    let installed_time = modified(&marker).or_else(|| modified(&modules));
    if installed_time.is_some_and(|time| time >= lock_time) {
        note("node_modules is up to date with package-lock.json");
        return Ok(());
    }
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .run()
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path)
        .and_then(|meta| meta.modified())
        .ok()
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// `apt-get install -y`, after one `apt-get update` per run, through sudo when not root.
pub fn apt_install(packages: &[&str]) -> Result {
    if cmd::which("apt-get").is_none() {
        return Err(format!(
            "apt-get not found: install the Debian packages {} by hand",
            packages.join(" ")
        ));
    }
    let sudo = needs_sudo()?;
    let apt = |args: &[&str]| {
        let command = match sudo {
            true => Cmd::new("sudo").arg("apt-get"),
            false => Cmd::new("apt-get"),
        };
        command
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(args)
            .run()
    };
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        apt(&["update"])?;
    }
    let mut args = vec!["install", "-y"];
    args.extend_from_slice(packages);
    apt(&args)
}

fn needs_sudo() -> Result<bool> {
    let uid = Cmd::new("id").arg("-u").probe().unwrap_or_default();
    if uid.trim() == "0" {
        return Ok(false);
    }
    match cmd::which("sudo") {
        Some(_) => Ok(true),
        None => Err("installing Debian packages needs root, and sudo is not installed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tool_versions() {
        fn check(output: &str, tool: &str, expected: Option<&str>) {
            assert_eq!(
                tool_version(output, tool).as_deref(),
                expected,
                "{output:?}"
            );
        }
        check("wasm-bindgen 0.2.130\n", "wasm-bindgen", Some("0.2.130"));
        check(
            "wasm-bindgen-test-runner 0.2.130\n",
            "wasm-bindgen-test-runner",
            Some("0.2.130"),
        );
        check(
            "wasm-bindgen 0.2.100 (abc1234)\n",
            "wasm-bindgen",
            Some("0.2.100"),
        );
        check("wasm-bindgen-test-runner 0.2.130\n", "wasm-bindgen", None);
        check("wasm-bindgen\n", "wasm-bindgen", None);
        check("", "wasm-bindgen", None);
    }
}
