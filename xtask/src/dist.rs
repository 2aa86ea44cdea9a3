//! `cargo xtask dist`: builds `dist/`, the files a site owner serves, then the docs site.

use std::path::Path;

use crate::cmd::{note, step, Cmd};
use crate::files::{self, read_text, write};
use crate::sizes::{self, FileSize};
use crate::workspace::Workspace;
use crate::{docs, install, integrity, package, wasm, Result};

const LOADER: &str = "src/loader.js";
const LAZY: &str = "src/lazy.js";
const LOCALE_SOURCES: &str = "crates/core/locales";
const LAUNCHER_CSS: &str = "src/launcher.css";
const ESBUILD: &str = "xtask/tools/node_modules/.bin/esbuild";
/// esbuild's options for minified output that keeps the `/*!` licence comment.
const MINIFY: [&str; 3] = ["--minify", "--legal-comments=inline", "--charset=utf8"];
const TERSER: &str = "xtask/tools/node_modules/terser/bin/terser";

/// Builds `dist/` from scratch, step by step, and returns the sizes of its files.
pub fn run(ws: &Workspace) -> Result<Vec<FileSize>> {
    install::wasm_bindgen_cli(&ws.root)?;
    install::wasm_opt(&ws.root)?;
    let dist = ws.dist();
    step(&format!("recreate {}", dist.display()));
    files::fresh_dir(&dist)?;
    let (glue, wasm) = hashed(ws, &dist, wasm::Build::Widget)?;
    loaders(ws, &dist, &glue, &wasm)?;
    hashed(ws, &dist, wasm::Build::Validator)?;
    let languages = locales(ws, &dist)?;
    schema(&dist)?;
    // The configurator's validator is not in the package: no page of an npm user loads it.
    let mut built = vec![glue, wasm];
    built.extend(languages);
    package::write(&ws.root, &dist, &built)?;
    integrity_json(&dist)?;
    let sizes = measure(&dist)?;
    precompress(&dist)?;
    note(&format!("dist/ is ready: {}", dist.display()));
    docs::run(ws)?;
    Ok(sizes)
}

/// `dist/contact-widget.js` (the script tag's) and `dist/contact-widget.mjs` (npm's) from
/// [`LOADER`], minified: the loader is all a page runs before the visitor reaches for the launcher.
fn loaders(ws: &Workspace, dist: &Path, glue: &str, wasm: &str) -> Result {
    let version = widget_core::VERSION;
    step(&format!(
        "write dist/contact-widget.js and .mjs from {LOADER} (version {version})"
    ));
    let css = minify(ws, &ws.root.join(LAUNCHER_CSS))?;
    let css = json_string(css.trim());
    let titles = titles(ws)?;
    let values = [
        ("__VERSION__", version),
        ("__WIDGET_JS__", glue),
        ("__WIDGET_WASM__", wasm),
        ("__LAUNCHER_CSS__", &css),
        ("__TITLES__", &titles),
    ];
    let source = read_text(&ws.root.join(LOADER))?;
    // The module is made from the loader before its placeholders are filled (it names the files
    // differently, see `package::module_entry`).
    let module = fill(LOADER, &package::module_entry(&source)?, &values)?;
    let source = fill(LOADER, &source, &values)?;
    for (name, text) in [
        ("contact-widget.js", &source),
        ("contact-widget.mjs", &module),
    ] {
        let unminified = ws.target.join(name);
        write(&unminified, text)?;
        write(&dist.join(name), minify_loader(ws, &unminified)?)?;
    }
    Ok(())
}

/// `source` (the file `name`) with each placeholder replaced; every one must be there.
pub fn fill(name: &str, source: &str, values: &[(&str, &str)]) -> Result<String> {
    let mut out = source.to_string();
    for (placeholder, value) in values {
        if !out.contains(placeholder) {
            return Err(format!("{name} has no {placeholder} placeholder"));
        }
        out = out.replace(placeholder, value);
    }
    Ok(out)
}

