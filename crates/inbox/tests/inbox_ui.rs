//! The inbox UI over real HTTP, on both backends: login with the configured password, session
//! and CSRF cookies, filters, detail, mark handled, notes, exports, and hostile text staying text.

mod support;

use serde_json::json;
use support::{config, each_backend, encode, form_csrf, id, sample, temp_dir, Browser, Server};

fn server_with_password(dir: &std::path::Path) -> Server {
    server_with_password_and(dir, "")
}

/// A server whose password is "open sesame", with more configuration after `[auth]`.
fn server_with_password_and(dir: &std::path::Path, more: &str) -> Server {
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    Server::start_with(
        dir,
        config(&format!("[auth]\npassword_hash = \"{hash}\"\n{more}")),
    )
}

#[test]
fn login_session_and_csrf() {
    each_backend(login_session_and_csrf_on);
}

fn login_session_and_csrf_on() {
    let dir = temp_dir();
    let server = server_with_password(dir.path());
    let mut browser = Browser::default();
    let reply = browser.get(&server, "/inbox");
    assert_eq!(
        (reply.status, reply.header("location")),
        (303, Some("/inbox/login"))
    );
    let reply = browser.get(&server, "/inbox/login");
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("type=\"password\""));
    let set_cookie = reply.header("set-cookie").expect("CSRF cookie");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains("Secure"),
        "plain http without a proxy saying https"
    );
    assert!(reply
        .header("content-security-policy")
        .is_some_and(|csp| csp.contains("default-src 'none'")));

    // A form without the right token (as a cross-site form would be) is refused.
    let reply = browser.post_form(&server, "/inbox/login", "csrf=0000&password=open+sesame");
    assert_eq!(reply.status, 403);
    let csrf = browser.csrf();
    let reply = browser.post_form(
        &server,
        "/inbox/login",
        &format!("csrf={csrf}&password=wrong"),
    );
    assert_eq!(reply.status, 401);
    assert!(reply.text().contains("Wrong name or password."));
    let reply = browser.post_form(
        &server,
        "/inbox/login",
        &format!("csrf={csrf}&password=open+sesame"),
    );
    assert_eq!(
        (reply.status, reply.header("location")),
        (303, Some("/inbox"))
    );
    let session = reply.header("set-cookie").expect("session cookie");
    assert!(
        session.starts_with("inbox_session=") && session.contains("HttpOnly; SameSite=Strict"),
        "{session}"
    );
    assert_eq!(browser.get(&server, "/inbox").status, 200);
    assert_eq!(
        browser.get(&server, "/api/feedback").status,
        200,
        "the session also opens the JSON listing"
    );

    // Behind an https proxy the cookie is Secure.
    let reply = server.send(
        "GET",
        "/inbox/login",
        &[("x-forwarded-proto", "https")],
        None,
    );
    assert!(reply
        .header("set-cookie")
        .is_some_and(|c| c.ends_with("; Secure")));

    // Logged in, the forms carry the session's own token, not the cookie's.
    let page_csrf = form_csrf(&browser.get(&server, "/inbox"));
    assert_ne!(page_csrf, csrf);
    assert_eq!(
        browser
            .post_form(&server, "/inbox/logout", &format!("csrf={csrf}"))
            .status,
        403
    );
    let reply = browser.post_form(&server, "/inbox/logout", &format!("csrf={page_csrf}"));
    assert_eq!(reply.status, 303);
    assert_eq!(browser.get(&server, "/inbox").status, 303, "logged out");
}

/// Logs `browser` in with the password "open sesame"; its session cookie.
fn log_in(browser: &mut Browser, server: &Server) -> String {
    browser.log_in(server, "", "open sesame")
}

/// What a copy of a session cookie (kept by someone else, or an old tab) can still open.
fn opens(server: &Server, session: &str) -> (u16, u16) {
    let cookie = format!("inbox_session={session}");
    let inbox = server
        .send("GET", "/inbox", &[("cookie", &cookie)], None)
        .status;
    let api = server
        .send("GET", "/api/feedback", &[("cookie", &cookie)], None)
        .status;
    (inbox, api)
}

#[test]
fn each_login_is_a_session_that_logout_and_a_new_password_end() {
    each_backend(each_login_is_a_session_that_logout_and_a_new_password_end_on);
}

