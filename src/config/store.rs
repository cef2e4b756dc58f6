//! Which store a run keeps its outbox and journal in: the state directory (`dir`, the
//! default) or a PostgreSQL database named by a connection string, whose password comes
//! from the config file or a pgpass file and is never printed.

use std::fmt;
use std::path::PathBuf;

use anyhow::Result;

use crate::exit::{fail, Exit};

/// Where the outbox, the journal and the kept bodies are.
#[derive(Debug, Clone)]
pub enum StoreSetting {
    /// The state directory.
    Dir(PathBuf),
    /// A PostgreSQL database.
    Postgres(Database),
}

/// A PostgreSQL connection string, held so that it can only be shown without its password.
#[derive(Clone)]
pub struct Database {
    url: String,
    shown: String,
    password: bool,
}

impl Database {
    /// The whole connection string, password included: only for connecting.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether the connection string itself holds the password.
    pub fn has_password(&self) -> bool {
        self.password
    }

    /// The connection string without its password, as messages name the store.
    pub fn shown(&self) -> &str {
        &self.shown
    }
}

impl fmt::Debug for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// Where the value of `store` came from: a password is only taken from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreSource {
    Config,
    Env,
}

impl StoreSetting {
    /// The store a `store` value names: `dir` (or nothing) for the state directory, a
    /// `postgres://` or `postgresql://` URL for a database.
    pub fn parse(
        value: Option<&str>,
        source: StoreSource,
        state_dir: PathBuf,
    ) -> Result<StoreSetting> {
        let value = value.map(str::trim).unwrap_or("dir");
        if value.is_empty() || value == "dir" {
            return Ok(StoreSetting::Dir(state_dir));
        }
        let named = match source {
            StoreSource::Config => "the config's store",
            StoreSource::Env => "MCNOTIFY_STORE",
        };
        let Ok(parsed) = url::Url::parse(value) else {
            return fail(
                Exit::Config,
                format!("{named} is neither \"dir\" nor a postgres:// connection string"),
            );
        };
        if !matches!(parsed.scheme(), "postgres" | "postgresql") {
            return fail(
                Exit::Config,
                format!(
                    "{named} is a {}:// URL; the store is \"dir\" or a postgres:// connection string",
                    parsed.scheme()
                ),
            );
        }
        if parsed.password().is_some() && source == StoreSource::Env {
            return Err(crate::exit::Failure::new(
                Exit::Config,
                "MCNOTIFY_STORE holds a password, which every process of this user can read",
            )
            .hint("put the password in a pgpass file (~/.pgpass or PGPASSFILE, mode 600), or the whole URL in the config file")
            .into());
        }
        let socket = parsed.query_pairs().any(|(k, _)| k == "host");
        if parsed.host_str().is_none_or(str::is_empty) && !socket {
            return fail(
                Exit::Config,
                format!("{named} names no host (for a Unix socket: ?host=/run/postgresql)"),
            );
        }
        let mut shown = parsed.clone();
        let _ = shown.set_password(None);
        shown.set_query(None);
        Ok(StoreSetting::Postgres(Database {
            url: value.to_string(),
            shown: shown.to_string(),
            password: parsed.password().is_some(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str, source: StoreSource) -> Result<StoreSetting> {
        StoreSetting::parse(Some(value), source, PathBuf::from("/state"))
    }

    #[test]
    fn dir_is_the_default_and_a_url_is_shown_without_its_password() {
        assert!(matches!(
            StoreSetting::parse(None, StoreSource::Config, "/s".into()).unwrap(),
            StoreSetting::Dir(d) if d == std::path::Path::new("/s")
        ));
        assert!(matches!(
            parse("dir", StoreSource::Env).unwrap(),
            StoreSetting::Dir(_)
        ));
        let StoreSetting::Postgres(db) = parse(
            "postgres://bridge:s3cret@db.example:5433/mcnotify?sslmode=require",
            StoreSource::Config,
        )
        .unwrap() else {
            panic!("not a database")
        };
        assert_eq!(db.shown(), "postgres://bridge@db.example:5433/mcnotify");
        assert!(!format!("{db:?}").contains("s3cret"));
        assert!(db.url().contains("s3cret"));
    }

    #[test]
    fn a_password_in_the_environment_and_other_schemes_are_refused() {
        let err = parse("postgres://u:pw@h/db", StoreSource::Env).unwrap_err();
        assert_eq!(crate::exit::classify(&err).0, Exit::Config);
        assert!(!format!("{err:#}").contains("pw@"));
        for bad in ["mysql://h/db", "not a url", "postgres:///db"] {
            let err = parse(bad, StoreSource::Config).unwrap_err();
            assert_eq!(crate::exit::classify(&err).0, Exit::Config, "{bad}");
        }
    }
}
