//! `cargo xtask bench size`: what each feature of the widget costs in the shipped wasm, written to
//! `bench/size.md`.
//!
//! The wasm is built as `cargo xtask dist` builds it (`wasm.rs`), then optimized twice: as shipped,
//! and with `-g`, which keeps the name section. Without that section the named file must be the
//! shipped one byte for byte (checked), so every function body is measured where it ships.
//! wasmparser reads the sections. A function body goes to a feature by the module paths in its
//! name ([`RULES`], each held by a test to a module or crate that exists); a data byte to the
//! source file whose string literal it is (literals read with syn's tokenizer); the rest is the
//! module's structure.

use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use wasmparser::{ExternalKind, KnownCustom, Name, Parser, Payload};

use crate::cmd::{note, step, warn, Cmd};
use crate::files::{self, read, read_text};
use crate::workspace::Workspace;
use crate::{dist, install, lockfile, sizes, wasm, Result};

const REPORT: &str = "bench/size.md";
/// Where the intermediate files go, under cargo's target directory.
const WORK: &str = "size-report";
/// The widget's crates: their source folder and name.
const SOURCES: [(&str, &str); 2] = [
    ("crates/core/src", "widget_core"),
    ("src", "contact_widget"),
];
/// Rust's own crates: their paths count only when no other rule's path is in a name.
const RUST: [&str; 3] = ["core", "alloc", "std"];
/// Shortest literal looked for in the data: shorter ones match by chance.
const MIN_LITERAL: usize = 4;
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
    const ALL: [Feature; 17] = [
        Config, Channels, Icons, Hours, Qr, I18n, Delivery, Insights, Panel, Glue, Alloc, Fmt, Std,
        Builtins, Generic, Structure, OtherData,
    ];

    /// Its row's label, and what counts besides the paths of its rules.
    fn describe(self) -> (&'static str, &'static str) {
        match self {
            Config => ("config parsing & messages", ""),
            Channels => ("channels & links", ""),
            Icons => ("icons", "every SVG path in the data (the code drawing them is the panel's)"),
            Hours => ("business hours", ""),
            Qr => ("QR code", ""),
            I18n => ("texts & languages", ""),
            Delivery => ("feedback form & never-lost delivery", ""),
            Insights => ("insights: open and channel counts", ""),
            Panel => ("panel: DOM, dialog, stylesheet", " (every module not named above), the exports, `style.css`"),
            Glue => ("wasm-bindgen, js-sys, web-sys", ", the shims wasm-bindgen writes (`__wbindgen_*`, `__wbg_*`)"),
            Alloc => ("Rust std: allocator", ""),
            Fmt => ("Rust std: formatting & panics", ""),
            Std => ("Rust std: strings, collections, iterators", " (the rest), methods of `str`, slices and numbers"),
            Builtins => ("compiler builtins & libm", ", functions with C names: `memcpy`, `__multi3`…"),
            Generic => ("generic shims & closures (unattributed)", ": std code monomorphized for a closure the name does not say; functions without a name"),
            Structure => ("module structure", "types, imports (wasm-bindgen's JS function names), exports, table, section and segment headers, custom sections"),
            OtherData => ("other data", "data no source literal matched: std and dependency messages, tables, vtables"),
        }
    }

    fn label(self) -> &'static str {
        self.describe().0
    }

    /// What the report says counts: the paths of its rules and what [`Feature::describe`] adds.
    fn what(self) -> String {
        let paths: Vec<String> = RULES
            .iter()
            .filter(|(_, feature)| *feature == self)
            .map(|(path, _)| format!("`{path}`"))
            .collect();
        paths.join(", ") + self.describe().1
    }

    /// Code written for the widget (or, for `qrcodegen`, pulled in for one of its features).
    fn is_widget(self) -> bool {
        self <= Panel
    }
}

