//! Config -> DOM, built once per mount. Makes no decisions beyond what the config says; every
//! text is set with `textContent`, so an owner's hostile label renders as plain text.

use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use widget_core::channel::{Channel, Group};
use widget_core::config::{Ask, Config, Form, Rating};
use widget_core::i18n::Text;

use crate::dom::{append, cast, el, set_attrs, svg_icon};

const ICON_CLOSE: &str =
    "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";
const ICON_SENT: &str =
    "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-1.4 14.2-4.3-4.3 1.4-1.4 2.9 2.9 6.3-6.3 1.4 1.4z";
const ICON_COPY: &str = "M16 1H4a2 2 0 0 0-2 2v14h2V3h12zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11z";
const ICON_COPIED: &str = "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z";
const ICON_QR: &str = "M3 3h8v8H3zm2 2v4h4V5zm-2 8h8v8H3zm2 2v4h4v-4zm8-12h8v8h-8zm2 2v4h4V5zm-2 8h2v2h-2zm2 2h2v2h-2zm-2 2h2v2h-2zm2 2h2v2h-2zm2-2h2v2h-2zm0-4h2v2h-2zm2 2h2v2h-2zm0 4h2v2h-2z";
const ICON_STAR: &str = "M12 17.3 18.2 21l-1.7-7 5.5-4.8-7.2-.6L12 2 9.2 8.6 2 9.2l5.5 4.8L5.8 21z";
/// A face's outline and eyes; each rating adds its mouth (drawn, not emoji: many systems have no
/// emoji font, and then emoji show as empty boxes).
const FACE: &str = "M12 2a10 10 0 1 0 0 20 10 10 0 1 0 0-20zm0 2a8 8 0 1 1 0 16 8 8 0 1 1 0-16zM8.5 8a1.5 1.5 0 1 0 0 3 1.5 1.5 0 1 0 0-3zm7 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 1 0 0-3z";
const MOUTHS: [&str; 5] = [
    "M7 18a5 5 0 0 1 10 0z",
    "M7.5 17a4.5 4.5 0 0 1 9 0h-1.8a2.7 2.7 0 0 0-5.4 0z",
    "M8 14.5h8v1.6H8z",
    "M7.5 14a4.5 4.5 0 0 0 9 0h-1.8a2.7 2.7 0 0 1-5.4 0z",
    "M7 13h10a5 5 0 0 1-10 0z",
];
const ICON_THUMB_DOWN: &str = "M15 3H6c-.8 0-1.5.5-1.8 1.2l-3 7.1-.2.7v2c0 1.1.9 2 2 2h6.3l-1 4.6v.3c0 .4.2.8.5 1.1L9.8 23l6.6-6.6c.4-.4.6-.9.6-1.4V5c0-1.1-.9-2-2-2zm4 0v12h4V3z";
const ICON_THUMB_UP: &str = "M1 21h4V9H1zm22-11c0-1.1-.9-2-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.5-1.1L14.2 1 7.6 7.6C7.2 8 7 8.5 7 9v10c0 1.1.9 2 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1.2-.7z";

/// Handles to the elements the widget updates after mounting.
pub struct Ui {
    pub panel: HtmlElement,
    pub close: HtmlButtonElement,
    /// "Open now" / "Closed · opens Monday 09:00", when the widget has hours.
    pub hours: Option<HtmlElement>,
    /// The channels shown on this device, in panel order.
    pub channels: Vec<ChannelUi>,
    /// Each group's wrapper and the positions of its channels in `channels`.
    pub groups: Vec<(HtmlElement, Vec<usize>)>,
    /// A live region that says "Copied".
    pub announce: Option<HtmlElement>,
    pub form: Option<FormUi>,
}

/// One channel's row.
pub struct ChannelUi {
    /// Its position in `Config::channels`.
    pub index: usize,
    pub item: HtmlElement,
    /// Its hours, when closed ("Closed · opens Monday 09:00").
    pub when: HtmlElement,
}

