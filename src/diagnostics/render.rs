//! Renderers for diagnostics: human (codespan-reporting), short (one line each, for hooks) and
//! JSON (for tools). Each takes the same `Diagnostic` list.

use std::io::{self, IsTerminal, Write};

use std::collections::HashMap;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files};
use codespan_reporting::term::{self, termcolor};
use serde_json::{json, Value};

use super::{Diagnostic, Label, Severity};
use crate::source::{FileId, SourceMap};
use crate::text;

/// Version of the JSON shape written by `--format json`; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorMode {
    /// Colour when stderr is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    Always,
    Never,
}

impl ColorMode {
    fn choice(self) -> termcolor::ColorChoice {
        match self {
            ColorMode::Always => termcolor::ColorChoice::Always,
            ColorMode::Never => termcolor::ColorChoice::Never,
            ColorMode::Auto => auto_choice(
                std::env::var_os("NO_COLOR").as_deref(),
                io::stderr().is_terminal(),
            ),
        }
    }
}

/// Colour on a terminal unless `NO_COLOR` is present and not empty (no-color.org: an empty
/// value does not disable colour).
fn auto_choice(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> termcolor::ColorChoice {
    let disabled = no_color.is_some_and(|v| !v.is_empty());
    if terminal && !disabled {
        termcolor::ColorChoice::Auto
    } else {
        termcolor::ColorChoice::Never
    }
}

/// The files of a run as a terminal is shown them: a file holding control or bidirectional
/// characters is replaced by a copy with visible stand-ins (`crate::text`), and spans into it
/// are moved to match. Files without any, the usual case, are read in place.
/// How many secondary labels a snippet shows: codespan lays out each label against every
/// other on the lines it spans, so thousands of them would take minutes to draw.
const MAX_SECONDARY_LABELS: usize = 16;

struct Shown<'a> {
    sources: &'a SourceMap,
    copies: HashMap<FileId, ShownCopy>,
}

struct ShownCopy {
    text: String,
    line_starts: Vec<usize>,
    /// (byte offset in the original, bytes added by stand-ins up to and including it).
    shifts: Vec<(usize, usize)>,
}

