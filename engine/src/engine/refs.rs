//! What a template uses: the context values it reads (`parameters.name`,
//! `steps['fetch'].output.url`, …) and the filters, functions and tests it calls.
//!
//! Each reference is a root name and the static path after it (attribute names and string or
//! number literal subscripts), up to the first dynamic part. Names a template binds itself
//! (loop variables, `set`, macro names and parameters) are neither context references nor
//! calls of host functions, and are left out.

use super::ast::*;

/// One read of a context value.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub root: String,
    /// Static path segments after the root.
    pub path: Vec<String>,
    /// Byte range of the whole reference (root through the last static segment).
    pub range: Range,
    /// Byte range of each path segment, parallel to `path`.
    pub segment_ranges: Vec<Range>,
}

/// A named thing a template calls, with the byte range of its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Usage {
    pub name: String,
    pub range: Range,
}

/// Everything [`analyze`] finds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Analysis {
    pub references: Vec<Reference>,
    /// `x | name` and `{% filter name %}`.
    pub filters: Vec<Usage>,
    /// `name(…)` where `name` is not bound by the template (globals such as `range`).
    pub functions: Vec<Usage>,
    /// `x is name`.
    pub tests: Vec<Usage>,
}

/// Every context reference in a template, in source order.
pub fn references(template: &Template) -> Vec<Reference> {
    analyze(template).references
}

/// References and calls of a template, each list in source order.
pub fn analyze(template: &Template) -> Analysis {
    let mut walker = Walker { out: Analysis::default(), bound: Vec::new() };
    walker.nodes(&template.body);
    crate::sort::sort_by_key(&mut walker.out.references, |r| r.range.0);
    for list in [&mut walker.out.filters, &mut walker.out.functions, &mut walker.out.tests] {
        crate::sort::sort_by_key(list, |u| u.range.0);
    }
    walker.out
}

struct Walker {
    out: Analysis,
    /// Names bound by the template itself, innermost last.
    bound: Vec<String>,
}

