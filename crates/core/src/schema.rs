//! The configuration's JSON Schema (draft 2020-12), written to `dist/config.schema.json`.
//!
//! Built as a [`Value`] from the same tables the parser uses (channel types, positions, text
//! keys) and its own `Default`s, so an owner's editor, the configurator and the widget agree on
//! what is valid and what a missing key means. Not compiled for wasm (`lib.rs`).

use crate::channel::{Devices, Group, Kind, Reply, WhenClosed};
use crate::config::{
    Ask, Form, Launcher, Position, Rating, Scheme, Spam, Theme, DELAY_MAX, LOADS, OFFSET_MAX,
    PATTERN_MAX, TRANSPORTS,
};
use crate::i18n::{Text, Texts, LOCALES};
use crate::json::{self, text};
use crate::value::Value;

/// An object with its keys in this order.
fn obj<const N: usize>(entries: [(&str, Value); N]) -> Value {
    json::object(entries.into())
}

fn num(n: impl Into<f64>) -> Value {
    Value::Number(n.into())
}

/// `["a","b"]` from names.
fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> Value {
    Value::Array(names.into_iter().map(text).collect())
}

/// `{"$ref": "#/$defs/NAME"}` and the given entries after it.
fn reference<const N: usize>(name: &str, rest: [(&str, Value); N]) -> Value {
    let mut entries = vec![("$ref", text(&format!("#/$defs/{name}")))];
    entries.extend(rest);
    json::object(entries)
}

/// An integer up to `max`, or its digits as a string (as data attributes give it).
fn whole_number(max: impl Into<f64>) -> Value {
    Value::Array(vec![
        obj([
            ("type", text("integer")),
            ("minimum", num(0)),
            ("maximum", num(max)),
        ]),
        obj([("type", text("string")), ("pattern", text("^[0-9]+$"))]),
    ])
}

/// The schema as compact JSON text.
pub fn json_schema() -> String {
    json::write(&schema()) + "\n"
}

