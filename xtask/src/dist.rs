//! `cargo xtask dist`: builds `dist/`, the files a site owner serves.

use std::fs;
use std::path::{Path, PathBuf};

use crate::cmd::{note, step, warn, Cmd};
use crate::sizes::{self, FileSize};
use crate::workspace::Workspace;
use crate::{docs, install, integrity, package, wasm, Result};

const LOADER: &str = "src/loader.js";
const LAZY: &str = "src/lazy.js";
const TYPES: &str = "src/contact-widget.d.ts";
const LOCALE_SOURCES: &str = "crates/core/locales";
const LAUNCHER_CSS: &str = "src/launcher.css";
const ESBUILD: &str = "xtask/tools/node_modules/.bin/esbuild";
const TERSER: &str = "xtask/tools/node_modules/terser/bin/terser";

/// Builds `dist/` from scratch and returns the sizes of its files.
pub fn run(ws: &Workspace) -> Result<Vec<FileSize>> {
    install::wasm_bindgen_cli(&ws.root)?;
    install::wasm_opt(&ws.root)?;

    let loader = ws.root.join(LOADER);
    if !loader.is_file() {
        return Err(format!(
            "{LOADER} does not exist yet: dist/contact-widget.js is made from it (the loader is \
             being written in src/; retry once it is there)"
        ));
    }

    let dist = ws.dist();
    step(&format!("recreate {}", dist.display()));
    if dist.exists() {
        fs::remove_dir_all(&dist).map_err(|e| format!("cannot delete {}: {e}", dist.display()))?;
    }
    fs::create_dir_all(&dist).map_err(|e| format!("cannot create {}: {e}", dist.display()))?;

    bound(ws, &dist, wasm::Build::Widget)?;

    // Content-hashed names: a changed file gets a new name, so the inbox can serve them as
    // `immutable` and a browser never mixes an old glue with a new wasm.
    step("name the wasm by its content: dist/widget_bg.HASH.wasm");
    let wasm_name = rename_by_content(&dist, "widget_bg", "wasm")?;
    note(&wasm_name);

    step(&format!(
        "bundle {LAZY} (the loader's lazily imported part) with the glue, minified: dist/widget.js"
    ));
    bundle_glue(ws, &dist)?;
    step("name the glue by its content: dist/widget.HASH.js");
    let js_name = rename_by_content(&dist, "widget", "js")?;
    note(&js_name);

    let version = widget_core::VERSION;
    step(&format!(
        "write dist/contact-widget.js from {LOADER} (version {version})"
    ));
    let source = read_text(&loader)?;
    if !source.contains("__VERSION__") {
        warn(&format!("{LOADER} has no __VERSION__ placeholder"));
    }
    if !source.contains("__WIDGET_JS__") {
        return Err(format!(
            "{LOADER} has no __WIDGET_JS__ placeholder: it could not find the hashed glue"
        ));
    }
    let css = minify(ws, &ws.root.join(LAUNCHER_CSS))?;
    let titles = titles(ws)?;
    let fill = |source: &str| {
        source
            .replace("__VERSION__", version)
            .replace("__WIDGET_JS__", &js_name)
            .replace("__WIDGET_WASM__", &wasm_name)
            .replace("__LAUNCHER_CSS__", &json_string(css.trim()))
            .replace("__TITLES__", &titles)
    };
    let module = fill(&package::module_entry(&source)?);
    // Minified: the loader is all a page runs before the visitor reaches for the launcher.
    for (name, text) in [
        ("contact-widget.js", &fill(&source)),
        ("contact-widget.mjs", &module),
    ] {
        let unminified = ws.target.join(name);
        write(&unminified, text.as_bytes())?;
        write(&dist.join(name), minify_loader(ws, &unminified)?.as_bytes())?;
    }
    note("dist/contact-widget.mjs is the same loader as an ES module, for npm");

    validator(ws, &dist)?;

    step(&format!("copy {TYPES} to dist/contact-widget.d.ts"));
    let types = ws.root.join(TYPES);
    if types.is_file() {
        fs::copy(&types, dist.join("contact-widget.d.ts"))
            .map_err(|e| format!("cannot copy {}: {e}", types.display()))?;
    } else {
        warn(&format!(
            "{TYPES} does not exist yet; dist/ has no TypeScript types"
        ));
    }

    step("write dist/locales/*.json (the shipped languages, minified; English is built in)");
    let locales = dist.join("locales");
    fs::create_dir_all(&locales)
        .map_err(|e| format!("cannot create {}: {e}", locales.display()))?;
    for tag in widget_core::i18n::LOCALES
        .iter()
        .filter(|tag| **tag != "en")
    {
        let source = ws.root.join(format!("{LOCALE_SOURCES}/{tag}.json"));
        let table: serde_json::Value = serde_json::from_str(&read_text(&source)?)
            .map_err(|e| format!("{} is not valid JSON: {e}", source.display()))?;
        let compact = serde_json::to_string(&table).map_err(|e| e.to_string())?;
        write(&locales.join(format!("{tag}.json")), compact.as_bytes())?;
    }

    step("write dist/config.schema.json");
    let schema = widget_core::schema::json_schema();
    serde_json::from_str::<serde_json::Value>(&schema)
        .map_err(|e| format!("widget_core::schema::json_schema() is not valid JSON: {e}"))?;
    write(&dist.join("config.schema.json"), schema.as_bytes())?;

    step(&format!(
        "write dist/package.json (npm package contact-widget {version}), its README, licences and esbuild plugin"
    ));
    package::write_files(&ws.root, &dist)?;
    // The hashed glue and wasm, and every language file (not their .br/.gz copies, nor the
    // configurator's validator, which no page of an npm user loads).
    let mut built = vec![js_name.clone(), wasm_name.clone()];
    built.extend(
        widget_core::i18n::LOCALES
            .iter()
            .filter(|t| **t != "en")
            .map(|t| format!("locales/{t}.json")),
    );
    write(
        &dist.join("package.json"),
        package::manifest(
            version,
            &built.iter().map(String::as_str).collect::<Vec<_>>(),
        )
        .as_bytes(),
    )?;
    for file in package::FILES
        .iter()
        .copied()
        .chain(built.iter().map(String::as_str))
    {
        if !dist.join(file).exists() {
            return Err(format!(
                "dist/package.json lists {file}, but dist/ has no such file"
            ));
        }
    }

    step("write dist/integrity.json (sha384 of every file)");
    let files = read_files(&dist)?;
    let manifest = integrity::manifest(
        files
            .iter()
            .map(|(name, bytes)| (name.as_str(), &bytes[..])),
    );
    write(&dist.join("integrity.json"), manifest.as_bytes())?;

    step("measure dist/");
    let sizes: Vec<FileSize> = read_files(&dist)?
        .iter()
        .map(|(name, bytes)| sizes::measure(name, bytes))
        .collect();
    print!("{}", sizes::table(&sizes));

    // Last, so neither integrity.json nor the measured sizes list them: they are the same files
    // in another Content-Encoding, which the inbox serves by the browser's Accept-Encoding.
    step("write precompressed copies: dist/NAME.br (brotli 11) and dist/NAME.gz (gzip -9)");
    for (name, bytes) in read_files(&dist)? {
        // Not the package's README and licences, which no browser loads (and npm would ship the
        // README's copies: it includes README* whatever `files` says).
        if name.starts_with("README") || name.starts_with("LICENSE") {
            continue;
        }
        write(&dist.join(format!("{name}.br")), &sizes::brotli(&bytes))?;
        write(&dist.join(format!("{name}.gz")), &sizes::gzip(&bytes))?;
    }
    note(&format!("dist/ is ready: {}", dist.display()));
    docs::run(ws)?;
    Ok(sizes)
}

