//! Input bytes to text: UTF-8 decoding with errors that name the input and the bad byte,
//! binary and empty input rejected, and HTML reduced to its readable text.

mod html;

pub use html::{html_to_text, is_html};

const BOM: &[u8] = b"\xEF\xBB\xBF";
/// How much of the input the binary check looks at.
const SNIFF_LEN: usize = 8 * 1024;
/// More control characters than this share of the sniffed bytes means binary (in percent).
const MAX_CONTROL_PERCENT: usize = 10;

/// Why input bytes are not usable text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    // No `#[source]`: `Utf8Error` counts from after the byte-order mark, so its message would
    // contradict `offset`, which counts from the start of the input.
    #[error(
        "{name} is not valid UTF-8: byte 0x{byte:02x} at byte offset {offset} is not part of a \
         UTF-8 character; convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`) or pass \
         --lossy to replace invalid bytes with U+FFFD"
    )]
    InvalidUtf8 {
        name: String,
        /// Offset of the first invalid byte from the start of the input (byte-order mark included).
        offset: usize,
        byte: u8,
    },
    #[error("{name} looks binary ({reason}); standpoint reads UTF-8 text or HTML")]
    Binary { name: String, reason: String },
    #[error("{name} is empty: it has no text to analyse")]
    Empty { name: String },
}

/// Decodes input bytes as UTF-8 text.
///
/// `name` names the input in errors (a path, `<stdin>`, `row 12 of news.csv`). A leading UTF-8
/// byte-order mark becomes three spaces, so that byte offsets into the text (sentences, actors,
/// quotes) are byte offsets into the input as given. Input that looks binary (a NUL byte
/// anywhere, a UTF-16 byte-order mark, or more than 10% control characters in the first 8 KiB)
/// and input with no non-whitespace character are errors. Invalid UTF-8 is an error naming the
/// offset of the first bad byte unless `lossy`, which replaces each invalid sequence with U+FFFD
/// (3 bytes, so offsets after one no longer match the input).
pub fn decode(bytes: &[u8], name: &str, lossy: bool) -> Result<String, TextError> {
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &bytes[bom..];
    if let Some(reason) = binary_reason(body, bom) {
        return Err(TextError::Binary {
            name: name.to_string(),
            reason,
        });
    }
    let mut text = " ".repeat(bom);
    match std::str::from_utf8(body) {
        Ok(body) => text.push_str(body),
        Err(_) if lossy => text.push_str(&String::from_utf8_lossy(body)),
        Err(error) => {
            let offset = bom + error.valid_up_to();
            return Err(TextError::InvalidUtf8 {
                name: name.to_string(),
                offset,
                byte: bytes[offset],
            });
        }
    }
    if text.trim().is_empty() {
        return Err(TextError::Empty {
            name: name.to_string(),
        });
    }
    Ok(text)
}

/// Checks text that arrived already decoded (a JSONL string, a CSV field) by the rule `decode`
/// applies to bytes: a NUL character makes it binary, wherever it is.
pub fn check_text(text: &str, name: &str) -> Result<(), TextError> {
    match memchr::memchr(0, text.as_bytes()) {
        Some(offset) => Err(TextError::Binary {
            name: name.to_string(),
            reason: format!("a NUL character at byte offset {offset} of its text"),
        }),
        None => Ok(()),
    }
}

