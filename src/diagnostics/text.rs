//! Diagnostics for people: a header, the location and a code frame, like rustc.
//!
//! ```text
//! error[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`
//!   --> templates/app/template.yaml:42:28
//!    |
//! 42 |       if: ${{ parameters.a && parameters.b }}
//!    |                            ^^
//!    = hint: write `parameters.a and parameters.b`
//!
//! 1 error in 1 file
//! ```
//!
//! - The gutter is as wide as the line number shown.
//! - Carets run from `column` up to (not including) `end_column`, at least one; a span that
//!   goes on past its first line is underlined to the end of that line. A column past the end of
//!   the line points just after its last character.
//! - Tabs are shown as 4 spaces and the carets move with them; other characters count 1 each.
//! - A line longer than 400 characters is cut to 400 around the span (100 before its start), and
//!   `...` stands where text was cut: a finding on a 200 KB line prints a short frame.
//! - Without the file's source (the `sources` closure returns `None`) or when the line does not
//!   exist, only the header, the `-->` line and the hint are printed.
//! - Diagnostics are separated by a blank line and followed by a summary line such as
//!   `2 errors, 1 warning in 3 files` (counts that are zero are left out; `no problems` when
//!   all are).
//! - Lines carry no trailing whitespace. With colour, ANSI escapes make the severity bold red
//!   (error), bold yellow (warning) or bold cyan (info), the message bold and the gutter bold
//!   blue; carets take the severity's colour.

use super::{Diagnostic, Severity, Summary};

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_YELLOW: &str = "\x1b[1;33m";
const BOLD_BLUE: &str = "\x1b[1;34m";
const BOLD_CYAN: &str = "\x1b[1;36m";

/// How many columns a tab takes in a code frame.
const TAB_WIDTH: usize = 4;
/// The most characters of a source line a code frame shows; a longer line is cut around the span.
const SHOWN_CHARACTERS: usize = 400;
/// Characters kept before the span's start when a line is cut.
const SHOWN_BEFORE: usize = 100;
/// What stands where a line was cut.
const CUT: &str = "...";

/// Renders `diagnostics` without colour. `sources` gives the text of a file by the name used in
/// [`Diagnostic::file`], or `None` when it is not available. The summary line counts the
/// distinct files that have diagnostics ([`Summary::of_files_in`]).
pub fn render(diagnostics: &[Diagnostic], sources: &dyn Fn(&str) -> Option<String>) -> String {
    render_with(diagnostics, sources, false)
}

/// Like [`render`], with ANSI colour when `colour` is true.
pub fn render_with(diagnostics: &[Diagnostic], sources: &dyn Fn(&str) -> Option<String>, colour: bool) -> String {
    render_report(diagnostics, sources, &Summary::of_files_in(diagnostics), colour)
}

/// Like [`render_with`], ending with the given `summary` instead of one computed from the
/// diagnostics: the CLI passes the number of files it checked, clean ones included.
pub fn render_report(
    diagnostics: &[Diagnostic],
    sources: &dyn Fn(&str) -> Option<String>,
    summary: &Summary,
    colour: bool,
) -> String {
    let paint = Paint { colour };
    let mut out = String::new();
    // Consecutive diagnostics are usually in the same file: ask for its source, and find where
    // its lines start, once.
    let mut cached: Option<(&str, Option<Lines>)> = None;
    for diagnostic in diagnostics {
        if cached.as_ref().map(|(file, _)| *file) != Some(diagnostic.file.as_str()) {
            cached = Some((diagnostic.file.as_str(), sources(&diagnostic.file).map(Lines::new)));
        }
        let source = cached.as_ref().and_then(|(_, source)| source.as_ref());
        render_one(&mut out, diagnostic, source, paint);
        out.push('\n');
    }
    out.push_str(&summary_line_with(summary, paint));
    out.push('\n');
    out
}

/// The closing line without colour, e.g. `2 errors, 1 warning in 3 files`, `1 info in 1 file`,
/// `no problems in 4 files`; ` in N files` is left out when `files` is 0.
pub fn summary_line(summary: &Summary) -> String {
    summary_line_with(summary, Paint { colour: false })
}