pub struct FormUi {
    pub form: Element,
    /// Shown instead of the form once a message is delivered: the thanks (focused, so it is
    /// read out), the reply address and time, and "Write another message".
    pub done: HtmlElement,
    pub done_lead: HtmlElement,
    /// "We will reply to {email}.", filled in when the visitor gave an address.
    pub done_reply_to: HtmlElement,
    pub another: HtmlButtonElement,
    pub rating: Vec<HtmlInputElement>,
    pub message: HtmlTextAreaElement,
    pub message_error: HtmlElement,
    pub counter: HtmlElement,
    /// Filled only by bots: hidden from people and assistive technology.
    pub honeypot: HtmlInputElement,
    pub email: Option<(HtmlInputElement, HtmlElement)>,
    pub name: Option<(HtmlInputElement, HtmlElement)>,
    pub consent: Option<HtmlInputElement>,
    pub consent_error: Option<HtmlElement>,
    pub send: HtmlButtonElement,
    pub status: HtmlElement,
    pub alert: HtmlElement,
}

/// The feedback form, when the config has one: built apart, so the panel can be built in two
/// tasks of the browser (see `Widget::mount_in_steps`).
pub fn form(config: &Config) -> Option<FormUi> {
    config.form.as_ref().map(|form| form_ui(config, form))
}

/// The panel (a dialog, hidden) with `form` at its end, for the root element next to the
/// loader's launcher. The root's position, scheme, language and direction are the loader's (it
/// painted the launcher first).
pub fn build(config: &Config, mobile: bool, form: Option<FormUi>) -> Ui {
    let t = |text| config.texts.get(text);
    let panel = el(
        "div",
        &[
            ("id", "cw-panel"),
            ("class", "panel"),
            ("role", "dialog"),
            ("aria-modal", "true"),
            ("aria-labelledby", "cw-title"),
            ("hidden", ""),
        ],
        "",
    );
    let head = el("div", &[("class", "head")], "");
    let close = el(
        "button",
        &[
            ("type", "button"),
            ("id", "cw-close"),
            ("class", "close"),
            ("aria-label", t(Text::Close)),
        ],
        "",
    );
    append(&close, &[&svg_icon(ICON_CLOSE)]);
    append(
        &head,
        &[&el("h2", &[("id", "cw-title")], t(Text::Title)), &close],
    );
    let body = el("div", &[("class", "body")], "");
    append(
        &body,
        &[&el("p", &[("class", "greeting")], t(Text::Greeting))],
    );
    let hours = match config.hours {
        Some(_) => {
            let line = el("p", &[("class", "hours"), ("id", "cw-hours")], "");
            append(&body, &[&line]);
            Some(cast(line))
        }
        None => None,
    };
    let (mut list, mut groups, mut announce) = (Vec::new(), Vec::new(), None);
    let shown: Vec<(usize, &Channel)> = config
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.devices.shows_on(mobile))
        .collect();
    if !shown.is_empty() {
        let section = el(
            "section",
            &[("class", "reach"), ("aria-label", t(Text::ChannelsHeading))],
            "",
        );
        // Groups in the order the owner first used them; channels in config order within each.
        let mut order: Vec<Group> = Vec::new();
        for (_, c) in &shown {
            if !order.contains(&c.group) {
                order.push(c.group);
            }
        }
        for group in order {
            let id = format!("cw-group-{}", group.name());
            let wrap = el(
                "div",
                &[("class", "group"), ("data-group", group.name())],
                "",
            );
            let ul = el("ul", &[("class", "channels"), ("aria-labelledby", &id)], "");
            append(
                &wrap,
                &[&el("h3", &[("id", &id)], t(Text::group(group))), &ul],
            );
            let mut members = Vec::new();
            for (index, c) in shown.iter().filter(|(_, c)| c.group == group) {
                let (item, when) = channel(config, c, *index, mobile);
                append(&ul, &[&item]);
                members.push(list.len());
                list.push(ChannelUi {
                    index: *index,
                    item: cast(item),
                    when: cast(when),
                });
            }
            append(&section, &[&wrap]);
            groups.push((cast(wrap), members));
        }
        let live = el(
            "p",
            &[
                ("class", "visually-hidden"),
                ("role", "status"),
                ("id", "cw-copied"),
            ],
            "",
        );
        append(&section, &[&live]);
        announce = Some(cast(live));
        append(&body, &[&section]);
    }
    if let Some(form) = &form {
        append(&body, &[&form.form, &form.done]);
    }
    append(&panel, &[&head, &body]);
    Ui {
        panel: cast(panel),
        close: cast(close),
        hours,
        channels: list,
        groups,
        announce,
        form,
    }
}

