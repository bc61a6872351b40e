//! `standpoint eval`: the shipped models on the standard test splits, or any data through the
//! evaluation harness, with reports.

use super::*;

pub(super) fn parse_task(s: &str) -> Result<Task> {
    s.parse::<Task>().map_err(Error::Invalid)
}

/// Score one shipped model on its standard test sets.
pub fn evaluate_task(
    task: Task,
    dir: &Path,
    base: Option<&Path>,
    roots: &DataRoots,
) -> Result<serde_json::Value> {
    let mut out = serde_json::Map::new();
    match task {
        Task::Stance => {
            let m = StanceClassifier::load(dir, base)?;
            for set in mix::stance_test_sets(roots)? {
                note!("scoring stance on {} ({} rows)", set.name, set.rows.len());
                out.insert(set.name.clone(), score_stance(&m, &set.rows)?);
            }
        }
        Task::Sentiment => {
            let m = SentimentClassifier::load(dir, base)?;
            for set in mix::sentiment_test_sets(roots)? {
                note!(
                    "scoring sentiment on {} ({} rows)",
                    set.name,
                    set.rows.len()
                );
                out.insert(set.name.clone(), score_sentiment(&m, &set.rows)?);
            }
        }
        Task::Ner => {
            let m = NerTagger::load(dir, base)?;
            for set in mix::ner_test_sets(roots)? {
                note!("scoring ner on {} ({} sentences)", set.name, set.rows.len());
                out.insert(set.name.clone(), score_ner(&m, &set.rows)?);
            }
        }
        Task::Attribution => {
            let m = crate::model::attribution::AttributionTagger::load(dir, base)?;
            let dev = roots.shared.join("polnear/dev");
            note!(
                "scoring the attribution tagger's spans on {}",
                dev.display()
            );
            out.insert(
                "polnear_dev".into(),
                crate::eval::attribution::score_tagger_spans(&m, &dev)?,
            );
        }
        Task::JointAttribution => {
            return Err(Error::Invalid(
                "the joint-attribution head is scored through the pipeline: \
                 standpoint eval --data ../shared/data/polnear/dev --mode attribution --profile fast"
                    .into(),
            ))
        }
        Task::Joint => {
            // Each head on the sets of its task, named "<task>: <set>".
            use crate::eval::run::{
                ner_predictions_with, score_ner_with, score_sentiment_with, score_stance_with,
            };
            let m = JointModel::load(dir, base)?;
            for set in mix::stance_test_sets(roots)? {
                note!(
                    "scoring joint stance on {} ({} rows)",
                    set.name,
                    set.rows.len()
                );
                let v = score_stance_with(&|i| m.predict_stance(i), &set.rows)?;
                out.insert(format!("stance: {}", set.name), v);
            }
            for set in mix::sentiment_test_sets(roots)? {
                note!(
                    "scoring joint sentiment on {} ({} rows)",
                    set.name,
                    set.rows.len()
                );
                let v = score_sentiment_with(&|t| m.predict_sentiment(t), &set.rows)?;
                out.insert(format!("sentiment: {}", set.name), v);
            }
            for set in mix::ner_test_sets(roots)? {
                note!(
                    "scoring joint ner on {} ({} sentences)",
                    set.name,
                    set.rows.len()
                );
                let tag = |rows: &[crate::data::NerSentence]| {
                    ner_predictions_with(&m.loaded, m.ner_labels(), &|w, s| m.window_probs(w, s), rows)
                };
                out.insert(
                    format!("ner: {}", set.name),
                    score_ner_with(&tag, &set.rows)?,
                );
            }
        }
    }
    Ok(serde_json::Value::Object(out))
}

