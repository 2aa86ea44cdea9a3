//! One mounted widget: open/close, the dialog's keyboard behaviour, the form (validation, draft,
//! spam checks) and showing what happened to each submission.
//!
//! The listeners live in [`Widget`], outside the shared [`Inner`], so dropping the widget drops
//! every listener (and with them the last references to `Inner`): no cycles, nothing leaked.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CssStyleSheet, Element, HtmlElement, HtmlInputElement, KeyboardEvent, Node, ShadowRoot,
    VisualViewport,
};
use widget_core::channel::{self, Kind, WhenClosed};
use widget_core::config::{self, Ask, Config};
use widget_core::form::{self, Draft, FieldError, MESSAGE_MAX};
use widget_core::hours::{Schedule, Status};
use widget_core::i18n::Text;
use widget_core::outbox::{Entry, Failure, Verdict, Wait};
use widget_core::submission::{Submission, WidgetInfo};
use widget_core::value::Value;

use crate::boundary::{self, listen, listen_capture, Listener, Timer};
use crate::courier::Courier;
use crate::dom::{append, el, focus, or_throw, set_attrs, svg_path};
use crate::view::{self, FormUi, Ui};
use crate::{env, storage, style};

pub struct Widget {
    inner: Rc<Inner>,
    /// The raw configuration, kept so `update()` can re-mount in another language.
    raw: Value,
    /// The shipped texts of the visitor's language, kept for `update()`.
    table: Vec<(Text, String)>,
    _listeners: Vec<Listener>,
}

/// Where the panel goes: the shadow root the loader made, and its launcher.
#[derive(Clone)]
pub struct Place {
    pub shadow: ShadowRoot,
    pub launcher: HtmlElement,
}

struct Inner {
    config: Config,
    /// The language shown, e.g. `fr`; also sent with each submission.
    locale: String,
    place: Place,
    sheet: CssStyleSheet,
    ui: Ui,
    courier: Rc<Courier>,
    /// The owners' time zones the browser knows, by name (`None`: unknown, so hours are ignored).
    zones: Vec<(String, Option<env::OwnerZone>)>,
    state: RefCell<State>,
    /// Itself, for listeners added while the panel is open (no reference cycle).
    me: Weak<Inner>,
    /// While the panel is open: `resize` and `scroll` of the visual viewport.
    viewport: RefCell<Vec<Listener>>,
    /// The host element's parent before a host page's modal dialog took it in.
    home: RefCell<Option<Node>>,
}

#[derive(Default)]
struct State {
    open: bool,
    /// When the visitor first edited the draft in the form (ms), for the "too fast" spam signal;
    /// `None` before any edit. A draft put back from an earlier visit counts as written long ago.
    started_at: Option<f64>,
    /// The submission the form shows: resent as it is (same id, same body) until it is
    /// delivered, unless the visitor changes what they wrote.
    pending: Option<Submission>,
    /// Whether the stored draft was put back: storage is first read when the panel opens.
    restored: bool,
    /// Puts "Copy" back on a button that says "Copied".
    copied: Option<Timer>,
    /// Updates the hours when they next change while the page stays open.
    hours_timer: Option<Timer>,
}

/// A widget on its way to the page, built in steps (each in a task of the browser of its own, so
/// that none is long on a slow phone; the loader runs them, see lazy.js): the config read and
/// styled; the time zones; the form; the rest of the panel; then `finish` puts it in place.
pub struct Setup {
    place: Place,
    raw: Value,
    locale: String,
    table: Vec<(Text, String)>,
    config: Config,
    sheet: CssStyleSheet,
    zones: Vec<(String, Option<env::OwnerZone>)>,
    form: Option<FormUi>,
    ui: Option<Ui>,
}

impl Setup {
    pub fn new(place: Place, raw: Value, locale: String, table: Vec<(Text, String)>) -> Setup {
        let (mut config, issues) = config::parse(&raw);
        for issue in &issues {
            env::warn(&issue.to_string());
        }
        for note in &config.notes {
            env::info(&note.to_string());
        }
        config.texts = config.texts_for(&locale, table.clone());
        let sheet = style::style(&place.shadow, &config);
        Setup {
            place,
            raw,
            locale,
            table,
            config,
            sheet,
            zones: Vec::new(),
            form: None,
            ui: None,
        }
    }

    /// Which of the owner's time zones exist is for the browser to say (the core only checks their
    /// shape). Their `Intl` formats are slow to start, hence a step of its own.
    pub fn find_zones(&mut self) {
        let config = &self.config;
        let schedules = config.hours.iter().map(|h| ("hours".to_owned(), h)).chain(
            config.channels.iter().filter_map(|c| {
                c.hours
                    .as_ref()
                    .map(|h| (format!("the {} channel's hours", c.kind.name()), h))
            }),
        );
        for (what, schedule) in schedules {
            if self
                .zones
                .iter()
                .all(|(name, _)| *name != schedule.time_zone)
            {
                let zone = env::OwnerZone::new(&schedule.time_zone);
                if zone.is_none() {
                    env::warn(&format!("config `{what}`: \"{}\" is not a time zone this browser knows; these hours are not shown", schedule.time_zone));
                }
                self.zones.push((schedule.time_zone.clone(), zone));
            }
        }
    }