/// One channel: a link that opens it (or, where a link would do nothing, its value as text), a
/// Copy button and a QR code to continue on a phone where they help, its reply time, and a line
/// for its hours.
fn channel(config: &Config, channel: &Channel, index: usize, mobile: bool) -> (Element, Element) {
    let t = |text| config.texts.get(text);
    let label = channel
        .label
        .as_deref()
        .unwrap_or(t(Text::label_of(channel.kind)));
    let item = el(
        "li",
        &[("class", "item"), ("data-type", channel.kind.name())],
        "",
    );
    let row = match channel.href.as_deref() {
        Some(href) => {
            let mut attrs = vec![
                ("href", href),
                ("class", "channel"),
                ("data-type", channel.kind.name()),
            ];
            if href.starts_with("http") || href.starts_with('/') {
                attrs.extend([("target", "_blank"), ("rel", "noopener noreferrer")]);
            }
            el("a", &attrs, "")
        }
        None => el("div", &[("class", "channel")], ""),
    };
    let text = el("span", &[("class", "text")], "");
    // A number is never broken across lines (the value's class says so, see style.css).
    let value_class = if channel.kind.spec().number {
        "value number"
    } else {
        "value"
    };
    append(
        &text,
        &[
            &el("span", &[("class", "label")], label),
            &el("span", &[("class", value_class)], &channel.display),
        ],
    );
    if let Some(reply) = channel.reply {
        append(
            &text,
            &[&el("span", &[("class", "note")], t(Text::reply(reply)))],
        );
    }
    append(&row, &[&svg_icon(channel.kind.spec().icon), &text]);
    append(&item, &[&row]);
    // Its hours, on a line of their own under the row ("Closed · opens tomorrow 3:00 PM" needs
    // the panel's width), read with the link.
    let when_id = format!("cw-when-{index}");
    let when = el(
        "p",
        &[("class", "when"), ("id", &when_id), ("hidden", "")],
        "",
    );
    set_attrs(&row, &[("aria-describedby", &when_id)]);
    // Copy and QR as icon buttons beside the number (named in words), so the number keeps its
    // line and the row its height; "Copied" shows as a tick and is announced.
    if let Some(copy) = channel.copy.as_deref().filter(|_| channel.copyable(mobile)) {
        let actions = el("div", &[("class", "actions")], "");
        let button = el(
            "button",
            &[
                ("type", "button"),
                ("class", "copy"),
                ("data-copy", copy),
                ("data-type", channel.kind.name()),
            ],
            "",
        );
        append(
            &button,
            &[
                &svg_icon(ICON_COPY),
                &svg_icon(ICON_COPIED),
                &el("span", &[("class", "done visually-hidden")], t(Text::Copy)),
                &el(
                    "span",
                    &[("class", "visually-hidden")],
                    &format!(" {}", channel.display),
                ),
            ],
        );
        append(&actions, &[&button]);
        if let Some(href) = &channel.href {
            let id = format!("cw-qr-{index}");
            let qr = el(
                "button",
                &[
                    ("type", "button"),
                    ("class", "qr"),
                    ("aria-expanded", "false"),
                    ("aria-controls", &id),
                    ("data-qr", href),
                    ("data-type", channel.kind.name()),
                ],
                "",
            );
            append(
                &qr,
                &[
                    &svg_icon(ICON_QR),
                    &el(
                        "span",
                        &[("class", "visually-hidden")],
                        &format!("{} {label}", t(Text::QrCode)),
                    ),
                ],
            );
            append(&actions, &[&qr]);
            append(
                &item,
                &[
                    &actions,
                    &when,
                    &el(
                        "figure",
                        &[("id", &id), ("class", "qr-code"), ("hidden", "")],
                        "",
                    ),
                ],
            );
        } else {
            append(&item, &[&actions, &when]);
        }
    } else {
        append(&item, &[&when]);
    }
    (item, when)
}

