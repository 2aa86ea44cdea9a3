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

    fn features(self) -> &'static [&'static str] {
        match self {
            Build::Widget => &[],
            Build::Validator => &["--features", "validate"],
        }
    }
}

/// `cargo build` of `build` for wasm32 with [`NIGHTLY`]: std rebuilt from source (`build-std`)
/// with its `optimize_for_size` feature, and `panic = "immediate-abort"`, so a panic is a trap
/// (the loader's guard reports it) instead of a message formatted by code in every visitor's wasm.
/// All three are unstable, hence the pinned nightly; the profile's other settings are in `Cargo.toml`.
pub fn cargo_build(ws: &Workspace, build: Build) -> Cmd {
    Cmd::new("rustup")
        .args(["run", NIGHTLY, "cargo", "build", "-p", "contact-widget", "--lib", "--target", WASM_TARGET, "--profile", PROFILE])
        .args(build.features())
        .args(["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size", "-Zpanic-immediate-abort"])
        .args(["--config", &format!("profile.{PROFILE}.panic=\"immediate-abort\"")])
        // Added to the target's rustflags in .cargo/config.toml, not instead of them: no file names
        // and lines for `#[track_caller]` locations (nothing prints them any more); and no
        // reference types, so wasm-bindgen keeps JS values in a JS array instead of an externref
        // table, whose shims in every export cost the wasm more than the array costs the glue.
        .args(["--config", &format!("target.{WASM_TARGET}.rustflags=[\"-Zlocation-detail=none\", \"-Ctarget-feature=-reference-types\"]")])
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
        .args([
            "--target",
            "web",
            "--no-typescript",
            "--out-name",
            stem,
            "--out-dir",
        ])
        .arg(out_dir)
        .arg(wasm)
        .run()
}

/// New names wasm-opt gave the imports and exports: `(old, new)` pairs, and the one module all
/// imports now come from.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Renamed {
    pub module: String,
    pub imports: Vec<(String, String)>,
    pub exports: Vec<(String, String)>,
}

/// `wasm-opt -Oz --converge --low-memory-unused` from `input` to `output`, then
/// `--minify-imports-and-exports-and-modules` (and stripping the `producers` and
/// `target_features` sections) on its own: run with `-Oz --converge`, that pass prints its
/// mapping once per round. With `-g`, keeping the name section, when `keep_names`. The new names.
pub fn optimize(ws: &Workspace, input: &Path, output: &Path, keep_names: bool) -> Result<Renamed> {
    let wasm_opt = |passes: &[&str], input: &Path| {
        let command = Cmd::new("node")
            .arg(ws.root.join(install::WASM_OPT))
            .args(passes);
        let command = if keep_names {
            command.arg("-g")
        } else {
            command
        };
        command
            .args(FEATURES)
            .arg("-o")
            .arg(output)
            .arg(input)
            .output()
    };
    // -lmu (--low-memory-unused): the low 1 KiB is the far end of the 128 KiB shadow stack
    // (.cargo/config.toml), which the widget never comes near (nothing recurses deeply; config
    // values nest at most 16 levels), so wasm-opt may fold constant offsets into addresses.
    wasm_opt(&["-Oz", "--converge", "--low-memory-unused"], input)?;
    // With the custom sections no browser reads: who built it, and with which wasm features.
    let mapping = wasm_opt(
        &[
            "--minify-imports-and-exports-and-modules",
            "--strip-producers",
            "--strip-target-features",
        ],
        output,
    )?;
    renamed(&mapping, &import_modules(&files::read(output)?)?)
}

/// The distinct module names of `wasm`'s imports.
fn import_modules(wasm: &[u8]) -> Result<Vec<String>> {
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
    Ok(modules)
}

/// The mapping wasm-opt prints: `{"imports": [[module, old, new]…], "exports": [[old, new]…]}`.
#[derive(Deserialize)]
struct Mapping {
    imports: Vec<(String, String, String)>,
    exports: Vec<(String, String)>,
}

