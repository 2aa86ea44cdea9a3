//! The inbox login: each teammate's argon2 password hash (the configured one is the owner's, the
//! others are kept in the store, see `team`), login sessions kept in the store (so every instance
//! on the database knows them, and logout or a password change ends them), and CSRF protection on every form POST: the browser's own word on where the request
//! comes from (`Sec-Fetch-Site`, else `Origin`), and a token tied to the session.
//!
//! The session cookie holds a random token; the store keeps only its SHA-256, and the CSRF token
//! of the session's forms is another hash of it, so neither can be forged without the cookie.
//! Before a login (the login form itself) and in demo mode the CSRF token is a double-submit
//! cookie.
//!
//! Without a password hash and without teammates the inbox is in demo mode: everything is
//! readable without login.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::config::SecureCookie;
use crate::store::{Session, StoreError, OWNER};
use crate::App;

pub const SESSION_COOKIE: &str = "inbox_session";
pub const CSRF_COOKIE: &str = "inbox_csrf";
/// How long a login lasts.
pub const SESSION_SECS: u64 = 12 * 3600;

/// Who is asking, as far as reading and changing the inbox goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// No password is configured and no teammate kept: everyone may read (demo mode).
    Demo,
    /// `Authorization: Bearer` with the API token (never sent by a browser on its own).
    Token,
    /// An open login session: its cookie's token, and whose it is.
    Session { token: String, user: String },
    /// Nobody the inbox knows.
    Stranger,
}

/// Who did something, as recorded, when it was not a teammate (names hold no spaces).
pub const DEMO_ACTOR: &str = "demo mode";
pub const TOKEN_ACTOR: &str = "API token";

impl Caller {
    pub fn may_read(&self) -> bool {
        *self != Caller::Stranger
    }

    /// The name recorded with what this caller does (replies, notes, status, assignment).
    pub fn actor(&self) -> &str {
        match self {
            Caller::Session { user, .. } => user,
            Caller::Token => TOKEN_ACTOR,
            Caller::Demo | Caller::Stranger => DEMO_ACTOR,
        }
    }

    /// The logged-in teammate's name, if any.
    pub fn user(&self) -> Option<&str> {
        match self {
            Caller::Session { user, .. } => Some(user),
            _ => None,
        }
    }
}

/// Whether the inbox needs a login: a password is configured or a teammate is kept. A store
/// failure counts as yes, so an outage never opens the inbox.
pub async fn locked(app: &App) -> bool {
    if app.config.auth.password_hash.is_some() {
        return true;
    }
    match app.store.users().await {
        Ok(users) => !users.is_empty(),
        Err(e) => {
            tracing::error!(error = %e, "storage failed while reading the team");
            true
        }
    }
}

/// Who sent the request: demo mode, the API token, an open session, or a stranger.
pub async fn caller(app: &App, headers: &HeaderMap) -> Caller {
    if !locked(app).await {
        return Caller::Demo;
    }
    if let (Some(token), Some(sent)) = (&app.config.auth.api_token, bearer(headers)) {
        if constant_time_eq(token.as_bytes(), sent.as_bytes()) {
            return Caller::Token;
        }
    }
    let Some(token) = cookie(headers, SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return Caller::Stranger;
    };
    let now = crate::time::rfc3339(SystemTime::now());
    let session = match app.store.session(&session_id(&token), &now).await {
        Ok(Some(session)) => session,
        Ok(None) => return Caller::Stranger,
        Err(e) => {
            tracing::error!(error = %e, "storage failed while reading a session");
            return Caller::Stranger;
        }
    };
    // The session holds while its user's password is the one it was made under.
    let current = if session.user.is_empty() {
        app.config
            .auth
            .password_hash
            .as_deref()
            .map(|hash| (OWNER.to_string(), hash.to_string()))
    } else {
        session.teammate
    };
    match current {
        Some((user, hash)) if password_fingerprint(&hash) == session.password => {
            Caller::Session { token, user }
        }
        _ => Caller::Stranger,
    }
}

/// Whether the request may read feedback (listing, exports, UI pages).
pub async fn may_read(app: &App, headers: &HeaderMap) -> bool {
    caller(app, headers).await.may_read()
}

/// Whose password a login names: `(session user, password hash)`, where the session user is
/// empty for [`OWNER`] (the configured password; also an empty name) and a teammate's name in
/// lower case otherwise. `None` when nobody has that name.
pub async fn login_account(app: &App, name: &str) -> Result<Option<(String, String)>, StoreError> {
    let name = name.trim();
    if name.is_empty() || name.eq_ignore_ascii_case(OWNER) {
        return Ok(app
            .config
            .auth
            .password_hash
            .clone()
            .map(|hash| (String::new(), hash)));
    }
    Ok(app
        .store
        .user(name)
        .await?
        .map(|user| (user.name.to_lowercase(), user.password_hash)))
}

