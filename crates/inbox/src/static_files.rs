//! Static files: the built widget under `/dist/`, the demo site everywhere else.
//!
//! Both directories are read per request, so they may be missing at start (404s) and rebuilt
//! while the server runs.

use std::path::Path;

use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL};
use axum::http::{HeaderName, HeaderValue};
use axum::routing::get_service;
use axum::Router;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// Routes `/dist/*` to `dist` and every other path to `www` (`index.html` for directories).
/// Content types come from the file extension (`.wasm` → `application/wasm`, which
/// `WebAssembly.instantiateStreaming` insists on).
pub fn routes(www: &Path, dist: &Path) -> Router {
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value))
    };
    let dist = get_service(ServeDir::new(dist))
        // The widget is embedded on other origins: its files are loaded cross-origin, and a
        // wasm `fetch` from another origin is a CORS request, so both policies allow any origin.
        .route_layer(header(HeaderName::from_static("cross-origin-resource-policy"), "cross-origin"))
        .route_layer(header(ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        // Revalidate on every load until `dist/` has content-hashed names.
        .route_layer(header(CACHE_CONTROL, "no-cache"));
    Router::new().nest_service("/dist", dist).fallback_service(ServeDir::new(www))
}
