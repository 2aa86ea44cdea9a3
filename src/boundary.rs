//! The JS boundary: every way the browser calls into the wasm (events, timers, lock callbacks)
//! and the `fetch` it uses come from the loader, which contains failures. A panic or error in a
//! callback is caught by the loader's `wrap`, reported once, and the instance is never called
//! again; `fetch` is the page's native one, captured before any host script could patch it.
//!
//! Without a loader (the wasm browser tests) callbacks are registered as they are.

use std::cell::RefCell;

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget};

thread_local! {
    static HOOKS: RefCell<Option<(Function, Function)>> = const { RefCell::new(None) };
}

/// Keeps the loader's `wrap` and `fetch` for the instance's lifetime.
pub fn install(wrap: JsValue, fetch: JsValue) {
    let hooks = wrap
        .dyn_into::<Function>()
        .ok()
        .zip(fetch.dyn_into::<Function>().ok());
    HOOKS.with(|h| *h.borrow_mut() = hooks);
}

/// `callback` as the browser should call it: through the loader's guard when there is one.
fn guarded(callback: &JsValue) -> Function {
    let wrapped = HOOKS.with(|h| {
        h.borrow()
            .as_ref()
            .and_then(|(wrap, _)| wrap.call1(&JsValue::NULL, callback).ok())
    });
    wrapped.unwrap_or_else(|| callback.clone()).unchecked_into()
}

/// The page's `fetch(url, init)`, as captured by the loader.
pub fn fetch(url: &str, init: &JsValue) -> Result<Promise, JsValue> {
    let fetch = HOOKS.with(|h| h.borrow().as_ref().map(|(_, fetch)| fetch.clone()));
    match fetch {
        Some(fetch) => fetch
            .call2(&JsValue::NULL, &url.into(), init)
            .map(JsCast::unchecked_into),
        None => Ok(crate::env::window().fetch_with_str_and_init(url, init.unchecked_ref())),
    }
}

/// A callback for one-off use by browser APIs (e.g. a Web Lock), guarded.
pub fn once(f: impl FnOnce(JsValue) -> JsValue + 'static) -> Function {
    guarded(&Closure::once_into_js(f))
}

/// An event listener, removed when dropped.
pub struct Listener {
    target: EventTarget,
    kind: &'static str,
    capture: bool,
    function: Function,
    _closure: Closure<dyn FnMut(Event)>,
}

pub fn listen(
    target: &EventTarget,
    kind: &'static str,
    handler: impl FnMut(Event) + 'static,
) -> Listener {
    listen_with(target, kind, false, handler)
}

/// A listener in the capture phase: sees events that do not bubble (a dialog's `toggle`, `close`).
pub fn listen_capture(
    target: &EventTarget,
    kind: &'static str,
    handler: impl FnMut(Event) + 'static,
) -> Listener {
    listen_with(target, kind, true, handler)
}

fn listen_with(
    target: &EventTarget,
    kind: &'static str,
    capture: bool,
    handler: impl FnMut(Event) + 'static,
) -> Listener {
    let closure = Closure::<dyn FnMut(Event)>::new(handler);
    let function = guarded(closure.as_ref());
    let _ = target.add_event_listener_with_callback_and_bool(kind, &function, capture);
    Listener {
        target: target.clone(),
        kind,
        capture,
        function,
        _closure: closure,
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback_and_bool(
            self.kind,
            &self.function,
            self.capture,
        );
    }
}

/// Runs `f` in a task of its own, soon (a step of work split so that no task is long).
pub fn soon(f: impl FnOnce() + 'static) {
    let f = guarded(&Closure::once_into_js(f));
    let _ = crate::env::window().set_timeout_with_callback_and_timeout_and_arguments_0(&f, 0);
}

/// A timer, cancelled when dropped.
pub struct Timer {
    id: i32,
    _closure: Closure<dyn FnMut()>,
}

pub fn after(ms: u32, f: impl FnOnce() + 'static) -> Timer {
    let mut f = Some(f);
    let closure = Closure::<dyn FnMut()>::new(move || {
        if let Some(f) = f.take() {
            f();
        }
    });
    let id = crate::env::window()
        .set_timeout_with_callback_and_timeout_and_arguments_0(
            &guarded(closure.as_ref()),
            ms.min(i32::MAX as u32) as i32,
        )
        .unwrap_or(0);
    Timer {
        id,
        _closure: closure,
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        crate::env::window().clear_timeout_with_handle(self.id);
    }
}
