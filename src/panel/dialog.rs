//! The panel as a dialog: its frame (title, Close, the body the other parts fill), opening and
//! closing (the launcher is the Close button while open), Escape and the Tab trap, focus kept
//! inside, the page's CSS zoom undone, the visual viewport followed, and a host page's modal
//! `<dialog>` followed in and back out.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Element, HtmlButtonElement, HtmlElement, KeyboardEvent, Node, ShadowRoot, VisualViewport,
};
use widget_core::i18n::Text;

use super::{Context, Place};
use crate::boundary::{listen, listen_capture, Listener};
use crate::dom::{append, cast, document, el, focus, svg_icon};
use crate::env;

/// The panel's id: the launcher's `aria-controls` names it.
pub const PANEL_ID: &str = "cw-panel";
/// The Close button's id: the open launcher takes its name from it (`aria-labelledby`).
const CLOSE_ID: &str = "cw-close";

const ICON_CLOSE: &str =
    "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";

/// The panel's elements before they are a dialog: the panel (hidden), its Close button, and the
/// body the other parts append to.
pub struct Frame {
    pub panel: HtmlElement,
    pub close: HtmlButtonElement,
    pub body: Element,
}

/// The frame: a heading and Close, then the owner's greeting.
pub fn frame(cx: &Context) -> Frame {
    let panel = el(
        "div",
        &[
            ("id", PANEL_ID),
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
            ("id", CLOSE_ID),
            ("class", "close"),
            ("aria-label", cx.t(Text::Close)),
        ],
        "",
    );
    append(&close, &[&svg_icon(ICON_CLOSE)]);
    append(
        &head,
        &[&el("h2", &[("id", "cw-title")], cx.t(Text::Title)), &close],
    );
    let body = el("div", &[("class", "body")], "");
    append(
        &body,
        &[&el("p", &[("class", "greeting")], cx.t(Text::Greeting))],
    );
    append(&panel, &[&head, &body]);
    Frame {
        panel: cast(panel),
        close: cast(close),
        body,
    }
}

pub struct Dialog {
    place: Place,
    pub panel: HtmlElement,
    pub close_button: HtmlButtonElement,
    open: Cell<bool>,
    /// While open: `resize` and `scroll` of the visual viewport.
    viewport: RefCell<Vec<Listener>>,
    /// The host element's parent before a host page's modal dialog took it in.
    home: RefCell<Option<Node>>,
}

impl Dialog {
    /// Puts the frame next to the launcher, which now controls it.
    pub fn new(place: Place, frame: Frame) -> Rc<Dialog> {
        let root = place.shadow.first_element_child().unwrap_or_else(|| {
            wasm_bindgen::throw_val(JsValue::from_str(
                "contact-widget: the loader painted no root element",
            ))
        });
        append(&root, &[&frame.panel]);
        let _ = place.launcher.set_attribute("aria-controls", PANEL_ID);
        Rc::new(Dialog {
            place,
            panel: frame.panel,
            close_button: frame.close,
            open: Cell::new(false),
            viewport: RefCell::default(),
            home: RefCell::default(),
        })
    }

    pub fn listen(self: &Rc<Self>, into: &mut Vec<Listener>) {
        let me = self.clone();
        into.push(listen(&self.close_button, "click", move |_| {
            me.hide();
        }));
        let me = self.clone();
        into.push(listen(&self.panel, "keydown", move |e| {
            me.keydown(e.unchecked_ref())
        }));
        // Focus inside the widget is the widget's business: a host page's modal (Bootstrap's or
        // UIkit's focus trap listens for focusin on the document) would otherwise pull it back
        // out of the open panel, and the visitor could not type.
        into.push(listen(&self.place.shadow, "focusin", |e| {
            e.stop_propagation()
        }));
        // A modal <dialog> of the host page makes everything outside it inert: the widget follows
        // it in and back out. `toggle` and `close` do not bubble, hence the capture phase.
        for kind in ["toggle", "close"] {
            let me = self.clone();
            into.push(listen_capture(&document(), kind, move |_| {
                me.follow_modal()
            }));
        }
    }

    pub fn is_open(&self) -> bool {
        self.open.get()
    }

    /// Whether keyboard focus is on something in the panel.
    pub fn has_focus(&self) -> bool {
        self.focused().is_some()
    }

