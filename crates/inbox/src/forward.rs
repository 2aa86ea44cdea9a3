//! Forwarding new messages to webhooks (generic JSON, Slack, Discord) and by e-mail (SMTP,
//! lettre) through the durable
//! outbox: a message's jobs are written in the same transaction as the message, and this worker
//! delivers them with exponential backoff. A webhook that is down, or a restart, only delays
//! delivery; every job stays until it is delivered.
//!
//! Delivery is at least once: a crash between the webhook's answer and recording it sends again.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::config::WebhookFormat;
use crate::store::{Job, StoredSubmission};
use crate::time::rfc3339;
use crate::App;

/// How long a claimed job is ours before another worker may take it.
const LEASE: Duration = Duration::from_secs(60);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How often the outbox is polled when nothing wakes the worker.
const POLL: Duration = Duration::from_millis(1000);
const TIMEOUT: Duration = Duration::from_secs(10);

/// Starts the worker when webhooks are configured. It runs until the runtime stops; jobs it
/// held then are retried once their lease ends.
pub fn spawn(app: &Arc<App>) -> Option<tokio::task::JoinHandle<()>> {
    if app.config.forward.webhooks.is_empty() && app.config.forward.emails.is_empty() {
        return None;
    }
    let app = Arc::clone(app);
    Some(tokio::spawn(async move {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(TIMEOUT)).build(),
        );
        loop {
            let now = SystemTime::now();
            let jobs = match app.store.claim_jobs(&rfc3339(now), &rfc3339(now + LEASE), 20).await {
                Ok(jobs) => jobs,
                Err(e) => {
                    tracing::error!(error = %e, "outbox: cannot read jobs");
                    Vec::new()
                }
            };
            let idle = jobs.is_empty();
            for job in jobs {
                deliver(&app, &agent, job).await;
            }
            if idle {
                tokio::select! {
                    () = tokio::time::sleep(POLL) => {}
                    () = app.forward_wakeup.notified() => {}
                }
            }
        }
    }))
}

async fn deliver(app: &App, agent: &ureq::Agent, job: Job) {
    let outcome = attempt(app, agent, &job).await;
    let now = SystemTime::now();
    let recorded = match &outcome {
        Ok(()) => app.store.job_delivered(job.seq, &rfc3339(now)).await,
        Err(error) => {
            let wait = backoff(app.config.forward.retry_base_ms, job.attempts);
            tracing::warn!(id = job.feedback_id, attempts = job.attempts + 1, retry_in_ms = wait.as_millis() as u64, error, "forwarding failed");
            app.store.job_failed(job.seq, &rfc3339(now + wait), error).await
        }
    };
    if outcome.is_ok() {
        tracing::info!(id = job.feedback_id, "forwarded");
    }
    if let Err(e) = recorded {
        tracing::error!(error = %e, "outbox: cannot record the attempt");
    }
}

