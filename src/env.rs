//! Reads the world the core needs as arguments: the page, the clock, locale, time zone, randomness;
//! and the two ways the widget talks back to the page: the console and `contact-widget:*` events.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use widget_core::submission::Page;
use widget_core::value::Value;

/// The page's window (through gloo-utils, which throws to the loader's guard without one).
pub fn window() -> web_sys::Window {
    gloo_utils::window()
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
    thread_local! {
        // Made once per language: the counter formats two numbers on every keystroke.
        static FORMAT: std::cell::RefCell<Option<(String, js_sys::Function)>> = const { std::cell::RefCell::new(None) };
    }
    let format = FORMAT.with(|cached| {
        let mut cached = cached.borrow_mut();
        match cached.as_ref() {
            Some((tag, format)) if tag == locale => format.clone(),
            _ => {
                let format = js_sys::Intl::NumberFormat::new(
                    &js_sys::Array::of1(&locale.into()),
                    &Object::new(),
                )
                .format();
                *cached = Some((locale.to_owned(), format.clone()));
                format
            }
        }
    });
    format
        .call1(&JsValue::UNDEFINED, &(n as f64).into())
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| n.to_string())
}

/// An informational console message (an adjustment, not a mistake).
pub fn info(message: &str) {
    gloo_console::info!(format!("contact-widget: {message}"));
}

/// The visitor's IANA time zone from `Intl`, e.g. `Europe/Berlin`.
pub fn time_zone() -> String {
    let options =
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new()).resolved_options();
    Reflect::get(&options, &"timeZone".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
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
    gloo_console::warn!(format!("contact-widget: {message}"));
}

