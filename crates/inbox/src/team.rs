//! The team: who may log in — the owner, whose password is the configured `auth.password_hash`,
//! and teammates kept in the store with their own argon2 hashes (`inbox user add NAME`) — and
//! the names recorded with each reply, note, status change and assignment.

use std::time::SystemTime;

use crate::store::{Store, StoreError, User, OWNER};
use crate::App;

/// The longest name, in characters.
pub const MAX_NAME: usize = 40;

/// Why `name` cannot be a teammate's name, or `None` when it can: 1 to [`MAX_NAME`] letters,
/// digits and `. _ - @`, and not [`OWNER`] (any case), which names the configured password.
/// Without spaces, no name can be taken for the words recorded for the demo mode or the API token.
pub fn name_problem(name: &str) -> Option<String> {
    let length = name.chars().count();
    if length == 0 || length > MAX_NAME {
        return Some(format!("a name has 1 to {MAX_NAME} characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Some(format!(
            "{name:?}: a name is letters, digits and . _ - @ (no spaces)"
        ));
    }
    if name.eq_ignore_ascii_case(OWNER) {
        return Some(format!(
            "{name:?} is the configured password's user (auth.password_hash); choose another name"
        ));
    }
    None
}

/// Everyone a message can be assigned to, by name: the owner when a password is configured,
/// then every teammate.
pub async fn members(app: &App) -> Result<Vec<String>, StoreError> {
    let owner = app
        .config
        .auth
        .password_hash
        .is_some()
        .then(|| OWNER.to_string());
    let users = app.store.users().await?;
    Ok(owner
        .into_iter()
        .chain(users.into_iter().map(|u| u.name))
        .collect())
}

/// The teammate `name` as written by `members`, if there is one (case-insensitively).
pub async fn member(app: &App, name: &str) -> Result<Option<String>, StoreError> {
    Ok(members(app)
        .await?
        .into_iter()
        .find(|m| m.to_lowercase() == name.trim().to_lowercase()))
}

/// `inbox user add NAME`: keeps a teammate with the argon2 hash of `password`.
pub async fn add(store: &dyn Store, name: &str, password: &str) -> Result<String, String> {
    if let Some(problem) = name_problem(name) {
        return Err(problem);
    }
    let user = User {
        name: name.to_string(),
        password_hash: crate::auth::hash_password(password)?,
        created_at: crate::time::rfc3339(SystemTime::now()),
    };
    match store.add_user(&user).await {
        Ok(true) => Ok(format!(
            "added {name}; they log in at /inbox with their name and password"
        )),
        Ok(false) => Err(format!("there is already a user named {name:?}")),
        Err(e) => Err(format!("storage: {e}")),
    }
}

/// `inbox user remove NAME`: removes a teammate and ends their sessions. What they did stays
/// recorded under their name.
pub async fn remove(store: &dyn Store, name: &str) -> Result<String, String> {
    if name.eq_ignore_ascii_case(OWNER) {
        return Err(owner_is_configured());
    }
    match store.remove_user(name).await {
        Ok(true) => Ok(format!("removed {name}; their sessions are ended")),
        Ok(false) => Err(format!("there is no user named {name:?}")),
        Err(e) => Err(format!("storage: {e}")),
    }
}

/// `inbox user password NAME`: a new password for a teammate, which ends their sessions.
pub async fn set_password(store: &dyn Store, name: &str, password: &str) -> Result<String, String> {
    if name.eq_ignore_ascii_case(OWNER) {
        return Err(owner_is_configured());
    }
    let hash = crate::auth::hash_password(password)?;
    match store.set_user_password(name, &hash).await {
        Ok(true) => Ok(format!(
            "changed {name}'s password; their sessions are ended"
        )),
        Ok(false) => Err(format!("there is no user named {name:?}")),
        Err(e) => Err(format!("storage: {e}")),
    }
}

/// `inbox user list`: one line per user, the owner first when a password is configured.
pub async fn list(store: &dyn Store, owner: bool) -> Result<String, String> {
    let users = store.users().await.map_err(|e| format!("storage: {e}"))?;
    let mut lines = Vec::new();
    if owner {
        lines.push(format!("{OWNER}\t(the configured password_hash)"));
    }
    lines.extend(
        users
            .iter()
            .map(|u| format!("{}\tadded {}", u.name, u.created_at)),
    );
    if lines.is_empty() {
        return Ok(
            "no users: the inbox is open to anyone (demo mode); add one with `inbox user add NAME`"
                .into(),
        );
    }
    Ok(lines.join("\n"))
}

fn owner_is_configured() -> String {
    format!("{OWNER}'s password is the configured auth.password_hash (INBOX_PASSWORD_HASH); change it there")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_words() {
        for ok in [
            "ana",
            "Ana.Lopez",
            "bob_2",
            "li-wei",
            "zoë",
            "støtte@shop",
            "李",
        ] {
            assert_eq!(name_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("", "1 to 40"),
            (&"x".repeat(41), "1 to 40"),
            ("ana lopez", "no spaces"),
            ("a<b", "letters, digits"),
            ("tab\there", "letters, digits"),
            ("Owner", "configured password"),
        ] {
            let problem = name_problem(bad).unwrap_or_default();
            assert!(problem.contains(why), "{bad:?}: {problem:?}");
        }
    }
}
