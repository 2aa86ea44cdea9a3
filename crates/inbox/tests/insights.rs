//! Insight events over real HTTP, on both backends: `POST /api/events` counts per UTC day and
//! site (sums over paths, languages and devices; messages from the stored submissions), refuses
//! unlisted sites, bad bodies and floods (its own rate budget), and keeps nothing that
//! identifies a visitor; the Insights page and its exports.

mod support;

use inbox::store::insights::{CountKey, Dimension, Range, Share, Sum};
use serde_json::{json, Value};
use support::{config, each_backend, id, post_from, sample, temp_dir, Reply, Server};

const SITES: &str = r#"
    [[sites]]
    name = "shop"
    origins = ["https://shop.example"]
    [[sites]]
    name = "blog"
    origins = ["https://blog.example"]
"#;

/// POSTs `event` from `origin` as the widget does: a simple `text/plain` request, no cookie.
fn event_from(server: &Server, origin: &str, event: &Value) -> Reply {
    let body = serde_json::to_vec(event).expect("serialize");
    server.send(
        "POST",
        "/api/events",
        &[
            ("origin", origin),
            ("content-type", "text/plain;charset=UTF-8"),
        ],
        Some(&body),
    )
}

fn open(path: &str) -> Value {
    json!({"event": "open", "path": path, "language": "fr", "device": "mobile"})
}

fn channel(channel: &str, action: &str) -> Value {
    json!({"event": "channel", "channel": channel, "action": action, "path": "/pricing", "language": "fr", "device": "mobile"})
}

fn today() -> String {
    inbox::time::rfc3339(std::time::SystemTime::now())[..10].to_string()
}

/// Runs `check` against the store of the server over `dir` (the same file or schema).
fn with_store<T>(dir: &std::path::Path, check: impl AsyncFnOnce(&dyn inbox::Store) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = support::store_for(dir).await;
        check(store.as_ref()).await
    })
}

fn sum(day: &str, site: &str, event: &str, channel: &str, action: &str, count: i64) -> Sum {
    Sum {
        day: day.into(),
        site: site.into(),
        event: event.into(),
        channel: channel.into(),
        action: action.into(),
        count,
    }
}

#[test]
fn events_are_counted_per_day_and_site() {
    each_backend(events_are_counted_per_day_and_site_on);
}

fn events_are_counted_per_day_and_site_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    let shop = "https://shop.example";
    for event in [
        open("/pricing"),
        open("/pricing"),
        json!({"event": "open", "path": "/", "language": "en", "device": "desktop"}),
        channel("whatsapp", "open"),
        channel("whatsapp", "copy"),
        channel("whatsapp", "open"),
        channel("phone", "qr"),
    ] {
        let reply = event_from(&server, shop, &event);
        assert_eq!(reply.status, 204, "{event}: {}", reply.text());
        assert!(reply.body.is_empty());
        assert_eq!(reply.header("access-control-allow-origin"), Some(shop));
    }
    assert_eq!(
        event_from(&server, "https://blog.example", &open("/post")).status,
        204
    );
    assert_eq!(post_from(&server, shop, &sample(&id(1))).status, 201);
    assert_eq!(post_from(&server, shop, &sample(&id(2))).status, 201);

    // Two earlier days, written as the handler would have then (the clock cannot be set).
    let earlier = |day: &str, path: &str, device: &str| CountKey {
        day: day.into(),
        site: "shop".into(),
        event: "open".into(),
        path: path.into(),
        language: "de".into(),
        device: device.into(),
        ..CountKey::default()
    };
    let today = today();
    with_store(dir.path(), async |store| {
        for key in [
            earlier("2026-01-01", "/a", "mobile"),
            earlier("2026-01-01", "/b", "desktop"),
            earlier("2026-01-02", "/a", "mobile"),
        ] {
            store.count_event(&key).await.expect("counted");
        }
        let all = Range::default();
        assert_eq!(
            store.event_sums(&all).await.expect("sums"),
            [
                sum("2026-01-01", "shop", "open", "", "", 2),
                sum("2026-01-02", "shop", "open", "", "", 1),
                sum(&today, "blog", "open", "", "", 1),
                sum(&today, "shop", "channel", "phone", "qr", 1),
                sum(&today, "shop", "channel", "whatsapp", "copy", 1),
                sum(&today, "shop", "channel", "whatsapp", "open", 2),
                sum(&today, "shop", "open", "", "", 3),
            ]
        );
        let shop_today = Range {
            from: Some(today.clone()),
            to: Some(today.clone()),
            site: Some("shop".into()),
        };
        assert_eq!(
            store.event_sums(&shop_today).await.expect("sums").len(),
            4,
            "only today's, only the shop's"
        );
        let messages = store.messages_per_day(&all).await.expect("messages");
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(
            (
                messages[0].day.as_str(),
                messages[0].site.as_str(),
                messages[0].count
            ),
            (today.as_str(), "shop", 2)
        );
        let pages = store.shares(&all, Dimension::Path, 2).await.expect("pages");
        let share = |value: &str, opens, uses| Share {
            value: value.into(),
            opens,
            uses,
        };
        assert_eq!(pages, [share("/pricing", 2, 4), share("/a", 2, 0)]);
        let devices = store
            .shares(&all, Dimension::Device, 10)
            .await
            .expect("devices");
        assert_eq!(
            devices,
            [share("mobile", 5, 4), share("desktop", 2, 0)],
            "by opens, then uses"
        );
        // The export's pages: in key order, each after the last, none repeated.
        let first = store.counts(&all, None, 4).await.expect("page 1");
        let rest = store
            .counts(&all, Some(&first[3].key), 100)
            .await
            .expect("page 2");
        assert_eq!((first.len(), rest.len()), (4, 5));
        assert_eq!(first[0].key, earlier("2026-01-01", "/a", "mobile"));
        let total: i64 = first.iter().chain(&rest).map(|c| c.count).sum();
        assert_eq!(total, 11, "8 events today and 3 earlier");
    });
}

