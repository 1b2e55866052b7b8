//! Syntax errors in the user's words: every grammar rule that can be expected has a human name,
//! and pest's rule names never reach the user.

use std::borrow::Cow;

use pest::error::{Error, ErrorVariant, InputLocation};

use super::Rule;
use crate::diagnostics::{Code, Diagnostic, Span};
use crate::source::FileId;

/// The human name of a grammar rule, as it reads after "expected".
pub fn describe_rule(rule: Rule) -> Option<Cow<'static, str>> {
    let text = match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE => "a space",
        Rule::byte_order_mark => "a byte order mark",
        Rule::file | Rule::agreement => "an agreement such as `agreement hosting \"Cloud hosting\" { ... }`",
        Rule::import => "an `import \"file.sla\"`",
        Rule::agreement_item | Rule::agreement_items => {
            "an agreement item (`kind`, `version`, `status`, `provider`, `term`, `calendar`, `priority`, `service`, `credits`, ...)"
        }
        Rule::kind_decl => "`kind customer`, `kind internal` or `kind underpinning`",
        Rule::level_decl => "`level corporate`, `level customer` or `level service`",
        Rule::extends_decl => "`extends AGREEMENT`",
        Rule::supports_decl => "`supports AGREEMENT.SERVICE`",
        Rule::version_decl => "`version 1.0.0`",
        Rule::status_decl => "a status such as `status signed 2026-01-10`",
        Rule::party => "a party such as `provider \"Example Cloud\"`",
        Rule::party_role => "`provider` or `customer`",
        Rule::party_item => "`contact \"Name\" <name@example.com>` or `signatory \"Name\"`",
        Rule::contact => "a contact such as `contact \"Lan Nguyen\" <lan@example.com>`",
        Rule::signatory => "a signatory such as `signatory \"Minh Tran\" title \"CFO\"`",
        Rule::term_decl => "a term such as `term 2026-01-01 to 2026-12-31, notice 30 days`",
        Rule::term_end => "the end of the term (`to 2026-12-31` or `open-ended`)",
        Rule::review_decl => "a review cadence such as `review every 3 months, last reviewed 2026-04-01`",
        Rule::revision_decl => "`revision \"...\"`",
        Rule::clause => "a clause such as `clause scope \"...\"`",
        Rule::obligation => "an obligation such as `obligation provider \"...\"`",
        Rule::calendar => "a calendar such as `calendar office \"Office hours\" { ... }`",
        Rule::calendar_item => {
            "a calendar line (`timezone Europe/Berlin`, `mon-fri 08:00-17:00`, `holiday 2026-12-25 \"Christmas Day\"`, `24x7`)"
        }
        Rule::timezone_decl => "`timezone` and an IANA zone such as `Europe/Berlin`",
        Rule::always_open => "`24x7`",
        Rule::weekly_hours => "opening hours such as `mon-fri 08:00-17:00`",
        Rule::day_set | Rule::day_range | Rule::day => "days such as `mon`, `mon-fri`, `weekdays` or `daily`",
        Rule::interval => "hours such as `08:00-17:00`",
        Rule::clock => "a time of day such as `08:00`",
        Rule::holiday => "a holiday such as `holiday 2026-12-25 \"Christmas Day\"`",
        Rule::priority => "a priority such as `priority P1 \"Critical\"`",
        Rule::maintenance => "a maintenance window such as `maintenance weekly \"Weekly maintenance\" { ... }`",
        Rule::maintenance_item => {
            "a maintenance line (`sun 01:00-03:00`, `timezone Europe/Berlin`, `notice 72h`, `applies to hosting`)"
        }
        Rule::notice_decl => "a notice period such as `notice 72h`",
        Rule::applies_decl => "`applies to SERVICE`",
        Rule::service => "a service such as `service hosting \"Cloud hosting\" { ... }`",
        Rule::service_item => {
            "a service line (`availability 99.9% per calendar month`, `response P1 within 4h`, `outcome`, `site`, `depends on`, `warn when`, ...)"
        }
        Rule::description_decl => "`description \"...\"`",
        Rule::depends_decl => "`depends on SERVICE`",
        Rule::site => "a site such as `site rural \"Rural branches\" { ... }`",
        Rule::site_kind => "`site` or `region`",
        Rule::site_item => "`location \"...\"` or an objective such as `response P1 within 8h`",
        Rule::location_decl => "`location \"...\"`",
        Rule::objective => {
            "an objective (`availability 99.9% per calendar month`, `latency p99 under 300ms`, `response P1 within 4h`, `outcome`, ...)"
        }
        Rule::availability => "`availability 99.9% per calendar month`",
        Rule::latency => "`latency p99 under 300ms per rolling 30 days`",
        Rule::error_rate => "`error rate below 0.1% per rolling 30 days`",
        Rule::throughput => "`throughput at least 500 requests per second`",
        Rule::response => "`response P1 within 4h`",
        Rule::resolution => "`resolution P1 within 1 business day`",
        Rule::outcome => "an outcome such as `outcome payroll \"Payroll slips printed by the 25th\" { ... }`",
        Rule::outcome_item => "`target 100% per calendar month`, `measured by \"...\"`, `indicator` or `warn when`",
        Rule::outcome_target => "a target such as `target 100% per calendar month`",
        Rule::percentile => "a percentile such as `p99` or `p99.9`",
        Rule::noun => "what is counted, such as `requests`",
        Rule::rate_unit => "`second`, `minute`, `hour` or `day`",
        Rule::attainment => "`for 95% of tickets`",
        Rule::window => "a window such as `per calendar month` or `per rolling 30 days`",
        Rule::calendar_window => "`calendar month`, `calendar quarter` or `calendar year`",
        Rule::window_length => {
            "a window (`calendar month`, `calendar quarter`, `calendar year` or `rolling 30 days`)"
        }
        Rule::rolling_window => "`rolling 30 days`",
        Rule::measured_during => "when it is measured (`during CALENDAR` or `around the clock`)",
        Rule::objective_body => "a block `{ ... }` (with `indicator`, `measured by`, `warn when`)",
        Rule::inline_space => "a space",
        Rule::ident_char => "a letter, digit, `-` or `_`",
        Rule::objective_item => "`indicator`, `measured by \"...\"` or `warn when`",
        Rule::measured_by => "`measured by \"...\"`",
        Rule::indicator => "an indicator such as `indicator prometheus { ... }`",
        Rule::indicator_field => "an indicator field such as `good \"...\"` or `total \"...\"`",
        Rule::warn_decl => "`warn when 75% of error budget spent`",
        Rule::credits => "a credit policy such as `credits for hosting.availability { ... }`",
        Rule::credit_item | Rule::credit_tier => {
            "a credit tier (`from 99.0% below 99.9%: 10% of monthly fee`), `cap`, `minimum` or `claim within`"
        }
        Rule::tier_lower => "a tier's lower bound (`from 99.0%` or `above 99.0%`)",
        Rule::tier_upper => "a tier's upper bound (`below 99.9%`, `to 99.9%` or `at most 99.9%`)",
        Rule::cap_decl => "a cap such as `cap 50% of monthly fee`",
        Rule::minimum_decl => "a minimum credit such as `minimum 100 EUR`",
        Rule::claim_decl => "`claim within 30 days`",
        Rule::amount => "an amount such as `10% of monthly fee` or `500 EUR`",
        Rule::fee_basis => "`monthly fee`, `quarterly fee` or `annual fee`",
        Rule::penalty => "a penalty such as `penalty for hosting.response.P1 { ... }`",
        Rule::penalty_item | Rule::penalty_rate => "`2% of monthly fee per breach` or `cap`",
        Rule::tier => "a pricing tier such as `tier gold \"Gold\" { ... }`",
        Rule::tier_item => "`price 1200 EUR per month` or `service SERVICE { ... }`",
        Rule::price_decl => "a price such as `price 1200 EUR per month`",
        Rule::price_period => "`month`, `quarter` or `year`",
        Rule::tier_service => "`service SERVICE { ... }`",
        Rule::target => "a percentage such as `99.9%`",
        Rule::duration => "a duration such as `4h`, `30m`, `30 days` or `2 business days`",
        Rule::count => "a number such as `500`",
        Rule::money_or_percent => "an amount such as `1200 EUR` or `10%`",
        Rule::quantity | Rule::number => "a number such as `99.9`",
        Rule::unit | Rule::percent_sign | Rule::compact_unit | Rule::word_unit | Rule::currency => {
            "a unit such as `%`, `h`, `days` or `EUR`"
        }
        Rule::reference => "a name such as `hosting` or `hosting.availability`",
        Rule::ident => "a name such as `office`",
        Rule::version => "a version such as `1.0.0`",
        Rule::date => "a date such as `2026-01-31`",
        Rule::timezone => "a time zone such as `Europe/Berlin`",
        Rule::email => "an e-mail address in angle brackets such as `<lan@example.com>`",
        Rule::string | Rule::string_body => "a quoted text such as `\"Network printing\"`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        other => {
            let name = format!("{other:?}");
            return name
                .strip_prefix("kw_")
                .map(|keyword| Cow::Owned(format!("`{}`", keyword.replace('_', "-"))));
        }
    };
    Some(Cow::Borrowed(text))
}

