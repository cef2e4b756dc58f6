//! The API key and the bridge token: held apart from other strings so that they can only
//! be printed redacted.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

pub const KEY_PREFIXES: [&str; 2] = ["mc_live_", "mc_test_"];

/// A key file larger than this is not a key file (a key is under 1 KiB).
pub const MAX_KEY_FILE_BYTES: u64 = 4 << 10;

/// The text of a file that holds a secret (a key file, a config that may hold a key).
/// The file is opened without blocking (a FIFO with no writer does not hang), must be a
/// regular file (not a FIFO, a device such as `/dev/zero`, a directory or a socket) and
/// is read up to `limit` bytes. `Err` is a sentence naming `what` and the file, never its
/// content.
pub fn read_secret_file(path: &Path, what: &str, limit: u64) -> Result<String, String> {
    let shown = path.display();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file: File = options.open(path).map_err(|e| {
        let kind = std::fs::metadata(path)
            .ok()
            .and_then(|m| not_regular(&m.file_type()));
        match kind {
            Some(kind) => format!("the {what} {shown} is {kind}, not a regular file"),
            None => format!("cannot read the {what} {shown}: {e}"),
        }
    })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read the {what} {shown}: {e}"))?;
    if let Some(kind) = not_regular(&meta.file_type()) {
        return Err(format!("the {what} {shown} is {kind}, not a regular file"));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the {what} {shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "the {what} {shown} is larger than {}",
            size_words(limit)
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("the {what} {shown} is not UTF-8 text"))
}

/// What a file that is not a regular file is, in words.
fn not_regular(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
    }
    Some("not a regular file")
}

fn size_words(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// A MailingCore API key. `Debug` and `Display` show only the redacted form.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: String) -> ApiKey {
        ApiKey(key)
    }

    /// The key itself, for the `Authorization` header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `mc_live_…1a2b`: the prefix and the last four characters when at least 16
    /// follow the prefix, else the prefix alone.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }

    /// The documented prefix the key starts with, if any.
    pub fn prefix(&self) -> Option<&'static str> {
        KEY_PREFIXES.into_iter().find(|p| self.0.starts_with(p))
    }
}

pub fn redact(key: &str) -> String {
    let prefix = KEY_PREFIXES
        .into_iter()
        .find(|p| key.starts_with(p))
        .unwrap_or("");
    let rest: Vec<char> = key[prefix.len()..].chars().collect();
    if rest.len() >= 16 {
        let tail: String = rest[rest.len() - 4..].iter().collect();
        format!("{prefix}…{tail}")
    } else {
        format!("{prefix}…")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.redacted())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// The bridge token of `mcnotify serve`: compared, never shown.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(token: String) -> Token {
        Token(token)
    }

    /// The token itself, to compare a request's with.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_prefix_and_last_four_only_for_long_keys() {
        assert_eq!(redact("mc_live_0123456789abcdef1a2b"), "mc_live_…1a2b");
        assert_eq!(redact("mc_test_short"), "mc_test_…");
        assert_eq!(redact("something-else-entirely-long"), "…long");
        let key = ApiKey::new("mc_live_0123456789abcdef1a2b".into());
        assert_eq!(format!("{key:?}"), "ApiKey(mc_live_…1a2b)");
        assert!(!format!("{key} {key:?}").contains("0123456789"));
    }
}
