//! Entity-to-entity directed sentiment (ACL 2021) TSV: who blames or endorses whom in a news
//! sentence, read as holder -> target stance rows.
//!
//! A row is `sentence<TAB>entity1<TAB>entity2<TAB>label` with both entities marked `[like this]`
//! in the sentence. Labels: 0 neutral, 1 entity1 favors entity2, 2 entity2 favors entity1,
//! 3 entity1 is against entity2, 4 entity2 is against entity1.

use super::input::{self, skip};
use super::{DataError, Loaded, StanceExample};
use crate::labels::Stance;
use std::path::Path;

/// Read a directed-sentiment file: per line, the row holder = entity1 -> target = entity2
/// (`<file stem>:<line>:fwd`), and with `both_directions` also entity2 -> entity1 (`:rev`).
///
/// A direction the label does not speak about is neutral: label 2 ("entity2 favors entity1")
/// gives a neutral forward row and a favor reverse row.
///
/// The marks are removed from the text and the spans point into the cleaned text. Marks are
/// often cut short of their word (`[Los Angele]s`, `[Kasich’]s`); a mark that ends (or starts)
/// inside a word is widened to the whole word, and the holder and target names are the widened
/// mention ("Los Angeles"), not the truncated entity column. Lines whose entity has no exact
/// `[entity]` mark, or whose entity has no letter or digit at all (a misaligned mark such as
/// `[’]`), are skipped.
pub fn read(path: &Path, both_directions: bool) -> Result<Loaded<StanceExample>, DataError> {
    let bytes = input::read_bytes(path)?;
    let stem = input::file_stem(path);
    let mut out = Loaded::default();
    for (number, line) in input::lines(&bytes) {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let row = match input::utf8(line).and_then(parse) {
            Ok(row) => row,
            Err(reason) => {
                out.skipped.push(skip(path, number, reason));
                continue;
            }
        };
        let (fwd, rev) = match row.label {
            1 => (Stance::Favor, Stance::Neutral),
            2 => (Stance::Neutral, Stance::Favor),
            3 => (Stance::Against, Stance::Neutral),
            4 => (Stance::Neutral, Stance::Against),
            _ => (Stance::Neutral, Stance::Neutral),
        };
        out.rows
            .push(row.example(format!("{stem}:{number}:fwd"), row.e1, row.e2, fwd));
        if both_directions {
            out.rows
                .push(row.example(format!("{stem}:{number}:rev"), row.e2, row.e1, rev));
        }
    }
    Ok(out)
}

/// Whether a line has the shape of a directed-sentiment row (for format detection).
pub(crate) fn is_row(line: &str) -> bool {
    let fields: Vec<&str> = line.split('\t').collect();
    matches!(fields[..], [sentence, _, _, label]
        if sentence.contains('[') && sentence.contains(']') && parse_label(label).is_ok())
}

struct Row {
    text: String,
    e1: (usize, usize),
    e2: (usize, usize),
    label: u8,
}

impl Row {
    fn example(
        &self,
        id: String,
        holder: (usize, usize),
        target: (usize, usize),
        stance: Stance,
    ) -> StanceExample {
        StanceExample {
            id,
            doc: String::new(),
            text: self.text.clone(),
            context: String::new(),
            holder: self.text[holder.0..holder.1].to_owned(),
            holder_span: Some(holder),
            target: self.text[target.0..target.1].to_owned(),
            target_span: Some(target),
            stance: Some(stance),
            sentiment: None,
            source: "directed".to_owned(),
        }
    }
}

fn parse_label(label: &str) -> Result<u8, String> {
    match label.trim() {
        "0" => Ok(0),
        "1" => Ok(1),
        "2" => Ok(2),
        "3" => Ok(3),
        "4" => Ok(4),
        other => Err(format!("unknown label '{other}'; expected 0, 1, 2, 3, 4")),
    }
}

fn parse(line: &str) -> Result<Row, String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [sentence, e1, e2, label] = fields[..] else {
        return Err(format!(
            "expected 4 tab-separated fields (sentence, entity1, entity2, label), found {}",
            fields.len()
        ));
    };
    let label = parse_label(label)?;
    for (name, entity) in [("entity1", e1), ("entity2", e2)] {
        if !entity.chars().any(char::is_alphanumeric) {
            return Err(format!(
                "{name} '{entity}' has no letter or digit; its mark is misaligned"
            ));
        }
    }
    let m1 = find_mark(sentence, e1, None)
        .ok_or_else(|| format!("no exact mark '[{e1}]' for entity1 in the sentence"))?;
    let m2 = find_mark(sentence, e2, Some(m1))
        .ok_or_else(|| format!("no exact mark '[{e2}]' for entity2 in the sentence"))?;
    let (text, [s1, s2]) = unmark(sentence, [m1, m2]);
    Ok(Row {
        e1: widen_to_word(&text, s1),
        e2: widen_to_word(&text, s2),
        text,
        label,
    })
}

