//! The inbox UI at `/inbox`: server-rendered HTML forms, no script. List with search and
//! filters, a chart, detail with the page it came from, mark handled, notes, CSV/JSON export.
//!
//! Every page needs a login when a password hash is configured (see `auth`); every form POST
//! carries the CSRF token. Answers are `no-store` and framed by a strict CSP.
//!
//! Here are the routes and handlers; the HTML is maud templates (escaping every value they
//! insert), a module per page (`list`, `detail`, `login`) with a function per part, on the frame
//! in `layout`. Visitor text goes through `html::visitor`/`visitor_url` (direction isolated).

mod chart;
mod detail;
mod export;
mod html;
mod insights;
mod layout;
mod list;
mod login;
mod spam;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::Markup;
use serde::Deserialize;

use crate::api::ListQuery;
use crate::auth::Caller;
use crate::rate_limit::client_ip;
use crate::store::{Cursor, Filter, StoredSubmission};
use crate::{auth, App};
pub use html::{excerpt, query_value};

/// Rows one list page shows unless `limit` says otherwise (at most `api::MAX_PAGE`); the
/// exports stream every row.
const PAGE_ROWS: u32 = 100;
/// Rows read from the store at a time while an export streams: its memory, however large the export.
const EXPORT_PAGE: u32 = 500;

pub fn routes(app: Arc<App>) -> Router {
    insights::routes()
        .route("/inbox", get(list))
        .route("/inbox/", get(|| async { redirect("/inbox") }))
        .route("/inbox/style.css", get(style))
        .route("/inbox/login", get(login_form).post(login))
        .route("/inbox/logout", post(logout))
        .route("/inbox/export.csv", get(export_csv))
        .route("/inbox/export.json", get(export_json))
        .route("/inbox/m/{id}", get(detail))
        .route("/inbox/m/{id}/handled", post(set_handled))
        .route("/inbox/m/{id}/note", post(set_note))
        .route("/inbox/m/{id}/not-spam", post(not_spam))
        .with_state(app)
}

const CSP: &str =
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// The headers of every UI answer.
fn page_headers() -> [(HeaderName, HeaderValue); 5] {
    [
        (
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(CSP),
        ),
        (
            HeaderName::from_static("cache-control"),
            HeaderValue::from_static("no-store"),
        ),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        (
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ),
        (
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ),
    ]
}

fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

/// An HTML page with the UI's headers.
fn html(status: StatusCode, page: Markup) -> Response {
    (
        status,
        page_headers(),
        [(
            HeaderName::from_static("content-type"),
            "text/html; charset=utf-8",
        )],
        page.into_string(),
    )
        .into_response()
}

