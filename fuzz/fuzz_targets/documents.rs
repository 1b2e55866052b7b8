//! Arbitrary text in every place a contract document prints spec text (titles, names,
//! clauses, selectors, the file name): the Markdown holds no raw HTML, and the HTML page holds
//! no element, attribute or link that slac did not write.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Text as a `.sla` string: its escapes for `\` and `"`, the rest as it is.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn spec(text: &str) -> String {
    let q = quoted(text);
    format!(
        "agreement fuzz {q} {{\n  kind customer\n  version 1.0.0\n  status draft\n  provider {q} {{ contact {q} <a@b.example> role {q} }}\n  customer {q}\n  term 2026-01-01 to 2026-12-31\n  revision {q}\n  clause scope {q}\n  obligation provider {q}\n  service api {q} {{\n    description {q}\n    availability 99.9% per calendar month {{\n      indicator prometheus {{ good {sq} total \"all_total\" }}\n      measured by {q}\n    }}\n  }}\n}}\n",
        sq = quoted(&format!("ok_total{{path=`{}`}}", text.replace('`', "")))
    )
}

const ELEMENTS: &[&str] = &[
    "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "code", "a", "hr", "strong", "em", "br",
];

/// Every `<` of the page starts a tag slac writes (pulldown-cmark writes `&lt;` for text).
fn assert_only_slac_markup(page: &str) {
    let body = page.split("</style>").nth(1).unwrap_or(page);
    for tag in body.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        // `<hr />`, `<br />`: the closing slash of a void element.
        let tag = tag.strip_suffix('/').unwrap_or(tag).trim_end();
        let mut words = tag.split(' ');
        let name = words.next().unwrap_or("");
        assert!(ELEMENTS.contains(&name), "element <{name}> in {tag:?}");
        for attribute in words {
            let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
            assert!(matches!(key, "id" | "href" | "lang" | "charset" | "name" | "content" | "http-equiv"), "attribute {key} in {tag:?}");
            if key == "href" {
                assert!(value.starts_with("\"#") || value.starts_with("\"mailto:"), "link {value}");
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let name: String = text.chars().filter(|&c| c != '\0').take(40).collect();
    let path = std::path::PathBuf::from(format!("{name}.sla"));
    let checked = slac::check_source(&path, &spec(&text));
    if checked.has_errors() {
        return;
    }
    let root = checked.roots[0];
    let Some(agreement) = checked.program(root).and_then(|p| p.agreements.first()) else {
        return;
    };
    let markdown = slac::markdown_document(&checked, root, agreement, &[], None);
    for event in pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        assert!(
            !matches!(event, pulldown_cmark::Event::Html(_) | pulldown_cmark::Event::InlineHtml(_)),
            "raw HTML in the Markdown: {event:?}"
        );
    }
    assert_only_slac_markup(&slac::html_document(&checked, root, agreement, &[], None));
});
