//! The token stream of a file, for the formatter: every token with its kind and whether it
//! begins a statement. Comments are not tokens; `comments.rs` finds them.

use pest::iterators::Pair;

use super::tree::Rule;
use crate::diagnostics::{Diagnostic, Severity, Span};
use crate::source::FileId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword, name, date, clock time or other bare word.
    Word,
    /// A quoted text, which may span lines.
    Text,
    /// A number with its unit, such as `99.9%`, `4h` or `2 business days`.
    Quantity,
    Open,
    Close,
    Comma,
    Colon,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// The first token of an import, an agreement or an item of a block.
    pub starts_statement: bool,
}

/// The tokens of `text`, or the errors that keep it from being parsed (the same ones `parse`
/// reports).
///
/// They come from the tree parser's pairs, as the syntax tree does, so a file is parsed once.
/// The tree grammar's punctuation is silent, so braces, commas and colons are read from the
/// text between the other tokens, where nothing else is written but spaces and comments; and
/// a statement is known by its own rule, not by the choice it was made in.
pub fn tokens(file: FileId, text: &str) -> Result<Vec<Token>, Vec<Diagnostic>> {
    let (_, diagnostics, root) = super::parse_with_root(file, text);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(diagnostics);
    }
    let Some(root) = root else {
        return Ok(Vec::new());
    };
    let mut words = Vec::new();
    collect(root, false, &mut words);
    let mut found = Vec::with_capacity(words.len() * 3 / 2);
    let mut at = 0;
    for word in words {
        punctuation(text, at, word.span.start(), &mut found);
        at = word.span.end();
        found.push(word);
    }
    punctuation(text, at, text.len(), &mut found);
    Ok(found)
}

/// The braces, commas and colons in `text[from..to]`, which holds nothing else but spaces
/// and comments.
fn punctuation(text: &str, from: usize, to: usize, found: &mut Vec<Token>) {
    let gap = text.as_bytes().get(from..to).unwrap_or_default();
    let mut i = 0;
    while i < gap.len() {
        let kind = match gap[i] {
            b'#' => {
                i += memchr::memchr(b'\n', &gap[i..]).unwrap_or(gap.len() - i);
                continue;
            }
            b'{' => TokenKind::Open,
            b'}' => TokenKind::Close,
            b',' => TokenKind::Comma,
            b':' => TokenKind::Colon,
            _ => {
                i += 1;
                continue;
            }
        };
        let start = from + i;
        found.push(Token {
            kind,
            span: Span::new(start, start + 1),
            starts_statement: false,
        });
        i += 1;
    }
}

/// The rules of the tree grammar that are statements: an import, an agreement, and each
/// item of a block.
fn is_statement(rule: Rule) -> bool {
    super::build::is_objective(rule)
        || matches!(
            rule,
            Rule::import
            | Rule::agreement
            // Agreement items.
            | Rule::kind_decl
            | Rule::level_decl
            | Rule::extends_decl
            | Rule::supports_decl
            | Rule::version_decl
            | Rule::status_decl
            | Rule::party
            | Rule::term_decl
            | Rule::review_decl
            | Rule::revision_decl
            | Rule::clause
            | Rule::obligation
            | Rule::calendar
            | Rule::priority
            | Rule::maintenance
            | Rule::service
            | Rule::credits
            | Rule::penalty
            | Rule::tier
            // Items of parties, calendars and maintenance windows.
            | Rule::contact
            | Rule::signatory
            | Rule::timezone_decl
            | Rule::always_open
            | Rule::weekly_hours
            | Rule::holiday
            | Rule::notice_decl
            | Rule::applies_decl
            // Items of services and sites, besides objectives.
            | Rule::site
            | Rule::warn_decl
            | Rule::description_decl
            | Rule::depends_decl
            | Rule::location_decl
            // Items of objectives and indicators.
            | Rule::outcome_target
            | Rule::measured_by
            | Rule::indicator
            | Rule::indicator_field
            // Items of credits, penalties and pricing tiers.
            | Rule::credit_tier
            | Rule::cap_decl
            | Rule::minimum_decl
            | Rule::claim_decl
            | Rule::penalty_rate
            | Rule::price_decl
            | Rule::tier_service
        )
}

