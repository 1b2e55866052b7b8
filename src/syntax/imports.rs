//! The paths a file imports, read from its first lines without parsing it, so that the files
//! of a run that import each other can be grouped before any is parsed (see `batches.rs`).
//! The parse stays the one source of truth: the grouping only decides which files are checked
//! together, and a file's diagnostics do not depend on it. For a file that parses, the paths
//! are those of its syntax tree (a test checks this on every fixture); for one that does not,
//! they are a guess.

/// The paths named by the `import "..."` statements at the top of a file's bytes, in order.
/// Bytes, not text: the file need not be valid UTF-8 up to its end (or at all, past its
/// imports) to be grouped, and nothing is decoded but the paths.
pub fn import_paths(bytes: &[u8]) -> Vec<String> {
    let mut at = if bytes.starts_with("\u{FEFF}".as_bytes()) {
        3
    } else {
        0
    };
    let mut paths = Vec::new();
    loop {
        at = skip_blank(bytes, at);
        let Some(rest) = bytes.get(at..).filter(|rest| rest.starts_with(b"import")) else {
            return paths;
        };
        let after = skip_blank(bytes, at + "import".len());
        if after == at + "import".len() && rest.get(6).is_some_and(|&b| is_ident(b)) {
            return paths;
        }
        if bytes.get(after) != Some(&b'"') {
            return paths;
        }
        let Some(close) = closing_quote(bytes, after) else {
            return paths;
        };
        paths.push(unescape(&String::from_utf8_lossy(&bytes[after + 1..close])));
        at = close + 1;
    }
}

/// The index past the spaces and `#` comments from `at`.
fn skip_blank(bytes: &[u8], mut at: usize) -> usize {
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t'..=b'\r') => at += 1,
            Some(b'#') => {
                at = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |line| at + line);
            }
            _ => return at,
        }
    }
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

/// The index of the `"` that closes the text opening at `open`.
fn closing_quote(bytes: &[u8], open: usize) -> Option<usize> {
    let mut at = open + 1;
    while let Some(&byte) = bytes.get(at) {
        match byte {
            b'"' => return Some(at),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
    None
}

fn unescape(body: &str) -> String {
    if !body.contains('\\') {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_imports_are_read_past_comments_and_a_byte_order_mark() {
        let text = "\u{FEFF}# shared terms\nimport \"corp.sla\"  # the base\n\n  import\n\"a/b c.sla\"\nagreement x \"X\" { import }";
        assert_eq!(import_paths(text.as_bytes()), ["corp.sla", "a/b c.sla"]);
        assert_eq!(import_paths(b"import \"q\\\"uote.sla\""), ["q\"uote.sla"]);
    }

    proptest::proptest! {
        /// Any bytes (the scan reads files before anything has checked them) give paths or
        /// none, never a panic; and imports written out are read back.
        #[test]
        fn any_bytes_are_scanned_without_panic(bytes: Vec<u8>, names: Vec<String>) {
            let _ = import_paths(&bytes);
            let names: Vec<String> = names.into_iter().map(|n| n.replace(['"', '\\'], "_")).collect();
            let text: String = names.iter().map(|n| format!("import \"{n}\"\n")).collect();
            proptest::prop_assert_eq!(import_paths(text.as_bytes()), names);
        }
    }

    #[test]
    fn reading_stops_at_anything_that_is_not_an_import() {
        assert!(import_paths(b"agreement x \"X\" {}\nimport \"late.sla\"").is_empty());
        assert!(import_paths(b"imports \"x.sla\"").is_empty());
        assert!(import_paths(b"import-x \"x.sla\"").is_empty());
        assert!(import_paths(b"import corp.sla").is_empty());
        assert_eq!(import_paths(b"import \"a.sla\" import \"unclosed"), ["a.sla"]);
        assert!(import_paths(b"").is_empty());
    }
}
