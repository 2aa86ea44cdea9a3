//! `/api/feedback` over real HTTP against a real SQLite file and a real PostgreSQL (each test runs
//! once per backend, see `support::each_backend`): exactly-once storage, the listing,
//! every refusal with its status and JSON body, and CORS.

mod support;

use std::sync::Barrier;

use serde_json::{json, Value};
use support::{each_backend, id, sample, temp_dir, Server};

#[test]
fn a_submission_is_stored_once_and_listed() {
    each_backend(a_submission_is_stored_once_and_listed_on);
}

fn a_submission_is_stored_once_and_listed_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let first = sample(&id(1));

    let reply = server.post_json(&first);
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.json(), json!({"id": id(1), "status": "stored"}));

    let stored = server.stored();
    assert_eq!(stored.len(), 1);
    let mut listed = stored[0].clone();
    let received_at = listed["receivedAt"].take();
    let received_at = received_at.as_str().expect("receivedAt is a string");
    assert!(
        received_at.len() == 24 && received_at.ends_with('Z') && received_at.starts_with("20"),
        "{received_at}"
    );
    let inbox = listed.as_object_mut().expect("object").remove("inbox");
    assert_eq!(
        inbox,
        Some(
            json!({"site": "", "handled": false, "status": "open", "assignee": null, "note": "", "flags": []})
        ),
        "the inbox's own state"
    );
    listed.as_object_mut().expect("object").remove("receivedAt");
    assert_eq!(listed, first, "the listing returns the submission as sent");

    // A retry gets the first answer again, marked as a replay, and stores nothing.
    let reply = server.post_json(&first);
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(reply.header("idempotent-replayed"), Some("true"));
    assert_eq!(reply.json(), json!({"id": id(1), "status": "stored"}));
    assert_eq!(server.stored().len(), 1);

    // The same id with another body is refused; the first one stays.
    let mut other = first.clone();
    other["message"] = json!("edited");
    let reply = server.post_json(&other);
    assert_eq!(reply.status, 422, "{}", reply.text());
    assert_eq!(
        reply.json(),
        json!({"error": "this id was already used for a different submission"})
    );
    let stored = server.stored();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["message"], first["message"]);

    // Newest first.
    assert_eq!(server.post_json(&sample(&id(2))).status, 201);
    let ids: Vec<Value> = server.stored().iter().map(|s| s["id"].clone()).collect();
    assert_eq!(ids, [json!(id(2)), json!(id(1))]);
}

#[test]
fn concurrent_retries_store_exactly_once() {
    each_backend(concurrent_retries_store_exactly_once_on);
}

fn concurrent_retries_store_exactly_once_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let submission = sample(&id(7));
    let start = Barrier::new(20);
    let mut statuses: Vec<u16> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..20)
            .map(|_| {
                scope.spawn(|| {
                    start.wait();
                    server.post_json(&submission).status
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("client thread"))
            .collect()
    });
    statuses.sort_unstable();
    assert_eq!(statuses, [201; 20], "every retry gets the first answer");
    assert_eq!(server.stored().len(), 1);
}

/// One request and what must come back: status, the `error` text (a prefix) and, for 422, the
/// fields named in `problems`.
struct Case {
    what: &'static str,
    content_type: Option<&'static str>,
    idempotency_key: Option<String>,
    body: Vec<u8>,
    status: u16,
    error: &'static str,
    problems: &'static [&'static str],
}

fn case(what: &'static str, body: Value) -> Case {
    let key = body["id"].as_str().map(String::from);
    Case {
        what,
        content_type: Some("application/json"),
        idempotency_key: key,
        body: serde_json::to_vec(&body).expect("serialize"),
        status: 201,
        error: "",
        problems: &[],
    }
}

