//! The feedback request body (contracts §6): built by the widget, validated and stored by the inbox.
//! Defined once here so the two sides cannot drift.

use serde::{Deserialize, Serialize};

use crate::form::{self, FieldError};
use crate::json::{self, Fields};
use crate::value::Value;

/// One customer's feedback, as POSTed to the endpoint. `id` is made once per submission and
/// reused by every retry, so the endpoint can store it exactly once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Submission {
    pub id: String,
    pub message: String,
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The consent text the customer ticked, stored with the submission; `None` when the form has none.
    #[serde(default)]
    pub consent: Option<String>,
    /// Spam signals the widget saw, when the owner chose to receive flagged messages:
    /// `honeypot` (the hidden field was filled) and `too-fast` (sent sooner after opening than a
    /// person types). Absent from the JSON when empty, so the contract's payload is unchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    pub page: Page,
    pub locale: String,
    pub time_zone: String,
    pub created_at: String,
    pub widget: WidgetInfo,
}

/// Where the customer was when they wrote.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub url: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub referrer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WidgetInfo {
    pub version: String,
}

/// One reason a submission is refused: the JSON field and a sentence for the endpoint's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub field: &'static str,
    pub message: &'static str,
}

impl Submission {
    /// The request body's shape (contracts §6), field for field as serde writes it.
    pub fn to_value(&self) -> Value {
        let mut fields = vec![
            ("id", json::text(&self.id)),
            ("message", json::text(&self.message)),
            (
                "rating",
                self.rating.map_or(Value::Null, |r| Value::Number(r as f64)),
            ),
            ("email", json::optional_text(&self.email)),
            ("name", json::optional_text(&self.name)),
            ("consent", json::optional_text(&self.consent)),
        ];
        if !self.flags.is_empty() {
            fields.push((
                "flags",
                Value::Array(self.flags.iter().map(|f| json::text(f)).collect()),
            ));
        }
        fields.extend([
            (
                "page",
                json::object(vec![
                    ("url", json::text(&self.page.url)),
                    ("title", json::text(&self.page.title)),
                    ("referrer", json::text(&self.page.referrer)),
                ]),
            ),
            ("locale", json::text(&self.locale)),
            ("timeZone", json::text(&self.time_zone)),
            ("createdAt", json::text(&self.created_at)),
            (
                "widget",
                json::object(vec![("version", json::text(&self.widget.version))]),
            ),
        ]);
        json::object(fields)
    }

    /// Reads back what [`Submission::to_value`] wrote; `None` for anything else.
    pub fn from_value(v: &Value) -> Option<Submission> {
        let page = v.get("page")?;
        let flags = match v.get("flags") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|f| f.as_str().map(str::to_owned))
                .collect::<Option<_>>()?,
            Some(_) => return None,
        };
        Some(Submission {
            id: v.text("id")?,
            message: v.text("message")?,
            rating: match v.get("rating") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) if (0.0..=255.0).contains(n) => Some(*n as u8),
                Some(_) => return None,
            },
            email: v.optional_text("email")?,
            name: v.optional_text("name")?,
            consent: v.optional_text("consent")?,
            flags,
            page: Page {
                url: page.text("url")?,
                title: page.text("title")?,
                referrer: page.text("referrer")?,
            },
            locale: v.text("locale")?,
            time_zone: v.text("timeZone")?,
            created_at: v.text("createdAt")?,
            widget: WidgetInfo {
                version: v.get("widget")?.text("version")?,
            },
        })
    }

    /// Everything wrong with this submission; empty when it may be stored.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut bad = |field, message| out.push(Problem { field, message });
        if !is_uuid(&self.id) {
            bad(
                "id",
                "must be a UUID such as 0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11",
            );
        }
        match form::check_message(&self.message) {
            Some(FieldError::Required) => bad("message", "must not be empty"),
            Some(_) => bad("message", "is longer than 5000 characters"),
            None => {}
        }
        if matches!(self.rating, Some(r) if !(1..=5).contains(&r)) {
            bad("rating", "must be between 1 and 5");
        }
        if let Some(email) = &self.email {
            if form::check_email(email, false).is_some() {
                bad("email", "is not a valid e-mail address");
            }
        }
        let too_long =
            |s: &Option<String>, max| s.as_ref().is_some_and(|s| s.chars().count() > max);
        if too_long(&self.name, form::NAME_MAX) {
            bad("name", "is longer than 200 characters");
        }
        if too_long(&self.consent, 2000) {
            bad("consent", "is longer than 2000 characters");
        }
        let limits: [(&'static str, &str, usize); 6] = [
            ("page.url", &self.page.url, 2048),
            ("page.title", &self.page.title, 1000),
            ("page.referrer", &self.page.referrer, 2048),
            ("locale", &self.locale, 35),
            ("timeZone", &self.time_zone, 64),
            ("createdAt", &self.created_at, 40),
        ];
        for (field, value, max) in limits {
            if value.chars().count() > max {
                bad(field, "is too long");
            }
        }
        if self.flags.len() > 4 || self.flags.iter().any(|f| f.len() > 20) {
            bad("flags", "must be at most 4 short words");
        }
        if self.widget.version.len() > 40 {
            bad("widget.version", "is too long");
        }
        out
    }
}

