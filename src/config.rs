//! Settings: the config file and its profiles, environment and flags merged once
//! (flag > environment > config profile > config top level > built-in default).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use crate::email::EmailSettings;
use crate::exit::{fail, Exit, Failure};
use crate::field::Field;
use crate::mapping::FieldMap;
use crate::secret::{read_secret_file, ApiKey, MAX_KEY_FILE_BYTES};

/// A config file larger than this is refused (it may hold the key: read like a key file).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

pub const DEFAULT_BASE_URL: &str = "https://api.mailingcore.com";
pub const DEFAULT_TAGS: [&str; 3] = ["botpress", "helpdesk", "incident"];
const DEFAULT_TIMEOUT: f64 = 30.0;
const DEFAULT_RETRIES: u32 = 4;
const DEFAULT_RETRY_MAX_TIME: f64 = 30.0;

/// Lists the keys of a settings layer once: the struct, its overlay, and which keys it sets.
macro_rules! layer {
    ($($(#[$meta:meta])* $key:ident: $ty:ty,)*) => {
        /// One layer of settings: the config file's top level, one of its profiles, or
        /// what the command line gives. Each key is `None` where the layer is silent.
        #[derive(Debug, Default, Clone, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Profile {
            $($(#[$meta])* pub $key: Option<$ty>,)*
        }

        impl Profile {
            /// `self` with every key that `over` sets replaced.
            pub fn overlay(self, over: Profile) -> Profile {
                Profile { $($key: over.$key.or(self.$key)),* }
            }

            /// Whether this layer sets the key named `key`.
            pub fn is_set(&self, key: &str) -> bool {
                match key {
                    $(stringify!($key) => self.$key.is_some(),)*
                    _ => false,
                }
            }
        }
    };
}

layer! {
    base_url: String,
    api_key: String,
    api_key_file: PathBuf,
    tenant_id: String,
    to: String,
    from_email: String,
    from_name: String,
    reply_to: String,
    tags: Vec<String>,
    source: String,
    locale: String,
    subject: String,
    template_dir: PathBuf,
    template_version_id: String,
    idempotency_key: String,
    timeout: f64,
    retries: u32,
    retry_max_time: f64,
    state_dir: PathBuf,
}

impl Profile {
    /// The layer with its paths made absolute: `~/x` under the home directory, a
    /// relative path relative to the config file's folder.
    fn resolved(self, base: Option<&Path>) -> Profile {
        let resolve = |p: Option<PathBuf>| p.map(|p| resolve_path(p, base));
        Profile {
            api_key_file: resolve(self.api_key_file),
            template_dir: resolve(self.template_dir),
            state_dir: resolve(self.state_dir),
            ..self
        }
    }
}

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

/// A `[fields]` entry: a list of paths, or a table with paths, a default value and
/// whether the built-in paths are tried after the given ones (they are unless
/// `default_paths = false`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldRule {
    #[serde(default)]
    paths: Vec<String>,
    default: Option<String>,
    #[serde(default = "yes")]
    default_paths: bool,
}

fn yes() -> bool {
    true
}

/// The config file as read, before profiles are applied.
struct ConfigFile {
    path: PathBuf,
    /// Which file of the search this is, for `config show`.
    kind: ConfigKind,
    top: Profile,
    profiles: BTreeMap<String, Profile>,
    fields: BTreeMap<String, FieldRule>,
    /// The 1-based line of each key, by the table it is in.
    lines: BTreeMap<(Table, String), usize>,
}

/// A table of the config file that holds settings or field rules.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Table {
    Top,
    Profile(String),
    Fields,
}

/// How the config file was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigKind {
    Flag,
    Env,
    User,
    System,
}

/// Where the system-wide config lives. Its folder is fixed at build time; the tests
/// point it elsewhere with `MCNOTIFY_SYSTEM_CONFIG_DIR`, which is no more power than
/// `MCNOTIFY_CONFIG` (read first) already gives whoever sets the environment.
pub const SYSTEM_CONFIG_DIR: &str = "/etc/mcnotify";

