//! Settings: the config file and its profiles, environment and flags merged once
//! (flag > environment > config profile > config top level > built-in default).

mod file;
mod key;
mod perms;
mod serve;
mod store;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;

use crate::email::EmailSettings;
use crate::exit::{fail, Exit, Failure};
use crate::field::Field;
use crate::mapping::FieldMap;
use crate::secret::ApiKey;

use file::{read_config, ConfigFile, Table};
use key::{key_candidates, KeyCandidate};
use perms::{shared_file_warning, writable_file_warning};

pub use file::{searched_paths, ConfigKind, Profile};
pub use key::KeySource;
pub use serve::{ServeSettings, ServeTable};
pub use store::{Database, StoreSetting};

use store::StoreSource;

pub const DEFAULT_BASE_URL: &str = "https://api.mailingcore.com";
pub const DEFAULT_TAGS: [&str; 3] = ["botpress", "helpdesk", "incident"];
const DEFAULT_TIMEOUT: f64 = 30.0;
const DEFAULT_RETRIES: u32 = 4;
const DEFAULT_RETRY_MAX_TIME: f64 = 30.0;
/// Longer than a send with all its retries takes, renewed every third of it.
const DEFAULT_CLAIM_LEASE: Duration = Duration::from_secs(60);

/// What the command line says (with the environment variables clap reads for its
/// flags): the layer over the config file, and what only the command line can give.
#[derive(Debug, Default, Clone)]
pub struct Flags {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--profile`.
    pub profile: Option<String>,
    /// `--api-key-file`: the first of the key sources, not part of the layer.
    pub api_key_file: Option<PathBuf>,
    /// `--idempotency-key`: one literal key, where config `idempotency_key` is a pattern.
    pub idempotency_key: Option<String>,
    /// The settings the flags give, over the config file's.
    pub layer: Profile,
    /// What `serve`'s flags give, over the config's `[serve]` table.
    pub serve: ServeTable,
    /// The flag and environment variable of each setting the flags can give, by key.
    pub names: &'static [FlagName],
}

/// How the command line names one setting, for `config show`.
#[derive(Debug)]
pub struct FlagName {
    pub key: &'static str,
    pub flag: &'static str,
    pub var: Option<&'static str>,
}

impl Flags {
    /// Whether the command line gives the setting `key`.
    fn gives(&self, key: &str) -> bool {
        match key {
            "idempotency_key" => self.idempotency_key.is_some(),
            _ => self.layer.is_set(key),
        }
    }
}

/// Where one setting's value came from, for `config show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    Config {
        path: PathBuf,
        line: usize,
        profile: Option<String>,
    },
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::Config {
                path,
                line,
                profile: Some(p),
            } => write!(f, "profile {p}, {}:{line}", path.display()),
            Origin::Config { path, line, .. } => write!(f, "{}:{line}", path.display()),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// Everything a command needs to know, merged once.
#[derive(Debug)]
pub struct Settings {
    pub profile: Option<String>,
    pub config_path: Option<PathBuf>,
    pub base_url: String,
    pub tenant_id: Option<String>,
    pub timeout: Duration,
    pub retries: u32,
    pub retry_max_time: Duration,
    pub email: EmailSettings,
    pub fields: FieldMap,
    pub state_dir: PathBuf,
    /// Where the outbox and the journal are (`store`, `MCNOTIFY_STORE`).
    pub store: StoreSetting,
    /// How long a claim on database entries lasts unless renewed (`MCNOTIFY_CLAIM_LEASE`).
    pub claim_lease: Duration,
    /// Warnings found while loading (shared key files), printed by the caller.
    pub warnings: Vec<String>,
    /// How the config file was found (`None` without one).
    pub config_kind: Option<ConfigKind>,
    /// Where each setting came from, by its config key name.
    pub origins: Vec<(&'static str, Origin)>,
    /// The `[fields]` line of each field the config maps, by field name.
    pub field_origins: Vec<(&'static str, Origin)>,
    key_candidates: Vec<KeyCandidate>,
    /// `serve`'s settings.
    pub serve: ServeSettings,
}

/// The process environment mcnotify reads itself (clap reads the rest).
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub api_key: Option<String>,
    pub api_key_file: Option<PathBuf>,
    /// `MCNOTIFY_SERVE_TOKEN` and `MCNOTIFY_SERVE_TOKEN_FILE`.
    pub serve_token: Option<String>,
    pub serve_token_file: Option<PathBuf>,
    /// `MAILINGCORE_WEBHOOK_SECRET` and `MAILINGCORE_WEBHOOK_SECRET_FILE`.
    pub webhook_secret: Option<String>,
    pub webhook_secret_file: Option<PathBuf>,
    /// `MCNOTIFY_STORE`.
    pub store: Option<String>,
    /// `MCNOTIFY_CLAIM_LEASE`, in seconds.
    pub claim_lease: Option<String>,
    /// The clap arguments (by id) given on the command line rather than by their
    /// environment variable; `None` when not known (origins then say "flag").
    pub from_command_line: Option<std::collections::BTreeSet<String>>,
}

impl Env {
    pub fn from_process() -> Env {
        Env {
            api_key: std::env::var("MAILINGCORE_API_KEY")
                .ok()
                .filter(|v| !v.is_empty()),
            api_key_file: std::env::var_os("MAILINGCORE_API_KEY_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            serve_token: std::env::var("MCNOTIFY_SERVE_TOKEN")
                .ok()
                .filter(|v| !v.is_empty()),
            serve_token_file: std::env::var_os("MCNOTIFY_SERVE_TOKEN_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            webhook_secret: std::env::var("MAILINGCORE_WEBHOOK_SECRET")
                .ok()
                .filter(|v| !v.is_empty()),
            webhook_secret_file: std::env::var_os("MAILINGCORE_WEBHOOK_SECRET_FILE")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            store: std::env::var("MCNOTIFY_STORE")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            claim_lease: std::env::var("MCNOTIFY_CLAIM_LEASE")
                .ok()
                .filter(|v| !v.trim().is_empty()),
            from_command_line: None,
        }
    }
}

/// Names the origin of each setting, in the order the precedence chain looks.
struct Tracer<'a> {
    file: Option<&'a ConfigFile>,
    profile: Option<&'a str>,
    env: &'a Env,
}

impl Tracer<'_> {
    /// The flag, or its environment variable when the flag was not on the command line.
    fn given(&self, id: &str, flag: &'static str, var: Option<&'static str>) -> Origin {
        let on_line = self
            .env
            .from_command_line
            .as_ref()
            .is_none_or(|set| set.contains(id));
        match var {
            Some(var) if !on_line => Origin::Env(var),
            _ => Origin::Flag(flag),
        }
    }

