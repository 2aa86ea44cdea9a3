//! The npm side of `dist/`: the ES module entry and `package.json`, so that `dist/` is a
//! package (`npm pack dist/`) that works with `import "contact-widget"` as well as a script tag.

use std::fs;
use std::path::Path;

use crate::cmd::step;
use crate::files;

/// What `dist/contact-widget.mjs` says differently from `src/loader.js` (the classic script, which
/// finds the other files next to itself through `document.currentScript`): each passage of the
/// loader, which must occur in it exactly once, and what the module says instead. A bundler
/// follows only `import("./file")` and `new URL("./file", import.meta.url)` written out, so the
/// module names the glue and the wasm that way (the glue names the language files that way, see
/// `src/lazy.js`), and a production build emits them with no copying.
const MODULE: [(&str, &str); 6] = [
    // Run in a browser only: server-side rendering imports the module in Node.js too.
    (
        "\n(() => {\n",
        "\nif (typeof window == 'object') (() => {\n",
    ),
    // A module has no script tag of its own (`document.currentScript` is null), and a bundle
    // without import.meta that runs as a classic script is the app's, not ours: no data
    // attributes or config URL on it, no files next to it. The minifier drops what read them.
    ("const script = d.currentScript;", "const script = null;"),
    // Without baseUrl, the files are where the bundler put them (`base` is null); a bundle without
    // import.meta (esbuild's IIFE or a CommonJS bundle) looks next to the script, and where they
    // are not, the message says to set baseUrl. lazy.js takes `page.base` when there is one (else
    // its own URLs).
    (
        "new URL((config().baseUrl || '.').replace(/\\/?$/, '/'), script?.src || d.baseURI)",
        "page.base = config().baseUrl || !import.meta.url ? $& : null",
    ),
    (
        "const file = (name, options) => ",
        "const file = (name, options) => base && ",
    ),
    (
        "page.wasm = file('__WIDGET_WASM__');",
        "page.wasm = file('__WIDGET_WASM__') || \
         nativeFetch(new URL('./__WIDGET_WASM__', import.meta.url));",
    ),
    (
        "import(new URL('__WIDGET_JS__', base))",
        "import('./__WIDGET_JS__')",
    ),
];

/// `dist/contact-widget.mjs` from the loader's source (before its placeholders are filled): the
/// passages of [`MODULE`] replaced (`$&` in a replacement is the passage), and
/// `window.ContactWidget` (still the only global) as the default export.
pub fn module_entry(loader: &str) -> crate::Result<String> {
    let mut module = loader.to_owned();
    for (classic, instead) in MODULE {
        match loader.matches(classic).count() {
            1 => module = module.replace(classic, &instead.replace("$&", classic)),
            n => {
                return Err(format!(
                    "src/loader.js must contain `{}` exactly once (found {n}): the ES module \
                     entry says it differently (xtask/src/package.rs)",
                    classic.trim()
                ))
            }
        }
    }
    Ok(format!(
        "{}\nexport default globalThis.ContactWidget;\n",
        module.trim_end()
    ))
}

/// Files the package always ships, each of which must be in `dist/`, with the file each is copied
/// from as it is (the others are written by `dist.rs`, or README.md from [`README`]). The
/// content-hashed glue and wasm and the language files are added by name.
const FILES: [(&str, Option<&str>); 9] = [
    ("contact-widget.js", None),
    ("contact-widget.mjs", None),
    ("contact-widget.d.ts", Some("src/contact-widget.d.ts")),
    ("esbuild.js", Some("src/npm/esbuild.js")),
    ("esbuild.d.ts", Some("src/npm/esbuild.d.ts")),
    ("config.schema.json", None),
    ("README.md", None),
    ("LICENSE-MIT", Some("LICENSE-MIT")),
    ("LICENSE-APACHE", Some("LICENSE-APACHE")),
];

/// The docs page that is also the package's README.md (its title becomes the package's).
const README: &str = "docs/javascript.md";

/// Writes the package's own files into `dist` (the copied [`FILES`], README.md from [`README`])
/// and `package.json`, shipping `built` (the hashed files and the languages) too; fails unless
/// every file it lists is in `dist/`.
pub fn write(root: &Path, dist: &Path, built: &[String]) -> crate::Result {
    step(&format!(
        "write dist/package.json (npm package contact-widget {}), its README, types, licences \
         and esbuild plugin",
        widget_core::VERSION
    ));
    for (to, from) in FILES {
        if let Some(from) = from {
            fs::copy(root.join(from), dist.join(to))
                .map_err(|e| format!("cannot copy {from}: {e}"))?;
        }
    }
    let page = files::read_text(&root.join(README))?;
    let body = page
        .split_once('\n')
        .filter(|(title, _)| title.starts_with("# "))
        .ok_or_else(|| format!("{README} does not start with a # title"))?
        .1;
    let readme = format!(
        "# contact-widget\n\nAn embeddable contact widget (Rust compiled to WebAssembly) with \
         every way to reach a business and a feedback form, in its own shadow DOM, loaded when a \
         visitor reaches for it. This is the page on its JavaScript API and this package from its \
         documentation (`docs/` in the repository, served by the inbox at `/docs/`).\n{body}"
    );
    files::write(&dist.join("README.md"), readme)?;
    let built: Vec<&str> = built.iter().map(String::as_str).collect();
    let template = files::read_text(&root.join(MANIFEST))?;
    let manifest = manifest(&template, widget_core::VERSION, &built)?;
    files::write(&dist.join("package.json"), manifest)?;
    let mut shipped = FILES.iter().map(|(name, _)| *name).chain(built);
    match shipped.find(|file| !dist.join(file).exists()) {
        Some(file) => Err(format!(
            "dist/package.json lists {file}, but dist/ has no such file"
        )),
        None => Ok(()),
    }
}