fn schema() -> Value {
    let texts = Texts::default();
    // Defaults straight from the parser's own `Default`s, so the schema (and the configurator and
    // editors that read it) cannot disagree with what the widget does when a key is absent.
    let (form, theme) = (Form::default(), Theme::default());
    let text_props = || {
        let props = Text::ALL.iter().map(|&t| match texts.get(t) {
            "" => (t.key(), reference("text", [])),
            default => (t.key(), reference("text", [("default", text(default))])),
        });
        json::object(props.collect())
    };
    let hours = hours_properties;
    obj([
        ("$schema", text("https://json-schema.org/draft/2020-12/schema")),
        ("$id", text("https://contact-widget.dev/config.schema.json")),
        ("title", text("Contact widget configuration")),
        ("type", text("object")),
        ("additionalProperties", Value::Bool(false)),
        ("properties", obj([
            ("$schema", obj([("type", text("string"))])),
            ("endpoint", obj([
                ("type", text("string")),
                ("title", text("Endpoint")),
                ("description", text("Where feedback is POSTed: an http(s) URL or a path on this site. Without it the form is hidden.")),
            ])),
            ("transport", obj([
                ("enum", names(TRANSPORTS)),
                ("default", text("json")),
                ("title", text("Transport")),
                ("description", text("\"simple\" posts text/plain without custom headers, for endpoints that cannot answer a CORS preflight.")),
            ])),
            ("title", reference("text", [
                ("default", text(texts.get(Text::Title))),
                ("title", text("Title")),
                ("description", text("The launcher's and the panel's title.")),
            ])),
            ("greeting", reference("text", [
                ("default", text(texts.get(Text::Greeting))),
                ("title", text("Greeting")),
                ("description", text("The first line in the panel.")),
            ])),
            ("locale", obj([
                ("type", text("string")),
                ("default", text("auto")),
                ("title", text("Language")),
                ("examples", names(std::iter::once("auto").chain(LOCALES))),
                ("description", text("\"auto\" or a BCP 47 language tag.")),
            ])),
            ("position", obj([
                ("enum", names(Position::ALL.map(Position::name))),
                ("default", text(Position::default().name())),
                ("title", text("Position")),
                ("description", text("Where the launcher sits; the panel opens beside it.")),
            ])),
            ("offsetX", reference("offset", [
                ("title", text("Horizontal offset")),
                ("description", text("Pixels between the launcher and the left or right edge (plus the device's safe area).")),
            ])),
            ("offsetY", reference("offset", [
                ("title", text("Vertical offset")),
                ("description", text("Pixels between the launcher and the top or bottom edge (plus the device's safe area); the middle positions ignore it.")),
            ])),
            ("zIndex", obj([
                ("anyOf", whole_number(i32::MAX)),
                ("default", num(2147483000)),
                ("title", text("Stacking order (z-index)")),
                ("description", text("The z-index of the launcher and the panel, for pages whose own fixed elements must stay above or below them.")),
            ])),
            ("load", obj([
                ("enum", names(LOADS)),
                ("default", text("intent")),
                ("title", text("When to load the panel")),
                ("description", text("When the rest of the widget is fetched: intent (when the visitor points at, presses or focuses the launcher, or the page calls open()), idle (once the page has loaded and is idle), eager (at once).")),
            ])),
            ("delay", obj([
                ("anyOf", whole_number(DELAY_MAX)),
                ("default", num(0)),
                ("title", text("Delay before the launcher shows")),
                ("description", text("Seconds after the page loads before the launcher appears. The panel never opens by itself: opening is always the visitor's choice.")),
            ])),
            ("pages", obj([
                ("type", text("object")),
                ("additionalProperties", Value::Bool(false)),
                ("title", text("Pages")),
                ("description", text("Where the widget shows, by the page's path: include (only there) and exclude (never there); * stands for any characters, e.g. /checkout/*. Checked again when a single-page app navigates.")),
                ("properties", obj([
                    ("include", reference("paths", [("title", text("Only on these pages"))])),
                    ("exclude", reference("paths", [("title", text("Never on these pages"))])),
                ])),
            ])),
            ("insights", obj([
                ("type", text("boolean")),
                ("default", Value::Bool(false)),
                ("title", text("Count opens and channel uses")),
                ("description", text("Sends the inbox a count when the panel opens or a channel is used (its type, the page path, the language, phone or computer): no cookie, no identifier, nothing stored on the device. See the privacy page.")),
            ])),
            ("baseUrl", obj([
                ("type", text("string")),
                ("title", text("Where the files are")),
                ("description", text("The URL of the folder that holds the widget's other files (the contents of dist/ or of the npm package, the same version), such as a CDN's; by default next to contact-widget.js, or where your bundler put them.")),
            ])),
            ("fallback", obj([
                ("type", text("string")),
                ("pattern", text("^(https?|mailto|tel):")),
                ("title", text("Fallback link")),
                ("description", text("Where the launcher leads if the widget cannot run (e.g. WebAssembly blocked); else the first e-mail or phone channel.")),
            ])),
            ("color", obj([
                ("type", text("string")),
                ("pattern", text("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")),
                ("default", text(&crate::color::Brand::default().background)),
                ("title", text("Brand colour")),
                ("description", text("#rrggbb or #rgb. Text on it is black or white, whichever contrasts more.")),
            ])),
            ("theme", obj([
                ("type", text("object")),
                ("title", text("Theme")),
                ("additionalProperties", Value::Bool(false)),
                ("properties", obj([
                    ("scheme", obj([
                        ("enum", names(Scheme::ALL.map(Scheme::name))),
                        ("default", text(theme.scheme.name())),
                        ("title", text("Colour scheme")),
                        ("description", text("auto follows the visitor's light or dark preference.")),
                    ])),
                    ("radius", obj([
                        ("type", text("number")),
                        ("minimum", num(0)),
                        ("maximum", num(32)),
                        ("default", num(theme.radius)),
                        ("title", text("Corner radius")),
                        ("description", text("The panel's corner radius in pixels; controls scale from it.")),
                    ])),
                    ("launcher", obj([
                        ("enum", names(Launcher::ALL.map(Launcher::name))),
                        ("default", text(theme.launcher.name())),
                        ("title", text("Launcher style")),
                        ("description", text("An icon with the title, the icon alone (the title is its name for screen readers), or the title alone.")),
                    ])),
                    ("font", obj([
                        ("type", text("string")),
                        ("pattern", text(r#"^[\p{L}\p{N} ,'"_-]+$"#)),
                        ("title", text("Font")),
                        ("description", text("A CSS font-family list; by default the system font stack (no web font is ever downloaded).")),
                    ])),
                ])),
            ])),
            ("channels", obj([
                ("type", text("array")),
                ("items", reference("channel", [])),
                ("title", text("Channels")),
                ("description", text("The ways to reach you, in order.")),
            ])),
            ("form", obj([
                ("title", text("Feedback form")),
                ("description", text("false hides the form.")),
                ("oneOf", Value::Array(vec![
                    obj([("const", Value::Bool(false))]),
                    obj([
                        ("type", text("object")),
                        ("additionalProperties", Value::Bool(false)),
                        ("properties", obj([
                            ("rating", obj([
                                ("oneOf", Value::Array(vec![
                                    obj([("type", text("boolean"))]),
                                    obj([("enum", names(Rating::ALL.map(Rating::name)))]),
                                ])),
                                ("default", text(form.rating.name())),
                                ("title", text("Rating")),
                                ("description", text("Always sent as 1 to 5 (thumbs as 1 or 5); true means stars.")),
                            ])),
                            ("email", reference("ask", [
                                ("default", text(form.email.name())),
                                ("title", text("The visitor's e-mail")),
                            ])),
                            ("name", reference("ask", [
                                ("default", text(form.name.name())),
                                ("title", text("The visitor's name")),
                            ])),
                            ("spam", obj([
                                ("enum", names(Spam::ALL.map(Spam::name))),
                                ("default", text(form.spam.name())),
                                ("title", text("Spam handling")),
                                ("description", text("flag: a message that looks like spam is sent with flags for the owner to judge; drop: a filled hidden field (honeypot) is not sent. A person's message is never dropped.")),
                            ])),
                            ("minSeconds", obj([
                                ("type", text("number")),
                                ("minimum", num(0)),
                                ("maximum", num(60)),
                                ("default", num(form.min_seconds as u32)),
                                ("title", text("Minimum seconds")),
                                ("description", text("Sent sooner than this after the visitor started writing is flagged too-fast (never dropped); 0 switches the check off.")),
                            ])),
                            ("replyTime", obj([
                                ("enum", names(Reply::ALL.map(Reply::name))),
                                ("title", text("Reply time")),
                                ("description", text("How soon you usually answer, said after a message is sent.")),
                            ])),
                            ("consent", obj([
                                ("oneOf", Value::Array(vec![obj([("type", text("null"))]), reference("text", [])])),
                                ("title", text("Consent sentence")),
                                ("description", text("A sentence the visitor must tick before sending (unticked by default); its text is stored with the message.")),
                            ])),
                        ])),
                    ]),
                ])),
            ])),
            ("texts", obj([
                ("type", text("object")),
                ("title", text("Texts")),
                ("description", text("Any text the visitor sees, by key, for every language; or, under a language tag, for that language only.")),
                ("properties", text_props()),
                ("patternProperties", obj([("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", obj([
                    ("type", text("object")),
                    ("additionalProperties", Value::Bool(false)),
                    ("properties", text_props()),
                ]))])),
                ("additionalProperties", Value::Bool(false)),
            ])),
            ("hours", obj([
                ("type", text("object")),
                ("additionalProperties", Value::Bool(false)),
                ("required", names(["timeZone", "weekly"])),
                ("title", text("Business hours")),
                ("description", text("Business hours in the owner's IANA time zone; the panel says \"Open now\" or when it opens, in the visitor's time zone.")),
                ("properties", hours()),
            ])),
        ])),
        ("$defs", obj([
            ("paths", obj([
                ("type", text("array")),
                ("items", obj([
                    ("type", text("string")),
                    ("pattern", text(r"^/[^\s]*$")),
                    ("maxLength", num(PATTERN_MAX as u32)),
                ])),
                ("examples", Value::Array(vec![names(["/checkout/*", "/account/*"])])),
            ])),
            ("offset", obj([("anyOf", whole_number(OFFSET_MAX)), ("default", num(20))])),
            ("text", obj([
                ("type", text("string")),
                ("pattern", text(r"\S")),
                ("maxLength", num(500)),
                ("description", text("Text with at least one non-space character, at most 500 characters.")),
            ])),
            ("ask", obj([("anyOf", Value::Array(vec![
                obj([("enum", names(Ask::ALL.map(Ask::name)))]),
                obj([
                    ("type", text("boolean")),
                    ("description", text("true is \"optional\", false is \"off\".")),
                ]),
            ]))])),
            ("channel", obj([
                ("type", text("object")),
                ("additionalProperties", Value::Bool(false)),
                ("required", names(["type", "value"])),
                ("properties", obj([
                    ("type", obj([("enum", names(Kind::ALL.map(Kind::name))), ("title", text("Type"))])),
                    ("value", reference("text", [("title", text("Value"))])),
                    ("label", reference("text", [
                        ("title", text("Label")),
                        ("description", text("Your own wording, such as Sales; by default the type's name in the visitor's language.")),
                    ])),
                    ("message", reference("text", [
                        ("title", text("Prefilled message")),
                        ("description", text("Prefilled text (sms, email, whatsapp, teams), percent-encoded into the link.")),
                    ])),
                    ("subject", reference("text", [
                        ("title", text("Prefilled subject")),
                        ("description", text("Prefilled subject (email).")),
                    ])),
                    ("group", obj([
                        ("enum", names(Group::ALL.map(Group::name))),
                        ("title", text("Group")),
                        ("description", text("The heading the channel is listed under; the default depends on the type.")),
                    ])),
                    ("devices", obj([
                        ("enum", names(Devices::ALL.map(Devices::name))),
                        ("default", text(Devices::default().name())),
                        ("title", text("Devices")),
                        ("description", text("Show the channel on every device, on phones and tablets only, or on computers only.")),
                    ])),
                    ("hours", obj([
                        ("type", text("object")),
                        ("additionalProperties", Value::Bool(false)),
                        ("required", names(["weekly"])),
                        ("title", text("Own hours")),
                        ("description", text("This channel's own hours (the time zone defaults to the widget's).")),
                        ("properties", hours()),
                    ])),
                    ("whenClosed", obj([
                        ("enum", names(WhenClosed::ALL.map(WhenClosed::name))),
                        ("title", text("When closed")),
                        ("description", text("Outside its hours: keep as usual, dim with the next opening, or hide. Default: dim with its own hours, keep otherwise.")),
                    ])),
                    ("replyTime", obj([
                        ("enum", names(Reply::ALL.map(Reply::name))),
                        ("title", text("Reply time")),
                        ("description", text("Typically replies within minutes, in about an hour, within a few hours, within a day.")),
                    ])),
                ])),
                ("allOf", Value::Array(Kind::ALL.iter().map(|&kind| channel_rule(kind, &texts)).collect())),
            ])),
        ])),
    ])
}

/// What one channel type adds: its name as the panel shows it (the configurator lists it), what
/// its value must be, the group it is listed under unless the owner says otherwise, and no
/// prefilled message or subject where it cannot take one (the parser has an issue for those).
fn channel_rule(kind: Kind, texts: &Texts) -> Value {
    let mut then = vec![
        ("value", obj([("description", text(kind.expects()))])),
        ("group", obj([("default", text(kind.spec().group.name()))])),
    ];
    if !kind.takes_message() {
        then.push(("message", Value::Bool(false)));
    }
    if kind != Kind::Email {
        then.push(("subject", Value::Bool(false)));
    }
    obj([
        ("title", text(texts.get(Text::label_of(kind)))),
        (
            "if",
            obj([(
                "properties",
                obj([("type", obj([("const", text(kind.name()))]))]),
            )]),
        ),
        ("then", obj([("properties", json::object(then))])),
    ])
}

/// The properties of an `hours` object (the widget's and a channel's).
fn hours_properties() -> Value {
    let time = "([01]?[0-9]|2[0-3]):[0-5][0-9]";
    let range = format!(r"{time}\s*[-–]\s*({time}|24:00)");
    let ranges = format!(r"^\s*([Cc]losed|{range}(\s*,\s*{range})*)\s*$");
    let spans = Value::Array(vec![
        obj([("type", text("string")), ("pattern", text(&ranges))]),
        obj([
            ("type", text("array")),
            (
                "items",
                obj([
                    ("type", text("string")),
                    ("pattern", text(&format!(r"^\s*{range}\s*$"))),
                ]),
            ),
        ]),
    ]);
    let spans = obj([("anyOf", spans)]);
    let day = r"\s*[A-Za-z]{3}(day|sday|nesday|rsday|urday)?\s*";
    let days = format!(r"^((daily|{day}(-{day})?)(,(daily|{day}(-{day})?))*)$");
    let dates = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?|[0-9]{2}-[0-9]{2})$";
    let zone = "^(UTC|GMT|[A-Za-z][A-Za-z0-9_+-]{0,29}(/[A-Za-z][A-Za-z0-9_+-]{0,29})+)$";
    obj([
        ("timeZone", obj([
            ("type", text("string")),
            ("title", text("Time zone")),
            ("pattern", text(zone)),
            ("description", text("An IANA time zone such as Europe/Paris.")),
        ])),
        ("weekly", obj([
            ("type", text("object")),
            ("propertyNames", obj([("pattern", text(&days))])),
            ("additionalProperties", spans.clone()),
            ("title", text("Weekly hours")),
            ("description", text("Days (mon, mon-fri, sat,sun, daily) to ranges (\"09:00-17:00\", \"09:00-12:00, 13:00-17:00\", \"22:00-02:00\") or \"closed\".")),
        ])),
        ("exceptions", obj([
            ("type", text("object")),
            ("propertyNames", obj([("pattern", text(dates))])),
            ("additionalProperties", spans),
            ("title", text("Exceptions and holidays")),
            ("description", text("Dates (2026-12-24, 2026-08-01/2026-08-15, or 12-25 for every year) to ranges or \"closed\".")),
        ])),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KEYS;

    #[test]
    fn is_json_and_lists_every_key_type_and_text() {
        let schema: serde_json::Value =
            serde_json::from_str(&json_schema()).expect("schema is valid JSON");
        let props = schema["properties"].as_object().unwrap();
        for key in KEYS {
            assert!(props.contains_key(key), "schema lacks {key}");
        }
        let kinds = &schema["$defs"]["channel"]["properties"]["type"]["enum"];
        assert_eq!(kinds.as_array().unwrap().len(), Kind::ALL.len());
        assert_eq!(
            props["texts"]["properties"].as_object().unwrap().len(),
            Text::ALL.len()
        );
        let form = props["form"]["oneOf"][1]["properties"].as_object().unwrap();
        for key in crate::config::FORM_KEYS {
            assert!(form.contains_key(key), "schema lacks form.{key}");
        }
        // Defaults are the widget's own, for editors and the configurator's placeholders.
        assert_eq!(
            props["texts"]["properties"]["sending"]["default"],
            "Sending…"
        );
        assert_eq!(props["title"]["default"], "Contact us");
        assert_eq!(props["position"]["default"], "bottom-right");
        assert_eq!(props["color"]["default"], "#0b57d0");
        // A message is refused on a channel that cannot prefill one, as the parser does.
        let rules = schema["$defs"]["channel"]["allOf"].as_array().unwrap();
        let phone = rules
            .iter()
            .find(|r| r["if"]["properties"]["type"]["const"] == "phone")
            .unwrap();
        assert_eq!(phone["then"]["properties"]["message"], false);
        assert_eq!(phone["then"]["properties"]["subject"], false);
        let channel = schema["$defs"]["channel"]["properties"]
            .as_object()
            .unwrap();
        for key in crate::config::CHANNEL_KEYS {
            assert!(channel.contains_key(key), "schema lacks channels[].{key}");
        }
        for key in crate::hours::KEYS {
            assert!(
                props["hours"]["properties"]
                    .as_object()
                    .unwrap()
                    .contains_key(key),
                "schema lacks hours.{key}"
            );
        }
    }

    /// Every key the widget takes has a title and every choice its default, as the parser's own
    /// `Default`s say: the configurator builds its controls from these (names, labels, defaults,
    /// limits), so it cannot drift from the core.
    #[test]
    fn every_key_has_a_title_and_the_parsers_defaults() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        let props = &schema["properties"];
        let form = &props["form"]["oneOf"][1]["properties"];
        let channel = &schema["$defs"]["channel"]["properties"];
        let objects = [
            ("", props, &KEYS[..]),
            (
                "theme.",
                &props["theme"]["properties"],
                &crate::config::THEME_KEYS[..],
            ),
            ("form.", form, &crate::config::FORM_KEYS[..]),
            ("channels[].", channel, &crate::config::CHANNEL_KEYS[..]),
            (
                "hours.",
                &props["hours"]["properties"],
                &crate::hours::KEYS[..],
            ),
            (
                "channels[].hours.",
                &channel["hours"]["properties"],
                &crate::hours::KEYS[..],
            ),
        ];
        for (prefix, object, keys) in objects {
            for key in keys {
                let title = object[*key]["title"].as_str().unwrap_or_default();
                assert!(!title.is_empty(), "{prefix}{key} has no title");
            }
        }
        let defaults = Form::default();
        assert_eq!(form["rating"]["default"], defaults.rating.name());
        assert_eq!(form["email"]["default"], defaults.email.name());
        assert_eq!(form["name"]["default"], defaults.name.name());
        assert_eq!(form["spam"]["default"], "flag");
        assert_eq!(form["minSeconds"]["default"], 2);
        let theme = &props["theme"]["properties"];
        assert_eq!(theme["scheme"]["default"], "auto");
        assert_eq!(theme["launcher"]["default"], "icon-label");
        assert_eq!(theme["radius"]["default"], 16);
        assert_eq!(channel["devices"]["default"], "all");
        assert_eq!(
            schema["$defs"]["offset"]["anyOf"][0]["maximum"],
            crate::config::OFFSET_MAX
        );
        // The shipped languages, for the configurator's language list.
        let locales: Vec<&str> = props["locale"]["examples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(locales[0], "auto");
        assert_eq!(&locales[1..], &LOCALES[..]);
        // Each channel type's rule names it and says which group it is listed under by default.
        let rules = schema["$defs"]["channel"]["allOf"].as_array().unwrap();
        assert_eq!(rules.len(), Kind::ALL.len());
        for (rule, kind) in rules.iter().zip(Kind::ALL) {
            assert_eq!(rule["if"]["properties"]["type"]["const"], kind.name());
            assert_eq!(rule["title"], Texts::default().get(Text::label_of(kind)));
            assert_eq!(
                rule["then"]["properties"]["group"]["default"],
                kind.spec().group.name()
            );
        }
    }
}
