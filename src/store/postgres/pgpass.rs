//! The password of a connection string that has none, from a pgpass file (`PGPASSFILE`,
//! else `~/.pgpass`) as libpq reads it: `host:port:database:user:password`, `*` for any,
//! `\` escaping `:` and `\`. A file others can read is ignored, as libpq does.

use std::path::PathBuf;

use anyhow::Result;
use postgres::config::Host;

use crate::exit::{Exit, Failure};
use crate::secret::read_secret_file;

/// A pgpass file larger than this is not one.
const MAX_BYTES: u64 = 64 << 10;

/// The password for the first host of `config`, if a pgpass file has one.
pub fn lookup(config: &postgres::Config) -> Result<Option<String>> {
    let Some(path) = file() else {
        return Ok(None);
    };
    if !path.exists() {
        return Ok(None);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)?.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(Failure::new(
                Exit::Config,
                format!(
                    "the password file {} can be read by others (mode {:o})",
                    path.display(),
                    mode & 0o777
                ),
            )
            .hint(format!("run: chmod 600 {}", path.display()))
            .into());
        }
    }
    let text = read_secret_file(&path, "password file", MAX_BYTES)
        .map_err(|why| Failure::new(Exit::Config, why))?;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(name)) => name.clone(),
        #[cfg(unix)]
        Some(Host::Unix(_)) | None => "localhost".to_string(),
        #[cfg(not(unix))]
        None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config
        .get_user()
        .map(str::to_string)
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_default();
    let database = config.get_dbname().unwrap_or(&user).to_string();
    Ok(find(&text, [&host, &port, &database, &user]))
}

fn file() -> Option<PathBuf> {
    match std::env::var_os("PGPASSFILE").filter(|v| !v.is_empty()) {
        Some(path) => Some(PathBuf::from(path)),
        None => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pgpass")),
    }
}

/// The password of the first line whose four fields match `wanted`.
fn find(text: &str, wanted: [&str; 4]) -> Option<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#'))
        .filter_map(split)
        .find(|fields| {
            fields[..4]
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want)
        })
        .map(|mut fields| fields.remove(4))
}

/// A line's five fields, unescaped; `None` for a line that has fewer.
fn split(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn the_first_matching_line_gives_the_password() {
        let text =
            "# comment\nother:5432:*:u:nope\ndb.example:5432:mc:bridge:pa\\:ss\\\\w\n*:*:*:*:any\n";
        assert_eq!(
            find(text, ["db.example", "5432", "mc", "bridge"]).as_deref(),
            Some("pa:ss\\w")
        );
        assert_eq!(find(text, ["h", "1", "d", "u"]).as_deref(), Some("any"));
        assert_eq!(find("h:1:d:u\n", ["h", "1", "d", "u"]), None);
    }
}
