//! Prometheus series selectors, read with PromQL's own lexical rules and written back in one
//! canonical form. Emitters paste a selector into larger queries, so a spec's selector must be
//! exactly one vector selector: nothing that could end the query early, comment out its rest or
//! add a clause of its own.

use std::fmt::{self, Write as _};

use regex_syntax::hir::{Class, Hir, HirKind};
use rustc_hash::FxHashMap as HashMap;

/// One vector selector: an optional metric name and its label matchers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    pub metric: Option<String>,
    pub matchers: Vec<Matcher>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matcher {
    pub name: String,
    pub op: MatchOp,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

impl MatchOp {
    fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Regex => "=~",
            MatchOp::NotRegex => "!~",
        }
    }
}

impl Selector {
    /// The matchers alone, as written inside the braces of the canonical form.
    pub fn matchers_text(&self) -> String {
        let mut out = String::new();
        for (index, matcher) in self.matchers.iter().enumerate() {
            if index > 0 {
                out.push(',');
            }
            out.push_str(&matcher.name);
            out.push_str(matcher.op.as_str());
            push_quoted(&mut out, &matcher.value);
        }
        out
    }
}

/// The canonical form: `metric{name="value",...}`, every value double-quoted and escaped, no
/// spaces, no trailing comma; `metric` alone when there are no matchers.
impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.metric.as_deref().unwrap_or(""))?;
        if self.metric.is_none() || !self.matchers.is_empty() {
            write!(f, "{{{}}}", self.matchers_text())?;
        }
        Ok(())
    }
}

/// A double-quoted PromQL string of `text`. Characters PromQL strings cannot hold literally
/// are escaped; everything else is written as it is.
fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn is_label_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Words PromQL's lexer reads as keywords (in any case), so never as a metric name.
const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "unless",
    "atan2",
    "sum",
    "avg",
    "count",
    "min",
    "max",
    "group",
    "stddev",
    "stdvar",
    "topk",
    "bottomk",
    "count_values",
    "quantile",
    "limitk",
    "limit_ratio",
    "offset",
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "start",
    "end",
    "inf",
    "nan",
];

/// Why a text is not one series selector, in the user's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectorError(pub String);

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn error<T>(message: impl Into<String>) -> Result<T, SelectorError> {
    Err(SelectorError(message.into()))
}

/// Reads `text` as exactly one PromQL vector selector.
pub fn parse_selector(text: &str) -> Result<Selector, SelectorError> {
    let mut lexer = Lexer { text, at: 0 };
    lexer.skip_space()?;
    let metric = lexer.metric_name()?;
    lexer.skip_space()?;
    let mut matchers = Vec::new();
    let braces = lexer.eat('{');
    if braces {
        loop {
            lexer.skip_space()?;
            if lexer.eat('}') {
                break;
            }
            matchers.push(lexer.matcher()?);
            lexer.skip_space()?;
            if lexer.eat('}') {
                break;
            }
            if !lexer.eat(',') {
                return lexer.unexpected("`,` or `}` after a label matcher");
            }
        }
        lexer.skip_space()?;
    }
    if let (Some(rest), Some(name), false) = (lexer.rest(), &metric, braces) {
        return error(format!(
            "expected `{{` or the end of the selector after the metric name `{name}`, found `{}`",
            shown(rest)
        ));
    }
    if let Some(rest) = lexer.rest() {
        return error(format!(
            "`{}` follows the selector: a selector names series, it is not a query",
            shown(rest)
        ));
    }
    if metric.is_none() && matchers.is_empty() {
        return error("the selector names no series");
    }
    let mut selector = Selector { metric, matchers };
    check_matchers(&mut selector)?;
    Ok(selector)
}

