//! The size budget: brotli sizes of what a browser loads from `dist/`, against
//! `size-budget.json` at the repository root.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Result;

/// Limits in bytes, brotli quality 11.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub total: u64,
    pub files: BTreeMap<String, u64>,
}

/// Files in `dist/` that no browser loads when a page embeds the widget; they are not budgeted.
/// The name a file is budgeted under: content-hashed names (`widget.0123abcdef.js`) without
/// their hash, so the budget outlives every build.
pub fn logical_name(name: &str) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        [stem @ .., hash, ext] if !stem.is_empty() && hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
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
        || name == "package.json")
}

/// Reads `{"brotli": {"total": N, "files": {"name": N, ...}}}`; other keys are comments.
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
    Ok(Budget { total, files })
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
        if !loaded.iter().any(|(loaded_name, _)| logical_name(loaded_name) == *name) {
            problems.push(format!(
                "size-budget.json budgets {name}, but dist/ has no such file"
            ));
        }
    }
    let total: u64 = loaded.iter().map(|(_, size)| size).sum();
    if total > budget.total {
        problems.push(format!(
            "the files browsers load total {total} bytes (brotli), over the total budget of {} bytes",
            budget.total
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        parse(
            r#"{"note": "bytes, brotli 11",
                "brotli": {"total": 100, "files": {"contact-widget.js": 20, "widget.js": 30, "widget_bg.wasm": 60}}}"#,
        )
        .unwrap()
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
            &["the files browsers load total 110 bytes (brotli), over the total budget of 100 bytes"],
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
    }
}
