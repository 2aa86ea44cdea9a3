//! The size budget: brotli sizes of what a browser loads from `dist/`, against
//! `size-budget.json` at the repository root: each file, their total, and the critical path
//! (what a page downloads and runs before the launcher is visible).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Result;

/// Limits in bytes, brotli quality 11.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub total: u64,
    pub files: BTreeMap<String, u64>,
    pub critical: Critical,
    /// What a visitor has downloaded once the panel first opens, when budgeted.
    pub open: Option<Open>,
}

/// By the first open: the larger critical path, `files` (the glue and the wasm) and one language
/// file (the visitor's; the largest counts), held together to one limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub limit: u64,
    pub files: Vec<String>,
}

/// The critical path: for each way of embedding the widget, the files a page must download and
/// run before the launcher is visible (the loader; the glue, the wasm and a language file come
/// later), held together to one limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Critical {
    pub limit: u64,
    pub paths: Vec<Vec<String>>,
}

/// Why a critical path is over its limit, and where the bytes should go instead.
const CRITICAL_ADVICE: &str = "only what paints the launcher and keeps the API's promises at load \
    belongs in src/loader.js; what is needed once loading starts goes to src/lazy.js, which is \
    bundled into the lazily imported glue";

/// Files in `dist/` that no browser loads when a page embeds the widget; they are not budgeted.
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

/// The precompressed `.br`/`.gz` copies are the same files in another encoding: not counted twice.
pub fn loaded_by_browsers(name: &str) -> bool {
    !(name.ends_with(".d.ts")
        || name.ends_with(".br")
        || name.ends_with(".gz")
        || name == "config.schema.json"
        || name == "integrity.json"
        || name == "package.json"
        // The npm package's own files: its README, licences and esbuild plugin (run by Node).
        || name == "README.md"
        || name.starts_with("LICENSE")
        || name == "esbuild.js")
}

