//! Per-site configuration over real HTTP, on both backends: allowed and refused origins (CORS
//! answered precisely, preflight included), per-site body limits, per-IP and per-site rate
//! limits with `Retry-After`, spam signals recorded, and the listing behind a password.

mod support;

use serde_json::json;
use support::{config, each_backend, id, post_from, sample, temp_dir, Server};

const SITES: &str = r#"
    [[sites]]
    name = "shop"
    origins = ["https://shop.example"]
    [[sites]]
    name = "blog"
    origins = ["https://blog.example", "http://localhost:3000"]
    max_body_bytes = 1000
"#;

#[test]
fn allowed_origins_get_their_own_origin_back() {
    each_backend(allowed_origins_get_their_own_origin_back_on);
}

fn allowed_origins_get_their_own_origin_back_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    for (n, origin, site) in [
        (1, "https://shop.example", "shop"),
        (2, "http://localhost:3000", "blog"),
    ] {
        let reply = post_from(&server, origin, &sample(&id(n)));
        assert_eq!(reply.status, 201, "{origin}: {}", reply.text());
        assert_eq!(reply.header("access-control-allow-origin"), Some(origin));
        assert_eq!(reply.header("vary"), Some("origin"));
        let preflight = server.send(
            "OPTIONS",
            "/api/feedback",
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
            ],
            None,
        );
        assert_eq!(preflight.status, 204, "{origin}");
        assert_eq!(
            preflight.header("access-control-allow-origin"),
            Some(origin)
        );
        assert_eq!(
            preflight.header("access-control-allow-headers"),
            Some("content-type, idempotency-key")
        );
        let stored = server.stored();
        let row = stored
            .iter()
            .find(|s| s["id"] == json!(id(n)))
            .expect("stored");
        assert_eq!(
            row["inbox"]["site"],
            json!(site),
            "recorded under the site's name"
        );
    }
}

#[test]
fn refused_origins_get_403_and_no_cors_headers() {
    each_backend(refused_origins_get_403_and_no_cors_headers_on);
}

fn refused_origins_get_403_and_no_cors_headers_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    for origin in [
        "https://evil.example",
        "https://shop.example.evil.example",
        "http://shop.example",
        "null",
    ] {
        let reply = post_from(&server, origin, &sample(&id(1)));
        assert_eq!(reply.status, 403, "{origin}");
        assert_eq!(
            reply.json(),
            json!({"error": format!("origin {origin:?} may not send feedback here")})
        );
        assert_eq!(
            reply.header("access-control-allow-origin"),
            None,
            "{origin}"
        );
        let preflight = server.send(
            "OPTIONS",
            "/api/feedback",
            &[
                ("origin", origin),
                ("access-control-request-method", "POST"),
            ],
            None,
        );
        assert_eq!(preflight.status, 403, "{origin}");
        assert_eq!(preflight.header("access-control-allow-origin"), None);
        assert_eq!(preflight.header("access-control-allow-methods"), None);
    }
    // Without an Origin (curl, a server): refused too once sites are configured.
    let reply = server.post_json(&sample(&id(2)));
    assert_eq!(reply.status, 403);
    assert!(reply.json()["error"]
        .as_str()
        .unwrap_or_default()
        .contains("Origin header"));
    assert_eq!(
        server.stored(),
        Vec::<serde_json::Value>::new(),
        "nothing stored"
    );
}

#[test]
fn each_site_has_its_own_body_limit() {
    each_backend(each_site_has_its_own_body_limit_on);
}

fn each_site_has_its_own_body_limit_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    let mut long = sample(&id(1));
    long["message"] = json!("x".repeat(1500));
    let reply = post_from(&server, "https://blog.example", &long);
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.json(),
        json!({"error": "request body is larger than 1000 bytes"})
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("https://blog.example")
    );
    assert_eq!(
        post_from(&server, "https://shop.example", &long).status,
        201,
        "the default limit is 64 KiB"
    );
}

#[test]
fn rate_limits_answer_429_with_retry_after() {
    each_backend(rate_limits_answer_429_with_retry_after_on);
}

