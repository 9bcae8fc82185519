//! `unknown-filter`: a filter neither Nunjitsu nor Backstage provides. Backstage fails the
//! render ("Unknown template filter"; docs/backstage-behaviour.md) and keeps the raw text (step
//! inputs) or fails the step (`fetch:template`).
//!
//! A module or a hosted Backstage may add filters (`scaffolderTemplatingExtensionPoint`), which
//! only the instance knows: without `--manifest`, a name within a typo of a known filter is an
//! error with did-you-mean and any other name one warning per name and file; with `--manifest`
//! (its `filters` are the instance's templating extensions) any unlisted name is an error.

use std::collections::{HashMap, HashSet};

use crate::check::analysis::Names;
use crate::check::unknown_name::{self, Verdict};
use crate::check::{Context, Rule, RuleInfo, TemplatedString, Visitor};
use crate::diagnostics::{Diagnostic, Severity};
use crate::engine::builtins::{BACKSTAGE_FILTERS, FILTERS};

pub const RULE: Rule = Rule {
    info: RuleInfo {
        id: "unknown-filter",
        description: "filters must be Nunjucks built-ins or Backstage's",
        default_severity: Severity::Error,
    },
    visitor: |context| Box::new(UnknownFilter::new(context)),
};

struct UnknownFilter<'c> {
    /// The filters known in this run: built in, and the manifest's.
    known: Names,
    /// How many times the document uses each filter.
    uses: HashMap<&'c str, usize>,
    /// The once-per-file warnings already given for this file.
    reported: HashSet<String>,
}

impl<'c> UnknownFilter<'c> {
    fn new(context: &'c Context<'c>) -> UnknownFilter<'c> {
        let mut known: Vec<String> = FILTERS.iter().chain(BACKSTAGE_FILTERS).map(|s| s.to_string()).collect();
        known.extend(context.manifest.filters.iter().map(|f| f.name.clone()));
        let names = context.strings.iter().flat_map(|s| s.parsed.uses.filters.iter().map(|u| u.name.as_str()));
        UnknownFilter { known: Names::new(known), uses: unknown_name::use_counts(names), reported: HashSet::new() }
    }
}

impl Visitor for UnknownFilter<'_> {
    fn document(&mut self, context: &Context, out: &mut Vec<Diagnostic>) {
        self.reported = unknown_name::reported_in_file(out, RULE.info.id, context.file);
    }

    fn string(&mut self, context: &Context, string: &TemplatedString, out: &mut Vec<Diagnostic>) {
        for usage in &string.parsed.uses.filters {
            let name = &usage.name;
            if self.known.contains(name) {
                continue;
            }
            let fails = format!("unknown filter `{name}`: Backstage fails this render and passes the raw text on");
            let verdict =
                unknown_name::verdict(name, self.known.all(), context.manifest.complete, &context.suggestions);
            let near = match verdict {
                Verdict::Typo(near) => Some(near),
                _ => None,
            };
            let (severity, message, hint) = match verdict {
                Verdict::Typo(near) => (Severity::Error, fails, format!("did you mean `{near}`?")),
                Verdict::NotInInstance => (
                    Severity::Error,
                    fails,
                    "the instance manifest given with `--manifest` does not list it among its filters: check the name, \
                     or install the module that registers it and export the manifest again"
                        .into(),
                ),
                Verdict::Unlisted => {
                    let message = format!(
                        "unknown filter `{name}`: unless a module of your Backstage registers it, Backstage fails this \
                         render and passes the raw text on"
                    );
                    if !self.reported.insert(message.clone()) {
                        continue;
                    }
                    let hint = format!(
                        "run `trellis manifest --url <your Backstage>` and pass the file with `--manifest`: it lists \
                         the filters your instance really has{}",
                        unknown_name::once_note(self.uses.get(name.as_str()).copied().unwrap_or(1))
                    );
                    (Severity::Warning, message, hint)
                }
            };
            let span = context.span_in_string(string, usage.range.0, usage.range.1);
            let diagnostic = context.diagnostic(RULE.info.id, severity, span, message, Some(hint));
            out.push(crate::check::suggest::offer(diagnostic, context, string, usage.range, near));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::{check_source, CheckOptions};
    use crate::manifest::Manifest;

    const TEMPLATE: &str = r#"apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata: {name: t}
spec:
  type: service
  steps:
    - id: log
      action: debug:log
      input:
        message: ${{ 'x' | now }} ${{ 'y' | uper }} ${{ 'z' | now }} ${{ 'w' | useCaseNameFilter }}
"#;

    fn findings(manifest: Option<Manifest>) -> Vec<(String, String, String)> {
        let options = CheckOptions { path: None, manifest, ignore: Vec::new() };
        check_source(TEMPLATE, &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.rule == "unknown-filter")
            .map(|d| {
                let line = TEMPLATE.lines().nth(d.line as usize - 1).unwrap_or_default();
                let name = line.chars().skip(d.column as usize - 1).take((d.end_column - d.column) as usize).collect();
                (d.severity.as_str().to_string(), name, d.hint.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn without_a_manifest_a_platform_filter_is_one_warning_per_name_and_a_typo_an_error() {
        let found = findings(None);
        let summary: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect();
        assert_eq!(summary, [("warning", "now"), ("error", "uper"), ("warning", "useCaseNameFilter")], "{found:#?}");
        assert!(found[0].2.ends_with("; reported once for its 2 uses in this file"), "{}", found[0].2);
        assert_eq!(found[1].2, "did you mean `upper`?");
    }

    #[test]
    fn with_a_manifest_an_unlisted_filter_is_an_error_and_a_listed_one_is_known() {
        let instance = Manifest::parse(r#"{"filters": [{"name": "now"}]}"#).unwrap();
        let found = findings(Some(instance));
        let summary: Vec<_> = found.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect();
        assert_eq!(summary, [("error", "uper"), ("error", "useCaseNameFilter")], "{found:#?}");
        assert!(found[1].2.contains("does not list it among its filters"), "{}", found[1].2);
    }
}
