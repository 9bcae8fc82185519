//! Builds the syntax tree from tokens, with Nunjucks 3.2.4's grammar and precedence.
//!
//! Precedence, loosest first, as Nunjitsu parses it (Nunjucks 3.2.4's grammar with the operator
//! grouping its compiled JavaScript shows): inline `if`, `or`, `and`, `not` (applied to the
//! leftmost operand of arithmetic), `in`, `is`, equality (`==` `===` `!=` `!==`), relational
//! (`<` `<=` `>` `>=`), `+` `-` `~` (one level), `*` `/` `%` `//` (left to right, `//` flooring
//! its run), `**`, unary `-`/`+`, then filters (`|`) on a primary with its postfixes (`.name`,
//! `[…]`, `(…)`). The tree keeps that shape because JavaScript coercions make it observable
//! (docs/backstage-behaviour.md, "Operator grouping").

use super::ast::*;
use super::lexer::{Token, TokenKind};
use super::SyntaxError;

/// Tags that load other templates: Nunjitsu (and so Backstage) rejects them.
const LOADING_TAGS: &[&str] = &["include", "import", "from", "extends"];

/// Names Nunjitsu reserves everywhere a name can stand, so templates cannot reach JavaScript
/// object internals.
const RESERVED: &[&str] = &["constructor", "prototype", "__proto__"];

fn check_reserved(name: &str, range: Range) -> Result<(), SyntaxError> {
    if RESERVED.contains(&name) {
        return Err(SyntaxError::new(format!("the name `{name}` is reserved"), range.0, range.1));
    }
    Ok(())
}

