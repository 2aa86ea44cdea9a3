//! Delivers one submission to the endpoint (contracts §6) and says what happened.

use gloo::timers::callback::Timeout;
use js_sys::{Reflect, JSON};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestCredentials, RequestInit, RequestMode, Response};
use widget_core::submission::{reply_of, Reply, Submission};

/// How long one attempt may take before the visitor is told.
const TIMEOUT_MS: u32 = 15_000;

/// What happened to one attempt.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Sent,
    /// The endpoint refused it for good, with its reason when it gave one.
    Refused(String),
    /// 408/425/429/5xx: worth trying again later.
    Server,
    Network,
    Timeout,
}

impl Outcome {
    /// The `detail.kind` of the `contact-widget:error` event (contracts §7).
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Refused(_) => "rejected",
            Outcome::Server => "server",
            Outcome::Network => "offline",
            Outcome::Timeout => "timeout",
        }
    }
}

pub async fn post(endpoint: &str, submission: &Submission) -> Outcome {
    let Ok(body) = to_json(submission) else {
        return Outcome::Refused("the message could not be encoded".into());
    };
    let controller = AbortController::new().ok();
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_body(&JsValue::from_str(&body));
    if let Ok(headers) = Headers::new() {
        let _ = headers.set("Content-Type", "application/json");
        let _ = headers.set("Idempotency-Key", &submission.id);
        init.set_headers(&headers);
    }
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    let timer = controller.clone().map(|c| Timeout::new(TIMEOUT_MS, move || c.abort()));
    let answer = JsFuture::from(crate::env::window().fetch_with_str_and_init(endpoint, &init)).await;
    drop(timer);
    let response: Response = match answer.map(JsCast::dyn_into) {
        Ok(Ok(r)) => r,
        _ if controller.is_some_and(|c| c.signal().aborted()) => return Outcome::Timeout,
        _ => return Outcome::Network,
    };
    match reply_of(response.status()) {
        Reply::Accepted => Outcome::Sent,
        Reply::Retry => Outcome::Server,
        Reply::Refused => Outcome::Refused(reason(&response).await.unwrap_or_else(|| format!("HTTP {}", response.status()))),
    }
}

/// JSON text of the submission; `None` fields become `null`, as in the contract's example.
fn to_json(submission: &Submission) -> Result<String, JsValue> {
    let value = submission.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?;
    JSON::stringify(&value)?.as_string().ok_or(JsValue::NULL)
}

/// The endpoint's own explanation: `{"error": "…"}` and, from the inbox, the first problem's field.
async fn reason(response: &Response) -> Option<String> {
    let text = JsFuture::from(response.text().ok()?).await.ok()?;
    let body = JSON::parse(&text.as_string()?).ok()?;
    let get = |v: &JsValue, key: &str| Reflect::get(v, &key.into()).ok();
    let problem = get(&body, "problems").and_then(|p| get(&p, "0"));
    let field = problem.as_ref().and_then(|p| get(p, "field")).and_then(|f| f.as_string());
    let message = problem.as_ref().and_then(|p| get(p, "message")).and_then(|m| m.as_string());
    let reason = match (field, message) {
        (Some(field), Some(message)) => format!("{field} {message}"),
        _ => get(&body, "error")?.as_string()?,
    };
    Some(reason.chars().take(300).collect())
}
