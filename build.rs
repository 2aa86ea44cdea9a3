//! The panel's stylesheet goes into the wasm without its comments and indentation (the
//! launcher's, which the loader carries, is minified by esbuild in `cargo xtask dist`).

fn main() {
    println!("cargo:rerun-if-changed=src/style.css");
    let css = std::fs::read_to_string("src/style.css").expect("src/style.css is readable");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("style.css"), compact(&css)).expect("OUT_DIR is writable");
}

/// `css` without comments, with one space where it had any run of whitespace, none next to `{`,
/// `}`, `;` and `,` and none after `:` (where CSS never needs it; inside `calc()` spaces are kept).
fn compact(css: &str) -> String {
    let mut text = String::new();
    let mut rest = css;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = rest[start..]
            .find("*/")
            .map_or("", |end| &rest[start + end + 2..]);
    }
    text.push_str(rest);
    let mut out = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for punctuation in ["{", "}", ";", ","] {
        out = out
            .replace(&format!(" {punctuation}"), punctuation)
            .replace(&format!("{punctuation} "), punctuation);
    }
    out.replace(": ", ":")
}
