//! The registry of diagnostic codes. Codes are stable and never reused:
//! `E1xx` input and syntax, `E2xx` semantic errors, `W3xx` lints, `E4xx` configuration and
//! suppressions, `E5xx` formatting, `E6xx` changes between versions (`slac diff`).

use super::Severity;

macro_rules! codes {
    ($($variant:ident => ($name:literal, $title:literal),)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => stringify!($variant),)* }
            }

            /// A few words naming the problem, used in tables and as a fallback label.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The code's stable kebab-case name, such as `undefined-name` or `watermelon`,
            /// accepted wherever a code is (configuration, suppressions).
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }
        }
    };
}

codes! {
    E100 => ("syntax-error", "syntax error"),
    E101 => ("not-utf8", "file is not valid UTF-8"),
    E102 => ("file-too-large", "file too large"),
    E103 => ("nesting-too-deep", "nesting too deep"),
    E104 => ("invalid-escape", "invalid escape in a text"),
    E105 => ("line-too-long", "line too long"),
    E106 => ("too-many-items", "too many services, objectives or dependencies"),
    E107 => ("chain-too-deep", "chain of imports or extends too deep"),
    E201 => ("undefined-name", "undefined name"),
    E202 => ("unreadable-import", "import cannot be read"),
    E203 => ("duplicate-definition", "duplicate definition"),
    E204 => ("percentage-out-of-range", "percentage out of range"),
    E205 => ("non-positive-duration", "duration must be positive"),
    E206 => ("invalid-clock-time", "invalid clock time or interval"),
    E207 => ("invalid-date", "invalid date"),
    E208 => ("unknown-time-zone", "unknown time zone"),
    E209 => ("dates-out-of-order", "dates out of order"),
    E210 => ("signed-without-date", "signed without a signature date"),
    E211 => ("review-longer-than-term", "review cadence longer than the term"),
    E212 => ("wrong-unit", "wrong kind of value"),
    E213 => ("business-days-around-the-clock", "business days on a round-the-clock objective"),
    E214 => ("overlapping-credit-tiers", "credit tiers overlap"),
    E215 => ("credit-tier-gap", "gap between credit tiers"),
    E216 => ("credits-not-growing", "credits do not grow as the level falls"),
    E217 => ("uncapped-credit", "credit over 100% without a cap"),
    E218 => ("response-after-resolution", "response target longer than resolution target"),
    E219 => ("override-without-base", "override of an objective the service does not have"),
    E220 => ("import-cycle", "import cycle"),
    E221 => ("extends-cycle", "extends cycle"),
    E222 => ("missing-item", "required item missing"),
    E223 => ("invalid-version", "invalid version"),
    E224 => ("misplaced-item", "item not allowed here"),
    E225 => ("unknown-choice", "unknown choice"),
    E226 => ("malformed-value", "malformed value"),
    E227 => ("empty-credit-tier", "empty credit tier"),
    E228 => ("import-outside-project", "import outside the project"),
    E401 => ("invalid-configuration", "invalid configuration"),
    E402 => ("unknown-rule", "unknown rule"),
    E403 => ("invalid-suppression", "invalid suppression comment"),
    E501 => ("unplaceable-comment", "comment the formatter cannot place"),
    E601 => ("weakened-without-major-version", "commitment weakened without a major version bump"),
    W300 => ("unused-suppression", "suppression that suppresses nothing"),
    W301 => ("catalogue-wide-targets", "one set of targets for a whole catalogue"),
    W302 => ("identical-site-targets", "sites with identical targets"),
    W303 => ("watermelon", "watermelon: no outcome in the customer's terms"),
    W304 => ("no-review-plan", "no review cadence or revision plan"),
    W305 => ("review-overdue", "review overdue"),
    W306 => ("term-expiring", "agreement expiring or expired"),
    W307 => ("signature-inconsistent", "signatures inconsistent with the status"),
    W308 => ("weaker-underpinning", "underpinning agreement weaker than what it supports"),
    W309 => ("dependency-chain-availability", "dependencies cannot meet the availability target"),
    W310 => ("no-error-budget", "target of 100%: no error budget"),
    W311 => ("unobservable-error-budget", "error budget too small to observe"),
    W312 => ("unmonitored-objective", "objective not monitored"),
    W313 => ("credits-misaligned-with-target", "credit tiers not aligned with the target"),
    W314 => ("calendar-without-holidays", "business-hours calendar without holidays"),
    W315 => ("holiday-outside-term", "holiday outside the term"),
    W316 => ("maintenance-in-business-hours", "maintenance during business hours"),
    W317 => ("priority-without-resolution", "priority without a resolution target"),
    W318 => ("resolution-without-response", "resolution target without a response target"),
    W319 => ("false-precision", "false precision"),
    W320 => ("mixed-credit-units", "credits mix percentages and money"),
    W321 => ("bidi-control", "bidirectional control character in a spec"),
    W322 => ("special-file-skipped", "a FIFO or device named .sla skipped"),
    W323 => ("level-in-no-credit-tier", "one exact level in no credit tier"),
}

