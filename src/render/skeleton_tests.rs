use serde_json::json;

use super::*;

fn file(path: &str, content: &str) -> SkeletonEntry {
    SkeletonEntry { path: path.into(), kind: EntryKind::File, content: content.into(), mode: 0o644, link_target: None }
}

fn bytes(path: &str, content: &[u8], mode: u32) -> SkeletonEntry {
    SkeletonEntry { path: path.into(), kind: EntryKind::File, content: content.to_vec(), mode, link_target: None }
}

fn dir(path: &str) -> SkeletonEntry {
    SkeletonEntry { path: path.into(), kind: EntryKind::Directory, content: Vec::new(), mode: 0o755, link_target: None }
}

fn link(path: &str, target: &str) -> SkeletonEntry {
    SkeletonEntry {
        path: path.into(),
        kind: EntryKind::Symlink,
        content: Vec::new(),
        mode: 0o777,
        link_target: Some(target.into()),
    }
}

fn render(files: &[SkeletonEntry], values: Json, options: &SkeletonOptions) -> Result<SkeletonResult, SkeletonError> {
    render_skeleton(files, &values, options)
}

/// Output paths with their content as text (directories as `dir/`, symlinks as `l -> t`).
fn tree(result: &SkeletonResult) -> Vec<String> {
    result
        .files
        .iter()
        .map(|f| match f.kind {
            EntryKind::Directory => format!("{}/", f.path),
            EntryKind::Symlink => format!("{} -> {}", f.path, f.link_target.as_deref().unwrap_or("")),
            EntryKind::File => format!("{}={}", f.path, String::from_utf8_lossy(&f.content)),
            EntryKind::Other => format!("{}?", f.path),
        })
        .collect()
}

fn ok(files: &[SkeletonEntry], values: Json, options: &SkeletonOptions) -> Vec<String> {
    tree(&render(files, values, options).unwrap())
}

fn error(files: &[SkeletonEntry], values: Json, options: &SkeletonOptions) -> SkeletonError {
    render(files, values, options).unwrap_err()
}

fn with_patterns(patterns: &[&str]) -> SkeletonOptions {
    SkeletonOptions { copy_without_templating: patterns.iter().map(|p| p.to_string()).collect(), ..Default::default() }
}

#[test]
fn names_and_contents_are_rendered_with_values() {
    let files = [dir("${{ values.name }}"), file("${{ values.name }}/README.md", "# ${{ values.name | upper }}\n")];
    assert_eq!(ok(&files, json!({"name": "svc"}), &Default::default()), ["svc/", "svc/README.md=# SVC\n"]);
}

#[test]
fn the_skip_rule_drops_empty_slash_leading_and_double_slash_paths() {
    let files = [
        file("${{ values.none }}", "empty"),
        dir("${{ values.none }}"),
        file("${{ values.none }}/child", "under a skipped directory"),
        file("{% if values.flag %}opt{% endif %}.txt", "x"),
        dir("d"),
        dir("d/${{ values.none }}"),
        file("d/${{ values.none }}/x", "d//x"),
        file("keep", "k"),
    ];
    let result = render(&files, json!({"flag": false}), &Default::default()).unwrap();
    let skipped: Vec<(&str, &str)> =
        result.skipped.iter().map(|s| (s.path.as_str(), s.rendered_path.as_str())).collect();
    assert_eq!(
        skipped,
        [
            ("${{ values.none }}", ""),
            ("${{ values.none }}", "/"),
            ("${{ values.none }}/child", "/child"),
            ("d/${{ values.none }}", "d//"),
            ("d/${{ values.none }}/x", "d//x")
        ]
    );
    // `.txt` survives (Backstage writes it).
    assert_eq!(tree(&result), [".txt=x", "d/", "keep=k"]);
    // A *file* whose path renders to `d/` names no file.
    let e = error(&[file("d/${{ values.none }}", "")], json!({}), &Default::default());
    assert_eq!((e.code, e.path.as_str()), ("unsafe_path", "d/${{ values.none }}"));
}

#[test]
fn copy_without_templating_follows_globby() {
    let files = [
        dir("static"),
        file("static/a.txt", "${{ values.x }}"),
        dir("static/keep"),
        file("static/keep/b.txt", "${{ values.x }}"),
        file(".env", "${{ values.x }}"),
        file("${{ values.x }}.md", "${{ values.x }}"),
        file("c.txt", "${{ values.x }}"),
    ];
    let options = with_patterns(&["static", "!static/keep/**", "*.md", ".env"]);
    assert_eq!(
        ok(&files, json!({"x": "X"}), &options),
        [
            "static/",
            "static/a.txt=${{ values.x }}",
            "static/keep/",
            "static/keep/b.txt=X",
            ".env=${{ values.x }}",
            // The name is rendered, the pattern matches the name as it is in the skeleton.
            "X.md=${{ values.x }}",
            "c.txt=X"
        ]
    );
    // `*` and `?` stay in one segment; `**` crosses; dotfiles match `*`.
    let options = with_patterns(&["*"]);
    assert_eq!(ok(&files[..2], json!({"x": "X"}), &options), ["static/", "static/a.txt=X"]);
    let options = with_patterns(&["**/*.txt"]);
    assert_eq!(ok(&files[3..5], json!({"x": "X"}), &options), ["static/keep/b.txt=${{ values.x }}", ".env=X"]);
    let options = with_patterns(&["./.e?v"]);
    assert_eq!(ok(&files[4..5], json!({"x": "X"}), &options), [".env=${{ values.x }}"]);
}

