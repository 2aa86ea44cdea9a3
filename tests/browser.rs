//! Browser tests of the wasm shell in headless Chromium (`cargo xtask test` runs them with
//! wasm-bindgen-test-runner): the DOM the widget builds, its keyboard behaviour and its clean-up.
#![cfg(target_arch = "wasm32")]

use contact_widget::{Setup, Widget};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, KeyboardEvent, KeyboardEventInit, ShadowRoot};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("test JSON")
}

/// Mounts from a JSON config, as the loader does with a JSON block: the loader's part (host,
/// shadow root, root element, launcher) is made here, the panel by the wasm.
async fn mounted(config: &str) -> (Widget, ShadowRoot) {
    let host = document().create_element("contact-widget").unwrap();
    document().body().unwrap().append_child(&host).unwrap();
    let shadow = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    let root = document().create_element("div").unwrap();
    root.set_class_name("cw");
    let launcher: HtmlElement = document()
        .create_element("button")
        .unwrap()
        .unchecked_into();
    launcher.set_class_name("launcher");
    root.append_child(&launcher).unwrap();
    shadow.append_child(&root).unwrap();
    let launcher_sheet = web_sys::CssStyleSheet::new().unwrap();
    launcher_sheet
        .replace_sync(include_str!("../src/launcher.css"))
        .unwrap();
    shadow.set_adopted_style_sheets(&js_sys::Array::of1(&launcher_sheet));
    // The loader's request, by name; it runs the steps in tasks of their own (lazy.js).
    let request = js_sys::Object::new();
    for (name, value) in [
        ("shadow", shadow.clone().into()),
        ("launcher", launcher.into()),
        ("config", json(config)),
        ("language", "en".into()),
    ] {
        js_sys::Reflect::set(&request, &name.into(), &value).unwrap();
    }
    let mut setup = Setup::new(request.into());
    setup.zones();
    setup.form();
    setup.panel();
    (setup.finish(), shadow)
}

/// What the loader does after the wasm's destroy().
fn unmounted(mut widget: Widget, shadow: &ShadowRoot) {
    widget.destroy();
    shadow.host().remove();
}

fn find(shadow: &ShadowRoot, selector: &str) -> HtmlElement {
    shadow
        .query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} exists"))
        .unchecked_into()
}

fn key(target: &Element, key: &str, shift: bool) -> bool {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
    event.default_prevented()
}

const FULL: &str = r#"{"endpoint":"/api/feedback","title":"Help","channels":[{"type":"phone","value":"+1 555 0100 123"},{"type":"email","value":"help@example.com"}]}"#;

#[wasm_bindgen_test]
async fn builds_a_hidden_dialog_next_to_the_launcher() {
    let (mut widget, shadow) = mounted(FULL).await;
    let launcher = find(&shadow, "button.launcher");
    assert_eq!(
        launcher.get_attribute("aria-controls").as_deref(),
        Some("cw-panel")
    );
    assert_eq!(find(&shadow, "h2").text_content().unwrap(), "Help");
    let panel = find(&shadow, "#cw-panel");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("dialog"));
    assert!(panel.hidden());
    assert_eq!(
        shadow.adopted_style_sheets().length(),
        2,
        "the launcher's and the panel's constructed stylesheets"
    );
    assert_eq!(
        document().query_selector_all("style").unwrap().length(),
        0,
        "no <style> in the page"
    );
    // Headless Chromium is a computer: the number stays a tel: link (softphones call it), with Copy
    // and a QR code beside it.
    let links = shadow.query_selector_all("a.channel").unwrap();
    let hrefs: Vec<_> = (0..links.length())
        .map(|i| {
            links
                .get(i)
                .unwrap()
                .unchecked_into::<Element>()
                .get_attribute("href")
                .unwrap()
        })
        .collect();
    assert_eq!(hrefs, ["tel:+15550100123", "mailto:help@example.com"]);
    assert_eq!(
        find(&shadow, "button.copy").text_content().as_deref(),
        Some("Copy +1 555 0100 123"),
        "Copy is named with the number it copies"
    );
    let qr = find(&shadow, "button.qr");
    let code = find(
        &shadow,
        &format!("#{}", qr.get_attribute("aria-controls").unwrap()),
    );
    assert_eq!(
        code.local_name(),
        "figure",
        "the QR button controls its code"
    );
    assert!(code.hidden());
    assert_eq!(
        shadow
            .query_selector_all(".item .channel > svg path")
            .unwrap()
            .length(),
        2,
        "one icon per channel"
    );
    widget.destroy();
    assert!(
        shadow.query_selector("#cw-panel").unwrap().is_none(),
        "the panel is gone"
    );
    assert_eq!(
        shadow.adopted_style_sheets().length(),
        1,
        "and its stylesheet; the launcher's stays"
    );
    assert_eq!(
        launcher.get_attribute("aria-controls"),
        None,
        "the launcher controls nothing"
    );
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("false")
    );
    shadow.host().remove();
}