/// Module paths and the feature their code is for. A function goes to the rule whose path occurs
/// first in its demangled name, the longest on a tie; the widget's crates and features first,
/// then the other crates, then Rust's own ([`RUST`]): `<Vec<widget_core::channel::Channel> as
/// Drop>::drop` is the channels' cost, `future_to_promise::<contact_widget::courier::…>` the
/// delivery's. A path matches whole segments (`widget_core::form` is not `widget_core::format`).
/// A part of the panel that becomes a module of its own gets its line here; the panel's
/// coordinator and dialog are the rest of `contact_widget`.
const RULES: &[(&str, Feature)] = &[
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

/// The feature of a function by its name in the name section; `exported` when the wasm exports it.
fn feature_of(name: &str, exported: bool) -> Feature {
    let name = without_disambiguators(name);
    if let Some(feature) = by_path(&name) {
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
fn without_disambiguators(name: &str) -> String {
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

/// Every module of the widget's crates and its file: `lib.rs` is the crate, `a.rs` and
/// `a/mod.rs` are `crate::a`, `a/b.rs` is `crate::a::b`.
fn modules(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut modules = Vec::new();
    for (dir, krate) in SOURCES {
        let dir = root.join(dir);
        for file in files::under(&dir)? {
            let relative = file.strip_prefix(&dir).ok().and_then(Path::to_str);
            let Some(relative) = relative.and_then(|r| r.strip_suffix(".rs")) else {
                continue;
            };
            let mut parts: Vec<&str> = relative.split('/').collect();
            if parts == ["lib"] || parts.last() == Some(&"mod") {
                parts.pop();
            }
            let module = [krate].into_iter().chain(parts).collect::<Vec<_>>();
            modules.push((module.join("::"), file));
        }
    }
    Ok(modules)
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

/// The files `source` (the file at `path`) includes with `include_str!`, and how to name them:
/// beside it, or in the build script's `out_dir` for `include_str!(concat!(env!("OUT_DIR"),
/// "/NAME"))`.
fn included_files(source: &str, path: &Path, out_dir: Option<&Path>) -> Vec<(PathBuf, String)> {
    let in_out_dir = "concat!(env!(\"OUT_DIR\"), \"/";
    let folder = path.parent().expect("a file has a folder");
    let mut files = Vec::new();
    for rest in source.split("include_str!(").skip(1) {
        if let Some(name) = rest
            .strip_prefix(in_out_dir)
            .and_then(|r| r.split('"').next())
        {
            if let Some(out_dir) = out_dir {
                files.push((
                    out_dir.join(name),
                    format!("$OUT_DIR/{name}, from build.rs"),
                ));
            }
        } else if let Some(name) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) {
            let file = folder.join(name);
            let shown = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            files.push((file, shown));
        }
    }
    files
}

/// The widget's build-script output folder, from cargo's JSON messages of the (fresh) build.
fn out_dir(messages: &str) -> Option<PathBuf> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "build-script-executed")
        .filter(|message| {
            message["package_id"]
                .as_str()
                .is_some_and(|id| id.contains("contact-widget"))
        })
        .find_map(|message| Some(PathBuf::from(message["out_dir"].as_str()?)))
}

/// Text the data section may hold, from one source.
struct Literal {
    source: String,
    feature: Feature,
    text: String,
}

/// Every string literal of the widget's sources and every file they `include_str!`, with the
/// feature of its module; SVG paths are the icons'.
fn literals(ws: &Workspace, out_dir: Option<&Path>) -> Result<Vec<Literal>> {
    let mut out = Vec::new();
    for (module, path) in modules(&ws.root)? {
        let feature = feature_of(&module, false);
        let source = read_text(&path)?;
        let file = path
            .strip_prefix(&ws.root)
            .unwrap_or(&path)
            .display()
            .to_string();
        for text in string_literals(&source).map_err(|e| format!("{file}: {e}"))? {
            let (source, feature) = match is_icon_path(&text) {
                true => (
                    "SVG icon paths (channel catalogue, close button)".to_string(),
                    Icons,
                ),
                false => (file.clone(), feature),
            };
            out.push(Literal {
                source,
                feature,
                text,
            });
        }
        for (path, name) in included_files(&source, &path, out_dir) {
            out.push(Literal {
                source: format!("{name} (`include_str!` in {file})"),
                feature,
                text: read_text(&path)?,
            });
        }
    }
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
fn claim(data: &[u8], literals: &[Literal]) -> Vec<Option<usize>> {
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

/// One function body as shipped, with its size prefix.
struct Function {
    /// Empty when the name section has none.
    name: String,
    span: Range<usize>,
    exported: bool,
}

/// The parts of the named wasm the report reads.
struct Module {
    functions: Vec<Function>,
    /// Data segments: their name (from the name section) and the span of their bytes.
    segments: Vec<(String, Range<usize>)>,
    /// Every section: its name and span, header included.
    sections: Vec<(String, Range<usize>)>,
    /// The name section, which only the named build has.
    names: Range<usize>,
}

fn read_module(bytes: &[u8]) -> Result<Module> {
    let error = |e: wasmparser::BinaryReaderError| format!("cannot read the wasm: {e}");
    let mut module = Module {
        functions: Vec::new(),
        segments: Vec::new(),
        sections: Vec::new(),
        names: 0..0,
    };
    let (mut imported, mut exported) = (0, Vec::new());
    let (mut function_names, mut data_names) = (BTreeMap::new(), BTreeMap::new());
    let mut section_start = 8;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(error)?;
        if let Some((id, range)) = payload.as_section() {
            let name = match &payload {
                Payload::CustomSection(custom) => format!("custom section '{}'", custom.name()),
                _ => format!(
                    "{} section",
                    SECTIONS.split(',').nth(id.into()).unwrap_or("unknown")
                ),
            };
            module.sections.push((name, section_start..range.end));
            section_start = range.end;
        }
        match payload {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let ty = import.map_err(error)?.ty;
                    imported += matches!(
                        ty,
                        wasmparser::TypeRef::Func(_) | wasmparser::TypeRef::FuncExact(_)
                    ) as u32;
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(error)?;
                    if export.kind == ExternalKind::Func {
                        exported.push(export.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let range = body.range();
                let prefix = leb128_len(range.len());
                module.functions.push(Function {
                    name: String::new(),
                    span: range.start - prefix..range.end,
                    exported: false,
                });
            }
            Payload::DataSection(reader) => {
                for segment in reader {
                    let segment = segment.map_err(error)?;
                    let end = segment.range.end;
                    module
                        .segments
                        .push((String::new(), end - segment.data.len()..end));
                }
            }
            Payload::CustomSection(custom) => {
                if let KnownCustom::Name(reader) = custom.as_known() {
                    module.names = module.sections.last().expect("just pushed").1.clone();
                    for subsection in reader {
                        let (map, names) = match subsection.map_err(error)? {
                            Name::Function(map) => (map, &mut function_names),
                            Name::Data(map) => (map, &mut data_names),
                            _ => continue,
                        };
                        for naming in map {
                            let naming = naming.map_err(error)?;
                            names.insert(naming.index, naming.name.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    for (index, function) in (imported..).zip(&mut module.functions) {
        function.name = function_names.remove(&index).unwrap_or_default();
        function.exported = exported.contains(&index);
    }
    for (index, (name, _)) in (0..).zip(&mut module.segments) {
        *name = data_names
            .remove(&index)
            .unwrap_or_else(|| format!("data[{index}]"));
    }
    Ok(module)
}

/// Section names by id.
const SECTIONS: &str =
    "custom,type,import,function,table,memory,global,export,start,element,code,data,data count,tag";

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
    /// Data bytes by source and its feature, largest first.
    sources: Vec<(usize, String, Feature)>,
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
    let names = module.names.clone();
    if names.is_empty() {
        return Err("the wasm built with `wasm-opt -g` has no name section".into());
    }
    if [&named[..names.start], &named[names.end..]].concat() != shipped {
        return Err(format!(
            "without its name section the named wasm is not the shipped one ({} bytes): `wasm-opt -g` \
             changed the code, so its names cannot measure the shipped file",
            shipped.len()
        ));
    }
    // Each byte's feature, at its offset in the named file: bodies, then data, the rest structure.
    let mut owner = vec![Structure; named.len()];
    let features: Vec<Feature> = module
        .functions
        .iter()
        .map(|f| feature_of(&f.name, f.exported))
        .collect();
    for (function, &feature) in module.functions.iter().zip(&features) {
        owner[function.span.clone()].fill(feature);
    }
    let data: Vec<u8> = module
        .segments
        .iter()
        .flat_map(|(_, span)| &named[span.clone()])
        .copied()
        .collect();
    let claimed = claim(&data, literals);
    let data_feature = |c: &Option<usize>| c.map_or(OtherData, |i| literals[i].feature);
    let spans = module.segments.iter().flat_map(|(_, span)| span.clone());
    for (at, claim) in spans.zip(&claimed) {
        owner[at] = data_feature(claim);
    }
    let owner: Vec<Feature> = [&owner[..names.start], &owner[names.end..]].concat();
    let (brotli, brotli_share) = brotli_shares(shipped, &owner);

    let mut sources: Vec<(usize, String, Feature)> = count(claimed.iter().map(|c| {
        let source = c.map_or(
            "the rest: std and dependency messages, tables, vtables",
            |i| &literals[i].source,
        );
        ((source.to_string(), data_feature(c)), 1)
    }))
    .into_iter()
    .map(|((source, feature), bytes)| (bytes, source, feature))
    .collect();
    sources.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

    let sections: Vec<(String, usize)> = module
        .sections
        .iter()
        .filter(|(_, span)| *span != names)
        .map(|(name, span)| (name.clone(), span.len()))
        .collect();
    let mut items: Vec<(usize, String, &'static str)> = module
        .functions
        .iter()
        .zip(&features)
        .enumerate()
        .map(|(i, (f, feature))| {
            let name = if f.name.is_empty() {
                format!("code[{i}]")
            } else {
                without_disambiguators(&f.name)
            };
            (f.span.len(), name, feature.label())
        })
        .collect();
    for (name, span) in &module.segments {
        items.push((
            span.len(),
            format!("data segment \"{name}\""),
            "several: see *Data section by source*",
        ));
    }
    for (name, size) in sections
        .iter()
        .filter(|(name, _)| name != "code section" && name != "data section")
    {
        items.push((*size, name.clone(), Structure.label()));
    }
    items.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

    Ok(Measured {
        total: shipped.len(),
        brotli,
        raw: count(owner.iter().map(|&f| (f, 1))),
        code: count(
            module
                .functions
                .iter()
                .zip(&features)
                .map(|(f, &feature)| (feature, f.span.len())),
        ),
        data: count(claimed.iter().map(|c| (data_feature(c), 1))),
        brotli_share,
        sources,
        items,
        sections,
    })
}

/// The shipped file's brotli size, shared out among the features in proportion to what each
/// one's bytes (in file order) compress to alone.
fn brotli_shares(shipped: &[u8], owner: &[Feature]) -> (usize, BTreeMap<Feature, usize>) {
    let brotli = sizes::brotli(shipped).len();
    let alone: BTreeMap<Feature, usize> = Feature::ALL
        .iter()
        .map(|&feature| {
            let bytes: Vec<u8> = shipped
                .iter()
                .zip(owner)
                .filter(|(_, &o)| o == feature)
                .map(|(b, _)| *b)
                .collect();
            (
                feature,
                if bytes.is_empty() {
                    0
                } else {
                    sizes::brotli(&bytes).len()
                },
            )
        })
        .collect();
    let alone_total = alone.values().sum::<usize>().max(1) as f64;
    let share = alone
        .iter()
        .map(|(&f, &n)| (f, (n as f64 * brotli as f64 / alone_total).round() as usize))
        .collect();
    (brotli, share)
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
    files::fresh_dir(&work)?;

    step(&format!("generate the bindings into {}", work.display()));
    wasm::bindgen(&wasm, &work, "widget")?;
    let bound = work.join("widget_bg.wasm");
    let (shipped_path, named_path) = (work.join("shipped.wasm"), work.join("named.wasm"));
    step("optimize for size, as shipped and keeping the function names (wasm-opt -g)");
    for (out, keep_names) in [(&shipped_path, false), (&named_path, true)] {
        wasm::optimize(ws, &bound, out, keep_names)?;
    }
    let (shipped, named) = (read(&shipped_path)?, read(&named_path)?);
    let file = dist::hashed_name("widget_bg", "wasm", &shipped);
    match ws.dist().join(&file).is_file() {
        true => note(&format!("the same bytes as dist/{file}")),
        false => warn(&format!("dist/ has no {file}: it holds another build (run `cargo xtask dist`); this report measures the build above")),
    }

    step("attribute every function and the data section's string literals to a feature");
    if out_dir.is_none() {
        warn("cargo did not say where the widget's build script writes; its files count as other data");
    }
    let measured = measure(&named, &shipped, &literals(ws, out_dir.as_deref())?)?;

    let probe = |program: &str, args: &[&str]| {
        Cmd::new(program)
            .args(args)
            .probe()
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let wasm_opt = ws.root.join(install::WASM_OPT);
    let versions = format!(
        "{}; {}; binaryen {} (npm, node {}); wasmparser {}",
        probe("rustup", &["run", install::NIGHTLY, "rustc", "--version"]),
        probe("wasm-bindgen", &["--version"]),
        probe("node", &[&wasm_opt.to_string_lossy(), "--version"]),
        probe("node", &["--version"]),
        lockfile::locked_version(&ws.root, "wasmparser")?,
    );
    let date = probe("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    let report = markdown(&measured, &file, &date, &versions);
    let path = ws.root.join(REPORT);
    files::write(&path, &report)?;
    step(&format!("wrote {}", path.display()));
    println!("\n{report}");
    Ok(())
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole.max(1) as f64)
}

/// A number, or "–" for none.
fn cell(n: usize) -> String {
    if n == 0 {
        "–".to_string()
    } else {
        n.to_string()
    }
}

/// A name short enough for a table cell.
fn shorten(name: &str) -> String {
    const MAX: usize = 110;
    let cut: String = name.chars().take(MAX).collect();
    let more = if cut.len() < name.len() { "…" } else { "" };
    format!("{}{more}", cut.replace('|', "\\|"))
}

fn markdown(m: &Measured, file: &str, date: &str, versions: &str) -> String {
    let (total, brotli) = (m.total, m.brotli);
    let mut out = format!(
        "# What each feature costs in the widget's wasm\n\n\
         Written by `cargo xtask bench size` on {date}.\n\n\
         Reproduce: `cargo xtask bench size`\n\n\
         The file measured is `dist/{file}`: {total} bytes, {brotli} bytes brotli (quality 11, window 22), \
         built as `cargo xtask dist` builds it (`xtask/src/wasm.rs`: the pinned nightly with std rebuilt for size and \
         `panic = \"immediate-abort\"`, profile `wasm`, `wasm-bindgen --target web`, `wasm-opt -Oz --converge \
         --low-memory-unused`, then `--minify-imports-and-exports-and-modules`).\n\n\
         ## By feature\n\n\
         | feature | code | data | raw total | share | brotli (est.) | what counts |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    );
    let get = |map: &BTreeMap<Feature, usize>, feature| map.get(&feature).copied().unwrap_or(0);
    for feature in Feature::ALL {
        let raw = get(&m.raw, feature);
        let _ = writeln!(
            out,
            "| {} | {} | {} | {raw} | {} | {} | {} |",
            feature.label(),
            cell(get(&m.code, feature)),
            cell(get(&m.data, feature)),
            percent(raw, total),
            get(&m.brotli_share, feature),
            feature.what()
        );
    }
    let (code, data): (usize, usize) = (m.code.values().sum(), m.data.values().sum());
    let widget: usize = m
        .raw
        .iter()
        .filter(|(f, _)| f.is_widget())
        .map(|(_, n)| n)
        .sum();
    let _ = write!(
        out,
        "| **total** | {code} | {data} | **{total}** | 100% | **{brotli}** | the whole file |\n\n\
         The widget's own features (the first nine rows) are {widget} bytes, {} of the file.\n\n\
         ### How it is measured\n\n\
         - **Code.** `wasm-opt` runs twice on the wasm-bindgen output: as shipped, and with `-g`, which \
         keeps the name section. The command checks that the second file without its name section is \
         byte for byte the first, so each function body (with its size prefix) is counted where it ships. \
         wasmparser reads the code and name sections; each name goes to a feature by the module paths \
         of `RULES` in `xtask/src/size_report.rs` (a test fails when a rule names a module or crate that \
         does not exist): the path at the earliest place in the name, the longest on a tie, paths of \
         Rust's own crates only when no other path is in the name (so \
         `drop_in_place<contact_widget::courier::Courier>` is the delivery's). A function inlined into \
         another counts for the one it was inlined into: `Setup::new` holds much of what it calls. \
         Names that say only `FnOnce::call_once` or `FilterMap::next` are std code monomorphized for a \
         closure whose owner the name does not say: their own row, with the functions that have no name.\n\
         - **Data.** The data section is bytes without names. Every string literal of the widget's \
         sources (`src/`, `crates/core/src/`; read with syn's tokenizer) and every file an \
         `include_str!` there names is looked for in it, longest first, and each byte found goes to the \
         feature of the module the literal is in; SVG paths go to *icons*. Literals under {MIN_LITERAL} \
         bytes are not looked for, nor the pieces of a `format!` string. What no literal matched is \
         *other data*.\n\
         - **brotli (est.)** Each row's bytes, in file order, are compressed alone (quality 11); the \
         shipped file's brotli size is then shared out in proportion, so the column adds up to the real \
         {brotli} bytes and a row that compresses well (text, CSS) gets a smaller share than its raw size. \
         Removing a feature saves roughly its share, not exactly: brotli finds repeats across rows.\n\n\
         ## Data section by source\n\n\
         | source | feature | bytes |\n\
         | --- | --- | ---: |\n",
        percent(widget, total)
    );
    for (bytes, source, feature) in &m.sources {
        let _ = writeln!(out, "| {source} | {} | {bytes} |", feature.label());
    }
    let _ = write!(
        out,
        "\n## Top {TOP} items\n\n\
         Function bodies, data segments and the other sections, largest first: what `twiggy top -n {TOP}` \
         lists for the named build, less its name section.\n\n\
         | bytes | share | item | feature |\n\
         | ---: | ---: | --- | --- |\n"
    );
    for (bytes, name, feature) in m.items.iter().take(TOP) {
        let _ = writeln!(
            out,
            "| {bytes} | {} | `{}` | {feature} |",
            percent(*bytes, total),
            shorten(name)
        );
    }
    out.push_str("\n## Sections\n\n| section | bytes |\n| --- | ---: |\n| header (magic and version) | 8 |\n");
    for (name, bytes) in &m.sections {
        let _ = writeln!(out, "| {name} | {bytes} |");
    }
    let _ = writeln!(out, "\nToolchain: {versions}.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each rule names a module of the widget's sources, a crate of Cargo.lock or one of Rust's
    /// own: a module renamed or moved fails here instead of moving its bytes to another row.
    #[test]
    fn every_rule_names_a_module_or_crate_that_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let modules: Vec<String> = modules(&root).unwrap().into_iter().map(|m| m.0).collect();
        assert!(
            modules.iter().any(|m| m == "contact_widget::courier"),
            "{modules:?}"
        );
        let lock = read_text(&root.join("Cargo.lock")).unwrap();
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
                    !lockfile::versions_of(&lock, &package).is_empty(),
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

    #[test]
    fn reads_string_literals_and_included_files() {
        let source = r###"
            //! A doc comment: "not this".
            #[doc = "nor this"]
            fn f<'a>(x: &'a str) { let q = '"'; g("a\"b\n\u{e9}", r#"has "quotes""#, b"bytes", vec!["v"]); }
            const A: &str = include_str!("style.css");
            const B: &str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));
        "###;
        let literals = string_literals(source).unwrap();
        assert_eq!(literals[..4], ["a\"b\né", r#"has "quotes""#, "bytes", "v"]);
        let out = Path::new("/t/build/contact-widget-0123/out");
        assert_eq!(
            included_files(source, Path::new("/w/src/style.rs"), Some(out)),
            [
                (PathBuf::from("/w/src/style.css"), "style.css".to_string()),
                (
                    out.join("style.css"),
                    "$OUT_DIR/style.css, from build.rs".to_string()
                ),
            ]
        );
        let messages = [
            r#"{"reason":"compiler-artifact","package_id":"x"}"#,
            r#"{"reason":"build-script-executed","package_id":"path+file:///w#quote@1.0","out_dir":"/t/build/quote-1a2b/out"}"#,
            r#"{"reason":"build-script-executed","package_id":"path+file:///w#contact-widget@0.1.0","out_dir":"/t/build/contact-widget-0123/out"}"#,
        ]
        .join("\n");
        assert_eq!(out_dir(&messages).as_deref(), Some(out));
        assert!(is_icon_path("M6.4 5 12 10.6 17.6 5 19 6.4z"));
        assert!(!is_icon_path("Monday to Friday, 9 to 5"));
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
