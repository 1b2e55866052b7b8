//! Where each item of the IR was written. Not part of the JSON: it is what later stages
//! (lints, reports) point their diagnostics at. Keys are paths such as
//! `acme/service/shop/objective/availability`, built by the functions in [`key`].

use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap;

use crate::diagnostics::Span;
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// The table, one part per agreement (the first segment of a key), so that tables built for
/// different agreements in parallel are merged by moving whole parts.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    by_agreement: FxHashMap<String, FxHashMap<String, Location>>,
}

/// The agreement a key belongs to: its first segment. Agreement ids cannot contain `/`.
fn agreement_of(key: &str) -> &str {
    key.split_once('/').map_or(key, |(agreement, _)| agreement)
}

impl Locations {
    /// Records where `key` was written; the first location of a key wins.
    pub fn insert(&mut self, key: String, file: FileId, span: Span) {
        let part = match self.by_agreement.get_mut(agreement_of(&key)) {
            Some(part) => part,
            None => self
                .by_agreement
                .entry(agreement_of(&key).to_string())
                .or_default(),
        };
        part.entry(key).or_insert(Location { file, span });
    }

    /// Adds the entries of `other` that this table does not have yet (the first location of
    /// a key wins, as with `insert`).
    pub fn absorb(&mut self, other: Locations) {
        for (agreement, entries) in other.by_agreement {
            match self.by_agreement.entry(agreement) {
                Entry::Vacant(vacant) => {
                    vacant.insert(entries);
                }
                Entry::Occupied(mut occupied) => {
                    for (key, location) in entries {
                        occupied.get_mut().entry(key).or_insert(location);
                    }
                }
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<Location> {
        self.by_agreement.get(agreement_of(key))?.get(key).copied()
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
