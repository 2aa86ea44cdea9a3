//! Forwarding through the durable outbox, on both backends, to a real local HTTP receiver and a
//! minimal local SMTP server: a webhook that fails gets the message later, signed and with the
//! same id on every attempt; one that is down across a restart of the inbox still gets it once it
//! is back; a busy mail server gets the e-mail on a retry; two instances sharing the outbox with
//! slow receivers send every message once; and the store lets only a lease's holder record.

mod support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{
    config, each_backend, id, sample, temp_dir, Received, Receiver, Server, SmtpReceiver,
    WEBHOOK_SECRET,
};

fn webhook_toml(url: &str, format: &str) -> String {
    let secret = if format == "json" {
        format!("\nsecret = \"{WEBHOOK_SECRET}\"")
    } else {
        String::new()
    };
    format!("[[forward.webhooks]]\nurl = \"{url}\"\nformat = \"{format}\"{secret}\n")
}

fn forwarding_config(url: &str, format: &str) -> inbox::Config {
    config(&format!(
        "[forward]\nretry_base_ms = 200\n{}",
        webhook_toml(url, format)
    ))
}

/// Waits until a delivery was answered 200; the bodies received so far.
fn wait_for_success(receiver: &Receiver) -> Vec<Value> {
    let received = receiver.wait_until(Duration::from_secs(15), "a successful delivery", |r| {
        r.iter().any(|r| r.status == 200)
    });
    received.iter().map(Received::json).collect()
}

#[test]
fn a_failing_webhook_gets_the_message_on_a_retry() {
    each_backend(a_failing_webhook_gets_the_message_on_a_retry_on);
}

fn a_failing_webhook_gets_the_message_on_a_retry_on() {
    let receiver = Receiver::start(true);
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "json"));
    assert_eq!(server.post_json(&sample(&id(1))).status, 201);
    // Let it fail twice, then come back.
    receiver.wait_until(Duration::from_secs(15), "two failed attempts", |r| {
        r.len() >= 2
    });
    *receiver.failing.lock().expect("lock") = false;
    let bodies = wait_for_success(&receiver);
    assert!(
        bodies.len() >= 3,
        "two failures and a success: {:?}",
        receiver.statuses()
    );
    for body in &bodies {
        assert_eq!(body["event"], json!("feedback.created"));
        assert_eq!(body["feedback"]["id"], json!(id(1)));
        assert_eq!(body["feedback"]["message"], sample(&id(1))["message"]);
    }
    // Every attempt is signed, and carries the same id.
    let received = receiver.received();
    for request in &received {
        assert_signed(request);
    }
    let ids: HashSet<Option<&str>> = received.iter().map(|r| r.header("webhook-id")).collect();
    assert_eq!(ids.len(), 1, "one webhook-id for every attempt: {ids:?}");
    // A retry of the submission queues nothing new.
    assert_eq!(
        server
            .post_json(&sample(&id(1)))
            .header("idempotent-replayed"),
        Some("true")
    );
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(
        receiver.statuses().iter().filter(|s| **s == 200).count(),
        1,
        "delivered once"
    );
}

/// `request` carries a `webhook-signature` made with [`WEBHOOK_SECRET`] over its own id,
/// timestamp (this minute) and body.
fn assert_signed(request: &Received) {
    let header = |name| {
        request
            .header(name)
            .unwrap_or_else(|| panic!("no {name} header: {:?}", request.headers))
    };
    let (id, timestamp) = (header("webhook-id"), header("webhook-timestamp"));
    let timestamp: u64 = timestamp
        .parse()
        .unwrap_or_else(|_| panic!("webhook-timestamp {timestamp:?}"));
    assert!(
        timestamp.abs_diff(inbox::time::unix_now()) < 60,
        "webhook-timestamp {timestamp} is now"
    );
    let key = inbox::forward::signing_key(WEBHOOK_SECRET).expect("key");
    assert_eq!(
        header("webhook-signature"),
        inbox::forward::signature(&key, id, timestamp, &request.body)
    );
    assert_eq!(header("content-type"), "application/json");
}

#[test]
fn webhooks_verify_with_the_documented_example() {
    each_backend(webhooks_verify_with_the_documented_example_on);
}