    /// The config line that sets `key`: the selected profile first, then the top level.
    fn config(&self, key: &str) -> Origin {
        let Some(file) = self.file else {
            return Origin::Default;
        };
        let at = |table: Option<&str>| {
            file.lines
                .get(&(
                    table.map_or(Table::Top, |p| Table::Profile(p.to_string())),
                    key.to_string(),
                ))
                .map(|line| Origin::Config {
                    path: file.path.clone(),
                    line: *line,
                    profile: table.map(str::to_string),
                })
        };
        self.profile
            .and_then(|p| at(Some(p)))
            .or_else(|| at(None))
            .unwrap_or(Origin::Default)
    }
}

impl Settings {
    /// Merge the layers once: built-in default < config top level < config profile <
    /// flags (and the environment variables clap reads for them).
    pub fn load(flags: &Flags, env: &Env) -> Result<Settings> {
        let file = read_config(flags.config.as_deref(), env.from_command_line.as_ref())?;
        let mut warnings = Vec::new();
        let from_file = match &file {
            Some(file) => {
                let mut merged = file.top.clone();
                if let Some(name) = &flags.profile {
                    let Some(p) = file.profiles.get(name) else {
                        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                        return Err(Failure::new(
                            Exit::Config,
                            format!(
                                "profile {name:?} is not in {} (profiles: {})",
                                file.path.display(),
                                if known.is_empty() {
                                    "none".to_string()
                                } else {
                                    known.join(", ")
                                }
                            ),
                        )
                        .into());
                    };
                    merged = merged.overlay(p.clone());
                }
                // Anyone who can write the config can point base_url elsewhere and
                // collect the key; anyone who can read it can read an api_key in it.
                let shared = if merged.api_key.is_some() {
                    shared_file_warning(&file.path, "config file holding api_key")
                } else {
                    writable_file_warning(&file.path, "config file")
                };
                warnings.extend(shared);
                merged.resolved(file.path.parent())
            }
            None => {
                if let Some(name) = &flags.profile {
                    return fail(
                        Exit::Config,
                        format!("profile {name:?} asked for, but there is no config file"),
                    );
                }
                Profile::default()
            }
        };
        let key_candidates = key_candidates(
            flags.api_key_file.as_ref(),
            env.api_key.as_ref(),
            env.api_key_file.as_ref(),
            &from_file,
            file.as_ref(),
        );
        let merged = from_file.overlay(flags.layer.clone());

        let origins = {
            let t = Tracer {
                file: file.as_ref(),
                profile: flags.profile.as_deref(),
                env,
            };
            let profile = match &flags.profile {
                Some(_) => t.given("profile", "--profile", Some("MCNOTIFY_PROFILE")),
                None => Origin::Default,
            };
            let mut origins = vec![("profile", profile)];
            for name in flags.names {
                let origin = if flags.gives(name.key) {
                    t.given(name.key, name.flag, name.var)
                } else {
                    t.config(name.key)
                };
                origins.push((name.key, origin));
            }
            for key in CONFIG_ONLY {
                let origin = match &env.store {
                    Some(_) if key == "store" => Origin::Env("MCNOTIFY_STORE"),
                    _ => t.config(key),
                };
                origins.push((key, origin));
            }
            origins
        };

        let base_url = merged
            .base_url
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_string())
            .trim_end_matches('/')
            .to_string();
        let timeout = seconds("--timeout", merged.timeout.unwrap_or(DEFAULT_TIMEOUT))?;
        let retry_max_time = seconds(
            "--retry-max-time",
            merged.retry_max_time.unwrap_or(DEFAULT_RETRY_MAX_TIME),
        )?;
        let email = EmailSettings {
            to: merged.to,
            from_email: merged.from_email,
            from_name: merged.from_name,
            reply_to: merged.reply_to,
            tags: merged
                .tags
                .unwrap_or_else(|| DEFAULT_TAGS.iter().map(|t| t.to_string()).collect()),
            source: merged.source.unwrap_or_else(|| "botpress".into()),
            locale: merged.locale,
            subject: merged.subject,
            template_dir: merged.template_dir,
            template_version_id: merged.template_version_id,
            idempotency_pattern: merged.idempotency_key,
            idempotency_key: flags.idempotency_key.clone(),
        };

