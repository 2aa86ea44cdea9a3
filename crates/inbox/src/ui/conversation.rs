//! The conversation on a message's page: the replies (who, when, to whom, whether the mail
//! server took them) and the way to answer — the reply form, or without `[reply]` a `mailto:`
//! link with the customer's words quoted, or why there is no way when they left no address —,
//! the customer's other messages with their replies, and what the team did.

use maud::{html, Markup};

use super::detail::Detail;
use super::html::{excerpt, query_value, visitor};
use super::layout::{csrf_field, mailto, status_badge, time};
use crate::forward::{reply_body, reply_subject};
use crate::store::{Event, Reply, StoredSubmission};

/// The longest quote a `mailto:` link carries (mail programs take links of a few thousand
/// characters).
const MAILTO_QUOTE: usize = 1500;

/// The replies, then the way to answer.
pub fn replies(detail: &Detail) -> Markup {
    let message = detail.row;
    let id = &message.submission.id;
    let email = message
        .submission
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    html! {
        section id="replies" aria-labelledby="replies-h" {
            h2 id="replies-h" { "Replies" }
            @for reply in detail.replies { (one_reply(reply)) }
            @match email {
                None => p {
                    "The customer left no e-mail address, so they cannot be answered by e-mail; "
                    "what they did give is under Details."
                },
                Some(email) if detail.sends_replies => {
                    form class="reply-form" method="post" action={ "/inbox/m/" (query_value(id)) "/reply" } {
                        (csrf_field(detail.token))
                        input type="hidden" name="reply_id" value=(detail.reply_id);
                        label for="reply-text" { "Reply to " (visitor(email)) }
                        textarea id="reply-text" name="text" rows="6" required {}
                        p class="hint" { "Sent by e-mail from the team's address, with their message quoted below yours." }
                        button { "Send reply" }
                    }
                },
                Some(email) => {
                    p { a class="button" href=(mailto_reply(email, message)) { "Reply by e-mail" } }
                    p class="hint" {
                        "This opens your mail program with their message quoted. To answer from the inbox "
                        "itself (the reply kept here, the message marked answered), add a " code { "[reply]" }
                        " section with your sender address to the inbox's configuration."
                    }
                    p { a href="/docs/inbox.html#replies" { "How to set up replies from the inbox" } }
                },
            }
        }
    }
}

/// The `mailto:` answer to `message`: its subject and quote, as the inbox's own e-mail has them.
fn mailto_reply(email: &str, message: &StoredSubmission) -> String {
    let body = reply_body("", message);
    let body = if body.chars().count() > MAILTO_QUOTE {
        format!("{}…", body.chars().take(MAILTO_QUOTE).collect::<String>())
    } else {
        body
    };
    mailto(
        email,
        &[("subject", &reply_subject(message)), ("body", &body)],
    )
}

/// One reply: who wrote it when, to whom, the text, and where its e-mail is.
fn one_reply(reply: &Reply) -> Markup {
    let d = &reply.delivery;
    html! {
        article class="reply" id={ "reply-" (reply.id) } {
            p class="meta" { strong { (reply.by) } (time(&reply.at)) span { "to " (visitor(&reply.to)) } }
            div class="reply-text" dir="auto" { (reply.text) }
            @match (d.state, &d.sent_at, &d.next_attempt_at) {
                ("sent", Some(at), _) => p class="delivery" { "Sent " (time(at)) },
                ("failing", _, next) => p class="warning" role="status" {
                    "Not sent yet: the mail server refused it " (d.attempts)
                    @if d.attempts == 1 { " time" } @else { " times" }
                    " (" (d.last_error) "). The inbox tries again"
                    @if let Some(next) = next { " at " (time(next)) }
                    "."
                },
                _ => p class="delivery" { "Sending…" },
            }
        }
    }
}

/// The customer's other messages, newest first, each with its replies.
pub fn history(history: &[(StoredSubmission, Vec<Reply>)]) -> Markup {
    html! {
        @if !history.is_empty() {
            section aria-labelledby="history-h" {
                h2 id="history-h" { "Other messages from this customer" }
                ol class="cards" {
                    @for (message, replies) in history {
                        li {
                            article class="card" {
                                p class="meta" { (status_badge(message.inbox.status)) (time(&message.received_at)) }
                                a class="card-message" href={ "/inbox/m/" (query_value(&message.submission.id)) } {
                                    (visitor(&excerpt(&message.submission.message, 200)))
                                }
                                @for reply in replies {
                                    p class="reply-summary" {
                                        strong { (reply.by) } " replied " (time(&reply.at)) ": "
                                        (visitor(&excerpt(&reply.text, 160)))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// What the team did to the message, oldest first.
pub fn activity(events: &[Event]) -> Markup {
    html! {
        @if !events.is_empty() {
            section aria-labelledby="activity-h" {
                h2 id="activity-h" { "What the team did" }
                ol class="activity" {
                    @for event in events {
                        li { strong { (event.by) } " " (describe(event)) " " (time(&event.at)) }
                    }
                }
            }
        }
    }
}

/// One event in words.
fn describe(event: &Event) -> String {
    match (event.kind.as_str(), event.value.as_str()) {
        ("status", "open") => "reopened it".into(),
        ("status", "answered") => "marked it answered".into(),
        ("status", "closed") => "closed it".into(),
        ("assign", "") => "unassigned it".into(),
        ("assign", name) => format!("assigned it to {name}"),
        ("note", "") => "cleared the note".into(),
        ("note", _) => "edited the note".into(),
        (kind, value) => format!("{kind}: {value}"),
    }
}
