//! What visitor values need beyond maud's escaping (which every `(value)` in a template gets):
//! isolation of their text direction, bidirectional controls made visible in URLs, which URLs
//! may become links, and query-string values.

use maud::{html, Markup};

/// Visitor text as element content: escaped and isolated (`<bdi>`), so its direction (a U+202E
/// included) cannot reorder the page around it.
pub fn visitor(s: &str) -> Markup {
    html! { bdi { (s) } }
}

/// A URL (or address) a visitor sent, for display: isolated like [`visitor`] text, and with every
/// bidirectional control shown as `[U+202E]`, so it reads in the order a browser follows it and
/// one host cannot pass for another.
pub fn visitor_url(s: &str) -> Markup {
    let mut shown = String::with_capacity(s.len());
    for c in s.chars() {
        if is_bidi_control(c) {
            shown.push_str(&format!("[U+{:04X}]", u32::from(c)));
        } else {
            shown.push(c);
        }
    }
    visitor(&shown)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `url` when it is an absolute `http:`/`https:` URL (the page a customer was on), else `None`:
/// a stored `javascript:` URL must never become a link in the owner's inbox, nor one whose
/// bidirectional controls make it read as another.
pub fn safe_href(url: &str) -> Option<&str> {
    let lower = url.trim_start().to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || is_bidi_control(c));
    ok.then_some(url)
}

/// Percent-encodes a query-string value.
pub fn query_value(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Text cut to `max` characters, with an ellipsis when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_isolates_and_filters() {
        for (url, ok) in [
            ("https://shop.example/a?b=1", true),
            ("HTTP://shop.example", true),
            ("javascript:alert(1)", false),
            (" javascript:alert(1)", false),
            ("data:text/html,x", false),
            ("/relative", false),
            ("https://x.example/\n", false),
            ("https://evil.example/\u{202E}elpmaxe.pohs", false),
        ] {
            assert_eq!(safe_href(url).is_some(), ok, "{url}");
        }
        assert_eq!(query_value("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
        assert_eq!(excerpt("one\n two   three", 7), "one two…");
        assert_eq!(excerpt("short", 7), "short");
        assert_eq!(
            visitor("<b>\u{202E}x&\"").into_string(),
            "<bdi>&lt;b&gt;\u{202E}x&amp;&quot;</bdi>"
        );
        assert_eq!(
            visitor_url("https://a.example/\u{202E}\u{2066}x").into_string(),
            "<bdi>https://a.example/[U+202E][U+2066]x</bdi>"
        );
        // Attribute values are always double-quoted, so a quote cannot end one early.
        let hostile = r#"x" onmouseover="alert(1)"#;
        assert_eq!(
            html! { a href=(hostile) { (hostile) } }.into_string(),
            "<a href=\"x&quot; onmouseover=&quot;alert(1)\">x&quot; onmouseover=&quot;alert(1)</a>"
        );
    }
}
