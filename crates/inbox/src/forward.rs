//! Forwarding new messages to webhooks (generic JSON, Slack, Discord) and by e-mail (SMTP,
//! lettre), and sending the team's replies to customers, through the durable outbox: a message's
//! jobs are written in the same transaction as the message (a reply's with the reply), and this
//! worker delivers them with exponential backoff. A webhook or mail server that is down, or a
//! restart, only delays delivery; every job stays until it is delivered.
//!
//! Each attempt holds its job under a lease claimed right before it ([`Store::claim_job`]):
//! `timeout_ms`, the most the attempt may take, plus `lease_margin_ms`. An attempt never
//! outlives its lease, so healthy instances never send one job at the same time, and only the
//! lease's holder records the outcome. A crash mid-attempt leaves its lease to run out; then
//! another instance (or this one, restarted) sends the job again: at least once across a crash.
//! JSON webhooks carry the Standard Webhooks headers (`webhook-id`, the same on every attempt,
//! `webhook-timestamp`, `webhook-signature`), so receivers can verify them and drop a repeat.
//!
//! [`Store::claim_job`]: crate::store::Store::claim_job

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::auth::{hex, random_bytes};
use crate::config::{Email, WebhookFormat};
use crate::store::{Job, Reply, StoredSubmission, REPLY_TARGET};
use crate::time::rfc3339;
use crate::App;

/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How often the outbox is polled when nothing wakes the worker.
pub const POLL: Duration = Duration::from_millis(1000);

/// Base64 as Standard Webhooks uses it (standard alphabet); secrets are read with or without
/// their `=` padding.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
);

/// Starts the worker when forwarding or replies are configured. It runs until the runtime
/// stops; a job it held then is sent again once its lease ends.
pub fn spawn(app: &Arc<App>) -> Option<tokio::task::JoinHandle<()>> {
    let forward = &app.config.forward;
    if forward.webhooks.is_empty() && forward.emails.is_empty() && app.config.reply.is_none() {
        return None;
    }
    let app = Arc::clone(app);
    Some(tokio::spawn(async move {
        // The global timeout bounds the whole request, connecting included: the attempt ends
        // within its lease even though a blocking call cannot be cancelled.
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(app.config.forward.timeout()))
                .build(),
        );
        loop {
            match claim(&app).await {
                Some(job) => deliver(&app, &agent, job).await,
                None => {
                    tokio::select! {
                        () = tokio::time::sleep(POLL) => {}
                        () = app.forward_wakeup.notified() => {}
                    }
                }
            }
        }
    }))
}

/// Leases the next due job, if any, for one attempt starting now.
async fn claim(app: &App) -> Option<Job> {
    let now = SystemTime::now();
    let lease = hex(&random_bytes::<16>());
    match app
        .store
        .claim_job(
            &rfc3339(now),
            &rfc3339(now + app.config.forward.lease()),
            &lease,
        )
        .await
    {
        Ok(job) => job,
        Err(e) => {
            tracing::error!(error = %e, "outbox: cannot claim a job");
            None
        }
    }
}

async fn deliver(app: &App, agent: &ureq::Agent, job: Job) {
    let outcome = attempt(app, agent, &job).await;
    let now = SystemTime::now();
    let recorded = match &outcome {
        Ok(()) => {
            app.store
                .job_delivered(job.seq, &job.lease, &rfc3339(now))
                .await
        }
        Err(error) => {
            let wait = backoff(app.config.forward.retry_base_ms, job.attempts);
            tracing::warn!(
                id = job.feedback_id,
                attempts = job.attempts + 1,
                retry_in_ms = wait.as_millis() as u64,
                error,
                "forwarding failed"
            );
            app.store
                .job_failed(job.seq, &job.lease, &rfc3339(now + wait), error)
                .await
        }
    };
    match recorded {
        Ok(true) if outcome.is_ok() => {
            tracing::info!(id = job.feedback_id, target = job.target, "delivered")
        }
        Ok(true) => {}
        // Recording took longer than the lease's margin and another worker claimed the job.
        Ok(false) => tracing::warn!(
            id = job.feedback_id,
            target = job.target,
            "outbox: the lease ran out before the attempt was recorded; the job may be sent again"
        ),
        Err(e) => tracing::error!(error = %e, "outbox: cannot record the attempt"),
    }
}

