//! `mcnotify serve`'s settings: the `[serve]` table under the flags, the bridge token (from
//! `MCNOTIFY_SERVE_TOKEN`, `MCNOTIFY_SERVE_TOKEN_FILE` or `token_file`) and the webhook
//! secret (`MAILINGCORE_WEBHOOK_SECRET`, `MAILINGCORE_WEBHOOK_SECRET_FILE`,
//! `webhook_secret_file`).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use super::perms::shared_file_warning;
use super::{seconds, Env};
use crate::address;
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
    pub webhook_secret_file: Option<PathBuf>,
    pub deadline: Option<f64>,
    pub flush_every: Option<f64>,
    pub max_in_flight: Option<usize>,
    /// Where an incident goes again when its email bounced (hard) or failed.
    pub fallback_to: Option<String>,
}

impl ServeTable {
    /// `self` with every key that `over` sets replaced.
    pub fn overlay(self, over: ServeTable) -> ServeTable {
        ServeTable {
            listen: over.listen.or(self.listen),
            token_file: over.token_file.or(self.token_file),
            webhook_secret_file: over.webhook_secret_file.or(self.webhook_secret_file),
            deadline: over.deadline.or(self.deadline),
            flush_every: over.flush_every.or(self.flush_every),
            max_in_flight: over.max_in_flight.or(self.max_in_flight),
            fallback_to: over.fallback_to.or(self.fallback_to),
        }
    }
}

/// Where a secret of the bridge (its token, the webhook secret) comes from: the first of
/// its environment variable, the file its `_FILE` variable names, the config's file.
#[derive(Debug, Clone)]
enum SecretSource {
    Env(&'static str, String),
    EnvFile(&'static str, PathBuf),
    ConfigFile(&'static str, PathBuf),
}

impl std::fmt::Display for SecretSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretSource::Env(var, _) => f.write_str(var),
            SecretSource::EnvFile(var, p) => write!(f, "{var} {}", p.display()),
            SecretSource::ConfigFile(key, p) => write!(f, "[serve] {key} {}", p.display()),
        }
    }
}

impl SecretSource {
    fn first(
        (var, value): (&'static str, Option<String>),
        (file_var, file): (&'static str, Option<PathBuf>),
        (key, configured): (&'static str, Option<PathBuf>),
    ) -> Option<SecretSource> {
        match (value, file, configured) {
            (Some(v), _, _) => Some(SecretSource::Env(var, v)),
            (None, Some(p), _) => Some(SecretSource::EnvFile(file_var, p)),
            (None, None, Some(p)) => Some(SecretSource::ConfigFile(key, p)),
            (None, None, None) => None,
        }
    }

    /// The secret, trimmed, with warnings about a file others can read; `what` names it.
    fn read(&self, what: &str) -> Result<(String, Vec<String>)> {
        let mut warnings = Vec::new();
        let raw = match self {
            SecretSource::Env(_, v) => v.clone(),
            SecretSource::EnvFile(_, p) | SecretSource::ConfigFile(_, p) => {
                let file = format!("{what} file");
                let text = read_secret_file(p, &file, MAX_KEY_FILE_BYTES)
                    .map_err(|e| Failure::new(Exit::Config, e))?;
                warnings.extend(shared_file_warning(p, &file));
                text
            }
        };
        let secret = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if secret.is_empty() {
            return fail(Exit::Config, format!("the {what} from {self} is empty"));
        }
        if secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return fail(
                Exit::Config,
                format!("the {what} from {self} has whitespace or a control character inside it"),
            );
        }
        Ok((secret.to_string(), warnings))
    }
}

/// `serve`'s settings, merged: flags over `[serve]` over the defaults.
#[derive(Debug)]
pub struct ServeSettings {
    pub listen: String,
    pub deadline: Duration,
    pub flush_every: Duration,
    pub max_in_flight: usize,
    /// `fallback_to`, checked as an address.
    pub fallback_to: Option<String>,
    token: Option<SecretSource>,
    webhook_secret: Option<SecretSource>,
}

/// The shortest token taken without a warning.
const SHORT_TOKEN: usize = 16;

impl ServeSettings {
    /// The settings of `table` (the config's, with the flags over it) and the token
    /// sources of the environment.
    pub(super) fn new(table: ServeTable, env: &Env) -> Result<ServeSettings> {
        let token = SecretSource::first(
            ("MCNOTIFY_SERVE_TOKEN", env.serve_token.clone()),
            ("MCNOTIFY_SERVE_TOKEN_FILE", env.serve_token_file.clone()),
            ("token_file", table.token_file),
        );
        let webhook_secret = SecretSource::first(
            ("MAILINGCORE_WEBHOOK_SECRET", env.webhook_secret.clone()),
            (
                "MAILINGCORE_WEBHOOK_SECRET_FILE",
                env.webhook_secret_file.clone(),
            ),
            ("webhook_secret_file", table.webhook_secret_file),
        );
        let max_in_flight = table.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT);
        if max_in_flight == 0 {
            return fail(Exit::Usage, "--max-in-flight must be at least 1");
        }
        let fallback_to = table
            .fallback_to
            .map(|a| {
                address::parse(&a)
                    .map_err(|e| Failure::new(Exit::Config, format!("[serve] fallback_to {e}")))
            })
            .transpose()?;
        Ok(ServeSettings {
            fallback_to,
            listen: table.listen.unwrap_or_else(|| DEFAULT_LISTEN.into()),
            deadline: seconds("--deadline", table.deadline.unwrap_or(DEFAULT_DEADLINE))?,
            flush_every: seconds(
                "--flush-every",
                table.flush_every.unwrap_or(DEFAULT_FLUSH_EVERY),
            )?,
            max_in_flight,
            token,
            webhook_secret,
        })
    }

    /// The bridge token (78 when none is configured or it is malformed), and warnings
    /// about a token file others can read.
    pub fn token(&self) -> Result<(Token, Vec<String>)> {
        let Some(source) = &self.token else {
            return Err(Failure::new(Exit::Config, "no bridge token configured")
                .hint("put a long random token in a file (mode 600) and name it with token_file in the [serve] table of the config, or set MCNOTIFY_SERVE_TOKEN_FILE; the bot sends it as `Authorization: Bearer TOKEN`")
                .into());
        };
        let (token, mut warnings) = source.read("bridge token")?;
        if token.len() < SHORT_TOKEN {
            warnings.push(format!(
                "the bridge token from {source} is only {} characters long; use at least {SHORT_TOKEN} random ones (`openssl rand -hex 32`)",
                token.len()
            ));
        }
        Ok((Token::new(token), warnings))
    }

    /// The secret MailingCore signs its webhooks with, when one is configured (without
    /// one, `serve` takes no webhooks).
    pub fn webhook_secret(&self) -> Result<Option<(Token, Vec<String>)>> {
        let Some(source) = &self.webhook_secret else {
            return Ok(None);
        };
        let (secret, warnings) = source.read("webhook secret")?;
        Ok(Some((Token::new(secret), warnings)))
    }
}
