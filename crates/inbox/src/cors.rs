//! CORS and site recognition for the feedback endpoint, as one middleware: the request's
//! `Origin` names the configured site; an allowed origin gets it echoed back (or `*` in the open
//! zero-config mode), a refused one gets a 403 JSON error and no CORS headers at all.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ORIGIN, VARY,
};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::ApiError;
use crate::config::{normalize_origin, SiteMatch};
use crate::App;

/// The site a request was recognised as, with its effective limits (handed to the handler).
#[derive(Clone, Debug)]
pub struct SiteContext {
    /// The configured site's name; in open mode the request's origin, normalised (or empty
    /// without a valid one).
    pub name: String,
    pub max_body_bytes: usize,
    pub per_minute: u32,
    /// The TCP peer, for per-IP rate limits.
    pub peer: Option<SocketAddr>,
}

/// Recognises the site, refuses unknown origins, and adds CORS headers to every answer
/// (errors included, so the widget can read why it was refused).
pub async fn guard(State(app): State<Arc<App>>, mut request: Request, next: Next) -> Response {
    let origin = request
        .headers()
        .get(ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let config = &app.config;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let (context, allow_origin) = if config.sites.is_empty() {
        // Any origin may post, and the origin names the site (in the inbox, in e-mail subjects):
        // only a real `scheme://host[:port]` is taken as one; anything else is no site.
        let context = SiteContext {
            name: origin
                .as_deref()
                .and_then(normalize_origin)
                .unwrap_or_default(),
            max_body_bytes: config.limits.max_body_bytes,
            per_minute: config.rate_limit.per_site_per_minute,
            peer,
        };
        (context, HeaderValue::from_static("*"))
    } else {
        let Some(origin) = origin else {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "an Origin header naming a configured site is required".into(),
            )
            .into_response();
        };
        let site = match config.site_for(&origin) {
            SiteMatch::Site(site) => site,
            SiteMatch::Open | SiteMatch::Refused => {
                return ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!("origin {origin:?} may not send feedback here"),
                )
                .into_response()
            }
        };
        let context = SiteContext {
            name: site.name.clone(),
            max_body_bytes: site.max_body_bytes.unwrap_or(config.limits.max_body_bytes),
            per_minute: site
                .per_minute
                .unwrap_or(config.rate_limit.per_site_per_minute),
            peer,
        };
        let Ok(value) = HeaderValue::from_str(&origin) else {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "the Origin header is not valid".into(),
            )
            .into_response();
        };
        (context, value)
    };
    request.extensions_mut().insert(context);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin.clone());
    // The widget waits as long as a 429 or 503 asks; the browser shows it the header only if exposed.
    headers.insert(
        ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("retry-after"),
    );
    if allow_origin != "*" {
        // The answer depends on the Origin: caches must not hand one site's answer to another.
        headers.append(VARY, HeaderValue::from_static("origin"));
    }
    response
}

/// Answers a preflight that [`guard`] let through: a JSON POST with an `Idempotency-Key` is not
/// a "simple" request.
pub async fn preflight() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [
            (ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS"),
            (
                ACCESS_CONTROL_ALLOW_HEADERS,
                "content-type, idempotency-key",
            ),
            // A day: the browser's own cap is lower (Chromium: 2 h), so this just means "as long as allowed".
            (ACCESS_CONTROL_MAX_AGE, "86400"),
        ],
    )
}
