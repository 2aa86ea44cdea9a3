//! One mounted widget: open/close, the dialog's keyboard behaviour, and submitting the form.
//!
//! The listeners live in [`Widget`], outside the shared [`Inner`], so dropping the widget drops
//! every listener (and with them the last references to `Inner`): no cycles, nothing leaked.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, ShadowRoot};
use widget_core::channel::{self, Kind};
use widget_core::config::{self, Ask, Config};
use widget_core::form::{self, FieldError, MESSAGE_MAX};
use widget_core::i18n::Text;
use widget_core::submission::{Submission, WidgetInfo};
use widget_core::value::Value;

use crate::dom::{el, focus};
use crate::env;
use crate::send::{self, Outcome};
use crate::view::{self, FormUi, Ui};

pub struct Widget {
    inner: Rc<Inner>,
    /// The merged raw configuration, kept so `update()` can layer a partial config on top.
    raw: Value,
    _listeners: Vec<EventListener>,
}

struct Inner {
    config: Config,
    host: HtmlElement,
    shadow: ShadowRoot,
    ui: Ui,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    open: bool,
    sending: bool,
    /// The submission being sent or last failed: resent as it is (same id, same body) until it is
    /// delivered, unless the visitor changes what they wrote.
    pending: Option<Submission>,
}

/// What `update()` carries over from the old widget to the new one.
struct Draft {
    open: bool,
    message: String,
    email: String,
}

impl Widget {
    pub fn mount(raw: Value) -> Result<Widget, JsValue> {
        let (config, issues) = config::parse(&raw);
        for issue in &issues {
            env::warn(&issue.to_string());
        }
        let (host, shadow) = crate::mount::host(&config.brand)?;
        let ui = view::build(&config)?;
        shadow.append_child(&ui.root)?;
        let inner = Rc::new(Inner { config, host, shadow, ui, state: RefCell::default() });
        let listeners = listen(&inner);
        env::emit("ready", &[]);
        Ok(Widget { inner, raw, _listeners: listeners })
    }

    pub fn open(&self) {
        self.inner.open();
    }

    pub fn close(&self) {
        self.inner.close();
    }

    pub fn toggle(&self) {
        if self.inner.state.borrow().open {
            self.inner.close();
        } else {
            self.inner.open();
        }
    }

    /// Re-mounts with `partial` layered over the current config, keeping the open state and draft.
    pub fn update(self, partial: Value) -> Result<Widget, JsValue> {
        let draft = self.inner.draft();
        let raw = self.raw.clone().merge(partial);
        self.destroy();
        let widget = Widget::mount(raw)?;
        widget.inner.restore(draft);
        Ok(widget)
    }

    /// Removes every node; dropping `self` removes every listener.
    pub fn destroy(self) {
        self.inner.host.remove();
    }
}

fn listen(inner: &Rc<Inner>) -> Vec<EventListener> {
    let ui = &inner.ui;
    let on = |target: &web_sys::EventTarget, name: &'static str, handler: fn(&Rc<Inner>, &web_sys::Event)| {
        let inner = inner.clone();
        EventListener::new_with_options(target, name, EventListenerOptions::enable_prevent_default(), move |e| handler(&inner, e))
    };
    let mut listeners = vec![
        on(&ui.launcher, "click", |w, _| if w.state.borrow().open { w.close() } else { w.open() }),
        on(&ui.close, "click", |w, _| w.close()),
        on(&ui.panel, "keydown", |w, e| w.keydown(e.unchecked_ref())),
        on(&ui.panel, "click", |_, e| {
            let link = e.target().and_then(|t| t.dyn_into::<Element>().ok()).and_then(|t| t.closest("a.channel").ok().flatten());
            if let Some(kind) = link.and_then(|l| l.get_attribute("data-type")) {
                env::emit("channel", &[("type", &kind)]);
            }
        }),
    ];
    if let Some(form) = &ui.form {
        listeners.push(on(&form.form, "submit", |w, e| {
            e.prevent_default();
            w.submit();
        }));
        // Typing clears that field's error: the visitor is fixing it.
        listeners.push(on(&form.form, "input", |_, e| {
            if let Some(field) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                if field.get_attribute("aria-invalid").as_deref() == Some("true") {
                    let _ = field.remove_attribute("aria-invalid");
                    if let Some(error) = field.next_element_sibling().filter(|s| s.class_name() == "error") {
                        let _ = error.set_attribute("hidden", "");
                    }
                }
            }
        }));
    }
    listeners
}

