use serde_json::json;

use super::*;
use crate::engine::backstage;

fn ctx(json: Json) -> Context {
    Context::from_json(&json)
}

fn text(source: &str, context: Json) -> String {
    render_string(source, &ctx(context), &RenderOptions::default(), &Extensions::default()).unwrap()
}

fn value(source: &str, context: Json) -> Option<Json> {
    render_value(
        source,
        &ctx(context),
        &RenderOptions::default(),
        &backstage::extensions(backstage::default_integrations()),
    )
    .unwrap()
}

#[test]
fn output_prints_like_javascript() {
    let c = json!({"t": true, "n": null, "a": ["a", "b", null], "o": {"k": 1}, "f": 3.0, "x": 0.5});
    assert_eq!(
        text("${{ t }}|${{ n }}|${{ missing }}|${{ a }}|${{ o }}|${{ f }}|${{ x }}", c),
        "true|||a,b,|[object Object]|3|0.5"
    );
    assert_eq!(text("${{ 1 + '1' }} ${{ 7 // 2 }} ${{ 2 ** 10 }} ${{ -7 % 3 }}", json!({})), "11 3 1024 -1");
    assert_eq!(text("${{ missing.deep.er }}", json!({})), "");
    assert_eq!(text("keep\n", json!({})), "keep\n");
}

#[test]
fn statements_follow_nunjucks_scoping() {
    let source = "{% set n = 0 %}{% for x in xs %}{% set n = n + x %}{{ loop.index }}{% endfor %}:{{ n }}";
    let options = RenderOptions { cookiecutter_compat: true, ..Default::default() };
    let out = render_string(source, &ctx(json!({"xs": [1, 2, 3]})), &options, &Extensions::default()).unwrap();
    assert_eq!(out, "123:6");
    assert_eq!(
        text("{% macro m(a, b='x') %}[${{ a }}${{ b }}]{% endmacro %}${{ m(1) }}${{ m(2, b='y') }}", json!({})),
        "[1x][2y]"
    );
    assert_eq!(text("{% for k, v in o %}${{ k }}=${{ v }};{% else %}none{% endfor %}", json!({"o": {"a": 1}})), "a=1;");
    assert_eq!(text("{% for x in [] %}x{% else %}none{% endfor %}", json!({})), "none");
    assert_eq!(text("${{ 'yes' if false }}|${{ name | upper | replace('A', 'o') }}", json!({"name": "abc"})), "|oBC");
}

#[test]
fn values_keep_their_type() {
    let c = json!({"n": 3, "s": "42", "list": [1, 2], "name": "svc"});
    assert_eq!(value("${{ n }}", c.clone()), Some(json!(3)));
    assert_eq!(value("${{ s }}", c.clone()), Some(json!("42")));
    assert_eq!(value("${{ list }}", c.clone()), Some(json!([1, 2])));
    assert_eq!(value("${{ missing }}", c.clone()), None);
    assert_eq!(value("x${{ n }}", c.clone()), Some(json!("x3")));
    assert_eq!(value("{% if true %}[${{ n }},2]{% endif %}", c.clone()), Some(json!([3, 2])));
    assert_eq!(value("{% if true %}hello ${{ name }}{% endif %}", c.clone()), Some(json!("hello svc")));
    assert_eq!(value("{% if false %}x{% endif %}", c.clone()), None);
    assert_eq!(value("42", c.clone()), Some(json!("42")));
    assert_eq!(
        value("${{ 'github.com?owner=o&repo=r' | parseRepoUrl }}", c),
        Some(json!({"host": "github.com", "owner": "o", "repo": "r"}))
    );
}

#[test]
fn errors_are_located_and_compat_keeps_raw_strings() {
    let error =
        render_value("ok ${{ x | nosuch }}", &ctx(json!({})), &RenderOptions::default(), &Extensions::default())
            .unwrap_err();
    assert_eq!((error.line, error.column), (1, 12), "points at the filter name");
    assert!(error.message.contains("nosuch"), "{}", error.message);
    let input = json!({"a": "${{ x | nosuch }}", "b": "${{ missing }}", "c": ["${{ 1 }}"]});
    let strict = render_input(&input, &ctx(json!({})), &RenderOptions::default(), &Extensions::default()).unwrap_err();
    assert_eq!(strict.pointer.as_deref(), Some("/a"));
    let compat = RenderOptions { backstage_compat: true, ..Default::default() };
    let rendered = render_input(&input, &ctx(json!({})), &compat, &Extensions::default()).unwrap();
    assert_eq!(rendered, Some(json!({"a": "${{ x | nosuch }}", "c": [1]})));
}

