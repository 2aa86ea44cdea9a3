//! The feedback form's elements: the rating, the message with its counter, the optional name and
//! e-mail, consent, Send with the status and alert lines, and the thank-you view that takes the
//! form's place once a message is delivered. Every text is set with `textContent`.

use std::cell::Cell;

use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use widget_core::config::{Ask, Form, Rating};
use widget_core::form::Field;
use widget_core::i18n::Text;

use super::Context;
use crate::dom::{append, cast, el, set_attrs, svg_icon};

/// A field that can be wrong, and the line under it that says how.
pub struct FieldUi {
    pub field: Field,
    pub input: HtmlElement,
    pub error: HtmlElement,
    /// The id of its "optional" hint, when it has one.
    pub hint: Option<String>,
    /// Whether it is marked wrong.
    pub invalid: Cell<bool>,
}

pub struct FormUi {
    pub form: HtmlElement,
    /// Shown instead of the form once a message is delivered: the thanks (focused, so it is
    /// read out), the reply address and time, and "Write another message".
    pub done: HtmlElement,
    pub done_lead: HtmlElement,
    /// "We will reply to {email}.", filled in when the visitor gave an address.
    pub done_reply_to: HtmlElement,
    pub another: HtmlButtonElement,
    pub rating: Vec<HtmlInputElement>,
    pub message: HtmlTextAreaElement,
    pub counter: HtmlElement,
    /// Filled only by bots: hidden from people and assistive technology.
    pub honeypot: HtmlInputElement,
    pub name: Option<HtmlInputElement>,
    pub email: Option<HtmlInputElement>,
    pub consent: Option<HtmlInputElement>,
    /// The fields that can be wrong, in the form's order (the order of `form::check`).
    pub fields: Vec<FieldUi>,
    pub send: HtmlButtonElement,
    pub status: HtmlElement,
    pub alert: HtmlElement,
}

const ICON_SENT: &str =
    "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-1.4 14.2-4.3-4.3 1.4-1.4 2.9 2.9 6.3-6.3 1.4 1.4z";
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

/// The form and its thank-you view, for the end of the panel's body.
pub fn build(cx: &Context, form: &Form) -> FormUi {
    let t = |text| cx.t(text);
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

    let rating = rating_group(&root, cx, form.rating);

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
    let mut fields = vec![FieldUi {
        field: Field::Message,
        input: cast(message.clone()),
        error: cast(message_error.clone()),
        hint: None,
        invalid: Cell::new(false),
    }];
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
        cx,
        &mut fields,
        (Field::Name, form.name),
        "cw-name",
        Text::Name,
        &[("type", "text"), ("autocomplete", "name"), ("dir", "auto")],
    );
    let email = text_field(
        &root,
        cx,
        &mut fields,
        (Field::Email, form.email),
        "cw-email",
        Text::Email,
        &[
            ("type", "email"),
            ("autocomplete", "email"),
            ("inputmode", "email"),
            ("dir", "auto"),
        ],
    );

    let consent = match &form.consent {
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
            fields.push(FieldUi {
                field: Field::Consent,
                input: cast(input.clone()),
                error: cast(error),
                hint: None,
                invalid: Cell::new(false),
            });
            Some(cast(input))
        }
        None => None,
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
        form: cast(root),
        done: cast(done),
        done_lead: cast(lead),
        done_reply_to: cast(reply_to),
        another: cast(another),
        rating,
        message: cast(message),
        counter: cast(counter),
        honeypot: cast(honeypot),
        email,
        name,
        consent,
        fields,
        send: cast(send),
        status: cast(status),
        alert: cast(alert),
    }
}

/// The rating as radio buttons (values 1 to 5), each named in words for screen readers and drawn
/// as an SVG icon.
fn rating_group(form: &Element, cx: &Context, style: Rating) -> Vec<HtmlInputElement> {
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
                    cx.config.texts.fill(Text::RatingValue, &[("n", n)]),
                    ICON_STAR.to_owned(),
                )
            })
            .collect(),
        Rating::Faces => (0..5)
            .map(|i| {
                (
                    VALUES[i],
                    cx.t(FACES[i]).to_owned(),
                    [FACE, MOUTHS[i]].concat(),
                )
            })
            .collect(),
        Rating::Thumbs => vec![
            (
                "1",
                cx.t(Text::RatingThumbDown).to_owned(),
                ICON_THUMB_DOWN.to_owned(),
            ),
            (
                "5",
                cx.t(Text::RatingThumbUp).to_owned(),
                ICON_THUMB_UP.to_owned(),
            ),
        ],
    };
    let set = el(
        "fieldset",
        &[("class", "rating"), ("data-style", style.name())],
        "",
    );
    append(&set, &[&el("legend", &[], cx.t(Text::Rating))]);
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

/// A labelled input with its error line (added to `fields`); "optional" is a hint tied by
/// `aria-describedby`, so the accessible name stays exactly the label.
fn text_field(
    form: &Element,
    cx: &Context,
    fields: &mut Vec<FieldUi>,
    (field, ask): (Field, Ask),
    id: &str,
    label: Text,
    attrs: &[(&str, &str)],
) -> Option<HtmlInputElement> {
    if ask == Ask::Off {
        return None;
    }
    let hint_id = format!("{id}-hint");
    let head = el("div", &[("class", "field-head")], "");
    append(&head, &[&el("label", &[("for", id)], cx.t(label))]);
    let input = el("input", attrs, "");
    if ask == Ask::Optional {
        append(
            &head,
            &[&el(
                "span",
                &[("class", "hint"), ("id", &hint_id)],
                cx.t(Text::Optional),
            )],
        );
        set_attrs(&input, &[("id", id), ("aria-describedby", &hint_id)]);
    } else {
        set_attrs(&input, &[("id", id), ("aria-required", "true")]);
    }
    let error = error_line(&format!("{id}-error"));
    append(form, &[&head, &input, &error]);
    fields.push(FieldUi {
        field,
        input: cast(input.clone()),
        error: cast(error),
        hint: (ask == Ask::Optional).then_some(hint_id),
        invalid: Cell::new(false),
    });
    Some(cast(input))
}

fn error_line(id: &str) -> Element {
    el("p", &[("id", id), ("class", "error"), ("hidden", "")], "")
}
