//! The widget's wasm as it ships, built one way for `cargo xtask dist` and `cargo xtask bench
//! size`: the pinned nightly ([`install::NIGHTLY`]) rebuilds the standard library for size
//! with panics that abort at once (no panic messages, locations or formatting in the file),
//! wasm-bindgen writes the glue, wasm-opt optimizes.

use std::path::{Path, PathBuf};

use crate::cmd::{step, Cmd};
use crate::install::{self, NIGHTLY, WASM_TARGET};
use crate::workspace::Workspace;
use crate::Result;

/// The cargo profile (`Cargo.toml`): opt-level "z", fat LTO, one codegen unit.
pub const PROFILE: &str = "wasm";

/// The wasm features rustc enables by default for wasm32-unknown-unknown, for wasm-opt.
const FEATURES: [&str; 5] = [
    "--enable-bulk-memory",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
];

/// `cargo build` of the widget for wasm32 with [`NIGHTLY`]: std rebuilt from source (`build-std`)
/// with its `optimize_for_size` feature, and `panic = "immediate-abort"`, so a panic is a trap
/// (the loader's guard reports it) instead of a message formatted by code in every visitor's wasm.
/// Both are unstable, hence the pinned nightly; the profile's other settings are in `Cargo.toml`.
pub fn cargo_build(ws: &Workspace) -> Cmd {
    Cmd::new("rustup")
        .args(["run", NIGHTLY, "cargo", "build", "-p", "contact-widget", "--lib", "--target", WASM_TARGET, "--profile", PROFILE])
        .args(["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size", "-Zpanic-immediate-abort"])
        .args(["--config", &format!("profile.{PROFILE}.panic=\"immediate-abort\"")])
        .current_dir(&ws.root)
}

/// Builds the widget and returns the path of rustc's wasm (before wasm-bindgen).
pub fn build(ws: &Workspace) -> Result<PathBuf> {
    install::nightly()?;
    step(&format!("build the widget for wasm32 ({NIGHTLY}, std rebuilt for size, profile {PROFILE})"));
    cargo_build(ws).run()?;
    Ok(ws.target.join(WASM_TARGET).join(PROFILE).join("contact_widget.wasm"))
}

/// wasm-bindgen's glue and wasm for `wasm` in `out_dir`: `STEM.js` and `STEM_bg.wasm`.
pub fn bindgen(wasm: &Path, out_dir: &Path, stem: &str) -> Result {
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", stem, "--out-dir"])
        .arg(out_dir)
        .arg(wasm)
        .run()
}

/// `wasm-opt -Oz` from `input` to `output` (with `-g`, keeping the name section, when `keep_names`).
pub fn optimize(ws: &Workspace, input: &Path, output: &Path, keep_names: bool) -> Result {
    let mut command = Cmd::new("node").arg(ws.root.join(install::WASM_OPT)).arg("-Oz");
    if keep_names {
        command = command.arg("-g");
    }
    command.args(FEATURES).arg("-o").arg(output).arg(input).run()
}
