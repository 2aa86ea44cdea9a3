//! One message: who wrote it and its text, its status and assignee (changed in place), the
//! replies and the reply form (or the `mailto:` way without a mail server, or why there is none),
//! the customer's other messages, the note, what the team did, and the details that came with it
//! (the page it was sent from as a link only when `http(s)`), with "Not spam" when it is flagged.

use maud::{html, Markup};

use super::conversation;
use super::html::{query_value, safe_href, visitor, visitor_url};
use super::layout::{csrf_field, document, email_link, status_badge, status_button, time};
use super::spam;
use crate::store::{Event, Reply, StoredSubmission};

/// What the message page shows.
pub struct Detail<'a> {
    pub row: &'a StoredSubmission,
    pub replies: &'a [Reply],
    pub activity: &'a [Event],
    /// The customer's other messages, newest first, each with its replies.
    pub history: &'a [(StoredSubmission, Vec<Reply>)],
    /// Who the message can be assigned to.
    pub members: &'a [String],
    /// Whether the inbox sends replies itself (`[reply]` is configured).
    pub sends_replies: bool,
    /// A fresh id for the reply form, so sending it twice sends once.
    pub reply_id: &'a str,
    /// The CSRF token of the page's forms.
    pub token: &'a str,
}

/// The message page.
pub fn page(header: Markup, detail: &Detail) -> Markup {
    let row = detail.row;
    let s = &row.submission;
    let action = format!("/inbox/m/{}", query_value(&s.id));
    let name = s.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let email = s.email.as_deref().map(str::trim).filter(|e| !e.is_empty());
    document(
        "Message",
        html! {
            (header)
            main class="message-page" {
                p { a class="back" href="/inbox" { "← All messages" } }
                h1 {
                    "Message"
                    @if let Some(name) = name { " from " (visitor(name)) }
                }
                p class="meta" {
                    (status_badge(row.inbox.status))
                    @if let Some(assignee) = &row.inbox.assignee { span { "Assigned to " (assignee) } }
                    (time(&row.received_at))
                    @if let Some(email) = email { (email_link(email)) }
                }
                blockquote class="message" dir="auto" { (s.message) }
                div class="work" {
                    (status_button(&s.id, row.inbox.status, detail.token, &action))
                    @if !detail.members.is_empty() { (assign_form(&action, detail)) }
                }
                (conversation::replies(detail))
                (conversation::history(detail.history))
                section {
                    h2 { label for="note" { "Note" } }
                    form method="post" action={ (action) "/note" } {
                        (csrf_field(detail.token))
                        textarea id="note" name="note" rows="3" { (row.inbox.note) }
                        button class="secondary" { "Save note" }
                    }
                }
                (conversation::activity(detail.activity))
                section aria-labelledby="details-h" {
                    h2 id="details-h" { "Details" }
                    (fields(row))
                    (spam::not_spam_form(&action, detail.token, &row.inbox.flags))
                }
            }
        },
    )
}

/// Assigns the message to a teammate (or to nobody).
fn assign_form(action: &str, detail: &Detail) -> Markup {
    let current = detail.row.inbox.assignee.as_deref().unwrap_or("");
    html! {
        form class="inline assign" method="post" action={ (action) "/assign" } {
            (csrf_field(detail.token))
            label for="assignee" { "Assigned to" }
            select id="assignee" name="assignee" {
                option value="" selected[current.is_empty()] { "nobody" }
                @for member in detail.members {
                    option value=(member) selected[member == current] { (member) }
                }
            }
            button class="secondary" { "Assign" }
        }
    }
}

/// `text` shown by `show`, or "none" when it is empty.
fn or_none(text: &str, show: fn(&str) -> Markup) -> Markup {
    if text.trim().is_empty() {
        html! { "none" }
    } else {
        show(text)
    }
}

/// Everything that came with the message, as a description list.
fn fields(row: &StoredSubmission) -> Markup {
    let s = &row.submission;
    let none = || html! { "none" };
    let page_link = match safe_href(&s.page.url) {
        Some(href) => {
            html! { a href=(href) rel="noopener noreferrer nofollow" { (visitor_url(&s.page.url)) } }
        }
        None => visitor_url(&s.page.url),
    };
    let mut fields = vec![
        ("Received", time(&row.received_at)),
        ("Site", or_none(&row.inbox.site, visitor_url)),
        ("Rating", s.rating.map_or_else(none, |r| html! { (r) "/5" })),
        (
            "E-mail",
            s.email
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map_or_else(none, email_link),
        ),
        ("Name", s.name.as_deref().map_or_else(none, visitor)),
        ("Page", page_link),
        ("Page title", or_none(&s.page.title, visitor)),
        ("Referrer", or_none(&s.page.referrer, visitor_url)),
        (
            "Locale and time zone",
            visitor(&format!("{} · {}", s.locale, s.time_zone)),
        ),
        ("Sent at (customer's clock)", visitor(&s.created_at)),
    ];
    if let Some(consent) = &s.consent {
        fields.push(("Consent", visitor(consent)));
    }
    if !row.inbox.flags.is_empty() {
        fields.push(("Possible spam", html! { (spam::words(&row.inbox.flags)) }));
    }
    fields.push(("Id", html! { (s.id) }));
    html! {
        dl { @for (name, value) in fields { dt { (name) } dd { (value) } } }
    }
}
