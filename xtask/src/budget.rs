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
const CRITICAL_ADVICE: &str = "only what paints the launcher and keeps the API's promises at load \
    belongs in src/loader.js; what is needed once loading starts goes to src/lazy.js, which is \
    bundled into the lazily imported glue";

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

/// The brotli size of the budgeted `file` among the measured `sizes` (0 when missing).
fn size_of(sizes: &[(&str, u64)], file: &str) -> u64 {
    let of_file = |name: &&str| loaded_by_browsers(name) && logical_name(name) == file;
    sizes
        .iter()
        .filter(|(name, _)| of_file(name))
        .map(|(_, size)| size)
        .sum()
}

/// Each critical path (its files joined with " + ") and its measured brotli size.
pub fn critical_paths(budget: &Budget, sizes: &[(&str, u64)]) -> Vec<(String, u64)> {
    let size = |files: &[String]| files.iter().map(|file| size_of(sizes, file)).sum();
    budget
        .critical
        .paths
        .iter()
        .map(|files| (files.join(" + "), size(files)))
        .collect()
}

fn largest_critical_path(budget: &Budget, sizes: &[(&str, u64)]) -> u64 {
    critical_paths(budget, sizes)
        .into_iter()
        .map(|(_, size)| size)
        .max()
        .unwrap_or(0)
}

/// What a visitor has downloaded by the first open (see [`Open`]), in brotli bytes.
pub fn by_first_open(budget: &Budget, sizes: &[(&str, u64)]) -> Option<u64> {
    let files: u64 = budget
        .open
        .as_ref()?
        .files
        .iter()
        .map(|file| size_of(sizes, file))
        .sum();
    let language = sizes
        .iter()
        .filter(|(name, _)| name.starts_with("locales/") && loaded_by_browsers(name))
        .map(|(_, size)| *size)
        .max()
        .unwrap_or(0);
    Some(largest_critical_path(budget, sizes) + files + language)
}

/// What one visitor can download, in brotli bytes: a page embeds the widget one way (the
/// script tag or the npm module), so of the critical paths only the largest counts, with every
/// file loaded later (the glue, the wasm, every language file; not the configurator's validator).
pub fn total(budget: &Budget, sizes: &[(&str, u64)]) -> u64 {
    let later = |name: &str| {
        let name = logical_name(name);
        !FOR_OWNERS.contains(&name.as_str())
            && !budget
                .critical
                .paths
                .iter()
                .flatten()
                .any(|file| *file == name)
    };
    let later: u64 = sizes
        .iter()
        .filter(|(name, _)| loaded_by_browsers(name) && later(name))
        .map(|(_, size)| size)
        .sum();
    later + largest_critical_path(budget, sizes)
}