/// One delivery attempt, over within `forward.timeout_ms`: `Err` says why it failed.
async fn attempt(app: &App, agent: &ureq::Agent, job: &Job) -> Result<(), String> {
    let (format, url) = job
        .target
        .split_once(' ')
        .ok_or("malformed outbox target")?;
    let message = match app.store.get(&job.feedback_id).await {
        Ok(Some(message)) => message,
        Ok(None) => return Err("the message is gone".into()),
        Err(e) => return Err(format!("storage: {e}")),
    };
    let timeout = app.config.forward.timeout();
    if let Some(reply_id) = job.target.strip_prefix(REPLY_TARGET) {
        let deadline = tokio::time::timeout(timeout, send_reply(app, &message, reply_id, timeout));
        return deadline
            .await
            .unwrap_or_else(|_| Err(format!("SMTP: not done within {} ms", timeout.as_millis())));
    }
    if format == "email" {
        let email = app.config.forward.emails.iter().find(|e| e.to == url);
        let email =
            email.ok_or_else(|| format!("no e-mail forwarding to {url} is configured any more"))?;
        // At the deadline the session is dropped, its connection closed, before the lease ends.
        return tokio::time::timeout(timeout, send_email(email, &message, timeout))
            .await
            .unwrap_or_else(|_| Err(format!("SMTP: not done within {} ms", timeout.as_millis())));
    }
    let format = WebhookFormat::from_name(format)
        .ok_or_else(|| format!("unknown webhook format {format:?}"))?;
    let body = serde_json::to_vec(&payload(format, &message)).map_err(|e| e.to_string())?;
    let mut headers = vec![("content-type", "application/json".to_string())];
    if format == WebhookFormat::Json {
        let hook = app
            .config
            .forward
            .webhook(format, url)
            .ok_or_else(|| format!("no json webhook to {url} is configured any more"))?;
        let key = hook.secret.as_deref().map(signing_key).transpose()?;
        headers.extend(standard_headers(
            key.as_deref(),
            &webhook_id(&job.feedback_id, &job.target),
            crate::time::unix_now(),
            &body,
        ));
    }
    let (agent, url) = (agent.clone(), url.to_string());
    let status = tokio::task::spawn_blocking(move || {
        let request = headers
            .into_iter()
            .fold(agent.post(&url), |request, (name, value)| {
                request.header(name, value)
            });
        request.send(&body[..]).map(|r| r.status().as_u16())
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    if (200..300).contains(&status) {
        Ok(())
    } else {
        Err(format!("HTTP {status}"))
    }
}

/// The HMAC key of a Standard Webhooks secret: `whsec_`, then 24 to 64 bytes in base64.
pub fn signing_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret
        .strip_prefix("whsec_")
        .ok_or("must start with whsec_")?;
    let key = BASE64
        .decode(encoded)
        .map_err(|_| "must be base64 after whsec_")?;
    if !(24..=64).contains(&key.len()) {
        return Err(format!(
            "has {} bytes after whsec_; use 24 to 64 random bytes",
            key.len()
        ));
    }
    Ok(key)
}

/// `webhook-id`: the same on every attempt of one message to one target, different for
/// another message or target. No `.` in it, as the signature scheme asks.
pub fn webhook_id(feedback_id: &str, target: &str) -> String {
    let digest = Sha256::new()
        .chain_update(feedback_id)
        .chain_update(" ")
        .chain_update(target)
        .finalize();
    format!("msg_{}", hex(&digest[..16]))
}

/// `webhook-signature` for one attempt: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
pub fn signature(key: &[u8], id: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", BASE64.encode(mac.finalize().into_bytes()))
}

/// The Standard Webhooks headers of one attempt at `timestamp` (Unix seconds).
/// The Standard Webhooks headers: the id and timestamp always (receivers deduplicate by the id),
/// the signature when the webhook has a secret.
fn standard_headers(
    key: Option<&[u8]>,
    id: &str,
    timestamp: u64,
    body: &[u8],
) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("webhook-id", id.to_string()),
        ("webhook-timestamp", timestamp.to_string()),
    ];
    if let Some(key) = key {
        headers.push(("webhook-signature", signature(key, id, timestamp, body)));
    }
    headers
}