    /// The element in the panel that has keyboard focus.
    pub fn focused(&self) -> Option<Element> {
        focused(&self.panel, &self.place.shadow)
    }

    /// Shows the panel; `false` when it was already open.
    pub fn show(&self) -> bool {
        if self.open.replace(true) {
            return false;
        }
        self.undo_page_zoom();
        // Measured before the panel is shown: reading the viewport then forces no layout.
        self.track_viewport();
        self.panel.set_hidden(false);
        let _ = self.place.launcher.set_attribute("aria-expanded", "true");
        self.name_launcher(true);
        true
    }

    /// Hides the panel (focus, if inside, goes back to the launcher); `false` when it was closed.
    pub fn hide(&self) -> bool {
        if !self.open.replace(false) {
            return false;
        }
        self.viewport.borrow_mut().clear();
        let focus_was_inside = self.has_focus();
        self.panel.set_hidden(true);
        let _ = self.place.launcher.set_attribute("aria-expanded", "false");
        self.name_launcher(false);
        if focus_was_inside {
            let _ = self.place.launcher.focus();
        }
        env::emit("close", &[]);
        true
    }

    /// Scrolls the panel so `element` is in view (the panel scrolls; the page never does).
    pub fn reveal(&self, element: &Element) {
        reveal(&self.panel, element);
    }

    /// Takes the panel out and gives the launcher and the host element back as the loader made
    /// them.
    pub fn remove(&self) {
        self.name_launcher(false);
        self.viewport.borrow_mut().clear();
        self.go_home();
        self.panel.remove();
        let launcher = &self.place.launcher;
        let _ = launcher.set_attribute("aria-expanded", "false");
        let _ = launcher.remove_attribute("aria-controls");
    }

    /// While the panel is open the launcher closes it (drawn as a cross by style.css): it takes
    /// its name from the panel's Close button then, leaving its own (the loader's) alone.
    fn name_launcher(&self, open: bool) {
        let launcher = &self.place.launcher;
        let _ = if open {
            launcher.set_attribute("aria-labelledby", CLOSE_ID)
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
            self.panel.style(),
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
        let (panel, shadow) = (&self.panel, &self.place.shadow);
        fit_viewport(panel, shadow, &viewport);
        let listeners = ["resize", "scroll"].map(|kind| {
            let (panel, shadow, target) = (panel.clone(), shadow.clone(), viewport.clone());
            listen(&viewport, kind, move |_| {
                fit_viewport(&panel, &shadow, &target)
            })
        });
        *self.viewport.borrow_mut() = listeners.into();
    }

    /// Puts the host element inside the host page's topmost modal dialog, if one is open (so the
    /// launcher and panel stay reachable), or back where it was.
    pub fn follow_modal(&self) {
        let modal = document()
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

    /// Escape closes; Tab and Shift+Tab cycle inside the open dialog.
    fn keydown(&self, e: &KeyboardEvent) {
        match e.key().as_str() {
            "Escape" => {
                // Ours: a host page's modal listening on the document must not close as well.
                e.prevent_default();
                e.stop_propagation();
                self.hide();
            }
            "Tab" => {
                // Radios are skipped: the textarea after them is always a valid last-but-one stop.
                let Ok(all) = self.panel.query_selector_all(
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
                let (Some(first), Some(last)) = (shown.first(), shown.last()) else {
                    return;
                };
                let active: Option<Node> = self.place.shadow.active_element().map(Into::into);
                let wrap_to = match (e.shift_key(), active) {
                    (true, Some(a)) if a.is_same_node(Some(first)) => last,
                    (false, Some(a)) if a.is_same_node(Some(last)) => first,
                    _ => return,
                };
                e.prevent_default();
                focus(wrap_to.unchecked_ref());
            }
            _ => {}
        }
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

/// Scrolls `panel` so `element` is in view (the panel scrolls; the page never does).
fn reveal(panel: &HtmlElement, element: &Element) {
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

/// The element in `panel` that has keyboard focus.
fn focused(panel: &HtmlElement, shadow: &ShadowRoot) -> Option<Element> {
    shadow.active_element().filter(|a| panel.contains(Some(a)))
}

/// Sizes `panel` to the visual viewport and keeps the focused field in sight.
fn fit_viewport(panel: &HtmlElement, shadow: &ShadowRoot, viewport: &VisualViewport) {
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
    if let Some(active) = focused(panel, shadow) {
        reveal(panel, &active);
    }
}
