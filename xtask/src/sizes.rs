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
        gzip: gzip_len(bytes),
        brotli: brotli_len(bytes),
    }
}

fn gzip_len(bytes: &[u8]) -> u64 {
    gzip(bytes).len() as u64
}

fn brotli_len(bytes: &[u8]) -> u64 {
    brotli(bytes).len() as u64
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
    let total = FileSize {
        name: "total".into(),
        raw: sizes.iter().map(|s| s.raw).sum(),
        gzip: sizes.iter().map(|s| s.gzip).sum(),
        brotli: sizes.iter().map(|s| s.brotli).sum(),
    };
    let width = sizes
        .iter()
        .chain([&total])
        .map(|s| s.name.len())
        .max()
        .unwrap_or(0);
    let row = |name: &str, raw: &str, gzip: &str, brotli: &str| {
        format!("    {name:<width$}  {raw:>9}  {gzip:>9}  {brotli:>9}\n")
    };
    let mut out = row("file", "raw", "gzip -9", "brotli 11");
    for s in sizes.iter().chain([&total]) {
        if s.name == "total" {
            out += &row(&"-".repeat(width), "---------", "---------", "---------");
        }
        out += &row(
            &s.name,
            &s.raw.to_string(),
            &s.gzip.to_string(),
            &s.brotli.to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_text() {
        let text = "contact-widget ".repeat(1000);
        let size = measure("a.js", text.as_bytes());
        assert_eq!(size.raw, 15000);
        assert!(size.gzip < 200, "{size:?}");
        assert!(size.brotli < size.gzip, "{size:?}");
    }

    #[test]
    fn empty_input_still_has_headers() {
        let size = measure("empty", b"");
        assert_eq!((size.raw, size.gzip), (0, 20));
        assert!(size.brotli <= 2, "{size:?}");
    }

    #[test]
    fn table_lists_files_and_total() {
        let sizes = [
            FileSize {
                name: "widget.js".into(),
                raw: 1000,
                gzip: 400,
                brotli: 300,
            },
            FileSize {
                name: "widget_bg.wasm".into(),
                raw: 50000,
                gzip: 20000,
                brotli: 17000,
            },
        ];
        let expected = [
            "    file                  raw    gzip -9  brotli 11\n",
            "    widget.js            1000        400        300\n",
            "    widget_bg.wasm      50000      20000      17000\n",
            "    --------------  ---------  ---------  ---------\n",
            "    total               51000      20400      17300\n",
        ]
        .concat();
        assert_eq!(table(&sizes), expected);
    }
}
