//! The feedback form's rules: limits and field checks shared by the widget and the inbox; and
//! the draft the widget keeps while the visitor types.

use crate::config::{Ask, Form};
use crate::i18n::Text;
use crate::json::{self, Fields};
use crate::submission::Submission;
use crate::value::Value;

/// Longest message a customer may write, in characters. Shown as a limit, never truncated.
pub const MESSAGE_MAX: usize = 5000;
/// From this length on the form shows a counter against [`MESSAGE_MAX`]; below it a counter is
/// noise (and its numbers, formatted by `Intl` in the visitor's language, are slow to start).
pub const COUNTER_FROM: usize = MESSAGE_MAX * 4 / 5;
/// Longest name, in characters.
pub const NAME_MAX: usize = 200;
/// Longest e-mail address (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;

/// Spam signals, sent as a submission's `flags`: the hidden field was filled (no person sees it).
pub const FLAG_HONEYPOT: &str = "honeypot";
/// Sent sooner than `form.minSeconds` after the visitor started writing it.
pub const FLAG_TOO_FAST: &str = "too-fast";

/// The spam signals of a submission. `written_for` is how long ago (ms) the visitor first edited
/// this draft: `None` when no edit was ever seen (the text appeared without typing or pasting).
/// A draft put back from an earlier visit was written long ago; the shell passes its age as such.
/// Time is never counted from opening the panel: a visitor may write, close, reopen and send.
pub fn spam_flags(
    honeypot_filled: bool,
    written_for: Option<f64>,
    min_seconds: f64,
) -> Vec<String> {
    let too_fast = min_seconds > 0.0 && written_for.is_none_or(|ms| ms < min_seconds * 1000.0);
    [(honeypot_filled, FLAG_HONEYPOT), (too_fast, FLAG_TOO_FAST)]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, flag)| (*flag).to_owned())
        .collect()
}

/// What the visitor has typed, kept in localStorage until it is delivered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub message: String,
    pub email: String,
    pub name: String,
    pub rating: Option<u8>,
}

impl Draft {
    pub fn to_value(&self) -> Value {
        json::object(vec![
            ("message", json::text(&self.message)),
            ("email", json::text(&self.email)),
            ("name", json::text(&self.name)),
            (
                "rating",
                self.rating.map_or(Value::Null, |r| Value::Number(r as f64)),
            ),
        ])
    }

    /// Whatever can be read back; a damaged draft gives what is left, never an error.
    pub fn from_value(v: &Value) -> Draft {
        Draft {
            message: v.text("message").unwrap_or_default(),
            email: v.text("email").unwrap_or_default(),
            name: v.text("name").unwrap_or_default(),
            rating: v
                .number("rating")
                .filter(|r| (1.0..=5.0).contains(r))
                .map(|r| r as u8),
        }
    }
}

/// What is wrong with one form field, as a key the UI translates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldError {
    Required,
    TooLong,
    InvalidEmail,
}

/// A field of the form that can be wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Message,
    Name,
    Email,
    Consent,
}

impl FieldError {
    /// What the visitor reads about it: the text, and the limit to fill in as `{max}`.
    pub fn text(self, field: Field) -> (Text, Option<usize>) {
        match (field, self) {
            (Field::Consent, _) => (Text::ErrorConsent, None),
            (Field::Message, FieldError::TooLong) => (Text::ErrorTooLong, Some(MESSAGE_MAX)),
            (Field::Name, FieldError::TooLong) => (Text::ErrorTooLong, Some(NAME_MAX)),
            (Field::Email, FieldError::TooLong) => (Text::ErrorTooLong, Some(EMAIL_MAX)),
            (Field::Email, FieldError::InvalidEmail) => (Text::ErrorEmail, None),
            (Field::Email, _) => (Text::ErrorEmailRequired, None),
            (Field::Name, _) => (Text::ErrorNameRequired, None),
            (Field::Message, _) => (Text::ErrorRequired, None),
        }
    }
}

