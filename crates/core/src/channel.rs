//! Ways to reach the business: the channel catalogue. Each type's name, default group, what its
//! value must be, the link it becomes (with prefilled text percent-encoded), and its icon.
//!
//! Everything here is table-driven from [`Kind::ALL`] and [`Kind::spec`], so the parser, the JSON
//! Schema, the docs, the icons and the tests share one list.

use crate::hours::Schedule;

/// A channel type, as written in the config's `"type"` (and as a data attribute name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Phone,
    Sms,
    Email,
    Whatsapp,
    Telegram,
    Messenger,
    Signal,
    Viber,
    Line,
    Wechat,
    Skype,
    Teams,
    Discord,
    X,
    Instagram,
    Facebook,
    Linkedin,
    Youtube,
    Tiktok,
    Map,
    Link,
    Custom,
}

/// Where a channel is listed in the panel; each group has its own heading ("Call us", …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Call,
    Message,
    Visit,
    Follow,
    Other,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Call,
        Group::Message,
        Group::Visit,
        Group::Follow,
        Group::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Group::Call => "call",
            Group::Message => "message",
            Group::Visit => "visit",
            Group::Follow => "follow",
            Group::Other => "other",
        }
    }
}

/// On which devices a channel is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Devices {
    #[default]
    All,
    Mobile,
    Desktop,
}

impl Devices {
    pub const ALL: [Devices; 3] = [Devices::All, Devices::Mobile, Devices::Desktop];

    pub fn name(self) -> &'static str {
        match self {
            Devices::All => "all",
            Devices::Mobile => "mobile",
            Devices::Desktop => "desktop",
        }
    }

    pub fn shows_on(self, mobile: bool) -> bool {
        match self {
            Devices::All => true,
            Devices::Mobile => mobile,
            Devices::Desktop => !mobile,
        }
    }
}

/// What a channel does outside its hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WhenClosed {
    /// Shown as usual.
    #[default]
    Keep,
    /// Shown dimmed, with the next opening.
    Dim,
    /// Not shown.
    Hide,
}

impl WhenClosed {
    pub const ALL: [WhenClosed; 3] = [WhenClosed::Keep, WhenClosed::Dim, WhenClosed::Hide];

    pub fn name(self) -> &'static str {
        match self {
            WhenClosed::Keep => "keep",
            WhenClosed::Dim => "dim",
            WhenClosed::Hide => "hide",
        }
    }
}

/// How fast the business typically answers on a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Minutes,
    Hour,
    Hours,
    Day,
}

impl Reply {
    pub const ALL: [Reply; 4] = [Reply::Minutes, Reply::Hour, Reply::Hours, Reply::Day];

    pub fn name(self) -> &'static str {
        match self {
            Reply::Minutes => "minutes",
            Reply::Hour => "hour",
            Reply::Hours => "hours",
            Reply::Day => "day",
        }
    }
}

/// One row of the catalogue.
pub struct Spec {
    pub kind: Kind,
    pub name: &'static str,
    pub group: Group,
    /// Takes a prefilled `"message"` (put into the link, percent-encoded).
    pub message: bool,
    /// The value is a phone number: on a desktop the number gets a Copy button and a QR code.
    pub number: bool,
    /// What the owner should write as the value, for error messages, the schema and the docs
    /// (`""` without the `messages` feature).
    pub expects: &'static str,
    /// Where owners copy a profile link from, space-separated: `host/path-prefix`, the handle
    /// follows; after a `|`, how the handle itself must begin (`youtube.com/|@`). Any subdomain
    /// of the host (`www.`, `m.`, …), `https://`, `http://` or no scheme; the query, the fragment
    /// and a trailing `/` are left out (see [`pasted`]).
    pub paste: &'static str,
    /// A 24×24 single-path glyph (even-odd fill).
    pub icon: &'static str,
}

const PHONE: &str = "a phone number with its country code, such as +1 555 0100";