/// `build`'s glue and wasm in `dist/`, named by their content (`STEM.HASH.js`,
/// `STEM_bg.HASH.wasm`), so the inbox can serve them as `immutable` and a browser never mixes an
/// old glue with a new wasm: bound by wasm-bindgen, optimized, imports and exports renamed in
/// both. The panel's glue is bundled with [`LAZY`]; the configurator's validator (the widget crate
/// with its `validate` feature: the core's messages and the `validate` export) finds its wasm by
/// the hashed name when `init()` is called without one. Returns the glue's and the wasm's names.
fn hashed(ws: &Workspace, dist: &Path, build: wasm::Build) -> Result<(String, String)> {
    let stem = build.stem();
    let rustc_wasm = wasm::build(ws, build)?;
    step(&format!(
        "bind dist/{stem}.js and dist/{stem}_bg.wasm, optimize the wasm for size and minify its \
         import and export names in both"
    ));
    wasm::bindgen(&rustc_wasm, dist, stem)?;
    let bg = dist.join(format!("{stem}_bg.wasm"));
    let renamed = wasm::optimize(ws, &bg, &bg, false)?;
    let glue = dist.join(format!("{stem}.js"));
    let source = wasm::rename_in_glue(&read_text(&glue)?, stem, &renamed)?;
    write(&glue, source)?;
    step(&format!(
        "name the wasm and then the glue by their content: dist/{stem}_bg.HASH.wasm, \
         dist/{stem}.HASH.js"
    ));
    let wasm = rename_by_content(dist, &format!("{stem}_bg"), "wasm")?;
    if build == wasm::Build::Widget {
        step(&format!(
            "bundle {LAZY} (the loader's lazily imported part) with the glue, minified"
        ));
        bundle_glue(ws, dist)?;
    } else {
        let url = format!("new URL('./{wasm}', import.meta.url)");
        point_at_wasm(&glue, "validate_bg.wasm", &url)?;
        write(&glue, minify(ws, &glue)?)?;
    }
    let glue = rename_by_content(dist, stem, "js")?;
    note(&format!("{glue}, {wasm}"));
    Ok((glue, wasm))
}

/// Changes where wasm-bindgen's glue at `glue` finds its wasm when `init()` is called without one
/// (`unhashed` next to itself, which does not exist) to `url`: the hashed name as
/// `new URL("./HASHED", import.meta.url)`, what a bundler follows and emits, or `undefined` (the
/// caller always passes it), so that a bundler sees no second reference to the wasm.
fn point_at_wasm(glue: &Path, unhashed: &str, url: &str) -> Result {
    let default_url = format!("new URL('{unhashed}', import.meta.url)");
    let source = read_text(glue)?;
    if source.matches(&default_url).count() != 1 {
        return Err(format!(
            "{} does not find its wasm as {default_url}: wasm-bindgen's output changed",
            glue.display()
        ));
    }
    write(glue, source.replace(&default_url, url))
}

/// Replaces `dist/widget.js` (wasm-bindgen's glue) by one minified ES module of [`LAZY`] and the
/// glue, which [`LAZY`] imports as `./widget.js` and re-exports whole: the loader imports this
/// one file (no request of its own for the lazy part). Done in a scratch folder under the target
/// directory.
fn bundle_glue(ws: &Workspace, dist: &Path) -> Result {
    let scratch = ws.target.join("glue");
    files::fresh_dir(&scratch)?;
    let glue = dist.join("widget.js");
    std::fs::rename(&glue, scratch.join("widget.js"))
        .map_err(|e| format!("cannot move {}: {e}", glue.display()))?;
    // The loader always passes the wasm (it fetched it together with this file; the npm entry
    // names it for bundlers, see `package::module_entry`).
    point_at_wasm(&scratch.join("widget.js"), "widget_bg.wasm", "undefined")?;
    // Each shipped language but English (built in) by the URL of its file, written out so that
    // bundlers emit the files; `?no-inline` keeps Vite from inlining each (a few KB) into the glue
    // as a data: URL, and is ignored by servers and other bundlers.
    let locales: Vec<String> = languages()
        .map(|tag| format!("{tag}:()=>new URL('./locales/{tag}.json?no-inline',import.meta.url)"))
        .collect();
    let types: Vec<String> = widget_core::channel::Kind::ALL
        .iter()
        .map(|kind| json_string(kind.name()))
        .collect();
    let lazy = fill(
        LAZY,
        &read_text(&ws.root.join(LAZY))?,
        &[
            ("__LOCALES__", &format!("{{{}}}", locales.join(","))),
            ("__CHANNEL_TYPES__", &format!("[{}]", types.join(","))),
        ],
    )?;
    let entry = scratch.join("lazy.js");
    write(&entry, lazy)?;
    Cmd::new(ws.root.join(ESBUILD))
        .arg(&entry)
        .args(["--bundle", "--format=esm", "--log-level=warning"])
        .args(MINIFY)
        .arg(format!("--outfile={}", glue.display()))
        .run()
}

/// The shipped languages but English, which is built in.
fn languages() -> impl Iterator<Item = &'static str> {
    widget_core::i18n::LOCALES
        .into_iter()
        .filter(|tag| *tag != "en")
}

/// A shipped language's table, from [`LOCALE_SOURCES`].
fn language(ws: &Workspace, tag: &str) -> Result<serde_json::Value> {
    let source = ws.root.join(format!("{LOCALE_SOURCES}/{tag}.json"));
    serde_json::from_str(&read_text(&source)?)
        .map_err(|e| format!("{} is not valid JSON: {e}", source.display()))
}