#[test]
fn unlisted_sites_are_refused() {
    each_backend(unlisted_sites_are_refused_on);
}

fn unlisted_sites_are_refused_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    for origin in ["https://evil.example", "http://shop.example", "null"] {
        let reply = event_from(&server, origin, &open("/"));
        assert_eq!(reply.status, 403, "{origin}");
        assert_eq!(reply.header("access-control-allow-origin"), None);
    }
    let body = serde_json::to_vec(&open("/")).expect("serialize");
    let without_origin = server.send(
        "POST",
        "/api/events",
        &[("content-type", "text/plain")],
        Some(&body),
    );
    assert_eq!(without_origin.status, 403);
    with_store(dir.path(), async |store| {
        let counted = store.counts(&Range::default(), None, 100).await;
        assert_eq!(counted.expect("counts"), [], "nothing counted");
    });
}

#[test]
fn bad_bodies_are_refused_and_say_why() {
    each_backend(bad_bodies_are_refused_and_say_why_on);
}

fn bad_bodies_are_refused_and_say_why_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    let send = |content_type: &str, body: &[u8]| {
        server.send(
            "POST",
            "/api/events",
            &[
                ("origin", "https://shop.example"),
                ("content-type", content_type),
            ],
            Some(body),
        )
    };
    for (body, status, error) in [
        (&b"{"[..], 400, "invalid event: EOF while parsing an object at line 1 column 1"),
        (b"{\"event\":\"open\"}", 400, "invalid event: missing field `path`"),
        (
            br#"{"event":"channel","channel":"carrier-pigeon","action":"open","path":"/","language":"fr","device":"mobile"}"#,
            400,
            "\"carrier-pigeon\" is not a channel type of the widget",
        ),
        (
            br#"{"event":"channel","channel":"phone","action":"dial","path":"/","language":"fr","device":"mobile"}"#,
            400,
            "action must be one of open, copy, qr, got \"dial\"",
        ),
        (
            br#"{"event":"open","path":"/cart?user=42","language":"fr","device":"mobile"}"#,
            400,
            "path must not have a query string or fragment",
        ),
    ] {
        let reply = send("text/plain;charset=UTF-8", body);
        assert_eq!(reply.status, status, "{}", String::from_utf8_lossy(body));
        assert_eq!(reply.json(), json!({"error": error}));
    }
    let form = send("application/x-www-form-urlencoded", b"event=open");
    assert_eq!(form.status, 415, "{}", form.text());
    let large = json!({"event": "open", "path": "/", "language": "fr", "device": "mobile", "padding": "x".repeat(3000)});
    let reply = send(
        "text/plain",
        &serde_json::to_vec(&large).expect("serialize"),
    );
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.json(),
        json!({"error": "request body is larger than 2048 bytes"})
    );
    // JSON is accepted too (after a preflight, for a client that sends it).
    let json_event = send(
        "application/json",
        &serde_json::to_vec(&open("/")).expect("serialize"),
    );
    assert_eq!(json_event.status, 204, "{}", json_event.text());
    with_store(dir.path(), async |store| {
        let counted = store.counts(&Range::default(), None, 100).await;
        assert_eq!(counted.expect("counts").len(), 1, "only the good one");
    });
}