/// The catalogue, in the order of [`Kind`].
pub static SPECS: [Spec; 22] = [
    Spec { kind: Kind::Phone, name: "phone", group: Group::Call, message: false, number: true, expects: owner_text!(PHONE),
        paste: "", icon: "M6.6 10.8a15 15 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.3 11 11 0 0 0 3.6.6 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1 11 11 0 0 0 .6 3.6 1 1 0 0 1-.3 1z" },
    Spec { kind: Kind::Sms, name: "sms", group: Group::Message, message: true, number: true, expects: owner_text!(PHONE),
        paste: "", icon: "M3 5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-5 4zm5 4v2h2V9zm3 0v2h2V9zm3 0v2h2V9z" },
    Spec { kind: Kind::Email, name: "email", group: Group::Message, message: true, number: false, expects: owner_text!("an e-mail address such as help@example.com"),
        paste: "", icon: "M2 6a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2zm2 .5V18h16V6.5l-8 5z" },
    Spec { kind: Kind::Whatsapp, name: "whatsapp", group: Group::Message, message: true, number: true, expects: owner_text!("a phone number with its country code, such as +1 555 0100, or a wa.me/ link"),
        paste: "wa.me/ whatsapp.com/send?phone= whatsapp.com/send/?phone=", icon: "M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2zm0 2a8 8 0 1 1-4.1 14.9l-2.9.8.8-2.8A8 8 0 0 1 12 4zM9 7.5c-.5 0-1 .5-1 1.5 0 3 3.5 6.5 6.5 6.5 1 0 1.5-.5 1.5-1l-.3-1.2-1.7-.8-1 1c-1.2-.5-2.5-1.8-3-3l1-1-.8-1.7z" },
    Spec { kind: Kind::Telegram, name: "telegram", group: Group::Message, message: false, number: false, expects: owner_text!("a Telegram username (5-32 letters, digits or _), a phone number with its country code, or a t.me/ link"),
        paste: "t.me/s/ t.me/ telegram.me/ telegram.dog/", icon: "M2 11 22 3l-3 18-7-5-3 4v-6l10-9-12 7z" },
    Spec { kind: Kind::Messenger, name: "messenger", group: Group::Message, message: false, number: false, expects: owner_text!("a Facebook page username (letters, digits or .) or an m.me/ link"),
        paste: "m.me/ messenger.com/t/", icon: "M12 2C6.5 2 2 6.1 2 11.2c0 2.9 1.5 5.5 3.8 7.2V22l3.4-1.9c.9.3 1.8.4 2.8.4 5.5 0 10-4.1 10-9.2S17.5 2 12 2zm1 12.4-2.6-2.7-5 2.7 5.5-5.8 2.6 2.7 5-2.7z" },
    Spec { kind: Kind::Signal, name: "signal", group: Group::Message, message: false, number: true, expects: owner_text!("a phone number with its country code, or a signal.me/ link"),
        paste: "signal.me/#p/", icon: "M12 1.5a10.5 10.5 0 1 0 0 21 10.5 10.5 0 0 0 0-21zm0 3a7.5 7.5 0 0 0-6.4 11.4l-.8 3.3 3.3-.8A7.5 7.5 0 1 0 12 4.5z" },
    Spec { kind: Kind::Viber, name: "viber", group: Group::Message, message: false, number: true, expects: owner_text!(PHONE),
        paste: "", icon: "M12 2C7 2 3 4.5 3 10c0 3 1 5 3 6.3V21l3.3-3q1.4.2 2.7.2c5 0 9-2.7 9-8.2S17 2 12 2zM9.3 6.5c-.5-.1-1.1.4-1.3 1 0 3.4 3.6 7.2 7.2 7.3.6-.1 1.2-.7 1-1.2l-.5-1-1.6-.7-1 .8c-1.3-.5-2.5-1.7-3-3l.8-1-.7-1.6z" },
    Spec { kind: Kind::Line, name: "line", group: Group::Message, message: false, number: false, expects: owner_text!("a LINE ID (4-20 letters, digits, ., _ or -; @ for an official account) or a line.me/ link"),
        paste: "line.me/R/ti/p/ line.me/ti/p/", icon: "M12 3C6.5 3 2 6.6 2 11c0 4 3.5 7.3 8.3 7.9.6.1.8.5.6 1.3l-.2 1.3c0 .4.3.8 1 .4 1-.5 6.4-3.8 8.7-6.6 1.3-1.4 1.6-2.8 1.6-4.3 0-4.4-4.5-8-10-8zM6 9v4h3v-1H7V9zm4 0v4h1V9zm2 0v4h1v-2.5l2 2.5h1V9h-1v2.5L13 9zm5 0v4h3v-1h-2v-.5h2v-1h-2V10h2V9z" },
    Spec { kind: Kind::Wechat, name: "wechat", group: Group::Message, message: false, number: false, expects: owner_text!("a WeChat ID (6-20 letters, digits, _ or -, starting with a letter)"),
        paste: "", icon: "M9 3C5 3 2 5.7 2 9c0 1.9 1 3.5 2.6 4.6L4 16l2.6-1.4q1.2.4 2.4.4h.4A5.6 5.6 0 0 1 9.2 14c0-3.3 3.1-6 7-6h.5C16 5.1 12.9 3 9 3zm7.2 6C12.8 9 10 11.3 10 14.1s2.8 5 6.2 5q1 0 2-.3l2.2 1.2-.5-2c1.3-1 2.1-2.3 2.1-3.9C22 11.3 19.6 9 16.2 9z" },
    Spec { kind: Kind::Skype, name: "skype", group: Group::Call, message: false, number: false, expects: owner_text!("a Skype name (6-32 letters, digits, ., , _ or -, or live:…)"),
        paste: "", icon: "M7.5 2a5.5 5.5 0 0 0-4.8 8.3 9.5 9.5 0 0 0 11 11 5.5 5.5 0 0 0 7.6-7.6 9.5 9.5 0 0 0-11-11A5.5 5.5 0 0 0 7.5 2zm4.7 4.5c2.1 0 4.1.9 4.1 2.1 0 .6-.4 1-1 1-1.2 0-1.2-1.4-3.2-1.4-1.2 0-1.9.4-1.9 1 0 1.7 6.1.8 6.1 4.4 0 1.6-1.4 3-4.2 3-2.5 0-4.6-1.2-4.6-2.5 0-.6.4-1 1-1 1.2 0 1.3 1.8 3.6 1.8 1.3 0 2.1-.5 2.1-1.2 0-1.9-6-1-6-4.3 0-1.7 1.5-2.9 4-2.9z" },
    Spec { kind: Kind::Teams, name: "teams", group: Group::Message, message: true, number: false, expects: owner_text!("the e-mail address of a Microsoft Teams account"),
        paste: "", icon: "M3 6h11v12H3zm2.5 3v1.5h2V16H9v-5.5h2V9zM19 5a2 2 0 1 1-4 0 2 2 0 0 1 4 0zm-4 4h6v5a3 3 0 0 1-6 0z" },
    Spec { kind: Kind::Discord, name: "discord", group: Group::Message, message: false, number: false, expects: owner_text!("a Discord invite code or a discord.gg/ link"),
        paste: "discord.gg/ discord.com/invite/ discordapp.com/invite/", icon: "M19.5 5.5A17 17 0 0 0 15.3 4l-.5 1a15.6 15.6 0 0 0-5.6 0l-.5-1a17 17 0 0 0-4.2 1.4C1.8 9.5 1 13.4 1.4 17.3A17 17 0 0 0 6.6 20l1.1-1.8-1.7-.9.4-.3a12 12 0 0 0 11.2 0l.4.3-1.7.9 1.1 1.8a17 17 0 0 0 5.2-2.7c.5-4.5-.8-8.4-3.1-11.8zM8.7 15c-1 0-1.9-1-1.9-2.2s.8-2.2 1.9-2.2 1.9 1 1.9 2.2-.8 2.2-1.9 2.2zm6.6 0c-1 0-1.9-1-1.9-2.2s.8-2.2 1.9-2.2 1.9 1 1.9 2.2-.8 2.2-1.9 2.2z" },
    Spec { kind: Kind::X, name: "x", group: Group::Follow, message: false, number: false, expects: owner_text!("an X handle (1-15 letters, digits or _) or its x.com/ link"),
        paste: "x.com/ twitter.com/", icon: "M17.8 3h3l-6.5 7.5L22 21h-6l-4.7-6.2L5.9 21H2.8l7-8L2.5 3h6.2l4.3 5.7zm-1 16.2h1.7L7.3 4.7H5.5z" },
    Spec { kind: Kind::Instagram, name: "instagram", group: Group::Follow, message: false, number: false, expects: owner_text!("an Instagram username (letters, digits, . or _) or its profile link"),
        paste: "instagram.com/ instagr.am/", icon: "M7 2h10a5 5 0 0 1 5 5v10a5 5 0 0 1-5 5H7a5 5 0 0 1-5-5V7a5 5 0 0 1 5-5zm0 2a3 3 0 0 0-3 3v10a3 3 0 0 0 3 3h10a3 3 0 0 0 3-3V7a3 3 0 0 0-3-3zm5 3.5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zm5.3-4a1.2 1.2 0 1 1 0 2.4 1.2 1.2 0 0 1 0-2.4z" },
    Spec { kind: Kind::Facebook, name: "facebook", group: Group::Follow, message: false, number: false, expects: owner_text!("a Facebook page name (letters, digits, . or -) or its link"),
        paste: "facebook.com/profile.php?id= facebook.com/ fb.com/ fb.me/", icon: "M12 2a10 10 0 0 0-1.6 19.9V15H8v-3h2.4V9.8c0-2.5 1.5-3.9 3.8-3.9 1.1 0 2.2.2 2.2.2v2.5h-1.3c-1.2 0-1.6.8-1.6 1.6V12h2.8l-.4 3h-2.4v6.9A10 10 0 0 0 12 2z" },
    Spec { kind: Kind::Linkedin, name: "linkedin", group: Group::Follow, message: false, number: false, expects: owner_text!("a LinkedIn path such as company/examplehq or in/jane-doe, or its link"),
        paste: "linkedin.com/", icon: "M4 2h16a2 2 0 0 1 2 2v16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm1.5 7.5V19h3V9.5zM7 5a1.7 1.7 0 1 0 0 3.4A1.7 1.7 0 0 0 7 5zm3.5 4.5V19h3v-5c0-1.3.3-2.6 1.9-2.6s1.6 1.5 1.6 2.7V19h3v-5.5c0-2.7-.6-4.7-3.7-4.7a3.3 3.3 0 0 0-2.9 1.6V9.5z" },
    Spec { kind: Kind::Youtube, name: "youtube", group: Group::Follow, message: false, number: false, expects: owner_text!("a YouTube handle such as @examplehq, channel/UC…, or its link"),
        paste: "youtube.com/|@ youtube.com/|channel/", icon: "M21.6 7.2a2.5 2.5 0 0 0-1.8-1.8C18.3 5 12 5 12 5s-6.3 0-7.8.4a2.5 2.5 0 0 0-1.8 1.8C2 8.8 2 12 2 12s0 3.2.4 4.8a2.5 2.5 0 0 0 1.8 1.8c1.5.4 7.8.4 7.8.4s6.3 0 7.8-.4a2.5 2.5 0 0 0 1.8-1.8c.4-1.6.4-4.8.4-4.8s0-3.2-.4-4.8zM10 15V9l5.2 3z" },
    Spec { kind: Kind::Tiktok, name: "tiktok", group: Group::Follow, message: false, number: false, expects: owner_text!("a TikTok username (2-24 letters, digits, . or _) or its profile link"),
        paste: "tiktok.com/|@", icon: "M16.6 2h-3.4v13.4a2.9 2.9 0 1 1-2-2.8V9.2a6.3 6.3 0 1 0 5.4 6.2V8.6A8 8 0 0 0 21 10V6.6A4.6 4.6 0 0 1 16.6 2z" },
    Spec { kind: Kind::Map, name: "map", group: Group::Visit, message: false, number: false, expects: owner_text!("a street address, or an https: link to a map"),
        paste: "", icon: "M12 2a7 7 0 0 0-7 7c0 5.2 7 13 7 13s7-7.8 7-13a7 7 0 0 0-7-7zm0 4.5a2.5 2.5 0 1 1 0 5 2.5 2.5 0 0 1 0-5z" },
    Spec { kind: Kind::Link, name: "link", group: Group::Other, message: false, number: false, expects: owner_text!("an https:, http:, mailto:, tel: or sms: URL, or a path on this site"),
        paste: "", icon: "M14 3h7v7h-2V6.4l-9.3 9.3-1.4-1.4L17.6 5H14zM5 5h6v2H5v12h12v-6h2v6a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V7a2 2 0 0 1 2-2z" },
    Spec { kind: Kind::Custom, name: "custom", group: Group::Other, message: false, number: false,
        expects: owner_text!("an https:, http:, mailto:, tel: or sms: URL, a path on this site, or a link of a listed app (viber:, skype:, sgnl:, tg:, whatsapp:, msteams:)"),
        paste: "", icon: "M8 7h3v2H8a3 3 0 0 0 0 6h3v2H8A5 5 0 0 1 8 7zm5 0h3a5 5 0 0 1 0 10h-3v-2h3a3 3 0 0 0 0-6h-3zm-5 4h8v2H8z" },
];

