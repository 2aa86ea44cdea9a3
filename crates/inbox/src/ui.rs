//! The inbox UI at `/inbox`: server-rendered HTML forms, no script. List with search and
//! filters, a chart, detail with the page it came from, mark handled, notes, CSV/JSON export.
//!
//! Every page needs a login when a password hash is configured (see `auth`); every form POST
//! carries the CSRF token. Answers are `no-store` and framed by a strict CSP.
//!
//! Here are the routes and handlers; the HTML is maud templates (escaping every value they
//! insert), a module per page (`list`, `detail`, `login`) with a function per part, on the frame
//! in `layout`. Visitor text goes through `html::visitor`/`visitor_url` (direction isolated).

mod actions;
mod chart;
mod conversation;
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
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{middleware, Form, Router};
use maud::Markup;
use serde::Deserialize;

use crate::api::ListQuery;
use crate::auth::Caller;
use crate::rate_limit::client_ip;
use crate::store::{Change, Cursor, Filter, Status, StoredSubmission};
use crate::{auth, team, App};
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
        .route("/inbox/time.js", get(time_script))
        .route("/inbox/login", get(login_form).post(login))
        .route("/inbox/logout", post(logout))
        .route("/inbox/export.csv", get(export_csv))
        .route("/inbox/export.json", get(export_json))
        .route("/inbox/m/{id}", get(detail))
        .route("/inbox/m/{id}/handled", post(set_handled))
        .route("/inbox/m/{id}/note", post(set_note))
        .route("/inbox/m/{id}/not-spam", post(not_spam))
        .route("/inbox/m/{id}/status", post(actions::set_status))
        .route("/inbox/m/{id}/assign", post(actions::assign))
        .route("/inbox/m/{id}/reply", post(actions::reply))
        .route("/inbox/{*rest}", any(not_found))
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(middleware::map_response(html_errors))
        .with_state(app)
}

/// The largest form the inbox takes: a reply (20,000 characters) or a note (10,000), encoded,
/// with room to spare. Larger ones get 413.
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Any other `/inbox/…` path.
async fn not_found() -> Response {
    error_page(StatusCode::NOT_FOUND, "There is no such page in the inbox.")
}

/// Refusals made before a handler runs (a body over the limit, a form missing a field, a method
/// the route does not take) come as plain text: they become HTML pages like the inbox's own.
async fn html_errors(response: Response) -> Response {
    let status = response.status();
    let is_html = response
        .headers()
        .get("content-type")
        .is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if is_html || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "What you sent is too large for the inbox.",
        StatusCode::NOT_FOUND => "There is no such page in the inbox.",
        StatusCode::METHOD_NOT_ALLOWED => "This page cannot be used that way.",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            "The form was incomplete; reload the page and try again."
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "The inbox expected a form.",
        _ if status.is_server_error() => "The inbox failed; try again later.",
        _ => "The inbox cannot do that.",
    };
    let mut page = error_page(status, message);
    if let Some(allow) = response.headers().get("allow") {
        page.headers_mut().insert("allow", allow.clone());
    }
    page
}

/// Only the inbox's own stylesheet and script (`time.js`), nothing inline.
const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

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
    if let Caller::Session { token, .. } = caller {
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

/// Shows each `<time datetime>` in the reader's time zone (the pages say UTC without it).
async fn time_script() -> impl IntoResponse {
    (
        [
            ("content-type", "text/javascript; charset=utf-8"),
            ("cache-control", "no-cache"),
            ("x-content-type-options", "nosniff"),
        ],
        include_str!("ui/time.js"),
    )
}

/// The header bar of a page `caller` reads, whose forms carry `token`.
fn header(caller: &Caller, token: &str) -> Markup {
    let reader = match caller {
        Caller::Session { user, .. } => layout::Reader::User(user),
        Caller::Token => layout::Reader::Token,
        Caller::Demo | Caller::Stranger => layout::Reader::Demo,
    };
    layout::header(reader, token)
}

/// How many failing replies the list names.
const FAILING_SHOWN: u32 = 5;
/// How many of the customer's other messages a message's page shows.
const HISTORY: u32 = 20;

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
    // The work is the open messages: the list starts there unless a status is asked for.
    if present(&query.status).is_none() && present(&query.handled).is_none() {
        query.status = Some(Status::Open.name().into());
    }
    let asked = query.filter_for(&app, &caller).and_then(|filter| {
        let (after, limit) = query.page(PAGE_ROWS)?;
        Ok((filter, after, limit, query.per_customer()?))
    });
    let (filter, after, limit, per_customer) = match asked {
        Ok(asked) => asked,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e),
    };
    let page = async {
        let store = &app.store;
        let rows = if per_customer {
            store.list_customers(&filter, after.as_ref(), limit).await?
        } else {
            store.list(&filter, after.as_ref(), limit).await?
        };
        let counts = if per_customer {
            let customers: Vec<String> = rows.rows.iter().filter_map(|r| r.customer()).collect();
            Some(
                store
                    .message_counts(&customers)
                    .await?
                    .into_iter()
                    .collect(),
            )
        } else {
            None
        };
        let flagged = Filter {
            flagged: Some(true),
            ..filter.clone()
        };
        let flagged = store.daily(&flagged).await?.iter().map(|d| d.count).sum();
        let daily = store.daily(&filter).await?;
        let listing = list::Listing {
            query: &query,
            here: format!("/inbox{}", query.query_string(after.as_ref())),
            sites: &app.config.sites,
            members: &team::members(&app).await?,
            me: caller.user(),
            daily: &daily,
            counts: store.status_counts(&filter).await?,
            flagged,
            rows: &rows.rows,
            per_customer: counts,
            failing: &store.failing_replies(FAILING_SHOWN).await?,
            later: after.is_some(),
            next: rows.next.as_ref(),
            token: &token,
        };
        Ok::<_, crate::StoreError>(list::page(header(&caller, &token), &listing))
    };
    match page.await {
        Ok(page) => html_response(StatusCode::OK, page, new_csrf, &app, &headers),
        Err(e) => storage_failed(&e),
    }
}

