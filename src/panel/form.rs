//! The feedback form at work: the draft (kept while the visitor types, put back after a reload),
//! the counter near the limit, checking and sending, and each outcome shown in view (the
//! thank-you view, or what went wrong with the text kept). Every rule is the core's
//! (`widget_core::form`, `outbox::News`); the courier carries what is sent.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::Element;
use widget_core::channel::{self, Kind};
use widget_core::form::{self, Draft, Field, MESSAGE_MAX};
use widget_core::i18n::Text;
use widget_core::outbox::{Entry, News};
use widget_core::submission::{Submission, WidgetInfo};

use super::dialog::Dialog;
use super::form_view::{FieldUi, FormUi};
use super::Context;
use crate::boundary::{listen, Listener};
use crate::courier::Courier;
use crate::dom::{append, el, focus};
use crate::{env, storage};

/// What the form remembers between events (the elements only show it).
#[derive(Clone, Default)]
pub struct State {
    /// A submission is on its way: Send does nothing until its outcome is known.
    sending: bool,
    /// When the visitor first edited the draft (ms), for the "too fast" spam signal; `None`
    /// before any edit. A draft put back from an earlier visit counts as written long ago.
    started_at: Option<f64>,
    /// The submission the form shows: resent as it is (same id, same body) until it is
    /// delivered, unless the visitor changes what they wrote.
    pending: Option<Submission>,
    /// Whether the stored draft was put back: storage is first read when the panel opens.
    restored: bool,
}

pub struct Feedback {
    cx: Rc<Context>,
    ui: FormUi,
    dialog: Rc<Dialog>,
    courier: Rc<Courier>,
    endpoint: String,
    state: RefCell<State>,
    /// Whether the message's character counter is shown.
    counted: Cell<bool>,
}

impl Feedback {
    /// The form, appended to `body`, when the config has one and somewhere to send it.
    pub fn new(
        cx: Rc<Context>,
        ui: FormUi,
        body: &Element,
        dialog: Rc<Dialog>,
        courier: Rc<Courier>,
    ) -> Option<Rc<Feedback>> {
        let endpoint = cx.config.endpoint.clone()?;
        append(body, &[&ui.form, &ui.done]);
        Some(Rc::new(Feedback {
            cx,
            ui,
            dialog,
            courier,
            endpoint,
            state: RefCell::default(),
            counted: Cell::new(false),
        }))
    }

    pub fn listen(self: &Rc<Self>, into: &mut Vec<Listener>) {
        let (ui, me) = (&self.ui, self.clone());
        into.push(listen(&ui.form, "submit", move |e| {
            e.prevent_default();
            me.submit();
        }));
        let me = self.clone();
        into.push(listen(&ui.another, "click", move |_| me.write_another()));
        let me = self.clone();
        into.push(listen(&ui.form, "input", move |e| {
            me.edited(e.target().and_then(|t| t.dyn_into().ok()))
        }));
    }

    /// What survives a re-render in another language or config: the state and the draft.
    pub fn carry(&self) -> (State, Draft) {
        (self.state.borrow().clone(), self.draft())
    }

    pub fn resume(&self, (state, draft): (State, Draft)) {
        self.fill(&draft);
        *self.state.borrow_mut() = State {
            sending: false,
            ..state
        };
    }

    /// The first time the panel opens: what the visitor typed before a reload comes back; if that
    /// text is already queued, the form takes over that submission so sending again cannot
    /// duplicate it.
    pub fn restore_once(&self) {
        if std::mem::replace(&mut self.state.borrow_mut().restored, true) {
            return;
        }
        let Some(draft) = stored_draft() else { return };
        self.fill(&draft);
        let queued = self
            .courier
            .pending()
            .into_iter()
            .find(|e| e.submission.message == draft.message);
        let mut state = self.state.borrow_mut();
        state.pending = queued.map(|e| e.submission);
        // Written on an earlier page: long ago, as far as the spam check is concerned.
        state.started_at = Some(0.0);
    }