/// Builds `build` and leaves its glue and wasm in `dist/` as `STEM.js` and `STEM_bg.wasm`:
/// bound by wasm-bindgen, optimized, imports and exports renamed in both.
fn bound(ws: &Workspace, dist: &Path, build: wasm::Build) -> Result {
    let stem = build.stem();
    let rustc_wasm = wasm::build(ws, build)?;
    step(&format!(
        "generate the JS bindings: dist/{stem}.js, dist/{stem}_bg.wasm (renamed by content below)"
    ));
    wasm::bindgen(&rustc_wasm, dist, stem)?;
    step(&format!(
        "optimize dist/{stem}_bg.wasm for size, minifying its import and export names"
    ));
    let bg = dist.join(format!("{stem}_bg.wasm"));
    let renamed = wasm::optimize(ws, &bg, &bg, false)?;
    step(&format!(
        "rename the imports and exports in dist/{stem}.js the same way"
    ));
    let glue = dist.join(format!("{stem}.js"));
    write(
        &glue,
        wasm::rename_in_glue(&read_text(&glue)?, stem, &renamed)?.as_bytes(),
    )
}

/// The configurator's validator, `dist/validate.HASH.js` and `dist/validate_bg.HASH.wasm`: the
/// widget crate with its `validate` feature (the core's messages and the `validate` export), its
/// glue minified, and finding its wasm by the hashed name when `init()` is called without one.
fn validator(ws: &Workspace, dist: &Path) -> Result {
    bound(ws, dist, wasm::Build::Validator)?;
    step("name the validator's wasm and glue by their content: dist/validate_bg.HASH.wasm, dist/validate.HASH.js");
    let wasm_name = rename_by_content(dist, "validate_bg", "wasm")?;
    let glue = dist.join("validate.js");
    point_at_wasm(&glue, "validate_bg.wasm", Some(&wasm_name))?;
    write(&glue, minify(ws, &glue)?.as_bytes())?;
    let js_name = rename_by_content(dist, "validate", "js")?;
    note(&format!("{js_name}, {wasm_name}"));
    Ok(())
}

