//! One mounted widget: the coordinator of the panel's parts, each with its own state — the
//! dialog (`dialog`), the ways to reach the owner (`channels`), business hours (`hours`) and the
//! feedback form (`form`, built by `form_view`). It builds them in steps, wires their listeners,
//! and carries the open state and the draft through a re-render.
//!
//! The listeners live in [`Widget`], outside the parts they call, so dropping the widget drops
//! every listener (and with them the last references to the parts): no cycles, nothing leaked.

mod channels;
mod dialog;
mod form;
mod form_view;
mod hours;

use std::rc::{Rc, Weak};

use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot};
use widget_core::config::{self, Config};
use widget_core::i18n::Text;
use widget_core::insights::Event;
use widget_core::value::Value;

use crate::boundary::{self, listen, Listener};
use crate::courier::Courier;
use crate::dom::focus;
use crate::{env, insights, style};
use channels::Channels;
use dialog::Dialog;
use form::Feedback;
use form_view::FormUi;
use hours::{Hours, Zones};

/// Where the panel goes: the shadow root the loader made, and its launcher.
#[derive(Clone)]
pub struct Place {
    pub shadow: ShadowRoot,
    pub launcher: HtmlElement,
}

/// What every part reads: the config, the language shown (e.g. `fr`, also sent with each
/// submission) and where the widget is.
pub struct Context {
    pub config: Config,
    pub locale: String,
    pub place: Place,
}

impl Context {
    pub fn t(&self, text: Text) -> &str {
        self.config.texts.get(text)
    }
}

/// A widget on its way to the page, built in steps (each in a task of the browser of its own, so
/// that none is long on a slow phone; the loader runs them, see lazy.js): the config read and
/// styled; the time zones; the form; the rest of the panel; then `finish` puts it in place.
pub struct Setup {
    cx: Rc<Context>,
    raw: Value,
    table: Vec<(Text, String)>,
    sheet: CssStyleSheet,
    zones: Zones,
    form: Option<FormUi>,
    built: Option<Built>,
}

/// The panel's parts, built but not yet listening.
struct Built {
    dialog: Rc<Dialog>,
    channels: Rc<Channels>,
    hours_line: Option<HtmlElement>,
    body: web_sys::Element,
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
            cx: Rc::new(Context {
                config,
                locale,
                place,
            }),
            raw,
            table,
            sheet,
            zones: Vec::new(),
            form: None,
            built: None,
        }
    }

    pub fn find_zones(&mut self) {
        self.zones = hours::find_zones(&self.cx.config);
    }

    pub fn build_form(&mut self) {
        self.form = self
            .cx
            .config
            .form
            .as_ref()
            .map(|form| form_view::build(&self.cx, form));
    }

    /// The dialog's frame with the hours line and the channels (the form goes in at `finish`).
    pub fn build_panel(&mut self) {
        let cx = &self.cx;
        let frame = dialog::frame(cx);
        let hours_line = hours::line(cx, &frame.body);
        let channels = Channels::build(cx.clone(), &frame.body, env::is_mobile());
        let body = frame.body.clone();
        self.built = Some(Built {
            dialog: Dialog::new(cx.place.clone(), frame),
            channels,
            hours_line,
            body,
        });
    }

    /// Puts the panel in place and starts listening: the widget.
    pub fn finish(mut self) -> Widget {
        if self.built.is_none() {
            self.build_form();
            self.build_panel();
        }
        let Setup {
            cx,
            raw,
            table,
            sheet,
            zones,
            form,
            built,
        } = self;
        let Built {
            dialog,
            channels,
            hours_line,
            body,
        } = built.expect("built above");
        // The hours wait for the panel to open: their Intl date formats are slow to start.
        let hours = Hours::new(cx.clone(), hours_line, zones, channels.clone());
        let parts = Rc::new_cyclic(|me: &Weak<Parts>| {
            let me = me.clone();
            let courier = Courier::new(Box::new(move |submission, verdict, kept| {
                let news = verdict.news();
                form::emit_news(&submission.id, &news);
                if let Some(form) = me.upgrade().and_then(|p| p.form.clone()) {
                    form.delivered(submission, &news, kept);
                }
            }));
            let form = form.and_then(|ui| {
                Feedback::new(cx.clone(), ui, &body, dialog.clone(), courier.clone())
            });
            Parts {
                cx,
                sheet,
                dialog,
                channels,
                hours,
                form,
                courier,
            }
        });
        let listeners = parts.listeners();
        parts.dialog.follow_modal();
        // Anything an earlier page could not deliver goes out now. The only storage read before
        // the visitor opens the panel: whether such a message exists (in a task of its own, as a
        // page's first read of localStorage can be slow).
        let courier = Rc::downgrade(&parts.courier);
        boundary::soon(move || {
            if let Some(courier) = courier
                .upgrade()
                .filter(|courier| !courier.pending().is_empty())
            {
                courier.flush(env::window().navigator().on_line(), None);
            }
        });
        env::emit("ready", &[]);
        Widget {
            parts,
            raw,
            table,
            _listeners: listeners,
        }
    }
}

