//! Values nested thousands of levels deep, values that would contain themselves and values
//! that share parts exponentially (issue #13 item 7): each ends in a located limit or
//! evaluation error, or renders, on a thread with a 256 KiB stack (a quarter of WebAssembly's
//! 1 MB), in bounded time. Before the fix, printing, dumping or just dropping a value built 50,000
//! levels deep overflowed the stack, `a.push(a)` then printing `a` recursed forever, and printing
//! `[x, x]` nested forty times did not finish.

use serde_json::json;
use trellis_engine::engine::eval::{ErrorKind, Extensions};
use trellis_engine::render::{
    render_input_text, render_native, render_string, render_value, Context, RenderError, RenderOptions,
};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(256 * 1024).spawn(f).expect("thread").join().expect("no panic")
}

fn render(source: String) -> Result<String, RenderError> {
    on_small_stack(move || {
        render_string(&source, &Context::default(), &RenderOptions::default(), &Extensions::default())
    })
}

/// `x` wrapped `levels` times in `wrap` (`[x]`, `{a: x}`, `[x.push]`…), then `tail`.
fn nested(levels: usize, wrap: &str, tail: &str) -> String {
    format!("{{% set x = [] %}}{{% for i in range({levels}) %}}{{% set x = {wrap} %}}{{% endfor %}}{tail}")
}

fn limit(outcome: Result<String, RenderError>) -> RenderError {
    let error = outcome.expect_err("a limit");
    assert_eq!(error.kind, ErrorKind::Limit, "{error}");
    error
}

#[test]
fn values_nested_fifty_thousand_deep_are_refused_where_they_are_walked() {
    for wrap in ["[x]", "{a: x}", "[1, {b: [x]}]"] {
        let printed = limit(render(nested(50_000, wrap, "${{ x }}")));
        assert_eq!(printed.message, "a value nests deeper than 256 levels", "{wrap}");
        assert_eq!(printed.column, 70 + wrap.len() as u32, "{wrap}: {printed}");
        let error = limit(render(nested(50_000, wrap, "${{ x | dump }}")));
        assert_eq!(error.message, "a value nests deeper than 256 levels", "{wrap}");
    }
    // Arrays are also walked to compare, join or flatten them (a record compares as "[object Object]").
    for tail in ["${{ x == 'a' }}", "${{ x | join }}", "${{ [x].flat(1000000) | length }}", "${{ x ~ '' }}"] {
        let error = limit(render(nested(50_000, "[x]", tail)));
        assert_eq!(error.message, "a value nests deeper than 256 levels", "{tail}");
    }
    for wrap in ["[x]", "{a: x}"] {
        // Not walked, so not refused; and dropped afterwards without recursion.
        assert_eq!(render(nested(50_000, wrap, "${{ x | length }}")).unwrap(), "1");
    }
    // Nested through functions held in arrays.
    assert_eq!(render(nested(50_000, "[x.push]", "done")).unwrap(), "done");
}

#[test]
fn values_within_the_bound_still_print_and_dump() {
    assert_eq!(render(nested(250, "[x]", "${{ x }}|${{ x | dump | length }}")).unwrap(), "|502");
    assert_eq!(render(nested(3, "[1, x]", "${{ x }}")).unwrap(), "1,1,1,");
}

#[test]
fn a_value_that_would_contain_itself_is_refused_at_the_call() {
    for (call, column) in [
        ("a.push(a)", 22),
        ("a.push([1, {k: a}])", 22),
        ("a.unshift([a])", 22),
        ("a.splice(0, 0, a)", 22),
        ("a.push(a.push)", 22),
    ] {
        let error = render(format!("{{% set a = [1] %}}${{{{ {call} }}}}${{{{ a }}}}")).expect_err(call);
        assert_eq!(error.kind, ErrorKind::Evaluation, "{call}");
        assert_eq!(error.message, "cyclic template values are not supported: the array would contain itself");
        assert_eq!((error.line, error.column), (1, column), "{call}");
    }
    // Sharing is not a cycle.
    assert_eq!(render("{% set a = [1] %}{% set b = [a, a] %}${{ b.push(a) }}${{ b }}".into()).unwrap(), "31,1,1");
}

#[test]
fn exponentially_shared_values_run_out_of_work_units_instead_of_hanging() {
    for tail in ["${{ x }}", "${{ x | dump | length }}", "${{ x == 'a' }}", "${{ x | join | length }}"] {
        let error = limit(render(nested(40, "[x, x]", tail)));
        assert_eq!(error.message, "the template needs more than 1000000 work units", "{tail}");
    }
}

#[test]
fn values_leaving_a_render_are_walked_whole() {
    let source = nested(1_000, "[x]", "${{ x }}");
    let value = on_small_stack(move || {
        render_value(&source, &Context::default(), &RenderOptions::default(), &Extensions::default())
    });
    assert_eq!(value.unwrap_err().message, "a value nests deeper than 256 levels");
    let source = nested(1_000, "[x]", "${{ x }}");
    let native = on_small_stack(move || {
        render_native(&source, &Context::default(), &RenderOptions::default(), &Extensions::default()).map(|_| ())
    });
    assert_eq!(native.unwrap_err().message, "a value nests deeper than 256 levels");
}

#[test]
fn json_deeper_than_the_reader_goes_is_a_clear_error() {
    let deep = format!("{{\"v\": {}1{}}}", "[".repeat(5_000), "]".repeat(5_000));
    let context = on_small_stack({
        let deep = deep.clone();
        move || Context::from_json_text(&deep).map(|_| ())
    });
    assert_eq!(
        context.unwrap_err(),
        "the context nests deeper than 128 levels (at line 1, column 133 of its JSON text)"
    );
    let input = on_small_stack(move || {
        render_input_text(&deep, &Context::default(), &RenderOptions::default(), &Extensions::default())
    });
    let error = input.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Limit);
    assert_eq!(error.message, "the input nests deeper than 128 levels (at line 1, column 133 of its JSON text)");
    // Within the bound, as before.
    let shallow = json!({"v": [[[[1]]]]}).to_string();
    assert!(Context::from_json_text(&shallow).is_ok());
}