/// The byte range of the first `[entity]` in `sentence` (brackets included) that does not
/// overlap `avoid`, so the same name marked twice yields two marks.
fn find_mark(
    sentence: &str,
    entity: &str,
    avoid: Option<(usize, usize)>,
) -> Option<(usize, usize)> {
    let mark = format!("[{entity}]");
    sentence
        .match_indices(&mark)
        .map(|(i, m)| (i, i + m.len()))
        .find(|&(a, b)| avoid.is_none_or(|(c, d)| b <= c || d <= a))
}

/// Remove the brackets of two non-overlapping marks; return the text and the marked spans in it.
fn unmark(sentence: &str, marks: [(usize, usize); 2]) -> (String, [(usize, usize); 2]) {
    let mut removed: Vec<usize> = marks.iter().flat_map(|&(a, b)| [a, b - 1]).collect();
    removed.sort_unstable();
    let mut text = String::with_capacity(sentence.len());
    let mut last = 0;
    for &r in &removed {
        text.push_str(&sentence[last..r]);
        last = r + 1; // '[' and ']' are one byte each
    }
    text.push_str(&sentence[last..]);
    let shift = |p: usize| p - removed.iter().filter(|&&r| r < p).count();
    let span = |(a, b): (usize, usize)| (shift(a + 1), shift(b - 1));
    (text, [span(marks[0]), span(marks[1])])
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_apostrophe(c)
}

