//! The owner's configuration: raw values in, a validated [`Config`] plus a list of [`Issue`]s out.
//!
//! Parsing never fails as a whole: each key is checked on its own, a bad one is reported with its
//! path (`channels[2].value`) and replaced by its default, and the rest of the widget still works.

use std::fmt;

use crate::channel::{self, Channel, Devices, Group, Kind, Reply, WhenClosed};
use crate::color::{self, Brand};
use crate::hours::{self, Schedule};
use crate::i18n::{Text, Texts};
use crate::value::Value;

/// Where the launcher sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Position {
    #[default]
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
    MiddleRight,
    MiddleLeft,
}

impl Position {
    pub const ALL: [Position; 6] = [
        Position::BottomRight,
        Position::BottomLeft,
        Position::TopRight,
        Position::TopLeft,
        Position::MiddleRight,
        Position::MiddleLeft,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Position::BottomRight => "bottom-right",
            Position::BottomLeft => "bottom-left",
            Position::TopRight => "top-right",
            Position::TopLeft => "top-left",
            Position::MiddleRight => "middle-right",
            Position::MiddleLeft => "middle-left",
        }
    }
}

/// Light, dark, or following the visitor's `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheme {
    #[default]
    Auto,
    Light,
    Dark,
}

impl Scheme {
    pub const ALL: [Scheme; 3] = [Scheme::Auto, Scheme::Light, Scheme::Dark];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::Auto => "auto",
            Scheme::Light => "light",
            Scheme::Dark => "dark",
        }
    }
}

/// What the launcher button shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Launcher {
    #[default]
    IconLabel,
    Icon,
    Label,
}

impl Launcher {
    pub const ALL: [Launcher; 3] = [Launcher::IconLabel, Launcher::Icon, Launcher::Label];

    pub fn name(self) -> &'static str {
        match self {
            Launcher::IconLabel => "icon-label",
            Launcher::Icon => "icon",
            Launcher::Label => "label",
        }
    }
}

/// The look: colour scheme, corner radius, launcher style and font.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub scheme: Scheme,
    /// Corner radius of the panel in px (controls scale from it).
    pub radius: u8,
    pub launcher: Launcher,
    /// A CSS font-family list; `None` is the system font stack (no web font is ever downloaded).
    pub font: Option<String>,
    /// The owner gave a font that is not a font-family list: the panel uses the system's (the
    /// loader applied it as given, safely, before the core could say so).
    pub font_refused: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            scheme: Scheme::Auto,
            radius: 16,
            launcher: Launcher::IconLabel,
            font: None,
            font_refused: false,
        }
    }
}

/// Whether the form asks for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ask {
    Off,
    Optional,
    Required,
}

impl Ask {
    pub const ALL: [Ask; 3] = [Ask::Off, Ask::Optional, Ask::Required];

    pub fn name(self) -> &'static str {
        match self {
            Ask::Off => "off",
            Ask::Optional => "optional",
            Ask::Required => "required",
        }
    }
}

/// How the form asks for a rating (always sent as 1 to 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rating {
    Off,
    Stars,
    Faces,
    /// Thumbs down is 1, thumbs up is 5.
    Thumbs,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::Off, Rating::Stars, Rating::Faces, Rating::Thumbs];

    pub fn name(self) -> &'static str {
        match self {
            Rating::Off => "off",
            Rating::Stars => "stars",
            Rating::Faces => "faces",
            Rating::Thumbs => "thumbs",
        }
    }
}

/// What happens to a message that looks like spam (see [`crate::form::spam_flags`]). A person's
/// words are never dropped: sending fast is what people who paste do, so only a filled honeypot
/// (which no person sees) can be dropped, and only when the owner asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spam {
    /// A filled honeypot is not sent (the sender sees the usual thanks); any other signal is sent
    /// as a flag.
    Drop,
    /// Sent with `flags`, for the owner to judge (the inbox lists them under "Possible spam").
    Flag,
}

impl Spam {
    pub const ALL: [Spam; 2] = [Spam::Drop, Spam::Flag];

    pub fn name(self) -> &'static str {
        match self {
            Spam::Drop => "drop",
            Spam::Flag => "flag",
        }
    }

    /// Whether a submission with these spam `flags` is not sent at all.
    pub fn drops(self, flags: &[String]) -> bool {
        self == Spam::Drop && flags.iter().any(|f| f == crate::form::FLAG_HONEYPOT)
    }
}

/// The feedback form's options.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub rating: Rating,
    pub email: Ask,
    pub name: Ask,
    /// A consent sentence the visitor must tick before sending; stored with the submission.
    pub consent: Option<String>,
    pub spam: Spam,
    /// A message sent sooner than this after the visitor started writing it is flagged.
    pub min_seconds: f64,
    /// How soon the owner usually answers, said after a message is sent.
    pub reply: Option<Reply>,
}

impl Default for Form {
    fn default() -> Self {
        Form {
            rating: Rating::Off,
            email: Ask::Optional,
            name: Ask::Off,
            consent: None,
            spam: Spam::Flag,
            min_seconds: 2.0,
            reply: None,
        }
    }
}

/// The validated configuration the widget renders.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Where feedback is POSTed; `None` hides the form.
    pub endpoint: Option<String>,
    /// `"auto"` or a BCP 47 tag.
    pub locale: String,
    pub position: Position,
    pub brand: Brand,
    pub channels: Vec<Channel>,
    /// The business hours the panel reports ("Open now", "Closed · opens Monday 09:00").
    pub hours: Option<Schedule>,
    /// `None` when the form is switched off (`"form": false`) or has nowhere to send.
    pub form: Option<Form>,
    /// `text/plain` without custom headers, for endpoints that cannot answer a CORS preflight.
    pub simple_transport: bool,
    /// Count opens and channel uses, without identifying anyone (`POST /api/events` to the
    /// endpoint's origin; see `insights`).
    pub insights: bool,
    pub theme: Theme,
    /// The owner's texts for one language only (`"texts": {"fr": {…}}`), by lower-case tag.
    pub language_texts: Vec<(String, Texts)>,
    /// Adjustments made for the owner's benefit (not mistakes), reported on the console as info.
    pub notes: Vec<Issue>,
    pub texts: Texts,
}

