//! A configuration for the Python side: where it came from (so that an `Extractor` can be
//! pickled as its text and compiled again in another process) and the extractor compiled
//! from it; its mistakes as `khabar.ConfigError`.

use std::path::{Path, PathBuf};

use khabar_extract::{ConfigError as RustConfigError, Extractor, Profiles};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

pyo3::create_exception!(
    khabar,
    KhabarError,
    PyException,
    "Base class of khabar's errors."
);
pyo3::create_exception!(
    khabar,
    ConfigError,
    KhabarError,
    "A configuration that cannot be used: its message names the file and line (attributes \
     `path` and `line`, either may be None), or a profile it does not have."
);

/// The configuration shipped with khabar (the repository's `config.toml`).
const BUILTIN_CONFIG: &str = include_str!("../../config.toml");
const BUILTIN_ORIGIN: &str = "<built-in config.toml>";

/// A configuration's text and what it is called in messages: everything needed to compile
/// the same extractor again.
#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub text: String,
    pub origin: String,
    pub profile: Option<String>,
}

impl ConfigSource {
    /// The configuration shipped with khabar.
    pub fn builtin(profile: Option<String>) -> Self {
        Self {
            text: BUILTIN_CONFIG.to_string(),
            origin: BUILTIN_ORIGIN.to_string(),
            profile,
        }
    }

    /// What `Extractor(config)` was given: None (the built-in configuration), a path
    /// (`os.PathLike`, or a `str` on one line) or TOML text (a `str` of several lines).
    pub fn from_python(
        config: Option<&Bound<'_, PyAny>>,
        profile: Option<String>,
    ) -> PyResult<Self> {
        let Some(config) = config.filter(|c| !c.is_none()) else {
            return Ok(Self::builtin(profile));
        };
        if let Ok(text) = config.extract::<String>()
            && text.contains('\n')
        {
            return Ok(Self {
                text,
                origin: "<string>".to_string(),
                profile,
            });
        }
        let path: PathBuf = config.extract().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(
                "config: a path (str or os.PathLike), TOML text (a str of several lines) or None",
            )
        })?;
        let text = std::fs::read_to_string(&path).map_err(|source| {
            config_error(
                config.py(),
                &RustConfigError::Read {
                    path: path.clone(),
                    source,
                },
            )
        })?;
        Ok(Self {
            text,
            origin: path.display().to_string(),
            profile,
        })
    }

    /// The extractor: the `[profiles]` compiled (other tables are not read here).
    pub fn compile(&self, py: Python<'_>) -> PyResult<Extractor> {
        let profiles = Profiles::parse(&self.text, Path::new(&self.origin))
            .map_err(|e| config_error(py, &e))?;
        Extractor::new(profiles, self.profile.as_deref()).map_err(|e| {
            let err = ConfigError::new_err(e.to_string());
            let _ = err.value(py).setattr("path", None::<String>);
            let _ = err.value(py).setattr("line", None::<usize>);
            err
        })
    }
}

/// A Rust configuration error as `khabar.ConfigError`, with `path` and `line`.
fn config_error(py: Python<'_>, e: &RustConfigError) -> PyErr {
    let (path, line) = match e {
        RustConfigError::Read { path, .. } => (Some(path), None),
        RustConfigError::Syntax { path, line, .. }
        | RustConfigError::Selector { path, line, .. }
        | RustConfigError::Value { path, line, .. } => (Some(path), Some(*line)),
    };
    let err = ConfigError::new_err(e.to_string());
    let value = err.value(py);
    let _ = value.setattr("path", path.map(|p| p.display().to_string()));
    let _ = value.setattr("line", line);
    err
}