impl Case {
    fn expect(self, status: u16, error: &'static str, problems: &'static [&'static str]) -> Case {
        Case {
            status,
            error,
            problems,
            ..self
        }
    }
}

/// `sample(id(n))` with `edit` applied.
fn edited(n: u32, edit: impl FnOnce(&mut Value)) -> Value {
    let mut body = sample(&id(n));
    edit(&mut body);
    body
}

fn check(server: &Server, case: Case) {
    let mut headers = Vec::new();
    if let Some(content_type) = case.content_type {
        headers.push(("content-type", content_type));
    }
    if let Some(key) = &case.idempotency_key {
        headers.push(("idempotency-key", key.as_str()));
    }
    let reply = server.send("POST", "/api/feedback", &headers, Some(&case.body));
    let what = case.what;
    assert_eq!(reply.status, case.status, "{what}: {}", reply.text());
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some("*"),
        "{what}: CORS on every POST response"
    );
    assert_eq!(
        reply.header("content-type"),
        Some("application/json"),
        "{what}"
    );
    let json = reply.json();
    if case.status >= 400 {
        let error = json["error"].as_str().unwrap_or_default();
        assert!(
            error.starts_with(case.error),
            "{what}: error {error:?} should start with {:?}",
            case.error
        );
        let fields: Vec<&str> = json["problems"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| p["field"].as_str().unwrap_or_default())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(fields, case.problems, "{what}: problems in {json}");
        if case.status == 422 {
            assert!(json["problems"]
                .as_array()
                .is_some_and(|ps| ps.iter().all(|p| p["message"].is_string())));
        }
    } else {
        assert_eq!(json["status"], "stored", "{what}");
    }
}

#[test]
fn requests_get_the_status_and_body_they_deserve() {
    each_backend(requests_get_the_status_and_body_they_deserve_on);
}