/// `dist/locales/TAG.json`, minified; their names.
fn locales(ws: &Workspace, dist: &Path) -> Result<Vec<String>> {
    step("write dist/locales/*.json (the shipped languages, minified; English is built in)");
    files::fresh_dir(&dist.join("locales"))?;
    let mut names = Vec::new();
    for tag in languages() {
        let name = format!("locales/{tag}.json");
        write(&dist.join(&name), language(ws, tag)?.to_string())?;
        names.push(name);
    }
    Ok(names)
}

fn schema(dist: &Path) -> Result {
    step("write dist/config.schema.json");
    let schema = widget_core::schema::json_schema();
    serde_json::from_str::<serde_json::Value>(&schema)
        .map_err(|e| format!("widget_core::schema::json_schema() is not valid JSON: {e}"))?;
    write(&dist.join("config.schema.json"), schema)
}

fn integrity_json(dist: &Path) -> Result {
    step("write dist/integrity.json (sha384 of every file)");
    let manifest = integrity::manifest(&read_files(dist)?);
    write(&dist.join("integrity.json"), manifest)
}

fn measure(dist: &Path) -> Result<Vec<FileSize>> {
    step("measure dist/");
    let sizes: Vec<FileSize> = read_files(dist)?
        .iter()
        .map(|(name, bytes)| sizes::measure(name, bytes))
        .collect();
    print!("{}", sizes::table(&sizes));
    Ok(sizes)
}

/// Last, so neither integrity.json nor the measured sizes list them: they are the same files in
/// another Content-Encoding, which the inbox serves by the browser's Accept-Encoding.
fn precompress(dist: &Path) -> Result {
    step("write precompressed copies: dist/NAME.br (brotli 11) and dist/NAME.gz (gzip -9)");
    for (name, bytes) in read_files(dist)? {
        // Not the package's README and licences, which no browser loads (and npm would ship the
        // README's copies: it includes README* whatever `files` says).
        if name.starts_with("README") || name.starts_with("LICENSE") {
            continue;
        }
        write(&dist.join(format!("{name}.br")), sizes::brotli(&bytes))?;
        write(&dist.join(format!("{name}.gz")), sizes::gzip(&bytes))?;
    }
    Ok(())
}

/// Renames `dir/STEM.EXT` to `dir/STEM.HASH.EXT` (see [`hashed_name`]); the new name.
fn rename_by_content(dir: &Path, stem: &str, ext: &str) -> Result<String> {
    let from = dir.join(format!("{stem}.{ext}"));
    let name = hashed_name(stem, ext, &files::read(&from)?);
    std::fs::rename(&from, dir.join(&name))
        .map_err(|e| format!("cannot rename {}: {e}", from.display()))?;
    Ok(name)
}

/// `STEM.HASH.EXT` with the first 10 hex digits of the SHA-256 of `bytes`.
pub fn hashed_name(stem: &str, ext: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(bytes);
    let hex: String = hash.iter().take(5).map(|b| format!("{b:02x}")).collect();
    format!("{stem}.{hex}.{ext}")
}

/// Every file under `dir`, named by its path relative to `dir` with `/`, sorted by name.
fn read_files(dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    files::under(dir)?
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(dir).expect("under dir").to_string_lossy();
            Ok((name.replace('\\', "/"), files::read(&path)?))
        })
        .collect()
}

/// `path` (.js, .mjs or .css) minified by esbuild, keeping the `/*!` licence comment.
fn minify(ws: &Workspace, path: &Path) -> Result<String> {
    Cmd::new(ws.root.join(ESBUILD))
        .arg(path)
        .args(MINIFY)
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
    use widget_core::i18n::{Text, Texts};
    let english = json_string(Texts::default().get(Text::Title));
    let mut entries = vec![format!("\"en\":{english}")];
    for tag in languages() {
        let table = language(ws, tag)?;
        let title = table["title"]
            .as_str()
            .ok_or_else(|| format!("{LOCALE_SOURCES}/{tag}.json has no title"))?;
        entries.push(format!("{}:{}", json_string(tag), json_string(title)));
    }
    Ok(format!("{{{}}}", entries.join(",")))
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string serializes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_files_by_their_content_and_fills_every_placeholder() {
        // SHA-256 of "" begins e3b0c44298.
        assert_eq!(hashed_name("widget", "js", b""), "widget.e3b0c44298.js");
        assert_ne!(
            hashed_name("w", "wasm", b"a"),
            hashed_name("w", "wasm", b"b")
        );
        let values = [("__A__", "1"), ("__B__", "2")];
        assert_eq!(fill("x.js", "__A__ __B__ __A__", &values).unwrap(), "1 2 1");
        assert_eq!(
            fill("x.js", "__A__", &values),
            Err("x.js has no __B__ placeholder".into())
        );
    }
}