/// A `pages` pattern: a path on the site (`/`, then no spaces or control characters), where `*`
/// stands for any characters.
pub fn is_path_pattern(s: &str) -> bool {
    s.starts_with('/')
        && s.chars().count() <= PATTERN_MAX
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A BCP 47 language tag's shape: `fr`, `pt-BR`, `zh-Hant-TW` (a primary language of 2–3
/// letters, then subtags of 1–8 letters or digits).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// One problem in the owner's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Where it is, e.g. `channels[2].value`.
    pub path: String,
    /// What is wrong, for the owner; empty without the `messages` feature (the visitor's wasm).
    pub message: String,
}

impl fmt::Display for Issue {
    /// `config `path`: message`, or without a message the path and where to find out why.
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.message.is_empty() {
            write!(
                f,
                "config `{}` is not valid; the configurator or docs/options.html say why",
                self.path
            )
        } else {
            write!(f, "config `{}`: {}", self.path, self.message)
        }
    }
}

/// The top-level keys, in the order the schema lists them.
pub const KEYS: [&str; 21] = [
    "endpoint",
    "transport",
    "title",
    "greeting",
    "locale",
    "position",
    "offsetX",
    "offsetY",
    "zIndex",
    "color",
    "theme",
    "channels",
    "form",
    "texts",
    "hours",
    "fallback",
    "load",
    "delay",
    "pages",
    "insights",
    "baseUrl",
];
/// Values of `load`: when the rest of the widget is fetched (the loader acts on it; `intent`, the
/// default, when the visitor reaches for the launcher).
pub const LOADS: [&str; 3] = ["intent", "idle", "eager"];
/// The longest `delay` in seconds (ten minutes: later than that, nobody is still reading).
pub const DELAY_MAX: u32 = 600;
/// The keys of `pages`: path patterns where the widget shows, and where it does not.
pub const PAGES_KEYS: [&str; 2] = ["include", "exclude"];
/// The longest path pattern in `pages`.
pub const PATTERN_MAX: usize = 200;
/// The largest `offsetX`/`offsetY` in pixels.
pub const OFFSET_MAX: u32 = 400;
/// The keys of the `theme` object.
pub const THEME_KEYS: [&str; 4] = ["scheme", "radius", "launcher", "font"];
/// The keys of one channel object.
pub const CHANNEL_KEYS: [&str; 10] = [
    "type",
    "value",
    "label",
    "message",
    "subject",
    "group",
    "devices",
    "hours",
    "whenClosed",
    "replyTime",
];
/// The keys of the `form` object.
pub const FORM_KEYS: [&str; 7] = [
    "rating",
    "email",
    "name",
    "consent",
    "spam",
    "minSeconds",
    "replyTime",
];
/// Values of `transport`.
pub const TRANSPORTS: [&str; 2] = ["json", "simple"];
/// Longest text an owner may set for a label or text (longer is cut off visually by nothing, so refuse it).
const TEXT_MAX: usize = 500;

/// `path.key`, the path of a key inside an object (what an [`Issue`] names).
pub(crate) fn join(path: &str, key: &str) -> String {
    [path, ".", key].concat()
}

