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

/// Keys of the location table, one function per kind of item. Each is joined with `concat`,
/// which sizes the string once (the keys are built for every item of every agreement).
pub mod key {
    pub fn agreement(agreement: &str) -> String {
        agreement.to_string()
    }
    pub fn version(agreement: &str) -> String {
        [agreement, "/version"].concat()
    }
    pub fn status(agreement: &str) -> String {
        [agreement, "/status"].concat()
    }
    pub fn term(agreement: &str) -> String {
        [agreement, "/term"].concat()
    }
    pub fn review(agreement: &str) -> String {
        [agreement, "/review"].concat()
    }
    pub fn party(agreement: &str, role: &str) -> String {
        [agreement, "/party/", role].concat()
    }
    pub fn calendar(agreement: &str, calendar: &str) -> String {
        [agreement, "/calendar/", calendar].concat()
    }
    /// A holiday, by its first day (`2026-12-24`).
    pub fn holiday(agreement: &str, calendar: &str, first: &str) -> String {
        [agreement, "/calendar/", calendar, "/holiday/", first].concat()
    }
    pub fn priority(agreement: &str, priority: &str) -> String {
        [agreement, "/priority/", priority].concat()
    }
    pub fn maintenance(agreement: &str, window: &str) -> String {
        [agreement, "/maintenance/", window].concat()
    }
    pub fn service(agreement: &str, service: &str) -> String {
        [agreement, "/service/", service].concat()
    }
    /// A `depends on` entry, by the service it names (`other-agreement.dns`).
    pub fn dependency(
        agreement: &str,
        service: &str,
        target_agreement: &str,
        target_service: &str,
    ) -> String {
        [
            agreement,
            "/service/",
            service,
            "/depends/",
            target_agreement,
            ".",
            target_service,
        ]
        .concat()
    }
    pub fn objective(agreement: &str, service: &str, objective: &str) -> String {
        [agreement, "/service/", service, "/objective/", objective].concat()
    }
    pub fn site(agreement: &str, service: &str, site: &str) -> String {
        [agreement, "/service/", service, "/site/", site].concat()
    }
    pub fn site_objective(agreement: &str, service: &str, site: &str, objective: &str) -> String {
        [
            agreement,
            "/service/",
            service,
            "/site/",
            site,
            "/objective/",
            objective,
        ]
        .concat()
    }
    pub fn credits(agreement: &str, service: &str, objective: &str) -> String {
        [agreement, "/credits/", service, ".", objective].concat()
    }
    pub fn credit_tier(agreement: &str, service: &str, objective: &str, index: usize) -> String {
        [
            agreement,
            "/credits/",
            service,
            ".",
            objective,
            "/tier/",
            &index.to_string(),
        ]
        .concat()
    }
    pub fn penalty(agreement: &str, service: &str, objective: &str) -> String {
        [agreement, "/penalty/", service, ".", objective].concat()
    }
    pub fn pricing_tier(agreement: &str, tier: &str) -> String {
        [agreement, "/tier/", tier].concat()
    }
}
