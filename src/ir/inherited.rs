//! Inherited items written by reference in the IR's JSON: an item an agreement takes unchanged
//! from an ancestor is written as its key and `inherited_from`, and its definition once, in the
//! agreement that made it. A chain of `extends` then writes each item once, not once per level
//! below it.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::{
    Calendar, Clause, CreditPolicy, MaintenanceWindow, Objective, ObjectiveRef, Origin, Penalty, Priority,
    Service,
};

/// An item that may be inherited: its origin, and the fields that name it among its kind.
pub trait Inheritable {
    fn origin(&self) -> &Origin;
    /// Writes the fields that name the item (its `id`, or the objective it is about).
    fn key<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

/// Implements `Inheritable` for kinds whose field `$key` names an item.
macro_rules! keyed_by {
    ($key:ident: $($kind:ty),*) => {$(
        impl Inheritable for $kind {
            fn origin(&self) -> &Origin {
                &self.origin
            }

            fn key<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                map.serialize_entry(stringify!($key), &self.$key)
            }
        }
    )*};
}

keyed_by!(id: Clause, Calendar, Priority, MaintenanceWindow, Service, Objective);
keyed_by!(objective: CreditPolicy, Penalty);

impl<T: Inheritable> Inheritable for Arc<T> {
    fn origin(&self) -> &Origin {
        T::origin(self)
    }

    fn key<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        T::key(self, map)
    }
}

/// Serializes a list of items, each inherited one as its key and `inherited_from`.
pub fn by_reference<T: Inheritable + Serialize, S: Serializer>(
    items: &[T],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut seq = serializer.serialize_seq(Some(items.len()))?;
    for item in items {
        seq.serialize_element(&Entry(item))?;
    }
    seq.end()
}

struct Entry<'a, T>(&'a T);

impl<T: Inheritable + Serialize> Serialize for Entry<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Some(ancestor) = &self.0.origin().inherited_from else {
            return self.0.serialize(serializer);
        };
        let mut map = serializer.serialize_map(Some(2))?;
        self.0.key(&mut map)?;
        map.serialize_entry("inherited_from", ancestor)?;
        map.end()
    }
}

/// The schema of a list written by `by_reference`: each entry the item itself, or a reference
/// to where it is defined.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum Listed<T, K> {
    Defined(T),
    Inherited(Reference<K>),
}

/// An item taken unchanged from an ancestor agreement, defined there (in this document's
/// `agreements` or `ancestors`).
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct Reference<K> {
    #[serde(flatten)]
    key: K,
    /// The agreement that defines the item.
    inherited_from: String,
}

/// The key of an item named by its id.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ById {
    id: String,
}

/// The key of a credit policy or penalty: the objective it is about.
#[derive(JsonSchema)]
#[allow(dead_code)]
pub struct ByObjective {
    objective: ObjectiveRef,
}
