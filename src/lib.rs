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
mod insights;
mod panel;
mod send;
mod storage;
mod style;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use widget_core::value::Value;

/// A mounted widget, as the loader holds it.
#[wasm_bindgen]
pub struct Widget(Option<panel::Widget>);

/// Keeps the loader's guard `wrap` (every callback the browser makes into the wasm goes through
/// it) and the page's native `fetch`, captured at start (see `boundary`). Called once, first.
#[wasm_bindgen]
pub fn install(wrap: JsValue, fetch: JsValue) {
    boundary::install(wrap, fetch);
}

/// A panel on its way to the page, built by the loader in short steps, each in a task of the
/// browser of its own (none long on a slow phone): `new Setup(request)`, then `zones()`,
/// `form()`, `panel()` and `finish()`, which puts it in place and returns the [`Widget`].
#[wasm_bindgen]
pub struct Setup(panel::Setup);

#[wasm_bindgen]
impl Setup {
    /// Reads the config and styles the panel. `request` names what the loader has:
    /// `{ shadow, launcher, config, language, texts }`: the `<contact-widget>` element's shadow
    /// root (whose first child is the widget's root element) and the launcher it painted there;
    /// the config the loader merged from its sources (data attributes, the JSON block or config
    /// URL, `init()`); the language it chose (e.g. `fr`) and that language's shipped texts
    /// (`null` for English). Problems in the config are reported on the console.
    #[wasm_bindgen(constructor)]
    pub fn new(request: JsValue) -> Setup {
        let field =
            |name: &str| js_sys::Reflect::get(&request, &name.into()).unwrap_or(JsValue::NULL);
        let place = panel::Place {
            shadow: field("shadow").unchecked_into(),
            launcher: field("launcher").unchecked_into(),
        };
        let language = field("language").as_string().unwrap_or_else(|| "en".into());
        let raw = read(field("config")).unwrap_or(Value::Object(Vec::new()));
        Setup(panel::Setup::new(
            place,
            raw,
            language,
            texts_of(field("texts")),
        ))
    }

    /// Which of the owner's time zones the browser knows (its `Intl` formats are slow to start).
    pub fn zones(&mut self) {
        self.0.find_zones();
    }

    pub fn form(&mut self) {
        self.0.build_form();
    }

    pub fn panel(&mut self) {
        self.0.build_panel();
    }

    pub fn finish(self) -> Widget {
        Widget(Some(self.0.finish()))
    }
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
    read(table)
        .map(|v| widget_core::i18n::table(&v))
        .unwrap_or_default()
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

    /// Re-renders with the loader's new merged `config` (`null`: the same), keeping the open
    /// state and draft; `language` (with its shipped `table`, `null` for English) replaces the
    /// language shown when the config changed it.
    pub fn update(&mut self, config: JsValue, language: Option<String>, table: JsValue) {
        let config = read(config);
        if config.is_none() && language.is_none() {
            return;
        }
        let Some(w) = self.0.take() else { return };
        let language = language.map(|l| (l, texts_of(table)));
        self.0 = Some(w.update(config, language));
    }

    /// Removes the widget from the page with every listener.
    pub fn destroy(&mut self) {
        if let Some(w) = self.0.take() {
            w.destroy();
        }
    }
}
