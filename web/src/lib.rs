//! The wasm-bindgen boundary: each function hands bytes to host-core and its answer back to JS.
//! No logic lives here. Answers cross as JSON text (one `JSON.parse` in JS); a refusal is thrown as
//! the JSON of `{kind, message, offset}`, which `js/load.js` turns into a `TerrariumError`.
//! With feature `wasi`, [`wasi`] exposes polyfill-wasi's virtual filesystem the same way.

#[cfg(any(feature = "planner", feature = "wit", feature = "module-features"))]
use host_core::json::ToJson;
use wasm_bindgen::prelude::*;

#[cfg(feature = "wasi")]
pub mod wasi;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Parses (and, in the validating build, validates) a component; returns its plan as JSON.
#[cfg(feature = "planner")]
#[wasm_bindgen]
pub fn plan(bytes: &[u8], validate: bool) -> Result<String, JsValue> {
    host_core::plan(bytes, validate && cfg!(feature = "validate"))
        .map(|plan| plan.to_json())
        .map_err(|err| JsValue::from_str(&err.to_json()))
}

/// The engine features core module `module` needs, its function bodies read, as a JSON list of
/// names. Too slow (and too big) for every load: JS asks only after the browser refused to compile the module.
#[cfg(feature = "module-features")]
#[wasm_bindgen(js_name = moduleFeatures)]
pub fn module_features(module: &[u8]) -> Result<String, JsValue> {
    host_core::parse::features::module_features(module)
        .map(|features| features.to_json())
        .map_err(|err| JsValue::from_str(&err.to_json()))
}

/// Whether this build carries the validator, so JS can tell a trusted build from a full one.
#[cfg(feature = "planner")]
#[wasm_bindgen(js_name = canValidate)]
pub fn can_validate() -> bool {
    cfg!(feature = "validate")
}

/// The component's world as WIT text.
#[cfg(feature = "wit")]
#[wasm_bindgen(js_name = printWit)]
pub fn print_wit(bytes: &[u8]) -> Result<String, JsValue> {
    host_core::wit::print(bytes).map_err(|err| JsValue::from_str(&err.to_json()))
}
