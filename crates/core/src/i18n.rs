//! Every text the visitor sees, by key, with the owner's overrides.
//!
//! One table: [`Text::ALL`] gives each key its config name and English default, so overrides,
//! the schema and the UI cannot disagree. (More locales arrive with the localization issue.)

use crate::channel::Kind;

macro_rules! texts {
    ($($variant:ident $key:literal $en:literal,)*) => {
        /// One text of the UI.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($variant,)* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$variant,)*];

            /// The key in the config's `"texts"` object.
            pub fn key(self) -> &'static str {
                match self { $(Text::$variant => $key,)* }
            }

            fn english(self) -> &'static str {
                match self { $(Text::$variant => $en,)* }
            }
        }
    };
}

texts! {
    Title "title" "Contact us",
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
    LabelPhone "label.phone" "Call us",
    LabelSms "label.sms" "Text us",
    LabelEmail "label.email" "Email us",
    LabelWhatsapp "label.whatsapp" "WhatsApp",
    LabelTelegram "label.telegram" "Telegram",
    LabelMessenger "label.messenger" "Messenger",
    LabelX "label.x" "X",
    LabelInstagram "label.instagram" "Instagram",
    LabelFacebook "label.facebook" "Facebook",
    LabelLinkedin "label.linkedin" "LinkedIn",
    LabelLink "label.link" "Website",
}

impl Text {
    pub fn from_key(key: &str) -> Option<Text> {
        Text::ALL.iter().copied().find(|t| t.key() == key)
    }

    /// The default label of a channel type.
    pub fn label_of(kind: Kind) -> Text {
        match kind {
            Kind::Phone => Text::LabelPhone,
            Kind::Sms => Text::LabelSms,
            Kind::Email => Text::LabelEmail,
            Kind::Whatsapp => Text::LabelWhatsapp,
            Kind::Telegram => Text::LabelTelegram,
            Kind::Messenger => Text::LabelMessenger,
            Kind::X => Text::LabelX,
            Kind::Instagram => Text::LabelInstagram,
            Kind::Facebook => Text::LabelFacebook,
            Kind::Linkedin => Text::LabelLinkedin,
            Kind::Link => Text::LabelLink,
        }
    }
}

/// The texts in effect: defaults plus the owner's overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Texts {
    overrides: Vec<(Text, String)>,
}

impl Texts {
    pub fn set(&mut self, text: Text, value: String) {
        self.overrides.retain(|(t, _)| *t != text);
        self.overrides.push((text, value));
    }

    pub fn get(&self, text: Text) -> &str {
        self.overrides.iter().find(|(t, _)| *t == text).map_or(text.english(), |(_, v)| v)
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
            assert!(Text::ALL[i + 1..].iter().all(|b| b.key() != a.key()), "{} twice", a.key());
        }
    }

    #[test]
    fn overrides_win_and_placeholders_fill() {
        let mut t = Texts::default();
        assert_eq!(t.get(Text::Send), "Send");
        t.set(Text::Send, "Envoyer".into());
        t.set(Text::Send, "Absenden".into());
        assert_eq!(t.get(Text::Send), "Absenden");
        assert_eq!(t.fill(Text::ErrorTooLong, &[("max", "5000")]), "Please shorten this to 5000 characters or fewer.");
        assert_eq!(t.fill(Text::FailRejected, &[("reason", "{max}")]), "The server did not accept your message: {max}. Your text is still here.");
    }
}