/// One delivery attempt: `Err` says why it failed.
async fn attempt(app: &App, agent: &ureq::Agent, job: &Job) -> Result<(), String> {
    let (format, url) = job.target.split_once(' ').ok_or("malformed outbox target")?;
    let message = match app.store.get(&job.feedback_id).await {
        Ok(Some(message)) => message,
        Ok(None) => return Err("the message is gone".into()),
        Err(e) => return Err(format!("storage: {e}")),
    };
    if format == "email" {
        let email = app.config.forward.emails.iter().find(|e| e.to == url).cloned();
        let email = email.ok_or_else(|| format!("no e-mail forwarding to {url} is configured any more"))?;
        return tokio::task::spawn_blocking(move || send_email(&email, &message)).await.map_err(|e| e.to_string())?;
    }
    let format = WebhookFormat::from_name(format).ok_or_else(|| format!("unknown webhook format {format:?}"))?;
    let body = serde_json::to_vec(&payload(format, &message)).map_err(|e| e.to_string())?;
    let (agent, url) = (agent.clone(), url.to_string());
    let status = tokio::task::spawn_blocking(move || {
        agent.post(&url).header("content-type", "application/json").send(&body[..]).map(|r| r.status().as_u16())
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

/// One e-mail: the summary as plain text, `Reply-To` the customer when they left an address.
fn send_email(email: &crate::config::Email, message: &StoredSubmission) -> Result<(), String> {
    use lettre::message::header::ContentType;
    use lettre::{Message, SmtpTransport, Transport};
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
    let mail = builder.body(summary(message, 20_000)).map_err(|e| e.to_string())?;
    let transport = SmtpTransport::from_url(&email.smtp_url).map_err(|e| format!("smtp_url: {e}"))?.timeout(Some(TIMEOUT)).build();
    transport.send(&mail).map(drop).map_err(|e| format!("SMTP: {e}"))
}

/// `base × 2^attempts`, at most [`MAX_BACKOFF`].
pub fn backoff(base_ms: u64, attempts: i32) -> Duration {
    let factor = 1u64.checked_shl(attempts.clamp(0, 30) as u32).unwrap_or(u64::MAX);
    Duration::from_millis(base_ms.saturating_mul(factor)).min(MAX_BACKOFF)
}

/// The webhook body in `format`. Visitor text is escaped for the chat tool's markup, so a
/// message cannot ping a channel or disguise a link.
pub fn payload(format: WebhookFormat, message: &StoredSubmission) -> Value {
    match format {
        WebhookFormat::Json => json!({"event": "feedback.created", "feedback": message}),
        WebhookFormat::Slack => json!({"text": summary_escaped(message, 3000, slack_escape, slack_escape)}),
        WebhookFormat::Discord => json!({
            "content": summary_escaped(message, 2000, discord_escape, discord_link),
            "allowed_mentions": {"parse": []}
        }),
    }
}

/// Slack's message markup: `&`, `<` and `>` escaped as Slack asks, so `<!channel>`, `<@U…>` and
/// `<url|text>` written by a visitor stay text. (Bare URLs are still linked, showing themselves.)
pub fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Discord's markdown: every character that starts formatting, a masked link `[text](url)`, a
/// mention `<@…>`, `<#…>`, `<t:…>` or a heading is escaped with a backslash (shown without it),
/// and `@everyone`/`@here` get a zero-width space. `allowed_mentions` in the payload pings nobody
/// whatever gets through.
pub fn discord_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' | '(' | ')' | '#' | '-') {
            out.push('\\');
        }
        out.push(c);
    }
    out.replace("@everyone", "@\u{200B}everyone").replace("@here", "@\u{200B}here")
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
fn summary_escaped(message: &StoredSubmission, max: usize, escape: fn(&str) -> String, link: fn(&str) -> String) -> String {
    let s = &message.submission;
    let mut head = String::from("New message");
    if !message.inbox.site.is_empty() {
        head.push_str(&format!(" on {}", escape(&message.inbox.site)));
    }
    if let Some(rating) = s.rating {
        head.push_str(&format!(" ({rating}/5)"));
    }
    let from = s.email.as_deref().map_or(String::new(), |e| format!("\nFrom: {}", escape(e)));
    let text = format!("{head}:\n{}{from}\nPage: {}", escape(&s.message), link(&s.page.url));
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
            inbox: InboxState { site: "shop".into(), ..InboxState::default() },
        };
        let slack = "New message on shop (2/5):\nCheckout is &lt;confusing&gt;\nFrom: ana@example.org\nPage: https://shop.example/checkout";
        assert_eq!(payload(WebhookFormat::Slack, &message), json!({"text": slack}));
        let discord = "New message on shop (2/5):\nCheckout is \\<confusing\\>\nFrom: ana@example.org\nPage: <https://shop.example/checkout>";
        assert_eq!(payload(WebhookFormat::Discord, &message), json!({"content": discord, "allowed_mentions": {"parse": []}}));
        let generic = payload(WebhookFormat::Json, &message);
        assert_eq!(generic["event"], "feedback.created");
        assert_eq!(generic["feedback"]["id"], "0b8e2c1e-5a7f-4c3b-9a61-2f0d7c9e4b11");
        assert_eq!(generic["feedback"]["inbox"]["site"], "shop");
        let mut long = message.clone();
        long.submission.message = "x".repeat(5000);
        assert_eq!(summary(&long, 2000).chars().count(), 2000);
    }

    #[test]
    fn visitor_text_cannot_ping_or_disguise_links() {
        let check = |escape: fn(&str) -> String, input: &str, expected: &str| assert_eq!(escape(input), expected, "{input}");
        let hostile = "<!channel> <@U012AB3CD> <https://evil.example/login|https://shop.example/login>";
        check(
            slack_escape,
            hostile,
            "&lt;!channel&gt; &lt;@U012AB3CD&gt; &lt;https://evil.example/login|https://shop.example/login&gt;",
        );
        check(slack_escape, "Fish & chips", "Fish &amp; chips");
        check(slack_escape, "&lt;!here&gt;", "&amp;lt;!here&amp;gt;");
        check(discord_escape, "[Reset](https://evil.example)", "\\[Reset\\]\\(https://evil.example\\)");
        check(discord_escape, "[Reset](<https://evil.example>)", "\\[Reset\\]\\(\\<https://evil.example\\>\\)");
        check(discord_escape, "@everyone @here <@123> <@&456> <#789>", "@\u{200B}everyone @\u{200B}here \\<@123\\> \\<@&456\\> \\<\\#789\\>");
        check(discord_escape, "# big\n-# small **bold** ||spoiler|| `code` \\", "\\# big\n\\-\\# small \\*\\*bold\\*\\* \\|\\|spoiler\\|\\| \\`code\\` \\\\");
        check(discord_link, "https://shop.example/a?b=1", "<https://shop.example/a?b=1>");
        check(discord_link, "https://shop.example/> [x](https://evil.example)", "https://shop.example/\\> \\[x\\]\\(https://evil.example\\)");
        check(discord_link, "javascript:alert(1)", "javascript:alert\\(1\\)");

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
            inbox: InboxState { site: "<!here>".into(), ..InboxState::default() },
        };
        let slack = payload(WebhookFormat::Slack, &message)["text"].as_str().expect("text").to_string();
        assert!(!slack.contains('<') && !slack.contains('>'), "{slack}");
        let discord = payload(WebhookFormat::Discord, &message);
        assert_eq!(discord["allowed_mentions"], json!({"parse": []}));
        let content = discord["content"].as_str().expect("content");
        assert!(content.contains("\\[Reset\\]\\(https://evil.example\\) @\u{200B}everyone"), "{content}");
        assert!(content.starts_with("New message on \\<!here\\>:"), "{content}");
    }
}
