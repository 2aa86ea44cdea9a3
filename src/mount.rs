//! The host element, its open shadow root and the constructable stylesheet.
//!
//! One `<contact-widget>` element appended to `<body>`: a custom tag so host rules written for
//! `div`/`button` never match it, and a constructed stylesheet (not a `<style>` element) so a
//! strict `style-src` policy has nothing to block.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};
use widget_core::color::Brand;

use crate::dom::document;

const STYLE: &str = include_str!("style.css");

pub fn host(brand: &Brand) -> Result<(HtmlElement, ShadowRoot), JsValue> {
    let doc = document();
    let host: HtmlElement = doc.create_element("contact-widget")?.unchecked_into();
    let shadow = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?;
    let sheet = CssStyleSheet::new()?;
    // The brand colour was validated as #rrggbb by the core, so it is safe inside CSS.
    sheet.replace_sync(&format!(":host{{--cw-brand:{};--cw-on-brand:{}}}{STYLE}", brand.background, brand.text))?;
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    doc.body().ok_or("contact-widget: the page has no <body>")?.append_child(&host)?;
    Ok((host, shadow))
}