/// One e-mail: the summary as plain text, `Reply-To` the customer when they left an address.
async fn send_email(
    email: &Email,
    message: &StoredSubmission,
    timeout: Duration,
) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::Message;
    let s = &message.submission;
    let mut subject = format!("New message: {}", crate::ui::excerpt(&s.message, 60));
    if !message.inbox.site.is_empty() {
        subject = format!("[{}] {subject}", message.inbox.site);
    }
    let mut builder = Message::builder()
        .from(email.from.parse().map_err(|e| format!("from: {e}"))?)
        .to(email.to.parse().map_err(|e| format!("to: {e}"))?)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN);
    if let Some(reply_to) = s.email.as_deref().and_then(|e| e.parse().ok()) {
        builder = builder.reply_to(reply_to);
    }
    let mail = builder
        .body(summary(message, 20_000))
        .map_err(|e| e.to_string())?;
    smtp_send(&email.smtp_url, mail, timeout).await
}

/// Hands `mail` to the mail server at `smtp_url`, the session bounded by `timeout`.
async fn smtp_send(smtp_url: &str, mail: lettre::Message, timeout: Duration) -> Result<(), String> {
    use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map_err(|e| format!("smtp_url: {e}"))?
        .timeout(Some(timeout))
        .build();
    transport
        .send(mail)
        .await
        .map(drop)
        .map_err(|e| format!("SMTP: {e}"))
}

/// Sends reply `reply_id` to `message`'s customer through the `[reply]` mail server.
async fn send_reply(
    app: &App,
    message: &StoredSubmission,
    reply_id: &str,
    timeout: Duration,
) -> Result<(), String> {
    let config =
        app.config.reply.as_ref().ok_or(
            "replies by e-mail are not configured any more: add [reply] to the configuration",
        )?;
    let replies = app
        .store
        .replies(&message.submission.id)
        .await
        .map_err(|e| format!("storage: {e}"))?;
    let upto = replies
        .iter()
        .position(|r| r.id == reply_id)
        .ok_or("the reply is gone")?;
    let mail = reply_email(config, message, &replies[..=upto])?;
    smtp_send(&config.smtp_url, mail, timeout).await
}

/// The e-mail of the last reply in `thread` (the replies to `message` up to it, oldest first):
/// from the team's sender, `Reply-To` the team's address, to the customer, with the customer's
/// words quoted below. Its `Message-ID` is made from the reply's id (the same on every attempt,
/// so a receiver can drop a repeat); `In-Reply-To` and `References` name the reply before it and
/// the whole thread, rooted at an id made from the message's, so mail programs show every reply
/// to one message as one conversation.
pub fn reply_email(
    config: &crate::config::Reply,
    message: &StoredSubmission,
    thread: &[Reply],
) -> Result<lettre::Message, String> {
    use lettre::message::header::ContentType;
    use lettre::message::Mailbox;
    let reply = thread.last().ok_or("no reply to send")?;
    let from: Mailbox = config.from.parse().map_err(|e| format!("from: {e}"))?;
    let domain = from.email.domain().to_string();
    let ids: Vec<String> = std::iter::once(format!("<message.{}@{domain}>", message.submission.id))
        .chain(thread.iter().map(|r| format!("<reply.{}@{domain}>", r.id)))
        .collect();
    let (own, earlier) = ids.split_last().ok_or("no reply to send")?;
    let builder = lettre::Message::builder()
        .from(from)
        .reply_to(
            config
                .reply_to()
                .parse()
                .map_err(|e| format!("reply_to: {e}"))?,
        )
        .to(reply
            .to
            .parse()
            .map_err(|e| format!("to {:?}: {e}", reply.to))?)
        .subject(format!(
            "Re: {}",
            crate::ui::excerpt(&message.submission.message, 60)
        ))
        .message_id(Some(own.clone()))
        .in_reply_to(earlier.last().cloned().unwrap_or_default())
        .references(earlier.join(" "))
        .header(ContentType::TEXT_PLAIN);
    builder
        .body(reply_body(&reply.text, message))
        .map_err(|e| e.to_string())
}