fn each_login_is_a_session_that_logout_and_a_new_password_end_on() {
    let dir = temp_dir();
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    let with_hash = |hash: &str| config(&format!("[auth]\npassword_hash = \"{hash}\""));
    let (first, second) = {
        let server = Server::start_with(dir.path(), with_hash(&hash));
        // Two logins in the same second: two sessions.
        let (mut a, mut b) = (Browser::default(), Browser::default());
        let (first, second) = (log_in(&mut a, &server), log_in(&mut b, &server));
        assert_ne!(first, second);
        assert_eq!(opens(&server, &first), (200, 200));

        // Logout ends the session itself, not just the browser's cookie: a copy opens nothing.
        let csrf = form_csrf(&a.get(&server, "/inbox"));
        assert_eq!(
            a.post_form(&server, "/inbox/logout", &format!("csrf={csrf}"))
                .status,
            303
        );
        assert_eq!(opens(&server, &first), (303, 401), "the ended session");
        assert_eq!(
            opens(&server, &second),
            (200, 200),
            "the other login goes on"
        );
        (first, second)
    };
    // Sessions are kept: a restart with the same password hash keeps the login.
    {
        let server = Server::start_with(dir.path(), with_hash(&hash));
        assert_eq!(opens(&server, &second), (200, 200), "after a restart");
        assert_eq!(opens(&server, &first), (303, 401));
    }
    // A new password (hash) ends every session made under the old one.
    let server = Server::start_with(
        dir.path(),
        with_hash(&inbox::auth::hash_password("a new password").expect("hash")),
    );
    assert_eq!(
        opens(&server, &second),
        (303, 401),
        "after the password changed"
    );
}

#[test]
fn forms_need_the_session_token_and_our_own_origin() {
    each_backend(forms_need_the_session_token_and_our_own_origin_on);
}

/// A logged-in form POST must carry the CSRF token of its own session and come from the inbox's
/// pages: a cookie and field of the attacker's choosing (as a sibling subdomain can plant), or a
/// request the browser marks as cross-site, are refused.
fn forms_need_the_session_token_and_our_own_origin_on() {
    let dir = temp_dir();
    let server = server_with_password(dir.path());
    assert_eq!(server.post_json(&sample(&id(1))).status, 201);
    let mut owner = Browser::default();
    let session = log_in(&mut owner, &server);
    let path = format!("/inbox/m/{}/handled", id(1));
    let planted = "0123456789abcdef0123456789abcdef";
    let cookie = format!("inbox_session={session}; inbox_csrf={planted}");
    let form = format!("csrf={planted}&handled=yes");
    let headers = [
        ("cookie", cookie.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
    ];
    let reply = server.send("POST", &path, &headers, Some(form.as_bytes()));
    assert_eq!(reply.status, 403, "a planted double-submit pair");

    let csrf = form_csrf(&owner.get(&server, &format!("/inbox/m/{}", id(1))));
    let form = format!("csrf={csrf}&handled=yes");
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
    ] {
        let reply = owner.post_form_with(&server, &path, &form, &[(header, value)]);
        assert_eq!(reply.status, 403, "{header}: {value}");
        assert!(reply.text().contains("another site"), "{}", reply.text());
    }
    let same = owner.post_form_with(&server, &path, &form, &[("sec-fetch-site", "same-origin")]);
    assert_eq!(same.status, 303, "{}", same.text());
    let host = server.addr.to_string();
    let origin = format!("http://{host}");
    let same = owner.post_form_with(
        &server,
        &path,
        &format!("csrf={csrf}&handled=no"),
        &[("origin", &origin)],
    );
    assert_eq!(same.status, 303, "{}", same.text());
    // The login form is checked the same way.
    let mut stranger = Browser::default();
    stranger.get(&server, "/inbox/login");
    let csrf = stranger.csrf();
    let reply = stranger.post_form_with(
        &server,
        "/inbox/login",
        &format!("csrf={csrf}&password=open+sesame"),
        &[("sec-fetch-site", "cross-site")],
    );
    assert_eq!(reply.status, 403);
}

#[test]
fn find_handle_annotate_and_export() {
    each_backend(find_handle_annotate_and_export_on);
}

