//! Small helpers for building DOM from elements and text (never from HTML strings).
//!
//! They return nodes, not `Result`s: creating and joining elements we made ourselves fails only
//! when something is badly wrong, and then the browser's exception is thrown on to the loader's
//! guard, which takes the panel down (see `boundary`). Every `?` they spare the panel's code was
//! wasm bytes.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement};

/// The page's document (through gloo-utils, which throws to the loader's guard without one).
pub fn document() -> Document {
    gloo_utils::document()
}

/// The value, or the browser's exception thrown on (see the module's note).
pub fn or_throw<T>(result: Result<T, JsValue>) -> T {
    result.unwrap_or_else(|error| wasm_bindgen::throw_val(error))
}

/// A new element with attributes and optional text, e.g. `el("p", &[("role", "status")], "")`.
pub fn el(tag: &str, attrs: &[(&str, &str)], text: &str) -> Element {
    let e = or_throw(document().create_element(tag));
    set_attrs(&e, attrs);
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    e
}

/// A new 24×24 SVG icon, drawn from path data only (even-odd fill, so glyphs can have holes).
pub fn svg_icon(path: &str) -> Element {
    svg_path("0 0 24 24", "24", path)
}

/// One decorative SVG of one path filled with the current colour.
pub fn svg_path(view_box: &str, size: &str, path: &str) -> Element {
    const NS: Option<&str> = Some("http://www.w3.org/2000/svg");
    let doc = document();
    let svg = or_throw(doc.create_element_ns(NS, "svg"));
    set_attrs(
        &svg,
        &[
            ("viewBox", view_box),
            ("width", size),
            ("height", size),
            ("aria-hidden", "true"),
            ("focusable", "false"),
        ],
    );
    let p = or_throw(doc.create_element_ns(NS, "path"));
    set_attrs(
        &p,
        &[
            ("d", path),
            ("fill", "currentColor"),
            ("fill-rule", "evenodd"),
        ],
    );
    append(&svg, &[&p]);
    svg
}

/// Sets each attribute in order.
pub fn set_attrs(e: &Element, attrs: &[(&str, &str)]) {
    for (name, value) in attrs {
        or_throw(e.set_attribute(name, value));
    }
}

/// Appends each child in order.
pub fn append(parent: &Element, children: &[&Element]) {
    for child in children {
        or_throw(parent.append_child(child));
    }
}

/// An element we made as `tag`, as the type that tag has (e.g. `HtmlInputElement` for "input").
pub fn cast<T: JsCast>(e: Element) -> T {
    e.unchecked_into()
}

pub fn focus(e: &Element) {
    if let Some(h) = e.dyn_ref::<HtmlElement>() {
        let _ = h.focus();
    }
}