fn summary_line_with(summary: &Summary, paint: Paint) -> String {
    let counts = [
        (summary.errors, "error", Severity::Error),
        (summary.warnings, "warning", Severity::Warning),
        (summary.infos, "info", Severity::Info),
    ];
    let parts: Vec<String> = counts
        .iter()
        .filter(|(count, _, _)| *count > 0)
        .map(|&(count, noun, severity)| paint.apply(severity_style(severity), &plural(count, noun)))
        .collect();
    let mut line = if parts.is_empty() { "no problems".to_string() } else { parts.join(", ") };
    if summary.files > 0 {
        line.push_str(" in ");
        line.push_str(&plural(summary.files, "file"));
    }
    line
}

fn plural(count: usize, noun: &str) -> String {
    format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
}

fn severity_style(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => BOLD_RED,
        Severity::Warning => BOLD_YELLOW,
        Severity::Info => BOLD_CYAN,
    }
}

#[derive(Clone, Copy)]
struct Paint {
    colour: bool,
}

impl Paint {
    fn apply(self, style: &str, text: &str) -> String {
        if self.colour && !text.is_empty() {
            format!("{style}{text}{RESET}")
        } else {
            text.to_string()
        }
    }
}

/// A source text with the byte offset where each of its lines starts.
struct Lines {
    text: String,
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: String) -> Lines {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect();
        Lines { text, starts }
    }

    /// Line `line` (1-based) without its line ending, if the source has it.
    fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self.starts.get(index + 1).map_or(self.text.len(), |next| next - 1);
        let text = &self.text[start..end];
        Some(text.strip_suffix('\r').unwrap_or(text))
    }
}

fn render_one(out: &mut String, d: &Diagnostic, source: Option<&Lines>, paint: Paint) {
    let style = severity_style(d.severity);
    let width = d.line.max(1).to_string().len();
    let blank = " ".repeat(width);

    // error[rule]: message
    out.push_str(&paint.apply(style, &format!("{}[{}]", d.severity.as_str(), d.rule)));
    out.push_str(&paint.apply(BOLD, &format!(": {}", d.message)));
    out.push('\n');

    //   --> file:line:column
    let mut location = d.file.clone();
    if d.line > 0 {
        location.push_str(&format!(":{}", d.line));
        if d.column > 0 {
            location.push_str(&format!(":{}", d.column));
        }
    }
    out.push_str(&format!("{blank}{} {location}\n", paint.apply(BOLD_BLUE, "-->")));

    if let Some(text) = source.and_then(|source| source.line(d.line)) {
        let (shown, padding, carets) = frame_line(text, d);
        let bar = paint.apply(BOLD_BLUE, "|");
        out.push_str(&format!("{blank} {bar}\n"));
        let number = paint.apply(BOLD_BLUE, &d.line.to_string());
        if shown.is_empty() {
            out.push_str(&format!("{number} {bar}\n"));
        } else {
            out.push_str(&format!("{number} {bar} {shown}\n"));
        }
        let marks = paint.apply(style, &"^".repeat(carets));
        out.push_str(&format!("{blank} {bar} {}{marks}\n", " ".repeat(padding)));
    }

    if let Some(hint) = &d.hint {
        // Later lines of a long hint line up under its first.
        let indent = format!("\n{blank}   {}", " ".repeat("hint: ".len()));
        let hint = hint.replace("\r\n", "\n").replace('\n', &indent);
        out.push_str(&format!("{blank} {} {}: {hint}\n", paint.apply(BOLD_BLUE, "="), paint.apply(BOLD, "hint")));
    }
}

