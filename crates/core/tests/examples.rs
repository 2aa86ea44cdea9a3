//! The example configs in `examples/` against the parser and the JSON Schema (validated with the
//! `jsonschema` crate): both accept every valid example, and both reject every invalid one at the
//! path `examples/invalid/expected.json` names. (tests/e2e/schema.test.mjs checks the same files,
//! and the examples in README.md and docs/, with ajv and the parser compiled to wasm.)

use std::fs;
use std::path::{Path, PathBuf};

use jsonschema::error::ValidationErrorKind;
use widget_core::config::parse;
use widget_core::value::Value;

fn schema() -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&widget_core::schema::json_schema()).unwrap();
    jsonschema::draft202012::new(&schema).expect("the schema is a valid draft 2020-12 schema")
}

/// Where each schema error points, as a JSON pointer including a missing or unexpected key;
/// `oneOf`/`anyOf` errors also contribute the errors of each alternative.
fn schema_errors(validator: &jsonschema::Validator, path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let instance: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut paths = Vec::new();
    for error in validator.iter_errors(&instance) {
        collect(&error, &mut paths);
    }
    paths.sort();
    paths.dedup();
    paths
}

fn collect(error: &jsonschema::ValidationError, out: &mut Vec<String>) {
    let at = error.instance_path().as_str().to_owned();
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            out.extend(unexpected.iter().map(|key| format!("{at}/{key}")))
        }
        ValidationErrorKind::Required { property } => {
            out.push(format!("{at}/{}", property.as_str().unwrap_or_default()))
        }
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            out.push(at);
            for alternative in context.iter().flatten() {
                collect(alternative, out);
            }
        }
        _ => out.push(at),
    }
}

/// `channels[1].type` as the JSON pointer `/channels/1/type`.
fn pointer(parser_path: &str) -> String {
    format!(
        "/{}",
        parser_path
            .replace('[', ".")
            .replace(']', "")
            .replace('.', "/")
    )
}

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
fn valid_examples_pass_the_parser_and_the_schema() {
    let files = json_files(&examples());
    assert!(
        files.len() >= 3,
        "examples/ has too few examples: {files:?}"
    );
    let validator = schema();
    for path in files {
        let (config, issues) = parse(&read(&path));
        assert_eq!(issues, vec![], "{}", path.display());
        assert!(
            !config.channels.is_empty(),
            "{}: no channel",
            path.display()
        );
        assert_eq!(
            schema_errors(&validator, &path),
            Vec::<String>::new(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn invalid_examples_are_rejected_by_both_at_their_path() {
    let dir = examples().join("invalid");
    let expected: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let files: Vec<PathBuf> = json_files(&dir)
        .into_iter()
        .filter(|p| !p.ends_with("expected.json"))
        .collect();
    assert_eq!(
        files.len(),
        expected.as_object().unwrap().len() - 1,
        "every invalid example needs its path in expected.json"
    );
    let validator = schema();
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap();
        let want = expected[name]
            .as_str()
            .unwrap_or_else(|| panic!("expected.json has no path for {name}"));
        let (_, issues) = parse(&read(&path));
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(paths, [want], "{name}: {issues:?}");
        // The schema names the same place; any other error is about an enclosing object (such as
        // the `oneOf` of "form"), never somewhere else.
        let errors = schema_errors(&validator, &path);
        assert!(
            errors.contains(&pointer(want)),
            "{name}: schema errors at {errors:?}, not {}",
            pointer(want)
        );
        for error in &errors {
            assert!(
                pointer(want).starts_with(error.as_str()),
                "{name}: unrelated schema error at {error}"
            );
        }
    }
}
