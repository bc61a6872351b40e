//! The Hugging Face hub cache layout: `models--ORG--NAME/{blobs,refs,snapshots/REV}`, where each
//! snapshot file is a relative symlink into `blobs/` (as hf-hub and huggingface_hub write it).

use std::fs;
use std::path::{Component, Path, PathBuf};

use hf_hub::Repo;

use super::pypi::Extracted;
use super::{io_error, verify, ResolveError};

/// `cache_root/models--ORG--NAME`, named by hf-hub itself so the two never disagree.
pub(super) fn repo_dir(cache_root: &Path, repo_id: &str) -> PathBuf {
    cache_root.join(Repo::model(repo_id.to_owned()).folder_name())
}

pub(super) fn is_commit_hash(revision: &str) -> bool {
    revision.len() == 40 && revision.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The snapshot directory of `revision`: named by the commit itself, or found through
/// `refs/<revision>` for a branch or tag. `None` when the ref cannot be read.
pub(super) fn snapshot_dir(repo_dir: &Path, revision: &str) -> Option<PathBuf> {
    let commit = if is_commit_hash(revision) {
        revision.to_owned()
    } else {
        let commit = fs::read_to_string(repo_dir.join("refs").join(revision)).ok()?;
        let commit = commit.trim().to_owned();
        if !is_commit_hash(&commit) {
            return None;
        }
        commit
    };
    Some(repo_dir.join("snapshots").join(commit))
}

/// Moves staged files into `blobs/<sha256>`, links them from `snapshots/<revision>/`, and adds
/// `refs/main` (when absent) and `refs/<revision>` (as hf-hub does for a pinned download) so
/// lookups by branch or by commit both find the snapshot.
pub(super) fn install_snapshot(
    repo_dir: &Path,
    revision: &str,
    staging: &Path,
    entries: &[Extracted],
) -> Result<PathBuf, ResolveError> {
    let blobs = repo_dir.join("blobs");
    let snapshot = repo_dir.join("snapshots").join(revision);
    for dir in [&blobs, &snapshot] {
        fs::create_dir_all(dir).map_err(io_error("create", dir))?;
    }
    for entry in entries {
        let blob = blobs.join(&entry.sha256);
        // Always replace: an existing blob of that name could be a damaged copy.
        fs::rename(staging.join(&entry.rel), &blob).map_err(io_error("write", &blob))?;
        let pointer = snapshot.join(&entry.rel);
        if let Some(parent) = pointer.parent() {
            fs::create_dir_all(parent).map_err(io_error("create", parent))?;
        }
        if fs::symlink_metadata(&pointer).is_ok() {
            fs::remove_file(&pointer).map_err(io_error("replace", &pointer))?;
        }
        link_blob(&blob, &entry.rel, &pointer).map_err(io_error("link", &pointer))?;
    }
    let refs = repo_dir.join("refs");
    fs::create_dir_all(&refs).map_err(io_error("create", &refs))?;
    for name in ["main", revision] {
        let path = refs.join(name);
        if !path.exists() {
            fs::write(&path, revision).map_err(io_error("write", &path))?;
        }
    }
    Ok(snapshot)
}

/// Links `snapshots/REV/<rel>` to its blob with a relative path, so the cache can be moved.
#[cfg(unix)]
fn link_blob(blob: &Path, rel: &Path, pointer: &Path) -> std::io::Result<()> {
    // One `..` per directory between the pointer and the repo directory: `rel`'s own
    // directories plus `snapshots/REV`.
    let depth = rel.components().count() + 1;
    let mut target = PathBuf::new();
    for _ in 0..depth {
        target.push(Component::ParentDir);
    }
    target.push("blobs");
    if let Some(name) = blob.file_name() {
        target.push(name);
    }
    std::os::unix::fs::symlink(target, pointer)
}

/// Without dependable symlinks the snapshot holds a copy, as hf-hub does on Windows.
#[cfg(not(unix))]
fn link_blob(blob: &Path, _rel: &Path, pointer: &Path) -> std::io::Result<()> {
    fs::copy(blob, pointer).map(|_| ())
}

/// Removes a cached file that failed verification: the snapshot entry, the blob it points to
/// (only if that is a cache blob) and the verification marker beside it.
pub(super) fn remove_pointer(pointer: &Path) -> Result<(), ResolveError> {
    if let Ok(target) = fs::canonicalize(pointer) {
        let in_blobs = target
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|name| name == "blobs");
        if in_blobs && target != pointer {
            fs::remove_file(&target).map_err(io_error("remove", &target))?;
        }
    }
    if fs::symlink_metadata(pointer).is_ok() {
        fs::remove_file(pointer).map_err(io_error("remove", pointer))?;
    }
    if let Some(marker) = pointer.parent().map(|dir| dir.join(verify::MARKER_FILE)) {
        if marker.exists() {
            fs::remove_file(&marker).map_err(io_error("remove", &marker))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_dir_matches_hf_hub_folder_name() {
        assert_eq!(
            repo_dir(Path::new("/c"), "sentence-transformers/all-MiniLM-L6-v2"),
            PathBuf::from("/c/models--sentence-transformers--all-MiniLM-L6-v2")
        );
    }

    #[test]
    fn only_forty_hex_digits_are_commits() {
        assert!(is_commit_hash("c9745ed1d9f207416be6d2e6f8de32d1f16199bf"));
        assert!(!is_commit_hash("main"));
        assert!(!is_commit_hash("../../../../../../../../../../../../etc/x"));
    }

    #[test]
    fn unreadable_or_bogus_ref_has_no_snapshot() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(snapshot_dir(tmp.path(), "main"), None);
        fs::create_dir_all(tmp.path().join("refs")).unwrap();
        fs::write(tmp.path().join("refs/main"), "../../elsewhere").unwrap();
        assert_eq!(snapshot_dir(tmp.path(), "main"), None);
    }

    #[cfg(unix)]
    #[test]
    fn nested_files_link_back_to_blobs() {
        let tmp = tempfile::tempdir().unwrap();
        let blob = tmp.path().join("blobs/abc");
        fs::create_dir_all(blob.parent().unwrap()).unwrap();
        fs::write(&blob, "x").unwrap();
        let pointer = tmp.path().join("snapshots/rev/1_Pooling/config.json");
        fs::create_dir_all(pointer.parent().unwrap()).unwrap();
        link_blob(&blob, Path::new("1_Pooling/config.json"), &pointer).unwrap();
        assert_eq!(
            fs::read_link(&pointer).unwrap(),
            PathBuf::from("../../../blobs/abc")
        );
        assert_eq!(fs::read_to_string(&pointer).unwrap(), "x");
    }
}
