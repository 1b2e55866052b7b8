//! The contract document as one self-contained HTML page, rendered from the Markdown document
//! by pulldown-cmark, with print CSS so that a browser prints it to a clean PDF.

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// The page's styles: readable on screen, and paged for print (A4, no links coloured, tables
/// kept whole where they fit, headings kept with what follows).
const STYLE: &str = r#"
:root { color-scheme: light; }
body { font-family: "Noto Serif", Georgia, "Times New Roman", serif; font-size: 11pt; line-height: 1.45;
       color: #111; max-width: 52rem; margin: 2rem auto; padding: 0 1.5rem; }
h1 { font-size: 20pt; margin: 0 0 1rem; }
h2 { font-size: 14pt; margin: 1.8rem 0 0.6rem; border-bottom: 1px solid #999; padding-bottom: 0.2rem; }
h3 { font-size: 12pt; margin: 1.2rem 0 0.4rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 10pt; }
th, td { border: 1px solid #999; padding: 0.3rem 0.45rem; text-align: left; vertical-align: top; }
th { background: #eee; }
code { font-family: "Noto Sans Mono", "DejaVu Sans Mono", monospace; font-size: 9pt; overflow-wrap: anywhere; }
hr { border: 0; border-top: 1px solid #999; margin: 2rem 0 0.5rem; }
a { color: inherit; }
@page { size: A4; margin: 18mm 16mm 20mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, td, th { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { text-decoration: none; }
}
"#;

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The anchor of a heading's text, as the Markdown document's contents link to it.
fn slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// Renders the Markdown contract document as a complete HTML page titled `title`.
pub fn html(markdown: &str, title: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    // Give section headings the ids the table of contents links to.
    let mut with_ids: Vec<Event<'_>> = Vec::with_capacity(events.len());
    let mut index = 0;
    while index < events.len() {
        if let Event::Start(Tag::Heading {
            level: HeadingLevel::H2,
            classes,
            attrs,
            ..
        }) = &events[index]
        {
            let mut text = String::new();
            let mut end = index + 1;
            while end < events.len() && !matches!(events[end], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[end] {
                    text.push_str(t);
                }
                end += 1;
            }
            with_ids.push(Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id: Some(CowStr::from(slug(&text))),
                classes: classes.clone(),
                attrs: attrs.clone(),
            }));
            index += 1;
            continue;
        }
        with_ids.push(events[index].clone());
        index += 1;
    }
    let mut body = String::new();
    html::push_html(&mut body, text_only(with_ids));
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"slac {}\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        content_security_policy(),
        env!("CARGO_PKG_VERSION"),
        escape_html(title)
    )
}

/// The page may load nothing and run nothing: no script, no frame, no form, no request of any
/// kind; its one style sheet is allowed by its hash, not by allowing inline styles.
pub fn content_security_policy() -> String {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(STYLE.as_bytes()));
    format!("default-src 'none'; style-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'")
}

/// The document's events with anything that would become markup of its own made text: raw
/// HTML is shown as text, and only links within the page and to an e-mail address stay links
/// (images become their text). The Markdown escapes spec text already; this is the second
/// wall, so that a mistake there shows characters instead of running them.
fn text_only<'a>(events: Vec<Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut dropped_ends: Vec<bool> = Vec::new();
    events.into_iter().filter_map(move |event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link {
            link_type,
            ref dest_url,
            ..
        }) => {
            let kept = link_type == LinkType::Email || dest_url.starts_with('#');
            dropped_ends.push(!kept);
            kept.then_some(event)
        }
        Event::Start(Tag::Image { .. }) => {
            dropped_ends.push(true);
            None
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let dropped = dropped_ends.pop().unwrap_or(false);
            (!dropped).then_some(event)
        }
        other => Some(other),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_the_ids_the_contents_link_to() {
        let page = html(
            "# T\n\n- [1. Parties](#1-parties)\n\n## 1. Parties\n\ntext\n",
            "T <x>",
        );
        assert!(page.contains("<h2 id=\"1-parties\">1. Parties</h2>"), "{page}");
        assert!(page.contains("<title>T &lt;x&gt;</title>"));
    }
}