/// Every way the measured brotli sizes (file name, bytes) break the budget, as messages.
pub fn check(budget: &Budget, sizes: &[(&str, u64)]) -> Vec<String> {
    let loaded: Vec<(&str, u64)> = sizes
        .iter()
        .copied()
        .filter(|(name, _)| loaded_by_browsers(name))
        .collect();
    let built = |file: &str| loaded.iter().any(|(name, _)| logical_name(name) == file);
    let mut problems = Vec::new();
    for (name, size) in &loaded {
        match budget.brotli.files.get(&logical_name(name)) {
            Some(limit) if size > limit => problems.push(format!(
                "dist/{name} is {size} bytes (brotli), over its budget of {limit} bytes"
            )),
            Some(_) => {}
            None => problems.push(format!(
                "dist/{name} ({size} bytes brotli) has no budget in size-budget.json"
            )),
        }
    }
    for name in budget.brotli.files.keys().filter(|name| !built(name)) {
        problems.push(format!(
            "size-budget.json budgets {name}, but dist/ has no such file"
        ));
    }
    let total = total(budget, sizes);
    if total > budget.brotli.total {
        problems.push(format!(
            "what a visitor can download totals {total} bytes (brotli), over the total budget of {} bytes",
            budget.brotli.total
        ));
    }
    if let (Some(open), Some(size)) = (&budget.open, by_first_open(budget, sizes)) {
        if size > open.limit {
            problems.push(format!(
                "by the first open a visitor has downloaded {size} bytes (brotli: the loader, {}, one language file), over its budget of {} bytes",
                open.files.join(", "),
                open.limit
            ));
        }
    }
    for file in budget
        .critical
        .paths
        .iter()
        .flatten()
        .filter(|file| !built(file))
    {
        problems.push(format!(
            "size-budget.json puts {file} on the critical path, but dist/ has no such file"
        ));
    }
    for (path, size) in critical_paths(budget, sizes) {
        if size > budget.critical.limit {
            problems.push(format!(
                "the critical path {path} (what a page downloads and runs before the launcher is \
                 visible) is {size} bytes (brotli), over its budget of {} bytes: {CRITICAL_ADVICE}",
                budget.critical.limit
            ));
        }
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
    let line = |name: &str, size: u64, limit: &str, what: &str| {
        note(&format!("{name:<24} {size:>8} / {limit:>8} bytes{what}"));
    };
    for (name, size) in sizes.iter().filter(|(name, _)| loaded_by_browsers(name)) {
        let limit = budget.brotli.files.get(&logical_name(name));
        line(
            name,
            *size,
            &limit.map_or("none".into(), u64::to_string),
            "",
        );
    }
    let what = " (one way of embedding, the glue, the wasm, every language file)";
    line(
        "total",
        total(&budget, &sizes),
        &budget.brotli.total.to_string(),
        what,
    );
    if let (Some(open), Some(size)) = (&budget.open, by_first_open(&budget, &sizes)) {
        let what = " (the loader, the glue, the wasm, one language file)";
        line("by the first open", size, &open.limit.to_string(), what);
    }
    for (path, size) in critical_paths(&budget, &sizes) {
        let what = " (critical path: before the launcher is visible)";
        line(&path, size, &budget.critical.limit.to_string(), what);
    }
    match check(&budget, &sizes).join("\n    ") {
        problems if problems.is_empty() => Ok(()),
        problems => Err(format!("over the size budget:\n    {problems}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(text: &str) -> Budget {
        parse(text).unwrap()
    }

    const TWO_WAYS: &str = r#"{"note": "bytes, brotli 11",
        "brotli": {"total": 1000, "files": {"a.js": 50, "a.mjs": 50, "widget.js": 100, "widget_bg.wasm": 500, "locales/fr.json": 20, "locales/de.json": 20, "validate.js": 80}},
        "critical": {"brotli": 50, "paths": [["a.js"], ["a.mjs"]]},
        "open": {"brotli": 600, "files": ["widget.js", "widget_bg.wasm"]}}"#;

    #[test]
    fn counts_one_way_of_embedding_and_what_a_visitor_has_by_the_first_open() {
        let budget = budget(TWO_WAYS);
        let sizes = [
            ("a.js", 30),
            ("a.mjs", 31),
            ("widget.0123abcdef.js", 90),
            ("widget_bg.0123abcdef.wasm", 470),
            ("locales/fr.json", 9),
            ("locales/de.json", 11),
            ("validate.0123abcdef.js", 80),
            ("widget.js.br", 500),
        ];
        let expected = 31 + 90 + 470 + 9 + 11;
        assert_eq!(
            total(&budget, &sizes),
            expected,
            "neither a second loader nor the validator"
        );
        let open = 31 + 90 + 470 + 11;
        assert_eq!(
            by_first_open(&budget, &sizes),
            Some(open),
            "the larger loader and language file"
        );
        assert_eq!(check(&budget, &sizes), ["by the first open a visitor has downloaded 602 bytes (brotli: the loader, widget.js, widget_bg.wasm, one language file), over its budget of 600 bytes"]);
        let unopened = r#"{"brotli": {"total": 1, "files": {}}, "critical": {"brotli": 1, "paths": [["a.js"]]}}"#;
        assert_eq!(by_first_open(&parse(unopened).unwrap(), &sizes), None);
    }

    #[test]
    fn compares_each_file_and_the_total() {
        let budget = budget(
            r#"{"brotli": {"total": 100, "files": {"contact-widget.js": 20, "widget.js": 30, "widget_bg.wasm": 60}},
                "critical": {"brotli": 25, "paths": [["contact-widget.js"]]}}"#,
        );
        let check_sizes = |sizes: &[(&str, u64)], expected: &[&str]| {
            assert_eq!(check(&budget, sizes), expected, "{sizes:?}");
        };
        check_sizes(
            &[
                ("contact-widget.js", 20),
                ("widget.js", 30),
                ("widget_bg.wasm", 50),
            ],
            &[],
        );
        // Files no browser loads, hashed names, precompressed copies.
        let with_extras = [
            ("config.schema.json", 5000),
            ("contact-widget.d.ts", 5000),
            ("contact-widget.js", 10),
            ("integrity.json", 5000),
            ("package.json", 5000),
            ("widget_bg.wasm", 10),
            ("widget.0123abcdef.js", 10),
            ("widget_bg.wasm.br", 5000),
            ("widget.js.gz", 5000),
        ];
        check_sizes(&with_extras, &[]);
        check_sizes(
            &[
                ("contact-widget.js", 21),
                ("widget.js", 30),
                ("widget_bg.wasm", 49),
            ],
            &["dist/contact-widget.js is 21 bytes (brotli), over its budget of 20 bytes"],
        );
        check_sizes(
            &[("contact-widget.js", 20), ("widget.js", 30), ("widget_bg.wasm", 60)],
            &["what a visitor can download totals 110 bytes (brotli), over the total budget of 100 bytes"],
        );
        check_sizes(
            &[
                ("contact-widget.js", 1),
                ("snippets/x/inline0.js", 7),
                ("widget_bg.wasm", 1),
            ],
            &[
                "dist/snippets/x/inline0.js (7 bytes brotli) has no budget in size-budget.json",
                "size-budget.json budgets widget.js, but dist/ has no such file",
            ],
        );
    }

    #[test]
    fn holds_each_critical_path_to_its_limit() {
        let budget = budget(
            r#"{"brotli": {"total": 1000, "files": {"a.js": 50, "b.mjs": 50, "c.js": 50, "widget.js": 500}},
                "critical": {"brotli": 40, "paths": [["a.js"], ["b.mjs", "c.js"]]}}"#,
        );
        let critical = |sizes: &[(&str, u64)]| -> Vec<String> {
            let problems = check(&budget, sizes);
            problems
                .into_iter()
                .filter(|p| p.contains("critical path"))
                .collect()
        };
        // The lazily loaded glue does not count; each path's files are added up.
        let within = [
            ("a.js", 40),
            ("b.mjs", 20),
            ("c.js", 20),
            ("widget.0123abcdef.js", 400),
        ];
        assert_eq!(critical(&within), [] as [String; 0]);
        let over = critical(&[("a.js", 41), ("b.mjs", 30), ("c.js", 20), ("widget.js", 1)]);
        assert_eq!(over.len(), 2, "{over:?}");
        assert!(over[0].starts_with("the critical path a.js (what a page downloads and runs before the launcher is visible) is 41 bytes (brotli), over its budget of 40 bytes: only what paints"));
        assert!(over[1].starts_with("the critical path b.mjs + c.js (what a page downloads and runs before the launcher is visible) is 50 bytes"));
        let missing = critical(&[("a.js", 1), ("b.mjs", 1), ("widget.js", 1)]);
        assert_eq!(
            missing,
            ["size-budget.json puts c.js on the critical path, but dist/ has no such file"]
        );
        let sizes = [("a.js", 3), ("b.mjs", 4), ("c.js", 5), ("a.js.br", 9)];
        let expected = [("a.js".to_string(), 3), ("b.mjs + c.js".to_string(), 9)];
        assert_eq!(critical_paths(&budget, &sizes), expected);
    }

    #[test]
    fn rejects_malformed_budgets() {
        let check_error = |text: &str, expected: &str| {
            let error = parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        };
        check_error("", "EOF");
        check_error("{}", "missing field `brotli`");
        check_error(r#"{"brotli": {"files": {}}}"#, "missing field `total`");
        check_error(
            r#"{"brotli": {"total": 1, "files": {"a.js": "1 kB"}}}"#,
            "expected u64",
        );
        check_error(r#"{"brotli": {"total": -1, "files": {}}}"#, "expected u64");
        let files = r#""brotli": {"total": 1, "files": {"a.js": 1}}"#;
        check_error(&format!("{{{files}}}"), "missing field `critical`");
        check_error(
            &format!(r#"{{{files}, "critical": {{"paths": [["a.js"]]}}}}"#),
            "missing field `brotli`",
        );
        check_error(
            &format!(r#"{{{files}, "critical": {{"brotli": 1, "paths": []}}}}"#),
            "critical.paths",
        );
        check_error(
            &format!(r#"{{{files}, "critical": {{"brotli": 1, "paths": ["a.js"]}}}}"#),
            "expected a sequence",
        );
        check_error(
            &format!(r#"{{{files}, "critical": {{"brotli": 1, "paths": [[]]}}}}"#),
            "critical.paths",
        );
        assert_eq!(logical_name("widget_bg.e3b0c44298.wasm"), "widget_bg.wasm");
        assert_eq!(logical_name("locales/fr.json"), "locales/fr.json");
    }
}
