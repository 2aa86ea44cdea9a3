//! Replies from the inbox, on both backends, to the real local SMTP receiver the forwarding tests
//! use: a teammate answers on the message's page and the customer gets one e-mail from the team's
//! sender, threaded (`Message-ID`, `In-Reply-To`, `References`) and quoting their words; the reply
//! is kept with the message, who wrote it and its delivery; the message becomes answered; a form
//! sent twice sends once; a mail server that refuses is retried and shown failing until it takes
//! the e-mail; two instances sharing the outbox send each reply once.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use support::{config, each_backend, encode, id, sample, temp_dir, Browser, Server, SmtpReceiver};

const WITHIN: Duration = Duration::from_secs(15);

/// A server with the owner's password "open sesame", the teammate `bob` (password "bob's
/// secret"), replies through the SMTP receiver on `port`, and `more` configuration.
fn team_server(dir: &std::path::Path, port: u16, more: &str) -> Server {
    let hash = inbox::auth::hash_password("open sesame").expect("hash");
    let server = Server::start_with(
        dir,
        config(&format!(
            "[auth]\npassword_hash = \"{hash}\"\n\
             [forward]\nretry_base_ms = 200\n{more}\n\
             [reply]\nfrom = \"Shop support <support@shop.example>\"\nreply_to = \"team@shop.example\"\n\
             smtp_url = \"smtp://127.0.0.1:{port}\"\n"
        )),
    );
    add_teammate(dir, "bob", "bob's secret");
    server
}