/// Why `bytes` (the input after a byte-order mark of `skipped` bytes) looks binary, if it does.
/// A NUL byte anywhere counts, not only in the sniffed start: text never holds one, and one
/// past the first 8 KiB used to end up inside a sentence.
fn binary_reason(bytes: &[u8], skipped: usize) -> Option<String> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Some(
            "it starts with a UTF-16 byte-order mark; convert it to UTF-8, e.g. with \
             `iconv -f utf-16 -t utf-8`"
                .to_string(),
        );
    }
    if let Some(offset) = memchr::memchr(0, bytes) {
        return Some(format!("a NUL byte at byte offset {}", skipped + offset));
    }
    let sniff = &bytes[..bytes.len().min(SNIFF_LEN)];
    let control = sniff
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F)
        .count();
    (control * 100 > sniff.len() * MAX_CONTROL_PERCENT).then(|| {
        format!(
            "{control} of its first {} bytes are control characters",
            sniff.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_is_returned_unchanged() {
        let text = "Zoë said: “We will win.” 🎉\n";
        assert_eq!(decode(text.as_bytes(), "a.txt", false).unwrap(), text);
    }

    #[test]
    fn a_byte_order_mark_becomes_spaces_so_offsets_index_the_input() {
        let bytes = b"\xEF\xBB\xBFThe talks collapsed.";
        let text = decode(bytes, "a.txt", false).unwrap();
        assert_eq!(text, "   The talks collapsed.");
        assert_eq!(text.len(), bytes.len());
    }

    #[test]
    fn a_nul_byte_after_the_first_8_kib_is_binary_too() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend("The talks collapsed. ".repeat(1000).as_bytes());
        let offset = bytes.len();
        bytes.extend(b"\0 and went on.");
        let error = decode(&bytes, "late-nul.txt", false).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "late-nul.txt looks binary (a NUL byte at byte offset {offset}); standpoint \
                 reads UTF-8 text or HTML"
            )
        );
        let error = check_text("ok\0", "feed.jsonl:3").unwrap_err();
        assert_eq!(
            error.to_string(),
            "feed.jsonl:3 looks binary (a NUL character at byte offset 2 of its text); \
             standpoint reads UTF-8 text or HTML"
        );
    }

    #[test]
    fn invalid_utf8_names_input_offset_and_lossy_flag() {
        // "Caf\xe9" is Latin-1; the BOM counts towards the reported offset.
        let bytes = b"\xEF\xBB\xBFThe Caf\xe9 closed.";
        let error = decode(bytes, "news/latin1.txt", false).unwrap_err();
        assert_eq!(
            error,
            TextError::InvalidUtf8 {
                name: "news/latin1.txt".into(),
                offset: 10,
                byte: 0xE9
            }
        );
        let message = error.to_string();
        assert!(
            message.starts_with("news/latin1.txt is not valid UTF-8"),
            "{message}"
        );
        assert!(message.contains("byte offset 10"), "{message}");
        assert!(message.contains("--lossy"), "{message}");
    }

    #[test]
    fn truncated_multibyte_character_at_the_end_is_reported() {
        let bytes = "Zoë".as_bytes();
        let error = decode(&bytes[..bytes.len() - 1], "cut.txt", false).unwrap_err();
        assert!(matches!(
            error,
            TextError::InvalidUtf8 {
                offset: 2,
                byte: 0xC3,
                ..
            }
        ));
    }

    #[test]
    fn lossy_replaces_invalid_bytes() {
        let text = decode(b"The Caf\xe9 closed.", "a.txt", true).unwrap();
        assert_eq!(text, "The Caf\u{FFFD} closed.");
    }

    #[test]
    fn nul_bytes_look_binary() {
        let error = decode(b"PK\x03\x04\x00\x00binary", "archive.zip", false).unwrap_err();
        assert!(matches!(&error, TextError::Binary { name, .. } if name == "archive.zip"));
        assert!(
            error.to_string().contains("archive.zip looks binary"),
            "{error}"
        );
        // Lossy decoding does not make binary input text.
        assert!(matches!(
            decode(b"\x00\x01\x02", "x.bin", true),
            Err(TextError::Binary { .. })
        ));
    }

    #[test]
    fn many_control_characters_look_binary() {
        let mut bytes = b"header".to_vec();
        bytes.extend(std::iter::repeat_n([0x01u8, 0x02, b'a', b'b'], 100).flatten());
        let error = decode(&bytes, "blob.dat", false).unwrap_err();
        assert!(error.to_string().contains("control characters"), "{error}");
    }

    #[test]
    fn the_control_character_count_only_reads_the_first_8_kib() {
        let mut bytes = "The talks collapsed. ".repeat(500).into_bytes();
        bytes.extend([0x01u8; 2000]);
        assert!(decode(&bytes, "late-controls.txt", false).is_ok());
    }

    #[test]
    fn tabs_form_feeds_and_crlf_are_text() {
        assert!(decode(b"a\tb\r\nc\x0cd", "a.txt", false).is_ok());
    }

    #[test]
    fn utf16_is_named_as_such() {
        let error = decode(b"\xFF\xFEH\x00i\x00", "wide.txt", false).unwrap_err();
        assert!(error.to_string().contains("UTF-16"), "{error}");
    }

    #[test]
    fn empty_and_whitespace_only_input_is_empty() {
        for bytes in [
            &b""[..],
            b"   \n\t\r\n",
            b"\xEF\xBB\xBF",
            "\u{a0}\u{2003}\n".as_bytes(),
        ] {
            let error = decode(bytes, "blank.txt", false).unwrap_err();
            assert_eq!(
                error,
                TextError::Empty {
                    name: "blank.txt".into()
                }
            );
            assert_eq!(
                error.to_string(),
                "blank.txt is empty: it has no text to analyse"
            );
        }
    }
}
