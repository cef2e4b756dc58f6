//! Delivers one composed email: the API call, the journal line, the outbox on failure,
//! and the result the user sees. Shared by `send` and `outbox flush`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::Value;

use crate::api::{Client, Exchange, Outcome};
use crate::exit::Exit;
use crate::journal::{Journal, JournalEntry, Replay, Request};
use crate::outbox::{Destination, Outbox, Pending};
use crate::outcome::{Origin, RecordOutcome};
use crate::output::{Printer, RecordResult};

/// One request to make: the exact body and what the output says about it.
#[derive(Debug)]
pub struct Job {
    pub number: usize,
    pub origin: Origin,
    pub label: String,
    pub key: String,
    /// The exact JSON body POSTed.
    pub body: Vec<u8>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// The outbox file this request was read from (`outbox flush`).
    pub entry: Option<PathBuf>,
    /// The digest of the incident's fields, journaled when the email is accepted.
    pub digest: Option<String>,
}

/// How one record ended: its `--json` result, its exit code and its human line.
#[derive(Debug)]
pub struct Finished {
    pub result: Option<RecordResult>,
    pub exit: Exit,
    pub line: Option<String>,
}

impl Finished {
    /// A job that was never started because the run was interrupted.
    pub fn not_sent(job: &Job) -> Finished {
        Finished {
            result: Some(RecordResult {
                record: job.number,
                origin: job.origin.clone(),
                outcome: RecordOutcome::NotSent,
                idempotency_key: Some(job.key.clone()),
                error: Some("interrupted before it was sent".into()),
                ..RecordResult::default()
            }),
            exit: Exit::Interrupted,
            line: None,
        }
    }
}

/// Where failed requests go and what is written down.
pub struct Courier<'a> {
    pub client: &'a Client,
    pub outbox: Option<&'a Outbox>,
    pub journal: &'a Journal,
    pub destination: Destination,
    pub printer: &'a Printer,
    /// Set once a failure means every further request would fail the same way
    /// (network down after the full retry budget, quota block, auth, redirect).
    pub halted: AtomicBool,
    /// Records kept without a request once halted: reported together by `held_report`.
    pub held: AtomicUsize,
}

