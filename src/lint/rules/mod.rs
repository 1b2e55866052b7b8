//! The lint rules, one file each, registered in code order.

mod bidi_control;
mod calendar_without_holidays;
mod catalogue_wide_targets;
mod credits_misaligned;
mod dependency_chain;
mod false_precision;
mod holiday_outside_term;
mod identical_site_targets;
mod level_in_no_tier;
mod maintenance_in_business_hours;
mod mixed_credit_units;
mod no_error_budget;
mod no_review_plan;
mod priority_without_resolution;
mod resolution_without_response;
mod review_overdue;
mod signature_inconsistent;
mod special_file_skipped;
mod term_expiring;
mod unmonitored_objective;
mod unobservable_budget;
mod unused_suppression;
mod watermelon;
mod weaker_underpinning;

use super::Rule;

pub(super) static ALL: &[Rule] = &[
    unused_suppression::RULE,
    catalogue_wide_targets::RULE,
    identical_site_targets::RULE,
    watermelon::RULE,
    no_review_plan::RULE,
    review_overdue::RULE,
    term_expiring::RULE,
    signature_inconsistent::RULE,
    weaker_underpinning::RULE,
    dependency_chain::RULE,
    no_error_budget::RULE,
    unobservable_budget::RULE,
    unmonitored_objective::RULE,
    credits_misaligned::RULE,
    calendar_without_holidays::RULE,
    holiday_outside_term::RULE,
    maintenance_in_business_hours::RULE,
    priority_without_resolution::RULE,
    resolution_without_response::RULE,
    false_precision::RULE,
    mixed_credit_units::RULE,
    bidi_control::RULE,
    special_file_skipped::RULE,
    level_in_no_tier::RULE,
];
