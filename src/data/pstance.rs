//! P-Stance (ACL Findings 2021) CSV: political tweets' stance toward Donald Trump, Joe Biden or
//! Bernie Sanders, in files `raw_<split>_<target>.csv` with the header `Tweet,Target,Stance`.

use super::input::{self, skip};
use super::spans::find_ignore_ascii_case;
use super::{DataError, Loaded, StanceExample};
use crate::labels::{Stance, AUTHOR};
use std::path::{Path, PathBuf};

const FORMAT: &str = "P-Stance";

/// The target keys in file names.
pub const TARGETS: [&str; 3] = ["trump", "biden", "bernie"];

/// The splits in file names.
pub const SPLITS: [&str; 3] = ["train", "val", "test"];

/// Read one split: from a folder, the three files `raw_<split>_{trump,biden,bernie}.csv`; from
/// a file, that file (whose name, when it is `raw_<split>_<target>.csv`, must name `split`).
///
/// Holder `author`; target the Target column (span set when it occurs in the tweet, ignoring
/// ASCII case); FAVOR/AGAINST as favor/against (NONE, absent from the release, as neutral).
pub fn read(path: &Path, split: &str) -> Result<Loaded<StanceExample>, DataError> {
    if !SPLITS.contains(&split) {
        return Err(DataError::Unknown {
            what: "P-Stance split",
            value: split.to_owned(),
            expected: SPLITS.join(", "),
        });
    }
    let files: Vec<PathBuf> = if path.is_dir() {
        TARGETS
            .iter()
            .map(|t| path.join(format!("raw_{split}_{t}.csv")))
            .collect()
    } else {
        if let Some(named) = split_of(path) {
            if named != split {
                return Err(DataError::format(
                    path,
                    FORMAT,
                    format!("its name says it is the {named} split, not {split}; pass split \"{named}\""),
                ));
            }
        }
        vec![path.to_path_buf()]
    };
    let mut out = Loaded::default();
    for file in files {
        if !file.is_file() {
            return Err(DataError::Missing {
                path: file,
                hint: format!(
                    "a P-Stance folder holds raw_{split}_<target>.csv for each of {}",
                    TARGETS.join(", ")
                ),
            });
        }
        out.append(read_file(&file)?);
    }
    Ok(out)
}

/// Whether a folder holds P-Stance files (for format detection).
pub(crate) fn is_pstance_dir(dir: &Path) -> bool {
    SPLITS.iter().any(|s| {
        TARGETS
            .iter()
            .any(|t| dir.join(format!("raw_{s}_{t}.csv")).is_file())
    })
}

/// The split a `raw_<split>_<target>.csv` file name names, if it has that shape.
fn split_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("raw_")?.strip_suffix(".csv")?;
    let (split, _target) = rest.split_once('_')?;
    SPLITS.iter().copied().find(|s| *s == split)
}

fn read_file(path: &Path) -> Result<Loaded<StanceExample>, DataError> {
    let (header, records) = input::csv_records(path, FORMAT)?;
    let [tweet_col, target_col, stance_col] =
        input::columns(path, FORMAT, &header, ["Tweet", "Target", "Stance"])?;
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
        let field = |i: usize| fields.get(i).map(String::as_str);
        let (Some(tweet), Some(target), Some(stance)) =
            (field(tweet_col), field(target_col), field(stance_col))
        else {
            out.skipped.push(skip(
                path,
                line,
                format!("expected {} fields, found {}", header.len(), fields.len()),
            ));
            continue;
        };
        let target = target.trim();
        if tweet.trim().is_empty() || target.is_empty() {
            out.skipped
                .push(skip(path, line, "empty Tweet or Target field"));
            continue;
        }
        let stance = match stance.trim() {
            "FAVOR" => Stance::Favor,
            "AGAINST" => Stance::Against,
            "NONE" => Stance::Neutral,
            other => {
                out.skipped.push(skip(
                    path,
                    line,
                    format!("unknown stance '{other}'; expected FAVOR, AGAINST, NONE"),
                ));
                continue;
            }
        };
        out.rows.push(StanceExample {
            id: format!("{stem}:{line}"),
            doc: String::new(),
            text: tweet.to_owned(),
            context: String::new(),
            holder: AUTHOR.to_owned(),
            holder_span: None,
            target: target.to_owned(),
            target_span: find_ignore_ascii_case(tweet, target),
            stance: Some(stance),
            sentiment: None,
            source: "pstance".to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::test_support::{fixture, shared_data, top_reasons};

    #[test]
    fn quoted_multiline_tweets_and_bad_rows() {
        let text = concat!(
            "Tweet,Target,Stance\n",
            "\"Vote for Joe Biden, \"\"now\"\"\nplease\",Joe Biden,FAVOR\n",
            "Trump again,Donald Trump,AGAINST\n",
            "no stance,Donald Trump\n",
            "meh,Donald Trump,MAYBE\n",
        );
        let (_dir, path) = fixture("raw_val_mixed.csv", text.as_bytes());
        let got = read(&path, "val").unwrap();
        assert_eq!(got.rows.len(), 2);
        let biden = &got.rows[0];
        assert_eq!(biden.text, "Vote for Joe Biden, \"now\"\nplease");
        assert_eq!(
            (biden.stance, biden.target.as_str()),
            (Some(Stance::Favor), "Joe Biden")
        );
        assert_eq!(biden.target_span, Some((9, 18)));
        assert_eq!(biden.id, "raw_val_mixed:2");
        assert_eq!(got.rows[1].id, "raw_val_mixed:4");
        let lines: Vec<_> = got.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [5, 6]);
        assert!(got.skipped[1].reason.contains("unknown stance 'MAYBE'"));

        let err = read(&path, "test").unwrap_err().to_string();
        assert!(err.contains("val split, not test"), "{err}");
        let (_dir, path) = fixture("x.csv", b"text,label\n");
        let err = read(&path, "val").unwrap_err().to_string();
        assert!(
            err.contains("lacks the column(s) Tweet, Target, Stance"),
            "{err}"
        );
    }

    #[test]
    fn real_pstance_splits_have_the_documented_counts() {
        let Some(dir) = shared_data("pstance") else {
            return;
        };
        // AGAINST/FAVOR for trump, biden, bernie
        let table = [
            ("train", [[3425, 2937], [3254, 2552], [2198, 2858]]),
            ("val", [[440, 374], [417, 328], [284, 350]]),
            ("test", [[425, 352], [408, 337], [292, 343]]),
        ];
        for (split, counts) in table {
            let all = read(&dir, split).unwrap();
            eprintln!(
                "{split}: {} rows, {} skipped {:?}",
                all.rows.len(),
                all.skipped.len(),
                top_reasons(&all.skipped)
            );
            assert!(all.skipped.is_empty());
            let total: usize = counts.iter().flatten().sum();
            assert_eq!(all.rows.len(), total, "{split}");
            for (target, [against, favor]) in TARGETS.iter().zip(counts) {
                let one = read(&dir.join(format!("raw_{split}_{target}.csv")), split).unwrap();
                let c = |s| one.rows.iter().filter(|r| r.stance == Some(s)).count();
                assert_eq!(
                    [c(Stance::Against), c(Stance::Favor)],
                    [against, favor],
                    "{split} {target}"
                );
            }
        }
    }
}