/// The line as shown (tabs expanded, cut around the span when long), the spaces before the first
/// caret and the number of carets, for `d` on its first line `text`.
fn frame_line(text: &str, d: &Diagnostic) -> (String, usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len();
    // Character positions past the end of the line count one column each; a start past the end
    // is pulled back to just after the last character.
    let width_at = |i: usize| match chars.get(i) {
        Some('\t') => TAB_WIDTH,
        _ => 1,
    };
    let start = (d.column.max(1) as usize - 1).min(len);
    let end = if d.end_line > d.line { len } else { (d.end_column.max(1) as usize - 1).min(len + 1) };
    let (from, to) = if len <= SHOWN_CHARACTERS {
        (0, len)
    } else {
        let to = (start.saturating_sub(SHOWN_BEFORE) + SHOWN_CHARACTERS).min(len);
        (to - SHOWN_CHARACTERS, to)
    };
    let (cut_before, cut_after) = (from > 0, to < len);
    let mut shown = String::new();
    if cut_before {
        shown.push_str(CUT);
    }
    for &c in &chars[from..to] {
        match c {
            '\t' => shown.push_str(&" ".repeat(TAB_WIDTH)),
            c => shown.push(c),
        }
    }
    if cut_after {
        shown.push_str(CUT);
    }
    // Carets stop where the line is cut.
    let last = if cut_after { end.min(to) } else { end };
    let padding = if cut_before { CUT.len() } else { 0 } + (from..start).map(width_at).sum::<usize>();
    let carets: usize = (start..last.max(start)).map(width_at).sum();
    (shown, padding, carets.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(severity: Severity, line: u32, column: u32, end_line: u32, end_column: u32) -> Diagnostic {
        Diagnostic {
            file: "templates/app/template.yaml".into(),
            line,
            column,
            end_line,
            end_column,
            severity,
            rule: "expression-syntax",
            message: "`&&` is JavaScript, not Nunjucks: write `and`".into(),
            hint: None,
            suggestion: None,
        }
    }

    fn source_of(text: &'static str) -> impl Fn(&str) -> Option<String> {
        move |file: &str| (file == "templates/app/template.yaml").then(|| text.to_string())
    }

    const TEMPLATE: &str = "steps:\n  - id: publish\n    if: ${{ parameters.a && parameters.b }}\n";

    #[test]
    fn error_with_hint_and_code_frame() {
        let mut d = diagnostic(Severity::Error, 3, 26, 3, 28);
        d.hint = Some("write `parameters.a and parameters.b`".into());
        let out = render(&[d], &source_of(TEMPLATE));
        assert_eq!(
            out,
            "error[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`\n\
             \x20--> templates/app/template.yaml:3:26\n\
             \x20 |\n\
             3 |     if: ${{ parameters.a && parameters.b }}\n\
             \x20 |                          ^^\n\
             \x20 = hint: write `parameters.a and parameters.b`\n\
             \n\
             1 error in 1 file\n"
        );
    }

    #[test]
    fn gutter_fits_a_two_digit_line_number() {
        let source = format!("{}      if: ${{{{ parameters.a && parameters.b }}}}\n", "#\n".repeat(41));
        let d = diagnostic(Severity::Error, 42, 28, 42, 30);
        let out = render(&[d], &move |_: &str| Some(source.clone()));
        assert_eq!(
            out,
            "error[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`\n\
             \x20 --> templates/app/template.yaml:42:28\n\
             \x20  |\n\
             42 |       if: ${{ parameters.a && parameters.b }}\n\
             \x20  |                            ^^\n\
             \n\
             1 error in 1 file\n"
        );
    }

    #[test]
    fn warning_without_source() {
        let mut d = diagnostic(Severity::Warning, 12, 5, 12, 9);
        d.rule = "unknown-action";
        d.message = "action `fetch:tempalte` is not installed".into();
        d.hint = Some("did you mean `fetch:template`?".into());
        let out = render(&[d], &|_: &str| None);
        assert_eq!(
            out,
            "warning[unknown-action]: action `fetch:tempalte` is not installed\n\
             \x20 --> templates/app/template.yaml:12:5\n\
             \x20  = hint: did you mean `fetch:template`?\n\
             \n\
             1 warning in 1 file\n"
        );
    }

    #[test]
    fn line_past_the_end_of_the_source_prints_no_frame() {
        let d = diagnostic(Severity::Info, 9, 1, 9, 2);
        let out = render(&[d], &source_of(TEMPLATE));
        assert_eq!(
            out,
            "info[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`\n\
             \x20--> templates/app/template.yaml:9:1\n\
             \n\
             1 info in 1 file\n"
        );
    }

    #[test]
    fn tab_indented_line_shifts_the_carets() {
        // `\t\tif: ${{ a && b }}`: `&&` is at characters 13-14.
        let d = diagnostic(Severity::Error, 1, 13, 1, 15);
        let out = render(&[d], &source_of("\t\tif: ${{ a && b }}\n"));
        assert_eq!(
            out,
            "error[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`\n\
             \x20--> templates/app/template.yaml:1:13\n\
             \x20 |\n\
             1 |         if: ${{ a && b }}\n\
             \x20 |                   ^^\n\
             \n\
             1 error in 1 file\n"
        );
    }

    #[test]
    fn span_over_a_tab_counts_its_width() {
        let d = diagnostic(Severity::Error, 1, 2, 1, 4);
        let out = render(&[d], &source_of("a\tb"));
        assert!(out.contains("1 | a    b\n  |  ^^^^^\n"), "{out}");
    }

    #[test]
    fn multi_line_span_is_underlined_to_the_end_of_its_first_line() {
        let d = diagnostic(Severity::Error, 2, 9, 4, 3);
        let out = render(&[d], &source_of("steps:\n  - id: publish\n    name: x\n  - id: y\n"));
        assert_eq!(
            out,
            "error[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`\n\
             \x20--> templates/app/template.yaml:2:9\n\
             \x20 |\n\
             2 |   - id: publish\n\
             \x20 |         ^^^^^^^\n\
             \n\
             1 error in 1 file\n"
        );
    }

    #[test]
    fn empty_span_and_span_at_end_of_line_get_one_caret() {
        let point = diagnostic(Severity::Error, 1, 3, 1, 3);
        assert!(render(&[point], &source_of("abcdef")).contains("1 | abcdef\n  |   ^\n"));
        let at_end = diagnostic(Severity::Error, 1, 7, 2, 1);
        assert!(render(&[at_end], &source_of("abcdef\nx")).contains("1 | abcdef\n  |       ^\n"));
        let far = diagnostic(Severity::Error, 1, 500, 1, 900);
        assert!(render(&[far], &source_of("abc")).contains("1 | abc\n  |    ^\n"));
    }

    #[test]
    fn crlf_and_empty_lines() {
        let d = diagnostic(Severity::Error, 2, 1, 2, 1);
        let out = render(&[d], &source_of("a: 1\r\n\r\nb: 2\r\n"));
        assert!(out.contains("  |\n2 |\n  | ^\n"), "{out:?}");
    }

    #[test]
    fn several_diagnostics_and_summary() {
        let first = diagnostic(Severity::Error, 3, 26, 3, 28);
        let mut second = diagnostic(Severity::Warning, 1, 1, 1, 6);
        second.file = "other/template.yaml".into();
        second.rule = "deprecated";
        second.message = "old".into();
        let mut third = diagnostic(Severity::Error, 2, 5, 2, 7);
        third.message = "again".into();
        let calls = std::cell::Cell::new(0);
        let sources = |file: &str| {
            calls.set(calls.get() + 1);
            (file == "templates/app/template.yaml").then(|| TEMPLATE.to_string())
        };
        let out = render(&[first, third, second], &sources);
        assert_eq!(calls.get(), 2, "the source of consecutive diagnostics in one file is asked for once");
        assert_eq!(
            out,
            "error[expression-syntax]: `&&` is JavaScript, not Nunjucks: write `and`\n\
             \x20--> templates/app/template.yaml:3:26\n\
             \x20 |\n\
             3 |     if: ${{ parameters.a && parameters.b }}\n\
             \x20 |                          ^^\n\
             \n\
             error[expression-syntax]: again\n\
             \x20--> templates/app/template.yaml:2:5\n\
             \x20 |\n\
             2 |   - id: publish\n\
             \x20 |     ^^\n\
             \n\
             warning[deprecated]: old\n\
             \x20--> other/template.yaml:1:1\n\
             \n\
             2 errors, 1 warning in 2 files\n"
        );
    }

    #[test]
    fn summary_lines() {
        let summary = |errors, warnings, infos, files| Summary { errors, warnings, infos, files };
        assert_eq!(summary_line(&summary(2, 1, 0, 3)), "2 errors, 1 warning in 3 files");
        assert_eq!(summary_line(&summary(0, 0, 2, 1)), "2 infos in 1 file");
        assert_eq!(summary_line(&summary(0, 0, 0, 4)), "no problems in 4 files");
        assert_eq!(summary_line(&summary(0, 0, 0, 0)), "no problems");
        assert_eq!(render(&[], &|_: &str| None), "no problems\n");
        let out = render_report(&[], &|_: &str| None, &summary(0, 0, 0, 5), false);
        assert_eq!(out, "no problems in 5 files\n");
    }

    #[test]
    fn multi_line_hint_is_aligned() {
        let mut d = diagnostic(Severity::Error, 3, 26, 3, 28);
        d.hint = Some("first\nsecond".into());
        let out = render(&[d], &|_: &str| None);
        assert!(out.contains("  = hint: first\n          second\n"), "{out}");
    }

    #[test]
    fn colour() {
        let mut d = diagnostic(Severity::Error, 3, 26, 3, 28);
        d.hint = Some("write `and`".into());
        let out = render_with(&[d], &source_of(TEMPLATE), true);
        assert_eq!(
            out,
            "\x1b[1;31merror[expression-syntax]\x1b[0m\x1b[1m: `&&` is JavaScript, not Nunjucks: write `and`\x1b[0m\n\
             \x20\x1b[1;34m-->\x1b[0m templates/app/template.yaml:3:26\n\
             \x20\x20\x1b[1;34m|\x1b[0m\n\
             \x1b[1;34m3\x1b[0m \x1b[1;34m|\x1b[0m     if: ${{ parameters.a && parameters.b }}\n\
             \x20\x20\x1b[1;34m|\x1b[0m                          \x1b[1;31m^^\x1b[0m\n\
             \x20\x20\x1b[1;34m=\x1b[0m \x1b[1mhint\x1b[0m: write `and`\n\
             \n\
             \x1b[1;31m1 error\x1b[0m in 1 file\n"
        );
        let mut w = diagnostic(Severity::Warning, 1, 1, 1, 2);
        w.message = "m".into();
        let out = render_with(&[w], &|_: &str| None, true);
        assert!(out.starts_with("\x1b[1;33mwarning[expression-syntax]\x1b[0m"), "{out:?}");
        assert!(out.ends_with("\x1b[1;33m1 warning\x1b[0m in 1 file\n"), "{out:?}");
    }

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        // A finding at column 100,001 of a 200,000-character line.
        let line = format!("{}{}{}", "a".repeat(100_000), "XYZ", "b".repeat(99_997));
        let d = diagnostic(Severity::Error, 1, 100_001, 1, 100_004);
        let out = render(&[d], &source_of(Box::leak(line.into_boxed_str())));
        assert!(out.len() < 800, "{} bytes", out.len());
        let frame: Vec<&str> = out.lines().filter(|l| l.starts_with("1 |") || l.starts_with("  |")).collect();
        let shown = format!("1 | ...{}XYZ{}...", "a".repeat(100), "b".repeat(297));
        assert_eq!(frame, ["  |", shown.as_str(), &format!("  | {}^^^", " ".repeat(103))]);

        // Near the start only the end is cut; near the end only the start.
        let d = diagnostic(Severity::Error, 1, 3, 1, 4);
        let out = render(&[d], &source_of(Box::leak("x".repeat(1000).into_boxed_str())));
        assert!(out.contains(&format!("1 | {}...\n  |   ^\n", "x".repeat(400))), "{out}");
        let d = diagnostic(Severity::Error, 1, 999, 1, 1200);
        let out = render(&[d], &source_of(Box::leak("x".repeat(1000).into_boxed_str())));
        assert!(out.contains(&format!("1 | ...{}\n  | {}^^^\n", "x".repeat(400), " ".repeat(3 + 398))), "{out}");
        // A span running past the cut stops at it; tabs still count 4.
        let d = diagnostic(Severity::Error, 1, 2, 1, 900);
        let out = render(&[d], &source_of(Box::leak(format!("\t{}", "y".repeat(999)).into_boxed_str())));
        assert!(out.contains(&format!("1 |     {}...\n  |     {}\n", "y".repeat(399), "^".repeat(399))), "{out}");
        // 400 characters are shown whole.
        let d = diagnostic(Severity::Error, 1, 390, 1, 391);
        let out = render(&[d], &source_of(Box::leak("z".repeat(400).into_boxed_str())));
        assert!(out.contains(&format!("1 | {}\n", "z".repeat(400))), "{out}");
    }
}
