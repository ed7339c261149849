//! The wasm-bindgen boundary: each function hands bytes to host-core and its answer back to JS.
//! No logic lives here. Errors cross as plain objects `{kind, message, offset}`, which
//! `js/errors.js` turns into a `TerrariumError`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true))
        .unwrap_or_else(|err| JsValue::from_str(&err.to_string()))
}

/// Parses (and, in the validating build, validates) a component; returns its instantiation plan.
#[wasm_bindgen]
pub fn plan(bytes: &[u8], validate: bool) -> Result<JsValue, JsValue> {
    host_core::plan(bytes, validate && cfg!(feature = "validate"))
        .map(|plan| to_js(&plan))
        .map_err(|err| to_js(&err))
}

/// Whether this build carries the validator, so JS can tell a trusted build from a full one.
#[wasm_bindgen(js_name = canValidate)]
pub fn can_validate() -> bool {
    cfg!(feature = "validate")
}

/// The component's world as WIT text.
#[cfg(feature = "wit")]
#[wasm_bindgen(js_name = printWit)]
pub fn print_wit(bytes: &[u8]) -> Result<String, JsValue> {
    host_core::wit::print(bytes).map_err(|err| to_js(&err))
}
