//! What the data section holds, by source: the string literals of the widget's sources (read with
//! syn's tokenizer) and the files they name (`include_str!`), each claiming the data bytes it is
//! found in, longest first.

use std::cmp::Reverse;
use std::fs;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::rules::{feature_of, Feature, SOURCES};
use crate::Result;

/// Shortest literal looked for in the data: shorter ones match by chance.
pub const MIN_LITERAL: usize = 4;

/// Text the data section may hold, from one source.
pub struct Literal {
    pub source: String,
    pub feature: Feature,
    pub text: String,
}

/// Every module of the widget's crates and its file: `lib.rs` is the crate, `a.rs` and
/// `a/mod.rs` are `crate::a`, `a/b.rs` is `crate::a::b`.
pub fn modules(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
        let entries =
            fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                rust_files(&path, out)?;
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut modules = Vec::new();
    for (dir, krate) in SOURCES {
        let (dir, mut files) = (root.join(dir), Vec::new());
        rust_files(&dir, &mut files)?;
        for file in files {
            let relative = file
                .strip_prefix(&dir)
                .expect("under dir")
                .with_extension("");
            let mut parts: Vec<String> = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if parts == ["lib"] || parts.last().is_some_and(|part| part == "mod") {
                parts.pop();
            }
            let module = [krate.to_string()].into_iter().chain(parts);
            modules.push((module.collect::<Vec<_>>().join("::"), file));
        }
    }
    modules.sort();
    Ok(modules)
}

/// Every string literal of the widget's sources with the feature of its module, and the text of
/// every file a literal names beside its source or in the build script's `out_dir` (what
/// `include_str!` reads); SVG paths are the icons'.
pub fn literals(root: &Path, out_dir: Option<&Path>) -> Result<Vec<Literal>> {
    let mut out = Vec::new();
    for (module, path) in modules(root)? {
        let feature = feature_of(&module, false);
        let file = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        let source = fs::read_to_string(&path).map_err(|e| format!("cannot read {file}: {e}"))?;
        for text in string_literals(&source).map_err(|e| format!("{file}: {e}"))? {
            // `include_str!("NAME")`, or `concat!(env!("OUT_DIR"), "/NAME")` inside it.
            let name = text.trim_start_matches('/');
            let beside = path.parent().map(|dir| (dir.join(name), name.to_string()));
            let built = out_dir.map(|dir| (dir.join(name), format!("$OUT_DIR/{name}")));
            for (included, shown) in beside.into_iter().chain(built) {
                if !name.is_empty() && included.is_file() {
                    out.push(Literal {
                        source: format!("{shown} (`include_str!` in {file})"),
                        feature,
                        text: fs::read_to_string(&included).map_err(|e| e.to_string())?,
                    });
                }
            }
            let (source, feature) = match is_icon_path(&text) {
                true => (
                    "SVG icon paths (channel catalogue, close button)".into(),
                    Feature::Icons,
                ),
                false => (file.clone(), feature),
            };
            out.push(Literal {
                source,
                feature,
                text,
            });
        }
    }
    Ok(out)
}

/// The string literals of Rust source, unescaped (those in attributes and doc comments left out).
fn string_literals(source: &str) -> Result<Vec<String>> {
    fn collect(tokens: TokenStream, out: &mut Vec<String>) {
        let mut attribute = false;
        for token in tokens {
            match token {
                TokenTree::Punct(p) if p.as_char() == '#' => attribute = true,
                TokenTree::Punct(p) if p.as_char() == '!' && attribute => {}
                TokenTree::Group(g) if attribute && g.delimiter() == Delimiter::Bracket => {
                    attribute = false
                }
                TokenTree::Group(g) => {
                    attribute = false;
                    collect(g.stream(), out);
                }
                TokenTree::Literal(literal) => {
                    attribute = false;
                    match syn::Lit::new(literal) {
                        syn::Lit::Str(s) => out.push(s.value()),
                        syn::Lit::ByteStr(b) => {
                            out.push(String::from_utf8_lossy(&b.value()).into())
                        }
                        _ => {}
                    }
                }
                _ => attribute = false,
            }
        }
    }
    let tokens: TokenStream = source
        .parse()
        .map_err(|e| format!("cannot tokenize: {e}"))?;
    let mut out = Vec::new();
    collect(tokens, &mut out);
    Ok(out)
}

/// An SVG path as the channel catalogue and the view write them.
fn is_icon_path(text: &str) -> bool {
    text.len() >= 20
        && text.starts_with('M')
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " .,-MmLlHhVvCcSsQqTtAaZz".contains(c))
}

/// For each data byte, the literal (index) it is part of: the longest literals first, each found
/// wherever it occurs in bytes no other literal has claimed.
pub fn claim(data: &[u8], literals: &[Literal]) -> Vec<Option<usize>> {
    let mut owner = vec![None; data.len()];
    let mut order: Vec<usize> = (0..literals.len())
        .filter(|&i| literals[i].text.len() >= MIN_LITERAL)
        .collect();
    order.sort_by_key(|&i| (Reverse(literals[i].text.len()), i));
    for i in order {
        let needle = literals[i].text.as_bytes();
        let mut from = 0;
        while let Some(at) = data[from..].windows(needle.len()).position(|w| w == needle) {
            let span = &mut owner[from + at..from + at + needle.len()];
            if span.iter().all(Option::is_none) {
                span.fill(Some(i));
                from += at + needle.len();
            } else {
                from += at + 1;
            }
        }
    }
    owner
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Feature::*;

    #[test]
    fn reads_string_literals_and_the_files_they_name() {
        let source = r###"
            //! A doc comment: "not this".
            #[doc = "nor this"]
            fn f<'a>(x: &'a str) {
                let q = '"';
                g("a\"b\n\u{e9}", r#"has "quotes""#, b"bytes", vec!["v"]);
            }
        "###;
        let strings = string_literals(source).unwrap();
        assert_eq!(strings, ["a\"b\né", r#"has "quotes""#, "bytes", "v"]);
        assert!(is_icon_path("M6.4 5 12 10.6 17.6 5 19 6.4z"));
        assert!(!is_icon_path("Monday to Friday, 9 to 5"));

        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let literals = literals(&root, None).unwrap();
        let locale = std::fs::read_to_string(root.join("crates/core/locales/fr.json")).unwrap();
        let fr = literals.iter().find(|l| l.text == locale).expect("fr.json");
        assert_eq!(
            (fr.source.as_str(), fr.feature),
            (
                "../locales/fr.json (`include_str!` in crates/core/src/i18n.rs)",
                I18n
            )
        );
    }

    #[test]
    fn claims_data_longest_literal_first() {
        let literal = |text: &str, feature| Literal {
            source: text.into(),
            feature,
            text: text.into(),
        };
        let literals = [
            literal("open", Hours),
            literal("opens at", I18n),
            literal("zzzz", Qr),
        ];
        let data = b"xx opens at.. open..open";
        let owner = claim(data, &literals);
        assert_eq!(owner[3..11], [Some(1); 8]);
        assert_eq!(owner[14..18], [Some(0); 4]);
        assert_eq!(owner[20..24], [Some(0); 4]);
        assert_eq!(owner[..3], [None; 3]);
        assert!(!owner.contains(&Some(2)));
    }
}
