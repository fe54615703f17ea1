//! Reading properties of plain JS objects that `web-sys` does not type
//! (`webkitRelativePath` on a `File`).

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// `obj[key]`, or `undefined`.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}
