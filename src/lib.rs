//! The contact widget's wasm shell: the only code that touches the DOM, fetch and timers.
//! Decisions live in `widget-core`; this crate reads the world, renders, and carries out effects.
//! The loader (`loader.js`, shipped as `dist/contact-widget.js`) is its only caller.

mod dom;
mod env;
mod mount;
mod send;
mod view;
mod widget;

use wasm_bindgen::prelude::*;
use widget_core::value::Value;

/// A mounted widget, as the loader holds it.
#[wasm_bindgen]
pub struct Widget(Option<widget::Widget>);

/// Reads the three config sources (the script's `dataset` entries, the JSON block or config URL,
/// and the `init()` argument), reports any problem on the console, and mounts the widget.
#[wasm_bindgen]
pub fn mount(attributes: JsValue, file: JsValue, init: JsValue) -> Result<Widget, JsValue> {
    let attributes: Vec<(String, String)> = serde_wasm_bindgen::from_value(attributes).unwrap_or_default();
    let raw = widget_core::config::from_attributes(&attributes);
    let raw = [read("the config", file), read("init()", init)].into_iter().flatten().fold(raw, Value::merge);
    Ok(Widget(Some(widget::Widget::mount(raw)?)))
}

/// Checks a config the way the widget would, without mounting: a list of `{ path, message }`
/// (empty when the widget takes it as it is). Used by the configurator; the loader never calls it.
#[wasm_bindgen]
pub fn validate(config: JsValue) -> js_sys::Array {
    let raw = serde_wasm_bindgen::from_value(config).unwrap_or(Value::Null);
    let issues = js_sys::Array::new();
    for issue in widget_core::config::parse(&raw).1 {
        let entry = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&entry, &"path".into(), &issue.path.as_str().into());
        let _ = js_sys::Reflect::set(&entry, &"message".into(), &issue.message.as_str().into());
        issues.push(&entry);
    }
    issues
}

/// A config source as a raw value; `null`/`undefined` count as absent, unreadable ones are reported.
fn read(source: &str, value: JsValue) -> Option<Value> {
    if value.is_null() || value.is_undefined() {
        return None;
    }
    match serde_wasm_bindgen::from_value(value) {
        Ok(v) => Some(v),
        Err(e) => {
            env::warn(&format!("{source} could not be read ({e}); it is ignored"));
            None
        }
    }
}

#[wasm_bindgen]
impl Widget {
    pub fn open(&self) {
        if let Some(w) = &self.0 {
            w.open();
        }
    }

    pub fn close(&self) {
        if let Some(w) = &self.0 {
            w.close();
        }
    }

    pub fn toggle(&self) {
        if let Some(w) = &self.0 {
            w.toggle();
        }
    }

    /// Layers `partial` over the current config and re-renders, keeping open state and draft.
    pub fn update(&mut self, partial: JsValue) -> Result<(), JsValue> {
        let (Some(w), Some(partial)) = (self.0.take(), read("update()", partial)) else { return Ok(()) };
        self.0 = Some(w.update(partial)?);
        Ok(())
    }

    /// Removes the widget from the page with every listener.
    pub fn destroy(&mut self) {
        if let Some(w) = self.0.take() {
            w.destroy();
        }
    }
}
