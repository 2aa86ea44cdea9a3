//! Reads the world the core needs as arguments: the page, the clock, locale, time zone, randomness;
//! and the two ways the widget talks back to the page: the console and `contact-widget:*` events.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use widget_core::value::Value;
use widget_core::submission::Page;

pub fn window() -> web_sys::Window {
    web_sys::window().expect("contact-widget runs in a window")
}

/// Where the visitor is: URL, title and referrer of the host page.
pub fn page() -> Page {
    let doc = crate::dom::document();
    Page {
        url: window().location().href().unwrap_or_default(),
        title: doc.title(),
        referrer: doc.referrer(),
    }
}

/// A number in the visitor's language (digits and grouping), e.g. "5.000" in German.
pub fn number(locale: &str, n: usize) -> String {
    let format = js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale.into()), &Object::new()).format();
    format.call1(&JsValue::UNDEFINED, &(n as f64).into()).ok().and_then(|s| s.as_string()).unwrap_or_else(|| n.to_string())
}

/// An informational console message (an adjustment, not a mistake).
pub fn info(message: &str) {
    web_sys::console::info_1(&JsValue::from_str(&format!("contact-widget: {message}")));
}

/// The visitor's IANA time zone from `Intl`, e.g. `Europe/Berlin`.
pub fn time_zone() -> String {
    let options = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into()).ok().and_then(|v| v.as_string()).unwrap_or_default()
}

/// Now, as an ISO 8601 UTC timestamp.
pub fn now_iso() -> String {
    js_sys::Date::new_0().to_iso_string().into()
}

/// A fresh version-4 UUID from the browser's CSPRNG.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    if let Ok(crypto) = window().crypto() {
        let _ = crypto.get_random_values_with_u8_array(&mut bytes);
    }
    widget_core::submission::uuid_v4(bytes)
}

/// A console message, always prefixed so an owner can find it.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&JsValue::from_str(&format!("contact-widget: {message}")));
}

/// Fires `contact-widget:<name>` on `window` with `detail` built from string pairs.
pub fn emit(name: &str, detail: &[(&str, &str)]) {
    let init = web_sys::CustomEventInit::new();
    let object = Object::new();
    for (key, value) in detail {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    init.set_detail(&object);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(&format!("contact-widget:{name}"), &init) {
        let _ = window().dispatch_event(&event);
    }
}

/// A JS value (a config object, a parsed language file or stored JSON) as the core's loose
/// `Value`. Functions, symbols and anything nested deeper than a config can be become `null`, so
/// a hostile or cyclic object cannot hang or crash the widget.
pub fn value_of(js: &JsValue) -> Value {
    fn walk(js: &JsValue, depth: u32) -> Value {
        if depth > 16 || js.is_null() || js.is_undefined() {
            Value::Null
        } else if let Some(b) = js.as_bool() {
            Value::Bool(b)
        } else if let Some(n) = js.as_f64() {
            Value::Number(n)
        } else if let Some(s) = js.as_string() {
            Value::String(s)
        } else if Array::is_array(js) {
            Value::Array(js.unchecked_ref::<Array>().iter().map(|item| walk(&item, depth + 1)).collect())
        } else if js.is_object() && !js.is_function() {
            let entries = Object::entries(js.unchecked_ref());
            Value::Object(
                entries
                    .iter()
                    .filter_map(|pair| {
                        let pair: Array = pair.dyn_into().ok()?;
                        Some((pair.get(0).as_string()?, walk(&pair.get(1), depth + 1)))
                    })
                    .collect(),
            )
        } else {
            Value::Null
        }
    }
    walk(js, 0)
}
