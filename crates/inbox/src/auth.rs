//! The inbox login: an argon2 password hash from the configuration, stateless signed session
//! cookies (HMAC-SHA256 over the expiry, so every instance with the same secret accepts them),
//! and CSRF protection by a double-submit cookie checked on every form POST.
//!
//! Without a password hash the inbox is in demo mode: everything is readable without login.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::Semaphore;

use crate::config::SecureCookie;
use crate::App;

pub const SESSION_COOKIE: &str = "inbox_session";
pub const CSRF_COOKIE: &str = "inbox_csrf";
/// How long a login lasts.
pub const SESSION_SECS: u64 = 12 * 3600;

/// Whether the request may read feedback (listing, exports, UI pages).
pub fn may_read(app: &App, headers: &HeaderMap) -> bool {
    if app.config.auth.password_hash.is_none() {
        return true;
    }
    if let (Some(token), Some(sent)) = (&app.config.auth.api_token, bearer(headers)) {
        if constant_time_eq(token.as_bytes(), sent.as_bytes()) {
            return true;
        }
    }
    cookie(headers, SESSION_COOKIE).is_some_and(|value| session_valid(&app.session_key, &value, now()))
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
        PasswordGate { permits: Arc::new(Semaphore::new(PASSWORD_CHECKS)), buffers: Mutex::new(Vec::new()) }
    }
}

impl PasswordGate {
    /// Whether `password` matches the PHC string `hash`; `None` when no check was free within
    /// [`PASSWORD_WAIT`] (answer 429). The check holds its permit until argon2 is done, even if
    /// the request is dropped meanwhile.
    pub async fn check(self: &Arc<Self>, hash: String, password: String) -> Option<bool> {
        let permit = tokio::time::timeout(PASSWORD_WAIT, Arc::clone(&self.permits).acquire_owned()).await.ok()?.ok()?;
        let gate = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut buffer = gate.buffers.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default();
            let ok = verify(&hash, password.as_bytes(), &mut buffer);
            gate.buffers.lock().unwrap_or_else(PoisonError::into_inner).push(buffer);
            ok
        })
        .await
        .ok()
    }
}

/// Argon2 verification of `password` against the PHC string `hash`, in `memory` (grown to the
/// hash's memory cost once, then reused).
fn verify(hash: &str, password: &[u8], memory: &mut Vec<Block>) -> bool {
    let Ok(hash) = PasswordHash::new(hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(hash.algorithm), Params::try_from(&hash)) else { return false };
    let Ok(version) = hash.version.map(Version::try_from).transpose() else { return false };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    memory.resize(params.block_count(), Block::new());
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version.unwrap_or_default(), params);
    argon2.hash_password_into_with_memory(password, salt, &mut out, &mut memory[..]).is_ok()
        && constant_time_eq(&out, expected.as_bytes())
}

/// A PHC string for `password` with a random salt (`inbox hash-password`).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// A new session cookie value, valid for [`SESSION_SECS`].
pub fn new_session(key: &[u8], now: u64) -> String {
    let expires = now + SESSION_SECS;
    format!("{expires}.{}", hex(&sign(key, expires)))
}

fn session_valid(key: &[u8], value: &str, now: u64) -> bool {
    let Some((expires, signature)) = value.split_once('.') else { return false };
    let (Ok(expires), Some(signature)) = (expires.parse::<u64>(), unhex(signature)) else { return false };
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("inbox-session:{expires}").as_bytes());
    expires > now && mac.verify_slice(&signature).is_ok()
}

fn sign(key: &[u8], expires: u64) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("inbox-session:{expires}").as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The `Set-Cookie` value for `name`. HttpOnly and SameSite=Strict always; Secure by the
/// configuration (`auto`: when the request came over https through a proxy).
pub fn set_cookie(app: &App, headers: &HeaderMap, name: &str, value: &str, max_age: u64) -> String {
    let secure = match app.config.auth.secure_cookie {
        SecureCookie::Always => true,
        SecureCookie::Never => false,
        SecureCookie::Auto => headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")),
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

/// Whether a form's `csrf` field matches the browser's CSRF cookie. A cross-site form cannot
/// read the cookie to copy it, and SameSite=Strict keeps it from being sent at all.
pub fn csrf_ok(headers: &HeaderMap, field: &str) -> bool {
    csrf_token(headers).is_some_and(|token| constant_time_eq(token.as_bytes(), field.as_bytes()))
}

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the operating system's random source");
    bytes
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers.get(AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::trim)
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_signed_and_expire() {
        let key = b"secret";
        let value = new_session(key, 1000);
        assert!(session_valid(key, &value, 1000));
        assert!(!session_valid(key, &value, 1000 + SESSION_SECS), "expired");
        assert!(!session_valid(b"other", &value, 1000), "another key");
        let (expires, signature) = value.split_once('.').expect("dot");
        let forged = format!("{}.{signature}", expires.parse::<u64>().expect("number") + 1);
        assert!(!session_valid(key, &forged, 1000), "a longer expiry without the key");
        for junk in ["", ".", "x.y", "1.zz", "99999999999"] {
            assert!(!session_valid(key, junk, 0), "{junk:?}");
        }
    }

    #[test]
    fn hashes_verify() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        let mut memory = Vec::new();
        assert!(verify(&hash, b"correct horse", &mut memory));
        assert_eq!(memory.len(), Params::default().block_count(), "the default 19 MiB");
        assert!(!verify(&hash, b"wrong", &mut memory));
        assert!(!verify("$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHQ$", b"x", &mut memory), "no hash");
        assert!(!verify("hunter2", b"hunter2", &mut memory));
        // Other parameters and variants are read from the PHC string.
        let params = Params::new(64, 1, 1, None).expect("params");
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x10, params);
        let other = argon2i.hash_password(b"pw", &salt).expect("hash").to_string();
        assert!(other.starts_with("$argon2i$v=16$m=64,t=1,p=1$"), "{other}");
        assert!(verify(&other, b"pw", &mut memory) && !verify(&other, b"pW", &mut memory));
    }

    #[test]
    fn reads_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, "a=1; inbox_csrf=0123456789abcdef0123456789abcdef".parse().expect("header"));
        headers.append(COOKIE, "b=2".parse().expect("header"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert!(csrf_ok(&headers, "0123456789abcdef0123456789abcdef"));
        assert!(!csrf_ok(&headers, "0123456789abcdef0123456789abcdee"));
        assert!(!csrf_ok(&HeaderMap::new(), ""));
    }
}
