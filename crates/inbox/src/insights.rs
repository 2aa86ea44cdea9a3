//! `POST /api/events`: the widget's insight events, sent only when its owner turned `insights`
//! on, one per interaction (the panel opened, a channel used). Each adds one to a counter per UTC
//! day, site, event, channel, action, path, language and device (`store/insights.rs`): no row per
//! visitor, and nothing else of the request is kept: not its address, not its user agent.
//!
//! The site is recognised by `Origin` as for submissions (`cors::guard`: an unlisted one gets a
//! 403), and events are rate-limited like submissions, in buckets of their own. The widget sends
//! them as simple `no-cors` requests and never reads the answer: 204, or a 4xx saying what is
//! wrong for anyone testing by hand.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{middleware, Extension, Router};
use serde::Deserialize;
use widget_core::channel::Kind;

use crate::api::{read_body, ApiError};
use crate::cors::{self, SiteContext};
use crate::rate_limit::{client_ip, retry_after_secs};
use crate::store::insights::CountKey;
use crate::App;

/// The largest event body accepted: a few short words and a path.
pub const MAX_BODY: usize = 2048;
// What the widget sends is the core's: the events, the actions on a channel, the device classes
// and the longest path.
use widget_core::insights::{ACTIONS, DEVICES, PATH_MAX as MAX_PATH};

pub fn routes(app: Arc<App>) -> Router {
    let events = post(record)
        .options(cors::preflight)
        .route_layer(DefaultBodyLimit::max(MAX_BODY))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            cors::guard,
        ));
    Router::new().route("/api/events", events).with_state(app)
}

async fn record(
    State(app): State<Arc<App>>,
    Extension(site): Extension<SiteContext>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let limits = &app.config.rate_limit;
    let per_ip = limits
        .events_per_ip_per_minute
        .unwrap_or(limits.per_ip_per_minute);
    let per_site = limits.events_per_site_per_minute.unwrap_or(site.per_minute);
    // The address is a key in memory for the limit's minute, never written anywhere. Keys of
    // their own in the shared buckets: events never use up a visitor's submissions.
    let ip = client_ip(&headers, site.peer, limits);
    let limited = app
        .per_ip
        .take(&format!("event {ip}"), per_ip)
        .and_then(|()| app.per_site.take(&format!("event {}", site.name), per_site));
    if let Err(wait) = limited {
        let secs = retry_after_secs(wait);
        tracing::info!(site = site.name, retry_after = secs, "events rate limited");
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many events; retry in {secs} s"),
        );
        return ([(RETRY_AFTER, secs.to_string())], error).into_response();
    }
    let body = match read_body(&headers, body, MAX_BODY) {
        Ok(body) => body,
        Err(error) => return error.into_response(),
    };
    let mut key = match read_event(&body) {
        Ok(key) => key,
        Err(e) => return ApiError::new(StatusCode::BAD_REQUEST, e).into_response(),
    };
    key.day = crate::time::rfc3339(SystemTime::now())[..10].to_string();
    key.site = site.name;
    match app.store.count_event(&key).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => ApiError::internal(&e).into_response(),
    }
}

/// One event as the widget sends it. Other fields are ignored (and never kept), so a newer
/// widget's events still count here.
#[derive(Deserialize)]
struct Event {
    event: String,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    action: Option<String>,
    path: String,
    language: String,
    device: String,
}

/// The counter an event body adds to (its day and site still empty), or what is wrong with it.
fn read_event(body: &[u8]) -> Result<CountKey, String> {
    // An object first: serde would take a struct from an array of its fields too.
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).map_err(|e| format!("invalid event: {e}"))?;
    let e: Event =
        serde_json::from_value(object.into()).map_err(|e| format!("invalid event: {e}"))?;
    let (channel, action) = match (e.event.as_str(), e.channel, e.action) {
        ("open", None, None) => (String::new(), String::new()),
        ("open", _, _) => return Err("an \"open\" event has no channel or action".into()),
        ("channel", Some(channel), Some(action)) => {
            // The core's catalogue is the list of channel types.
            if Kind::from_name(&channel).is_none() {
                return Err(format!("{channel:?} is not a channel type of the widget"));
            }
            if !ACTIONS.contains(&action.as_str()) {
                return Err(format!(
                    "action must be one of {}, got {action:?}",
                    ACTIONS.join(", ")
                ));
            }
            (channel, action)
        }
        ("channel", _, _) => {
            return Err("a \"channel\" event needs a \"channel\" and an \"action\"".into())
        }
        (other, _, _) => return Err(format!("event must be open or channel, got {other:?}")),
    };
    check_path(&e.path)?;
    if !is_language_tag(&e.language) {
        return Err(format!(
            "language must be a language tag such as fr or pt-BR, got {:?}",
            e.language
        ));
    }
    if !DEVICES.contains(&e.device.as_str()) {
        return Err(format!(
            "device must be mobile or desktop, got {:?}",
            e.device
        ));
    }
    Ok(CountKey {
        event: e.event,
        channel,
        action,
        path: e.path,
        language: e.language,
        device: e.device,
        ..CountKey::default()
    })
}

