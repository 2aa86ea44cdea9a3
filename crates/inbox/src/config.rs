//! The server's configuration: an optional TOML file (`--config FILE` or `INBOX_CONFIG`), then
//! environment variables on top. With neither, the inbox runs as the zero-config demo: any origin
//! may post, no rate limits, the inbox UI open without a password.
//!
//! Loading is a pure function of the file text and an environment lookup, so it is tested
//! without touching the process environment.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;

/// Largest accepted request body unless configured. A submission at every field's limit is
/// about 15 KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// Everything configurable. Field names are the TOML keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// PostgreSQL URL; when set, the SQLite file is not used. Env `DATABASE_URL`.
    pub database_url: Option<String>,
    /// `text` (default) or `json` log lines on stderr. Env `INBOX_LOG_FORMAT`.
    pub log_format: LogFormat,
    pub limits: Limits,
    pub rate_limit: RateLimit,
    pub auth: Auth,
    /// The sites allowed to post. Empty: any origin (the zero-config demo).
    pub sites: Vec<Site>,
    pub forward: Forward,
    /// Replies to customers by e-mail from the message's page. Absent: the inbox offers a
    /// `mailto:` link instead.
    pub reply: Option<Reply>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Defaults for every site.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest request body. Env `INBOX_MAX_BODY_BYTES`.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Submissions per minute; `0` or absent means no limit. Counted per inbox instance.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RateLimit {
    /// Per client IP. Env `INBOX_RATE_PER_IP`.
    pub per_ip_per_minute: u32,
    /// Per site, unless the site sets its own. Env `INBOX_RATE_PER_SITE`.
    pub per_site_per_minute: u32,
    /// Take the client IP from `X-Forwarded-For` (only behind proxies you run), for the rate
    /// limits and the login limit alike. Env `INBOX_TRUST_FORWARDED_FOR=1`.
    pub trust_forwarded_for: bool,
    /// How many proxies of yours append to `X-Forwarded-For`: the client is the entry this many
    /// from the right (what the outermost of them saw); entries further left are whatever the
    /// client wrote. At least 1. Env `INBOX_PROXY_HOPS`.
    pub proxy_hops: u32,
    /// Insight events (`POST /api/events`) per client IP, counted apart from submissions; absent:
    /// `per_ip_per_minute`. Env `INBOX_EVENT_RATE_PER_IP`.
    pub events_per_ip_per_minute: Option<u32>,
    /// Insight events per site, counted apart from submissions; absent: the site's submission
    /// rate. Env `INBOX_EVENT_RATE_PER_SITE`.
    pub events_per_site_per_minute: Option<u32>,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            per_ip_per_minute: 0,
            per_site_per_minute: 0,
            trust_forwarded_for: false,
            proxy_hops: 1,
            events_per_ip_per_minute: None,
            events_per_site_per_minute: None,
        }
    }
}

/// The inbox login.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Auth {
    /// An argon2 PHC string (`$argon2id$v=19$…`); make one with `inbox hash-password`.
    /// Absent: the inbox UI and the JSON listing are open (demo mode). Env `INBOX_PASSWORD_HASH`.
    pub password_hash: Option<String>,
    /// No longer used: login sessions are kept in the database, so every instance knows them
    /// and they survive restarts. Still accepted, so older files load. Env `INBOX_SESSION_SECRET`.
    pub session_secret: Option<String>,
    /// Bearer token for `GET /api/feedback` and the exports when a password is set.
    /// Env `INBOX_API_TOKEN`.
    pub api_token: Option<String>,
    /// Mark the session cookie `Secure`: `auto` (when the request came over https, as told by
    /// `X-Forwarded-Proto`), `always` or `never`. Env `INBOX_SECURE_COOKIE`.
    pub secure_cookie: SecureCookie,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecureCookie {
    #[default]
    Auto,
    Always,
    Never,
}

/// One site whose widget posts here.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    /// Shown in the inbox and used in filters.
    pub name: String,
    /// Exact origins (`https://shop.example`, scheme and host and port) allowed to post.
    pub origins: Vec<String>,
    pub max_body_bytes: Option<usize>,
    /// Overrides `rate_limit.per_site_per_minute`.
    pub per_minute: Option<u32>,
}