impl Walker {
    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            self.node(node);
        }
    }

    fn with_bound(&mut self, names: impl IntoIterator<Item = String>, f: impl FnOnce(&mut Self)) {
        let before = self.bound.len();
        self.bound.extend(names);
        f(self);
        self.bound.truncate(before);
    }

    fn node(&mut self, node: &Node) {
        match &node.kind {
            NodeKind::Data(_) => {}
            NodeKind::Output(e) => self.expr(e),
            NodeKind::If { branches, otherwise } => {
                for (cond, body) in branches {
                    self.expr(cond);
                    self.nodes(body);
                }
                if let Some(body) = otherwise {
                    self.nodes(body);
                }
            }
            NodeKind::For { targets, iterable, body, otherwise } => {
                self.expr(iterable);
                self.with_bound(targets.iter().cloned().chain(["loop".to_string()]), |w| w.nodes(body));
                if let Some(body) = otherwise {
                    self.nodes(body);
                }
            }
            NodeKind::Set { targets, value } => {
                self.expr(value);
                // `set` binds for the rest of the scope.
                self.bound.extend(targets.iter().cloned());
            }
            NodeKind::SetBlock { targets, body } => {
                self.nodes(body);
                self.bound.extend(targets.iter().cloned());
            }
            NodeKind::Block { body, .. } => self.nodes(body),
            NodeKind::Macro { name, params, body } => {
                self.bound.push(name.clone());
                for p in params {
                    if let Some(d) = &p.default {
                        self.expr(d);
                    }
                }
                let names: Vec<String> = params.iter().map(|p| p.name.clone()).chain(["caller".to_string()]).collect();
                self.with_bound(names, |w| w.nodes(body));
            }
            NodeKind::CallBlock { caller_params, call, body } => {
                self.expr(call);
                let names: Vec<String> = caller_params.iter().map(|p| p.name.clone()).collect();
                self.with_bound(names, |w| w.nodes(body));
            }
            NodeKind::FilterBlock { name, args, body } => {
                self.out.filters.push(Usage { name: name.clone(), range: node.range });
                self.args(args);
                self.nodes(body);
            }
            NodeKind::Switch { subject, cases, default } => {
                self.expr(subject);
                for (value, body) in cases {
                    self.expr(value);
                    self.nodes(body);
                }
                if let Some(body) = default {
                    self.nodes(body);
                }
            }
        }
    }

    /// The static path of a lookup chain, if it is rooted at a context name (followed down in
    /// a loop: a chain may be thousands of lookups long).
    fn chain(expr: &Expr) -> Option<(String, Vec<String>, Vec<Range>)> {
        let mut path = Vec::new();
        let mut ranges = Vec::new();
        let mut node = expr;
        let root = loop {
            match &node.kind {
                ExprKind::Name(n) => break n.clone(),
                ExprKind::Attr { object, name } => {
                    path.push(name.clone());
                    ranges.push((node.range.1 - name.len(), node.range.1));
                    node = object;
                }
                ExprKind::Index { object, index } => {
                    let segment = match &index.kind {
                        ExprKind::Literal(Literal::Str(s)) => s.clone(),
                        ExprKind::Literal(Literal::Number(n)) => crate::jsfmt::number(*n),
                        _ => return None,
                    };
                    path.push(segment);
                    ranges.push(index.range);
                    node = object;
                }
                _ => return None,
            }
        };
        path.reverse();
        ranges.reverse();
        Some((root, path, ranges))
    }

    /// Every expression inside `expr`, in the order a recursive walk would visit them, from an
    /// explicit stack (flat chains are as deep as they are long).
    fn expr(&mut self, expr: &Expr) {
        let mut pending = vec![expr];
        while let Some(expr) = pending.pop() {
            let before = pending.len();
            self.visit(expr, &mut pending);
            // Children were pushed in source order; the first must come off first.
            pending[before..].reverse();
        }
    }

    /// Records what `expr` itself uses and pushes the sub-expressions still to visit.
    fn visit<'a>(&mut self, expr: &'a Expr, pending: &mut Vec<&'a Expr>) {
        let args = |args: &'a Args, pending: &mut Vec<&'a Expr>| {
            pending.extend(args.positional.iter().chain(args.keyword.iter().map(|(_, e)| e)));
        };
        if let Some((root, path, segment_ranges)) = Self::chain(expr) {
            if !self.bound.contains(&root) {
                self.out.references.push(Reference { root, path, range: expr.range, segment_ranges });
            }
            // Dynamic subscripts inside the chain still read the context.
            let start = pending.len();
            let mut node = expr;
            loop {
                match &node.kind {
                    ExprKind::Attr { object, .. } => node = object,
                    ExprKind::Index { object, index } => {
                        if !matches!(index.kind, ExprKind::Literal(_)) {
                            pending.push(index);
                        }
                        node = object;
                    }
                    _ => break,
                }
            }
            // Found outermost first; visited innermost first.
            pending[start..].reverse();
            return;
        }
        match &expr.kind {
            ExprKind::Literal(_) | ExprKind::Regex { .. } | ExprKind::Name(_) => {}
            ExprKind::Call { callee, args: a } => {
                // A called name is a function (global or macro), not a context value.
                match &callee.kind {
                    ExprKind::Name(name) if !self.bound.contains(name) => {
                        self.out.functions.push(Usage { name: name.clone(), range: callee.range })
                    }
                    ExprKind::Name(_) => {}
                    _ => pending.push(callee),
                }
                args(a, pending);
            }
            ExprKind::Filter { value, args: a, name, name_range } => {
                self.out.filters.push(Usage { name: name.clone(), range: *name_range });
                pending.push(value);
                args(a, pending);
            }
            ExprKind::Test { value, test, .. } => {
                pending.push(value);
                // A test name is not a context value; its arguments and other shapes are read.
                match test.as_test_call() {
                    Some((name, test_args)) => {
                        self.out.tests.push(Usage { name: name.to_string(), range: test.range });
                        if let Some(a) = test_args {
                            args(a, pending);
                        }
                    }
                    None => pending.push(test),
                }
            }
            ExprKind::InlineIf { cond, then, otherwise } => {
                pending.push(cond);
                pending.push(then);
                pending.extend(otherwise.as_deref());
            }
            _ => expr.for_each_child(&mut |child| pending.push(child)),
        }
    }

    fn args(&mut self, args: &Args) {
        for e in args.positional.iter().chain(args.keyword.iter().map(|(_, e)| e)) {
            self.expr(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{parse, ParseOptions};

    fn refs(source: &str) -> Vec<String> {
        let t = parse(source, &ParseOptions::default()).unwrap();
        references(&t)
            .into_iter()
            .map(|r| std::iter::once(r.root).chain(r.path).collect::<Vec<_>>().join("."))
            .collect()
    }

    #[test]
    fn static_paths_through_attributes_and_literal_subscripts() {
        assert_eq!(
            refs(
                "${{ parameters.name }} ${{ steps['publish'].output.remoteUrl | default(user.entity.metadata.name) }}"
            ),
            ["parameters.name", "steps.publish.output.remoteUrl", "user.entity.metadata.name"]
        );
    }

    #[test]
    fn dynamic_subscripts_stop_the_path_but_are_read() {
        assert_eq!(refs("${{ parameters.map[parameters.key].x }}"), ["parameters.map", "parameters.key"]);
    }

    #[test]
    fn template_bound_names_are_not_context() {
        assert_eq!(
            refs("{% for item in parameters.items %}${{ item.name }}${{ loop.index }}{% endfor %}{% set x = 1 %}${{ x }}${{ range(3) }}"),
            ["parameters.items"]
        );
    }
}