pub(super) fn write_metrics(dir: &Path, metrics: serde_json::Value) -> Result<()> {
    let path = dir.join("manifest.json");
    let mut m = Manifest::read(&path).map_err(|reason| Error::Manifest {
        path: path.clone(),
        reason,
    })?;
    let mut all = m.metrics.as_object().cloned().unwrap_or_default();
    if let Some(o) = metrics.as_object() {
        for (k, v) in o {
            all.insert(k.clone(), v.clone());
        }
    }
    m.metrics = serde_json::Value::Object(all);
    m.write(&path).map_err(|e| Error::Io { path, source: e })
}

pub(super) fn eval_cmd(args: EvalArgs) -> Result<()> {
    if !args.data.is_empty() {
        return eval_data_cmd(args);
    }
    if args.report.is_some() || args.compare.is_some() || args.mode.is_some() {
        return Err(Error::Invalid(
            "--report, --compare and --mode need --data (a file or folder to score)".into(),
        ));
    }
    let tasks: Vec<Task> = if args.task.is_empty() {
        vec![Task::Stance, Task::Sentiment, Task::Ner]
    } else {
        args.task
            .iter()
            .map(|t| parse_task(t))
            .collect::<Result<_>>()?
    };
    let roots = DataRoots {
        shared: args.data_root.clone(),
        annotated: args.annotated.clone(),
        own_repeat: 2,
    };
    let mut report = serde_json::Map::new();
    for task in tasks {
        let dir = models_dir(args.model.models_dir.as_deref()).join(task.name());
        let scores = evaluate_task(task, &dir, args.model.base.as_deref(), &roots)?;
        if args.write_manifest {
            write_metrics(&dir, scores.clone())?;
        }
        report.insert(task.name().to_string(), scores);
    }
    print_json(&serde_json::Value::Object(report))
}

/// `eval --data`: score the data, print the headline figures, write the report when asked.
pub(super) fn eval_data_cmd(args: EvalArgs) -> Result<()> {
    let format = match args.data_format.trim().to_ascii_lowercase().as_str() {
        "auto" => None,
        f => Some(
            f.parse::<DataFormat>()
                .map_err(|e| Error::Invalid(e.to_string()))?,
        ),
    };
    let settings = EvalSettings {
        data: args.data.clone(),
        format,
        split: args.split.clone(),
        mode: args.mode.as_deref().map(str::parse).transpose()?,
        models_dir: models_dir(args.model.models_dir.as_deref()),
        base: args.model.base.clone(),
        summary: args.summary.clone(),
        models: model_settings(args.profile, DEFAULT_BATCH_TOKENS, None, &args.model)?,
    };
    if let Some(dir) = &args.report {
        report::check_destination(dir)?;
    }
    let input = harness::run(&settings)?;
    let mut report = report::build(&input);
    if let Some(other) = &args.compare {
        report.comparison = Some(report::compare(
            &report,
            &report::predictions(&input),
            other,
        )?);
    }
    if let Some(dir) = &args.report {
        let mut records = input.records;
        if args.redact {
            for r in records.iter_mut() {
                r.text = format!("(sentence of row {} withheld: dataset license)", r.id);
                r.mention.clear();
            }
        }
        let mut attributions = input.attribution.map(|a| a.records).unwrap_or_default();
        if args.redact {
            // Article names are headline slugs: numbered instead, in the (sorted) article order.
            let mut numbers: std::collections::HashMap<String, usize> = Default::default();
            for a in attributions.iter_mut() {
                let next = numbers.len() + 1;
                let n = *numbers.entry(a.article.clone()).or_insert(next);
                a.article = format!("article {n}");
                a.content = format!(
                    "(content of {}:{} withheld: dataset license)",
                    a.article, a.id
                );
                if a.gold_source.is_some() {
                    a.gold_source = Some("(withheld)".into());
                }
                a.resolved.clear();
                if a.predicted != crate::labels::AUTHOR {
                    a.predicted = "(withheld)".into();
                }
            }
        }
        render::write(dir, &report, &records, &attributions)?;
        note!("report written to {}", dir.display());
    }
    print_json(&report::headline(&report))
}
