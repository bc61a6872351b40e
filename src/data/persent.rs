//! PerSenT CSV: the author's sentiment toward the main person of a news article, read as one
//! document-level stance row per article.

use super::input::{self, skip};
use super::spans::find;
use super::{DataError, Loaded, StanceExample};
use crate::labels::{Stance, AUTHOR};
use std::path::Path;

const FORMAT: &str = "PerSenT";

/// Read a PerSenT file (`dev.csv`, `random_test.csv`, `fixed_test.csv`): one row per article
/// with holder `author`, target `TARGET_ENTITY` (span at its first verbatim occurrence in the
/// text, if any), text the whole `DOCUMENT` (paragraphs separated by newlines), doc and id
/// `<file stem>:<DOCUMENT_INDEX>`, and stance from `TRUE_SENTIMENT` (Positive -> favor,
/// Negative -> against, Neutral -> neutral). Paragraph labels are not read.
pub fn read(path: &Path) -> Result<Loaded<StanceExample>, DataError> {
    let (header, records) = input::csv_records(path, FORMAT)?;
    let [index_col, target_col, document_col, label_col] = input::columns(
        path,
        FORMAT,
        &header,
        [
            "DOCUMENT_INDEX",
            "TARGET_ENTITY",
            "DOCUMENT",
            "TRUE_SENTIMENT",
        ],
    )?;
    let stem = input::file_stem(path);
    let mut out = Loaded::default();
    for (line, fields) in records {
        let fields = match fields {
            Ok(fields) => fields,
            Err(reason) => {
                out.skipped.push(skip(path, line, reason));
                continue;
            }
        };
        let field = |i: usize| fields.get(i).map(|f| f.as_str());
        let (Some(index), Some(target), Some(document), Some(label)) = (
            field(index_col),
            field(target_col),
            field(document_col),
            field(label_col),
        ) else {
            out.skipped.push(skip(
                path,
                line,
                format!("expected {} fields, found {}", header.len(), fields.len()),
            ));
            continue;
        };
        let (index, target) = (index.trim(), target.trim());
        if index.is_empty() || target.is_empty() || document.trim().is_empty() {
            out.skipped.push(skip(
                path,
                line,
                "empty DOCUMENT_INDEX, TARGET_ENTITY or DOCUMENT field",
            ));
            continue;
        }
        let stance = match label.trim() {
            "Positive" => Stance::Favor,
            "Negative" => Stance::Against,
            "Neutral" => Stance::Neutral,
            other => {
                out.skipped.push(skip(
                    path,
                    line,
                    format!(
                        "unknown TRUE_SENTIMENT '{other}'; expected Positive, Negative, Neutral"
                    ),
                ));
                continue;
            }
        };
        let id = format!("{stem}:{index}");
        out.rows.push(StanceExample {
            doc: id.clone(),
            id,
            text: document.to_owned(),
            context: String::new(),
            holder: AUTHOR.to_owned(),
            holder_span: None,
            target: target.to_owned(),
            target_span: find(document, target),
            stance: Some(stance),
            sentiment: None,
            source: "persent".to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{fixture, shared_data, top_reasons};

    const HEAD: &str = "DOCUMENT_INDEX,TITLE,TARGET_ENTITY,DOCUMENT,MASKED_DOCUMENT,TRUE_SENTIMENT,Paragraph0,Paragraph1\r\n";

    #[test]
    fn documents_become_author_rows_and_bad_labels_are_skipped() {
        let text = format!(
            "{HEAD}{}{}{}",
            "7,T,Zoë Baird,\"Zoë Baird won.\nShe, said \"\"yes\"\".\",\"[TGT] won.\",Positive,Positive,\n",
            "8,T,Bob,\"Nothing here.\",\"x\",Mixed,,\n",
            "9,T,Ann,\"Ann lost.\"\n",
        );
        let (_dir, path) = fixture("dev.csv", text.as_bytes());
        let got = read(&path).unwrap();
        assert_eq!(got.rows.len(), 1);
        let row = &got.rows[0];
        assert_eq!(row.text, "Zoë Baird won.\nShe, said \"yes\".");
        assert_eq!(row.target_span, Some((0, 10)));
        assert_eq!(
            (row.stance, row.holder.as_str()),
            (Some(Stance::Favor), AUTHOR)
        );
        assert_eq!((row.id.as_str(), row.doc.as_str()), ("dev:7", "dev:7"));
        let skipped: Vec<_> = got
            .skipped
            .iter()
            .map(|s| (s.line, s.reason.as_str()))
            .collect();
        assert_eq!(skipped[0].0, 4);
        assert!(
            skipped[0].1.contains("unknown TRUE_SENTIMENT 'Mixed'"),
            "{skipped:?}"
        );
        assert!(
            skipped[1].1.contains("expected 8 fields, found 4"),
            "{skipped:?}"
        );
    }

    #[test]
    fn real_persent_files_have_the_documented_counts() {
        let Some(dir) = shared_data("persent") else {
            return;
        };
        // documents, Negative/Neutral/Positive
        for (rel, n, counts) in [
            ("dev.csv", 578, [58, 216, 304]),
            ("random_test.csv", 579, [73, 213, 293]),
            ("fixed_test.csv", 827, [139, 320, 368]),
        ] {
            let got = read(&dir.join(rel)).unwrap();
            let spans = got.rows.iter().filter(|r| r.target_span.is_some()).count();
            eprintln!(
                "{rel}: {} rows ({spans} with a target span), {} skipped {:?}",
                got.rows.len(),
                got.skipped.len(),
                top_reasons(&got.skipped)
            );
            assert_eq!(got.rows.len(), n, "{rel}");
            assert!(got.skipped.is_empty());
            let c = |s| got.rows.iter().filter(|r| r.stance == Some(s)).count();
            assert_eq!(
                [c(Stance::Against), c(Stance::Neutral), c(Stance::Favor)],
                counts,
                "{rel}"
            );
        }
    }
}