/// Validates a raw configuration. Never fails: problems come back as issues.
pub fn parse(raw: &Value) -> (Config, Vec<Issue>) {
    let mut p = Parser::default();
    let mut config = Config {
        locale: "auto".into(),
        form: Some(Form::default()),
        ..Config::default()
    };
    let Value::Object(entries) = raw else {
        p.issue("", message!("expected an object, found {}", raw.kind()));
        return (config, p.issues);
    };
    // First, so channels can follow the widget's hours and inherit its time zone.
    if let Some(value) = raw.get("hours").filter(|v| !matches!(v, Value::Null)) {
        config.hours = hours::parse(value, "hours", None, &mut p.issues);
    }
    for (key, value) in entries {
        match key.as_str() {
            "endpoint" => config.endpoint = p.text(key, value).and_then(|url| p.http_url(key, url)),
            // Where the widget's files are hosted: the loader acts on it.
            "baseUrl" => {
                p.text(key, value).and_then(|url| p.http_url(key, url));
            }
            "transport" => {
                config.simple_transport = p.choice(key, value, &TRANSPORTS, |t| t) == Some("simple")
            }
            "load" => {
                p.choice(key, value, &LOADS, |l| l);
            }
            // The loader acts on these two; checked here so mistakes are reported.
            "delay" => {
                p.number(key, value, DELAY_MAX, "seconds");
            }
            "pages" => p.pages(value),
            "insights" => match value {
                Value::Bool(on) => config.insights = *on,
                _ => p.issue(key, message!("expected true or false")),
            },
            "title" => p.set_text(&mut config.texts, Text::Title, key, value),
            "greeting" => p.set_text(&mut config.texts, Text::Greeting, key, value),
            "locale" => {
                config.locale = p
                    .text(key, value)
                    .filter(|tag| p.language_tag(key, tag))
                    .unwrap_or_else(|| "auto".into())
            }
            "theme" => config.theme = p.theme(value),
            "position" => {
                config.position = p
                    .choice(key, value, &Position::ALL, Position::name)
                    .unwrap_or_default()
            }
            // Painted by the loader with the launcher; checked here so mistakes are reported.
            "offsetX" | "offsetY" => {
                p.number(key, value, OFFSET_MAX, "pixels");
            }
            "zIndex" => {
                p.number(key, value, i32::MAX as u32, "a z-index");
            }
            "fallback" => {
                let ok = p.text(key, value).map(|url| {
                    channel::safe_url(&url, &channel::ALLOWED_SCHEMES).filter(|u| {
                        matches!(
                            channel::scheme(u).as_deref(),
                            Some("http" | "https" | "mailto" | "tel")
                        )
                    })
                });
                if ok == Some(None) {
                    p.issue(key, message!("is not an http(s), mailto: or tel: URL; the launcher falls back to the first e-mail or phone channel"));
                }
            }
            "color" => {
                if let Some(raw) = p.text(key, value) {
                    match color::parse(&raw) {
                        Some(rgb) => {
                            let (brand, note) = color::brand(rgb);
                            config.brand = brand;
                            config.notes.extend(note.map(|n| Issue {
                                path: key.clone(),
                                message: n,
                            }));
                        }
                        None => p.issue(
                            key,
                            message!("\"{raw}\" is not a colour; write it as #rrggbb or #rgb"),
                        ),
                    }
                }
            }
            "channels" => config.channels = p.channels(value, config.hours.as_ref()),
            "form" => config.form = p.form(value),
            "texts" => p.texts(&mut config, value),
            "hours" => {}
            // Points editors at config.schema.json; the schema allows it, so the widget does too.
            "$schema" => {}
            _ => p.issue(
                key,
                message!("unknown key; the known keys are {}", KEYS.join(", ")),
            ),
        }
    }
    if config.form.is_some() && config.endpoint.is_none() {
        config.form = None;
        if raw.get("endpoint").is_none() {
            p.issue("endpoint", message!("missing, so the feedback form is hidden (set \"form\": false to hide it on purpose)"));
        }
    }
    (config, p.issues)
}

#[derive(Default)]
struct Parser {
    issues: Vec<Issue>,
}

impl Parser {
    fn issue(&mut self, path: &str, message: String) {
        self.issues.push(Issue {
            path: path.to_owned(),
            message,
        });
    }

