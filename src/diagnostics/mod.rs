//! One diagnostic model for every stage: a stable code, a message, a primary label, secondary
//! labels, notes and a help line. Rendering lives in `render`; the code registry in `codes`.

mod ci;
mod codes;
mod render;

pub use ci::{render_github, render_sarif, sarif_log, sarif_result, write_sarif_log};
pub use codes::{Code, CodeDocs};
pub use render::{
    json_document, json_item, render_human, render_human_to_string, render_json, render_short,
    write_json_document, ColorMode, Items, JSON_FORMAT_VERSION,
};

use std::borrow::Cow;

use thin_vec::ThinVec;

pub use crate::source::Span;
use crate::source::{FileId, Unreadable};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// The text of a label, a note or a help line: most are fixed (`"no monitoring binding"`),
/// and are then borrowed rather than copied into every diagnostic (a large agreement can have
/// ten thousand findings of one rule).
pub type Text = Cow<'static, str>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    /// `ThinVec`s, one pointer each where a `Vec` is three words: most diagnostics have no
    /// secondary label and no note, and a large spec's lints can give 50,000 findings, held
    /// until they are sorted (144 bytes a diagnostic with `Vec`s, 112 with these).
    pub secondary: ThinVec<Label>,
    pub notes: ThinVec<Text>,
    pub help: Option<Text>,
}

// Kept small, as rustc keeps its syntax tree's nodes: a large spec's lints can hold 50,000.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Diagnostic>() == 112);

impl Diagnostic {
    /// `E102` or `E101` for a file that `SourceMap::add_bytes` could not take as text.
    pub fn unreadable(file: FileId, problem: &Unreadable) -> Self {
        match *problem {
            Unreadable::TooLarge { limit } => Diagnostic::error(
                Code::E102,
                file,
                Span::new(0, 0),
                format!("file is larger than {} MiB", limit / (1024 * 1024)),
            )
            .label("file too large")
            .help("split the agreements into several files and `import` them"),
            // The lossy text holds U+FFFD (3 bytes) where the first bad byte was.
            Unreadable::NotUtf8 { offset, byte } => Diagnostic::error(
                Code::E101,
                file,
                Span::new(offset, offset + '\u{FFFD}'.len_utf8()),
                format!("file is not valid UTF-8: byte 0x{byte:02X} at offset {offset}"),
            )
            .label("not UTF-8")
            .help("save the file as UTF-8"),
        }
    }

    /// An error of `code` at `span`; the primary label's text defaults to the code's short title.
    pub fn error(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.default_severity(),
            message: message.into(),
            primary: Label {
                file,
                span,
                message: Text::Borrowed(""),
            },
            secondary: ThinVec::new(),
            notes: ThinVec::new(),
            help: None,
        }
    }

    /// Sets the text of the primary label.
    pub fn label(mut self, message: impl Into<Text>) -> Self {
        self.primary.message = message.into();
        self
    }

    pub fn secondary(mut self, file: FileId, span: Span, message: impl Into<Text>) -> Self {
        self.secondary.push(Label {
            file,
            span,
            message: message.into(),
        });
        self
    }

    pub fn note(mut self, note: impl Into<Text>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<Text>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, then offset, then code, then message, so output never depends on
/// the order in which checks ran; diagnostics equal in all four keep their order.
///
/// The positions are sorted, not the diagnostics, which are then moved into place: a stable
/// sort of the diagnostics themselves takes a buffer as large as the list, the positions' 8
/// bytes each.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    fn key(d: &Diagnostic) -> (FileId, Span, Code, &str) {
        (d.primary.file, d.primary.span, d.code, &d.message)
    }
    let mut order: Vec<usize> = (0..diagnostics.len()).collect();
    order.sort_by(|&a, &b| key(&diagnostics[a]).cmp(&key(&diagnostics[b])));
    permute(diagnostics, &mut order);
}

/// Puts `items[order[i]]` at place `i` for every `i`, in place, following each cycle of the
/// permutation `order`, which is used up.
fn permute<T>(items: &mut [T], order: &mut [usize]) {
    const PLACED: usize = usize::MAX;
    for start in 0..order.len() {
        let mut place = start;
        while order[place] != PLACED {
            let from = order[place];
            order[place] = PLACED;
            if from == start {
                break;
            }
            // `items[start]`'s original is carried along the cycle; `from` still holds its own.
            items.swap(place, from);
            place = from;
        }
    }
}

/// "did you mean `x`?" for the closest candidate, when one is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lowered = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::damerau_levenshtein(&lowered, &c.to_ascii_lowercase()), c))
        .filter(|(distance, c)| {
            let allowed = (c.chars().count().max(name.chars().count()) / 3).max(1);
            *distance <= allowed
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every permutation of up to seven items is applied as indexing would apply it.
    #[test]
    fn permuting_in_place_is_indexing() {
        fn permutations(n: usize) -> Vec<Vec<usize>> {
            if n == 0 {
                return vec![Vec::new()];
            }
            let mut all = Vec::new();
            for shorter in permutations(n - 1) {
                for at in 0..n {
                    let mut longer = shorter.clone();
                    longer.insert(at, n - 1);
                    all.push(longer);
                }
            }
            all
        }
        for n in 0..=7 {
            for order in permutations(n) {
                let items: Vec<usize> = (0..n).map(|i| 10 * i).collect();
                let expected: Vec<usize> = order.iter().map(|&i| items[i]).collect();
                let mut permuted = items.clone();
                permute(&mut permuted, &mut order.clone());
                assert_eq!(permuted, expected, "{order:?}");
            }
        }
    }

    /// Diagnostics come out by file, offset, code and message; those equal in all four keep
    /// their order, as a stable sort keeps it.
    #[test]
    fn sorting_is_stable() {
        let at = |file: FileId, start: usize, message: &str, help: &'static str| {
            Diagnostic::error(Code::E201, file, Span::new(start, start + 1), message).help(help)
        };
        let mut diagnostics = vec![
            at(1, 5, "b", "first"),
            at(0, 9, "a", ""),
            at(1, 5, "a", ""),
            at(1, 5, "b", "second"),
            at(0, 2, "a", ""),
            at(1, 5, "b", "third"),
        ];
        let mut expected = diagnostics.clone();
        expected.sort_by(|a, b| {
            (a.primary.file, a.primary.span, &a.message).cmp(&(b.primary.file, b.primary.span, &b.message))
        });
        sort(&mut diagnostics);
        assert_eq!(diagnostics, expected);
        let helps: Vec<_> = diagnostics.iter().filter_map(|d| d.help.as_deref()).collect();
        assert_eq!(helps, ["", "", "", "first", "second", "third"]);
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(
            did_you_mean("ofice", ["office", "always"]).as_deref(),
            Some("office")
        );
        assert_eq!(did_you_mean("p1", ["P1", "P2"]).as_deref(), Some("P1"));
        assert_eq!(did_you_mean("weekend", ["office", "always"]), None);
    }

    #[test]
    fn spans_keep_offsets_up_to_the_file_limit_and_clamp_beyond() {
        let limit = crate::source::MAX_FILE_BYTES as usize;
        let span = Span::new(limit - 1, limit + 1);
        assert_eq!((span.start(), span.end()), (limit - 1, limit + 1));
        assert_eq!(span.range(), limit - 1..limit + 1);
        let beyond = Span::new(usize::MAX, usize::MAX);
        assert_eq!(beyond.start(), u32::MAX as usize);
        assert_eq!(Span::new(3, 5).to(Span::new(1, 4)), Span::new(1, 5));
    }
}
