//! The YAML reader as a whole: values as the catalog reads them, spans, oddities and refusals
//! (the parts have their own tests beside them; plugin-wrapper/test/yaml-differential.test.cjs
//! compares thousands of documents with npm `yaml` itself).

use serde_json::json;

use super::*;

fn read(source: &str) -> Vec<Value> {
    parse_documents(source, None).unwrap_or_else(|e| panic!("{source:?}: {e}")).into_iter().map(|d| d.value).collect()
}

fn refused(source: &str) -> TrellisError {
    match parse_documents(source, Some("t.yaml")) {
        Ok(docs) => panic!("{source:?} was read: {:?}", docs.iter().map(|d| &d.value).collect::<Vec<_>>()),
        Err(error) => error,
    }
}

fn oddities(source: &str) -> Vec<(u32, u32, String)> {
    parse_documents(source, None)
        .unwrap()
        .iter()
        .flat_map(|d| {
            d.map.oddities().iter().map(|o| (o.span.line, o.span.column, o.message.clone())).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn deep_nesting_and_alias_bombs_are_errors() {
    let deep = format!("{}x\n", "- ".repeat(10_000));
    let error = parse_documents(&deep, Some("t.yaml")).unwrap_err();
    assert_eq!(error.rule, "yaml-syntax");
    assert!(error.message.contains("nests deeper than 128 levels"), "{}", error.message);
    assert_eq!(error.span.map(|s| s.line), Some(1));
    assert!(parse_documents(&format!("{}x\n", "- ".repeat(MAX_DEPTH)), None).is_ok());

    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        bomb.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    let error = parse_documents(&bomb, None).unwrap_err();
    assert!(error.message.contains("alias"), "{}", error.message);

    let huge = format!("a: '{}'\n", "x".repeat(MAX_SOURCE_BYTES));
    let error = parse_documents(&huge, None).unwrap_err();
    assert_eq!(error.message, "the file is 4.0 MB, more than the 4 MB Trellis reads");
}

#[test]
fn aliases_follow_npm_yaml_limits() {
    // One anchor used 99 times is fine; the 100th use makes 101 × 1 > 100.
    let uses = |n: usize| format!("a: &x 1\nb: [{}]\n", vec!["*x"; n].join(", "));
    assert_eq!(read(&uses(99))[0]["b"].as_array().map(Vec::len), Some(99));
    assert!(refused(&uses(100)).message.contains("used too often"));
    // An empty collection counts no aliases, however often it is used.
    let empty = format!("a: &x []\nb: [{}]\n", vec!["*x"; 300].join(", "));
    assert_eq!(read(&empty)[0]["b"].as_array().map(Vec::len), Some(300));
    // Large anchors: Trellis' own budget of copied nodes.
    let big = format!("a: &x [{}]\nb: [{}]\n", vec!["1"; 2000].join(", "), vec!["*x"; 60].join(", "));
    assert!(refused(&big).message.contains("copy more than"));
}

#[test]
fn aliases_resolve_within_their_document_only() {
    assert_eq!(read("a: &x 1\nb: &x 2\nc: *x\n"), vec![json!({"a": 1, "b": 2, "c": 2})]);
    assert!(refused("a: &x 1\n---\nb: *x\n").message.contains("names no anchor"));
    assert!(refused("a: &x [*x]\n").message.contains("circular"));
}

#[test]
fn keeps_yaml_1_2_scalars_and_spans() {
    let docs = parse_documents("a: yes\nb: 0o14\nc:\n  - x\n", None).unwrap();
    let doc = &docs[0];
    assert_eq!(doc.value, json!({"a": "yes", "b": 12, "c": ["x"]}));
    let c0 = doc.map.get("/c/0").unwrap();
    assert_eq!((c0.value.line, c0.value.column), (4, 5));
    let b = doc.map.get("/b").unwrap();
    assert_eq!((b.key.unwrap().line, b.key.unwrap().column), (2, 1));
}

#[test]
fn core_schema_as_the_catalog_reads_it() {
    let value = &read("a: [yes, No, on, ~, null, Null, '', 0x1F, 0o17, 017, +12, 1e3, .5, 5., .inf, -.Inf, .nan, 1_000, 0b101, 12345678901234567890, -0, 1.50]\n")[0];
    assert_eq!(
        value["a"],
        json!([
            "yes",
            "No",
            "on",
            null,
            null,
            null,
            "",
            31,
            15,
            17,
            12,
            1000,
            0.5,
            5,
            null,
            null,
            null,
            "1_000",
            "0b101",
            12345678901234567890.0,
            0,
            1.5
        ])
    );
    assert_eq!(
        read("a: !!str 1\nb: !!int '2'\nc: !!float 1\nd: !custom x\ne: !!timestamp 2001-12-14\n")[0],
        json!({"a": "1", "b": 2, "c": "1", "d": "x", "e": "2001-12-14T00:00:00.000Z"})
    );
}

#[test]
fn keys_as_javascript_objects_hold_them() {
    // null is "", numbers as JavaScript prints them, array indices first.
    let value = &read("b: 1\n~: 2\n0x10: 3\n1e3: 4\n.inf: 5\n2: 6\n1: 7\n")[0];
    assert_eq!(serde_json::to_string(value).unwrap(), r#"{"1":7,"2":6,"16":3,"1000":4,"b":1,"":2,"Infinity":5}"#);
    // Keys that only print alike: the first place, the last value, and an oddity.
    assert_eq!(serde_json::to_string(&read("1: a\nx: b\n\"1\": c\n")[0]).unwrap(), r#"{"1":"c","x":"b"}"#);
    assert!(oddities("1: a\n\"1\": c\n")
        .iter()
        .any(|(line, _, m)| *line == 2 && m.contains("already in this mapping")));
}

#[test]
fn duplicate_keys_are_refused_at_the_second_key() {
    for source in ["a: 1\na: 2\n", "1: a\n1.0: b\n", "null: a\n~: b\n", "0: a\n-0: b\n", "x:\n  k: 1\n  'k': 2\n"] {
        let error = refused(source);
        assert!(error.message.contains("already in this mapping"), "{source:?}: {}", error.message);
        let line = source.lines().count() as u32;
        assert_eq!(error.span.map(|s| s.line), Some(line), "{source:?}");
    }
    // NaN equals nothing.
    assert_eq!(read(".nan: a\n.nan: b\n")[0], json!({"NaN": "b"}));
}

#[test]
fn collection_keys_are_stringified_as_npm_yaml_prints_them() {
    assert_eq!(read("allowedHosts: [ {{ host }} ]\n")[0], json!({"allowedHosts": [{"{ host }": null}]}));
    assert_eq!(
        read("name: {{ cookiecutter.name | jsonify }}\n")[0],
        json!({"name": {"{ cookiecutter.name | jsonify }": null}})
    );
    assert_eq!(read("{{ host }}: 2\n")[0], json!({"{ ? { host } }": 2}));
    assert_eq!(
        read("[1, \"two\", 3.0, true, ~, 0x1F, 1.50, 1e3]: x\n")[0],
        json!({"[ 1, \"two\", 3.0, true, ~, 0x1f, 1.50, 1e+3 ]": "x"})
    );
    assert_eq!(read("? - a\n  - b\n: x\n")[0], json!({"[ a, b ]": "x"}));
    assert_eq!(read("? &k [1, 2]\n: a\nb: *k\n*k : c\n")[0], json!({"[ 1, 2 ]": "a", "b": [1, 2], "*k": "c"}));
    let long = format!("[{}end]: x\n", "item, ".repeat(20));
    let key = read(&long)[0].as_object().unwrap().keys().next().unwrap().clone();
    assert!(key.starts_with("[\n  item,\n  item,") && key.ends_with("\n  end\n]"), "{key}");
    let odd = oddities("allowedHosts: [ {{ host }} ]\n");
    assert_eq!(odd.len(), 1);
    assert_eq!((odd[0].0, odd[0].1), (1, 18));
    assert!(odd[0].2.contains("\"{ host }\""), "{}", odd[0].2);
}

#[test]
fn yaml_1_1_types_npm_yaml_knows_by_name() {
    assert_eq!(read("a: !!binary aGk=\n")[0], json!({"a": {"type": "Buffer", "data": [104, 105]}}));
    assert_eq!(
        read("a: !!set {x, y: ~}\nb: !!omap [x: 1, y: 2]\nc: !!pairs [x: 1, y]\n")[0],
        json!({"a": {}, "b": {}, "c": [{"x": 1}, {"y": null}]})
    );
    // On the other kind of collection, the tag is ignored.
    assert_eq!(read("a: !!set [x]\nb: !!omap {x: 1}\n")[0], json!({"a": ["x"], "b": {"x": 1}}));
    assert!(refused("a: !!set {x: 1}\n").message.contains("null values"));
    assert!(refused("a: !!omap [{x: 1, y: 2}]\n").message.contains("its own `-`"));
    assert!(refused("a: !!omap [x: 1, x: 2]\n").message.contains("duplicate keys"));
}

#[test]
fn merge_keys_are_ordinary_keys() {
    assert_eq!(
        read("base: &b {a: 1}\nx:\n  <<: *b\n  c: 2\n")[0],
        json!({"base": {"a": 1}, "x": {"<<": {"a": 1}, "c": 2}})
    );
    assert!(oddities("x:\n  <<: {a: 1}\n")
        .iter()
        .any(|(line, column, m)| (*line, *column) == (2, 3) && m.contains("merge")));
}

#[test]
fn unknown_tags_are_oddities_not_refusals() {
    let odd = oddities("a: !custom x\nb: !!float 1\nc: !!map [1]\n");
    assert_eq!(odd.iter().map(|(line, column, _)| (*line, *column)).collect::<Vec<_>>(), vec![(1, 4), (2, 4), (3, 4)]);
    assert!(refused("a: !!timestamp soon\n").message.contains("!!timestamp"));
}

#[test]
fn line_breaks_bom_and_tabs_as_npm_yaml_reads_them() {
    assert_eq!(read("a: 1\r\nb: [x,\r\n  y]\r\n"), vec![json!({"a": 1, "b": ["x", "y"]})]);
    // A lone CR is text to the catalog: one line, and errors on line 1.
    assert_eq!(read("a: x\ry\n"), vec![json!({"a": "x\ry"})]);
    assert!(oddities("a: x\ry\n")[0].2.contains("carriage return"));
    let error = refused("a: 1\rb: 2\rc: 3\r");
    assert_eq!(error.span.map(|s| s.line), Some(1));
    assert!(error.message.contains("old Mac line endings"), "{}", error.message);
    assert_eq!(read("a: x\0y\n"), vec![json!({"a": "x\0y"})]);
    // A byte order mark is skipped and counted as a column on line 1.
    let docs = parse_documents("\u{feff}a: 1\n", None).unwrap();
    assert_eq!(docs[0].value, json!({"a": 1}));
    assert_eq!(docs[0].map.get("/a").unwrap().value.column, 5);
    assert_eq!(refused("\u{feff}- a\n").span.map(|s| (s.line, s.column)), Some((1, 4)));
    // A tab after `:` separates; a tab does not indent.
    assert_eq!(read("a:\t1\nb:\t\"x\"\n"), vec![json!({"a": 1, "b": "x"})]);
    assert!(refused("\tx: 1\n").message.contains("tab"));
    assert!(refused("a:\n \t b: 1\n").message.contains("tab"));
    assert_eq!(read("a:\n  \tb\n"), vec![json!({"a": "b"})]);
}

#[test]
fn what_npm_yaml_refuses_and_saphyr_reads_is_refused() {
    // Continuation lines must be indented past their block collection.
    let error = refused("k:\n  - 'x\n\n  y'\n");
    assert_eq!(error.span.map(|s| s.line), Some(4));
    assert_eq!(read("k:\n  - 'x\n\n   y'\n"), vec![json!({"k": ["x\ny"]})]);
    // A plain value in a flow collection cannot start with a block scalar indicator.
    assert!(refused("a: [1, >2]\n").message.contains("cannot start with `>`"));
    // A flow collection as a later key of an indented mapping.
    let error = refused("x:\n  a: 1\n  [b]: 2\n");
    assert_eq!(error.span.map(|s| (s.line, s.column)), Some((3, 3)));
    assert!(error.message.contains("Map comment with trailing content"));
    assert_eq!(read("x:\n  [b]: 2\n  a: 1\n"), vec![json!({"x": {"[ b ]": 2, "a": 1}})]);
    assert_eq!(read("x:\n  a:\n  [b]: 2\n"), vec![json!({"x": {"a": null, "[ b ]": 2}})]);
    assert_eq!(read("a: 1\n[b]: 2\n"), vec![json!({"a": 1, "[ b ]": 2})]);
    assert!(refused("a: 1\n\n[b]: 2\n").message.contains("Map comment"));
    assert_eq!(read("a: 1\n\n  # c\n[b]: 2\n"), vec![json!({"a": 1, "[ b ]": 2})]);
}

#[test]
fn a_yaml_1_1_document_is_an_oddity() {
    let odd = oddities("a: 1\n---\nb: 2\n...\n%YAML 1.1\n---\nc: yes\n");
    assert_eq!(odd.len(), 1);
    assert_eq!(odd[0].0, 6);
    assert!(odd[0].2.contains("YAML 1.1"));
    assert!(oddities("%YAML 1.2\n---\nc: yes\n").is_empty());
}

#[test]
fn multi_document_files_and_empty_documents() {
    assert_eq!(read("---\na: 1\n---\n---\nb: 2\n...\n"), vec![json!({"a": 1}), Value::Null, json!({"b": 2})]);
    assert!(read("").is_empty());
    assert_eq!(read("a:\n- \n"), vec![json!({"a": [null]})]);
}

#[test]
fn spans_count_characters_not_bytes() {
    let source = "é: ñ\nb: |\n  x ${{ y }}\n";
    let docs = parse_documents(source, None).unwrap();
    let b = docs[0].map.get("/b").unwrap();
    let chars: Vec<char> = source.chars().collect();
    let raw: String = chars[b.chars.0..b.chars.1].iter().collect();
    // Block scalars span their content, quoted ones include the quotes.
    assert_eq!(raw, "x ${{ y }}\n");
    let e = docs[0].map.get("/é").unwrap();
    assert_eq!((e.value.line, e.value.column), (1, 4));
}

#[test]
fn tagged_and_anchored_values_span_their_content() {
    let docs = parse_documents("a: !!str 'x'\nb: &n\n  - 1\n", None).unwrap();
    let a = docs[0].map.get("/a").unwrap();
    assert_eq!((a.value.line, a.value.column), (1, 10));
    assert_eq!(a.chars.0, 9);
    // An alias's copy points at the alias, its inside into the anchored node.
    let docs = parse_documents("a: &x\n  k: v\nb: *x\n", None).unwrap();
    assert_eq!(docs[0].map.get("/b").unwrap().value.line, 3);
    assert_eq!(docs[0].map.get("/b/k").unwrap().value.line, 2);
}

#[test]
fn syntax_error_has_line_and_column() {
    let error = parse_documents("a: [1, 2\nb: c\n", Some("t.yaml")).unwrap_err();
    assert_eq!(error.rule, "yaml-syntax");
    assert!(error.span.is_some());
    assert!(error.to_string().starts_with("t.yaml:"), "{error}");
}

#[test]
fn locate_falls_back_to_the_closest_ancestor() {
    let docs = parse_documents("a:\n  b: 1\n", None).unwrap();
    let found = docs[0].map.locate("/a/b/c/d").unwrap();
    assert_eq!(found.value.line, 2);
}
