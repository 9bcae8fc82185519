use super::ast::*;
use super::*;

fn parse_ok(source: &str) -> Template {
    parse(source, &ParseOptions::default()).unwrap_or_else(|e| panic!("{source:?}: {e:?}"))
}

fn output_expr(source: &str) -> Expr {
    match &parse_ok(source).body[0].kind {
        NodeKind::Output(expr) => expr.clone(),
        other => panic!("not an output: {other:?}"),
    }
}

/// A compact rendering of an expression tree, to assert shapes.
fn shape(expr: &Expr) -> String {
    match &expr.kind {
        ExprKind::Literal(Literal::Number(n)) => crate::jsfmt::number(*n),
        ExprKind::Literal(Literal::Str(s)) => format!("{s:?}"),
        ExprKind::Literal(other) => format!("{other:?}"),
        ExprKind::Name(n) => n.clone(),
        ExprKind::Binary { op, left, right } => format!("({} {op:?} {})", shape(left), shape(right)),
        ExprKind::Compare { first, rest } => {
            let mut out = shape(first);
            for (op, e) in rest {
                out.push_str(&format!(" {op:?} {}", shape(e)));
            }
            format!("[{out}]")
        }
        ExprKind::Unary { op, operand } => format!("{op:?}({})", shape(operand)),
        ExprKind::Filter { value, name, .. } => format!("{}|{name}", shape(value)),
        ExprKind::Attr { object, name } => format!("{}.{name}", shape(object)),
        ExprKind::Index { object, index } => format!("{}[{}]", shape(object), shape(index)),
        ExprKind::InlineIf { cond, then, otherwise } => {
            format!("({} if {} else {})", shape(then), shape(cond), otherwise.as_ref().map_or("-".into(), |o| shape(o)))
        }
        ExprKind::Test { value, test, negated } => {
            let name = test.as_test_call().map_or("?", |(name, _)| name);
            format!("({} is{} {name})", shape(value), if *negated { " not" } else { "" })
        }
        other => format!("{other:?}"),
    }
}

#[test]
fn operators_group_as_the_compiled_javascript_does() {
    // `+ - ~` share one level, left to right: `1 ~ 2 + 3` is "123".
    assert_eq!(shape(&output_expr("${{ a + b - c }}")), "((a Add b) Sub c)");
    assert_eq!(shape(&output_expr("${{ a ~ b + 1 }}")), "((a Concat b) Add 1)");
    assert_eq!(shape(&output_expr("${{ a * b / c }}")), "((a Mul b) Div c)");
    // `//` floors its whole run; `not` applies to the leftmost operand of arithmetic.
    assert_eq!(shape(&output_expr("${{ a % b // c }}")), "Floor(((a Mod b) Div c))");
    assert_eq!(shape(&output_expr("${{ not a + b }}")), "(Not(a) Add b)");
}

#[test]
fn filters_bind_tighter_than_operators_but_not_unary_minus() {
    assert_eq!(shape(&output_expr("${{ x + y | upper }}")), "(x Add y|upper)");
    assert_eq!(shape(&output_expr("${{ -x | abs }}")), "Neg(x)|abs");
    assert_eq!(shape(&output_expr("${{ a.b['c'] | default('d') }}")), "a.b[\"c\"]|default");
}

#[test]
fn comparisons_chain_and_inline_if_is_loosest() {
    assert_eq!(shape(&output_expr("${{ 1 < x <= 3 }}")), "[1 Lt x Le 3]");
    assert_eq!(shape(&output_expr("${{ a if b === 'x' }}")), "(a if [b StrictEq \"x\"] else -)");
    assert_eq!(shape(&output_expr("${{ not a and b or c }}")), "((Not(a) And b) Or c)");
    assert_eq!(shape(&output_expr("${{ x is not defined }}")), "(x is not defined)");
    assert_eq!(shape(&output_expr("${{ 'a' not in xs }}")), "(\"a\" NotIn xs)");
}