fn requests_get_the_status_and_body_they_deserve_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let long = |n: usize| json!("x".repeat(n));
    // A valid body padded with spaces to exactly `len` bytes.
    let padded = |n: u32, len: usize| {
        let mut body = serde_json::to_vec(&sample(&id(n))).expect("serialize");
        body.resize(len, b' ');
        body
    };

    let cases = [
        // Accepted forms of the body.
        case("text/plain, the simple CORS mode", sample(&id(100)))
            .with_content_type(Some("text/plain;charset=UTF-8"))
            .without_key(),
        case("JSON with a charset", sample(&id(101)))
            .with_content_type(Some("application/json; charset=utf-8")),
        case("no Idempotency-Key", sample(&id(102))).without_key(),
        case(
            "optional fields left out",
            json!({
                "id": id(103), "message": "hi", "page": {"url": "https://a.example/"}, "locale": "en",
                "timeZone": "UTC", "createdAt": "2026-01-01T00:00:00Z", "widget": {"version": "0.1.0"}
            }),
        ),
        case("exactly 64 KiB", Value::Null)
            .with_body(padded(104, 64 * 1024))
            .with_key(id(104)),
        // Not JSON, or not the payload's shape.
        case("truncated JSON", Value::Null)
            .with_body(b"{\"id\":".to_vec())
            .expect(400, "invalid JSON: EOF", &[]),
        case("empty body", Value::Null)
            .with_body(Vec::new())
            .expect(400, "invalid JSON: EOF", &[]),
        case(
            "rating as a string",
            edited(110, |b| b["rating"] = json!("4")),
        )
        .expect(400, "invalid JSON: invalid type", &[]),
        case(
            "rating out of u8",
            edited(111, |b| b["rating"] = json!(300)),
        )
        .expect(400, "invalid JSON: invalid value", &[]),
        case("no message", sample(&id(112)).without_field("message")).expect(
            400,
            "invalid JSON: missing field `message`",
            &[],
        ),
        case("an array", json!([1, 2])).expect(400, "invalid JSON: invalid type", &[]),
        // Valid JSON, invalid submission: every problem names its field.
        case("bad id", edited(0, |b| b["id"] = json!("42"))).expect(
            422,
            "invalid submission",
            &["id"],
        ),
        case(
            "blank message",
            edited(120, |b| b["message"] = json!(" \n ")),
        )
        .expect(422, "invalid submission", &["message"]),
        case("long message", edited(121, |b| b["message"] = long(5001))).expect(
            422,
            "invalid submission",
            &["message"],
        ),
        case("rating 0", edited(122, |b| b["rating"] = json!(0))).expect(
            422,
            "invalid submission",
            &["rating"],
        ),
        case("rating 6", edited(123, |b| b["rating"] = json!(6))).expect(
            422,
            "invalid submission",
            &["rating"],
        ),
        case(
            "bad email",
            edited(124, |b| b["email"] = json!("not-an-address")),
        )
        .expect(422, "invalid submission", &["email"]),
        case("long name", edited(125, |b| b["name"] = long(201))).expect(
            422,
            "invalid submission",
            &["name"],
        ),
        case("long consent", edited(126, |b| b["consent"] = long(2001))).expect(
            422,
            "invalid submission",
            &["consent"],
        ),
        case(
            "long page.url",
            edited(127, |b| b["page"]["url"] = long(2049)),
        )
        .expect(422, "invalid submission", &["page.url"]),
        case(
            "long page.title",
            edited(128, |b| b["page"]["title"] = long(1001)),
        )
        .expect(422, "invalid submission", &["page.title"]),
        case(
            "long page.referrer",
            edited(129, |b| b["page"]["referrer"] = long(2049)),
        )
        .expect(422, "invalid submission", &["page.referrer"]),
        case("long locale", edited(130, |b| b["locale"] = long(36))).expect(
            422,
            "invalid submission",
            &["locale"],
        ),
        case("long timeZone", edited(131, |b| b["timeZone"] = long(65))).expect(
            422,
            "invalid submission",
            &["timeZone"],
        ),
        case("long createdAt", edited(132, |b| b["createdAt"] = long(41))).expect(
            422,
            "invalid submission",
            &["createdAt"],
        ),
        case(
            "long widget.version",
            edited(133, |b| b["widget"]["version"] = long(41)),
        )
        .expect(422, "invalid submission", &["widget.version"]),
        case(
            "two problems",
            edited(134, |b| (b["message"], b["rating"]) = (json!(""), json!(9))),
        )
        .expect(422, "invalid submission", &["message", "rating"]),
        // The request around the body.
        case("Idempotency-Key of another submission", sample(&id(140)))
            .with_key(id(141))
            .expect(
                400,
                "the Idempotency-Key header differs from the body's id",
                &[],
            ),
        case("one byte over 64 KiB", Value::Null)
            .with_body(padded(142, 64 * 1024 + 1))
            .with_key(id(142))
            .expect(413, "request body is larger than 65536 bytes", &[]),
        case("a form post", sample(&id(143)))
            .with_content_type(Some("application/x-www-form-urlencoded"))
            .expect(
                415,
                "Content-Type must be application/json or text/plain",
                &[],
            ),
        case("no Content-Type", sample(&id(144)))
            .with_content_type(None)
            .expect(
                415,
                "Content-Type must be application/json or text/plain, got none",
                &[],
            ),
    ];
    let accepted = cases.iter().filter(|c| c.status == 201).count();
    for case in cases {
        check(&server, case);
    }
    assert_eq!(
        server.stored().len(),
        accepted,
        "only the accepted requests are stored"
    );
}

trait ValueExt {
    fn without_field(self, field: &str) -> Value;
}

impl ValueExt for Value {
    fn without_field(mut self, field: &str) -> Value {
        if let Some(object) = self.as_object_mut() {
            object.remove(field);
        }
        self
    }
}

impl Case {
    fn with_content_type(self, content_type: Option<&'static str>) -> Case {
        Case {
            content_type,
            ..self
        }
    }
    fn with_key(self, key: String) -> Case {
        Case {
            idempotency_key: Some(key),
            ..self
        }
    }
    fn without_key(self) -> Case {
        Case {
            idempotency_key: None,
            ..self
        }
    }
    fn with_body(self, body: Vec<u8>) -> Case {
        Case { body, ..self }
    }
}

#[test]
fn preflight_allows_the_widget_from_any_origin() {
    each_backend(preflight_allows_the_widget_from_any_origin_on);
}

