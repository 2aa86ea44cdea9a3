//! Every text the visitor sees, by key, with the owner's overrides.
//!
//! One table: [`Text::ALL`] gives each key its config name and English default, so overrides,
//! the schema and the UI cannot disagree. The other shipped languages are JSON files
//! (`crates/core/locales/<tag>.json`, copied to `dist/locales/`): a visitor downloads only the one
//! the loader picks (src/loader.js: the configured `locale`, else the page's `lang`, else the
//! browser's languages), never all of them.

use crate::channel::{Group, Kind, Reply};
use crate::value::Value;

/// The languages shipped with the widget; English is built in, the rest are `locales/<tag>.json`.
pub const LOCALES: [&str; 13] = [
    "en", "es", "fr", "de", "it", "pt", "nl", "pl", "tr", "ar", "he", "ja", "zh",
];

/// A shipped locale file's texts; unknown keys and non-text values are skipped.
pub fn table(value: &Value) -> Vec<(Text, String)> {
    let Value::Object(entries) = value else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|(key, v)| Some((Text::from_key(key)?, v.as_str()?.to_owned())))
        .collect()
}

macro_rules! texts {
    ($($variant:ident $key:literal $en:literal,)*) => {
        /// One text of the UI.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($variant,)* }

        // Tables indexed by the variant (statics: data once, not a match's code per text).
        static KEYS: &[&str] = &[$($key,)*];
        static ENGLISH: &[&str] = &[$($en,)*];

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$variant,)*];

            /// The key in the config's `"texts"` object.
            pub fn key(self) -> &'static str {
                KEYS[self as usize]
            }

            fn english(self) -> &'static str {
                ENGLISH[self as usize]
            }
        }
    };
}

texts! {
    Title "title" "Contact us",
    Launcher "launcher" "",
    Greeting "greeting" "Hi! How can we help?",
    Close "close" "Close",
    ChannelsHeading "channelsHeading" "Reach us directly",
    FormHeading "formHeading" "Send us a message",
    Message "message" "Message",
    Email "email" "Email",
    Name "name" "Name",
    Optional "optional" "optional",
    Rating "rating" "How would you rate your experience?",
    RatingValue "ratingValue" "{n} out of 5",
    RatingFace1 "ratingFace1" "Very unhappy",
    RatingFace2 "ratingFace2" "Unhappy",
    RatingFace3 "ratingFace3" "Neutral",
    RatingFace4 "ratingFace4" "Happy",
    RatingFace5 "ratingFace5" "Very happy",
    RatingThumbDown "ratingThumbDown" "Not good",
    RatingThumbUp "ratingThumbUp" "Good",
    Counter "counter" "{n} / {max} characters",
    Send "send" "Send",
    Sending "sending" "Sending…",
    Sent "sent" "Thank you! We received your message and will get back to you soon.",
    ErrorRequired "errorRequired" "Please write a message.",
    ErrorEmailRequired "errorEmailRequired" "Please enter your e-mail address.",
    ErrorNameRequired "errorNameRequired" "Please enter your name.",
    ErrorEmail "errorEmail" "Please enter a valid e-mail address, like name@example.com.",
    ErrorTooLong "errorTooLong" "Please shorten this to {max} characters or fewer.",
    ErrorConsent "errorConsent" "Please tick the box to agree before sending.",
    Queued "queued" "You are offline. Your message is saved on this device and will be sent automatically when you are back online.",
    FailBlocked "failBlocked" "We could not reach the server: your network or a browser extension may be blocking it. Your message is saved and we will keep trying.",
    FailTimeout "failTimeout" "The server took too long to answer. Your message is saved and we will try again shortly.",
    FailServer "failServer" "The server had a problem. Your message is saved and we will try again shortly.",
    FailRejected "failRejected" "The server did not accept your message: {reason}. Your text is still here.",
    FailTooMany "failTooMany" "We tried several times but could not deliver your message. Your text is still here.",
    NoOfflineCopy "noOfflineCopy" "This browser could not save a copy, so please keep this page open until it is sent.",
    EmailInstead "emailInstead" "Email us instead",
    SentReplyTo "sentReplyTo" "We will reply to {email}.",
    WriteAnother "writeAnother" "Write another message",
    LabelPhone "label.phone" "Phone",
    LabelSms "label.sms" "SMS",
    LabelEmail "label.email" "Email",
    LabelWhatsapp "label.whatsapp" "WhatsApp",
    LabelTelegram "label.telegram" "Telegram",
    LabelMessenger "label.messenger" "Messenger",
    LabelSignal "label.signal" "Signal",
    LabelViber "label.viber" "Viber",
    LabelLine "label.line" "LINE",
    LabelWechat "label.wechat" "WeChat",
    LabelSkype "label.skype" "Skype",
    LabelTeams "label.teams" "Microsoft Teams",
    LabelDiscord "label.discord" "Discord",
    LabelX "label.x" "X",
    LabelInstagram "label.instagram" "Instagram",
    LabelFacebook "label.facebook" "Facebook",
    LabelLinkedin "label.linkedin" "LinkedIn",
    LabelYoutube "label.youtube" "YouTube",
    LabelTiktok "label.tiktok" "TikTok",
    LabelMap "label.map" "Address",
    LabelLink "label.link" "Website",
    LabelCustom "label.custom" "Link",
    GroupCall "group.call" "Call us",
    GroupMessage "group.message" "Message us",
    GroupVisit "group.visit" "Visit us",
    GroupFollow "group.follow" "Follow us",
    GroupOther "group.other" "More",
    OpenNow "openNow" "Open now",
    ClosedOpens "closedOpens" "Closed · opens {when}",
    Closed "closed" "Closed",
    ReplyMinutes "reply.minutes" "Typically replies within minutes",
    ReplyHour "reply.hour" "Typically replies in about an hour",
    ReplyHours "reply.hours" "Typically replies within a few hours",
    ReplyDay "reply.day" "Typically replies within a day",
    Copy "copy" "Copy",
    Copied "copied" "Copied",
    QrCode "qrCode" "QR code",
    QrHint "qrHint" "Scan with your phone to continue there.",
}

