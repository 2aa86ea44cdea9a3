//! The owner's brand colour and the text colour that stays legible on it.

/// A brand colour as `#rrggbb`, and the text colour (black or white) with the higher contrast on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    pub background: String,
    pub text: &'static str,
}

impl Default for Brand {
    fn default() -> Self {
        parse("#0b57d0").expect("default colour is valid")
    }
}

/// Reads `#rgb` or `#rrggbb` (any case); anything else is `None`.
pub fn parse(raw: &str) -> Option<Brand> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let full: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_owned(),
        _ => return None,
    }
    .to_ascii_lowercase();
    let channel = |i: usize| u8::from_str_radix(&full[i..i + 2], 16).unwrap_or(0);
    let rgb = [channel(0), channel(2), channel(4)];
    let text = if contrast(rgb, [255; 3]) >= contrast(rgb, [0; 3]) { "#ffffff" } else { "#000000" };
    Some(Brand { background: format!("#{full}"), text })
}

/// WCAG 2 contrast ratio between two sRGB colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_legible_text_colour() {
        for (raw, bg, text) in [
            ("#0b57d0", "#0b57d0", "#ffffff"),
            ("#FFD700", "#ffd700", "#000000"),
            ("#fff", "#ffffff", "#000000"),
            ("#000", "#000000", "#ffffff"),
        ] {
            assert_eq!(parse(raw), Some(Brand { background: bg.into(), text }), "{raw}");
        }
        for bad in ["red", "#12", "#12345g", "0b57d0", "#0b57d0; background:url(x)"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!((contrast([0; 3], [255; 3]) - 21.0).abs() < 1e-9);
    }
}