/// Where each new message is forwarded, through the durable outbox (see `forward.rs`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Forward {
    pub webhooks: Vec<Webhook>,
    pub emails: Vec<Email>,
    /// The first retry waits this long; each next one twice as long, up to an hour.
    pub retry_base_ms: u64,
    /// The longest one attempt may take: the whole HTTP request, or the whole SMTP session.
    pub timeout_ms: u64,
    /// A job is leased for `timeout_ms` plus this before each attempt: time to read the message
    /// and record the outcome, and for the instances' clocks to disagree.
    pub lease_margin_ms: u64,
}

impl Default for Forward {
    fn default() -> Self {
        Forward {
            webhooks: Vec::new(),
            emails: Vec::new(),
            retry_base_ms: 5000,
            timeout_ms: 10_000,
            lease_margin_ms: 5000,
        }
    }
}

impl Forward {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }

    /// How long a job is held for one attempt: no other instance takes it meanwhile.
    pub fn lease(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.saturating_add(self.lease_margin_ms))
    }

    /// The configured webhook a `FORMAT URL` outbox target names, if it is still configured.
    pub fn webhook(&self, format: WebhookFormat, url: &str) -> Option<&Webhook> {
        self.webhooks
            .iter()
            .find(|w| w.format == format && w.url == url)
    }
}

/// One e-mail per new message to `to`, sent from `from` through `smtp_url`
/// (`smtp://host:port` plain, `smtp://host?tls=required` STARTTLS, `smtps://user:pass@host` TLS).
/// Env `INBOX_SMTP_URL` replaces every `smtp_url` (keeps the password out of the file).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Email {
    pub to: String,
    pub from: String,
    #[serde(default)]
    pub smtp_url: String,
}

/// How replies are sent: from `from` (the sender customers see), answers to `reply_to` (the
/// team's address; `from` when absent), through `smtp_url` (when empty: `INBOX_SMTP_URL`, else
/// the first `[[forward.emails]]`'s).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub from: String,
    #[serde(default)]
    pub reply_to: Option<String>,
    #[serde(default)]
    pub smtp_url: String,
}

impl Reply {
    /// The team's address: where the customer's answer goes.
    pub fn reply_to(&self) -> &str {
        self.reply_to.as_deref().unwrap_or(&self.from)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    pub url: String,
    #[serde(default)]
    pub format: WebhookFormat,
    /// `json` webhooks: the Standard Webhooks signing secret, `whsec_` and 24 to 64 bytes in
    /// base64 (see `forward::signing_key`).
    #[serde(default)]
    pub secret: Option<String>,
}

/// The body sent: the stored message as JSON, or a text message in Slack's or Discord's shape.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    #[default]
    Json,
    Slack,
    Discord,
}

impl WebhookFormat {
    pub fn name(self) -> &'static str {
        match self {
            WebhookFormat::Json => "json",
            WebhookFormat::Slack => "slack",
            WebhookFormat::Discord => "discord",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            WebhookFormat::Json,
            WebhookFormat::Slack,
            WebhookFormat::Discord,
        ]
        .into_iter()
        .find(|f| f.name() == name)
    }
}

impl Config {
    /// Outbox targets for each new message: `FORMAT URL` per webhook, `email TO` per e-mail
    /// (the SMTP settings are looked up at delivery, so no credentials sit in the outbox).
    pub fn forward_targets(&self) -> Vec<String> {
        let hooks = self
            .forward
            .webhooks
            .iter()
            .map(|w| format!("{} {}", w.format.name(), w.url));
        hooks
            .chain(
                self.forward
                    .emails
                    .iter()
                    .map(|e| format!("email {}", e.to)),
            )
            .collect()
    }

