//! Emitters: each turns the IR into one output format. Outputs are written atomically.

pub mod burn;
pub mod html;
mod json;
pub mod markdown;
pub mod openslo;
pub mod prometheus;
pub mod schedule;
pub mod watched;
pub mod yaml;

use std::io::{self, Write};
use std::path::Path;

pub use html::html;
pub use json::json;
pub use markdown::{markdown, DocumentContext};
pub use openslo::{openslo, OpenSloDocuments};
pub use prometheus::{prometheus, PrometheusRules};
pub use watched::Note;

/// Writes `contents` to `path` through a temporary file in the same folder and a rename, so a
/// reader never sees a half-written file and a failure leaves the old file untouched.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".slac-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}
