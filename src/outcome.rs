//! Where a record came from and how it ended, as `--json` and the messages name them,
//! and as the closing summary counts them.

use std::fmt;

use serde::{Serialize, Serializer};

/// Where a record came from: `origin` in `--json`, the prefix of its messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The incident given by flags alone, without an input file: `flags`.
    Flags,
    /// A place in the input files as the reader names it: `FILE:LINE`, `FILE:#N` inside a
    /// JSON array, `FILE:LINE#N` for a row of a Tables page; for an input that held no
    /// incident, the names of its files.
    Input(String),
    /// An outbox entry being flushed, by id: `outbox:ID`.
    Outbox(String),
}

impl Origin {
    /// A message about the record: `ORIGIN: text`, or the text alone for the flags
    /// (they have no place to name).
    pub fn prefix(&self, text: &str) -> String {
        match self {
            Origin::Flags => text.to_string(),
            _ => format!("{self}: {text}"),
        }
    }
}

/// No place: what a result holds until it is filled in.
impl Default for Origin {
    fn default() -> Origin {
        Origin::Input(String::new())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flags => f.write_str("flags"),
            Origin::Input(place) => f.write_str(place),
            Origin::Outbox(id) => write!(f, "outbox:{id}"),
        }
    }
}

impl Serialize for Origin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The `outcome` of one `--json` result line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordOutcome {
    /// Accepted by the API.
    Sent,
    /// Not a valid incident: never sent or saved.
    Invalid,
    /// Refused by the API for good: kept under `failed/`.
    Rejected,
    /// Not accepted yet (network, 5xx, rate or quota limit, or held after a failure that
    /// halted the run): kept in the outbox.
    Deferred,
    /// Refused for the key (401/403).
    Auth,
    /// Not sent because of the configuration (a redirect from the API).
    Config,
    /// Never started: the run was interrupted.
    NotSent,
    /// `preview --json`.
    Preview,
    /// `send --dry-run`.
    DryRun,
    /// An input without incidents (record 0).
    Empty,
    /// A failed entry moved back into the outbox (`outbox retry`).
    Retried,
    /// The delivery failed inside mcnotify; the result of one that was never filled in.
    #[default]
    Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_keep_their_json_names() {
        let names = [
            (Origin::Flags, "flags"),
            (Origin::Input("in.ndjson:3".into()), "in.ndjson:3"),
            (Origin::Outbox("ab12".into()), "outbox:ab12"),
        ];
        for (origin, name) in names {
            assert_eq!(serde_json::to_value(&origin).unwrap(), name);
        }
        assert_eq!(Origin::Flags.prefix("bad"), "bad");
        assert_eq!(
            Origin::Input("in.json:#2".into()).prefix("bad"),
            "in.json:#2: bad"
        );
    }

    #[test]
    fn outcomes_keep_their_json_names() {
        use RecordOutcome::*;
        let names = [
            (Sent, "sent"),
            (Invalid, "invalid"),
            (Rejected, "rejected"),
            (Deferred, "deferred"),
            (Auth, "auth"),
            (Config, "config"),
            (NotSent, "not-sent"),
            (Preview, "preview"),
            (DryRun, "dry-run"),
            (Empty, "empty"),
            (Retried, "retried"),
            (Error, "error"),
        ];
        for (outcome, name) in names {
            assert_eq!(serde_json::to_value(outcome).unwrap(), name);
        }
    }
}
