//! The login page.

use maud::{html, Markup};

use super::layout::{csrf_field, document};

/// The name and password form, with `error` above it after a failed try. With `owner` (a password
/// is configured) the name may be left empty: that password is the owner's.
pub fn page(token: &str, owner: bool, error: Option<&str>) -> Markup {
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
                    label for="name" { "Name" }
                    input id="name" type="text" name="name" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required[!owner]
                        aria-describedby=[owner.then_some("name-hint")];
                    @if owner {
                        p id="name-hint" class="hint" { "Leave it empty to log in with the inbox's own password." }
                    }
                    label for="password" { "Password" }
                    input id="password" type="password" name="password"
                        autocomplete="current-password" required;
                    button { "Log in" }
                }
            }
        },
    )
}
