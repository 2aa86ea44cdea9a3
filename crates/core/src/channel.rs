//! Ways to reach the business: each channel type, how its value is checked and what link it becomes.
//!
//! Everything here is table-driven from [`Kind::ALL`] so the parser, the JSON Schema and the tests
//! share one list.

/// A channel type, as written in the config's `"type"` (and as a data attribute name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Phone,
    Sms,
    Email,
    Whatsapp,
    Telegram,
    Messenger,
    X,
    Instagram,
    Facebook,
    Linkedin,
    Link,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Phone,
        Kind::Sms,
        Kind::Email,
        Kind::Whatsapp,
        Kind::Telegram,
        Kind::Messenger,
        Kind::X,
        Kind::Instagram,
        Kind::Facebook,
        Kind::Linkedin,
        Kind::Link,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Phone => "phone",
            Kind::Sms => "sms",
            Kind::Email => "email",
            Kind::Whatsapp => "whatsapp",
            Kind::Telegram => "telegram",
            Kind::Messenger => "messenger",
            Kind::X => "x",
            Kind::Instagram => "instagram",
            Kind::Facebook => "facebook",
            Kind::Linkedin => "linkedin",
            Kind::Link => "link",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the channel takes a prefilled `"message"` (put into the link, URL-encoded).
    pub fn takes_message(self) -> bool {
        matches!(self, Kind::Sms | Kind::Email | Kind::Whatsapp)
    }

    /// What the owner should write as the value, for error messages and the schema.
    pub fn expects(self) -> &'static str {
        match self {
            Kind::Phone | Kind::Sms | Kind::Whatsapp => "a phone number such as +1 555 0100",
            Kind::Email => "an e-mail address such as help@example.com",
            Kind::Telegram => "a Telegram username (5-32 letters, digits or _)",
            Kind::Messenger => "a Facebook page username (letters, digits or .)",
            Kind::X => "an X handle (1-15 letters, digits or _)",
            Kind::Instagram => "an Instagram username (letters, digits, . or _)",
            Kind::Facebook => "a Facebook page name (letters, digits, . or -)",
            Kind::Linkedin => "a LinkedIn path such as company/examplehq or in/jane-doe",
            Kind::Link => "an https:, http:, mailto:, tel: or sms: URL, or a path on this site",
        }
    }
}

/// A channel that passed validation, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Channel {
    pub kind: Kind,
    /// The owner's own label (e.g. "Sales"); the UI falls back to the channel type's name.
    pub label: Option<String>,
    /// The value as the owner wrote it, shown to the visitor (a number stays in its human format).
    pub display: String,
    /// The link target, always of an allowed scheme.
    pub href: String,
}

/// Builds the link for `value` of `kind`, with an optional prefilled `message`.
/// `Err` carries what was expected, for a console message naming the channel.
pub fn link(kind: Kind, value: &str, message: Option<&str>) -> Result<String, &'static str> {
    let value = value.trim();
    let handle = |ok: fn(char) -> bool, min: usize, max: usize| {
        let h = value.strip_prefix('@').unwrap_or(value);
        let n = h.chars().count();
        (n >= min && n <= max && h.chars().all(ok)).then_some(h).ok_or(kind.expects())
    };
    fn word(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }
    let query = |key: &str| message.filter(|m| !m.is_empty()).map(|m| format!("?{key}={}", encode(m))).unwrap_or_default();
    Ok(match kind {
        Kind::Phone => format!("tel:{}", e164(value).ok_or(kind.expects())?),
        Kind::Sms => format!("sms:{}{}", e164(value).ok_or(kind.expects())?, query("body")),
        Kind::Whatsapp => {
            let number = e164(value).ok_or(kind.expects())?;
            format!("https://wa.me/{}{}", &number[1..], query("text"))
        }
        Kind::Email => {
            if !crate::form::is_email(value) {
                return Err(kind.expects());
            }
            format!("mailto:{}{}", encode_email(value), query("body"))
        }
        Kind::Telegram => format!("https://t.me/{}", handle(word, 5, 32)?),
        Kind::Messenger => format!("https://m.me/{}", handle(|c| c.is_ascii_alphanumeric() || c == '.', 5, 50)?),
        Kind::X => format!("https://x.com/{}", handle(word, 1, 15)?),
        Kind::Instagram => format!("https://www.instagram.com/{}", handle(|c| word(c) || c == '.', 1, 30)?),
        Kind::Facebook => format!("https://www.facebook.com/{}", handle(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-', 5, 75)?),
        Kind::Linkedin => {
            let path = value.trim_matches('/');
            let ok = path.split('/').count() == 2
                && path.split('/').all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
            if !ok {
                return Err(kind.expects());
            }
            format!("https://www.linkedin.com/{path}/")
        }
        Kind::Link => safe_url(value).ok_or(kind.expects())?,
    })
}

/// A phone number in E.164 (`+` and up to 15 digits) from a human format such as
/// "+1 (555) 010-0100" or "+44 20 7946 0958". Numbers without a country code are refused:
/// a visitor abroad could not dial them, and `wa.me` needs the country code.
pub fn e164(human: &str) -> Option<String> {
    let rest = human.trim().strip_prefix('+').or_else(|| human.trim().strip_prefix("00"))?;
    let mut digits = String::from("+");
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return None,
        }
    }
    (digits.len() >= 8 && digits.len() <= 16 && !digits[1..].starts_with('0')).then_some(digits)
}

/// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8), so `&`, `#`, `+`,
/// spaces, emoji and right-to-left text survive inside a query value. Spaces become `%20`,
/// never `+` (mail and SMS apps would show a literal plus).
pub fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// An address inside `mailto:` keeps its `@`; everything else is encoded as in a query.
fn encode_email(address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    format!("{}@{}", encode(local), encode(domain))
}

/// Schemes a link may have. Anything else (`javascript:`, `data:`, `vbscript:`, …) is refused.
pub const ALLOWED_SCHEMES: [&str; 5] = ["https", "http", "mailto", "tel", "sms"];

/// The URL as the browser will read it, if its scheme is allowed; a scheme-less URL (a path on
/// the page's own site, or `//host/…`) is relative and therefore `http(s)` too.
///
/// Follows the WHATWG URL parser's first steps, which is where `javascript:` smuggling happens:
/// leading and trailing C0 controls and spaces are stripped, tabs and newlines anywhere are
/// removed, and the scheme is case-insensitive. The shell checks the result again with the
/// browser's own `URL` before rendering.
pub fn safe_url(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    let url: String = trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    if url.is_empty() {
        return None;
    }
    match scheme(&url) {
        Some(s) if !ALLOWED_SCHEMES.contains(&s.as_str()) => None,
        _ => Some(url),
    }
}

/// The lower-cased scheme of an absolute URL (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` before
/// a `:`), or `None` for a relative one.
pub fn scheme(url: &str) -> Option<String> {
    let s = &url[..url.find(':')?];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))).then(|| s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per case: kind, value, message, expected link (or `Err` with what was expected).
    fn check(kind: Kind, value: &str, message: Option<&str>, expected: Result<&str, ()>) {
        let got = link(kind, value, message);
        match expected {
            Ok(want) => assert_eq!(got.as_deref(), Ok(want), "{kind:?} {value:?} {message:?}"),
            Err(()) => assert_eq!(got, Err(kind.expects()), "{kind:?} {value:?} should be refused"),
        }
    }

    #[test]
    fn links() {
        use Kind::*;
        let rows: &[(Kind, &str, Option<&str>, Result<&str, ()>)] = &[
            (Phone, "+1 555 0100 123", None, Ok("tel:+15550100123")),
            (Phone, "+1 (555) 010-0100", None, Ok("tel:+15550100100")),
            (Phone, "0044 20 7946 0958", None, Ok("tel:+442079460958")),
            (Phone, "555 0100", None, Err(())),
            (Phone, "+1 555 CALL NOW", None, Err(())),
            (Phone, "+1234567890123456", None, Err(())),
            (Sms, "+15550100123", Some("Hi & bye #1 +2"), Ok("sms:+15550100123?body=Hi%20%26%20bye%20%231%20%2B2")),
            (Email, "help@example.com", None, Ok("mailto:help@example.com")),
            (Email, "help@example.com", Some("Olá 👋"), Ok("mailto:help@example.com?body=Ol%C3%A1%20%F0%9F%91%8B")),
            (Email, "not an address", None, Err(())),
            (Email, "a@b.co?cc=evil@x.com", None, Err(())),
            (Whatsapp, "+1 555 0100 123", Some("Hello!"), Ok("https://wa.me/15550100123?text=Hello%21")),
            (Whatsapp, "+972 50 123 4567", Some("שלום"), Ok("https://wa.me/972501234567?text=%D7%A9%D7%9C%D7%95%D7%9D")),
            (Whatsapp, "+1 555 0100 123", Some(""), Ok("https://wa.me/15550100123")),
            (Telegram, "@examplehq", None, Ok("https://t.me/examplehq")),
            (Telegram, "ab", None, Err(())),
            (Messenger, "examplehq", None, Ok("https://m.me/examplehq")),
            (X, "@example_hq", None, Ok("https://x.com/example_hq")),
            (X, "way_too_long_handle", None, Err(())),
            (Instagram, "example.hq", None, Ok("https://www.instagram.com/example.hq")),
            (Instagram, "evil/../x", None, Err(())),
            (Facebook, "examplehq", None, Ok("https://www.facebook.com/examplehq")),
            (Linkedin, "company/examplehq", None, Ok("https://www.linkedin.com/company/examplehq/")),
            (Linkedin, "company/../../evil", None, Err(())),
            (Link, "https://example.com/help?a=1#top", None, Ok("https://example.com/help?a=1#top")),
            (Link, "/help", None, Ok("/help")),
            (Link, "javascript:alert(1)", None, Err(())),
        ];
        for &(kind, value, message, expected) in rows {
            check(kind, value, message, expected);
        }
    }

    #[test]
    fn only_allowed_schemes_survive_url_parsing_tricks() {
        for ok in ["https://a.example", "HTTP://a.example", "mailto:a@b.co", "tel:+1555", "sms:+1555", "/path", "//cdn.example/x", "help.html", "?q=1"] {
            assert!(safe_url(ok).is_some(), "{ok} should be allowed");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "",
            "  ",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?} should be refused");
        }
        assert_eq!(safe_url(" https://a.example/\n").as_deref(), Some("https://a.example/"));
    }

    #[test]
    fn every_kind_round_trips_its_name() {
        for kind in Kind::ALL {
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(Kind::from_name("fax"), None);
    }
}
