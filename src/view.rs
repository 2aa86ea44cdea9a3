//! Config -> DOM, built once per mount. Makes no decisions beyond what the config says; every
//! text is set with `textContent`, so an owner's hostile label renders as plain text.

use wasm_bindgen::JsValue;
use web_sys::{Element, HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use widget_core::config::{Ask, Config, Form, Rating};
use widget_core::form::MESSAGE_MAX;
use widget_core::i18n::Text;

use crate::dom::{append, cast, el, svg_icon};

const ICON_CLOSE: &str = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";

/// Handles to the elements the widget updates after mounting.
pub struct Ui {
    pub panel: HtmlElement,
    pub close: HtmlButtonElement,
    pub form: Option<FormUi>,
}

pub struct FormUi {
    pub form: Element,
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

/// The panel (a dialog, hidden), for the root element next to the loader's launcher. The root's
/// position, scheme, language and direction are the loader's (it painted the launcher first).
pub fn build(config: &Config) -> Result<Ui, JsValue> {
    let t = |text| config.texts.get(text);
    let panel = el("div", &[("id", "cw-panel"), ("class", "panel"), ("role", "dialog"), ("aria-modal", "true"), ("aria-labelledby", "cw-title"), ("hidden", "")], "")?;
    let head = el("div", &[("class", "head")], "")?;
    let close = el("button", &[("type", "button"), ("class", "close"), ("aria-label", t(Text::Close))], "")?;
    append(&close, &[&svg_icon(ICON_CLOSE)?])?;
    append(&head, &[&el("h2", &[("id", "cw-title")], t(Text::Title))?, &close])?;
    let body = el("div", &[("class", "body")], "")?;
    append(&body, &[&el("p", &[("class", "greeting")], t(Text::Greeting))?])?;
    if !config.channels.is_empty() {
        append(&body, &[&channels(config)?])?;
    }
    let form = match &config.form {
        Some(form) => {
            let ui = form_ui(config, form)?;
            body.append_child(&ui.form)?;
            Some(ui)
        }
        None => None,
    };
    append(&panel, &[&head, &body])?;
    Ok(Ui { panel: cast(panel)?, close: cast(close)?, form })
}

fn channels(config: &Config) -> Result<Element, JsValue> {
    let section = el("section", &[("aria-labelledby", "cw-channels-heading")], "")?;
    append(&section, &[&el("h3", &[("id", "cw-channels-heading")], config.texts.get(Text::ChannelsHeading))?])?;
    let list = el("ul", &[("class", "channels")], "")?;
    for channel in &config.channels {
        let label = channel.label.as_deref().unwrap_or(config.texts.get(Text::label_of(channel.kind)));
        let web = channel.href.starts_with("http") || channel.href.starts_with('/');
        let mut attrs = vec![("href", channel.href.as_str()), ("class", "channel"), ("data-type", channel.kind.name())];
        if web {
            attrs.extend([("target", "_blank"), ("rel", "noopener noreferrer")]);
        }
        let link = el("a", &attrs, "")?;
        append(&link, &[&el("span", &[("class", "label")], label)?, &el("span", &[("class", "value")], &channel.display)?])?;
        let item = el("li", &[], "")?;
        item.append_child(&link)?;
        list.append_child(&item)?;
    }
    section.append_child(&list)?;
    Ok(section)
}

fn form_ui(config: &Config, form: &Form) -> Result<FormUi, JsValue> {
    let t = |text| config.texts.get(text);
    let root = el("form", &[("class", "form"), ("novalidate", ""), ("aria-labelledby", "cw-form-heading")], "")?;
    append(&root, &[&el("h3", &[("id", "cw-form-heading")], t(Text::FormHeading))?])?;

    let rating = rating_group(&root, config, form.rating)?;

    let message = el("textarea", &[("id", "cw-message"), ("name", "message"), ("rows", "4"), ("aria-required", "true"), ("aria-describedby", "cw-message-count")], "")?;
    let max = MESSAGE_MAX.to_string();
    let counter = el("p", &[("id", "cw-message-count"), ("class", "counter")], &config.texts.fill(Text::Counter, &[("n", "0"), ("max", &max)]))?;
    let message_error = error_line("cw-message-error")?;
    append(&root, &[&el("label", &[("for", "cw-message")], t(Text::Message))?, &message, &counter, &message_error])?;

    // The honeypot: off-screen, out of the tab order and hidden from assistive technology.
    let trap = el("div", &[("class", "hp"), ("aria-hidden", "true")], "")?;
    let honeypot = el("input", &[("type", "text"), ("id", "cw-website"), ("name", "website"), ("tabindex", "-1"), ("autocomplete", "off")], "")?;
    append(&trap, &[&el("label", &[("for", "cw-website")], "Website")?, &honeypot])?;
    root.append_child(&trap)?;

    let name = text_field(&root, config, form.name, "cw-name", Text::Name, &[("type", "text"), ("autocomplete", "name")])?;
    let email = text_field(&root, config, form.email, "cw-email", Text::Email, &[("type", "email"), ("autocomplete", "email"), ("inputmode", "email")])?;

    let (consent, consent_error) = match &form.consent {
        Some(text) => {
            let label = el("label", &[("class", "consent")], "")?;
            let input = el("input", &[("type", "checkbox"), ("id", "cw-consent"), ("aria-required", "true")], "")?;
            append(&label, &[&input, &el("span", &[], text)?])?;
            let error = error_line("cw-consent-error")?;
            append(&root, &[&label, &error])?;
            (Some(cast(input)?), Some(cast(error)?))
        }
        None => (None, None),
    };

    let send = el("button", &[("type", "submit"), ("class", "send")], t(Text::Send))?;
    let status = el("p", &[("role", "status"), ("id", "cw-status"), ("class", "status")], "")?;
    let alert = el("p", &[("role", "alert"), ("id", "cw-alert"), ("class", "alert")], "")?;
    append(&root, &[&send, &status, &alert])?;
    Ok(FormUi {
        form: root,
        rating,
        message: cast(message)?,
        message_error: cast(message_error)?,
        counter: cast(counter)?,
        honeypot: cast(honeypot)?,
        email,
        name,
        consent,
        consent_error,
        send: cast(send)?,
        status: cast(status)?,
        alert: cast(alert)?,
    })
}

/// The rating as radio buttons (values 1 to 5), each named in words for screen readers.
fn rating_group(form: &Element, config: &Config, style: Rating) -> Result<Vec<HtmlInputElement>, JsValue> {
    let options: Vec<(&str, String, &str)> = match style {
        Rating::Off => return Ok(Vec::new()),
        Rating::Stars => ["1", "2", "3", "4", "5"].iter().map(|n| (*n, config.texts.fill(Text::RatingValue, &[("n", n)]), "★")).collect(),
        Rating::Faces => [("1", Text::RatingFace1, "😞"), ("2", Text::RatingFace2, "🙁"), ("3", Text::RatingFace3, "😐"), ("4", Text::RatingFace4, "🙂"), ("5", Text::RatingFace5, "😄")]
            .iter()
            .map(|(n, text, face)| (*n, config.texts.get(*text).to_owned(), *face))
            .collect(),
        Rating::Thumbs => vec![("1", config.texts.get(Text::RatingThumbDown).to_owned(), "👎"), ("5", config.texts.get(Text::RatingThumbUp).to_owned(), "👍")],
    };
    let set = el("fieldset", &[("class", "rating"), ("data-style", style.name())], "")?;
    append(&set, &[&el("legend", &[], config.texts.get(Text::Rating))?])?;
    let mut inputs = Vec::new();
    for (value, name, symbol) in options {
        let label = el("label", &[("class", "choice")], "")?;
        let input = el("input", &[("type", "radio"), ("name", "rating"), ("value", value)], "")?;
        append(&label, &[&input, &el("span", &[("class", "visually-hidden")], &name)?, &el("span", &[("aria-hidden", "true")], symbol)?])?;
        set.append_child(&label)?;
        inputs.push(cast(input)?);
    }
    form.append_child(&set)?;
    Ok(inputs)
}

/// A labelled input with its error line; "optional" is a hint tied by `aria-describedby`, so the
/// accessible name stays exactly the label.
fn text_field(form: &Element, config: &Config, ask: Ask, id: &str, label: Text, attrs: &[(&str, &str)]) -> Result<Option<(HtmlInputElement, HtmlElement)>, JsValue> {
    if ask == Ask::Off {
        return Ok(None);
    }
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let head = el("div", &[("class", "field-head")], "")?;
    append(&head, &[&el("label", &[("for", id)], config.texts.get(label))?])?;
    let input = el("input", attrs, "")?;
    input.set_attribute("id", id)?;
    if ask == Ask::Optional {
        append(&head, &[&el("span", &[("class", "hint"), ("id", &hint_id)], config.texts.get(Text::Optional))?])?;
        input.set_attribute("aria-describedby", &hint_id)?;
    } else {
        input.set_attribute("aria-required", "true")?;
    }
    let error = error_line(&error_id)?;
    append(form, &[&head, &input, &error])?;
    Ok(Some((cast(input)?, cast(error)?)))
}

fn error_line(id: &str) -> Result<Element, JsValue> {
    el("p", &[("id", id), ("class", "error"), ("hidden", "")], "")
}