/// An HTML answer, setting the CSRF cookie when the browser has none yet.
fn html_response(
    status: StatusCode,
    page: Markup,
    new_csrf: Option<String>,
    app: &App,
    headers: &HeaderMap,
) -> Response {
    let mut response = html(status, page);
    if let Some(token) = new_csrf {
        let cookie = auth::set_cookie(app, headers, auth::CSRF_COOKIE, &token, auth::SESSION_SECS);
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The CSRF token for this request's forms, and `Some(new)` when it must be set as a cookie: the
/// session's own token when logged in, else this browser's double-submit cookie.
fn csrf(caller: &Caller, headers: &HeaderMap) -> (String, Option<String>) {
    if let Caller::Session(token) = caller {
        return (auth::session_csrf(token), None);
    }
    match auth::csrf_token(headers) {
        Some(token) => (token, None),
        None => {
            let token = auth::new_csrf_token();
            (token.clone(), Some(token))
        }
    }
}

/// An error as a page of its own, with the way back.
fn error_page(status: StatusCode, message: &str) -> Response {
    html(status, layout::error(message))
}

async fn style() -> impl IntoResponse {
    (
        [
            ("content-type", "text/css; charset=utf-8"),
            ("cache-control", "no-cache"),
        ],
        include_str!("ui/style.css"),
    )
}

/// The header bar of a logged-in page, whose forms carry `token`.
fn header(app: &App, token: &str) -> Markup {
    layout::header(app.config.auth.password_hash.is_some(), token)
}

async fn list(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(mut query): Query<ListQuery>,
) -> Response {
    let caller = auth::caller(&app, &headers).await;
    if !caller.may_read() {
        return redirect("/inbox/login");
    }
    let (token, new_csrf) = csrf(&caller, &headers);
    spam::main_list_default(&mut query);
    let (filter, (after, limit)) = match query
        .filter()
        .and_then(|filter| Ok((filter, query.page(PAGE_ROWS)?)))
    {
        Ok(asked) => asked,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let daily = match app.store.daily(&filter).await {
        Ok(daily) => daily,
        Err(e) => return storage_failed(&e),
    };
    let rows = match app.store.list(&filter, after.as_ref(), limit).await {
        Ok(rows) => rows,
        Err(e) => return storage_failed(&e),
    };
    let flagged = match app
        .store
        .daily(&Filter {
            flagged: Some(true),
            ..filter.clone()
        })
        .await
    {
        Ok(daily) => daily.iter().map(|d| d.count).sum(),
        Err(e) => return storage_failed(&e),
    };
    let listing = list::Listing {
        query: &query,
        sites: &app.config.sites,
        daily: &daily,
        flagged,
        rows: &rows.rows,
        later: after.is_some(),
        next: rows.next.as_ref(),
    };
    let page = list::page(header(&app, &token), &listing);
    html_response(StatusCode::OK, page, new_csrf, &app, &headers)
}

fn storage_failed(e: &crate::StoreError) -> Response {
    tracing::error!(error = %e, "storage failed");
    error_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The inbox storage failed; try again later.",
    )
}

async fn detail(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let caller = auth::caller(&app, &headers).await;
    if !caller.may_read() {
        return redirect("/inbox/login");
    }
    let (token, new_csrf) = csrf(&caller, &headers);
    let row = match app.store.get(&id).await {
        Ok(Some(row)) => row,
        Ok(None) => return error_page(StatusCode::NOT_FOUND, "No message with this id."),
        Err(e) => return storage_failed(&e),
    };
    let page = detail::page(header(&app, &token), &row, &token);
    html_response(StatusCode::OK, page, new_csrf, &app, &headers)
}

#[derive(Deserialize)]
struct HandledForm {
    csrf: String,
    handled: String,
}

#[derive(Deserialize)]
struct NoteForm {
    csrf: String,
    note: String,
}

/// Who sent a form POST, or the answer to give when it may not proceed: it must come from the
/// inbox's own pages (as the browser says) and carry the CSRF token of the caller's session (or,
/// in demo mode, of its cookie).
async fn check_post(app: &App, headers: &HeaderMap, field: &str) -> Result<Caller, Response> {
    if !auth::from_same_origin(headers) {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "This form came from another site.",
        ));
    }
    let caller = auth::caller(app, headers).await;
    let token_ok = match &caller {
        Caller::Stranger => return Err(redirect("/inbox/login")),
        Caller::Session(token) => auth::session_csrf_ok(token, field),
        // A browser never adds the API token on its own, so a request carrying it is no forgery.
        Caller::Token => true,
        Caller::Demo => auth::csrf_ok(headers, field),
    };
    if !token_ok {
        return Err(error_page(
            StatusCode::FORBIDDEN,
            "This form has expired or came from another site; reload the page and try again.",
        ));
    }
    Ok(caller)
}

async fn set_handled(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HandledForm>,
) -> Response {
    if let Err(refusal) = check_post(&app, &headers, &form.csrf).await {
        return refusal;
    }
    back_to_message(&id, app.store.set_handled(&id, form.handled == "yes").await)
}

async fn set_note(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    if let Err(refusal) = check_post(&app, &headers, &form.csrf).await {
        return refusal;
    }
    if form.note.chars().count() > 10_000 {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The note is longer than 10000 characters.",
        );
    }
    back_to_message(&id, app.store.set_note(&id, &form.note).await)
}

#[derive(Deserialize)]
struct NotSpamForm {
    csrf: String,
}

/// "Not spam": clears the message's flags, so it leaves the "Possible spam" view for the main list.
async fn not_spam(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<NotSpamForm>,
) -> Response {
    if let Err(refusal) = check_post(&app, &headers, &form.csrf).await {
        return refusal;
    }
    back_to_message(&id, app.store.clear_flags(&id).await)
}

/// The answer to a change of one message: back to it, or why not.
fn back_to_message(id: &str, updated: Result<bool, crate::StoreError>) -> Response {
    match updated {
        Ok(true) => redirect(&format!("/inbox/m/{}", query_value(id))),
        Ok(false) => error_page(StatusCode::NOT_FOUND, "No message with this id."),
        Err(e) => storage_failed(&e),
    }
}