    pub fn build_form(&mut self) {
        self.form = view::form(&self.config);
    }

    pub fn build_panel(&mut self) {
        self.ui = Some(view::build(
            &self.config,
            env::is_mobile(),
            self.form.take(),
        ));
    }

    /// Puts the panel in place and starts listening: the widget.
    pub fn finish(mut self) -> Widget {
        if self.ui.is_none() {
            self.build_form();
            self.build_panel();
        }
        let Setup {
            place,
            raw,
            locale,
            table,
            config,
            sheet,
            zones,
            ui,
            ..
        } = self;
        let ui = ui.expect("built above");
        let root = or_throw(place.shadow.first_element_child().ok_or_else(|| {
            JsValue::from_str("contact-widget: the loader painted no root element")
        }));
        append(&root, &[&ui.panel]);
        set_attrs(&place.launcher, &[("aria-controls", "cw-panel")]);
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let me = weak.clone();
            let weak = weak.clone();
            let courier = Courier::new(Box::new(move |submission, verdict, kept| {
                if let Some(inner) = weak.upgrade() {
                    inner.delivered(submission, verdict, kept);
                }
            }));
            Inner {
                config,
                locale,
                place,
                sheet,
                ui,
                courier,
                zones,
                state: RefCell::default(),
                me,
                viewport: RefCell::default(),
                home: RefCell::default(),
            }
        });
        // The hours wait for the panel to open: their Intl date formats are slow to start.
        let listeners = listeners(&inner);
        inner.follow_modal();
        // Anything an earlier page could not deliver goes out now. The only storage read before
        // the visitor opens the panel: whether such a message exists (in a task of its own, as a
        // page's first read of localStorage can be slow).
        let me = Rc::downgrade(&inner);
        boundary::soon(move || {
            if let Some(inner) = me
                .upgrade()
                .filter(|inner| !inner.courier.pending().is_empty())
            {
                inner
                    .courier
                    .flush(env::window().navigator().on_line(), None);
            }
        });
        env::emit("ready", &[]);
        Widget {
            inner,
            raw,
            table,
            _listeners: listeners,
        }
    }
}

impl Widget {
    /// Reads the config and builds the panel next to the launcher, at once (the loader builds it
    /// in steps instead, see [`Setup`]).
    pub fn mount(place: Place, raw: Value, locale: String, table: Vec<(Text, String)>) -> Widget {
        let mut setup = Setup::new(place, raw, locale, table);
        setup.find_zones();
        setup.finish()
    }

    pub fn open(&self) {
        self.inner.open();
    }

    pub fn close(&self) {
        self.inner.close();
    }

    pub fn toggle(&self) {
        self.inner.toggle();
    }

    /// Re-mounts with the loader's new `config` (when given; it merged the sources) and in
    /// `language` (when given), keeping the open state and draft.
    pub fn update(
        self,
        config: Option<Value>,
        language: Option<(String, Vec<(Text, String)>)>,
    ) -> Widget {
        // Carried in memory, not through storage, which may be unavailable: the visitor's text
        // and the submission it belongs to (so a resend keeps its id) survive the re-render.
        let (open, pending, restored, started_at) = {
            let state = self.inner.state.borrow();
            (
                state.open,
                state.pending.clone(),
                state.restored,
                state.started_at,
            )
        };
        let draft = self.inner.draft();
        // The control the visitor is on (by id, or the close button) gets focus back afterwards.
        let focused = self
            .inner
            .place
            .shadow
            .active_element()
            .filter(|a| self.inner.ui.panel.contains(Some(a)))
            .map(|a| a.id());
        let raw = config.unwrap_or_else(|| self.raw.clone());
        let (place, (locale, table)) = (
            self.inner.place.clone(),
            language.unwrap_or_else(|| (self.inner.locale.clone(), self.table.clone())),
        );
        self.destroy();
        let widget = Widget::mount(place, raw, locale, table);
        widget.inner.fill(&draft);
        let mut state = widget.inner.state.borrow_mut();
        (state.pending, state.restored, state.started_at) = (pending, restored, started_at);
        drop(state);
        if open {
            // Reopened as it was, without moving the visitor's focus or announcing it again.
            widget.inner.show();
            widget.inner.refresh_hours();
        }
        if let Some(id) = focused {
            let same = (!id.is_empty())
                .then(|| widget.inner.place.shadow.get_element_by_id(&id))
                .flatten();
            focus(&same.unwrap_or_else(|| widget.inner.ui.close.clone().into()));
        }
        widget
    }

