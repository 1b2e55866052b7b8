//! Where each item of the IR was written. Not part of the JSON: it is what later stages
//! (lints, reports) point their diagnostics at. An item is found by its path, such as
//! `acme/service/shop/objective/availability`; the functions in [`key`] make the [`Key`] of
//! each kind of item.

use std::collections::hash_map::Entry as Slot;
use std::hash::Hasher;

use rustc_hash::FxHashMap;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::diagnostics::Span;
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub file: FileId,
    pub span: Span,
}

/// An item's path, kept as a 128-bit SipHash of its text rather than the text itself, in the
/// way rustc names each definition by a 128-bit hash of its path (`DefPathHash`). The table
/// holds an entry for every service, objective, site and credit tier, and their paths took
/// more room than the rest of the entry (BENCHMARKS.md, design notes). Two paths with one hash would share a
/// location; among the paths of any run (millions at most) the odds are below 10^-26.
/// `agreement` is the hash of the path's first segment, which picks the table's part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    agreement: u64,
    path: [u64; 2],
}

impl Key {
    /// The key of the path `agreement` followed by `rest`, hashed as one text: the pieces
    /// are fed to the hasher in turn, so nothing is joined.
    fn of(agreement: &str, rest: &[&str]) -> Key {
        let mut hasher = SipHasher13::new();
        hasher.write(agreement.as_bytes());
        let part = hasher.finish128().h1;
        for piece in rest {
            hasher.write(piece.as_bytes());
        }
        let path = hasher.finish128();
        Key {
            agreement: part,
            path: [path.h1, path.h2],
        }
    }
}

/// The table, one part per agreement, so that tables built for different agreements in
/// parallel are merged by moving whole parts.
#[derive(Debug, Clone, Default)]
pub struct Locations {
    by_agreement: FxHashMap<u64, Part>,
}

/// One agreement's entries: a list, sorted by key once it is merged into a table (`absorb`)
/// if it holds more than `SEARCHED_IN_ORDER` entries. A hash table took more room (40 bytes a
/// bucket, at most seven-eighths of them used, and an old and a new table at once while it
/// grew).
#[derive(Debug, Clone, Default)]
struct Part {
    entries: Vec<Entry>,
    /// Whether `entries` is sorted by key, each key once.
    sorted: bool,
}

/// A location with its key's path, in 32 bytes: the file as a `u32` leaves room for the
/// entry's place in the list, by which entries of one key are sorted in place (a stable sort
/// would need a buffer half as large as the list).
#[derive(Debug, Clone)]
struct Entry {
    path: [u64; 2],
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
/// it.
const SEARCHED_IN_ORDER: usize = 128;

impl Part {
    /// Sorts the entries by key, keeping the first location of each key, unless they are few.
    fn sort(&mut self) {
        if !self.sorted && self.entries.len() > SEARCHED_IN_ORDER {
            for (order, entry) in self.entries.iter_mut().enumerate() {
                entry.order = u32::try_from(order).unwrap_or(u32::MAX);
            }
            self.entries.sort_unstable_by_key(|e| (e.path, e.order));
            self.entries.dedup_by(|later, earlier| later.path == earlier.path);
            self.entries.shrink_to_fit();
            self.sorted = true;
        }
    }

