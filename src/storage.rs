//! localStorage as JSON, which may be missing (privacy modes, sandboxed frames), throw, or be full.
//! Every call says whether it worked; nothing here panics or throws.

use js_sys::JSON;
use serde::de::DeserializeOwned;
use serde::Serialize;
use web_sys::Storage;

pub const OUTBOX: &str = "contact-widget:outbox";
pub const DRAFT: &str = "contact-widget:draft";

/// Storage could not be used at all.
pub struct Unavailable;

fn storage() -> Result<Storage, Unavailable> {
    crate::env::window().local_storage().ok().flatten().ok_or(Unavailable)
}

/// The value under `key`: `Ok(None)` when absent or unreadable (a corrupt value is ignored, not fatal).
pub fn read<T: DeserializeOwned>(key: &str) -> Result<Option<T>, Unavailable> {
    let text = storage()?.get_item(key).map_err(|_| Unavailable)?;
    Ok(text.and_then(|t| JSON::parse(&t).ok()).and_then(|v| serde_wasm_bindgen::from_value(v).ok()))
}

/// Stores `value`; `false` when storage is unavailable or full.
pub fn write<T: Serialize>(key: &str, value: &T) -> bool {
    let Ok(storage) = storage() else { return false };
    let Ok(js) = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) else { return false };
    let Some(text) = JSON::stringify(&js).ok().and_then(|t| t.as_string()) else { return false };
    storage.set_item(key, &text).is_ok()
}

pub fn remove(key: &str) {
    if let Ok(storage) = storage() {
        let _ = storage.remove_item(key);
    }
}