#[test]
fn events_have_their_own_rate_budget() {
    each_backend(events_have_their_own_rate_budget_on);
}

fn events_have_their_own_rate_budget_on() {
    let dir = temp_dir();
    let limited =
        format!("[rate_limit]\nper_ip_per_minute = 2\nevents_per_ip_per_minute = 3\n{SITES}");
    let server = Server::start_with(dir.path(), config(&limited));
    let shop = "https://shop.example";
    for n in 0..3 {
        assert_eq!(event_from(&server, shop, &open("/")).status, 204, "{n}");
    }
    let reply = event_from(&server, shop, &open("/"));
    assert_eq!(reply.status, 429);
    let wait: u64 = reply
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .expect("Retry-After in seconds");
    assert!((1..=20).contains(&wait), "{wait}");
    assert!(reply.json()["error"]
        .as_str()
        .is_some_and(|e| e.starts_with("too many events")));
    // Submissions have their own budget: the events used none of it, and use none of theirs.
    assert_eq!(post_from(&server, shop, &sample(&id(1))).status, 201);
    assert_eq!(post_from(&server, shop, &sample(&id(2))).status, 201);
    assert_eq!(post_from(&server, shop, &sample(&id(3))).status, 429);
    drop(server);

    // Without event keys, the site's own submission rate limits its events.
    let dir = temp_dir();
    let per_site = r#"
        [[sites]]
        name = "shop"
        origins = ["https://shop.example"]
        per_minute = 2
    "#;
    let server = Server::start_with(dir.path(), config(per_site));
    assert_eq!(event_from(&server, shop, &open("/")).status, 204);
    assert_eq!(event_from(&server, shop, &open("/")).status, 204);
    assert_eq!(event_from(&server, shop, &open("/")).status, 429);
    assert_eq!(post_from(&server, shop, &sample(&id(1))).status, 201);
}

#[test]
fn nothing_that_identifies_a_visitor_is_stored() {
    each_backend(nothing_that_identifies_a_visitor_is_stored_on);
}

/// What a request carries that could identify its sender; none of it may reach the store.
const ADDRESS: &str = "203.0.113.77";
const AGENT: &str = "Identifying-Agent/7.3 (visitor 4711)";
const COOKIE: &str = "sid=cookie-4711";

