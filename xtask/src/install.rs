//! Installs the tools the build and the tests need, each only when it is missing: Rust
//! components and the pinned nightly (rustup), wasm-bindgen-cli (cargo install), npm packages
//! (npm ci) and Debian packages (apt-get).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::SystemTime;

use crate::cmd::{self, note, step, Cmd};
use crate::Result;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The nightly toolchain the shipped wasm is built with (see `wasm.rs`): pinned by date, so every
/// machine builds the same bytes. Everything else (native tests, the inbox, the browser tests)
/// uses the stable toolchain.
pub const NIGHTLY: &str = "nightly-2026-05-20";

/// Where `npm ci` puts binaryen's `wasm-opt`, relative to the repository root.
pub const WASM_OPT: &str = "xtask/tools/node_modules/binaryen/bin/wasm-opt";

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

/// The one version of `package` that `Cargo.lock` at `root` pins.
pub fn locked_version(root: &Path, package: &str) -> Result<String> {
    // `registry+https://github.com/rust-lang/crates.io-index#wasm-bindgen@0.2.130`; an error
    // when the lock file has none or several.
    let id = cmd::cargo()
        .args(["pkgid", "--offline", package])
        .current_dir(root)
        .output()?;
    let version = id.trim().rsplit_once('@').map(|(_, version)| version);
    version
        .map(str::to_owned)
        .ok_or_else(|| format!("`cargo pkgid {package}` printed no version: {id}"))
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner` of exactly the version `Cargo.lock` pins for
/// the `wasm-bindgen` crate: the CLI refuses to process output of any other version.
pub fn wasm_bindgen_cli(root: &Path) -> Result {
    let wanted = locked_version(root, "wasm-bindgen")?;
    step(&format!(
        "ensure wasm-bindgen-cli {wanted} (the version Cargo.lock pins)"
    ));
    // `wasm-bindgen 0.2.130`, perhaps followed by a commit.
    let version = |tool: &str| {
        let output = Cmd::new(tool).arg("--version").probe().unwrap_or_default();
        let words: Vec<&str> = output.split_whitespace().take(2).collect();
        match words[..] {
            [name, version] if name == tool => version.to_owned(),
            _ => "nothing".to_owned(),
        }
    };
    let tools = ["wasm-bindgen", "wasm-bindgen-test-runner"];
    if tools.iter().all(|tool| version(tool) == wanted) {
        note("already installed");
        return Ok(());
    }
    // Not `--locked`: the registry mirror lags behind the CLI's own lock file. `--force` replaces
    // another version.
    cmd::cargo()
        .args(["install", "wasm-bindgen-cli", "--force"])
        .args(["--version", &wanted])
        .run()?;
    match tools.iter().find(|tool| version(tool) != wanted) {
        Some(tool) => Err(format!(
            "after installing wasm-bindgen-cli {wanted}, `{tool} --version` reports {}; is \
             another {tool} earlier on PATH?",
            version(tool)
        )),
        None => Ok(()),
    }
}

/// binaryen's `wasm-opt`, from the npm package pinned in `xtask/tools/package-lock.json`.
///
/// Not Debian's binaryen: bookworm has version 108, which cannot read the `table.fill` that
/// wasm-bindgen writes into its externref shims once rustc enables bulk memory (the default
/// for wasm32 since Rust 1.87). The npm build is binaryen itself compiled to wasm; it runs on
/// the Node.js the end-to-end tests need anyway.
pub fn wasm_opt(root: &Path) -> Result {
    npm_packages(root, "xtask/tools", "binaryen's wasm-opt")?;
    let version = Cmd::new("node").arg(root.join(WASM_OPT)).arg("--version");
    note(version.output()?.trim());
    Ok(())
}

/// Debian's Chromium and ChromeDriver, for the browser and end-to-end tests.
pub fn chromium() -> Result {
    for (package, binary) in [("chromium", CHROMIUM), ("chromium-driver", CHROMEDRIVER)] {
        debian(package, "for the browser tests", binary)?;
    }
    Ok(())
}

/// The Debian package `package` (wanted `why`), installed with apt-get unless its program
/// `binary` (on PATH, or an absolute path) is there, which it must be afterwards.
pub fn debian(package: &str, why: &str, binary: &str) -> Result {
    step(&format!("ensure the Debian package {package} ({why})"));
    let present = || cmd::which(binary).is_some();
    if present() {
        note("already installed");
        return Ok(());
    }
    apt_install(package)?;
    match present() {
        true => Ok(()),
        false => Err(format!(
            "installed {package}, but {binary} is still missing"
        )),
    }
}

static APT_UPDATED: AtomicBool = AtomicBool::new(false);

/// `apt-get install -y`, after one `apt-get update` per run, through sudo when not root.
fn apt_install(package: &str) -> Result {
    if cmd::which("apt-get").is_none() {
        return Err(format!(
            "apt-get not found: install the Debian package {package} by hand"
        ));
    }
    let root = Cmd::new("id").arg("-u").probe().unwrap_or_default().trim() == "0";
    if !root && cmd::which("sudo").is_none() {
        return Err("installing Debian packages needs root, and sudo is not installed".into());
    }
    let apt = |args: &[&str]| {
        let command = match root {
            true => Cmd::new("apt-get"),
            false => Cmd::new("sudo").arg("apt-get"),
        };
        command
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(args)
            .run()
    };
    if !APT_UPDATED.swap(true, Ordering::SeqCst) {
        apt(&["update"])?;
    }
    apt(&["install", "-y", package])
}

/// The npm packages of `root/dir` (for `what`), installed with `npm ci` when `node_modules`
/// is missing or older than `package-lock.json`.
pub fn npm_packages(root: &Path, dir: &str, what: &str) -> Result {
    step(&format!("ensure the npm packages of {dir} ({what})"));
    let dir = root.join(dir);
    let modified = |path: &Path| -> Option<SystemTime> { path.metadata().ok()?.modified().ok() };
    let lock = dir.join("package-lock.json");
    let lock_time = modified(&lock).ok_or_else(|| format!("{} is missing", lock.display()))?;
    // npm rewrites its hidden lock file on every install; the folder's own time only changes
    // when entries come or go.
    let modules = dir.join("node_modules");
    let installed_time =
        modified(&modules.join(".package-lock.json")).or_else(|| modified(&modules));
    if installed_time.is_some_and(|time| time >= lock_time) {
        note("node_modules is up to date with package-lock.json");
        return Ok(());
    }
    Cmd::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .run()
}