/// The tokens of `pair` other than punctuation, in order.
fn collect(pair: Pair<'_, Rule>, starts: bool, found: &mut Vec<Token>) {
    let rule = pair.as_rule();
    if rule == Rule::EOI {
        return;
    }
    let starts = starts || is_statement(rule);
    let kind = match rule {
        Rule::string => Some(TokenKind::Text),
        Rule::target | Rule::duration | Rule::count | Rule::money_or_percent => Some(TokenKind::Quantity),
        Rule::day_range | Rule::interval => Some(TokenKind::Word),
        _ if pair.clone().into_inner().next().is_none() => Some(TokenKind::Word),
        _ => None,
    };
    if let Some(kind) = kind {
        let span = pair.as_span();
        found.push(Token {
            kind,
            span: Span::new(span.start(), span.end()),
            starts_statement: starts,
        });
        return;
    }
    for (index, inner) in pair.into_inner().enumerate() {
        collect(inner, starts && index == 0, found);
    }
}

#[cfg(test)]
mod tests {
    use pest::Parser as _;

    use super::*;
    use crate::syntax::{Rule as FullRule, SlaParser};

    /// The tokens as the full grammar sees them, where punctuation and the choices between
    /// statements are rules: the reference the tree-based tokens are checked against,
    /// written out again for the full grammar's rules on purpose.
    fn full_grammar_tokens(text: &str) -> Option<Vec<Token>> {
        fn walk(pair: Pair<'_, FullRule>, starts: bool, found: &mut Vec<Token>) {
            let rule = pair.as_rule();
            if rule == FullRule::EOI {
                return;
            }
            let starts = starts
                || matches!(
                    rule,
                    FullRule::import
                        | FullRule::agreement
                        | FullRule::agreement_item
                        | FullRule::party_item
                        | FullRule::calendar_item
                        | FullRule::maintenance_item
                        | FullRule::service_item
                        | FullRule::site_item
                        | FullRule::objective
                        | FullRule::outcome_item
                        | FullRule::objective_item
                        | FullRule::indicator_field
                        | FullRule::credit_item
                        | FullRule::penalty_item
                        | FullRule::tier_item
                );
            let kind = match rule {
                FullRule::lbrace => Some(TokenKind::Open),
                FullRule::rbrace => Some(TokenKind::Close),
                FullRule::comma => Some(TokenKind::Comma),
                FullRule::colon => Some(TokenKind::Colon),
                FullRule::string => Some(TokenKind::Text),
                FullRule::target | FullRule::duration | FullRule::count | FullRule::money_or_percent => {
                    Some(TokenKind::Quantity)
                }
                FullRule::day_range | FullRule::interval => Some(TokenKind::Word),
                _ if pair.clone().into_inner().next().is_none() => Some(TokenKind::Word),
                _ => None,
            };
            if let Some(kind) = kind {
                let span = pair.as_span();
                found.push(Token {
                    kind,
                    span: Span::new(span.start(), span.end()),
                    starts_statement: starts,
                });
                return;
            }
            for (index, inner) in pair.into_inner().enumerate() {
                walk(inner, starts && index == 0, found);
            }
        }
        let root = SlaParser::parse(FullRule::file, text).ok()?.next()?;
        let mut found = Vec::new();
        walk(root, false, &mut found);
        Some(found)
    }

    /// On every example and fixture that parses, the tokens read from the tree parse are
    /// the full grammar's, statement starts and punctuation included.
    #[test]
    fn tokens_are_the_full_grammars() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let folders = [root.join("examples"), root.join("tests/fixtures")];
        let files = crate::workspace::sla_files(&folders).unwrap_or_default();
        let mut compared = 0;
        for path in files {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok(tokens) = tokens(0, &text) else {
                continue;
            };
            assert_eq!(Some(tokens), full_grammar_tokens(&text), "{}", path.display());
            compared += 1;
        }
        assert!(compared > 50, "only {compared} files compared");
    }
}
