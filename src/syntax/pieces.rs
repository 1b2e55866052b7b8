//! Large files, parsed piece by piece.
//!
//! pest records every token of a parse before the tree can be read, many times the size of the
//! text, and its queue grows by doubling (BENCHMARKS.md, design notes). A file longer than
//! `PIECES_FROM` is therefore parsed in parts:
//! - its outline, the file with every agreement's body blanked out (imports and agreement
//!   headers, with their spans where they are in the file);
//! - each agreement's body, in pieces of about `PIECE_BYTES` (rule `agreement_items`).
//!
//! Only one piece's tokens are held at a time, and the syntax tree is the one a parse of the
//! whole file builds (`tests/grammar.rs` compares them on every fixture and example), except
//! that `parse` leaves services, credit policies and penalties in their pieces
//! (`ast::Deferred`) for analysis to read again.
//!
//! A piece ends after a `}` that closes a block at the level of the agreement's body. Every
//! statement with a block ends with that block (`grammar/sla.pest`), so a cut falls between two
//! statements. Braces inside texts, e-mail addresses and comments are skipped, as pest skips
//! them. When the braces do not balance, or the outline or a piece does not parse, `parse`
//! gives up, and the caller parses the whole file, whose error is the one to report.

use std::ops::Range;

use pest::Parser as _;

use super::tree::{Rule, TreeParser};
use super::{ast, build, comments, Limits, ServiceSize};
use crate::diagnostics::{Diagnostic, Span};
use crate::source::FileId;

/// Files longer than this are parsed piece by piece. (Pieces are read twice, their outline
/// here and their services again in analysis, so a file of typical size is parsed whole.)
pub(super) const PIECES_FROM: usize = 64 * 1024;

/// The size of a piece, about: pest's tokens for one piece are held at a time. Smaller
/// pieces held less at the peak in the same time (BENCHMARKS.md, design notes).
pub(super) const PIECE_BYTES: usize = 16 * 1024;

/// An agreement's body: the text between its braces, and where its pieces start.
#[derive(Debug, PartialEq)]
struct Body {
    range: Range<usize>,
    /// Where each piece after the first starts.
    cuts: Vec<usize>,
}

/// What a parse in pieces keeps of the services, credit policies and penalties it builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Keep {
    /// Every item, as a parse of the whole file does.
    All,
    /// Only their pieces (`ast::Deferred`), read again by analysis one piece at a time.
    Others,
}

/// Parses `text` piece by piece, in pieces of at least `piece_bytes` (each agreement body's
/// last piece may be shorter), and applies the limits on services and objectives (`E106`) as
/// it goes. `None` when the text does not parse this way.
pub(super) fn parse(
    file: FileId,
    text: &str,
    piece_bytes: usize,
    keep: Keep,
) -> Option<(ast::File, Vec<Diagnostic>)> {
    let bodies = bodies(text.as_bytes(), piece_bytes)?;
    let (mut tree, mut diagnostics) = {
        let outline = outline(text, &bodies)?;
        let root = TreeParser::parse(Rule::file, &outline).ok()?.next()?;
        build::file(file, root)
    };
    if tree.agreements.len() != bodies.len() {
        return None;
    }
    let mut limits = Limits::new(file);
    let mut too_many = None;
    for (agreement, body) in tree.agreements.iter_mut().zip(&bodies) {
        let mut start = body.range.start;
        for end in body.cuts.iter().copied().chain([body.range.end]) {
            let piece = text.get(start..end)?;
            let root = TreeParser::parse(Rule::agreement_items, piece).ok()?.next()?;
            match keep {
                Keep::All => {
                    let (items, found) = build::items(file, root, start);
                    diagnostics.extend(found);
                    for item in &items {
                        if let ast::AgreementItem::Service(service) = item {
                            too_many =
                                too_many.or_else(|| limits.service(&service.id, ServiceSize::of(service)));
                        }
                    }
                    agreement.items.extend(items);
                }
                Keep::Others => {
                    let outline = build::items_but_deferred(file, root, start);
                    diagnostics.extend(outline.diagnostics);
                    for (id, size) in &outline.services {
                        too_many = too_many.or_else(|| limits.service(id, *size));
                    }
                    agreement.items.extend(outline.items);
                    agreement.deferred.services += outline.services.len();
                    if outline.deferred {
                        agreement.deferred.pieces.push(Span::new(start, end));
                    }
                }
            }
            start = end;
        }
    }
    // The outline's diagnostics (in headers) came first; the whole file's parse gives them in
    // the order of the text.
    crate::diagnostics::sort(&mut diagnostics);
    if let Some(too_many) = too_many {
        if keep == Keep::Others {
            // The file is refused: report what building its services finds too, as a parse
            // of the whole file does.
            return parse(file, text, piece_bytes, Keep::All);
        }
        diagnostics.push(too_many);
        return Some((ast::File::default(), diagnostics));
    }
    Some((tree, diagnostics))
}

