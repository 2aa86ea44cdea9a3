//! Possible spam: messages the widget flagged (the hidden field filled, sent too fast) have their
//! own view (`/inbox?spam=yes`) instead of mixing into the main list, their signals said in words,
//! and a "Not spam" button that clears the flags, which returns the message to the main list.

use maud::{html, Markup};

use super::layout::csrf_field;
use crate::api::ListQuery;

/// Which view a listing is: `spam=yes` is the "Possible spam" view, `any` both; absent or empty,
/// the main list (`no`). Only the UI's list defaults to `no`: the exports and `GET /api/feedback`
/// keep listing both unless told.
pub fn main_list_default(query: &mut ListQuery) {
    if query.spam.as_deref().is_none_or(|s| s.trim().is_empty()) {
        query.spam = Some("no".into());
    }
}

pub fn is_spam_view(query: &ListQuery) -> bool {
    query.spam.as_deref().map(str::trim) == Some("yes")
}

/// The link to the "Possible spam" view (marked when it is the current one), with the number of
/// flagged messages that match the other filters.
pub fn tab(query: &ListQuery, flagged: i64) -> Markup {
    let other = ListQuery {
        spam: Some("yes".into()),
        cursor: None,
        ..query.clone()
    };
    html! {
        a href={ "/inbox" (other.query_string(None)) } aria-current=[is_spam_view(query).then_some("page")] {
            "Possible spam (" (flagged) ")"
        }
    }
}

/// Keeps the view when the filter form is sent.
pub fn view_field(query: &ListQuery) -> Markup {
    html! {
        @if let Some(view @ ("yes" | "any")) = query.spam.as_deref() {
            input type="hidden" name="spam" value=(view);
        }
    }
}

/// A message's spam signals in the owner's words, `; `-separated.
pub fn words(flags: &[String]) -> String {
    flags
        .iter()
        .map(|f| describe(f))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One spam signal in words; an unknown one as it came.
fn describe(flag: &str) -> String {
    match flag.split_once(':') {
        // `too-fast:1.2`: the seconds from the first keystroke to Send, when the widget says them.
        Some(("too-fast", secs)) => match secs.parse::<f64>() {
            Ok(s) if s.is_finite() && s >= 0.0 => format!(
                "sent {} s after the visitor started typing",
                (s * 10.0).round() / 10.0
            ),
            _ => flag.to_string(),
        },
        _ => match flag {
            "too-fast" => "sent faster than a person types".into(),
            "honeypot" => "hidden field filled (people cannot see it; robots fill it in)".into(),
            other => other.to_string(),
        },
    }
}

/// The "Not spam" button of a flagged message (nothing for one without flags); `action` is the
/// message's path.
pub fn not_spam_form(action: &str, token: &str, flags: &[String]) -> Markup {
    html! {
        @if !flags.is_empty() {
            form method="post" action={ (action) "/not-spam" } {
                (csrf_field(token))
                button { "Not spam: move to the main list" }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_each_signal_in_words() {
        for (flags, expected) in [
            (&["honeypot"][..], "hidden field filled (people cannot see it; robots fill it in)"),
            (&["too-fast"], "sent faster than a person types"),
            (&["too-fast:1"], "sent 1 s after the visitor started typing"),
            (&["too-fast:0.84", "honeypot"], "sent 0.8 s after the visitor started typing; hidden field filled (people cannot see it; robots fill it in)"),
            (&["too-fast:NaN"], "too-fast:NaN"),
            (&["pasted"], "pasted"),
        ] {
            let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
            assert_eq!(words(&flags), expected, "{flags:?}");
        }
    }
}
