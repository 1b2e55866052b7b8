//! Lints: what is weak in an agreement that compiles. Each rule lives in its own file under
//! `rules/` with its docs in a fixed shape; `RULES` is the one registry. Lints read the IR and
//! point into the source through `ir::Locations`; they never see the AST.

pub mod config;
mod rules;
pub mod suppress;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap as HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::diagnostics::{Code, CodeDocs, Diagnostic};
use crate::ir::{self, key, Dec, Key, Location, Locations};
use crate::source::FileId;
use crate::Checked;

/// The lint codes a selector names: a code (`W303`), a prefix (`W3`, `ALL`) or a rule name
/// (`watermelon`). `None` when it names no lint.
pub fn resolve_selector(selector: &str) -> Option<Vec<Code>> {
    let lints = || Code::ALL.iter().copied().filter(|c| c.is_lint());
    if selector == "ALL" {
        return Some(lints().collect());
    }
    if let Some(code) = lints().find(|c| c.name() == selector) {
        return Some(vec![code]);
    }
    let upper = selector.to_ascii_uppercase();
    if !upper.starts_with('W') || upper.len() > 4 {
        return None;
    }
    let codes: Vec<Code> = lints().filter(|c| c.as_str().starts_with(&upper)).collect();
    (!codes.is_empty()).then_some(codes)
}

/// One lint rule: its code, its documentation, and the check itself.
pub struct Rule {
    pub code: Code,
    pub docs: CodeDocs,
    /// `None` for rules that are enforced elsewhere (W300, unused suppressions).
    pub check: Option<fn(&LintInput<'_>, &mut Vec<Diagnostic>)>,
}

/// Every lint rule, in code order.
pub fn rules() -> &'static [Rule] {
    rules::ALL
}

/// The rule of a lint code.
pub fn rule(code: Code) -> Option<&'static Rule> {
    rules::ALL.iter().find(|r| r.code == code)
}

/// What the rules see: every agreement of the run, where each item was written, and today.
pub struct LintInput<'a> {
    pub agreements: Vec<&'a ir::Agreement>,
    by_id: HashMap<&'a str, &'a ir::Agreement>,
    pub locations: &'a Locations,
    /// The date against which reviews and expiry are judged (`--today`).
    pub today: NaiveDate,
}

impl<'a> LintInput<'a> {
    pub fn new(agreements: Vec<&'a ir::Agreement>, locations: &'a Locations, today: NaiveDate) -> Self {
        let by_id = agreements.iter().map(|a| (a.id.as_str(), *a)).collect();
        Self {
            agreements,
            by_id,
            locations,
            today,
        }
    }

    pub fn agreement(&self, id: &str) -> Option<&'a ir::Agreement> {
        self.by_id.get(id).copied()
    }

    /// The first location that exists among `keys`.
    pub fn locate(&self, keys: &[Key]) -> Option<Location> {
        keys.iter().find_map(|k| self.locations.get(*k))
    }

    /// Where an objective of a service was written: in this agreement, or in the ancestor it
    /// was inherited from.
    pub fn objective_location(
        &self,
        agreement: &ir::Agreement,
        service: &str,
        objective: &ir::Objective,
    ) -> Option<Location> {
        let mut keys = vec![key::objective(&agreement.id, service, &objective.id)];
        if let Some(origin) = &objective.origin.inherited_from {
            keys.push(key::objective(origin, service, &objective.id));
        }
        keys.push(key::service(&agreement.id, service));
        self.locate(&keys)
    }

    pub fn service_location(&self, agreement: &ir::Agreement, service: &ir::Service) -> Option<Location> {
        let mut keys = vec![key::service(&agreement.id, &service.id)];
        if let Some(origin) = &service.origin.inherited_from {
            keys.push(key::service(origin, &service.id));
        }
        keys.push(key::agreement(&agreement.id));
        self.locate(&keys)
    }
}

/// An availability objective with the budget of its shortest window.
pub struct AvailabilityBudget<'a> {
    pub agreement: &'a ir::Agreement,
    pub service: &'a ir::Service,
    pub objective: &'a ir::Objective,
    pub target: Dec,
    pub shortest: &'a ir::BudgetWindow,
}

impl<'a> LintInput<'a> {
    /// Every availability objective whose error budget has a shortest window.
    pub fn availability_budgets(&self) -> impl Iterator<Item = AvailabilityBudget<'a>> + '_ {
        self.agreements.iter().flat_map(|agreement| {
            agreement.services.iter().flat_map(move |service| {
                service.objectives.iter().filter_map(move |objective| {
                    let ir::Commitment::Availability { target_percent } = objective.commitment else {
                        return None;
                    };
                    let shortest = objective.error_budget.as_ref()?.shortest_window.as_ref()?;
                    Some(AvailabilityBudget {
                        agreement,
                        service,
                        objective,
                        target: target_percent,
                        shortest,
                    })
                })
            })
        })
    }
}