/// A parameter's value, unless absent or blank.
fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
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
    let page = async {
        let store = &app.store;
        let Some(row) = store.get(&id).await? else {
            return Ok(None);
        };
        let mut history = Vec::new();
        if let Some(customer) = row.customer() {
            for other in store.history(&customer, HISTORY + 1).await? {
                if other.submission.id != row.submission.id && history.len() < HISTORY as usize {
                    let replies = store.replies(&other.submission.id).await?;
                    history.push((other, replies));
                }
            }
        }
        let detail = detail::Detail {
            row: &row,
            replies: &store.replies(&id).await?,
            activity: &store.activity(&id).await?,
            history: &history,
            members: &team::members(&app).await?,
            sends_replies: app.config.reply.is_some(),
            reply_id: &auth::hex(&auth::random_bytes::<16>()),
            token: &token,
        };
        Ok::<_, crate::StoreError>(Some(detail::page(header(&caller, &token), &detail)))
    };
    match page.await {
        Ok(Some(page)) => html_response(StatusCode::OK, page, new_csrf, &app, &headers),
        Ok(None) => error_page(StatusCode::NOT_FOUND, "No message with this id."),
        Err(e) => storage_failed(&e),
    }
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
        Caller::Session { token, .. } => auth::session_csrf_ok(token, field),
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
    let caller = match check_post(&app, &headers, &form.csrf).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    // The form of before there was a status: handled is closed, not handled is open again.
    let status = if form.handled == "yes" {
        Status::Closed
    } else {
        Status::Open
    };
    let change = change_by(&caller);
    back_to_message(&id, app.store.set_status(&id, status, &change).await)
}

async fn set_note(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> Response {
    let caller = match check_post(&app, &headers, &form.csrf).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if form.note.chars().count() > 10_000 {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The note is longer than 10000 characters.",
        );
    }
    let change = change_by(&caller);
    back_to_message(&id, app.store.set_note(&id, &form.note, &change).await)
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

/// What `caller` changes now, as recorded.
fn change_by(caller: &Caller) -> Change {
    Change {
        by: caller.actor().to_string(),
        at: crate::time::rfc3339(std::time::SystemTime::now()),
    }
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
    if !auth::locked(&app).await || auth::may_read(&app, &headers).await {
        return redirect("/inbox");
    }
    let (token, new_csrf) = csrf(&Caller::Stranger, &headers);
    html_response(
        StatusCode::OK,
        login::page(&token, app.config.auth.password_hash.is_some(), None),
        new_csrf,
        &app,
        &headers,
    )
}

#[derive(Deserialize)]
struct LoginForm {
    csrf: String,
    /// A teammate's name; empty (or absent) for the configured password's owner.
    #[serde(default)]
    name: String,
    password: String,
}

async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    if !auth::locked(&app).await {
        return redirect("/inbox");
    }
    // Before a login there is no session: the form carries the double-submit cookie's token.
    let (token, new_csrf) = csrf(&Caller::Stranger, &headers);
    if !auth::from_same_origin(&headers) || !auth::csrf_ok(&headers, &form.csrf) {
        let page = login::page(
            &token,
            app.config.auth.password_hash.is_some(),
            Some("The form expired; please try again."),
        );
        return html_response(StatusCode::FORBIDDEN, page, new_csrf, &app, &headers);
    }
    // Ten guesses a minute per address (the same client address as the rate limits, so behind
    // a proxy one guesser does not lock everyone out): argon2 is slow, but not slow enough on its own.
    let ip = client_ip(&headers, Some(peer), &app.config.rate_limit);
    if app.per_ip.take(&format!("login {ip}"), 10).is_err() {
        let page = login::page(
            &token,
            app.config.auth.password_hash.is_some(),
            Some("Too many attempts; wait a minute."),
        );
        return html_response(StatusCode::TOO_MANY_REQUESTS, page, None, &app, &headers);
    }
    let account = match auth::login_account(&app, &form.name).await {
        Ok(account) => account,
        Err(e) => return storage_failed(&e),
    };
    // A name nobody has is checked against a decoy, so it takes as long as a real one.
    let hash = account
        .as_ref()
        .map_or(auth::decoy_hash(), |(_, hash)| hash);
    let Some(ok) = app.passwords.check(hash.to_string(), form.password).await else {
        tracing::warn!(ip, "login refused: every password check is busy");
        let page = login::page(
            &token,
            app.config.auth.password_hash.is_some(),
            Some("The server is busy; try again in a moment."),
        );
        let mut response = html_response(StatusCode::TOO_MANY_REQUESTS, page, None, &app, &headers);
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let Some((user, hash)) = account.filter(|_| ok) else {
        tracing::warn!(ip, "failed login");
        return html_response(
            StatusCode::UNAUTHORIZED,
            login::page(
                &token,
                app.config.auth.password_hash.is_some(),
                Some("Wrong name or password."),
            ),
            None,
            &app,
            &headers,
        );
    };
    let session = match auth::start_session(&app, &user, &hash).await {
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
    if let Caller::Session { token, .. } = caller {
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
    let caller = auth::caller(app, headers).await;
    if !caller.may_read() {
        return Err(error_page(
            StatusCode::UNAUTHORIZED,
            "Log in at /inbox first.",
        ));
    }
    query
        .filter_for(app, &caller)
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