impl<'a> Shown<'a> {
    fn new(sources: &'a SourceMap, diagnostics: &[Diagnostic]) -> Shown<'a> {
        let mut copies = HashMap::new();
        let files = diagnostics
            .iter()
            .flat_map(|d| std::iter::once(&d.primary).chain(&d.secondary))
            .map(|l| l.file);
        let mut seen = std::collections::HashSet::new();
        for file in files {
            // A file without control characters has no copy; it is scanned once all the same.
            if !seen.insert(file) {
                continue;
            }
            let mut shifts = Vec::new();
            let mut added = 0;
            let shown = text::visible_with(sources.text(file), |at, extra| {
                added += extra;
                shifts.push((at, added));
            });
            if let std::borrow::Cow::Owned(text) = shown {
                let line_starts = std::iter::once(0)
                    .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                    .chain(std::iter::once(text.len() + 1))
                    .collect();
                copies.insert(
                    file,
                    ShownCopy {
                        text,
                        line_starts,
                        shifts,
                    },
                );
            }
        }
        Shown { sources, copies }
    }

    /// Where byte `offset` of the original file lies in what is shown.
    fn offset(&self, file: FileId, offset: usize) -> usize {
        let Some(copy) = self.copies.get(&file) else {
            return offset;
        };
        let before = copy.shifts.partition_point(|&(at, _)| at < offset);
        offset + before.checked_sub(1).map_or(0, |i| copy.shifts[i].1)
    }

    fn range(&self, label: &Label) -> std::ops::Range<usize> {
        self.offset(label.file, label.span.start())..self.offset(label.file, label.span.end())
    }

    fn to_codespan(&self, diagnostic: &Diagnostic) -> cs::Diagnostic<usize> {
        let severity = match diagnostic.severity {
            Severity::Error => cs::Severity::Error,
            Severity::Warning => cs::Severity::Warning,
        };
        let primary = cs::Label::primary(diagnostic.primary.file, self.range(&diagnostic.primary))
            .with_message(text::visible_line(&diagnostic.primary.message));
        let mut labels = vec![primary];
        labels.extend(diagnostic.secondary.iter().take(MAX_SECONDARY_LABELS).map(|l| {
            cs::Label::secondary(l.file, self.range(l)).with_message(text::visible_line(&l.message))
        }));
        let mut notes: Vec<String> = diagnostic
            .notes
            .iter()
            .map(|n| format!("note: {}", text::visible(n)))
            .collect();
        let hidden = diagnostic.secondary.len().saturating_sub(MAX_SECONDARY_LABELS);
        if hidden > 0 {
            notes.push(format!(
                "note: {hidden} more places are not shown; `--format json` lists them all"
            ));
        }
        if let Some(help) = &diagnostic.help {
            notes.push(format!("help: {}", text::visible(help)));
        }
        cs::Diagnostic::new(severity)
            .with_code(diagnostic.code.as_str())
            .with_message(text::visible_line(&diagnostic.message))
            .with_labels(labels)
            .with_notes(notes)
    }
}

impl<'a> Files<'a> for Shown<'_> {
    type FileId = FileId;
    type Name = std::borrow::Cow<'a, str>;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<Self::Name, files::Error> {
        Ok(text::visible_line(Files::name(self.sources, id)?))
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        match self.copies.get(&id) {
            Some(copy) => Ok(&copy.text),
            None => Files::source(self.sources, id),
        }
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        match self.copies.get(&id) {
            Some(copy) => Ok(copy
                .line_starts
                .binary_search(&byte_index)
                .unwrap_or_else(|next| next - 1)),
            None => self.sources.line_index(id, byte_index),
        }
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<std::ops::Range<usize>, files::Error> {
        let Some(copy) = self.copies.get(&id) else {
            return self.sources.line_range(id, line_index);
        };
        let start = |line: usize| -> Result<usize, files::Error> {
            match copy.line_starts.get(line) {
                Some(&start) => Ok(start.min(copy.text.len())),
                None => Err(files::Error::LineTooLarge {
                    given: line,
                    max: copy.line_starts.len() - 1,
                }),
            }
        };
        Ok(start(line_index)?..start(line_index + 1)?)
    }
}

/// Source lines longer than this are not shown in snippets (a diagnostic about them is shown
/// without one), so a megabyte-long line does not flood the terminal.
const MAX_SNIPPET_LINE: usize = 1_000;

/// The rendering style of one diagnostic: with source snippets, unless a line it points at is
/// too long to show.
fn config_for(sources: &SourceMap, diagnostic: &Diagnostic) -> term::Config {
    let mut config = term::Config::default();
    let labels = std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary);
    let too_long = labels.into_iter().any(|label| {
        let text = sources.text(label.file);
        let start = text[..label.span.start().min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = text[label.span.start().min(text.len())..]
            .find('\n')
            .map_or(text.len(), |i| label.span.start() + i);
        end - start > MAX_SNIPPET_LINE
    });
    if too_long {
        config.display_style = term::DisplayStyle::Medium;
    }
    config
}

/// Renders diagnostics as a compiler does, with source snippets, to a plain string (no colour).
pub fn render_human_to_string(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let shown = Shown::new(sources, diagnostics);
    let mut out = String::new();
    for diagnostic in diagnostics {
        let config = config_for(sources, diagnostic);
        // Rendering can only fail for a span outside its file, which would be a slac bug; the
        // short form still tells the user what is wrong.
        if term::emit_to_string(&mut out, &config, &shown, &shown.to_codespan(diagnostic)).is_err() {
            out.push_str(&short_line(sources, diagnostic));
            out.push('\n');
        }
    }
    out
}

