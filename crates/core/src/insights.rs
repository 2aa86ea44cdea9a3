//! Cookieless counts for the owner (`insights: true`): what the widget tells the inbox when the
//! panel opens or a channel is used. One small event per interaction, never before one: the event,
//! the channel's type and what was done with it, the page's path, the language shown, and phone or
//! computer. No identifier, no cookie, nothing kept on the device; the inbox keeps per-day counts
//! only. The inbox reads the same names from here.

use crate::channel::Kind;
use crate::json;
use crate::value::Value;

/// The events, by the name they travel under.
pub const EVENTS: [&str; 2] = ["open", "channel"];
/// What can be done with a channel.
pub const ACTIONS: [&str; 3] = ["open", "copy", "qr"];
/// The device classes, phone first.
pub const DEVICES: [&str; 2] = ["mobile", "desktop"];
/// The longest page path sent; longer ones are cut (a path is not the place for a story).
pub const PATH_MAX: usize = 512;
/// Where events go, at the endpoint's origin.
pub const EVENTS_PATH: &str = "/api/events";

/// What a visitor did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Opened the panel.
    Open,
    /// Used a channel: opened its link, copied its number or ID, or showed its QR code.
    Channel(Kind, Action),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Open,
    Copy,
    Qr,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::Open => ACTIONS[0],
            Action::Copy => ACTIONS[1],
            Action::Qr => ACTIONS[2],
        }
    }
}

/// The event as the inbox takes it (a JSON object): `path` without query or fragment.
pub fn body(event: Event, path: &str, language: &str, mobile: bool) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path: String = path.chars().take(PATH_MAX).collect();
    let mut fields = vec![(
        "event",
        json::text(match event {
            Event::Open => EVENTS[0],
            Event::Channel(..) => EVENTS[1],
        }),
    )];
    if let Event::Channel(kind, action) = event {
        fields.push(("channel", json::text(kind.name())));
        fields.push(("action", json::text(action.name())));
    }
    fields.extend([
        ("path", Value::String(path)),
        ("language", json::text(language)),
        (
            "device",
            json::text(if mobile { "mobile" } else { "desktop" }),
        ),
    ]);
    json::write(&json::object(fields))
}

/// Where events are sent: [`EVENTS_PATH`] at the origin of `endpoint` (an http(s) URL), or on
/// the page's own site when the endpoint is a path there.
pub fn url(endpoint: &str) -> String {
    let origin = endpoint.split_once("://").map_or(0, |(scheme, rest)| {
        scheme.len() + 3 + rest.find(['/', '?', '#']).unwrap_or(rest.len())
    });
    format!("{}{EVENTS_PATH}", &endpoint[..origin])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_name_what_happened_and_nothing_about_who() {
        assert_eq!(
            body(Event::Open, "/pricing?utm=x#plans", "fr", false),
            r#"{"event":"open","path":"/pricing","language":"fr","device":"desktop"}"#
        );
        assert_eq!(
            body(Event::Channel(Kind::Whatsapp, Action::Qr), "/", "en", true),
            r#"{"event":"channel","channel":"whatsapp","action":"qr","path":"/","language":"en","device":"mobile"}"#
        );
        let long = format!("/{}", "a".repeat(PATH_MAX * 2));
        let sent = body(Event::Open, &long, "en", true);
        assert!(sent.contains(&format!("\"/{}\"", "a".repeat(PATH_MAX - 1))));
    }

    #[test]
    fn events_go_to_the_endpoints_origin() {
        assert_eq!(
            url("https://inbox.example.com:8443/api/feedback?site=1"),
            "https://inbox.example.com:8443/api/events"
        );
        assert_eq!(
            url("http://127.0.0.1:8391"),
            "http://127.0.0.1:8391/api/events"
        );
        assert_eq!(url("/api/feedback"), "/api/events");
    }
}
