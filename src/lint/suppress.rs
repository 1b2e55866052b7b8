//! Inline suppressions. `# slac: allow(W310) "reason"` on its own line covers the statement on
//! the next line (with its whole block); at the end of a line it covers that line's statement.
//! `# slac: allow-file(W314) "reason"` covers the file. A reason is required, and a
//! suppression that suppresses nothing is reported (W300).

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::source::FileId;
use crate::syntax::comments::{comments, line_start, next_code_line, statement_extent};

use super::resolve_selector;

struct Entry {
    text: String,
    codes: Vec<Code>,
    span: Span,
    used: bool,
}

pub struct Suppression {
    file: FileId,
    scope: Span,
    entries: Vec<Entry>,
}

/// Reads the suppression comments of a file; malformed ones are diagnostics (E402, E403).
pub fn parse(file: FileId, text: &str) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let mut suppressions = Vec::new();
    let mut diagnostics = Vec::new();
    // Every directive holds `slac:`; most files have none, and a substring search is far
    // cheaper than finding every comment.
    if !text.contains("slac:") {
        return (suppressions, diagnostics);
    }
    for comment in comments(text) {
        let body = &text[comment.span.start() + 1..comment.span.end()];
        let Some(directive_at) = body.find("slac:").filter(|at| body[..*at].trim().is_empty()) else {
            continue;
        };
        let directive_start = comment.span.start() + 1 + directive_at + "slac:".len();
        let rest = &text[directive_start..comment.span.end()];
        let trimmed = rest.trim_start();
        let offset = directive_start + (rest.len() - trimmed.len());
        let invalid = |message: &str, help: &str| {
            Diagnostic::error(Code::E403, file, comment.span, message.to_string())
                .label("not a valid suppression")
                .help(help.to_string())
        };
        let (whole_file, after) = if let Some(after) = trimmed.strip_prefix("allow-file(") {
            (true, after)
        } else if let Some(after) = trimmed.strip_prefix("allow(") {
            (false, after)
        } else {
            diagnostics.push(invalid(
                "unknown `slac:` directive",
                "write `# slac: allow(CODE) \"reason\"` or `# slac: allow-file(CODE) \"reason\"`",
            ));
            continue;
        };
        let list_start = offset + (trimmed.len() - after.len());
        let Some(close) = after.find(')') else {
            diagnostics.push(invalid(
                "the list of codes is not closed with `)`",
                "write `# slac: allow(W310) \"reason\"`",
            ));
            continue;
        };
        let reason = after[close + 1..].trim();
        let has_reason = reason.len() >= 3
            && reason.starts_with('"')
            && reason.ends_with('"')
            && !reason[1..reason.len() - 1].trim().is_empty();
        if !has_reason {
            diagnostics.push(invalid(
                "a suppression must say why the finding is acceptable",
                "add the reason in quotes: `# slac: allow(W310) \"accepted by the customer in the 2026 negotiation\"`",
            ));
            continue;
        }
        let mut entries = Vec::new();
        let mut position = list_start;
        for part in after[..close].split(',') {
            let name = part.trim();
            let start = position + (part.len() - part.trim_start().len());
            let span = Span::new(start, start + name.len());
            position += part.len() + 1;
            if name.is_empty() {
                continue;
            }
            match resolve_selector(name) {
                Some(codes) => entries.push(Entry {
                    text: name.to_string(),
                    codes,
                    span,
                    used: false,
                }),
                None => diagnostics.push(unknown_selector(file, span, name)),
            }
        }
        if entries.is_empty() {
            continue;
        }
        let scope = if whole_file {
            Span::new(0, text.len())
        } else if comment.trailing {
            statement_extent(text, line_start(text, comment.span.start()))
        } else {
            match next_code_line(text, comment.span.start()) {
                Some(start) => statement_extent(text, start),
                None => Span::new(comment.span.start(), comment.span.start()),
            }
        };
        suppressions.push(Suppression { file, scope, entries });
    }
    (suppressions, diagnostics)
}

/// The diagnostic for a code, prefix or name that selects no lint (E402).
pub fn unknown_selector(file: FileId, span: Span, name: &str) -> Diagnostic {
    let error_code = Code::parse(name).filter(|c| !c.is_lint());
    let (message, help) = match error_code {
        Some(code) => (
            format!("{} is an error, and errors cannot be turned off", code.as_str()),
            "only lints (W3xx) can be suppressed or configured; fix the error instead".to_string(),
        ),
        None => {
            let names = super::rules()
                .iter()
                .flat_map(|r| [r.code.as_str(), r.code.name()]);
            let help = match crate::diagnostics::did_you_mean(name, names) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "name a lint by its code (`W303`), a prefix (`W3`) or its name (`watermelon`); `slac rules` lists them".to_string(),
            };
            (format!("`{name}` names no lint rule"), help)
        }
    };
    Diagnostic::error(Code::E402, file, span, message)
        .label("unknown rule")
        .help(help)
}

/// Removes the lint findings that a suppression covers, marking the suppressions used.
pub fn apply(suppressions: &mut [Suppression], diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .filter(|d| {
            if !d.code.is_lint() || d.code == Code::W300 {
                return true;
            }
            let mut suppressed = false;
            for suppression in suppressions.iter_mut() {
                let start = d.primary.span.start();
                let covers = suppression.file == d.primary.file
                    && suppression.scope.start() <= start
                    && (start < suppression.scope.end()
                        || suppression.scope.start() == suppression.scope.end());
                if !covers {
                    continue;
                }
                for entry in suppression
                    .entries
                    .iter_mut()
                    .filter(|e| e.codes.contains(&d.code))
                {
                    entry.used = true;
                    suppressed = true;
                }
            }
            !suppressed
        })
        .collect()
}

/// W300 for every suppression entry that suppressed nothing.
pub fn unused(suppressions: &[Suppression]) -> Vec<Diagnostic> {
    suppressions
        .iter()
        .flat_map(|s| s.entries.iter().filter(|e| !e.used).map(move |e| (s.file, e)))
        .map(|(file, entry)| {
            Diagnostic::error(
                Code::W300,
                file,
                entry.span,
                format!("`{}` suppresses nothing here", entry.text),
            )
            .label("no such finding where this comment applies")
            .help("remove it from the suppression; if the finding moved, move the comment with it")
        })
        .collect()
}
