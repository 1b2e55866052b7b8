//! Text from specs and data files as people are shown it: control characters and bidirectional
//! controls made visible, so nothing a spec or a CSV holds becomes a terminal escape sequence,
//! reorders a line (Trojan Source) or hides text. Every human output goes through here.

use std::borrow::Cow;

/// Unicode's bidirectional embedding, override and isolate controls: they reorder how a line
/// reads without changing what it is (CVE-2021-42574).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether `c` must be shown as a visible stand-in. Tabs and line feeds are layout, and stay;
/// a carriage return is decided by the caller (it ends a line only before a line feed).
fn hidden(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_bidi_control(c)
}

/// The visible stand-in of a hidden character: its Control Pictures symbol (`␛` for ESC, `␍`
/// for CR), or `\u{…}` where Unicode has none.
pub fn stand_in(c: char) -> String {
    match c {
        '\0'..='\u{1F}' => char::from_u32(0x2400 + c as u32).map_or_else(|| escaped(c), String::from),
        '\u{7F}' => "\u{2421}".to_string(),
        _ => escaped(c),
    }
}

fn escaped(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// `text` with every hidden character shown; line breaks (`\n`, and `\r\n`) kept.
pub fn visible(text: &str) -> Cow<'_, str> {
    visible_with(text, |_, _| {})
}

/// `text` on one line: line breaks shown too, for a file name or a value in a message.
pub fn visible_line(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return visible(text);
    }
    Cow::Owned(visible(&text.replace('\n', "\u{240A}")).into_owned())
}

/// `visible`, calling `shifted(offset, extra)` for each character replaced: its byte offset in
/// `text` and how many bytes longer its stand-in is.
pub fn visible_with(text: &str, mut shifted: impl FnMut(usize, usize)) -> Cow<'_, str> {
    let needs = |(i, c): (usize, char)| hidden(c) && !(c == '\r' && text[i + 1..].starts_with('\n'));
    if !text.char_indices().any(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, c) in text.char_indices() {
        if needs((i, c)) {
            let shown = stand_in(c);
            shifted(i, shown.len() - c.len_utf8());
            out.push_str(&shown);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_shown() {
        assert_eq!(visible("a\u{1b}]0;title\u{7}b"), "a\u{241b}]0;title\u{2407}b");
        assert_eq!(visible("x\u{202E}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        assert_eq!(visible("del\u{7f} c1\u{9b}"), "del\u{2421} c1\\u{9b}");
        assert_eq!(visible("crlf\r\nlone\rcr"), "crlf\r\nlone\u{240d}cr");
        assert_eq!(visible("tab\tand\nline"), "tab\tand\nline");
        assert_eq!(visible_line("a\nb"), "a\u{240a}b");
        assert!(matches!(visible("plain é text"), Cow::Borrowed(_)));
    }

    #[test]
    fn shifts_report_each_replacement() {
        let mut shifts = Vec::new();
        let shown = visible_with("a\u{1b}b\u{202e}", |at, extra| shifts.push((at, extra)));
        assert_eq!(shown, "a\u{241b}b\\u{202e}");
        assert_eq!(shifts, vec![(1, 2), (3, 5)]);
    }
}
