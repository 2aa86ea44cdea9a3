//! The contact widget's wasm shell: the only code that touches the DOM, fetch and timers.
//! Decisions live in `widget-core`; this crate reads the world, renders, and carries out effects.
//! The loader (`loader.js`, shipped as `dist/contact-widget.js`) is its only caller.

mod courier;
mod dom;
mod env;
mod mount;
mod send;
mod storage;
mod view;
mod widget;

use wasm_bindgen::prelude::*;
use widget_core::value::Value;

/// A mounted widget, as the loader holds it.
#[wasm_bindgen]
pub struct Widget(Option<widget::Widget>);

/// Reads the three config sources (the script's `dataset` entries, the JSON block or config URL,
/// and the `init()` argument), reports any problem on the console, and mounts the widget with
/// `language`, the shipped texts of the visitor's language (see [`language_file`]).
#[wasm_bindgen]
pub fn mount(attributes: JsValue, file: JsValue, init: JsValue, language: JsValue) -> Result<Widget, JsValue> {
    let raw = merged(attributes, file, init);
    let table = read(language).map(|v| widget_core::i18n::table(&v)).unwrap_or_default();
    Ok(Widget(Some(widget::Widget::mount(raw, table)?)))
}

/// The shipped language file the visitor needs (`"fr"` for `locales/fr.json`), or `""` when
/// English (built in) or a language we do not ship. The loader fetches it before mounting.
#[wasm_bindgen(js_name = languageFile)]
pub fn language_file(attributes: JsValue, file: JsValue, init: JsValue) -> String {
    let raw = merged(attributes, file, init);
    let configured = raw.get("locale").and_then(Value::as_str).unwrap_or("auto");
    let locale = env::locale(configured);
    let shipped = widget_core::i18n::LOCALES.contains(&locale.as_str()) && locale != "en";
    if shipped { locale } else { String::new() }
}

fn merged(attributes: JsValue, file: JsValue, init: JsValue) -> Value {
    // `Object.entries(script.dataset)`: a list of [name, value] pairs.
    let attributes: Vec<(String, String)> = match env::value_of(&attributes) {
        Value::Array(pairs) => pairs
            .iter()
            .filter_map(|pair| match pair {
                Value::Array(kv) if kv.len() == 2 => Some((kv[0].as_str()?.to_owned(), kv[1].as_str()?.to_owned())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let raw = widget_core::config::from_attributes(&attributes);
    [read(file), read(init)].into_iter().flatten().fold(raw, Value::merge)
}

/// Checks a config the way the widget would, without mounting: a list of `{ path, message }`
/// (empty when the widget takes it as it is). Used by the configurator; the loader never calls it.
#[wasm_bindgen]
pub fn validate(config: JsValue) -> js_sys::Array {
    let raw = env::value_of(&config);
    let issues = js_sys::Array::new();
    for issue in widget_core::config::parse(&raw).1 {
        let entry = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&entry, &"path".into(), &issue.path.as_str().into());
        let _ = js_sys::Reflect::set(&entry, &"message".into(), &issue.message.as_str().into());
        issues.push(&entry);
    }
    issues
}

/// A config source as a raw value; `null`/`undefined` count as absent.
fn read(value: JsValue) -> Option<Value> {
    (!value.is_null() && !value.is_undefined()).then(|| env::value_of(&value))
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
        let (Some(w), Some(partial)) = (self.0.take(), read(partial)) else { return Ok(()) };
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
