//! `standpoint bench`: encoder and end-to-end throughput and memory.

use super::*;

pub(super) fn bench_cmd(args: BenchArgs) -> Result<()> {
    let threads = match args.threads {
        Some(0) => return Err(Error::Invalid("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    set_threads(threads);
    use crate::pipeline::Profile;
    let profiles = match args.profile.as_str() {
        "both" => vec![Profile::Fast, Profile::Accurate],
        "fast" => vec![Profile::Fast],
        "accurate" => vec![Profile::Accurate],
        "separate" => vec![Profile::Separate],
        other => {
            return Err(Error::Invalid(format!(
                "--profile {other}: expected fast, accurate, separate or both"
            )))
        }
    };
    let settings = crate::bench::BenchSettings {
        profiles,
        sentences: args.sentences.max(1),
        batch_size: args.batch_size.max(1),
        threads,
        docs: args.docs.max(1),
        data_root: args.data_root.clone(),
        python: args.python.clone(),
        pytorch: !args.no_pytorch,
        repeat: args.repeat.max(1),
        rounds: args.rounds.max(1),
        base: args.model.base.clone(),
        encoder: args.encoder.into(),
        models_dir: models_dir(args.model.models_dir.as_deref()),
        speakers: match args.model.speakers {
            crate::cli::SpeakersArg::Auto => "auto",
            crate::cli::SpeakersArg::Model => "model",
            crate::cli::SpeakersArg::Tagger => "tagger",
            crate::cli::SpeakersArg::Rules => "rules",
        },
        precision: match model_settings(
            crate::cli::ProfileArg::Fast,
            DEFAULT_BATCH_TOKENS,
            None,
            &args.model,
        )?
        .backend
        {
            Backend::FastBf16 => crate::model::fast::Precision::Bf16,
            _ => crate::model::fast::Precision::F32,
        },
    };
    let v = crate::bench::run(&settings)?;
    println!("{}", serde_json::to_string(&v).unwrap_or_default());
    Ok(())
}
