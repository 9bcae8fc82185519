use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::check::skeleton::EntryKind;

/// Files in memory, paths relative to the repository root `repo`.
struct Files(BTreeMap<String, Vec<u8>>);

impl Files {
    fn new(files: &[(&str, &str)]) -> Files {
        Files(files.iter().map(|(p, t)| (format!("repo/{p}"), t.as_bytes().to_vec())).collect())
    }
}

impl SkeletonSource for Files {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        if self.0.contains_key(path) {
            return Ok(Some(EntryKind::File));
        }
        let below = format!("{path}/");
        Ok(self.0.keys().any(|p| p.starts_with(&below)).then_some(EntryKind::Directory))
    }
    fn list(&self, _path: &str) -> Result<Vec<(String, EntryKind)>, String> {
        Ok(Vec::new())
    }
    fn read(&self, path: &str, max: u64) -> Result<Vec<u8>, ReadError> {
        match self.0.get(path) {
            Some(bytes) if bytes.len() as u64 > max => Err(ReadError::TooLarge(bytes.len() as u64)),
            Some(bytes) => Ok(bytes.clone()),
            None => Err(ReadError::Failed(format!("no {path}"))),
        }
    }
    fn root(&self, _template_path: &str) -> Option<String> {
        Some("repo".into())
    }
}

const TEMPLATE: &str = "repo/templates/a/template.yaml";

fn resolve_text(template: &str, files: &Files) -> Resolved {
    let document = yaml::parse_documents(template, Some(TEMPLATE)).unwrap().pop().unwrap();
    resolve(document, TEMPLATE, Some(files))
}

#[test]
fn paths_resolve_as_urls_against_the_template() {
    let t = TEMPLATE;
    let root = Some("repo");
    assert_eq!(target("./x.yaml", t, root), Target::Local("repo/templates/a/x.yaml".into()));
    assert_eq!(target("x.yaml", t, root), Target::Local("repo/templates/a/x.yaml".into()));
    assert_eq!(target("../../steps/s.yaml", t, root), Target::Local("repo/steps/s.yaml".into()));
    assert_eq!(target("/steps/s.yaml", t, root), Target::Local("repo/steps/s.yaml".into()));
    assert_eq!(target("", t, root), Target::Local(t.into()));
    assert_eq!(target("./x.yaml?raw=1#top", t, root), Target::Local("repo/templates/a/x.yaml".into()));
    assert_eq!(target("a%20b.txt", t, root), Target::Local("repo/templates/a/a b.txt".into()));
    assert_eq!(target("..\\..\\x", t, root), Target::Local("repo/x".into()));
    assert_eq!(target("%2e%2e/%2E%2e/x", t, root), Target::Local("repo/x".into()));
    // A host-looking first segment is a folder to `new URL(path, base)`.
    assert_eq!(
        target("github.com/o/r/x.yaml", t, root),
        Target::Local("repo/templates/a/github.com/o/r/x.yaml".into())
    );
    assert_eq!(target("https://example.com/x.yaml", t, root), Target::Remote("https://example.com/x.yaml".into()));
    assert_eq!(target("../../../../../../etc/passwd", t, root), Target::Outside("../../../etc/passwd".into()));
    assert_eq!(target("file:///etc/passwd", t, root), Target::Outside("file:///etc/passwd".into()));
    assert!(matches!(target("a%2F..%2F..%2Fx", t, root), Target::Invalid(_)));
}

