use serde_json::json;

use super::*;

fn file(path: &str, content: &str) -> SkeletonEntry {
    SkeletonEntry {
        path: path.into(),
        kind: EntryKind::File,
        content: content.as_bytes().to_vec(),
        mode: 0o644,
        link_target: None,
    }
}

fn options() -> Options {
    Options { now: "2024-05-01T12:00:00+02:00".into(), seed: Some(7), ..Options::default() }
}

fn texts(result: &CookiecutterResult) -> Vec<(String, String)> {
    result
        .files
        .iter()
        .filter(|f| f.kind == EntryKind::File)
        .map(|f| (f.path.clone(), String::from_utf8_lossy(&f.content).into_owned()))
        .collect()
}

#[test]
fn renders_a_plain_template() {
    let files = vec![
        file(
            "cookiecutter.json",
            r#"{"name": "My Project", "slug": "{{ cookiecutter.name.lower().replace(' ', '-') }}", "license": ["MIT", "BSD"], "n": 3}"#,
        ),
        file(
            "{{cookiecutter.slug}}/README.md",
            "# {{ cookiecutter.name }} ({{ cookiecutter.license }}, {{ cookiecutter.n }})\r\nline\r\n",
        ),
        file("{{cookiecutter.slug}}/{% if cookiecutter.license == 'BSD' %}BSD{% endif %}", "x"),
        file("hooks/post_gen_project.py", "print(1)"),
    ];
    let result = render_cookiecutter(&files, &json!({"license": "BSD"}), &options()).unwrap();
    assert_eq!(result.project_dir, "my-project");
    assert_eq!(
        texts(&result),
        vec![
            ("my-project/README.md".into(), "# My Project (BSD, 3)\r\nline\r\n".into()),
            ("my-project/BSD".into(), "x".into()),
        ]
    );
    assert_eq!(result.warnings.len(), 1, "{:?}", result.warnings);
}

