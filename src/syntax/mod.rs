//! Syntax: source text to an owned AST with byte spans. The only module that sees pest pairs.
//!
//! Before pest runs, a cheap pass bounds the brace nesting depth, so hostile input cannot
//! exhaust the stack. A syntax error is reported in the user's words (`expected.rs`).
//!
//! Two parsers are derived from the grammar. Files are parsed with the tree parser
//! (`grammar/sla-tree.pest`), in which the choices between statements and the punctuation
//! are silent: pest records a quarter fewer tokens, which the builder would only step
//! through. Only when that parse fails is the file parsed again with the full grammar
//! (`grammar/sla.pest`), whose choices are rules, so that pest's error names "a service line"
//! rather than each kind of line. `tests/grammar.rs` generates the tree grammar from the full
//! one and checks that they differ only in what is silent, so they accept the same files.
//!
//! A file longer than 64 KiB is parsed in pieces of 16 KiB (`pieces.rs`): pest holds every token of
//! a parse until the parse ends, and a large file's tokens take many times its size.

pub mod ast;
mod build;
pub mod comments;
mod expected;
mod imports;
mod pieces;
pub mod tokens;

use pest::iterators::Pair;
use pest::Parser as _;
use pest_derive::Parser;

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::source::{FileId, SourceMap};

pub use expected::describe_rule;
pub use imports::import_paths;

/// The parser that explains syntax errors.
#[derive(Parser)]
#[grammar = "../grammar/sla.pest"]
pub(crate) struct SlaParser;

/// The parser whose pairs the syntax tree is built from.
mod tree {
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/sla-tree.pest"]
    pub(crate) struct TreeParser;
}

/// One parsed file and the files its imports resolved to.
#[derive(Debug)]
pub struct ParsedFile {
    pub id: FileId,
    pub name: String,
    pub ast: ast::File,
    pub imports: Vec<FileId>,
}

/// Deeper brace nesting than this is refused before parsing (`E103`).
pub const MAX_NESTING: usize = 64;
/// A longer line is refused before parsing (`E105`): no spec needs one, and it is how
/// generated or binary data usually shows.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// More services in one file are refused (`E106`).
pub const MAX_SERVICES: usize = 10_000;
/// More objectives in one service (its own and its sites') are refused (`E106`).
pub const MAX_OBJECTIVES: usize = 1_000;
/// More services in one service's `depends on` are refused (`E106`): real services need a
/// handful, and thousands of services each depending on all the others would be millions of
/// edges for the dependency lints.
pub const MAX_DEPENDENCIES: usize = 256;

/// Parses one file. On a syntax error the AST holds nothing and one `E100` is returned;
/// other diagnostics (bad escapes) come with a usable AST. A file longer than
/// `pieces::PIECES_FROM` is parsed piece by piece, which holds fewer of pest's tokens at once,
/// and its tree leaves out its services, credit policies and penalties: analysis reads them
/// again, a piece at a time, with `deferred_items` (see `ast::Deferred`).
pub fn parse(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if let Some(diagnostic) = check_limits(file, text) {
        return (ast::File::default(), vec![diagnostic]);
    }
    let (ast, mut diagnostics) = parse_tree(file, text);
    diagnostics.extend(bidi_controls(file, text));
    (ast, diagnostics)
}

fn parse_tree(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>) {
    if text.len() > pieces::PIECES_FROM {
        if let Some(parsed) = pieces::parse(file, text, pieces::PIECE_BYTES, pieces::Keep::Others) {
            return parsed;
        }
    }
    let (ast, diagnostics, _) = parse_whole(file, text);
    (ast, diagnostics)
}

/// W321 for each bidirectional control character: the text a reviewer sees is not the order
/// slac reads (Trojan Source). Every one of them is encoded in UTF-8 as 0xE2 0x80/0x81 ..., so
/// a scan for 0xE2 passes over most files at once.
fn bidi_controls(file: FileId, text: &str) -> Vec<Diagnostic> {
    memchr::memchr_iter(0xE2, text.as_bytes())
        .filter_map(|at| {
            let c = text.get(at..)?.chars().next()?;
            crate::text::is_bidi_control(c).then(|| {
                Diagnostic::error(
                    Code::W321,
                    file,
                    Span::new(at, at + c.len_utf8()),
                    format!(
                        "bidirectional control character {} reorders how this line reads",
                        crate::text::stand_in(c)
                    ),
                )
                .label("invisible reordering character")
                .help("delete it; to write right-to-left text, type it in logical order without controls")
            })
        })
        .collect()
}