/// Replaces `dist/widget.js` (wasm-bindgen's glue) by one minified ES module of [`LAZY`] and the
/// glue, which [`LAZY`] imports as `./widget.js` and re-exports whole: the loader imports this
/// one file (no request of its own for the lazy part), the configurator its `validate`. Done in a
/// scratch folder under the target directory, before the glue is named by its content.
fn bundle_glue(ws: &Workspace, dist: &Path) -> Result {
    let scratch = ws.target.join("glue");
    if scratch.exists() {
        fs::remove_dir_all(&scratch)
            .map_err(|e| format!("cannot delete {}: {e}", scratch.display()))?;
    }
    fs::create_dir_all(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let glue = dist.join("widget.js");
    fs::rename(&glue, scratch.join("widget.js"))
        .map_err(|e| format!("cannot move {}: {e}", glue.display()))?;
    // The loader always passes the wasm (it fetched it together with this file; the npm entry
    // names it for bundlers, see `package::MODULE`).
    point_at_wasm(&scratch.join("widget.js"), "widget_bg.wasm", None)?;
    let lazy = read_text(&ws.root.join(LAZY))?;
    // Each shipped language but English (built in) by the URL of its file, written out so that
    // bundlers emit the files; `?no-inline` keeps Vite from inlining each (a few KB) into the glue
    // as a data: URL, and is ignored by servers and other bundlers.
    let locales: Vec<String> = widget_core::i18n::LOCALES
        .iter()
        .filter(|t| **t != "en")
        .map(|t| format!("{t}:()=>new URL('./locales/{t}.json?no-inline',import.meta.url)"))
        .collect();
    let entry = scratch.join("lazy.js");
    let types: Vec<String> = widget_core::channel::Kind::ALL
        .iter()
        .map(|k| json_string(k.name()))
        .collect();
    let lazy = lazy
        .replace("__LOCALES__", &format!("{{{}}}", locales.join(",")))
        .replace("__CHANNEL_TYPES__", &format!("[{}]", types.join(",")));
    write(&entry, lazy.as_bytes())?;
    Cmd::new(ws.root.join(ESBUILD))
        .arg(&entry)
        .args([
            "--bundle",
            "--format=esm",
            "--minify",
            "--legal-comments=inline",
            "--charset=utf8",
            "--log-level=warning",
        ])
        .arg(format!("--outfile={}", glue.display()))
        .run()
}

/// Changes where wasm-bindgen's glue at `glue` finds its wasm when `init()` is called without one
/// (`unhashed` next to itself, which does not exist): `Some(hashed)` as
/// `new URL("./HASHED", import.meta.url)`, what a bundler follows and emits; `None`, nowhere (the
/// caller always passes it), so that a bundler sees no second reference to the wasm.
fn point_at_wasm(glue: &Path, unhashed: &str, hashed: Option<&str>) -> Result {
    let default_url = format!("new URL('{unhashed}', import.meta.url)");
    let source = read_text(glue)?;
    if source.matches(&default_url).count() != 1 {
        return Err(format!(
            "{} does not find its wasm as {default_url}: wasm-bindgen's output changed",
            glue.display()
        ));
    }
    let url = hashed.map_or("undefined".into(), |hashed| {
        format!("new URL('./{hashed}', import.meta.url)")
    });
    write(glue, source.replace(&default_url, &url).as_bytes())
}

/// Renames `dir/STEM.EXT` to `dir/STEM.HASH.EXT` (10 hex digits of its SHA-256); the new name.
fn rename_by_content(dir: &Path, stem: &str, ext: &str) -> Result<String> {
    let from = dir.join(format!("{stem}.{ext}"));
    let bytes = fs::read(&from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    let name = hashed_name(stem, ext, &bytes);
    fs::rename(&from, dir.join(&name))
        .map_err(|e| format!("cannot rename {}: {e}", from.display()))?;
    Ok(name)
}

/// `STEM.HASH.EXT` with the first 10 hex digits of the SHA-256 of `bytes`.
pub fn hashed_name(stem: &str, ext: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash: String = sha2::Sha256::digest(bytes)
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{stem}.{hash}.{ext}")
}

/// Every file under `dir`, named by its path relative to `dir` with `/`, sorted by name.
fn read_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let mut paths = Vec::new();
    collect(dir, &mut paths)?;
    let mut files = paths
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes =
                fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok((name, bytes))
        })
        .collect::<Result<Vec<_>>>()?;
    files.sort();
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// `path` (.js, .mjs or .css) minified by esbuild, keeping the `/*!` licence comment.
fn minify(ws: &Workspace, path: &Path) -> Result<String> {
    Cmd::new(ws.root.join(ESBUILD))
        .arg(path)
        .args(["--minify", "--legal-comments=inline", "--charset=utf8"])
        .probe()
        .ok_or_else(|| format!("esbuild could not minify {}", path.display()))
}