#[wasm_bindgen_test]
async fn opens_closes_and_escape_returns_focus() {
    let (widget, shadow) = mounted(FULL).await;
    let launcher = find(&shadow, "button.launcher");
    let panel = find(&shadow, "#cw-panel");
    widget.toggle();
    assert!(!panel.hidden());
    assert_eq!(
        launcher.get_attribute("aria-expanded").as_deref(),
        Some("true")
    );
    assert_eq!(
        shadow.active_element().unwrap().class_name(),
        "close",
        "focus moves into the dialog"
    );
    assert!(key(&shadow.active_element().unwrap(), "Escape", false));
    assert!(panel.hidden());
    assert_eq!(
        shadow.active_element().unwrap().class_name(),
        "launcher",
        "focus returns to the launcher"
    );
    widget.toggle();
    assert!(!panel.hidden());
    widget.close();
    assert!(panel.hidden());
    unmounted(widget, &shadow);
}

#[wasm_bindgen_test]
async fn tab_and_shift_tab_wrap_inside_the_open_dialog() {
    let (widget, shadow) = mounted(FULL).await;
    widget.open();
    let close = find(&shadow, "button.close");
    let send = find(&shadow, "button.send");
    send.focus().unwrap();
    assert!(
        key(&send, "Tab", false),
        "Tab on the last control is handled"
    );
    assert!(shadow.active_element().unwrap().is_same_node(Some(&close)));
    assert!(
        key(&close, "Tab", true),
        "Shift+Tab on the first control is handled"
    );
    assert!(shadow.active_element().unwrap().is_same_node(Some(&send)));
    let message = find(&shadow, "#cw-message");
    message.focus().unwrap();
    assert!(
        !key(&message, "Tab", false),
        "Tab in the middle is left to the browser"
    );
    unmounted(widget, &shadow);
}

#[wasm_bindgen_test]
async fn an_empty_message_is_marked_invalid_and_not_sent() {
    let (widget, shadow) = mounted(FULL).await;
    widget.open();
    find(&shadow, "button.send").click();
    let message = find(&shadow, "#cw-message");
    assert_eq!(
        message.get_attribute("aria-invalid").as_deref(),
        Some("true")
    );
    let error = find(&shadow, "#cw-message-error");
    assert!(!error.hidden());
    assert_eq!(error.text_content().unwrap(), "Please write a message.");
    assert!(message
        .get_attribute("aria-describedby")
        .unwrap()
        .contains("cw-message-error"));
    assert_eq!(
        find(&shadow, "button.send").get_attribute("aria-disabled"),
        None,
        "nothing in flight"
    );
    unmounted(widget, &shadow);
}

#[wasm_bindgen_test]
async fn hostile_text_is_text() {
    let hostile = r#"<img src=x onerror=alert(1)>"#;
    let (widget, shadow) = mounted(&format!(r#"{{"form":false,"title":"{hostile}","channels":[{{"type":"email","value":"a@b.co","label":"{hostile}"}}]}}"#)).await;
    assert_eq!(find(&shadow, "h2").text_content().unwrap(), hostile);
    assert_eq!(
        find(&shadow, "a.channel .label").text_content().unwrap(),
        hostile
    );
    assert_eq!(shadow.query_selector_all("img").unwrap().length(), 0);
    unmounted(widget, &shadow);
}

#[wasm_bindgen_test]
async fn broken_config_still_mounts_with_what_is_valid() {
    let (widget, shadow) = mounted(r#"{"form":false,"position":"middle","channels":[{"type":"fax","value":"1"},{"type":"link","value":"javascript:alert(1)"},{"type":"x","value":"@examplehq"}],"nonsense":true}"#).await;
    assert_eq!(shadow.query_selector_all("a.channel").unwrap().length(), 1);
    assert_eq!(find(&shadow, "h2").text_content().unwrap(), "Contact us");
    assert!(shadow.query_selector("form").unwrap().is_none());
    unmounted(widget, &shadow);
}

#[wasm_bindgen_test]
async fn host_page_styles_do_not_reach_inside() {
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some("html{font-size:62.5%} *{font-family:Papyrus!important;color:red!important;line-height:3!important} button{padding:40px!important}"));
    document().body().unwrap().append_child(&style).unwrap();
    let (widget, shadow) = mounted(FULL).await;
    widget.open();
    let computed = web_sys::window()
        .unwrap()
        .get_computed_style(&find(&shadow, "button.send"))
        .unwrap()
        .unwrap();
    assert_eq!(computed.get_property_value("font-size").unwrap(), "15px");
    assert_eq!(computed.get_property_value("padding-top").unwrap(), "0px");
    assert_ne!(
        computed.get_property_value("color").unwrap(),
        "rgb(255, 0, 0)"
    );
    assert!(!computed
        .get_property_value("font-family")
        .unwrap()
        .contains("Papyrus"));
    unmounted(widget, &shadow);
    style.remove();
}