/// The documentation of a code, in the fixed shape that `slac explain` prints.
#[derive(Debug, Clone, Copy)]
pub struct CodeDocs {
    pub what: &'static str,
    pub why: &'static str,
    pub example: &'static str,
    pub instead: &'static str,
}

impl Code {
    pub fn default_severity(self) -> Severity {
        if self.is_lint() {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// Lint codes (`W3xx`) can be configured and suppressed; errors cannot.
    pub fn is_lint(self) -> bool {
        self.as_str().starts_with('W')
    }

    pub fn parse(text: &str) -> Option<Code> {
        let upper = text.trim().to_ascii_uppercase();
        Code::ALL.iter().copied().find(|c| c.as_str() == upper)
    }

    /// The docs of an error code. Lint docs live with each rule in `crate::lint`.
    pub fn error_docs(self) -> Option<CodeDocs> {
        let (_, [what, why, example, instead]) = ERROR_DOCS.iter().find(|(code, _)| *code == self)?;
        Some(CodeDocs {
            what,
            why,
            example,
            instead,
        })
    }
}

/// The documentation of each error code (`slac explain`, SARIF, `docs/codes/`): what it
/// means, why it matters, an example, and what to write instead.
const ERROR_DOCS: &[(Code, [&str; 4])] = &[
    (
        Code::E100,
        [
            "The file does not follow the grammar of the .sla language at the marked place.",
            "slac cannot know what was meant, so nothing after this point in the file is checked.",
            "agreement hosting \"Hosting\" {\n  version 1.0.0\n  term 2026-01-01 to\n}",
            "agreement hosting \"Hosting\" {\n  version 1.0.0\n  term 2026-01-01 to 2026-12-31\n}",
        ],
    ),
    (
        Code::E101,
        [
            "The file contains bytes that are not valid UTF-8.",
            "Specs are text that people review; an encoding error usually means the file was saved in another encoding or is not a spec at all.",
            "clause scope \"Caf\\xE9 printers\"   (saved as Latin-1)",
            "Save the file as UTF-8.",
        ],
    ),
    (
        Code::E102,
        [
            "The file is larger than slac accepts (16 MiB).",
            "A spec that large is almost certainly generated or not a spec; refusing it keeps slac fast and its memory bounded.",
            "a 50 MB file",
            "Split the agreements into several files and `import` them.",
        ],
    ),
    (
        Code::E103,
        [
            "Braces are nested deeper than the language ever needs (64 levels).",
            "The deepest construct of the language nests five levels; deeper input is malformed, and refusing it early keeps the parser from exhausting its stack.",
            "{{{{{{{{ ... }}}}}}}}",
            "Close each block before opening the next one.",
        ],
    ),
    (
        Code::E104,
        [
            "A text contains a backslash escape that the language does not know.",
            "Only `\\\"`, `\\\\`, `\\n` and `\\t` are escapes; anything else is most likely a typo.",
            "clause scope \"C:\\printers\"",
            "clause scope \"C:\\\\printers\"",
        ],
    ),
    (
        Code::E201,
        [
            "A name refers to a calendar, priority, service, objective, site or agreement that is not defined where it is used.",
            "A reference that points nowhere means an objective is measured against nothing, or a credit protects nothing.",
            "response P1 within 4h during ofice",
            "response P1 within 4h during office   # the calendar defined with `calendar office`",
        ],
    ),
    (
        Code::E202,
        [
            "An `import` names a file that does not exist, is a directory or cannot be read.",
            "The agreements in that file are needed to resolve the names this file uses.",
            "import \"corprate.sla\"",
            "import \"corporate.sla\"   # a path relative to the importing file",
        ],
    ),
    (
        Code::E203,
        [
            "The same name or single-valued item is defined twice in one scope.",
            "Two definitions leave it unclear which one the contract means.",
            "calendar office \"Office\" { ... }\ncalendar office \"Office hours\" { ... }",
            "Give each definition its own name, or remove one of them.",
        ],
    ),
    (
        Code::E204,
        [
            "A percentage lies outside (0, 100], or a percentile outside (0, 100).",
            "A target of 0% or 120% cannot be met or missed in any meaningful way.",
            "availability 199.5% per calendar month",
            "availability 99.5% per calendar month",
        ],
    ),
    (
        Code::E205,
        [
            "A duration is zero or negative.",
            "A response within 0 hours or a notice of -3 days cannot be honoured.",
            "response P1 within 0h",
            "response P1 within 4h",
        ],
    ),
    (
        Code::E206,
        [
            "A clock time is not a time of day (hours 00-24, minutes 00-59, 24:00 only as an end), or an interval ends before it starts or overlaps another one on the same day.",
            "Business hours that cannot exist make every business-time objective meaningless.",
            "mon-fri 17:00-08:00",
            "mon-fri 08:00-17:00   # an interval ends after it starts; use 00:00-24:00 for a whole day",
        ],
    ),
    (
        Code::E207,
        [
            "A date is not a real calendar date in the form YYYY-MM-DD.",
            "An impossible date in a contract cannot be enforced.",
            "holiday 2026-02-30 \"Founders' day\"",
            "holiday 2026-02-27 \"Founders' day\"",
        ],
    ),
    (
        Code::E208,
        [
            "A calendar or maintenance window names a time zone that is not in the IANA time zone database.",
            "Business hours are local times; without a real zone they cannot be placed on a timeline.",
            "timezone Asia/Hanoi",
            "timezone Asia/Ho_Chi_Minh",
        ],
    ),
    (
        Code::E209,
        [
            "Dates are in the wrong order: a term that ends before it takes effect, or a holiday range whose last day comes before its first.",
            "The agreement would never be in force, or the holiday would cover no day.",
            "term 2026-12-31 to 2026-01-01",
            "term 2026-01-01 to 2026-12-31",
        ],
    ),
    (
        Code::E210,
        [
            "The agreement's status is `signed` but the status gives no signature date.",
            "The date of signature decides when the commitments bind; a signed contract without it cannot be audited.",
            "status signed",
            "status signed 2026-01-10",
        ],
    ),
    (
        Code::E211,
        [
            "The review cadence is longer than the agreement's term, so no review would ever happen.",
            "A review schedule that never falls due gives the customer no chance to renegotiate.",
            "term 2026-01-01 to 2026-06-30\nreview every 12 months",
            "term 2026-01-01 to 2026-06-30\nreview every 3 months",
        ],
    ),
    (
        Code::E212,
        [
            "A value has the wrong kind of unit for its place: a duration where a percentage belongs, a percentage where a duration belongs, or a plain number where a unit is needed.",
            "`availability 4h` or `response P1 within 95%` have no meaning; the unit is what makes a number a commitment.",
            "availability 4h per calendar month",
            "availability 99.9% per calendar month",
        ],
    ),
    (
        Code::E213,
        [
            "A target is given in business days on an objective measured around the clock.",
            "A business day is a day on which a business-hours calendar is open; around the clock there is no such calendar to count with.",
            "resolution P2 within 2 business days",
            "resolution P2 within 2 business days during office   # or: within 48h",
        ],
    ),
    (
        Code::E214,
        [
            "Two credit tiers cover the same service level, so a measured level would owe two different credits.",
            "Overlapping tiers are how contracts end up in disputes over which credit applies.",
            "from 99.0% below 99.9%: 10% of monthly fee\nfrom 98.0% below 99.5%: 25% of monthly fee",
            "from 99.0% below 99.9%: 10% of monthly fee\nfrom 98.0% below 99.0%: 25% of monthly fee",
        ],
    ),
    (
        Code::E215,
        [
            "Credit tiers leave a band of service levels in no tier: the next tier does not start where the previous one ends.",
            "A level inside the gap (for example exactly 99.0%) would owe nothing although it is worse than a level that owes a credit.",
            "from 99.0% below 99.9%: 10% of monthly fee\nbelow 98.9%: 25% of monthly fee",
            "from 99.0% below 99.9%: 10% of monthly fee\nbelow 99.0%: 25% of monthly fee",
        ],
    ),
    (
        Code::E216,
        [
            "A lower service level owes a smaller or equal credit than a higher one.",
            "Credits must grow as the service gets worse, or the provider gains by failing harder.",
            "from 99.0% below 99.9%: 25% of monthly fee\nbelow 99.0%: 10% of monthly fee",
            "from 99.0% below 99.9%: 10% of monthly fee\nbelow 99.0%: 25% of monthly fee",
        ],
    ),
    (
        Code::E217,
        [
            "A credit or penalty exceeds 100% of the fee and the policy states no cap.",
            "Paying back more than the fee is unusual enough that the contract must say how far it goes.",
            "below 95%: 150% of monthly fee",
            "below 95%: 150% of monthly fee\ncap 150% of monthly fee",
        ],
    ),
    (
        Code::E218,
        [
            "A priority's response target is longer than its resolution target, so the issue must be resolved before anyone has to respond.",
            "The two targets contradict each other; usually one of them has a typo.",
            "response P1 within 8h\nresolution P1 within 4h",
            "response P1 within 1h\nresolution P1 within 4h",
        ],
    ),
    (
        Code::E219,
        [
            "A site, region, pricing tier or extending agreement overrides an objective that the service does not have.",
            "An override changes an existing commitment; one that matches nothing is most likely a misspelt priority or a missing base objective.",
            "service printing { response P1 within 4h\n  site rural { response P2 within 8h } }",
            "service printing { response P1 within 4h\n  site rural { response P1 within 8h } }",
        ],
    ),
    (
        Code::E220,
        [
            "Files import each other in a cycle.",
            "A cycle has no first file, so the order in which terms apply is undefined.",
            "# a.sla\nimport \"b.sla\"\n# b.sla\nimport \"a.sla\"",
            "Move the shared terms into a third file that both import.",
        ],
    ),
    (
        Code::E221,
        [
            "Agreements extend each other in a cycle.",
            "Inheritance must have a root (the corporate-level agreement) from which terms flow down.",
            "agreement a \"A\" { extends b }\nagreement b \"B\" { extends a }",
            "agreement corporate \"Corporate\" { level corporate }\nagreement a \"A\" { extends corporate }",
        ],
    ),
    (
        Code::E222,
        [
            "An agreement, objective or block lacks an item it must have.",
            "A contract without a version, term or parties, or an availability target without a window, cannot be checked or enforced.",
            "agreement hosting \"Hosting\" { kind customer }",
            "agreement hosting \"Hosting\" {\n  kind customer\n  version 1.0.0\n  status draft\n  provider \"Example Cloud\"\n  customer \"ACME\"\n  term 2026-01-01 open-ended\n}",
        ],
    ),
    (
        Code::E223,
        [
            "The agreement's version is not a semantic version (MAJOR.MINOR.PATCH).",
            "Versions are compared to tell a breaking change of the contract from a compatible one.",
            "version 1.2",
            "version 1.2.0",
        ],
    ),
    (
        Code::E224,
        [
            "An item appears where it has no meaning: `supports` in a customer SLA, an error-budget warning on an objective without an error budget, a level that ranks above the agreement it extends.",
            "The item would be silently ignored, and what the author meant would not happen.",
            "kind customer\nsupports other-sla",
            "kind internal\nsupports other-sla",
        ],
    ),
    (
        Code::E225,
        [
            "A word that must be one of a fixed set of choices is not one of them.",
            "The kind, level and status of an agreement and the source of an indicator decide how everything else is read.",
            "kind external",
            "kind customer   # or internal, underpinning",
        ],
    ),
    (
        Code::E226,
        [
            "A value is malformed: an e-mail address, a Prometheus selector, or a currency code.",
            "These values end up in contracts and monitoring configs, where a malformed one breaks a tool far from the spec.",
            "contact \"Lan\" <lan.example.com>",
            "contact \"Lan\" <lan@example.com>",
        ],
    ),
    (
        Code::E227,
        [
            "A credit tier starts at or above the level where it ends, so no measured level falls in it.",
            "`from` is inclusive and `below` exclusive: `from 99.9% below 99.0%` covers nothing, which is almost always the two bounds swapped.",
            "from 99.9% below 99.0%: 10% of monthly fee",
            "from 99.0% below 99.9%: 10% of monthly fee",
        ],
    ),
    (
        Code::E228,
        [
            "An import resolves (through `..` or a symbolic link) to a file outside the project: the nearest folder above the importing file that holds `slac.toml` or `.git`.",
            "A spec that reads files from elsewhere on the machine checks differently on every machine, and a hostile spec could read files it has no business reading.",
            "import \"../../../shared/corporate.sla\"",
            "import \"shared/corporate.sla\"   # a copy or submodule inside the project, or run with --allow-outside",
        ],
    ),
    (
        Code::E401,
        [
            "`slac.toml` is not valid TOML, has a key slac does not know, or a value of the wrong type.",
            "A configuration that is silently ignored would leave rules on or off without anyone noticing.",
            "[lint]\nignored = [\"W303\"]",
            "[lint]\nignore = [\"W303\"]",
        ],
    ),
    (
        Code::E402,
        [
            "A rule code or prefix in `slac.toml` or in a suppression comment names no rule.",
            "A misspelt code would enable, disable or suppress nothing.",
            "# slac: allow(W3O3) \"outcome agreed separately\"",
            "# slac: allow(W303) \"outcome agreed separately\"",
        ],
    ),
    (
        Code::E403,
        [
            "A `# slac:` comment is not a valid suppression: it must name codes and give a reason in quotes.",
            "A suppression without a reason hides a finding without telling reviewers why it is acceptable.",
            "# slac: allow(W310)",
            "# slac: allow(W310) \"the customer accepted a 100% target for payroll\"",
        ],
    ),
    (
        Code::E105,
        [
            "A line is longer than 64 KiB.",
            "Specs are written by people; a line that long is generated or binary data, and refusing it early keeps every later stage fast.",
            "a single line holding a 100,000-character text",
            "the same text over several lines: line breaks inside a text are joined with a space",
        ],
    ),
    (
        Code::E106,
        [
            "A file defines more than 10,000 services, or a service more than 1,000 objectives or more than 256 dependencies (`depends on`).",
            "No agreement needs that many; such input is generated or hostile, and refusing it keeps analysis and memory bounded.",
            "service s1 { ... } ... service s10001 { ... }",
            "one agreement per customer or product line, each in its own file",
        ],
    ),
    (
        Code::E107,
        [
            "A chain of `import`s is more than 64 files deep, or a chain of `extends` more than 32 agreements deep.",
            "Real multi-level SLAs have a few levels; a chain of thousands is generated or hostile, and each level would copy the items of every level above it, so time, memory and output grow with the square of the depth.",
            "agreement level40 \"Level 40\" { extends level39 ... }",
            "agreement team-a \"Team A\" { extends customer-base ... }   # a few levels: corporate, customer, team",
        ],
    ),
    (
        Code::E501,
        [
            "`slac fmt` puts each statement on one line, and this comment sits between two parts of one statement, where no line break remains.",
            "The formatter never drops or moves a comment to a place where it could mean something else, so it refuses the file instead.",
            "term 2026-01-01   # start of the pilot\n  to 2026-12-31",
            "# the term starts with the pilot\nterm 2026-01-01 to 2026-12-31",
        ],
    ),
    (
        Code::E601,
        [
            "`slac diff` found a change that promises the customer less (a lowered target, a removed objective, cut credits, a new holiday) while the agreement's version did not go up a major version.",
            "A version number tells the parties whether the contract they signed still holds; a weakened commitment under a minor version slips past review, as a breaking API change under a minor version does.",
            "version 2.1.0 -> version 2.2.0, with availability 99.95% -> 99.9%",
            "version 2.1.0 -> version 3.0.0, with availability 99.95% -> 99.9%",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_back_and_are_unique() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert_eq!(Code::parse(&code.as_str().to_lowercase()), Some(*code));
        }
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), Code::ALL.len());
    }
}
