//! Where each item of the IR was written. Not part of the JSON: it is what later stages
//! (lints, reports) point their diagnostics at. Keys are paths such as
//! `acme/service/shop/objective/availability`, built by the functions in [`key`].

use std::collections::hash_map::Entry as Slot;

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
    by_agreement: FxHashMap<String, Part>,
}

/// One agreement's entries: a list, sorted by key once it is merged into a table (`absorb`)
/// if it holds more than `SEARCHED_IN_ORDER` entries. A hash table took more room (40 bytes a
/// bucket, at most seven-eighths of them used, and an old and a new table at once while it
/// grew): a 5,000-service agreement's 65,013 entries took 5.4 MB in it, and take 2.1 MB here.
#[derive(Debug, Clone, Default)]
struct Part {
    entries: Vec<Entry>,
    /// Whether `entries` is sorted by key, each key once.
    sorted: bool,
}

/// A location with its key, in 32 bytes: the file as a `u32` leaves room for the entry's
/// place in the list, by which entries of one key are sorted in place (a stable sort would
/// need a buffer as large as the list: 2 MB for the agreement above).
#[derive(Debug, Clone)]
struct Entry {
    key: Box<str>,
    file: u32,
    /// The entry's position before sorting.
    order: u32,
    span: Span,
}

impl Entry {
    fn location(&self) -> Location {
        Location {
            file: self.file as FileId,
            span: self.span,
        }
    }
}

/// A list of up to this many entries is searched from its start rather than sorted: a typical
/// agreement has about a hundred, and is looked up a few times, which costs less than sorting
/// it (`slac check` on 200 files, one thread: 320.2 M instructions, against 325.6 M sorting
/// every list).
const SEARCHED_IN_ORDER: usize = 128;

impl Part {
    /// Sorts the entries by key, keeping the first location of each key, unless they are few.
    fn sort(&mut self) {
        if !self.sorted && self.entries.len() > SEARCHED_IN_ORDER {
            for (order, entry) in self.entries.iter_mut().enumerate() {
                entry.order = u32::try_from(order).unwrap_or(u32::MAX);
            }
            self.entries
                .sort_unstable_by(|a, b| a.key.cmp(&b.key).then(a.order.cmp(&b.order)));
            self.entries.dedup_by(|later, earlier| later.key == earlier.key);
            self.entries.shrink_to_fit();
            self.sorted = true;
        }
    }

    fn get(&self, key: &str) -> Option<Location> {
        if self.sorted {
            let at = self.entries.binary_search_by(|e| (*e.key).cmp(key)).ok()?;
            return Some(self.entries[at].location());
        }
        self.entries.iter().find(|e| &*e.key == key).map(Entry::location)
    }
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
        // A run reads far fewer than 2^32 files: each is held in memory.
        part.entries.push(Entry {
            key: key.into_boxed_str(),
            file: u32::try_from(file).unwrap_or(u32::MAX),
            order: 0,
            span,
        });
        part.sorted = false;
    }

    /// Adds the entries of `other` that this table does not have yet (the first location of
    /// a key wins, as with `insert`), and sorts what it adds to, for `get`.
    pub fn absorb(&mut self, other: Locations) {
        for (agreement, mut entries) in other.by_agreement {
            match self.by_agreement.entry(agreement) {
                Slot::Vacant(vacant) => {
                    entries.sort();
                    vacant.insert(entries);
                }
                Slot::Occupied(mut occupied) => {
                    let part = occupied.get_mut();
                    part.entries.append(&mut entries.entries);
                    part.sorted = false;
                    part.sort();
                }
            }
        }
    }

    /// Sorts the table for reading. `absorb` sorts what it merges, but a table built on a
    /// worker thread is best sorted there, before it is merged on one thread.
    pub fn sort(&mut self) {
        for part in self.by_agreement.values_mut() {
            part.sort();
        }
    }

    pub fn get(&self, key: &str) -> Option<Location> {
        self.by_agreement.get(agreement_of(key))?.get(key)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: usize) -> Location {
        Location {
            file: 0,
            span: Span::new(start, start + 1),
        }
    }

    fn table(entries: &[(&str, usize)]) -> Locations {
        let mut table = Locations::default();
        for (key, start) in entries {
            table.insert(key.to_string(), 0, Span::new(*start, start + 1));
        }
        table
    }

    /// The first location of a key wins, whether the table is read as it is built or after
    /// it is merged (and sorted) into another.
    #[test]
    fn the_first_location_of_a_key_wins() {
        let entries = [("a/x", 1), ("a/b", 2), ("a/x", 3), ("b", 4), ("a", 5), ("a/b", 6)];
        let built = table(&entries);
        let mut merged = Locations::default();
        merged.absorb(table(&entries));
        for read in [&built, &merged] {
            assert_eq!(read.get("a/x"), Some(at(1)));
            assert_eq!(read.get("a/b"), Some(at(2)));
            assert_eq!(read.get("b"), Some(at(4)));
            assert_eq!(read.get("a"), Some(at(5)));
            assert_eq!(read.get("a/c"), None);
            assert_eq!(read.get("c"), None);
        }
    }

    /// The same, with more entries than are searched in order, so that the list is sorted.
    #[test]
    fn the_first_location_of_a_key_wins_in_a_sorted_list() {
        let keys: Vec<String> = (0..2 * SEARCHED_IN_ORDER)
            .map(|i| format!("a/{}", i % 150))
            .collect();
        let entries: Vec<(&str, usize)> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let mut merged = Locations::default();
        merged.absorb(table(&entries));
        assert!(merged.by_agreement.get("a").is_some_and(|part| part.sorted));
        for read in [&table(&entries), &merged] {
            assert_eq!(read.get("a/0"), Some(at(0)));
            assert_eq!(read.get("a/149"), Some(at(149)));
            assert_eq!(read.get("a/150"), None);
        }
    }

    /// A long list of few keys, each written many times: sorting must not reorder the
    /// entries of one key (a list this long is sorted by moving entries far apart).
    #[test]
    fn the_first_location_of_a_key_wins_among_many_of_that_key() {
        let keys: Vec<String> = (0..3000).map(|i| format!("a/{}", i % 7)).collect();
        let entries: Vec<(&str, usize)> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
        let mut merged = Locations::default();
        merged.absorb(table(&entries));
        for key in 0..7 {
            assert_eq!(merged.get(&format!("a/{key}")), Some(at(key)));
        }
    }

    /// Merging a second table keeps the locations already there.
    #[test]
    fn absorbing_keeps_what_the_table_has() {
        let mut merged = Locations::default();
        merged.absorb(table(&[("a/x", 1), ("a/y", 2)]));
        merged.absorb(table(&[("a/y", 3), ("a/z", 4), ("b/x", 5)]));
        assert_eq!(merged.get("a/x"), Some(at(1)));
        assert_eq!(merged.get("a/y"), Some(at(2)));
        assert_eq!(merged.get("a/z"), Some(at(4)));
        assert_eq!(merged.get("b/x"), Some(at(5)));
    }
}
