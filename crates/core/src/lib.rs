//! The contact widget's pure logic: everything that can be decided without a browser.
//!
//! No IO and no wasm here: time, locale and the page's state come in as arguments, so every
//! rule is tested natively with `cargo test`. The wasm shell (`src/`) and the inbox server
//! (`crates/inbox`) both build on these types.

pub mod channel;
pub mod color;
pub mod config;
pub mod form;
pub mod hours;
pub mod i18n;
pub mod json;
pub mod outbox;
pub mod qr;
pub mod schema;
pub mod submission;
pub mod value;

/// The widget's version, sent with every submission and shown in the console.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
