//! HTML reduced to its readable text: page chrome dropped, blocks as line breaks, entities
//! decoded.
//!
//! Hand-written rather than a crate. `html2text` renders for a terminal (wraps lines, draws
//! link footnotes and emphasis markers) and keeps navigation, footers and forms; `scraper`
//! gives a full DOM, but both pull in html5ever and its dependency tree for what is, here, a
//! single linear pass: skip markup, skip the content of a few elements, turn block elements
//! into line breaks and decode character references. Output offsets count in the returned text,
//! not in the HTML.

/// Elements whose content is raw text up to their end tag (no markup inside), all dropped.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "textarea" | "title" | "xmp" | "noscript" | "noembed" | "noframes"
    )
}

/// Elements whose whole content is page chrome, not the story.
fn is_chrome(name: &str) -> bool {
    matches!(
        name,
        "head"
            | "nav"
            | "footer"
            | "form"
            | "aside"
            | "template"
            | "svg"
            | "math"
            | "button"
            | "select"
            | "iframe"
            | "object"
            | "canvas"
            | "audio"
            | "video"
            | "dialog"
            | "menu"
    )
}

/// Line breaks a block element puts around its content: 2 makes a paragraph (blank line).
fn block_breaks(name: &str) -> u8 {
    match name {
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "article" | "section"
        | "main" | "header" | "figure" | "table" | "ul" | "ol" | "dl" | "pre" | "hr"
        | "address" | "details" | "fieldset" | "body" => 2,
        "div" | "li" | "tr" | "dt" | "dd" | "figcaption" | "caption" | "summary" | "legend"
        | "center" | "option" => 1,
        _ => 0,
    }
}

/// Whether `text` looks like an HTML document or fragment rather than plain text.
pub fn is_html(text: &str) -> bool {
    let mut head_len = text.len().min(4096);
    while !text.is_char_boundary(head_len) {
        head_len -= 1;
    }
    let head = text[..head_len].trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let lower = head.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return true;
    }
    if lower.contains("<html") || lower.contains("<body") || lower.contains("<!doctype html") {
        return true;
    }
    lower.starts_with('<')
        && [
            "<head", "<meta", "<title", "<div", "<p>", "<p ", "<br", "<span", "<a ", "<h1", "<h2",
            "<article", "<section", "<ul", "<table", "<!--",
        ]
        .iter()
        .any(|tag| lower.contains(tag))
}

/// Reduces HTML to its text: the content of scripts, styles, the document head, navigation,
/// footers, forms and asides is dropped; block elements become line breaks (paragraphs and
/// headings a blank line, list items a line starting with "- "); whitespace is collapsed outside
/// `<pre>`; character references are decoded. Never fails: broken markup degrades to text.
pub fn html_to_text(html: &str) -> String {
    let mut out = Writer::default();
    // The chrome element being skipped and how deeply it nests in itself.
    let mut skipping: Option<(String, usize)> = None;
    let mut pre_depth = 0usize;
    let mut pos = 0;
    while pos < html.len() {
        let text_end = html[pos..].find('<').map_or(html.len(), |i| pos + i);
        if skipping.is_none() {
            out.text(&html[pos..text_end], pre_depth > 0);
        }
        pos = text_end;
        if pos >= html.len() {
            break;
        }
        let token = parse_markup(html, pos);
        match token {
            Markup::Literal => {
                if skipping.is_none() {
                    out.text("<", pre_depth > 0);
                }
                pos += 1;
            }
            Markup::Skip { end } => pos = end,
            Markup::Tag {
                name,
                closing,
                self_closing,
                end,
            } => {
                pos = end;
                // Raw text is never markup, even inside skipped chrome (a script in the head).
                if !closing && !self_closing && is_raw_text(&name) {
                    pos = raw_text_end(html, pos, &name);
                    continue;
                }
                if let Some((skipped, depth)) = &mut skipping {
                    if name == *skipped {
                        if closing {
                            *depth -= 1;
                        } else if !self_closing {
                            *depth += 1;
                        }
                        if *depth == 0 {
                            skipping = None;
                        }
                    } else if skipped == "head" && name == "body" && !closing {
                        // `</head>` is optional; the body starts the text.
                        skipping = None;
                    }
                    continue;
                }
                if !closing && !self_closing && is_chrome(&name) {
                    skipping = Some((name, 1));
                    continue;
                }
                if name == "pre" {
                    if closing {
                        pre_depth = pre_depth.saturating_sub(1);
                    } else {
                        pre_depth += 1;
                    }
                }
                match name.as_str() {
                    "br" => out.line_break(),
                    "li" if !closing => out.list_item(),
                    "td" | "th" => out.text(" ", false),
                    _ => out.block(block_breaks(&name)),
                }
            }
        }
    }
    out.finish()
}