impl Kind {
    pub const ALL: [Kind; 22] = [
        Kind::Phone,
        Kind::Sms,
        Kind::Email,
        Kind::Whatsapp,
        Kind::Telegram,
        Kind::Messenger,
        Kind::Signal,
        Kind::Viber,
        Kind::Line,
        Kind::Wechat,
        Kind::Skype,
        Kind::Teams,
        Kind::Discord,
        Kind::X,
        Kind::Instagram,
        Kind::Facebook,
        Kind::Linkedin,
        Kind::Youtube,
        Kind::Tiktok,
        Kind::Map,
        Kind::Link,
        Kind::Custom,
    ];

    pub fn spec(self) -> &'static Spec {
        &SPECS[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.spec().name
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Whether the channel takes a prefilled `"message"` (put into the link, URL-encoded).
    pub fn takes_message(self) -> bool {
        self.spec().message
    }

    /// What the owner should write as the value, for error messages and the schema.
    pub fn expects(self) -> &'static str {
        self.spec().expects
    }
}

/// A channel that passed validation, ready to render.
#[derive(Clone, Debug, PartialEq)]
pub struct Channel {
    pub kind: Kind,
    /// The owner's own label (e.g. "Sales"); the UI falls back to the channel type's name.
    pub label: Option<String>,
    /// The value as the owner wrote it, shown to the visitor (a number stays in its human format).
    pub display: String,
    /// The link target, always of an allowed scheme; `None` for a channel that has no link
    /// (WeChat: the ID is shown with a Copy button).
    pub href: Option<String>,
    /// What a Copy button copies (a number in E.164, a WeChat ID); `None` when there is nothing
    /// worth copying.
    pub copy: Option<String>,
    pub group: Group,
    pub devices: Devices,
    /// The channel's own hours, or the widget's when it follows them (`None`: always available).
    pub hours: Option<Schedule>,
    pub when_closed: WhenClosed,
    pub reply: Option<Reply>,
}