/// Every problem of the form as the visitor filled it, in the form's order (the first is the
/// one focused); empty when it can be sent. Fields the form does not ask for are not checked.
pub fn check(form: &Form, draft: &Draft, consent_given: bool) -> Vec<(Field, FieldError)> {
    let asked = |ask: Ask| ask != Ask::Off;
    [
        (Field::Message, check_message(&draft.message)),
        (
            Field::Name,
            asked(form.name)
                .then(|| check_name(&draft.name, form.name == Ask::Required))
                .flatten(),
        ),
        (
            Field::Email,
            asked(form.email)
                .then(|| check_email(&draft.email, form.email == Ask::Required))
                .flatten(),
        ),
        (
            Field::Consent,
            (form.consent.is_some() && !consent_given).then_some(FieldError::Required),
        ),
    ]
    .into_iter()
    .filter_map(|(field, error)| Some((field, error?)))
    .collect()
}

/// Checks a name: empty is fine unless `required`, at most [`NAME_MAX`] characters.
pub fn check_name(name: &str, required: bool) -> Option<FieldError> {
    let name = name.trim();
    if name.is_empty() {
        required.then_some(FieldError::Required)
    } else if name.chars().count() > NAME_MAX {
        Some(FieldError::TooLong)
    } else {
        None
    }
}

