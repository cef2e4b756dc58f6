//! The integration tests: the `mcnotify` binary run under a clean environment against the
//! stand-in for MailingCore (`support/standin.rs`), one module per theme.

/// The test environment (`harness`) and the stand-in server (`standin`).
#[macro_use]
mod support;

/// Many incidents in one run: formats, shapes, ordering, concurrency, pacing, Ctrl-C.
mod batch;
/// The Botpress card (examples/botpress) under Node against `serve`.
mod card;
/// Signals, closed pipes, a full disk and crashes mid-run, and what stays on disk.
mod crash;
/// The systemd units and the Dockerfile: verified, and starting the binary as they mean to.
mod deploy;
/// The fault matrix: every way the API or the network fails, for one incident and a batch.
mod faults;
/// The committed completions/ and man/ match what the command line generates.
mod generated;
/// `-h` and `--help` layout and wording.
mod help;
/// Hostile input: each bad record gets a clear error naming where it came from.
mod hostile;
/// The outbox: keeping, listing, showing, dropping, flushing and retrying.
mod outbox;
/// The PostgreSQL store: claims across processes, replicas, the database going away.
mod postgres;
/// `check-quota` and `verify-key`.
mod quota;
/// The README's configuration and recipes, run as written.
mod recipes;
/// What the repository promises about itself (license, layout).
mod repository;
/// The key never leaves the `Authorization` header.
mod secrets;
/// `send` and `preview` of one incident: output, precedence, escaping.
mod send;
/// `mcnotify serve` over HTTP: the status table, deadline, single flight, flusher, drain.
mod serve;
/// The completion scripts in real bash, zsh and fish.
mod shells;
/// MailingCore's delivery webhooks on `serve`, and `status` over what they recorded.
mod webhooks;