fn find_handle_annotate_and_export_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path()); // demo mode: no login
    let mut hostile = sample(&id(1));
    hostile["message"] = json!("<script>alert(1)</script> =cmd|' /C calc'!A0");
    hostile["page"]["url"] = json!("javascript:alert(1)");
    hostile["rating"] = json!(1);
    let mut praise = sample(&id(2));
    praise["message"] = json!("Lovely shop, fast delivery");
    praise["rating"] = json!(5);
    for body in [&hostile, &praise] {
        assert_eq!(server.post_json(body).status, 201);
    }
    let mut browser = Browser::default();
    let list = browser.get(&server, "/inbox").text();
    assert!(list.contains("2 messages match"), "{list}");
    assert!(
        list.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !list.contains("<script>"),
        "escaped"
    );
    assert!(list.contains("<svg class=\"chart\""), "the chart");

    let found = browser.get(&server, "/inbox?q=LOVELY&rating=5").text();
    assert!(
        found.contains("1 message match") && found.contains("Lovely shop"),
        "{found}"
    );
    let none = browser.get(&server, "/inbox?q=lovely&rating=1").text();
    assert!(none.contains("No messages match"), "{none}");
    assert_eq!(browser.get(&server, "/inbox?rating=9").status, 400);

    // Detail: the page it came from (as a link only when http/https).
    let detail = browser.get(&server, &format!("/inbox/m/{}", id(2))).text();
    assert!(
        detail.contains(
            "<a href=\"https://shop.example/checkout\" rel=\"noopener noreferrer nofollow\">"
        ),
        "{detail}"
    );
    let detail = browser.get(&server, &format!("/inbox/m/{}", id(1))).text();
    assert!(!detail.contains("href=\"javascript:"), "{detail}");
    assert_eq!(
        browser.get(&server, &format!("/inbox/m/{}", id(99))).status,
        404
    );

    let csrf = browser.csrf();
    let path = format!("/inbox/m/{}", id(2));
    assert_eq!(
        browser
            .post_form(&server, &format!("{path}/handled"), "csrf=bad&handled=yes")
            .status,
        403
    );
    assert_eq!(
        browser
            .post_form(
                &server,
                &format!("{path}/handled"),
                &format!("csrf={csrf}&handled=yes")
            )
            .status,
        303
    );
    let note = "Called back, sent a voucher & a <b>thank-you</b>";
    let reply = browser.post_form(
        &server,
        &format!("{path}/note"),
        &format!("csrf={csrf}&note={}", encode(note)),
    );
    assert_eq!(
        (reply.status, reply.header("location")),
        (303, Some(path.as_str()))
    );
    let detail = browser.get(&server, &path).text();
    assert!(
        detail.contains(">Reopen</button>") && detail.contains("&lt;b&gt;thank-you&lt;/b&gt;"),
        "{detail}"
    );
    assert!(browser
        .get(&server, "/inbox?handled=no")
        .text()
        .contains("1 message match"));
    let list = browser.get(&server, "/inbox").text();
    assert!(
        list.contains("1 message match") && !list.contains("Lovely shop"),
        "the list starts with the open ones: {list}"
    );
    assert!(browser
        .get(&server, "/inbox?status=any")
        .text()
        .contains("2 messages match"));

    let csv = browser.get(&server, "/inbox/export.csv");
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment; filename=\"inbox-")));
    let text = csv.text();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("receivedAt,site,id,rating,email,name,message,pageUrl"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(&id(2)) && lines[1].contains(",yes,") && lines[1].contains(note),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",<script>alert(1)</script> =cmd|' /C calc'!A0,javascript:alert(1),"),
        "{}",
        lines[2]
    );
    let handled_only = browser.get(&server, "/inbox/export.csv?handled=yes").text();
    assert_eq!(
        handled_only.split("\r\n").filter(|l| !l.is_empty()).count(),
        2,
        "header and one row"
    );

    let json_export = browser.get(&server, "/inbox/export.json?rating=5").text();
    let rows: serde_json::Value = serde_json::from_str(&json_export).expect("JSON");
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    assert_eq!(rows[0]["inbox"]["note"], json!(note));
    assert_eq!(rows[0]["inbox"]["handled"], json!(true));
}

#[test]
fn possible_spam_has_its_own_view() {
    each_backend(possible_spam_has_its_own_view_on);
}