#[test]
fn regex_literals_and_object_literals() {
    match &output_expr("${{ r/a+b/gi }}").kind {
        ExprKind::Regex { pattern, flags } => assert_eq!((pattern.as_str(), flags.as_str()), ("a+b", "gi")),
        other => panic!("{other:?}"),
    }
    match &output_expr("${{ {a: 1, 'b': [2, 3]} }}").kind {
        ExprKind::Object(pairs) => assert_eq!(pairs.len(), 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn blocks_nest_and_close() {
    let t = parse_ok(
        "{% for k, v in obj %}{% if v %}${{ k }}{% elseif x %}y{% else %}n{% endif %}{% else %}empty{% endfor %}",
    );
    match &t.body[0].kind {
        NodeKind::For { targets, otherwise, body, .. } => {
            assert_eq!(targets, &["k", "v"]);
            assert!(otherwise.is_some());
            assert!(matches!(&body[0].kind, NodeKind::If { branches, otherwise: Some(_) } if branches.len() == 2));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn raw_bodies_and_plain_braces_are_text() {
    let t = parse_ok("{% raw %}${{ github.sha }}{% endraw %} and {{ not_ours }}");
    let texts: Vec<_> = t
        .body
        .iter()
        .map(|n| match &n.kind {
            NodeKind::Data(d) => d.clone(),
            _ => "?".into(),
        })
        .collect();
    assert_eq!(texts, ["${{ github.sha }}", " and {{ not_ours }}"]);
}

#[test]
fn whitespace_control_strips_around_tags() {
    let t = parse_ok("a  \n{%- if true -%}\n  b\n{%- endif %}");
    let texts: Vec<_> = t
        .body
        .iter()
        .filter_map(|n| match &n.kind {
            NodeKind::Data(d) => Some(d.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["a"]);
}

#[test]
fn syntax_errors_point_at_the_offending_token() {
    let source = "line one\n${{ parameters.a && parameters.b }}";
    let error = parse(source, &ParseOptions::default()).unwrap_err();
    let span = error.locate(source);
    assert_eq!((span.line, span.column, span.end_column), (2, 18, 20), "{error:?}");
    assert_eq!(error.message, "`&&` is JavaScript, not Nunjucks: write `and`");

    let error = parse("{% if x %}open", &ParseOptions::default()).unwrap_err();
    assert!(error.message.contains("never closed"), "{}", error.message);
    assert_eq!(error.start, 0);

    let error = parse("{% include 'x' %}", &ParseOptions::default()).unwrap_err();
    assert!(error.message.contains("not supported"), "{}", error.message);
}

#[test]
fn an_opener_never_closed_is_the_error_not_the_prose_after_it() {
    // `${{` left open: the `'` of "don't" two lines down is no string the author wrote.
    let source = "see **${{ steps.a.output.path**\n\n- files that don't exist\n";
    let error = parse(source, &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unclosed expression: expected `}}`");
    assert_eq!((error.start, error.end), (6, source.len()));
    // Left open before the next expression: the finding is at the first, up to the second.
    let source = "a: ${{ x\nb: ${{ y }}";
    let error = parse(source, &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unclosed expression: expected `}}`");
    assert_eq!((error.start, error.end), (3, 12));
    // Prose after it that trips the lexer (the backtick) before the next expression: the same.
    let source = "**${{ a**\n\n- **Repo:** `${{ b }}`";
    let error = parse(source, &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unclosed expression: expected `}}`");
    assert_eq!((error.start, error.end), (2, 24));
    let error = parse("${{ a & b }} ${{ c }}", &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unexpected character `&`", "closed before the next opener");
    let error = parse("{% if x == 'a\n%}", &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unterminated string", "a `%}}` follows: the quote is the likelier mistake");
    let error = parse("{% if x == 'a }}", &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unclosed tag: expected `%}`");
    let error = parse("${{ 'a }}", &ParseOptions::default()).unwrap_err();
    assert_eq!(error.message, "unterminated string", "the `}}}}` is inside the string");
}

fn syntax_error(source: &str) -> String {
    parse(source, &ParseOptions::default()).map(|_| String::new()).unwrap_or_else(|e| e.message)
}

#[test]
fn nunjitsu_rules_found_by_the_differential_test() {
    // Accepted.
    for ok in [
        "{% block b %}x{% endblock %}{% block c %}y{% endblock c %}",
        "{% set x, y %}a{% endset %}",
        "${{ 1. }}${{ x.1y }}${{ x is number | upper }}${{ x is (number) }}",
        "{% raw %}A{%- raw -%}B{% endraw %}",
        "${{ +-1 }}${{ 1 - -1 }}${{ r/a+/gi }}",
    ] {
        assert_eq!(syntax_error(ok), "", "{ok}");
    }
    // Refused, with the reason.
    for (bad, reason) in [
        ("${{ x.prototype }}", "reserved"),
        ("${{ x['__proto__'] }}", "reserved"),
        ("${{ {constructor: 1} }}", "reserved"),
        ("a #} b", "comment end"),
        ("${{ f(1,) }}", "expected a value"),
        ("${{ [1, 2,] }}", "expected a value"),
        ("${{ {a: 1,} }}", "record key"),
        ("${{ 1.x }}", "invalid numeric literal"),
        ("${{ $x }}", "unexpected character `$`"),
        ("${{ --1 }}", "repeated unary"),
        ("${{ r/a/x }}", "unsupported regular-expression flag `x`"),
        ("${{ r/a/gg }}", "duplicate regular-expression flag"),
        ("${{ r/[/ }}", "invalid regular expression"),
        ("{% raw %}x{%- endraw %}", "unclosed"),
        ("{% set v %}{% macro m() %}{% endmacro %}{% endset %}", "macros cannot be declared"),
        ("{% block b %}x{% endblock c %}", "does not match"),
        ("{% block b %}{% endblock %}{% block b %}{% endblock %}", "declared twice"),
    ] {
        let message = syntax_error(bad);
        assert!(message.contains(reason), "{bad}: {message:?} should mention {reason:?}");
    }
}
