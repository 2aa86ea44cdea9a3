//! CORS for the feedback endpoint: the widget runs on the site owner's origin and POSTs here
//! without credentials, so `*` is the honest answer and nothing more is needed.

use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
};
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use tower_http::set_header::SetResponseHeaderLayer;

/// Adds `Access-Control-Allow-Origin: *` to every response of the wrapped routes, errors
/// included, so the widget can read why a submission was refused.
pub fn allow_any_origin() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"))
}

/// Answers a preflight: a JSON POST with an `Idempotency-Key` is not a "simple" request.
pub async fn preflight() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [
            (ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
            (ACCESS_CONTROL_ALLOW_METHODS, "POST, OPTIONS"),
            (ACCESS_CONTROL_ALLOW_HEADERS, "content-type, idempotency-key"),
            // A day: the browser's own cap is lower (Chromium: 2 h), so this just means "as long as allowed".
            (ACCESS_CONTROL_MAX_AGE, "86400"),
        ],
    )
}
