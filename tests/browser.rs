//! Browser tests of the widget, run by `cargo xtask test` in headless Chromium.
//! Placeholder written with xtask to prove the runner starts Chromium; replace it with the real tests.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn runs_in_a_browser_with_a_document() {
    let document = web_sys::window().unwrap().document();
    assert!(document.is_some());
}
