//! `standpoint classify`: one document from a file or standard input, in any output format.

use super::*;

/// Reads one input document, never more than `max_bytes` + 1 bytes: a regular file over the
/// limit is refused by its size before reading; standard input and other streams are read
/// through `take`, so `yes | standpoint classify -` stops at the limit.
pub(super) fn read_document(path: &Path, max_bytes: usize) -> Result<(Vec<u8>, String)> {
    use std::io::Read;
    let limit = max_bytes as u64;
    let over = |name: &str, size: String| {
        Error::Invalid(format!(
            "{name} is {size}, over --max-bytes {max_bytes}; split it into documents, or raise --max-bytes (classify holds one document in memory and reads every sentence)"
        ))
    };
    let (reader, name): (Box<dyn Read>, String) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), "<stdin>".to_string())
    } else {
        let io_error = |source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(io_error)?;
        let meta = file.metadata().map_err(io_error)?;
        let name = path.display().to_string();
        if meta.is_file() && meta.len() > limit {
            return Err(over(&name, format!("{} bytes", meta.len())));
        }
        (Box::new(file), name)
    };
    let mut bytes = Vec::new();
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: name.clone().into(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(over(&name, format!("more than {max_bytes} bytes")));
    }
    Ok((bytes, name))
}

pub(super) fn classify(args: ClassifyArgs) -> Result<()> {
    use std::io::IsTerminal;
    check_stdout_open()?;
    let (bytes, name) = read_document(&args.path, args.max_bytes)?;
    let mut text = crate::text::decode(&bytes, &name, args.lossy)?;
    if crate::text::is_html(&text) {
        text = crate::text::html_to_text(&text);
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let format = match args.format.as_deref() {
        Some(f) => f.parse::<crate::output::Format>().map_err(Error::Invalid)?,
        None if stdout_tty => crate::output::Format::Table,
        None => crate::output::Format::Json,
    };
    let colour = stdout_tty && std::env::var_os("NO_COLOR").is_none();
    let pipeline = crate::pipeline::Pipeline::load_with(
        &model_settings(args.profile, DEFAULT_BATCH_TOKENS, None, &args.model)?,
        &models_dir(args.model.models_dir.as_deref()),
        args.model.base.as_deref(),
    )?;
    let doc = pipeline.classify(&text)?;
    let doc_id = args
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stdin".into());
    let mut out = std::io::stdout().lock();
    let opts = crate::output::WriteOptions {
        doc_id: &doc_id,
        original: &text,
        profile: &format!("profile {}", args.profile.name()),
        colour,
    };
    crate::output::write(&mut out, &doc, format, &opts).map_err(|e| Error::Io {
        path: "<stdout>".into(),
        source: e,
    })
}
