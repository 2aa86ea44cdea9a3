//! localStorage as JSON, which may be missing (privacy modes, sandboxed frames), throw, or be full.
//! Every call says whether it worked; nothing here panics or throws.

use js_sys::JSON;
use web_sys::Storage;
use widget_core::value::Value;

pub const OUTBOX: &str = "contact-widget:outbox";
pub const DRAFT: &str = "contact-widget:draft";

/// Storage could not be used at all.
pub struct Unavailable;

fn storage() -> Result<Storage, Unavailable> {
    crate::env::window()
        .local_storage()
        .ok()
        .flatten()
        .ok_or(Unavailable)
}

/// The value under `key`: `Ok(None)` when absent or not JSON (a corrupt value is ignored, not fatal).
pub fn read(key: &str) -> Result<Option<Value>, Unavailable> {
    let text = storage()?.get_item(key).map_err(|_| Unavailable)?;
    Ok(text
        .and_then(|t| JSON::parse(&t).ok())
        .map(|v| crate::env::value_of(&v)))
}

/// Stores `value` as JSON; `false` when storage is unavailable or full.
pub fn write(key: &str, value: &Value) -> bool {
    storage().is_ok_and(|s| s.set_item(key, &widget_core::json::write(value)).is_ok())
}

pub fn remove(key: &str) {
    if let Ok(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}
