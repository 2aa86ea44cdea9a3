//! `cargo xtask bench size`: what each feature of the widget costs in the shipped wasm, written to
//! `bench/size.md`.
//!
//! The wasm is built as `cargo xtask dist` builds it (`wasm.rs`), then run through wasm-opt's
//! passes twice: once as shipped, once with `-g`, which keeps the name section. Without that section the named file
//! is byte for byte the shipped one (checked), so every function body is measured where it ships.
//! Each body goes to a feature by its demangled path ([`feature_of`], rules in [`RULES`]); the
//! data section's bytes go to the source file whose string literals they are
//! ([`string_literals`]). wasmparser reads the sections: no external profiler.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use wasmparser::{KnownCustom, Name, Operator, Parser, Payload};

use crate::cmd::{note, step, warn, Cmd};
use crate::workspace::Workspace;
use crate::{dist, install, lockfile, sizes, wasm, Result};

const REPORT: &str = "bench/size.md";
/// Where the intermediate files go, under cargo's target directory.
const WORK: &str = "size-report";
/// The widget's Rust sources (folder, crate): their string literals are looked for in the data.
const SOURCES: [(&str, &str); 2] = [
    ("crates/core/src", "widget_core"),
    ("src", "contact_widget"),
];
/// Rows of the top-items table.
const TOP: usize = 30;

/// What a byte of the wasm is there for: the report's rows, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Feature {
    Config,
    Channels,
    Icons,
    Hours,
    Qr,
    I18n,
    Delivery,
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

impl Feature {
    const ALL: [Feature; 16] = [
        Feature::Config,
        Feature::Channels,
        Feature::Icons,
        Feature::Hours,
        Feature::Qr,
        Feature::I18n,
        Feature::Delivery,
        Feature::Panel,
        Feature::Glue,
        Feature::Alloc,
        Feature::Fmt,
        Feature::Std,
        Feature::Builtins,
        Feature::Generic,
        Feature::Structure,
        Feature::OtherData,
    ];

    fn label(self) -> &'static str {
        match self {
            Feature::Config => "config parsing & messages",
            Feature::Channels => "channels & links",
            Feature::Icons => "icons",
            Feature::Hours => "business hours",
            Feature::Qr => "QR code",
            Feature::I18n => "texts & languages",
            Feature::Delivery => "feedback form & never-lost delivery",
            Feature::Panel => "panel: DOM, dialog, stylesheet",
            Feature::Glue => "wasm-bindgen, js-sys, web-sys",
            Feature::Alloc => "Rust std: allocator",
            Feature::Fmt => "Rust std: formatting & panics",
            Feature::Std => "Rust std: strings, collections, iterators",
            Feature::Builtins => "compiler builtins & libm",
            Feature::Generic => "generic shims & closures (unattributed)",
            Feature::Structure => "module structure",
            Feature::OtherData => "other data",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Feature::Config => "`widget_core::{config, value, color}`, the JS → config walk (`env::value_of`), the `validate` export",
            Feature::Channels => "`widget_core::channel` (catalogue, links, names and hints), `view::channel`, copying a link",
            Feature::Icons => "`dom::svg_icon`/`svg_path` and every SVG path in the data",
            Feature::Hours => "`widget_core::hours`, the owner's zone and dates through `Intl` (`env::OwnerZone`, `when`, `format_locale`), `Inner::status`/`refresh_hours`",
            Feature::Qr => "`qrcodegen`, `widget_core::qr`, `Inner::toggle_qr`",
            Feature::I18n => "`widget_core::i18n` (the built-in English texts, overrides), `texts_of`, `env::number`",
            Feature::Delivery => "`widget_core::{form, submission, outbox, json}`, `courier`, `send`, `storage`, the form's DOM (`view::form_ui`…) and handlers (`Inner::submit`, `validated`, drafts…)",
            Feature::Panel => "the rest of `contact_widget`: `view`, `dom`, `widget`, `style` (with `style.css`), `boundary`, `env`, the exports",
            Feature::Glue => "`wasm_bindgen`, `js_sys`, `web_sys`, `wasm_bindgen_futures`, the shims wasm-bindgen writes",
            Feature::Alloc => "`contact_widget::allocator` (the wasm's size-class allocator), `alloc::alloc`, `__rdl_*`",
            Feature::Fmt => "`core::fmt`, `alloc::fmt`, panicking, bounds-check and unwrap failures",
            Feature::Std => "the rest of `core`, `alloc`, `std`: `str`, `Vec`, `String`, `Rc`, `RefCell`…",
            Feature::Builtins => "functions with C names: `memcpy`, `__multi3`, `round`…",
            Feature::Generic => "`FnOnce::call_once` shims, iterator adapters, `collect`: std code monomorphized for a closure the name does not say",
            Feature::Structure => "types, imports (wasm-bindgen's JS function names), exports, table, section and segment headers, custom sections",
            Feature::OtherData => "data no source literal matched: std and dependency messages, tables, vtables, panic-location paths",
        }
    }

    /// Code written for the widget (or, for `qrcodegen`, pulled in for one of its features).
    fn is_widget(self) -> bool {
        self <= Feature::Panel
    }
}