pub fn parse(tokens: &[Token]) -> Result<Template, SyntaxError> {
    let mut parser = Parser { tokens, pos: 0, captures: Vec::new(), blocks: Vec::new(), depth: 0 };
    let (body, end) = parser.nodes(&[])?;
    match end {
        None => Ok(Template { body }),
        Some((name, range)) => {
            Err(SyntaxError::new(format!("unexpected `{{% {name} %}}`: no open block to close"), range.0, range.1))
        }
    }
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    /// Open `{% set %}`/`{% filter %}` captures (macros may not be declared inside them).
    captures: Vec<(&'static str, usize)>,
    /// Block names seen so far, with where they were declared.
    blocks: Vec<(String, usize)>,
    /// How deeply expressions and blocks nest right now (bounded: see `MAX_NESTING`).
    depth: usize,
}

/// Deepest nesting of expressions or blocks the parser accepts. Deeper input is refused with
/// an error instead of exhausting the stack. Nunjitsu allows 512, but WebAssembly runs on the
/// JavaScript engine's native stack (about 1 MB in Node), where 512 levels of this recursive
/// descent parser do not fit (measured: 450 did, 500 did not); 200 leaves room for evaluation
/// and for callers deep in their own stack. Real templates nest a few levels. Flat chains
/// (`a + b + c`, `x | f | g`, `a.b.c`, `-+-x`) are not nesting: they are read in loops, and
/// walked without recursion later (`ast::Expr::chain_operand`), at any length.
pub const MAX_NESTING: usize = 200;

type NodesEnd = Option<(String, Range)>;

/// A run of multiplicative operators: the first operand, then each operator with its right side.
type Run = (Expr, Vec<(BinaryOp, Expr)>);

impl<'t> Parser<'t> {
    fn peek(&self) -> &'t Token {
        &self.tokens[self.pos.min(self.tokens.len() - 1)]
    }

    fn peek_at(&self, offset: usize) -> &'t Token {
        &self.tokens[(self.pos + offset).min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> &'t Token {
        let token = self.peek();
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        token
    }

    fn describe(token: &Token) -> String {
        match &token.kind {
            TokenKind::Data(_) => "text".into(),
            TokenKind::VariableStart => "`${{`".into(),
            TokenKind::VariableEnd => "`}}`".into(),
            TokenKind::BlockStart => "`{%`".into(),
            TokenKind::BlockEnd => "`%}`".into(),
            TokenKind::Str(s) => format!("the string {s:?}"),
            TokenKind::Int(n) | TokenKind::Float(n) => format!("the number {}", crate::jsfmt::number(*n)),
            TokenKind::Name(n) => format!("`{n}`"),
            TokenKind::Regex { .. } => "a regular expression".into(),
            TokenKind::Op(op) => format!("`{op}`"),
            TokenKind::Eof => "the end of the template".into(),
        }
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        let token = self.peek();
        SyntaxError::new(
            format!("expected {expected}, found {}", Self::describe(token)),
            token.start,
            token.end.max(token.start + 1),
        )
    }

    fn at_op(&self, op: &str) -> bool {
        matches!(self.peek().kind, TokenKind::Op(o) if o == op)
    }

    fn at_name(&self, name: &str) -> bool {
        matches!(&self.peek().kind, TokenKind::Name(n) if n == name)
    }

    fn skip_op(&mut self, op: &str) -> bool {
        let found = self.at_op(op);
        if found {
            self.pos += 1;
        }
        found
    }

    fn skip_name(&mut self, name: &str) -> bool {
        let found = self.at_name(name);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_op(&mut self, op: &str) -> Result<&'t Token, SyntaxError> {
        if self.at_op(op) {
            Ok(self.next())
        } else {
            Err(self.unexpected(&format!("`{op}`")))
        }
    }

    /// An identifier: ASCII, not starting with a digit, not reserved.
    fn expect_name(&mut self) -> Result<(String, Range), SyntaxError> {
        match &self.peek().kind {
            TokenKind::Name(n) if !n.starts_with(|c: char| c.is_ascii_digit()) => {
                let token = self.next();
                check_reserved(n, (token.start, token.end))?;
                Ok((n.clone(), (token.start, token.end)))
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    fn expect_block_end(&mut self, tag: &str) -> Result<usize, SyntaxError> {
        match self.peek().kind {
            TokenKind::BlockEnd => Ok(self.next().end),
            _ => Err(self.unexpected(&format!("`%}}` to close `{tag}`"))),
        }
    }

    /// Nodes until one of `ends` (a block tag name) or the end of input. Returns the tag name
    /// that stopped it, with the range of its `{%`, after consuming the tag name only.
    fn nodes(&mut self, ends: &[&str]) -> Result<(Vec<Node>, NodesEnd), SyntaxError> {
        let mut body = Vec::new();
        loop {
            let token = self.peek();
            match &token.kind {
                TokenKind::Eof => return Ok((body, None)),
                TokenKind::Data(text) => {
                    self.pos += 1;
                    body.push(Node { kind: NodeKind::Data(text.clone()), range: (token.start, token.end) });
                }
                TokenKind::VariableStart => {
                    self.pos += 1;
                    let expr = self.expr()?;
                    let end = match self.peek().kind {
                        TokenKind::VariableEnd => self.next().end,
                        _ => return Err(self.unexpected("`}}` to close the expression")),
                    };
                    body.push(Node { kind: NodeKind::Output(expr), range: (token.start, end) });
                }
                TokenKind::BlockStart => {
                    let start = token.start;
                    self.pos += 1;
                    let (name, name_range) =
                        self.expect_name().map_err(|_| self.unexpected("a tag name after `{%`"))?;
                    if ends.contains(&name.as_str()) {
                        return Ok((body, Some((name, (start, name_range.1)))));
                    }
                    if self.depth >= MAX_NESTING {
                        return Err(SyntaxError::new(
                            format!("the template nests deeper than {MAX_NESTING} levels"),
                            name_range.0,
                            name_range.1,
                        ));
                    }
                    self.depth += 1;
                    let node = self.statement(&name, start, name_range);
                    self.depth -= 1;
                    body.push(node?);
                }
                _ => return Err(self.unexpected("text or a tag")),
            }
        }
    }

    fn require_end(
        &self,
        found: NodesEnd,
        open: &str,
        open_range: Range,
        closer: &str,
    ) -> Result<(String, Range), SyntaxError> {
        found.ok_or_else(|| {
            SyntaxError::new(
                format!("`{{% {open} %}}` is never closed: expected `{{% {closer} %}}`"),
                open_range.0,
                open_range.1,
            )
        })
    }

    fn statement(&mut self, name: &str, start: usize, name_range: Range) -> Result<Node, SyntaxError> {
        let open = (start, name_range.1);
        let kind = match name {
            "if" => {
                let mut branches = Vec::new();
                let mut cond = self.expr()?;
                self.expect_block_end("if")?;
                let otherwise;
                loop {
                    let (body, end) = self.nodes(&["elif", "elseif", "else", "endif"])?;
                    branches.push((cond, body));
                    let (tag, _) = self.require_end(end, "if", open, "endif")?;
                    match tag.as_str() {
                        "elif" | "elseif" => {
                            cond = self.expr()?;
                            self.expect_block_end(&tag)?;
                        }
                        "else" => {
                            self.expect_block_end("else")?;
                            let (body, end) = self.nodes(&["endif"])?;
                            self.require_end(end, "if", open, "endif")?;
                            self.expect_block_end("endif")?;
                            otherwise = Some(body);
                            break;
                        }
                        _ => {
                            self.expect_block_end("endif")?;
                            otherwise = None;
                            break;
                        }
                    }
                }
                NodeKind::If { branches, otherwise }
            }
            "for" => {
                let mut targets = vec![self.expect_name()?.0];
                while self.skip_op(",") {
                    targets.push(self.expect_name()?.0);
                }
                if !self.skip_name("in") {
                    return Err(self.unexpected("`in` after the loop variable"));
                }
                let iterable = self.expr()?;
                self.expect_block_end("for")?;
                let (body, end) = self.nodes(&["else", "endfor"])?;
                let (tag, _) = self.require_end(end, "for", open, "endfor")?;
                self.expect_block_end(&tag)?;
                let otherwise = if tag == "else" {
                    let (other, end) = self.nodes(&["endfor"])?;
                    self.require_end(end, "for", open, "endfor")?;
                    self.expect_block_end("endfor")?;
                    Some(other)
                } else {
                    None
                };
                NodeKind::For { targets, iterable, body, otherwise }
            }
            "set" => {
                let mut targets = vec![self.expect_name()?.0];
                while self.skip_op(",") {
                    targets.push(self.expect_name()?.0);
                }
                if self.skip_op("=") {
                    let value = self.expr()?;
                    self.expect_block_end("set")?;
                    NodeKind::Set { targets, value }
                } else if matches!(self.peek().kind, TokenKind::BlockEnd) {
                    self.pos += 1;
                    self.captures.push(("set", start));
                    let result = self.nodes(&["endset"]);
                    self.captures.pop();
                    let (body, end) = result?;
                    self.require_end(end, "set", open, "endset")?;
                    self.expect_block_end("endset")?;
                    NodeKind::SetBlock { targets, body }
                } else {
                    return Err(self.unexpected("`=` after the variable name"));
                }
            }
            "block" => {
                let (block_name, name_range) = self.expect_name()?;
                if let Some((_, first)) = self.blocks.iter().find(|(n, _)| *n == block_name) {
                    return Err(SyntaxError::new(
                        format!("block `{block_name}` is declared twice (first at byte {first})"),
                        name_range.0,
                        name_range.1,
                    ));
                }
                self.blocks.push((block_name.clone(), start));
                self.expect_block_end("block")?;
                let (body, end) = self.nodes(&["endblock"])?;
                self.require_end(end, "block", open, "endblock")?;
                if let TokenKind::Name(closing) = &self.peek().kind {
                    let token = self.next();
                    if *closing != block_name {
                        return Err(SyntaxError::new(
                            format!("`{{% endblock {closing} %}}` does not match `{{% block {block_name} %}}`"),
                            token.start,
                            token.end,
                        ));
                    }
                }
                self.expect_block_end("endblock")?;
                NodeKind::Block { name: block_name, body }
            }
            "macro" => {
                if let Some((kind, at)) = self.captures.last() {
                    return Err(SyntaxError::new(
                        format!("macros cannot be declared inside a `{{% {kind} %}}` capture"),
                        *at,
                        open.1,
                    ));
                }
                let (macro_name, _) = self.expect_name()?;
                let params = self.params()?;
                self.expect_block_end("macro")?;
                let (body, end) = self.nodes(&["endmacro"])?;
                self.require_end(end, "macro", open, "endmacro")?;
                self.expect_block_end("endmacro")?;
                NodeKind::Macro { name: macro_name, params, body }
            }
            "call" => {
                let caller_params = if self.at_op("(") { self.params()? } else { Vec::new() };
                let call = self.expr()?;
                if !matches!(call.kind, ExprKind::Call { .. }) {
                    return Err(SyntaxError::new(
                        "`{% call %}` needs a macro call, such as `{% call list(items) %}`",
                        call.range.0,
                        call.range.1,
                    ));
                }
                self.expect_block_end("call")?;
                let (body, end) = self.nodes(&["endcall"])?;
                self.require_end(end, "call", open, "endcall")?;
                self.expect_block_end("endcall")?;
                NodeKind::CallBlock { caller_params, call, body }
            }
            "filter" => {
                let (filter_name, _) = self.filter_name()?;
                let args = if self.at_op("(") { self.args()? } else { Args::default() };
                self.expect_block_end("filter")?;
                self.captures.push(("filter", start));
                let result = self.nodes(&["endfilter"]);
                self.captures.pop();
                let (body, end) = result?;
                self.require_end(end, "filter", open, "endfilter")?;
                self.expect_block_end("endfilter")?;
                NodeKind::FilterBlock { name: filter_name, args, body }
            }
            "switch" => {
                let subject = self.expr()?;
                self.expect_block_end("switch")?;
                // Only whitespace may stand before the first case.
                let (before, mut end) = self.nodes(&["case", "default", "endswitch"])?;
                if let Some(node) = before.iter().find(|n| !matches!(&n.kind, NodeKind::Data(t) if t.trim().is_empty()))
                {
                    return Err(SyntaxError::new(
                        "only `{% case %}` or `{% default %}` may follow `{% switch %}`",
                        node.range.0,
                        node.range.1,
                    ));
                }
                let mut cases = Vec::new();
                let mut default = None;
                loop {
                    let (tag, tag_range) = self.require_end(end, "switch", open, "endswitch")?;
                    match tag.as_str() {
                        "case" => {
                            let value = self.expr()?;
                            self.expect_block_end("case")?;
                            let (body, next) = self.nodes(&["case", "default", "endswitch"])?;
                            cases.push((value, body));
                            end = next;
                        }
                        "default" => {
                            if default.is_some() {
                                return Err(SyntaxError::new(
                                    "a `{% switch %}` can have only one `{% default %}`",
                                    tag_range.0,
                                    tag_range.1,
                                ));
                            }
                            self.expect_block_end("default")?;
                            let (body, next) = self.nodes(&["case", "default", "endswitch"])?;
                            default = Some(body);
                            end = next;
                        }
                        _ => {
                            self.expect_block_end("endswitch")?;
                            break;
                        }
                    }
                }
                NodeKind::Switch { subject, cases, default }
            }
            tag if LOADING_TAGS.contains(&tag) => {
                return Err(SyntaxError::new(
                    format!("`{{% {tag} %}}` is not supported: Backstage templates cannot load other templates"),
                    open.0,
                    open.1,
                ))
            }
            other => return Err(SyntaxError::new(format!("unknown tag `{{% {other} %}}`"), open.0, open.1)),
        };
        let end = self.tokens[self.pos.saturating_sub(1)].end;
        Ok(Node { kind, range: (start, end) })
    }

    /// `(a, b=1)` in macro definitions and call blocks.
    fn params(&mut self) -> Result<Vec<Param>, SyntaxError> {
        self.expect_op("(")?;
        let mut params = Vec::new();
        if self.skip_op(")") {
            return Ok(params);
        }
        loop {
            let (name, _) = self.expect_name()?;
            let default = if self.skip_op("=") { Some(self.expr()?) } else { None };
            params.push(Param { name, default });
            if !self.skip_op(",") {
                self.expect_op(")")?;
                return Ok(params);
            }
        }
    }

    /// `(a, b, key=value)` in calls and filter arguments.
    /// Trailing commas are not allowed, as in Nunjitsu.
    fn args(&mut self) -> Result<Args, SyntaxError> {
        self.expect_op("(")?;
        let mut args = Args::default();
        if self.skip_op(")") {
            return Ok(args);
        }
        loop {
            let is_keyword =
                matches!(self.peek().kind, TokenKind::Name(_)) && matches!(self.peek_at(1).kind, TokenKind::Op("="));
            if is_keyword {
                let (name, _) = self.expect_name()?;
                self.pos += 1;
                args.keyword.push((name, self.expr()?));
            } else {
                args.positional.push(self.expr()?);
            }
            if !self.skip_op(",") {
                self.expect_op(")")?;
                return Ok(args);
            }
        }
    }

    fn filter_name(&mut self) -> Result<(String, Range), SyntaxError> {
        let (mut name, mut range) = self.expect_name().map_err(|error| {
            if error.message.contains("reserved") {
                error
            } else {
                self.unexpected("a filter name after `|`")
            }
        })?;
        while self.at_op(".") {
            self.pos += 1;
            let (part, part_range) = self.expect_name()?;
            name = format!("{name}.{part}");
            range.1 = part_range.1;
        }
        Ok((name, range))
    }

    pub(super) fn expr(&mut self) -> Result<Expr, SyntaxError> {
        self.nested(Self::inline_if)
    }

    /// Runs `inner` one nesting level deeper, refusing input nested beyond `MAX_NESTING`.
    fn nested<T>(&mut self, inner: fn(&mut Self) -> Result<T, SyntaxError>) -> Result<T, SyntaxError> {
        if self.depth >= MAX_NESTING {
            let token = self.peek();
            return Err(SyntaxError::new(
                format!("the template nests deeper than {MAX_NESTING} levels"),
                token.start,
                token.end,
            ));
        }
        self.depth += 1;
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn inline_if(&mut self) -> Result<Expr, SyntaxError> {
        let then = self.or()?;
        if self.skip_name("if") {
            let cond = self.or()?;
            let otherwise = if self.skip_name("else") { Some(Box::new(self.or()?)) } else { None };
            let end = otherwise.as_ref().map_or(cond.range.1, |o| o.range.1);
            let range = (then.range.0, end);
            return Ok(Expr {
                kind: ExprKind::InlineIf { cond: Box::new(cond), then: Box::new(then), otherwise },
                range,
            });
        }
        Ok(then)
    }

    fn binary(left: Expr, op: BinaryOp, right: Expr) -> Expr {
        let range = (left.range.0, right.range.1);
        Expr { kind: ExprKind::Binary { op, left: Box::new(left), right: Box::new(right) }, range }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut node = self.and()?;
        while self.skip_name("or") {
            node = Self::binary(node, BinaryOp::Or, self.and()?);
        }
        Ok(node)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut node = self.not()?;
        while self.skip_name("and") {
            node = Self::binary(node, BinaryOp::And, self.not()?);
        }
        Ok(node)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.peek().start;
        if self.skip_name("not") {
            let operand = self.nested(Self::not)?;
            return Ok(Self::lower_not(operand, start));
        }
        self.in_()
    }

    /// Nunjucks compiles `not a + b` to the JavaScript text `!a + b`, so the `not` applies to the
    /// leftmost operand of arithmetic and comparisons; Nunjitsu keeps that observable shape.
    /// The chain is followed down in a loop (it may be thousands of operators long).
    fn lower_not(target: Expr, start: usize) -> Expr {
        /// The operand `not` moves on to, if any.
        fn lowered_operand(expr: &mut Expr) -> Option<&mut Expr> {
            match &mut expr.kind {
                ExprKind::Binary { op, left, .. }
                    if matches!(
                        op,
                        BinaryOp::Add
                            | BinaryOp::Concat
                            | BinaryOp::Sub
                            | BinaryOp::Mul
                            | BinaryOp::Div
                            | BinaryOp::Mod
                    ) =>
                {
                    Some(left)
                }
                ExprKind::Compare { first, .. } => Some(first),
                _ => None,
            }
        }
        let placeholder = || Expr { kind: ExprKind::Literal(Literal::Null), range: (start, start) };
        // Down the chain in a loop (it may be thousands of operators long), taking each operand out.
        let mut passed = Vec::new();
        let mut leftmost = target;
        while let Some(operand) = lowered_operand(&mut leftmost).map(|slot| std::mem::replace(slot, placeholder())) {
            passed.push(leftmost);
            leftmost = operand;
        }
        let range = (start, leftmost.range.1);
        let mut node = Expr { kind: ExprKind::Unary { op: UnaryOp::Not, operand: Box::new(leftmost) }, range };
        // Back up: each node gets its operand back (the placeholder's slot) and starts at the `not`.
        while let Some(mut parent) = passed.pop() {
            parent.range.0 = start;
            if let Some(slot) = lowered_operand(&mut parent) {
                *slot = node;
            }
            node = parent;
        }
        node
    }

    fn in_(&mut self) -> Result<Expr, SyntaxError> {
        let mut node = self.is()?;
        loop {
            let negated = self.at_name("not") && matches!(&self.peek_at(1).kind, TokenKind::Name(n) if n == "in");
            if negated {
                self.pos += 2;
                node = Self::binary(node, BinaryOp::NotIn, self.is()?);
            } else if self.skip_name("in") {
                node = Self::binary(node, BinaryOp::In, self.is()?);
            } else {
                return Ok(node);
            }
        }
    }

    /// `value is [not] test`, where the test is any comparison-level expression (Nunjucks
    /// parses it so; anything but a name or a call of one fails at evaluation).
    fn is(&mut self) -> Result<Expr, SyntaxError> {
        let node = self.equality()?;
        if !self.skip_name("is") {
            return Ok(node);
        }
        let negated = self.skip_name("not");
        let test = self.equality()?;
        let range = (node.range.0, test.range.1);
        Ok(Expr { kind: ExprKind::Test { value: Box::new(node), test: Box::new(test), negated }, range })
    }

    /// `==` `===` `!=` `!==` over relational comparisons: the compiled JavaScript's precedence,
    /// so `2 == 1 < 1` is `2 == (1 < 1)`. A chain is evaluated left to right, each result
    /// becoming the next left operand.
    fn equality(&mut self) -> Result<Expr, SyntaxError> {
        self.comparison(&["==", "===", "!=", "!=="], Self::relational)
    }

    fn relational(&mut self) -> Result<Expr, SyntaxError> {
        self.comparison(&["<", "<=", ">", ">="], Self::additive)
    }

    fn comparison(
        &mut self,
        ops: &[&str],
        next: fn(&mut Self) -> Result<Expr, SyntaxError>,
    ) -> Result<Expr, SyntaxError> {
        let first = next(self)?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek().kind {
                TokenKind::Op(op) if ops.contains(&op) => match op {
                    "==" => CompareOp::Eq,
                    "===" => CompareOp::StrictEq,
                    "!=" => CompareOp::Ne,
                    "!==" => CompareOp::StrictNe,
                    "<" => CompareOp::Lt,
                    ">" => CompareOp::Gt,
                    "<=" => CompareOp::Le,
                    _ => CompareOp::Ge,
                },
                _ => break,
            };
            self.pos += 1;
            rest.push((op, next(self)?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        let range = (first.range.0, rest.last().map_or(first.range.1, |(_, e)| e.range.1));
        Ok(Expr { kind: ExprKind::Compare { first: Box::new(first), rest }, range })
    }

    /// `+`, `-` and `~` at one level, left to right (`1 ~ 2 + 3` is `"123"`).
    fn additive(&mut self) -> Result<Expr, SyntaxError> {
        let mut node = self.multiplicative()?;
        loop {
            let op = if self.skip_op("+") {
                BinaryOp::Add
            } else if self.skip_op("-") {
                BinaryOp::Sub
            } else if self.skip_op("~") {
                BinaryOp::Concat
            } else {
                return Ok(node);
            };
            node = Self::binary(node, op, self.multiplicative()?);
        }
    }

    /// `*`, `/`, `%` and `//` as Nunjitsu groups them: the operators apply left to right, and
    /// `//` floors everything before it in its run (`a % b // c` is `floor((a % b) / c)`).
    fn multiplicative(&mut self) -> Result<Expr, SyntaxError> {
        let run = self.run("*", BinaryOp::Mul, Self::divide_run)?;
        Ok(Self::materialize(run))
    }

    fn divide_run(&mut self) -> Result<Run, SyntaxError> {
        self.run("/", BinaryOp::Div, Self::floor_run)
    }

    fn run(
        &mut self,
        op: &str,
        kind: BinaryOp,
        next: fn(&mut Self) -> Result<Run, SyntaxError>,
    ) -> Result<Run, SyntaxError> {
        let mut run = next(self)?;
        while self.skip_op(op) {
            let (first, more) = next(self)?;
            run.1.push((kind, first));
            run.1.extend(more);
        }
        Ok(run)
    }

    fn floor_run(&mut self) -> Result<Run, SyntaxError> {
        let mut run = self.modulo_run()?;
        while self.skip_op("//") {
            let (first, more) = self.modulo_run()?;
            run.1.push((BinaryOp::Div, first));
            run.1.extend(more);
            let target = Self::materialize(run);
            let range = target.range;
            run = (Expr { kind: ExprKind::Unary { op: UnaryOp::Floor, operand: Box::new(target) }, range }, Vec::new());
        }
        Ok(run)
    }

    fn modulo_run(&mut self) -> Result<Run, SyntaxError> {
        let first = self.pow()?;
        let mut rest = Vec::new();
        while self.skip_op("%") {
            rest.push((BinaryOp::Mod, self.pow()?));
        }
        Ok((first, rest))
    }

    fn materialize((first, rest): Run) -> Expr {
        rest.into_iter().fold(first, |left, (op, right)| Self::binary(left, op, right))
    }

    fn pow(&mut self) -> Result<Expr, SyntaxError> {
        let mut node = self.unary()?;
        while self.skip_op("**") {
            node = Self::binary(node, BinaryOp::Pow, self.unary()?);
        }
        Ok(node)
    }

    /// Prefix `-`/`+` (read in a loop: `-+-+x` may be long), then a primary; filters apply to
    /// the whole (`-x | abs` is `abs(-x)`).
    fn unary(&mut self) -> Result<Expr, SyntaxError> {
        let mut prefixes = Vec::new();
        loop {
            for op in ["-", "+"] {
                if self.at_op(op) && matches!(self.peek_at(1).kind, TokenKind::Op(next) if next == op) {
                    let second = self.peek_at(1);
                    return Err(SyntaxError::new(
                        format!("repeated unary `{op}` needs parentheses: write `{op}({op}x)`"),
                        second.start,
                        second.end,
                    ));
                }
            }
            let start = self.peek().start;
            if self.skip_op("-") {
                prefixes.push((UnaryOp::Neg, start));
            } else if self.skip_op("+") {
                prefixes.push((UnaryOp::Pos, start));
            } else {
                break;
            }
        }
        let mut node = self.primary()?;
        for (op, start) in prefixes.into_iter().rev() {
            let range = (start, node.range.1);
            node = Expr { kind: ExprKind::Unary { op, operand: Box::new(node) }, range };
        }
        self.filters(node)
    }

    fn filters(&mut self, mut node: Expr) -> Result<Expr, SyntaxError> {
        while self.skip_op("|") {
            let (name, name_range) = self.filter_name()?;
            let args = if self.at_op("(") { self.args()? } else { Args::default() };
            let end = self.tokens[self.pos - 1].end;
            let range = (node.range.0, end);
            node = Expr { kind: ExprKind::Filter { value: Box::new(node), name, name_range, args }, range };
        }
        Ok(node)
    }

    fn primary(&mut self) -> Result<Expr, SyntaxError> {
        let token = self.peek();
        let range = (token.start, token.end);
        let node = match &token.kind {
            TokenKind::Str(s) => {
                self.pos += 1;
                Expr { kind: ExprKind::Literal(Literal::Str(s.clone())), range }
            }
            TokenKind::Int(n) | TokenKind::Float(n) => {
                self.pos += 1;
                Expr { kind: ExprKind::Literal(Literal::Number(*n)), range }
            }
            TokenKind::Regex { pattern, flags } => {
                self.pos += 1;
                Expr { kind: ExprKind::Regex { pattern: pattern.clone(), flags: flags.clone() }, range }
            }
            TokenKind::Name(name) => {
                if name.starts_with(|c: char| c.is_ascii_digit()) {
                    return Err(SyntaxError::new("invalid numeric literal", range.0, range.1));
                }
                check_reserved(name, range)?;
                self.pos += 1;
                let kind = match name.as_str() {
                    "true" => ExprKind::Literal(Literal::Bool(true)),
                    "false" => ExprKind::Literal(Literal::Bool(false)),
                    "none" | "null" => ExprKind::Literal(Literal::Null),
                    _ => ExprKind::Name(name.clone()),
                };
                Expr { kind, range }
            }
            TokenKind::Op("(") => {
                self.pos += 1;
                let inner = self.expr()?;
                if self.at_op(",") {
                    // `(a, b)` compiles to JavaScript's comma operator: the value is `b`.
                    let mut items = vec![inner];
                    while self.skip_op(",") {
                        items.push(self.expr()?);
                    }
                    let end = self.expect_op(")")?.end;
                    Expr { kind: ExprKind::Group(items), range: (range.0, end) }
                } else {
                    // Kept as a group: `not (a + b)` negates the sum and `x is (number)` names no
                    // test, as in Nunjitsu.
                    let end = self.expect_op(")")?.end;
                    Expr { kind: ExprKind::Group(vec![inner]), range: (range.0, end) }
                }
            }
            TokenKind::Op("[") => {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.at_op("]") {
                    loop {
                        items.push(self.expr()?);
                        if !self.skip_op(",") {
                            break;
                        }
                    }
                }
                let end = self.expect_op("]")?.end;
                Expr { kind: ExprKind::Array(items), range: (range.0, end) }
            }
            TokenKind::Op("{") => {
                self.pos += 1;
                let mut pairs = Vec::new();
                if !self.at_op("}") {
                    loop {
                        let key_token = self.peek();
                        let key = match &key_token.kind {
                            TokenKind::Str(k) | TokenKind::Name(k) => {
                                check_reserved(k, (key_token.start, key_token.end))?;
                                self.pos += 1;
                                let literal = ExprKind::Literal(Literal::Str(k.clone()));
                                Expr { kind: literal, range: (key_token.start, key_token.end) }
                            }
                            _ => return Err(self.unexpected("a record key (a name or a string)")),
                        };
                        self.expect_op(":")?;
                        pairs.push((key, self.expr()?));
                        if !self.skip_op(",") {
                            break;
                        }
                    }
                }
                let end = self.expect_op("}")?.end;
                Expr { kind: ExprKind::Object(pairs), range: (range.0, end) }
            }
            _ => return Err(self.unexpected("a value or an expression")),
        };
        self.postfix(node)
    }

    fn postfix(&mut self, mut node: Expr) -> Result<Expr, SyntaxError> {
        loop {
            if self.at_op("(") {
                let args = self.args()?;
                let end = self.tokens[self.pos - 1].end;
                let range = (node.range.0, end);
                node = Expr { kind: ExprKind::Call { callee: Box::new(node), args }, range };
            } else if self.skip_op("[") {
                node = self.subscript(node)?;
            } else if self.skip_op(".") {
                let (name, name_range) = match &self.peek().kind {
                    TokenKind::Name(n) => {
                        let t = self.next();
                        check_reserved(n, (t.start, t.end))?;
                        (n.clone(), (t.start, t.end))
                    }
                    _ => return Err(self.unexpected("a name after `.`")),
                };
                let range = (node.range.0, name_range.1);
                node = Expr { kind: ExprKind::Attr { object: Box::new(node), name }, range };
            } else {
                return Ok(node);
            }
        }
    }

    /// After `[`: an index or a `start:stop:step` slice.
    fn subscript(&mut self, object: Expr) -> Result<Expr, SyntaxError> {
        let mut parts: Vec<Option<Box<Expr>>> = vec![None];
        loop {
            if self.skip_op(":") {
                parts.push(None);
                continue;
            }
            if self.at_op("]") {
                break;
            }
            let last = parts.last_mut().expect("one part at least");
            if last.is_some() {
                return Err(self.unexpected("`]` or `:`"));
            }
            *last = Some(Box::new(self.expr()?));
        }
        let end = self.expect_op("]")?.end;
        let range = (object.range.0, end);
        if let Some(Some(index)) = parts.first() {
            if let ExprKind::Literal(Literal::Str(key)) = &index.kind {
                check_reserved(key, index.range)?;
            }
        }
        if parts.len() == 1 {
            let index =
                parts.pop().flatten().ok_or_else(|| SyntaxError::new("empty `[]`: expected an index", range.0, end))?;
            return Ok(Expr { kind: ExprKind::Index { object: Box::new(object), index }, range });
        }
        if parts.len() > 3 {
            return Err(SyntaxError::new("a slice has at most three parts (`start:stop:step`)", range.0, end));
        }
        let mut parts = parts.into_iter();
        let start = parts.next().flatten();
        let stop = parts.next().flatten();
        let step = parts.next().flatten();
        Ok(Expr { kind: ExprKind::Slice { object: Box::new(object), start, stop, step }, range })
    }
}
