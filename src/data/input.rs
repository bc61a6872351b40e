//! Reading dataset files in place: whole-file reads whose errors name the path, line splitting
//! with 1-based numbers, per-line decoding, and CSV records with their line numbers.

use super::{DataError, Skipped};
use std::path::Path;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, DataError> {
    std::fs::read(path).map_err(|e| DataError::io(path, e))
}

/// The path as it goes into `Skipped::file`: as given, so the user can open it.
pub(crate) fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// The last path component ("train.txt"), for ids and messages.
pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown(path))
}

/// The file name without its extension ("train"), for ids.
pub(crate) fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown(path))
}

pub(crate) fn skip(path: &Path, line: usize, reason: impl Into<String>) -> Skipped {
    Skipped {
        file: shown(path),
        line,
        reason: reason.into(),
    }
}

/// The lines of a file with 1-based numbers, without `\n` or `\r\n`. A final newline does not
/// start an extra line, and a leading UTF-8 byte-order mark is dropped.
pub(crate) fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let empty = bytes.is_empty();
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n')
        .filter(move |_| !empty)
        .enumerate()
        .map(|(i, line)| (i + 1, line.strip_suffix(b"\r").unwrap_or(line)))
}

/// A line as UTF-8, or the reason it is not.
pub(crate) fn utf8(line: &[u8]) -> Result<&str, String> {
    std::str::from_utf8(line).map_err(|e| {
        format!(
            "not valid UTF-8 (bad byte at column {})",
            e.valid_up_to() + 1
        )
    })
}

/// Decode Windows-1252, the encoding of legacy bytes in older tweet dumps. The five bytes
/// cp1252 leaves undefined map to the C1 controls of the same value, as in latin-1.
pub(crate) fn decode_cp1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}',
        '\u{8F}', '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}',
        '\u{2014}', '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}',
        '\u{178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// A line as UTF-8 when it is valid, else as Windows-1252.
pub(crate) fn utf8_or_cp1252(line: &[u8]) -> String {
    match std::str::from_utf8(line) {
        Ok(s) => s.to_owned(),
        Err(_) => decode_cp1252(line),
    }
}

/// One CSV record: its 1-based starting line and its fields, or why it was unreadable.
pub(crate) type CsvRecord = (usize, Result<Vec<String>, String>);

/// Read a CSV file with a header row (RFC-4180 quoting, fields may span lines). Returns the
/// header and every record; a record with non-UTF-8 bytes comes back as a reason to skip it.
pub(crate) fn csv_records(
    path: &Path,
    format: &'static str,
) -> Result<(Vec<String>, Vec<CsvRecord>), DataError> {
    let bytes = read_bytes(path)?;
    let bytes = bytes.strip_prefix(BOM).unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes);
    let header = reader
        .byte_headers()
        .map_err(|e| DataError::format(path, format, format!("unreadable header: {e}")))?;
    let header = header
        .iter()
        .map(|f| utf8(f).map(|s| s.trim().to_owned()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| DataError::format(path, format, format!("header is {e}")))?;
    let mut records = Vec::new();
    for record in reader.byte_records() {
        let record =
            record.map_err(|e| DataError::format(path, format, format!("unreadable CSV: {e}")))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let fields = record
            .iter()
            .map(|f| utf8(f).map(str::to_owned))
            .collect::<Result<Vec<_>, _>>();
        records.push((line, fields));
    }
    Ok((header, records))
}

/// The index of each wanted column in a CSV header, or a format error naming the missing ones.
pub(crate) fn columns<const N: usize>(
    path: &Path,
    format: &'static str,
    header: &[String],
    wanted: [&str; N],
) -> Result<[usize; N], DataError> {
    let mut found = [0; N];
    let mut missing = Vec::new();
    for (slot, name) in found.iter_mut().zip(wanted) {
        match header.iter().position(|h| h == name) {
            Some(i) => *slot = i,
            None => missing.push(name),
        }
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(DataError::format(
            path,
            format,
            format!(
                "the header lacks the column(s) {}; expected a header with {}",
                missing.join(", "),
                wanted.join(", ")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_numbered_from_one_without_line_endings() {
        let got: Vec<_> = lines(b"\xEF\xBB\xBFa\r\nb\n\nc\n").collect();
        assert_eq!(
            got,
            vec![
                (1, &b"a"[..]),
                (2, &b"b"[..]),
                (3, &b""[..]),
                (4, &b"c"[..])
            ]
        );
        assert_eq!(lines(b"").count(), 0);
        assert_eq!(lines(b"x").count(), 1);
        assert_eq!(lines(b"\n").count(), 1);
    }

    #[test]
    fn cp1252_bytes_decode_to_their_unicode_characters() {
        assert_eq!(
            decode_cp1252(b"\x93hi\x94 \x80 caf\xe9"),
            "\u{201C}hi\u{201D} \u{20AC} café"
        );
        assert_eq!(utf8_or_cp1252("café".as_bytes()), "café");
        assert_eq!(utf8_or_cp1252(b"caf\xe9"), "café");
    }
}
