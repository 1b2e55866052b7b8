//! Comments and block extents, read from the text itself: the grammar skips comments, but
//! suppression comments (`# slac: allow(...)`) need them and the lines they govern.

use crate::diagnostics::Span;

/// A `#` comment: its span (from `#` to the end of the line) and whether code precedes it on
/// its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub trailing: bool,
}

/// Where a quoted text or an e-mail address that opens at `bytes[at]` ends: the index of its
/// last byte, or `at` itself when none opens there. Scanners that look for comments and braces
/// skip these, since both may hold `#`, `{` and `}`.
pub fn skip_literal(bytes: &[u8], at: usize) -> usize {
    match bytes.get(at) {
        Some(b'"') => skip_text(bytes, at),
        Some(b'<') => skip_email(bytes, at).unwrap_or(at),
        _ => at,
    }
}

/// The braces of a text that are braces of the language, in order: each one's index and
/// whether it opens a block. Braces in comments, quoted texts and e-mail addresses are skipped.
pub fn braces(bytes: &[u8]) -> impl Iterator<Item = (usize, bool)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            match bytes[i] {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'"' | b'<' => i = skip_literal(bytes, i),
                brace @ (b'{' | b'}') => {
                    i += 1;
                    return Some((at, brace == b'{'));
                }
                _ => {}
            }
            i += 1;
        }
        None
    })
}

/// The index of the closing quote of the text that opens at `bytes[open]`, honouring
/// backslash escapes (the end of the input if it is never closed).
fn skip_text(bytes: &[u8], open: usize) -> usize {
    let mut i = open + 1;
    while i < bytes.len() && bytes[i] != b'"' {
        if bytes[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    i
}

/// The index of the closing `>` of the e-mail address (`<desk@example.com>`) that opens at
/// `bytes[open]`, matched as the grammar's `email` rule matches it, or `None` if none opens
/// there.
fn skip_email(bytes: &[u8], open: usize) -> Option<usize> {
    let body = bytes[open + 1..]
        .iter()
        .position(|b| matches!(b, b'>' | b'<' | b'\n' | b' '))?;
    (body > 0 && bytes[open + 1 + body] == b'>').then_some(open + 1 + body)
}

/// Every comment of a text, skipping `#` inside quoted texts and e-mail addresses.
pub fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    let mut code_on_line = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => code_on_line = false,
            b'"' | b'<' => {
                code_on_line = true;
                i = skip_literal(bytes, i);
            }
            b'#' => {
                let start = i;
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                found.push(Comment {
                    span: Span::new(start, i),
                    trailing: code_on_line,
                });
                continue;
            }
            b' ' | b'\t' | b'\x0B' | b'\x0C' | b'\r' => {}
            _ => code_on_line = true,
        }
        i += 1;
    }
    found
}

/// The start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// The end of the line holding `offset` (before its newline).
pub fn line_end(text: &str, offset: usize) -> usize {
    text[offset.min(text.len())..]
        .find('\n')
        .map(|i| offset + i)
        .unwrap_or(text.len())
}

/// The start of the first line after `offset` that holds code (not blank, not only a comment).
pub fn next_code_line(text: &str, offset: usize) -> Option<usize> {
    let mut start = line_end(text, offset) + 1;
    while start < text.len() {
        let end = line_end(text, start);
        let line = text[start..end].trim_start();
        if !line.is_empty() && !line.starts_with('#') {
            return Some(start);
        }
        start = end + 1;
    }
    None
}

/// What a statement starting on the line at `start` covers: through the `}` that closes a block
/// opened on that line, or the line itself.
pub fn statement_extent(text: &str, start: usize) -> Span {
    let end = line_end(text, start);
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = start;
    let mut opened = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'<' => i = skip_literal(bytes, i),
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'{' => {
                depth += 1;
                opened = true;
            }
            b'}' => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
                if depth == 0 {
                    return Span::new(start, i + 1);
                }
            }
            b'\n' if !opened => break,
            _ => {}
        }
        i += 1;
    }
    Span::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_comments_outside_texts() {
        let text = "a \"#no\" # yes\n  # own line\nb";
        let found = comments(text);
        assert_eq!(found.len(), 2);
        assert!(found[0].trailing);
        assert!(!found[1].trailing);
        assert_eq!(&text[found[1].span.range()], "# own line");
    }

    #[test]
    fn a_hash_in_an_email_address_is_not_a_comment() {
        let text = "contact \"IT\" <i#t@example.com> # real\nnext <a b> # also";
        let found: Vec<&str> = comments(text).iter().map(|c| &text[c.span.range()]).collect();
        assert_eq!(found, ["# real", "# also"]);
        let block = "party \"P\" { contact \"x\" <a}#{b@example.com> }\nnext";
        let extent = statement_extent(block, 0);
        assert_eq!(
            &block[extent.range()],
            "party \"P\" { contact \"x\" <a}#{b@example.com> }"
        );
    }

    #[test]
    fn a_statement_covers_its_block() {
        let text = "# c\nservice a {\n  x \"}\"\n}\nnext";
        let start = next_code_line(text, 0).unwrap_or_default();
        let extent = statement_extent(text, start);
        assert_eq!(&text[extent.range()], "service a {\n  x \"}\"\n}");
        let line = statement_extent(text, text.len() - 4);
        assert_eq!(&text[line.range()], "next");
    }
}