fn nothing_that_identifies_a_visitor_is_stored_on() {
    let dir = temp_dir();
    let proxied = format!("[rate_limit]\ntrust_forwarded_for = true\n{SITES}");
    let server = Server::start_with(dir.path(), config(&proxied));
    for event in [open("/pricing"), channel("email", "copy")] {
        let body = serde_json::to_vec(&event).expect("serialize");
        let reply = server.send(
            "POST",
            "/api/events",
            &[
                ("origin", "https://shop.example"),
                ("content-type", "text/plain;charset=UTF-8"),
                ("x-forwarded-for", ADDRESS),
                ("user-agent", AGENT),
                ("cookie", COOKIE),
            ],
            Some(&body),
        );
        assert_eq!(reply.status, 204, "{}", reply.text());
        assert_eq!(reply.header("set-cookie"), None);
    }
    let peer = server.addr.ip().to_string();
    drop(server); // closes the database

    let columns = [
        "day", "site", "event", "channel", "action", "path", "language", "device", "count",
    ];
    let (stored_columns, values) = match support::backend() {
        support::Backend::Sqlite => {
            let db = dir.path().join("inbox.sqlite3");
            // Every byte of the database and its journal: no address, agent or cookie anywhere,
            // though what was counted is there to be found.
            let mut bytes = Vec::new();
            for entry in std::fs::read_dir(dir.path()).expect("dir") {
                let path = entry.expect("entry").path();
                bytes.extend(std::fs::read(&path).expect("read"));
            }
            let found = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
            assert!(
                found("/pricing") && found("email"),
                "the scan sees the counts"
            );
            for secret in [ADDRESS, &peer, AGENT, COOKIE] {
                assert!(!found(secret), "{secret} found in the database's files");
            }
            let conn = rusqlite::Connection::open(db).expect("open");
            let names: Vec<String> = conn
                .prepare("SELECT name FROM pragma_table_info('event_counts') ORDER BY cid")
                .expect("prepare")
                .query_map([], |row| row.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("names");
            let rows: Vec<String> = conn
                .prepare("SELECT day || site || event || channel || action || path || language || device FROM event_counts")
                .expect("prepare")
                .query_map([], |row| row.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            (names, rows)
        }
        support::Backend::Postgres(url) => {
            let url = support::url_in_schema(&url, dir.path());
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                    .await
                    .expect("connect");
                tokio::spawn(connection);
                let names = client
                    .query(
                        "SELECT column_name::text FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = 'event_counts' ORDER BY ordinal_position",
                        &[],
                    )
                    .await
                    .expect("columns")
                    .iter()
                    .map(|row| row.get(0))
                    .collect();
                let rows = client
                    .query("SELECT concat_ws(' ', day, site, event, channel, action, path, language, device) FROM event_counts", &[])
                    .await
                    .expect("rows")
                    .iter()
                    .map(|row| row.get(0))
                    .collect();
                (names, rows)
            })
        }
    };
    assert_eq!(stored_columns, columns);
    assert_eq!(values.len(), 2, "{values:?}");
    for value in &values {
        for secret in [ADDRESS, &peer, AGENT, COOKIE] {
            assert!(!value.contains(secret), "{value}");
        }
    }
}

/// Each table row of `html` as its cells' text, ` | `-separated (tags dropped, spaces collapsed).
fn rows(html: &str) -> Vec<String> {
    html.split("<tr>")
        .skip(1)
        .map(|row| {
            let row = row.split("</tr>").next().unwrap_or_default();
            let mut text = String::new();
            let mut in_tag = false;
            for c in row
                .replace("</td>", " | ")
                .replace("<ul", " <ul")
                .replace("</li>", " ")
                .chars()
            {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            let words: Vec<&str> = text.split_whitespace().collect();
            words.join(" ").trim_end_matches(" |").to_string()
        })
        .collect()
}

#[test]
fn the_insights_page_shows_counts_and_exports_them() {
    each_backend(the_insights_page_shows_counts_and_exports_them_on);
}

fn the_insights_page_shows_counts_and_exports_them_on() {
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), config(SITES));
    let shop = "https://shop.example";
    for event in [
        open("/pricing"),
        open("/pricing"),
        channel("whatsapp", "open"),
        channel("whatsapp", "copy"),
        channel("whatsapp", "open"),
        channel("phone", "qr"),
    ] {
        assert_eq!(event_from(&server, shop, &event).status, 204);
    }
    assert_eq!(post_from(&server, shop, &sample(&id(1))).status, 201);
    // The blog has a message and no opens: no conversion to show.
    assert_eq!(
        post_from(&server, "https://blog.example", &sample(&id(2))).status,
        201
    );
    let today = today();

    let page = server.get("/inbox/insights");
    assert_eq!(page.status, 200, "{}", page.text());
    let csp = page.header("content-security-policy").expect("CSP");
    assert!(csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"));
    let html = page.text();
    let own_script = "<script src=\"/inbox/time.js\" defer></script>";
    assert!(
        html.matches("<script").count() == html.matches(own_script).count()
            && !html.contains("style="),
        "no inline script or style, only the inbox's own time.js"
    );
    assert!(
        html.contains("2 opens · 4 channel uses · 2 messages · conversion 300%"),
        "(4 uses + 2 messages) / 2 opens: {html}"
    );
    let rows = rows(&html);
    assert!(
        rows.contains(&format!("{today} | blog | 0 | 0 | 1 | –")),
        "{rows:#?}"
    );
    assert!(
        rows.contains(&format!(
            "{today} | shop | 2 | 4 Phone: 1 QR code shown WhatsApp: 2 link opened, 1 copied | 1 | 250%"
        )),
        "{rows:#?}"
    );
    assert!(
        rows.contains(&"WhatsApp | 2 | 1 | 0 | 3".to_string()),
        "{rows:#?}"
    );
    assert!(rows.contains(&"/pricing | 2 | 4".to_string()), "{rows:#?}");
    assert!(rows.contains(&"fr | 2 | 4".to_string()), "{rows:#?}");
    assert!(rows.contains(&"mobile | 2 | 4".to_string()), "{rows:#?}");
    // The export links carry the range shown (the last 30 days).
    assert!(
        html.contains("/inbox/insights.csv?from=") && html.contains(&format!("&amp;to={today}")),
        "{html}"
    );

    // One site, another range.
    let blog = rows_of(&server, "/inbox/insights?site=blog");
    assert!(blog.iter().all(|r| !r.contains("shop")), "{blog:#?}");
    let past = server.get("/inbox/insights?from=2020-01-01&to=2020-01-31");
    assert!(
        past.text().contains("Nothing counted in this range"),
        "{}",
        past.text()
    );
    assert_eq!(server.get("/inbox/insights?from=1.1.2026").status, 400);

    let csv = server.get(&format!("/inbox/insights.csv?from={today}&to={today}"));
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment;") && d.ends_with("insights.csv\"")));
    let lines: Vec<String> = csv.text().split("\r\n").map(String::from).collect();
    assert_eq!(
        lines,
        [
            "day,site,event,channel,action,path,language,device,count".to_string(),
            format!("{today},shop,channel,phone,qr,/pricing,fr,mobile,1"),
            format!("{today},shop,channel,whatsapp,copy,/pricing,fr,mobile,1"),
            format!("{today},shop,channel,whatsapp,open,/pricing,fr,mobile,2"),
            format!("{today},shop,open,,,/pricing,fr,mobile,2"),
            format!("{today},blog,message,,,,,,1"),
            format!("{today},shop,message,,,,,,1"),
            String::new(),
        ]
    );
    let json = server.get("/inbox/insights.json?site=shop");
    assert_eq!(json.status, 200);
    let rows: Vec<Value> = serde_json::from_slice(&json.body).expect("a JSON array");
    assert_eq!(rows.len(), 5, "{rows:?}");
    assert_eq!(
        rows[3],
        json!({"day": today, "site": "shop", "event": "open", "channel": "", "action": "",
               "path": "/pricing", "language": "fr", "device": "mobile", "count": 2})
    );
}