    /// The visitor typed in `field`: the draft's age counts from its first edit, that field's
    /// error goes (they are fixing it), and the draft is saved.
    fn edited(&self, field: Option<Element>) {
        self.state
            .borrow_mut()
            .started_at
            .get_or_insert_with(js_sys::Date::now);
        if let Some(field) = field {
            if let Some(f) = self
                .ui
                .fields
                .iter()
                .find(|f| f.input.is_same_node(Some(&field)))
            {
                self.mark(f, None);
            }
        }
        self.count();
        self.save_draft();
    }

    /// Checks, then hands the submission to the courier. Sending again while one is on its way
    /// does nothing.
    fn submit(&self) {
        let Some(form_config) = &self.cx.config.form else {
            return;
        };
        if self.state.borrow().sending {
            return;
        }
        let Some(mut submission) = self.checked() else {
            return;
        };
        let written_for = self
            .state
            .borrow()
            .started_at
            .map(|at| js_sys::Date::now() - at);
        let flags = form::spam_flags(
            !self.ui.honeypot.value().is_empty(),
            written_for,
            form_config.min_seconds,
        );
        if form_config.spam.drops(&flags) {
            // A filled honeypot, which no person sees: the sender sees the usual thanks.
            self.sent(&submission);
            return;
        }
        submission.flags = flags;
        self.state.borrow_mut().pending = Some(submission.clone());
        self.busy(true);
        self.ui.status.set_text_content(None);
        self.ui.alert.set_text_content(None);
        env::emit("submit", &[("id", &submission.id)]);
        let now = js_sys::Date::now();
        self.courier.submit(Entry {
            submission,
            endpoint: self.endpoint.clone(),
            simple: self.cx.config.simple_transport,
            attempts: 0,
            next_at: Some(now),
            queued_at: now,
        });
    }

    fn busy(&self, busy: bool) {
        self.state.borrow_mut().sending = busy;
        let send = &self.ui.send;
        let _ = if busy {
            send.set_attribute("aria-disabled", "true")
        } else {
            send.remove_attribute("aria-disabled")
        };
        send.set_text_content(Some(self.cx.t(if busy {
            Text::Sending
        } else {
            Text::Send
        })));
    }

    /// The courier's news about one submission, shown when it is the one in the form. `kept`:
    /// whether a copy is kept on the device.
    pub fn delivered(&self, submission: &Submission, news: &News, kept: bool) {
        // Delivered from an earlier page before the panel was opened: the stored draft is this
        // message, so it is thanked for and cleared now, never put back into the form to resend.
        let earlier = *news == News::Sent
            && !self.state.borrow().restored
            && stored_draft().is_some_and(|d| d.message == submission.message);
        if earlier {
            self.state.borrow_mut().restored = true;
        }
        let shown = earlier
            || self
                .state
                .borrow()
                .pending
                .as_ref()
                .is_some_and(|p| p.id == submission.id)
            || self.draft().message == submission.message;
        if !shown {
            return;
        }
        match news {
            News::Sent => self.sent(submission),
            News::Offline => {
                self.busy(false);
                self.say(self.cx.t(Text::Queued), None, kept, false);
            }
            News::Failed {
                text,
                reason,
                retrying,
                ..
            } => {
                self.busy(false);
                let text = match reason {
                    Some(reason) => self.cx.config.texts.fill(*text, &[("reason", reason)]),
                    None => self.cx.t(*text).to_owned(),
                };
                self.say(&text, Some(&submission.message), kept || !retrying, true);
            }
        }
    }

    /// Puts `text` in the status or alert region; with `message`, adds the way out by e-mail.
    fn say(&self, text: &str, message: Option<&str>, kept: bool, alert: bool) {
        let (region, other) = if alert {
            (&self.ui.alert, &self.ui.status)
        } else {
            (&self.ui.status, &self.ui.alert)
        };
        other.set_text_content(None);
        let text = if kept {
            text.to_owned()
        } else {
            format!("{text} {}", self.cx.t(Text::NoOfflineCopy))
        };
        region.set_text_content(Some(&text));
        if let Some(href) = message.and_then(|m| self.email_instead(m)) {
            append(
                region,
                &[&el("a", &[("href", &href)], self.cx.t(Text::EmailInstead))],
            );
        }
        self.dialog.reveal(region);
    }