/// One deferred piece (`ast::Deferred`) read again: its services built, with the diagnostics
/// of building them (the first parse did not build them), and where its credit policies and
/// penalties are written. `None` if the piece does not parse, which cannot happen to a piece
/// of a file that `parse` accepted.
pub(super) fn deferred_items(file: FileId, text: &str, piece: Span) -> Option<super::ast::ReadAgain> {
    let part = text.get(piece.start()..piece.end())?;
    let root = TreeParser::parse(Rule::agreement_items, part).ok()?.next()?;
    Some(build::deferred_items(file, root, piece.start()))
}

/// The credit policy or penalty written at `span` (from `ReadAgain::credits` or
/// `penalties`), built, with the diagnostics of building it. `None` if the text there is not
/// one such statement.
pub(super) fn remedy(file: FileId, text: &str, span: Span) -> Option<(ast::AgreementItem, Vec<Diagnostic>)> {
    let part = text.get(span.start()..span.end())?;
    let root = TreeParser::parse(Rule::agreement_items, part).ok()?.next()?;
    let (mut items, diagnostics) = build::items(file, root, span.start());
    match (items.pop(), items.is_empty()) {
        (Some(item @ (ast::AgreementItem::Credits(_) | ast::AgreementItem::Penalty(_))), true) => {
            Some((item, diagnostics))
        }
        _ => None,
    }
}

/// The text with every agreement's body replaced by spaces: the same length, so the outline's
/// spans are the file's.
fn outline(text: &str, bodies: &[Body]) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    for body in bodies {
        bytes.get_mut(body.range.clone())?.fill(b' ');
    }
    // The bodies start after a `{` and end before a `}`, so whole characters were replaced.
    String::from_utf8(bytes).ok()
}

/// The agreements' bodies: the text between each brace opened at the top level and the brace
/// that closes it, cut after a block closed at the body's level once a piece holds at least
/// `piece_bytes`. `None` when the braces do not balance.
fn bodies(bytes: &[u8], piece_bytes: usize) -> Option<Vec<Body>> {
    let mut bodies: Vec<Body> = Vec::new();
    let mut depth = 0usize;
    let mut piece_start = 0;
    for (at, opens) in comments::braces(bytes) {
        if opens {
            if depth == 0 {
                bodies.push(Body {
                    range: at + 1..at + 1,
                    cuts: Vec::new(),
                });
                piece_start = at + 1;
            }
            depth += 1;
            continue;
        }
        depth = depth.checked_sub(1)?;
        let body = bodies.last_mut()?;
        match depth {
            0 => body.range.end = at,
            1 if at + 1 - piece_start >= piece_bytes => {
                body.cuts.push(at + 1);
                piece_start = at + 1;
            }
            _ => {}
        }
    }
    (depth == 0).then_some(bodies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_cut_after_blocks_at_their_level() {
        let text = "agreement a \"A\" {\n  kind customer\n  service s { latency p99 under 1s { indicator x { a \"}\" } } }\n  service t { }\n}\n";
        let at = |pattern: &str| text.find(pattern).unwrap_or_default();
        let open = at("{") + 1;
        let close = text.len() - 2;
        let after_s = at("\n  service t");
        let after_t = at("{ }\n}") + 3;
        assert_eq!(
            bodies(text.as_bytes(), 1),
            Some(vec![Body {
                range: open..close,
                cuts: vec![after_s, after_t],
            }])
        );
        // Pieces as large as the body: no cut.
        assert_eq!(
            bodies(text.as_bytes(), text.len()).map(|b| b[0].cuts.len()),
            Some(0)
        );
    }

    #[test]
    fn braces_in_texts_addresses_and_comments_are_skipped() {
        let text = "agreement a \"{\" { # }\n provider \"}\" { contact \"x\" <{@x}> }\n}";
        let found = bodies(text.as_bytes(), 1);
        assert_eq!(found.as_ref().map(Vec::len), Some(1));
        assert_eq!(found.map(|b| b[0].cuts.len()), Some(1));
    }

    #[test]
    fn unbalanced_braces_give_up() {
        assert_eq!(bodies(b"agreement a \"A\" {", 1), None);
        assert_eq!(bodies(b"}", 1), None);
    }
}