impl Courier<'_> {
    pub fn deliver(&self, parcel: &Job) -> Finished {
        let (result, exit, line) = self.attempt(parcel);
        Finished {
            result: Some(result),
            exit,
            line,
        }
    }

    fn attempt(&self, parcel: &Job) -> (RecordResult, Exit, Option<String>) {
        let (exchange, replay) = if self.halted.load(Ordering::Relaxed) {
            (None, Replay::First)
        } else {
            let exchange = self.client.send(&parcel.body);
            let replay = match &exchange.outcome {
                Outcome::Accepted { id, .. } => self.journal.replay(
                    &self.destination.base_url,
                    self.destination.tenant_id.as_deref(),
                    &parcel.key,
                    parcel.digest.as_deref(),
                    id.as_deref(),
                ),
                _ => Replay::First,
            };
            self.record(parcel, &exchange, &replay);
            (Some(exchange), replay)
        };
        let mut result = RecordResult {
            record: parcel.number,
            origin: parcel.origin.clone(),
            idempotency_key: Some(parcel.key.clone()),
            to: parcel.to.clone(),
            subject: parcel.subject.clone(),
            ..RecordResult::default()
        };
        let Some(exchange) = exchange else {
            result.outcome = RecordOutcome::Deferred;
            result.error =
                Some("not sent: an earlier request of this run failed the same way".into());
            if let Some(entry) = &parcel.entry {
                // Already in the outbox: leave the entry and its last error as they are.
                result.outbox_path = Some(entry.display().to_string());
                return (result, Exit::TempFail, None);
            }
            let (result, exit) = self.keep(parcel, result, None, Exit::TempFail);
            // One that could not be saved has said so itself.
            if exit != Exit::IoErr {
                self.held.fetch_add(1, Ordering::Relaxed);
            }
            return (result, exit, None);
        };
        result.attempts = exchange.attempts;
        result.quota = exchange.quota.clone();
        result.rate_limit = exchange.rate_limit.clone();
        result.http = exchange.outcome.http();
        result.error = exchange.outcome.error();
        for line in &exchange.trace {
            self.printer.detail(1, &format!("{}: {line}", parcel.label));
        }
        for header in &exchange.headers {
            self.printer.detail(1, header);
        }
        if let Some(q) = &exchange.quota {
            self.printer.quota(q);
        }
        let exit = exchange.outcome.exit();
        let (result, exit) = match &exchange.outcome {
            Outcome::Accepted {
                id, status, note, ..
            } => {
                result.outcome = RecordOutcome::Sent;
                result.id = id.clone();
                result.status = status.clone();
                result.replayed = Some(replay.replayed());
                if let Some(note) = note {
                    self.printer.warn(&format!("{}: {note}", parcel.label));
                }
                if let Replay::Different(earlier) = &replay {
                    result.error =
                        Some(self.different_incident(parcel, &result, earlier.as_deref()));
                }
                // Delivered: an outbox entry for the same key (from an earlier failed
                // run, or the one being flushed) has nothing left to do.
                match (&parcel.entry, self.outbox) {
                    (Some(entry), _) => self.remove_entry(entry),
                    (None, Some(outbox)) => self.remove_entry(&outbox.pending_path(&parcel.key)),
                    (None, None) => {}
                }
                let verb = match replay {
                    Replay::Different(_) => "replayed",
                    _ => "sent",
                };
                let line = sent_line(verb, &parcel.label, &result);
                return (result, Exit::Ok, Some(line));
            }
            Outcome::Rejected(_) => {
                result.outcome = RecordOutcome::Rejected;
                self.keep(parcel, result, Some(&exchange), exit)
            }
            Outcome::Auth(_) => {
                result.outcome = RecordOutcome::Auth;
                self.halted.store(true, Ordering::Relaxed);
                self.keep(parcel, result, Some(&exchange), exit)
            }
            Outcome::Redirect { .. } | Outcome::NeedsTenant(_) => {
                result.outcome = RecordOutcome::Config;
                self.halted.store(true, Ordering::Relaxed);
                self.keep(parcel, result, Some(&exchange), exit)
            }
            Outcome::QuotaBlocked(_) | Outcome::Transient { .. } => {
                result.outcome = RecordOutcome::Deferred;
                self.halted.store(true, Ordering::Relaxed);
                self.keep(parcel, result, Some(&exchange), exit)
            }
        };
        (result, exit, None)
    }

    fn remove_entry(&self, entry: &std::path::Path) {
        if let Err(e) = std::fs::remove_file(entry) {
            // No entry, or no outbox directory at all: nothing to clear.
            use std::io::ErrorKind::{NotADirectory, NotFound};
            if !matches!(e.kind(), NotFound | NotADirectory) {
                self.printer
                    .warn(&format!("cannot remove {}: {e}", entry.display()));
            }
        }
    }

    /// Save a request that did not go through: `failed/` for a final rejection, the
    /// outbox otherwise. A save that fails turns the exit into 74 and says so.
    fn keep(
        &self,
        parcel: &Job,
        mut result: RecordResult,
        exchange: Option<&Exchange>,
        exit: Exit,
    ) -> (RecordResult, Exit) {
        let error = result.error.clone().unwrap_or_default();
        let mut exit = exit;
        let origin = parcel.origin.to_string();
        let saved: Option<Result<PathBuf, anyhow::Error>> = self.outbox.map(|outbox| {
            let body: Value = serde_json::from_slice(&parcel.body).expect("bodies are JSON");
            let pending = Pending {
                key: &parcel.key,
                body: &body,
                attempts: exchange.map_or(0, |e| e.attempts),
                error: result.error.clone(),
                http: result.http,
                origin: Some(&origin),
                label: Some(&parcel.label),
                digest: parcel.digest.as_deref(),
                destination: &self.destination,
            };
            if exit == Exit::Unavailable {
                let stored = outbox.reject(pending);
                if let (Ok(_), Some(entry)) = (&stored, &parcel.entry) {
                    self.remove_entry(entry);
                }
                stored
            } else {
                outbox.defer(pending)
            }
        });
        let prefix = parcel.origin.prefix(&parcel.label);
        // A record held after the failure that halted the run is reported with the others
        // (`held_report`); its own lines only at -v.
        let held = exchange.is_none();
        if held {
            self.printer.detail(1, &format!("{prefix}: {error}"));
        } else {
            self.printer.error(&format!("{prefix}: {error}"));
        }
        match saved {
            Some(Ok(path)) if held => {
                self.printer
                    .detail(1, &format!("saved in the outbox: {}", path.display()));
                result.outbox_path = Some(path.display().to_string());
            }
            Some(Ok(path)) => {
                let where_ = if exit == Exit::Unavailable {
                    "kept with the API's answer in"
                } else {
                    "saved in the outbox:"
                };
                self.printer.note(&format!("{where_} {}", path.display()));
                let needs_tenant =
                    exchange.is_some_and(|e| matches!(e.outcome, Outcome::NeedsTenant(_)));
                if needs_tenant {
                    self.printer.hint_once("set the key's tenant: tenant_id in the config, MAILINGCORE_TENANT_ID or --tenant-id (the dashboard shows it), then run `mcnotify outbox flush`");
                } else if exit != Exit::Unavailable {
                    // The same advice for every record kept: once per run.
                    self.printer.hint_once(match exit {
                        Exit::NoPerm => "fix the key (`mcnotify verify-key` tells what is wrong), then run `mcnotify outbox flush`",
                        Exit::Config => "fix --base-url, then run `mcnotify outbox flush`",
                        _ => "`mcnotify outbox flush` sends it again (same idempotency key, so never twice)",
                    });
                }
                result.outbox_path = Some(path.display().to_string());
            }
            Some(Err(e)) => {
                self.printer.error(&format!(
                    "{prefix}: the incident was NOT saved to the outbox: {e:#}"
                ));
                result.error = Some(format!("{error}; NOT saved: {e:#}"));
                exit = Exit::IoErr;
            }
            None => {
                if exit != Exit::Unavailable && !held {
                    self.printer.note("not saved (--no-outbox)");
                }
            }
        }
        (result, exit)
    }

    /// One line for the records held after the failure that halted the run.
    pub fn held_report(&self) {
        let held = self.held.load(Ordering::Relaxed);
        if held == 0 {
            return;
        }
        let records = if held == 1 {
            "record was"
        } else {
            "records were"
        };
        let kept = if self.outbox.is_some() {
            "saved in the outbox (`mcnotify outbox list` shows them; -v names each)"
        } else {
            "not saved (--no-outbox)"
        };
        self.printer.error(&format!(
            "{held} more {records} not tried after that failure: {kept}"
        ));
    }

    /// MailingCore answered an incident with the email it accepted earlier, under the
    /// same key, for a different incident: this one was not sent, and the user must know.
    /// The warning's text, also the result's `error`.
    fn different_incident(
        &self,
        parcel: &Job,
        result: &RecordResult,
        earlier: Option<&JournalEntry>,
    ) -> String {
        let id = earlier
            .and_then(|e| e.id.as_deref())
            .or(result.id.as_deref())
            .unwrap_or("?");
        let when = earlier
            .map(|e| format!(" at {}", e.time))
            .unwrap_or_default();
        let prefix = parcel.origin.prefix(&parcel.label);
        let text = format!(
            "NOT sent: the idempotency key {} was already used for a different incident, \
             so MailingCore answered with that earlier email (id={id}{when})",
            parcel.key
        );
        self.printer.warn(&format!("{prefix}: {text}"));
        self.printer.hint_once(
            "the default key `botpress-{conversationId}-incident` allows one incident per \
             conversation; for one email per incident set `idempotency_key = \
             \"botpress-{conversationId}-{code}\"` in the config (or give --idempotency-key)",
        );
        text
    }

    fn record(&self, parcel: &Job, exchange: &Exchange, replay: &Replay) {
        let mut entry = JournalEntry::of(
            Request::Send,
            &self.destination.base_url,
            self.destination.tenant_id.as_deref(),
            Some(&parcel.key),
            exchange,
        );
        entry.incident_digest = parcel.digest.clone();
        if let Outcome::Accepted { .. } = exchange.outcome {
            entry.replayed = Some(replay.replayed());
        }
        if let Err(e) = self.journal.append(&entry) {
            self.printer.warn(&format!("{e:#}"));
        }
    }
}

/// `sent 5859 Albacenter Mall -> helpdesk@example.com id=clxlog123 QUEUED quota 421/5000 (8%)`
fn sent_line(verb: &str, label: &str, result: &RecordResult) -> String {
    let mut line = format!(
        "{verb} {label} -> {} id={}",
        result.to.as_deref().unwrap_or("?"),
        result.id.as_deref().unwrap_or("?")
    );
    if let Some(status) = &result.status {
        line.push(' ');
        line.push_str(status);
    }
    if let Some(q) = &result.quota {
        let summary = q.summary();
        if !summary.is_empty() {
            line.push_str(" quota ");
            line.push_str(&summary);
        }
    }
    line
}
