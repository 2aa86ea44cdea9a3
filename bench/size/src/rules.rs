//! The report's rows ([`Feature`]) and which function goes to which: the module paths of
//! [`RULES`], each held by a test to a module of the widget's sources or a crate that exists.

use std::cmp::Reverse;

/// What a byte of the wasm is there for: the report's rows, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Feature {
    Config,
    Channels,
    Icons,
    Hours,
    Qr,
    I18n,
    Delivery,
    Insights,
    Panel,
    Glue,
    Alloc,
    Fmt,
    Std,
    Builtins,
    Generic,
    Structure,
    OtherData,
}

use Feature::*;

impl Feature {
    pub const ALL: [Feature; 17] = [
        Config, Channels, Icons, Hours, Qr, I18n, Delivery, Insights, Panel, Glue, Alloc, Fmt, Std,
        Builtins, Generic, Structure, OtherData,
    ];

    /// Its row's label.
    pub fn label(self) -> &'static str {
        match self {
            Config => "config parsing & messages",
            Channels => "channels & links",
            Icons => "icons",
            Hours => "business hours",
            Qr => "QR code",
            I18n => "texts & languages",
            Delivery => "feedback form & never-lost delivery",
            Insights => "insights: open and channel counts",
            Panel => "panel: DOM, dialog, stylesheet",
            Glue => "wasm-bindgen, js-sys, web-sys",
            Alloc => "Rust std: allocator",
            Fmt => "Rust std: formatting & panics",
            Std => "Rust std: strings, collections, iterators",
            Builtins => "compiler builtins & libm",
            Generic => "generic shims & closures (unattributed)",
            Structure => "module structure",
            OtherData => "other data",
        }
    }

    /// What the report says counts: the paths of its rules, and what else.
    pub fn what(self) -> String {
        let paths: Vec<String> = RULES
            .iter()
            .filter(|(_, feature)| *feature == self)
            .map(|(path, _)| format!("`{path}`"))
            .collect();
        let also = match self {
            Icons => "every SVG path in the data (the code drawing them is the panel's)",
            Panel => " (every module not named above), the exports, `style.css`",
            Glue => ", the shims wasm-bindgen writes (`__wbindgen_*`, `__wbg_*`)",
            Std => " (the rest), methods of `str`, slices and numbers",
            Builtins => ", functions with C names: `memcpy`, `__multi3`…",
            Generic => {
                ": std code monomorphized for a closure the name does not say; functions without \
                 a name"
            }
            Structure => {
                "types, imports (wasm-bindgen's JS function names), exports, table, section and \
                 segment headers"
            }
            OtherData => {
                "data no source literal matched: std and dependency messages, tables, vtables"
            }
            _ => "",
        };
        paths.join(", ") + also
    }

    /// Code written for the widget (or, for `qrcodegen`, pulled in for one of its features).
    pub fn is_widget(self) -> bool {
        self <= Panel
    }
}

/// The widget's crates: their source folder and name.
pub const SOURCES: [(&str, &str); 2] = [
    ("crates/core/src", "widget_core"),
    ("src", "contact_widget"),
];

/// Rust's own crates: their paths count only when no other rule's path is in a name.
const RUST: [&str; 3] = ["core", "alloc", "std"];

/// Module paths and the feature their code is for. A function goes to the rule whose path occurs
/// first in its demangled name, the longest on a tie; the widget's crates and features first,
/// then the other crates, then Rust's own ([`RUST`]): `<Vec<widget_core::channel::Channel> as
/// Drop>::drop` is the channels' cost, `future_to_promise::<contact_widget::courier::…>` the
/// delivery's. A path matches whole segments (`widget_core::form` is not `widget_core::format`).
/// A part of the panel that becomes a module of its own gets its line here; the panel's
/// coordinator and dialog are the rest of `contact_widget`.
pub const RULES: &[(&str, Feature)] = &[
    ("widget_core", Config),
    ("widget_core::config", Config),
    ("widget_core::value", Config),
    ("widget_core::color", Config),
    ("widget_core::schema", Config),
    ("widget_core::channel", Channels),
    ("contact_widget::panel::channels", Channels),
    ("widget_core::hours", Hours),
    ("contact_widget::panel::hours", Hours),
    ("qrcodegen", Qr),
    ("widget_core::qr", Qr),
    ("widget_core::i18n", I18n),
    ("widget_core::form", Delivery),
    ("widget_core::submission", Delivery),
    ("widget_core::outbox", Delivery),
    ("widget_core::json", Delivery),
    ("contact_widget::courier", Delivery),
    ("contact_widget::send", Delivery),
    ("contact_widget::storage", Delivery),
    ("contact_widget::panel::form", Delivery),
    ("contact_widget::panel::form_view", Delivery),
    ("widget_core::insights", Insights),
    ("contact_widget::insights", Insights),
    ("contact_widget", Panel),
    ("wasm_bindgen", Glue),
    ("wasm_bindgen_futures", Glue),
    ("js_sys", Glue),
    ("web_sys", Glue),
    ("contact_widget::allocator", Alloc),
    ("alloc::alloc", Alloc),
    ("__rustc", Alloc),
    ("core::fmt", Fmt),
    ("alloc::fmt", Fmt),
    ("core::panicking", Fmt),
    ("core", Std),
    ("alloc", Std),
    ("std", Std),
    ("compiler_builtins", Builtins),
    ("core::ops::function", Generic),
    ("core::iter::adapters", Generic),
    ("core::iter::traits", Generic),
];

