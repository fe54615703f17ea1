//! Reading and writing properties of plain JS objects (the worker's
//! messages).

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// `obj[key] = value` (cannot fail on a plain object).
pub fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &key.into(), value);
}

/// `obj[key]`, or `undefined`.
pub fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}