/// Reads `{"brotli": {"total": N, "files": {"name": N, ...}}, "critical": {"brotli": N,
/// "paths": [["name", ...], ...]}}`; other keys are comments.
pub fn parse(text: &str) -> Result<Budget> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let brotli = json.get("brotli").ok_or("no \"brotli\" object")?;
    let total = brotli
        .get("total")
        .and_then(Value::as_u64)
        .ok_or("\"brotli.total\" is not a whole number of bytes")?;
    let files = brotli
        .get("files")
        .and_then(Value::as_object)
        .ok_or("no \"brotli.files\" object")?
        .iter()
        .map(|(name, limit)| match limit.as_u64() {
            Some(limit) => Ok((name.clone(), limit)),
            None => Err(format!(
                "\"brotli.files.{name}\" is not a whole number of bytes"
            )),
        })
        .collect::<Result<_>>()?;
    let critical = json
        .get("critical")
        .ok_or("no \"critical\" object (the critical path's budget)")?;
    let limit = critical
        .get("brotli")
        .and_then(Value::as_u64)
        .ok_or("\"critical.brotli\" is not a whole number of bytes")?;
    let paths = critical
        .get("paths")
        .and_then(Value::as_array)
        .filter(|paths| !paths.is_empty())
        .ok_or("\"critical.paths\" is not a list of paths")?
        .iter()
        .map(|path| {
            path.as_array()
                .filter(|files| !files.is_empty())
                .and_then(|files| {
                    files
                        .iter()
                        .map(|f| f.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| format!("\"critical.paths\": {path} is not a list of file names"))
        })
        .collect::<Result<_>>()?;
    let open = match json.get("open") {
        None => None,
        Some(open) => Some(Open {
            limit: open
                .get("brotli")
                .and_then(Value::as_u64)
                .ok_or("\"open.brotli\" is not a whole number of bytes")?,
            files: open
                .get("files")
                .and_then(Value::as_array)
                .and_then(|files| {
                    files
                        .iter()
                        .map(|f| f.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or("\"open.files\" is not a list of file names")?,
        }),
    };
    Ok(Budget {
        total,
        files,
        critical: Critical { limit, paths },
        open,
    })
}

/// What a visitor has downloaded by the first open (see [`Open`]), in brotli bytes.
pub fn by_first_open(budget: &Budget, sizes: &[(&str, u64)]) -> Option<u64> {
    let open = budget.open.as_ref()?;
    let size_of = |file: &str| -> u64 {
        sizes
            .iter()
            .filter(|(name, _)| loaded_by_browsers(name) && logical_name(name) == file)
            .map(|(_, size)| size)
            .sum()
    };
    let loader = critical_paths(budget, sizes)
        .into_iter()
        .map(|(_, size)| size)
        .max()
        .unwrap_or(0);
    let language = sizes
        .iter()
        .filter(|(name, _)| name.starts_with("locales/") && loaded_by_browsers(name))
        .map(|(_, size)| *size)
        .max()
        .unwrap_or(0);
    Some(loader + open.files.iter().map(|file| size_of(file)).sum::<u64>() + language)
}

/// Each critical path (its files joined with " + ") and its measured brotli size; files missing
/// from `sizes` count as 0 (`check` reports them).
pub fn critical_paths(budget: &Budget, sizes: &[(&str, u64)]) -> Vec<(String, u64)> {
    budget
        .critical
        .paths
        .iter()
        .map(|files| {
            let size = files
                .iter()
                .map(|file| {
                    sizes
                        .iter()
                        .filter(|(name, _)| loaded_by_browsers(name) && logical_name(name) == *file)
                        .map(|(_, size)| size)
                        .sum::<u64>()
                })
                .sum();
            (files.join(" + "), size)
        })
        .collect()
}

/// Files only the configurator (and other callers of `validate()`) loads: the widget's wasm with
/// the core's messages for owners. Budgeted, but no visitor downloads them.
const FOR_OWNERS: [&str; 2] = ["validate.js", "validate_bg.wasm"];

/// What one visitor can download, in brotli bytes: a page embeds the widget one way (the
/// script tag or the npm module), so of the critical paths only the largest counts, with every
/// file loaded later (the glue, the wasm, every language file; not the configurator's validator).
pub fn total(budget: &Budget, sizes: &[(&str, u64)]) -> u64 {
    let on_a_path = |name: &str| {
        budget
            .critical
            .paths
            .iter()
            .flatten()
            .any(|file| *file == logical_name(name))
    };
    let for_visitors =
        |name: &str| loaded_by_browsers(name) && !FOR_OWNERS.contains(&logical_name(name).as_str());
    let later: u64 = sizes
        .iter()
        .filter(|(name, _)| for_visitors(name) && !on_a_path(name))
        .map(|(_, size)| size)
        .sum();
    later
        + critical_paths(budget, sizes)
            .into_iter()
            .map(|(_, size)| size)
            .max()
            .unwrap_or(0)
}

/// Every way the measured brotli sizes (file name, bytes) break the budget, as messages.
pub fn check(budget: &Budget, sizes: &[(&str, u64)]) -> Vec<String> {
    let loaded: Vec<(&str, u64)> = sizes
        .iter()
        .copied()
        .filter(|(name, _)| loaded_by_browsers(name))
        .collect();
    let mut problems = Vec::new();
    for (name, size) in &loaded {
        match budget.files.get(&logical_name(name)) {
            Some(limit) if size > limit => problems.push(format!(
                "dist/{name} is {size} bytes (brotli), over its budget of {limit} bytes"
            )),
            Some(_) => {}
            None => problems.push(format!(
                "dist/{name} ({size} bytes brotli) has no budget in size-budget.json"
            )),
        }
    }
    for name in budget.files.keys() {
        if !loaded
            .iter()
            .any(|(loaded_name, _)| logical_name(loaded_name) == *name)
        {
            problems.push(format!(
                "size-budget.json budgets {name}, but dist/ has no such file"
            ));
        }
    }
    let total = total(budget, sizes);
    if total > budget.total {
        problems.push(format!(
            "what a visitor can download totals {total} bytes (brotli), over the total budget of {} bytes",
            budget.total
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
    for file in budget.critical.paths.iter().flatten() {
        if !loaded.iter().any(|(name, _)| logical_name(name) == *file) {
            problems.push(format!(
                "size-budget.json puts {file} on the critical path, but dist/ has no such file"
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        parse(
            r#"{"note": "bytes, brotli 11",
                "brotli": {"total": 100, "files": {"contact-widget.js": 20, "widget.js": 30, "widget_bg.wasm": 60}},
                "critical": {"brotli": 25, "paths": [["contact-widget.js"]]}}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_total_counts_one_way_of_embedding() {
        let budget = parse(
            r#"{"brotli": {"total": 100, "files": {"a.js": 20, "a.mjs": 20, "widget.js": 30, "locales/fr.json": 9}},
                "critical": {"brotli": 25, "paths": [["a.js"], ["a.mjs"]]}}"#,
        )
        .unwrap();
        let sizes = [
            ("a.js", 18),
            ("a.mjs", 19),
            ("widget.0123abcdef.js", 30),
            ("locales/fr.json", 9),
            ("widget.js.br", 500),
            ("validate_bg.0123abcdef.wasm", 700),
        ];
        assert_eq!(
            total(&budget, &sizes),
            19 + 30 + 9,
            "neither a second loader nor the configurator's validator"
        );
    }

    #[test]
    fn compares_each_file_and_the_total() {
        fn check_sizes(sizes: &[(&str, u64)], expected: &[&str]) {
            assert_eq!(check(&budget(), sizes), expected, "{sizes:?}");
        }
        let within = [
            ("contact-widget.js", 20),
            ("widget.js", 30),
            ("widget_bg.wasm", 50),
        ];
        check_sizes(&within, &[]);
        // Files no browser loads are not budgeted.
        let with_extras = [
            ("config.schema.json", 5000),
            ("contact-widget.d.ts", 5000),
            ("contact-widget.js", 10),
            ("integrity.json", 5000),
            ("package.json", 5000),
            ("widget_bg.wasm", 10),
            // Content-hashed names are budgeted under their name without the hash.
            ("widget.0123abcdef.js", 10),
            // Precompressed copies of budgeted files are not counted again.
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
        let two_ways = parse(
            r#"{"brotli": {"total": 1000, "files": {"a.js": 50, "b.mjs": 50, "c.js": 50, "widget.js": 500}},
                "critical": {"brotli": 40, "paths": [["a.js"], ["b.mjs", "c.js"]]}}"#,
        )
        .unwrap();
        fn check_sizes(budget: &Budget, sizes: &[(&str, u64)], expected: &[&str]) {
            let problems = check(budget, sizes);
            let critical: Vec<&str> = problems
                .iter()
                .map(String::as_str)
                .filter(|p| p.contains("critical path"))
                .collect();
            assert_eq!(critical.len(), expected.len(), "{sizes:?}: {problems:?}");
            for (problem, start) in critical.iter().zip(expected) {
                assert!(problem.starts_with(start), "{problem}");
            }
        }
        // The lazily loaded glue does not count; each path's files are added up.
        check_sizes(
            &two_ways,
            &[
                ("a.js", 40),
                ("b.mjs", 20),
                ("c.js", 20),
                ("widget.0123abcdef.js", 400),
            ],
            &[],
        );
        check_sizes(
            &two_ways,
            &[("a.js", 41), ("b.mjs", 30), ("c.js", 20), ("widget.js", 1)],
            &[
                "the critical path a.js (what a page downloads and runs before the launcher is visible) is 41 bytes (brotli), over its budget of 40 bytes: only what paints",
                "the critical path b.mjs + c.js (what a page downloads and runs before the launcher is visible) is 50 bytes (brotli), over its budget of 40 bytes",
            ],
        );
        check_sizes(
            &two_ways,
            &[("a.js", 1), ("b.mjs", 1), ("widget.js", 1)],
            &["size-budget.json puts c.js on the critical path, but dist/ has no such file"],
        );
        assert_eq!(
            critical_paths(
                &two_ways,
                &[("a.js", 3), ("b.mjs", 4), ("c.js", 5), ("a.js.br", 9)]
            ),
            [("a.js".to_string(), 3), ("b.mjs + c.js".to_string(), 9)]
        );
    }

    #[test]
    fn counts_what_a_visitor_has_by_the_first_open() {
        let budget = parse(
            r#"{"brotli": {"total": 1000, "files": {"a.js": 50, "a.mjs": 50, "widget.js": 100, "widget_bg.wasm": 500, "locales/fr.json": 20, "locales/de.json": 20, "validate.js": 80}},
                "critical": {"brotli": 50, "paths": [["a.js"], ["a.mjs"]]},
                "open": {"brotli": 600, "files": ["widget.js", "widget_bg.wasm"]}}"#,
        )
        .unwrap();
        let sizes = [
            ("a.js", 30),
            ("a.mjs", 31),
            ("widget.0123abcdef.js", 90),
            ("widget_bg.0123abcdef.wasm", 470),
            ("locales/fr.json", 9),
            ("locales/de.json", 11),
            ("validate.0123abcdef.js", 80),
        ];
        assert_eq!(
            by_first_open(&budget, &sizes),
            Some(31 + 90 + 470 + 11),
            "the larger loader and language file, not the validator"
        );
        assert_eq!(check(&budget, &sizes), ["by the first open a visitor has downloaded 602 bytes (brotli: the loader, widget.js, widget_bg.wasm, one language file), over its budget of 600 bytes"]);
        assert_eq!(by_first_open(&parse(r#"{"brotli": {"total": 1, "files": {}}, "critical": {"brotli": 1, "paths": [["a.js"]]}}"#).unwrap(), &sizes), None);
    }

    #[test]
    fn rejects_malformed_budgets() {
        fn check_error(text: &str, expected: &str) {
            let error = parse(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
        check_error("", "not valid JSON");
        check_error("{}", "no \"brotli\" object");
        check_error(r#"{"brotli": {"files": {}}}"#, "brotli.total");
        check_error(r#"{"brotli": {"total": 1}}"#, "brotli.files");
        check_error(
            r#"{"brotli": {"total": 1, "files": {"a.js": "1 kB"}}}"#,
            "brotli.files.a.js",
        );
        check_error(r#"{"brotli": {"total": -1, "files": {}}}"#, "brotli.total");
        let files = r#""brotli": {"total": 1, "files": {"a.js": 1}}"#;
        check_error(&format!("{{{files}}}"), "no \"critical\" object");
        check_error(
            &format!(r#"{{{files}, "critical": {{"paths": [["a.js"]]}}}}"#),
            "critical.brotli",
        );
        check_error(
            &format!(r#"{{{files}, "critical": {{"brotli": 1, "paths": []}}}}"#),
            "critical.paths",
        );
        check_error(
            &format!(r#"{{{files}, "critical": {{"brotli": 1, "paths": ["a.js"]}}}}"#),
            "not a list of file names",
        );
        check_error(
            &format!(r#"{{{files}, "critical": {{"brotli": 1, "paths": [[]]}}}}"#),
            "not a list of file names",
        );
    }
}