fn possible_spam_has_its_own_view_on() {
    let dir = temp_dir();
    let server = server_with_password(dir.path());
    let mut person = sample(&id(1));
    person["message"] = json!("Where is my order?");
    let mut fast = sample(&id(2));
    fast["message"] = json!("Pasted and sent at once");
    fast["flags"] = json!(["too-fast"]);
    let mut bot = sample(&id(3));
    bot["message"] = json!("Cheap pills");
    bot["flags"] = json!(["honeypot", "too-fast:0.4"]);
    for body in [&person, &fast, &bot] {
        assert_eq!(server.post_json(body).status, 201);
    }
    let mut browser = Browser::default();
    browser.get(&server, "/inbox/login");
    let csrf = browser.csrf();
    assert_eq!(
        browser
            .post_form(
                &server,
                "/inbox/login",
                &format!("csrf={csrf}&password=open+sesame")
            )
            .status,
        303
    );

    // The main list leaves flagged messages out and links to their view, with its count.
    let main = browser.get(&server, "/inbox").text();
    assert!(
        main.contains("1 message match") && main.contains("Where is my order?"),
        "{main}"
    );
    assert!(
        !main.contains("Pasted and sent") && !main.contains("Cheap pills"),
        "{main}"
    );
    assert!(
        main.contains("<a href=\"/inbox?status=open&amp;spam=yes\">Possible spam (2)</a>"),
        "{main}"
    );
    assert!(
        main.contains("href=\"/inbox/export.csv?status=open&amp;spam=no\""),
        "the exports take the view: {main}"
    );
    // The view lists only the flagged ones, each with its signals in words, and keeps the other filters.
    let view = browser.get(&server, "/inbox?spam=yes").text();
    assert!(
        view.contains("<h1>Possible spam</h1>") && view.contains("2 messages match"),
        "{view}"
    );
    assert!(!view.contains("Where is my order?"), "{view}");
    assert!(
        view.contains("<span class=\"flags\">sent faster than a person types</span>"),
        "{view}"
    );
    assert!(view.contains("<span class=\"flags\">hidden field filled (people cannot see it; robots fill it in); sent 0.4 s after the visitor started typing</span>"), "{view}");
    assert!(
        view.contains("<a href=\"/inbox?status=open&amp;spam=yes\" aria-current=\"page\">"),
        "{view}"
    );
    assert!(
        view.contains("<input type=\"hidden\" name=\"spam\" value=\"yes\">"),
        "filtering stays in the view: {view}"
    );
    let found = browser.get(&server, "/inbox?spam=yes&q=pills").text();
    assert!(
        found.contains("1 message match") && found.contains("Possible spam (1)"),
        "{found}"
    );
    assert!(browser
        .get(&server, "/inbox?spam=any")
        .text()
        .contains("3 messages match"));
    assert_eq!(browser.get(&server, "/inbox?spam=maybe").status, 400);

    // Exports keep the flags and filter the same way; without `spam` they have everything.
    let csv = browser.get(&server, "/inbox/export.csv?spam=yes").text();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(lines[0].ends_with(",flags,status,assignee"), "{}", lines[0]);
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].contains(&id(3)) && lines[1].ends_with(",honeypot too-fast:0.4,open,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(&id(2)) && lines[2].ends_with(",too-fast,open,"),
        "{}",
        lines[2]
    );
    assert_eq!(
        browser
            .get(&server, "/inbox/export.csv")
            .text()
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .count(),
        4
    );
    let json_export: serde_json::Value = browser.get(&server, "/inbox/export.json?spam=no").json();
    assert_eq!(json_export.as_array().map(Vec::len), Some(1));
    // So does the JSON listing; by default it still lists both, as before.
    let mut listed = |query: &str| -> Vec<serde_json::Value> {
        let reply = browser.get(&server, &format!("/api/feedback{query}"));
        assert_eq!(reply.status, 200, "{query}");
        reply.json().as_array().cloned().unwrap_or_default()
    };
    assert_eq!(listed("").len(), 3);
    let flagged = listed("?spam=yes");
    assert_eq!(
        flagged
            .iter()
            .map(|r| r["inbox"]["flags"].clone())
            .collect::<Vec<_>>(),
        [json!(["honeypot", "too-fast:0.4"]), json!(["too-fast"])]
    );
    assert_eq!(listed("?spam=no").len(), 1);
    assert_eq!(browser.get(&server, "/api/feedback?spam=maybe").status, 400);

    // "Not spam" (a CSRF-checked form on the flagged message) moves it to the main list.
    let path = format!("/inbox/m/{}", id(2));
    let detail = browser.get(&server, &path).text();
    assert!(
        detail.contains("<dt>Possible spam</dt><dd>sent faster than a person types</dd>"),
        "{detail}"
    );
    assert!(
        detail.contains(&format!(
            "<form method=\"post\" action=\"{path}/not-spam\">"
        )),
        "{detail}"
    );
    // Logged-in forms carry the session's token, which the page gives.
    let token = form_csrf(&browser.get(&server, &path));
    assert_eq!(
        browser
            .post_form(&server, &format!("{path}/not-spam"), "csrf=forged")
            .status,
        403
    );
    assert_eq!(
        server
            .send(
                "POST",
                &format!("{path}/not-spam"),
                &[("content-type", "application/x-www-form-urlencoded")],
                Some(b"csrf=x")
            )
            .status,
        303,
        "no session: to the login"
    );
    assert!(
        browser
            .get(&server, "/inbox?spam=yes")
            .text()
            .contains("2 messages match"),
        "refused forms change nothing"
    );
    let reply = browser.post_form(
        &server,
        &format!("{path}/not-spam"),
        &format!("csrf={token}"),
    );
    assert_eq!(
        (reply.status, reply.header("location")),
        (303, Some(path.as_str()))
    );
    let detail = browser.get(&server, &path).text();
    assert!(
        !detail.contains("Possible spam") && !detail.contains("/not-spam"),
        "{detail}"
    );
    let main = browser.get(&server, "/inbox").text();
    assert!(
        main.contains("2 messages match")
            && main.contains("Pasted and sent at once")
            && main.contains("Possible spam (1)"),
        "{main}"
    );
    assert_eq!(
        browser
            .post_form(
                &server,
                &format!("/inbox/m/{}/not-spam", id(99)),
                &format!("csrf={token}")
            )
            .status,
        404
    );
}

