//! `slac fmt`: the canonical layout of a spec. It works on the token stream of
//! [`crate::syntax::tokens`], so it never changes what a file says:
//!
//! - one statement per line, two spaces of indentation per block, `{` at the end of the line
//!   that opens the block and `}` on its own line;
//! - one space between the tokens of a statement, none before `,` and `:`;
//! - numbers, durations, names and texts spelt as written (`4h` stays `4h`); the lines of a
//!   long text are re-indented under its opening quote, which does not change the text, as
//!   line breaks inside texts are folded;
//! - order kept as written; at most one blank line between statements, none at the start or
//!   end of a block;
//! - every comment kept where it was: a comment on its own line stays before the statement (or
//!   the `}`) that follows it, a comment at the end of a line stays at the end of that line.
//!   A comment that would land inside a statement's line is refused (`E501`), never moved.

use crate::diagnostics::{Code, Diagnostic, Span};
use crate::source::FileId;
use crate::syntax::comments::{comments, Comment};
use crate::syntax::tokens::{tokens, Token, TokenKind};

const INDENT: &str = "  ";

/// The canonical form of `text`, or the diagnostics that stop it from being formatted (syntax
/// errors, or comments that cannot be placed).
pub fn format_text(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let tokens = tokens(file, text)?;
    let comments = comments(text);
    let mut writer = Writer {
        text,
        file,
        out: String::with_capacity(text.len() + text.len() / 8),
        depth: 0,
        last_end: 0,
        after_open: false,
        comments: &comments,
        next_comment: 0,
        refused: Vec::new(),
    };
    let mut previous: Option<Token> = None;
    for token in &tokens {
        let breaks = match previous {
            None => true,
            Some(p) => token.starts_statement || token.kind == TokenKind::Close || p.kind == TokenKind::Open,
        };
        writer.gap(token.span.start(), breaks);
        writer.token(*token, breaks);
        previous = Some(*token);
    }
    writer.gap(text.len(), true);
    if !writer.out.is_empty() {
        writer.out.push('\n');
    }
    if writer.refused.is_empty() {
        Ok(writer.out)
    } else {
        Err(writer.refused)
    }
}

struct Writer<'a> {
    text: &'a str,
    file: FileId,
    out: String,
    depth: usize,
    /// The end of the last piece of source written (a token or a comment).
    last_end: usize,
    /// Whether the last line written opened a block.
    after_open: bool,
    comments: &'a [Comment],
    next_comment: usize,
    refused: Vec<Diagnostic>,
}

impl Writer<'_> {
    /// Whether the source has a blank line between the last piece written and `offset`.
    fn blank_before(&self, offset: usize) -> bool {
        self.text[self.last_end..offset].matches('\n').count() >= 2
    }

    fn new_line(&mut self, blank: bool, depth: usize) {
        if !self.out.is_empty() {
            self.out.push('\n');
            if blank && !self.after_open {
                self.out.push('\n');
            }
        }
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    /// Writes the comments before `offset`; `breaks` says whether the next token starts a
    /// line. Comments before a `}` stay inside the block: its depth is lowered only when it is
    /// written.
    fn gap(&mut self, offset: usize, breaks: bool) {
        while let Some(comment) = self.comments.get(self.next_comment) {
            if comment.span.start() >= offset {
                break;
            }
            self.next_comment += 1;
            let body = self.text[comment.span.range()].trim_end();
            if !breaks {
                self.refuse(comment.span);
            } else if comment.trailing && !self.out.is_empty() {
                self.out.push(' ');
                self.out.push_str(body);
            } else {
                let blank = self.blank_before(comment.span.start());
                self.new_line(blank, self.depth);
                self.out.push_str(body);
                self.after_open = false;
            }
            self.last_end = comment.span.end();
        }
    }

    fn refuse(&mut self, span: Span) {
        self.refused.push(
            Diagnostic::error(
                Code::E501,
                self.file,
                span,
                "this comment sits inside a statement, where the canonical layout has no line break",
            )
            .label("no place for this comment")
            .help("move the comment onto its own line before the statement, or to the end of the statement's last line"),
        );
    }

    fn token(&mut self, token: Token, breaks: bool) {
        if token.kind == TokenKind::Close {
            self.depth = self.depth.saturating_sub(1);
        }
        if breaks {
            let blank = token.kind != TokenKind::Close && self.blank_before(token.span.start());
            self.new_line(blank, self.depth);
        } else if !matches!(token.kind, TokenKind::Comma | TokenKind::Colon) {
            self.out.push(' ');
        }
        let source = &self.text[token.span.range()];
        match token.kind {
            TokenKind::Text => {
                let column = self.out.len() - self.out.rfind('\n').map_or(0, |i| i + 1);
                let indent = self.out[self.out.len() - column..].chars().count() + 1;
                self.out.push_str(&reindent_text(source, indent));
            }
            TokenKind::Quantity => self
                .out
                .push_str(&source.split_whitespace().collect::<Vec<_>>().join(" ")),
            _ => self.out.push_str(source),
        }
        self.after_open = token.kind == TokenKind::Open;
        if self.after_open {
            self.depth += 1;
        }
        self.last_end = token.span.end();
    }
}

/// A quoted text with each line break (and the spaces around it) replaced by a line break and
/// `indent` spaces, or by a blank line where the text had one. Texts fold line breaks and the
/// spaces around them, and a blank line starts a paragraph, so the value is unchanged.
fn reindent_text(source: &str, indent: usize) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            out.push(c);
            if let Some(next) = chars.get(i + 1) {
                out.push(*next);
            }
            i += 2;
            continue;
        }
        if c == '\n' || c == '\r' {
            while out.ends_with([' ', '\t']) {
                out.pop();
            }
            let mut newlines = 0;
            while let Some(&next) = chars.get(i) {
                if !next.is_whitespace() {
                    break;
                }
                newlines += usize::from(next == '\n');
                i += 1;
            }
            out.push('\n');
            if newlines >= 2 {
                out.push('\n');
            }
            out.extend(std::iter::repeat_n(' ', indent));
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(text: &str) -> String {
        match format_text(0, text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => format!("refused: {diagnostics:?}"),
        }
    }

    #[test]
    fn lays_out_blocks_and_statements() {
        let text = "agreement a \"A\" { kind customer\n\n\n   calendar c { timezone UTC  24x7 }\n}";
        assert_eq!(
            format(text),
            "agreement a \"A\" {\n  kind customer\n\n  calendar c {\n    timezone UTC\n    24x7\n  }\n}\n"
        );
    }

    #[test]
    fn keeps_comments_in_place() {
        let text = "# head\n\nagreement a \"A\" { # opens\n  # before kind\n  kind customer # after kind\n  # at the end\n}\n# tail\n";
        assert_eq!(
            format(text),
            "# head\n\nagreement a \"A\" { # opens\n  # before kind\n  kind customer # after kind\n  # at the end\n}\n# tail\n"
        );
    }

    #[test]
    fn refuses_a_comment_inside_a_statement() {
        let text = "agreement a \"A\" {\n  term 2026-01-01 # start\n    to 2026-12-31\n}\n";
        assert!(format(text).starts_with("refused"), "{}", format(text));
    }

    #[test]
    fn reindents_long_texts_without_changing_them() {
        assert_eq!(
            reindent_text("\"one  \n      two\n\n three\"", 4),
            "\"one\n    two\n\n    three\""
        );
        assert_eq!(reindent_text("\"a \\\" b\"", 2), "\"a \\\" b\"");
    }
}
