//! What each feature of the widget costs in its shipped wasm, written as Markdown. Run by
//! `cargo xtask bench size`, which builds the two files as `cargo xtask dist` builds the wasm:
//!
//! `size-report --shipped S.wasm --named N.wasm --name FILE --toolchain TEXT --date TEXT
//! --report bench/size.md [--out-dir DIR]`
//!
//! `N.wasm` is `S.wasm` optimized with `wasm-opt -g`, which keeps the name section: it must be
//! `S.wasm` followed by that section (checked), so every function body is measured where it
//! ships. wasmparser reads the sections. A function body goes to a feature by the module paths in
//! its name (`rules.rs`); a data byte to the module whose string literal it is (`literals.rs`;
//! `--out-dir` is the widget's build-script output, whose files the sources include); the rest
//! is the module's structure. A program of its own, not a task of xtask: it measures files it is
//! given, with dependencies (syn, wasmparser's name section) no task needs.

mod literals;
mod rules;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;
use std::process::ExitCode;

use wasmparser::{ExternalKind, KnownCustom, Name, Parser, Payload, TypeRef};

use literals::{claim, Literal, MIN_LITERAL};
use rules::{feature_of, without_disambiguators, Feature};

/// Errors are messages for the person at the terminal.
type Result<T = (), E = String> = std::result::Result<T, E>;