#[test]
fn the_login_limit_counts_the_client_behind_the_proxy() {
    each_backend(the_login_limit_counts_the_client_behind_the_proxy_on);
}

/// Behind a trusted proxy every login comes from the proxy's address: one guesser must not lock
/// the owner out. The login limit keys by the same client address as the rate limits.
fn the_login_limit_counts_the_client_behind_the_proxy_on() {
    let dir = temp_dir();
    let server = server_with_password_and(dir.path(), "[rate_limit]\ntrust_forwarded_for = true");
    let mut guesser = Browser::default();
    guesser.get(&server, "/inbox/login");
    let csrf = guesser.csrf();
    let from_guesser = [("x-forwarded-for", "203.0.113.7")];
    for n in 1..=10 {
        let reply = guesser.post_form_with(
            &server,
            "/inbox/login",
            &format!("csrf={csrf}&password=guess{n}"),
            &from_guesser,
        );
        assert_eq!(reply.status, 401, "guess {n}");
    }
    let reply = guesser.post_form_with(
        &server,
        "/inbox/login",
        &format!("csrf={csrf}&password=open+sesame"),
        &from_guesser,
    );
    assert_eq!(
        reply.status, 429,
        "the guesser is locked out, even with the right password"
    );

    let mut owner = Browser::default();
    owner.get(&server, "/inbox/login");
    let csrf = owner.csrf();
    let from_owner = [("x-forwarded-for", "198.51.100.20")];
    let reply = owner.post_form_with(
        &server,
        "/inbox/login",
        &format!("csrf={csrf}&password=open+sesame"),
        &from_owner,
    );
    assert_eq!(
        (reply.status, reply.header("location")),
        (303, Some("/inbox")),
        "{}",
        reply.text()
    );
}

#[test]
fn error_pages_are_html_and_visitor_text_is_isolated() {
    each_backend(error_pages_are_html_and_visitor_text_is_isolated_on);
}

