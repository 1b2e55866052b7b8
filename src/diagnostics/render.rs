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
    let mut items = Items::default();
    for d in diagnostics {
        items.push(&json_item(sources, d));
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    json_document(items, files_checked, errors, diagnostics.len() - errors)
}

/// The items of a document's one long array (the diagnostics of `render_json`, the results of
/// SARIF), kept as the text they are written as, so that a run's document is put together file
/// by file and held as its own bytes rather than as values, which take several times more.
#[derive(Debug, Default)]
pub struct Items {
    text: String,
    count: usize,
}

/// Where the array of `Items` goes in the skeleton of a document (`Items::place`).
pub(crate) const ITEMS_HERE: &str = "\u{0}items";

impl Items {
    /// Adds an item, pretty-printed as it will stand in the document.
    pub fn push(&mut self, item: &Value) {
        if self.count > 0 {
            self.text.push_str(",\n");
        }
        let pretty = serde_json::to_string_pretty(item).unwrap_or_default();
        // Indented later, at `place`: every line of it, as no string in JSON holds a line break.
        self.text.push_str(&pretty);
        self.count += 1;
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// `skeleton` pretty-printed, with the items as the array that holds only [`ITEMS_HERE`]:
    /// the text `serde_json` writes for the whole document.
    pub(crate) fn place(self, skeleton: &Value) -> String {
        let mut text = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.write_placed(skeleton, &mut text);
        String::from_utf8(text).unwrap_or_default()
    }

    /// `place`, written straight to `out`, so that the items are not copied.
    pub fn write_placed(self, skeleton: &Value, out: &mut dyn Write) -> io::Result<()> {
        let text = serde_json::to_string_pretty(skeleton).unwrap_or_default();
        let marker = serde_json::to_string(ITEMS_HERE).unwrap_or_default();
        let Some(at) = text.find(&marker) else {
            return writeln!(out, "{text}");
        };
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let after = at + marker.len();
        if self.count == 0 {
            // `[`, a line break, the marker's line, a line break and the indented `]`.
            let open = text[..line_start].rfind('[').unwrap_or(line_start);
            let close = text[after..].find(']').map_or(text.len(), |n| after + n + 1);
            out.write_all(&text.as_bytes()[..open])?;
            out.write_all(b"[]")?;
            out.write_all(&text.as_bytes()[close..])?;
            return out.write_all(b"\n");
        }
        out.write_all(&text.as_bytes()[..line_start])?;
        let pad = " ".repeat(at - line_start);
        for (index, line) in self.text.split('\n').enumerate() {
            if index > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(pad.as_bytes())?;
            out.write_all(line.as_bytes())?;
        }
        out.write_all(&text.as_bytes()[after..])?;
        out.write_all(b"\n")
    }
}

/// One diagnostic as `render_json` writes it, for a document put together file by file.
pub fn json_item(sources: &SourceMap, d: &Diagnostic) -> Value {
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
}

/// The document of `render_json`, from its items (`json_item`) and the run's totals.
pub fn json_document(items: Items, files: usize, errors: usize, warnings: usize) -> String {
    items.place(&json_skeleton(files, errors, warnings))
}

/// `json_document`, written to `out`.
pub fn write_json_document(
    items: Items,
    files: usize,
    errors: usize,
    warnings: usize,
    out: &mut dyn Write,
) -> io::Result<()> {
    items.write_placed(&json_skeleton(files, errors, warnings), out)
}

fn json_skeleton(files: usize, errors: usize, warnings: usize) -> Value {
    json!({
        "format_version": JSON_FORMAT_VERSION,
        "diagnostics": [ITEMS_HERE],
        "summary": {
            "files": files,
            "errors": errors,
            "warnings": warnings,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document put together from `Items` is byte for byte what `serde_json` writes for the
    /// whole document, with no items, one or several, at any depth.
    #[test]
    fn items_placed_in_a_skeleton_read_as_the_whole_document() {
        let item =
            |n: u32| json!({"n": n, "text": "two\nlines \"quoted\"", "list": [1, [], {}], "none": null});
        for count in [0, 1, 3] {
            let values: Vec<Value> = (0..count).map(item).collect();
            let mut items = Items::default();
            values.iter().for_each(|v| items.push(v));
            assert_eq!(items.len(), count as usize);
            let document =
                |array: Value| json!({"a": 1, "runs": [{"tool": {}, "results": array}], "z": [true]});
            let mut expected = serde_json::to_string_pretty(&document(json!(values))).unwrap_or_default();
            expected.push('\n');
            assert_eq!(
                items.place(&document(json!([ITEMS_HERE]))),
                expected,
                "{count} items"
            );
        }
    }
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
