//! One message: its text, what came with it (the page it was sent from as a link only when
//! `http(s)`), its handling state, the note, and "Not spam" when it is flagged.

use maud::{html, Markup};

use super::html::{query_value, safe_href, visitor, visitor_url};
use super::layout::{csrf_field, document};
use super::spam;
use crate::store::StoredSubmission;

/// The message page; `token` is the CSRF token of its forms.
pub fn page(header: Markup, row: &StoredSubmission, token: &str) -> Markup {
    let s = &row.submission;
    let action = format!("/inbox/m/{}", query_value(&s.id));
    let (toggle_value, toggle_label, state) = if row.inbox.handled {
        ("no", "Mark not handled", "Handled")
    } else {
        ("yes", "Mark handled", "Not handled")
    };
    document(
        "Message",
        html! {
            (header)
            main {
                p { a href="/inbox" { "← All messages" } }
                h1 { "Message" }
                blockquote class="message" dir="auto" { (s.message) }
                (fields(row))
                p class="state" role="status" { (state) }
                form method="post" action={ (action) "/handled" } {
                    (csrf_field(token))
                    input type="hidden" name="handled" value=(toggle_value);
                    button { (toggle_label) }
                }
                form method="post" action={ (action) "/note" } {
                    (csrf_field(token))
                    label for="note" { "Note" }
                    textarea id="note" name="note" rows="4" { (row.inbox.note) }
                    button { "Save note" }
                }
                (spam::not_spam_form(&action, token, &row.inbox.flags))
            }
        },
    )
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
        ("Received", html! { (row.received_at) }),
        ("Site", visitor_url(&row.inbox.site)),
        ("Rating", s.rating.map_or_else(none, |r| html! { (r) "/5" })),
        ("E-mail", s.email.as_deref().map_or_else(none, visitor_url)),
        ("Name", s.name.as_deref().map_or_else(none, visitor)),
        ("Page", page_link),
        ("Page title", visitor(&s.page.title)),
        ("Referrer", visitor_url(&s.page.referrer)),
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
