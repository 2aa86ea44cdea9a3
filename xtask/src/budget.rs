//! The size budget: brotli sizes of what a browser loads from `dist/`, against
//! `size-budget.json` at the repository root: each file, what one visitor can download, what they
//! have by the first open, and each critical path (what a page downloads and runs before the
//! launcher is visible).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::cmd::{note, step};
use crate::sizes::FileSize;
use crate::workspace::Workspace;
use crate::{files, Result};

/// Limits in bytes, brotli quality 11. Other keys (`note`) are comments.
#[derive(Debug, Deserialize)]
pub struct Budget {
    pub brotli: Files,
    pub critical: Critical,
    /// What a visitor has downloaded once the panel first opens, when budgeted.
    pub open: Option<Open>,
}

/// Each file's limit and the total's.
#[derive(Debug, Deserialize)]
pub struct Files {
    pub total: u64,
    pub files: BTreeMap<String, u64>,
}

/// The critical path: for each way of embedding the widget, the files a page must download and
/// run before the launcher is visible (the loader; the glue, the wasm and a language file come
/// later), held together to one limit.
#[derive(Debug, Deserialize)]
pub struct Critical {
    #[serde(rename = "brotli")]
    pub limit: u64,
    pub paths: Vec<Vec<String>>,
}

/// By the first open: the larger critical path, `files` (the glue and the wasm) and one language
/// file (the visitor's; the largest counts), held together to one limit.
#[derive(Debug, Deserialize)]
pub struct Open {
    #[serde(rename = "brotli")]
    pub limit: u64,
    pub files: Vec<String>,
}

/// Why a critical path is over its limit, and where the bytes should go instead.
const CRITICAL_ADVICE: &str = ": only what paints the launcher and keeps the API's promises at \
    load belongs in src/loader.js; what is needed once loading starts goes to src/lazy.js, which \
    is bundled into the lazily imported glue";

/// Files only the configurator (and other callers of `validate()`) loads: the widget's wasm with
/// the core's messages for owners. Budgeted, but no visitor downloads them.
const FOR_OWNERS: [&str; 2] = ["validate.js", "validate_bg.wasm"];

pub fn parse(text: &str) -> Result<Budget> {
    let budget: Budget = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if budget.critical.paths.is_empty() || budget.critical.paths.iter().any(Vec::is_empty) {
        return Err("\"critical.paths\" must list at least one path of at least one file".into());
    }
    Ok(budget)
}

/// The name a file is budgeted under: content-hashed names (`widget.0123abcdef.js`) without
/// their hash, so the budget outlives every build.
pub fn logical_name(name: &str) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [stem @ .., hash, ext]
            if !stem.is_empty()
                && hash.len() >= 8
                && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            format!("{}.{ext}", stem.join("."))
        }
        _ => name.to_string(),
    }
}

/// Files in `dist/` that no browser loads when a page embeds the widget are not budgeted; the
/// precompressed `.br`/`.gz` copies are the same files in another encoding, not counted twice.
pub fn loaded_by_browsers(name: &str) -> bool {
    let not_loaded = [
        ".d.ts",
        ".br",
        ".gz",
        "config.schema.json",
        "integrity.json",
        "package.json",
        // The npm package's own files: its README, licences and esbuild plugin (run by Node).
        "README.md",
        "esbuild.js",
    ];
    !name.starts_with("LICENSE") && !not_loaded.iter().any(|end| name.ends_with(end))
}

/// One figure held to the budget: a file, the total, what a visitor has by the first open, or a
/// critical path.
#[derive(Debug, PartialEq)]
struct Figure {
    name: String,
    /// What it counts, for the reader.
    what: &'static str,
    /// Brotli bytes.
    size: u64,
    /// `None` for a file without a budget.
    limit: Option<u64>,
}

