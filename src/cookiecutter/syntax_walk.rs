//! One walk over minijinja's AST of a template, shared by the `%` rewrite (`preprocess.rs`) and
//! the checker's reads of `cookiecutter.X` (`check.rs`). The parser bounds nesting (150 levels),
//! so the recursion here is bounded too.

use minijinja::machinery::ast;

/// What the walk calls. `conditional` is true where the code may not run every time the
/// template renders: inside `if`/`for`/macro/call-block bodies, an inline `if`'s branches and
/// the right side of `and`/`or`.
pub(super) trait AstVisitor {
    /// Every expression, before the expressions inside it.
    fn expr(&mut self, _expr: &ast::Expr, _conditional: bool) {}
    /// Every name a statement assigns (`set`, `for`, `with`, macro arguments, imports).
    fn target(&mut self, _target: &ast::Expr) {}
}

pub(super) fn walk(stmt: &ast::Stmt, visitor: &mut dyn AstVisitor) {
    stmt_in(stmt, false, visitor);
}

fn stmts(stmts: &[ast::Stmt], conditional: bool, v: &mut dyn AstVisitor) {
    for stmt in stmts {
        stmt_in(stmt, conditional, v);
    }
}

fn stmt_in(stmt: &ast::Stmt, c: bool, v: &mut dyn AstVisitor) {
    use ast::Stmt;
    match stmt {
        Stmt::Template(t) => stmts(&t.children, c, v),
        Stmt::EmitExpr(e) => expr(&e.expr, c, v),
        Stmt::EmitRaw(_) | Stmt::Continue(_) | Stmt::Break(_) => {}
        Stmt::ForLoop(f) => {
            v.target(&f.target);
            expr(&f.iter, c, v);
            if let Some(filter) = &f.filter_expr {
                expr(filter, true, v);
            }
            stmts(&f.body, true, v);
            stmts(&f.else_body, true, v);
        }
        Stmt::IfCond(i) => {
            expr(&i.expr, c, v);
            stmts(&i.true_body, true, v);
            stmts(&i.false_body, true, v);
        }
        Stmt::WithBlock(w) => {
            for (target, value) in &w.assignments {
                v.target(target);
                expr(value, c, v);
            }
            stmts(&w.body, c, v);
        }
        Stmt::Set(s) => {
            v.target(&s.target);
            expr(&s.expr, c, v);
        }
        Stmt::SetBlock(s) => {
            v.target(&s.target);
            if let Some(filter) = &s.filter {
                expr(filter, c, v);
            }
            stmts(&s.body, c, v);
        }
        Stmt::AutoEscape(a) => {
            expr(&a.enabled, c, v);
            stmts(&a.body, c, v);
        }
        Stmt::FilterBlock(f) => {
            expr(&f.filter, c, v);
            stmts(&f.body, c, v);
        }
        Stmt::Block(b) => stmts(&b.body, c, v),
        Stmt::Import(i) => {
            v.target(&i.name);
            expr(&i.expr, c, v);
        }
        Stmt::FromImport(i) => {
            for (name, alias) in &i.names {
                v.target(alias.as_ref().unwrap_or(name));
            }
            expr(&i.expr, c, v);
        }
        Stmt::Extends(e) => expr(&e.name, c, v),
        Stmt::Include(i) => expr(&i.name, c, v),
        Stmt::Macro(m) => macro_decl(m, v),
        Stmt::CallBlock(b) => {
            call(&b.call, c, v);
            macro_decl(&b.macro_decl, v);
        }
        Stmt::Do(d) => call(&d.call, c, v),
    }
}

/// A macro's body runs when it is called, if ever.
fn macro_decl(m: &ast::Macro, v: &mut dyn AstVisitor) {
    for arg in &m.args {
        v.target(arg);
    }
    for default in &m.defaults {
        expr(default, true, v);
    }
    stmts(&m.body, true, v);
}

fn call(call: &ast::Call, c: bool, v: &mut dyn AstVisitor) {
    expr(&call.expr, c, v);
    args(&call.args, c, v);
}

fn args(args: &[ast::CallArg], c: bool, v: &mut dyn AstVisitor) {
    for arg in args {
        match arg {
            ast::CallArg::Pos(e)
            | ast::CallArg::Kwarg(_, e)
            | ast::CallArg::PosSplat(e)
            | ast::CallArg::KwargSplat(e) => expr(e, c, v),
        }
    }
}

fn expr(e: &ast::Expr, c: bool, v: &mut dyn AstVisitor) {
    use ast::Expr;
    v.expr(e, c);
    match e {
        Expr::Var(_) | Expr::Const(_) => {}
        Expr::Slice(s) => {
            expr(&s.expr, c, v);
            for part in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                expr(part, c, v);
            }
        }
        Expr::UnaryOp(u) => expr(&u.expr, c, v),
        Expr::BinOp(b) => {
            let short_circuit = matches!(b.op, ast::BinOpKind::ScAnd | ast::BinOpKind::ScOr);
            expr(&b.left, c, v);
            expr(&b.right, c || short_circuit, v);
        }
        Expr::Compare(cmp) => {
            expr(&cmp.expr, c, v);
            for op in &cmp.ops {
                expr(&op.expr, c, v);
            }
        }
        Expr::IfExpr(i) => {
            expr(&i.test_expr, c, v);
            expr(&i.true_expr, true, v);
            if let Some(f) = &i.false_expr {
                expr(f, true, v);
            }
        }
        Expr::Filter(f) => {
            if let Some(inner) = &f.expr {
                expr(inner, c, v);
            }
            args(&f.args, c, v);
        }
        Expr::Test(t) => {
            expr(&t.expr, c, v);
            args(&t.args, c, v);
        }
        Expr::GetAttr(g) => expr(&g.expr, c, v),
        Expr::GetItem(g) => {
            expr(&g.expr, c, v);
            expr(&g.subscript_expr, c, v);
        }
        Expr::Call(call_expr) => call(call_expr, c, v),
        Expr::List(l) => l.items.iter().for_each(|item| expr(item, c, v)),
        Expr::Tuple(t) => t.items.iter().for_each(|item| expr(item, c, v)),
        Expr::Map(m) => m.keys.iter().chain(m.values.iter()).for_each(|item| expr(item, c, v)),
    }
}
