//! Diagnostics for CI systems: SARIF 2.1.0 (code scanning) and GitHub Actions workflow
//! commands (annotations on pull requests).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::render::{Items, ITEMS_HERE};
use super::{Code, CodeDocs, Diagnostic, Label, Severity};
use crate::source::SourceMap;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn region(sources: &SourceMap, label: &Label) -> Value {
    let (start_line, start_column) = sources.line_column(label.file, label.span.start());
    let (end_line, end_column) = sources.line_column(label.file, label.span.end());
    json!({
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
        "byteOffset": label.span.start(),
        "byteLength": label.span.end() - label.span.start(),
    })
}

/// Everything but RFC 3986's unreserved characters and the path's `/` is percent-encoded, so
/// a file named `a b#c%d?.sla` or in Vietnamese is one valid URI reference (a `:` in the first
/// segment would otherwise read as a scheme).
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A file's name as SARIF's `artifactLocation.uri`: a relative reference for a relative name,
/// a `file://` URI for an absolute one.
pub fn artifact_uri(name: &str) -> String {
    let encoded = utf8_percent_encode(name, URI_PATH).to_string();
    if name.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

fn location(sources: &SourceMap, label: &Label) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": artifact_uri(sources.name(label.file)) },
            "region": region(sources, label),
        }
    })
}

/// A fingerprint that survives edits elsewhere in the file: the code, the file, the message
/// and the text of the flagged line, but not its line number.
fn fingerprint(sources: &SourceMap, diagnostic: &Diagnostic) -> String {
    let text = sources.text(diagnostic.primary.file);
    let start = diagnostic.primary.span.start().min(text.len());
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[start..].find('\n').map(|i| start + i).unwrap_or(text.len());
    let mut hasher = Sha256::new();
    for part in [
        diagnostic.code.as_str(),
        sources.name(diagnostic.primary.file),
        &diagnostic.message,
        text[line_start..line_end].trim(),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A SARIF 2.1.0 log with every code as a rule, documented by `docs`.
pub fn render_sarif(
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    docs: impl Fn(Code) -> Option<CodeDocs>,
) -> String {
    let mut results = Items::default();
    for d in diagnostics {
        results.push(&sarif_result(sources, d));
    }
    sarif_log(results, docs)
}

/// One diagnostic as a SARIF result, for a log put together file by file.
pub fn sarif_result(sources: &SourceMap, d: &Diagnostic) -> Value {
    let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0);
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str(&format!(" (help: {help})"));
    }
    let related: Vec<Value> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut related = location(sources, l);
            related["id"] = json!(i);
            related["message"] = json!({ "text": l.message });
            related
        })
        .collect();
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [location(sources, &d.primary)],
        "partialFingerprints": { "slacFingerprint/v1": fingerprint(sources, d) },
    });
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    result
}

/// The log of `render_sarif`, from its results (`sarif_result`).
pub fn sarif_log(results: Items, docs: impl Fn(Code) -> Option<CodeDocs>) -> String {
    results.place(&sarif_skeleton(docs))
}

/// `sarif_log`, written to `out`.
pub fn write_sarif_log(
    results: Items,
    docs: impl Fn(Code) -> Option<CodeDocs>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    results.write_placed(&sarif_skeleton(docs), out)
}

/// The log with [`ITEMS_HERE`] for its results.
fn sarif_skeleton(docs: impl Fn(Code) -> Option<CodeDocs>) -> Value {
    let rules: Vec<Value> = Code::ALL
        .iter()
        .map(|code| {
            let documentation = docs(*code);
            let what = documentation.map(|d| d.what).unwrap_or(code.title());
            let mut help = format!("{what}\n");
            if let Some(d) = documentation {
                help.push_str(&format!(
                    "\nWhy it matters: {}\n\nExample:\n{}\n\nWrite instead:\n{}\n",
                    d.why, d.example, d.instead
                ));
            }
            json!({
                "id": code.as_str(),
                "name": code.name(),
                "shortDescription": { "text": code.title() },
                "fullDescription": { "text": what },
                "help": { "text": help },
                "defaultConfiguration": { "level": level(code.default_severity()) },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "slac",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": [ITEMS_HERE],
        }]
    })
}

/// Escapes the message of a workflow command.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property of a workflow command, where `:` and `,` are separators.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One GitHub Actions workflow command per diagnostic: `::error file=…,line=…::message`.
pub fn render_github(sources: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let (line, col) = sources.line_column(d.primary.file, d.primary.span.start());
        let (end_line, end_col) = sources.line_column(d.primary.file, d.primary.span.end());
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
            level(d.severity),
            escape_property(sources.name(d.primary.file)),
            escape_property(&format!("{} {}", d.code.as_str(), d.code.name())),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_uri_references() {
        assert_eq!(artifact_uri("specs/a b#c%d?.sla"), "specs/a%20b%23c%25d%3F.sla");
        assert_eq!(artifact_uri("hợp-đồng.sla"), "h%E1%BB%A3p-%C4%91%E1%BB%93ng.sla");
        assert_eq!(artifact_uri("c:x.sla"), "c%3Ax.sla");
        assert_eq!(artifact_uri("/tmp/x.sla"), "file:///tmp/x.sla");
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(escape_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
