//! The host element, its open shadow root and the constructable stylesheet.
//!
//! One `<contact-widget>` element appended to `<body>`: a custom tag so host rules written for
//! `div`/`button` never match it, and a constructed stylesheet (not a `<style>` element) so a
//! strict `style-src` policy has nothing to block.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};
use widget_core::config::Config;

use crate::dom::document;

const STYLE: &str = include_str!("style.css");

pub fn host(config: &Config) -> Result<(HtmlElement, ShadowRoot), JsValue> {
    let doc = document();
    let host: HtmlElement = doc.create_element("contact-widget")?.unchecked_into();
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let sheet = CssStyleSheet::new()?;
    // Values validated by the core (#rrggbb colours, a number, a font list of safe characters),
    // so they are safe inside CSS. Owners may override any --cw-* property on the host element.
    let brand = &config.brand;
    let font = config.theme.font.as_deref().map(|f| format!("--cw-font:{f};")).unwrap_or_default();
    let vars = format!(
        ":host{{--cw-brand:{};--cw-on-brand:{};--cw-accent-light:{};--cw-accent-dark:{};--cw-radius:{}px;{font}}}",
        brand.background, brand.text, brand.accent_light, brand.accent_dark, config.theme.radius
    );
    sheet.replace_sync(&format!("{STYLE}{vars}"))?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    doc.body().ok_or("contact-widget: the page has no <body>")?.append_child(&host)?;
    Ok((host, shadow))
}
