//! The syntax tree of a template. Every node keeps its byte range in the source.

/// Byte range `start..end` in the template source.
pub type Range = (usize, usize);

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub range: Range,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Number(f64),
    Bool(bool),
    /// `none` / `null`.
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
    Pos,
    /// `Math.floor` over a run of multiplications ending in `//`.
    Floor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    In,
    NotIn,
    Concat,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    StrictEq,
    Ne,
    StrictNe,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Call arguments: positional, then `name=value` pairs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Args {
    pub positional: Vec<Expr>,
    pub keyword: Vec<(String, Expr)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Regex {
        pattern: String,
        flags: String,
    },
    Name(String),
    Array(Vec<Expr>),
    /// `(a, b)`: every item is evaluated, the last is the value (JavaScript's comma operator).
    Group(Vec<Expr>),
    /// Keys are expressions: a bare name or a string literal is the key itself.
    Object(Vec<(Expr, Expr)>),
    /// `a.b`
    Attr {
        object: Box<Expr>,
        name: String,
    },
    /// `a[b]`
    Index {
        object: Box<Expr>,
        index: Box<Expr>,
    },
    /// `a[start:stop:step]`
    Slice {
        object: Box<Expr>,
        start: Option<Box<Expr>>,
        stop: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Call {
        callee: Box<Expr>,
        args: Args,
    },
    /// `value | name(args)`
    Filter {
        value: Box<Expr>,
        name: String,
        name_range: Range,
        args: Args,
    },
    /// `value is [not] test`: the test is a name, a call of a name, or (an evaluation error)
    /// any other expression, as Nunjucks parses it.
    Test {
        value: Box<Expr>,
        test: Box<Expr>,
        negated: bool,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a < b <= c`: the first operand, then each operator with its right side.
    Compare {
        first: Box<Expr>,
        rest: Vec<(CompareOp, Expr)>,
    },
    /// `then if cond else otherwise` (`otherwise` absent: renders "").
    InlineIf {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Option<Box<Expr>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub range: Range,
}

/// A macro parameter: name and optional default.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// Literal text.
    Data(String),
    /// `${{ expr }}`
    Output(Expr),
    If {
        branches: Vec<(Expr, Vec<Node>)>,
        otherwise: Option<Vec<Node>>,
    },
    For {
        targets: Vec<String>,
        iterable: Expr,
        body: Vec<Node>,
        otherwise: Option<Vec<Node>>,
    },
    Set {
        targets: Vec<String>,
        value: Expr,
    },
    /// `{% set x %}…{% endset %}` (every target gets the captured text)
    SetBlock {
        targets: Vec<String>,
        body: Vec<Node>,
    },
    /// `{% block name %}…{% endblock %}`: renders its body in place (no inheritance here).
    Block {
        name: String,
        body: Vec<Node>,
    },
    Macro {
        name: String,
        params: Vec<Param>,
        body: Vec<Node>,
    },
    /// `{% call(params) macro(args) %}body{% endcall %}`
    CallBlock {
        caller_params: Vec<Param>,
        call: Expr,
        body: Vec<Node>,
    },
    /// `{% filter name(args) %}body{% endfilter %}`
    FilterBlock {
        name: String,
        args: Args,
        body: Vec<Node>,
    },
    Switch {
        subject: Expr,
        cases: Vec<(Expr, Vec<Node>)>,
        default: Option<Vec<Node>>,
    },
}

/// Flat chains (`a + b + c`, `x | f | g`, `a.b.c`, `f()()`) are trees as deep as they are long:
/// each node holds the chain before it as its [`Expr::chain_operand`]. Everything that walks a
/// tree (evaluation, `refs`, dropping it) follows that operand in a loop, never by recursion, so a
/// chain of any length fits WebAssembly's 1 MB stack. Other children are reached by recursion:
/// they nest only through brackets, arguments and `not`, which the parser bounds
/// (`parser::MAX_NESTING`), or through the fixed levels of operator precedence.
impl Drop for Expr {
    fn drop(&mut self) {
        // Each chain operand is taken out of its node before the node is dropped, so no drop
        // reaches the next one.
        let mut next = self.take_chain_operand();
        while let Some(mut expr) = next {
            next = expr.take_chain_operand();
        }
    }
}

/// The kinds that have a chain operand, binding it to `$operand`: the one list of them.
macro_rules! with_chain_operand {
    ($operand:ident) => {
        ExprKind::Binary { left: $operand, .. }
            | ExprKind::Compare { first: $operand, .. }
            | ExprKind::Filter { value: $operand, .. }
            | ExprKind::Attr { object: $operand, .. }
            | ExprKind::Index { object: $operand, .. }
            | ExprKind::Slice { object: $operand, .. }
            | ExprKind::Call { callee: $operand, .. }
            | ExprKind::Unary { operand: $operand, .. }
    };
}
pub(crate) use with_chain_operand;

impl Expr {
    /// The operand a chain continues through: the left side of an operator, the value of a
    /// filter, the object of a lookup, the callee of a call, the operand of a unary operator.
    /// It is evaluated first, before anything else the node holds, so evaluation can walk a
    /// chain down in a loop and apply the operators on the way back up.
    pub(crate) fn chain_operand(&self) -> Option<&Expr> {
        match &self.kind {
            with_chain_operand!(operand) => Some(operand),
            _ => None,
        }
    }

    /// Moves the chain operand out (a `null` literal takes its place).
    fn take_chain_operand(&mut self) -> Option<Expr> {
        let with_chain_operand!(operand) = &mut self.kind else { return None };
        let placeholder = Expr { kind: ExprKind::Literal(Literal::Null), range: operand.range };
        Some(std::mem::replace(&mut **operand, placeholder))
    }

    /// Calls `f` with this expression and every expression inside it, parents before children
    /// and children in source order (object keys excluded), without recursion.
    pub fn walk<'a>(&'a self, mut f: impl FnMut(&'a Expr)) {
        let mut pending = vec![self];
        let mut children = Vec::new();
        while let Some(expr) = pending.pop() {
            f(expr);
            expr.for_each_child(&mut |child| children.push(child));
            pending.extend(children.drain(..).rev());
        }
    }

    /// Calls `f` with each direct sub-expression, in source order (object keys excluded).
    pub(crate) fn for_each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        let args = |args: &'a Args, f: &mut dyn FnMut(&'a Expr)| {
            args.positional.iter().chain(args.keyword.iter().map(|(_, e)| e)).for_each(&mut *f)
        };
        match &self.kind {
            ExprKind::Literal(_) | ExprKind::Regex { .. } | ExprKind::Name(_) => {}
            ExprKind::Array(items) | ExprKind::Group(items) => items.iter().for_each(f),
            ExprKind::Object(pairs) => pairs.iter().for_each(|(_, v)| f(v)),
            ExprKind::Attr { object, .. } => f(object),
            ExprKind::Index { object, index } => {
                f(object);
                f(index);
            }
            ExprKind::Slice { object, start, stop, step } => {
                f(object);
                [start, stop, step].into_iter().flatten().for_each(|e| f(e));
            }
            ExprKind::Call { callee, args: a } => {
                f(callee);
                args(a, f);
            }
            ExprKind::Filter { value, args: a, .. } => {
                f(value);
                args(a, f);
            }
            ExprKind::Test { value, test, .. } => {
                f(value);
                f(test);
            }
            ExprKind::Unary { operand, .. } => f(operand),
            ExprKind::Binary { left, right, .. } => {
                f(left);
                f(right);
            }
            ExprKind::Compare { first, rest } => {
                f(first);
                rest.iter().for_each(|(_, e)| f(e));
            }
            ExprKind::InlineIf { cond, then, otherwise } => {
                f(then);
                f(cond);
                if let Some(o) = otherwise {
                    f(o);
                }
            }
        }
    }

    /// For a `Test`'s test expression: the test name and its arguments, when it is a name or a
    /// call of a name.
    pub(crate) fn as_test_call(&self) -> Option<(&str, Option<&Args>)> {
        match &self.kind {
            ExprKind::Name(name) => Some((name, None)),
            ExprKind::Call { callee, args } => match &callee.kind {
                ExprKind::Name(name) => Some((name, Some(args))),
                _ => None,
            },
            _ => None,
        }
    }
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pub body: Vec<Node>,
}
