//! The wasm exports, run under Node by wasm-bindgen-test-runner
//! (`cargo test --target wasm32-unknown-unknown --test wasm_node`).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
spec:
  parameters:
    - title: Basics
      required: [name]
      properties:
        name: {type: string, pattern: '^[a-z-]+$'}
        size: {type: string, default: small}
    - title: Extra
      when: ${{ parameters.size === 'large' }}
      properties:
        replicas: {type: integer, minimum: 2}
";

fn run(values: &str, options: &str) -> serde_json::Value {
    let out = trellis::wasm::validate_parameters(TEMPLATE, values, options, JsValue::UNDEFINED).expect("validates");
    serde_json::from_str(&out).expect("result is JSON")
}

fn property(error: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(error, &JsValue::from_str(key)).expect("property readable")
}

#[wasm_bindgen_test]
fn reports_every_error_with_field_messages() {
    let result = run(r#"{"name": "Bad Name", "size": "large", "replicas": 1}"#, "{}");
    assert_eq!(result["valid"], false);
    let messages: Vec<&str> =
        result["errors"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert_eq!(messages, ["name: must match ^[a-z-]+$", "replicas: must be greater than or equal to 2"]);
    assert_eq!(result["errors"][1]["page"], 1);
}

#[wasm_bindgen_test]
fn hidden_pages_strip_their_values_and_defaults_fill_in() {
    let result = run(r#"{"name": "ok", "replicas": 1}"#, r#"{"applyDefaults": true}"#);
    assert_eq!(result["valid"], true);
    assert_eq!(result["visiblePages"], serde_json::json!([true, false]));
    assert_eq!(result["values"], serde_json::json!({"name": "ok", "size": "small"}));
}

#[wasm_bindgen_test]
fn yaml_errors_become_js_errors_with_a_location() {
    let error = trellis::wasm::validate_parameters("spec: [1, 2\n", "{}", r#"{"path": "t.yaml"}"#, JsValue::UNDEFINED)
        .unwrap_err();
    assert_eq!(property(&error, "rule").as_string().as_deref(), Some("yaml-syntax"));
    assert_eq!(property(&error, "file").as_string().as_deref(), Some("t.yaml"));
    assert!(property(&error, "line").as_f64().is_some());
    let message = js_sys::Error::from(error).message().as_string().unwrap();
    assert!(message.starts_with("t.yaml:"), "{message}");
}

#[wasm_bindgen_test]
fn values_that_are_not_an_object_are_refused() {
    let error = trellis::wasm::validate_parameters(TEMPLATE, "[1]", "{}", JsValue::UNDEFINED).unwrap_err();
    assert_eq!(property(&error, "rule").as_string().as_deref(), Some("invalid-values"));
}

#[wasm_bindgen_test]
fn renders_step_inputs_with_a_prepared_context_and_returns_tagged_outcomes() {
    let context = trellis::wasm::prepare_context_json(r#"{"parameters": {"name": "svc", "port": 8080}}"#).unwrap();
    let renderer = trellis::wasm::Renderer::new(r#"{"compat": "backstage"}"#, JsValue::UNDEFINED, JsValue::UNDEFINED)
        .expect("options are valid");
    let out = renderer
        .render_input(r#"{"a": "${{ parameters.port }}", "b": "${{ nope }}", "c": "${{ x | nosuch }}"}"#, &context);
    assert_eq!(out, r#"j{"a":8080,"c":"${{ x | nosuch }}"}"#);
    let strict = trellis::wasm::Renderer::new("{}", JsValue::UNDEFINED, JsValue::UNDEFINED).unwrap();
    assert_eq!(strict.render_value("${{ parameters.name | upper }}", &context), "sSVC");
    assert_eq!(strict.render_value("${{ parameters.port }}", &context), "j8080");
    assert_eq!(strict.render_value("${{ parameters.missing }}", &context), "u");
    // A failure comes back as `e` + JSON with the location (render.ts makes the Error).
    let failure = strict.render_value("x ${{ parameters.name | nosuch }}", &context);
    let fields: serde_json::Value = serde_json::from_str(failure.strip_prefix('e').expect("a failure")).unwrap();
    assert_eq!(fields["code"], "evaluation_error");
    assert_eq!(fields["name"], "TrellisRenderError");
    assert_eq!(fields["column"], 25);
    let message = fields["message"].as_str().unwrap();
    assert!(message.contains("nosuch") && message.contains("column 25"), "{message}");
    // The instance keeps working after a failure.
    assert_eq!(strict.render_string("${{ parameters.name }}!", &context), "ssvc!");
}

#[wasm_bindgen_test]
fn skeletons_cross_as_bytes_and_fail_as_located_js_errors() {
    let mut builder = trellis::wasm::SkeletonBuilder::new();
    builder.add_directory("${{ values.name }}".into(), 0o755);
    builder.add_file("${{ values.name }}/a.txt".into(), b"\xef\xbb\xbfhi ${{ values.name }}\r\n".to_vec(), 0o600);
    builder.add_file("logo.png".into(), b"\x89PNG\r\n\x1a\n\x00${{ x }}".to_vec(), 0o644);
    builder.add_symlink("link".into(), "svc/a.txt".into());
    builder.add_file("{% if values.no %}opt{% endif %}".into(), Vec::new(), 0);
    let output = builder.render(r#"{"name": "svc"}"#, "{}", JsValue::UNDEFINED, JsValue::UNDEFINED).expect("renders");
    assert_eq!(output.count(), 4);
    assert_eq!((output.path(0), output.kind(0)), ("svc".to_string(), "directory".to_string()));
    assert_eq!((output.content(1), output.mode(1)), (b"\xef\xbb\xbfhi svc\r\n".to_vec(), 0o600));
    assert_eq!(output.content(2), b"\x89PNG\r\n\x1a\n\x00${{ x }}".to_vec());
    assert_eq!(output.link_target(3).as_deref(), Some("svc/a.txt"));
    let skipped: serde_json::Value = serde_json::from_str(&output.skipped_json()).unwrap();
    assert_eq!(skipped[0]["renderedPath"], "");

    let mut builder = trellis::wasm::SkeletonBuilder::new();
    builder.add_file("dir/f.txt".into(), b"ok\n${{ values.x | nosuch }}".to_vec(), 0o644);
    let error = builder.render("{}", "{}", JsValue::UNDEFINED, JsValue::UNDEFINED).err().expect("fails");
    assert_eq!(property(&error, "code"), JsValue::from_str("render_error"));
    assert_eq!(property(&error, "file"), JsValue::from_str("dir/f.txt"));
    assert_eq!(property(&error, "line"), JsValue::from(2));
    let mut builder = trellis::wasm::SkeletonBuilder::new();
    builder.add_file("x".into(), Vec::new(), 0);
    let error = builder
        .render(
            "{}",
            r#"{"templateFileExtension": true, "cookiecutterCompat": true}"#,
            JsValue::UNDEFINED,
            JsValue::UNDEFINED,
        )
        .err()
        .expect("refused");
    assert_eq!(property(&error, "code"), JsValue::from_str("invalid_option"));
    assert!(trellis::wasm::is_binary_file(b"\x00"));
}

/// A JavaScript skeleton reader over one file, `skeleton/a.txt`.
fn one_file_reader(content: &str) -> JsValue {
    let reader = js_sys::Object::new();
    let kind = js_sys::Function::new_with_args(
        "p",
        "return p === 'skeleton' ? 'dir' : p === 'skeleton/a.txt' ? 'file' : null",
    );
    let list = js_sys::Function::new_with_args("p", "return p === 'skeleton' ? [['a.txt', 'file']] : []");
    let read = js_sys::Function::new_with_args("p", &format!("return new TextEncoder().encode({content:?})"));
    for (name, function) in [("kind", kind), ("list", list), ("read", read)] {
        js_sys::Reflect::set(&reader, &JsValue::from_str(name), &function).unwrap();
    }
    reader.into()
}

const DRY_RUN_TEMPLATE: &str = "apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
spec:
  steps:
    - id: fetch
      action: fetch:template
      input: {url: ./skeleton, values: {name: svc}}
    - id: publish
      action: catalog:register
      input: {token: '${{ secrets.token }}'}
";

#[wasm_bindgen_test]
fn dry_runs_return_the_report_and_files_or_the_failing_step_as_a_js_error() {
    let options = r#"{"path": "template.yaml", "secrets": {"token": "s3cret"}}"#;
    let result = trellis::wasm::dry_run_template(DRY_RUN_TEMPLATE, options, one_file_reader("hi ${{ values.name }}"))
        .expect("runs");
    let report: serde_json::Value = serde_json::from_str(&property(&result, "report").as_string().unwrap()).unwrap();
    assert_eq!(report["steps"][1]["status"], "faked");
    assert_eq!(report["steps"][1]["input"]["token"], "***");
    let files = js_sys::Array::from(&property(&result, "files"));
    let file = files.get(0);
    assert_eq!(property(&file, "path").as_string().as_deref(), Some("a.txt"));
    assert_eq!(js_sys::Uint8Array::new(&property(&file, "content")).to_vec(), b"hi svc");
    assert!(property(&result, "error").is_undefined());

    let failed =
        trellis::wasm::dry_run_template(DRY_RUN_TEMPLATE, options, one_file_reader("${{ values.name | nope }}"))
            .expect("a failing step is a result");
    let error = property(&failed, "error");
    assert_eq!(property(&error, "file").as_string().as_deref(), Some("skeleton/a.txt"));
    assert_eq!(property(&error, "line").as_f64(), Some(1.0));

    let golden = js_sys::Array::new();
    let entry = js_sys::Object::new();
    js_sys::Reflect::set(&entry, &JsValue::from_str("path"), &JsValue::from_str("a.txt")).unwrap();
    js_sys::Reflect::set(&entry, &JsValue::from_str("content"), &JsValue::from_str("hi old\n")).unwrap();
    golden.push(&entry);
    let diff: serde_json::Value =
        serde_json::from_str(&trellis::wasm::compare_trees(golden.into(), files.into(), None).unwrap()).unwrap();
    assert_eq!(diff["changed"], serde_json::json!(["a.txt"]));
    assert!(diff["text"].as_str().unwrap().contains("-hi old\n+hi svc"), "{diff}");
}

/// Past 16 MiB the linear memory grows geometrically (src/heap.rs): 64 MiB allocated 64 KiB at a
/// time takes a handful of `memory.grow`s, where the allocator alone makes one per block, and V8
/// may copy the whole memory at each (which made checks of 100,000 steps quadratic).
#[wasm_bindgen_test]
fn memory_grows_geometrically() {
    use std::arch::wasm32::memory_size;
    let mut blocks = Vec::new();
    let mut grows_past_16_mib = 0;
    for _ in 0..1024 {
        let before = memory_size(0);
        blocks.push(vec![1u8; 64 * 1024]);
        if memory_size(0) != before && before * 64 * 1024 >= 16 * 1024 * 1024 {
            grows_past_16_mib += 1;
        }
    }
    assert!(memory_size(0) * 64 * 1024 >= 64 * 1024 * 1024);
    assert!(grows_past_16_mib <= 8, "{grows_past_16_mib} grows");
    drop(blocks);
}
