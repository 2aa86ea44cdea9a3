//! QR codes for "continue on your phone": a link encoded as one SVG path, built only when the
//! visitor asks for it. The encoder is Nayuki's `qrcodegen` (no dependencies, every version).

use qrcodegen::{QrCode, QrCodeEcc};

/// A QR code of `text` as (size in modules, SVG path data of its dark modules, one `h` run per
/// row segment). Draw it in a `viewBox` of `-4 -4 size+8 size+8` to get the quiet zone.
/// `None` when the text is too long for any QR code.
pub fn path(text: &str) -> Option<(i32, String)> {
    // Byte mode only: links are mostly lowercase, where the numeric and alphanumeric modes (and
    // the code choosing between them) would not help.
    let code = QrCode::encode_binary(text.as_bytes(), QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut d = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if code.get_module(x, y) {
                let start = x;
                while x < size && code.get_module(x, y) {
                    x += 1;
                }
                d.push_str(&format!("M{start} {y}h{}v1H{start}z", x - start));
            } else {
                x += 1;
            }
        }
    }
    Some((size, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_a_path_of_dark_runs() {
        let (size, d) = path("tel:+15550100123").unwrap();
        assert_eq!(size, 25, "a short link fits version 2");
        // The top-left finder pattern: a 7-module run on the first row.
        assert!(d.starts_with("M0 0h7v1H0z"), "{}", &d[..40]);
        assert!(d.matches('M').count() > 50);
        let (size, _) = path(&format!(
            "https://wa.me/15550100123?text={}",
            "%F0%9F%91%8B".repeat(20)
        ))
        .unwrap();
        assert!(size > 25);
        assert_eq!(path(&"x".repeat(5000)), None);
    }
}