/// The docs' test vector is what the inbox signs, and the docs' `verifyWebhook` (run by Node.js,
/// when it is installed) accepts it and a real request, and refuses a changed body or secret.
fn webhooks_verify_with_the_documented_example_on() {
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/endpoint.md"
    ))
    .expect("docs");
    let vector = |name: &str| {
        let row = docs
            .lines()
            .find(|l| l.starts_with(&format!("| {name} |")))
            .unwrap_or_else(|| panic!("no {name} row"));
        row.split('`')
            .rev()
            .nth(1)
            .unwrap_or_else(|| panic!("no value in {row:?}"))
            .to_string()
    };
    let (secret, msg_id, body) = (vector("secret"), vector("`webhook-id`"), vector("body"));
    let timestamp = vector("`webhook-timestamp`");
    let key = inbox::forward::signing_key(&secret).expect("the documented secret");
    let signature = inbox::forward::signature(
        &key,
        &msg_id,
        timestamp.parse().expect("number"),
        body.as_bytes(),
    );
    assert_eq!(
        signature,
        vector("`webhook-signature`"),
        "the inbox signs the documented vector as documented"
    );

    let receiver = Receiver::start(false);
    let dir = temp_dir();
    let server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "json"));
    assert_eq!(server.post_json(&sample(&id(4))).status, 201);
    let request = receiver
        .wait_until(Duration::from_secs(15), "a delivery", |r| !r.is_empty())
        .remove(0);
    assert_signed(&request);

    let Some(block) = docs
        .split("### Verify a request")
        .nth(1)
        .and_then(|s| s.split("```js\n").nth(1)?.split("```").next())
    else {
        panic!("no js block under “Verify a request” in docs/endpoint.md")
    };
    let headers = |r: &Received| {
        let names = ["webhook-id", "webhook-timestamp", "webhook-signature"];
        Value::Object(
            names
                .iter()
                .map(|n| (n.to_string(), json!(r.header(n))))
                .collect(),
        )
    };
    let now_ms = inbox::time::unix_now() * 1000;
    let vector_headers = json!({"webhook-id": msg_id, "webhook-timestamp": timestamp, "webhook-signature": signature});
    let tampered =
        String::from_utf8_lossy(&request.body).replacen("feedback.created", "feedback.deleted", 1);
    let other_secret = format!("whsec_{}", "A".repeat(32));
    let cases = json!([
        [
            secret,
            vector_headers,
            body,
            timestamp.parse::<u64>().expect("number") * 1000,
            true
        ],
        [
            WEBHOOK_SECRET,
            headers(&request),
            String::from_utf8_lossy(&request.body),
            now_ms,
            true
        ],
        [
            WEBHOOK_SECRET,
            headers(&request),
            String::from_utf8_lossy(&request.body),
            now_ms + 10 * 60 * 1000,
            false
        ],
        [WEBHOOK_SECRET, headers(&request), tampered, now_ms, false],
        [
            other_secret,
            headers(&request),
            String::from_utf8_lossy(&request.body),
            now_ms,
            false
        ],
    ]);
    let script = format!(
        "{block}\nconst cases = {cases};\nfor (const [secret, headers, body, now, expected] of cases) {{\n  \
         const got = verifyWebhook(secret, headers, Buffer.from(body), now);\n  \
         if (got !== expected) {{ console.error('case', JSON.stringify(headers), 'gave', got); process.exit(1); }}\n}}\n"
    );
    let path = dir.path().join("verify.mjs");
    std::fs::write(&path, script).expect("write the script");
    match std::process::Command::new("node").arg(&path).output() {
        Ok(output) => {
            assert!(
                output.status.success(),
                "the documented verifyWebhook: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        }
        Err(e) => eprintln!("note: the documented verifyWebhook was not run: no node ({e})"),
    }
}

#[test]
fn a_webhook_down_across_a_restart_still_gets_the_message() {
    each_backend(a_webhook_down_across_a_restart_still_gets_the_message_on);
}

fn a_webhook_down_across_a_restart_still_gets_the_message_on() {
    let receiver = Receiver::start(true);
    let dir = temp_dir();
    {
        let server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "slack"));
        let mut body = sample(&id(2));
        body["message"] = json!("Where is my parcel?");
        assert_eq!(server.post_json(&body).status, 201);
        receiver.wait_until(
            Duration::from_secs(15),
            "an attempt before the restart",
            |r| !r.is_empty(),
        );
    } // the inbox stops while the webhook is still failing
    *receiver.failing.lock().expect("lock") = false;
    let _server = Server::start_with(dir.path(), forwarding_config(&receiver.url, "slack"));
    let bodies = wait_for_success(&receiver);
    let text = bodies
        .last()
        .and_then(|b| b["text"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        text.starts_with("New message (4/5):\nWhere is my parcel?"),
        "{text:?}"
    );
    // Slack's shape, and no Standard Webhooks headers: Slack has no secret to check them with.
    assert!(receiver
        .received()
        .iter()
        .all(|r| r.header("webhook-signature").is_none() && r.json()["text"].is_string()));
}

