//! Panics: the build aborts on panic (stable Rust has no unwinding on wasm32), so a panic ends
//! the call as a trap (`WebAssembly.RuntimeError`) that carries no text. The hook keeps the text
//! for the wrapper to read before it replaces the instance (plugin-wrapper/src/coreInstance.ts).

use wasm_bindgen::prelude::*;

/// The first panic's message and location, until taken.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Runs once when the module is instantiated.
#[wasm_bindgen(start)]
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // The first panic is the cause; a later one (cleanup on the trapped instance) is not.
        if let Ok(mut last) = LAST_PANIC.lock() {
            last.get_or_insert_with(|| info.to_string());
        }
    }));
}

/// A JavaScript callback (filter, global, skeleton reader) that called into this instance again
/// and trapped there (a `WebAssembly.RuntimeError`, or the wrapper's `internal_error` for it,
/// plugin-wrapper/src/coreInstance.ts `callCore`): the instance is no longer sound, so this call
/// traps too (with the first panic's text) instead of carrying on, and the wrapper replaces the
/// instance.
pub fn propagate_fault(error: &JsValue) {
    let code = js_sys::Reflect::get(error, &JsValue::from_str("code")).ok().and_then(|c| c.as_string());
    if error.is_instance_of::<js_sys::WebAssembly::RuntimeError>() || code.as_deref() == Some("internal_error") {
        let first = take_panic_message()
            .or_else(|| error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())))
            .unwrap_or_else(|| "a trap without a panic message".into());
        panic!("a callback called into Trellis' core, which failed: {first}");
    }
}

/// `takePanicMessage()`: the message and location of the panic that trapped the last call
/// (`panicked at src/…:line:column:\nmessage`), once; `undefined` when there was none.
#[wasm_bindgen(js_name = takePanicMessage)]
pub fn take_panic_message() -> Option<String> {
    LAST_PANIC.lock().ok().and_then(|mut last| last.take())
}

/// Test-only: panics with `message`, so tests can prove a panic reaches JavaScript as an
/// `Error` and the next call works. Not part of the API (hidden from the typed wrapper).
#[wasm_bindgen(js_name = __trellisPanicForTest)]
pub fn panic_for_test(message: &str) {
    panic!("{message}");
}