/// The feature of a function by its name in the name section (already without disambiguators);
/// `exported` when the wasm exports it.
pub fn feature_of(name: &str, exported: bool) -> Feature {
    if let Some(feature) = by_path(name) {
        return feature;
    }
    let symbol = name.split(' ').next().unwrap_or_default();
    if symbol.starts_with("__wbindgen") || symbol.starts_with("__wbg") {
        Glue
    } else if symbol.is_empty() {
        Generic
    } else if symbol.contains("::") {
        // `<str>::eq_ignore_ascii_case`, `<[T]>::sort`: methods of Rust's primitive types.
        Std
    } else if exported {
        // The crate's `#[wasm_bindgen]` exports (src/lib.rs), with the shims wasm-bindgen wrote
        // around them.
        Panel
    } else {
        Builtins
    }
}

/// The feature of the rule whose path occurs first in `name` (see [`RULES`]).
fn by_path(name: &str) -> Option<Feature> {
    let tier = |path: &str, feature: Feature| match path.split("::").next().unwrap_or_default() {
        krate if feature.is_widget() || SOURCES.iter().any(|(_, name)| *name == krate) => 0,
        krate if RUST.contains(&krate) => 2,
        _ => 1,
    };
    (0..3).find_map(|wanted| {
        RULES
            .iter()
            .filter(|&&(path, feature)| tier(path, feature) == wanted)
            .filter_map(|&(path, feature)| {
                Some((occurs(name, path)?, Reverse(path.len()), feature))
            })
            .min()
            .map(|(.., feature)| feature)
    })
}

/// Where `path` first occurs in `name` as whole path segments.
fn occurs(name: &str, path: &str) -> Option<usize> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    name.match_indices(path).map(|(at, _)| at).find(|&at| {
        !name[..at].ends_with(|c: char| ident(c) || c == ':')
            && !name[at + path.len()..].starts_with(ident)
    })
}

/// A name without the crate disambiguators (`web_sys[165f484f6ee3cf8]::window`) of rustc's
/// symbol names.
pub fn without_disambiguators(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some((before, after)) = rest.split_once('[') {
        out.push_str(before);
        match after.split_once(']') {
            Some((hex, more)) if hex.len() >= 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                rest = more
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out + rest
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Each rule names a module of the widget's sources, a crate of Cargo.lock or one of Rust's
    /// own: a module renamed or moved fails here instead of moving its bytes to another row.
    #[test]
    fn every_rule_names_a_module_or_crate_that_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let modules: Vec<String> = crate::literals::modules(&root)
            .unwrap()
            .into_iter()
            .map(|m| m.0)
            .collect();
        assert!(
            modules.iter().any(|m| m == "contact_widget::courier"),
            "{modules:?}"
        );
        let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
        for (path, _) in RULES {
            let krate = path.split("::").next().unwrap();
            if SOURCES.iter().any(|(_, name)| *name == krate) {
                assert!(
                    modules.iter().any(|m| m == path),
                    "{path} is no module of the widget's sources"
                );
            } else if !RUST.contains(&krate) && !["compiler_builtins", "__rustc"].contains(&krate) {
                let package = krate.replace('_', "-");
                assert!(
                    lock.contains(&format!("name = \"{package}\"\n")),
                    "{path}: no crate {package} in Cargo.lock"
                );
            }
        }
    }

    #[test]
    fn attributes_functions_by_path() {
        let cases = [
            ("widget_core::config::parse", Config),
            ("widget_core::configuration_like::x", Config),
            (
                "<widget_core::hours::Schedule as core::clone::Clone>::clone",
                Hours,
            ),
            (
                "<contact_widget::env::Zone as widget_core::hours::Zone>::x",
                Panel,
            ),
            (
                "core::ptr::drop_in_place<contact_widget::courier::Courier>",
                Delivery,
            ),
            (
                "js_sys::future_to_promise::<contact_widget::courier::X>",
                Delivery,
            ),
            (
                "<contact_widget::allocator::Allocator as core::X>::alloc",
                Alloc,
            ),
            ("qrcodegen::QrCode::encode_codewords", Qr),
            ("<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop", Std),
            ("core::ptr::drop_glue::<alloc::rc::Rc<js_sys::Queue>>", Glue),
            ("__wbindgen_malloc", Glue),
            ("__rustc::__rdl_realloc", Alloc),
            ("<&T as core::fmt::Display>::fmt", Fmt),
            ("<str>::eq_ignore_ascii_case", Std),
            ("core::ops::function::FnOnce::call_once", Generic),
            (
                "<core::iter::adapters::map::Map<I,F> as Iterator>::next",
                Generic,
            ),
            ("compiler_builtins::math::libm::round", Builtins),
            ("memcpy", Builtins),
            ("", Generic),
        ];
        for (name, expected) in cases {
            assert_eq!(feature_of(name, false), expected, "{name}");
        }
        assert_eq!(feature_of("setup_new multivalue shim", true), Panel);
        let name = "<web_sys[165f484f6ee3cf8]::X as core[e24a27700634d609]::Y<[u8]>>::z";
        assert_eq!(
            without_disambiguators(name),
            "<web_sys::X as core::Y<[u8]>>::z"
        );
    }
}
