//! Byte spans in example text: converting code-point offsets (Python's, as datasets store them)
//! and finding mentions. Every span returned lies on char boundaries.

/// The byte offset of every char of a text, plus its length: maps code-point offsets to bytes.
pub(crate) struct CharOffsets(Vec<usize>);

impl CharOffsets {
    pub(crate) fn new(text: &str) -> Self {
        let mut offsets: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        offsets.push(text.len());
        CharOffsets(offsets)
    }

    /// The byte offset of code point `index`; `index` may equal the char count (end of text).
    pub(crate) fn byte(&self, index: usize) -> Option<usize> {
        self.0.get(index).copied()
    }

    /// The number of chars in the text.
    pub(crate) fn chars(&self) -> usize {
        self.0.len() - 1
    }
}

/// The first exact occurrence of `needle` in `hay`.
pub(crate) fn find(hay: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    hay.find(needle).map(|start| (start, start + needle.len()))
}

/// The first occurrence of `needle` in `hay` ignoring ASCII case (non-ASCII chars must match
/// exactly), so byte lengths are the same on both sides and the span is `hay`'s own.
pub(crate) fn find_ignore_ascii_case(hay: &str, needle: &str) -> Option<(usize, usize)> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if n.is_empty() || n.len() > h.len() {
        return None;
    }
    // A match starting on a char boundary ends on one: the matched bytes differ from the
    // (valid UTF-8) needle only in ASCII letters.
    (0..=h.len() - n.len())
        .find(|&i| hay.is_char_boundary(i) && h[i..i + n.len()].eq_ignore_ascii_case(n))
        .map(|i| (i, i + n.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_offsets_map_code_points_to_bytes() {
        let text = "Müller’s café";
        let offsets = CharOffsets::new(text);
        assert_eq!(offsets.chars(), 13);
        let (from, to) = (offsets.byte(9).unwrap(), offsets.byte(13).unwrap());
        assert_eq!(&text[from..to], "café");
        assert_eq!(offsets.byte(14), None);
    }

    #[test]
    fn ascii_case_insensitive_find_keeps_byte_spans() {
        let text = "Ünïcode then HILLARY clinton!";
        let (s, e) = find_ignore_ascii_case(text, "Hillary Clinton").unwrap();
        assert_eq!(&text[s..e], "HILLARY clinton");
        assert_eq!(find_ignore_ascii_case(text, "ünïcode"), None);
        assert_eq!(find_ignore_ascii_case("ab", "abc"), None);
        assert_eq!(find("abc", ""), None);
    }
}
