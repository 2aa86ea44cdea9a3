//! The widget's wasm as it ships, built one way for `cargo xtask dist` and `cargo xtask bench
//! size`: the pinned nightly ([`install::NIGHTLY`]) rebuilds the standard library for size
//! with panics that abort at once (no panic messages, locations or formatting in the file),
//! wasm-bindgen writes the glue, wasm-opt optimizes and gives every import and export a one- or
//! two-letter name, and the glue is rewritten to those names.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cmd::{step, Cmd};
use crate::install::{self, NIGHTLY, WASM_TARGET};
use crate::workspace::Workspace;
use crate::{files, Result};

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

/// Which wasm of the widget crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Build {
    /// What every visitor loads: the panel. The core's problems are named by their path only.
    Widget,
    /// The configurator's (and other `validate()` users'): the crate with its `validate` feature,
    /// which exports `validate(config)` and keeps the core's messages for owners.
    Validator,
}

impl Build {
    /// The stem of its files: `STEM.js` and `STEM_bg.wasm`, in `dist/` with a hash before the
    /// extension.
    pub fn stem(self) -> &'static str {
        match self {
            Build::Widget => "widget",
            Build::Validator => "validate",
        }
    }
}

/// `cargo build` of `build` for wasm32 with [`NIGHTLY`]: std rebuilt from source (`build-std`)
/// with its `optimize_for_size` feature, and `panic = "immediate-abort"`, so a panic is a trap
/// (the loader's guard reports it) instead of a message formatted by code in every visitor's wasm.
/// All three are unstable, hence the pinned nightly; the profile's other settings are in
/// `Cargo.toml`.
pub fn cargo_build(ws: &Workspace, build: Build) -> Cmd {
    let cargo = format!(
        "run {NIGHTLY} cargo build -p contact-widget --lib --target {WASM_TARGET} \
         --profile {PROFILE} -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size \
         -Zpanic-immediate-abort"
    );
    let rustflags = r#"["-Zlocation-detail=none", "-Ctarget-feature=-reference-types"]"#;
    let features: &[&str] = match build {
        Build::Widget => &[],
        Build::Validator => &["--features", "validate"],
    };
    Cmd::new("rustup")
        .args(cargo.split_whitespace())
        .args(features)
        .arg("--config")
        .arg(format!("profile.{PROFILE}.panic=\"immediate-abort\""))
        // Added to the target's rustflags in .cargo/config.toml, not instead of them: no file names
        // and lines for `#[track_caller]` locations (nothing prints them any more); and no
        // reference types, so wasm-bindgen keeps JS values in a JS array instead of an externref
        // table, whose shims in every export cost the wasm more than the array costs the glue.
        .arg("--config")
        .arg(format!("target.{WASM_TARGET}.rustflags={rustflags}"))
        .current_dir(&ws.root)
}

/// Builds `build` and returns the path of rustc's wasm (before wasm-bindgen). Both builds write
/// it to the same path: run wasm-bindgen on it before building the other.
pub fn build(ws: &Workspace, build: Build) -> Result<PathBuf> {
    install::nightly()?;
    step(&format!(
        "build the {} wasm ({NIGHTLY}, std rebuilt for size, profile {PROFILE})",
        build.stem()
    ));
    cargo_build(ws, build).run()?;
    Ok(ws
        .target
        .join(WASM_TARGET)
        .join(PROFILE)
        .join("contact_widget.wasm"))
}

/// wasm-bindgen's glue and wasm for `wasm` in `out_dir`: `STEM.js` and `STEM_bg.wasm`.
pub fn bindgen(wasm: &Path, out_dir: &Path, stem: &str) -> Result {
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--out-name", stem])
        .arg("--out-dir")
        .arg(out_dir)
        .arg(wasm)
        .run()
}

/// New names wasm-opt gave the imports and exports, from the mapping it prints:
/// `{"imports": [[module, old, new]…], "exports": [[old, new]…]}`; and the one module all
/// imports now come from.
#[derive(Debug, Default, Deserialize)]
pub struct Renamed {
    #[serde(skip)]
    pub module: String,
    imports: Vec<(String, String, String)>,
    exports: Vec<(String, String)>,
}

/// `wasm-opt -Oz --converge --low-memory-unused` from `input` to `output`, then
/// `--minify-imports-and-exports-and-modules` (and stripping the `producers` and
/// `target_features` sections) on its own: run with `-Oz --converge`, that pass prints its
/// mapping once per round. With `-g`, keeping the name section, when `keep_names`. The new names.
pub fn optimize(ws: &Workspace, input: &Path, output: &Path, keep_names: bool) -> Result<Renamed> {
    let names: &[&str] = if keep_names { &["-g"] } else { &[] };
    let wasm_opt = |passes: &str, input: &Path| {
        Cmd::new("node")
            .arg(ws.root.join(install::WASM_OPT))
            .args(passes.split_whitespace())
            .args(names)
            .args(FEATURES)
            .arg("-o")
            .arg(output)
            .arg(input)
            .output()
    };
    // -lmu (--low-memory-unused): the low 1 KiB is the far end of the 128 KiB shadow stack
    // (.cargo/config.toml), which the widget never comes near (nothing recurses deeply; config
    // values nest at most 16 levels), so wasm-opt may fold constant offsets into addresses.
    wasm_opt("-Oz --converge --low-memory-unused", input)?;
    // With the custom sections no browser reads: who built it, and with which wasm features.
    let mapping = wasm_opt(
        "--minify-imports-and-exports-and-modules --strip-producers --strip-target-features",
        output,
    )?;
    let mut renamed: Renamed = serde_json::from_str(&mapping)
        .map_err(|e| format!("wasm-opt's mapping of new names is not what it was: {e}"))?;
    renamed.module = import_module(&files::read(output)?)?;
    Ok(renamed)
}