#[test]
fn only_the_holder_of_the_current_lease_records_an_attempt() {
    each_backend(only_the_holder_of_the_current_lease_records_an_attempt_on);
}

/// The store's side of the lease, with explicit times: a leased job is nobody else's until its
/// lease ends; after that another worker takes it, and the first can no longer record anything.
fn only_the_holder_of_the_current_lease_records_an_attempt_on() {
    let dir = temp_dir();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let store = support::store_for(dir.path()).await;
        let at = |s: u32| format!("2026-11-22T10:00:{s:02}.000Z");
        let target = "json http://127.0.0.1:9/hook".to_string();
        let new = inbox::NewFeedback {
            submission: serde_json::from_value(sample(&id(7))).expect("submission"),
            received_at: at(0),
            site: String::new(),
            flags: Vec::new(),
            forward_to: vec![target.clone()],
        };
        assert_eq!(
            store.insert(&new).await.expect("insert"),
            inbox::Inserted::New
        );
        let claim = |now: u32, lease: &'static str| {
            let store = std::sync::Arc::clone(&store);
            async move {
                store
                    .claim_job(&at(now), &at(now + 15), lease)
                    .await
                    .expect("claim")
            }
        };
        let job = claim(0, "a").await.expect("due");
        assert_eq!(
            (job.target.as_str(), job.attempts, job.lease.as_str()),
            (target.as_str(), 0, "a")
        );
        assert_eq!(claim(14, "b").await, None, "still a's");
        let taken = claim(15, "b").await.expect("a's lease has ended");
        assert_eq!((taken.seq, taken.lease.as_str()), (job.seq, "b"));
        assert!(
            !store
                .job_delivered(job.seq, "a", &at(16))
                .await
                .expect("record"),
            "a holds no lease any more"
        );
        assert!(!store
            .job_failed(job.seq, "a", &at(16), "late")
            .await
            .expect("record"));
        assert!(store
            .job_failed(job.seq, "b", &at(20), "HTTP 503")
            .await
            .expect("record"));
        assert!(
            !store
                .job_delivered(job.seq, "b", &at(17))
                .await
                .expect("record"),
            "b's lease ended with its attempt"
        );
        assert_eq!(claim(19, "c").await, None, "the retry is due at 20");
        let retry = claim(20, "c").await.expect("due again");
        assert_eq!((retry.attempts, retry.lease.as_str()), (1, "c"));
        assert!(store
            .job_delivered(retry.seq, "c", &at(21))
            .await
            .expect("record"));
        assert_eq!(claim(40, "d").await, None, "delivered");
        let state = store.jobs_of(&id(7)).await.expect("jobs");
        assert_eq!(
            state,
            [inbox::store::JobState {
                target,
                attempts: 1,
                last_error: String::new(),
                delivered: true
            }]
        );
    });
}

#[test]
fn two_instances_with_a_slow_receiver_send_each_message_once() {
    each_backend(two_instances_with_a_slow_receiver_send_each_message_once_on);
}

