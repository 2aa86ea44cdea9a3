//! The contact widget's pure logic: everything that can be decided without a browser.
//!
//! No IO and no wasm here: time, locale and the page's state come in as arguments, so every
//! rule is tested natively with `cargo test`. The wasm shell (`src/`) and the inbox server
//! (`crates/inbox`) both build on these types.

/// An owner-facing message about the config (an [`config::Issue`]'s text): `format!` with the
/// `messages` feature (on by default: the configurator's `validate`, the docs, native tests),
/// an empty string without it (the visitor's wasm). The checks around it are the same code in
/// both builds, so each issue keeps its path; only the text is compiled out.
#[cfg(feature = "messages")]
macro_rules! message {
    ($($arg:tt)*) => { format!($($arg)*) };
}
// The format stays type-checked, in a closure never called: rustc emits neither its code nor
// its text.
#[cfg(not(feature = "messages"))]
macro_rules! message {
    ($($arg:tt)*) => {{
        let _ = || format!($($arg)*);
        String::new()
    }};
}

/// An owner-facing text in a table (what a channel's value should be): the text with the
/// `messages` feature, `""` without it, decided at compile time.
macro_rules! owner_text {
    ($text:expr) => {
        if cfg!(feature = "messages") {
            $text
        } else {
            ""
        }
    };
}

/// Tests: an expected `path: message` line as this build reports it, the message compiled out
/// without the `messages` feature (`cargo test -p widget-core --no-default-features` checks that
/// the visitor's build finds every problem at the same path).
#[cfg(test)]
fn as_built(expected: &str) -> String {
    match expected.split_once(": ") {
        Some((path, _)) if !cfg!(feature = "messages") => format!("{path}: "),
        _ => expected.to_owned(),
    }
}

pub mod channel;
pub mod color;
pub mod config;
pub mod form;
pub mod hours;
pub mod i18n;
pub mod insights;
pub mod json;
pub mod outbox;
pub mod qr;
// For `dist/config.schema.json` and the tests, never for a browser: no wasm compiles it.
#[cfg(not(target_arch = "wasm32"))]
pub mod schema;
pub mod submission;
pub mod value;

/// The widget's version, sent with every submission and shown in the console.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
