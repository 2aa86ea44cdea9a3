//! Business hours on the panel: "Open now" / "Closed · opens Monday 09:00" for the widget, and
//! each channel with hours dimmed, hidden or kept while closed; updated again when the next of
//! them changes. The rules are the core's (`widget_core::hours`); the owner's time zones are
//! the browser's `Intl`.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use web_sys::{Element, HtmlElement};
use widget_core::channel::WhenClosed;
use widget_core::config::Config;
use widget_core::hours::{Schedule, Status};
use widget_core::i18n::Text;

use super::channels::Channels;
use super::Context;
use crate::boundary::{self, Timer};
use crate::dom::{append, cast, el};
use crate::env;

/// The owners' time zones the browser knows, by name (`None`: unknown, so those hours are not
/// shown).
pub type Zones = Vec<(String, Option<env::OwnerZone>)>;

/// Which of the owner's time zones exist is for the browser to say (the core only checks their
/// shape); the console says which hours are not shown. Their `Intl` formats are slow to start.
pub fn find_zones(config: &Config) -> Zones {
    let mut zones: Zones = Vec::new();
    let schedules = config.hours.iter().map(|h| ("hours".to_owned(), h)).chain(
        config.channels.iter().filter_map(|c| {
            c.hours
                .as_ref()
                .map(|h| (format!("the {} channel's hours", c.kind.name()), h))
        }),
    );
    for (what, schedule) in schedules {
        if zones.iter().all(|(name, _)| *name != schedule.time_zone) {
            let zone = env::OwnerZone::new(&schedule.time_zone);
            if zone.is_none() {
                env::warn(&format!("config `{what}`: \"{}\" is not a time zone this browser knows; these hours are not shown", schedule.time_zone));
            }
            zones.push((schedule.time_zone.clone(), zone));
        }
    }
    zones
}

/// The widget's hours line, under the greeting, when the config has hours.
pub fn line(cx: &Context, body: &Element) -> Option<HtmlElement> {
    cx.config.hours.as_ref()?;
    let line = el("p", &[("class", "hours"), ("id", "cw-hours")], "");
    append(body, &[&line]);
    Some(cast(line))
}

pub struct Hours {
    cx: Rc<Context>,
    line: Option<HtmlElement>,
    zones: Zones,
    channels: Rc<Channels>,
    /// Updates the hours when they next change while the page stays open.
    timer: RefCell<Option<Timer>>,
    me: Weak<Hours>,
}

impl Hours {
    pub fn new(
        cx: Rc<Context>,
        line: Option<HtmlElement>,
        zones: Zones,
        channels: Rc<Channels>,
    ) -> Rc<Hours> {
        Rc::new_cyclic(|me| Hours {
            cx,
            line,
            zones,
            channels,
            timer: RefCell::default(),
            me: me.clone(),
        })
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

    /// Shows the hours as they are now, and wakes when the next of them changes.
    pub fn refresh(&self) {
        let (cx, now) = (&self.cx, js_sys::Date::now());
        let format_locale = env::format_locale(&cx.locale);
        let closed_text = |status: Status| match status {
            Status::Closed { opens: Some(at) } => cx.config.texts.fill(
                Text::ClosedOpens,
                &[("when", &env::when(&format_locale, at, now))],
            ),
            _ => cx.t(Text::Closed).to_owned(),
        };
        let mut next: Option<f64> = None;
        let mut note = |status: Status| {
            if let Some(at) = status.changes() {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        };
        if let (Some(line), Some(schedule)) = (&self.line, &cx.config.hours) {
            let status = self.status(schedule, now);
            if let Some(status) = status {
                note(status);
                let (text, open) = if status.is_open() {
                    (cx.t(Text::OpenNow).to_owned(), "true")
                } else {
                    (closed_text(status), "false")
                };
                line.set_text_content(Some(&text));
                let _ = line.set_attribute("data-open", open);
            }
            line.set_hidden(status.is_none());
        }
        let rows = &self.channels.rows;
        let mut hidden = Vec::with_capacity(rows.len());
        for row in rows {
            let channel = &cx.config.channels[row.index];
            let status = channel.hours.as_ref().and_then(|h| self.status(h, now));
            if let Some(status) = status {
                note(status);
            }
            let closed = status.filter(|s| !s.is_open());
            let hide = closed.is_some() && channel.when_closed == WhenClosed::Hide;
            row.item.set_hidden(hide);
            hidden.push(hide);
            let _ = match closed {
                Some(_) if channel.when_closed == WhenClosed::Dim => {
                    row.item.set_attribute("data-closed", "")
                }
                _ => row.item.remove_attribute("data-closed"),
            };
            row.when
                .set_text_content(closed.map(closed_text).as_deref());
            row.when.set_hidden(closed.is_none());
        }
        for (wrap, members) in &self.channels.groups {
            wrap.set_hidden(members.iter().all(|&i| hidden[i]));
        }
        // Timers cannot wait longer than about 24 days; waking daily is plenty.
        let timer = next.map(|at| {
            let me = self.me.clone();
            let wait = (at - now + 500.0).clamp(1000.0, 86_400_000.0) as u32;
            boundary::after(wait, move || {
                if let Some(hours) = me.upgrade() {
                    hours.refresh();
                }
            })
        });
        *self.timer.borrow_mut() = timer;
    }
}