/// A page path as the widget sends it: from `/`, without the query string or fragment (which
/// can carry what identifies a visitor), at most [`MAX_PATH`] characters.
fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path must start with /, got {path:?}"));
    }
    if path.contains(['?', '#']) {
        return Err("path must not have a query string or fragment".into());
    }
    if path.chars().count() > MAX_PATH {
        return Err(format!("path is longer than {MAX_PATH} characters"));
    }
    if path.chars().any(char::is_control) {
        return Err("path must not contain control characters".into());
    }
    Ok(())
}

/// A language tag as the widget's config takes it (the core's rule), of a sane length.
fn is_language_tag(tag: &str) -> bool {
    tag.len() <= 35 && widget_core::config::is_language_tag(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_two_events_and_says_what_is_wrong() {
        let read = |body: &str| read_event(body.as_bytes());
        let key = read(r#"{"event":"open","path":"/pricing","language":"fr","device":"mobile"}"#)
            .expect("valid");
        assert_eq!(
            key,
            CountKey {
                event: "open".into(),
                path: "/pricing".into(),
                language: "fr".into(),
                device: "mobile".into(),
                ..CountKey::default()
            }
        );
        let key = read(
            r#"{"event":"channel","channel":"whatsapp","action":"qr","path":"/","language":"pt-BR","device":"desktop","later":1}"#,
        )
        .expect("valid, the unknown field ignored");
        assert_eq!(
            (
                key.channel.as_str(),
                key.action.as_str(),
                key.language.as_str()
            ),
            ("whatsapp", "qr", "pt-BR")
        );
        let long = format!("/{}", "a".repeat(MAX_PATH));
        for (body, error) in [
            (
                "",
                "invalid event: EOF while parsing a value at line 1 column 0",
            ),
            (
                "[]",
                "invalid event: invalid type: sequence, expected a map at line 1 column 0",
            ),
            (
                r#"{"event":"open","language":"fr","device":"mobile"}"#,
                "invalid event: missing field `path`",
            ),
            (
                r#"{"event":"click","path":"/","language":"fr","device":"mobile"}"#,
                "event must be open or channel, got \"click\"",
            ),
            (
                r#"{"event":"open","channel":"phone","path":"/","language":"fr","device":"mobile"}"#,
                "an \"open\" event has no channel or action",
            ),
            (
                r#"{"event":"channel","channel":"phone","path":"/","language":"fr","device":"mobile"}"#,
                "a \"channel\" event needs a \"channel\" and an \"action\"",
            ),
            (
                r#"{"event":"channel","channel":"pigeon","action":"open","path":"/","language":"fr","device":"mobile"}"#,
                "\"pigeon\" is not a channel type of the widget",
            ),
            (
                r#"{"event":"channel","channel":"phone","action":"call","path":"/","language":"fr","device":"mobile"}"#,
                "action must be one of open, copy, qr, got \"call\"",
            ),
            (
                r#"{"event":"open","path":"pricing","language":"fr","device":"mobile"}"#,
                "path must start with /, got \"pricing\"",
            ),
            (
                r#"{"event":"open","path":"/a?email=x","language":"fr","device":"mobile"}"#,
                "path must not have a query string or fragment",
            ),
            (
                r#"{"event":"open","path":"/a#top","language":"fr","device":"mobile"}"#,
                "path must not have a query string or fragment",
            ),
            (
                &format!(r#"{{"event":"open","path":"{long}","language":"fr","device":"mobile"}}"#),
                "path is longer than 512 characters",
            ),
            (
                r#"{"event":"open","path":"/a\nb","language":"fr","device":"mobile"}"#,
                "path must not contain control characters",
            ),
            (
                r#"{"event":"open","path":"/","language":"french!","device":"mobile"}"#,
                "language must be a language tag such as fr or pt-BR, got \"french!\"",
            ),
            (
                r#"{"event":"open","path":"/","language":"fr","device":"tv"}"#,
                "device must be mobile or desktop, got \"tv\"",
            ),
            (
                r#"{"event":"open","path":"/","language":"fr","device":1}"#,
                "invalid event: invalid type: integer `1`, expected a string",
            ),
        ] {
            assert_eq!(read(body), Err(error.to_string()), "{body}");
        }
        // At the limit is fine; every catalogue type and action is.
        let at_limit = format!("/{}", "a".repeat(MAX_PATH - 1));
        assert!(check_path(&at_limit).is_ok());
        for kind in Kind::ALL {
            for action in ACTIONS {
                let body = format!(
                    r#"{{"event":"channel","channel":"{}","action":"{action}","path":"/","language":"en","device":"mobile"}}"#,
                    kind.name()
                );
                assert!(read(&body).is_ok(), "{body}");
            }
        }
    }
}