#[test]
fn text_built_by_repetition_is_refused_before_it_is_allocated() {
    // Each would ask for about 40 GB: replace with a long replacement, `$'` in a regex
    // replacement, join with a long separator, a method replacement, concat.
    let long = "a".repeat(200_000);
    let context = json!({"s": long});
    let options =
        RenderOptions { limits: Limits { scratch_bytes: 1 << 20, ..Limits::default() }, ..Default::default() };
    for source in [
        "${{ s | replace('a', s) | length }}",
        "${{ s | replace(r/a/g, \"$'\") | length }}",
        "${{ s.replace(r/a/g, \"$`\") | length }}",
        "${{ s.split('') | join(s) | length }}",
        "${{ s.split('').join(s) | length }}",
        "${{ s | replace('', s) | length }}",
        "${{ s.concat(s, s, s, s, s, s) | length }}",
    ] {
        let error = render_string(source, &ctx(context.clone()), &options, &Extensions::default()).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Limit, "{source}: {}", error.message);
        assert!(error.message.contains("larger than 1048576 bytes"), "{source}: {}", error.message);
    }
    assert_eq!(
        text("${{ 'abcb' | replace('b', 'xy') }}|${{ 'abc'.replace(r/b/, \"[$'$`$&]\") }}", json!({})),
        "axycxy|a[cab]c"
    );
}

#[test]
fn limits_stop_runaway_templates() {
    let options = RenderOptions { limits: Limits { work_units: 10_000, ..Limits::default() }, ..Default::default() };
    let error = render_string(
        "{% for i in range(1000000000) %}x{% endfor %}",
        &ctx(json!({})),
        &options,
        &Extensions::default(),
    )
    .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit);
    let error =
        render_string("${{ x.constructor }}", &ctx(json!({"x": {}})), &options, &Extensions::default()).unwrap_err();
    assert!(error.message.contains("reserved"));
}

#[test]
fn step_inputs_render_leaf_by_leaf() {
    let context = ctx(json!({"n": 3, "name": "svc", "list": [1, {"a": null}], "nan": "x"}));
    let input = json!({
        "a": "${{ n }}", "b": "${{ missing }}", "c": ["${{ missing }}", "${{ list }}", 2.5, true, null],
        "d": {"e": "x-${{ name }}", "f": "{% if true %}[${{ n }},2]{% endif %}"}, "g": "${{ nan * 2 }}",
        "h": "plain", "i": "${{ {k: undefined, j: 1} }}"
    });
    let options = RenderOptions::default();
    let ext = Extensions::default();
    let expected = json!({
        "a": 3, "c": [null, [1, {"a": null}], 2.5, true, null], "d": {"e": "x-svc", "f": [3, 2]},
        "g": null, "h": "plain", "i": {"j": 1}
    });
    assert_eq!(render_input(&input, &context, &options, &ext).unwrap(), Some(expected.clone()));
    let text = render_input_text(&input.to_string(), &context, &options, &ext).unwrap().unwrap();
    assert_eq!(text, expected.to_string());
    assert_eq!(render_input_text("\"${{ missing }}\"", &context, &options, &ext).unwrap(), None);
}

#[test]
fn deep_nesting_is_refused_before_the_stack_runs_out() {
    // Unoptimised test builds use far bigger frames than the release wasm; give them room.
    std::thread::Builder::new().stack_size(64 << 20).spawn(deep_nesting).unwrap().join().unwrap();
}