/// What an endpoint's answer means for a submission (contracts §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Any 2xx: stored, done.
    Accepted,
    /// 408, 425, 429 or 5xx: the endpoint may take it later; keep it and try again.
    Retry,
    /// Any other status: this submission will never be accepted as it is.
    Refused,
}

pub fn reply_of(status: u16) -> Reply {
    match status {
        200..=299 => Reply::Accepted,
        408 | 425 | 429 | 500..=599 => Reply::Retry,
        _ => Reply::Refused,
    }
}

/// `8-4-4-4-12` hexadecimal digits, either case.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A version-4 UUID from 16 random bytes (the shell takes them from `crypto.getRandomValues`,
/// which, unlike `crypto.randomUUID`, also works on plain-http pages).
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(HEX[(b >> 4) as usize] as char);
        out.push(HEX[(b & 15) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Submission {
        serde_json::from_str(
            r#"{"id":"0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11","message":"The checkout page is confusing.",
                "rating":4,"email":"ana@example.org","name":null,"consent":null,
                "page":{"url":"https://shop.example/checkout","title":"Checkout","referrer":""},
                "locale":"en","timeZone":"Europe/Berlin","createdAt":"2026-11-22T10:15:30.000Z",
                "widget":{"version":"0.1.0"}}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_contract_example_is_valid_and_round_trips() {
        let s = sample();
        assert_eq!(s.problems(), vec![]);
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["timeZone"], "Europe/Berlin");
        assert_eq!(json["name"], serde_json::Value::Null);
        assert_eq!(serde_json::from_value::<Submission>(json).unwrap(), s);
    }

    #[test]
    fn the_hand_written_json_is_serdes_byte_for_byte() {
        let mut s = sample();
        s.message = "Quotes \" and \\ and\nnew lines, emoji 👋 and RTL שלום".into();
        s.name = Some("Ana <b>".into());
        for flags in [vec![], vec!["honeypot".to_owned(), "too-fast".to_owned()]] {
            s.flags = flags;
            let ours = crate::json::write(&s.to_value());
            assert_eq!(ours, serde_json::to_string(&s).unwrap());
            assert_eq!(
                Submission::from_value(&crate::value::json(&ours)),
                Some(s.clone())
            );
        }
        assert_eq!(
            Submission::from_value(&crate::value::json(r#"{"id":"x"}"#)),
            None
        );
    }

    #[test]
    fn problems_name_the_field() {
        let check = |edit: fn(&mut Submission), field: &str| {
            let mut s = sample();
            edit(&mut s);
            let fields: Vec<_> = s.problems().iter().map(|p| p.field).collect();
            assert_eq!(fields, vec![field]);
        };
        check(|s| s.id = "42".into(), "id");
        check(|s| s.message = " \n ".into(), "message");
        check(|s| s.message = "x".repeat(5001), "message");
        check(|s| s.rating = Some(0), "rating");
        check(|s| s.rating = Some(6), "rating");
        check(|s| s.email = Some("not-an-address".into()), "email");
        check(|s| s.name = Some("n".repeat(201)), "name");
        check(|s| s.page.url = "u".repeat(3000), "page.url");
    }

    #[test]
    fn replies() {
        for (status, reply) in [
            (200, Reply::Accepted),
            (201, Reply::Accepted),
            (204, Reply::Accepted),
            (400, Reply::Refused),
            (404, Reply::Refused),
            (413, Reply::Refused),
            (422, Reply::Refused),
            (408, Reply::Retry),
            (425, Reply::Retry),
            (429, Reply::Retry),
            (500, Reply::Retry),
            (503, Reply::Retry),
            (302, Reply::Refused),
            (0, Reply::Refused),
        ] {
            assert_eq!(reply_of(status), reply, "{status}");
        }
    }

    #[test]
    fn uuids() {
        let id = uuid_v4([0xff; 16]);
        assert_eq!(id, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert!(is_uuid(&id));
        assert!(is_uuid(&uuid_v4([0; 16])));
        for bad in [
            "",
            "0b8e2c1e5a7f4c3b9a612f0d7c9e4b11",
            "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b1g",
            "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b1",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }
}
