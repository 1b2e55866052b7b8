//! The token stream of a file, for the formatter: every token with its kind and whether it
//! begins a statement. Comments are not tokens; `comments.rs` finds them.

use pest::iterators::Pair;
use pest::Parser as _;

use super::{expected, Rule, SlaParser};
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
pub fn tokens(file: FileId, text: &str) -> Result<Vec<Token>, Vec<Diagnostic>> {
    let (_, diagnostics) = super::parse(file, text);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(diagnostics);
    }
    // The full grammar's pairs: braces, commas and the start of each statement are tokens
    // there, silent in the tree grammar that `parse` uses.
    let root = match SlaParser::parse(Rule::file, text) {
        Ok(mut pairs) => pairs.next(),
        Err(error) => return Err(vec![expected::syntax_error(file, text, error)]),
    };
    let Some(root) = root else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    collect(root, false, &mut found);
    Ok(found)
}

fn is_statement(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::import
            | Rule::agreement
            | Rule::agreement_item
            | Rule::party_item
            | Rule::calendar_item
            | Rule::maintenance_item
            | Rule::service_item
            | Rule::site_item
            | Rule::objective
            | Rule::outcome_item
            | Rule::objective_item
            | Rule::indicator_field
            | Rule::credit_item
            | Rule::penalty_item
            | Rule::tier_item
    )
}

fn collect(pair: Pair<'_, Rule>, starts: bool, found: &mut Vec<Token>) {
    let rule = pair.as_rule();
    if rule == Rule::EOI {
        return;
    }
    let starts = starts || is_statement(rule);
    let kind = match rule {
        Rule::lbrace => Some(TokenKind::Open),
        Rule::rbrace => Some(TokenKind::Close),
        Rule::comma => Some(TokenKind::Comma),
        Rule::colon => Some(TokenKind::Colon),
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
