//! The contact widget's wasm shell: the only code that touches the DOM, fetch and timers.
//! Decisions live in `widget-core`; this crate reads the world, renders, and carries out effects.
//! The loader (`loader.js`, shipped as `dist/contact-widget.js`) is its only caller: it paints
//! the launcher, and this crate adds the panel when the visitor is about to need it.

#[cfg(target_arch = "wasm32")]
mod allocator;
mod boundary;
mod courier;
mod dom;
mod env;
mod send;
mod storage;
mod style;
mod view;
mod widget;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlElement, ShadowRoot};
use widget_core::value::Value;

/// A mounted widget, as the loader holds it.
#[wasm_bindgen]
pub struct Widget(Option<widget::Widget>);

/// Builds the panel next to the launcher the loader painted, in `shadow` (the
/// `<contact-widget>` element's shadow root, whose first child is the widget's root element).
///
/// The config comes from three sources, later ones winning: the script's `dataset` entries as
/// `[name, value]` pairs, the JSON block or config URL, and the `init()` argument. Problems are
/// reported on the console. `language` is the tag the loader chose (e.g. `fr`) and `table` that
/// language's shipped texts (`null` for English). `wrap` and `fetch` are the loader's guard and
/// the page's native fetch (see `boundary`).
///
/// Resolves to the widget once the panel is in place, a few tasks later (no one task is long on
/// a slow phone). An error while reading the config sources (in this call)
/// rejects it; one in a later step is thrown to the loader's guard, which takes the widget down.
#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn mount(
    shadow: ShadowRoot,
    launcher: HtmlElement,
    attributes: JsValue,
    file: JsValue,
    init: JsValue,
    language: String,
    table: JsValue,
    wrap: JsValue,
    fetch: JsValue,
) -> js_sys::Promise {
    boundary::install(wrap, fetch);
    let raw = merged(attributes, file, init);
    let table = texts_of(table);
    let mut settle = Some((raw, language, table));
    js_sys::Promise::new(&mut |resolve, _reject| {
        let Some((raw, language, table)) = settle.take() else { return };
        let place = widget::Place { shadow: shadow.clone(), launcher: launcher.clone() };
        widget::Widget::mount_in_steps(place, raw, language, table, move |mounted| {
            let _ = resolve.call1(&JsValue::NULL, &Widget(Some(mounted)).into());
        });
    })
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
/// (empty when the widget takes it as it is). Only in the `validate` build (dist/validate.HASH.js),
/// which the configurator loads; the visitor's wasm has neither this export nor the messages.
#[cfg(feature = "validate")]
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

/// A shipped language file's texts, as the loader passes them (`null` for English).
fn texts_of(table: JsValue) -> Vec<(widget_core::i18n::Text, String)> {
    read(table).map(|v| widget_core::i18n::table(&v)).unwrap_or_default()
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
    /// `language` (with its shipped `table`, `null` for English) replaces the language shown
    /// when the loader found that `partial` changes it.
    pub fn update(&mut self, partial: JsValue, language: Option<String>, table: JsValue) {
        let partial = read(partial);
        if partial.is_none() && language.is_none() {
            return;
        }
        let Some(w) = self.0.take() else { return };
        let language = language.map(|l| (l, texts_of(table)));
        self.0 = Some(w.update(partial, language));
    }

    /// Removes the widget from the page with every listener.
    pub fn destroy(&mut self) {
        if let Some(w) = self.0.take() {
            w.destroy();
        }
    }
}
