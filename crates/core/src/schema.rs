//! The configuration's JSON Schema (draft 2020-12), written to `dist/config.schema.json`.
//!
//! Built from the same tables the parser uses (channel types, positions, text keys), so an owner's
//! editor and the widget agree on what is valid.

use crate::channel::{Devices, Group, Kind, Reply, WhenClosed};
use crate::config::{
    Ask, Form, Launcher, Position, Rating, Scheme, Spam, Theme, OFFSET_MAX, PATTERN_MAX, TRANSPORTS,
};
use crate::i18n::{Text, Texts, LOCALES};

/// A JSON string literal.
fn string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `["a","b"]` from names.
fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = names.into_iter().map(|n| format!("\"{n}\"")).collect();
    format!("[{}]", quoted.join(","))
}

pub fn json_schema() -> String {
    let kinds = list(Kind::ALL.iter().map(|k| k.name()));
    let positions = list(Position::ALL.iter().map(|p| p.name()));
    let asks = list(Ask::ALL.iter().map(|a| a.name()));
    let ratings = list(Rating::ALL.iter().map(|r| r.name()));
    let spams = list(Spam::ALL.iter().map(|s| s.name()));
    let loads = list(crate::config::LOADS.iter().copied());
    let transports = list(TRANSPORTS);
    let schemes = list(Scheme::ALL.iter().map(|s| s.name()));
    let launchers = list(Launcher::ALL.iter().map(|l| l.name()));
    let groups = list(Group::ALL.iter().map(|g| g.name()));
    let devices = list(Devices::ALL.iter().map(|d| d.name()));
    let when_closed = list(WhenClosed::ALL.iter().map(|w| w.name()));
    let replies = list(Reply::ALL.iter().map(|r| r.name()));
    let hours_props = hours_properties();
    let defaults = Texts::default();
    let text_props: Vec<String> = Text::ALL
        .iter()
        .map(|&t| match defaults.get(t) {
            "" => format!("\"{}\":{{\"$ref\":\"#/$defs/text\"}}", t.key()),
            default => format!(
                "\"{}\":{{\"$ref\":\"#/$defs/text\",\"default\":{}}}",
                t.key(),
                string(default)
            ),
        })
        .collect();
    let text_props = text_props.join(",");
    let title = string(defaults.get(Text::Title));
    let greeting = string(defaults.get(Text::Greeting));
    let position = Position::default().name();
    let color = crate::color::Brand::default().background;
    // Defaults straight from the parser's own `Default`s, so the schema (and the configurator and
    // editors that read it) cannot disagree with what the widget does when a key is absent.
    let form = Form::default();
    let (rating, email, name, spam) = (
        form.rating.name(),
        form.email.name(),
        form.name.name(),
        form.spam.name(),
    );
    let min_seconds = form.min_seconds as u32;
    let theme = Theme::default();
    let (scheme, radius, launcher) = (theme.scheme.name(), theme.radius, theme.launcher.name());
    let device = Devices::default().name();
    let locales = list(std::iter::once("auto").chain(LOCALES));
    let z_max = i32::MAX;
    let delay_max = crate::config::DELAY_MAX;
    let channel_values: Vec<String> = Kind::ALL
        .iter()
        .map(|k| {
            // A channel that cannot prefill a message gets an issue for one, so the schema refuses it.
            let message = if k.takes_message() { "" } else { ",\"message\":false" };
            let message = if *k == Kind::Email { message.to_owned() } else { format!("{message},\"subject\":false") };
            // The title is the type's name as the panel shows it (the configurator lists it).
            let title = defaults.get(Text::label_of(*k));
            // The group it is listed under unless the owner says otherwise.
            let group = k.spec().group.name();
            format!("{{\"title\":\"{title}\",\"if\":{{\"properties\":{{\"type\":{{\"const\":\"{}\"}}}}}},\"then\":{{\"properties\":{{\"value\":{{\"description\":\"{}\"}},\"group\":{{\"default\":\"{group}\"}}{message}}}}}}}", k.name(), k.expects())
        })
        .collect();
    let channel_values = channel_values.join(",");
    format!(
        r##"{{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://contact-widget.dev/config.schema.json",
  "title": "Contact widget configuration",
  "type": "object",
  "additionalProperties": false,
  "properties": {{
    "$schema": {{ "type": "string" }},
    "endpoint": {{ "type": "string", "title": "Endpoint", "description": "Where feedback is POSTed: an http(s) URL or a path on this site. Without it the form is hidden." }},
    "transport": {{ "enum": {transports}, "default": "json", "title": "Transport", "description": "\"simple\" posts text/plain without custom headers, for endpoints that cannot answer a CORS preflight." }},
    "title": {{ "$ref": "#/$defs/text", "default": {title}, "title": "Title", "description": "The launcher's and the panel's title." }},
    "greeting": {{ "$ref": "#/$defs/text", "default": {greeting}, "title": "Greeting", "description": "The first line in the panel." }},
    "locale": {{ "type": "string", "default": "auto", "title": "Language", "examples": {locales}, "description": "\"auto\" or a BCP 47 language tag." }},
    "position": {{ "enum": {positions}, "default": "{position}", "title": "Position", "description": "Where the launcher sits; the panel opens beside it." }},
    "offsetX": {{ "$ref": "#/$defs/offset", "title": "Horizontal offset", "description": "Pixels between the launcher and the left or right edge (plus the device's safe area)." }},
    "offsetY": {{ "$ref": "#/$defs/offset", "title": "Vertical offset", "description": "Pixels between the launcher and the top or bottom edge (plus the device's safe area); the middle positions ignore it." }},
    "zIndex": {{ "anyOf": [{{ "type": "integer", "minimum": 0, "maximum": {z_max} }}, {{ "type": "string", "pattern": "^[0-9]+$" }}], "default": 2147483000, "title": "Stacking order (z-index)", "description": "The z-index of the launcher and the panel, for pages whose own fixed elements must stay above or below them." }},
    "load": {{ "enum": {loads}, "default": "intent", "title": "When to load the panel", "description": "When the rest of the widget is fetched: intent (when the visitor points at, presses or focuses the launcher, or the page calls open()), idle (once the page has loaded and is idle), eager (at once)." }},
    "delay": {{ "anyOf": [{{ "type": "integer", "minimum": 0, "maximum": {delay_max} }}, {{ "type": "string", "pattern": "^[0-9]+$" }}], "default": 0, "title": "Delay before the launcher shows", "description": "Seconds after the page loads before the launcher appears. The panel never opens by itself: opening is always the visitor's choice." }},
    "pages": {{ "type": "object", "additionalProperties": false, "title": "Pages", "description": "Where the widget shows, by the page's path: include (only there) and exclude (never there); * stands for any characters, e.g. /checkout/*. Checked again when a single-page app navigates.", "properties": {{ "include": {{ "$ref": "#/$defs/paths", "title": "Only on these pages" }}, "exclude": {{ "$ref": "#/$defs/paths", "title": "Never on these pages" }} }} }},
    "insights": {{ "type": "boolean", "default": false, "title": "Count opens and channel uses", "description": "Sends the inbox a count when the panel opens or a channel is used (its type, the page path, the language, phone or computer): no cookie, no identifier, nothing stored on the device. See the privacy page." }},
    "baseUrl": {{ "type": "string", "title": "Where the files are", "description": "The URL of the folder that holds the widget's other files (the contents of dist/ or of the npm package, the same version), such as a CDN's; by default next to contact-widget.js, or where your bundler put them." }},
    "fallback": {{ "type": "string", "pattern": "^(https?|mailto|tel):", "title": "Fallback link", "description": "Where the launcher leads if the widget cannot run (e.g. WebAssembly blocked); else the first e-mail or phone channel." }},
    "color": {{ "type": "string", "pattern": "^#([0-9a-fA-F]{{3}}|[0-9a-fA-F]{{6}})$", "default": "{color}", "title": "Brand colour", "description": "#rrggbb or #rgb. Text on it is black or white, whichever contrasts more." }},
    "theme": {{
      "type": "object",
      "title": "Theme",
      "additionalProperties": false,
      "properties": {{
        "scheme": {{ "enum": {schemes}, "default": "{scheme}", "title": "Colour scheme", "description": "auto follows the visitor's light or dark preference." }},
        "radius": {{ "type": "number", "minimum": 0, "maximum": 32, "default": {radius}, "title": "Corner radius", "description": "The panel's corner radius in pixels; controls scale from it." }},
        "launcher": {{ "enum": {launchers}, "default": "{launcher}", "title": "Launcher style", "description": "An icon with the title, the icon alone (the title is its name for screen readers), or the title alone." }},
        "font": {{ "type": "string", "pattern": "^[\\p{{L}}\\p{{N}} ,'\"_-]+$", "title": "Font", "description": "A CSS font-family list; by default the system font stack (no web font is ever downloaded)." }}
      }}
    }},
    "channels": {{ "type": "array", "items": {{ "$ref": "#/$defs/channel" }}, "title": "Channels", "description": "The ways to reach you, in order." }},
    "form": {{
      "title": "Feedback form",
      "description": "false hides the form.",
      "oneOf": [
        {{ "const": false }},
        {{
          "type": "object",
          "additionalProperties": false,
          "properties": {{
            "rating": {{ "oneOf": [{{ "type": "boolean" }}, {{ "enum": {ratings} }}], "default": "{rating}", "title": "Rating", "description": "Always sent as 1 to 5 (thumbs as 1 or 5); true means stars." }},
            "email": {{ "$ref": "#/$defs/ask", "default": "{email}", "title": "The visitor's e-mail" }},
            "name": {{ "$ref": "#/$defs/ask", "default": "{name}", "title": "The visitor's name" }},
            "spam": {{ "enum": {spams}, "default": "{spam}", "title": "Spam handling", "description": "flag: a message that looks like spam is sent with flags for the owner to judge; drop: a filled hidden field (honeypot) is not sent. A person's message is never dropped." }},
            "minSeconds": {{ "type": "number", "minimum": 0, "maximum": 60, "default": {min_seconds}, "title": "Minimum seconds", "description": "Sent sooner than this after the visitor started writing is flagged too-fast (never dropped); 0 switches the check off." }},
            "replyTime": {{ "enum": {replies}, "title": "Reply time", "description": "How soon you usually answer, said after a message is sent." }},
            "consent": {{ "oneOf": [{{ "type": "null" }}, {{ "$ref": "#/$defs/text" }}], "title": "Consent sentence", "description": "A sentence the visitor must tick before sending (unticked by default); its text is stored with the message." }}
          }}
        }}
      ]
    }},
    "texts": {{
      "type": "object",
      "title": "Texts",
      "description": "Any text the visitor sees, by key, for every language; or, under a language tag, for that language only.",
      "properties": {{ {text_props} }},
      "patternProperties": {{ "^[A-Za-z]{{2,3}}(-[A-Za-z0-9]{{1,8}})*$": {{ "type": "object", "additionalProperties": false, "properties": {{ {text_props} }} }} }},
      "additionalProperties": false
    }},
    "hours": {{
      "type": "object",
      "additionalProperties": false,
      "required": ["timeZone", "weekly"],
      "title": "Business hours",
      "description": "Business hours in the owner's IANA time zone; the panel says \"Open now\" or when it opens, in the visitor's time zone.",
      "properties": {{ {hours_props} }}
    }}
  }},
  "$defs": {{
    "paths": {{ "type": "array", "items": {{ "type": "string", "pattern": "^/[^\\s]*$", "maxLength": {PATTERN_MAX} }}, "examples": [["/checkout/*", "/account/*"]] }},
    "offset": {{ "anyOf": [{{ "type": "integer", "minimum": 0, "maximum": {OFFSET_MAX} }}, {{ "type": "string", "pattern": "^[0-9]+$" }}], "default": 20 }},
    "text": {{ "type": "string", "pattern": "\\S", "maxLength": 500, "description": "Text with at least one non-space character, at most 500 characters." }},
    "ask": {{ "anyOf": [{{ "enum": {asks} }}, {{ "type": "boolean", "description": "true is \"optional\", false is \"off\"." }}] }},
    "channel": {{
      "type": "object",
      "additionalProperties": false,
      "required": ["type", "value"],
      "properties": {{
        "type": {{ "enum": {kinds}, "title": "Type" }},
        "value": {{ "$ref": "#/$defs/text", "title": "Value" }},
        "label": {{ "$ref": "#/$defs/text", "title": "Label", "description": "Your own wording, such as Sales; by default the type's name in the visitor's language." }},
        "message": {{ "$ref": "#/$defs/text", "title": "Prefilled message", "description": "Prefilled text (sms, email, whatsapp, teams), percent-encoded into the link." }},
        "subject": {{ "$ref": "#/$defs/text", "title": "Prefilled subject", "description": "Prefilled subject (email)." }},
        "group": {{ "enum": {groups}, "title": "Group", "description": "The heading the channel is listed under; the default depends on the type." }},
        "devices": {{ "enum": {devices}, "default": "{device}", "title": "Devices", "description": "Show the channel on every device, on phones and tablets only, or on computers only." }},
        "hours": {{
          "type": "object",
          "additionalProperties": false,
          "required": ["weekly"],
          "title": "Own hours",
          "description": "This channel's own hours (the time zone defaults to the widget's).",
          "properties": {{ {hours_props} }}
        }},
        "whenClosed": {{ "enum": {when_closed}, "title": "When closed", "description": "Outside its hours: keep as usual, dim with the next opening, or hide. Default: dim with its own hours, keep otherwise." }},
        "replyTime": {{ "enum": {replies}, "title": "Reply time", "description": "Typically replies within minutes, in about an hour, within a few hours, within a day." }}
      }},
      "allOf": [{channel_values}]
    }}
  }}
}}
"##
    )
}