fn preflight_allows_the_widget_from_any_origin_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let reply = server.send(
        "OPTIONS",
        "/api/feedback",
        &[
            ("origin", "https://shop.example"),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "content-type,idempotency-key",
            ),
        ],
        None,
    );
    assert_eq!(reply.status, 204);
    for (name, value) in [
        ("access-control-allow-origin", "*"),
        ("access-control-allow-methods", "POST, OPTIONS"),
        (
            "access-control-allow-headers",
            "content-type, idempotency-key",
        ),
        ("access-control-max-age", "86400"),
    ] {
        assert_eq!(reply.header(name), Some(value), "{name}");
    }
    assert_eq!(reply.header("access-control-allow-credentials"), None);
}

#[test]
fn the_listing_is_not_readable_from_other_origins() {
    each_backend(the_listing_is_not_readable_from_other_origins_on);
}

fn the_listing_is_not_readable_from_other_origins_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let reply = server.send(
        "GET",
        "/api/feedback",
        &[("origin", "https://evil.example")],
        None,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!([]));
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[test]
fn two_instances_on_one_database_store_once() {
    each_backend(two_instances_on_one_database_store_once_on);
}

/// Several inbox instances behind a load balancer share the database (PostgreSQL's reason to
/// exist here; SQLite allows it on one machine): retries landing on different instances still
/// store one row.
fn two_instances_on_one_database_store_once_on() {
    let dir = temp_dir();
    let servers = [Server::start(dir.path()), Server::start(dir.path())];
    let start = Barrier::new(10);
    std::thread::scope(|scope| {
        for n in 0..10 {
            let (servers, start) = (&servers, &start);
            scope.spawn(move || {
                start.wait();
                for k in 0..5 {
                    let reply = servers[(n + k) % 2].post_json(&sample(&id(100 + k as u32)));
                    assert_eq!(reply.status, 201, "{}", reply.text());
                }
            });
        }
    });
    for server in &servers {
        let mut ids: Vec<Value> = server.stored().iter().map(|s| s["id"].clone()).collect();
        ids.sort_by_key(|v| v.to_string());
        assert_eq!(ids, (100..105).map(|n| json!(id(n))).collect::<Vec<_>>());
    }
}

#[test]
fn open_mode_records_only_a_real_origin_as_the_site() {
    each_backend(open_mode_records_only_a_real_origin_as_the_site_on);
}

/// With no sites configured any origin may post, and the origin names the site in the inbox and
/// in e-mail subjects: only a `scheme://host[:port]` of sane length is taken as one.
fn open_mode_records_only_a_real_origin_as_the_site_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let huge = format!("https://{}.example", "a".repeat(60_000));
    let cases = [
        ("https://Shop.Example:8443", "https://shop.example:8443"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        (huge.as_str(), ""),
        ("null", ""),
        ("https://shop.example/checkout", ""),
        ("javascript:alert(1)", ""),
        ("https://shop.example:99999", ""),
        ("https://user@shop.example", ""),
        ("https://shop example", ""),
    ];
    for (n, (origin, site)) in (1..).zip(cases) {
        let reply = support::post_from(&server, origin, &sample(&id(n)));
        assert_eq!(
            reply.status,
            201,
            "{}: {}",
            &origin[..origin.len().min(40)],
            reply.text()
        );
        let stored = server.stored();
        let row = stored
            .iter()
            .find(|s| s["id"] == json!(id(n)))
            .expect("stored");
        assert_eq!(
            row["inbox"]["site"],
            json!(site),
            "{}",
            &origin[..origin.len().min(40)]
        );
    }
}

#[test]
fn one_uuid_in_either_case_is_one_message() {
    each_backend(one_uuid_in_either_case_is_one_message_on);
}