    /// The configuration from the file's text (if any), then `env` on top.
    pub fn load(
        file: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, String> {
        let mut config: Config = match file {
            Some(text) => toml::from_str(text).map_err(|e| e.to_string())?,
            None => Config::default(),
        };
        let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let number = |name: &str| -> Result<Option<u64>, String> {
            set(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| format!("{name} must be a whole number, got {v:?}"))
                })
                .transpose()
        };
        if let Some(url) = set("DATABASE_URL") {
            config.database_url = Some(url);
        }
        if let Some(format) = set("INBOX_LOG_FORMAT") {
            config.log_format = match format.as_str() {
                "json" => LogFormat::Json,
                "text" => LogFormat::Text,
                _ => {
                    return Err(format!(
                        "INBOX_LOG_FORMAT must be text or json, got {format:?}"
                    ))
                }
            };
        }
        if let Some(n) = number("INBOX_MAX_BODY_BYTES")? {
            config.limits.max_body_bytes = n as usize;
        }
        if let Some(n) = number("INBOX_RATE_PER_IP")? {
            config.rate_limit.per_ip_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = number("INBOX_RATE_PER_SITE")? {
            config.rate_limit.per_site_per_minute = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(n) = number("INBOX_EVENT_RATE_PER_IP")? {
            config.rate_limit.events_per_ip_per_minute = Some(u32::try_from(n).unwrap_or(u32::MAX));
        }
        if let Some(n) = number("INBOX_EVENT_RATE_PER_SITE")? {
            config.rate_limit.events_per_site_per_minute =
                Some(u32::try_from(n).unwrap_or(u32::MAX));
        }
        if let Some(v) = set("INBOX_TRUST_FORWARDED_FOR") {
            config.rate_limit.trust_forwarded_for = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(n) = number("INBOX_PROXY_HOPS")? {
            config.rate_limit.proxy_hops = u32::try_from(n).unwrap_or(u32::MAX);
        }
        if let Some(hash) = set("INBOX_PASSWORD_HASH") {
            config.auth.password_hash = Some(hash);
        }
        if let Some(secret) = set("INBOX_SESSION_SECRET") {
            config.auth.session_secret = Some(secret);
        }
        if let Some(token) = set("INBOX_API_TOKEN") {
            config.auth.api_token = Some(token);
        }
        if let Some(v) = set("INBOX_SECURE_COOKIE") {
            config.auth.secure_cookie = match v.as_str() {
                "auto" => SecureCookie::Auto,
                "always" => SecureCookie::Always,
                "never" => SecureCookie::Never,
                _ => {
                    return Err(format!(
                        "INBOX_SECURE_COOKIE must be auto, always or never, got {v:?}"
                    ))
                }
            };
        }
        if let Some(url) = set("INBOX_SMTP_URL") {
            for email in &mut config.forward.emails {
                email.smtp_url = url.clone();
            }
            if let Some(reply) = &mut config.reply {
                reply.smtp_url = url.clone();
            }
        }
        // Replies use the forwarding's mail server unless they name their own.
        let forward_smtp = config.forward.emails.first().map(|e| e.smtp_url.clone());
        if let (Some(reply), Some(url)) = (&mut config.reply, forward_smtp) {
            if reply.smtp_url.is_empty() {
                reply.smtp_url = url;
            }
        }
        // A quick way to lock the demo down without a file: one site named "default".
        if let Some(origins) = set("INBOX_ALLOWED_ORIGINS") {
            let origins = origins
                .split(',')
                .map(|o| o.trim().to_string())
                .filter(|o| !o.is_empty())
                .collect();
            config.sites = vec![Site {
                name: "default".into(),
                origins,
                max_body_bytes: None,
                per_minute: None,
            }];
        }
        config.check()?;
        Ok(config)
    }

    /// Problems a type cannot express.
    fn check(&mut self) -> Result<(), String> {
        if self.rate_limit.proxy_hops == 0 {
            return Err("rate_limit.proxy_hops must be at least 1".into());
        }
        let mut names = BTreeMap::new();
        for site in &mut self.sites {
            if names.insert(site.name.clone(), ()).is_some() {
                return Err(format!("site {:?} is configured twice", site.name));
            }
            if site.origins.is_empty() {
                return Err(format!("site {:?} has no origins", site.name));
            }
            for origin in &mut site.origins {
                *origin = normalize_origin(origin).ok_or_else(|| {
                    format!(
                        "site {:?}: {origin:?} is not an origin like https://shop.example",
                        site.name
                    )
                })?;
            }
        }
        for hook in &self.forward.webhooks {
            let lower = hook.url.to_ascii_lowercase();
            if !(lower.starts_with("https://") || lower.starts_with("http://"))
                || hook.url.contains(char::is_whitespace)
            {
                return Err(format!("webhook url {:?} must be an http(s) URL", hook.url));
            }
            match (hook.format, &hook.secret) {
                (WebhookFormat::Json, Some(secret)) => {
                    crate::forward::signing_key(secret)
                        .map_err(|e| format!("webhook {:?}: secret {e}", hook.url))?;
                }
                // Configs written before signing keep working: such requests carry webhook-id
                // and webhook-timestamp but no signature (main.rs says so at startup).
                (WebhookFormat::Json, None) => {}
                (format, Some(_)) => {
                    return Err(format!(
                        "webhook {:?}: a secret signs json webhooks only, not {}",
                        hook.url,
                        format.name()
                    ))
                }
                (_, None) => {}
            }
        }
        if self.forward.timeout_ms == 0 {
            return Err("forward.timeout_ms must be at least 1".into());
        }
        for email in &self.forward.emails {
            for (what, address) in [("to", &email.to), ("from", &email.from)] {
                address
                    .parse::<lettre::message::Mailbox>()
                    .map_err(|e| format!("e-mail {what} {address:?} is not an address ({e})"))?;
            }
            if !(email.smtp_url.starts_with("smtp://") || email.smtp_url.starts_with("smtps://")) {
                return Err(format!("e-mail to {:?} needs smtp_url = \"smtp://…\" or \"smtps://…\" (or INBOX_SMTP_URL)", email.to));
            }
        }
        if let Some(reply) = &self.reply {
            for (what, address) in [
                ("from", &reply.from),
                ("reply_to", &reply.reply_to().to_string()),
            ] {
                address
                    .parse::<lettre::message::Mailbox>()
                    .map_err(|e| format!("reply.{what} {address:?} is not an address ({e})"))?;
            }
            if !(reply.smtp_url.starts_with("smtp://") || reply.smtp_url.starts_with("smtps://")) {
                return Err("[reply] needs smtp_url = \"smtp://…\" or \"smtps://…\" (or INBOX_SMTP_URL, or a [[forward.emails]] with one)".into());
            }
        }
        if let Some(hash) = &self.auth.password_hash {
            argon2::PasswordHash::new(hash)
                .map_err(|e| format!("the password hash is not a PHC string ({e})"))?;
        }
        Ok(())
    }

    /// The site an `Origin` header belongs to.
    pub fn site_for(&self, origin: &str) -> SiteMatch<'_> {
        if self.sites.is_empty() {
            return SiteMatch::Open;
        }
        let site = normalize_origin(origin)
            .and_then(|origin| self.sites.iter().find(|s| s.origins.contains(&origin)));
        site.map_or(SiteMatch::Refused, SiteMatch::Site)
    }

    /// The largest body any site accepts: the transport limit.
    pub fn largest_body(&self) -> usize {
        self.sites
            .iter()
            .filter_map(|s| s.max_body_bytes)
            .chain([self.limits.max_body_bytes])
            .max()
            .unwrap_or(0)
    }
}

/// What [`Config::site_for`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum SiteMatch<'a> {
    /// No sites are configured: any origin may post.
    Open,
    Site(&'a Site),
    /// Sites are configured and this origin is none of theirs.
    Refused,
}

/// The longest origin taken: a host name is at most 253 characters, plus scheme and port.
pub const MAX_ORIGIN_LEN: usize = 300;

/// `scheme://host[:port]` in lower case without a trailing slash, or `None` if `origin` is not
/// one: an `http`/`https` scheme, a host of letters, digits, `-`, `_` and dots (or an IPv6
/// address in brackets), an optional port 1 to 65535, at most [`MAX_ORIGIN_LEN`] characters.
/// Paths, queries, user names and `null` are not origins.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().trim_end_matches('/');
    if origin.len() > MAX_ORIGIN_LEN {
        return None;
    }
    let origin = origin.to_ascii_lowercase();
    let (scheme, authority) = origin.split_once("://")?;
    let (host_ok, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (address, rest) = v6.split_once(']')?;
            let port = if rest.is_empty() {
                None
            } else {
                Some(rest.strip_prefix(':')?)
            };
            (address.parse::<std::net::Ipv6Addr>().is_ok(), port)
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (is_host_name(host), Some(port)),
            None => (is_host_name(authority), None),
        },
    };
    let port_ok = port.is_none_or(|p| {
        p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|p| p > 0)
    });
    (matches!(scheme, "http" | "https") && host_ok && port_ok).then_some(origin)
}

