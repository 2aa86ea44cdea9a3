//! `/api/feedback`: take a submission (contracts §6), store it exactly once, list what is stored.
//!
//! Every refusal is a JSON `{"error": …}` with a status the widget's retry logic understands:
//! 4xx means "this request will never succeed" (429 and its `Retry-After` excepted), 5xx means
//! "try again later".

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{CONTENT_TYPE, LINK, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Extension, Json, Router};
use serde::{Deserialize, Serialize};
use widget_core::submission::{Problem, Submission};

use crate::cors::{self, SiteContext};
use crate::rate_limit::{client_ip, retry_after_secs};
use crate::store::{customer_key, Cursor, Filter, Inserted, NewFeedback, Site, Status, StoreError};
use crate::ui::query_value;
use crate::{auth, App};

/// The feedback routes.
pub fn routes(app: Arc<App>) -> Router {
    // Only what the widget calls is open to other origins; the listing stays same-origin.
    let cross_origin = post(submit)
        .options(cors::preflight)
        .route_layer(DefaultBodyLimit::max(app.config.largest_body()))
        .route_layer(middleware::from_fn_with_state(
            Arc::clone(&app),
            cors::guard,
        ));
    Router::new()
        .route("/api/feedback", get(list).merge(cross_origin))
        .route("/api/feedback/{id}", get(one))
        .with_state(app)
}

/// The answer to an accepted submission.
#[derive(Serialize)]
struct Receipt {
    id: String,
    /// Always `stored`: a retry of a stored submission gets the first answer again.
    status: &'static str,
}

async fn submit(
    State(app): State<Arc<App>>,
    Extension(site): Extension<SiteContext>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let ip = client_ip(&headers, site.peer, &app.config.rate_limit);
    let limited = app
        .per_ip
        .take(&ip, app.config.rate_limit.per_ip_per_minute)
        .and_then(|()| app.per_site.take(&site.name, site.per_minute));
    if let Err(wait) = limited {
        let secs = retry_after_secs(wait);
        tracing::info!(ip, site = site.name, retry_after = secs, "rate limited");
        let error = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("too many submissions; retry in {secs} s"),
        );
        return Ok(([(RETRY_AFTER, secs.to_string())], error).into_response());
    }
    let body = read_body(&headers, body, site.max_body_bytes)?;
    let submission = read_submission(&headers, &body)?;
    // Spam signals come from the widget, which can see them (the honeypot, the time from opening
    // to sending), as the payload's `flags`. Recorded for the owner to filter, never a reason to
    // refuse: a false positive would lose a real customer's message.
    let flags = submission.flags.clone();
    let id = submission.id.clone();
    let new = NewFeedback {
        submission,
        received_at: crate::time::rfc3339(SystemTime::now()),
        site: site.name.clone(),
        flags,
        forward_to: app.config.forward_targets(),
    };
    let inserted = app
        .store
        .insert(&new)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let receipt = (
        StatusCode::CREATED,
        Json(Receipt {
            id: id.clone(),
            status: "stored",
        }),
    );
    // Idempotency: every retry of a stored submission gets the first answer again (marked as a
    // replay); the same id with another body is a client bug, refused so it cannot hide.
    Ok(match inserted {
        Inserted::New => {
            tracing::info!(id, site = site.name, flags = ?new.flags, "stored");
            if !new.forward_to.is_empty() {
                app.forward_wakeup.notify_one();
            }
            receipt.into_response()
        }
        Inserted::Retry => ([("idempotent-replayed", "true")], receipt).into_response(),
        Inserted::Conflict => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "this id was already used for a different submission".into(),
            ))
        }
    })
}

/// Rows in a page of `GET /api/feedback` unless `limit` says otherwise.
pub const DEFAULT_PAGE: u32 = 100;
/// The most rows one page holds; the exports stream everything.
pub const MAX_PAGE: u32 = 1000;

/// The listing's query string: the same filters as the inbox UI, and which page.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub site: Option<String>,
    #[serde(default)]
    pub rating: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// `open`, `answered`, `closed`, or empty for every status.
    #[serde(default)]
    pub status: Option<String>,
    /// `yes` (answered or closed), `no` (open), or empty for both: what clients asked before
    /// there was a status.
    #[serde(default)]
    pub handled: Option<String>,
    /// A teammate's name, or `me`: the messages assigned to them.
    #[serde(default)]
    pub assignee: Option<String>,
    /// One customer's messages: their e-mail address, in any case.
    #[serde(default)]
    pub email: Option<String>,
    /// `customer`: one row per customer, their newest matching message.
    #[serde(default)]
    pub group: Option<String>,
    /// `yes` (only messages with spam flags), `no` (only without), `any` or empty for both.
    /// The JSON listing and the exports default to both; the inbox's list shows `no` unless told.
    #[serde(default)]
    pub spam: Option<String>,
    /// Rows per page, 1 to [`MAX_PAGE`].
    #[serde(default)]
    pub limit: Option<String>,
    /// Where the page starts, as the previous page's `Link: rel="next"` said.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A parameter's value, unless absent or blank.