const USAGE: &str = "usage: size-report --shipped S.wasm --named N.wasm --name FILE \
    --toolchain TEXT --date TEXT --report FILE [--out-dir DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("size-report: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result {
    let mut options = BTreeMap::new();
    for pair in args.chunks(2) {
        match pair {
            [flag, value] if flag.starts_with("--") => options.insert(&flag[2..], value.as_str()),
            _ => return Err(USAGE.into()),
        };
    }
    let option = |name: &str| options.get(name).copied().ok_or(USAGE);
    let read = |name: &str| std::fs::read(option(name)?).map_err(|e| format!("--{name}: {e}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out_dir = options.get("out-dir").map(Path::new);
    let literals = literals::literals(&root, out_dir)?;
    let measured = measure(&read("named")?, &read("shipped")?, &literals)?;
    let header = Header {
        file: option("name")?,
        date: option("date")?,
        toolchain: option("toolchain")?,
    };
    let report = markdown(&measured, &header);
    let path = option("report")?;
    std::fs::write(path, &report).map_err(|e| format!("cannot write {path}: {e}"))?;
    println!("{report}");
    Ok(())
}

/// One function body as shipped, with its size prefix.
struct Function {
    /// Without crate disambiguators; empty when the name section has none.
    name: String,
    span: Range<usize>,
    exported: bool,
}

/// The named wasm's function bodies and the spans of its data segments' bytes.
fn read_module(bytes: &[u8]) -> Result<(Vec<Function>, Vec<Range<usize>>)> {
    let error = |e: wasmparser::BinaryReaderError| format!("cannot read the wasm: {e}");
    let (mut functions, mut data) = (Vec::new(), Vec::new());
    let (mut imported, mut exported, mut names) = (0, Vec::new(), BTreeMap::new());
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(error)? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let ty = import.map_err(error)?.ty;
                    imported += matches!(ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) as u32;
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
                functions.push(Function {
                    name: String::new(),
                    span: range.start - leb128_len(range.len())..range.end,
                    exported: false,
                });
            }
            Payload::DataSection(reader) => {
                for segment in reader {
                    let segment = segment.map_err(error)?;
                    let end = segment.range.end;
                    data.push(end - segment.data.len()..end);
                }
            }
            Payload::CustomSection(custom) => {
                if let KnownCustom::Name(reader) = custom.as_known() {
                    for subsection in reader {
                        if let Name::Function(map) = subsection.map_err(error)? {
                            for naming in map {
                                let naming = naming.map_err(error)?;
                                names.insert(naming.index, naming.name);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if names.is_empty() {
        return Err("the wasm built with `wasm-opt -g` has no function names".into());
    }
    for (index, function) in (imported..).zip(&mut functions) {
        function.name = names
            .get(&index)
            .map_or(String::new(), |name| without_disambiguators(name));
        function.exported = exported.contains(&index);
    }
    Ok((functions, data))
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
    /// Data bytes by source and its feature, largest first.
    sources: Vec<(usize, String, Feature)>,
}

fn count<T: Ord>(pairs: impl IntoIterator<Item = (T, usize)>) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for (key, n) in pairs {
        *counts.entry(key).or_insert(0) += n;
    }
    counts
}

fn measure(named: &[u8], shipped: &[u8], literals: &[Literal]) -> Result<Measured> {
    // wasm-opt writes the name section last: before it, the files must be the same.
    if !named.starts_with(shipped) {
        return Err(format!(
            "the named wasm is not the shipped one ({} bytes) followed by its name section: \
             `wasm-opt -g` changed the code, so its names cannot measure the shipped file",
            shipped.len()
        ));
    }
    let (functions, segments) = read_module(named)?;
    // Each byte's feature: bodies, then data, the rest structure.
    let mut owner = vec![Feature::Structure; shipped.len()];
    let mut code = BTreeMap::new();
    for function in &functions {
        let feature = feature_of(&function.name, function.exported);
        owner[function.span.clone()].fill(feature);
        *code.entry(feature).or_insert(0) += function.span.len();
    }
    let data: Vec<u8> = segments
        .iter()
        .flat_map(|span| &named[span.clone()])
        .copied()
        .collect();
    let claimed = claim(&data, literals);
    let data_feature = |c: &Option<usize>| c.map_or(Feature::OtherData, |i| literals[i].feature);
    for (at, claim) in segments.iter().flat_map(Range::clone).zip(&claimed) {
        owner[at] = data_feature(claim);
    }
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

    Ok(Measured {
        total: shipped.len(),
        brotli,
        raw: count(owner.iter().map(|&f| (f, 1))),
        code,
        data: count(claimed.iter().map(|c| (data_feature(c), 1))),
        brotli_share,
        sources,
    })
}

/// `bytes` as brotli, quality 11, window 22: what `dist/NAME.br` holds (xtask's `sizes.rs`).
fn brotli(bytes: &[u8]) -> usize {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out.len()
}

/// The shipped file's brotli size, shared out among the features in proportion to what each
/// one's bytes (in file order) compress to alone.
fn brotli_shares(shipped: &[u8], owner: &[Feature]) -> (usize, BTreeMap<Feature, usize>) {
    let total = brotli(shipped);
    let alone: BTreeMap<Feature, usize> = Feature::ALL
        .iter()
        .map(|&feature| {
            let bytes: Vec<u8> = shipped
                .iter()
                .zip(owner)
                .filter(|(_, &o)| o == feature)
                .map(|(b, _)| *b)
                .collect();
            (feature, if bytes.is_empty() { 0 } else { brotli(&bytes) })
        })
        .collect();
    let alone_total = alone.values().sum::<usize>().max(1) as f64;
    let share = alone
        .iter()
        .map(|(&f, &n)| (f, (n as f64 * total as f64 / alone_total).round() as usize))
        .collect();
    (total, share)
}

/// What the report says about the build it measured.
struct Header<'a> {
    file: &'a str,
    date: &'a str,
    toolchain: &'a str,
}

fn percent(part: usize, whole: usize) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole.max(1) as f64)
}

fn markdown(m: &Measured, header: &Header) -> String {
    let Header {
        file,
        date,
        toolchain,
    } = header;
    let (total, brotli) = (m.total, m.brotli);
    let mut out = format!(
        "# What each feature costs in the widget's wasm\n\n\
         Written by `cargo xtask bench size` on {date}.\n\n\
         Reproduce: `cargo xtask bench size`\n\n\
         The file measured is `dist/{file}`: {total} bytes, {brotli} bytes brotli (quality 11, \
         window 22), built as `cargo xtask dist` builds it (`xtask/src/wasm.rs`: the pinned \
         nightly with std rebuilt for size and `panic = \"immediate-abort\"`, profile `wasm`, \
         `wasm-bindgen --target web`, `wasm-opt -Oz --converge --low-memory-unused`, then \
         `--minify-imports-and-exports-and-modules`).\n\n\
         ## By feature\n\n\
         | feature | code | data | raw total | share | brotli (est.) | what counts |\n\
         | --- | ---: | ---: | ---: | ---: | ---: | --- |\n"
    );
    let get = |map: &BTreeMap<Feature, usize>, feature| map.get(&feature).copied().unwrap_or(0);
    let cell = |n: usize| if n == 0 { "–".into() } else { n.to_string() };
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
         - **Code.** `wasm-opt` runs twice on the wasm-bindgen output: as shipped, and with `-g`, \
         which keeps the name section. The program `bench/size` checks that the second file is \
         the first followed by its name section, so each function body (with its size prefix) is \
         counted where it ships. wasmparser reads the code and name sections; each name goes to a \
         feature by the module paths of `RULES` in `bench/size/src/rules.rs` (a test fails when a \
         rule names a module or crate that does not exist): the path at the earliest place in the \
         name, the longest on a tie, paths of Rust's own crates only when no other path is in the \
         name (so `drop_in_place<contact_widget::courier::Courier>` is the delivery's). A function \
         inlined into another counts for the one it was inlined into: `Setup::new` holds much of \
         what it calls. Names that say only `FnOnce::call_once` or `FilterMap::next` are std code \
         monomorphized for a closure whose owner the name does not say: their own row, with the \
         functions that have no name. For single functions, run `twiggy top` on \
         `target/size-report/named.wasm`.\n\
         - **Data.** The data section is bytes without names. Every string literal of the \
         widget's sources (`src/`, `crates/core/src/`; read with syn's tokenizer) and every file \
         a literal names beside its source or in the build script's output (what \
         `include_str!` reads) is looked for in it, longest first, and each byte found goes to \
         the feature of the module the literal is in; SVG paths go to *icons*. Literals under \
         {MIN_LITERAL} bytes are not looked for, nor the pieces of a `format!` string. What no \
         literal matched is *other data*.\n\
         - **brotli (est.)** Each row's bytes, in file order, are compressed alone (quality 11); \
         the shipped file's brotli size is then shared out in proportion, so the column adds up \
         to the real {brotli} bytes and a row that compresses well (text, CSS) gets a smaller \
         share than its raw size. Removing a feature saves roughly its share, not exactly: brotli \
         finds repeats across rows.\n\n\
         ## Data section by source\n\n\
         | source | feature | bytes |\n\
         | --- | --- | ---: |\n",
        percent(widget, total)
    );
    for (bytes, source, feature) in &m.sources {
        let _ = writeln!(out, "| {source} | {} | {bytes} |", feature.label());
    }
    let _ = writeln!(out, "\nToolchain: {toolchain}.");
    out
}
