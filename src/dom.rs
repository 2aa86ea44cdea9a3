//! Small helpers for building DOM from elements and text (never from HTML strings).

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

pub fn document() -> Document {
    web_sys::window().and_then(|w| w.document()).expect("contact-widget runs in a page with a document")
}

/// A new element with attributes and optional text, e.g. `el("p", &[("role", "status")], "")`.
pub fn el(tag: &str, attrs: &[(&str, &str)], text: &str) -> Result<Element, JsValue> {
    let e = document().create_element(tag)?;
    for (name, value) in attrs {
        e.set_attribute(name, value)?;
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    Ok(e)
}

/// A new 24×24 SVG icon, drawn from path data only (even-odd fill, so glyphs can have holes).
pub fn svg_icon(path: &str) -> Result<Element, JsValue> {
    svg_path("0 0 24 24", "24", path)
}

/// One decorative SVG of one path filled with the current colour.
pub fn svg_path(view_box: &str, size: &str, path: &str) -> Result<Element, JsValue> {
    const NS: Option<&str> = Some("http://www.w3.org/2000/svg");
    let doc = document();
    let svg = doc.create_element_ns(NS, "svg")?;
    for (name, value) in [("viewBox", view_box), ("width", size), ("height", size), ("aria-hidden", "true"), ("focusable", "false")] {
        svg.set_attribute(name, value)?;
    }
    let p = doc.create_element_ns(NS, "path")?;
    p.set_attribute("d", path)?;
    p.set_attribute("fill", "currentColor")?;
    p.set_attribute("fill-rule", "evenodd")?;
    svg.append_child(&p)?;
    Ok(svg)
}

/// Appends each child in order.
pub fn append(parent: &Element, children: &[&Element]) -> Result<(), JsValue> {
    for child in children {
        parent.append_child(child)?;
    }
    Ok(())
}

pub fn cast<T: JsCast>(e: Element) -> Result<T, JsValue> {
    e.dyn_into::<T>().map_err(|_| JsValue::from_str("contact-widget: unexpected element type"))
}

pub fn focus(e: &Element) {
    if let Some(h) = e.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}
