//! The login page.

use maud::{html, Markup};

use super::layout::{csrf_field, document};

/// The password form, with `error` above it after a failed try.
pub fn page(token: &str, error: Option<&str>) -> Markup {
    document(
        "Log in",
        html! {
            main class="login" {
                h1 { "Inbox" }
                @if let Some(error) = error {
                    p class="error" role="alert" { (error) }
                }
                form method="post" action="/inbox/login" {
                    (csrf_field(token))
                    label for="password" { "Password" }
                    input id="password" type="password" name="password"
                        autocomplete="current-password" required autofocus;
                    button { "Log in" }
                }
            }
        },
    )
}
