//! The owner's brand colour, made legible: the text colour on it, and accents (focus rings, hover
//! borders) that stand out against the light and the dark panel (WCAG 2 contrast ratios).

/// A brand colour as `#rrggbb`, with what goes with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Brand {
    /// The brand as written (`#rrggbb`). Text on it (black or white, whichever contrasts more) is
    /// the loader's to choose: it paints the launcher before the wasm arrives, and the panel uses
    /// its `--cw-on-brand`.
    pub background: String,
    /// The brand, darkened if needed to reach 3:1 against the light panel.
    pub accent_light: String,
    /// The brand, lightened if needed to reach 3:1 against the dark panel.
    pub accent_dark: String,
}

/// Panel backgrounds of the light and dark schemes (also used in the stylesheet).
pub const LIGHT_PANEL: [u8; 3] = [0xff, 0xff, 0xff];
pub const DARK_PANEL: [u8; 3] = [0x1f, 0x20, 0x23];

const ACCENT_CONTRAST: f64 = 3.0;

impl Default for Brand {
    fn default() -> Self {
        brand([0x0b, 0x57, 0xd0]).0
    }
}

/// Reads `#rgb` or `#rrggbb` (any case); anything else is `None`.
pub fn parse(raw: &str) -> Option<[u8; 3]> {
    let hex = raw.trim().strip_prefix('#')?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let full: String = match hex.len() {
        3 => hex.chars().flat_map(|c| [c, c]).collect(),
        6 => hex.to_owned(),
        _ => return None,
    };
    // Read digit by digit: `u8::from_str_radix` would be one more integer parser in the wasm.
    let nibble = |i: usize| char::from(full.as_bytes()[i]).to_digit(16).map(|d| d as u8);
    let channel = |i: usize| Some(nibble(i)? * 16 + nibble(i + 1)?);
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// The brand for `rgb`. Black or white text always reaches at least 4.58:1 (√21) on any colour,
/// so the brand itself is kept (the loader picks that text colour); what may be too faint is the brand as a ring or border on a panel.
/// The second value describes the accents that had to move, for a console note.
pub fn brand(rgb: [u8; 3]) -> (Brand, Option<String>) {
    let accent_light = shift_until(rgb, [0; 3], |c| contrast(c, LIGHT_PANEL) >= ACCENT_CONTRAST).0;
    let accent_dark = shift_until(rgb, [255; 3], |c| {
        contrast(c, DARK_PANEL) >= ACCENT_CONTRAST
    })
    .0;
    let mut moved = Vec::new();
    if accent_light != rgb {
        moved.push(format!("{} on light backgrounds", hex(accent_light)));
    }
    if accent_dark != rgb {
        moved.push(format!("{} on dark backgrounds", hex(accent_dark)));
    }
    let note = (!moved.is_empty()).then(|| {
        format!(
            "focus rings and borders use {} to stay visible (3:1)",
            moved.join(" and ")
        )
    });
    (
        Brand {
            background: hex(rgb),
            accent_light: hex(accent_light),
            accent_dark: hex(accent_dark),
        },
        note,
    )
}

/// Mixes `from` towards `target` in 2% steps until `ok`; returns the colour and the steps taken.
fn shift_until(from: [u8; 3], target: [u8; 3], ok: impl Fn([u8; 3]) -> bool) -> ([u8; 3], u32) {
    (0..=50)
        .map(|step| {
            let t = step as f64 / 50.0;
            let mix = |i: usize| (from[i] as f64 * (1.0 - t) + target[i] as f64 * t).round() as u8;
            ([mix(0), mix(1), mix(2)], step)
        })
        .find(|(c, _)| ok(*c))
        .unwrap_or((target, 50))
}

pub fn hex(rgb: [u8; 3]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::from("#");
    for b in rgb {
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

/// WCAG 2 contrast ratio between two sRGB colours (1 to 21).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn luminance(rgb: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            pow_2_4((c + 0.055) / 1.055)
        }
    };
    0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
}

/// `x^2.4` for `x` in 0.05..=1, as `x² · ⁵√x²` with Newton's method for the fifth root: `powf`
/// would bring 2 KB of libm into the wasm for this one line.
fn pow_2_4(x: f64) -> f64 {
    let a = x * x;
    let mut y = 1.0;
    for _ in 0..12 {
        y = (4.0 * y + a / (y * y * y * y)) / 5.0;
    }
    a * y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow_2_4_matches_powf_for_every_channel_value() {
        for c in 11..=255u8 {
            let x = (c as f64 / 255.0 + 0.055) / 1.055;
            assert!((pow_2_4(x) - x.powf(2.4)).abs() < 1e-12, "{c}");
        }
    }

    #[test]
    fn reads_hex_colours() {
        assert_eq!(parse("#0B57D0"), Some([0x0b, 0x57, 0xd0]));
        assert_eq!(parse("#fff"), Some([255; 3]));
        for bad in [
            "red",
            "#12",
            "#12345g",
            "0b57d0",
            "#0b57d0; background:url(x)",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!((contrast([0; 3], [255; 3]) - 21.0).abs() < 1e-9);
    }

    /// Any colour at all comes out legible: accents ≥ 3:1 on both panels (text on the brand is the
    /// loader's, checked in the browser by e2e `config.test.mjs`).
    #[test]
    fn every_colour_becomes_legible() {
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let (brand, _) = brand([r as u8, g as u8, b as u8]);
                    assert!(
                        contrast(parse(&brand.accent_light).unwrap(), LIGHT_PANEL) >= 3.0,
                        "{brand:?}"
                    );
                    assert!(
                        contrast(parse(&brand.accent_dark).unwrap(), DARK_PANEL) >= 3.0,
                        "{brand:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn keeps_the_brand_and_names_moved_accents() {
        let (blue, note) = brand([0x0b, 0x57, 0xd0]);
        assert_eq!(
            (blue.background.as_str(), blue.accent_light.as_str()),
            ("#0b57d0", "#0b57d0")
        );
        assert_eq!(
            note.as_deref(),
            Some(
                format!(
                    "focus rings and borders use {} on dark backgrounds to stay visible (3:1)",
                    blue.accent_dark
                )
                .as_str()
            )
        );
        let (gold, note) = brand([0xff, 0xd7, 0x00]);
        assert_eq!(
            (gold.background.as_str(), gold.accent_dark.as_str()),
            ("#ffd700", "#ffd700")
        );
        assert_ne!(
            gold.accent_light, "#ffd700",
            "gold is too faint for a ring on white"
        );
        assert!(note.unwrap().contains("on light backgrounds"));
    }
}