impl Text {
    pub fn from_key(key: &str) -> Option<Text> {
        Text::ALL.iter().copied().find(|t| t.key() == key)
    }

    /// The default label of a channel type (its place in [`Text::ALL`] follows `Kind::ALL`).
    pub fn label_of(kind: Kind) -> Text {
        let first = Text::ALL
            .iter()
            .position(|t| *t == Text::LabelPhone)
            .unwrap_or(0);
        Text::ALL[first + kind as usize]
    }

    /// The heading of a group of channels.
    pub fn group(group: Group) -> Text {
        match group {
            Group::Call => Text::GroupCall,
            Group::Message => Text::GroupMessage,
            Group::Visit => Text::GroupVisit,
            Group::Follow => Text::GroupFollow,
            Group::Other => Text::GroupOther,
        }
    }

    /// "Typically replies …".
    pub fn reply(reply: Reply) -> Text {
        match reply {
            Reply::Minutes => Text::ReplyMinutes,
            Reply::Hour => Text::ReplyHour,
            Reply::Hours => Text::ReplyHours,
            Reply::Day => Text::ReplyDay,
        }
    }
}

/// The texts in effect: the owner's overrides, over the visitor's language, over English.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    overrides: Vec<(Text, String)>,
    language: Vec<(Text, String)>,
}

impl Texts {
    pub fn set(&mut self, text: Text, value: String) {
        self.overrides.retain(|(t, _)| *t != text);
        self.overrides.push((text, value));
    }

    /// Puts `table` (a shipped language) under the overrides.
    pub fn with_language(mut self, table: Vec<(Text, String)>) -> Texts {
        self.language = table;
        self
    }

    /// Adds `more` overrides on top (e.g. the owner's texts for one language).
    pub fn with_overrides(mut self, more: &Texts) -> Texts {
        for (text, value) in &more.overrides {
            self.set(*text, value.clone());
        }
        self
    }

    pub fn get(&self, text: Text) -> &str {
        fn find(list: &[(Text, String)], text: Text) -> Option<&str> {
            list.iter()
                .find(|(t, _)| *t == text)
                .map(|(_, v)| v.as_str())
        }
        find(&self.overrides, text)
            .or_else(|| find(&self.language, text))
            .unwrap_or(text.english())
    }