/// Path prefixes and what they belong to. A name goes to the longest key at its earliest
/// position, the widget's own keys first: `<alloc::vec::Vec<widget_core::channel::Channel> as
/// Drop>::drop` is the channels' cost, not `Vec`'s. A key matches at the start of a path segment
/// and, unless it ends in `_` or `:`, up to the end of one.
const RULES: &[(&str, Feature)] = &[
    ("widget_core", Feature::Config),
    ("widget_core::config", Feature::Config),
    ("widget_core::value", Feature::Config),
    ("widget_core::color", Feature::Config),
    ("widget_core::schema", Feature::Config),
    ("contact_widget::env::value_of", Feature::Config),
    ("contact_widget::merged", Feature::Config),
    ("contact_widget::read", Feature::Config),
    ("contact_widget::validate", Feature::Config),
    ("validate", Feature::Config),
    ("widget_core::channel", Feature::Channels),
    ("contact_widget::view::channel", Feature::Channels),
    ("contact_widget::widget::Inner::copy", Feature::Channels),
    ("contact_widget::env::copy", Feature::Channels),
    ("contact_widget::dom::svg_icon", Feature::Icons),
    ("contact_widget::dom::svg_path", Feature::Icons),
    ("widget_core::hours", Feature::Hours),
    ("contact_widget::env::OwnerZone", Feature::Hours),
    ("contact_widget::env::date_format", Feature::Hours),
    ("contact_widget::env::when", Feature::Hours),
    ("contact_widget::env::format_locale", Feature::Hours),
    ("contact_widget::widget::Inner::status", Feature::Hours),
    (
        "contact_widget::widget::Inner::refresh_hours",
        Feature::Hours,
    ),
    ("qrcodegen", Feature::Qr),
    ("widget_core::qr", Feature::Qr),
    ("contact_widget::widget::Inner::toggle_qr", Feature::Qr),
    ("widget_core::i18n", Feature::I18n),
    ("contact_widget::texts_of", Feature::I18n),
    ("contact_widget::env::number", Feature::I18n),
    ("widget_core::form", Feature::Delivery),
    ("widget_core::submission", Feature::Delivery),
    ("widget_core::outbox", Feature::Delivery),
    ("widget_core::json", Feature::Delivery),
    ("contact_widget::courier", Feature::Delivery),
    ("contact_widget::send", Feature::Delivery),
    ("contact_widget::storage", Feature::Delivery),
    ("contact_widget::boundary::fetch", Feature::Delivery),
    ("contact_widget::env::new_id", Feature::Delivery),
    ("contact_widget::env::now_iso", Feature::Delivery),
    ("contact_widget::env::time_zone", Feature::Delivery),
    ("contact_widget::view::form_ui", Feature::Delivery),
    ("contact_widget::view::rating_group", Feature::Delivery),
    ("contact_widget::view::text_field", Feature::Delivery),
    ("contact_widget::view::error_line", Feature::Delivery),
    ("contact_widget::widget::stored_draft", Feature::Delivery),
    ("contact_widget::widget::Inner::submit", Feature::Delivery),
    ("contact_widget::widget::Inner::busy", Feature::Delivery),
    (
        "contact_widget::widget::Inner::delivered",
        Feature::Delivery,
    ),
    ("contact_widget::widget::Inner::sent", Feature::Delivery),
    (
        "contact_widget::widget::Inner::validated",
        Feature::Delivery,
    ),
    ("contact_widget::widget::Inner::count", Feature::Delivery),
    ("contact_widget::widget::Inner::draft", Feature::Delivery),
    (
        "contact_widget::widget::Inner::save_draft",
        Feature::Delivery,
    ),
    (
        "contact_widget::widget::Inner::restore_draft",
        Feature::Delivery,
    ),
    ("contact_widget::widget::Inner::fill", Feature::Delivery),
    (
        "contact_widget::widget::Inner::email_instead",
        Feature::Delivery,
    ),
    ("contact_widget::allocator", Feature::Alloc),
    ("contact_widget", Feature::Panel),
    // The exports, which wasm-bindgen's shims (`mount externref shim`) may have absorbed.
    ("mount", Feature::Panel),
    ("widget_", Feature::Panel),
    ("wasm_bindgen", Feature::Glue),
    ("wasm_bindgen_futures", Feature::Glue),
    ("wasm_bindgen__", Feature::Glue),
    ("js_sys", Feature::Glue),
    ("web_sys", Feature::Glue),
    ("__wbindgen_", Feature::Glue),
    ("__wbg_", Feature::Glue),
    ("__externref_", Feature::Glue),
    ("dlmalloc", Feature::Alloc),
    ("alloc::alloc", Feature::Alloc),
    ("std::alloc", Feature::Alloc),
    ("__rustc::", Feature::Alloc),
    ("__rdl_", Feature::Alloc),
    ("__rust_alloc", Feature::Alloc),
    ("__rust_dealloc", Feature::Alloc),
    ("__rust_realloc", Feature::Alloc),
    ("core::fmt", Feature::Fmt),
    ("alloc::fmt", Feature::Fmt),
    ("std::panicking", Feature::Fmt),
    ("std::panic", Feature::Fmt),
    ("core::panicking", Feature::Fmt),
    ("core::panic", Feature::Fmt),
    ("std::process::abort", Feature::Fmt),
    ("std::rt", Feature::Fmt),
    ("std::sys", Feature::Fmt),
    ("std::io", Feature::Fmt),
    ("core::unicode::printable", Feature::Fmt),
    ("<char>::escape_debug_ext", Feature::Fmt),
    ("core::option::unwrap_failed", Feature::Fmt),
    ("core::option::expect_failed", Feature::Fmt),
    ("core::result::unwrap_failed", Feature::Fmt),
    ("core::slice::index", Feature::Fmt),
    ("core::str::slice_error_fail", Feature::Fmt),
    ("core::cell::panic_already_borrowed", Feature::Fmt),
    ("core::cell::panic_already_mutably_borrowed", Feature::Fmt),
    ("alloc::raw_vec::handle_error", Feature::Fmt),
    ("alloc::raw_vec::capacity_overflow", Feature::Fmt),
    ("rust_begin_unwind", Feature::Fmt),
    ("__rust_start_panic", Feature::Fmt),
    ("core", Feature::Std),
    ("alloc", Feature::Std),
    ("std", Feature::Std),
    ("<str>::", Feature::Std),
    ("<char>::", Feature::Std),
    ("<u8>::", Feature::Std),
    ("<[", Feature::Std),
    ("compiler_builtins", Feature::Builtins),
    ("libm", Feature::Builtins),
    ("core::ops::function", Feature::Generic),
    ("core::iter::adapters", Feature::Generic),
    ("core::iter::traits", Feature::Generic),
    ("alloc::vec::spec_from_iter", Feature::Generic),
    ("alloc::vec::spec_extend", Feature::Generic),
    ("alloc::vec::in_place_collect", Feature::Generic),
];

/// The feature a function's code belongs to, by its demangled name (hash and crate
/// disambiguators allowed).
fn feature_of(name: &str) -> Feature {
    let name = without_hashes(name);
    let earliest = |widget: bool| {
        RULES
            .iter()
            .filter(|(_, feature)| feature.is_widget() == widget)
            .flat_map(|&(key, feature)| {
                matches(&name, key).map(move |at| (at, std::cmp::Reverse(key.len()), feature))
            })
            .min()
            .map(|(_, _, feature)| feature)
    };
    // The allocator is in the widget crate, but does std's job: its rule comes first.
    let std_first = matches(&name, "contact_widget::allocator").next().is_some();
    let (first, then) = if std_first {
        (false, true)
    } else {
        (true, false)
    };
    earliest(first)
        .or_else(|| earliest(then))
        .unwrap_or_else(|| {
            if name.is_empty() || name.contains("::") || name.contains(' ') {
                Feature::Generic
            } else {
                // `memcpy`, `__multi3`, `round`: the C-named functions compiler-builtins provides.
                Feature::Builtins
            }
        })
}