fn present(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
}

impl ListQuery {
    /// The page asked for: where it starts and how many rows (`default` unless `limit` is
    /// given), or which parameter is wrong.
    pub fn page(&self, default: u32) -> Result<(Option<Cursor>, u32), String> {
        let limit = match present(&self.limit) {
            None => default,
            Some(l) => match l.parse::<u32>() {
                Ok(n @ 1..=MAX_PAGE) => n,
                _ => return Err(format!("limit must be 1 to {MAX_PAGE}, got {l:?}")),
            },
        };
        let cursor = match present(&self.cursor) {
            None => None,
            Some(c) => Some(
                Cursor::decode(&c)
                    .ok_or_else(|| format!("cursor {c:?} is not one this inbox gave"))?,
            ),
        };
        Ok((cursor, limit))
    }

    /// `?q=…&site=…` of the non-empty filters and `limit`, then `cursor=` when given,
    /// percent-encoded (empty when there is nothing to say).
    pub fn query_string(&self, cursor: Option<&Cursor>) -> String {
        let filters = [
            ("q", &self.q),
            ("site", &self.site),
            ("rating", &self.rating),
            ("from", &self.from),
            ("to", &self.to),
            ("status", &self.status),
            ("handled", &self.handled),
            ("assignee", &self.assignee),
            ("email", &self.email),
            ("group", &self.group),
            ("spam", &self.spam),
            ("limit", &self.limit),
        ];
        let pairs: Vec<String> = filters
            .into_iter()
            .filter_map(|(k, v)| {
                v.as_deref()
                    .filter(|v| !v.is_empty())
                    .map(|v| format!("{k}={}", query_value(v)))
            })
            .chain(cursor.map(|c| format!("cursor={}", query_value(&c.encode()))))
            .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }

    /// Whether one row per customer is asked for (`group=customer`), or which value is wrong.
    pub fn per_customer(&self) -> Result<bool, String> {
        match present(&self.group).as_deref() {
            None => Ok(false),
            Some("customer") => Ok(true),
            Some(other) => Err(format!("group must be customer, got {other:?}")),
        }
    }

    /// The store filter on `app` for `caller` (whose name `assignee=me` means), or which
    /// parameter is wrong. With sites configured `site` is one of their names; without, the
    /// site is the origin, found by any part of it.
    pub fn filter_for(&self, app: &App, caller: &auth::Caller) -> Result<Filter, String> {
        let mut filter = self.filter()?;
        if filter.assignee.as_deref() == Some("me") {
            filter.assignee = Some(caller.actor().to_string());
        }
        if app.config.sites.is_empty() {
            if let Some(Site::Name(part)) = filter.site.take() {
                filter.site = Some(Site::Part(part));
            }
        }
        Ok(filter)
    }

    /// The store filter as the query says it (`site` a name, `assignee` as written), or which
    /// parameter is wrong.
    pub fn filter(&self) -> Result<Filter, String> {
        let rating = match present(&self.rating) {
            None => None,
            Some(r) => match r.parse::<u8>() {
                Ok(n @ 1..=5) => Some(n),
                _ => return Err(format!("rating must be 1 to 5, got {r:?}")),
            },
        };
        let day = |name: &str, v: &Option<String>| -> Result<Option<String>, String> {
            match present(v) {
                Some(d) if !is_day(&d) => {
                    Err(format!("{name} must be a date like 2026-11-24, got {d:?}"))
                }
                other => Ok(other),
            }
        };
        let yes_no = |name: &str, v: &Option<String>| match present(v).as_deref() {
            None | Some("any") => Ok(None),
            Some("yes") => Ok(Some(true)),
            Some("no") => Ok(Some(false)),
            Some(other) => Err(format!("{name} must be yes, no or any, got {other:?}")),
        };
        let status = match present(&self.status) {
            None => None,
            Some(s) if s == "any" => None,
            Some(s) => Some(Status::from_name(&s).ok_or_else(|| {
                format!("status must be open, answered, closed or any, got {s:?}")
            })?),
        };
        self.per_customer()?;
        Ok(Filter {
            text: present(&self.q),
            site: present(&self.site).map(Site::Name),
            rating,
            from: day("from", &self.from)?,
            to: day("to", &self.to)?,
            status,
            handled: yes_no("handled", &self.handled)?,
            assignee: present(&self.assignee),
            customer: present(&self.email).and_then(|e| customer_key(Some(&e))),
            flagged: yes_no("spam", &self.spam)?,
        })
    }
}

