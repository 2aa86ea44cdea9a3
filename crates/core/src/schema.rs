//! The configuration's JSON Schema (draft 2020-12), written to `dist/config.schema.json`.
//!
//! Built from the same tables the parser uses (channel types, positions, text keys), so an owner's
//! editor and the widget agree on what is valid.

use crate::channel::{Devices, Group, Kind, Reply, WhenClosed};
use crate::config::{Ask, Launcher, Position, Rating, Scheme, Spam, TRANSPORTS};
use crate::i18n::{Text, Texts};

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
            default => format!("\"{}\":{{\"$ref\":\"#/$defs/text\",\"default\":{}}}", t.key(), string(default)),
        })
        .collect();
    let text_props = text_props.join(",");
    let title = string(defaults.get(Text::Title));
    let greeting = string(defaults.get(Text::Greeting));
    let position = Position::default().name();
    let color = crate::color::Brand::default().background;
    let channel_values: Vec<String> = Kind::ALL
        .iter()
        .map(|k| {
            // A channel that cannot prefill a message gets an issue for one, so the schema refuses it.
            let message = if k.takes_message() { "" } else { ",\"message\":false" };
            let message = if *k == Kind::Email { message.to_owned() } else { format!("{message},\"subject\":false") };
            // The title is the type's name as the panel shows it (the configurator lists it).
            let title = defaults.get(Text::label_of(*k));
            format!("{{\"title\":\"{title}\",\"if\":{{\"properties\":{{\"type\":{{\"const\":\"{}\"}}}}}},\"then\":{{\"properties\":{{\"value\":{{\"description\":\"{}\"}}{message}}}}}}}", k.name(), k.expects())
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
    "endpoint": {{ "type": "string", "description": "Where feedback is POSTed: an http(s) URL or a path on this site. Without it the form is hidden." }},
    "transport": {{ "enum": {transports}, "default": "json", "description": "\"simple\" posts text/plain without custom headers, for endpoints that cannot answer a CORS preflight." }},
    "title": {{ "$ref": "#/$defs/text", "default": {title}, "description": "The launcher's and the panel's title." }},
    "greeting": {{ "$ref": "#/$defs/text", "default": {greeting} }},
    "locale": {{ "type": "string", "default": "auto", "description": "\"auto\" or a BCP 47 language tag." }},
    "position": {{ "enum": {positions}, "default": "{position}" }},
    "offsetX": {{ "$ref": "#/$defs/offset", "description": "Pixels between the launcher and the left or right edge (plus the device's safe area)." }},
    "offsetY": {{ "$ref": "#/$defs/offset", "description": "Pixels between the launcher and the top or bottom edge (plus the device's safe area)." }},
    "zIndex": {{ "anyOf": [{{ "type": "integer", "minimum": 0, "maximum": 2147483647 }}, {{ "type": "string", "pattern": "^[0-9]+$" }}], "default": 2147483000 }},
    "load": {{ "enum": {loads}, "default": "intent", "description": "When the rest of the widget is fetched: intent (when the visitor points at, presses or focuses the launcher, or the page calls open()), idle (once the page has loaded and is idle), eager (at once)." }},
    "fallback": {{ "type": "string", "pattern": "^(https?|mailto|tel):", "description": "Where the launcher leads if the widget cannot run (e.g. WebAssembly blocked); else the first e-mail or phone channel." }},
    "color": {{ "type": "string", "pattern": "^#([0-9a-fA-F]{{3}}|[0-9a-fA-F]{{6}})$", "default": "{color}" }},
    "theme": {{
      "type": "object",
      "additionalProperties": false,
      "properties": {{
        "scheme": {{ "enum": {schemes}, "default": "auto" }},
        "radius": {{ "type": "number", "minimum": 0, "maximum": 32, "default": 16 }},
        "launcher": {{ "enum": {launchers}, "default": "icon-label" }},
        "font": {{ "type": "string", "pattern": "^[\\p{{L}}\\p{{N}} ,'\"_-]+$" }}
      }}
    }},
    "channels": {{ "type": "array", "items": {{ "$ref": "#/$defs/channel" }} }},
    "form": {{
      "oneOf": [
        {{ "const": false }},
        {{
          "type": "object",
          "additionalProperties": false,
          "properties": {{
            "rating": {{ "oneOf": [{{ "type": "boolean" }}, {{ "enum": {ratings} }}], "description": "true means stars." }},
            "email": {{ "$ref": "#/$defs/ask" }},
            "name": {{ "$ref": "#/$defs/ask" }},
            "spam": {{ "enum": {spams}, "default": "flag", "description": "flag: a message that looks like spam is sent with flags for the owner to judge; drop: a filled hidden field (honeypot) is not sent. A person's message is never dropped." }},
            "minSeconds": {{ "type": "number", "minimum": 0, "maximum": 60, "default": 2, "description": "Sent sooner than this after the visitor started writing is flagged too-fast (never dropped); 0 switches the check off." }},
            "replyTime": {{ "enum": {replies}, "description": "How soon you usually answer, said after a message is sent." }},
            "consent": {{ "oneOf": [{{ "type": "null" }}, {{ "$ref": "#/$defs/text" }}] }}
          }}
        }}
      ]
    }},
    "texts": {{
      "type": "object",
      "properties": {{ {text_props} }},
      "patternProperties": {{ "^[A-Za-z]{{2,3}}(-[A-Za-z0-9]{{1,8}})*$": {{ "type": "object", "additionalProperties": false, "properties": {{ {text_props} }} }} }},
      "additionalProperties": false
    }},
    "hours": {{
      "type": "object",
      "additionalProperties": false,
      "required": ["timeZone", "weekly"],
      "description": "Business hours in the owner's IANA time zone; the panel says \"Open now\" or when it opens, in the visitor's time zone.",
      "properties": {{ {hours_props} }}
    }}
  }},
  "$defs": {{
    "offset": {{ "anyOf": [{{ "type": "integer", "minimum": 0, "maximum": 400 }}, {{ "type": "string", "pattern": "^[0-9]+$" }}], "default": 20 }},
    "text": {{ "type": "string", "pattern": "\\S", "maxLength": 500, "description": "Text with at least one non-space character, at most 500 characters." }},
    "ask": {{ "anyOf": [{{ "enum": {asks} }}, {{ "type": "boolean", "description": "true is \"optional\", false is \"off\"." }}] }},
    "channel": {{
      "type": "object",
      "additionalProperties": false,
      "required": ["type", "value"],
      "properties": {{
        "type": {{ "enum": {kinds} }},
        "value": {{ "$ref": "#/$defs/text" }},
        "label": {{ "$ref": "#/$defs/text" }},
        "message": {{ "$ref": "#/$defs/text", "description": "Prefilled text (sms, email, whatsapp, teams), percent-encoded into the link." }},
        "subject": {{ "$ref": "#/$defs/text", "description": "Prefilled subject (email)." }},
        "group": {{ "enum": {groups}, "description": "The heading the channel is listed under; the default depends on the type." }},
        "devices": {{ "enum": {devices}, "default": "all" }},
        "hours": {{
          "type": "object",
          "additionalProperties": false,
          "required": ["weekly"],
          "description": "This channel's own hours (the time zone defaults to the widget's).",
          "properties": {{ {hours_props} }}
        }},
        "whenClosed": {{ "enum": {when_closed}, "description": "Outside its hours: keep as usual, dim with the next opening, or hide. Default: dim with its own hours, keep otherwise." }},
        "replyTime": {{ "enum": {replies}, "description": "Typically replies within minutes, in about an hour, within a few hours, within a day." }}
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
    let spans = format!(r#"{{ "anyOf": [ {{ "type": "string", "pattern": "^\\s*([Cc]losed|{range}(\\s*,\\s*{range})*)\\s*$" }}, {{ "type": "array", "items": {{ "type": "string", "pattern": "^\\s*{range}\\s*$" }} }} ] }}"#);
    let day = r"\\s*[A-Za-z]{3}(day|sday|nesday|rsday|urday)?\\s*";
    let days = format!(r"^((daily|{day}(-{day})?)(,(daily|{day}(-{day})?))*)$");
    let dates = r"^([0-9]{4}-[0-9]{2}-[0-9]{2}(/[0-9]{4}-[0-9]{2}-[0-9]{2})?|[0-9]{2}-[0-9]{2})$";
    format!(
        r#""timeZone": {{ "type": "string", "pattern": "^(UTC|GMT|[A-Za-z][A-Za-z0-9_+-]{{0,29}}(/[A-Za-z][A-Za-z0-9_+-]{{0,29}})+)$", "description": "An IANA time zone such as Europe/Paris." }},
        "weekly": {{ "type": "object", "propertyNames": {{ "pattern": "{days}" }}, "additionalProperties": {spans}, "description": "Days (mon, mon-fri, sat,sun, daily) to ranges (\"09:00-17:00\", \"09:00-12:00, 13:00-17:00\", \"22:00-02:00\") or \"closed\"." }},
        "exceptions": {{ "type": "object", "propertyNames": {{ "pattern": "{dates}" }}, "additionalProperties": {spans}, "description": "Dates (2026-12-24, 2026-08-01/2026-08-15, or 12-25 for every year) to ranges or \"closed\"." }}"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::KEYS;

    #[test]
    fn is_json_and_lists_every_key_type_and_text() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).expect("schema is valid JSON");
        let props = schema["properties"].as_object().unwrap();
        for key in KEYS {
            assert!(props.contains_key(key), "schema lacks {key}");
        }
        let kinds = &schema["$defs"]["channel"]["properties"]["type"]["enum"];
        assert_eq!(kinds.as_array().unwrap().len(), Kind::ALL.len());
        assert_eq!(props["texts"]["properties"].as_object().unwrap().len(), Text::ALL.len());
        let form = props["form"]["oneOf"][1]["properties"].as_object().unwrap();
        for key in crate::config::FORM_KEYS {
            assert!(form.contains_key(key), "schema lacks form.{key}");
        }
        // Defaults are the widget's own, for editors and the configurator's placeholders.
        assert_eq!(props["texts"]["properties"]["sending"]["default"], "Sending…");
        assert_eq!(props["title"]["default"], "Contact us");
        assert_eq!(props["position"]["default"], "bottom-right");
        assert_eq!(props["color"]["default"], "#0b57d0");
        // A message is refused on a channel that cannot prefill one, as the parser does.
        let rules = schema["$defs"]["channel"]["allOf"].as_array().unwrap();
        let phone = rules.iter().find(|r| r["if"]["properties"]["type"]["const"] == "phone").unwrap();
        assert_eq!(phone["then"]["properties"]["message"], false);
        assert_eq!(phone["then"]["properties"]["subject"], false);
        let channel = schema["$defs"]["channel"]["properties"].as_object().unwrap();
        for key in crate::config::CHANNEL_KEYS {
            assert!(channel.contains_key(key), "schema lacks channels[].{key}");
        }
        for key in crate::hours::KEYS {
            assert!(props["hours"]["properties"].as_object().unwrap().contains_key(key), "schema lacks hours.{key}");
        }
    }
}