fn form_ui(config: &Config, form: &Form) -> FormUi {
    let t = |text| config.texts.get(text);
    let root = el(
        "form",
        &[
            ("class", "form"),
            ("novalidate", ""),
            ("aria-labelledby", "cw-form-heading"),
        ],
        "",
    );
    append(
        &root,
        &[&el(
            "h3",
            &[("id", "cw-form-heading")],
            t(Text::FormHeading),
        )],
    );

    let rating = rating_group(&root, config, form.rating);

    // dir="auto" everywhere the visitor types: "…on Saturday?" in an Arabic panel keeps its
    // question mark where the writer put it.
    let message = el(
        "textarea",
        &[
            ("id", "cw-message"),
            ("name", "message"),
            ("rows", "4"),
            ("dir", "auto"),
            ("aria-required", "true"),
        ],
        "",
    );
    // Filled in once the message nears its limit (see `COUNTER_FROM`).
    let counter = el(
        "p",
        &[
            ("id", "cw-message-count"),
            ("class", "counter"),
            ("hidden", ""),
        ],
        "",
    );
    let message_error = error_line("cw-message-error");
    append(
        &root,
        &[
            &el("label", &[("for", "cw-message")], t(Text::Message)),
            &message,
            &counter,
            &message_error,
        ],
    );

    // The honeypot: off-screen, out of the tab order and hidden from assistive technology. Its
    // name and label mean nothing to browser autofill and password managers (which would fill a
    // "website" or "url" field for a person), and it asks them to keep out.
    let trap = el("div", &[("class", "hp"), ("aria-hidden", "true")], "");
    let honeypot = el(
        "input",
        &[
            ("type", "text"),
            ("id", "cw-hp"),
            ("name", "cw-hp-leave-empty"),
            ("tabindex", "-1"),
            ("autocomplete", "off"),
            ("data-1p-ignore", ""),
            ("data-lpignore", "true"),
            ("data-bwignore", ""),
            ("data-form-type", "other"),
        ],
        "",
    );
    append(
        &trap,
        &[
            &el("label", &[("for", "cw-hp")], "Leave this empty"),
            &honeypot,
        ],
    );
    append(&root, &[&trap]);

    let name = text_field(
        &root,
        config,
        form.name,
        "cw-name",
        Text::Name,
        &[("type", "text"), ("autocomplete", "name"), ("dir", "auto")],
    );
    let email = text_field(
        &root,
        config,
        form.email,
        "cw-email",
        Text::Email,
        &[
            ("type", "email"),
            ("autocomplete", "email"),
            ("inputmode", "email"),
            ("dir", "auto"),
        ],
    );

    let (consent, consent_error) = match &form.consent {
        Some(text) => {
            let label = el("label", &[("class", "consent")], "");
            let input = el(
                "input",
                &[
                    ("type", "checkbox"),
                    ("id", "cw-consent"),
                    ("aria-required", "true"),
                ],
                "",
            );
            append(&label, &[&input, &el("span", &[], text)]);
            let error = error_line("cw-consent-error");
            append(&root, &[&label, &error]);
            (Some(cast(input)), Some(cast(error)))
        }
        None => (None, None),
    };

    let send = el(
        "button",
        &[("type", "submit"), ("class", "send")],
        t(Text::Send),
    );
    let status = el(
        "p",
        &[("role", "status"), ("id", "cw-status"), ("class", "status")],
        "",
    );
    let alert = el(
        "p",
        &[("role", "alert"), ("id", "cw-alert"), ("class", "alert")],
        "",
    );
    append(&root, &[&send, &status, &alert]);

    let done = el("div", &[("class", "thanks"), ("hidden", "")], "");
    let lead = el(
        "p",
        &[
            ("class", "lead"),
            ("id", "cw-done"),
            ("role", "status"),
            ("tabindex", "-1"),
        ],
        t(Text::Sent),
    );
    let reply_to = el("p", &[("class", "next"), ("hidden", "")], "");
    let another = el(
        "button",
        &[("type", "button"), ("class", "another")],
        t(Text::WriteAnother),
    );
    append(&done, &[&svg_icon(ICON_SENT), &lead, &reply_to]);
    if let Some(reply) = form.reply {
        append(
            &done,
            &[&el("p", &[("class", "next")], t(Text::reply(reply)))],
        );
    }
    append(&done, &[&another]);
    FormUi {
        form: root,
        done: cast(done),
        done_lead: cast(lead),
        done_reply_to: cast(reply_to),
        another: cast(another),
        rating,
        message: cast(message),
        message_error: cast(message_error),
        counter: cast(counter),
        honeypot: cast(honeypot),
        email,
        name,
        consent,
        consent_error,
        send: cast(send),
        status: cast(status),
        alert: cast(alert),
    }
}