/// The loader (`path`, .js or .mjs) minified by terser, keeping the `/*!` licence comment. The
/// critical path is held to its budget byte by byte, and terser's output of it is about 60 bytes
/// (2%) smaller after brotli than esbuild's (measured on 2026-12-06: 3457 against 3520).
fn minify_loader(ws: &Workspace, path: &Path) -> Result<String> {
    Cmd::new("node")
        .arg(ws.root.join(TERSER))
        .arg(path)
        .args(["--compress", "--mangle", "--comments", "/^!/"])
        .probe()
        .ok_or_else(|| format!("terser could not minify {}", path.display()))
}

/// The title of each shipped language as a JSON object, `{"en":"Contact us","fr":…}`: the
/// launcher's default label, so the loader can paint it in the visitor's language at once.
fn titles(ws: &Workspace) -> Result<String> {
    let mut entries = Vec::new();
    for tag in widget_core::i18n::LOCALES {
        let title = if tag == "en" {
            widget_core::i18n::Texts::default()
                .get(widget_core::i18n::Text::Title)
                .to_owned()
        } else {
            let source = ws.root.join(format!("{LOCALE_SOURCES}/{tag}.json"));
            let table: serde_json::Value = serde_json::from_str(&read_text(&source)?)
                .map_err(|e| format!("{} is not valid JSON: {e}", source.display()))?;
            table["title"]
                .as_str()
                .ok_or_else(|| format!("{} has no title", source.display()))?
                .to_owned()
        };
        entries.push(format!("{}:{}", json_string(tag), json_string(&title)));
    }
    Ok(format!("{{{}}}", entries.join(",")))
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

fn read_text(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_files_by_their_content() {
        // SHA-256 of "" begins e3b0c44298.
        assert_eq!(hashed_name("widget", "js", b""), "widget.e3b0c44298.js");
        assert_ne!(
            hashed_name("widget_bg", "wasm", b"a"),
            hashed_name("widget_bg", "wasm", b"b")
        );
        assert_eq!(
            crate::budget::logical_name("widget_bg.e3b0c44298.wasm"),
            "widget_bg.wasm"
        );
    }
}
