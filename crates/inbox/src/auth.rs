//! The inbox login: an argon2 password hash from the configuration, stateless signed session
//! cookies (HMAC-SHA256 over the expiry, so every instance with the same secret accepts them),
//! and CSRF protection by a double-submit cookie checked on every form POST.
//!
//! Without a password hash the inbox is in demo mode: everything is readable without login.

use std::time::{SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use hmac::{Hmac, Mac};
use sha2::Sha256;

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

/// Whether `password` matches the configured hash (`false` when none is configured).
pub fn password_matches(app: &App, password: &str) -> bool {
    let Some(hash) = &app.config.auth.password_hash else { return false };
    PasswordHash::new(hash).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
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

/// Lower-case hex digits of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
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
        let parsed = PasswordHash::new(&hash).expect("PHC");
        assert!(Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert!(Argon2::default().verify_password(b"wrong", &parsed).is_err());
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
