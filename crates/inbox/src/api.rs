//! `/api/feedback`: take a submission (contracts §6), store it exactly once, list what is stored.
//!
//! Every refusal is a JSON `{"error": …}` with a status the widget's retry logic understands:
//! 4xx means "this request will never succeed", 5xx means "try again later".

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use widget_core::submission::{Problem, Submission};

use crate::cors;
use crate::store::{Inserted, Store, StoreError, StoredSubmission};

/// Largest accepted request body. A submission at every field's limit is about 15 KiB.
pub const BODY_LIMIT: usize = 64 * 1024;

type SharedStore = Arc<dyn Store>;

/// The feedback routes, over `store`.
pub fn routes(store: SharedStore) -> Router {
    // Only what the widget calls is open to other origins; the listing stays same-origin.
    let cross_origin = post(submit)
        .options(cors::preflight)
        .route_layer(DefaultBodyLimit::max(BODY_LIMIT))
        .route_layer(cors::allow_any_origin());
    Router::new().route("/api/feedback", get(list).merge(cross_origin)).with_state(store)
}

/// The answer to an accepted submission.
#[derive(Serialize)]
struct Receipt {
    id: String,
    /// Always `stored`: a retry of a stored submission gets the first answer again.
    status: &'static str,
}

async fn submit(
    State(store): State<SharedStore>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let submission = read_submission(&headers, body)?;
    let received_at = SystemTime::now();
    let id = submission.id.clone();
    let inserted = blocking(move || store.insert(&submission, received_at)).await?;
    let receipt = (StatusCode::CREATED, Json(Receipt { id, status: "stored" }));
    // Idempotency: every retry of a stored submission gets the first answer again (marked as a
    // replay); the same id with another body is a client bug, refused so it cannot hide.
    Ok(match inserted {
        Inserted::New => receipt.into_response(),
        Inserted::Retry => ([("idempotent-replayed", "true")], receipt).into_response(),
        Inserted::Conflict => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "this id was already used for a different submission".into(),
            ))
        }
    })
}

async fn list(State(store): State<SharedStore>) -> Result<Json<Vec<StoredSubmission>>, ApiError> {
    Ok(Json(blocking(move || store.list()).await?))
}

/// The request as a valid submission, or why not.
fn read_submission(headers: &HeaderMap, body: Result<Bytes, BytesRejection>) -> Result<Submission, ApiError> {
    check_content_type(headers)?;
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("request body is larger than {BODY_LIMIT} bytes"))
        }
        status => ApiError::new(status, rejection.body_text()),
    })?;
    let submission: Submission = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")))?;
    // The key is optional (the text/plain mode cannot send it), but if present it must name
    // this submission: a mismatch means a confused client, and storing would hide that.
    if let Some(key) = headers.get("idempotency-key") {
        if key.as_bytes() != submission.id.as_bytes() {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "the Idempotency-Key header differs from the body's id".into(),
            ));
        }
    }
    let problems = submission.problems();
    if !problems.is_empty() {
        return Err(ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            error: "invalid submission".into(),
            problems,
        });
    }
    Ok(submission)
}

/// JSON, or the same JSON as `text/plain`: the "simple" CORS mode for endpoints behind
/// something that cannot answer a preflight (contracts §6). Both are parsed alike.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers.get(CONTENT_TYPE).map_or("", |v| v.to_str().unwrap_or("?"));
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") || essence.eq_ignore_ascii_case("text/plain") {
        return Ok(());
    }
    let got = if value.is_empty() { "none".to_string() } else { format!("{value:?}") };
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("Content-Type must be application/json or text/plain, got {got}"),
    ))
}

/// Runs a store call on the blocking pool, so SQLite's file IO does not stall the async workers.
async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(call).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(ApiError::internal(&e)),
        Err(e) => Err(ApiError::internal(&e)),
    }
}

/// A refused request: its status and the JSON body explaining it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    problems: Vec<Problem>,
}

impl ApiError {
    fn new(status: StatusCode, error: String) -> Self {
        ApiError { status, error, problems: Vec::new() }
    }

    /// A server-side failure: logged in full, answered without internals (and as 5xx, so the
    /// widget keeps the submission and retries).
    fn internal(cause: &dyn std::fmt::Display) -> Self {
        eprintln!("inbox: storage failed: {cause}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "the inbox storage failed; try again later".into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        #[derive(Serialize)]
        struct Body {
            error: String,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            problems: Vec<Problem>,
        }
        (self.status, Json(Body { error: self.error, problems: self.problems })).into_response()
    }
}