/// One piece of `ast::Deferred` of `file`, whose text is `text`, read again. `None` if the
/// piece does not parse, which cannot happen to a piece that `parse` gave for this text: it
/// parsed the same piece.
pub fn deferred_items(file: FileId, text: &str, piece: Span) -> Option<ast::ReadAgain> {
    pieces::deferred_items(file, text, piece)
}

/// The credit policy or penalty at `span` (from `ReadAgain::credits` or `penalties`) of
/// `file`, whose text is `text`, with the diagnostics of building it (bad escapes). `None` if
/// the text there is not one credit policy or penalty, which cannot happen to a span that
/// `deferred_items` gave.
pub fn remedy(file: FileId, text: &str, span: Span) -> Option<(ast::AgreementItem, Vec<Diagnostic>)> {
    pieces::remedy(file, text, span)
}

/// The deferred items of the files of `sources`, read again from their text when analysis
/// asks (see `ast::Deferred`).
pub struct Reread<'s> {
    sources: &'s SourceMap,
}

impl<'s> Reread<'s> {
    pub fn new(sources: &'s SourceMap) -> Self {
        Reread { sources }
    }
}

impl ast::ReadDeferred for Reread<'_> {
    fn piece(&self, file: FileId, piece: Span) -> Option<ast::ReadAgain> {
        deferred_items(file, self.sources.text(file), piece)
    }

    fn remedy(&self, file: FileId, span: Span) -> Option<(ast::AgreementItem, Vec<Diagnostic>)> {
        remedy(file, self.sources.text(file), span)
    }
}

/// `parse` of a file piece by piece, in pieces of at least `piece_bytes` (`pieces.rs`), keeping
/// every item and without the checks of nesting and line length; `None` when the file does not
/// parse so, as when it holds a syntax error. `tests/grammar.rs` checks that it gives what
/// `parse` gives.
#[doc(hidden)]
pub fn parse_in_pieces(file: FileId, text: &str, piece_bytes: usize) -> Option<(ast::File, Vec<Diagnostic>)> {
    pieces::parse(file, text, piece_bytes, pieces::Keep::All)
}

/// `parse_in_pieces` leaving out services, credit policies and penalties, as `parse` does,
/// then each agreement's items completed from its deferred pieces and put in the order of the
/// text: the tree of the whole file, if the pieces were cut and read again right.
fn parse_deferred_and_complete(
    file: FileId,
    text: &str,
    piece_bytes: usize,
) -> Option<(ast::File, Vec<Diagnostic>)> {
    let (mut tree, mut diagnostics) = pieces::parse(file, text, piece_bytes, pieces::Keep::Others)?;
    for agreement in &mut tree.agreements {
        let deferred = std::mem::take(&mut agreement.deferred);
        let mut services = 0;
        for piece in deferred.pieces {
            let read = deferred_items(file, text, piece)?;
            diagnostics.extend(read.diagnostics);
            services += read.services.len();
            agreement.items.extend(read.services);
            for span in read.credits.into_iter().chain(read.penalties) {
                let (item, found) = remedy(file, text, span)?;
                diagnostics.extend(found);
                agreement.items.push(item);
            }
        }
        if services != deferred.services {
            return None;
        }
        agreement.items.sort_by_key(|item| item.span().start());
    }
    Some((tree, diagnostics))
}

/// `parse`, also returning the tree parser's root pair when the file parsed and passed the
/// limits (the formatter reads its tokens from it). The file is parsed whole.
fn parse_with_root(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>, Option<Pair<'_, tree::Rule>>) {
    match check_limits(file, text) {
        Some(diagnostic) => (ast::File::default(), vec![diagnostic], None),
        None => parse_whole(file, text),
    }
}

/// The limits checked before parsing: nesting depth and line length.
fn check_limits(file: FileId, text: &str) -> Option<Diagnostic> {
    check_nesting(file, text).or_else(|| check_lines(file, text))
}

/// Parses the whole file with the tree parser; on a syntax error, again with the full grammar,
/// whose error names what was expected.
fn parse_whole(file: FileId, text: &str) -> (ast::File, Vec<Diagnostic>, Option<Pair<'_, tree::Rule>>) {
    match tree::TreeParser::parse(tree::Rule::file, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(root) => {
                let (ast, mut diagnostics) = build::file(file, root.clone());
                if let Some(too_many) = check_counts(file, &ast) {
                    diagnostics.push(too_many);
                    return (ast::File::default(), diagnostics, None);
                }
                (ast, diagnostics, Some(root))
            }
            None => (ast::File::default(), Vec::new(), None),
        },
        Err(tree_error) => {
            let diagnostic = match SlaParser::parse(Rule::file, text) {
                Err(error) => expected::syntax_error(file, text, error),
                // The grammars accept the same files (tests/grammar.rs), so this is a bug.
                Ok(_) => expected::parsers_disagree(file, text, &tree_error),
            };
            (ast::File::default(), vec![diagnostic], None)
        }
    }
}