pub fn system_config_path() -> PathBuf {
    std::env::var_os("MCNOTIFY_SYSTEM_CONFIG_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(SYSTEM_CONFIG_DIR))
        .join("config.toml")
}

/// The user's config file (under `XDG_CONFIG_HOME`), if there is a home directory.
pub fn user_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "mcnotify").map(|d| d.config_dir().join("config.toml"))
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
    /// Warnings found while loading (shared key files), printed by the caller.
    pub warnings: Vec<String>,
    /// How the config file was found (`None` without one).
    pub config_kind: Option<ConfigKind>,
    /// Where each setting came from, by its config key name.
    pub origins: Vec<(&'static str, Origin)>,
    /// The `[fields]` line of each field the config maps, by field name.
    pub field_origins: Vec<(&'static str, Origin)>,
    key_candidates: Vec<KeyCandidate>,
}

#[derive(Debug)]
enum KeyCandidate {
    File(PathBuf, fn(PathBuf) -> KeySource),
    Value(String, KeySource),
}

/// The process environment mcnotify reads itself (clap reads the rest).
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub api_key: Option<String>,
    pub api_key_file: Option<PathBuf>,
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
        let file = read_config(flags.config.as_deref(), env)?;
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
        let key_candidates = key_candidates(flags, env, &from_file, file.as_ref());
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
                origins.push((key, t.config(key)));
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
            warnings,
            config_kind: file.as_ref().map(|f| f.kind),
            origins,
            field_origins,
            key_candidates,
        })
    }

    /// Where `api_key` looks, in order, for messages that say the key is missing.
    pub fn key_places() -> &'static str {
        "--api-key-file, MAILINGCORE_API_KEY, MAILINGCORE_API_KEY_FILE, config api_key_file, config api_key"
    }

    /// The API key from the first source that has one (78 when none does or it is malformed).
    /// Also returns warnings about key files readable by others.
    pub fn api_key(&self) -> Result<(ApiKey, KeySource, Vec<String>)> {
        let mut warnings = Vec::new();
        let Some(candidate) = self.key_candidates.first() else {
            return Err(Failure::new(Exit::Config, "no API key found")
                .hint(format!(
                    "looked in {}; put the key in a file (mode 600) and name it with api_key_file in the config or --api-key-file (cron and other users do not get your shell's MAILINGCORE_API_KEY)",
                    Settings::key_places()
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
}

/// The settings only the config file gives; `config show` names their line.
const CONFIG_ONLY: [&str; 4] = ["locale", "api_key_file", "api_key", "state_dir"];

/// The key sources in the order they are tried: --api-key-file, MAILINGCORE_API_KEY,
/// MAILINGCORE_API_KEY_FILE, config api_key_file, config api_key.
fn key_candidates(
    flags: &Flags,
    env: &Env,
    from_file: &Profile,
    file: Option<&ConfigFile>,
) -> Vec<KeyCandidate> {
    let mut candidates = Vec::new();
    if let Some(p) = &flags.api_key_file {
        candidates.push(KeyCandidate::File(p.clone(), KeySource::Flag));
    }
    if let Some(k) = &env.api_key {
        candidates.push(KeyCandidate::Value(k.clone(), KeySource::Env));
    }
    if let Some(p) = &env.api_key_file {
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

/// `~/x` is under the home directory; a relative path is relative to the config file.
fn resolve_path(path: PathBuf, base: Option<&Path>) -> PathBuf {
    if let Ok(rest) = path.strip_prefix("~") {
        if let Some(home) = directories::BaseDirs::new() {
            return home.home_dir().join(rest);
        }
    }
    match base {
        Some(base) if path.is_relative() => base.join(path),
        _ => path,
    }
}

/// The config files looked for when neither `--config` nor `MCNOTIFY_CONFIG` names one,
/// in order: the user's, then the system-wide one.
pub fn searched_paths() -> Vec<PathBuf> {
    user_config_path()
        .into_iter()
        .chain([system_config_path()])
        .collect()
}

/// Read the named config file (an error if missing), else the user's, else the
/// system-wide one (each fine if missing).
fn read_config(explicit: Option<&Path>, env: &Env) -> Result<Option<ConfigFile>> {
    let candidates: Vec<(PathBuf, ConfigKind)> = match explicit {
        Some(p) => {
            let on_line = env
                .from_command_line
                .as_ref()
                .is_none_or(|set| set.contains("config"));
            let kind = if on_line {
                ConfigKind::Flag
            } else {
                ConfigKind::Env
            };
            vec![(p.to_path_buf(), kind)]
        }
        None => user_config_path()
            .map(|p| (p, ConfigKind::User))
            .into_iter()
            .chain([(system_config_path(), ConfigKind::System)])
            .collect(),
    };
    for (path, kind) in candidates {
        let must_exist = matches!(kind, ConfigKind::Flag | ConfigKind::Env);
        let missing =
            matches!(fs::metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
        if missing && !must_exist {
            continue;
        }
        let text = read_secret_file(&path, "config file", MAX_CONFIG_BYTES)
            .map_err(|e| Failure::new(Exit::Config, e))?;
        let mut file = parse_config(&path, &text)?;
        file.kind = kind;
        return Ok(Some(file));
    }
    Ok(None)
}

/// The 1-based line of each key of the top level, of each profile and of `[fields]`.
fn key_lines(text: &str) -> BTreeMap<(Table, String), usize> {
    let mut lines = BTreeMap::new();
    let Ok(root) = toml::de::DeTable::parse(text) else {
        return lines;
    };
    let line_of =
        |span: std::ops::Range<usize>| text[..span.start.min(text.len())].matches('\n').count() + 1;
    for (key, value) in root.get_ref() {
        let name = key.get_ref().to_string();
        match (name.as_str(), value.get_ref()) {
            ("profile", toml::de::DeValue::Table(profiles)) => {
                for (profile, table) in profiles {
                    if let toml::de::DeValue::Table(table) = table.get_ref() {
                        for (k, _) in table {
                            lines.insert(
                                (
                                    Table::Profile(profile.get_ref().to_string()),
                                    k.get_ref().to_string(),
                                ),
                                line_of(k.span()),
                            );
                        }
                    }
                }
            }
            ("fields", toml::de::DeValue::Table(fields)) => {
                for (k, _) in fields {
                    lines.insert((Table::Fields, k.get_ref().to_string()), line_of(k.span()));
                }
            }
            _ => {
                lines.insert((Table::Top, name), line_of(key.span()));
            }
        }
    }
    lines
}

fn parse_config(path: &Path, text: &str) -> Result<ConfigFile> {
    let bad = |msg: String| {
        Failure::new(
            Exit::Config,
            format!("config file {}: {msg}", path.display()),
        )
    };
    let mut table: toml::Table =
        toml::from_str(text).map_err(|e| bad(e.to_string().trim_end().to_string()))?;
    let profiles: BTreeMap<String, Profile> = match table.remove("profile") {
        Some(v) => v
            .try_into()
            .map_err(|e: toml::de::Error| bad(format!("in [profile]: {}", e.message())))?,
        None => BTreeMap::new(),
    };
    let mut fields = BTreeMap::new();
    match table.remove("fields") {
        Some(toml::Value::Table(rules)) => {
            for (name, rule) in rules {
                let rule = match rule {
                    toml::Value::Array(_) => rule.try_into().map(|paths| FieldRule {
                        paths,
                        default: None,
                        default_paths: true,
                    }),
                    toml::Value::Table(_) => rule.try_into(),
                    other => {
                        return Err(bad(format!(
                            "in [fields]: {name} must be a list of paths or a table with paths, default and default_paths, not {}",
                            other.type_str()
                        ))
                        .into())
                    }
                }
                .map_err(|e: toml::de::Error| bad(format!("in [fields]: {name}: {}", e.message())))?;
                fields.insert(name, rule);
            }
        }
        Some(other) => {
            return Err(bad(format!("fields must be a table, not {}", other.type_str())).into())
        }
        None => {}
    }
    let top: Profile = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| bad(e.message().to_string()))?;
    Ok(ConfigFile {
        path: path.to_path_buf(),
        kind: ConfigKind::Flag,
        lines: key_lines(text),
        top,
        profiles,
        fields,
    })
}

/// A warning when a file holding the key can be read by group or others (like ssh).
/// A file owned by root that another user reads through its group (`root:nagios`, mode
/// 640) was shared on purpose by an administrator, as PostgreSQL allows for its key; only
/// a world-readable one is then a warning.
pub fn shared_file_warning(path: &Path, what: &str) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = fs::metadata(path).ok()?;
        let mode = meta.permissions().mode();
        // SAFETY: geteuid has no preconditions and cannot fail.
        let shared_by_root = meta.uid() == 0 && unsafe { libc::geteuid() } != 0;
        let exposed = if shared_by_root { 0o004 } else { 0o044 };
        if mode & exposed != 0 {
            return Some(format!(
                "{what} {} is readable by others (mode {:o}); run: chmod 600 {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    writable_file_warning(path, what)
}

/// A warning when `path` can be written by group or others (who could redirect the key).
pub fn writable_file_warning(path: &Path, what: &str) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o022 != 0 {
            return Some(format!(
                "{what} {} is writable by others (mode {:o}), who could send the key elsewhere; run: chmod go-w {}",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, what);
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn shared_files_are_named_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        fs::write(&path, "x").unwrap();
        let mode = |m: u32| fs::set_permissions(&path, fs::Permissions::from_mode(m)).unwrap();
        mode(0o600);
        assert_eq!(shared_file_warning(&path, "key file"), None);
        mode(0o640);
        assert!(shared_file_warning(&path, "key file")
            .unwrap()
            .contains("readable by others"));
        mode(0o644);
        assert_eq!(writable_file_warning(&path, "config file"), None);
        mode(0o662);
        assert!(writable_file_warning(&path, "config file")
            .unwrap()
            .contains("chmod go-w"));
    }

    #[test]
    fn profiles_override_the_top_level() {
        let file = parse_config(
            Path::new("c.toml"),
            "to = \"a@example.com\"\nretries = 2\n[profile.night]\nto = \"b@example.com\"\n\
             [fields]\ncode = [\"/x\"]\n[fields.type]\npaths = [\"/t\"]\ndefault = \"other\"\n",
        )
        .unwrap();
        let merged = file.top.clone().overlay(file.profiles["night"].clone());
        assert_eq!(merged.to.as_deref(), Some("b@example.com"));
        assert_eq!(merged.retries, Some(2));
        assert_eq!(file.fields.len(), 2);
    }

    #[test]
    fn key_lines_name_the_table_and_line_of_each_key() {
        let text = "to = \"a\"\n\n[profile.night]\nto = \"b\"\n[fields]\ncode = [\"/x\"]\n\
                    [fields.type]\npaths = []\n";
        let lines = key_lines(text);
        assert_eq!(lines[&(Table::Top, "to".into())], 1);
        assert_eq!(lines[&(Table::Profile("night".into()), "to".into())], 4);
        assert_eq!(lines[&(Table::Fields, "code".into())], 6);
        assert_eq!(lines[&(Table::Fields, "type".into())], 7);
        assert_eq!(lines.len(), 4, "{lines:?}");
    }

    #[test]
    fn field_rules_of_the_wrong_shape_name_the_field() {
        let err = parse_config(Path::new("c.toml"), "[fields]\ncode = \"/x\"\n")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("code must be a list of paths or a table"),
            "{err}"
        );
        let err = parse_config(Path::new("c.toml"), "fields = 3\n")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("fields must be a table"), "{err}");
        let file = parse_config(
            Path::new("c.toml"),
            "[fields]\ncode = [\"/x\"]\ntype = { paths = [\"/t\"], default_paths = false }\n",
        )
        .unwrap();
        assert!(file.fields["code"].default_paths);
        assert!(!file.fields["type"].default_paths);
    }

    #[test]
    fn unknown_keys_and_bad_toml_name_the_file() {
        let err = parse_config(Path::new("c.toml"), "tu = \"x\"")
            .err()
            .unwrap();
        assert!(err.to_string().contains("c.toml"), "{err}");
        assert!(err.to_string().contains("tu"), "{err}");
        let err = parse_config(Path::new("c.toml"), "to = ").err().unwrap();
        assert!(err.to_string().starts_with("config file c.toml:"), "{err}");
    }
}
