//! Escaping for the markup standpoint writes (the evaluation report, the document view, the
//! network page and its GraphML): HTML text and attribute values, XML text, and JSON embedded
//! in a `<script type="application/json">` element.

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    escape_with(s, "&#39;", |c| c == '\0')
}

/// Escape text for XML content and attribute values. Characters XML 1.0 forbids (most C0
/// controls) become U+FFFD, since a news sentence can carry them and one would void the file.
pub fn xml_escape(s: &str) -> String {
    escape_with(s, "&apos;", |c| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || c == '\u{FFFE}'
            || c == '\u{FFFF}'
    })
}

/// The five markup characters as entities (`apostrophe` for `'`), and `forbidden` characters
/// as U+FFFD (NUL in HTML: what a browser shows anyway; written out, it would make the file
/// binary).
fn escape_with(s: &str, apostrophe: &str, forbidden: impl Fn(char) -> bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            c if forbidden(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JSON text made safe inside `<script type="application/json">`: a `</script>` (or any `</`)
/// in a string would end the element early, and `<!--` would open a comment, so `<`, `>` and
/// `&` are written as JSON unicode escapes (they only occur inside JSON strings), which parse
/// back to the same string.
pub fn json_in_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escape(r#"<b a="1">Tom & 'Jerry'</b>"#),
            "&lt;b a=&quot;1&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn json_in_a_script_element_cannot_close_it_and_parses_back() {
        let json =
            serde_json::json!({"text": "</script><script>alert(1)</script><!--"}).to_string();
        let safe = json_in_script(&json);
        assert!(!safe.contains('<'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["text"], "</script><script>alert(1)</script><!--");
    }

    #[test]
    fn xml_escaping_covers_markup_quotes_and_forbidden_controls() {
        assert_eq!(
            xml_escape(r#"<a href="x">'Tom' & Jerry</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&apos;Tom&apos; &amp; Jerry&lt;/a&gt;"
        );
        assert_eq!(xml_escape("a\u{1}b\tc"), "a\u{FFFD}b\tc");
    }
}