fn rows_of(server: &Server, path: &str) -> Vec<String> {
    let reply = server.get(path);
    assert_eq!(reply.status, 200, "{path}");
    rows(&reply.text())
}

#[test]
fn long_exports_come_in_pages_and_need_a_login() {
    each_backend(long_exports_come_in_pages_and_need_a_login_on);
}

fn long_exports_come_in_pages_and_need_a_login_on() {
    let dir = temp_dir();
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    let locked = format!("[auth]\npassword_hash = \"{hash}\"\napi_token = \"t0ken\"\n{SITES}");
    let server = Server::start_with(dir.path(), config(&locked));
    // More counters than one page of the export (500) holds.
    with_store(dir.path(), async |store| {
        for n in 0..1234 {
            let key = CountKey {
                day: "2026-02-01".into(),
                site: "shop".into(),
                event: "open".into(),
                path: format!("/p/{n}"),
                language: "en".into(),
                device: "desktop".into(),
                ..CountKey::default()
            };
            store.count_event(&key).await.expect("counted");
        }
    });
    let page = server.get("/inbox/insights");
    assert_eq!(
        (page.status, page.header("location")),
        (303, Some("/inbox/login"))
    );
    assert_eq!(server.get("/inbox/insights.csv").status, 401);
    assert_eq!(server.get("/inbox/insights.json").status, 401);

    let bearer = [("authorization", "Bearer t0ken")];
    let csv = server.send("GET", "/inbox/insights.csv", &bearer, None);
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv
        .text()
        .lines()
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .leak()
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(lines.len(), 1 + 1234, "the header and every counter once");
    let mut paths: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(5).unwrap_or_default())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 1234, "none repeated, none missing");
    let json = server.send(
        "GET",
        "/inbox/insights.json?from=2026-02-01&to=2026-02-01",
        &bearer,
        None,
    );
    let rows: Vec<Value> =
        serde_json::from_slice(&json.body).expect("one JSON array over every page");
    assert_eq!(rows.len(), 1234);
    let outside = server.send("GET", "/inbox/insights.json?to=2026-01-31", &bearer, None);
    assert_eq!(outside.json(), json!([]));
}