impl Channel {
    /// A channel with the defaults of its kind (for tests and the shell's fallbacks).
    pub fn new(kind: Kind, display: &str, href: Option<String>) -> Channel {
        Channel {
            kind,
            label: None,
            display: display.to_owned(),
            href,
            copy: None,
            group: kind.spec().group,
            devices: Devices::All,
            hours: None,
            when_closed: WhenClosed::Keep,
            reply: None,
        }
    }

    /// On a desktop, a phone-like channel gets Copy and a QR code to continue on the phone, beside
    /// its link (FaceTime, Phone Link, Teams and softphones call `tel:` links on computers too); a
    /// WeChat ID always gets Copy. On a phone, links open the app directly.
    pub fn copyable(&self, mobile: bool) -> bool {
        self.copy.is_some() && (self.href.is_none() || !mobile)
    }
}

/// Builds the link for `value` of `kind`, with an optional prefilled `message` (and `subject`, for
/// e-mail). `Ok(None)` for a kind without links (WeChat). `Err` carries what was expected, for a
/// console message naming the channel.
///
/// A profile link the owner pasted makes the same link as its handle (see [`pasted`]).
pub fn link(
    kind: Kind,
    value: &str,
    message: Option<&str>,
    subject: Option<&str>,
) -> Result<Option<String>, &'static str> {
    let pasted = pasted(kind, value);
    let value = pasted.as_deref().unwrap_or(value.trim());
    let bad = kind.expects();
    let handle = |ok: fn(char) -> bool, min: usize, max: usize| {
        let h = value.strip_prefix('@').unwrap_or(value);
        let n = h.chars().count();
        (n >= min && n <= max && h.chars().all(ok))
            .then_some(h)
            .ok_or(bad)
    };
    fn word(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '_'
    }
    let given = |m: Option<&str>| m.filter(|m| !m.is_empty()).map(encode);
    let query = |pairs: &[(&str, Option<String>)]| {
        let mut out = String::new();
        for (key, value) in pairs {
            if let Some(value) = value {
                out.push(if out.is_empty() { '?' } else { '&' });
                out.push_str(key);
                out.push('=');
                out.push_str(value);
            }
        }
        out
    };
    let number = || e164(value).ok_or(bad);
    Ok(Some(match kind {
        Kind::Phone => ["tel:", &number()?].concat(),
        Kind::Sms => ["sms:", &number()?, &query(&[("body", given(message))])].concat(),
        Kind::Whatsapp => [
            "https://wa.me/",
            &number()?[1..],
            &query(&[("text", given(message))]),
        ]
        .concat(),
        Kind::Email => {
            if !crate::form::is_email(value) {
                return Err(bad);
            }
            [
                "mailto:",
                &encode_email(value),
                &query(&[("subject", given(subject)), ("body", given(message))]),
            ]
            .concat()
        }
        Kind::Telegram => match e164(value) {
            Some(n) => ["https://t.me/", &n].concat(),
            None => ["https://t.me/", handle(word, 5, 32)?].concat(),
        },
        Kind::Messenger => [
            "https://m.me/",
            handle(|c| c.is_ascii_alphanumeric() || c == '.', 5, 50)?,
        ]
        .concat(),
        Kind::Signal => match e164(value) {
            Some(n) => ["https://signal.me/#p/", &n].concat(),
            None => web_link(value, &["signal.me", "signal.group"]).ok_or(bad)?,
        },
        Kind::Viber => ["viber://chat?number=", &encode(&number()?)].concat(),
        Kind::Line => {
            let id = value.strip_prefix('~').unwrap_or(value);
            let (official, bare) = match id.strip_prefix('@') {
                Some(rest) => (true, rest),
                None => (false, id),
            };
            let n = bare.chars().count();
            if !(4..=20).contains(&n) || !bare.chars().all(|c| word(c) || c == '.' || c == '-') {
                return Err(bad);
            }
            [
                "https://line.me/R/ti/p/",
                if official { "%40" } else { "~" },
                bare,
            ]
            .concat()
        }
        Kind::Wechat => {
            let n = value.chars().count();
            let ok = (6..=20).contains(&n)
                && value.starts_with(|c: char| c.is_ascii_alphabetic())
                && value.chars().all(|c| word(c) || c == '-');
            return if ok { Ok(None) } else { Err(bad) };
        }
        Kind::Skype => {
            let name = value.strip_prefix("live:");
            let body = name.unwrap_or(value);
            let n = body.chars().count();
            let ok = (if name.is_some() { 1..=64 } else { 6..=32 }).contains(&n)
                && body
                    .chars()
                    .all(|c| word(c) || matches!(c, '.' | ',' | '-'));
            if !ok {
                return Err(bad);
            }
            ["skype:", value, "?chat"].concat()
        }
        Kind::Teams => {
            if !crate::form::is_email(value) {
                return Err(bad);
            }
            [
                "https://teams.microsoft.com/l/chat/0/0",
                &query(&[("users", Some(encode(value))), ("message", given(message))]),
            ]
            .concat()
        }
        Kind::Discord => {
            let n = value.chars().count();
            if !(2..=32).contains(&n)
                || !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            {
                return Err(bad);
            }
            ["https://discord.gg/", value].concat()
        }
        Kind::X => ["https://x.com/", handle(word, 1, 15)?].concat(),
        Kind::Instagram => [
            "https://www.instagram.com/",
            handle(|c| word(c) || c == '.', 1, 30)?,
        ]
        .concat(),
        Kind::Facebook => {
            match handle(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-', 5, 75)? {
                // A page without a username has only its number (`profile.php?id=…`).
                id if id.bytes().all(|b| b.is_ascii_digit()) => {
                    ["https://www.facebook.com/profile.php?id=", id].concat()
                }
                name => ["https://www.facebook.com/", name].concat(),
            }
        }
        Kind::Linkedin => {
            let path = value.trim_matches('/');
            let ok = path.split('/').count() == 2
                && path.split('/').all(|seg| {
                    !seg.is_empty()
                        && seg
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                });
            if !ok {
                return Err(bad);
            }
            ["https://www.linkedin.com/", path, "/"].concat()
        }
        Kind::Youtube => match value.strip_prefix("channel/") {
            Some(id)
                if id.len() == 24
                    && id.starts_with("UC")
                    && id.chars().all(|c| word(c) || c == '-') =>
            {
                ["https://www.youtube.com/channel/", id].concat()
            }
            Some(_) => return Err(bad),
            None => [
                "https://www.youtube.com/@",
                handle(|c| word(c) || c == '.' || c == '-', 3, 30)?,
            ]
            .concat(),
        },
        Kind::Tiktok => [
            "https://www.tiktok.com/@",
            handle(|c| word(c) || c == '.', 2, 24)?,
        ]
        .concat(),
        Kind::Map => match scheme(value).as_deref() {
            Some("https" | "http") => safe_url(value, &ALLOWED_SCHEMES).ok_or(bad)?,
            _ if value.chars().any(|c| c.is_control()) => return Err(bad),
            _ => [
                "https://www.google.com/maps/search/?api=1&query=",
                &encode(value),
            ]
            .concat(),
        },
        Kind::Link => safe_url(value, &ALLOWED_SCHEMES).ok_or(bad)?,
        Kind::Custom => safe_url(value, &ALLOWED_SCHEMES)
            .or_else(|| safe_url(value, &APP_SCHEMES))
            .ok_or(bad)?,
    }))
}