/// The subject of every reply to `message`: one per message, so mail programs that thread by
/// subject agree with those that read `References`.
pub fn reply_subject(message: &StoredSubmission) -> String {
    format!(
        "Re: {}",
        crate::ui::excerpt(&message.submission.message, 60)
    )
}

/// The reply's text, then the customer's message quoted (`> `), introduced by when and who.
pub fn reply_body(text: &str, message: &StoredSubmission) -> String {
    let s = &message.submission;
    let when = message
        .received_at
        .get(..16)
        .unwrap_or(&message.received_at)
        .replace('T', " ");
    let email = s.email.as_deref().unwrap_or_default().trim();
    let who = match s.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} <{email}>"),
        None => email.to_string(),
    };
    let quoted: Vec<String> = s
        .message
        .lines()
        .map(|line| {
            if line.is_empty() {
                ">".into()
            } else {
                format!("> {line}")
            }
        })
        .collect();
    format!(
        "{}\n\nOn {when} UTC, {who} wrote:\n{}\n",
        text.trim_end(),
        quoted.join("\n")
    )
}

/// `base × 2^attempts`, at most [`MAX_BACKOFF`].
pub fn backoff(base_ms: u64, attempts: i32) -> Duration {
    let factor = 1u64
        .checked_shl(attempts.clamp(0, 30) as u32)
        .unwrap_or(u64::MAX);
    Duration::from_millis(base_ms.saturating_mul(factor)).min(MAX_BACKOFF)
}

/// The webhook body in `format`. Visitor text is escaped for the chat tool's markup, so a
/// message cannot ping a channel or disguise a link.
pub fn payload(format: WebhookFormat, message: &StoredSubmission) -> Value {
    match format {
        WebhookFormat::Json => json!({"event": "feedback.created", "feedback": message}),
        WebhookFormat::Slack => {
            json!({"text": summary_escaped(message, 3000, slack_escape, slack_escape)})
        }
        WebhookFormat::Discord => json!({
            "content": summary_escaped(message, 2000, discord_escape, discord_link),
            "allowed_mentions": {"parse": []}
        }),
    }
}

/// Slack's message markup: `&`, `<` and `>` escaped as Slack asks, so `<!channel>`, `<@U…>` and
/// `<url|text>` written by a visitor stay text. (Bare URLs are still linked, showing themselves.)
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Discord's markdown: every character that starts formatting, a masked link `[text](url)`, a
/// mention `<@…>`, `<#…>`, `<t:…>` or a heading is escaped with a backslash (shown without it),
/// and `@everyone`/`@here` get a zero-width space. `allowed_mentions` in the payload pings nobody
/// whatever gets through.
pub fn discord_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' | '(' | ')' | '#' | '-'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace("@everyone", "@\u{200B}everyone")
        .replace("@here", "@\u{200B}here")
}

/// The page a message came from, for Discord: `<url>` (a link showing itself, no preview) when it
/// is a plain http(s) URL, else escaped text.
fn discord_link(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let plain = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'));
    if plain {
        format!("<{url}>")
    } else {
        discord_escape(url)
    }
}

/// A few lines for a chat message or an e-mail, at most `max` characters.
fn summary(message: &StoredSubmission, max: usize) -> String {
    summary_escaped(message, max, str::to_string, str::to_string)
}

