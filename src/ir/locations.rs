//! Where each item of the IR was written. Not part of the JSON: it is what later stages
//! (lints, reports) point their diagnostics at. Keys are paths such as
//! `acme/service/shop/objective/availability`, built by the functions in [`key`].

use std::collections::HashMap;

use crate::diagnostics::Span;
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

#[derive(Debug, Clone, Default)]
pub struct Locations {
    map: HashMap<String, Location>,
}

impl Locations {
    pub fn insert(&mut self, key: String, file: FileId, span: Span) {
        self.map.entry(key).or_insert(Location { file, span });
    }

    pub fn get(&self, key: &str) -> Option<Location> {
        self.map.get(key).copied()
    }
}

/// Keys of the location table, one function per kind of item.
pub mod key {
    pub fn agreement(agreement: &str) -> String {
        agreement.to_string()
    }
    pub fn version(agreement: &str) -> String {
        format!("{agreement}/version")
    }
    pub fn status(agreement: &str) -> String {
        format!("{agreement}/status")
    }
    pub fn term(agreement: &str) -> String {
        format!("{agreement}/term")
    }
    pub fn review(agreement: &str) -> String {
        format!("{agreement}/review")
    }
    pub fn party(agreement: &str, role: &str) -> String {
        format!("{agreement}/party/{role}")
    }
    pub fn calendar(agreement: &str, calendar: &str) -> String {
        format!("{agreement}/calendar/{calendar}")
    }
    /// A holiday, by its first day (`2026-12-24`).
    pub fn holiday(agreement: &str, calendar: &str, first: &str) -> String {
        format!("{agreement}/calendar/{calendar}/holiday/{first}")
    }
    pub fn priority(agreement: &str, priority: &str) -> String {
        format!("{agreement}/priority/{priority}")
    }
    pub fn maintenance(agreement: &str, window: &str) -> String {
        format!("{agreement}/maintenance/{window}")
    }
    pub fn service(agreement: &str, service: &str) -> String {
        format!("{agreement}/service/{service}")
    }
    /// A `depends on` entry, by the service it names (`other-agreement.dns`).
    pub fn dependency(
        agreement: &str,
        service: &str,
        target_agreement: &str,
        target_service: &str,
    ) -> String {
        format!("{agreement}/service/{service}/depends/{target_agreement}.{target_service}")
    }
    pub fn objective(agreement: &str, service: &str, objective: &str) -> String {
        format!("{agreement}/service/{service}/objective/{objective}")
    }
    pub fn site(agreement: &str, service: &str, site: &str) -> String {
        format!("{agreement}/service/{service}/site/{site}")
    }
    pub fn site_objective(agreement: &str, service: &str, site: &str, objective: &str) -> String {
        format!("{agreement}/service/{service}/site/{site}/objective/{objective}")
    }
    pub fn credits(agreement: &str, service: &str, objective: &str) -> String {
        format!("{agreement}/credits/{service}.{objective}")
    }
    pub fn credit_tier(agreement: &str, service: &str, objective: &str, index: usize) -> String {
        format!("{agreement}/credits/{service}.{objective}/tier/{index}")
    }
    pub fn penalty(agreement: &str, service: &str, objective: &str) -> String {
        format!("{agreement}/penalty/{service}.{objective}")
    }
    pub fn pricing_tier(agreement: &str, tier: &str) -> String {
        format!("{agreement}/tier/{tier}")
    }
}
