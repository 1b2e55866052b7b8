//! slac: an SLA-as-code compiler and linter.
//!
//! The pipeline, one module per stage, each using only those before it: [`text`] and
//! [`source`] (files, spans and limits) → [`syntax`] (pest grammar to an owned AST with spans)
//! → [`workspace`] (the files of a run and their imports) → [`sema`] (name resolution,
//! inheritance, units, validation) → [`ir`] (the validated form) → [`lint`], [`emit`],
//! [`report`] and [`diff`]. [`checked`] runs the stages over a set of files, [`batches`] is
//! `slac check`'s engine over many, [`versions`] and [`documents`] serve `slac diff` and
//! `slac build`, and [`cli`] is a thin shell over the functions re-exported here.

pub mod batches;
pub mod business_time;
pub mod checked;
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod documents;
pub mod emit;
pub mod fmt;
pub mod ir;
pub mod lint;
pub mod output;
pub mod report;
pub mod sema;
pub mod source;
pub mod syntax;
pub mod text;
pub mod versions;
pub mod workspace;

pub use checked::{analyze, check, check_source, check_with, Checked};
pub use documents::{html_document, markdown_document, underpinning};
pub use lint::lint_run as lint;
pub use versions::{diff_versions, Version};
pub use workspace::{InputError, Workspace};