fn one_uuid_in_either_case_is_one_message_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let lower = "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11";
    let reply = server.post_json(&sample(&lower.to_uppercase()));
    assert_eq!(reply.status, 201, "{}", reply.text());
    assert_eq!(
        reply.json()["id"],
        json!(lower),
        "answered with the normalised id"
    );
    let reply = server.post_json(&sample(lower));
    assert_eq!(
        (reply.status, reply.header("idempotent-replayed")),
        (201, Some("true")),
        "{}",
        reply.text()
    );
    // The key may be in another case than the body's id: it names the same submission.
    let body = serde_json::to_vec(&sample(lower)).expect("serialize");
    let upper_key = lower.to_uppercase();
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", upper_key.as_str()),
    ];
    assert_eq!(
        server
            .send("POST", "/api/feedback", &headers, Some(&body))
            .status,
        201
    );
    let stored = server.stored();
    assert_eq!(stored.len(), 1, "one message");
    assert_eq!(stored[0]["id"], json!(lower));
}

#[test]
fn two_idempotency_keys_are_refused() {
    each_backend(two_idempotency_keys_are_refused_on);
}

fn two_idempotency_keys_are_refused_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let body = serde_json::to_vec(&sample(&id(1))).expect("serialize");
    let first = id(1);
    for other in [id(1), id(2)] {
        let headers = [
            ("content-type", "application/json"),
            ("idempotency-key", first.as_str()),
            ("idempotency-key", other.as_str()),
        ];
        let reply = server.send("POST", "/api/feedback", &headers, Some(&body));
        assert_eq!(reply.status, 400, "{}", reply.text());
        assert_eq!(
            reply.json(),
            json!({"error": "send at most one Idempotency-Key header"})
        );
    }
    assert_eq!(server.stored().len(), 0);
}

#[test]
fn the_listing_comes_in_pages() {
    each_backend(the_listing_comes_in_pages_on);
}

fn the_listing_comes_in_pages_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    // Posted as fast as they go, many share a millisecond: the cursor must still tell them apart.
    for n in 1..=130 {
        let mut body = sample(&id(n));
        body["rating"] = json!(1 + n % 5);
        assert_eq!(server.post_json(&body).status, 201);
    }
    let newest_first: Vec<Value> = (1..=130).rev().map(|n| json!(id(n))).collect();
    let ids = |rows: &[Value]| rows.iter().map(|r| r["id"].clone()).collect::<Vec<_>>();

    // A page of 100 by default, and a link to the next.
    let first = server.get("/api/feedback");
    assert_eq!(first.status, 200);
    let rows = first.json().as_array().cloned().expect("an array");
    assert_eq!(ids(&rows), newest_first[..100]);
    let next = first.next_page().expect("a Link to the next page");
    assert!(next.starts_with("/api/feedback?cursor="), "{next}");
    let rest = server.stored_from(&next, &[]);
    assert_eq!(
        ids(&rest),
        newest_first[100..],
        "the rest, none repeated, none skipped"
    );

    // Smaller pages; the filters and the size travel in the link.
    let reply = server.get("/api/feedback?rating=2&limit=10");
    assert_eq!(reply.json().as_array().map(Vec::len), Some(10));
    let next = reply.next_page().expect("more");
    assert!(
        next.contains("rating=2") && next.contains("limit=10"),
        "{next}"
    );
    let twos = server.stored_from("/api/feedback?rating=2&limit=10", &[]);
    assert_eq!(twos.len(), 26);
    assert!(twos.iter().all(|r| r["rating"] == json!(2)));

    // Messages arriving while someone pages neither repeat nor shift what follows.
    let page = server.get("/api/feedback?limit=50");
    for n in 131..=135 {
        assert_eq!(server.post_json(&sample(&id(n))).status, 201);
    }
    let rest = server.stored_from(&page.next_page().expect("more"), &[]);
    assert_eq!(ids(&rest), newest_first[50..]);

    for (query, error) in [
        ("limit=0", "limit must be 1 to 1000, got \"0\""),
        ("limit=1001", "limit must be 1 to 1000, got \"1001\""),
        ("cursor=12", "cursor \"12\" is not one this inbox gave"),
    ] {
        let reply = server.get(&format!("/api/feedback?{query}"));
        assert_eq!(
            (reply.status, reply.json()),
            (400, json!({"error": error})),
            "{query}"
        );
    }
    assert_eq!(
        server
            .get("/api/feedback?limit=1000")
            .json()
            .as_array()
            .map(Vec::len),
        Some(135)
    );
}
