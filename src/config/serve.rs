//! `mcnotify serve`'s settings: the `[serve]` table under the flags, and the bridge token
//! (from `MCNOTIFY_SERVE_TOKEN`, `MCNOTIFY_SERVE_TOKEN_FILE` or `token_file`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use super::perms::shared_file_warning;
use super::seconds;
use crate::exit::{fail, Exit, Failure};
use crate::secret::{read_secret_file, Token, MAX_KEY_FILE_BYTES};

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8025";
const DEFAULT_DEADLINE: f64 = 8.0;
const DEFAULT_FLUSH_EVERY: f64 = 60.0;
const DEFAULT_MAX_IN_FLIGHT: usize = 64;

/// The `[serve]` table, or what `serve`'s flags give over it.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeTable {
    pub listen: Option<String>,
    pub token_file: Option<PathBuf>,
    pub deadline: Option<f64>,
    pub flush_every: Option<f64>,
    pub max_in_flight: Option<usize>,
}

impl ServeTable {
    /// `self` with every key that `over` sets replaced.
    pub fn overlay(self, over: ServeTable) -> ServeTable {
        ServeTable {
            listen: over.listen.or(self.listen),
            token_file: over.token_file.or(self.token_file),
            deadline: over.deadline.or(self.deadline),
            flush_every: over.flush_every.or(self.flush_every),
            max_in_flight: over.max_in_flight.or(self.max_in_flight),
        }
    }
}

/// Where the bridge token may come from, in the order looked at.
#[derive(Debug, Clone)]
enum TokenSource {
    Env(String),
    EnvFile(PathBuf),
    ConfigFile(PathBuf),
}

impl std::fmt::Display for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenSource::Env(_) => f.write_str("MCNOTIFY_SERVE_TOKEN"),
            TokenSource::EnvFile(p) => write!(f, "MCNOTIFY_SERVE_TOKEN_FILE {}", p.display()),
            TokenSource::ConfigFile(p) => write!(f, "[serve] token_file {}", p.display()),
        }
    }
}

/// `serve`'s settings, merged: flags over `[serve]` over the defaults.
#[derive(Debug)]
pub struct ServeSettings {
    pub listen: String,
    pub deadline: Duration,
    pub flush_every: Duration,
    pub max_in_flight: usize,
    token: Option<TokenSource>,
}

/// The shortest token taken without a warning.
const SHORT_TOKEN: usize = 16;

impl ServeSettings {
    /// The settings of `table` (the config's, with the flags over it) and the token
    /// sources of the environment.
    pub(super) fn new(
        table: ServeTable,
        env_token: Option<String>,
        env_token_file: Option<PathBuf>,
    ) -> Result<ServeSettings> {
        let token = match (env_token, env_token_file, table.token_file) {
            (Some(t), _, _) => Some(TokenSource::Env(t)),
            (None, Some(p), _) => Some(TokenSource::EnvFile(p)),
            (None, None, Some(p)) => Some(TokenSource::ConfigFile(p)),
            (None, None, None) => None,
        };
        let max_in_flight = table.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT);
        if max_in_flight == 0 {
            return fail(Exit::Usage, "--max-in-flight must be at least 1");
        }
        Ok(ServeSettings {
            listen: table.listen.unwrap_or_else(|| DEFAULT_LISTEN.into()),
            deadline: seconds("--deadline", table.deadline.unwrap_or(DEFAULT_DEADLINE))?,
            flush_every: seconds(
                "--flush-every",
                table.flush_every.unwrap_or(DEFAULT_FLUSH_EVERY),
            )?,
            max_in_flight,
            token,
        })
    }

    /// The bridge token (78 when none is configured or it is malformed), and warnings
    /// about a token file others can read.
    pub fn token(&self) -> Result<(Token, Vec<String>)> {
        let mut warnings = Vec::new();
        let Some(source) = &self.token else {
            return Err(Failure::new(Exit::Config, "no bridge token configured")
                .hint("put a long random token in a file (mode 600) and name it with token_file in the [serve] table of the config, or set MCNOTIFY_SERVE_TOKEN_FILE; the bot sends it as `Authorization: Bearer TOKEN`")
                .into());
        };
        let raw = match source {
            TokenSource::Env(t) => t.clone(),
            TokenSource::EnvFile(p) | TokenSource::ConfigFile(p) => {
                let text = read_secret_file(p, "token file", MAX_KEY_FILE_BYTES)
                    .map_err(|e| Failure::new(Exit::Config, e))?;
                warnings.extend(shared_file_warning(p, "token file"));
                text
            }
        };
        let token = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if token.is_empty() {
            return fail(
                Exit::Config,
                format!("the bridge token from {source} is empty"),
            );
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return fail(
                Exit::Config,
                format!("the bridge token from {source} has whitespace or a control character inside it"),
            );
        }
        if token.len() < SHORT_TOKEN {
            warnings.push(format!(
                "the bridge token from {source} is only {} characters long; use at least {SHORT_TOKEN} random ones (`openssl rand -hex 32`)",
                token.len()
            ));
        }
        Ok((Token::new(token.to_string()), warnings))
    }
}
