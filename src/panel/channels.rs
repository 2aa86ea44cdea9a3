//! The ways to reach the owner: each channel a link (or, where a link would do nothing, its value
//! as text), Copy and a QR code to continue on a phone where they help, its reply time, and a
//! line for its hours (written by `hours`).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};
use widget_core::channel::{Channel, Group};
use widget_core::i18n::Text;
use widget_core::insights::{Action, Event};

use super::Context;
use crate::boundary::{self, listen, Listener, Timer};
use crate::dom::{append, cast, el, svg_icon, svg_path};
use crate::{env, insights};

const ICON_COPY: &str = "M16 1H4a2 2 0 0 0-2 2v14h2V3h12zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11z";
const ICON_COPIED: &str = "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z";
const ICON_QR: &str = "M3 3h8v8H3zm2 2v4h4V5zm-2 8h8v8H3zm2 2v4h4v-4zm8-12h8v8h-8zm2 2v4h4V5zm-2 8h2v2h-2zm2 2h2v2h-2zm-2 2h2v2h-2zm2 2h2v2h-2zm2-2h2v2h-2zm0-4h2v2h-2zm2 2h2v2h-2zm0 4h2v2h-2z";

/// One channel's row.
pub struct Row {
    /// Its position in `Config::channels`.
    pub index: usize,
    pub item: HtmlElement,
    /// Its hours, when closed ("Closed · opens Monday 09:00").
    pub when: HtmlElement,
    link: Option<Element>,
    copy: Option<CopyButton>,
    qr: Option<QrButton>,
}

struct CopyButton {
    button: Element,
    /// The button's name in words: "Copy", then "Copied" for a moment.
    label: Element,
    text: String,
}

struct QrButton {
    button: Element,
    figure: HtmlElement,
    /// What the code holds: the channel's link.
    link: String,
    /// Whether the code is shown, and whether it was drawn (the first time it is shown).
    shown: Cell<bool>,
    drawn: Cell<bool>,
}

pub struct Channels {
    cx: Rc<Context>,
    /// The list's section, when there are channels to show.
    section: Option<Element>,
    pub rows: Vec<Row>,
    /// Each group's wrapper and the positions of its channels in `rows`.
    pub groups: Vec<(HtmlElement, Vec<usize>)>,
    /// A live region that says "Copied".
    announce: Option<HtmlElement>,
    /// Puts "Copy" back on a button that says "Copied".
    copied: RefCell<Option<Timer>>,
    me: Weak<Channels>,
}

impl Channels {
    /// The channels shown on this device, in groups in the order the owner first used them and
    /// in config order within each, appended to `body` when there are any.
    pub fn build(cx: Rc<Context>, body: &Element, mobile: bool) -> Rc<Channels> {
        let config = &cx.config;
        let shown: Vec<(usize, &Channel)> = config
            .channels
            .iter()
            .enumerate()
            .filter(|(_, c)| c.devices.shows_on(mobile))
            .collect();
        let (mut rows, mut groups, mut announce) = (Vec::new(), Vec::new(), None);
        let section = (!shown.is_empty()).then(|| {
            let section = el(
                "section",
                &[
                    ("class", "reach"),
                    ("aria-label", cx.t(Text::ChannelsHeading)),
                ],
                "",
            );
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
                    &[&el("h3", &[("id", &id)], cx.t(Text::group(group))), &ul],
                );
                let mut members = Vec::new();
                for (index, c) in shown.iter().filter(|(_, c)| c.group == group) {
                    let row = row(&cx, c, *index, mobile);
                    append(&ul, &[&row.item]);
                    members.push(rows.len());
                    rows.push(row);
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
            append(body, &[&section]);
            section
        });
        Rc::new_cyclic(|me| Channels {
            cx: cx.clone(),
            section,
            rows,
            groups,
            announce,
            copied: RefCell::default(),
            me: me.clone(),
        })
    }

    /// Opening a channel, copying it and showing its QR code are each told to the page
    /// (`contact-widget:channel`). One listener for the whole list: a click goes to the row, and
    /// the control, that holds its target.
    pub fn listen(self: &Rc<Self>, into: &mut Vec<Listener>) {
        let Some(section) = &self.section else {
            return;
        };
        let me = self.clone();
        into.push(listen(section, "click", move |e| {
            let target: Option<Node> = e.target().and_then(|t| t.dyn_into().ok());
            let within = |e: &Element| e.contains(target.as_ref());
            let Some(at) = me.rows.iter().position(|r| within(&r.item)) else {
                return;
            };
            let row = &me.rows[at];
            if row.copy.as_ref().is_some_and(|c| within(&c.button)) {
                me.copy(at);
            } else if row.qr.as_ref().is_some_and(|q| within(&q.button)) {
                me.toggle_qr(at);
            } else if row.link.as_ref().is_some_and(within) {
                me.used(at, Action::Open);
            }
        }));
    }

    /// A channel was used: the page hears of it (`contact-widget:channel`), and the owner's
    /// counts when they asked for insights.
    fn used(&self, at: usize, action: Action) {
        let kind = self.cx.config.channels[self.rows[at].index].kind;
        env::emit(
            "channel",
            &[("type", kind.name()), ("action", action.name())],
        );
        insights::count(
            &self.cx.config,
            &self.cx.locale,
            Event::Channel(kind, action),
        );
    }