/// Whether the tree parser and the error parser agree that `text` parses, or that it does
/// not. The fuzz target `check` asserts it on every input.
#[doc(hidden)]
pub fn parsers_agree(text: &str) -> bool {
    tree::TreeParser::parse(tree::Rule::file, text).is_ok() == SlaParser::parse(Rule::file, text).is_ok()
}

/// Whether `parse_in_pieces`, in pieces of at least `piece_bytes`, gives the tree and the
/// diagnostics of the whole file's parse, or refuses the file as that parse does; and so does
/// the parse that leaves services, credit policies and penalties in deferred pieces, once its
/// tree is completed from them. The fuzz target `check` and `tests/grammar.rs` assert it.
#[doc(hidden)]
pub fn pieces_agree(text: &str, piece_bytes: usize) -> bool {
    // `parse` refuses such a file before either parse.
    if check_limits(0, text).is_some() {
        return true;
    }
    let (tree, mut diagnostics, _) = parse_whole(0, text);
    let parsed = !diagnostics.iter().any(|d| d.code == Code::E100);
    crate::diagnostics::sort(&mut diagnostics);
    let agrees = |pieces: Option<(ast::File, Vec<Diagnostic>)>| match pieces {
        Some((pieces_tree, mut pieces_diagnostics)) => {
            crate::diagnostics::sort(&mut pieces_diagnostics);
            parsed && pieces_tree == tree && pieces_diagnostics == diagnostics
        }
        None => !parsed,
    };
    agrees(parse_in_pieces(0, text, piece_bytes)) && agrees(parse_deferred_and_complete(0, text, piece_bytes))
}

/// Runs pest's parse alone (the tree parser's, as `parse` does), without the limits or the
/// AST conversion; true when `text` parses. The benchmarks compare the whole pipeline
/// against it.
#[doc(hidden)]
pub fn pest_parse_only(text: &str) -> bool {
    tree::TreeParser::parse(tree::Rule::file, text).is_ok()
}

/// Finds the first line longer than `MAX_LINE_BYTES`.
fn check_lines(file: FileId, text: &str) -> Option<Diagnostic> {
    // A shorter file cannot hold a longer line: the common case, answered without a scan.
    if text.len() <= MAX_LINE_BYTES {
        return None;
    }
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let length = line.trim_end_matches(['\n', '\r']).len();
        if length > MAX_LINE_BYTES {
            // Point at the first character past the limit, on a character boundary.
            let mut at = start + MAX_LINE_BYTES;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return Some(
                Diagnostic::error(
                    Code::E105,
                    file,
                    Span::new(at, at),
                    format!("a line of {length} bytes is longer than the {MAX_LINE_BYTES} bytes allowed"),
                )
                .label("the line goes on past here")
                .help("break the statement over several lines; a long text may span lines, which are joined with a space"),
            );
        }
        start += line.len();
    }
    None
}

/// Refuses files with more services, or services with more objectives, than any real
/// agreement has (`E106`), before analysis spends time and memory on them.
fn check_counts(file: FileId, ast: &ast::File) -> Option<Diagnostic> {
    let mut limits = Limits::new(file);
    ast.agreements
        .iter()
        .flat_map(|a| &a.items)
        .filter_map(|item| match item {
            ast::AgreementItem::Service(service) => limits.service(&service.id, ServiceSize::of(service)),
            _ => None,
        })
        .next()
}

/// What the limits count in a service.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ServiceSize {
    /// Its objectives, its own and its sites'.
    pub objectives: usize,
    /// The services it names in `depends on`.
    pub dependencies: usize,
}

impl ServiceSize {
    fn of(service: &ast::Service) -> Self {
        ServiceSize {
            objectives: service.objectives.len()
                + service.sites.iter().map(|s| s.objectives.len()).sum::<usize>(),
            dependencies: service.depends_on.len(),
        }
    }
}

/// The limits on services and objectives, checked one service at a time in the order of the
/// text (a file parsed in pieces does not keep its services).
struct Limits {
    file: FileId,
    services: usize,
}

impl Limits {
    fn new(file: FileId) -> Self {
        Self { file, services: 0 }
    }

