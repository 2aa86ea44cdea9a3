//! The example configs in `examples/` against the parser: every valid example parses without an
//! issue, every invalid one is reported at exactly the path `examples/invalid/expected.json`
//! names. (tests/e2e/schema.test.mjs checks the same files, and the docs' examples, against the
//! JSON Schema and the parser compiled to wasm.)

use std::fs;
use std::path::{Path, PathBuf};

use widget_core::config::parse;
use widget_core::value::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn read(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn valid_examples_parse_without_issues() {
    let files = json_files(&examples());
    assert!(files.len() >= 3, "examples/ has too few examples: {files:?}");
    for path in files {
        let (config, issues) = parse(&read(&path));
        assert_eq!(issues, vec![], "{}", path.display());
        assert!(!config.channels.is_empty(), "{}: no channel", path.display());
    }
}

#[test]
fn invalid_examples_are_reported_at_their_path() {
    let dir = examples().join("invalid");
    let expected: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let files: Vec<PathBuf> = json_files(&dir).into_iter().filter(|p| !p.ends_with("expected.json")).collect();
    assert_eq!(files.len(), expected.as_object().unwrap().len() - 1, "every invalid example needs its path in expected.json");
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let want = expected[name].as_str().unwrap_or_else(|| panic!("expected.json has no path for {name}"));
        let (_, issues) = parse(&read(&path));
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, [want], "{name}: {issues:?}");
    }
}
