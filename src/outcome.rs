//! How a record ended, as `--json` names it and the closing summary counts it.

use serde::Serialize;

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
