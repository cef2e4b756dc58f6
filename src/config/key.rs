//! The API key: where it may come from, in order, and reading it from the first that has one.

use std::path::PathBuf;

use anyhow::Result;

use super::file::{ConfigFile, Profile};
use super::perms::shared_file_warning;
use crate::exit::{fail, Exit, Failure};
use crate::secret::{read_secret_file, ApiKey, MAX_KEY_FILE_BYTES};

/// Where the key came from, for messages (never the key itself).
#[derive(Debug, Clone)]
pub enum KeySource {
    Flag(PathBuf),
    Env,
    EnvFile(PathBuf),
    ConfigFile(PathBuf),
    Config(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Flag(p) => write!(f, "--api-key-file {}", p.display()),
            KeySource::Env => f.write_str("MAILINGCORE_API_KEY"),
            KeySource::EnvFile(p) => write!(f, "MAILINGCORE_API_KEY_FILE {}", p.display()),
            KeySource::ConfigFile(p) => write!(f, "config api_key_file {}", p.display()),
            KeySource::Config(p) => write!(f, "config api_key in {}", p.display()),
        }
    }
}

#[derive(Debug)]
pub(super) enum KeyCandidate {
    File(PathBuf, fn(PathBuf) -> KeySource),
    Value(String, KeySource),
}

/// The key sources in the order they are tried: --api-key-file, MAILINGCORE_API_KEY,
/// MAILINGCORE_API_KEY_FILE, config api_key_file, config api_key.
pub(super) fn key_candidates(
    flag: Option<&PathBuf>,
    env_key: Option<&String>,
    env_file: Option<&PathBuf>,
    from_file: &Profile,
    file: Option<&ConfigFile>,
) -> Vec<KeyCandidate> {
    let mut candidates = Vec::new();
    if let Some(p) = flag {
        candidates.push(KeyCandidate::File(p.clone(), KeySource::Flag));
    }
    if let Some(k) = env_key {
        candidates.push(KeyCandidate::Value(k.clone(), KeySource::Env));
    }
    if let Some(p) = env_file {
        candidates.push(KeyCandidate::File(p.clone(), KeySource::EnvFile));
    }
    if let Some(p) = &from_file.api_key_file {
        candidates.push(KeyCandidate::File(p.clone(), KeySource::ConfigFile));
    }
    if let (Some(k), Some(file)) = (&from_file.api_key, file) {
        candidates.push(KeyCandidate::Value(
            k.clone(),
            KeySource::Config(file.path.clone()),
        ));
    }
    candidates
}

/// Where `api_key` looks, in order, for messages that say the key is missing.
fn key_places() -> &'static str {
    "--api-key-file, MAILINGCORE_API_KEY, MAILINGCORE_API_KEY_FILE, config api_key_file, config api_key"
}

/// The API key from the first source that has one (78 when none does or it is malformed).
/// Also returns warnings about key files readable by others.
pub(super) fn api_key(candidates: &[KeyCandidate]) -> Result<(ApiKey, KeySource, Vec<String>)> {
    let mut warnings = Vec::new();
    let Some(candidate) = candidates.first() else {
        return Err(Failure::new(Exit::Config, "no API key found")
            .hint(format!(
                "looked in {}; put the key in a file (mode 600) and name it with api_key_file in the config or --api-key-file (cron and other users do not get your shell's MAILINGCORE_API_KEY)",
                key_places()
            ))
            .into());
    };
    let (raw, source) = match candidate {
        KeyCandidate::Value(v, source) => (v.clone(), source.clone()),
        KeyCandidate::File(path, make) => {
            let source = make(path.clone());
            let text = read_secret_file(path, "key file", MAX_KEY_FILE_BYTES)
                .map_err(|e| Failure::new(Exit::Config, e))?;
            if let Some(w) = shared_file_warning(path, "key file") {
                warnings.push(w);
            }
            (text, source)
        }
    };
    // A BOM is what some editors put at the start of a file; it is not part of the key.
    let key = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if key.is_empty() {
        return fail(Exit::Config, format!("the API key from {source} is empty"));
    }
    if key.chars().any(char::is_whitespace) {
        return Err(Failure::new(
            Exit::Config,
            format!("the API key from {source} has whitespace or a line break inside it"),
        )
        .hint("a key pasted across lines breaks like this; put it on one line")
        .into());
    }
    Ok((ApiKey::new(key.to_string()), source, warnings))
}