async fn login_form(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if app.config.auth.password_hash.is_none() || auth::may_read(&app, &headers).await {
        return redirect("/inbox");
    }
    let (token, new_csrf) = csrf(&Caller::Stranger, &headers);
    html_response(
        StatusCode::OK,
        login::page(&token, None),
        new_csrf,
        &app,
        &headers,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    password: String,
}

async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if app.config.auth.password_hash.is_none() {
        return redirect("/inbox");
    }
    // Before a login there is no session: the form carries the double-submit cookie's token.
    let (token, new_csrf) = csrf(&Caller::Stranger, &headers);
    if !auth::from_same_origin(&headers) || !auth::csrf_ok(&headers, &form.csrf) {
        let page = login::page(&token, Some("The form expired; please try again."));
        return html_response(StatusCode::FORBIDDEN, page, new_csrf, &app, &headers);
    }
    // Ten guesses a minute per address (the same client address as the rate limits, so behind
    // a proxy one guesser does not lock everyone out): argon2 is slow, but not slow enough on its own.
    let ip = client_ip(&headers, Some(peer), &app.config.rate_limit);
    if app.per_ip.take(&format!("login {ip}"), 10).is_err() {
        let page = login::page(&token, Some("Too many attempts; wait a minute."));
        return html_response(StatusCode::TOO_MANY_REQUESTS, page, None, &app, &headers);
    }
    let hash = app.config.auth.password_hash.clone().unwrap_or_default();
    let Some(ok) = app.passwords.check(hash, form.password).await else {
        tracing::warn!(ip, "login refused: every password check is busy");
        let page = login::page(&token, Some("The server is busy; try again in a moment."));
        let mut response = html_response(StatusCode::TOO_MANY_REQUESTS, page, None, &app, &headers);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    if !ok {
        tracing::warn!(ip, "failed login");
        return html_response(
            StatusCode::UNAUTHORIZED,
            login::page(&token, Some("Wrong password.")),
            None,
            &app,
            &headers,
        );
    }
    let session = match auth::start_session(&app).await {
        Ok(session) => session,
        Err(e) => return storage_failed(&e),
    };
    // This browser's previous session, if any, ends: one login, one session.
    if let Some(previous) = auth::cookie(&headers, auth::SESSION_COOKIE) {
        if let Err(e) = auth::end_session(&app, &previous).await {
            tracing::warn!(error = %e, "could not end the previous session");
        }
    }
    let cookie = auth::set_cookie(
        &app,
        &headers,
        auth::SESSION_COOKIE,
        &session,
        auth::SESSION_SECS,
    );
    let mut response = redirect("/inbox");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

#[derive(Deserialize)]
struct LogoutForm {
    csrf: String,
}

/// Ends the session in the store (so its cookie opens nothing any more, wherever it was copied)
/// and clears the cookie.
async fn logout(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Form(form): Form<LogoutForm>,
) -> Response {
    let caller = match check_post(&app, &headers, &form.csrf).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if let Caller::Session(token) = caller {
        if let Err(e) = auth::end_session(&app, &token).await {
            return storage_failed(&e);
        }
    }
    let cookie = auth::set_cookie(&app, &headers, auth::SESSION_COOKIE, "", 0);
    let mut response = redirect("/inbox/login");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

/// The filter of an export, or the answer when it may not run.
async fn export_filter(
    app: &App,
    headers: &HeaderMap,
    query: &ListQuery,
) -> Result<Filter, Response> {
    if !auth::may_read(app, headers).await {
        return Err(error_page(
            StatusCode::UNAUTHORIZED,
            "Log in at /inbox first.",
        ));
    }
    query
        .filter()
        .map_err(|e| error_page(StatusCode::BAD_REQUEST, &e))
}

fn attachment(name: &str) -> String {
    let day = &crate::time::rfc3339(std::time::SystemTime::now())[..10];
    format!("attachment; filename=\"inbox-{day}.{name}\"")
}

/// Every row matching `filter`, newest first, as a body written while it is read: [`EXPORT_PAGE`]
/// rows at a time, each page rendered by `render(rows, first, last)` and sent before the next is
/// read, so memory stays the same however many rows there are (and a slow client slows the
/// reading). A storage failure midway ends the body early: the client sees a cut download.
fn export_body(
    app: Arc<App>,
    filter: Filter,
    render: fn(&[StoredSubmission], bool, bool) -> String,
) -> Body {
    // `None`: done; `Some(None)`: the first page; `Some(Some(cursor))`: the page after it.
    let start: Option<Option<Cursor>> = Some(None);
    let pages = futures_util::stream::unfold(start, move |state| {
        let (app, filter) = (Arc::clone(&app), filter.clone());
        async move {
            let after = state?;
            match app.store.list(&filter, after.as_ref(), EXPORT_PAGE).await {
                Ok(page) => {
                    let chunk = render(&page.rows, after.is_none(), page.next.is_none());
                    Some((Ok(Bytes::from(chunk)), page.next.map(Some)))
                }
                Err(e) => {
                    tracing::error!(error = %e, "storage failed during an export; the download is cut short");
                    Some((Err(std::io::Error::other("storage failed")), None))
                }
            }
        }
    });
    Body::from_stream(pages)
}

async fn export_csv(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    export(
        app,
        &headers,
        &query,
        ("text/csv; charset=utf-8", "csv"),
        export::csv_chunk,
    )
    .await
}

async fn export_json(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> Response {
    export(
        app,
        &headers,
        &query,
        ("application/json", "json"),
        export::json_chunk,
    )
    .await
}

/// An export as a download: `(content type, file extension)`, each page rendered by `render`.
async fn export(
    app: Arc<App>,
    headers: &HeaderMap,
    query: &ListQuery,
    (content_type, extension): (&'static str, &str),
    render: fn(&[StoredSubmission], bool, bool) -> String,
) -> Response {
    let filter = match export_filter(&app, headers, query).await {
        Ok(filter) => filter,
        Err(response) => return response,
    };
    let headers = [
        ("content-type", content_type.to_string()),
        ("content-disposition", attachment(extension)),
        ("cache-control", "no-store".to_string()),
    ];
    (headers, export_body(app, filter, render)).into_response()
}
