//! Semantic differences between two versions of a set of agreements, read from their IR, and
//! each classified from the customer's side: `strengthened` (more is promised), `weakened`
//! (less is promised) or `neutral`. A weakening change must come with a major version bump of
//! the agreement (`E601`), as an incompatible API change must in semantic versioning.

mod compare;
mod render;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Agreement, Locations};

pub use render::{render_human, render_json, render_markdown};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Impact {
    Weakened,
    Strengthened,
    Neutral,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Weakened => "weakened",
            Impact::Strengthened => "strengthened",
            Impact::Neutral => "neutral",
        }
    }

    /// The impact of a value moving from `old` to `new` where a higher value promises more.
    fn of_ordering(ordering: Ordering, higher_promises_more: bool) -> Impact {
        match (ordering, higher_promises_more) {
            (Ordering::Equal, _) => Impact::Neutral,
            (Ordering::Greater, true) | (Ordering::Less, false) => Impact::Strengthened,
            _ => Impact::Weakened,
        }
    }
}

/// One semantic change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What changed: `service shop, objective availability`, or empty for the agreement itself.
    pub subject: String,
    /// How it changed, in words: `target lowered`.
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    pub impact: Impact,
    /// Where the changed item is written in the new version (a key of `Locations`).
    #[serde(skip)]
    pub location: Option<crate::ir::Key>,
}

/// The changes of one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementChanges {
    pub agreement: String,
    pub title: String,
    pub version_before: Option<String>,
    pub version_after: Option<String>,
    pub changes: Vec<Change>,
}

impl AgreementChanges {
    pub fn weakened(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.impact == Impact::Weakened)
    }
}

/// Every change between two versions, agreement by agreement (in the order of the new version,
/// then the removed ones).
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub agreements: Vec<AgreementChanges>,
}

impl DiffReport {
    pub fn count(&self, impact: Impact) -> usize {
        self.agreements
            .iter()
            .flat_map(|a| &a.changes)
            .filter(|c| c.impact == impact)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.agreements.iter().all(|a| a.changes.is_empty())
    }
}

/// The changes from `old` to `new`, agreements matched by id.
pub fn diff(old: &[&Agreement], new: &[&Agreement]) -> DiffReport {
    let mut agreements = Vec::new();
    // Reversed, so that the first agreement of an id is the one kept.
    let olds: HashMap<&str, &Agreement> = old.iter().rev().map(|a| (a.id.as_str(), *a)).collect();
    let news: HashSet<&str> = new.iter().map(|a| a.id.as_str()).collect();
    for after in new {
        let before = olds.get(after.id.as_str()).copied();
        let changes = match before {
            Some(before) => compare::agreement(before, after),
            None => vec![Change {
                subject: String::new(),
                description: "agreement added".into(),
                before: None,
                after: Some(after.title.clone()),
                impact: Impact::Strengthened,
                location: Some(crate::ir::key::agreement(&after.id)),
            }],
        };
        agreements.push(AgreementChanges {
            agreement: after.id.clone(),
            title: after.title.clone(),
            version_before: before.map(|b| b.version.clone()),
            version_after: Some(after.version.clone()),
            changes,
        });
    }
    for before in old.iter().filter(|b| !news.contains(b.id.as_str())) {
        agreements.push(AgreementChanges {
            agreement: before.id.clone(),
            title: before.title.clone(),
            version_before: Some(before.version.clone()),
            version_after: None,
            changes: vec![Change {
                subject: String::new(),
                description: "agreement removed".into(),
                before: Some(before.title.clone()),
                after: None,
                impact: Impact::Weakened,
                location: None,
            }],
        });
    }
    DiffReport { agreements }
}

/// Whether `after` is a major version bump over `before` (for 0.y.z versions, where semantic
/// versioning allows breaking changes in a minor release, a minor bump counts).
fn is_major_bump(before: &str, after: &str) -> bool {
    match (semver::Version::parse(before), semver::Version::parse(after)) {
        (Ok(before), Ok(after)) if before.major == 0 && after.major == 0 => after.minor > before.minor,
        (Ok(before), Ok(after)) => after.major > before.major,
        _ => false,
    }
}

/// Whether an agreement in both versions weakens a commitment without a major version bump.
pub fn needs_major_bump(agreement: &AgreementChanges) -> bool {
    match (&agreement.version_before, &agreement.version_after) {
        (Some(before), Some(after)) => agreement.weakened().next().is_some() && !is_major_bump(before, after),
        _ => false,
    }
}

/// `E601` for every agreement of the new version that weakens a commitment without a major
/// version bump, pointing at its version (and at the first weakened item).
pub fn version_errors(report: &DiffReport, locations: &Locations) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for agreement in report.agreements.iter().filter(|a| needs_major_bump(a)) {
        let (Some(before), Some(after)) = (&agreement.version_before, &agreement.version_after) else {
            continue;
        };
        let weakened: Vec<&Change> = agreement.weakened().collect();
        let key = crate::ir::key::version(&agreement.agreement);
        let Some(at) = locations
            .get(key)
            .or_else(|| locations.get(crate::ir::key::agreement(&agreement.agreement)))
        else {
            continue;
        };
        let first = weakened[0];
        let what = if first.subject.is_empty() {
            first.description.clone()
        } else {
            format!("{}: {}", first.subject, first.description)
        };
        let mut diagnostic = Diagnostic::error(
            Code::E601,
            at.file,
            at.span,
            format!(
                "`{}` weakens {} commitment{} but its version goes from {before} to {after}",
                agreement.agreement,
                weakened.len(),
                if weakened.len() == 1 { "" } else { "s" }
            ),
        )
        .label("not a major version bump")
        .help(format!(
            "raise the major version (such as `version {}`), or restore what was weakened ({what})",
            next_major(after)
        ));
        if let Some(location) = first.location.and_then(|k| locations.get(k)) {
            diagnostic = diagnostic.secondary(location.file, location.span, "weakened here");
        }
        errors.push(diagnostic);
    }
    errors
}

fn next_major(version: &str) -> String {
    match semver::Version::parse(version) {
        Ok(v) if v.major == 0 => format!("0.{}.0", v.minor + 1),
        Ok(v) => format!("{}.0.0", v.major + 1),
        Err(_) => "2.0.0".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_bumps() {
        assert!(is_major_bump("1.4.2", "2.0.0"));
        assert!(!is_major_bump("1.4.2", "1.5.0"));
        assert!(is_major_bump("0.3.1", "0.4.0"));
        assert!(!is_major_bump("0.3.1", "0.3.2"));
        assert!(!is_major_bump("2.0.0", "1.0.0"));
        assert_eq!(next_major("2.1.0"), "3.0.0");
        assert_eq!(next_major("0.3.1"), "0.4.0");
    }
}