enum Markup {
    /// A `<` that starts no markup ("a < b").
    Literal,
    /// A comment, doctype or processing instruction, ending at `end`.
    Skip { end: usize },
    Tag {
        /// Lowercased element name.
        name: String,
        closing: bool,
        self_closing: bool,
        end: usize,
    },
}

/// Longest quoted attribute value followed before giving up on the tag (inline data URIs can be
/// long; an unclosed quote must not make every later `<` rescan the document).
const MAX_QUOTED: usize = 1 << 20;

/// Parses the markup starting at `html[pos] == '<'`.
fn parse_markup(html: &str, pos: usize) -> Markup {
    let rest = &html[pos + 1..];
    if let Some(comment) = rest.strip_prefix("!--") {
        let end = comment.find("-->").map_or(html.len(), |i| pos + 4 + i + 3);
        return Markup::Skip { end };
    }
    if rest.starts_with(['!', '?']) {
        let end = rest.find('>').map_or(html.len(), |i| pos + 1 + i + 1);
        return Markup::Skip { end };
    }
    let (closing, name_start) = match rest.strip_prefix('/') {
        Some(_) => (true, pos + 2),
        None => (false, pos + 1),
    };
    let name_len = html[name_start..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
        .count();
    if name_len == 0 || !html.as_bytes()[name_start].is_ascii_alphabetic() {
        return Markup::Literal;
    }
    let name_end = name_start + name_len;
    let Some(end) = tag_end(html.as_bytes(), name_end) else {
        return Markup::Literal;
    };
    let self_closing = html[..end - 1].ends_with('/');
    Markup::Tag {
        name: html[name_start..name_end].to_ascii_lowercase(),
        closing,
        self_closing,
        end,
    }
}

/// Offset just past the `>` closing a tag whose attributes start at `from`, honouring quoted
/// attribute values. `None` when an unquoted `<` or the end of the text comes first.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<(u8, usize)> = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some((q, start)) => {
                if b == q {
                    quote = None;
                } else if i - start > MAX_QUOTED {
                    return None;
                }
            }
            None => match b {
                b'>' => return Some(i + 1),
                b'<' => return None,
                b'"' | b'\'' => quote = Some((b, i)),
                _ => {}
            },
        }
    }
    None
}

/// Offset just past the end tag `</name ...>` of a raw-text element, or the end of the text.
fn raw_text_end(html: &str, from: usize, name: &str) -> usize {
    let bytes = html.as_bytes();
    let mut search = from;
    while let Some(i) = html[search..].find("</") {
        let tag_start = search + i;
        let name_start = tag_start + 2;
        let name_end = name_start + name.len();
        let matches_name = bytes
            .get(name_start..name_end)
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes()));
        let terminated = matches!(
            bytes.get(name_end),
            None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
        );
        if matches_name && terminated {
            return html[name_end..]
                .find('>')
                .map_or(html.len(), |j| name_end + j + 1);
        }
        search = name_start;
    }
    html.len()
}

/// Builds the output text, collapsing whitespace and line breaks.
#[derive(Default)]
struct Writer {
    out: String,
    /// Whitespace seen since the last character written.
    space: bool,
    /// Line breaks owed before the next character (at most 2: a paragraph).
    breaks: u8,
    /// A list item started: "- " goes before its first character.
    marker: bool,
}

impl Writer {
    fn text(&mut self, text: &str, pre: bool) {
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            self.chars(&rest[..amp], pre);
            let (decoded, consumed) = decode_reference(&rest[amp..]);
            match decoded {
                Some(decoded) => self.chars(decoded.as_str(), pre),
                None => self.chars("&", pre),
            }
            rest = &rest[amp + consumed..];
        }
        self.chars(rest, pre);
    }

    fn chars(&mut self, text: &str, pre: bool) {
        for c in text.chars() {
            if pre {
                self.flush();
                self.out.push(c);
            } else if c.is_whitespace() {
                self.space = true;
            } else {
                self.flush();
                self.out.push(c);
            }
        }
    }

    fn flush(&mut self) {
        if self.out.is_empty() {
            self.breaks = 0;
        }
        if self.breaks > 0 {
            while self.out.ends_with(' ') {
                self.out.pop();
            }
            let have = self.out.len() - self.out.trim_end_matches('\n').len();
            for _ in have..usize::from(self.breaks) {
                self.out.push('\n');
            }
        } else if self.space && !self.out.is_empty() && !self.out.ends_with(['\n', ' ']) {
            self.out.push(' ');
        }
        if self.marker {
            self.out.push_str("- ");
        }
        self.breaks = 0;
        self.space = false;
        self.marker = false;
    }

    fn block(&mut self, breaks: u8) {
        self.breaks = self.breaks.max(breaks);
    }

    fn line_break(&mut self) {
        self.breaks = (self.breaks + 1).min(2);
    }

    fn list_item(&mut self) {
        self.block(1);
        self.marker = true;
    }

    fn finish(self) -> String {
        self.out
    }
}

