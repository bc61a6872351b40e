//! Weights hashing and the verification marker that spares later runs from re-hashing.

use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Written beside a verified weights file.
pub(super) const MARKER_FILE: &str = ".standpoint-verified";

/// What was verified: the file's hash together with the size and modification time it had, so a
/// changed file is hashed again.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Marker {
    file: String,
    sha256: String,
    size: u64,
    mtime_secs: u64,
    mtime_nanos: u32,
    /// The inode change time: unlike the modification time it cannot be set back by a program,
    /// so a file rewritten with its old size and mtime still differs here.
    #[serde(default)]
    ctime: (i64, i64),
}

impl Marker {
    fn for_file(weights: &Path, sha256: &str) -> io::Result<Self> {
        // `metadata` follows the cache's symlink to the blob, whose times are the ones that
        // change when the content does.
        let meta = fs::metadata(weights)?;
        let mtime = meta
            .modified()?
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Ok(Self {
            file: weights
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: sha256.to_ascii_lowercase(),
            size: meta.len(),
            mtime_secs: mtime.as_secs(),
            mtime_nanos: mtime.subsec_nanos(),
            ctime: change_time(&meta),
        })
    }
}

#[cfg(unix)]
fn change_time(meta: &fs::Metadata) -> (i64, i64) {
    use std::os::unix::fs::MetadataExt;
    (meta.ctime(), meta.ctime_nsec())
}

#[cfg(not(unix))]
fn change_time(_: &fs::Metadata) -> (i64, i64) {
    (0, 0)
}

fn marker_path(weights: &Path) -> Option<std::path::PathBuf> {
    weights.parent().map(|dir| dir.join(MARKER_FILE))
}

/// Whether a marker says `weights` was verified against `expected` and has not changed since.
pub(super) fn marker_matches(weights: &Path, expected: &str) -> bool {
    let Some(path) = marker_path(weights) else {
        return false;
    };
    let Ok(text) = fs::read_to_string(path) else {
        return false;
    };
    let Ok(recorded) = serde_json::from_str::<Marker>(&text) else {
        return false;
    };
    match Marker::for_file(weights, expected) {
        Ok(current) => recorded == current,
        Err(_) => false,
    }
}

/// Records that `weights` has `sha256`, atomically so a concurrent reader never sees half a file.
pub(super) fn write_marker(weights: &Path, sha256: &str) -> io::Result<()> {
    let marker = Marker::for_file(weights, sha256)?;
    let path =
        marker_path(weights).ok_or_else(|| io::Error::other("weights path has no parent"))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".standpoint-verified-");
    // Readable by everyone who shares the cache, like the files it vouches for.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir)?;
    serde_json::to_writer(&mut tmp, &marker)?;
    tmp.write_all(b"\n")?;
    tmp.persist(&path).map_err(|err| err.error)?;
    Ok(())
}

/// Files this process hashed, with the size and modification time they had then: the three
/// single-task models of the accurate profile share one base, and hashing it once per process
/// rather than once per model saves about 0.12 s of a 0.7 s cold start. A process-wide memo, not
/// a setting: it only ever spares re-reading bytes this process has just checked.
static CHECKED: std::sync::Mutex<Vec<(std::path::PathBuf, Marker)>> =
    std::sync::Mutex::new(Vec::new());

/// Whether this process already hashed `weights` to `expected` and the file looks unchanged.
pub(super) fn checked_in_this_process(weights: &Path, expected: &str) -> bool {
    let Ok(current) = Marker::for_file(weights, expected) else {
        return false;
    };
    let checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
    checked
        .iter()
        .any(|(path, marker)| path == weights && *marker == current)
}

/// Records that this process hashed `weights` to `sha256`.
pub(super) fn remember_checked(weights: &Path, sha256: &str) {
    if let Ok(marker) = Marker::for_file(weights, sha256) {
        let mut checked = CHECKED.lock().unwrap_or_else(|e| e.into_inner());
        checked.retain(|(path, _)| path != weights);
        checked.push((weights.to_path_buf(), marker));
    }
}

/// Lowercase hex sha256 of a file.
pub(super) fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = fs::File::open(path)?;
    let (sha256, _) = copy_hashing(&mut file, &mut io::sink())?;
    Ok(sha256)
}

/// Copies `reader` to `writer`, returning the sha256 and length of what was copied.
pub(super) fn copy_hashing(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        hasher.update(&buf[..n]);
        writer.write_all(&buf[..n])?;
        total += n as u64;
    }
    writer.flush()?;
    Ok((hex::encode(hasher.finalize()), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_input() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        fs::write(&path, "abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn marker_is_tied_to_the_expected_hash() {
        let tmp = tempfile::tempdir().unwrap();
        let weights = tmp.path().join("model.safetensors");
        fs::write(&weights, "abc").unwrap();
        assert!(!marker_matches(&weights, "aa"));
        write_marker(&weights, "AA").unwrap();
        assert!(marker_matches(&weights, "aa"));
        assert!(!marker_matches(&weights, "bb"));
    }
}
