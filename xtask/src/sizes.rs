//! What the files in `dist/` weigh: raw, gzip -9 and brotli (quality 11, window 22).

use std::io::Write;

/// The sizes of one file, in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSize {
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

pub fn measure(name: &str, bytes: &[u8]) -> FileSize {
    FileSize {
        name: name.to_owned(),
        raw: bytes.len() as u64,
        gzip: gzip(bytes).len() as u64,
        brotli: brotli(bytes).len() as u64,
    }
}

/// `bytes` as gzip -9 (what `dist/NAME.gz` holds).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(9));
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// `bytes` as brotli, quality 11, window 22 (what `dist/NAME.br` holds).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

/// A table of the files with a total line.
pub fn table(sizes: &[FileSize]) -> String {
    let width = sizes.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let row = |name: &str, raw: &dyn ToString, gzip: &dyn ToString, brotli: &dyn ToString| {
        let (raw, gzip, brotli) = (raw.to_string(), gzip.to_string(), brotli.to_string());
        format!("    {name:<width$}  {raw:>9}  {gzip:>9}  {brotli:>9}\n")
    };
    let mut out = row("file", &"raw", &"gzip -9", &"brotli 11");
    for s in sizes {
        out += &row(&s.name, &s.raw, &s.gzip, &s.brotli);
    }
    let sum = |size: fn(&FileSize) -> u64| sizes.iter().map(size).sum::<u64>();
    out + &row(
        "total",
        &sum(|s| s.raw),
        &sum(|s| s.gzip),
        &sum(|s| s.brotli),
    )
}