    fn get(&self, path: [u64; 2]) -> Option<Location> {
        if self.sorted {
            let at = self.entries.binary_search_by_key(&path, |e| e.path).ok()?;
            return Some(self.entries[at].location());
        }
        self.entries.iter().find(|e| e.path == path).map(Entry::location)
    }
}

impl Locations {
    /// Records where the item of `key` was written; the first location of a key wins.
    pub fn insert(&mut self, key: Key, file: FileId, span: Span) {
        let part = self.by_agreement.entry(key.agreement).or_default();
        // A run reads far fewer than 2^32 files: each is held in memory.
        part.entries.push(Entry {
            path: key.path,
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

    pub fn get(&self, key: Key) -> Option<Location> {
        self.by_agreement.get(&key.agreement)?.get(key.path)
    }
}

/// Keys of the location table, one function per kind of item. The paths they hash read as
/// `acme/service/shop/objective/availability`; agreement ids cannot contain `/`.
pub mod key {
    use super::Key;

    pub fn agreement(agreement: &str) -> Key {
        Key::of(agreement, &[])
    }
    pub fn version(agreement: &str) -> Key {
        Key::of(agreement, &["/version"])
    }
    pub fn status(agreement: &str) -> Key {
        Key::of(agreement, &["/status"])
    }
    pub fn term(agreement: &str) -> Key {
        Key::of(agreement, &["/term"])
    }
    pub fn review(agreement: &str) -> Key {
        Key::of(agreement, &["/review"])
    }
    pub fn party(agreement: &str, role: &str) -> Key {
        Key::of(agreement, &["/party/", role])
    }
    pub fn calendar(agreement: &str, calendar: &str) -> Key {
        Key::of(agreement, &["/calendar/", calendar])
    }
    /// A holiday, by its first day (`2026-12-24`).
    pub fn holiday(agreement: &str, calendar: &str, first: &str) -> Key {
        Key::of(agreement, &["/calendar/", calendar, "/holiday/", first])
    }
    pub fn priority(agreement: &str, priority: &str) -> Key {
        Key::of(agreement, &["/priority/", priority])
    }
    pub fn maintenance(agreement: &str, window: &str) -> Key {
        Key::of(agreement, &["/maintenance/", window])
    }
    pub fn service(agreement: &str, service: &str) -> Key {
        Key::of(agreement, &["/service/", service])
    }
    /// A `depends on` entry, by the service it names (`other-agreement.dns`).
    pub fn dependency(agreement: &str, service: &str, target_agreement: &str, target_service: &str) -> Key {
        Key::of(
            agreement,
            &[
                "/service/",
                service,
                "/depends/",
                target_agreement,
                ".",
                target_service,
            ],
        )
    }
    pub fn objective(agreement: &str, service: &str, objective: &str) -> Key {
        Key::of(agreement, &["/service/", service, "/objective/", objective])
    }
    pub fn site(agreement: &str, service: &str, site: &str) -> Key {
        Key::of(agreement, &["/service/", service, "/site/", site])
    }
    pub fn site_objective(agreement: &str, service: &str, site: &str, objective: &str) -> Key {
        Key::of(
            agreement,
            &["/service/", service, "/site/", site, "/objective/", objective],
        )
    }
    pub fn credits(agreement: &str, service: &str, objective: &str) -> Key {
        Key::of(agreement, &["/credits/", service, ".", objective])
    }
    pub fn credit_tier(agreement: &str, service: &str, objective: &str, index: usize) -> Key {
        Key::of(
            agreement,
            &["/credits/", service, ".", objective, "/tier/", &index.to_string()],
        )
    }
    pub fn penalty(agreement: &str, service: &str, objective: &str) -> Key {
        Key::of(agreement, &["/penalty/", service, ".", objective])
    }
    pub fn pricing_tier(agreement: &str, tier: &str) -> Key {
        Key::of(agreement, &["/tier/", tier])
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

    /// The key of a path written out: its agreement is the text before the first `/`.
    fn path(text: &str) -> Key {
        match text.find('/') {
            Some(slash) => Key::of(&text[..slash], &[&text[slash..]]),
            None => Key::of(text, &[]),
        }
    }

    fn table(entries: &[(&str, usize)]) -> Locations {
        let mut table = Locations::default();
        for (key, start) in entries {
            table.insert(path(key), 0, Span::new(*start, start + 1));
        }
        table
    }

    /// Each kind of key hashes the path it names, as one text however it was fed in pieces,
    /// and different paths give different keys.
    #[test]
    fn keys_are_the_paths_they_name() {
        let pairs = [
            (key::agreement("acme"), "acme"),
            (key::version("acme"), "acme/version"),
            (key::party("acme", "customer"), "acme/party/customer"),
            (
                key::holiday("acme", "office", "2026-12-24"),
                "acme/calendar/office/holiday/2026-12-24",
            ),
            (key::service("acme", "shop"), "acme/service/shop"),
            (
                key::dependency("acme", "shop", "infra", "dns"),
                "acme/service/shop/depends/infra.dns",
            ),
            (
                key::objective("acme", "shop", "latency.p99"),
                "acme/service/shop/objective/latency.p99",
            ),
            (
                key::site_objective("acme", "shop", "rural", "response.P1"),
                "acme/service/shop/site/rural/objective/response.P1",
            ),
            (
                key::credits("acme", "shop", "availability"),
                "acme/credits/shop.availability",
            ),
            (
                key::credit_tier("acme", "shop", "availability", 12),
                "acme/credits/shop.availability/tier/12",
            ),
            (
                key::penalty("acme", "shop", "availability"),
                "acme/penalty/shop.availability",
            ),
            (key::pricing_tier("acme", "gold"), "acme/tier/gold"),
        ];
        for (index, (made, written)) in pairs.iter().enumerate() {
            assert_eq!(*made, path(written), "{written}");
            for (other, _) in &pairs[index + 1..] {
                assert_ne!(made, other, "{written}");
            }
        }
        assert_ne!(key::service("acme", "shop"), key::service("acme", "shop2"));
        assert_ne!(key::service("acme", "shop"), key::service("acme2", "shop"));
        // Keys of one agreement share a part of the table; another agreement's do not.
        assert_eq!(key::service("acme", "a").agreement, key::review("acme").agreement);
        assert_ne!(
            key::service("acme", "a").agreement,
            key::service("acme2", "a").agreement
        );
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
            assert_eq!(read.get(path("a/x")), Some(at(1)));
            assert_eq!(read.get(path("a/b")), Some(at(2)));
            assert_eq!(read.get(path("b")), Some(at(4)));
            assert_eq!(read.get(path("a")), Some(at(5)));
            assert_eq!(read.get(path("a/c")), None);
            assert_eq!(read.get(path("c")), None);
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
        assert!(merged
            .by_agreement
            .get(&path("a").agreement)
            .is_some_and(|part| part.sorted));
        for read in [&table(&entries), &merged] {
            assert_eq!(read.get(path("a/0")), Some(at(0)));
            assert_eq!(read.get(path("a/149")), Some(at(149)));
            assert_eq!(read.get(path("a/150")), None);
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
            assert_eq!(merged.get(path(&format!("a/{key}"))), Some(at(key)));
        }
    }

    /// Merging a second table keeps the locations already there.
    #[test]
    fn absorbing_keeps_what_the_table_has() {
        let mut merged = Locations::default();
        merged.absorb(table(&[("a/x", 1), ("a/y", 2)]));
        merged.absorb(table(&[("a/y", 3), ("a/z", 4), ("b/x", 5)]));
        assert_eq!(merged.get(path("a/x")), Some(at(1)));
        assert_eq!(merged.get(path("a/y")), Some(at(2)));
        assert_eq!(merged.get(path("a/z")), Some(at(4)));
        assert_eq!(merged.get(path("b/x")), Some(at(5)));
    }
}
