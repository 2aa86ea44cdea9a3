//! What the team does to a message besides the note: its status (from the message's page or
//! the list), its assignee, and replies by e-mail, each recorded with who did it.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::{
    back_to_message, change_by, check_post, error_page, query_value, redirect, storage_failed,
};
use crate::store::{Inserted, NewReply, Status};
use crate::{team, App};

/// The longest reply, in characters.
pub const MAX_REPLY: usize = 20_000;

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    status: String,
    /// Where to go afterwards: the list the button was on (an `/inbox` path), else the message.
    #[serde(default)]
    back: String,
}

/// Open, answered or closed, from the message's page or the list.
pub async fn set_status(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let caller = match check_post(&app, &headers, &form.csrf).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let Some(status) = Status::from_name(&form.status) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            "A status is open, answered or closed.",
        );
    };
    let changed = app.store.set_status(&id, status, &change_by(&caller)).await;
    back_to(&form.back, &id, changed)
}

#[derive(Deserialize)]
pub struct AssignForm {
    csrf: String,
    /// A teammate's name; empty for nobody.
    assignee: String,
    #[serde(default)]
    back: String,
}

/// Assigns a message to a teammate, or to nobody.
pub async fn assign(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<AssignForm>,
) -> Response {
    let caller = match check_post(&app, &headers, &form.csrf).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let assignee = match form.assignee.trim() {
        "" => None,
        name => match team::member(&app, name).await {
            Ok(Some(member)) => Some(member),
            Ok(None) => {
                return error_page(
                    StatusCode::BAD_REQUEST,
                    &format!("There is no teammate named {name:?}."),
                )
            }
            Err(e) => return storage_failed(&e),
        },
    };
    let changed = app
        .store
        .assign(&id, assignee.as_deref(), &change_by(&caller))
        .await;
    back_to(&form.back, &id, changed)
}

#[derive(Deserialize)]
pub struct ReplyForm {
    csrf: String,
    /// Made when the form was shown, so a form sent twice sends one e-mail.
    reply_id: String,
    text: String,
}

/// A reply to the customer: kept with the message, which becomes answered, and sent by e-mail
/// through the outbox (see `forward`).
pub async fn reply(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let caller = match check_post(&app, &headers, &form.csrf).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if app.config.reply.is_none() {
        return error_page(
            StatusCode::CONFLICT,
            "Replies by e-mail are not set up: add [reply] to the inbox's configuration.",
        );
    }
    let message = match app.store.get(&id).await {
        Ok(Some(message)) => message,
        Ok(None) => return error_page(StatusCode::NOT_FOUND, "No message with this id."),
        Err(e) => return storage_failed(&e),
    };
    let Some(to) = message
        .submission
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    else {
        return error_page(
            StatusCode::CONFLICT,
            "The customer left no e-mail address to reply to.",
        );
    };
    let text = form.text.replace("\r\n", "\n");
    if text.trim().is_empty() {
        return error_page(StatusCode::BAD_REQUEST, "The reply is empty.");
    }
    if text.chars().count() > MAX_REPLY {
        return error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("The reply is longer than {MAX_REPLY} characters."),
        );
    }
    let reply_id = form.reply_id.trim();
    if reply_id.len() != 32 || !reply_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return error_page(
            StatusCode::BAD_REQUEST,
            "This form has expired; reload the page and try again.",
        );
    }
    let change = change_by(&caller);
    let reply = NewReply {
        id: reply_id.to_ascii_lowercase(),
        feedback_id: message.submission.id.clone(),
        at: change.at,
        by: change.by,
        to: to.to_string(),
        text,
    };
    match app.store.add_reply(&reply).await {
        Ok(Some(inserted)) => {
            if inserted == Inserted::New {
                tracing::info!(id, reply = reply.id, by = reply.by, "reply queued");
                app.forward_wakeup.notify_one();
            }
            redirect(&format!("/inbox/m/{}#replies", query_value(&id)))
        }
        Ok(None) => error_page(StatusCode::NOT_FOUND, "No message with this id."),
        Err(e) => storage_failed(&e),
    }
}

/// After a change: back to `back` when it is a page of the inbox, else to the message.
fn back_to(back: &str, id: &str, changed: Result<bool, crate::StoreError>) -> Response {
    match changed {
        Ok(true) if inbox_path(back) => redirect(back),
        changed => back_to_message(id, changed),
    }
}

/// Whether `path` is a page of the inbox (so a redirect there stays on this site).
fn inbox_path(path: &str) -> bool {
    let rest = path.strip_prefix("/inbox").unwrap_or("/");
    (rest.is_empty() || rest.starts_with('?') || rest.starts_with('/'))
        && !rest.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path.starts_with("/inbox")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_back_only_within_the_inbox() {
        for (path, ok) in [
            ("/inbox", true),
            ("/inbox?status=open&group=customer", true),
            ("/inbox/m/abc", true),
            ("", false),
            ("/inboxes", false),
            ("//evil.example/inbox", false),
            ("/inbox//evil.example", false),
            ("https://evil.example/inbox", false),
            ("/inbox/\\evil", false),
            ("/inbox\r\nLocation: x", false),
        ] {
            assert_eq!(inbox_path(path), ok, "{path:?}");
        }
    }
}