/// A lint diagnostic of `code` at `location`, with the rule's default severity.
pub fn finding(
    code: Code,
    location: Location,
    message: impl Into<String>,
    label: impl Into<crate::diagnostics::Text>,
) -> Diagnostic {
    Diagnostic::error(code, location.file, location.span, message).label(label)
}

/// Runs every rule over the agreements, the rules in parallel; the findings come in the order
/// of the rules, whatever the number of threads.
pub fn run(input: &LintInput<'_>) -> Vec<Diagnostic> {
    let per_rule: Vec<Vec<Diagnostic>> = rules::ALL
        .par_iter()
        .filter_map(|rule| rule.check)
        .map(|check| {
            let mut found = Vec::new();
            check(input, &mut found);
            found
        })
        .collect();
    concat_into_largest(per_rule)
}

/// The lists one after the other, in the list that has the most room: a large agreement's
/// findings are mostly one rule's (10,000 of 10,013 for the 10,000-service spec of
/// `benches/memory.rs`), which a new list would hold a second time.
pub(crate) fn concat_into_largest<T>(mut lists: Vec<Vec<T>>) -> Vec<T> {
    let Some(largest) = (0..lists.len()).max_by_key(|&index| lists[index].capacity()) else {
        return Vec::new();
    };
    let total = lists.iter().map(Vec::len).sum::<usize>();
    let mut all = std::mem::take(&mut lists[largest]);
    all.reserve_exact(total - all.len());
    let mut lists = lists.into_iter();
    let before: Vec<T> = lists.by_ref().take(largest).flatten().collect();
    all.splice(0..0, before);
    all.extend(lists.flatten());
    all
}

/// `99.95%`
pub fn percent(value: Dec) -> String {
    format!("{value}%")
}

/// A number of seconds for people: `43 min 12 s`, `1 h 5 min`, `0.86 s`.
pub fn human_seconds(seconds: Decimal) -> String {
    if seconds < Decimal::from(60) {
        return format!("{} s", seconds.round_dp(2).normalize());
    }
    let whole = seconds.trunc();
    let total = whole.mantissa() / 10_i128.pow(whole.scale());
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, rest) = (rest / 3_600, rest % 3_600);
    let (minutes, secs) = (rest / 60, rest % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} d"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes} min"));
    }
    if secs > 0 {
        parts.push(format!("{secs} s"));
    }
    parts.join(" ")
}

/// The target percentage of an objective that has one.
pub fn target_percent(objective: &ir::Objective) -> Option<Dec> {
    match &objective.commitment {
        ir::Commitment::Availability { target_percent } | ir::Commitment::Outcome { target_percent, .. } => {
            Some(*target_percent)
        }
        ir::Commitment::Latency { percentile, .. } => Some(*percentile),
        _ => None,
    }
}