    /// Removes the panel and its stylesheet and resets the launcher; dropping `self` removes
    /// every listener and timer. The launcher and the host element are the loader's.
    pub fn destroy(self) {
        self.inner.name_launcher(false);
        self.inner.viewport.borrow_mut().clear();
        self.inner.go_home();
        let Place { shadow, launcher } = &self.inner.place;
        self.inner.ui.panel.remove();
        style::unstyle(shadow, &self.inner.sheet);
        let _ = launcher.set_attribute("aria-expanded", "false");
        let _ = launcher.remove_attribute("aria-controls");
    }
}

/// Adds `note` to the notes read out with `input` (`aria-describedby`), or takes it out.
fn described_by(input: &Element, note: &Element, on: bool) {
    let id = note.id();
    let others = input.get_attribute("aria-describedby").unwrap_or_default();
    let mut ids: Vec<&str> = others
        .split_whitespace()
        .filter(|other| *other != id)
        .collect();
    if on {
        ids.push(&id);
    }
    let _ = if ids.is_empty() {
        input.remove_attribute("aria-describedby")
    } else {
        input.set_attribute("aria-describedby", &ids.join(" "))
    };
}

/// What the visitor had typed on an earlier page, if storage holds it.
fn stored_draft() -> Option<Draft> {
    storage::read(storage::DRAFT)
        .ok()
        .flatten()
        .map(|v| Draft::from_value(&v))
}

fn listeners(inner: &Rc<Inner>) -> Vec<Listener> {
    let ui = &inner.ui;
    let on = |target: &web_sys::EventTarget,
              name: &'static str,
              handler: fn(&Rc<Inner>, &web_sys::Event)| {
        let inner = inner.clone();
        listen(target, name, move |e| handler(&inner, &e))
    };
    let window = env::window();
    let mut listeners = vec![
        on(&ui.close, "click", |w, _| w.close()),
        on(&ui.panel, "keydown", |w, e| w.keydown(e.unchecked_ref())),
        on(&ui.panel, "click", |w, e| {
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            let closest = |selector: &str| {
                target
                    .as_ref()
                    .and_then(|t| t.closest(selector).ok().flatten())
            };
            if let Some(button) = closest("button.copy") {
                w.copy(&button);
            } else if let Some(button) = closest("button.qr") {
                w.toggle_qr(&button);
            } else if let Some(kind) =
                closest("a.channel").and_then(|l| l.get_attribute("data-type"))
            {
                env::emit("channel", &[("type", &kind), ("action", "open")]);
            }
        }),
        // Focus inside the widget is the widget's business: a host page's modal (Bootstrap's or
        // UIkit's focus trap listens for focusin on the document) would otherwise pull it back
        // out of the open panel, and the visitor could not type.
        on(&inner.place.shadow, "focusin", |_, e| e.stop_propagation()),
        on(&window, "online", |w, _| w.courier.flush(true, None)),
        on(&window, "pagehide", |w, _| w.courier.page_hidden()),
    ];
    // A modal <dialog> of the host page makes everything outside it inert: the widget follows it
    // in and back out. `toggle` and `close` do not bubble, hence the capture phase.
    for kind in ["toggle", "close"] {
        let inner = inner.clone();
        listeners.push(listen_capture(&crate::dom::document(), kind, move |_| {
            inner.follow_modal()
        }));
    }
    if let Some(form) = &ui.form {
        listeners.push(on(&form.form, "submit", |w, e| {
            e.prevent_default();
            w.submit();
        }));
        listeners.push(on(&form.another, "click", |w, _| w.write_another()));
        listeners.push(on(&form.form, "input", |w, e| {
            // The draft's age, for the spam check, counts from its first edit.
            w.state
                .borrow_mut()
                .started_at
                .get_or_insert_with(js_sys::Date::now);
            // Typing clears that field's error (the visitor is fixing it) and saves the draft.
            if let Some(field) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                if field.get_attribute("aria-invalid").as_deref() == Some("true") {
                    let _ = field.remove_attribute("aria-invalid");
                    if let Some(error) = field
                        .next_element_sibling()
                        .filter(|s| s.class_name() == "error")
                    {
                        let _ = error.set_attribute("hidden", "");
                    }
                }
            }
            w.count();
            w.save_draft();
        }));
    }
    listeners
}

impl Inner {
    fn t(&self, text: Text) -> &str {
        self.config.texts.get(text)
    }

    fn toggle(self: &Rc<Self>) {
        if self.state.borrow().open {
            self.close();
        } else {
            self.open();
        }
    }

    fn open(self: &Rc<Self>) {
        if self.show() {
            self.refresh_hours();
            let _ = self.ui.close.focus();
            env::emit("open", &[]);
        }
    }

    /// Shows the panel; `false` when it was already open.
    fn show(&self) -> bool {
        let mut state = self.state.borrow_mut();
        if std::mem::replace(&mut state.open, true) {
            return false;
        }
        let restore = !std::mem::replace(&mut state.restored, true);
        drop(state);
        if restore {
            self.restore_draft(&self.courier.pending());
        }
        self.undo_page_zoom();
        // Measured before the panel is shown: reading the viewport then forces no layout.
        self.track_viewport();
        self.ui.panel.set_hidden(false);
        let _ = self.place.launcher.set_attribute("aria-expanded", "true");
        self.name_launcher(true);
        true
    }

