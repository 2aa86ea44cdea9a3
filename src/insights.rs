//! The owner's cookieless counts (`insights: true`): one small event to the inbox when the panel
//! opens or a channel is used. What is sent is the core's (`widget_core::insights`); sent with no
//! credentials, so no cookie goes with it, and `no-cors`, as nothing is read back.

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, RequestMode};
use widget_core::config::Config;
use widget_core::insights::{self, Event};

use crate::{boundary, env};

/// Counts `event` when the owner asked for insights and has an endpoint for them.
pub fn count(config: &Config, language: &str, event: Event) {
    let (true, Some(endpoint)) = (config.insights, &config.endpoint) else {
        return;
    };
    let path = env::window().location().pathname().unwrap_or_default();
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::NoCors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_body(&JsValue::from_str(&insights::body(
        event,
        &path,
        language,
        env::is_mobile(),
    )));
    // Survives the visitor leaving at once (a channel's link often navigates away).
    let _ = Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    if let Ok(sent) = boundary::fetch(&insights::url(endpoint), &init) {
        // Whatever the answer: a count is never worth a retry or a console error.
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(sent).await;
        });
    }
}