/// Renders diagnostics for people to stderr, coloured only where `mode` allows.
pub fn render_human(sources: &SourceMap, diagnostics: &[Diagnostic], mode: ColorMode) -> io::Result<()> {
    let shown = Shown::new(sources, diagnostics);
    // Buffered: codespan writes a diagnostic in many small pieces, each a system call on an
    // unbuffered stream.
    let mut stream = termcolor::BufferedStandardStream::stderr(mode.choice());
    for diagnostic in diagnostics {
        let config = config_for(sources, diagnostic);
        if term::emit_to_write_style(&mut stream, &config, &shown, &shown.to_codespan(diagnostic)).is_err() {
            writeln!(stream, "{}", short_line(sources, diagnostic))?;
        }
    }
    stream.flush()
}

fn short_line(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    let (line, column) = sources.line_column(diagnostic.primary.file, diagnostic.primary.span.start());
    format!(
        "{}:{}:{}: {}[{}]: {}",
        text::visible_line(sources.name(diagnostic.primary.file)),
        line,
        column,
        diagnostic.severity.as_str(),
        diagnostic.code.as_str(),
        text::visible_line(&diagnostic.message)
    )
}

/// One line per diagnostic: `file:line:col: error[CODE]: message`.
pub fn render_short(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| short_line(sources, d) + "\n")
        .collect()
}

fn span_json(sources: &SourceMap, label: &Label) -> Value {
    let (line, column) = sources.line_column(label.file, label.span.start());
    let (end_line, end_column) = sources.line_column(label.file, label.span.end());
    json!({
        "start": label.span.start(),
        "end": label.span.end(),
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
    })
}

/// The machine-readable form: a versioned object with every diagnostic and a summary.
pub fn render_json(sources: &SourceMap, diagnostics: &[Diagnostic], files_checked: usize) -> String {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let related: Vec<Value> = d
                .secondary
                .iter()
                .map(|l| {
                    json!({
                        "file": sources.name(l.file),
                        "span": span_json(sources, l),
                        "message": l.message,
                    })
                })
                .collect();
            json!({
                "code": d.code.as_str(),
                "name": d.code.name(),
                "title": d.code.title(),
                "severity": d.severity.as_str(),
                "message": d.message,
                "file": sources.name(d.primary.file),
                "span": span_json(sources, &d.primary),
                "label": d.primary.message,
                "related": related,
                "notes": d.notes.as_slice(),
                "help": d.help,
            })
        })
        .collect();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    let document = json!({
        "format_version": JSON_FORMAT_VERSION,
        "diagnostics": items,
        "summary": {
            "files": files_checked,
            "errors": errors,
            "warnings": warnings,
        },
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Code, Span};
    use std::ffi::OsStr;

    #[test]
    fn a_snippet_draws_at_most_sixteen_secondary_labels() {
        let mut sources = SourceMap::new();
        let text: String = (0..40).map(|i| format!("service s{i}\n")).collect();
        let file = sources.add("many.sla", "many.sla", text);
        let at = |i: usize| {
            let start = (0..i).map(|j| format!("service s{j}\n").len()).sum::<usize>() + 8;
            Span::new(start, start + 1 + i.to_string().len())
        };
        let mut diagnostic = Diagnostic::error(Code::E203, file, at(0), "duplicate").label("first");
        for i in 1..40 {
            diagnostic = diagnostic.secondary(file, at(i), "again");
        }
        let shown = render_human_to_string(&sources, &[diagnostic]);
        assert_eq!(shown.matches("again").count(), MAX_SECONDARY_LABELS, "{shown}");
        assert!(shown.contains("note: 23 more places are not shown; `--format json` lists them all"));
    }

    #[test]
    fn only_a_non_empty_no_color_disables_colour() {
        use termcolor::ColorChoice::{Auto, Never};
        assert_eq!(auto_choice(None, true), Auto);
        assert_eq!(auto_choice(Some(OsStr::new("")), true), Auto);
        assert_eq!(auto_choice(Some(OsStr::new("1")), true), Never);
        assert_eq!(auto_choice(None, false), Never);
    }
}
