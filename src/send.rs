//! One attempt to deliver a submission to its endpoint (contracts §6), and what came back.

use js_sys::{Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, RequestMode, Response};
use widget_core::outbox::{Attempt, Entry, POLICY};

/// Makes one attempt to deliver `entry` and says what came back. `keepalive` lets the request
/// outlive the page (used on `pagehide`).
pub async fn post(entry: &Entry, keepalive: bool) -> Attempt {
    let body = widget_core::json::write(&entry.submission.to_value());
    let controller = AbortController::new().ok();
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_body(&JsValue::from_str(&body));
    if keepalive {
        let _ = Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE);
    }
    if let Ok(headers) = Headers::new() {
        // The "simple" transport sends only CORS-safelisted headers, so there is no preflight;
        // the id travels inside the body.
        if entry.simple {
            let _ = headers.set("Content-Type", "text/plain;charset=UTF-8");
        } else {
            let _ = headers.set("Content-Type", "application/json");
            let _ = headers.set("Idempotency-Key", &entry.submission.id);
        }
        init.set_headers(&headers);
    }
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timer = controller
        .clone()
        .map(|c| crate::boundary::after(POLICY.timeout_ms as u32, move || c.abort()));
    let Ok(request) = crate::boundary::fetch(&entry.endpoint, &init) else {
        return Attempt::NetworkError {
            online: crate::env::window().navigator().on_line(),
        };
    };
    let answer = JsFuture::from(request).await;
    drop(timer);
    let response: Response = match answer.map(JsCast::dyn_into) {
        Ok(Ok(r)) => r,
        _ if controller.is_some_and(|c| c.signal().aborted()) => return Attempt::Timeout,
        _ => {
            return Attempt::NetworkError {
                online: crate::env::window().navigator().on_line(),
            }
        }
    };
    let status = response.status();
    let retry_after = response.headers().get("Retry-After").ok().flatten();
    let reason = if (400..500).contains(&status) {
        reason(&response).await
    } else {
        None
    };
    Attempt::Answered {
        status,
        retry_after,
        reason,
    }
}

/// The endpoint's own explanation: `{"error": "…"}` and, from the inbox, the first problem's field.
async fn reason(response: &Response) -> Option<String> {
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    let body = JSON::parse(&text.as_string()?).ok()?;
    let get = |v: &JsValue, key: &str| Reflect::get(v, &key.into()).ok();
    let problem = get(&body, "problems").and_then(|p| get(&p, "0"));
    let field = problem
        .as_ref()
        .and_then(|p| get(p, "field"))
        .and_then(|f| f.as_string());
    let message = problem
        .as_ref()
        .and_then(|p| get(p, "message"))
        .and_then(|m| m.as_string());
    let reason = match (field, message) {
        (Some(field), Some(message)) => format!("{field} {message}"),
        _ => get(&body, "error")?.as_string()?,
    };
    Some(reason.chars().take(300).collect())
}