/// Runs the lints over a checked run, adding their findings to `checked.diagnostics`.
///
/// Each file's nearest `slac.toml` decides which lints run and how severe they are; inline
/// `# slac: allow(...)` comments suppress findings. The rules skip the agreements of a file
/// that has errors or imports (directly or not) a file that has: their IR, or that of what they
/// refer to, would be incomplete. A file's rules so depend only on the files it imports, never
/// on unrelated files of the same run. Configuration and suppression comments are checked
/// either way. `today` is the date reviews and expiry are judged against.
pub fn lint_run(checked: &mut Checked, today: NaiveDate) {
    let spec_files: Vec<FileId> = checked.spec_files().collect();
    let mut findings: Vec<Diagnostic> = Vec::new();

    // Configurations, each loaded once.
    let mut configs: BTreeMap<PathBuf, Option<config::Config>> = BTreeMap::new();
    let mut config_of: BTreeMap<FileId, PathBuf> = BTreeMap::new();
    // Each file's folder, canonical (a linked file counts where it points), found in parallel;
    // the search upwards then runs once per folder.
    let folders: Vec<Option<PathBuf>> = spec_files
        .par_iter()
        .map(|&file| {
            let absolute = match checked.sources.canonical(file) {
                Some(known) => known.to_path_buf(),
                None => std::fs::canonicalize(checked.sources.path(file)).ok()?,
            };
            absolute.parent().map(Path::to_path_buf)
        })
        .collect();
    let mut by_folder: BTreeMap<&Path, Option<PathBuf>> = BTreeMap::new();
    for folder in folders.iter().flatten() {
        by_folder
            .entry(folder)
            .or_insert_with(|| config::discover_from(folder));
    }
    let discovered: Vec<Option<PathBuf>> = folders
        .iter()
        .map(|folder| {
            folder
                .as_deref()
                .and_then(|f| by_folder.get(f).cloned().flatten())
        })
        .collect();
    for (&file, found) in spec_files.iter().zip(discovered) {
        if let Some(path) = found {
            if !configs.contains_key(&path) {
                let (loaded, mut problems) = config::load(&path, &mut checked.sources);
                findings.append(&mut problems);
                configs.insert(path.clone(), loaded);
            }
            config_of.insert(file, path);
        }
    }

    let mut suppressions = Vec::new();
    let parsed: Vec<_> = spec_files
        .par_iter()
        .map(|&file| suppress::parse(file, checked.sources.text(file)))
        .collect();
    for (mut found, mut problems) in parsed {
        suppressions.append(&mut found);
        findings.append(&mut problems);
    }

    let blocked = checked.files_reaching_errors();
    if spec_files.iter().any(|file| !blocked.contains(file)) {
        // What each file's configuration makes of a finding: its severity, or off.
        let configure = |mut finding: Diagnostic, checked: &Checked| -> Option<Diagnostic> {
            let configured = config_of
                .get(&finding.primary.file)
                .and_then(|path| configs.get(path))
                .and_then(Option::as_ref);
            let setting = match configured {
                Some(config) => config.setting(checked.sources.path(finding.primary.file), finding.code),
                None => Some(finding.code.default_severity()),
            };
            setting.map(|severity| {
                finding.severity = severity;
                finding
            })
        };
        let sound: Vec<&ir::Agreement> = checked
            .programs
            .iter()
            .filter(|(file, _)| !blocked.contains(file))
            .flat_map(|(_, program)| &program.agreements)
            .collect();
        let input = LintInput::new(sound, &checked.locations, today);
        let lints: Vec<Diagnostic> = run(&input)
            .into_iter()
            .filter_map(|f| configure(f, checked))
            .collect();
        let kept = suppress::apply(&mut suppressions, lints);
        findings = concat_into_largest(vec![findings, kept]);
        // A suppression in a file the rules skipped has had no chance to be used.
        let unused = suppress::unused(&suppressions)
            .into_iter()
            .filter(|f| !blocked.contains(&f.primary.file));
        findings.extend(unused.filter_map(|f| configure(f, checked)));
    }
    let analysis = std::mem::take(&mut checked.diagnostics);
    checked.diagnostics = concat_into_largest(vec![analysis, findings]);
    crate::diagnostics::sort(&mut checked.diagnostics);
    checked.diagnostics.dedup();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists keep their order whichever has the most room, and that list's buffer is the
    /// one returned.
    #[test]
    fn lists_are_joined_in_order_in_the_roomiest() {
        for roomiest in 0..4 {
            let mut lists: Vec<Vec<u32>> = vec![vec![1, 2], vec![], vec![3], vec![4, 5, 6]];
            lists[roomiest].reserve_exact(100);
            let buffer = lists[roomiest].as_ptr();
            let joined = concat_into_largest(lists);
            assert_eq!(joined, [1, 2, 3, 4, 5, 6]);
            assert_eq!(joined.as_ptr(), buffer, "list {roomiest}");
        }
        assert!(concat_into_largest(Vec::<Vec<u32>>::new()).is_empty());
    }

    #[test]
    fn seconds_read_like_people_write_them() {
        assert_eq!(human_seconds(Decimal::new(2592, 0)), "43 min 12 s");
        assert_eq!(human_seconds(Decimal::new(864, 3)), "0.86 s");
        assert_eq!(human_seconds(Decimal::new(90_000, 0)), "1 d 1 h");
    }

    #[test]
    fn every_lint_code_has_a_rule_and_every_rule_a_lint_code() {
        for code in Code::ALL.iter().filter(|c| c.is_lint()) {
            assert!(rule(*code).is_some(), "no rule for {}", code.as_str());
        }
        let mut codes: Vec<Code> = rules().iter().map(|r| r.code).collect();
        let sorted = {
            let mut s = codes.clone();
            s.sort();
            s
        };
        assert_eq!(codes, sorted, "rules are registered in code order");
        codes.dedup();
        assert_eq!(codes.len(), rules().len());
    }
}