    /// Success: the form gives way to the thanks, in view and focused (so it is read out), with
    /// the address the answer goes to; the form is emptied and the draft forgotten.
    fn sent(&self, submission: &Submission) {
        let ui = &self.ui;
        {
            let mut state = self.state.borrow_mut();
            (state.pending, state.started_at) = (None, None);
        }
        self.busy(false);
        ui.form.unchecked_ref::<web_sys::HtmlFormElement>().reset();
        storage::remove(storage::DRAFT);
        self.count();
        ui.alert.set_text_content(None);
        ui.status.set_text_content(None);
        // The visitor's address isolated (FSI … PDI): an address stays whole in a right-to-left
        // sentence.
        let reply_to = submission.email.as_deref().map(|email| {
            self.cx.config.texts.fill(
                Text::SentReplyTo,
                &[("email", &format!("\u{2068}{email}\u{2069}"))],
            )
        });
        ui.done_reply_to.set_text_content(reply_to.as_deref());
        ui.done_reply_to.set_hidden(reply_to.is_none());
        let focus_was_inside = self.dialog.has_focus();
        ui.form.set_hidden(true);
        ui.done.set_hidden(false);
        if self.dialog.is_open() {
            self.dialog.reveal(&ui.done);
            if focus_was_inside {
                let _ = ui.done_lead.focus();
            }
        }
    }

    /// "Write another message": the empty form again, the cursor in the message.
    fn write_another(&self) {
        self.ui.done.set_hidden(true);
        self.ui.form.set_hidden(false);
        let _ = self.ui.message.focus();
        self.dialog.reveal(&self.ui.form);
    }

    /// The submission, or `None` after marking each field that is wrong and focusing the first.
    fn checked(&self) -> Option<Submission> {
        let form_config = self.cx.config.form.as_ref()?;
        let draft = self.draft();
        let consent_given = self.ui.consent.as_ref().is_some_and(|c| c.checked());
        let problems = form::check(form_config, &draft, consent_given);
        for field in &self.ui.fields {
            let problem = problems.iter().find(|(f, _)| *f == field.field);
            let words = problem.map(|(f, error)| match error.text(*f) {
                (text, Some(max)) => self
                    .cx
                    .config
                    .texts
                    .fill(text, &[("max", &env::number(&self.cx.locale, max))]),
                (text, None) => self.cx.t(text).to_owned(),
            });
            self.mark(field, words.as_deref());
        }
        if let Some((first, _)) = problems.first() {
            if let Some(field) = self.ui.fields.iter().find(|f| f.field == *first) {
                focus(&field.input);
            }
            return None;
        }
        if let Some(pending) = &self.state.borrow().pending {
            if form::is_resend(pending, &draft) {
                return Some(pending.clone());
            }
        }
        Some(Submission {
            id: env::new_id(),
            email: form::optional(&draft.email),
            name: form::optional(&draft.name),
            message: draft.message,
            rating: draft.rating,
            consent: form_config.consent.clone(),
            flags: Vec::new(),
            page: env::page(),
            locale: self.cx.locale.clone(),
            time_zone: env::time_zone(),
            created_at: env::now_iso(),
            widget: WidgetInfo {
                version: widget_core::VERSION.into(),
            },
        })
    }