#[test]
fn placeholders_are_replaced_and_keep_their_files_positions() {
    let files = Files::new(&[
        ("steps/publish.yaml", "id: publish\naction: publish:github\ninput:\n  repoUrl: ${{ parameters.repoUrl }}\n"),
        (
            "templates/a/page.json",
            "{\n  \"title\": \"Page\",\n  \"properties\": {\"b\": {\"type\": \"string\"}, \"10\": {}, \"2\": {}}\n}",
        ),
        ("templates/a/description.md", "Made of parts\n"),
    ]);
    let template = "spec:\n  description:\n    $text: ./description.md\n  parameters:\n    - $json: page.json\n  steps:\n    - {$yaml: ../../steps/publish.yaml}\n";
    let resolved = resolve_text(template, &files);
    assert!(resolved.problems.is_empty(), "{:?}", resolved.problems);
    let value = &resolved.document.value;
    assert_eq!(value["spec"]["description"], json!("Made of parts\n"));
    assert_eq!(value["spec"]["steps"][0]["action"], json!("publish:github"));
    // JSON.parse's order: array-index keys first.
    let keys: Vec<&String> = value["spec"]["parameters"][0]["properties"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["2", "10", "b"]);
    let map = &resolved.document.map;
    let action = map.get("/spec/steps/0/action").unwrap();
    assert_eq!(map.file_name(&action.value, TEMPLATE), "repo/steps/publish.yaml");
    assert_eq!((action.value.line, action.value.column), (2, 9));
    let title = map.get("/spec/parameters/0/title").unwrap();
    assert_eq!(map.file_name(&title.value, TEMPLATE), "repo/templates/a/page.json");
    assert_eq!((title.value.line, title.value.column), (2, 12));
    let description = map.get("/spec/description").unwrap();
    assert!(map.included_file(&description.value).unwrap().verbatim);
    // The key of a replaced node is still the template's.
    assert_eq!(description.key.unwrap().file, 0);
    assert_eq!(resolved.text_of(&action.value, template).as_bytes(), files.0["repo/steps/publish.yaml"].as_slice());
}

#[test]
fn what_the_processor_does_not_resolve_stays_as_written() {
    let files = Files::new(&[("templates/a/x.yaml", "a: 1\n")]);
    // A `$` key beside others: left alone with everything below it; unknown resolvers too.
    let template = "a: {$yaml: ./x.yaml, other: 1}\nb: {$schema: x, p: {$yaml: ./x.yaml}}\nc: {$ref: '#/x'}\nd: {$yaml: ./x.yaml}\n";
    let resolved = resolve_text(template, &files);
    assert!(resolved.problems.is_empty());
    assert_eq!(
        resolved.document.value,
        json!({"a": {"$yaml": "./x.yaml", "other": 1}, "b": {"$schema": "x", "p": {"$yaml": "./x.yaml"}}, "c": {"$ref": "#/x"}, "d": {"a": 1}})
    );
}

#[test]
fn a_key_every_javascript_object_inherits_is_looked_up_as_a_resolver() {
    // The catalog's resolvers are a plain object: `$valueOf` finds Object.prototype.valueOf,
    // which throws, `$toString` and `$constructor` replace the mapping with something unrelated.
    let files = Files::new(&[("templates/a/x.yaml", "inner: {$valueOf: ./x.yaml}\n")]);
    let template = "a: {$valueOf: ./x.yaml}\nb:\n  $toString: x\nc: {$constructor: x}\nd: {$valueOf: x, other: 1}\ne: {$yaml: ./x.yaml}\n";
    let resolved = resolve_text(template, &files);
    let found: Vec<(&str, u32, u32, &str)> =
        resolved.problems.iter().map(|p| (p.pointer.as_str(), p.span.line, p.span.column, p.rule)).collect();
    assert_eq!(found, [("/a", 1, 5, INCLUDE_RULE), ("/b", 3, 3, INCLUDE_RULE), ("/c", 4, 5, INCLUDE_RULE)]);
    assert!(
        resolved.problems[0].message.contains("the catalog refuses the template"),
        "{}",
        resolved.problems[0].message
    );
    assert!(resolved.problems[1].message.contains("`[object Undefined]`"), "{}", resolved.problems[1].message);
    assert!(resolved.problems[2].message.contains("the resolver's own arguments"), "{}", resolved.problems[2].message);
    // Left as written; beside another key it is no placeholder; inside an included file the
    // catalog looks nothing up.
    assert_eq!(resolved.document.value["a"], json!({"$valueOf": "./x.yaml"}));
    assert_eq!(resolved.document.value["e"], json!({"inner": {"$valueOf": "./x.yaml"}}));
    assert!(resolved.first_error(TEMPLATE).is_some());
}