pub(crate) fn is_day(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `GET /api/feedback`: open in the zero-config demo; with a password configured it needs a
/// login session or `Authorization: Bearer <api_token>`. One page of [`DEFAULT_PAGE`] rows (or
/// `limit`, at most [`MAX_PAGE`]) as a JSON array, and `Link: <…>; rel="next"` while more follow.
async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    query: Query<ListQuery>,
) -> Result<Response, ApiError> {
    let caller = auth::caller(&app, &headers).await;
    if !caller.may_read() {
        return Err(unauthorized());
    }
    let bad_request = |e| ApiError::new(StatusCode::BAD_REQUEST, e);
    let filter = query.filter_for(&app, &caller).map_err(bad_request)?;
    let (after, limit) = query.page(DEFAULT_PAGE).map_err(bad_request)?;
    let page = if query.per_customer().map_err(bad_request)? {
        app.store
            .list_customers(&filter, after.as_ref(), limit)
            .await
    } else {
        app.store.list(&filter, after.as_ref(), limit).await
    }
    .map_err(|e| ApiError::internal(&e))?;
    let mut response = Json(page.rows).into_response();
    if let Some(next) = &page.next {
        let link = format!(
            "</api/feedback{}>; rel=\"next\"",
            query.query_string(Some(next))
        );
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(LINK, value);
        }
    }
    Ok(response)
}

fn unauthorized() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "log in at /inbox or send Authorization: Bearer <token>".into(),
    )
}

/// One message with what the team did: `GET /api/feedback/{id}` is the message as the listing
/// has it, plus `replies` (oldest first, each with its delivery) and `activity` (status changes,
/// assignments and notes, oldest first, each with who and when).
#[derive(Serialize)]
struct Thread {
    #[serde(flatten)]
    message: crate::store::StoredSubmission,
    replies: Vec<crate::store::Reply>,
    activity: Vec<crate::store::Event>,
}

async fn one(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    if !auth::may_read(&app, &headers).await {
        return Err(unauthorized());
    }
    let store = &app.store;
    let internal = |e: StoreError| ApiError::internal(&e);
    let Some(message) = store.get(&id).await.map_err(internal)? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no message with this id".into(),
        ));
    };
    let replies = store.replies(&id).await.map_err(internal)?;
    let activity = store.activity(&id).await.map_err(internal)?;
    Ok(Json(Thread {
        message,
        replies,
        activity,
    })
    .into_response())
}

/// The body within the site's limit, with a JSON reason when it is not.
pub(crate) fn read_body(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<Bytes, ApiError> {
    check_content_type(headers)?;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request body is larger than {limit} bytes"),
        )
    };
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(),
        status => ApiError::new(status, rejection.body_text()),
    })?;
    if body.len() > limit {
        return Err(too_large());
    }
    Ok(body)
}

/// The request as a valid submission, or why not. The id is kept in lower case: one UUID
/// written in either case is one submission.
fn read_submission(headers: &HeaderMap, body: &[u8]) -> Result<Submission, ApiError> {
    let mut submission: Submission = serde_json::from_slice(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("invalid JSON: {e}")))?;
    submission.id.make_ascii_lowercase();
    // The key is optional (the text/plain mode cannot send it), but if present it must name
    // this submission: a mismatch means a confused client, and storing would hide that. Two
    // keys are as confused.
    let keys: Vec<&HeaderValue> = headers.get_all("idempotency-key").iter().collect();
    match keys[..] {
        [] => {}
        [key]
            if key
                .as_bytes()
                .eq_ignore_ascii_case(submission.id.as_bytes()) => {}
        [_] => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "the Idempotency-Key header differs from the body's id".into(),
            ))
        }
        _ => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "send at most one Idempotency-Key header".into(),
            ))
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
    let value = headers
        .get(CONTENT_TYPE)
        .map_or("", |v| v.to_str().unwrap_or("?"));
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("text/plain")
    {
        return Ok(());
    }
    let got = if value.is_empty() {
        "none".to_string()
    } else {
        format!("{value:?}")
    };
    Err(ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        format!("Content-Type must be application/json or text/plain, got {got}"),
    ))
}

