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