    /// While the panel is open the launcher closes it (drawn as a cross by style.css): it takes
    /// its name from the panel's Close button then, leaving its own (the loader's) alone.
    fn name_launcher(&self, open: bool) {
        let launcher = &self.place.launcher;
        let _ = if open {
            launcher.set_attribute("aria-labelledby", "cw-close")
        } else {
            launcher.remove_attribute("aria-labelledby")
        };
    }

    /// A page that sets `zoom` (on `body`, say) zooms the panel too, which is sized from the
    /// window: it would end above and below the screen. The panel undoes the page's zoom, and
    /// its offsets from the launcher (zoomed with the page) follow it (`--cw-k`, style.css).
    fn undo_page_zoom(&self) {
        let zoom = js_sys::Reflect::get(&self.place.launcher, &"currentCSSZoom".into())
            .ok()
            .and_then(|z| z.as_f64())
            .filter(|z| *z > 0.0)
            .unwrap_or(1.0);
        let (panel, root) = (
            self.ui.panel.style(),
            self.place
                .launcher
                .parent_element()
                .map(|r| r.unchecked_into::<HtmlElement>().style()),
        );
        if zoom == 1.0 {
            let _ = panel.remove_property("zoom");
            root.map(|r| r.remove_property("--cw-k"));
        } else {
            // Written by the browser, not Rust: float formatting would add to the wasm.
            let k = String::from(
                js_sys::Number::from(zoom)
                    .to_string_with_radix(10)
                    .unwrap_or_else(|_| "1".into()),
            );
            let _ = panel.set_property("zoom", &format!("calc(1 / {k})"));
            root.map(|r| r.set_property("--cw-k", &k));
        }
    }

    /// While open, the panel follows the visual viewport (on small screens it is a sheet of its
    /// height, see style.css): an on-screen keyboard shortens it and the focused field is
    /// scrolled back into sight.
    fn track_viewport(&self) {
        let Some(viewport) = env::window().visual_viewport() else {
            return;
        };
        self.fit_viewport(&viewport);
        let listeners = ["resize", "scroll"].map(|kind| {
            let (me, target) = (self.me.clone(), viewport.clone());
            listen(&viewport, kind, move |_| {
                if let Some(inner) = me.upgrade() {
                    inner.fit_viewport(&target);
                }
            })
        });
        *self.viewport.borrow_mut() = listeners.into();
    }

    fn fit_viewport(&self, viewport: &VisualViewport) {
        let panel = &self.ui.panel;
        let style = panel.style();
        // Whole pixels: formatting a float would pull Rust's float printing into the wasm.
        let _ = style.set_property(
            "--cw-vv-height",
            &format!("{}px", viewport.height().floor() as i32),
        );
        let _ = style.set_property(
            "--cw-vv-top",
            &format!("{}px", viewport.offset_top().ceil() as i32),
        );
        if let Some(active) = self
            .place
            .shadow
            .active_element()
            .filter(|a| panel.contains(Some(a)))
        {
            self.reveal(&active);
        }
    }

    /// Puts the host element inside the host page's topmost modal dialog, if one is open (so the
    /// launcher and panel stay reachable), or back where it was.
    fn follow_modal(&self) {
        let modal = crate::dom::document()
            .query_selector_all("dialog:modal")
            .ok()
            .and_then(|all| all.get(all.length().checked_sub(1)?));
        let host: Node = self.place.shadow.host().into();
        let Some(dialog) = modal else {
            return self.go_home();
        };
        let parent = host.parent_node();
        // Without moveBefore a move would disconnect the element (the loader would put it back,
        // or close the panel): the widget then waits outside until the dialog closes.
        if parent
            .as_ref()
            .is_some_and(|p| p.is_same_node(Some(&dialog)))
            || !move_to(&dialog, &host)
        {
            return;
        }
        let mut home = self.home.borrow_mut();
        if home.is_none() {
            *home = parent;
        }
    }

    fn go_home(&self) {
        if let Some(parent) = self.home.borrow_mut().take() {
            move_to(&parent, &self.place.shadow.host().into());
        }
    }

    fn close(&self) {
        if !std::mem::replace(&mut self.state.borrow_mut().open, false) {
            return;
        }
        self.viewport.borrow_mut().clear();
        let focus_was_inside = self
            .place
            .shadow
            .active_element()
            .is_some_and(|a| self.ui.panel.contains(Some(&a)));
        self.ui.panel.set_hidden(true);
        let _ = self.place.launcher.set_attribute("aria-expanded", "false");
        self.name_launcher(false);
        if focus_was_inside {
            let _ = self.place.launcher.focus();
        }
        env::emit("close", &[]);
    }