/// What a Copy button copies for `value` of `kind`: a number in E.164 (it pastes into any
/// dialer), a WeChat ID; `None` for the rest.
pub fn copy_text(kind: Kind, value: &str) -> Option<String> {
    match kind {
        Kind::Wechat => Some(value.trim().to_owned()),
        _ if kind.spec().number => e164(value),
        _ => None,
    }
}

/// An `https:` link on one of `hosts` (for values that may be written as a link), from one
/// written with `https://`, `http://` or no scheme.
fn web_link(value: &str, hosts: &[&str]) -> Option<String> {
    let url = safe_url(value, &["https", "http"])?;
    let rest = without_scheme(&url);
    let host = rest.split(['/', '#', '?']).next()?;
    hosts
        .contains(&host.to_ascii_lowercase().as_str())
        .then(|| ["https://", rest].concat())
}

/// The handle in a profile link an owner pasted, by the kind's [`Spec::paste`] list:
/// `https://www.instagram.com/beans/?igshid=…` → `beans`, `m.youtube.com/@beans` → `@beans`,
/// `https://wa.me/15550100123` → `+15550100123` (a number gets its `+`; a leading `%40` reads
/// as `@`).
/// `None` when `value` is no such link: a bare handle, or a link to another site, which the
/// kind's own check then refuses. Only the handle is kept; the link is rebuilt from it.
pub fn pasted(kind: Kind, value: &str) -> Option<String> {
    let (host, path) = without_scheme(value.trim()).split_once('/')?;
    kind.spec().paste.split(' ').find_map(|at| {
        let (at, keep) = at.split_once('|').unwrap_or((at, ""));
        let (site, prefix) = at.split_once('/')?;
        let cut = host.len().checked_sub(site.len())?;
        let (sub, end) = (host.get(..cut)?, host.get(cut..)?);
        let rest = ci_prefix(path, prefix).filter(|rest| {
            end.eq_ignore_ascii_case(site)
                && matches!(sub.as_bytes().last(), None | Some(b'.'))
                && ci_prefix(rest, keep).is_some()
        })?;
        // Byte offsets of ASCII characters, so the cuts fall between characters.
        let rest = rest.get(
            ..rest
                .bytes()
                .position(|b| matches!(b, b'?' | b'#' | b'&'))
                .unwrap_or(rest.len()),
        )?;
        let handle = rest.strip_suffix('/').unwrap_or(rest);
        let (lead, handle) = match handle.strip_prefix("%40") {
            Some(name) => ("@", name),
            None if kind.spec().number && handle.starts_with(|c: char| c.is_ascii_digit()) => {
                ("+", handle)
            }
            None => ("", handle),
        };
        Some([lead, handle].concat())
    })
}

/// `url` without `https://` or `http://` (in any case).
fn without_scheme(url: &str) -> &str {
    ci_prefix(url, "https://")
        .or_else(|| ci_prefix(url, "http://"))
        .unwrap_or(url)
}

/// `s` after `prefix`, compared ignoring ASCII case.
fn ci_prefix<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))?;
    s.get(prefix.len()..)
}

/// A phone number in E.164 (`+` and up to 15 digits) from a human format such as
/// "+1 (555) 010-0100" or "+44 20 7946 0958". Numbers without a country code are refused:
/// a visitor abroad could not dial them, and `wa.me` needs the country code.
pub fn e164(human: &str) -> Option<String> {
    let rest = human
        .trim()
        .strip_prefix('+')
        .or_else(|| human.trim().strip_prefix("00"))?;
    let mut digits = String::from("+");
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' | '/' | '\u{a0}' => {}
            _ => return None,
        }
    }
    (digits.len() >= 8 && digits.len() <= 16 && !digits[1..].starts_with('0')).then_some(digits)
}

/// Percent-encodes everything but RFC 3986 unreserved characters (UTF-8), so `&`, `#`, `+`,
/// spaces, emoji and right-to-left text survive inside a query value. Spaces become `%20`,
/// never `+` (mail and SMS apps would show a literal plus).
pub fn encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// An address inside `mailto:` keeps its `@`; everything else is encoded as in a query.
fn encode_email(address: &str) -> String {
    let (local, domain) = address.split_once('@').unwrap_or((address, ""));
    [&encode(local), "@", &encode(domain)].concat()
}

/// Schemes a link may have. Anything else (`javascript:`, `data:`, `vbscript:`, …) is refused.
pub const ALLOWED_SCHEMES: [&str; 5] = ["https", "http", "mailto", "tel", "sms"];
/// App schemes a `custom` channel may use besides [`ALLOWED_SCHEMES`]; each only opens that app.
pub const APP_SCHEMES: [&str; 6] = ["viber", "skype", "sgnl", "tg", "whatsapp", "msteams"];

/// The URL as the browser will read it, if its scheme is one of `allowed`; a scheme-less URL (a
/// path on the page's own site, or `//host/…`) is relative and therefore `http(s)` too (allowed
/// whenever `allowed` has `https`).
///
/// Follows the WHATWG URL parser's first steps, which is where `javascript:` smuggling happens:
/// leading and trailing C0 controls and spaces are stripped, tabs and newlines anywhere are
/// removed, and the scheme is case-insensitive.
pub fn safe_url(raw: &str, allowed: &[&str]) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    let url: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if url.is_empty() {
        return None;
    }
    match scheme(&url) {
        Some(s) if allowed.contains(&s.as_str()) => Some(url),
        None if allowed.contains(&"https") => Some(url),
        _ => None,
    }
}