fn rate_limits_answer_429_with_retry_after_on() {
    // Per IP: 3 a minute. All test requests come from 127.0.0.1.
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config("[rate_limit]\nper_ip_per_minute = 3"));
    for n in 1..=3 {
        assert_eq!(server.post_json(&sample(&id(n))).status, 201, "request {n}");
    }
    let reply = server.post_json(&sample(&id(4)));
    assert_eq!(reply.status, 429, "{}", reply.text());
    assert_eq!(
        reply.header("retry-after"),
        Some("20"),
        "a token every 20 s"
    );
    assert_eq!(
        reply.header("access-control-expose-headers"),
        Some("retry-after"),
        "readable by a widget on another origin"
    );
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("*"),
        "readable by the widget"
    );
    assert!(reply.json()["error"]
        .as_str()
        .unwrap_or_default()
        .starts_with("too many submissions"));
    assert_eq!(server.stored().len(), 3);

    // Per site: the shop may send 2 a minute, the blog is not limited.
    let dir = temp_dir();
    let toml = format!("{SITES}\n").replace("name = \"shop\"", "name = \"shop\"\nper_minute = 2");
    let server = Server::start_with(dir.path(), config(&toml));
    assert_eq!(
        post_from(&server, "https://shop.example", &sample(&id(1))).status,
        201
    );
    assert_eq!(
        post_from(&server, "https://shop.example", &sample(&id(2))).status,
        201
    );
    let reply = post_from(&server, "https://shop.example", &sample(&id(3)));
    assert_eq!(
        (reply.status, reply.header("retry-after")),
        (429, Some("30"))
    );
    assert_eq!(
        post_from(&server, "https://blog.example", &sample(&id(4))).status,
        201
    );
}

#[test]
fn spam_signals_are_recorded_not_refused() {
    each_backend(spam_signals_are_recorded_not_refused_on);
}

fn spam_signals_are_recorded_not_refused_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    for (n, flags) in [
        (1, json!(null)),
        (2, json!(["honeypot"])),
        (3, json!(["too-fast"])),
        (4, json!(["honeypot", "too-fast"])),
    ] {
        let mut body = sample(&id(n));
        if !flags.is_null() {
            body["flags"] = flags.clone();
        }
        assert_eq!(server.post_json(&body).status, 201, "{n}");
        let stored = server.stored();
        let row = stored
            .iter()
            .find(|s| s["id"] == json!(id(n)))
            .expect("stored");
        let expected = if flags.is_null() { json!([]) } else { flags };
        assert_eq!(
            row["inbox"]["flags"], expected,
            "{n}: recorded for the owner to filter"
        );
    }
}

#[test]
fn the_listing_needs_a_login_once_a_password_is_set() {
    each_backend(the_listing_needs_a_login_once_a_password_is_set_on);
}

fn the_listing_needs_a_login_once_a_password_is_set_on() {
    let dir = temp_dir();
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    let toml = format!("[auth]\npassword_hash = \"{hash}\"\napi_token = \"t0ken-for-scripts\"");
    let server = Server::start_with(dir.path(), config(&toml));
    assert_eq!(
        server.post_json(&sample(&id(1))).status,
        201,
        "posting needs no login"
    );
    let reply = server.get("/api/feedback");
    assert_eq!(reply.status, 401);
    assert!(reply.json()["error"]
        .as_str()
        .unwrap_or_default()
        .contains("log in"));
    let wrong = server.send(
        "GET",
        "/api/feedback",
        &[("authorization", "Bearer nope")],
        None,
    );
    assert_eq!(wrong.status, 401);
    let reply = server.send(
        "GET",
        "/api/feedback",
        &[("authorization", "Bearer t0ken-for-scripts")],
        None,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()[0]["id"], json!(id(1)));
}

#[test]
fn the_rate_limit_counts_the_address_the_proxy_appended() {
    each_backend(the_rate_limit_counts_the_address_the_proxy_appended_on);
}

/// Behind a trusted proxy a client can still write its own `X-Forwarded-For`; the proxy appends
/// the real address last. Fifteen posts, each claiming another address before the real one, are
/// one client: five a minute get through.
fn the_rate_limit_counts_the_address_the_proxy_appended_on() {
    let dir = temp_dir();
    let server = Server::start_with(
        dir.path(),
        config("[rate_limit]\nper_ip_per_minute = 5\ntrust_forwarded_for = true"),
    );
    let statuses: Vec<u16> = (1..=15)
        .map(|i| {
            let body = serde_json::to_vec(&sample(&id(i))).expect("serialize");
            let forwarded = format!("10.9.0.{i}, 192.0.2.1");
            let headers = [
                ("content-type", "application/json"),
                ("x-forwarded-for", forwarded.as_str()),
            ];
            server
                .send("POST", "/api/feedback", &headers, Some(&body))
                .status
        })
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        5,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        10,
        "{statuses:?}"
    );
    // Another real client (another address appended by the proxy) has its own bucket.
    let body = serde_json::to_vec(&sample(&id(16))).expect("serialize");
    let headers = [
        ("content-type", "application/json"),
        ("x-forwarded-for", "10.9.0.1, 192.0.2.2"),
    ];
    assert_eq!(
        server
            .send("POST", "/api/feedback", &headers, Some(&body))
            .status,
        201
    );
}