/// The rating as radio buttons (values 1 to 5), each named in words for screen readers and drawn
/// as an SVG icon.
fn rating_group(form: &Element, config: &Config, style: Rating) -> Vec<HtmlInputElement> {
    const VALUES: [&str; 5] = ["1", "2", "3", "4", "5"];
    const FACES: [Text; 5] = [
        Text::RatingFace1,
        Text::RatingFace2,
        Text::RatingFace3,
        Text::RatingFace4,
        Text::RatingFace5,
    ];
    let options: Vec<(&str, String, String)> = match style {
        Rating::Off => return Vec::new(),
        Rating::Stars => VALUES
            .iter()
            .map(|n| {
                (
                    *n,
                    config.texts.fill(Text::RatingValue, &[("n", n)]),
                    ICON_STAR.to_owned(),
                )
            })
            .collect(),
        Rating::Faces => (0..5)
            .map(|i| {
                (
                    VALUES[i],
                    config.texts.get(FACES[i]).to_owned(),
                    [FACE, MOUTHS[i]].concat(),
                )
            })
            .collect(),
        Rating::Thumbs => vec![
            (
                "1",
                config.texts.get(Text::RatingThumbDown).to_owned(),
                ICON_THUMB_DOWN.to_owned(),
            ),
            (
                "5",
                config.texts.get(Text::RatingThumbUp).to_owned(),
                ICON_THUMB_UP.to_owned(),
            ),
        ],
    };
    let set = el(
        "fieldset",
        &[("class", "rating"), ("data-style", style.name())],
        "",
    );
    append(&set, &[&el("legend", &[], config.texts.get(Text::Rating))]);
    let mut inputs = Vec::new();
    for (value, name, symbol) in options {
        let label = el("label", &[("class", "choice")], "");
        let input = el(
            "input",
            &[("type", "radio"), ("name", "rating"), ("value", value)],
            "",
        );
        append(
            &label,
            &[
                &input,
                &el("span", &[("class", "visually-hidden")], &name),
                &svg_icon(&symbol),
            ],
        );
        append(&set, &[&label]);
        inputs.push(cast(input));
    }
    append(form, &[&set]);
    inputs
}

/// A labelled input with its error line; "optional" is a hint tied by `aria-describedby`, so the
/// accessible name stays exactly the label.
fn text_field(
    form: &Element,
    config: &Config,
    ask: Ask,
    id: &str,
    label: Text,
    attrs: &[(&str, &str)],
) -> Option<(HtmlInputElement, HtmlElement)> {
    if ask == Ask::Off {
        return None;
    }
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let head = el("div", &[("class", "field-head")], "");
    append(
        &head,
        &[&el("label", &[("for", id)], config.texts.get(label))],
    );
    let input = el("input", attrs, "");
    if ask == Ask::Optional {
        append(
            &head,
            &[&el(
                "span",
                &[("class", "hint"), ("id", &hint_id)],
                config.texts.get(Text::Optional),
            )],
        );
        set_attrs(&input, &[("id", id), ("aria-describedby", &hint_id)]);
    } else {
        set_attrs(&input, &[("id", id), ("aria-required", "true")]);
    }
    let error = error_line(&error_id);
    append(form, &[&head, &input, &error]);
    Some((cast(input), cast(error)))
}

fn error_line(id: &str) -> Element {
    el("p", &[("id", id), ("class", "error"), ("hidden", "")], "")
}
