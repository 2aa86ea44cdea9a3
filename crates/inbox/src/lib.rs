//! The inbox server: receives the widget's feedback (contracts §6), stores each submission
//! exactly once, lists what it has, and serves the demo site and the built widget.
//!
//! `main.rs` only parses the command line and binds; everything here is usable in-process, which
//! is how the integration tests run it.

pub mod api;
pub mod cors;
pub mod static_files;
pub mod store;
pub mod time;

use std::future::Future;
use std::io;
use std::path::Path;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use tokio::net::TcpListener;

pub use store::{Inserted, SqliteStore, Store, StoreError, StoredSubmission};

/// Every route: the feedback API, `/healthz`, `/dist/*` from `dist`, the rest from `www`.
pub fn router(store: Arc<dyn Store>, www: &Path, dist: &Path) -> Router {
    api::routes(store).route("/healthz", get(|| async { "ok" })).merge(static_files::routes(www, dist))
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, router).with_graceful_shutdown(shutdown).await
}