    /// A non-empty text of reasonable length; `null` counts as absent.
    fn text(&mut self, path: &str, value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) if s.trim().is_empty() => {
                self.issue(path, message!("is empty"));
                None
            }
            Value::String(s) if s.chars().count() > TEXT_MAX => {
                self.issue(path, message!("is longer than {TEXT_MAX} characters"));
                None
            }
            Value::String(s) => Some(s.trim().to_owned()),
            other => {
                self.issue(path, message!("expected text, found {}", other.kind()));
                None
            }
        }
    }

    fn set_text(&mut self, texts: &mut Texts, text: Text, path: &str, value: &Value) {
        if let Some(s) = self.text(path, value) {
            texts.set(text, s);
        }
    }

    fn choice<T: Copy>(
        &mut self,
        path: &str,
        value: &Value,
        all: &[T],
        name: fn(T) -> &'static str,
    ) -> Option<T> {
        self.choose(path, value, &|i| all.get(i).map(|&t| name(t)))
            .map(|i| all[i])
    }

    /// [`Parser::choice`] without its type (one copy in the wasm, not one per enum): the index of
    /// the name `value` is, among `name(0)`, `name(1)`… until `None`.
    fn choose(
        &mut self,
        path: &str,
        value: &Value,
        name: &dyn Fn(usize) -> Option<&'static str>,
    ) -> Option<usize> {
        let raw = self.text(path, value)?;
        let names = || (0..).map_while(name);
        let found = names().position(|n| n == raw);
        if found.is_none() {
            self.issue(
                path,
                message!(
                    "\"{raw}\" is not one of {}",
                    names().collect::<Vec<_>>().join(", ")
                ),
            );
        }
        found
    }

    /// A whole number from 0 to `max`, or the same written as digits (data attributes are text).
    /// Integer arithmetic only: float parsing and printing would cost the wasm ~15 KB.
    fn number(&mut self, path: &str, value: &Value, max: u32, what: &str) -> Option<u32> {
        let n = match value {
            Value::Number(n) if n.fract() == 0.0 && (0.0..=max as f64).contains(n) => {
                Some(*n as u32)
            }
            Value::String(s)
                if (1..=10).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(s.bytes().fold(0u64, |n, b| n * 10 + (b - b'0') as u64))
                    .filter(|n| *n <= max as u64)
                    .map(|n| n as u32)
            }
            _ => None,
        };
        if n.is_none() {
            self.issue(
                path,
                message!("expected {what}: a whole number from 0 to {max}"),
            );
        }
        n
    }

    /// `{"include": [...], "exclude": [...]}`: each a list of paths on the site, where `*`
    /// stands for any characters (`/checkout/*`). The loader matches them against the page's
    /// path; a pattern it could not use is reported here and left out.
    fn pages(&mut self, value: &Value) {
        let Value::Object(entries) = value else {
            return self.issue(
                "pages",
                message!("expected an object with include and/or exclude lists of paths"),
            );
        };
        for (key, list) in entries {
            let path = format!("pages.{key}");
            if !PAGES_KEYS.contains(&key.as_str()) {
                self.issue(
                    &path,
                    message!("unknown key; the known keys are include, exclude"),
                );
                continue;
            }
            let Value::Array(patterns) = list else {
                self.issue(
                    &path,
                    message!("expected a list of paths, like [\"/checkout/*\"]"),
                );
                continue;
            };
            for (i, pattern) in patterns.iter().enumerate() {
                let good = matches!(pattern, Value::String(s) if is_path_pattern(s));
                if !good {
                    self.issue(&format!("{path}[{i}]"), message!("expected a path starting with / (`*` stands for any characters), at most {PATTERN_MAX} characters"));
                }
            }
        }
    }

    /// The endpoint must be an http(s) URL or a path on the page's own site.
    /// `url` at `key` if it is an http(s) URL or a path on this site.
    fn http_url(&mut self, key: &str, url: String) -> Option<String> {
        let safe = channel::safe_url(&url, &channel::ALLOWED_SCHEMES)
            .filter(|u| matches!(channel::scheme(u).as_deref(), None | Some("http" | "https")));
        if safe.is_none() {
            self.issue(
                key,
                message!("\"{url}\" is not an http(s) URL or a path on this site"),
            );
        }
        safe
    }

    fn channels(&mut self, value: &Value, widget_hours: Option<&Schedule>) -> Vec<Channel> {
        let Value::Array(items) = value else {
            self.issue(
                "channels",
                message!("expected a list, found {}", value.kind()),
            );
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.channel(&format!("channels[{i}]"), item, widget_hours))
            .collect()
    }

    fn channel(
        &mut self,
        path: &str,
        item: &Value,
        widget_hours: Option<&Schedule>,
    ) -> Option<Channel> {
        let Value::Object(entries) = item else {
            self.issue(
                path,
                message!(
                    "expected an object with \"type\" and \"value\", found {}",
                    item.kind()
                ),
            );
            return None;
        };
        for (key, _) in entries {
            if !CHANNEL_KEYS.contains(&key.as_str()) {
                self.issue(
                    &join(path, key),
                    message!("unknown key; a channel has {}", CHANNEL_KEYS.join(", ")),
                );
            }
        }
        let field = |key: &str| item.get(key).unwrap_or(&Value::Null);
        let type_path = join(path, "type");
        let Some(type_name) = self.text(&type_path, field("type")) else {
            if item.get("type").is_none() {
                self.issue(&type_path, message!("missing"));
            }
            return None;
        };
        let Some(kind) = Kind::from_name(&type_name) else {
            self.issue(
                &type_path,
                message!(
                    "unknown channel type \"{type_name}\"; the known types are {}",
                    Kind::ALL.map(Kind::name).join(", ")
                ),
            );
            return None;
        };
        let value_path = join(path, "value");
        let Some(value) = self.text(&value_path, field("value")) else {
            if item.get("value").is_none() {
                self.issue(
                    &value_path,
                    message!("missing; a {type_name} channel needs {}", kind.expects()),
                );
            }
            return None;
        };
        let label = self.text(&join(path, "label"), field("label"));
        let message_path = join(path, "message");
        let message = self.text(&message_path, field("message"));
        if message.is_some() && !kind.takes_message() {
            self.issue(
                &message_path,
                message!("a {type_name} channel cannot prefill a message; it is ignored"),
            );
        }
        let subject_path = join(path, "subject");
        let subject = self.text(&subject_path, field("subject"));
        if subject.is_some() && kind != Kind::Email {
            self.issue(&subject_path, message!("only an email channel has a subject; it is ignored on this {type_name} channel"));
        }
        // A pasted profile link is shown as its handle; a refusal quotes what the owner wrote.
        let pasted = channel::pasted(kind, &value);
        let handle = pasted.as_deref().unwrap_or(&value);
        let href = match channel::link(kind, handle, message.as_deref(), subject.as_deref()) {
            Ok(href) => href,
            Err(expected) => {
                self.issue(
                    &value_path,
                    message!(
                        "\"{value}\" is not {expected}; this {type_name} channel is not shown"
                    ),
                );
                return None;
            }
        };
        let mut channel = Channel::new(kind, handle, href);
        channel.label = label;
        channel.copy = channel::copy_text(kind, handle);
        let at = |key: &str| join(path, key);
        if let Some(v) = item.get("group") {
            channel.group = self
                .choice(&at("group"), v, &Group::ALL, Group::name)
                .unwrap_or(channel.group);
        }
        if let Some(v) = item.get("devices") {
            channel.devices = self
                .choice(&at("devices"), v, &Devices::ALL, Devices::name)
                .unwrap_or_default();
        }
        if let Some(v) = item.get("replyTime") {
            channel.reply = self.choice(&at("replyTime"), v, &Reply::ALL, Reply::name);
        }
        let own = match item.get("hours") {
            Some(v) if !matches!(v, Value::Null) => hours::parse(
                v,
                &at("hours"),
                widget_hours.map(|h| h.time_zone.as_str()),
                &mut self.issues,
            ),
            _ => None,
        };
        let when_closed = match item.get("whenClosed") {
            Some(v) => self.choice(&at("whenClosed"), v, &WhenClosed::ALL, WhenClosed::name),
            None => None,
        };
        if when_closed.is_some_and(|w| w != WhenClosed::Keep)
            && own.is_none()
            && widget_hours.is_none()
            && item.get("hours").is_none()
        {
            self.issue(&at("whenClosed"), message!("there are no hours to be closed outside of; add \"hours\" to this channel or to the widget"));
        }
        // A channel's own hours dim it by default; the widget's only apply when asked to.
        channel.when_closed = when_closed.unwrap_or(if own.is_some() {
            WhenClosed::Dim
        } else {
            WhenClosed::Keep
        });
        channel.hours = match own {
            Some(own) => Some(own),
            None if channel.when_closed != WhenClosed::Keep => widget_hours.cloned(),
            None => None,
        };
        Some(channel)
    }

    fn form(&mut self, value: &Value) -> Option<Form> {
        let mut form = Form::default();
        let entries = match value {
            Value::Bool(false) => return None,
            Value::Bool(true) | Value::Null => return Some(form),
            Value::Object(entries) => entries,
            other => {
                self.issue(
                    "form",
                    message!("expected an object or false, found {}", other.kind()),
                );
                return Some(form);
            }
        };
        for (key, value) in entries {
            let path = join("form", key);
            match key.as_str() {
                "rating" => {
                    form.rating = match value {
                        Value::Bool(true) => Rating::Stars,
                        Value::Bool(false) => Rating::Off,
                        _ => self
                            .choice(&path, value, &Rating::ALL, Rating::name)
                            .unwrap_or(form.rating),
                    }
                }
                "spam" => {
                    form.spam = self
                        .choice(&path, value, &Spam::ALL, Spam::name)
                        .unwrap_or(form.spam)
                }
                "minSeconds" => match value {
                    Value::Number(n) if (0.0..=60.0).contains(n) => form.min_seconds = *n,
                    other => self.issue(
                        &path,
                        message!(
                            "expected a number of seconds from 0 to 60, found {}",
                            other.kind()
                        ),
                    ),
                },
                "email" => form.email = self.ask(&path, value).unwrap_or(form.email),
                "name" => form.name = self.ask(&path, value).unwrap_or(form.name),
                "consent" => form.consent = self.text(&path, value),
                "replyTime" => form.reply = self.choice(&path, value, &Reply::ALL, Reply::name),
                _ => self.issue(
                    &path,
                    message!("unknown key; the form has {}", FORM_KEYS.join(", ")),
                ),
            }
        }
        Some(form)
    }

    fn ask(&mut self, path: &str, value: &Value) -> Option<Ask> {
        match value {
            Value::Bool(true) => Some(Ask::Optional),
            Value::Bool(false) => Some(Ask::Off),
            _ => self.choice(path, value, &Ask::ALL, Ask::name),
        }
    }

    /// `"texts"`: overrides by key for every language, and objects by language tag for one.
    fn texts(&mut self, config: &mut Config, value: &Value) {
        let Value::Object(entries) = value else {
            self.issue(
                "texts",
                message!("expected an object of texts by key, found {}", value.kind()),
            );
            return;
        };
        for (key, value) in entries {
            let path = join("texts", key);
            match (Text::from_key(key), value) {
                (Some(text), _) => self.set_text(&mut config.texts, text, &path, value),
                (None, Value::Object(inner)) if self.language_tag(&path, key) => {
                    let mut texts = Texts::default();
                    for (key, value) in inner {
                        match Text::from_key(key) {
                            Some(text) => self.set_text(&mut texts, text, &join(&path, key), value),
                            None => self.issue(&join(&path, key), message!("unknown text key")),
                        }
                    }
                    config.language_texts.push((key.to_ascii_lowercase(), texts));
                }
                _ => self.issue(&path, message!("unknown text key (or, for one language's texts, use its tag with an object)")),
            }
        }
    }

    /// A BCP 47-shaped tag (`fr`, `pt-BR`, `zh-Hant-TW`), or an issue.
    fn language_tag(&mut self, path: &str, tag: &str) -> bool {
        let ok = is_language_tag(tag);
        if !ok && tag != "auto" {
            self.issue(
                path,
                message!("\"{tag}\" is not a language tag such as fr or pt-BR"),
            );
        }
        ok || tag == "auto"
    }

    fn theme(&mut self, value: &Value) -> Theme {
        let mut theme = Theme::default();
        let Value::Object(entries) = value else {
            self.issue(
                "theme",
                message!("expected an object, found {}", value.kind()),
            );
            return theme;
        };
        for (key, value) in entries {
            let path = join("theme", key);
            match key.as_str() {
                "scheme" => {
                    theme.scheme = self
                        .choice(&path, value, &Scheme::ALL, Scheme::name)
                        .unwrap_or_default()
                }
                "launcher" => {
                    theme.launcher = self
                        .choice(&path, value, &Launcher::ALL, Launcher::name)
                        .unwrap_or_default()
                }
                "radius" => match value {
                    Value::Number(n) if (0.0..=32.0).contains(n) => theme.radius = *n as u8,
                    other => self.issue(
                        &path,
                        message!(
                            "expected a number of pixels from 0 to 32, found {}",
                            other.kind()
                        ),
                    ),
                },
                "font" => {
                    // It goes into the stylesheet, so only what a font-family list needs is allowed.
                    let safe = |c: char| c.is_alphanumeric() || " ,-_'\"".contains(c);
                    match self.text(&path, value) {
                        Some(font) if font.chars().all(safe) => theme.font = Some(font),
                        Some(font) => {
                            theme.font_refused = true;
                            self.issue(&path, message!("\"{font}\" is not a font-family list (letters, digits, spaces, commas, quotes and hyphens only)"));
                        }
                        None => {}
                    }
                }
                _ => self.issue(
                    &path,
                    message!("unknown key; the theme has {}", THEME_KEYS.join(", ")),
                ),
            }
        }
        theme
    }
}