    /// Escape closes; Tab and Shift+Tab cycle inside the open dialog.
    fn keydown(&self, e: &KeyboardEvent) {
        match e.key().as_str() {
            "Escape" => {
                // Ours: a host page's modal listening on the document must not close as well.
                e.prevent_default();
                e.stop_propagation();
                self.close();
            }
            "Tab" => {
                // Radios are skipped: the textarea after them is always a valid last-but-one stop.
                let Ok(all) = self.ui.panel.query_selector_all(
                    "button, a[href], textarea, input:not([type=radio]):not([tabindex='-1'])",
                ) else {
                    return;
                };
                // Only what is shown (the form or the thanks, never both).
                let shown: Vec<Node> = (0..all.length())
                    .filter_map(|i| all.get(i))
                    .filter(|n| {
                        n.unchecked_ref::<Element>()
                            .get_bounding_client_rect()
                            .width()
                            > 0.0
                    })
                    .collect();
                let (Some(first), Some(last)) = (shown.first().cloned(), shown.last().cloned())
                else {
                    return;
                };
                let active: Option<web_sys::Node> =
                    self.place.shadow.active_element().map(Into::into);
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

    /// Validates, then hands the submission to the courier. A second submit while one is in
    /// flight does nothing.
    fn submit(self: &Rc<Self>) {
        let (Some(form), Some(form_config), Some(endpoint)) =
            (&self.ui.form, &self.config.form, &self.config.endpoint)
        else {
            return;
        };
        if form.send.get_attribute("aria-disabled").is_some() {
            return;
        }
        let Some(mut submission) = self.validated(form) else {
            return;
        };
        let written_for = self
            .state
            .borrow()
            .started_at
            .map(|at| js_sys::Date::now() - at);
        let flags = form::spam_flags(
            !form.honeypot.value().is_empty(),
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
        form.status.set_text_content(None);
        form.alert.set_text_content(None);
        env::emit("submit", &[("id", &submission.id)]);
        let entry = Entry {
            submission,
            endpoint: endpoint.clone(),
            simple: self.config.simple_transport,
            attempts: 0,
            next_at: Some(js_sys::Date::now()),
            queued_at: js_sys::Date::now(),
        };
        self.courier.submit(entry);
    }

    fn busy(&self, busy: bool) {
        let Some(form) = &self.ui.form else { return };
        if busy {
            let _ = form.send.set_attribute("aria-disabled", "true");
            form.send.set_text_content(Some(self.t(Text::Sending)));
        } else {
            let _ = form.send.remove_attribute("aria-disabled");
            form.send.set_text_content(Some(self.t(Text::Send)));
        }
    }

    /// The courier's news about one submission; shown when it is the one in the form.
    fn delivered(&self, submission: &Submission, verdict: &Verdict, kept: bool) {
        let id = submission.id.as_str();
        // Delivered from an earlier page before the panel was opened: the stored draft is this
        // message, so it is thanked for and cleared now, never put back into the form to resend.
        let earlier = matches!(verdict, Verdict::Delivered) && !self.state.borrow().restored && {
            stored_draft().is_some_and(|d| d.message == submission.message)
        };
        if earlier {
            self.state.borrow_mut().restored = true;
        }
        let shown = earlier
            || self
                .state
                .borrow()
                .pending
                .as_ref()
                .is_some_and(|p| p.id == id)
            || self.draft().message == submission.message;
        if let Verdict::Retry { .. } = verdict {
            env::emit("queued", &[("id", id)]);
        }
        let (kind, text) = match verdict {
            Verdict::Delivered => {
                if shown {
                    self.sent(submission);
                }
                env::emit("sent", &[("id", id)]);
                return;
            }
            Verdict::Retry {
                wait: Wait::Offline,
                ..
            } => {
                env::emit("error", &[("kind", "offline"), ("id", id)]);
                if shown {
                    self.busy(false);
                    self.say(Text::Queued, None, kept, false);
                }
                return;
            }
            Verdict::Retry {
                wait: Wait::Blocked,
                ..
            } => ("blocked", self.t(Text::FailBlocked).to_owned()),
            Verdict::Retry {
                wait: Wait::Timeout,
                ..
            } => ("timeout", self.t(Text::FailTimeout).to_owned()),
            Verdict::Retry {
                wait: Wait::Server, ..
            } => ("server", self.t(Text::FailServer).to_owned()),
            Verdict::GiveUp(Failure::Refused { status, reason }) => {
                let reason = reason.clone().unwrap_or_else(|| format!("HTTP {status}"));
                (
                    "rejected",
                    self.config
                        .texts
                        .fill(Text::FailRejected, &[("reason", &reason)]),
                )
            }
            Verdict::GiveUp(Failure::TooManyAttempts) => {
                ("server", self.t(Text::FailTooMany).to_owned())
            }
        };
        env::emit("error", &[("kind", kind), ("id", id)]);
        if shown {
            self.busy(false);
            let retrying = matches!(verdict, Verdict::Retry { .. });
            self.say_text(&text, Some(&submission.message), kept || !retrying, true);
        }
    }

    fn say(&self, text: Text, message: Option<&str>, kept: bool, alert: bool) {
        self.say_text(self.t(text), message, kept, alert);
    }

    /// Puts `text` in the status or alert region; with `message`, adds the way out by e-mail.
    fn say_text(&self, text: &str, message: Option<&str>, kept: bool, alert: bool) {
        let Some(form) = &self.ui.form else { return };
        let (region, other) = if alert {
            (&form.alert, &form.status)
        } else {
            (&form.status, &form.alert)
        };
        other.set_text_content(None);
        let mut text = text.to_owned();
        if !kept {
            text = format!("{text} {}", self.t(Text::NoOfflineCopy));
        }
        region.set_text_content(Some(&text));
        if let Some(href) = message.and_then(|m| self.email_instead(m)) {
            append(
                region,
                &[&el("a", &[("href", &href)], self.t(Text::EmailInstead))],
            );
        }
        self.reveal(region);
    }

    /// Scrolls the panel so `element` is in view (the panel scrolls; the page never does).
    fn reveal(&self, element: &Element) {
        let panel = &self.ui.panel;
        let (target, frame) = (
            element.get_bounding_client_rect(),
            panel.get_bounding_client_rect(),
        );
        let below = target.bottom() - frame.bottom() + 16.0;
        let above = frame.top() - target.top() + 16.0;
        if below > 0.0 {
            panel.set_scroll_top(panel.scroll_top() + below.ceil() as i32);
        } else if above > 0.0 {
            panel.set_scroll_top(panel.scroll_top() - above.ceil() as i32);
        }
    }

    /// Success: the form gives way to the thanks, in view and focused (so it is read out), with
    /// the address the answer goes to; the form is emptied and the draft forgotten.
    fn sent(&self, submission: &Submission) {
        let Some(form) = &self.ui.form else { return };
        {
            let mut state = self.state.borrow_mut();
            (state.pending, state.started_at) = (None, None);
        }
        self.busy(false);
        form.form
            .unchecked_ref::<web_sys::HtmlFormElement>()
            .reset();
        storage::remove(storage::DRAFT);
        self.count();
        form.alert.set_text_content(None);
        form.status.set_text_content(None);
        // The visitor's address isolated (FSI … PDI): an address stays whole in a right-to-left sentence.
        let reply_to = submission.email.as_deref().map(|email| {
            self.config.texts.fill(
                Text::SentReplyTo,
                &[("email", &format!("\u{2068}{email}\u{2069}"))],
            )
        });
        form.done_reply_to.set_text_content(reply_to.as_deref());
        form.done_reply_to.set_hidden(reply_to.is_none());
        let focus_was_inside = self
            .place
            .shadow
            .active_element()
            .is_some_and(|a| self.ui.panel.contains(Some(&a)));
        form.form.unchecked_ref::<HtmlElement>().set_hidden(true);
        form.done.set_hidden(false);
        if !self.ui.panel.hidden() {
            self.reveal(&form.done);
            if focus_was_inside {
                let _ = form.done_lead.focus();
            }
        }
    }

    /// "Write another message": the empty form again, the cursor in the message.
    fn write_another(&self) {
        let Some(form) = &self.ui.form else { return };
        form.done.set_hidden(true);
        form.form.unchecked_ref::<HtmlElement>().set_hidden(false);
        let _ = form.message.focus();
        self.reveal(&form.form);
    }

    /// The submission, or `None` after marking each invalid field and focusing the first.
    fn validated(&self, form: &FormUi) -> Option<Submission> {
        let form_config = self.config.form.as_ref()?;
        let too_long = |max: usize| {
            self.config.texts.fill(
                Text::ErrorTooLong,
                &[("max", &env::number(&self.locale, max))],
            )
        };
        let draft = self.draft();
        let message_error = form::check_message(&draft.message).map(|e| match e {
            FieldError::TooLong => too_long(MESSAGE_MAX),
            _ => self.t(Text::ErrorRequired).to_owned(),
        });
        let email = draft.email.trim().to_owned();
        let email_error =
            form::check_email(&email, form_config.email == Ask::Required).map(|e| match e {
                FieldError::Required => self.t(Text::ErrorEmailRequired).to_owned(),
                FieldError::TooLong => too_long(form::EMAIL_MAX),
                FieldError::InvalidEmail => self.t(Text::ErrorEmail).to_owned(),
            });
        let name = draft.name.trim().to_owned();
        let name_error = match (name.is_empty(), form_config.name) {
            (true, Ask::Required) => Some(self.t(Text::ErrorNameRequired).to_owned()),
            _ if name.chars().count() > form::NAME_MAX => Some(too_long(form::NAME_MAX)),
            _ => None,
        };
        let consent_error = form
            .consent
            .as_ref()
            .filter(|c| !c.checked())
            .map(|_| self.t(Text::ErrorConsent).to_owned());

        let mut first_invalid: Option<Element> = None;
        let mut mark = |input: &Element, error: &HtmlElement, problem: Option<String>| {
            let _ = match &problem {
                Some(_) => input.set_attribute("aria-invalid", "true"),
                None => input.remove_attribute("aria-invalid"),
            };
            error.set_text_content(problem.as_deref());
            error.set_hidden(problem.is_none());
            described_by(input, error, problem.is_some());
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
        if let (Some(input), Some(error)) = (&form.consent, &form.consent_error) {
            mark(input, error, consent_error);
        }
        if let Some(field) = first_invalid {
            focus(&field);
            return None;
        }

        let optional = |s: String| (!s.is_empty()).then_some(s);
        let (email, name) = (optional(email), optional(name));
        if let Some(pending) = &self.state.borrow().pending {
            if (
                &pending.message,
                &pending.email,
                &pending.name,
                pending.rating,
            ) == (&draft.message, &email, &name, draft.rating)
            {
                return Some(pending.clone());
            }
        }
        Some(Submission {
            id: env::new_id(),
            message: draft.message,
            rating: draft.rating,
            email,
            name,
            consent: form_config.consent.clone(),
            flags: Vec::new(),
            page: env::page(),
            locale: self.locale.clone(),
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
        let Some(form) = &self.ui.form else { return };
        let n = form.message.value().chars().count();
        let shown = n >= form::COUNTER_FROM;
        if shown {
            let (count, max) = (
                env::number(&self.locale, n),
                env::number(&self.locale, MESSAGE_MAX),
            );
            form.counter.set_text_content(Some(
                &self
                    .config
                    .texts
                    .fill(Text::Counter, &[("n", &count), ("max", &max)]),
            ));
        }
        form.counter.set_hidden(!shown);
        described_by(&form.message, &form.counter, shown);
        let _ = if n > MESSAGE_MAX {
            form.counter.set_attribute("data-over", "")
        } else {
            form.counter.remove_attribute("data-over")
        };
    }

    fn draft(&self) -> Draft {
        let Some(form) = &self.ui.form else {
            return Draft::default();
        };
        let value = |field: &Option<(HtmlInputElement, HtmlElement)>| {
            field.as_ref().map(|(i, _)| i.value()).unwrap_or_default()
        };
        let rating = form
            .rating
            .iter()
            .find(|r| r.checked())
            .and_then(|r| r.value().parse().ok());
        Draft {
            message: form.message.value(),
            email: value(&form.email),
            name: value(&form.name),
            rating,
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

    /// Puts back what the visitor typed before a reload; if that text is already queued (in
    /// `unsent`), the form takes over that submission so sending again cannot duplicate it.
    fn restore_draft(&self, unsent: &[Entry]) {
        let Some(draft) = stored_draft() else { return };
        self.fill(&draft);
        let queued = unsent
            .iter()
            .find(|e| e.submission.message == draft.message);
        let mut state = self.state.borrow_mut();
        state.pending = queued.map(|e| e.submission.clone());
        // Written on an earlier page: long ago, as far as the spam check is concerned.
        state.started_at = Some(0.0);
    }

    /// Writes `draft` into the form's fields.
    fn fill(&self, draft: &Draft) {
        let Some(form) = &self.ui.form else { return };
        form.message.set_value(&draft.message);
        for (field, value) in [(&form.email, &draft.email), (&form.name, &draft.name)] {
            if let Some((input, _)) = field {
                input.set_value(value);
            }
        }
        for radio in &form.rating {
            radio.set_checked(radio.value().parse().ok() == draft.rating);
        }
        self.count();
    }

    fn status(&self, schedule: &Schedule, now: f64) -> Option<Status> {
        let zone = self
            .zones
            .iter()
            .find(|(name, _)| *name == schedule.time_zone)?
            .1
            .as_ref()?;
        Some(schedule.status(now, zone))
    }

    /// "Open now" / "Closed · opens Monday 09:00" for the widget, and each channel with hours
    /// dimmed, hidden or kept; then again when the next of them changes.
    fn refresh_hours(self: &Rc<Self>) {
        let now = js_sys::Date::now();
        let format_locale = env::format_locale(&self.locale);
        let closed_text = |status: Status| match status {
            Status::Closed { opens: Some(at) } => self.config.texts.fill(
                Text::ClosedOpens,
                &[("when", &env::when(&format_locale, at, now))],
            ),
            _ => self.t(Text::Closed).to_owned(),
        };
        let mut next: Option<f64> = None;
        let mut note = |status: Status| {
            if let Some(at) = status.changes() {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        };
        if let (Some(line), Some(schedule)) = (&self.ui.hours, &self.config.hours) {
            match self.status(schedule, now) {
                Some(status) => {
                    note(status);
                    let text = if status.is_open() {
                        self.t(Text::OpenNow).to_owned()
                    } else {
                        closed_text(status)
                    };
                    line.set_text_content(Some(&text));
                    let _ = line.set_attribute(
                        "data-open",
                        if status.is_open() { "true" } else { "false" },
                    );
                    line.set_hidden(false);
                }
                None => line.set_hidden(true),
            }
        }
        for row in &self.ui.channels {
            let channel = &self.config.channels[row.index];
            let status = channel
                .hours
                .as_ref()
                .and_then(|h| self.status(h, now))
                .filter(|s| !s.is_open());
            if let Some(s) = channel.hours.as_ref().and_then(|h| self.status(h, now)) {
                note(s);
            }
            row.item
                .set_hidden(status.is_some() && channel.when_closed == WhenClosed::Hide);
            let _ = match status {
                Some(_) if channel.when_closed == WhenClosed::Dim => {
                    row.item.set_attribute("data-closed", "")
                }
                _ => row.item.remove_attribute("data-closed"),
            };
            row.when
                .set_text_content(status.map(closed_text).as_deref());
            row.when.set_hidden(status.is_none());
        }
        for (wrap, members) in &self.ui.groups {
            wrap.set_hidden(members.iter().all(|&i| self.ui.channels[i].item.hidden()));
        }
        // Timers cannot wait longer than about 24 days; waking daily is plenty.
        let timer = next.map(|at| {
            let weak = Rc::downgrade(self);
            let wait = (at - now + 500.0).clamp(1000.0, 86_400_000.0) as u32;
            boundary::after(wait, move || {
                if let Some(inner) = weak.upgrade() {
                    inner.refresh_hours();
                }
            })
        });
        if let Ok(mut state) = self.state.try_borrow_mut() {
            state.hours_timer = timer;
        }
    }

    /// Copies a number or ID and says so, on the button and to screen readers.
    fn copy(self: &Rc<Self>, button: &Element) {
        let Some(text) = button.get_attribute("data-copy") else {
            return;
        };
        env::emit(
            "channel",
            &[
                (
                    "type",
                    &button.get_attribute("data-type").unwrap_or_default(),
                ),
                ("action", "copy"),
            ],
        );
        let weak = Rc::downgrade(self);
        let button = button.clone();
        env::copy(text, self.place.shadow.clone().into(), move |ok| {
            let Some(inner) = weak.upgrade() else { return };
            if !ok {
                return;
            }
            // A tick on the button (style.css), its name and the live region say "Copied".
            let label = button.query_selector(".done").ok().flatten();
            if let Some(label) = &label {
                label.set_text_content(Some(inner.t(Text::Copied)));
            }
            let _ = button.set_attribute("data-done", "");
            if let Some(live) = &inner.ui.announce {
                live.set_text_content(Some(inner.t(Text::Copied)));
            }
            let again = Rc::downgrade(&inner);
            let timer = boundary::after(2000, move || {
                let _ = button.remove_attribute("data-done");
                if let (Some(inner), Some(label)) = (again.upgrade(), label) {
                    label.set_text_content(Some(inner.t(Text::Copy)));
                    if let Some(live) = &inner.ui.announce {
                        live.set_text_content(None);
                    }
                }
            });
            inner.state.borrow_mut().copied = Some(timer);
        });
    }

    /// Shows or hides a channel's QR code, drawing it the first time.
    fn toggle_qr(&self, button: &Element) {
        let (Some(id), Some(link)) = (
            button.get_attribute("aria-controls"),
            button.get_attribute("data-qr"),
        ) else {
            return;
        };
        let Ok(Some(figure)) = self.place.shadow.query_selector(&format!("#{id}")) else {
            return;
        };
        let figure: &HtmlElement = figure.unchecked_ref();
        let open = !figure.hidden();
        if !open && figure.child_element_count() == 0 {
            let Some((size, path)) = widget_core::qr::path(&link) else {
                return;
            };
            let view_box = format!("-4 -4 {0} {0}", size + 8);
            append(
                figure,
                &[
                    &svg_path(&view_box, "176", &path),
                    &el("figcaption", &[], self.t(Text::QrHint)),
                ],
            );
            env::emit(
                "channel",
                &[
                    (
                        "type",
                        &button.get_attribute("data-type").unwrap_or_default(),
                    ),
                    ("action", "qr"),
                ],
            );
        }
        figure.set_hidden(open);
        let _ = button.set_attribute("aria-expanded", if open { "false" } else { "true" });
    }

    /// A `mailto:` link to the owner's first e-mail channel with the customer's text in it.
    fn email_instead(&self, message: &str) -> Option<String> {
        let email = self
            .config
            .channels
            .iter()
            .find(|c| c.kind == Kind::Email)?;
        channel::link(Kind::Email, &email.display, Some(message), None)
            .ok()
            .flatten()
    }
}

/// Moves `node` to the end of `parent` with `moveBefore`, so the element keeps its state and focus
/// and is never disconnected; `false` where the browser cannot.
fn move_to(parent: &Node, node: &Node) -> bool {
    let move_before = js_sys::Reflect::get(parent, &"moveBefore".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    move_before.is_some_and(|f| f.call2(parent, node, &JsValue::NULL).is_ok())
}