/// The text of `dist/package.json`, as written, so that the order of conditions in `exports`
/// (the first that matches wins) is the one that ships. Every entry is an ES module but
/// `./contact-widget.js`, the classic script (for a CDN's script tag, `unpkg` and `jsdelivr`, or a
/// bundler's `?url`): no `require` condition leads to it. `sideEffects`: the loader defines
/// `window.ContactWidget` and `<contact-widget>` when imported; the glue and the esbuild plugin
/// only export.
const MANIFEST: &str = "src/npm/package.template.json";

/// `dist/package.json` from [`MANIFEST`]'s `template`, with the version and every file it ships:
/// [`FILES`], `built` (the hashed glue and wasm, the languages) and `integrity.json`.
fn manifest(template: &str, version: &str, built: &[&str]) -> crate::Result<String> {
    let quoted: Vec<String> = FILES
        .iter()
        .map(|(name, _)| *name)
        .chain(built.iter().copied())
        .chain(["integrity.json"])
        .map(|f| format!("\"{f}\""))
        .collect();
    let values = [
        ("__VERSION__", version),
        ("\"__FILES__\"", &quoted.join(", ")),
    ];
    crate::dist::fill(MANIFEST, template, &values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_entry_replaces_each_passage_once() {
        let loader: String = MODULE
            .iter()
            .map(|(classic, _)| format!("{classic}\n"))
            .collect();
        let module = module_entry(&loader).unwrap();
        let expected: String = MODULE
            .iter()
            .map(|(classic, instead)| format!("{}\n", instead.replace("$&", classic)))
            .collect();
        let export = "\nexport default globalThis.ContactWidget;\n";
        assert_eq!(module, format!("{}{export}", expected.trim_end()));
        assert!(module_entry(&loader[1..]).is_err(), "a passage missing");
        assert!(
            module_entry(&format!("{loader}{loader}")).is_err(),
            "a passage twice"
        );
    }

    #[test]
    fn the_real_loader_has_each_passage_once() {
        let loader = include_str!("../../src/loader.js");
        let module = module_entry(loader).unwrap();
        // What bundlers follow, written out.
        assert!(module.contains("import('./__WIDGET_JS__')"));
        assert!(module.contains("new URL('./__WIDGET_WASM__', import.meta.url)"));
    }

    /// The hand-written types cannot be generated cheaply, so they are held to the core's tables.
    #[test]
    fn types_name_every_core_key_channel_text_and_position() {
        use widget_core::{channel::Kind, config, i18n::Text};
        let types = include_str!("../../src/contact-widget.d.ts");
        for key in config::KEYS
            .iter()
            .chain(&config::FORM_KEYS)
            .chain(&config::CHANNEL_KEYS)
        {
            assert!(
                types.contains(&format!("  {key}?:")) || types.contains(&format!("  {key}:")),
                "d.ts lacks the key {key}"
            );
        }
        let names = Kind::ALL.map(Kind::name).into_iter();
        let names = names.chain(Text::ALL.iter().map(|text| text.key()));
        for name in names.chain(config::Position::ALL.map(config::Position::name)) {
            let quoted = format!("\"{name}\"");
            assert!(types.contains(&quoted), "d.ts lacks {quoted}");
        }
    }

    #[test]
    fn manifest_names_the_version_and_every_entry() {
        let built = [
            "widget.0123456789.js",
            "widget_bg.0123456789.wasm",
            "locales/fr.json",
        ];
        let template = include_str!("../../src/npm/package.template.json");
        let text = manifest(template, "1.2.3", &built).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(manifest["name"], "contact-widget");
        assert_eq!(manifest["version"], "1.2.3");
        assert_eq!(manifest["exports"]["."]["default"], "./contact-widget.mjs");
        assert_eq!(manifest["main"], "./contact-widget.mjs");
        assert!(!text.contains("require"), "no require condition");
        assert_eq!(manifest["types"], "./contact-widget.d.ts");
        let files = manifest["files"].as_array().unwrap();
        assert_eq!(files.len(), FILES.len() + built.len() + 1);
        assert!(
            files.contains(&"locales/fr.json".into()),
            "translations ship too"
        );
        // Conditions are tried in order: "types" must come first and "default" last.
        let at = |s: &str| text.find(s).unwrap();
        assert!(at("\"types\": \"./contact") < at("\"default\": \"./contact"));
    }
}