impl Config {
    /// The texts for `locale`: the owner's texts for that language, over the owner's texts for
    /// every language, over the shipped `table` for that language, over English.
    pub fn texts_for(&self, locale: &str, table: Vec<(Text, String)>) -> Texts {
        let primary = locale.split('-').next().unwrap_or(locale);
        let mine = self
            .language_texts
            .iter()
            .filter(|(tag, _)| tag == primary || tag.eq_ignore_ascii_case(locale));
        mine.fold(
            self.texts.clone().with_language(table),
            |texts, (_, more)| texts.with_overrides(more),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json;

    fn issues_of(config: &str) -> Vec<String> {
        parse(&json(config))
            .1
            .iter()
            .map(|i| format!("config `{}`: {}", i.path, i.message))
            .collect()
    }

    fn check_issues(cases: &[(&str, &[&str])]) {
        for (config, expected) in cases {
            assert_eq!(
                issues_of(config),
                expected
                    .iter()
                    .map(|e| crate::as_built(e))
                    .collect::<Vec<_>>(),
                "{config}"
            );
        }
    }

    #[test]
    fn an_issue_is_shown_with_its_message_or_its_path_alone() {
        let issue = |message: &str| {
            Issue {
                path: "channels[2].type".into(),
                message: message.into(),
            }
            .to_string()
        };
        assert_eq!(issue("missing"), "config `channels[2].type`: missing");
        assert_eq!(
            issue(""),
            "config `channels[2].type` is not valid; the configurator or docs/options.html say why"
        );
    }

    #[test]
    fn the_contract_example_parses() {
        let (config, issues) = parse(&json(
            r##"{
              "endpoint": "https://example.com/api/feedback", "title": "Contact us", "greeting": "Hi! How can we help?",
              "locale": "auto", "position": "bottom-right", "color": "#0b57d0",
              "channels": [
                { "type": "phone",    "value": "+1 555 0100 123", "label": "Sales" },
                { "type": "email",    "value": "help@example.com" },
                { "type": "whatsapp", "value": "+15550100123", "message": "Hello!" },
                { "type": "sms",      "value": "+15550100123" },
                { "type": "telegram", "value": "examplehq" },
                { "type": "messenger","value": "examplehq" },
                { "type": "x",        "value": "examplehq" },
                { "type": "instagram","value": "examplehq" },
                { "type": "linkedin", "value": "company/examplehq" },
                { "type": "link",     "value": "https://example.com/help", "label": "Help center" }
              ],
              "form": { "rating": true, "email": "optional", "consent": null }
            }"##,
        ));
        assert_eq!(issues, vec![]);
        assert_eq!(
            config.endpoint.as_deref(),
            Some("https://example.com/api/feedback")
        );
        assert_eq!(config.channels.len(), 10);
        assert_eq!(config.channels[0].href.as_deref(), Some("tel:+15550100123"));
        assert_eq!(config.channels[0].label.as_deref(), Some("Sales"));
        assert_eq!(config.channels[0].display, "+1 555 0100 123");
        assert_eq!(
            config.channels[2].href.as_deref(),
            Some("https://wa.me/15550100123?text=Hello%21")
        );
        let (pasted, issues) = parse(&json(
            r#"{"form":false,"channels":[{"type":"instagram","value":"https://www.instagram.com/beans/?igshid=abc"},{"type":"whatsapp","value":"https://wa.me/15550100123"}]}"#,
        ));
        assert_eq!(issues, vec![]);
        assert_eq!(
            (
                pasted.channels[0].display.as_str(),
                pasted.channels[0].href.as_deref()
            ),
            ("beans", Some("https://www.instagram.com/beans")),
            "a pasted link is shown as its handle"
        );
        assert_eq!(
            (
                pasted.channels[1].display.as_str(),
                pasted.channels[1].copy.as_deref()
            ),
            ("+15550100123", Some("+15550100123"))
        );
        assert_eq!(
            config.form,
            Some(Form {
                rating: Rating::Stars,
                ..Form::default()
            })
        );
        assert!(!config.simple_transport);
        let (config, issues) = parse(&json(
            r#"{"endpoint":"/f","transport":"simple","form":{"rating":"thumbs","spam":"flag","minSeconds":0}}"#,
        ));
        assert_eq!(issues, vec![]);
        assert!(config.simple_transport);
        assert_eq!(
            config.form,
            Some(Form {
                rating: Rating::Thumbs,
                spam: Spam::Flag,
                min_seconds: 0.0,
                ..Form::default()
            })
        );
    }

    #[test]
    fn each_problem_is_named_by_its_path_and_the_rest_still_works() {
        let cases: &[(&str, &[&str])] = &[
            (r#"[1]"#, &["config ``: expected an object, found a list"]),
            (r##"{"endpoint":"/f","position":"middle-left","offsetX":24,"offsetY":"8","zIndex":10,"fallback":"mailto:a@b.co","load":"idle"}"##, &[]),
            (r#"{"endpoint":"/f","load":"lazy"}"#, &["config `load`: \"lazy\" is not one of intent, idle, eager"]),
            (r#"{"endpoint":"/f","baseUrl":"https://cdn.example.com/contact-widget@1/"}"#, &[]),
            (r#"{"endpoint":"/f","baseUrl":"/static/contact-widget"}"#, &[]),
            (r#"{"endpoint":"/f","baseUrl":"javascript:alert(1)"}"#, &["config `baseUrl`: \"javascript:alert(1)\" is not an http(s) URL or a path on this site"]),
            (r##"{"endpoint":"/f","offsetX":-1,"offsetY":"8px","zIndex":1.5,"fallback":"javascript:alert(1)"}"##, &["config `offsetX`: expected pixels: a whole number from 0 to 400", "config `offsetY`: expected pixels: a whole number from 0 to 400", "config `zIndex`: expected a z-index: a whole number from 0 to 2147483647", "config `fallback`: is not an http(s), mailto: or tel: URL; the launcher falls back to the first e-mail or phone channel"]),
            (r##"{"endpoint":"/f","colour":"#fff"}"##, &["config `colour`: unknown key; the known keys are endpoint, transport, title, greeting, locale, position, offsetX, offsetY, zIndex, color, theme, channels, form, texts, hours, fallback, load, delay, pages, insights, baseUrl"]),
            (r#"{"endpoint":"/f","delay":"5","insights":true,"pages":{"include":["/shop/*","/"],"exclude":["/shop/checkout*"]}}"#, &[]),
            (r#"{"endpoint":"/f","delay":601,"insights":"yes","pages":{"exclude":"/checkout","only":[],"include":["checkout","/a b",7]}}"#, &["config `delay`: expected seconds: a whole number from 0 to 600", "config `insights`: expected true or false", "config `pages.exclude`: expected a list of paths, like [\"/checkout/*\"]", "config `pages.only`: unknown key; the known keys are include, exclude", "config `pages.include[0]`: expected a path starting with / (`*` stands for any characters), at most 200 characters", "config `pages.include[1]`: expected a path starting with / (`*` stands for any characters), at most 200 characters", "config `pages.include[2]`: expected a path starting with / (`*` stands for any characters), at most 200 characters"]),
            (r#"{"endpoint":"/f","channels":[{"type":"fax","value":"1"}]}"#, &["config `channels[0].type`: unknown channel type \"fax\"; the known types are phone, sms, email, whatsapp, telegram, messenger, signal, viber, line, wechat, skype, teams, discord, x, instagram, facebook, linkedin, youtube, tiktok, map, link, custom"]),
            (r#"{"endpoint":"/f","channels":[{"type":"link","value":"javascript:alert(1)"}]}"#, &["config `channels[0].value`: \"javascript:alert(1)\" is not an https:, http:, mailto:, tel: or sms: URL, or a path on this site; this link channel is not shown"]),
            (r#"{"endpoint":"/f","channels":[{"type":"instagram","value":"https://www.instagram.com/beans/?igshid=abc"},{"type":"instagram","value":"https://evil.example/beans"}]}"#, &["config `channels[1].value`: \"https://evil.example/beans\" is not an Instagram username (letters, digits, . or _) or its profile link; this instagram channel is not shown"]),
            (r#"{"endpoint":"/f","channels":[{"value":"x"}, "phone"]}"#, &["config `channels[0].type`: missing", "config `channels[1]`: expected an object with \"type\" and \"value\", found text"]),
            (r#"{"endpoint":"/f","channels":[{"type":"phone"}]}"#, &["config `channels[0].value`: missing; a phone channel needs a phone number with its country code, such as +1 555 0100"]),
            (r#"{"endpoint":"/f","channels":[{"type":"phone","value":"+15550100123","message":"hi","icon":"x"}]}"#, &["config `channels[0].icon`: unknown key; a channel has type, value, label, message, subject, group, devices, hours, whenClosed, replyTime", "config `channels[0].message`: a phone channel cannot prefill a message; it is ignored"]),
            (r#"{"endpoint":"javascript:alert(1)"}"#, &["config `endpoint`: \"javascript:alert(1)\" is not an http(s) URL or a path on this site"]),
            (r#"{"endpoint":"mailto:a@b.co"}"#, &["config `endpoint`: \"mailto:a@b.co\" is not an http(s) URL or a path on this site"]),
            (r#"{}"#, &["config `endpoint`: missing, so the feedback form is hidden (set \"form\": false to hide it on purpose)"]),
            (r#"{"form":false}"#, &[]),
            (r#"{"form":false,"$schema":"https://example.com/config.schema.json"}"#, &[]),
            (r#"{"endpoint":"/f","position":"middle","color":"blue","title":5}"#, &["config `position`: \"middle\" is not one of bottom-right, bottom-left, top-right, top-left, middle-right, middle-left", "config `color`: \"blue\" is not a colour; write it as #rrggbb or #rgb", "config `title`: expected text, found a number"]),
            (r#"{"endpoint":"/f","form":{"email":"maybe","rating":"yes","captcha":true}}"#, &["config `form.email`: \"maybe\" is not one of off, optional, required", "config `form.rating`: \"yes\" is not one of off, stars, faces, thumbs", "config `form.captcha`: unknown key; the form has rating, email, name, consent, spam, minSeconds, replyTime"]),
            (r#"{"endpoint":"/f","transport":"carrier-pigeon","form":{"spam":"keep","minSeconds":-1}}"#, &["config `transport`: \"carrier-pigeon\" is not one of json, simple", "config `form.spam`: \"keep\" is not one of drop, flag", "config `form.minSeconds`: expected a number of seconds from 0 to 60, found a number"]),
            (r#"{"endpoint":"/f","texts":{"send":"Go","nope":"x","close":"","fr":{"send":"Envoyer","nah":"x"}}}"#, &["config `texts.nope`: unknown text key (or, for one language's texts, use its tag with an object)", "config `texts.close`: is empty", "config `texts.fr.nah`: unknown text key"]),
            (r#"{"endpoint":"/f","locale":"french!","theme":{"scheme":"dim","radius":99,"font":"x;}body{display:none","shape":1}}"#, &["config `locale`: \"french!\" is not a language tag such as fr or pt-BR", "config `theme.scheme`: \"dim\" is not one of auto, light, dark", "config `theme.radius`: expected a number of pixels from 0 to 32, found a number", "config `theme.font`: \"x;}body{display:none\" is not a font-family list (letters, digits, spaces, commas, quotes and hyphens only)", "config `theme.shape`: unknown key; the theme has scheme, radius, launcher, font"]),
        ];
        check_issues(cases);
    }

    #[test]
    fn channels_take_groups_devices_hours_and_reply_times() {
        let (config, issues) = parse(&json(
            r#"{"form":false,"hours":{"timeZone":"Europe/Paris","weekly":{"mon-fri":"09:00-17:00"}},"channels":[
                {"type":"phone","value":"+33 1 23 45 67 89"},
                {"type":"phone","value":"+33 1 23 45 67 89","whenClosed":"hide","devices":"mobile"},
                {"type":"whatsapp","value":"+33 6 12 34 56 78","hours":{"weekly":{"daily":"08:00-22:00"}},"replyTime":"minutes"},
                {"type":"email","value":"a@b.co","subject":"Hi","group":"other"},
                {"type":"wechat","value":"examplehq"}]}"#,
        ));
        assert_eq!(issues, vec![]);
        let c = &config.channels;
        assert_eq!(
            config.hours.as_ref().map(|h| h.time_zone.as_str()),
            Some("Europe/Paris")
        );
        assert_eq!(
            (
                c[0].hours.is_none(),
                c[0].when_closed,
                c[0].group,
                c[0].copy.as_deref()
            ),
            (true, WhenClosed::Keep, Group::Call, Some("+33123456789"))
        );
        assert_eq!(
            (c[1].hours.is_some(), c[1].when_closed, c[1].devices),
            (true, WhenClosed::Hide, Devices::Mobile)
        );
        assert_eq!(
            (
                c[2].hours.as_ref().unwrap().time_zone.as_str(),
                c[2].when_closed,
                c[2].reply
            ),
            ("Europe/Paris", WhenClosed::Dim, Some(Reply::Minutes))
        );
        assert_eq!(
            (c[3].href.as_deref(), c[3].group),
            (Some("mailto:a@b.co?subject=Hi"), Group::Other)
        );
        assert_eq!(
            (c[4].href.as_deref(), c[4].copy.as_deref(), c[4].group),
            (None, Some("examplehq"), Group::Message)
        );

        let cases: &[(&str, &[&str])] = &[
            (r#"{"form":false,"channels":[{"type":"phone","value":"+15550100123","whenClosed":"dim"}]}"#, &["config `channels[0].whenClosed`: there are no hours to be closed outside of; add \"hours\" to this channel or to the widget"]),
            (r#"{"form":false,"channels":[{"type":"phone","value":"+15550100123","subject":"x","group":"vip","devices":"watch","replyTime":"soon"}]}"#, &[
                "config `channels[0].subject`: only an email channel has a subject; it is ignored on this phone channel",
                "config `channels[0].group`: \"vip\" is not one of call, message, visit, follow, other",
                "config `channels[0].devices`: \"watch\" is not one of all, mobile, desktop",
                "config `channels[0].replyTime`: \"soon\" is not one of minutes, hour, hours, day",
            ]),
            (r#"{"form":false,"channels":[{"type":"phone","value":"+15550100123","hours":{"weekly":{"mon":"09:00-17:00"}}}]}"#, &["config `channels[0].hours.timeZone`: missing; write the IANA time zone the hours are in, such as Europe/Paris"]),
            (r#"{"form":false,"hours":{"timeZone":"Mars/Olympus_Mons","weekly":{"mon":"9-5"}}}"#, &["config `hours.weekly.mon`: \"9-5\" is not a range such as 09:00-17:00 (24-hour clock; 22:00-02:00 runs past midnight)"]),
        ];
        check_issues(cases);
    }

    #[test]
    fn texts_layer_owner_language_owner_all_shipped_english() {
        let (config, issues) = parse(&json(
            r#"{"form":false,"title":"Talk to us","texts":{"send":"Go","fr":{"close":"Fermer ça"},"fr-CA":{"close":"Fermer svp"}},"theme":{"scheme":"dark","radius":4,"launcher":"icon","font":"Inter, 'Helvetica Neue', sans-serif"}}"#,
        ));
        assert_eq!(issues, vec![]);
        let table = vec![
            (Text::Close, "Fermer".to_owned()),
            (Text::Send, "Envoyer".to_owned()),
            (Text::Name, "Nom".to_owned()),
        ];
        let fr = config.texts_for("fr", table.clone());
        assert_eq!(
            (
                fr.get(Text::Close),
                fr.get(Text::Send),
                fr.get(Text::Name),
                fr.get(Text::Title),
                fr.get(Text::Email)
            ),
            ("Fermer ça", "Go", "Nom", "Talk to us", "Email")
        );
        assert_eq!(
            config.texts_for("fr-CA", table.clone()).get(Text::Close),
            "Fermer svp"
        );
        assert_eq!(config.texts_for("de", Vec::new()).get(Text::Close), "Close");
        assert_eq!(
            config.theme,
            Theme {
                scheme: Scheme::Dark,
                radius: 4,
                launcher: Launcher::Icon,
                font: Some("Inter, 'Helvetica Neue', sans-serif".into()),
                font_refused: false
            }
        );
    }

    #[test]
    fn bad_channels_are_dropped_and_good_ones_kept() {
        let (config, issues) = parse(&json(
            r#"{"endpoint":"/f","channels":[{"type":"fax","value":"1"},{"type":"email","value":"a@b.co"},{"type":"link","value":" JAVA\tSCRIPT:alert(1)"}]}"#,
        ));
        assert_eq!(issues.len(), 2);
        assert_eq!(
            config
                .channels
                .iter()
                .map(|c| c.href.as_deref().unwrap_or_default())
                .collect::<Vec<_>>(),
            ["mailto:a@b.co"]
        );
        assert!(config.form.is_some());
    }

    #[test]
    fn hostile_labels_are_kept_verbatim_as_text() {
        let label = "<img src=x onerror=alert(1)>";
        let (config, issues) = parse(&json(&format!(
            r#"{{"form":false,"title":"{label}","channels":[{{"type":"email","value":"a@b.co","label":"{label}"}}]}}"#
        )));
        assert_eq!(issues, vec![]);
        assert_eq!(config.texts.get(Text::Title), label);
        assert_eq!(config.channels[0].label.as_deref(), Some(label));
    }
}