/// Error pages are HTML pages (not markup shown as text); visitor text is isolated from the page
/// around it (`<bdi>`), and bidirectional controls in a URL are shown, so a U+202E cannot make
/// one host read as another.
fn error_pages_are_html_and_visitor_text_is_isolated_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let mut browser = Browser::default();
    for (path, status) in [
        ("/inbox?rating=9", 400),
        (&*format!("/inbox/m/{}", id(99)), 404),
        ("/inbox/no/such/page", 404),
        ("/inbox/m/x/note", 405),
    ] {
        let reply = browser.get(&server, path);
        assert_eq!(reply.status, status, "{path}");
        assert!(
            reply.header("content-security-policy").is_some(),
            "{path}: the UI's headers"
        );
        assert_eq!(
            reply.header("content-type"),
            Some("text/html; charset=utf-8"),
            "{path}"
        );
        assert!(reply.text().starts_with("<!doctype html>"), "{path}");
    }

    // A form over the size limit, or missing its fields, gets a page too.
    assert_eq!(server.post_json(&sample(&id(2))).status, 201);
    let note = format!("/inbox/m/{}/note", id(2));
    let reply = browser.post_form(&server, &note, "csrf=x");
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.text().contains("incomplete"), "{}", reply.text());
    // A form over the limit, sent whole (the server reads it to the limit, so the answer does
    // not race the upload).
    let huge = format!("csrf=x&note={}", "x".repeat(inbox::ui::MAX_FORM_BYTES));
    let reply = browser.post_form(&server, &note, &huge);
    assert_eq!(reply.status, 413);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(reply.text().contains("too large"), "{}", reply.text());

    let mut spoof = sample(&id(1));
    spoof["page"]["url"] = json!("https://evil.example/\u{202E}elpmaxe.pohs//:sptth");
    spoof["message"] = json!("\u{202E}!olleh");
    spoof["name"] = json!("Ana\u{2067}");
    assert_eq!(server.post_json(&spoof).status, 201);
    let list = browser.get(&server, "/inbox").text();
    assert!(list.contains("<bdi>\u{202E}!olleh</bdi>"), "{list}");
    let detail = browser.get(&server, &format!("/inbox/m/{}", id(1))).text();
    assert!(!detail.contains("elpmaxe.pohs//:sptth</a>"), "{detail}");
    assert!(
        detail.contains("<bdi>https://evil.example/[U+202E]elpmaxe.pohs//:sptth</bdi>"),
        "{detail}"
    );
    assert!(
        detail.contains("<dd><bdi>Ana\u{2067}</bdi></dd>"),
        "{detail}"
    );
}

#[test]
fn the_inbox_shows_a_page_at_a_time() {
    each_backend(the_inbox_shows_a_page_at_a_time_on);
}

fn the_inbox_shows_a_page_at_a_time_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    for n in 1..=5 {
        let mut body = sample(&id(n));
        body["message"] = json!(format!("Message number {n}"));
        assert_eq!(server.post_json(&body).status, 201);
    }
    let mut browser = Browser::default();
    let first = browser.get(&server, "/inbox?limit=2").text();
    assert!(
        first.contains("5 messages match"),
        "the count covers every page: {first}"
    );
    assert!(
        first.contains("Message number 5")
            && first.contains("Message number 4")
            && !first.contains("Message number 3")
    );
    assert!(!first.contains("Newest messages"));
    let older = |page: &str| {
        let link = page
            .split("rel=\"next\"")
            .next()
            .and_then(|before| before.rsplit("href=\"").next())
            .map(|href| href.split('"').next());
        link.flatten()
            .map(|href| href.replace("&amp;", "&"))
            .filter(|href| href.starts_with("/inbox?"))
    };
    let second_path = older(&first).expect("a link to older messages");
    assert!(
        second_path.contains("limit=2") && second_path.contains("cursor="),
        "{second_path}"
    );
    let second = browser.get(&server, &second_path).text();
    assert!(
        second.contains("Message number 3")
            && second.contains("Message number 2")
            && !second.contains("Message number 4")
    );
    assert!(
        second.contains(
            "<a class=\"button secondary\" href=\"/inbox?status=open&amp;spam=no&amp;limit=2\">Newest messages</a>"
        ),
        "{second}"
    );
    let third = browser
        .get(&server, &older(&second).expect("the last page"))
        .text();
    assert!(
        third.contains("Message number 1") && !third.contains("rel=\"next\""),
        "{third}"
    );
    assert_eq!(browser.get(&server, "/inbox?cursor=nonsense").status, 400);
}

#[test]
fn the_list_works_by_status_and_customer() {
    each_backend(the_list_works_by_status_and_customer_on);
}