/// Keeps a teammate in the store of the server over `dir`, as `inbox user add` does.
fn add_teammate(dir: &std::path::Path, name: &str, password: &str) {
    runtime().block_on(async {
        let store = support::store_for(dir).await;
        // A second server over the same store finds the teammate there already.
        let _ = inbox::team::add(store.as_ref(), name, password).await;
    });
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// A reply form's id, as the message page makes one.
fn reply_id(n: u32) -> String {
    format!("{n:032x}")
}

/// Sends the reply form of message `message` as `browser`.
fn reply(
    browser: &mut Browser,
    server: &Server,
    message: &str,
    reply_id: &str,
    text: &str,
) -> support::Reply {
    let page = format!("/inbox/m/{message}");
    browser.submit(
        server,
        &page,
        &format!("{page}/reply"),
        &format!("reply_id={reply_id}&text={}", encode(text)),
    )
}

/// An e-mail's headers (names in lower case, folded lines joined) and its body.
fn parse(mail: &str) -> (HashMap<String, String>, String) {
    let (head, body) = mail.split_once("\r\n\r\n").expect("headers and body");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let headers = unfolded
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    (headers, body.to_string())
}

/// The message with its replies and activity, as `GET /api/feedback/{id}` has it, once its
/// replies' deliveries are all `state`.
fn thread_when(browser: &mut Browser, server: &Server, message: &str, state: &str) -> Value {
    let deadline = std::time::Instant::now() + WITHIN;
    loop {
        let thread = browser.json(server, &format!("/api/feedback/{message}"));
        let replies = thread["replies"].as_array().cloned().unwrap_or_default();
        if !replies.is_empty() && replies.iter().all(|r| r["delivery"]["state"] == state) {
            return thread;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "replies not {state}: {}",
            thread["replies"]
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_reply_reaches_the_customer_threaded_and_is_kept() {
    each_backend(a_reply_reaches_the_customer_threaded_and_is_kept_on);
}

fn a_reply_reaches_the_customer_threaded_and_is_kept_on() {
    let smtp = SmtpReceiver::start_with(false, Duration::ZERO);
    let dir = temp_dir();
    let server = team_server(dir.path(), smtp.port, "");
    let mut message = sample(&id(1));
    message["email"] = json!("Ana.Customer@Example.org");
    message["name"] = json!("Ana");
    message["message"] = json!("Where is my parcel?\n\nOrder 1234.");
    assert_eq!(server.post_json(&message).status, 201);

    let mut bob = Browser::default();
    bob.log_in(&server, "bob", "bob's secret");
    let first = reply_id(1);
    let sent = reply(
        &mut bob,
        &server,
        &id(1),
        &first,
        "Hello Ana,\r\nit left our warehouse today.",
    );
    assert_eq!(
        (sent.status, sent.header("location")),
        (303, Some(format!("/inbox/m/{}#replies", id(1)).as_str()))
    );
    let mails = smtp.wait_for(1, WITHIN);
    let (headers, body) = parse(&mails[0]);
    let root = format!("<message.{}@shop.example>", id(1));
    for (name, value) in [
        ("from", "\"Shop support\" <support@shop.example>"),
        ("reply-to", "team@shop.example"),
        ("to", "Ana.Customer@Example.org"),
        ("subject", "Re: Where is my parcel? Order 1234."),
        ("message-id", &format!("<reply.{first}@shop.example>")),
        ("in-reply-to", &root),
        ("references", &root),
    ] {
        assert_eq!(
            headers.get(name).map(String::as_str),
            Some(value),
            "{name} in:\n{}",
            mails[0]
        );
    }
    assert!(
        body.starts_with("Hello Ana,\r\nit left our warehouse today.\r\n\r\nOn ")
            && body.contains(" UTC, Ana <Ana.Customer@Example.org> wrote:\r\n> Where is my parcel?\r\n>\r\n> Order 1234.\r\n"),
        "the reply, then the customer's words quoted:\n{body}"
    );

    // Kept with the message: who, when, what, to whom, delivered; the message is answered.
    let thread = thread_when(&mut bob, &server, &id(1), "sent");
    assert_eq!(thread["inbox"]["status"], "answered");
    assert_eq!(
        thread["inbox"]["handled"], true,
        "answered counts as handled"
    );
    let kept = &thread["replies"][0];
    assert_eq!(
        (&kept["id"], &kept["by"], &kept["to"], &kept["text"]),
        (
            &json!(first),
            &json!("bob"),
            &json!("Ana.Customer@Example.org"),
            &json!("Hello Ana,\nit left our warehouse today.")
        )
    );
    assert!(
        kept["at"].as_str().is_some_and(|at| at.ends_with('Z')),
        "{kept}"
    );
    assert!(kept["delivery"]["sentAt"].is_string(), "{kept}");

    // The same form sent again (a double click, a reload) sends nothing more.
    let again = reply(
        &mut bob,
        &server,
        &id(1),
        &first,
        "Hello Ana,\r\nit left our warehouse today.",
    );
    assert_eq!(again.status, 303);

    // The owner's second reply continues the thread.
    let mut owner = Browser::default();
    owner.log_in(&server, "", "open sesame");
    let second = reply_id(2);
    assert_eq!(
        reply(&mut owner, &server, &id(1), &second, "PS: tracking 42.").status,
        303
    );
    let mails = smtp.wait_for(2, WITHIN);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(smtp.mails().len(), 2, "each reply once");
    let (headers, _) = parse(&mails[1]);
    let previous = format!("<reply.{first}@shop.example>");
    assert_eq!(
        headers["message-id"],
        format!("<reply.{second}@shop.example>")
    );
    assert_eq!(headers["in-reply-to"], previous);
    assert_eq!(headers["references"], format!("{root} {previous}"));
    assert_eq!(
        headers["subject"], "Re: Where is my parcel? Order 1234.",
        "one subject per thread"
    );
    let thread = thread_when(&mut owner, &server, &id(1), "sent");
    let by: Vec<&Value> = thread["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .map(|r| &r["by"])
        .collect();
    assert_eq!(by, [&json!("bob"), &json!("owner")]);
}

#[test]
fn a_refused_reply_is_retried_and_shown_failing_until_sent() {
    each_backend(a_refused_reply_is_retried_and_shown_failing_until_sent_on);
}

fn a_refused_reply_is_retried_and_shown_failing_until_sent_on() {
    let smtp = SmtpReceiver::start_with(true, Duration::ZERO);
    let dir = temp_dir();
    let server = team_server(dir.path(), smtp.port, "");
    assert_eq!(server.post_json(&sample(&id(2))).status, 201);
    let mut bob = Browser::default();
    bob.log_in(&server, "bob", "bob's secret");
    assert_eq!(
        reply(&mut bob, &server, &id(2), &reply_id(7), "On its way.").status,
        303
    );
    let thread = thread_when(&mut bob, &server, &id(2), "failing");
    let delivery = &thread["replies"][0]["delivery"];
    assert!(delivery["attempts"].as_i64() >= Some(1), "{delivery}");
    assert!(
        delivery["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("451")),
        "the mail server's answer: {delivery}"
    );
    assert!(delivery["nextAttemptAt"].is_string(), "{delivery}");
    assert_eq!(thread["inbox"]["status"], "answered");
    // Visible where the team looks: the list names the message, its page says why.
    let list = bob.get(&server, "/inbox?status=any").text();
    assert!(
        list.contains("A reply could not be sent yet")
            && list.contains(&format!("href=\"/inbox/m/{}#replies\"", id(2))),
        "{list}"
    );
    let page = bob.get(&server, &format!("/inbox/m/{}", id(2))).text();
    assert!(
        page.contains("Not sent yet: the mail server refused it") && page.contains("451"),
        "{page}"
    );

    *smtp.busy.lock().expect("lock") = false;
    smtp.wait_for(1, WITHIN);
    let thread = thread_when(&mut bob, &server, &id(2), "sent");
    assert_eq!(thread["replies"][0]["delivery"]["lastError"], "");
    let list = bob.get(&server, "/inbox?status=any").text();
    assert!(!list.contains("A reply could not be sent yet"), "{list}");
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(smtp.mails().len(), 1, "sent once");
}

#[test]
fn replies_need_an_address_a_text_and_a_mail_server() {
    each_backend(replies_need_an_address_a_text_and_a_mail_server_on);
}

fn replies_need_an_address_a_text_and_a_mail_server_on() {
    let smtp = SmtpReceiver::start_with(false, Duration::ZERO);
    let dir = temp_dir();
    let server = team_server(dir.path(), smtp.port, "");
    let mut anonymous = sample(&id(3));
    anonymous["email"] = json!(null);
    assert_eq!(server.post_json(&anonymous).status, 201);
    assert_eq!(server.post_json(&sample(&id(4))).status, 201);
    let mut bob = Browser::default();
    bob.log_in(&server, "bob", "bob's secret");
    let refused = reply(&mut bob, &server, &id(3), &reply_id(1), "Hello?");
    assert_eq!(refused.status, 409);
    assert!(
        refused.text().contains("left no e-mail address"),
        "{}",
        refused.text()
    );
    for (text, status) in [("  \r\n ", 400), (&"x".repeat(20_001)[..], 413)] {
        let refused = reply(&mut bob, &server, &id(4), &reply_id(2), text);
        assert_eq!(refused.status, status, "{}", refused.text());
        assert_eq!(
            refused.header("content-type"),
            Some("text/html; charset=utf-8")
        );
    }
    let refused = reply(&mut bob, &server, &id(4), "not-an-id", "Hello");
    assert_eq!(refused.status, 400);
    std::thread::sleep(Duration::from_millis(300));
    assert!(smtp.mails().is_empty());
    let thread = bob.json(&server, &format!("/api/feedback/{}", id(4)));
    assert_eq!(
        (
            thread["replies"].as_array().map(Vec::len),
            &thread["inbox"]["status"]
        ),
        (Some(0), &json!("open"))
    );

    // Without [reply] the inbox sends nothing itself.
    let dir = temp_dir();
    let server = Server::start(dir.path());
    assert_eq!(server.post_json(&sample(&id(5))).status, 201);
    let mut demo = Browser::default();
    let refused = reply(&mut demo, &server, &id(5), &reply_id(3), "Hello");
    assert_eq!(refused.status, 409);
    assert!(refused.text().contains("not set up"), "{}", refused.text());
}

#[test]
fn two_instances_send_each_reply_once() {
    each_backend(two_instances_send_each_reply_once_on);
}

/// As forwarding does (`forwarding.rs`): two instances share the outbox and a slow mail server;
/// the sends together take longer than a lease, and still each reply goes out once.
fn two_instances_send_each_reply_once_on() {
    const REPLIES: u32 = 8;
    let smtp = SmtpReceiver::start_with(false, Duration::from_millis(200));
    let dir = temp_dir();
    let leases = "timeout_ms = 1000\nlease_margin_ms = 500";
    let servers = [
        team_server(dir.path(), smtp.port, leases),
        team_server(dir.path(), smtp.port, leases),
    ];
    assert_eq!(servers[0].post_json(&sample(&id(6))).status, 201);
    let mut browsers = [Browser::default(), Browser::default()];
    for (browser, server) in browsers.iter_mut().zip(&servers) {
        browser.log_in(server, "bob", "bob's secret");
    }
    for n in 0..REPLIES {
        let i = n as usize % 2;
        let text = format!("Answer number {n}.");
        assert_eq!(
            reply(
                &mut browsers[i],
                &servers[i],
                &id(6),
                &reply_id(100 + n),
                &text
            )
            .status,
            303
        );
    }
    smtp.wait_for(REPLIES as usize, Duration::from_secs(30));
    std::thread::sleep(Duration::from_millis(2000));
    let mut texts: Vec<String> = smtp
        .mails()
        .iter()
        .map(|m| parse(m).1.lines().next().unwrap_or_default().to_string())
        .collect();
    texts.sort();
    let expected: Vec<String> = (0..REPLIES)
        .map(|n| format!("Answer number {n}."))
        .collect();
    assert_eq!(texts, expected, "every reply once");
}