    /// The `E106` for the next service of the file, `id`, if it is one too many or has too
    /// many objectives (its own and its sites') or dependencies.
    fn service(&mut self, id: &ast::Ident, size: ServiceSize) -> Option<Diagnostic> {
        let ServiceSize {
            objectives,
            dependencies,
        } = size;
        let index = self.services;
        self.services += 1;
        if index == MAX_SERVICES {
            return Some(
                Diagnostic::error(
                    Code::E106,
                    self.file,
                    id.span,
                    format!("more than {MAX_SERVICES} services in one file"),
                )
                .label("one service too many")
                .help("split the catalogue into several files, one agreement each, that import a shared one"),
            );
        }
        if objectives > MAX_OBJECTIVES {
            return Some(
                Diagnostic::error(
                    Code::E106,
                    self.file,
                    id.span,
                    format!("the service `{}` has {objectives} objectives, more than the {MAX_OBJECTIVES} allowed", id.value),
                )
                .label("too many objectives")
                .help("split the service into several services, or move site targets into their own agreements"),
            );
        }
        if dependencies > MAX_DEPENDENCIES {
            return Some(
                Diagnostic::error(
                    Code::E106,
                    self.file,
                    id.span,
                    format!(
                        "the service `{}` depends on {dependencies} services, more than the {MAX_DEPENDENCIES} allowed",
                        id.value
                    ),
                )
                .label("too many dependencies")
                .help("name the services it needs directly; a platform that many services share is one dependency, such as `depends on platform`"),
            );
        }
        None
    }
}

/// Finds the first brace that opens deeper than `MAX_NESTING`, skipping strings and comments.
fn check_nesting(file: FileId, text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    // Fewer opening braces than the limit cannot nest past it, wherever they are. memchr jumps
    // from brace to brace, so the scan below, which looks at every byte, runs only for a file
    // with more braces than the limit.
    memchr::memchr_iter(b'{', bytes).nth(MAX_NESTING)?;
    let mut depth = 0usize;
    for (at, opens) in comments::braces(bytes) {
        if !opens {
            depth = depth.saturating_sub(1);
            continue;
        }
        depth += 1;
        if depth > MAX_NESTING {
            return Some(
                Diagnostic::error(
                    Code::E103,
                    file,
                    Span::new(at, at + 1),
                    format!("blocks are nested more than {MAX_NESTING} levels deep"),
                )
                .label("this brace opens a block too deep")
                .help("close each block with `}` before opening the next one"),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> ast::File {
        let (file, diagnostics) = parse(0, text);
        assert!(diagnostics.is_empty(), "{diagnostics:#?}");
        file
    }

    #[test]
    fn parses_the_printer_example() {
        let text = include_str!("../../examples/printer-support/printer-support.sla");
        let file = parse_ok(text);
        assert_eq!(file.agreements.len(), 1);
        assert!(file.agreements[0].items.len() > 15);
    }

    #[test]
    fn folds_lines_in_texts() {
        let file = parse_ok("agreement a \"One\n    two\n\n   three\" {}");
        assert_eq!(file.agreements[0].title.value, "One two\n\nthree");
    }

    /// The limits are exact at their edges, including where the cheap pre-checks answer.
    #[test]
    fn limits_hold_at_their_edges() {
        let nested = |depth: usize| "{".repeat(depth);
        assert!(check_nesting(0, &nested(MAX_NESTING)).is_none());
        assert_eq!(
            check_nesting(0, &nested(MAX_NESTING + 1)).map(|d| d.primary.span),
            Some(Span::new(MAX_NESTING, MAX_NESTING + 1))
        );
        // Many braces, closed in turn, never nest deep.
        assert!(check_nesting(0, &"{}".repeat(10 * MAX_NESTING)).is_none());
        // Braces inside texts do not count.
        let quoted = format!("\"{}\"", nested(2 * MAX_NESTING));
        assert!(check_nesting(0, &quoted).is_none());

        let line = |length: usize| format!("# {}\n", "x".repeat(length - 2));
        assert!(check_lines(0, &line(MAX_LINE_BYTES)).is_none());
        assert!(check_lines(0, &line(MAX_LINE_BYTES + 1)).is_some());
        let short_lines = line(80).repeat(2 * MAX_LINE_BYTES / 80);
        assert!(short_lines.len() > MAX_LINE_BYTES && check_lines(0, &short_lines).is_none());
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let text = "{".repeat(100_000);
        let (_, diagnostics) = parse(0, &text);
        assert_eq!(diagnostics[0].code, Code::E103);
    }
}
