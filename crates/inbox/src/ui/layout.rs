//! The frame every page shares: the document, the header bar, the CSRF field, the error page.
//! Templates are maud's `html!`, which escapes every `(value)`; nothing here is inline script
//! or style, so the strict Content-Security-Policy in [`super::page_headers`] holds.

use maud::{html, Markup, PreEscaped};

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
            }
            body { (body) }
        }
        "\n"
    }
}

/// The header bar: the way home, and the logout button when a password is set (`token` is the
/// CSRF token for its form).
pub fn header(password_set: bool, token: &str) -> Markup {
    html! {
        header {
            a href="/inbox" class="brand" { "Inbox" }
            a href="/inbox/insights" class="section" { "Insights" }
            @if password_set {
                form method="post" action="/inbox/logout" { (csrf_field(token)) button { "Log out" } }
            } @else {
                span class="muted" { "Demo mode: no password is set, anyone who can reach this server can read it." }
            }
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
            main {
                h1 { (message) }
                p { a href="/inbox" { "Back to the inbox" } }
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
