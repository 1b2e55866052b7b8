//! slac: an SLA-as-code compiler and linter.

pub mod diagnostics;
pub mod source;
pub mod syntax;