/// Dot-separated labels of letters, digits, `-` and `_` (an IPv4 address is one too).
fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(file: Option<&str>, env: &[(&str, &str)]) -> Result<Config, String> {
        Config::load(file, |name| {
            env.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn zero_config_is_the_open_demo() {
        let config = load(None, &[]).expect("defaults");
        assert_eq!(config, Config::default());
        assert_eq!(config.site_for("https://anything.example"), SiteMatch::Open);
        assert_eq!(config.largest_body(), DEFAULT_MAX_BODY_BYTES);
    }

    #[test]
    fn reads_the_file_then_the_environment() {
        let file = r#"
            log_format = "json"
            [limits]
            max_body_bytes = 10000
            [rate_limit]
            per_ip_per_minute = 5
            events_per_ip_per_minute = 30
            [auth]
            api_token = "from-file"
            [[sites]]
            name = "shop"
            origins = ["HTTPS://Shop.Example/", "http://localhost:3000"]
            max_body_bytes = 20000
            per_minute = 7
            [[forward.webhooks]]
            url = "http://127.0.0.1:9/hook"
            format = "slack"
            [[forward.webhooks]]
            url = "https://example.org/hooks/inbox"
            secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
            [[forward.emails]]
            to = "owner@shop.example"
            from = "Inbox <inbox@shop.example>"
            smtp_url = "smtp://127.0.0.1:25"
        "#;
        let config = load(
            Some(file),
            &[
                ("INBOX_API_TOKEN", "from-env"),
                ("INBOX_RATE_PER_SITE", "9"),
                ("INBOX_EVENT_RATE_PER_SITE", "120"),
            ],
        )
        .expect("valid");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.rate_limit.per_ip_per_minute, 5);
        assert_eq!(config.rate_limit.per_site_per_minute, 9);
        assert_eq!(config.rate_limit.events_per_ip_per_minute, Some(30));
        assert_eq!(config.rate_limit.events_per_site_per_minute, Some(120));
        assert_eq!(config.auth.api_token.as_deref(), Some("from-env"));
        assert_eq!(
            config.sites[0].origins,
            ["https://shop.example", "http://localhost:3000"]
        );
        assert!(
            matches!(config.site_for("https://shop.example"), SiteMatch::Site(s) if s.name == "shop")
        );
        assert_eq!(config.site_for("https://evil.example"), SiteMatch::Refused);
        assert_eq!(config.site_for("null"), SiteMatch::Refused);
        assert_eq!(config.largest_body(), 20000);
        assert_eq!(
            config.forward_targets(),
            [
                "slack http://127.0.0.1:9/hook",
                "json https://example.org/hooks/inbox",
                "email owner@shop.example"
            ]
        );
        let hook = config
            .forward
            .webhook(WebhookFormat::Json, "https://example.org/hooks/inbox");
        assert_eq!(
            hook.and_then(|h| h.secret.as_deref()),
            Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        );
        assert!(config
            .forward
            .webhook(WebhookFormat::Json, "http://127.0.0.1:9/hook")
            .is_none());
        assert_eq!(
            (config.forward.timeout(), config.forward.lease()),
            (Duration::from_secs(10), Duration::from_secs(15))
        );
        let smtp = load(
            Some(file),
            &[("INBOX_SMTP_URL", "smtps://u:p@mail.example")],
        )
        .expect("valid");
        assert_eq!(smtp.forward.emails[0].smtp_url, "smtps://u:p@mail.example");

        let env_only = load(
            None,
            &[(
                "INBOX_ALLOWED_ORIGINS",
                "https://a.example, https://b.example",
            )],
        )
        .expect("valid");
        assert_eq!(env_only.sites[0].name, "default");
        assert_eq!(
            env_only.sites[0].origins,
            ["https://a.example", "https://b.example"]
        );
    }

    #[test]
    fn replies_take_their_mail_server_from_where_it_is_said() {
        let forward = "[[forward.emails]]\nto = \"owner@shop.example\"\nfrom = \"inbox@shop.example\"\nsmtp_url = \"smtp://forward:25\"\n";
        let reply = "[reply]\nfrom = \"Shop <help@shop.example>\"\n";
        let check = |file: &str, env: &[(&str, &str)], smtp: &str, reply_to: &str| {
            let config = load(Some(file), env).expect("valid");
            let reply = config.reply.expect("[reply]");
            assert_eq!(
                (reply.smtp_url.as_str(), reply.reply_to()),
                (smtp, reply_to),
                "{file}"
            );
        };
        check(
            &format!("{reply}{forward}"),
            &[],
            "smtp://forward:25",
            "Shop <help@shop.example>",
        );
        check(
            &format!("{reply}smtp_url = \"smtps://own:465\"\nreply_to = \"team@shop.example\"\n{forward}"),
            &[],
            "smtps://own:465",
            "team@shop.example",
        );
        check(
            &format!("{reply}smtp_url = \"smtps://own:465\"\n"),
            &[("INBOX_SMTP_URL", "smtp://env:25")],
            "smtp://env:25",
            "Shop <help@shop.example>",
        );
        assert_eq!(load(None, &[]).expect("valid").reply, None);
    }

    #[test]
    fn explains_bad_configuration() {
        let check = |file: Option<&str>, env: &[(&str, &str)], expected: &str| {
            let err = load(file, env).expect_err(expected);
            assert!(
                err.contains(expected),
                "{err:?} should contain {expected:?}"
            );
        };
        check(
            Some("[limits]\nmax_body = 1"),
            &[],
            "unknown field `max_body`",
        );
        check(
            Some("[[sites]]\nname = \"a\"\norigins = []"),
            &[],
            "site \"a\" has no origins",
        );
        check(
            Some("[[sites]]\nname = \"a\"\norigins = [\"shop.example\"]"),
            &[],
            "is not an origin",
        );
        check(
            Some("[[sites]]\nname = \"a\"\norigins = [\"https://x\"]\n[[sites]]\nname = \"a\"\norigins = [\"https://y\"]"),
            &[],
            "configured twice",
        );
        check(
            None,
            &[("INBOX_RATE_PER_IP", "lots")],
            "INBOX_RATE_PER_IP must be a whole number",
        );
        check(
            None,
            &[("INBOX_PASSWORD_HASH", "hunter2")],
            "not a PHC string",
        );
        check(None, &[("INBOX_LOG_FORMAT", "xml")], "text or json");
        check(
            None,
            &[("INBOX_PROXY_HOPS", "0")],
            "proxy_hops must be at least 1",
        );
        check(
            Some("[[forward.webhooks]]\nurl = \"ftp://x\""),
            &[],
            "must be an http(s) URL",
        );
        check(Some("[[forward.emails]]\nto = \"nobody\"\nfrom = \"a@b.example\"\nsmtp_url = \"smtp://x\""), &[], "is not an address");
        check(
            Some("[[forward.emails]]\nto = \"a@b.example\"\nfrom = \"a@b.example\""),
            &[],
            "needs smtp_url",
        );
        check(
            Some("[[forward.webhooks]]\nurl = \"https://x\"\nformat = \"teams\""),
            &[],
            "unknown variant",
        );
        check(
            Some("[[forward.webhooks]]\nurl = \"https://x\"\nsecret = \"hunter2\""),
            &[],
            "secret must start with whsec_",
        );
        check(
            Some("[[forward.webhooks]]\nurl = \"https://x\"\nformat = \"slack\"\nsecret = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\""),
            &[],
            "a secret signs json webhooks only, not slack",
        );
        check(
            Some("[reply]\nfrom = \"help@shop.example\""),
            &[],
            "[reply] needs smtp_url",
        );
        check(
            Some("[reply]\nfrom = \"help\"\nsmtp_url = \"smtp://x\""),
            &[],
            "reply.from \"help\" is not an address",
        );
        check(
            Some("[reply]\nfrom = \"help@shop.example\"\nreply_to = \"team\"\nsmtp_url = \"smtp://x\""),
            &[],
            "reply.reply_to \"team\" is not an address",
        );
        check(
            Some("[forward]\ntimeout_ms = 0"),
            &[],
            "timeout_ms must be at least 1",
        );
    }
}