const BYTE_ORDER_MARK: char = '\u{FEFF}';

/// A character that prints as nothing or as blank space, which a message could not show
/// between backticks, and that is not whitespace in the language: control characters other
/// than `'\t'..='\r'`, Unicode's format characters and its spaces other than the ASCII space.
fn is_invisible(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t'..='\r'))
        || matches!(c, '\u{00A0}' | '\u{00AD}' | '\u{1680}' | '\u{180E}' | '\u{2000}'..='\u{200F}'
            | '\u{2028}'..='\u{202F}' | '\u{205F}'..='\u{2064}' | '\u{3000}' | BYTE_ORDER_MARK)
}

/// The token at `offset`, for "found ..." in messages, and its span.
fn found_token(text: &str, offset: usize) -> (String, Span) {
    let rest = text.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return (
            "the end of the file".to_string(),
            Span::new(text.len(), text.len()),
        );
    };
    let word_char = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '%' | '/');
    let len = if word_char(first) {
        rest.char_indices()
            .find(|(_, c)| !word_char(*c))
            .map(|(i, _)| i)
            .unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token = &rest[..len];
    let shown = match first {
        '\n' | '\r' => "the end of the line".to_string(),
        '"' => "a quoted text".to_string(),
        '\t' => "a tab".to_string(),
        '\x0B' => "a vertical tab".to_string(),
        '\x0C' => "a form feed".to_string(),
        BYTE_ORDER_MARK => "a byte order mark (U+FEFF)".to_string(),
        c if is_invisible(c) => format!("the invisible character U+{:04X}", u32::from(c)),
        _ => format!("`{}`", token.chars().take(40).collect::<String>()),
    };
    (shown, Span::new(offset, offset + len))
}

fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {}", rest.join(", "), last),
    }
}

/// Where pest's parse stopped.
fn offset_of<R: pest::RuleType>(error: &Error<R>) -> usize {
    match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((start, _)) => start,
    }
}

/// Converts a pest error into an `E100` diagnostic that names what was expected and found.
pub(super) fn syntax_error(file: FileId, text: &str, error: Error<Rule>) -> Diagnostic {
    let offset = offset_of(&error);
    let mut expected: Vec<String> = Vec::new();
    let mut expects_close = false;
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            expects_close |= *rule == Rule::rbrace;
            if let Some(name) = describe_rule(*rule) {
                let name = name.into_owned();
                if !expected.contains(&name) {
                    expected.push(name);
                }
            }
        }
    }
    let (found, span) = found_token(text, offset);
    let wanted = join_alternatives(&expected);
    let at_end = offset >= text.trim_end().len();
    let first = text.get(offset..).and_then(|rest| rest.chars().next());
    let invisible = first.is_some_and(is_invisible);
    let help = if at_end && expects_close {
        "the file ends inside a block: add the missing `}`".to_string()
    } else if first == Some(BYTE_ORDER_MARK) {
        "a byte order mark may only begin a file (files joined together leave one inside): delete this one"
            .to_string()
    } else if invisible {
        "delete the invisible character, or retype the line".to_string()
    } else if let [only] = expected.as_slice() {
        format!("write {only} here")
    } else {
        "see the language tour in the README for what each block may contain".to_string()
    };
    Diagnostic::error(
        Code::E100,
        file,
        span,
        format!("expected {wanted}, found {found}"),
    )
    .label(if span.start() >= text.len() {
        "the file ends here".to_string()
    } else if invisible {
        format!("{found} here")
    } else {
        format!("unexpected {found}")
    })
    .help(help)
}

/// The tree parser failed on a file that the full grammar accepts. The two grammars accept
/// the same files, so this is a bug in slac, reported rather than hidden.
pub(super) fn parsers_disagree<R: pest::RuleType>(file: FileId, text: &str, error: &Error<R>) -> Diagnostic {
    let (found, span) = found_token(text, offset_of(error));
    Diagnostic::error(
        Code::E100,
        file,
        span,
        format!("slac's two parsers disagree about {found} here"),
    )
    .label("the tree grammar stops here, the full grammar does not")
    .help("this is a bug in slac: please report it with this file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_a_human_name_without_rule_syntax() {
        for rule in Rule::all_rules() {
            let name = describe_rule(*rule);
            let name = name.unwrap_or_else(|| unreachable!("rule {rule:?} has no human name"));
            let outside_backticks: String = name.split('`').step_by(2).collect();
            assert!(
                !outside_backticks.contains('_'),
                "rule {rule:?} leaks a rule name: {name}"
            );
        }
    }

    #[test]
    fn characters_that_do_not_show_are_named() {
        let found = |text: &str| found_token(text, 1).0;
        assert_eq!(found("a\u{FEFF}b"), "a byte order mark (U+FEFF)");
        assert_eq!(found("a\u{200B}b"), "the invisible character U+200B");
        assert_eq!(found("a\u{A0}b"), "the invisible character U+00A0");
        assert_eq!(found("a\u{1}b"), "the invisible character U+0001");
        assert_eq!(found("a\tb"), "a tab");
        assert_eq!(found("a\x0Bb"), "a vertical tab");
        assert_eq!(found("a\x0Cb"), "a form feed");
        assert_eq!(found("a\u{17E}b"), "`\u{17E}b`");
        assert_eq!(found("a{b"), "`{`");
    }
}