/// Decodes the character reference at the start of `s` (which starts with `&`): the decoded text
/// and the bytes consumed, or `None` and 1 when it is a plain ampersand.
fn decode_reference(s: &str) -> (Option<String>, usize) {
    let body = &s[1..];
    if let Some(number) = body.strip_prefix('#') {
        let (digits, radix, skip) = match number.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16, 3),
            None => (number, 10, 2),
        };
        let len = digits
            .bytes()
            .take_while(|&b| (b as char).is_digit(radix))
            .count();
        if len == 0 {
            return (None, 1);
        }
        let value = u32::from_str_radix(&digits[..len.min(8)], radix).unwrap_or(u32::MAX);
        let consumed = skip + len + usize::from(digits[len..].starts_with(';'));
        return (Some(numeric_reference(value).to_string()), consumed);
    }
    let len = body
        .bytes()
        .take_while(u8::is_ascii_alphanumeric)
        .take(32)
        .count();
    let name = &body[..len];
    if body[len..].starts_with(';') {
        if let Some(decoded) = named_reference(name) {
            return (Some(decoded.to_string()), len + 2);
        }
    } else if matches!(name, "amp" | "lt" | "gt" | "quot" | "nbsp") {
        // Legacy references without the semicolon, as browsers accept them.
        return (named_reference(name).map(str::to_string), len + 1);
    }
    (None, 1)
}

/// The character for a numeric reference, with the HTML rules for invalid code points and the
/// Windows-1252 range that pages still use for quotes and dashes.
fn numeric_reference(value: u32) -> char {
    const WINDOWS_1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match value {
        0 => '\u{FFFD}',
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
    }
}