/// Where `key` occurs in `name` as a path prefix (see [`RULES`]).
fn matches<'a>(name: &'a str, key: &'a str) -> impl Iterator<Item = usize> + 'a {
    let segment_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let open_ended = key.ends_with(['_', ':', '<', '[']);
    name.match_indices(key)
        .map(|(at, _)| at)
        .filter(move |&at| {
            let before = name[..at].chars().next_back();
            let after = name[at + key.len()..].chars().next();
            before.is_none_or(|c| !segment_char(c) && c != ':')
                && (open_ended || after.is_none_or(|c| !segment_char(c)))
        })
}

/// A name without rustc's `::h0123456789abcdef` hashes and `[0123456789abcdef]` crate
/// disambiguators.
fn without_hashes(name: &str) -> String {
    let hex16 = |s: &str| s.len() >= 16 && s.as_bytes()[..16].iter().all(u8::is_ascii_hexdigit);
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("::h")
            && hex16(&rest[3..])
            && !rest[19..].starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            rest = &rest[19..];
        } else if c == '[' && hex16(&rest[1..]) && rest[17..].starts_with(']') {
            rest = &rest[18..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The string literals in Rust source, unescaped: `"…"`, `r"…"`, `r#"…"#` and their byte-string
/// forms. Comments and char literals are skipped.
fn string_literals(source: &str) -> Vec<String> {
    let s: Vec<char> = source.chars().collect();
    let ident = |i: usize| i > 0 && (s[i - 1].is_alphanumeric() || s[i - 1] == '_');
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let next = s.get(i + 1).copied();
        match s[i] {
            '/' if next == Some('/') => {
                while i < s.len() && s[i] != '\n' {
                    i += 1;
                }
            }
            '/' if next == Some('*') => {
                i += 2;
                while i + 1 < s.len() && !(s[i] == '*' && s[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            // A char literal (`'"'`, `'\''`) or a lifetime.
            '\'' if next == Some('\\') => {
                i += 3;
                while i < s.len() && s[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if s.get(i + 2) == Some(&'\'') => i += 3,
            'r' | 'b' if !ident(i) && raw_start(&s[i..]).is_some() => {
                let (hashes, open) = raw_start(&s[i..]).expect("checked");
                let start = i + open;
                let mut end = start;
                while end < s.len()
                    && !(s[end] == '"'
                        && s[end + 1..]
                            .iter()
                            .take(hashes)
                            .filter(|&&c| c == '#')
                            .count()
                            == hashes)
                {
                    end += 1;
                }
                out.push(s[start..end.min(s.len())].iter().collect());
                i = end + 1 + hashes;
            }
            '"' => {
                let mut text = String::new();
                i += 1;
                while i < s.len() && s[i] != '"' {
                    if s[i] != '\\' {
                        text.push(s[i]);
                        i += 1;
                        continue;
                    }
                    let escaped = s.get(i + 1).copied().unwrap_or('\\');
                    i += 2;
                    match escaped {
                        'n' => text.push('\n'),
                        'r' => text.push('\r'),
                        't' => text.push('\t'),
                        '0' => text.push('\0'),
                        'x' => {
                            let hex: String = s[i..(i + 2).min(s.len())].iter().collect();
                            text.extend(u8::from_str_radix(&hex, 16).ok().map(char::from));
                            i += 2;
                        }
                        'u' => {
                            let close = s[i..]
                                .iter()
                                .position(|&c| c == '}')
                                .map_or(s.len(), |p| i + p);
                            let hex: String = s[(i + 1).min(close)..close].iter().collect();
                            text.extend(
                                u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32),
                            );
                            i = close + 1;
                        }
                        '\n' => {
                            while i < s.len() && s[i].is_whitespace() {
                                i += 1;
                            }
                        }
                        other => text.push(other),
                    }
                }
                out.push(text);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// At a raw string's start (`r"`, `r#"`, `br"`…): its number of `#` and where its text begins.
fn raw_start(s: &[char]) -> Option<(usize, usize)> {
    let r = if s.first() == Some(&'b') { 1 } else { 0 };
    if s.get(r) != Some(&'r') {
        return None;
    }
    let hashes = s[r + 1..].iter().take_while(|&&c| c == '#').count();
    (s.get(r + 1 + hashes) == Some(&'"')).then_some((hashes, r + 2 + hashes))
}

/// The pieces of a `format!` string between its `{…}` placeholders, with `{{`/`}}` unescaped.
fn format_pieces(text: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
                pieces.last_mut().expect("one").push(c);
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                pieces.push(String::new());
            }
            _ => pieces.last_mut().expect("one").push(c),
        }
    }
    pieces
}

/// An SVG path as the channel catalogue and the view write them.
fn is_icon_path(text: &str) -> bool {
    text.len() >= 20
        && text.starts_with('M')
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || " .,-MmLlHhVvCcSsQqTtAaZz".contains(c))
}

/// Text the data section may hold, from one source.
struct Literal {
    source: String,
    feature: Feature,
    text: String,
}

/// Shortest literal looked for: shorter ones match by chance.
const MIN_LITERAL: usize = 4;

/// Every string literal of the widget's sources, with the file an `include_str!` names (in the
/// widget's build-script `out_dir` for `include_str!(concat!(env!("OUT_DIR"), "/NAME"))`).
fn literals(ws: &Workspace, out_dir: Option<&Path>) -> Result<Vec<Literal>> {
    let mut out = Vec::new();
    for (dir, krate) in SOURCES {
        let mut files: Vec<_> = fs::read_dir(ws.root.join(dir))
            .map_err(|e| format!("cannot list {dir}: {e}"))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        files.sort();
        for path in files {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let module = if stem == "lib" {
                krate.to_string()
            } else {
                format!("{krate}::{stem}")
            };
            let feature = feature_of(&module);
            let source = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let file = format!("{dir}/{stem}.rs");
            for text in string_literals(&source) {
                if is_icon_path(&text) {
                    out.push(Literal {
                        source: "SVG icon paths (channel catalogue, close button)".into(),
                        feature: Feature::Icons,
                        text,
                    });
                } else {
                    out.push(Literal {
                        source: file.clone(),
                        feature,
                        text,
                    });
                }
            }
            for (path, name) in included_files(&source, &path, dir, out_dir) {
                let Ok(text) = fs::read_to_string(&path) else {
                    continue;
                };
                out.push(Literal {
                    source: format!("{name} (`include_str!` in {file})"),
                    feature,
                    text,
                });
            }
        }
    }
    Ok(out)
}

/// The files `source` (the file at `path`, in the repository's `dir`) includes with
/// `include_str!`, and how to name them.
fn included_files(
    source: &str,
    path: &Path,
    dir: &str,
    out_dir: Option<&Path>,
) -> Vec<(PathBuf, String)> {
    const OUT_DIR: &str = "concat!(env!(\"OUT_DIR\"), \"";
    let folder = path.parent().expect("a file has a folder");
    let mut files = Vec::new();
    for rest in source.split("include_str!(").skip(1) {
        if let Some((name, _)) = rest.strip_prefix('"').and_then(|r| r.split_once('"')) {
            files.push((folder.join(name), format!("{dir}/{name}")));
        } else if let Some((name, _)) = rest.strip_prefix(OUT_DIR).and_then(|r| r.split_once('"')) {
            if let Some(out_dir) = out_dir {
                files.push((
                    out_dir.join(name.trim_start_matches('/')),
                    format!("$OUT_DIR/{}, from build.rs", name.trim_start_matches('/')),
                ));
            }
        }
    }
    files
}

/// The widget's build-script output folder, from cargo's JSON messages of the (fresh) build.
fn out_dir(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .find_map(|message| {
            let out_dir = PathBuf::from(message.get("out_dir")?.as_str()?);
            let unit = out_dir
                .parent()?
                .file_name()?
                .to_string_lossy()
                .into_owned();
            (message["reason"] == "build-script-executed" && unit.starts_with("contact-widget-"))
                .then_some(out_dir)
        })
}

/// What the literals claim of the data: for each data byte, the literal (index) it belongs to.
/// Longest literals first; a `format!` string that is not there whole is looked for piece by piece.
fn claim(data: &[u8], literals: &[Literal]) -> Vec<Option<usize>> {
    let mut owner = vec![None; data.len()];
    let mut needles: Vec<(usize, Vec<u8>)> = Vec::new();
    for (i, literal) in literals.iter().enumerate() {
        let whole = literal.text.as_bytes();
        if find(data, whole).is_some() {
            needles.push((i, whole.to_vec()));
        } else if literal.text.contains('{') {
            needles.extend(
                format_pieces(&literal.text)
                    .into_iter()
                    .map(|p| (i, p.into_bytes())),
            );
        }
    }
    needles.retain(|(_, n)| n.len() >= MIN_LITERAL);
    needles.sort_by_key(|(i, n)| (std::cmp::Reverse(n.len()), *i));
    for (i, needle) in needles {
        let mut from = 0;
        while let Some(at) = find(&data[from..], &needle).map(|p| from + p) {
            if owner[at..at + needle.len()].iter().all(Option::is_none) {
                owner[at..at + needle.len()].fill(Some(i));
                from = at + needle.len();
            } else {
                from = at + 1;
            }
        }
    }
    owner
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Source paths of panic locations (`/rustc/…/library/core/src/….rs`, `…/.cargo/registry/….rs`)
/// among the unclaimed data bytes: (start, end) spans.
fn panic_paths(data: &[u8], claimed: &[Option<usize>]) -> Vec<(usize, usize)> {
    let path_byte = |b: u8| b.is_ascii_alphanumeric() || b"_./-".contains(&b);
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut at = 0;
    while let Some(p) = find(&data[at..], b".rs").map(|p| at + p) {
        let end = p + 3;
        let mut start = p;
        while start > 0 && path_byte(data[start - 1]) && claimed[start - 1].is_none() {
            start -= 1;
        }
        if data[start..end].contains(&b'/')
            && claimed[start..end].iter().all(Option::is_none)
            && spans.last().is_none_or(|&(_, e)| e <= start)
        {
            spans.push((start, end));
        }
        at = end;
    }
    spans
}

/// One function body as shipped: its name (empty when the name section has none), its bytes
/// with their size prefix, and the functions it calls directly (function indices).
struct Function<'a> {
    name: String,
    span: (usize, usize),
    calls: Vec<u32>,
    bytes: &'a [u8],
}

/// The parts of the named wasm the report reads.
struct Module<'a> {
    imported_functions: u32,
    functions: Vec<Function<'a>>,
    /// Data segments: name (from the name section) and the span of their bytes.
    segments: Vec<(String, (usize, usize))>,
    /// Every section: its name and the span of its bytes, header included.
    sections: Vec<(String, (usize, usize))>,
    /// The name section, which only the named build has.
    names: (usize, usize),
}

fn read_module(bytes: &[u8]) -> Result<Module<'_>> {
    let error = |e: wasmparser::BinaryReaderError| format!("cannot read the wasm: {e}");
    let mut module = Module {
        imported_functions: 0,
        functions: Vec::new(),
        segments: Vec::new(),
        sections: Vec::new(),
        names: (0, 0),
    };
    let mut function_names = BTreeMap::new();
    let mut data_names = BTreeMap::new();
    let mut section_end = 8;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(error)?;
        if let Some((id, range)) = payload.as_section() {
            let name = match &payload {
                Payload::CustomSection(custom) => format!("custom section '{}'", custom.name()),
                _ => section_name(id).to_string(),
            };
            module.sections.push((name, (section_end, range.end)));
            section_end = range.end;
        }
        match payload {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(
                        import.map_err(error)?.ty,
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)
                    ) {
                        module.imported_functions += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                let start = range.start - leb128_len(range.len());
                let mut calls = Vec::new();
                for op in body.get_operators_reader().map_err(error)? {
                    if let Operator::Call { function_index }
                    | Operator::ReturnCall { function_index } = op.map_err(error)?
                    {
                        calls.push(function_index);
                    }
                }
                module.functions.push(Function {
                    name: String::new(),
                    span: (start, range.end),
                    calls,
                    bytes: &bytes[start..range.end],
                });
            }
            Payload::DataSection(reader) => {
                for segment in reader {
                    let segment = segment.map_err(error)?;
                    let end = segment.range.end;
                    module
                        .segments
                        .push((String::new(), (end - segment.data.len(), end)));
                }
            }
            Payload::CustomSection(custom) => {
                if let KnownCustom::Name(reader) = custom.as_known() {
                    module.names = *module
                        .sections
                        .last()
                        .map(|(_, span)| span)
                        .expect("just pushed");
                    for subsection in reader {
                        match subsection.map_err(error)? {
                            Name::Function(map) => {
                                for naming in map {
                                    let naming = naming.map_err(error)?;
                                    function_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            Name::Data(map) => {
                                for naming in map {
                                    let naming = naming.map_err(error)?;
                                    data_names.insert(naming.index, naming.name.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (i, function) in module.functions.iter_mut().enumerate() {
        let index = module.imported_functions + i as u32;
        function.name = function_names.remove(&index).unwrap_or_default();
    }
    for (i, (name, _)) in module.segments.iter_mut().enumerate() {
        *name = data_names
            .remove(&(i as u32))
            .unwrap_or_else(|| format!("data[{i}]"));
    }
    Ok(module)
}

fn section_name(id: u8) -> &'static str {
    match id {
        1 => "type section",
        2 => "import section",
        3 => "function section",
        4 => "table section",
        5 => "memory section",
        6 => "global section",
        7 => "export section",
        8 => "start section",
        9 => "element section",
        10 => "code section",
        11 => "data section",
        12 => "data count section",
        13 => "tag section",
        _ => "unknown section",
    }
}

fn leb128_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

/// Everything the report says, measured.
struct Measured {
    /// The shipped file's size, raw and brotli.
    total: usize,
    brotli: usize,
    /// Bytes by feature: all of them, those in code, those in data, and the brotli share.
    raw: BTreeMap<Feature, usize>,
    code: BTreeMap<Feature, usize>,
    data: BTreeMap<Feature, usize>,
    brotli_share: BTreeMap<Feature, usize>,
    /// Generic functions' bytes by the widget feature they call most (a hint).
    hinted: BTreeMap<Feature, usize>,
    /// Data bytes by source: (feature, bytes, bytes in copies after the first).
    sources: BTreeMap<String, (Feature, usize, usize)>,
    /// The generic functions, largest first.
    generic: Vec<GenericFunction>,
    /// (bytes, item, what it is for), largest first.
    items: Vec<(usize, String, &'static str)>,
    sections: Vec<(String, usize)>,
}

fn count<T: Ord>(pairs: impl IntoIterator<Item = (T, usize)>) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for (key, n) in pairs {
        *counts.entry(key).or_insert(0) += n;
    }
    counts
}

fn measure(named: &[u8], shipped: &[u8], literals: &[Literal]) -> Result<Measured> {
    let module = read_module(named)?;
    let (names_start, names_end) = module.names;
    if names_end == 0 {
        return Err("the wasm built with `wasm-opt -g` has no name section".into());
    }
    let stripped: Vec<u8> = [&named[..names_start], &named[names_end..]].concat();
    if stripped != shipped {
        return Err(format!(
            "without its name section the named wasm ({} bytes) is not the shipped one ({} bytes): \
             `wasm-opt -g` changed the code, so its names cannot measure the shipped file",
            stripped.len(),
            shipped.len()
        ));
    }
    // Each byte's feature, at its offset in the named file: bodies, then data, the rest structure.
    let mut owner = vec![Feature::Structure; named.len()];
    let features: Vec<Feature> = module
        .functions
        .iter()
        .map(|f| feature_of(&f.name))
        .collect();
    for (function, &feature) in module.functions.iter().zip(&features) {
        owner[function.span.0..function.span.1].fill(feature);
    }
    let data: Vec<u8> = module
        .segments
        .iter()
        .flat_map(|(_, (a, b))| named[*a..*b].iter().copied())
        .collect();
    let claimed = claim(&data, literals);
    let mut claims = claimed.iter();
    for (_, (start, end)) in &module.segments {
        for (slot, claim) in owner[*start..*end].iter_mut().zip(claims.by_ref()) {
            *slot = claim.map_or(Feature::OtherData, |i| literals[i].feature);
        }
    }
    let owner: Vec<Feature> = [&owner[..names_start], &owner[names_end..]].concat();
    let (brotli, brotli_share) = brotli_shares(shipped, &owner);
    let (generic, hinted) = generic(&module, &features);
    let sections: Vec<(String, usize)> = module
        .sections
        .iter()
        .filter(|(_, span)| *span != module.names)
        .map(|(name, (a, b))| (name.clone(), b - a))
        .collect();
    Ok(Measured {
        total: shipped.len(),
        brotli,
        raw: count(owner.iter().map(|&f| (f, 1))),
        code: count(
            module
                .functions
                .iter()
                .zip(&features)
                .map(|(f, &feature)| (feature, f.bytes.len())),
        ),
        data: count(
            claimed
                .iter()
                .map(|c| (c.map_or(Feature::OtherData, |i| literals[i].feature), 1)),
        ),
        brotli_share,
        hinted,
        sources: data_sources(&data, &claimed, literals),
        generic,
        items: items(&module, &features, &sections),
        sections,
    })
}

/// The shipped file's brotli size, shared out among the features in proportion to what each
/// one's bytes (in file order) compress to alone.
fn brotli_shares(shipped: &[u8], owner: &[Feature]) -> (usize, BTreeMap<Feature, usize>) {
    let brotli = sizes::brotli(shipped).len();
    let alone: BTreeMap<Feature, usize> = Feature::ALL
        .iter()
        .map(|&f| {
            let bytes: Vec<u8> = shipped
                .iter()
                .zip(owner)
                .filter(|(_, &o)| o == f)
                .map(|(b, _)| *b)
                .collect();
            (
                f,
                if bytes.is_empty() {
                    0
                } else {
                    sizes::brotli(&bytes).len()
                },
            )
        })
        .collect();
    let alone_total: usize = alone.values().sum::<usize>().max(1);
    let share = alone
        .iter()
        .map(|(&f, &n)| {
            (
                f,
                (n as f64 * brotli as f64 / alone_total as f64).round() as usize,
            )
        })
        .collect();
    (brotli, share)
}

/// Data bytes by the source of the literals that claimed them, with the bytes of repeated copies;
/// and what no literal claimed, split into panic-location paths and the rest.
fn data_sources(
    data: &[u8],
    claimed: &[Option<usize>],
    literals: &[Literal],
) -> BTreeMap<String, (Feature, usize, usize)> {
    let mut sources: BTreeMap<String, (Feature, usize, usize)> = BTreeMap::new();
    let mut seen = vec![false; literals.len()];
    let mut start = 0;
    while start < claimed.len() {
        let Some(i) = claimed[start] else {
            start += 1;
            continue;
        };
        let end = (start..claimed.len())
            .find(|&j| claimed[j] != Some(i))
            .unwrap_or(claimed.len());
        let entry =
            sources
                .entry(literals[i].source.clone())
                .or_insert((literals[i].feature, 0, 0));
        entry.1 += end - start;
        if seen[i] && data[start..end] == *literals[i].text.as_bytes() {
            entry.2 += end - start;
        }
        seen[i] = true;
        start = end;
    }
    let paths: usize = panic_paths(data, claimed).iter().map(|(a, b)| b - a).sum();
    let unclaimed = claimed.iter().filter(|c| c.is_none()).count() - paths;
    sources.insert(
        "source paths of panic locations (std, dependencies, the widget)".into(),
        (Feature::OtherData, paths, 0),
    );
    sources.insert(
        "the rest: std and dependency messages, tables, vtables, panic locations".into(),
        (Feature::OtherData, unclaimed, 0),
    );
    sources
}

/// A function of the generic row, and the widget features it calls (direct calls counted).
struct GenericFunction {
    bytes: usize,
    name: String,
    calls: String,
}

/// The generic functions, largest first; and their bytes by the widget feature each calls most
/// (on a tie, the first in the report's order).
fn generic(
    module: &Module,
    features: &[Feature],
) -> (Vec<GenericFunction>, BTreeMap<Feature, usize>) {
    let mut hinted = BTreeMap::new();
    let mut generic = Vec::new();
    for (f, _) in module
        .functions
        .iter()
        .zip(features)
        .filter(|(_, &feature)| feature == Feature::Generic)
    {
        let callees = count(
            f.calls
                .iter()
                .filter_map(|&index| {
                    features.get(index.checked_sub(module.imported_functions)? as usize)
                })
                .filter(|feature| feature.is_widget())
                .map(|&feature| (feature, 1)),
        );
        if let Some((&most, _)) = callees.iter().rev().max_by_key(|(_, &n)| n) {
            *hinted.entry(most).or_insert(0) += f.bytes.len();
        }
        let callees: Vec<String> = callees
            .iter()
            .map(|(f, n)| format!("{} ({n})", f.label()))
            .collect();
        let name = if f.name.is_empty() {
            "(no name)".to_string()
        } else {
            without_hashes(&f.name)
        };
        generic.push(GenericFunction {
            bytes: f.bytes.len(),
            name,
            calls: callees.join(", "),
        });
    }
    generic.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.name.cmp(&b.name)));
    (generic, hinted)
}

/// Function bodies, data segments and the other sections, largest first, as `twiggy top` lists them.
fn items(
    module: &Module,
    features: &[Feature],
    sections: &[(String, usize)],
) -> Vec<(usize, String, &'static str)> {
    let mut items: Vec<(usize, String, &'static str)> = module
        .functions
        .iter()
        .zip(features)
        .enumerate()
        .map(|(i, (f, &feature))| {
            let name = if f.name.is_empty() {
                format!("code[{i}]")
            } else {
                without_hashes(&f.name)
            };
            (f.bytes.len(), name, feature.label())
        })
        .collect();
    for (name, (start, end)) in &module.segments {
        items.push((
            end - start,
            format!("data segment \"{name}\""),
            "several: see *Data section by source*",
        ));
    }
    for (name, size) in sections
        .iter()
        .filter(|(name, _)| name != "code section" && name != "data section")
    {
        items.push((*size, name.clone(), Feature::Structure.label()));
    }
    items.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    items
}

pub fn run(ws: &Workspace) -> Result {
    install::wasm_bindgen_cli(&ws.root)?;
    install::wasm_opt(&ws.root)?;

    let wasm = wasm::build(ws, wasm::Build::Widget)?;
    // The same build again, now fresh, for where its build script wrote the stylesheet.
    let messages = wasm::cargo_build(ws, wasm::Build::Widget)
        .arg("--message-format=json")
        .probe()
        .unwrap_or_default();
    let out_dir = out_dir(&messages);
    let work = ws.target.join(WORK);
    if work.exists() {
        fs::remove_dir_all(&work).map_err(|e| format!("cannot delete {}: {e}", work.display()))?;
    }
    fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;

    step(&format!("generate the bindings into {}", work.display()));
    wasm::bindgen(&wasm, &work, "widget")?;
    let bound = work.join("widget_bg.wasm");
    let shipped_path = work.join("shipped.wasm");
    let named_path = work.join("named.wasm");
    step("optimize for size, as shipped and keeping the function names (wasm-opt -g)");
    for (out, keep_names) in [(&shipped_path, false), (&named_path, true)] {
        wasm::optimize(ws, &bound, out, keep_names)?;
    }
    let read =
        |path: &Path| fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let (shipped, named) = (read(&shipped_path)?, read(&named_path)?);
    let file = dist::hashed_name("widget_bg", "wasm", &shipped);
    match fs::read(ws.dist().join(&file)) {
        Ok(_) => note(&format!("the same bytes as dist/{file}")),
        Err(_) => warn(&format!("dist/ has no {file}: it holds another build (run `cargo xtask dist`); this report measures the build above")),
    }

    step("attribute every function and the data section's string literals to a feature");
    if out_dir.is_none() {
        warn("cargo did not say where the widget's build script writes; its files count as other data");
    }
    let literals = literals(ws, out_dir.as_deref())?;
    let measured = measure(&named, &shipped, &literals)?;

    let probe = |program: &str, args: &[&Path]| {
        Cmd::new(program)
            .args(args)
            .probe()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let versions = format!(
        "{}; {}; binaryen {} (npm, node {}); wasmparser {}",
        probe(
            "rustup",
            &[
                Path::new("run"),
                Path::new(install::NIGHTLY),
                Path::new("rustc"),
                Path::new("--version")
            ]
        ),
        probe("wasm-bindgen", &[Path::new("--version")]),
        probe(
            "node",
            &[&ws.root.join(install::WASM_OPT), Path::new("--version")]
        ),
        probe("node", &[Path::new("--version")]),
        lockfile::locked_version(&ws.root, "wasmparser")?,
    );
    let date = probe("date", &[Path::new("-u"), Path::new("+%Y-%m-%d %H:%M UTC")]);
    let report = markdown(&measured, &file, &date, &versions);
    let path = ws.root.join(REPORT);
    fs::write(&path, &report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    step(&format!("wrote {}", path.display()));
    println!("\n{report}");
    Ok(())
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole.max(1) as f64)
}

fn markdown(m: &Measured, file: &str, date: &str, versions: &str) -> String {
    let total = m.total;
    let mut out = String::new();
    let _ = writeln!(out, "# What each feature costs in the widget's wasm\n");
    let _ = writeln!(out, "Written by `cargo xtask bench size` on {date}.\n");
    let _ = writeln!(out, "Reproduce: `cargo xtask bench size`\n");
    let _ = writeln!(
        out,
        "The file measured is `dist/{file}`: {total} bytes, {} bytes brotli (quality 11, window 22), \
         built as `cargo xtask dist` builds it (`xtask/src/wasm.rs`: the pinned nightly with std rebuilt for size and \
         `panic = \"immediate-abort\"`, profile `wasm`, `wasm-bindgen --target web`, `wasm-opt -Oz --converge \
         --low-memory-unused`, then `--minify-imports-and-exports-and-modules`).\n",
        m.brotli
    );
    let _ = writeln!(out, "## By feature\n");
    let _ = writeln!(out, "| feature | code | data | raw total | share | brotli (est.) | + generic code calling mostly into it | what counts |");
    let _ = writeln!(
        out,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    );
    for feature in Feature::ALL {
        let raw = m.raw.get(&feature).copied().unwrap_or(0);
        let code = m.code.get(&feature).copied().unwrap_or(0);
        let data = m.data.get(&feature).copied().unwrap_or(0);
        let cell = |n: usize| {
            if n == 0 {
                "–".to_string()
            } else {
                n.to_string()
            }
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {raw} | {} | {} | {} | {} |",
            feature.label(),
            cell(code),
            cell(data),
            percent(raw, total),
            m.brotli_share[&feature],
            cell(m.hinted.get(&feature).copied().unwrap_or(0)),
            feature.what()
        );
    }
    let (code, data): (usize, usize) = (m.code.values().sum(), m.data.values().sum());
    let hinted: usize = m.hinted.values().sum();
    let _ = writeln!(out, "| **total** | {code} | {data} | **{total}** | 100% | **{}** | {hinted} | the whole file |\n", m.brotli);
    let widget: usize = m
        .raw
        .iter()
        .filter(|(f, _)| f.is_widget())
        .map(|(_, n)| n)
        .sum();
    let _ = writeln!(
        out,
        "The widget's own features (the first eight rows) are {widget} bytes, {} of the file.\n",
        percent(widget, total)
    );
    let _ = writeln!(out, "### How it is measured\n");
    let _ = writeln!(
        out,
        "- **Code.** `wasm-opt` runs twice on the wasm-bindgen output: as shipped, and with `-g`, which \
         keeps the name section. The command checks that the second file without its name section is \
         byte for byte the first, so each function body (with its size prefix) is counted where it ships. \
         wasmparser reads the code and name sections; each name goes to a feature by the rules \
         `RULES` in `xtask/src/size_report.rs`: the longest path prefix at the earliest place in the \
         name, the widget's own paths first (so `drop_in_place<contact_widget::widget::Widget>` is the \
         panel's). A function inlined into another counts for the one it was inlined into: \
         `Widget::mount` holds much of what it calls."
    );
    let _ = writeln!(
        out,
        "- **Generic code** whose name says only `FnOnce::call_once`, `FilterMap::next` or `from_iter` is \
         std code monomorphized for a closure, often with the closure's body inlined: the name does not \
         say whose. It is its own row. As a hint of whose it is, each generic function's bytes are also \
         shown, in the column *+ generic code calling mostly into it*, next to the widget feature its \
         body calls most often (direct calls; a function calling none is left out); the table below \
         lists the largest with all the features they call. Functions without a name are small pieces \
         wasm-opt split off (they call panics, the allocator, a closure) and count here too."
    );
    let _ = writeln!(
        out,
        "- **Data.** The data section is bytes without names. Every string literal of `src/*.rs` and \
         `crates/core/src/*.rs` (and every file an `include_str!` there names) is looked for in it, \
         longest first, and each byte found goes to the feature of the file the literal is in; SVG \
         paths go to *icons*. A `format!` string not found whole is looked for piece by piece between \
         its placeholders. Literals under 4 bytes are not looked for. What no literal matched is *other \
         data*."
    );
    let _ = writeln!(
        out,
        "- **brotli (est.)** Each row's bytes, in file order, are compressed alone (quality 11); the \
         shipped file's brotli size is then shared out in proportion, so the column adds up to the real \
         {} bytes and a row that compresses well (text, CSS) gets a smaller share than its raw size. \
         Removing a feature saves roughly its share, not exactly: brotli finds repeats across rows.\n",
        m.brotli
    );

    let _ = writeln!(out, "## Data section by source\n");
    let _ = writeln!(
        out,
        "| source | feature | bytes | of which repeated copies |"
    );
    let _ = writeln!(out, "| --- | --- | ---: | ---: |");
    let mut sources: Vec<_> = m.sources.iter().collect();
    sources.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(b.0)));
    for (source, (feature, bytes, copies)) in sources {
        let copies = if *copies == 0 {
            "–".to_string()
        } else {
            copies.to_string()
        };
        let _ = writeln!(
            out,
            "| {source} | {} | {bytes} | {copies} |",
            feature.label()
        );
    }
    let _ = writeln!(
        out,
        "\n*Repeated copies*: bytes of a literal found whole again after its first place: a constant \
         emitted twice. A `const` table whose rows hold `&str`s can be, with its strings, in the data \
         once per place that uses it; a `static` is there once.\n"
    );

    let _ = writeln!(out, "## The largest generic functions\n");
    let _ = writeln!(
        out,
        "| bytes | function | calls into (widget features, direct calls) |"
    );
    let _ = writeln!(out, "| ---: | --- | --- |");
    for f in m.generic.iter().take(12) {
        let calls = if f.calls.is_empty() { "–" } else { &f.calls };
        let _ = writeln!(out, "| {} | `{}` | {calls} |", f.bytes, shorten(&f.name));
    }

    let _ = writeln!(out, "\n## Top {TOP} items\n");
    let _ = writeln!(
        out,
        "Function bodies, data segments and the other sections, largest first: what `twiggy top -n {TOP}` \
         lists for the named build, less its name section.\n"
    );
    let _ = writeln!(out, "| bytes | share | item | feature |");
    let _ = writeln!(out, "| ---: | ---: | --- | --- |");
    for (bytes, name, feature) in m.items.iter().take(TOP) {
        let _ = writeln!(
            out,
            "| {bytes} | {} | `{}` | {feature} |",
            percent(*bytes, total),
            shorten(name)
        );
    }

    let _ = writeln!(out, "\n## Sections\n");
    let _ = writeln!(out, "| section | bytes |");
    let _ = writeln!(out, "| --- | ---: |");
    let _ = writeln!(out, "| header (magic and version) | 8 |");
    for (name, bytes) in &m.sections {
        let _ = writeln!(out, "| {name} | {bytes} |");
    }
    let _ = writeln!(out, "\nToolchain: {versions}.");
    out
}

/// A name short enough for a table cell.
fn shorten(name: &str) -> String {
    const MAX: usize = 110;
    if name.chars().count() <= MAX {
        return name.replace('|', "\\|");
    }
    let cut: String = name.chars().take(MAX).collect();
    format!("{}…", cut.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_functions_by_path() {
        fn check(name: &str, expected: Feature) {
            assert_eq!(feature_of(name), expected, "{name}");
        }
        check(
            "widget_core::config::parse::h8fdc1ddf1d34aa7d",
            Feature::Config,
        );
        check(
            "widget_core::channel::link::h9758fbf3b21b735e",
            Feature::Channels,
        );
        check("widget_core::configuration_like::x", Feature::Config);
        check(
            "<widget_core::hours::Schedule as core::clone::Clone>::clone::h0123456789abcdef",
            Feature::Hours,
        );
        check("<contact_widget::env::OwnerZone as widget_core::hours::Zone>::offset::h0123456789abcdef", Feature::Hours);
        check(
            "contact_widget::widget::Inner::refresh_hours::{{closure}}::h0123456789abcdef",
            Feature::Hours,
        );
        check(
            "contact_widget::widget::Inner::submit::h0123456789abcdef",
            Feature::Delivery,
        );
        check("contact_widget::widget::Inner::sentinel", Feature::Panel);
        check(
            "contact_widget::send::post::{{closure}}::h1719cc1f14ed84bc",
            Feature::Delivery,
        );
        check(
            "contact_widget::view::build::h9b2350c13cd27004",
            Feature::Panel,
        );
        check(
            "contact_widget::dom::svg_icon::h0123456789abcdef",
            Feature::Icons,
        );
        check(
            "qrcodegen::QrCode::encode_codewords::hc0e97085c7b31717",
            Feature::Qr,
        );
        check("widget_core::i18n::Texts::fill", Feature::I18n);
        check(
            "core::ptr::drop_in_place<contact_widget::courier::Courier>::h0123456789abcdef",
            Feature::Delivery,
        );
        check(
            "<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop::h9421e4aa5af7cc6a",
            Feature::Std,
        );
        check("mount externref shim multivalue shim", Feature::Panel);
        check(
            "widget_update externref shim multivalue shim",
            Feature::Panel,
        );
        check("validate externref shim", Feature::Config);
        check(
            "<wasm_bindgen::JsValue as core::fmt::Debug>::fmt::h0123456789abcdef",
            Feature::Glue,
        );
        check(
            "web_sys::features::gen_Document::Document::create_element::hc1be52a3de15d892",
            Feature::Glue,
        );
        check("__wbindgen_malloc", Feature::Glue);
        check("__externref_table_alloc", Feature::Glue);
        check("<dlmalloc[e24a27700634d609]::dlmalloc::Dlmalloc<dlmalloc[e24a27700634d609]::sys::System>>::malloc", Feature::Alloc);
        check("__rustc::__rdl_realloc", Feature::Alloc);
        check("<contact_widget[638656003b9dddea]::allocator::Allocator as core::alloc::global::GlobalAlloc>::alloc", Feature::Alloc);
        check(
            "<&T as core::fmt::Display>::fmt::h0123456789abcdef",
            Feature::Fmt,
        );
        check(
            "core::panicking::panic_fmt::h0123456789abcdef",
            Feature::Fmt,
        );
        check("<char>::escape_debug_ext", Feature::Fmt);
        check("<str>::eq_ignore_ascii_case", Feature::Std);
        check(
            "core::str::<impl str>::parse::he51cf418b5c4ab15",
            Feature::Std,
        );
        check(
            "core::ops::function::FnOnce::call_once::h4726512b98e4700c",
            Feature::Generic,
        );
        check(
            "<core::iter::adapters::filter_map::FilterMap<I,F> as core::iter::traits::iterator::Iterator>::next::h1066be35c60a5635",
            Feature::Generic,
        );
        check("compiler_builtins::math::libm::round", Feature::Builtins);
        check("__multi3", Feature::Builtins);
        check("memcpy", Feature::Builtins);
        check("", Feature::Generic);
    }

    #[test]
    fn strips_hashes_and_disambiguators() {
        assert_eq!(without_hashes("a::b::h0123456789abcdef"), "a::b");
        assert_eq!(
            without_hashes("<dlmalloc[e24a27700634d609]::X>::y"),
            "<dlmalloc::X>::y"
        );
        assert_eq!(without_hashes("a::h0123"), "a::h0123");
    }

    #[test]
    fn reads_string_literals() {
        fn check(source: &str, expected: &[&str]) {
            assert_eq!(string_literals(source), expected, "{source}");
        }
        check(r#"let a = "one"; // "not this""#, &["one"]);
        check(
            r#"/* "nor this" */ f("a\"b\n\u{e9}\x41")"#,
            &["a\"b\né\x41"],
        );
        check("let q = '\"'; let s = \"x\";", &["x"]);
        check(
            "let q = '\\''; let s = \"x\"; fn f<'a>(x: &'a str) {}",
            &["x"],
        );
        check(
            r###"r"raw \n" r#"has "quotes""# br"bytes" b"b""###,
            &[r"raw \n", r#"has "quotes""#, "bytes", "b"],
        );
        check("\"line \\\n    continued\"", &["line continued"]);
        check("for r in rows { \"x\" }", &["x"]);
    }

    #[test]
    fn finds_included_files() {
        let source = r#"const A: &str = include_str!("style.css");
            const B: &str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));"#;
        let out = Path::new("/t/build/contact-widget-0123/out");
        let files = included_files(source, Path::new("/w/src/style.rs"), "src", Some(out));
        assert_eq!(
            files,
            [
                (
                    PathBuf::from("/w/src/style.css"),
                    "src/style.css".to_string()
                ),
                (
                    out.join("style.css"),
                    "$OUT_DIR/style.css, from build.rs".to_string()
                ),
            ]
        );
        assert_eq!(
            included_files(source, Path::new("/w/src/style.rs"), "src", None).len(),
            1
        );
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"x"}"#,
            r#"{"reason":"build-script-executed","out_dir":"/t/build/quote-1a2b/out"}"#,
            r#"{"reason":"build-script-executed","out_dir":"/t/build/contact-widget-0123/out"}"#,
        ]
        .join("\n");
        assert_eq!(out_dir(&messages).as_deref(), Some(out));
    }

    #[test]
    fn splits_format_strings_and_knows_icons() {
        assert_eq!(
            format_pieces("{} is not {{a}} {x:?}!"),
            ["", " is not {a} ", "!"]
        );
        assert!(is_icon_path("M6.4 5 12 10.6 17.6 5 19 6.4z"));
        assert!(!is_icon_path("Monday to Friday, 9 to 5"));
    }

    #[test]
    fn claims_data_longest_literal_first_and_counts_copies() {
        let literal = |text: &str, feature| Literal {
            source: text.into(),
            feature,
            text: text.into(),
        };
        let literals = [
            literal("open", Feature::Hours),
            literal("opens {when}", Feature::I18n),
            literal("zzzz", Feature::Qr),
            literal("{} missing", Feature::Config),
        ];
        let data = b"xx opens {when}yy open.. missing..open";
        let owner = claim(data, &literals);
        let at = |text: &str| find(data, text.as_bytes()).expect("in data");
        assert_eq!(owner[at("opens")], Some(1));
        assert_eq!(owner[at("open..")], Some(0));
        assert_eq!(owner[at(" missing")], Some(3));
        assert_eq!(owner[0], None);
        assert!(!owner.contains(&Some(2)));
        let paths = panic_paths(
            b"\x01/rustc/abc/library/core/src/fmt/mod.rs\x02src/lib.rs",
            &[None; 50],
        );
        assert_eq!(paths, [(1, 39), (40, 50)]);
    }
}