/// Checks what PromQL's parser checks after its lexer: one metric name, valid regular
/// expressions, and at least one matcher that does not match every series.
fn check_matchers(selector: &mut Selector) -> Result<(), SelectorError> {
    let mut matches_empty = Vec::with_capacity(selector.matchers.len());
    for matcher in &selector.matchers {
        if matcher.value.contains(['\n', '\r']) {
            return error(format!(
                "the value of `{}` holds a line break",
                shown(&matcher.name)
            ));
        }
        let empty = match matcher.op {
            MatchOp::Equal => matcher.value.is_empty(),
            MatchOp::NotEqual => !matcher.value.is_empty(),
            MatchOp::Regex | MatchOp::NotRegex => {
                let Some(matches_empty) = regex_matches_empty(&matcher.value) else {
                    return error(format!(
                        "`{}` is not a regular expression Prometheus accepts",
                        shown(&matcher.value)
                    ));
                };
                if matcher.op == MatchOp::NotRegex && matches_every_value(&matcher.value) {
                    return error(format!(
                        "`{}!~` refuses every value, so the selector matches no series and an outage would go unseen",
                        shown(&matcher.name)
                    ));
                }
                matches_empty == (matcher.op == MatchOp::Regex)
            }
        };
        matches_empty.push(empty);
    }
    // `{__name__="x"}` is the metric name written as a matcher: keep one spelling.
    let is_name = |m: &Matcher| m.name == "__name__" && m.op == MatchOp::Equal;
    let names = selector.matchers.iter().filter(|m| is_name(m)).count();
    if names + usize::from(selector.metric.is_some()) > 1 {
        return error("the metric name is given twice");
    }
    if let Some(index) = selector.matchers.iter().position(is_name) {
        if is_metric_name(&selector.matchers[index].value) {
            selector.metric = Some(selector.matchers.remove(index).value);
            matches_empty.remove(index);
        }
    }
    if selector.metric.is_none() && matches_empty.iter().all(|&empty| empty) {
        return error("every label matcher also matches series without that label: add one that needs a value, or a metric name");
    }
    Ok(())
}

/// Whether the regular expression `pattern`, anchored as Prometheus anchors it, matches the
/// empty string; `None` when Prometheus would refuse it (bad syntax, or too large).
///
/// Compiling a pattern costs far more than the rest of a selector's check, and specs repeat
/// their patterns (`code!~"5.."` in every service), so each thread remembers the answers for
/// the patterns it has seen, a bounded number of them.
fn regex_matches_empty(pattern: &str) -> Option<bool> {
    const REMEMBERED: usize = 1024;
    thread_local! {
        static SEEN: std::cell::RefCell<HashMap<String, Option<bool>>> =
            std::cell::RefCell::new(HashMap::default());
    }
    if let Some(known) = SEEN.with_borrow(|seen| seen.get(pattern).copied()) {
        return known;
    }
    let anchored = format!("^(?:{pattern})$");
    let answer = regex::RegexBuilder::new(&anchored)
        .size_limit(1 << 20)
        .build()
        .ok()
        .map(|regex| regex.is_match(""));
    SEEN.with_borrow_mut(|seen| {
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(pattern.to_string(), answer);
    });
    answer
}

/// Whether `pattern` matches every string: `.*` in its usual spellings (`(.*)`, `.*|x`,
/// `[\s\S]*`). A narrower pattern may still match every value in practice; this catches the
/// ones people write.
fn matches_every_value(pattern: &str) -> bool {
    regex_syntax::parse(pattern).is_ok_and(|hir| universal(&hir))
}

fn universal(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Repetition(repetition) => {
            repetition.min == 0 && repetition.max.is_none() && every_character(&repetition.sub)
        }
        HirKind::Capture(capture) => universal(&capture.sub),
        HirKind::Alternation(branches) => branches.iter().any(universal),
        HirKind::Concat(items) => !items.is_empty() && items.iter().all(universal),
        _ => false,
    }
}

/// Whether a class holds every character, or every one but a line break (`.` without `s`).
fn every_character(hir: &Hir) -> bool {
    let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
        return false;
    };
    let mut next = 0u32;
    for range in class.ranges() {
        let start = u32::from(range.start());
        let skipped_newline = next == 0x0A && start == 0x0B;
        let skipped_surrogates = next == 0xD800 && start == 0xE000;
        if start > next && !skipped_newline && !skipped_surrogates {
            return false;
        }
        next = u32::from(range.end()) + 1;
    }
    next > 0x10FFFF
}

fn is_metric_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        && !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(text))
}

/// Spec text quoted in a message: on one line, and short.
fn shown(text: &str) -> String {
    let mut out: String = text
        .chars()
        .take(40)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > 40 {
        out.push('…');
    }
    out
}

struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn rest(&self) -> Option<&str> {
        Some(&self.text[self.at..]).filter(|rest| !rest.is_empty())
    }

    /// Skips PromQL's white space; a `#` comment is refused, since it would hide the rest of
    /// any query the selector is put into.
    fn skip_space(&mut self) -> Result<(), SelectorError> {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\n' | '\r' => self.at += 1,
                '#' => return error("a `#` comment inside a selector would hide the rest of the query"),
                _ => break,
            }
        }
        Ok(())
    }

    fn unexpected<T>(&self, wanted: &str) -> Result<T, SelectorError> {
        match self.rest() {
            Some(rest) => error(format!("expected {wanted}, found `{}`", shown(rest))),
            None => error(format!("expected {wanted}, found the end of the selector")),
        }
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &str {
        let start = self.at;
        while let Some(c) = self.peek().filter(|&c| keep(c)) {
            self.at += c.len_utf8();
        }
        &self.text[start..self.at]
    }

    fn metric_name(&mut self) -> Result<Option<String>, SelectorError> {
        let name = self.take_while(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        if name.is_empty() {
            return match self.peek() {
                None | Some('{') => Ok(None),
                Some(_) => self.unexpected("a metric name or `{`"),
            };
        }
        if !is_metric_name(name) {
            let name = name.to_string();
            if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&name)) {
                return error(format!("`{name}` is a PromQL keyword, not a metric name"));
            }
            return error(format!(
                "`{name}` is not a metric name: it must not start with a digit"
            ));
        }
        Ok(Some(name.to_string()))
    }

    /// A label matcher; a lone quoted name is the metric name (`{"metric.name"}`, Prometheus 3).
    fn matcher(&mut self) -> Result<Matcher, SelectorError> {
        let quoted = matches!(self.peek(), Some('"' | '\'' | '`'));
        let name = match quoted {
            true => self.string()?,
            false => {
                let name = self
                    .take_while(|c| c.is_ascii_alphanumeric() || c == '_')
                    .to_string();
                if !is_label_name(&name) {
                    return self.unexpected("a label name");
                }
                name
            }
        };
        self.skip_space()?;
        let op = if self.text[self.at..].starts_with("=~") {
            MatchOp::Regex
        } else if self.text[self.at..].starts_with("!~") {
            MatchOp::NotRegex
        } else if self.text[self.at..].starts_with("!=") {
            MatchOp::NotEqual
        } else if self.text[self.at..].starts_with('=') {
            MatchOp::Equal
        } else if quoted && matches!(self.peek(), Some(',' | '}')) {
            return Ok(Matcher {
                name: "__name__".to_string(),
                op: MatchOp::Equal,
                value: name,
            });
        } else {
            return self.unexpected(&format!(
                "`=`, `!=`, `=~` or `!~` after the label `{}`",
                shown(&name)
            ));
        };
        self.at += op.as_str().len();
        self.skip_space()?;
        if !matches!(self.peek(), Some('"' | '\'' | '`')) {
            return self.unexpected(&format!("a quoted value for the label `{}`", shown(&name)));
        }
        let value = self.string()?;
        // Quoted names of any text are Prometheus 3's; the rules must load in Prometheus 2 too.
        if !is_label_name(&name) {
            return error(format!(
                "`{}` is not a label name: letters, digits and `_`, not starting with a digit",
                shown(&name)
            ));
        }
        Ok(Matcher { name, op, value })
    }

    /// A PromQL string: `"..."` or `'...'` with Go's escapes, or a raw `` `...` `` in which a
    /// backslash is an ordinary character.
    fn string(&mut self) -> Result<String, SelectorError> {
        let Some(quote) = self.peek() else {
            return self.unexpected("a quoted string");
        };
        self.at += 1;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                return error(format!("a string opened with {quote} is never closed"));
            };
            self.at += c.len_utf8();
            match c {
                c if c == quote => return Ok(value),
                '\\' if quote != '`' => value.push(self.escape(quote)?),
                '\n' if quote != '`' => {
                    return error(format!(
                        "a string opened with {quote} is never closed on its line"
                    ));
                }
                c => value.push(c),
            }
        }
    }

    /// The character of an escape after its backslash, as Go's `strconv.Unquote` reads it.
    fn escape(&mut self, quote: char) -> Result<char, SelectorError> {
        let Some(c) = self.peek() else {
            return error("a string ends in a lone `\\`");
        };
        self.at += c.len_utf8();
        let simple = match c {
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            '\\' => Some('\\'),
            c if c == quote => Some(c),
            _ => None,
        };
        if let Some(simple) = simple {
            return Ok(simple);
        }
        let (digits, radix) = match c {
            '0'..='7' => {
                self.at -= 1;
                (3, 8)
            }
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            other => return error(format!("`\\{other}` is not an escape PromQL knows")),
        };
        let end = self.at + digits;
        let code = self
            .text
            .get(self.at..end)
            .filter(|d| d.chars().all(|c| c.is_digit(radix)))
            .and_then(|d| u32::from_str_radix(d, radix).ok());
        self.at = end.min(self.text.len());
        // A byte escape above 0x7F would be a lone byte of UTF-8, which no label value holds.
        let limit = if matches!(c, 'x' | '0'..='7') {
            0x7f
        } else {
            0x10ffff
        };
        match code.filter(|&code| code <= limit).and_then(char::from_u32) {
            Some(decoded) => Ok(decoded),
            None => error(format!("the escape `\\{c}…` does not name a character")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        match parse_selector(text) {
            Ok(selector) => selector.to_string(),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn selectors_are_written_back_in_one_form() {
        assert_eq!(canonical("up"), "up");
        assert_eq!(
            canonical(" http_requests_total{ job = 'api', code!~\"5..\", } "),
            "http_requests_total{job=\"api\",code!~\"5..\"}"
        );
        assert_eq!(canonical("{__name__=\"up\"}"), "up");
        assert_eq!(canonical("{'up', job='a'}"), "up{job=\"a\"}");
        assert_eq!(
            canonical("{\"my.metric\", \"a_b\"=\"c\"}"),
            "{__name__=\"my.metric\",a_b=\"c\"}"
        );
        assert_eq!(canonical("x{a=\"\\u00e9\\x41\\101\"}"), "x{a=\"éAA\"}");
    }

    #[test]
    fn a_backslash_in_a_raw_string_is_a_character() {
        // PromQL reads `x\` as the two characters x and \, so the selector ends at the second
        // backtick, and what follows is a query of its own.
        assert_eq!(
            canonical("foo{a=`x\\`} or vector(1)"),
            "error: `or vector(1)` follows the selector: a selector names series, it is not a query"
        );
        assert_eq!(canonical("foo{a=`x\\`}"), "foo{a=\"x\\\\\"}");
        assert_eq!(
            canonical("foo{a=\"x\\\"} or vector(1)\"}"),
            "foo{a=\"x\\\"} or vector(1)\"}"
        );
    }

    #[test]
    fn anything_but_one_selector_is_refused() {
        for text in [
            "",
            "{}",
            "foo bar",
            "foo[5m]",
            "foo offset 5m",
            "sum(foo)",
            "foo{a=\"x\"} # c",
            "foo{a=\"x\"}}",
            "foo{a=\"x\" b=\"y\"}",
            "foo{a=\"x\"",
            "foo{a=\"b\nc\"}",
            "foo{a=`b\nc`}",
            "foo{a=\"b\\nc\"}",
            "foo{a=~\"(\"}",
            "{a=\"\"}",
            "{a=~\".*\"}",
            "foo{a!~\".*\"}",
            "foo{a!~\"(?s:.*)|b\"}",
            "foo{a!~\"([\\\\s\\\\S]*)\"}",
            "foo{__name__=\"bar\"}",
            "sum",
            "Or",
            "9lives",
            "foo{a=\"\\q\"}",
            "foo{a=\"\\xff\"}",
            "foo{a=\"\\ud800\"}",
            "foo{a=x}",
            "foo{a:b=\"x\"}",
            "foo{\"a.b\"=\"x\"}",
            "foo{a=\"x\"} or vector(1)",
            "foo{a=\"x\"} + 1",
        ] {
            assert!(
                parse_selector(text).is_err(),
                "{text:?} was read as {:?}",
                parse_selector(text)
            );
        }
    }

    #[test]
    fn the_canonical_form_reads_back_as_itself() {
        for text in [
            "x{a=\"\\\\\\\"\",b!~'\\t'}",
            "{\"é\", b=`\\`}",
            "up{job=\"a\\u0001b\"}",
        ] {
            let once = canonical(text);
            assert_eq!(canonical(&once), once, "{text}");
        }
    }
}
