//! The npm side of `dist/`: the ES module entry and `package.json`, so that `dist/` is a
//! package (`npm pack dist/`) that works with `import "contact-widget"` as well as a script tag.

/// The expression in `src/loader.js` that finds the loader's own URL through
/// `document.currentScript`, which is null in an ES module.
const CLASSIC_BASE: &str = "script?.src || d.baseURI";

/// `dist/contact-widget.mjs` from the loader's source: the same code with the base URL taken
/// from `import.meta.url`, and `window.ContactWidget` (still the only global) as the default export.
pub fn module_entry(loader: &str) -> crate::Result<String> {
    match loader.matches(CLASSIC_BASE).count() {
        1 => Ok(format!(
            "{}\nexport default window.ContactWidget;\n",
            loader.replace(CLASSIC_BASE, "import.meta.url").trim_end()
        )),
        n => Err(format!(
            "src/loader.js must contain `{CLASSIC_BASE}` exactly once (found {n}): the ES module \
             entry replaces it with import.meta.url"
        )),
    }
}

/// Files the package always ships; each must exist in `dist/`. The content-hashed glue and wasm
/// and the language files are added by name when the manifest is written.
pub const FILES: [&str; 4] = [
    "contact-widget.js",
    "contact-widget.mjs",
    "contact-widget.d.ts",
    "config.schema.json",
];

/// `dist/package.json`, shipping [`FILES`], `built` (the hashed glue and wasm, the languages) and
/// `integrity.json`. Written as text, not through serde_json (whose maps sort their keys): the
/// order of conditions in `exports` is significant, the first that matches wins.
pub fn manifest(version: &str, built: &[&str]) -> String {
    let quoted: Vec<String> = FILES
        .iter()
        .chain(built)
        .chain(&["integrity.json"])
        .map(|f| format!("\"{f}\""))
        .collect();
    format!(
        r#"{{
  "name": "contact-widget",
  "version": "{version}",
  "description": "An embeddable contact widget: one script tag, every way to reach the business.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./contact-widget.js",
  "module": "./contact-widget.mjs",
  "types": "./contact-widget.d.ts",
  "exports": {{
    ".": {{
      "types": "./contact-widget.d.ts",
      "import": "./contact-widget.mjs",
      "default": "./contact-widget.js"
    }},
    "./contact-widget.js": "./contact-widget.js",
    "./config.schema.json": "./config.schema.json",
    "./integrity.json": "./integrity.json",
    "./package.json": "./package.json"
  }},
  "files": [{files}],
  "sideEffects": true
}}
"#,
        files = quoted.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_entry_replaces_only_the_base() {
        let loader =
            "var script = d.currentScript;\nvar base = new URL('.', script?.src || d.baseURI);\n";
        assert_eq!(
            module_entry(loader).unwrap(),
            "var script = d.currentScript;\nvar base = new URL('.', import.meta.url);\nexport default window.ContactWidget;\n"
        );
        assert!(module_entry("var base = d.baseURI;").is_err());
        let twice = format!("{CLASSIC_BASE}{CLASSIC_BASE}");
        assert!(module_entry(&twice).is_err());
    }

    #[test]
    fn the_real_loader_has_the_base_once() {
        let loader = include_str!("../../src/loader.js");
        assert!(module_entry(loader).is_ok());
    }

    /// The hand-written types cannot be generated cheaply, so they are held to the core's tables.
    #[test]
    fn types_name_every_core_key_channel_text_and_position() {
        use widget_core::{channel::Kind, config, i18n::Text};
        let types = include_str!("../../src/contact-widget.d.ts");
        let quoted = |name: &str| format!("\"{name}\"");
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
        for name in Kind::ALL.map(Kind::name) {
            assert!(
                types.contains(&quoted(name)),
                "d.ts lacks the channel type {name}"
            );
        }
        for text in Text::ALL {
            assert!(
                types.contains(&quoted(text.key())),
                "d.ts lacks the text key {}",
                text.key()
            );
        }
        for position in config::Position::ALL {
            assert!(
                types.contains(&quoted(position.name())),
                "d.ts lacks the position {}",
                position.name()
            );
        }
    }

    #[test]
    fn manifest_names_the_version_and_every_entry() {
        let built = [
            "widget.0123456789.js",
            "widget_bg.0123456789.wasm",
            "locales/fr.json",
        ];
        let manifest: serde_json::Value = serde_json::from_str(&manifest("1.2.3", &built)).unwrap();
        assert_eq!(manifest["name"], "contact-widget");
        assert_eq!(manifest["version"], "1.2.3");
        assert_eq!(manifest["exports"]["."]["import"], "./contact-widget.mjs");
        assert_eq!(manifest["types"], "./contact-widget.d.ts");
        assert_eq!(
            manifest["files"].as_array().unwrap().len(),
            FILES.len() + built.len() + 1
        );
        assert!(
            manifest["files"]
                .as_array()
                .unwrap()
                .contains(&"locales/fr.json".into()),
            "translations ship too"
        );
        // Conditions are tried in order: "types" must come first and "default" last.
        let text = super::manifest("1.2.3", &built);
        let at = |s: &str| text.find(s).unwrap();
        assert!(
            at("\"types\": \"./contact") < at("\"import\"") && at("\"import\"") < at("\"default\"")
        );
    }
}