    /// Copies a number or ID and says so, on the button and to screen readers.
    fn copy(&self, at: usize) {
        let Some(copy) = &self.rows[at].copy else {
            return;
        };
        self.used(at, Action::Copy);
        let (me, label, button) = (self.me.clone(), copy.label.clone(), copy.button.clone());
        env::copy(
            copy.text.clone(),
            self.cx.place.shadow.clone().into(),
            move |ok| {
                let Some(me) = me.upgrade().filter(|_| ok) else {
                    return;
                };
                // A tick on the button (style.css), its name and the live region say "Copied".
                me.say_copied(&label, true);
                let _ = button.set_attribute("data-done", "");
                let again = me.me.clone();
                let timer = boundary::after(2000, move || {
                    let _ = button.remove_attribute("data-done");
                    if let Some(me) = again.upgrade() {
                        me.say_copied(&label, false);
                    }
                });
                *me.copied.borrow_mut() = Some(timer);
            },
        );
    }

    fn say_copied(&self, label: &Element, copied: bool) {
        let text = if copied { Text::Copied } else { Text::Copy };
        label.set_text_content(Some(self.cx.t(text)));
        if let Some(live) = &self.announce {
            live.set_text_content(copied.then(|| self.cx.t(Text::Copied)));
        }
    }

    /// Shows or hides a channel's QR code, drawing it the first time.
    fn toggle_qr(&self, at: usize) {
        let Some(qr) = &self.rows[at].qr else { return };
        let figure = &qr.figure;
        let open = qr.shown.get();
        if !open && !qr.drawn.get() {
            let Some((size, path)) = widget_core::qr::path(&qr.link) else {
                return;
            };
            qr.drawn.set(true);
            let view_box = format!("-4 -4 {0} {0}", size + 8);
            append(
                figure,
                &[
                    &svg_path(&view_box, "176", &path),
                    &el("figcaption", &[], self.cx.t(Text::QrHint)),
                ],
            );
            self.used(at, Action::Qr);
        }
        qr.shown.set(!open);
        figure.set_hidden(open);
        let _ = qr
            .button
            .set_attribute("aria-expanded", if open { "false" } else { "true" });
    }
}

/// One channel's row: the link (or text), its icon and reply time, Copy and QR beside a number
/// (icon buttons named in words, so the number keeps its line and the row its height), and its
/// hours line under the row ("Closed · opens tomorrow 3:00 PM" needs the panel's width).
fn row(cx: &Context, channel: &Channel, index: usize, mobile: bool) -> Row {
    let kind = channel.kind.name();
    let label = channel
        .label
        .as_deref()
        .unwrap_or(cx.t(Text::label_of(channel.kind)));
    let item = el("li", &[("class", "item"), ("data-type", kind)], "");
    let when_id = format!("cw-when-{index}");
    let link = channel.href.as_deref().map(|href| {
        let mut attrs = vec![("href", href), ("class", "channel"), ("data-type", kind)];
        if href.starts_with("http") || href.starts_with('/') {
            attrs.extend([("target", "_blank"), ("rel", "noopener noreferrer")]);
        }
        el("a", &attrs, "")
    });
    let line = link
        .clone()
        .unwrap_or_else(|| el("div", &[("class", "channel")], ""));
    let _ = line.set_attribute("aria-describedby", &when_id);
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
            &[&el("span", &[("class", "note")], cx.t(Text::reply(reply)))],
        );
    }
    append(&line, &[&svg_icon(channel.kind.spec().icon), &text]);
    append(&item, &[&line]);
    let when = el(
        "p",
        &[("class", "when"), ("id", &when_id), ("hidden", "")],
        "",
    );
    let (mut copy, mut qr) = (None, None);
    if let Some(text) = channel.copy.as_deref().filter(|_| channel.copyable(mobile)) {
        let actions = el("div", &[("class", "actions")], "");
        let button = el("button", &[("type", "button"), ("class", "copy")], "");
        let done = el(
            "span",
            &[("class", "done visually-hidden")],
            cx.t(Text::Copy),
        );
        append(
            &button,
            &[
                &svg_icon(ICON_COPY),
                &svg_icon(ICON_COPIED),
                &done,
                &el(
                    "span",
                    &[("class", "visually-hidden")],
                    &format!(" {}", channel.display),
                ),
            ],
        );
        append(&actions, &[&button]);
        append(&item, &[&actions]);
        copy = Some(CopyButton {
            button,
            label: done,
            text: text.to_owned(),
        });
        if let Some(href) = &channel.href {
            let id = format!("cw-qr-{index}");
            let button = el(
                "button",
                &[
                    ("type", "button"),
                    ("class", "qr"),
                    ("aria-expanded", "false"),
                    ("aria-controls", &id),
                ],
                "",
            );
            append(
                &button,
                &[
                    &svg_icon(ICON_QR),
                    &el(
                        "span",
                        &[("class", "visually-hidden")],
                        &format!("{} {label}", cx.t(Text::QrCode)),
                    ),
                ],
            );
            append(&actions, &[&button]);
            let figure = el(
                "figure",
                &[("id", &id), ("class", "qr-code"), ("hidden", "")],
                "",
            );
            qr = Some(QrButton {
                button,
                figure: cast(figure),
                link: href.clone(),
                shown: Cell::new(false),
                drawn: Cell::new(false),
            });
        }
    }
    append(&item, &[&when]);
    if let Some(qr) = &qr {
        append(&item, &[&qr.figure]);
    }
    Row {
        index,
        item: cast(item),
        when: cast(when),
        link,
        copy,
        qr,
    }
}