/// The properties of an `hours` object (the widget's and a channel's).
fn hours_properties() -> String {
    let time = r"([01]?[0-9]|2[0-3]):[0-5][0-9]";
    let range = format!(r"{time}\\s*[-–]\\s*({time}|24:00)");
    let spans = format!(
        r#"{{ "anyOf": [ {{ "type": "string", "pattern": "^\\s*([Cc]losed|{range}(\\s*,\\s*{range})*)\\s*$" }}, {{ "type": "array", "items": {{ "type": "string", "pattern": "^\\s*{range}\\s*$" }} }} ] }}"#
    );
    let day = r"\\s*[A-Za-z]{3}(day|sday|nesday|rsday|urday)?\\s*";
    let days = format!(r"^((daily|{day}(-{day})?)(,(daily|{day}(-{day})?))*)$");
    let dates = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?|[0-9]{2}-[0-9]{2})$";
    format!(
        r#""timeZone": {{ "type": "string", "title": "Time zone", "pattern": "^(UTC|GMT|[A-Za-z][A-Za-z0-9_+-]{{0,29}}(/[A-Za-z][A-Za-z0-9_+-]{{0,29}})+)$", "description": "An IANA time zone such as Europe/Paris." }},
        "weekly": {{ "type": "object", "propertyNames": {{ "pattern": "{days}" }}, "additionalProperties": {spans}, "title": "Weekly hours", "description": "Days (mon, mon-fri, sat,sun, daily) to ranges (\"09:00-17:00\", \"09:00-12:00, 13:00-17:00\", \"22:00-02:00\") or \"closed\"." }},
        "exceptions": {{ "type": "object", "propertyNames": {{ "pattern": "{dates}" }}, "additionalProperties": {spans}, "title": "Exceptions and holidays", "description": "Dates (2026-12-24, 2026-08-01/2026-08-15, or 12-25 for every year) to ranges or \"closed\"." }}"#
    )
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
