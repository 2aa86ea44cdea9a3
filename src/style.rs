//! The panel's stylesheet, adopted into the shadow root next to the loader's launcher sheet.
//!
//! A constructed stylesheet (not a `<style>` element), so a strict `style-src` policy has
//! nothing to block.

use wasm_bindgen::JsValue;

use crate::dom::or_throw;
use web_sys::{CssStyleSheet, ShadowRoot};
use widget_core::config::Config;

// style.css without comments and indentation (see build.rs).
const STYLE: &str = include_str!(concat!(env!("OUT_DIR"), "/style.css"));

/// Adds the panel's rules and the config's colours to `shadow`; returns the sheet for removal.
pub fn style(shadow: &ShadowRoot, config: &Config) -> CssStyleSheet {
    let sheet = or_throw(CssStyleSheet::new());
    // Values validated by the core (#rrggbb colours, a number), so they are safe inside CSS. The
    // brand, the text on it and the font are the loader's (it painted the launcher with them);
    // a font the core refused goes back to the system's. Owners may override any --cw-* property
    // on the host element.
    let brand = &config.brand;
    let font = if config.theme.font_refused {
        "--cw-font:system-ui"
    } else {
        ""
    };
    let vars = format!(
        ":host{{--cw-accent-light:{};--cw-accent-dark:{};--cw-radius:{}px;{font}}}",
        brand.accent_light, brand.accent_dark, config.theme.radius
    );
    or_throw(sheet.replace_sync(&format!("{STYLE}{vars}")));
    let sheets = shadow.adopted_style_sheets();
    sheets.push(&sheet);
    shadow.set_adopted_style_sheets(&sheets);
    sheet
}

/// Takes `sheet` out of `shadow` again, leaving the launcher's.
pub fn unstyle(shadow: &ShadowRoot, sheet: &CssStyleSheet) {
    let sheet: &JsValue = sheet;
    let sheets = shadow
        .adopted_style_sheets()
        .filter(&mut |s, _, _| s != *sheet);
    shadow.set_adopted_style_sheets(&sheets);
}
