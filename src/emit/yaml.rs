//! YAML that every reader takes the same way. `yaml_serde` quotes the strings that YAML 1.2
//! would read as something else (`true`, `0x1F`), but not those that YAML 1.1 readers (PyYAML,
//! go-yaml v2, many Kubernetes tools) turn into a boolean, a date or a number: `yes`, `off`,
//! `2026-01-01`, `12:30`, `1_000`. Every YAML slac writes goes through `to_string`, which
//! quotes those too.

use std::fmt::Write as _;
use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// `value` as YAML, every string that any YAML 1.1 or 1.2 reader could take for anything but a
/// string quoted.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let plain = yaml_serde::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(plain.len() + 64);
    // The indentation of a block scalar's header line (`key: |-`): its lines, more deeply
    // indented, are text, not YAML.
    let mut block_scalar: Option<usize> = None;
    for line in plain.lines() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(header) = block_scalar {
            if indent > header || line.trim().is_empty() {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block_scalar = None;
        }
        let requoted = requote_line(line);
        if ends_with_block_header(&requoted) {
            block_scalar = Some(indent);
        }
        out.push_str(&requoted);
        out.push('\n');
    }
    out
}

fn ends_with_block_header(line: &str) -> bool {
    let last = line.rsplit(' ').next().unwrap_or("");
    let mut chars = last.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// One line of block YAML as `yaml_serde` writes it: indentation, `- ` items, then a scalar, or
/// a key and a scalar. A plain (unquoted) key or value that YAML 1.1 would misread is quoted.
fn requote_line(line: &str) -> String {
    let mut rest = line;
    let mut out = String::with_capacity(line.len() + 2);
    let indent = rest.len() - rest.trim_start_matches(' ').len();
    out.push_str(&rest[..indent]);
    rest = &rest[indent..];
    while let Some(after) = rest.strip_prefix("- ") {
        out.push_str("- ");
        rest = after;
    }
    // A plain key ends at the first `: ` (a plain scalar cannot hold one); a quoted key is left
    // as it is, with what follows it.
    let starts_quoted = rest.starts_with(['\'', '"']);
    let (key, value) = match rest.find(": ").or_else(|| rest.strip_suffix(':').map(str::len)) {
        Some(at) if !starts_quoted => (Some(&rest[..at]), rest.get(at + 2..)),
        _ => (None, Some(rest)),
    };
    if let Some(key) = key {
        out.push_str(&quoted_if_misread(key));
        out.push(':');
        if let Some(value) = value {
            out.push(' ');
            out.push_str(&quoted_if_misread(value));
        }
    } else if let Some(value) = value {
        out.push_str(&quoted_if_misread(value));
    }
    out
}

fn quoted_if_misread(scalar: &str) -> String {
    if !misread_by_yaml_1_1(scalar) {
        return scalar.to_string();
    }
    let mut out = String::with_capacity(scalar.len() + 2);
    let _ = write!(out, "'{}'", scalar.replace('\'', "''"));
    out
}

/// Plain scalars that YAML 1.1 resolves to a boolean, a timestamp, a sexagesimal or
/// underscored number, a merge key or a value key (yaml.org/type/), where YAML 1.2's core
/// schema reads a string. The forms both read alike are quoted by `yaml_serde` already.
fn misread_by_yaml_1_1(scalar: &str) -> bool {
    static FORMS: OnceLock<Option<Regex>> = OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        Regex::new(concat!(
            r"^(?:",
            r"y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF",
            r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?",
            r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?",
            r"|[-+]?(?:0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]+|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?)",
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
            r"|=|<<",
            r")$"
        ))
        .ok()
    });
    let Some(forms) = forms else {
        return true;
    };
    // A real number slac writes (`0.999`, `14.4`) is plain and must stay so: the forms above
    // that YAML 1.2 also reads as numbers are quoted only when they hold a `_` or a leading 0.
    if !forms.is_match(scalar) {
        return false;
    }
    let numeric_in_both = scalar.parse::<f64>().is_ok() && !scalar.contains('_') && !leading_zero(scalar);
    !numeric_in_both
}

fn leading_zero(scalar: &str) -> bool {
    let digits = scalar.trim_start_matches(['-', '+']);
    digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn strings_yaml_1_1_would_misread_are_quoted() {
        let strings = [
            "yes",
            "No",
            "OFF",
            "y",
            "2026-01-01",
            "2026-01-01 10:00:00",
            "2026-01-01T10:00:00Z",
            "12:30",
            "1:20:30",
            "1_000",
            "=",
            "<<",
            "0b101",
            "010",
        ];
        for text in strings {
            let yaml = to_string(&BTreeMap::from([(text, text)]));
            let quoted = format!("'{text}'");
            assert_eq!(yaml, format!("{quoted}: {quoted}\n"), "{text}");
            // Both YAML 1.2 (yaml_serde) and the quoting agree that it is the same string.
            let back: Result<BTreeMap<String, String>, _> = yaml_serde::from_str(&yaml);
            assert_eq!(
                back.ok().and_then(|b| b.get(text).cloned()).as_deref(),
                Some(text)
            );
        }
    }

    #[test]
    fn numbers_and_ordinary_strings_stay_plain() {
        #[derive(Serialize)]
        struct Rule<'a> {
            ratio: f64,
            count: u32,
            text: &'a str,
            items: Vec<&'a str>,
            block: &'a str,
        }
        let yaml = to_string(&Rule {
            ratio: 0.999,
            count: 3,
            text: "yes, and more",
            items: vec!["api", "yes"],
            block: "line\nyes\n- no",
        });
        assert_eq!(
            yaml,
            "ratio: 0.999\ncount: 3\ntext: yes, and more\nitems:\n- api\n- 'yes'\nblock: |-\n  line\n  yes\n  - no\n"
        );
    }
}
