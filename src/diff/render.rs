//! The three forms of a diff report: text for a terminal, a Markdown changelog section for a
//! pull request, and versioned JSON.

use crate::emit::markdown::cell;

use super::{AgreementChanges, Change, DiffReport, Impact};

fn versions(agreement: &AgreementChanges) -> String {
    match (&agreement.version_before, &agreement.version_after) {
        (Some(b), Some(a)) if b == a => b.clone(),
        (Some(b), Some(a)) => format!("{b} → {a}"),
        (None, Some(a)) => format!("new, {a}"),
        (Some(b), None) => format!("{b}, removed"),
        (None, None) => String::new(),
    }
}

fn what(change: &Change) -> String {
    if change.subject.is_empty() {
        change.description.clone()
    } else {
        format!("{}: {}", change.subject, change.description)
    }
}

fn totals(report: &DiffReport) -> String {
    let total: usize = report.agreements.iter().map(|a| a.changes.len()).sum();
    format!(
        "{total} change{}: {} weakened, {} strengthened, {} neutral",
        if total == 1 { "" } else { "s" },
        report.count(Impact::Weakened),
        report.count(Impact::Strengthened),
        report.count(Impact::Neutral)
    )
}

/// One line per change under a heading per agreement.
pub fn render_human(report: &DiffReport) -> String {
    let mut out = String::new();
    for agreement in report.agreements.iter().filter(|a| !a.changes.is_empty()) {
        out.push_str(&format!(
            "{} \"{}\" ({})\n",
            agreement.agreement,
            agreement.title,
            versions(agreement)
        ));
        for change in &agreement.changes {
            let values = match (&change.before, &change.after) {
                (Some(b), Some(a)) => format!(": {b} → {a}"),
                (None, Some(a)) => format!(": {a}"),
                (Some(b), None) => format!(": was {b}"),
                (None, None) => String::new(),
            };
            out.push_str(&format!(
                "  {:<13} {}{}\n",
                change.impact.as_str(),
                what(change),
                values.replace('\n', " ")
            ));
        }
        out.push('\n');
    }
    if report.is_empty() {
        out.push_str("no changes to the commitments\n");
    } else {
        out.push_str(&totals(report));
        out.push('\n');
    }
    out
}

/// A value as an inline code span in a table cell: verbatim (an e-mail address is not a link),
/// on one line, with a fence longer than any run of backticks inside and pipes escaped.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ").replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A changelog section for a pull request comment: weakened changes first.
pub fn render_markdown(report: &DiffReport) -> String {
    let mut out = String::from("## Changes to the service level commitments\n\n");
    if report.is_empty() {
        out.push_str("No changes to the commitments.\n");
        return out;
    }
    out.push_str(&format!("{}.\n", totals(report)));
    for agreement in report.agreements.iter().filter(|a| !a.changes.is_empty()) {
        out.push_str(&format!(
            "\n### {} (`{}`, {})\n\n",
            cell(&agreement.title),
            agreement.agreement,
            versions(agreement)
        ));
        out.push_str("| impact | change | before | after |\n| --- | --- | --- | --- |\n");
        let mut changes: Vec<&Change> = agreement.changes.iter().collect();
        changes.sort_by_key(|c| c.impact);
        for change in changes {
            let impact = match change.impact {
                Impact::Weakened => "**weakened**",
                Impact::Strengthened => "strengthened",
                Impact::Neutral => "neutral",
            };
            let value = |v: &Option<String>| v.as_deref().map_or("—".to_string(), code);
            out.push_str(&format!(
                "| {impact} | {} | {} | {} |\n",
                cell(&what(change)),
                value(&change.before),
                value(&change.after)
            ));
        }
    }
    out
}

/// `{"format_version": 1, "agreements": [...], "summary": {...}}`.
pub fn render_json(report: &DiffReport) -> String {
    let value = serde_json::json!({
        "format_version": 1,
        "agreements": report.agreements,
        "summary": {
            "weakened": report.count(Impact::Weakened),
            "strengthened": report.count(Impact::Strengthened),
            "neutral": report.count(Impact::Neutral),
        },
    });
    format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_cannot_break_a_table() {
        assert_eq!(code("a | b"), "`a \\| b`");
        assert_eq!(code("uses `x` here"), "``uses `x` here``");
        assert_eq!(code("`edge`"), "`` `edge` ``");
        assert_eq!(code("two\nlines"), "`two lines`");
        assert_eq!(cell("a | *b*"), "a \\| \\*b\\*");
    }
}