    /// The text with `{name}` placeholders filled in.
    pub fn fill(&self, text: Text, args: &[(&str, &str)]) -> String {
        let mut out = self.get(text).to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_found() {
        for (i, a) in Text::ALL.iter().enumerate() {
            assert_eq!(Text::from_key(a.key()), Some(*a));
            assert!(
                Text::ALL[i + 1..].iter().all(|b| b.key() != a.key()),
                "{} twice",
                a.key()
            );
        }
    }

    #[test]
    fn every_kind_has_its_label_in_order() {
        for kind in Kind::ALL {
            let key = Text::label_of(kind).key();
            assert_eq!(key.strip_prefix("label."), Some(kind.name()), "{key}");
        }
    }

    /// Each shipped language has every text but the brand names, and keeps every placeholder.
    #[test]
    fn every_locale_file_is_complete_and_keeps_placeholders() {
        let brands = [
            "launcher",
            "label.whatsapp",
            "label.telegram",
            "label.messenger",
            "label.signal",
            "label.viber",
            "label.line",
            "label.wechat",
            "label.skype",
            "label.teams",
            "label.discord",
            "label.x",
            "label.instagram",
            "label.facebook",
            "label.linkedin",
            "label.youtube",
            "label.tiktok",
        ];
        let files: &[(&str, &str)] = &[
            ("es", include_str!("../locales/es.json")),
            ("fr", include_str!("../locales/fr.json")),
            ("de", include_str!("../locales/de.json")),
            ("it", include_str!("../locales/it.json")),
            ("pt", include_str!("../locales/pt.json")),
            ("nl", include_str!("../locales/nl.json")),
            ("pl", include_str!("../locales/pl.json")),
            ("tr", include_str!("../locales/tr.json")),
            ("ar", include_str!("../locales/ar.json")),
            ("he", include_str!("../locales/he.json")),
            ("ja", include_str!("../locales/ja.json")),
            ("zh", include_str!("../locales/zh.json")),
        ];
        assert_eq!(files.len() + 1, LOCALES.len());
        let placeholders = |s: &str| {
            let mut found: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(name, _)| name.to_owned()))
                .collect();
            found.sort();
            found
        };
        for (tag, text) in files {
            let value: Value =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{tag}.json: {e}"));
            let Value::Object(entries) = &value else {
                panic!("{tag}.json is not an object")
            };
            for (key, _) in entries {
                assert!(
                    Text::from_key(key).is_some(),
                    "{tag}.json has unknown key {key}"
                );
            }
            let table = table(&value);
            assert_eq!(
                table.len(),
                entries.len(),
                "{tag}.json: every value is text"
            );
            for text in Text::ALL {
                let translated = table
                    .iter()
                    .find(|(t, _)| t == text)
                    .map(|(_, v)| v.as_str());
                match translated {
                    Some(v) => assert_eq!(
                        placeholders(v),
                        placeholders(text.english()),
                        "{tag}.json {}: placeholders",
                        text.key()
                    ),
                    None => assert!(
                        brands.contains(&text.key()),
                        "{tag}.json lacks {}",
                        text.key()
                    ),
                }
            }
        }
    }

    #[test]
    fn overrides_win_over_the_language_and_the_language_over_english() {
        let mut owner = Texts::default();
        owner.set(Text::Send, "Go".into());
        let texts = owner.with_language(vec![
            (Text::Send, "Envoyer".into()),
            (Text::Close, "Fermer".into()),
        ]);
        assert_eq!(
            (
                texts.get(Text::Send),
                texts.get(Text::Close),
                texts.get(Text::Name)
            ),
            ("Go", "Fermer", "Name")
        );
        let mut french_only = Texts::default();
        french_only.set(Text::Close, "Fermer la fenêtre".into());
        assert_eq!(
            texts.with_overrides(&french_only).get(Text::Close),
            "Fermer la fenêtre"
        );
    }

    #[test]
    fn overrides_win_and_placeholders_fill() {
        let mut t = Texts::default();
        assert_eq!(t.get(Text::Send), "Send");
        t.set(Text::Send, "Envoyer".into());
        t.set(Text::Send, "Absenden".into());
        assert_eq!(t.get(Text::Send), "Absenden");
        assert_eq!(
            t.fill(Text::ErrorTooLong, &[("max", "5000")]),
            "Please shorten this to 5000 characters or fewer."
        );
        assert_eq!(
            t.fill(Text::FailRejected, &[("reason", "{max}")]),
            "The server did not accept your message: {max}. Your text is still here."
        );
    }
}