/// Widen a span whose edge falls inside a word to the whole word: letters and digits, and
/// apostrophes between them ("O’Neill"), so a possessive after a whole word is left out.
fn widen_to_word(text: &str, (start, end): (usize, usize)) -> (usize, usize) {
    let inner = &text[start..end];
    let mut new_end = end;
    let cut_at_end = inner.chars().next_back().is_some_and(is_word_char)
        && text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
    if cut_at_end {
        let mut rest = text[end..].char_indices().peekable();
        while let Some((i, c)) = rest.next() {
            let internal =
                is_apostrophe(c) && rest.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
            if !(c.is_alphanumeric() || internal) {
                break;
            }
            new_end = end + i + c.len_utf8();
        }
    }
    let mut new_start = start;
    let cut_at_start = inner.chars().next().is_some_and(char::is_alphanumeric)
        && text[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
    if cut_at_start {
        let mut before = text[..start].char_indices().rev().peekable();
        while let Some((i, c)) = before.next() {
            let internal =
                is_apostrophe(c) && before.peek().is_some_and(|&(_, p)| p.is_alphanumeric());
            if !(c.is_alphanumeric() || internal) {
                break;
            }
            new_start = i;
        }
    }
    (new_start, new_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{fixture, shared_data, top_reasons};

    fn mention(row: &StanceExample, span: Option<(usize, usize)>) -> &str {
        let (s, e) = span.unwrap();
        &row.text[s..e]
    }

    #[test]
    fn marks_cut_short_of_their_word_are_widened() {
        let line =
            "A [Los Angele]s anchor cited [the United State]s.\tLos Angele\tthe United State\t0\n";
        let (_dir, path) = fixture("train.txt", line.as_bytes());
        let got = read(&path, false).unwrap();
        let row = &got.rows[0];
        assert_eq!(row.text, "A Los Angeles anchor cited the United States.");
        assert_eq!(mention(row, row.holder_span), "Los Angeles");
        assert_eq!(mention(row, row.target_span), "the United States");
        assert_eq!(
            (row.holder.as_str(), row.target.as_str()),
            ("Los Angeles", "the United States")
        );
        assert_eq!(row.id, "train:1:fwd");
    }

    #[test]
    fn apostrophes_inside_marks_widen_but_possessives_after_whole_words_do_not() {
        let text = "[Trump]'s aide met [Kasich’]s staff and [O]’Neill.";
        assert_eq!(widen_to_word("Kasich’s staff", (0, 9)), (0, 10));
        assert_eq!(widen_to_word("Trump's aide", (0, 5)), (0, 5));
        assert_eq!(widen_to_word("O’Neill", (0, 1)), (0, 1));
        assert_eq!(widen_to_word("top secret files", (5, 10)), (4, 10));
        let line = format!("{text}\tTrump\tKasich’\t3\n");
        let (_dir, path) = fixture("t.txt", line.as_bytes());
        let row = &read(&path, false).unwrap().rows[0];
        assert_eq!(mention(row, row.holder_span), "Trump");
        assert_eq!(mention(row, row.target_span), "Kasich’s");
    }

    #[test]
    fn labels_map_to_both_directions() {
        let mut text = String::new();
        for label in 0..5 {
            text.push_str(&format!(
                "[Müller] spoke of [Erdoğan] today.\tMüller\tErdoğan\t{label}\n"
            ));
        }
        let (_dir, path) = fixture("valid.txt", text.as_bytes());
        let got = read(&path, true).unwrap();
        assert_eq!(got.rows.len(), 10);
        let pairs: Vec<_> = got
            .rows
            .chunks(2)
            .map(|p| (p[0].stance.unwrap(), p[1].stance.unwrap()))
            .collect();
        use Stance::*;
        assert_eq!(
            pairs,
            [
                (Neutral, Neutral),
                (Favor, Neutral),
                (Neutral, Favor),
                (Against, Neutral),
                (Neutral, Against)
            ]
        );
        let (fwd, rev) = (&got.rows[2], &got.rows[3]);
        assert_eq!(
            (fwd.holder.as_str(), fwd.target.as_str()),
            ("Müller", "Erdoğan")
        );
        assert_eq!(
            (rev.holder.as_str(), rev.target.as_str()),
            ("Erdoğan", "Müller")
        );
        assert_eq!(rev.holder_span, fwd.target_span);
        assert_eq!(mention(fwd, fwd.target_span), "Erdoğan");
        assert_eq!(fwd.text, "Müller spoke of Erdoğan today.");
        assert_eq!(rev.id, "valid:2:rev");
        assert_eq!(read(&path, false).unwrap().rows.len(), 5);
    }

    #[test]
    fn the_same_name_marked_twice_gives_two_spans() {
        let (_dir, path) = fixture(
            "t.txt",
            "[Smith] sued [Smith].\tSmith\tSmith\t4\n".as_bytes(),
        );
        let row = &read(&path, false).unwrap().rows[0];
        assert_eq!(row.holder_span, Some((0, 5)));
        assert_eq!(row.target_span, Some((11, 16)));
    }

    #[test]
    fn malformed_lines_are_skipped_with_reasons() {
        let text = concat!(
            "[A] met [B].\tA\tB\t1\n",
            "[A] met B.\tA\tB\t1\n",
            "[A] met [B].\tA\tB\n",
            "[A] met [B].\tA\tB\t7\n",
            "[A] met [’]s.\tA\t’\t0\n",
            "[A] met [B].\tA\tB\t3\n",
        );
        let (_dir, path) = fixture("t.txt", text.as_bytes());
        let got = read(&path, true).unwrap();
        assert_eq!(got.rows.len(), 4);
        let reasons: Vec<_> = got
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(
            reasons[0],
            (2, "no exact mark '[B]' for entity2 in the sentence")
        );
        assert!(reasons[1].1.contains("found 3"), "{reasons:?}");
        assert!(reasons[2].1.contains("unknown label '7'"), "{reasons:?}");
        assert!(reasons[3].1.contains("no letter or digit"), "{reasons:?}");
        assert_eq!(got.skipped[0].file, path.display().to_string());
    }

    #[test]
    fn real_directed_files_yield_one_row_per_direction_per_kept_line() {
        // Label counts from SOURCE.md less the skipped lines (checked with a Python count):
        // forward favor (1), forward against (3), reverse favor (2), reverse against (4).
        let files = [
            ("train.txt", 13144, 34 + 159, [1337, 2560, 265, 383]),
            ("valid.txt", 1461, 4 + 13, [149, 285, 29, 43]),
        ];
        let Some(dir) = shared_data("directed_sentiment") else {
            return;
        };
        for (rel, lines, skips, labels) in files {
            let got = read(&dir.join("dataset").join(rel), true).unwrap();
            eprintln!(
                "{rel}: {} rows, {} skipped {:?}",
                got.rows.len(),
                got.skipped.len(),
                top_reasons(&got.skipped)
            );
            assert_eq!(got.skipped.len(), skips, "{rel}");
            assert_eq!(got.rows.len(), 2 * (lines - skips), "{rel}");
            let count = |dir: &str, stance| {
                got.rows
                    .iter()
                    .filter(|r| r.id.ends_with(dir) && r.stance == Some(stance))
                    .count()
            };
            let observed = [
                count(":fwd", Stance::Favor),
                count(":fwd", Stance::Against),
                count(":rev", Stance::Favor),
                count(":rev", Stance::Against),
            ];
            assert_eq!(observed, labels, "{rel}");
            for row in &got.rows {
                let ((hs, he), (ts, te)) = (row.holder_span.unwrap(), row.target_span.unwrap());
                assert!(he <= ts || te <= hs, "{}: widened spans overlap", row.id);
                for (name, span) in [
                    (&row.holder, row.holder_span),
                    (&row.target, row.target_span),
                ] {
                    let (s, e) = span.unwrap();
                    assert_eq!(row.text.get(s..e), Some(name.as_str()), "{}", row.id);
                }
            }
        }
    }
}
