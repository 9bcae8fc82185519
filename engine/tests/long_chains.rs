//! Flat chains thousands of operators long (`1 + 1 + …`, `x | string | …`, `x.a.a…`) are parsed,
//! analysed, evaluated and dropped without recursion per operand (issue #13 item 3): each
//! chain runs on a thread with a 256 KiB stack, a quarter of WebAssembly's 1 MB (which has no
//! guard page), and ends in a result or a located error. Before the fix, each of these
//! overflowed the stack (parsing `-+-+…` and `not a + b + …`, dropping the tree, `refs`).
//! Genuine nesting (parentheses, tags) still recurses and is refused past the parser's bound.

use serde_json::json;
use trellis_engine::engine::eval::{ErrorKind, Extensions};
use trellis_engine::engine::{parse, refs, ParseOptions};
use trellis_engine::render::{render_string, Context, RenderError, RenderOptions};

/// Runs `f` on a thread with a 256 KiB stack; a stack overflow aborts the test binary.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    on_stack(256 * 1024, f)
}

fn on_stack<T: Send + 'static>(bytes: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(bytes).spawn(f).expect("thread").join().expect("no panic")
}

/// Parses, analyses and renders `source` (which must parse), dropping everything.
fn render(source: String) -> Result<String, RenderError> {
    on_small_stack(move || {
        let template = parse(&source, &ParseOptions::default()).expect("parses");
        let analysis = refs::analyze(&template);
        drop(template);
        drop(analysis);
        let context = Context::from_json(&json!({"x": {"a": 1}, "f": 1}));
        render_string(&source, &context, &RenderOptions::default(), &Extensions::default())
    })
}

fn joined(operand: &str, operator: &str, count: usize) -> String {
    format!("${{{{ {} }}}}", vec![operand; count].join(operator))
}

/// The evaluation limit Nunjitsu also applies (512 nested evaluations), at the chain's start.
fn assert_nesting_limit(outcome: Result<String, RenderError>, column: u32) {
    let error = outcome.expect_err("past the nesting limit");
    assert_eq!(error.kind, ErrorKind::Limit, "{error}");
    assert_eq!(error.message, "the template nests deeper than 512 levels");
    assert_eq!((error.line, error.column), (1, column), "{error}");
}

#[test]
fn binary_operator_chains_of_twelve_thousand_terms() {
    for operator in [" + ", " - ", " * ", " / ", " % ", " // ", " ** ", " ~ ", " and ", " or ", " in "] {
        assert_nesting_limit(render(joined("1", operator, 12_000)), 5);
    }
    // `not` moves onto the leftmost operand of the whole chain.
    assert_nesting_limit(render(format!("${{{{ not {} }}}}", vec!["1"; 12_000].join(" + "))), 5);
}

#[test]
fn filter_member_index_and_call_chains_of_thirty_thousand() {
    assert_nesting_limit(render(format!("${{{{ 1{} }}}}", " | string".repeat(30_000))), 5);
    assert_nesting_limit(render(format!("${{{{ x{} }}}}", ".a".repeat(30_000))), 5);
    assert_nesting_limit(render(format!("${{{{ x{} }}}}", "[0]".repeat(30_000))), 5);
    assert_nesting_limit(render(format!("${{{{ f{} }}}}", "()".repeat(30_000))), 5);
    // Each prefix starts its own node: the limit is hit at the 513th.
    assert_nesting_limit(render(format!("${{{{ {}1 }}}}", "-+".repeat(15_000))), 515);
}

#[test]
fn comparison_chains_are_flat_and_render() {
    assert_eq!(render(joined("1", " < ", 30_000)).unwrap(), "false");
    assert_eq!(render(joined("1", " == ", 30_000)).unwrap(), "true");
}

#[test]
fn chains_within_the_nesting_limit_still_render() {
    assert_eq!(render(joined("1", " + ", 400)).unwrap(), "400");
    assert_eq!(render(format!("${{{{ 'ab'{} }}}}", " | upper | lower".repeat(100))).unwrap(), "ab");
    // `(not 0) + 0 + …`: true + 0 + … is 1.
    assert_eq!(render(format!("${{{{ not {} }}}}", vec!["0"; 300].join(" + "))).unwrap(), "1");
}

#[test]
fn genuine_nesting_is_refused_at_parse_time_with_a_location() {
    for source in [
        format!("${{{{ {}1{} }}}}", "(".repeat(30_000), ")".repeat(30_000)),
        format!("${{{{ {}1 }}}}", "not ".repeat(30_000)),
        format!("${{{{ {}1{} }}}}", "[".repeat(30_000), "]".repeat(30_000)),
        format!("${{{{ {}1{} }}}}", "f(".repeat(30_000), ")".repeat(30_000)),
        format!("{}x{}", "{% if 1 %}".repeat(30_000), "{% endif %}".repeat(30_000)),
    ] {
        // 200 levels of recursive descent need more stack in a debug build than in release wasm.
        let error = on_stack(8 << 20, move || parse(&source, &ParseOptions::default()).expect_err("too deep"));
        assert_eq!(error.message, "the template nests deeper than 200 levels");
    }
}

#[test]
fn references_of_a_long_member_chain_are_one_path() {
    let source = format!("${{{{ parameters{} }}}}", ".a".repeat(30_000));
    let references = on_small_stack(move || {
        let template = parse(&source, &ParseOptions::default()).expect("parses");
        refs::references(&template)
    });
    assert_eq!(references.len(), 1);
    assert_eq!(references[0].root, "parameters");
    assert_eq!(references[0].path.len(), 30_000);
}