/// The new names from wasm-opt's `mapping`, and the one module the imports now come from.
fn renamed(mapping: &str, modules: &[String]) -> Result<Renamed> {
    let mapping: Mapping = serde_json::from_str(mapping)
        .map_err(|e| format!("wasm-opt's mapping of new names is not what it was: {e}"))?;
    let module = match modules {
        [module] => module.clone(),
        [] => String::new(),
        _ => {
            return Err(format!(
                "after wasm-opt the wasm imports from {} modules, not one: {modules:?}",
                modules.len()
            ))
        }
    };
    let imports = mapping
        .imports
        .into_iter()
        .map(|(_, old, new)| (old, new))
        .collect();
    Ok(Renamed {
        module,
        imports,
        exports: mapping.exports,
    })
}

/// wasm-bindgen's glue (`--target web`) with the names wasm-opt gave: the imports object's keys
/// (`__wbg_…: function`), its module (`"./STEM_bg.js": import0`) and every `wasm.EXPORT`. Fails
/// unless each name was found, so a new shape of glue cannot ship a widget that fails to link.
pub fn rename_in_glue(glue: &str, stem: &str, renamed: &Renamed) -> Result<String> {
    let module_key = format!("\"./{stem}_bg.js\": import0");
    if glue.matches(&module_key).count() != 1 {
        return Err(format!(
            "the glue does not name its imports' module once as {module_key}"
        ));
    }
    let glue = glue.replace(
        &module_key,
        &format!(
            "{}: import0",
            serde_json::to_string(&renamed.module).expect("a string")
        ),
    );
    let find = |names: &[(String, String)], name: &str| {
        names
            .iter()
            .find(|(old, _)| old == name)
            .map(|(_, new)| new.clone())
    };
    let mut out = String::with_capacity(glue.len());
    let mut imports_seen = 0;
    for line in glue.split_inclusive('\n') {
        // The imports object: one `        NAME: function(…) {` line per import.
        let indent = line.len() - line.trim_start().len();
        let key = line
            .trim_start()
            .split_once(": function")
            .map(|(key, _)| key);
        match key.and_then(|key| find(&renamed.imports, key).map(|new| (key, new))) {
            Some((key, new)) => {
                imports_seen += 1;
                out.push_str(&line[..indent]);
                out.push_str(&new);
                out.push_str(&line[indent + key.len()..]);
            }
            None => out.push_str(line),
        }
    }
    if imports_seen != renamed.imports.len() {
        return Err(format!(
            "the glue defines {imports_seen} of the wasm's {} imports as `NAME: function`; its shape changed",
            renamed.imports.len()
        ));
    }
    // Every `wasm.EXPORT` (not `towasm.x`): the exports object is named `wasm` in the glue.
    let mut glue = String::with_capacity(out.len());
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = out[from..].find("wasm.") {
        let at = from + found;
        let start = at + "wasm.".len();
        let end = out[start..]
            .find(|c: char| !is_ident(c))
            .map_or(out.len(), |n| start + n);
        from = end;
        if out[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let name = &out[start..end];
        let new = find(&renamed.exports, name).ok_or_else(|| {
            format!("the glue uses the export wasm.{name}, which wasm-opt did not rename")
        })?;
        glue.push_str(&out[copied..start]);
        glue.push_str(&new);
        copied = end;
    }
    glue.push_str(&out[copied..]);
    Ok(glue)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_the_glue_to_minified_names() {
        let renamed = renamed(
            r#"{"imports": [["./widget_bg.js", "__wbg_log_1", "a"], ["./widget_bg.js", "__wbg_now_2", "b"]],
                "exports": [["memory", "c"], ["mount", "d"]]}"#,
            &["a".to_string()],
        )
        .unwrap();
        let glue = "function mount(x) {\n    return wasm.mount(x, wasm.memory);\n}\nconst import0 = {\n        __wbg_log_1: function(a) {},\n        __wbg_now_2: function() { return towasm.mount; },\n};\nreturn { \"./widget_bg.js\": import0 };\n";
        assert_eq!(
            rename_in_glue(glue, "widget", &renamed).unwrap(),
            "function mount(x) {\n    return wasm.d(x, wasm.c);\n}\nconst import0 = {\n        a: function(a) {},\n        b: function() { return towasm.mount; },\n};\nreturn { \"a\": import0 };\n"
        );
        let missing = glue.replace("__wbg_now_2", "__wbg_later_3");
        assert!(rename_in_glue(&missing, "widget", &renamed).is_err());
        let unknown = glue.replace("wasm.memory", "wasm.table");
        assert!(rename_in_glue(&unknown, "widget", &renamed).is_err());
    }
}