/// Two instances share one database (one SQLite file, or one PostgreSQL schema) and forward every
/// message to a webhook and by e-mail, both 200 ms per message. All the sends take longer than a
/// lease (1.5 + 0.5 s), so an instance that leased several jobs at once would still be sending
/// when the other took the rest and sent them too.
fn two_instances_with_a_slow_receiver_send_each_message_once_on() {
    const MESSAGES: u32 = 16;
    let delay = Duration::from_millis(200);
    let hook = Receiver::start_with(false, delay);
    let smtp = SmtpReceiver::start_with(false, delay);
    let toml = format!(
        "[forward]\nretry_base_ms = 200\ntimeout_ms = 1500\nlease_margin_ms = 500\n{}\n{}",
        webhook_toml(&hook.url, "json"),
        email_toml(smtp.port)
    );
    let dir = temp_dir();
    let servers = [
        Server::start_with(dir.path(), config(&toml)),
        Server::start_with(dir.path(), config(&toml)),
    ];
    let message = |n: u32| format!("Message number {n}.");
    for n in 0..MESSAGES {
        let mut body = sample(&id(100 + n));
        body["message"] = json!(message(n));
        assert_eq!(servers[n as usize % 2].post_json(&body).status, 201);
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    let mailed = || smtp.mails.lock().expect("lock").clone();
    while hook.received().len() < MESSAGES as usize || mailed().len() < MESSAGES as usize {
        let (hooked, mailed) = (hook.received().len(), mailed().len());
        assert!(
            Instant::now() < deadline,
            "not all delivered: {hooked} webhooks, {mailed} e-mails"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Longer than a lease: a second send would have started by now.
    std::thread::sleep(Duration::from_millis(2500));
    drop(servers);
    let sorted = |mut texts: Vec<String>| {
        texts.sort();
        texts
    };
    let hooked = hook
        .received()
        .iter()
        .map(|r| {
            r.json()["feedback"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let mails = mailed()
        .iter()
        .map(|m| {
            m.lines()
                .find(|l| l.starts_with("Message number"))
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    let expected = sorted((0..MESSAGES).map(message).collect());
    assert_eq!(
        sorted(hooked),
        expected,
        "every message once to the webhook"
    );
    assert_eq!(sorted(mails), expected, "every message once by e-mail");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = runtime.block_on(support::store_for(dir.path()));
    for n in 0..MESSAGES {
        let jobs = runtime.block_on(store.jobs_of(&id(100 + n))).expect("jobs");
        assert!(
            jobs.iter().all(|j| j.delivered && j.attempts == 0),
            "{n}: {jobs:?}"
        );
    }
}

fn email_toml(port: u16) -> String {
    let to_from = "to = \"owner@shop.example\"\nfrom = \"Inbox <inbox@shop.example>\"";
    format!("[[forward.emails]]\n{to_from}\nsmtp_url = \"smtp://127.0.0.1:{port}\"\n")
}

#[test]
fn an_email_is_sent_once_the_mail_server_takes_it() {
    each_backend(an_email_is_sent_once_the_mail_server_takes_it_on);
}

fn an_email_is_sent_once_the_mail_server_takes_it_on() {
    let smtp = SmtpReceiver::start_with(true, Duration::ZERO);
    let dir = temp_dir();
    let server = Server::start_with(
        dir.path(),
        config(&format!(
            "[forward]\nretry_base_ms = 200\n{}",
            email_toml(smtp.port)
        )),
    );
    let mut body = sample(&id(3));
    body["message"] = json!("Please call me back about order 1234.");
    assert_eq!(server.post_json(&body).status, 201);
    let deadline = Instant::now() + Duration::from_secs(15);
    while *smtp.refused.lock().expect("lock") < 1 {
        assert!(
            Instant::now() < deadline,
            "no attempt while the mail server was busy"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    *smtp.busy.lock().expect("lock") = false;
    while smtp.mails.lock().expect("lock").is_empty() {
        assert!(
            Instant::now() < deadline,
            "no e-mail delivered after the mail server came back"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(600));
    let mails = smtp.mails.lock().expect("lock").clone();
    assert_eq!(mails.len(), 1, "sent once");
    let mail = &mails[0];
    for expected in [
        "From: Inbox <inbox@shop.example>",
        "To: owner@shop.example",
        "Reply-To: ana@example.org",
        "Subject: New message: Please call me back about order 1234.",
        "Please call me back about order 1234.",
        "Page: https://shop.example/checkout",
    ] {
        assert!(mail.contains(expected), "{expected:?} missing in:\n{mail}");
    }
}
