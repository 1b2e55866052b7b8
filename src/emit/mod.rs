//! Emitters: each turns the IR into one output format, as text; `crate::output` writes it.

pub mod burn;
pub mod html;
mod json;
pub mod markdown;
pub mod openslo;
pub mod prometheus;
pub mod schedule;
pub mod watched;
pub mod yaml;

pub use html::html;
pub use json::json;
pub use markdown::{markdown, DocumentContext};
pub use openslo::{openslo, OpenSloDocuments};
pub use prometheus::{prometheus, PrometheusRules};
pub use watched::Note;

/// A decimal as PromQL or YAML prints it: exact, at most 12 decimals, never in exponent form.
pub fn number(value: rust_decimal::Decimal) -> String {
    value.round_dp(12).normalize().to_string()
}