        let mut fields = FieldMap::default();
        let mut field_origins = Vec::new();
        if let Some(file) = &file {
            for (name, rule) in &file.fields {
                let Some(field) = Field::from_config_name(name) else {
                    let names: Vec<&str> = Field::ALL.iter().map(|f| f.config_name()).collect();
                    return fail(
                        Exit::Config,
                        format!(
                            "{}: [fields] has no field {name:?} (fields: {})",
                            file.path.display(),
                            names.join(", ")
                        ),
                    );
                };
                fields.set(
                    field,
                    rule.paths.clone(),
                    rule.default.clone(),
                    rule.default_paths,
                );
                if let Some(line) = file.lines.get(&(Table::Fields, name.clone())) {
                    field_origins.push((
                        field.config_name(),
                        Origin::Config {
                            path: file.path.clone(),
                            line: *line,
                            profile: None,
                        },
                    ));
                }
            }
        }

        let state_dir = match merged.state_dir {
            Some(dir) => dir,
            None => default_state_dir()?,
        };
        let store = match &env.store {
            Some(url) => StoreSetting::parse(Some(url), StoreSource::Env, state_dir.clone())?,
            None => StoreSetting::parse(
                merged.store.as_deref(),
                StoreSource::Config,
                state_dir.clone(),
            )?,
        };
        let claim_lease = match &env.claim_lease {
            Some(text) => match text.trim().parse::<f64>() {
                Ok(secs) if secs >= 1.0 => seconds("MCNOTIFY_CLAIM_LEASE", secs)?,
                _ => {
                    return fail(
                        Exit::Usage,
                        format!("MCNOTIFY_CLAIM_LEASE must be a number of seconds, at least 1, not {text:?}"),
                    )
                }
            },
            None => DEFAULT_CLAIM_LEASE,
        };
        if let (Some(file), StoreSetting::Postgres(db)) = (&file, &store) {
            if db.has_password() {
                warnings.extend(shared_file_warning(
                    &file.path,
                    "config file holding the store's connection string",
                ));
            }
        }
        let serve = ServeSettings::new(
            file.as_ref()
                .map(|f| f.serve.clone())
                .unwrap_or_default()
                .overlay(flags.serve.clone()),
            env,
        )?;

        Ok(Settings {
            profile: flags.profile.clone(),
            config_path: file.as_ref().map(|f| f.path.clone()),
            base_url,
            tenant_id: merged.tenant_id.filter(|t| !t.is_empty()),
            timeout,
            retries: merged.retries.unwrap_or(DEFAULT_RETRIES),
            retry_max_time,
            email,
            fields,
            state_dir,
            store,
            claim_lease,
            warnings,
            config_kind: file.as_ref().map(|f| f.kind),
            origins,
            field_origins,
            key_candidates,
            serve,
        })
    }
}

impl Settings {
    /// The API key from the first source that has one (78 when none does or it is malformed).
    /// Also returns warnings about key files readable by others.
    pub fn api_key(&self) -> Result<(ApiKey, KeySource, Vec<String>)> {
        key::api_key(&self.key_candidates)
    }
}

/// The settings only the config file gives; `config show` names their line.
const CONFIG_ONLY: [&str; 5] = ["locale", "api_key_file", "api_key", "state_dir", "store"];

fn seconds(flag: &str, secs: f64) -> Result<Duration> {
    if !(secs.is_finite() && secs > 0.0 && secs < 1e9) {
        return fail(
            Exit::Usage,
            format!("{flag} must be a positive number of seconds, not {secs}"),
        );
    }
    Ok(Duration::from_secs_f64(secs))
}

fn project_dirs() -> Result<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "mcnotify").ok_or_else(|| {
        Failure::new(Exit::Config, "cannot find the home directory")
            .hint("set HOME, or give --config and a state_dir in it")
            .into()
    })
}

fn default_state_dir() -> Result<PathBuf> {
    let dirs = project_dirs()?;
    Ok(dirs
        .state_dir()
        .unwrap_or_else(|| dirs.data_local_dir())
        .to_path_buf())
}