fn deep_nesting() {
    let deep = |open: &str, inner: &str, close: &str, n: usize| {
        format!("${{{{ {}{}{} }}}}", open.repeat(n), inner, close.repeat(n))
    };
    for source in [deep("[", "", "]", 10000), deep("(", "1", ")", 10000), deep("not ", "x", "", 10000)] {
        let error =
            render_value(&source, &ctx(json!({})), &RenderOptions::default(), &Extensions::default()).unwrap_err();
        assert!(error.message.contains("nests deeper than 200"), "{}", error.message);
    }
    let fine = deep("[", "1", "]", 150);
    assert!(render_value(&fine, &ctx(json!({})), &RenderOptions::default(), &Extensions::default()).is_ok());
}

/// The message of the error `source` fails with, under Backstage's filters.
fn error_message(source: &str, context: Json, options: &RenderOptions) -> String {
    let extensions = backstage::extensions(backstage::default_integrations());
    render_string(source, &ctx(context), options, &extensions).unwrap_err().message
}

#[test]
fn secrets_never_appear_in_error_messages() {
    let secret = "ghp_S3cretT0ken";
    let context = json!({"secrets": {"token": secret}, "parameters": {"name": "demo", "other": "tok-from-options"}});
    let options = RenderOptions { strict: true, secrets: vec!["tok-from-options".into()], ..Default::default() };
    // Backstage's own messages quote their input: the secret, and what templates turn it into.
    for source in [
        "${{ secrets.token | parseEntityRef }}",
        "${{ secrets.token | reverse | parseEntityRef }}",
        "${{ secrets.token | upper | parseEntityRef }}",
        "${{ secrets.token | urlencode | parseEntityRef }}",
        "${{ ('x:' + secrets.token + '/') | parseRepoUrl }}",
        "${{ parameters.other | parseEntityRef }}",
    ] {
        let message = error_message(&format!(": {source}"), context.clone(), &options);
        assert!(message.contains("Entity reference") || message.contains("host x:"), "{source}: {message}");
        for leaked in [secret, "nek0Tterc3S_phg", "GHP_S3CRETT0KEN", "tok-from-options"] {
            assert!(!message.contains(leaked), "{source} leaked: {message}");
        }
        assert!(message.contains(secrets::REDACTED), "{source}: {message}");
    }
    // The engine's own messages never quote a computed value, whatever it was derived from.
    for source in ["${{ parameters[secrets.token[1:]] }}", "${{ parameters[secrets.token].x }}"] {
        let message = error_message(source, context.clone(), &options);
        assert!(message.contains("computed property name"), "{source}: {message}");
        assert!(!message.contains("S3cret"), "{source} leaked: {message}");
    }
}

#[test]
fn set_value_changes_an_unshared_context_in_place_like_with_value() {
    let mut context = ctx(json!({"steps": {}, "parameters": {"a": 1}}));
    let mut expected = ctx(json!({"steps": {}, "parameters": {"a": 1}}));
    for (id, output) in [("b", json!({"x": 1})), ("2", json!([1])), ("a", json!(null)), ("1", json!("y"))] {
        expected = expected.with_value(&["steps", id], &json!({ "output": output }));
        assert!(context.set_value(&["steps", id], &json!({ "output": output })), "the steps record is not shared");
    }
    let read = |c: &Context| {
        render_string("${{ steps | dump }}", c, &RenderOptions::default(), &Extensions::default()).unwrap()
    };
    assert_eq!(read(&context), read(&expected));
    assert_eq!(read(&context), r#"{"1":{"output":"y"},"2":{"output":[1]},"b":{"output":{"x":1}},"a":{"output":null}}"#);
    // A context sharing the record (a clone) is left as it was.
    let before = context.clone();
    assert!(!context.set_value(&["steps", "c"], &json!({})));
    assert_ne!(read(&context), read(&before));
}

#[test]
fn batch_pads_only_with_a_truthy_fill_as_nunjitsu_does() {
    assert_eq!(text("${{ [1, 2, 3] | batch(2, 0) | dump }}", json!({})), "[[1,2],[3]]");
    assert_eq!(text("${{ [1, 2, 3] | batch(2, '') | dump }}", json!({})), "[[1,2],[3]]");
    assert_eq!(text("${{ [1, 2, 3] | batch(2, 'x') | dump }}", json!({})), "[[1,2],[3,\"x\"]]");
}