/// Every figure of the budget for the measured brotli sizes (file name, bytes) of `dist/`.
fn figures(budget: &Budget, sizes: &[(&str, u64)]) -> Vec<Figure> {
    let loaded: Vec<(String, u64)> = sizes
        .iter()
        .filter(|(name, _)| loaded_by_browsers(name))
        .map(|&(name, size)| (logical_name(name), size))
        .collect();
    let size_of = |file: &str| -> u64 {
        let of_file = loaded.iter().filter(|(name, _)| name == file);
        of_file.map(|(_, size)| size).sum()
    };
    let mut figures: Vec<Figure> = sizes
        .iter()
        .filter(|(name, _)| loaded_by_browsers(name))
        .map(|&(name, size)| Figure {
            name: format!("dist/{name}"),
            what: "",
            size,
            limit: budget.brotli.files.get(&logical_name(name)).copied(),
        })
        .collect();
    let critical: Vec<(String, u64)> = budget
        .critical
        .paths
        .iter()
        .map(|files| (files.join(" + "), files.iter().map(|f| size_of(f)).sum()))
        .collect();
    let largest_critical = critical.iter().map(|(_, size)| *size).max().unwrap_or(0);
    // A page embeds the widget one way, so of the critical paths only the largest counts, with
    // every file loaded later (not the configurator's validator).
    let on_a_critical_path = |name: &str| budget.critical.paths.iter().flatten().any(|f| f == name);
    let later: u64 = loaded
        .iter()
        .filter(|(name, _)| !FOR_OWNERS.contains(&name.as_str()) && !on_a_critical_path(name))
        .map(|(_, size)| size)
        .sum();
    figures.push(Figure {
        name: "total".into(),
        what: " (what one visitor can download: one way of embedding, the glue, the wasm, every \
               language file)",
        size: largest_critical + later,
        limit: Some(budget.brotli.total),
    });
    if let Some(open) = &budget.open {
        let language = loaded
            .iter()
            .filter(|(name, _)| name.starts_with("locales/"))
            .map(|(_, size)| *size)
            .max()
            .unwrap_or(0);
        let files: u64 = open.files.iter().map(|file| size_of(file)).sum();
        figures.push(Figure {
            name: "by the first open".into(),
            what: " (the loader, the glue, the wasm, one language file)",
            size: largest_critical + files + language,
            limit: Some(open.limit),
        });
    }
    figures.extend(critical.into_iter().map(|(name, size)| Figure {
        name,
        what: " (critical path: what a page downloads and runs before the launcher is visible)",
        size,
        limit: Some(budget.critical.limit),
    }));
    figures
}

/// Every way the measured brotli sizes (file name, bytes) break the budget, as messages.
fn check(budget: &Budget, sizes: &[(&str, u64)]) -> Vec<String> {
    let mut problems = Vec::new();
    for Figure {
        name,
        what,
        size,
        limit,
    } in figures(budget, sizes)
    {
        let advice = match what.contains("critical path") {
            true => CRITICAL_ADVICE,
            false => "",
        };
        match limit {
            Some(limit) if size > limit => problems.push(format!(
                "{name}{what} is {size} bytes (brotli), over its budget of {limit} bytes{advice}"
            )),
            Some(_) => {}
            None => problems.push(format!(
                "{name} ({size} bytes brotli) has no budget in size-budget.json"
            )),
        }
    }
    let loaded = sizes.iter().filter(|(name, _)| loaded_by_browsers(name));
    let built: Vec<String> = loaded.map(|(name, _)| logical_name(name)).collect();
    let built = |file: &String| built.contains(file);
    for name in budget.brotli.files.keys().filter(|name| !built(name)) {
        problems.push(format!(
            "size-budget.json budgets {name}, but dist/ has no such file"
        ));
    }
    let critical = budget.critical.paths.iter().flatten();
    for file in critical.filter(|file| !built(file)) {
        problems.push(format!(
            "size-budget.json puts {file} on the critical path, but dist/ has no such file"
        ));
    }
    problems
}