/// Counts per status, closing and reopening from the list (back to the same list), one card per
/// customer with how many messages they sent, their other messages on a message's page, e-mail
/// addresses as links, times as `<time datetime>`, and a single sentence when nothing matches.
fn the_list_works_by_status_and_customer_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    for (n, email, message) in [
        (1, "Ana@Example.org", "My first question."),
        (2, "bob@example.org", "Bob asks."),
        (3, "ana@example.ORG", "Ana again."),
    ] {
        let mut body = sample(&id(n));
        body["email"] = json!(email);
        body["message"] = json!(message);
        assert_eq!(server.post_json(&body).status, 201);
    }
    let mut browser = Browser::default();
    let list = browser.get(&server, "/inbox").text();
    for part in [
        "Open <span class=\"count\">3</span>",
        "Closed <span class=\"count\">0</span>",
        "All <span class=\"count\">3</span>",
        "<a class=\"email\" href=\"mailto:bob@example.org\"><bdi>bob@example.org</bdi></a>",
        "<time datetime=\"",
    ] {
        assert!(list.contains(part), "{part} in {list}");
    }
    // Closing from the list comes back to it.
    let back = "/inbox?status=open&q=bob";
    let closed = browser.submit(
        &server,
        back,
        &format!("/inbox/m/{}/status", id(2)),
        &format!("status=closed&back={}", encode(back)),
    );
    assert_eq!(closed.header("location"), Some(back));
    let list = browser.get(&server, back).text();
    assert_eq!(
        list.matches("No messages match.").count(),
        1,
        "one sentence: {list}"
    );
    assert!(!list.contains("<svg"), "no chart for nothing: {list}");
    let list = browser.get(&server, "/inbox?status=closed").text();
    assert!(
        list.contains("Bob asks.") && list.contains(">Reopen</button>"),
        "{list}"
    );
    assert!(
        list.contains("Open <span class=\"count\">2</span>"),
        "{list}"
    );
    // One card per customer, saying how many messages they sent.
    let grouped = browser
        .get(&server, "/inbox?group=customer&status=any")
        .text();
    assert!(
        grouped.contains("Ana again.") && !grouped.contains("My first question."),
        "{grouped}"
    );
    assert!(
        grouped.contains("2 messages from this customer"),
        "{grouped}"
    );
    // A message's page shows the customer's other messages.
    let page = browser.get(&server, &format!("/inbox/m/{}", id(3))).text();
    assert!(
        page.contains("Other messages from this customer") && page.contains("My first question."),
        "{page}"
    );
    assert!(!page.contains("Bob asks."), "{page}");
    let page = browser.get(&server, &format!("/inbox/m/{}", id(2))).text();
    assert!(
        !page.contains("Other messages from this customer"),
        "{page}"
    );
}

#[test]
fn without_a_mail_server_replies_open_the_owners_mail_program() {
    each_backend(without_a_mail_server_replies_open_the_owners_mail_program_on);
}

/// No `[reply]`: "Reply by e-mail" is a `mailto:` link with the subject and the customer's words
/// quoted, and the page says how to reply from the inbox; without an address, it says there is
/// none and what else they gave.
fn without_a_mail_server_replies_open_the_owners_mail_program_on() {
    let dir = temp_dir();
    let server = Server::start(dir.path());
    let mut body = sample(&id(1));
    body["message"] = json!("Is it 50% off & free?");
    assert_eq!(server.post_json(&body).status, 201);
    let mut anonymous = sample(&id(2));
    anonymous["email"] = json!(null);
    anonymous["name"] = json!("Cleo");
    assert_eq!(server.post_json(&anonymous).status, 201);
    let mut browser = Browser::default();
    let page = browser.get(&server, &format!("/inbox/m/{}", id(1))).text();
    assert!(
        page.contains("href=\"mailto:ana@example.org?subject=Re%3A%20Is%20it%2050%25%20off%20%26%20free%3F&amp;body=%0A%0AOn%20"),
        "{page}"
    );
    assert!(
        page.contains("wrote%3A%0A%3E%20Is%20it%2050%25%20off%20%26%20free%3F"),
        "{page}"
    );
    assert!(
        page.contains(">Reply by e-mail</a>") && page.contains("[reply]"),
        "{page}"
    );
    assert!(!page.contains("name=\"text\""), "no reply form: {page}");
    let page = browser.get(&server, &format!("/inbox/m/{}", id(2))).text();
    assert!(
        page.contains("The customer left no e-mail address"),
        "{page}"
    );
    assert!(!page.contains("Reply by e-mail"), "{page}");
    assert!(
        page.contains("<dd><bdi>Cleo</bdi></dd>"),
        "what they gave: {page}"
    );
}