impl Inner {
    fn t(&self, text: Text) -> &str {
        self.config.texts.get(text)
    }

    fn open(&self) {
        if std::mem::replace(&mut self.state.borrow_mut().open, true) {
            return;
        }
        self.ui.panel.set_hidden(false);
        let _ = self.ui.launcher.set_attribute("aria-expanded", "true");
        let _ = self.ui.close.focus();
        env::emit("open", &[]);
    }

    fn close(&self) {
        if !std::mem::replace(&mut self.state.borrow_mut().open, false) {
            return;
        }
        let focus_was_inside = self.shadow.active_element().is_some_and(|a| self.ui.panel.contains(Some(&a)));
        self.ui.panel.set_hidden(true);
        let _ = self.ui.launcher.set_attribute("aria-expanded", "false");
        if focus_was_inside {
            let _ = self.ui.launcher.focus();
        }
        env::emit("close", &[]);
    }

    /// Escape closes; Tab and Shift+Tab cycle inside the open dialog.
    fn keydown(&self, e: &KeyboardEvent) {
        match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                self.close();
            }
            "Tab" => {
                // Radios are skipped: the textarea after them is always a valid last-but-one stop.
                let Ok(all) = self.ui.panel.query_selector_all("button, a[href], textarea, input:not([type=radio])") else { return };
                let (Some(first), Some(last)) = (all.get(0), all.get(all.length().saturating_sub(1))) else { return };
                let active: Option<web_sys::Node> = self.shadow.active_element().map(Into::into);
                let wrap_to = match (e.shift_key(), active) {
                    (true, Some(a)) if a.is_same_node(Some(&first)) => Some(last),
                    (false, Some(a)) if a.is_same_node(Some(&last)) => Some(first),
                    _ => None,
                };
                if let Some(target) = wrap_to.and_then(|n| n.dyn_into::<Element>().ok()) {
                    e.prevent_default();
                    focus(&target);
                }
            }
            _ => {}
        }
    }

    /// Validates, then sends. A second submit while one is in flight does nothing.
    fn submit(self: &Rc<Self>) {
        let (Some(form), Some(endpoint)) = (&self.ui.form, self.config.endpoint.clone()) else { return };
        if self.state.borrow().sending {
            return;
        }
        let Some(submission) = self.validated(form) else { return };
        self.state.borrow_mut().sending = true;
        let _ = form.send.set_attribute("aria-disabled", "true");
        form.send.set_text_content(Some(self.t(Text::Sending)));
        form.status.set_text_content(None);
        form.alert.set_text_content(None);
        env::emit("submit", &[("id", &submission.id)]);
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let outcome = send::post(&endpoint, &submission).await;
            this.finish(&submission, outcome);
        });
    }

    /// The submission, or `None` after marking each invalid field and focusing the first.
    fn validated(&self, form: &FormUi) -> Option<Submission> {
        let form_config = self.config.form.as_ref()?;
        let too_long = |max: usize| self.config.texts.fill(Text::ErrorTooLong, &[("max", &max.to_string())]);
        let message = form.message.value();
        let message_error = form::check_message(&message).map(|e| match e {
            FieldError::TooLong => too_long(MESSAGE_MAX),
            _ => self.t(Text::ErrorRequired).to_owned(),
        });
        let email = form.email.as_ref().map(|(input, _)| input.value().trim().to_owned()).unwrap_or_default();
        let email_error = form::check_email(&email, form_config.email == Ask::Required).map(|e| match e {
            FieldError::Required => self.t(Text::ErrorEmailRequired).to_owned(),
            FieldError::TooLong => too_long(form::EMAIL_MAX),
            FieldError::InvalidEmail => self.t(Text::ErrorEmail).to_owned(),
        });
        let name = form.name.as_ref().map(|(input, _)| input.value().trim().to_owned()).unwrap_or_default();
        let name_error = match (name.is_empty(), form_config.name) {
            (true, Ask::Required) => Some(self.t(Text::ErrorRequired).to_owned()),
            _ if name.chars().count() > form::NAME_MAX => Some(too_long(form::NAME_MAX)),
            _ => None,
        };
        let consent_missing = form.consent.as_ref().is_some_and(|c| !c.checked());

        let mut first_invalid: Option<Element> = None;
        let mut mark = |input: &Element, error: &HtmlElement, problem: Option<String>| {
            let _ = match &problem {
                Some(_) => input.set_attribute("aria-invalid", "true"),
                None => input.remove_attribute("aria-invalid"),
            };
            error.set_text_content(problem.as_deref());
            error.set_hidden(problem.is_none());
            let id = error.id();
            let described = input.get_attribute("aria-describedby").unwrap_or_default().replace(&id, "");
            let described = if problem.is_some() { format!("{described} {id}") } else { described };
            let _ = input.set_attribute("aria-describedby", described.trim());
            if problem.is_some() && first_invalid.is_none() {
                first_invalid = Some(input.clone());
            }
        };
        mark(&form.message, &form.message_error, message_error);
        if let Some((input, error)) = &form.name {
            mark(input, error, name_error);
        }
        if let Some((input, error)) = &form.email {
            mark(input, error, email_error);
        }
        if let Some(consent) = &form.consent {
            let _ = consent.set_attribute("aria-invalid", if consent_missing { "true" } else { "false" });
            if consent_missing && first_invalid.is_none() {
                first_invalid = Some(consent.clone().into());
            }
        }
        if let Some(field) = first_invalid {
            focus(&field);
            return None;
        }

        let rating = form.rating.iter().position(HtmlInputElement::checked).map(|i| i as u8 + 1);
        let optional = |s: String| (!s.is_empty()).then_some(s);
        let (email, name) = (optional(email), optional(name));
        if let Some(pending) = &self.state.borrow().pending {
            if (&pending.message, &pending.email, &pending.name, pending.rating) == (&message, &email, &name, rating) {
                return Some(pending.clone());
            }
        }
        let submission = Submission {
            id: env::new_id(),
            message,
            rating,
            email,
            name,
            consent: form_config.consent.clone(),
            page: env::page(),
            locale: env::locale(&self.config.locale),
            time_zone: env::time_zone(),
            created_at: env::now_iso(),
            widget: WidgetInfo { version: widget_core::VERSION.into() },
        };
        self.state.borrow_mut().pending = Some(submission.clone());
        Some(submission)
    }

    fn finish(&self, submission: &Submission, outcome: Outcome) {
        let Some(form) = &self.ui.form else { return };
        self.state.borrow_mut().sending = false;
        let _ = form.send.remove_attribute("aria-disabled");
        form.send.set_text_content(Some(self.t(Text::Send)));
        let text = match &outcome {
            Outcome::Sent => {
                self.state.borrow_mut().pending = None;
                let _ = form.form.unchecked_ref::<web_sys::HtmlFormElement>().reset();
                form.status.set_text_content(Some(self.t(Text::Sent)));
                env::emit("sent", &[("id", &submission.id)]);
                return;
            }
            Outcome::Refused(reason) => self.config.texts.fill(Text::FailRejected, &[("reason", reason)]),
            Outcome::Server => self.t(Text::FailServer).to_owned(),
            Outcome::Network => self.t(Text::FailNetwork).to_owned(),
            Outcome::Timeout => self.t(Text::FailTimeout).to_owned(),
        };
        form.alert.set_text_content(Some(&text));
        if let Some(href) = self.email_instead(&submission.message) {
            if let Ok(link) = el("a", &[("href", &href)], self.t(Text::EmailInstead)) {
                let _ = form.alert.append_child(&link);
            }
        }
        env::emit("error", &[("kind", outcome.kind()), ("id", &submission.id)]);
    }

    /// A `mailto:` link to the owner's first e-mail channel with the customer's text in it.
    fn email_instead(&self, message: &str) -> Option<String> {
        let email = self.config.channels.iter().find(|c| c.kind == Kind::Email)?;
        channel::link(Kind::Email, &email.display, Some(message)).ok()
    }

    fn draft(&self) -> Draft {
        let form = self.ui.form.as_ref();
        Draft {
            open: self.state.borrow().open,
            message: form.map(|f| f.message.value()).unwrap_or_default(),
            email: form.and_then(|f| f.email.as_ref()).map(|(e, _)| e.value()).unwrap_or_default(),
        }
    }

    fn restore(&self, draft: Draft) {
        if let Some(form) = &self.ui.form {
            form.message.set_value(&draft.message);
            if let Some((email, _)) = &form.email {
                email.set_value(&draft.email);
            }
        }
        if draft.open {
            self.open();
        }
    }
}