/// A hash no password matches, with the default cost: checked when a login names nobody, so
/// the answer takes as long as for a teammate's name and does not tell which names exist.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&hex(&random_bytes::<16>())).unwrap_or_default())
}

/// Starts a login session for `user` (as [`login_account`] names them) whose password hash is
/// `hash`; its token, for the cookie. Expired sessions are ended on the way.
pub async fn start_session(app: &App, user: &str, hash: &str) -> Result<String, StoreError> {
    let now = SystemTime::now();
    app.store
        .end_expired_sessions(&crate::time::rfc3339(now))
        .await?;
    let token = hex(&random_bytes::<32>());
    let session = Session {
        id: session_id(&token),
        user: user.to_string(),
        password: password_fingerprint(hash),
        created_at: crate::time::rfc3339(now),
        expires_at: crate::time::rfc3339(now + Duration::from_secs(SESSION_SECS)),
    };
    app.store.create_session(&session).await?;
    Ok(token)
}

/// Ends the session whose cookie holds `token`.
pub async fn end_session(app: &App, token: &str) -> Result<(), StoreError> {
    app.store.end_session(&session_id(token)).await
}

/// What the store keeps of a session token: its SHA-256, so the table does not hold live logins.
fn session_id(token: &str) -> String {
    hex(&Sha256::digest(format!("inbox-session:{token}")))
}

/// Which password a session was made under: a hash of its user's PHC string.
fn password_fingerprint(hash: &str) -> String {
    hex(&Sha256::digest(format!("inbox-password:{hash}"))[..16])
}

/// The CSRF token of a session's forms: derived from its cookie's token, which a page on another
/// site can neither read nor guess, and which ends with the session.
pub fn session_csrf(token: &str) -> String {
    hex(&Sha256::digest(format!("inbox-csrf:{token}"))[..16])
}

/// Whether a state-changing request comes from the inbox's own pages, as far as the browser says:
/// `Sec-Fetch-Site` when sent (`same-origin`, or `none` for the user's own navigation), else an
/// `Origin` naming this host, else (no browser header at all: not a browser, or a very old one)
/// yes. The CSRF token is checked as well; this refuses what a token alone might let through.
pub fn from_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(ORIGIN) else {
        return true;
    };
    let host = headers.get(HOST).map(|h| h.as_bytes()).unwrap_or_default();
    let authority = origin
        .as_bytes()
        .splitn(2, |b| *b == b':')
        .nth(1)
        .and_then(|rest| rest.strip_prefix(b"//"));
    authority.is_some_and(|a| !a.is_empty() && a.eq_ignore_ascii_case(host))
}

/// At most this many password checks run at once. Each needs the hash's memory cost (19 MiB
/// with the defaults) for a few tens of milliseconds; the memory is kept for the next check, so
/// logins cost at most this many buffers however many arrive.
pub const PASSWORD_CHECKS: usize = 2;
/// How long a login waits for a free check before it is answered 429.
pub const PASSWORD_WAIT: Duration = Duration::from_secs(2);

/// Bounds the memory of password checks: [`PASSWORD_CHECKS`] at a time, each with a reused
/// argon2 memory buffer.
pub struct PasswordGate {
    permits: Arc<Semaphore>,
    buffers: Mutex<Vec<Vec<Block>>>,
}

impl Default for PasswordGate {
    fn default() -> Self {
        PasswordGate {
            permits: Arc::new(Semaphore::new(PASSWORD_CHECKS)),
            buffers: Mutex::new(Vec::new()),
        }
    }
}

impl PasswordGate {
    /// Whether `password` matches the PHC string `hash`; `None` when no check was free within
    /// [`PASSWORD_WAIT`] (answer 429). The check holds its permit until argon2 is done, even if
    /// the request is dropped meanwhile.
    pub async fn check(self: &Arc<Self>, hash: String, password: String) -> Option<bool> {
        let permit = tokio::time::timeout(PASSWORD_WAIT, Arc::clone(&self.permits).acquire_owned())
            .await
            .ok()?
            .ok()?;
        let gate = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut buffer = gate
                .buffers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop()
                .unwrap_or_default();
            let ok = verify(&hash, password.as_bytes(), &mut buffer);
            gate.buffers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(buffer);
            ok
        })
        .await
        .ok()
    }
}

/// Argon2 verification of `password` against the PHC string `hash`, in `memory` (grown to the
/// hash's memory cost once, then reused).
fn verify(hash: &str, password: &[u8], memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) =
        (Algorithm::try_from(hash.algorithm), Params::try_from(&hash))
    else {
        return false;
    };
    let Ok(version) = hash.version.map(Version::try_from).transpose() else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    memory.resize(params.block_count(), Block::new());
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    argon2
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..])
        .is_ok()
        && constant_time_eq(&out, expected.as_bytes())
}