/// `cargo xtask test`'s last layer: prints each budgeted size against its limit and fails when
/// `sizes` (of the `dist/` just built) break the budget.
pub fn check_dist(ws: &Workspace, sizes: &[FileSize]) -> Result {
    step("compare dist/ with the size budget (brotli, quality 11)");
    let path = ws.root.join("size-budget.json");
    let budget =
        parse(&files::read_text(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let sizes: Vec<(&str, u64)> = sizes.iter().map(|s| (s.name.as_str(), s.brotli)).collect();
    for figure in figures(&budget, &sizes) {
        let limit = figure
            .limit
            .map_or("none".into(), |limit| limit.to_string());
        let (name, size, what) = (figure.name, figure.size, figure.what);
        note(&format!("{name:<33} {size:>8} / {limit:>8} bytes{what}"));
    }
    match check(&budget, &sizes).join("\n    ") {
        problems if problems.is_empty() => Ok(()),
        problems => Err(format!("over the size budget:\n    {problems}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two ways of embedding (a.js, a.mjs), hashed names, files no browser loads, the validator.
    const BUDGET: &str = r#"{"note": "bytes, brotli 11",
        "brotli": {"total": 1000, "files": {"a.js": 50, "a.mjs": 50, "widget.js": 100,
            "widget_bg.wasm": 500, "locales/fr.json": 20, "locales/de.json": 20,
            "validate.js": 80}},
        "critical": {"brotli": 40, "paths": [["a.js"], ["a.mjs"]]},
        "open": {"brotli": 600, "files": ["widget.js", "widget_bg.wasm"]}}"#;

    const SIZES: [(&str, u64); 12] = [
        ("a.js", 30),
        ("a.mjs", 31),
        ("widget.0123abcdef.js", 90),
        ("widget_bg.0123abcdef.wasm", 470),
        ("locales/fr.json", 9),
        ("locales/de.json", 11),
        ("validate.0123abcdef.js", 80),
        ("widget.js.br", 5000),
        ("widget_bg.wasm.gz", 5000),
        ("config.schema.json", 5000),
        ("contact-widget.d.ts", 5000),
        ("package.json", 5000),
    ];

    #[test]
    fn counts_one_way_of_embedding_and_what_a_visitor_has_by_the_first_open() {
        let budget = parse(BUDGET).unwrap();
        let figures = figures(&budget, &SIZES);
        let size = |name: &str| figures.iter().find(|f| f.name == name).unwrap().size;
        // Neither a second loader nor the validator; the larger loader and language file.
        assert_eq!(size("total"), 31 + 90 + 470 + 9 + 11);
        assert_eq!(size("by the first open"), 31 + 90 + 470 + 11);
        assert_eq!((size("a.js"), size("a.mjs")), (30, 31));
        // Each loaded file, the total, the open, two paths.
        assert_eq!(figures.len(), 7 + 4);
        assert_eq!(
            check(&budget, &SIZES),
            ["by the first open (the loader, the glue, the wasm, one language file) is 602 bytes \
              (brotli), over its budget of 600 bytes"]
        );
    }

    #[test]
    fn names_each_file_over_its_budget_or_without_one_and_each_budget_without_a_file() {
        let budget = parse(BUDGET).unwrap();
        let sizes = [
            ("a.js", 41),
            ("widget.0123abcdef.js", 101),
            ("widget_bg.0123abcdef.wasm", 440),
            ("locales/fr.json", 9),
            ("snippets/x/inline0.js", 7),
        ];
        let critical = format!(
            "a.js (critical path: what a page downloads and runs before the launcher is visible) \
             is 41 bytes (brotli), over its budget of 40 bytes{CRITICAL_ADVICE}"
        );
        assert_eq!(
            check(&budget, &sizes),
            [
                "dist/widget.0123abcdef.js is 101 bytes (brotli), over its budget of 100 bytes",
                "dist/snippets/x/inline0.js (7 bytes brotli) has no budget in size-budget.json",
                &critical,
                "size-budget.json budgets a.mjs, but dist/ has no such file",
                "size-budget.json budgets locales/de.json, but dist/ has no such file",
                "size-budget.json budgets validate.js, but dist/ has no such file",
                "size-budget.json puts a.mjs on the critical path, but dist/ has no such file",
            ]
        );
    }

    #[test]
    fn rejects_malformed_budgets() {
        for (text, expected) in [
            ("{}", "missing field `brotli`"),
            (r#"{"brotli": {"total": -1, "files": {}}}"#, "expected u64"),
            (
                r#"{"brotli": {"total": 1, "files": {}},
                    "critical": {"brotli": 1, "paths": [[]]}}"#,
                "critical.paths",
            ),
        ] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
        assert_eq!(logical_name("widget_bg.e3b0c44298.wasm"), "widget_bg.wasm");
        assert_eq!(logical_name("locales/fr.json"), "locales/fr.json");
    }
}