#[test]
fn extension_mode_renders_only_template_files_and_strips_the_extension() {
    let options = SkeletonOptions::from_inputs(None, Some(&json!(true)), false).unwrap();
    let files = [
        file("${{ values.n }}.yaml.njk", "n: ${{ values.n }}"),
        file("${{ values.n }}.txt", "${{ values.n }}"),
        file(".njk", "${{ values.n }}"),
        dir("x.njk"),
        file("x.njk/in.txt", "plain"),
    ];
    // A directory `x.njk` loses the extension from its marked location `x.njk/`: `x.` (as Backstage).
    assert_eq!(
        ok(&files, json!({"n": "svc"}), &options),
        ["svc.yaml=n: svc", "svc.txt=${{ values.n }}", ".njk=${{ values.n }}", "x./", "x.njk/in.txt=plain"]
    );
    let options = SkeletonOptions::from_inputs(None, Some(&json!("tmpl")), false).unwrap();
    assert_eq!(options.template_file_extension.as_deref(), Some(".tmpl"));
    assert_eq!(ok(&[file("a.tmpl", "${{ 1 + 1 }}")], json!({}), &options), ["a=2"]);
    for false_like in [json!(false), json!(""), Json::Null] {
        assert_eq!(SkeletonOptions::from_inputs(None, Some(&false_like), false).unwrap().template_file_extension, None);
    }
}

#[test]
fn extension_mode_excludes_copy_without_templating_and_cookiecutter() {
    for (patterns, cookiecutter) in [(Some(json!([])), false), (Some(json!(["a"])), false), (None, true)] {
        let e = SkeletonOptions::from_inputs(patterns.as_ref(), Some(&json!(".njk")), cookiecutter).unwrap_err();
        assert_eq!(e.code, "invalid_option");
    }
    assert_eq!(SkeletonOptions::from_inputs(Some(&json!("a")), None, false).unwrap_err().code, "invalid_option");
    assert_eq!(SkeletonOptions::from_inputs(None, Some(&json!(3)), false).unwrap_err().code, "invalid_option");
    let options = SkeletonOptions {
        template_file_extension: Some(".njk".into()),
        cookiecutter_compat: true,
        ..Default::default()
    };
    assert_eq!(error(&[file("a", "")], json!({}), &options).code, "invalid_option");
}