/// A refused request: its status and the JSON body explaining it.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    error: String,
    problems: Vec<Problem>,
}

impl ApiError {
    pub fn new(status: StatusCode, error: String) -> Self {
        ApiError {
            status,
            error,
            problems: Vec::new(),
        }
    }

    /// A server-side failure: logged in full, answered without internals (and as 5xx, so the
    /// widget keeps the submission and retries).
    pub fn internal(cause: &StoreError) -> Self {
        tracing::error!(error = %cause, "storage failed");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the inbox storage failed; try again later".into(),
        )
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
        (
            self.status,
            Json(Body {
                error: self.error,
                problems: self.problems,
            }),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The query string of `pairs`, as axum reads it.
    fn query(pairs: &[(&str, &str)]) -> ListQuery {
        let mut q = ListQuery::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "q" => q.q = v,
                "site" => q.site = v,
                "rating" => q.rating = v,
                "from" => q.from = v,
                "to" => q.to = v,
                "limit" => q.limit = v,
                "cursor" => q.cursor = v,
                "spam" => q.spam = v,
                "status" => q.status = v,
                "assignee" => q.assignee = v,
                "email" => q.email = v,
                "group" => q.group = v,
                _ => q.handled = v,
            }
        }
        q
    }

    #[test]
    fn reads_list_filters() {
        let query = |pairs: &[(&str, &str)]| query(pairs).filter();
        assert_eq!(query(&[]), Ok(Filter::default()));
        assert_eq!(
            query(&[("rating", ""), ("handled", "any"), ("q", " ")]),
            Ok(Filter::default())
        );
        assert_eq!(
            query(&[("rating", "4"), ("handled", "no"), ("from", "2026-11-01")]),
            Ok(Filter {
                rating: Some(4),
                handled: Some(false),
                from: Some("2026-11-01".into()),
                ..Filter::default()
            })
        );
        assert_eq!(
            query(&[("rating", "6")]),
            Err("rating must be 1 to 5, got \"6\"".into())
        );
        assert_eq!(
            query(&[("to", "24.11.2026")]),
            Err("to must be a date like 2026-11-24, got \"24.11.2026\"".into())
        );
        assert_eq!(
            query(&[("handled", "maybe")]),
            Err("handled must be yes, no or any, got \"maybe\"".into())
        );
        assert_eq!(
            query(&[("spam", "yes")]),
            Ok(Filter {
                flagged: Some(true),
                ..Filter::default()
            })
        );
        assert_eq!(
            query(&[("spam", "any")]),
            Ok(Filter::default()),
            "both, as without the parameter"
        );
        assert_eq!(
            query(&[("spam", "1")]),
            Err("spam must be yes, no or any, got \"1\"".into())
        );
        assert_eq!(
            query(&[
                ("status", "closed"),
                ("assignee", "ana"),
                ("email", " Ana@Example.ORG")
            ]),
            Ok(Filter {
                status: Some(Status::Closed),
                assignee: Some("ana".into()),
                customer: Some("ana@example.org".into()),
                ..Filter::default()
            })
        );
        assert_eq!(query(&[("status", "any")]), Ok(Filter::default()));
        assert_eq!(
            query(&[("status", "handled")]),
            Err("status must be open, answered, closed or any, got \"handled\"".into())
        );
        assert_eq!(
            query(&[("group", "site")]),
            Err("group must be customer, got \"site\"".into())
        );
    }

    #[test]
    fn reads_pages_and_writes_the_next_link() {
        let cursor = Cursor {
            received_at: "2026-11-22T10:15:31.000Z".into(),
            seq: 7,
        };
        assert_eq!(query(&[]).page(100), Ok((None, 100)));
        assert_eq!(
            query(&[("limit", "1000"), ("cursor", &cursor.encode())]).page(100),
            Ok((Some(cursor.clone()), 1000))
        );
        for bad in ["0", "1001", "-1", "x"] {
            assert_eq!(
                query(&[("limit", bad)]).page(100),
                Err(format!("limit must be 1 to 1000, got {bad:?}"))
            );
        }
        assert!(query(&[("cursor", "1 OR 1")])
            .page(100)
            .is_err_and(|e| e.contains("is not one this inbox gave")));
        assert_eq!(query(&[]).query_string(None), "");
        assert_eq!(
            query(&[
                ("q", "a&b"),
                ("rating", "4"),
                ("limit", "5"),
                ("cursor", "old")
            ])
            .query_string(Some(&cursor)),
            "?q=a%26b&rating=4&limit=5&cursor=2026-11-22T10%3A15%3A31.000Z_7"
        );
    }
}