/// Fires `contact-widget:<name>` on `window` with `detail` built from string pairs.
pub fn emit(name: &str, detail: &[(&str, &str)]) {
    let init = web_sys::CustomEventInit::new();
    let object = Object::new();
    for (key, value) in detail {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    init.set_detail(&object);
    if let Ok(event) =
        web_sys::CustomEvent::new_with_event_init_dict(&format!("contact-widget:{name}"), &init)
    {
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
            Value::Array(
                js.unchecked_ref::<Array>()
                    .iter()
                    .map(|item| walk(&item, depth + 1))
                    .collect(),
            )
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

/// Whether the visitor is on a phone or tablet (links open apps) rather than a computer (numbers
/// get Copy and a QR code): the browser's own answer (`navigator.userAgentData.mobile`), a mobile
/// user agent, or a touch screen without any fine pointer.
pub fn is_mobile() -> bool {
    let navigator = window().navigator();
    let ua_data = Reflect::get(&navigator, &"userAgentData".into())
        .ok()
        .filter(|v| v.is_object());
    let said_mobile = ua_data
        .and_then(|d| Reflect::get(&d, &"mobile".into()).ok())
        .and_then(|m| m.as_bool())
        .unwrap_or(false);
    let ua = navigator.user_agent().unwrap_or_default();
    let mobile_ua = ["Mobi", "Android", "iPhone", "iPad", "iPod"]
        .iter()
        .any(|m| ua.contains(m));
    let matches = |q: &str| {
        window()
            .match_media(q)
            .ok()
            .flatten()
            .is_some_and(|m| m.matches())
    };
    said_mobile || mobile_ua || (matches("(pointer: coarse)") && !matches("(any-pointer: fine)"))
}

/// `new Intl.DateTimeFormat(locale, options)`, or `None` when it throws (an unknown time zone).
fn date_format(locale: &str, options: &[(&str, &str)]) -> Option<js_sys::Intl::DateTimeFormat> {
    let object = Object::new();
    for (key, value) in options {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let constructor: js_sys::Function = Reflect::get(&intl, &"DateTimeFormat".into())
        .ok()?
        .dyn_into()
        .ok()?;
    // Not `dyn_into`: a page (or a test's fake clock) may wrap `Intl.DateTimeFormat`, and what the
    // wrapper returns is no `instanceof` the original; it works the same.
    Reflect::construct(&constructor, &Array::of2(&locale.into(), &object))
        .ok()
        .map(JsCast::unchecked_into)
}

/// The owner's time zone, asked of the browser's `Intl` (no bundled time zone database).
pub struct OwnerZone(js_sys::Intl::DateTimeFormat);

impl OwnerZone {
    /// `None` when the browser does not know the zone.
    pub fn new(name: &str) -> Option<OwnerZone> {
        let o = [
            ("timeZone", name),
            ("hourCycle", "h23"),
            ("year", "numeric"),
            ("month", "numeric"),
            ("day", "numeric"),
            ("hour", "numeric"),
            ("minute", "numeric"),
            ("second", "numeric"),
        ];
        date_format("en-US", &o).map(OwnerZone)
    }
}

impl widget_core::hours::Zone for OwnerZone {
    /// The owner's wall clock at `utc_ms` (from `formatToParts`) minus UTC, in minutes.
    fn offset(&self, utc_ms: f64) -> i32 {
        let t = (utc_ms / 60_000.0).floor() * 60_000.0;
        let parts = self.0.format_to_parts(&js_sys::Date::new(&t.into()));
        let mut n = [0.0f64; 6];
        for part in parts.iter() {
            let field = |k: &str| {
                Reflect::get(&part, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            let slot = match field("type").as_str() {
                "year" => 0,
                "month" => 1,
                "day" => 2,
                "hour" => 3,
                "minute" => 4,
                "second" => 5,
                _ => continue,
            };
            n[slot] = widget_core::value::digits(&field("value")).unwrap_or(0) as f64;
        }
        // Hour 24 is midnight in some browsers. An integer remainder: a float one brings libm's fmod.
        let wall = js_sys::Date::utc(n[0], n[1] - 1.0)
            + ((n[2] - 1.0) * 24.0 + (n[3] as u32 % 24) as f64) * 3_600_000.0
            + n[4] * 60_000.0
            + n[5] * 1000.0;
        ((wall - t) / 60_000.0).round() as i32
    }
}

/// The locale to format dates in: the visitor's own variant of the widget's language when the
/// browser has one (`en-GB` for `en`: 24-hour clock), else the widget's language.
pub fn format_locale(locale: &str) -> String {
    let primary = locale.split('-').next().unwrap_or(locale);
    window()
        .navigator()
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .find(|l| {
            l.split('-')
                .next()
                .is_some_and(|p| p.eq_ignore_ascii_case(primary))
        })
        .unwrap_or_else(|| locale.to_owned())
}

/// When `at` is, in the visitor's own time zone and language: "09:00" today, "tomorrow 09:00",
/// "Monday 09:00" within the week, "Monday 4 January 09:00" after that.
pub fn when(locale: &str, at: f64, now: f64) -> String {
    let day = |t: f64| {
        let d = js_sys::Date::new(&t.into());
        js_sys::Date::utc(d.get_full_year() as f64, d.get_month() as f64)
            + (d.get_date() as f64 - 1.0) * 86_400_000.0
    };
    let days = ((day(at) - day(now)) / 86_400_000.0).round();
    let format = |options: &[(&str, &str)]| {
        date_format(locale, options)
            .and_then(|f| {
                f.format()
                    .call1(&JsValue::UNDEFINED, &js_sys::Date::new(&at.into()))
                    .ok()
            })
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    let time = [("hour", "numeric"), ("minute", "2-digit")];
    if days <= 0.0 {
        format(&time)
    } else if days == 1.0 {
        let options = Object::new();
        let _ = Reflect::set(&options, &"numeric".into(), &"auto".into());
        let tomorrow = js_sys::Intl::RelativeTimeFormat::new(&Array::of1(&locale.into()), &options)
            .format(1.0, "day");
        format!("{} {}", String::from(tomorrow), format(&time))
    } else if days < 7.0 {
        format(&[
            ("weekday", "long"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
        ])
    } else {
        format(&[
            ("weekday", "long"),
            ("day", "numeric"),
            ("month", "long"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
        ])
    }
}

/// Puts `text` on the clipboard (`navigator.clipboard`, or a hidden textarea and
/// `execCommand("copy")` where that is missing or refused, as in insecure contexts), then calls
/// `done` with whether it worked.
pub fn copy(text: String, within: web_sys::Node, done: impl FnOnce(bool) + 'static) {
    let fallback = move |text: &str| -> bool {
        let doc = crate::dom::document();
        let Ok(area) = doc.create_element("textarea") else {
            return false;
        };
        let area: web_sys::HtmlTextAreaElement = area.unchecked_into();
        area.set_value(text);
        let _ = area.set_attribute("style", "position:fixed;opacity:0");
        if within.append_child(&area).is_err() {
            return false;
        }
        area.select();
        let ok = Reflect::get(&doc, &"execCommand".into())
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .and_then(|f| f.call1(&doc, &"copy".into()).ok())
            .and_then(|r| r.as_bool())
            .unwrap_or(false);
        area.remove();
        ok
    };
    let clipboard = Reflect::get(&window().navigator(), &"clipboard".into())
        .ok()
        .filter(|c| c.is_object());
    let write = clipboard.and_then(|c| {
        let f: js_sys::Function = Reflect::get(&c, &"writeText".into())
            .ok()?
            .dyn_into()
            .ok()?;
        f.call1(&c, &text.as_str().into())
            .ok()?
            .dyn_into::<js_sys::Promise>()
            .ok()
    });
    match write {
        Some(promise) => wasm_bindgen_futures::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok() || fallback(&text);
            done(ok);
        }),
        None => done(fallback(&text)),
    }
}
