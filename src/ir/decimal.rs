//! An exact decimal for percentages, money and seconds, written to JSON as a number with
//! exactly its own digits (`99.95`, never `99.94999999999999`).

use std::borrow::Cow;
use std::fmt;

use rust_decimal::Decimal;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(pub Decimal);

impl Dec {
    pub fn new(value: Decimal) -> Self {
        Dec(value.normalize())
    }

    pub fn from_int(value: i64) -> Self {
        Dec(Decimal::from(value))
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.normalize(), f)
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json is built with `arbitrary_precision`, so a Number parsed from the decimal's
        // text is written back with exactly those digits.
        let text = self.to_string();
        match text.parse::<serde_json::Number>() {
            Ok(number) => number.serialize(serializer),
            Err(_) => serializer.serialize_str(&text),
        }
    }
}

impl JsonSchema for Dec {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "number",
            "description": "An exact decimal, written with exactly its own digits."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn writes_exact_digits() {
        let value = Dec::new(Decimal::from_str("99.950").unwrap_or_default());
        assert_eq!(serde_json::to_string(&value).unwrap_or_default(), "99.95");
        let tiny = Dec::new(Decimal::from_str("0.0009999").unwrap_or_default());
        assert_eq!(serde_json::to_string(&tiny).unwrap_or_default(), "0.0009999");
    }
}
