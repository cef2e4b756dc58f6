//! The config file: the settings layer (`Profile`), `[fields]` rules, where it is looked for, and reading it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Result;
use serde::Deserialize;

use super::serve::ServeTable;
use crate::exit::{Exit, Failure};
use crate::secret::read_secret_file;

/// A config file larger than this is refused (it may hold the key: read like a key file).
const MAX_CONFIG_BYTES: u64 = 1 << 20;

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
    store: String,
}

impl Profile {
    /// The layer with its paths made absolute: `~/x` under the home directory, a
    /// relative path relative to the config file's folder.
    pub(super) fn resolved(self, base: Option<&Path>) -> Profile {
        let resolve = |p: Option<PathBuf>| p.map(|p| resolve_path(p, base));
        Profile {
            api_key_file: resolve(self.api_key_file),
            template_dir: resolve(self.template_dir),
            state_dir: resolve(self.state_dir),
            ..self
        }
    }
}

/// A `[fields]` entry: a list of paths, or a table with paths, a default value and
/// whether the built-in paths are tried after the given ones (they are unless
/// `default_paths = false`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FieldRule {
    #[serde(default)]
    pub(super) paths: Vec<String>,
    pub(super) default: Option<String>,
    #[serde(default = "yes")]
    pub(super) default_paths: bool,
}

fn yes() -> bool {
    true
}

/// The config file as read, before profiles are applied.
pub(super) struct ConfigFile {
    pub(super) path: PathBuf,
    /// Which file of the search this is, for `config show`.
    pub(super) kind: ConfigKind,
    pub(super) top: Profile,
    pub(super) profiles: BTreeMap<String, Profile>,
    pub(super) fields: BTreeMap<String, FieldRule>,
    /// The `[serve]` table, its `token_file` made absolute.
    pub(super) serve: ServeTable,
    /// The 1-based line of each key, by the table it is in.
    pub(super) lines: BTreeMap<(Table, String), usize>,
}

/// A table of the config file that holds settings or field rules.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Table {
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
pub(super) fn read_config(
    explicit: Option<&Path>,
    from_command_line: Option<&BTreeSet<String>>,
) -> Result<Option<ConfigFile>> {
    let candidates: Vec<(PathBuf, ConfigKind)> = match explicit {
        Some(p) => {
            let on_line = from_command_line.is_none_or(|set| set.contains("config"));
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
    let serve: ServeTable = match table.remove("serve") {
        Some(v) => v
            .try_into()
            .map_err(|e: toml::de::Error| bad(format!("in [serve]: {}", e.message())))?,
        None => ServeTable::default(),
    };
    let serve = ServeTable {
        token_file: serve.token_file.map(|p| resolve_path(p, path.parent())),
        ..serve
    };
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
        serve,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