/// The common named references: markup, typography and Latin-1 letters. Rarer names stay as
/// written.
fn named_reference(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "thinsp" => "\u{2009}",
        "zwnj" => "\u{200c}",
        "zwj" => "\u{200d}",
        "lrm" => "\u{200e}",
        "rlm" => "\u{200f}",
        "shy" => "\u{ad}",
        "ndash" => "–",
        "mdash" => "—",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "lsaquo" => "‹",
        "rsaquo" => "›",
        "hellip" => "…",
        "bull" => "•",
        "middot" => "·",
        "prime" => "′",
        "Prime" => "″",
        "dagger" => "†",
        "Dagger" => "‡",
        "permil" => "‰",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "curren" => "¤",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "minus" => "−",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "sup1" => "¹",
        "sup2" => "²",
        "sup3" => "³",
        "micro" => "µ",
        "para" => "¶",
        "sect" => "§",
        "iexcl" => "¡",
        "iquest" => "¿",
        "ordf" => "ª",
        "ordm" => "º",
        "not" => "¬",
        "acute" => "´",
        "cedil" => "¸",
        "uml" => "¨",
        "macr" => "¯",
        "larr" => "←",
        "rarr" => "→",
        "uarr" => "↑",
        "darr" => "↓",
        "Agrave" => "À",
        "Aacute" => "Á",
        "Acirc" => "Â",
        "Atilde" => "Ã",
        "Auml" => "Ä",
        "Aring" => "Å",
        "AElig" => "Æ",
        "Ccedil" => "Ç",
        "Egrave" => "È",
        "Eacute" => "É",
        "Ecirc" => "Ê",
        "Euml" => "Ë",
        "Igrave" => "Ì",
        "Iacute" => "Í",
        "Icirc" => "Î",
        "Iuml" => "Ï",
        "ETH" => "Ð",
        "Ntilde" => "Ñ",
        "Ograve" => "Ò",
        "Oacute" => "Ó",
        "Ocirc" => "Ô",
        "Otilde" => "Õ",
        "Ouml" => "Ö",
        "Oslash" => "Ø",
        "Ugrave" => "Ù",
        "Uacute" => "Ú",
        "Ucirc" => "Û",
        "Uuml" => "Ü",
        "Yacute" => "Ý",
        "THORN" => "Þ",
        "szlig" => "ß",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "atilde" => "ã",
        "auml" => "ä",
        "aring" => "å",
        "aelig" => "æ",
        "ccedil" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "ecirc" => "ê",
        "euml" => "ë",
        "igrave" => "ì",
        "iacute" => "í",
        "icirc" => "î",
        "iuml" => "ï",
        "eth" => "ð",
        "ntilde" => "ñ",
        "ograve" => "ò",
        "oacute" => "ó",
        "ocirc" => "ô",
        "otilde" => "õ",
        "ouml" => "ö",
        "oslash" => "ø",
        "ugrave" => "ù",
        "uacute" => "ú",
        "ucirc" => "û",
        "uuml" => "ü",
        "yacute" => "ý",
        "thorn" => "þ",
        "yuml" => "ÿ",
        "OElig" => "Œ",
        "oelig" => "œ",
        "Scaron" => "Š",
        "scaron" => "š",
        "Yuml" => "Ÿ",
        "fnof" => "ƒ",
        "circ" => "ˆ",
        "tilde" => "˜",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_documents_and_fragments() {
        assert!(is_html(
            "<!DOCTYPE html>\n<html><body><p>Hi</p></body></html>"
        ));
        assert!(is_html("\u{feff}  <html lang=\"en\">"));
        assert!(is_html(
            "<div class=\"story\"><p>The talks collapsed.</p></div>"
        ));
        assert!(is_html(
            "<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"
        ));
        assert!(!is_html("The talks collapsed. Both sides left."));
        assert!(!is_html("If a < b and c > d, the vote <fails>."));
        assert!(!is_html(""));
    }

    #[test]
    fn article_page_keeps_story_and_drops_chrome() {
        let html = r#"<!DOCTYPE html>
<html><head><title>Talks collapse | Example News</title>
<style>p { color: red; }</style>
<script>var x = "<p>not text</p>"; if (a < b) {}</script></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li>World</li></ul></nav>
<article>
<h1>Talks collapse</h1>
<p>ISLAMABAD, Sept 20 (Reuters) -
   The talks   collapsed on <b>Tuesday</b>, officials said.</p>
<p>&ldquo;We will not back down,&rdquo; the minister said &amp; left.</p>
<ul><li>First point</li><li>Second&nbsp;point</li></ul>
<form><label>Name *</label><input name="n"><textarea>draft</textarea></form>
</article>
<aside>Related posts</aside>
<footer>&copy; 2024 Example News. All rights reserved.</footer>
</body></html>"#;
        assert_eq!(
            html_to_text(html),
            "Talks collapse\n\n\
             ISLAMABAD, Sept 20 (Reuters) - The talks collapsed on Tuesday, officials said.\n\n\
             “We will not back down,” the minister said & left.\n\n\
             - First point\n\
             - Second point"
        );
    }

    #[test]
    fn line_breaks_and_divs() {
        assert_eq!(
            html_to_text("<div>One</div><div>Two<br>Three<br><br>Four</div>"),
            "One\nTwo\nThree\n\nFour"
        );
    }

    #[test]
    fn entities_named_numeric_and_broken() {
        assert_eq!(
            html_to_text(
                "<p>Caf&eacute; &#8220;x&#x201D; &#146;s &amp &bogus; AT&T &#0; &#xZ;</p>"
            ),
            "Café “x” ’s & &bogus; AT&T \u{FFFD} &#xZ;"
        );
    }

    #[test]
    fn preformatted_text_keeps_its_whitespace() {
        assert_eq!(
            html_to_text("<p>Table:</p><pre>a   b\n  c</pre><p>End</p>"),
            "Table:\n\na   b\n  c\n\nEnd"
        );
    }

    #[test]
    fn comments_attributes_with_angle_brackets_and_literal_less_than() {
        assert_eq!(
            html_to_text(
                "<p title=\"a > b\" data-x='<p>'>Vote: 3 < 5 <!-- hidden <p>x</p> --> passed</p>"
            ),
            "Vote: 3 < 5 passed"
        );
    }

    #[test]
    fn unclosed_head_and_chrome_do_not_swallow_the_body() {
        assert_eq!(
            html_to_text("<html><head><meta charset=utf-8><body><p>Story text.</p>"),
            "Story text."
        );
        assert_eq!(html_to_text("<p>Before</p><nav>menu"), "Before");
        assert_eq!(
            html_to_text("<nav><nav>inner</nav>still nav</nav><p>Story</p>"),
            "Story"
        );
    }

    #[test]
    fn unclosed_script_and_comment_end_the_text() {
        assert_eq!(html_to_text("<p>Story</p><script>var a = 1;"), "Story");
        assert_eq!(
            html_to_text("<p>Story</p><!-- never closed <p>x</p>"),
            "Story"
        );
    }

    #[test]
    fn script_end_tag_is_case_insensitive() {
        assert_eq!(
            html_to_text("<SCRIPT>x = '</scrip>';</Script ><P>Story</P>"),
            "Story"
        );
    }

    #[test]
    fn many_unterminated_tags_stay_linear() {
        let html = "<a".repeat(2_000_000);
        let started = std::time::Instant::now();
        let text = html_to_text(&html);
        assert_eq!(text.len(), html.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
