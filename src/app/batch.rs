//! `standpoint batch`: a corpus through the pipeline into one resumable, shardable output.

use super::*;

/// `batch`: the corpus through the pipeline into one output, resumable and shardable.
/// Exit status: 0 when every document was processed, 3 when some failed (listed in
/// OUT.errors.jsonl), 1 on an error that stopped the run.
pub(super) fn batch_cmd(args: BatchArgs) -> std::result::Result<(), CommandError> {
    use crate::batch::{self, BatchFormat, BatchRun};
    use crate::corpus::{
        self, Chunking, Fingerprint, InputOptions, Output, Progress, ProgressMode,
    };
    let format: BatchFormat = args.format.parse()?;
    let shard = args
        .shard
        .as_deref()
        .map(str::parse::<corpus::Shard>)
        .transpose()?;
    if let Some(n) = args.threads {
        if n == 0 {
            return Err(Error::Invalid("--threads must be at least 1".into()).into());
        }
        set_threads(n);
    }
    if args.batch_tokens < 128 {
        return Err(Error::Invalid(format!(
            "--batch-tokens {} is too small; it must hold one sentence of 128 tokens",
            args.batch_tokens
        ))
        .into());
    }
    let opts = InputOptions {
        id_field: args.id_field.clone(),
        text_field: args.text_field.clone(),
        id_column: args.id_column.clone(),
        text_column: args.text_column.clone(),
        max_bytes: args.max_bytes,
        shard,
        keep_fields: args.keep_fields.clone(),
    };
    let id_and_text = [
        opts.id_field.as_str(),
        opts.text_field.as_str(),
        opts.id_column.as_deref().unwrap_or("id"),
        opts.text_column.as_str(),
    ];
    batch::check_keep_fields(&opts.keep_fields, format, &id_and_text).map_err(Error::Invalid)?;
    let sources = corpus::plan(&args.inputs, &opts)?;
    let header = match format {
        BatchFormat::Csv => Some(batch::csv_header(&opts.keep_fields)),
        BatchFormat::Jsonl => None,
    };
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && args.resume {
        return Err(Error::Invalid(
            "--resume needs an output file; stdout cannot be resumed".into(),
        )
        .into());
    }
    if to_stdout {
        check_stdout_open()?;
    }
    let output = if to_stdout {
        Output::streams(
            Box::new(std::io::stdout()),
            Box::new(std::io::stderr()),
            header.as_deref(),
        )?
    } else {
        let mut fp =
            Fingerprint::new(&sources, &opts, format.name()).with("profile", args.profile.name());
        // Only when asked, so runs begun before `--keep-fields` existed still resume.
        if !opts.keep_fields.is_empty() {
            fp = fp.with("keep_fields", opts.keep_fields.clone());
        }
        Output::open(&args.output, args.resume, header.as_deref(), &fp)?.0
    };
    let reader = corpus::Reader::new(sources.clone(), &opts);
    let progress = Progress::new(
        corpus::total_bytes(&sources),
        ProgressMode::detect(args.quiet),
    );
    let pipeline = crate::pipeline::Pipeline::load_with(
        &model_settings(args.profile, args.batch_tokens, args.threads, &args.model)?,
        &models_dir(args.model.models_dir.as_deref()),
        args.model.base.as_deref(),
    )?;
    let run = BatchRun {
        chunking: Chunking {
            docs: args.chunk_docs.max(1),
            ..Chunking::default()
        },
        format,
        lossy: args.lossy,
    };
    // A fresh run that finds nothing: say so, since exit status 0 and an empty output look
    // like success (an empty folder, a mistyped extension, an empty pipe).
    let fresh = !output.is_complete() && output.next_seq() == 0;
    let totals = batch::run(&pipeline, reader, output, progress, &run)?;
    if fresh && totals.docs == 0 && totals.failures == 0 {
        let inputs: Vec<&str> = args
            .inputs
            .iter()
            .map(|i| {
                if i == "-" {
                    "standard input"
                } else {
                    i.as_str()
                }
            })
            .collect();
        let shard = args
            .shard
            .as_deref()
            .map(|s| format!(" for shard {s}"))
            .unwrap_or_default();
        note!(
            "warning: no documents found in {}{shard} (folders are searched for .txt, .md, \
             .html and .htm files)",
            inputs.join(", ")
        );
    }
    note!(
        "{} (profile {})",
        totals.summary_line(),
        args.profile.name()
    );
    if totals.failures > 0 {
        note!(
            "{} documents failed; see {}",
            totals.failures,
            corpus::errors_path(&args.output).display()
        );
        return Err(CommandError::SomeFailed(totals.failures));
    }
    Ok(())
}