struct Parts {
    cx: Rc<Context>,
    sheet: CssStyleSheet,
    dialog: Rc<Dialog>,
    channels: Rc<Channels>,
    hours: Rc<Hours>,
    form: Option<Rc<Feedback>>,
    courier: Rc<Courier>,
}

impl Parts {
    fn listeners(&self) -> Vec<Listener> {
        let mut listeners = Vec::new();
        self.dialog.listen(&mut listeners);
        self.channels.listen(&mut listeners);
        if let Some(form) = &self.form {
            form.listen(&mut listeners);
        }
        let window = env::window();
        let courier = self.courier.clone();
        listeners.push(listen(&window, "online", move |_| {
            courier.flush(true, None)
        }));
        let courier = self.courier.clone();
        listeners.push(listen(&window, "pagehide", move |_| courier.page_hidden()));
        listeners
    }

    /// Shows the panel (the draft from an earlier page put back the first time) with its hours
    /// as they are now; `false` when it was already open.
    fn show(&self) -> bool {
        if self.dialog.is_open() {
            return false;
        }
        if let Some(form) = &self.form {
            form.restore_once();
        }
        self.dialog.show();
        self.hours.refresh();
        true
    }
}

pub struct Widget {
    parts: Rc<Parts>,
    /// The raw configuration, kept so `update()` can re-mount in another language.
    raw: Value,
    /// The shipped texts of the visitor's language, kept for `update()`.
    table: Vec<(Text, String)>,
    _listeners: Vec<Listener>,
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
        let parts = &self.parts;
        if parts.show() {
            let _ = parts.dialog.close_button.focus();
            env::emit("open", &[]);
            insights::count(&parts.cx.config, &parts.cx.locale, Event::Open);
        }
    }

    pub fn close(&self) {
        self.parts.dialog.hide();
    }

    pub fn toggle(&self) {
        if self.parts.dialog.is_open() {
            self.close();
        } else {
            self.open();
        }
    }

    /// Re-mounts with the loader's new `config` (when given; it merged the sources) and in
    /// `language` (when given), keeping the open state and draft.
    pub fn update(
        self,
        config: Option<Value>,
        language: Option<(String, Vec<(Text, String)>)>,
    ) -> Widget {
        let parts = &self.parts;
        // Carried in memory, not through storage, which may be unavailable: the visitor's text
        // and the submission it belongs to (so a resend keeps its id) survive the re-render.
        let open = parts.dialog.is_open();
        let carried = parts.form.as_ref().map(|form| form.carry());
        // The control the visitor is on (by id, or the close button) gets focus back afterwards.
        let focused = parts.dialog.focused().map(|a| a.id());
        let raw = config.unwrap_or_else(|| self.raw.clone());
        let (place, (locale, table)) = (
            parts.cx.place.clone(),
            language.unwrap_or_else(|| (parts.cx.locale.clone(), self.table.clone())),
        );
        self.destroy();
        let widget = Widget::mount(place, raw, locale, table);
        let parts = &widget.parts;
        if let (Some(form), Some(carried)) = (&parts.form, carried) {
            form.resume(carried);
        }
        if open {
            // Reopened as it was, without moving the visitor's focus or announcing it again.
            parts.show();
        }
        if let Some(id) = focused {
            let same = (!id.is_empty())
                .then(|| parts.cx.place.shadow.get_element_by_id(&id))
                .flatten();
            focus(&same.unwrap_or_else(|| parts.dialog.close_button.clone().into()));
        }
        widget
    }

    /// Removes the panel and its stylesheet and resets the launcher; dropping `self` removes
    /// every listener and timer. The launcher and the host element are the loader's.
    pub fn destroy(self) {
        let parts = &self.parts;
        parts.dialog.remove();
        style::unstyle(&parts.cx.place.shadow, &parts.sheet);
    }
}
