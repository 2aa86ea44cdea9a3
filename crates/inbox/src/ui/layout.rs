//! The frame every page shares: the document, the header bar, the CSRF field, the error page,
//! and the small parts several pages show (times, e-mail links, status badges).
//! Templates are maud's `html!`, which escapes every `(value)`; nothing here is inline script
//! or style, so the strict Content-Security-Policy in [`super::page_headers`] holds. The one
//! script is a static file, `/inbox/time.js`, which shows each `<time datetime>` in the reader's
//! time zone.

use maud::{html, Markup, PreEscaped};

use super::html::{query_value, visitor_url};
use crate::store::Status;

/// A whole page: `title`, then `body`.
pub fn document(title: &str, body: Markup) -> Markup {
    html! {
        // maud's `DOCTYPE` is upper case; the inbox's pages have always begun like this.
        (PreEscaped("<!doctype html>\n"))
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Inbox" }
                link rel="stylesheet" href="/inbox/style.css";
                script src="/inbox/time.js" defer {}
            }
            body { (body) }
        }
        "\n"
    }
}

/// Who the header bar is for: a teammate logged in (their name), the open demo, or someone
/// reading with the API token.
pub enum Reader<'a> {
    User(&'a str),
    Demo,
    Token,
}

/// The header bar: the way home, who is reading, and the logout button for a login (`token` is
/// the CSRF token for its form).
pub fn header(reader: Reader, token: &str) -> Markup {
    html! {
        header class="top" {
            a href="/inbox" class="brand" { "Inbox" }
            a href="/inbox/insights" class="section" { "Insights" }
            @match reader {
                Reader::User(name) => {
                    span class="who" { "Signed in as " strong { (name) } }
                    form method="post" action="/inbox/logout" { (csrf_field(token)) button class="secondary" { "Log out" } }
                }
                Reader::Demo => {
                    span class="muted" { "Demo mode: no password is set, anyone who can reach this server can read it." }
                }
                Reader::Token => span class="muted" { "Read with the API token." },
            }
        }
    }
}

/// A moment (RFC 3339 UTC) as `<time>`: UTC in the page, shown in the reader's zone by
/// `time.js`.
pub fn time(at: &str) -> Markup {
    let utc = at.get(..16).unwrap_or(at).replace('T', " ");
    html! { time datetime=(at) { (utc) " UTC" } }
}

/// A customer's e-mail address as a `mailto:` link (the address shown isolated, as visitor text).
pub fn email_link(address: &str) -> Markup {
    html! { a class="email" href=(mailto(address, &[])) { (visitor_url(address)) } }
}

/// `mailto:` for `address` with percent-encoded `fields` (`subject`, `body`).
pub fn mailto(address: &str, fields: &[(&str, &str)]) -> String {
    let (local, domain) = address.trim().rsplit_once('@').unwrap_or((address, ""));
    let query: Vec<String> = fields
        .iter()
        .map(|(name, value)| format!("{name}={}", query_value(value)))
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    format!(
        "mailto:{}@{}{query}",
        query_value(local),
        query_value(domain)
    )
}

/// A status in words.
pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Open => "Open",
        Status::Answered => "Answered",
        Status::Closed => "Closed",
    }
}

/// A message's status as a badge.
pub fn status_badge(status: Status) -> Markup {
    html! { span class={ "badge status-" (status.name()) } { (status_name(status)) } }
}

/// The button that closes a message, or reopens a closed one, then goes to `back`.
pub fn status_button(id: &str, status: Status, token: &str, back: &str) -> Markup {
    let (next, label) = if status == Status::Closed {
        (Status::Open, "Reopen")
    } else {
        (Status::Closed, "Close")
    };
    html! {
        form class="inline" method="post" action={ "/inbox/m/" (query_value(id)) "/status" } {
            (csrf_field(token))
            input type="hidden" name="status" value=(next.name());
            input type="hidden" name="back" value=(back);
            button class="secondary" { (label) }
        }
    }
}

/// A hidden CSRF field for a form.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(token); }
}

/// An error as a page of its own, with the way back.
pub fn error(message: &str) -> Markup {
    document(
        "Error",
        html! {
            header class="top" { a href="/inbox" class="brand" { "Inbox" } }
            main {
                h1 { (message) }
                p { a class="button" href="/inbox" { "Back to the inbox" } }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::path::Path;

    /// Escaping is maud's default; the one way around it, `PreEscaped`, is used for the doctype
    /// alone, so a new page cannot put unescaped text in by accident.
    #[test]
    fn only_the_doctype_is_unescaped() {
        let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
        let mut files = vec![ui.with_extension("rs")];
        files.extend(
            fs::read_dir(&ui)
                .expect("src/ui")
                .map(|entry| entry.expect("a file").path())
                .filter(|path| path.extension().is_some_and(|e| e == "rs")),
        );
        let mut uses = 0;
        for file in &files {
            let text = fs::read_to_string(file).expect("readable");
            // Tests render nothing for the pages.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for line in code.lines().filter(|l| l.contains("PreEscaped")) {
                let allowed = line.contains("(PreEscaped(\"<!doctype html>\\n\"))")
                    || line.starts_with("use maud::")
                    || line.trim_start().starts_with("//");
                assert!(allowed, "{}: {line}", file.display());
                uses += 1;
            }
        }
        assert!(uses >= 2, "the doctype and its import were found");
        assert_eq!(
            super::mailto("a+b@Shop.example", &[("subject", "Re: 50% off?")]),
            "mailto:a%2Bb@Shop.example?subject=Re%3A%2050%25%20off%3F"
        );
        let page = super::document("<t>", maud::html! { "<b>" }).into_string();
        assert!(
            page.starts_with("<!doctype html>\n<html lang=\"en\">"),
            "{page}"
        );
        assert!(
            page.contains("<title>&lt;t&gt; · Inbox</title>")
                && page.contains("<body>&lt;b&gt;</body>"),
            "{page}"
        );
    }
}
