//! W322: a FIFO, device or socket named `*.sla` found in a folder search. Enforced when folders
//! are searched, since such a file is never opened.

use crate::diagnostics::{Code, CodeDocs};
use crate::lint::Rule;

pub(super) const RULE: Rule = Rule {
    code: Code::W322,
    docs: CodeDocs {
        what: "A folder that slac searched holds a FIFO, a device or a socket whose name ends in `.sla`. slac skips it without opening it.",
        why: "Opening a FIFO blocks until something writes to it, so `slac check .` would hang in a pre-commit hook or CI; a device could be read for ever. Named on the command line, such a file is read once, within the size limit.",
        example: "mkfifo specs/live.sla\nslac check specs",
        instead: "slac check specs/live.sla   # read it once, on purpose",
    },
    check: None,
};