/// The one module `wasm` imports from (none when it imports nothing).
fn import_module(wasm: &[u8]) -> Result<String> {
    let mut modules: Vec<String> = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(reader) = payload.map_err(|e| e.to_string())? {
            for import in reader.into_imports() {
                let module = import.map_err(|e| e.to_string())?.module.to_string();
                if !modules.contains(&module) {
                    modules.push(module);
                }
            }
        }
    }
    match &modules[..] {
        [] | [_] => Ok(modules.pop().unwrap_or_default()),
        _ => Err(format!(
            "after wasm-opt the wasm imports from {} modules, not one: {modules:?}",
            modules.len()
        )),
    }
}

/// wasm-bindgen's glue (`--target web`) with the names wasm-opt gave: the imports object's keys
/// (`__wbg_…: function`), its module (`"./STEM_bg.js": import0`) and every `wasm.EXPORT` (the
/// exports object is named `wasm`). Fails unless each name was found, so a new shape of glue
/// cannot ship a widget that fails to link.
pub fn rename_in_glue(glue: &str, stem: &str, renamed: &Renamed) -> Result<String> {
    let module_key = format!("\"./{stem}_bg.js\": import0");
    if glue.matches(&module_key).count() != 1 {
        return Err(format!(
            "the glue does not name its imports' module once as {module_key}"
        ));
    }
    let module = serde_json::to_string(&renamed.module).expect("a string");
    let glue = glue.replace(&module_key, &format!("{module}: import0"));
    let import = |name: &str| {
        let found = renamed.imports.iter().find(|(_, old, _)| old == name);
        found.map(|(.., new)| new.as_str())
    };
    let export = |name: &str| {
        let found = renamed.exports.iter().find(|(old, _)| old == name);
        found.map(|(_, new)| new.as_str())
    };
    let (mut out, mut imports_seen) = (String::with_capacity(glue.len()), 0);
    let mut rest = glue.as_str();
    // Identifier by identifier.
    while let Some(start) = rest.find(is_ident) {
        let end = rest[start..]
            .find(|c| !is_ident(c))
            .map_or(rest.len(), |n| start + n);
        let (word, after) = (&rest[start..end], &rest[end..]);
        out.push_str(&rest[..start]);
        let is_export = out
            .strip_suffix("wasm.")
            .is_some_and(|before| !before.ends_with(is_ident));
        // One `        NAME: function(…) {` line per import.
        let line = out.rsplit('\n').next().unwrap_or_default();
        let is_import = line.trim().is_empty() && after.starts_with(": function");
        let new = if is_export {
            Some(export(word).ok_or_else(|| {
                format!("the glue uses the export wasm.{word}, which wasm-opt did not rename")
            })?)
        } else if is_import {
            imports_seen += import(word).is_some() as usize;
            import(word)
        } else {
            None
        };
        out.push_str(new.unwrap_or(word));
        rest = after;
    }
    out.push_str(rest);
    if imports_seen != renamed.imports.len() {
        return Err(format!(
            "the glue defines {imports_seen} of the wasm's {} imports as `NAME: function`; its \
             shape changed",
            renamed.imports.len()
        ));
    }
    Ok(out)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_the_glue_to_minified_names() {
        let renamed = Renamed {
            module: "a".into(),
            ..serde_json::from_str(
                r#"{"imports": [["./widget_bg.js", "__wbg_log_1", "a"],
                                ["./widget_bg.js", "__wbg_now_2", "b"]],
                    "exports": [["memory", "c"], ["mount", "d"]]}"#,
            )
            .unwrap()
        };
        let glue = "function mount(x) {\n    return wasm.mount(x, wasm.memory);\n}\n\
            const import0 = {\n        __wbg_log_1: function(a) {},\n        \
            __wbg_now_2: function() { return towasm.mount; },\n};\n\
            return { \"./widget_bg.js\": import0 };\n";
        assert_eq!(
            rename_in_glue(glue, "widget", &renamed).unwrap(),
            "function mount(x) {\n    return wasm.d(x, wasm.c);\n}\nconst import0 = {\n        \
             a: function(a) {},\n        b: function() { return towasm.mount; },\n};\n\
             return { \"a\": import0 };\n"
        );
        let missing = glue.replace("__wbg_now_2", "__wbg_later_3");
        assert!(rename_in_glue(&missing, "widget", &renamed).is_err());
        let unknown = glue.replace("wasm.memory", "wasm.table");
        assert!(rename_in_glue(&unknown, "widget", &renamed).is_err());
    }
}
