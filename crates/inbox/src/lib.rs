//! The inbox server: receives the widget's feedback (contracts §6), stores each submission
//! exactly once (SQLite or PostgreSQL), shows it to the owner at `/inbox`, and serves the demo
//! site and the built widget.
//!
//! `main.rs` only reads the command line and configuration and binds; everything here is usable
//! in-process, which is how the integration tests run it.

pub mod api;
pub mod auth;
pub mod config;
pub mod cors;
pub mod forward;
pub mod insights;
pub mod logging;
pub mod rate_limit;
pub mod static_files;
pub mod store;
pub mod team;
pub mod time;
pub mod ui;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;

pub use config::Config;
pub use store::{
    Inserted, NewFeedback, PostgresStore, SqliteStore, Store, StoreError, StoredSubmission,
};

/// What every handler shares.
pub struct App {
    pub store: Arc<dyn Store>,
    pub config: Config,
    pub per_ip: rate_limit::Buckets,
    pub per_site: rate_limit::Buckets,
    /// Bounds the memory of login password checks.
    pub passwords: Arc<auth::PasswordGate>,
    /// Wakes the forwarding worker when a new message has queued jobs.
    pub forward_wakeup: tokio::sync::Notify,
}

impl App {
    pub fn new(store: Arc<dyn Store>, config: Config) -> Arc<App> {
        Arc::new(App {
            store,
            config,
            per_ip: Default::default(),
            per_site: Default::default(),
            passwords: Default::default(),
            forward_wakeup: tokio::sync::Notify::new(),
        })
    }
}

/// Every route: the feedback and insight-event APIs, the inbox UI, `/healthz`, `/dist/*` from `dist`, the rest from `www`.
pub fn router(app: Arc<App>, www: &Path, dist: &Path) -> Router {
    let health = Router::new()
        .route("/healthz", get(health))
        .with_state(Arc::clone(&app));
    api::routes(Arc::clone(&app))
        .merge(insights::routes(Arc::clone(&app)))
        .merge(ui::routes(app))
        .merge(health)
        .merge(static_files::routes(www, dist))
}

/// `/healthz`: `ok` when the store answers, so a load balancer drops an instance whose database is gone.
async fn health(
    State(app): State<Arc<App>>,
) -> Result<&'static str, (axum::http::StatusCode, Json<serde_json::Value>)> {
    match app.store.list(&store::Filter::default(), None, 1).await {
        Ok(_) => Ok("ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: storage failed");
            Err((
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({"error": "storage unavailable"})),
            ))
        }
    }
}

/// Opens the store the configuration names: PostgreSQL when `database_url` is set, else the
/// SQLite file at `sqlite_path` (its directory is created).
pub async fn open_store(config: &Config, sqlite_path: &Path) -> Result<Arc<dyn Store>, String> {
    if let Some(url) = &config.database_url {
        let store = PostgresStore::connect(url, None)
            .await
            .map_err(|e| format!("cannot connect to PostgreSQL: {e}"))?;
        return Ok(Arc::new(store));
    }
    if let Some(parent) = sqlite_path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let store = SqliteStore::open(sqlite_path)
        .map_err(|e| format!("cannot open {}: {e}", sqlite_path.display()))?;
    Ok(Arc::new(store))
}

/// Serves `router` on `listener` until `shutdown` completes, then lets open requests finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