/// A PHC string for `password` with a random salt (`inbox hash-password`).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// The `Set-Cookie` value for `name`. HttpOnly and SameSite=Strict always; Secure by the
/// configuration (`auto`: when the request came over https through a proxy).
pub fn set_cookie(app: &App, headers: &HeaderMap, name: &str, value: &str, max_age: u64) -> String {
    let secure = match app.config.auth.secure_cookie {
        SecureCookie::Always => true,
        SecureCookie::Never => false,
        SecureCookie::Auto => headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")),
    };
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
}

/// The CSRF token of this browser (its cookie), if it has one.
pub fn csrf_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, CSRF_COOKIE).filter(|v| v.len() == 32)
}

/// A fresh CSRF token.
pub fn new_csrf_token() -> String {
    hex(&random_bytes::<16>())
}

/// Whether a form's `csrf` field matches the browser's CSRF cookie (the double-submit check,
/// before a login and in demo mode). A cross-site form cannot read the cookie to copy it, and
/// SameSite=Strict keeps it from being sent at all.
pub fn csrf_ok(headers: &HeaderMap, field: &str) -> bool {
    csrf_token(headers).is_some_and(|token| constant_time_eq(token.as_bytes(), field.as_bytes()))
}

/// Whether a form's `csrf` field is the token of session `token`.
pub fn session_csrf_ok(token: &str, field: &str) -> bool {
    constant_time_eq(session_csrf(token).as_bytes(), field.as_bytes())
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    bytes
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The value of cookie `name` from the `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_string())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lower-case hex digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_tokens_are_kept_only_as_hashes() {
        let token = hex(&random_bytes::<32>());
        assert_eq!(token.len(), 64);
        assert_ne!(hex(&random_bytes::<32>()), token, "each login its own");
        let id = session_id(&token);
        assert_eq!(id.len(), 64);
        assert!(!id.contains(&token));
        let csrf = session_csrf(&token);
        assert_eq!(csrf.len(), 32);
        assert!(session_csrf_ok(&token, &csrf));
        assert!(
            !session_csrf_ok(&token, &session_csrf(&hex(&random_bytes::<32>()))),
            "another session's token"
        );
        assert!(!session_csrf_ok(&token, ""));
        assert_ne!(
            password_fingerprint("$argon2id$a"),
            password_fingerprint("$argon2id$b")
        );
    }

    #[test]
    fn state_changes_come_from_our_own_pages() {
        let check = |pairs: &[(&'static str, &str)], expected: bool| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, value.parse().expect("header value"));
            }
            assert_eq!(from_same_origin(&headers), expected, "{pairs:?}");
        };
        check(&[], true);
        check(&[("sec-fetch-site", "same-origin")], true);
        check(&[("sec-fetch-site", "none")], true);
        check(&[("sec-fetch-site", "same-site")], false);
        check(&[("sec-fetch-site", "cross-site")], false);
        check(
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "http://inbox.example"),
                ("host", "inbox.example"),
            ],
            false,
        );
        check(
            &[
                ("origin", "https://inbox.example"),
                ("host", "inbox.example"),
            ],
            true,
        );
        check(
            &[
                ("origin", "http://127.0.0.1:8080"),
                ("host", "127.0.0.1:8080"),
            ],
            true,
        );
        check(
            &[
                ("origin", "https://evil.example"),
                ("host", "inbox.example"),
            ],
            false,
        );
        check(&[("origin", "null"), ("host", "inbox.example")], false);
        check(
            &[
                ("origin", "https://inbox.example.evil.example"),
                ("host", "inbox.example"),
            ],
            false,
        );
    }

    #[test]
    fn hashes_verify() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let mut memory = Vec::new();
        assert!(verify(&hash, b"correct horse", &mut memory));
        assert_eq!(
            memory.len(),
            Params::default().block_count(),
            "the default 19 MiB"
        );
        assert!(!verify(&hash, b"wrong", &mut memory));
        assert!(
            !verify("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$", b"x", &mut memory),
            "no hash"
        );
        assert!(!verify("hunter2", b"hunter2", &mut memory));
        // Other parameters and variants are read from the PHC string.
        let params = Params::new(64, 1, 1, None).expect("params");
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x10, params);
        let other = argon2i
            .hash_password(b"pw", &salt)
            .expect("hash")
            .to_string();
        assert!(other.starts_with("$argon2i$v=16$m=64,t=1,p=1$"), "{other}");
        assert!(verify(&other, b"pw", &mut memory) && !verify(&other, b"pW", &mut memory));
    }

    #[test]
    fn reads_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(
            COOKIE,
            "a=1; inbox_csrf=0123456789abcdef0123456789abcdef"
                .parse()
                .expect("header"),
        );
        headers.append(COOKIE, "b=2".parse().expect("header"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert!(csrf_ok(&headers, "0123456789abcdef0123456789abcdef"));
        assert!(!csrf_ok(&headers, "0123456789abcdef0123456789abcdee"));
        assert!(!csrf_ok(&HeaderMap::new(), ""));
    }
}