/// An optional field (e-mail, name) as it is sent: trimmed, and absent when empty.
pub fn optional(value: &str) -> Option<String> {
    Some(value.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Whether `pending` carries exactly what the visitor wrote in `draft`: then it is sent again as
/// it is (same id, so the endpoint stores it once), not as a new submission.
pub fn is_resend(pending: &Submission, draft: &Draft) -> bool {
    pending.message == draft.message
        && pending.email == optional(&draft.email)
        && pending.name == optional(&draft.name)
        && pending.rating == draft.rating
}

/// Checks the message: required, at most [`MESSAGE_MAX`] characters.
pub fn check_message(message: &str) -> Option<FieldError> {
    if message.trim().is_empty() {
        Some(FieldError::Required)
    } else if message.chars().count() > MESSAGE_MAX {
        Some(FieldError::TooLong)
    } else {
        None
    }
}

/// Checks an e-mail field. Empty is fine unless `required`.
pub fn check_email(email: &str, required: bool) -> Option<FieldError> {
    let email = email.trim();
    if email.is_empty() {
        return required.then_some(FieldError::Required);
    }
    if email.chars().count() > EMAIL_MAX {
        return Some(FieldError::TooLong);
    }
    (!is_email(email)).then_some(FieldError::InvalidEmail)
}

/// A plausible address: `local@domain.tld`, no spaces or control characters, one `@`.
/// Deliberately loose (the only real check is delivery), but it catches typos such as a
/// missing `@` or domain.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let clean = |p: &str| {
        !p.is_empty()
            && !p
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@')
    };
    clean(local)
        && clean(domain)
        && local.len() <= 64
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.co",
            "ana.maria+tag@example.org",
            "x@sub.domain.example",
            "ünï@exämple.de",
        ] {
            assert!(is_email(ok), "{ok} should be accepted");
        }
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@b..co", "a@.b.co", "a@b.co.", "a@@b.co",
            "a@b@c.co",
        ] {
            assert!(!is_email(bad), "{bad:?} should be refused");
        }
    }

    #[test]
    fn the_form_is_checked_field_by_field_in_order() {
        let draft = |message: &str, name: &str, email: &str| Draft {
            message: message.into(),
            name: name.into(),
            email: email.into(),
            rating: None,
        };
        let everything = Form {
            name: Ask::Required,
            email: Ask::Required,
            consent: Some("I agree".into()),
            ..Form::default()
        };
        assert_eq!(
            check(&everything, &draft("  ", " ", ""), false),
            [
                (Field::Message, FieldError::Required),
                (Field::Name, FieldError::Required),
                (Field::Email, FieldError::Required),
                (Field::Consent, FieldError::Required),
            ]
        );
        let long_name = "n".repeat(NAME_MAX + 1);
        assert_eq!(
            check(&everything, &draft("Hi", &long_name, "a@b"), true),
            [
                (Field::Name, FieldError::TooLong),
                (Field::Email, FieldError::InvalidEmail),
            ]
        );
        assert!(check(&everything, &draft("Hi", " Ana ", " a@b.co "), true).is_empty());
        // Fields the form does not ask for are never wrong; optional ones only when malformed.
        let lean = Form {
            name: Ask::Off,
            email: Ask::Optional,
            ..Form::default()
        };
        assert!(check(&lean, &draft("Hi", &long_name, ""), false).is_empty());
        assert_eq!(
            check(
                &lean,
                &draft(&"m".repeat(MESSAGE_MAX + 1), "", "nope"),
                false
            ),
            [
                (Field::Message, FieldError::TooLong),
                (Field::Email, FieldError::InvalidEmail),
            ]
        );
    }

    #[test]
    fn each_problem_has_its_words_and_limit() {
        assert_eq!(
            FieldError::TooLong.text(Field::Name),
            (Text::ErrorTooLong, Some(NAME_MAX))
        );
        assert_eq!(
            FieldError::TooLong.text(Field::Email),
            (Text::ErrorTooLong, Some(EMAIL_MAX))
        );
        assert_eq!(
            FieldError::Required.text(Field::Message),
            (Text::ErrorRequired, None)
        );
        assert_eq!(
            FieldError::Required.text(Field::Email),
            (Text::ErrorEmailRequired, None)
        );
        assert_eq!(
            FieldError::InvalidEmail.text(Field::Email),
            (Text::ErrorEmail, None)
        );
        assert_eq!(
            FieldError::Required.text(Field::Consent),
            (Text::ErrorConsent, None)
        );
    }

    #[test]
    fn an_unchanged_draft_resends_the_pending_submission() {
        let pending: Submission = serde_json::from_str(
            r#"{"id":"x","message":"Hi","email":"a@b.co","page":{"url":"https://s.example/","title":""},
               "locale":"en","timeZone":"UTC","createdAt":"2026-01-01T00:00:00Z","widget":{"version":"1"}}"#,
        )
        .unwrap();
        let draft = Draft {
            message: "Hi".into(),
            email: " a@b.co ".into(),
            name: "  ".into(),
            rating: None,
        };
        assert!(is_resend(&pending, &draft));
        assert!(!is_resend(
            &pending,
            &Draft {
                message: "Hi!".into(),
                ..draft.clone()
            }
        ));
        assert!(!is_resend(
            &pending,
            &Draft {
                rating: Some(3),
                ..draft
            }
        ));
    }

    #[test]
    fn drafts_round_trip_and_survive_damage() {
        let draft = Draft {
            message: "half a \"thought\"".into(),
            email: "a@b.co".into(),
            name: String::new(),
            rating: Some(4),
        };
        assert_eq!(
            Draft::from_value(&crate::value::json(&crate::json::write(&draft.to_value()))),
            draft
        );
        assert_eq!(
            Draft::from_value(&crate::value::json(r#"{"message":"kept","rating":"five"}"#)),
            Draft {
                message: "kept".into(),
                ..Draft::default()
            }
        );
    }

    #[test]
    fn spam_is_flagged_and_only_a_honeypot_is_ever_dropped() {
        use crate::config::Spam;
        fn check(
            honeypot: bool,
            written_for: Option<f64>,
            flags: &[&str],
            dropped_with_drop: bool,
        ) {
            let got = spam_flags(honeypot, written_for, 2.0);
            assert_eq!(
                got, flags,
                "honeypot {honeypot}, written for {written_for:?}"
            );
            assert_eq!(Spam::Drop.drops(&got), dropped_with_drop);
            assert!(!Spam::Flag.drops(&got), "flag never drops");
        }
        check(false, Some(30_000.0), &[], false);
        // Pasted and sent at once: a person, flagged for the owner, never dropped.
        check(false, Some(500.0), &["too-fast"], false);
        check(false, None, &["too-fast"], false);
        check(true, Some(30_000.0), &["honeypot"], true);
        check(true, Some(100.0), &["honeypot", "too-fast"], true);
        for written_for in [None, Some(0.0)] {
            assert!(
                spam_flags(false, written_for, 0.0).is_empty(),
                "minSeconds 0 switches the time check off"
            );
        }
    }

    #[test]
    fn fields() {
        assert_eq!(check_message("   "), Some(FieldError::Required));
        assert_eq!(check_message("hi"), None);
        assert_eq!(check_message(&"é".repeat(MESSAGE_MAX)), None);
        assert_eq!(
            check_message(&"é".repeat(MESSAGE_MAX + 1)),
            Some(FieldError::TooLong)
        );
        assert_eq!(check_email("", false), None);
        assert_eq!(check_email(" ", true), Some(FieldError::Required));
        assert_eq!(check_email("nope", false), Some(FieldError::InvalidEmail));
        assert_eq!(check_email(" ana@example.org ", true), None);
    }
}
