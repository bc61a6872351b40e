//! Escaping for the self-contained HTML pages standpoint writes (the evaluation report, the
//! document view, the network page): text and attribute values, and JSON embedded in a
//! `<script type="application/json">` element.

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// JSON text made safe inside `<script type="application/json">`: a `</script>` (or any `</`)
/// in a string would end the element early, and `<!--` would open a comment, so `<` is
/// written as the JSON escape `\u003c`, which parses back to the same string.
pub fn json_in_script(json: &str) -> String {
    json.replace('<', "\\u003c")
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
}