#[test]
fn undefined_variables_are_located() {
    let files = vec![
        file("cookiecutter.json", r#"{"name": "x"}"#),
        file("{{cookiecutter.name}}/a.txt", "ok\n  {{ cookiecutter.nope }}\n"),
    ];
    let error = render_cookiecutter(&files, &json!({}), &options()).unwrap_err();
    assert_eq!((error.path.as_str(), error.line, error.column), ("{{cookiecutter.name}}/a.txt", Some(2), Some(6)));
    assert!(error.message.contains("`cookiecutter.nope` is undefined"), "{}", error.message);
}

#[test]
fn now_tag_modulo_and_python_methods() {
    let files = vec![
        file("cookiecutter.json", r#"{"name": "x"}"#),
        file(
            "{{cookiecutter.name}}/a.txt",
            "{% now 'utc', '%Y-%m-%d %H' %}|{% now 'local' + 'days=1' %}|{{ '%s-%03d' % ('a', 7) }}|{{ 7 % 3 }}|{{ 'a-b-c'.rsplit('-', 1) }}|{{ 'ab'.center(6, '*') }}|{{ {'b': 1, 'a': [1.5]} | tojson }}|{{ 'Déjà vu' | slugify }}",
        ),
    ];
    let result = render_cookiecutter(&files, &json!({}), &options()).unwrap();
    assert_eq!(
        texts(&result)[0].1,
        "2024-05-01 10|2024-05-02|a-007|1|['a-b', 'c']|**ab**|{\"a\": [1.5], \"b\": 1}|deja-vu"
    );
}

#[test]
fn break_needs_loopcontrols_and_unknown_extensions_fail() {
    let files = vec![
        file("cookiecutter.json", r#"{"name": "x"}"#),
        file("{{cookiecutter.name}}/a.txt", "{% for i in [1] %}{% break %}{% endfor %}"),
    ];
    let error = render_cookiecutter(&files, &json!({}), &options()).unwrap_err();
    assert!(error.message.contains("unknown tag 'break'"), "{}", error.message);
    let files = vec![
        file("cookiecutter.json", r#"{"name": "x", "_extensions": ["local.Ext"]}"#),
        file("{{cookiecutter.name}}/a.txt", "a"),
    ];
    let error = render_cookiecutter(&files, &json!({}), &options()).unwrap_err();
    assert_eq!(error.code, "unsupported_extension");
}

#[test]
fn rendered_paths_cannot_leave_the_project() {
    for name in ["../../etc/x", "/etc/passwd", "a\\b"] {
        let files = vec![
            file("cookiecutter.json", &format!(r#"{{"name": "x", "evil": {}}}"#, serde_json::to_string(name).unwrap())),
            file("{{cookiecutter.name}}/{{cookiecutter.evil}}", "a"),
        ];
        let error = render_cookiecutter(&files, &json!({}), &options()).unwrap_err();
        assert_eq!(error.code, "unsafe_path", "{name}: {error}");
    }
}

#[test]
fn backstage_mode_composes_like_fetch_cookiecutter() {
    let files = vec![
        file("cookiecutter.json", r#"{"name": "{{ cookiecutter.other }}", "_copy_without_render": ["*.txt"]}"#),
        file("catalog-info.yaml", "name: {{ cookiecutter.name | jsonify }}\n"),
        file("raw.txt", "{{ not rendered"),
    ];
    let with_copy = Options { mode: Mode::Backstage, copy_without_render: Some(vec!["*.txt".into()]), ..options() };
    let result = render_cookiecutter(&files, &json!({"name": "svc", "other": 1.0}), &with_copy).unwrap();
    assert_eq!(result.project_dir, "contents");
    let texts = texts(&result);
    assert!(texts.contains(&("catalog-info.yaml".into(), "name: \"svc\"\n".into())), "{texts:?}");
    assert!(texts.contains(&("raw.txt".into(), "{{ not rendered".into())), "{texts:?}");
    assert!(
        texts
            .contains(&("cookiecutter.json".into(), "{\"name\": \"1\", \"_copy_without_render\": [\"*.txt\"]}".into())),
        "{texts:?}"
    );
    // Without a copyWithoutRender input the template's own list is gone, so raw.txt renders.
    let options = Options { mode: Mode::Backstage, ..options() };
    let error = render_cookiecutter(&files, &json!({"name": "svc", "other": "o"}), &options).unwrap_err();
    assert_eq!((error.code, error.path.as_str()), ("syntax_error", "raw.txt"), "{error}");
}

/// A tag longer than `MAX_TAG_TOKENS` is refused where it is written, before minijinja builds
/// a tree that recurses once per operand (20,000 terms overflowed wasm's 1 MB stack, an
/// internal error); run on a 1 MB thread here, as in wasm.
#[test]
fn a_tag_too_long_to_render_is_a_located_limit_error_not_a_stack_overflow() {
    let run = || {
        let chain = vec!["cookiecutter.a"; 20_000].join(" + ");
        let in_file = vec![
            file("cookiecutter.json", r#"{"name": "x", "a": "1"}"#),
            file("{{cookiecutter.name}}/a.txt", &format!("ok\n  {{{{ {chain} }}}}\n")),
        ];
        let file_error = render_cookiecutter(&in_file, &json!({}), &options()).unwrap_err();
        let in_name = vec![
            file("cookiecutter.json", r#"{"name": "x", "a": "1"}"#),
            file(&format!("{{{{cookiecutter.name}}}}/{{{{ {chain} }}}}.txt"), "x"),
        ];
        let name_error = render_cookiecutter(&in_name, &json!({}), &options()).unwrap_err();
        let short = vec!["cookiecutter.a"; 200].join(" + ");
        let fine = vec![
            file("cookiecutter.json", r#"{"name": "x", "a": "1"}"#),
            file("{{cookiecutter.name}}/a.txt", &format!("{{{{ {short} }}}}")),
        ];
        let rendered = render_cookiecutter(&fine, &json!({}), &options()).map(|r| texts(&r));
        (file_error, name_error, rendered)
    };
    let (file_error, name_error, rendered) =
        std::thread::Builder::new().stack_size(1 << 20).spawn(run).unwrap().join().unwrap();
    assert!(file_error.message.contains("tokens is over the 1000 Trellis renders in one tag"), "{file_error}");
    assert!(file_error.to_string().contains("a.txt:2:3:"), "{file_error}");
    assert!(name_error.message.contains("tokens is over the 1000"), "{name_error}");
    assert_eq!(name_error.code, "limit_error", "{name_error}");
    assert_eq!(rendered.unwrap(), vec![("x/a.txt".to_string(), "1".repeat(200))]);
}