#[test]
fn nested_placeholders_are_not_resolved_and_are_reported_where_they_are() {
    // a includes b, b includes a: the catalog resolves a's placeholder only.
    let files = Files::new(&[("templates/a/b.yaml", "title: B\nnext:\n  $yaml: ./template.yaml\n")]);
    let template = "spec:\n  part:\n    $yaml: ./b.yaml\n";
    let resolved = resolve_text(template, &files);
    assert_eq!(resolved.document.value["spec"]["part"], json!({"title": "B", "next": {"$yaml": "./template.yaml"}}));
    let [problem] = resolved.problems.as_slice() else { panic!("{:?}", resolved.problems) };
    assert_eq!(problem.rule, NESTED_RULE);
    assert_eq!(resolved.document.map.file_name(&problem.span, TEMPLATE), "repo/templates/a/b.yaml");
    assert_eq!((problem.span.line, problem.span.column), (3, 3));
    assert_eq!(problem.pointer, "/spec/part/next");
}

#[test]
fn each_failure_is_located_at_the_placeholder() {
    let big = "x".repeat(yaml::MAX_SOURCE_BYTES + 1);
    let files = Files::new(&[
        ("templates/a/two.yaml", "a: 1\n---\nb: 2\n"),
        ("templates/a/empty.yaml", ""),
        ("templates/a/big.txt", &big),
        ("templates/a/bad.yaml", "a: 1\n  b: [\n"),
        ("templates/a/bad.json", "{\"a\": 1,}"),
        ("templates/a/dir/x", ""),
    ]);
    let cases = [
        ("./missing.yaml", "there is no file `repo/templates/a/missing.yaml`", (1, 5), 0),
        ("../../../etc/passwd", "outside the repository root `repo`", (1, 5), 0),
        ("./two.yaml", "holds 2 YAML documents", (1, 1), 1),
        ("./empty.yaml", "holds 0 YAML documents", (1, 1), 1),
        ("./dir", "is a directory", (1, 5), 0),
        ("./bad.yaml", "in the file that `$yaml: ./bad.yaml` on line 1 of the template includes", (2, 4), 1),
        ("https://example.com/x.yaml", "Trellis reads only the repository", (1, 5), 0),
    ];
    for (path, wanted, (line, column), file) in cases {
        let template = format!("a: {{$yaml: '{path}'}}\n");
        let resolved = resolve_text(&template, &files);
        let [problem] = resolved.problems.as_slice() else { panic!("{path}: {:?}", resolved.problems) };
        assert!(problem.message.contains(wanted), "{path}: {}", problem.message);
        assert_eq!((problem.span.line, problem.span.column, problem.span.file), (line, column, file), "{path}");
        assert_eq!(problem.pointer, "/a");
        // The placeholder stays as written.
        assert_eq!(resolved.document.value["a"]["$yaml"], json!(path));
    }
    let resolved = resolve_text("a: {$text: ./big.txt}\nb: {$json: ./bad.json}\nc: {$yaml: 1}\n", &files);
    let messages: Vec<&str> = resolved.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages[0].contains("more than the 4 MB Trellis reads"), "{messages:?}");
    assert!(messages[1].contains("JSON syntax error: trailing comma"), "{messages:?}");
    assert!(messages[2].contains("takes a path or URL as a string, found a number"), "{messages:?}");
}

#[test]
fn without_a_reader_nothing_is_read_and_each_placeholder_says_so() {
    let document = yaml::parse_documents("a: {$yaml: ./x.yaml}\n", None).unwrap().pop().unwrap();
    let resolved = resolve(document, TEMPLATE, None);
    let [problem] = resolved.problems.as_slice() else { panic!() };
    assert_eq!(problem.gravity, Gravity::NotRead);
    assert!(resolved.first_error(TEMPLATE).is_none());
}

#[test]
fn the_total_of_included_text_is_bounded() {
    let part = "x".repeat(3 * 1024 * 1024);
    let files = Files::new(&[("templates/a/part.txt", &part)]);
    let template: String = (0..6).map(|i| format!("p{i}: {{$text: ./part.txt}}\n")).collect();
    let resolved = resolve_text(&template, &files);
    let [problem] = resolved.problems.as_slice() else { panic!("{:?}", resolved.problems) };
    assert!(problem.message.contains("past 16 MB in all"), "{}", problem.message);
    assert_eq!(problem.pointer, "/p5");
}
