//! One-line documentation of the filters and globals templates can use without any module
//! (the names of `crate::engine::builtins`), for completion and hover. Backstage's own filters
//! are described by the manifest (`/v2/templating-extensions`); these lines cover the rest.

/// `(name, signature, what it does)`.
const FILTERS: &[(&str, &str, &str)] = &[
    ("abs", "abs", "The absolute value of a number."),
    (
        "batch",
        "batch(size, fill?)",
        "Splits a list into lists of `size` items, the last one padded with `fill` when given.",
    ),
    ("capitalize", "capitalize", "The first character upper-cased, the rest lower-cased."),
    ("center", "center(width = 80)", "The text centred in a field of `width` characters."),
    ("d", "d(value, boolean = false)", "Alias of `default`."),
    (
        "default",
        "default(value, boolean = false)",
        "`value` when the input is undefined (or, with `boolean` true, when it is falsy).",
    ),
    (
        "dictsort",
        "dictsort(caseSensitive = false, by = 'key')",
        "An object as a list of `[key, value]` pairs, sorted by key or by value.",
    ),
    ("dump", "dump(spaces?)", "The value as JSON text (`JSON.stringify`), indented by `spaces` when given."),
    ("e", "e", "Alias of `escape`."),
    ("escape", "escape", "HTML-escapes `&`, `<`, `>`, `\"` and `'` (templates are not autoescaped in Backstage)."),
    ("first", "first", "The first item of a list (or character of a string)."),
    ("float", "float(default?)", "The value parsed as a floating-point number, or `default` when it is not one."),
    ("forceescape", "forceescape", "HTML-escapes the value even when it is marked safe."),
    ("groupby", "groupby(attribute)", "Groups a list of objects by the value of `attribute` (an object of lists)."),
    (
        "indent",
        "indent(width = 4, first = false)",
        "Indents every line but the first by `width` spaces (the first too with `first` true).",
    ),
    ("int", "int(default?)", "The value parsed as an integer, or `default` when it is not one."),
    (
        "join",
        "join(separator = '', attribute?)",
        "The items of a list joined by `separator` (their `attribute` when given).",
    ),
    ("last", "last", "The last item of a list (or character of a string)."),
    ("length", "length", "The number of items of a list, characters of a string or keys of an object."),
    ("list", "list", "The value as a list: the characters of a string, `{key, value}` pairs of an object."),
    ("lower", "lower", "The text in lower case."),
    ("nl2br", "nl2br", "Line breaks replaced by `<br />`."),
    ("random", "random", "A random item of the list."),
    ("reject", "reject(test, ...args)", "The items for which the test `test` fails."),
    ("rejectattr", "rejectattr(attribute)", "The items whose `attribute` is falsy."),
    (
        "replace",
        "replace(old, new, count?)",
        "Every occurrence of `old` (a string or a regular expression) replaced by `new`, at most `count` times.",
    ),
    ("reverse", "reverse", "The list (or the string's characters) in reverse order."),
    (
        "round",
        "round(precision = 0, method = 'common')",
        "The number rounded to `precision` digits, `method` `common`, `ceil` or `floor`.",
    ),
    ("safe", "safe", "Marks the value as safe, so autoescaping leaves it alone."),
    ("select", "select(test, ...args)", "The items for which the test `test` passes."),
    ("selectattr", "selectattr(attribute, test?, arg?)", "The items whose `attribute` is truthy (or passes `test`)."),
    ("slice", "slice(count, fill?)", "Splits a list into `count` lists of about equal size."),
    (
        "sort",
        "sort(reverse = false, caseSensitive = false, attribute?)",
        "The list sorted (by `attribute` when given).",
    ),
    ("string", "string", "The value as a string."),
    ("striptags", "striptags(preserveLinebreaks = false)", "The text without HTML/XML tags, whitespace collapsed."),
    ("sum", "sum(attribute?, start = 0)", "The sum of the items (of their `attribute` when given), plus `start`."),
    ("title", "title", "Every word capitalised."),
    ("trim", "trim", "The text without leading and trailing whitespace."),
    (
        "truncate",
        "truncate(length = 255, killwords = false, end = '...')",
        "The text cut to `length` characters (at a word boundary unless `killwords`), `end` appended.",
    ),
    ("upper", "upper", "The text in upper case."),
    ("urlencode", "urlencode", "The text (or an object's keys and values) percent-encoded for a URL."),
    ("urlize", "urlize(length?, nofollow = false)", "URLs in the text turned into links."),
    ("wordcount", "wordcount", "The number of words in the text."),
    ("parseRepoUrl", "parseRepoUrl", "Parses a repository URL from RepoUrlPicker into `{host, owner, repo, …}`."),
    ("parseEntityRef", "parseEntityRef(context?)", "Splits an entity reference into `{kind, namespace, name}`."),
    ("pick", "pick(property)", "The property `property` of an object."),
    ("projectSlug", "projectSlug", "`owner/repo` from a repository URL from RepoUrlPicker."),
];

/// `(name, signature, what it does)`.
const GLOBALS: &[(&str, &str, &str)] = &[
    ("range", "range(start, stop?, step = 1)", "A list of numbers from `start` (or 0) up to, not including, `stop`."),
    ("cycler", "cycler(...items)", "An object whose `next()` returns the items in turn, starting over at the end."),
    ("joiner", "joiner(separator = ',')", "A function that returns '' the first time, then `separator`."),
    ("always", "always()", "True: makes a step's `if` run it even after an earlier step failed."),
    ("failure", "failure()", "Whether an earlier step of the task failed (for a step's `if`)."),
];

fn find(table: &'static [(&str, &str, &str)], name: &str) -> Option<(&'static str, &'static str)> {
    table.iter().find(|(n, _, _)| *n == name).map(|(_, signature, text)| (*signature, *text))
}

/// `(signature, description)` of a filter without a manifest description.
pub fn filter(name: &str) -> Option<(&'static str, &'static str)> {
    find(FILTERS, name)
}

/// `(signature, description)` of a built-in global function.
pub fn global(name: &str) -> Option<(&'static str, &'static str)> {
    find(GLOBALS, name)
}

#[cfg(test)]
mod tests {
    use crate::engine::builtins;

    #[test]
    fn every_built_in_name_is_documented() {
        for name in builtins::FILTERS.iter().chain(builtins::BACKSTAGE_FILTERS) {
            assert!(super::filter(name).is_some(), "filter {name}");
        }
        for name in builtins::GLOBALS.iter().chain(builtins::BACKSTAGE_WORKFLOW_GLOBALS) {
            assert!(super::global(name).is_some(), "global {name}");
        }
    }
}
