//! Static files: the built widget under `/dist/`, the demo site everywhere else.
//!
//! `/dist/` serves `NAME.br` or `NAME.gz` (written by `cargo xtask dist`) in place of `NAME`
//! when the browser accepts that encoding, allows any origin to load the files, and caches by
//! name: a content-hashed name (`widget.0123abcd.js`) never changes, so it is `immutable` for a
//! year; every other name is revalidated on each load (`no-cache` with `Last-Modified`).
//!
//! Both directories are read per request, so they may be missing at start (404s) and rebuilt
//! while the server runs.

use std::path::Path;

use axum::extract::Request;
use axum::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, VARY};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get_service;
use axum::Router;
use tower_http::services::ServeDir;

/// A year: the longest `max-age` worth stating.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Routes `/dist/*` to `dist` and every other path to `www` (`index.html` for directories).
/// Content types come from the file extension (`.wasm` → `application/wasm`, which
/// `WebAssembly.instantiateStreaming` insists on), also for the compressed variants.
pub fn routes(www: &Path, dist: &Path) -> Router {
    let dist = get_service(ServeDir::new(dist).precompressed_br().precompressed_gzip())
        .route_layer(middleware::from_fn(dist_headers));
    Router::new()
        .nest_service("/dist", dist)
        .fallback_service(ServeDir::new(www))
}

/// The widget is embedded on other origins: its files are loaded cross-origin, and a wasm
/// `fetch` from another origin is a CORS request, so both policies allow any origin.
async fn dist_headers(request: Request, next: Next) -> Response {
    let cache = if is_content_hashed(request.uri().path()) {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if !headers.contains_key(VARY) {
        headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// Whether the file name carries a content hash: `name.HASH.ext` with 8 or more hex digits.
pub fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3 && {
        let hash = parts[parts.len() - 2];
        hash.len() >= 8 && hash.bytes().all(|b| b.is_ascii_hexdigit())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_content_hashed_names() {
        for (path, hashed) in [
            ("/widget.0123abcd.js", true),
            ("/dist/widget_bg.deadbeef00.wasm", true),
            ("/contact-widget.js", false),
            ("/widget_bg.wasm", false),
            ("/config.schema.json", false),
            ("/widget.0123abc.js", false),
            ("/widget.xyzxyzxy.js", false),
        ] {
            assert_eq!(is_content_hashed(path), hashed, "{path}");
        }
    }
}