#[test]
fn cookiecutter_mode_reads_double_braces_and_jsonify() {
    let options = SkeletonOptions { cookiecutter_compat: true, ..Default::default() };
    let files = [file("{{ cookiecutter.name }}.json", "{{ cookiecutter.tags | jsonify }} ${{ kept }}")];
    assert_eq!(ok(&files, json!({"name": "svc", "tags": ["a"]}), &options), [r#"svc.json=["a"] $"#]);
}

#[test]
fn binaries_are_copied_but_their_names_rendered() {
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR${{ values.n }}";
    let result =
        render(&[bytes("${{ values.n }}.png", png, 0o600)], json!({"n": "logo"}), &Default::default()).unwrap();
    assert_eq!(result.files[0].path, "logo.png");
    assert_eq!(result.files[0].content, png);
    assert_eq!(result.files[0].mode, 0o600);
}

#[test]
fn text_keeps_bom_and_crlf_and_invalid_utf8_becomes_replacement_characters() {
    let source = b"\xef\xbb\xbfname: ${{ values.n }}\r\nnext\r\n";
    let result = render(&[bytes("a.txt", source, 0o644)], json!({"n": "svc"}), &Default::default()).unwrap();
    assert_eq!(result.files[0].content, b"\xef\xbb\xbfname: svc\r\nnext\r\n");
    // As Node's readFile(…, 'utf-8'): a stray byte in text is U+FFFD, rendered or copied.
    let stray = b"caf\xe9 ${{ values.n }}\n".repeat(20);
    let options = with_patterns(&["copied.txt"]);
    let files = [bytes("r.txt", &stray, 0o644), bytes("copied.txt", &stray, 0o644)];
    let result = render(&files, json!({"n": "x"}), &options).unwrap();
    assert!(String::from_utf8(result.files[0].content.clone()).unwrap().starts_with("caf\u{fffd} x\n"));
    assert!(String::from_utf8(result.files[1].content.clone()).unwrap().starts_with("caf\u{fffd} ${{ values.n }}\n"));
}

#[test]
fn trim_and_lstrip_blocks_apply_to_contents() {
    let source = "a\n  {% if true %}\nb\n  {% endif %}\nc\n";
    let options = SkeletonOptions { trim_blocks: true, lstrip_blocks: true, ..Default::default() };
    assert_eq!(ok(&[file("f", source)], json!({}), &options), ["f=a\nb\nc\n"]);
    assert_eq!(ok(&[file("f", source)], json!({}), &Default::default()), ["f=a\n  \nb\n  \nc\n"]);
}

#[test]
fn modes_are_kept_and_unknown_is_0644() {
    let files = [bytes("run.sh", b"#!/bin/sh\n", 0o100755), bytes("plain", b"x", 0)];
    let result = render(&files, json!({}), &Default::default()).unwrap();
    assert_eq!((result.files[0].mode, result.files[1].mode), (0o755, 0o644));
}

#[test]
fn paths_that_would_leave_the_target_are_errors() {
    for (name, values) in [
        ("${{ values.p }}", json!({"p": "../escape"})),
        ("a/${{ values.p }}/b", json!({"p": ".."})),
        ("${{ values.p }}", json!({"p": "a\\..\\..\\x"})),
        ("${{ values.p }}", json!({"p": "C:/Windows/x"})),
        ("${{ values.p }}", json!({"p": "c:x"})),
        ("${{ values.p }}", json!({"p": "a\u{0}b"})),
        ("${{ values.p }}", json!({"p": "."})),
    ] {
        let e = error(&[file(name, "x")], values.clone(), &Default::default());
        assert_eq!((e.code, e.path.as_str()), ("unsafe_path", name), "{values}");
    }
    // Absolute paths are Backstage's skip rule, not an error.
    let result = render(&[file("${{ values.p }}", "x")], json!({"p": "/etc/passwd"}), &Default::default()).unwrap();
    assert_eq!((result.files.len(), result.skipped[0].rendered_path.as_str()), (0, "/etc/passwd"));
    // `.` segments are harmless; a directory rendering to `.` is the target itself.
    let files = [dir("${{ values.d }}"), file("${{ values.d }}/x", "1")];
    let result = render(&files, json!({"d": "."}), &Default::default()).unwrap();
    assert_eq!((tree(&result), result.skipped.len()), (vec!["x=1".to_string()], 1));
    // Input paths must be relative and normalised.
    for bad in ["../x", "/x", "a//b", "a/./b", "a\\b", ""] {
        assert_eq!(error(&[file(bad, "")], json!({}), &Default::default()).code, "unsafe_path", "{bad}");
    }
}

#[test]
fn symlinks_stay_inside_both_trees() {
    let inside = [dir("d"), file("d/f", "x"), link("d/l", "f"), link("up", "d/../d/f"), link("dl", "d")];
    assert_eq!(ok(&inside, json!({}), &Default::default()), ["d/", "d/f=x", "d/l -> f", "up -> d/../d/f", "dl -> d"]);
    // A dangling link that stays inside is kept (its target may come later).
    assert_eq!(ok(&[link("later", "not/yet")], json!({}), &Default::default()), ["later -> not/yet"]);
    let outside: &[(&[SkeletonEntry], &str)] = &[
        (&[link("l", "../outside")], "l"),
        (&[link("l", "/etc/passwd")], "l"),
        (&[link("l", "C:/x")], "l"),
        (&[link("l", "a\\..\\..\\x")], "l"),
        (&[link("l", "")], "l"),
        // CVE-2026-24046/24047 shapes: a chain whose last link escapes…
        (&[link("a", "b"), link("b", "../../etc")], "a"),
        // …a dangling target outside that a later write would create…
        (&[dir("d"), link("d/l", "../../not-yet")], "d/l"),
        // …and `..` after a link to `.`: lexically inside, really outside.
        (&[link("here", "."), link("x", "here/../y")], "x"),
        (&[dir("a"), link("a/self", "."), link("a/x", "self/self/../../escape")], "a/x"),
        // A loop.
        (&[link("p", "q"), link("q", "p")], "p"),
    ];
    for (files, culprit) in outside {
        let e = error(files, json!({}), &Default::default());
        assert_eq!((e.code, e.path.as_str()), ("unsafe_symlink", *culprit), "{files:?}");
    }
    // Inside the skeleton, outside the target: the link's directory renders away.
    let files = [dir("{% if values.deep %}a{% endif %}"), link("{% if values.deep %}a/{% endif %}l", "../x")];
    let e = error(&files[1..], json!({"deep": false}), &Default::default());
    assert_eq!(e.code, "unsafe_symlink");
    assert!(e.message.contains("target"), "{}", e.message);
    // Entries below a symlink would be written through it.
    let e = error(&[link("l", "d"), dir("d"), file("l/x", "")], json!({}), &Default::default());
    assert_eq!((e.code, e.path.as_str()), ("unsafe_symlink", "l/x"));
}

#[test]
fn the_first_entry_rendering_to_a_path_wins() {
    let files = [file("${{ values.a }}", "first"), file("${{ values.b }}", "second"), dir("${{ values.a }}")];
    let result = render(&files, json!({"a": "same", "b": "same"}), &Default::default()).unwrap();
    assert_eq!(tree(&result), ["same=first"]);
    assert_eq!(result.skipped.len(), 2);
    assert!(result.skipped[0].reason.contains("already produced"));
    // A file where a directory is needed.
    let e = error(&[file("a", ""), file("${{ values.a }}/b", "")], json!({"a": "a"}), &Default::default());
    assert_eq!((e.code, e.path.as_str()), ("path_conflict", "${{ values.a }}/b"));
    // Children before their directory entry are fine.
    assert_eq!(ok(&[file("d/x", "1"), dir("d")], json!({}), &Default::default()), ["d/x=1", "d/"]);
}

#[test]
fn errors_are_located_in_the_file_or_in_its_name() {
    let e = error(&[file("a.txt", "line\n  ${{ values.x | nosuch }}\n")], json!({}), &Default::default());
    assert_eq!((e.path.as_str(), e.line, e.column, e.code), ("a.txt", Some(2), Some(18), "render_error"));
    assert_eq!(e.to_string().split(':').take(3).collect::<Vec<_>>(), ["a.txt", "2", "18"]);
    let e = error(&[file("a.txt", "ok\n\n ${{ values.x + }}")], json!({}), &Default::default());
    assert_eq!((e.line, e.code), (Some(3), "syntax_error"));
    let e = error(&[file("dir/${{ values.x | nosuch }}.txt", "")], json!({}), &Default::default());
    assert_eq!((e.line, e.column, e.code), (Some(1), Some(20), "render_error"));
    assert!(e.message.contains("in the path"), "{}", e.message);
    let strict = SkeletonOptions { strict: true, ..Default::default() };
    let e = error(&[file("a", "\n${{ values.missing }}")], json!({}), &strict);
    assert_eq!((e.line, e.code), (Some(2), "render_error"));
}

#[test]
fn work_and_output_are_bounded() {
    let limits = Limits { work_units: 1000, ..Limits::default() };
    let options = SkeletonOptions { limits, ..Default::default() };
    let e = error(&[file("loop", "{% for i in range(100000) %}x{% endfor %}")], json!({}), &options);
    assert_eq!((e.code, e.path.as_str()), ("limit_error", "loop"));
    let options = SkeletonOptions { max_total_output: 10, ..Default::default() };
    let e = error(&[file("a", "123456"), file("b", "123456")], json!({}), &options);
    assert_eq!((e.code, e.path.as_str()), ("limit_error", "b"));
}

#[test]
fn fetch_template_has_no_workflow_globals() {
    let e = error(&[file("a", "${{ always() }}")], json!({}), &Default::default());
    assert_eq!(e.code, "render_error");
    assert_eq!(
        ok(&[file("a", "${{ 'github.com?owner=o&repo=r' | projectSlug }}")], json!({}), &Default::default()),
        ["a=o/r"]
    );
}

#[test]
fn secrets_passed_in_values_never_appear_in_errors() {
    let secret = "ghp_S3cretT0ken";
    let options = SkeletonOptions { secrets: vec![secret.into()], ..Default::default() };
    // parseEntityRef quotes its input in its error; the file name and content variants both fail.
    for files in [
        vec![file("config.yaml", "token: ${{ values.token | parseEntityRef }}\n")],
        vec![file("config.yaml", "token: ${{ values.token | reverse | parseEntityRef }}\n")],
        vec![file("${{ values.token | parseEntityRef }}.txt", "x")],
    ] {
        let failure = error(&files, json!({"token": secret}), &options);
        let shown = format!("{failure} {}", failure.hint.as_deref().unwrap_or(""));
        assert!(shown.contains("Entity reference"), "{shown}");
        for leaked in [secret, "S3cret", "nek0Tterc3S_phg"] {
            assert!(!shown.contains(leaked), "leaked: {shown}");
        }
    }
    // Without being told, the same value is quoted (so the test above can fail).
    let failure =
        error(&[file("a", "${{ values.token | parseEntityRef }}")], json!({"token": secret}), &Default::default());
    assert!(failure.to_string().contains("S3cret"), "{failure}");
}