/// The lower-cased scheme of an absolute URL (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` before
/// a `:`), or `None` for a relative one.
pub fn scheme(url: &str) -> Option<String> {
    let s = &url[..url.find(':')?];
    let mut chars = s.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then(|| s.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per case: kind, value, message, expected link (`""` for no link) or `Err(())`.
    fn check(kind: Kind, value: &str, message: Option<&str>, expected: Result<&str, ()>) {
        let got = link(kind, value, message, None);
        match expected {
            Ok("") => assert_eq!(got, Ok(None), "{kind:?} {value:?}"),
            Ok(want) => assert_eq!(
                got,
                Ok(Some(want.to_owned())),
                "{kind:?} {value:?} {message:?}"
            ),
            Err(()) => assert_eq!(
                got,
                Err(kind.expects()),
                "{kind:?} {value:?} should be refused"
            ),
        }
    }

    #[test]
    fn links() {
        use Kind::*;
        // Prefills with every character that breaks naive links: & # + ? = % emoji, right-to-left.
        let tricky = "Hi & bye #1 +2 ?a=b 100% 👋 שלום";
        let tricky_encoded = "Hi%20%26%20bye%20%231%20%2B2%20%3Fa%3Db%20100%25%20%F0%9F%91%8B%20%D7%A9%D7%9C%D7%95%D7%9D";
        let sms = format!("sms:+15550100123?body={tricky_encoded}");
        let wa = format!("https://wa.me/15550100123?text={tricky_encoded}");
        let mail = format!("mailto:help@example.com?body={tricky_encoded}");
        let teams = format!("https://teams.microsoft.com/l/chat/0/0?users=jane%40example.com&message={tricky_encoded}");
        // Type, value, prefilled message, the link (or an error).
        type Row<'a> = (Kind, &'a str, Option<&'a str>, Result<&'a str, ()>);
        let rows: &[Row] = &[
            (Phone, "+1 555 0100 123", None, Ok("tel:+15550100123")),
            (Phone, "+1 (555) 010-0100", None, Ok("tel:+15550100100")),
            (Phone, "0044 20 7946 0958", None, Ok("tel:+442079460958")),
            (Phone, "+33 1.23.45.67.89", None, Ok("tel:+33123456789")),
            (Phone, "555 0100", None, Err(())),
            (Phone, "+1 555 CALL NOW", None, Err(())),
            (Phone, "+1234567890123456", None, Err(())),
            (Phone, "+0 555 0100 123", None, Err(())),
            (Sms, "+15550100123", Some("Hi & bye #1 +2"), Ok("sms:+15550100123?body=Hi%20%26%20bye%20%231%20%2B2")),
            (Sms, "+1 555 0100 123", Some(tricky), Ok(&sms)),
            (Email, "help@example.com", None, Ok("mailto:help@example.com")),
            (Email, "help@example.com", Some("Olá 👋"), Ok("mailto:help@example.com?body=Ol%C3%A1%20%F0%9F%91%8B")),
            (Email, "help@example.com", Some(tricky), Ok(&mail)),
            (Email, "not an address", None, Err(())),
            (Email, "a@b.co?cc=evil@x.com", None, Err(())),
            (Whatsapp, "+1 555 0100 123", Some("Hello!"), Ok("https://wa.me/15550100123?text=Hello%21")),
            (Whatsapp, "+972 50 123 4567", Some("שלום"), Ok("https://wa.me/972501234567?text=%D7%A9%D7%9C%D7%95%D7%9D")),
            (Whatsapp, "+1 555 0100 123", Some(""), Ok("https://wa.me/15550100123")),
            (Whatsapp, "+1 555 0100 123", Some(tricky), Ok(&wa)),
            (Whatsapp, "5550100123", None, Err(())),
            (Telegram, "@examplehq", None, Ok("https://t.me/examplehq")),
            (Telegram, "+44 20 7946 0958", None, Ok("https://t.me/+442079460958")),
            (Telegram, "ab", None, Err(())),
            (Telegram, "example/../hq", None, Err(())),
            (Messenger, "examplehq", None, Ok("https://m.me/examplehq")),
            (Messenger, "ex?ample", None, Err(())),
            (Signal, "+1 555 0100 123", None, Ok("https://signal.me/#p/+15550100123")),
            (Signal, "https://signal.me/#eu/abcdef", None, Ok("https://signal.me/#eu/abcdef")),
            (Signal, "https://evil.example/signal.me", None, Err(())),
            (Signal, "sgnl://signal.me/#p/+15550100123", None, Err(())),
            (Signal, "signal.me/#eu/abcdef", None, Ok("https://signal.me/#eu/abcdef")),
            (Signal, "HTTP://signal.me/#eu/abcdef", None, Ok("https://signal.me/#eu/abcdef")),
            (Signal, "//signal.me/#eu/abcdef", None, Err(())),
            (Viber, "+1 555 0100 123", None, Ok("viber://chat?number=%2B15550100123")),
            (Viber, "examplehq", None, Err(())),
            (Line, "@examplehq", None, Ok("https://line.me/R/ti/p/%40examplehq")),
            (Line, "jane.doe", None, Ok("https://line.me/R/ti/p/~jane.doe")),
            (Line, "@a/b", None, Err(())),
            (Wechat, "examplehq_1", None, Ok("")),
            (Wechat, "1example", None, Err(())),
            (Wechat, "ex ample", None, Err(())),
            (Skype, "example.hq", None, Ok("skype:example.hq?chat")),
            (Skype, "live:.cid.1234", None, Ok("skype:live:.cid.1234?chat")),
            (Skype, "ex?call", None, Err(())),
            (Teams, "jane@example.com", None, Ok("https://teams.microsoft.com/l/chat/0/0?users=jane%40example.com")),
            (Teams, "jane@example.com", Some(tricky), Ok(&teams)),
            (Teams, "jane", None, Err(())),
            (Discord, "AbCd123", None, Ok("https://discord.gg/AbCd123")),
            (Discord, "https://discord.gg/AbCd123", None, Ok("https://discord.gg/AbCd123")),
            (Discord, "https://discord.com/invite/AbCd123", None, Ok("https://discord.gg/AbCd123")),
            (Discord, "https://evil.example/x", None, Err(())),
            (X, "@example_hq", None, Ok("https://x.com/example_hq")),
            (X, "way_too_long_handle", None, Err(())),
            (Instagram, "example.hq", None, Ok("https://www.instagram.com/example.hq")),
            (Instagram, "evil/../x", None, Err(())),
            (Facebook, "examplehq", None, Ok("https://www.facebook.com/examplehq")),
            (Facebook, "61550000000000", None, Ok("https://www.facebook.com/profile.php?id=61550000000000")),
            (Linkedin, "company/examplehq", None, Ok("https://www.linkedin.com/company/examplehq/")),
            (Linkedin, "company/../../evil", None, Err(())),
            (Youtube, "@examplehq", None, Ok("https://www.youtube.com/@examplehq")),
            (Youtube, "examplehq", None, Ok("https://www.youtube.com/@examplehq")),
            (Youtube, "channel/UC_x5XG1OV2P6uZZ5FSM9Ttw", None, Ok("https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw")),
            (Youtube, "channel/../evil", None, Err(())),
            (Tiktok, "@example.hq", None, Ok("https://www.tiktok.com/@example.hq")),
            (Tiktok, "@a", None, Err(())),
            (Map, "1 Rue de Rivoli, 75001 Paris", None, Ok("https://www.google.com/maps/search/?api=1&query=1%20Rue%20de%20Rivoli%2C%2075001%20Paris")),
            (Map, "Straße 5 & Co #2", None, Ok("https://www.google.com/maps/search/?api=1&query=Stra%C3%9Fe%205%20%26%20Co%20%232")),
            (Map, "https://maps.app.goo.gl/abc", None, Ok("https://maps.app.goo.gl/abc")),
            (Map, "javascript:alert(1)", None, Ok("https://www.google.com/maps/search/?api=1&query=javascript%3Aalert%281%29")),
            (Link, "https://example.com/help?a=1#top", None, Ok("https://example.com/help?a=1#top")),
            (Link, "/help", None, Ok("/help")),
            (Link, "javascript:alert(1)", None, Err(())),
            (Link, "viber://chat?number=%2B1555", None, Err(())),
            (Custom, "https://example.com/book", None, Ok("https://example.com/book")),
            (Custom, "viber://pa?chatURI=examplehq", None, Ok("viber://pa?chatURI=examplehq")),
            (Custom, "SGNL://signal.me/#p/+15550100123", None, Ok("SGNL://signal.me/#p/+15550100123")),
            (Custom, "msteams:/l/chat/0/0?users=a@b.co", None, Ok("msteams:/l/chat/0/0?users=a@b.co")),
            (Custom, "javascript:alert(1)", None, Err(())),
            (Custom, "intent://scan/#Intent;scheme=zxing;end", None, Err(())),
            (Custom, "data:text/html,x", None, Err(())),
        ];
        for &(kind, value, message, expected) in rows {
            check(kind, value, message, expected);
        }
    }

    /// What owners paste: every row's link is the one its bare handle makes, and the channel shows
    /// that handle; `Err` rows are refused (a console note names the channel).
    #[test]
    fn pasted_profile_links_make_the_handles_link() {
        use Kind::*;
        let rows: &[(Kind, &str, Result<&str, ()>)] = &[
            (Whatsapp, "https://wa.me/15550100123", Ok("+15550100123")),
            (Whatsapp, "wa.me/15550100123?text=Hi", Ok("+15550100123")),
            (
                Whatsapp,
                "https://api.whatsapp.com/send/?phone=15550100123&text&type=phone_number",
                Ok("+15550100123"),
            ),
            (Whatsapp, "https://wa.me/message/ABCDEF", Err(())),
            (Telegram, "https://t.me/examplehq", Ok("examplehq")),
            (Telegram, "t.me/s/examplehq?before=12", Ok("examplehq")),
            (Telegram, "http://telegram.me/examplehq/", Ok("examplehq")),
            (Telegram, "https://t.me/+15550100123", Ok("+15550100123")),
            (Telegram, "https://t.me/+AbCdEf123", Err(())),
            (Telegram, "https://t.me/joinchat/AbCdEf123", Err(())),
            (Messenger, "https://m.me/acme.co", Ok("acme.co")),
            (
                Messenger,
                "https://www.messenger.com/t/examplehq/?ref=site",
                Ok("examplehq"),
            ),
            (
                Signal,
                "https://signal.me/#p/+15550100123",
                Ok("+15550100123"),
            ),
            (Signal, "signal.me/#p/15550100123", Ok("+15550100123")),
            (
                Signal,
                "https://signal.me.evil.example/#p/+15550100123",
                Err(()),
            ),
            (Line, "https://line.me/R/ti/p/@examplehq", Ok("@examplehq")),
            (
                Line,
                "https://line.me/R/ti/p/%40examplehq?from=page",
                Ok("@examplehq"),
            ),
            (Line, "line.me/ti/p/~jane.doe", Ok("~jane.doe")),
            (Discord, "https://discord.gg/AbC", Ok("AbC")),
            (
                Discord,
                "discord.com/invite/AbCd123?utm_source=site",
                Ok("AbCd123"),
            ),
            (
                Discord,
                "https://discordapp.com/invite/AbCd123/",
                Ok("AbCd123"),
            ),
            (Discord, "https://discord.gg.evil.example/AbC", Err(())),
            (X, "https://x.com/acme", Ok("acme")),
            (X, "https://twitter.com/acme", Ok("acme")),
            (X, "mobile.twitter.com/acme?lang=en", Ok("acme")),
            (X, "https://x.com/acme/status/1234", Err(())),
            (Instagram, "https://instagram.com/beans", Ok("beans")),
            (Instagram, "https://www.instagram.com/beans/", Ok("beans")),
            (
                Instagram,
                "https://www.instagram.com/beans/?igshid=MzRlODBiNWFlZA==",
                Ok("beans"),
            ),
            (Instagram, "instagram.com/beans?hl=en#top", Ok("beans")),
            (Instagram, "HTTP://M.INSTAGRAM.COM/Beans", Ok("Beans")),
            (Instagram, "https://www.instagram.com/p/Cx1AbC/", Err(())),
            (Instagram, "https://www.facebook.com/beans", Err(())),
            (Instagram, "https://evil.example/beans", Err(())),
            (
                Instagram,
                "https://evil.example/instagram.com/beans",
                Err(()),
            ),
            (Instagram, "https://evilinstagram.com/beans", Err(())),
            (
                Instagram,
                "https://instagram.com.evil.example/beans",
                Err(()),
            ),
            (
                Instagram,
                "https://instagram.com@evil.example/beans",
                Err(()),
            ),
            (
                Instagram,
                "https://evil.example@instagram.com/beans",
                Err(()),
            ),
            (Instagram, "ftp://instagram.com/beans", Err(())),
            (
                Instagram,
                "javascript:alert(1)//instagram.com/beans",
                Err(()),
            ),
            (Instagram, "javascript://instagram.com/%0aalert(1)", Err(())),
            (Instagram, "https://instagram.com/be%22ans", Err(())),
            (Facebook, "https://www.facebook.com/acme.co", Ok("acme.co")),
            (
                Facebook,
                "https://m.facebook.com/examplehq/?ref=bookmarks",
                Ok("examplehq"),
            ),
            (Facebook, "fb.com/examplehq", Ok("examplehq")),
            (
                Facebook,
                "https://www.facebook.com/profile.php?id=61550000000000&mibextid=abc",
                Ok("61550000000000"),
            ),
            (Facebook, "https://www.facebook.com/groups/123456", Err(())),
            (
                Linkedin,
                "https://www.linkedin.com/company/acme",
                Ok("company/acme"),
            ),
            (Linkedin, "https://linkedin.com/in/jane/", Ok("in/jane")),
            (
                Linkedin,
                "https://uk.linkedin.com/in/jane-doe?originalSubdomain=uk",
                Ok("in/jane-doe"),
            ),
            (
                Linkedin,
                "https://www.linkedin.com/company/acme/../../evil",
                Err(()),
            ),
            (Linkedin, "https://evil.example/in/jane", Err(())),
            (Youtube, "https://www.youtube.com/@acme", Ok("@acme")),
            (
                Youtube,
                "https://youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw",
                Ok("channel/UC_x5XG1OV2P6uZZ5FSM9Ttw"),
            ),
            (Youtube, "m.youtube.com/@acme?si=AbC", Ok("@acme")),
            (
                Youtube,
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                Err(()),
            ),
            (Youtube, "https://www.youtube.com/c/acme", Err(())),
            (Tiktok, "https://www.tiktok.com/@acme?lang=en", Ok("@acme")),
            (Tiktok, "https://www.tiktok.com/foryou", Err(())),
        ];
        for &(kind, value, handle) in rows {
            let Ok(handle) = handle else {
                check(kind, value, None, Err(()));
                continue;
            };
            assert_eq!(
                pasted(kind, value).as_deref(),
                Some(handle),
                "{kind:?} {value:?} is shown as its handle"
            );
            let bare = link(kind, handle, None, None).unwrap().unwrap();
            check(kind, value, None, Ok(&bare));
        }
        // Every type with a paste list has a row; the rest take no links (numbers, IDs, e-mail).
        for kind in Kind::ALL.into_iter().filter(|k| !k.spec().paste.is_empty()) {
            assert!(
                rows.iter().any(|&(k, _, ok)| k == kind && ok.is_ok()),
                "{kind:?} has no pasted link"
            );
        }
    }

    #[test]
    fn email_subject_and_body() {
        assert_eq!(
            link(
                Kind::Email,
                "help@example.com",
                Some("Line 1\nLine 2"),
                Some("Order #12 & more")
            )
            .unwrap()
            .unwrap(),
            "mailto:help@example.com?subject=Order%20%2312%20%26%20more&body=Line%201%0ALine%202"
        );
        assert_eq!(
            link(Kind::Email, "help@example.com", None, Some("Hi"))
                .unwrap()
                .unwrap(),
            "mailto:help@example.com?subject=Hi"
        );
    }

    #[test]
    fn copy_and_link_by_device() {
        assert_eq!(
            copy_text(Kind::Phone, "+1 (555) 010-0100").as_deref(),
            Some("+15550100100")
        );
        assert_eq!(
            copy_text(Kind::Wechat, " examplehq ").as_deref(),
            Some("examplehq")
        );
        assert_eq!(copy_text(Kind::Telegram, "examplehq"), None);
        let mut phone = Channel::new(Kind::Phone, "+1 555 0100", Some("tel:+15550100".into()));
        phone.copy = Some("+15550100".into());
        assert!(
            phone.href.is_some() && !phone.copyable(true),
            "a phone opens the dialer"
        );
        assert!(
            phone.copyable(false),
            "a desktop keeps the tel: link and adds Copy"
        );
        let mut wa = Channel::new(
            Kind::Whatsapp,
            "+1 555 0100",
            Some("https://wa.me/15550100".into()),
        );
        wa.copy = Some("+15550100".into());
        assert!(
            wa.href.is_some() && wa.copyable(false),
            "WhatsApp Web works on a desktop; Copy and QR help too"
        );
        assert!(!wa.copyable(true));
        let mut wechat = Channel::new(Kind::Wechat, "examplehq", None);
        wechat.copy = Some("examplehq".into());
        assert!(wechat.href.is_none() && wechat.copyable(true) && wechat.copyable(false));
        assert!(
            Devices::Mobile.shows_on(true)
                && !Devices::Mobile.shows_on(false)
                && Devices::Desktop.shows_on(false)
                && Devices::All.shows_on(true)
        );
    }

    #[test]
    fn only_allowed_schemes_survive_url_parsing_tricks() {
        for ok in [
            "https://a.example",
            "HTTP://a.example",
            "mailto:a@b.co",
            "tel:+1555",
            "sms:+1555",
            "/path",
            "//cdn.example/x",
            "help.html",
            "?q=1",
        ] {
            assert!(
                safe_url(ok, &ALLOWED_SCHEMES).is_some(),
                "{ok} should be allowed"
            );
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "file:///etc/passwd",
            "viber://chat",
            "",
            "  ",
        ] {
            assert_eq!(
                safe_url(bad, &ALLOWED_SCHEMES),
                None,
                "{bad:?} should be refused"
            );
        }
        assert_eq!(
            safe_url(" https://a.example/\n", &ALLOWED_SCHEMES).as_deref(),
            Some("https://a.example/")
        );
        // App schemes never make a relative URL acceptable.
        assert_eq!(safe_url("/path", &APP_SCHEMES), None);
        assert_eq!(
            safe_url("\tViBeR://chat", &APP_SCHEMES).as_deref(),
            Some("ViBeR://chat")
        );
    }

    #[test]
    fn the_catalogue_is_in_kind_order_with_short_single_path_icons() {
        for (i, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i);
            assert_eq!(kind.spec().kind, kind);
            assert_eq!(Kind::from_name(kind.name()), Some(kind));
            let icon = kind.spec().icon;
            assert!(
                icon.starts_with('M') && icon.len() < 520,
                "{} icon: {} bytes",
                kind.name(),
                icon.len()
            );
            assert!(
                icon.chars()
                    .all(|c| c.is_ascii_digit() || " .,-MmLlHhVvCcSsQqTtAaZz".contains(c)),
                "{} icon has odd characters",
                kind.name()
            );
        }
        assert_eq!(Kind::from_name("fax"), None);
    }
}