/// [`summary`] with the visitor's text passed through `escape` (the page URL through `link`).
fn summary_escaped(
    message: &StoredSubmission,
    max: usize,
    escape: fn(&str) -> String,
    link: fn(&str) -> String,
) -> String {
    let s = &message.submission;
    let mut head = String::from("New message");
    if !message.inbox.site.is_empty() {
        head.push_str(&format!(" on {}", escape(&message.inbox.site)));
    }
    if let Some(rating) = s.rating {
        head.push_str(&format!(" ({rating}/5)"));
    }
    let from = s
        .email
        .as_deref()
        .map_or(String::new(), |e| format!("\nFrom: {}", escape(e)));
    let text = format!(
        "{head}:\n{}{from}\nPage: {}",
        escape(&s.message),
        link(&s.page.url)
    );
    if text.chars().count() <= max {
        text
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::InboxState;

    #[test]
    fn backs_off_exponentially_up_to_an_hour() {
        let ms = |attempts| backoff(1000, attempts).as_millis();
        assert_eq!([ms(0), ms(1), ms(2), ms(5)], [1000, 2000, 4000, 32000]);
        assert_eq!(backoff(1000, 12), MAX_BACKOFF);
        assert_eq!(backoff(1000, 500), MAX_BACKOFF);
        assert_eq!(backoff(u64::MAX, 3), MAX_BACKOFF);
    }

    #[test]
    fn formats_for_each_webhook_kind() {
        let submission = serde_json::from_value(json!({
            "id": "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11", "message": "Checkout is <confusing>", "rating": 2,
            "email": "ana@example.org", "page": {"url": "https://shop.example/checkout"}, "locale": "en",
            "timeZone": "UTC", "createdAt": "2026-11-22T10:15:30.000Z", "widget": {"version": "0.1.0"}
        }))
        .expect("submission");
        let message = StoredSubmission {
            submission,
            received_at: "2026-11-22T10:15:31.000Z".into(),
            inbox: InboxState {
                site: "shop".into(),
                ..InboxState::default()
            },
        };
        let slack = "New message on shop (2/5):\nCheckout is &lt;confusing&gt;\nFrom: ana@example.org\nPage: https://shop.example/checkout";
        assert_eq!(
            payload(WebhookFormat::Slack, &message),
            json!({"text": slack})
        );
        let discord = "New message on shop (2/5):\nCheckout is \\<confusing\\>\nFrom: ana@example.org\nPage: <https://shop.example/checkout>";
        assert_eq!(
            payload(WebhookFormat::Discord, &message),
            json!({"content": discord, "allowed_mentions": {"parse": []}})
        );
        let generic = payload(WebhookFormat::Json, &message);
        assert_eq!(generic["event"], "feedback.created");
        assert_eq!(
            generic["feedback"]["id"],
            "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11"
        );
        assert_eq!(generic["feedback"]["inbox"]["site"], "shop");
        let mut long = message.clone();
        long.submission.message = "x".repeat(5000);
        assert_eq!(summary(&long, 2000).chars().count(), 2000);
    }

    #[test]
    fn signs_like_the_standard_webhooks_reference_libraries() {
        // Their test vector ("sign function works" in libraries/javascript/src/webhook.test.ts).
        let key = signing_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("valid secret");
        let signed = signature(
            &key,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let headers = |key| {
            standard_headers(
                key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#,
            )
            .into_iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect::<Vec<_>>()
        };
        let expected = [
            "webhook-id: msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp: 1614265330",
        ];
        assert_eq!(
            headers(Some(&key)),
            [
                expected[0].to_string(),
                expected[1].into(),
                format!("webhook-signature: {signed}")
            ]
        );
        // Without a secret (configs from before signing): the id and timestamp, unsigned.
        assert_eq!(headers(None), expected);
    }

    #[test]
    fn reads_secrets_as_standard_webhooks_writes_them() {
        let check = |secret: &str, expected: Result<usize, &str>| {
            let got = signing_key(secret).map(|key| key.len());
            match expected {
                Ok(len) => assert_eq!(got, Ok(len), "{secret}"),
                Err(part) => assert!(
                    got.as_ref().is_err_and(|e| e.contains(part)),
                    "{secret}: {got:?}"
                ),
            }
        };
        let b64 = |n: usize| BASE64.encode(vec![7u8; n]);
        check(&format!("whsec_{}", b64(32)), Ok(32));
        check(&format!("whsec_{}", b64(32).trim_end_matches('=')), Ok(32));
        check(&format!("whsec_{}", b64(64)), Ok(64));
        check(&b64(32), Err("must start with whsec_"));
        check("whsec_not base64!", Err("must be base64"));
        check(&format!("whsec_{}", b64(16)), Err("has 16 bytes"));
        check(&format!("whsec_{}", b64(65)), Err("has 65 bytes"));
    }

    #[test]
    fn one_webhook_id_per_message_and_target() {
        let (a, b) = (
            "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11",
            "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b12",
        );
        let id = webhook_id(a, "json https://a.example/hook");
        assert_eq!(id, webhook_id(a, "json https://a.example/hook"));
        assert_ne!(id, webhook_id(b, "json https://a.example/hook"));
        assert_ne!(id, webhook_id(a, "json https://b.example/hook"));
        assert!(
            id.starts_with("msg_") && id.len() == 36 && !id.contains('.'),
            "{id}"
        );
    }

    #[test]
    fn visitor_text_cannot_ping_or_disguise_links() {
        let check = |escape: fn(&str) -> String, input: &str, expected: &str| {
            assert_eq!(escape(input), expected, "{input}")
        };
        let hostile =
            "<!channel> <@U012AB3CD> <https://evil.example/login|https://shop.example/login>";
        check(
            slack_escape,
            hostile,
            "&lt;!channel&gt; &lt;@U012AB3CD&gt; &lt;https://evil.example/login|https://shop.example/login&gt;",
        );
        check(slack_escape, "Fish & chips", "Fish &amp; chips");
        check(slack_escape, "&lt;!here&gt;", "&amp;lt;!here&amp;gt;");
        check(
            discord_escape,
            "[Reset](https://evil.example)",
            "\\[Reset\\]\\(https://evil.example\\)",
        );
        check(
            discord_escape,
            "[Reset](<https://evil.example>)",
            "\\[Reset\\]\\(\\<https://evil.example\\>\\)",
        );
        check(
            discord_escape,
            "@everyone @here <@123> <@&456> <#789>",
            "@\u{200B}everyone @\u{200B}here \\<@123\\> \\<@&456\\> \\<\\#789\\>",
        );
        check(
            discord_escape,
            "# big\n-# small **bold** ||spoiler|| `code` \\",
            "\\# big\n\\-\\# small \\*\\*bold\\*\\* \\|\\|spoiler\\|\\| \\`code\\` \\\\",
        );
        check(
            discord_link,
            "https://shop.example/a?b=1",
            "<https://shop.example/a?b=1>",
        );
        check(
            discord_link,
            "https://shop.example/> [x](https://evil.example)",
            "https://shop.example/\\> \\[x\\]\\(https://evil.example\\)",
        );
        check(
            discord_link,
            "javascript:alert(1)",
            "javascript:alert\\(1\\)",
        );

        // Through the whole payload, site and e-mail included.
        let mut submission: widget_core::submission::Submission = serde_json::from_value(json!({
            "id": "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11", "message": hostile, "email": "a@b.example",
            "page": {"url": "https://shop.example/"}, "locale": "en", "timeZone": "UTC",
            "createdAt": "2026-11-22T10:15:30.000Z", "widget": {"version": "0.1.0"}
        }))
        .expect("submission");
        submission.message = format!("{hostile} [Reset](https://evil.example) @everyone");
        let message = StoredSubmission {
            submission,
            received_at: "2026-11-22T10:15:31.000Z".into(),
            inbox: InboxState {
                site: "<!here>".into(),
                ..InboxState::default()
            },
        };
        let slack = payload(WebhookFormat::Slack, &message)["text"]
            .as_str()
            .expect("text")
            .to_string();
        assert!(!slack.contains('<') && !slack.contains('>'), "{slack}");
        let discord = payload(WebhookFormat::Discord, &message);
        assert_eq!(discord["allowed_mentions"], json!({"parse": []}));
        let content = discord["content"].as_str().expect("content");
        assert!(
            content.contains("\\[Reset\\]\\(https://evil.example\\) @\u{200B}everyone"),
            "{content}"
        );
        assert!(
            content.starts_with("New message on \\<!here\\>:"),
            "{content}"
        );
    }
}
