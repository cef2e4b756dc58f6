//! Delivers one composed email: the API call, the journal line, and the store when it
//! fails. It prints nothing: what happened comes back as a `Delivered` for the report.
//! Shared by `send` and `outbox flush`.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::value::RawValue;

use crate::api::{Client, Exchange, Outcome};
use crate::exit::Exit;
use crate::outcome::Origin;
use crate::store::{Destination, EntryId, JournalEntry, Pending, Replay, Request, Store};

/// One request to make: the exact body and what the output says about it.
#[derive(Debug)]
pub struct Job {
    pub number: usize,
    pub origin: Origin,
    pub label: String,
    pub key: String,
    /// The exact JSON body POSTed.
    pub body: Box<RawValue>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// The stored entry this request was read from (`outbox flush`).
    pub entry: Option<EntryId>,
    /// The digest of the incident's fields, journaled when the email is accepted.
    pub digest: Option<String>,
}

/// What became of one job.
#[derive(Debug)]
pub struct Delivered {
    /// The API's answer; none when the job was held without a request because an earlier
    /// failure of the run means it would fail the same way.
    pub exchange: Option<Exchange>,
    /// For an accepted send: whether it replayed an earlier email.
    pub replay: Replay,
    /// Where a request that did not go through was kept.
    pub kept: Kept,
    /// Advisory writes that failed (the journal line, clearing a settled entry).
    pub warnings: Vec<String>,
}

impl Delivered {
    /// The exit code of this job alone.
    pub fn exit(&self) -> Exit {
        if matches!(self.kept, Kept::NotSaved(_)) {
            return Exit::IoErr;
        }
        match &self.exchange {
            None => Exit::TempFail,
            Some(e) => match e.outcome {
                Outcome::Accepted { .. } => Exit::Ok,
                _ => e.outcome.exit(),
            },
        }
    }
}

/// Where a request that did not go through is.
#[derive(Debug)]
pub enum Kept {
    /// It went through: nothing to keep.
    Delivered,
    /// Saved under this id (the outbox, or `failed/` for a final refusal).
    Saved(EntryId),
    /// It came from the store and stays there as it was (held after a halt).
    Unchanged(EntryId),
    /// Not saved: keeping is off (`--no-outbox`).
    Off,
    /// Saving it failed: the incident is NOT kept.
    NotSaved(String),
}

/// Makes requests and keeps what fails; latches when a failure means every further request
/// of this run would fail the same way (network down after the full retry budget, quota
/// block, auth, redirect).
pub struct Deliverer<'a> {
    client: &'a Client,
    store: &'a Store,
    /// Whether requests that fail are kept (`--no-outbox` turns it off).
    keep: bool,
    destination: Destination,
    halted: AtomicBool,
}

impl<'a> Deliverer<'a> {
    pub fn new(
        client: &'a Client,
        store: &'a Store,
        keep: bool,
        destination: Destination,
    ) -> Deliverer<'a> {
        Deliverer {
            client,
            store,
            keep,
            destination,
            halted: AtomicBool::new(false),
        }
    }

    pub fn deliver(&self, job: &Job) -> Delivered {
        let mut warnings = Vec::new();
        if self.halted.load(Ordering::Relaxed) {
            let kept = match &job.entry {
                // Already in the store: leave the entry and its last error as they are.
                Some(entry) => Kept::Unchanged(entry.clone()),
                None => self.keep(
                    job,
                    None,
                    Some("not sent: an earlier request of this run failed the same way".into()),
                    None,
                    false,
                    &mut warnings,
                ),
            };
            return Delivered {
                exchange: None,
                replay: Replay::First,
                kept,
                warnings,
            };
        }
        let exchange = self.client.send(job.body.get().as_bytes());
        let replay = match &exchange.outcome {
            Outcome::Accepted { id, .. } => self.store.replay(
                &self.destination,
                &job.key,
                job.digest.as_deref(),
                id.as_deref(),
            ),
            _ => Replay::First,
        };
        self.journal(job, &exchange, &replay, &mut warnings);
        let kept = match &exchange.outcome {
            Outcome::Accepted { .. } => {
                let settled = match &job.entry {
                    Some(entry) => self.store.remove(entry),
                    None => self.store.settle(&job.key),
                };
                if let Err(e) = settled {
                    warnings.push(format!("{e:#}"));
                }
                Kept::Delivered
            }
            outcome => {
                if matches!(
                    outcome,
                    Outcome::Auth(_)
                        | Outcome::Redirect { .. }
                        | Outcome::NeedsTenant(_)
                        | Outcome::QuotaBlocked(_)
                        | Outcome::Transient { .. }
                ) {
                    self.halted.store(true, Ordering::Relaxed);
                }
                let refused = outcome.exit() == Exit::Unavailable;
                self.keep(
                    job,
                    Some(exchange.attempts),
                    outcome.error(),
                    outcome.http(),
                    refused,
                    &mut warnings,
                )
            }
        };
        Delivered {
            exchange: Some(exchange),
            replay,
            kept,
            warnings,
        }
    }

    /// Save a request that did not go through: `failed/` for a final refusal, the outbox
    /// otherwise.
    fn keep(
        &self,
        job: &Job,
        attempts: Option<u32>,
        error: Option<String>,
        http: Option<u16>,
        refused: bool,
        warnings: &mut Vec<String>,
    ) -> Kept {
        if !self.keep {
            return Kept::Off;
        }
        let origin = job.origin.to_string();
        let pending = Pending {
            key: &job.key,
            body: &job.body,
            attempts: attempts.unwrap_or(0),
            error,
            http,
            origin: Some(&origin),
            label: Some(&job.label),
            digest: job.digest.as_deref(),
            destination: &self.destination,
        };
        let stored = if refused {
            let stored = self.store.reject(pending);
            if let (Ok(_), Some(entry)) = (&stored, &job.entry) {
                if let Err(e) = self.store.remove(entry) {
                    warnings.push(format!("{e:#}"));
                }
            }
            stored
        } else {
            self.store.defer(pending)
        };
        match stored {
            Ok(id) => Kept::Saved(id),
            Err(e) => Kept::NotSaved(format!("{e:#}")),
        }
    }

    fn journal(&self, job: &Job, exchange: &Exchange, replay: &Replay, warnings: &mut Vec<String>) {
        let mut entry = JournalEntry::of(
            Request::Send,
            &self.destination.base_url,
            self.destination.tenant_id.as_deref(),
            Some(&job.key),
            exchange,
        );
        entry.incident_digest = job.digest.clone();
        if let Outcome::Accepted { .. } = exchange.outcome {
            entry.replayed = Some(replay.replayed());
        }
        if let Err(e) = self.store.append(&entry) {
            warnings.push(format!("{e:#}"));
        }
    }
}