    /// Shows the character counter once the message nears its limit; over the limit it turns
    /// red (nothing is ever cut off).
    fn count(&self) {
        let counter = &self.ui.counter;
        let n = self.ui.message.value().chars().count();
        let shown = n >= form::COUNTER_FROM;
        if shown {
            let number = |n| env::number(&self.cx.locale, n);
            counter.set_text_content(Some(&self.cx.config.texts.fill(
                Text::Counter,
                &[("n", &number(n)), ("max", &number(MESSAGE_MAX))],
            )));
        }
        counter.set_hidden(!shown);
        self.counted.set(shown);
        if let Some(message) = self.ui.fields.first() {
            self.describe(message);
        }
        let _ = if n > MESSAGE_MAX {
            counter.set_attribute("data-over", "")
        } else {
            counter.remove_attribute("data-over")
        };
    }

    fn draft(&self) -> Draft {
        let ui = &self.ui;
        let value = |input: &Option<web_sys::HtmlInputElement>| {
            input.as_ref().map(|i| i.value()).unwrap_or_default()
        };
        Draft {
            message: ui.message.value(),
            email: value(&ui.email),
            name: value(&ui.name),
            rating: ui
                .rating
                .iter()
                .find(|r| r.checked())
                .and_then(|r| r.value().parse().ok()),
        }
    }

    fn save_draft(&self) {
        let draft = self.draft();
        if draft == Draft::default() {
            storage::remove(storage::DRAFT);
        } else {
            storage::write(storage::DRAFT, &draft.to_value());
        }
    }

    /// Writes `draft` into the form's fields.
    fn fill(&self, draft: &Draft) {
        let ui = &self.ui;
        ui.message.set_value(&draft.message);
        for (input, value) in [(&ui.email, &draft.email), (&ui.name, &draft.name)] {
            if let Some(input) = input {
                input.set_value(value);
            }
        }
        for radio in &ui.rating {
            radio.set_checked(radio.value().parse().ok() == draft.rating);
        }
        self.count();
    }

    /// Shows `problem` under a field (or clears it) and marks the field invalid.
    fn mark(&self, field: &FieldUi, problem: Option<&str>) {
        let (input, error) = (&field.input, &field.error);
        let _ = match problem {
            Some(_) => input.set_attribute("aria-invalid", "true"),
            None => input.remove_attribute("aria-invalid"),
        };
        error.set_text_content(problem);
        error.set_hidden(problem.is_none());
        field.invalid.set(problem.is_some());
        self.describe(field);
    }

    /// What is read out with a field (`aria-describedby`): its "optional" hint, the counter (the
    /// message's, when shown) and its problem, when it has one.
    fn describe(&self, field: &FieldUi) {
        let counter =
            (field.field == Field::Message && self.counted.get()).then(|| self.ui.counter.id());
        let error = field.invalid.get().then(|| field.error.id());
        let ids: Vec<&str> = [field.hint.as_deref(), counter.as_deref(), error.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let _ = if ids.is_empty() {
            field.input.remove_attribute("aria-describedby")
        } else {
            field
                .input
                .set_attribute("aria-describedby", &ids.join(" "))
        };
    }

    /// A `mailto:` link to the owner's first e-mail channel with the customer's text in it.
    fn email_instead(&self, message: &str) -> Option<String> {
        let email = self
            .cx
            .config
            .channels
            .iter()
            .find(|c| c.kind == Kind::Email)?;
        channel::link(Kind::Email, &email.display, Some(message), None)
            .ok()
            .flatten()
    }
}

/// Tells the page what happened to a submission (`contact-widget:*` events), whether or not it
/// is the one in the form.
pub fn emit_news(id: &str, news: &News) {
    if let News::Offline | News::Failed { retrying: true, .. } = news {
        env::emit("queued", &[("id", id)]);
    }
    match news {
        News::Sent => env::emit("sent", &[("id", id)]),
        News::Offline => env::emit("error", &[("kind", "offline"), ("id", id)]),
        News::Failed { kind, .. } => env::emit("error", &[("kind", kind), ("id", id)]),
    }
}

/// What the visitor had typed on an earlier page, if storage holds it.
fn stored_draft() -> Option<Draft> {
    storage::read(storage::DRAFT)
        .ok()
        .flatten()
        .map(|v| Draft::from_value(&v))
}
