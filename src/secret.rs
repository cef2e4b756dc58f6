//! The API key: held apart from other strings so that it can only be printed redacted.

use std::fmt;

pub const KEY_PREFIXES: [&str; 2] = ["mc_live_", "mc_test_"];

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
