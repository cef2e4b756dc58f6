//! One record's report: a `Delivered` turned into its `--json` result, its human line,
//! its messages on stderr and its exit code; and the line for the records held after a
//! failure halted the run.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::api::Outcome;
use crate::delivery::{Delivered, Job, Kept, HELD};
use crate::exit::Exit;
use crate::outcome::RecordOutcome;
use crate::output::{Printer, RecordResult};
use crate::store::{Folder, JournalEntry, Replay, Store};

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

    /// The result of a delivery that panicked: named, with the way to resend it safely.
    pub fn crashed(job: &Job, printer: &Printer) -> Finished {
        let error = "internal error while sending; it may have been sent: send it again (same idempotency key, so never twice)";
        printer.error(&format!("{}: {error}", job.origin));
        Finished {
            result: Some(RecordResult {
                record: job.number,
                origin: job.origin.clone(),
                outcome: RecordOutcome::Error,
                idempotency_key: Some(job.key.clone()),
                to: job.to.clone(),
                subject: job.subject.clone(),
                error: Some(error.into()),
                ..RecordResult::default()
            }),
            exit: Exit::Internal,
            line: None,
        }
    }
}

/// Reports the deliveries of one run.
pub struct Reporter<'a> {
    printer: &'a Printer,
    store: &'a Store,
    /// Whether failed requests are kept (off under `--no-outbox`).
    keeping: bool,
    /// Records kept without a request once the run halted: reported together by `held`.
    held: AtomicUsize,
}

impl<'a> Reporter<'a> {
    pub fn new(printer: &'a Printer, store: &'a Store, keeping: bool) -> Reporter<'a> {
        Reporter {
            printer,
            store,
            keeping,
            held: AtomicUsize::new(0),
        }
    }

    /// What the user is told of one delivery, and its result.
    pub fn record(&self, job: &Job, delivered: Delivered) -> Finished {
        let printer = self.printer;
        for warning in &delivered.warnings {
            printer.warn(warning);
        }
        let exit = delivered.exit();
        let result = result_of(job, &delivered, self.store);
        let Some(exchange) = &delivered.exchange else {
            if let Kept::Unchanged(_) = &delivered.kept {
                return finished(result, exit, None);
            }
            // One that could not be saved has said so itself.
            if exit != Exit::IoErr {
                self.held.fetch_add(1, Ordering::Relaxed);
            }
            let result = self.kept(job, result, &delivered, exit);
            return finished(result, exit, None);
        };
        for line in &exchange.trace {
            printer.detail(1, &format!("{}: {line}", job.label));
        }
        for header in exchange.headers.lines() {
            printer.detail(1, &header);
        }
        if let Some(q) = &exchange.quota {
            printer.quota(q);
        }
        if let Outcome::Accepted { note, .. } = &exchange.outcome {
            if let Some(note) = note {
                printer.warn(&format!("{}: {note}", job.label));
            }
            let verb = match delivered.replay {
                Replay::Different(_) => {
                    let prefix = job.origin.prefix(&job.label);
                    let text = result.error.as_deref().unwrap_or_default();
                    self.printer.warn(&format!("{prefix}: {text}"));
                    self.printer.hint_once(
                        "the default key `botpress-{conversationId}-incident` allows one incident per \
                         conversation; for one email per incident set `idempotency_key = \
                         \"botpress-{conversationId}-{code}\"` in the config (or give --idempotency-key)",
                    );
                    "replayed"
                }
                _ => "sent",
            };
            let line = printer
                .shows_human()
                .then(|| sent_line(verb, &job.label, &result));
            return finished(result, exit, line);
        }
        let result = self.kept(job, result, &delivered, exit);
        finished(result, exit, None)
    }

    /// The messages for a request that did not go through, and where it was kept.
    fn kept(
        &self,
        job: &Job,
        mut result: RecordResult,
        delivered: &Delivered,
        exit: Exit,
    ) -> RecordResult {
        let printer = self.printer;
        let error = result.error.clone().unwrap_or_default();
        let prefix = job.origin.prefix(&job.label);
        // A record held after the failure that halted the run is reported with the others
        // (`held`); its own lines only at -v.
        let held = delivered.exchange.is_none();
        if held {
            printer.detail(1, &format!("{prefix}: {error}"));
        } else {
            printer.error(&format!("{prefix}: {error}"));
        }
        match &delivered.kept {
            Kept::Saved(id) => {
                let path = self.store.locate(id);
                if held {
                    printer.detail(1, &format!("saved in the outbox: {}", path));
                } else {
                    let refused = id.folder == Folder::Failed;
                    let where_ = if refused {
                        "kept with the API's answer in"
                    } else {
                        "saved in the outbox:"
                    };
                    printer.note(&format!("{where_} {}", path));
                    let needs_tenant = delivered
                        .exchange
                        .as_ref()
                        .is_some_and(|e| matches!(e.outcome, Outcome::NeedsTenant(_)));
                    if needs_tenant {
                        printer.hint_once("set the key's tenant: tenant_id in the config, MAILINGCORE_TENANT_ID or --tenant-id (the dashboard shows it), then run `mcnotify outbox flush`");
                    } else if !refused {
                        // The same advice for every record kept: once per run.
                        printer.hint_once(match exit {
                            Exit::NoPerm => "fix the key (`mcnotify verify-key` tells what is wrong), then run `mcnotify outbox flush`",
                            Exit::Config => "fix --base-url, then run `mcnotify outbox flush`",
                            _ => "`mcnotify outbox flush` sends it again (same idempotency key, so never twice)",
                        });
                    }
                }
            }
            Kept::NotSaved(e, _) => {
                printer.error(&format!(
                    "{prefix}: the incident was NOT saved to the outbox: {e}"
                ));
                result.error = Some(format!("{error}; NOT saved: {e}"));
            }
            Kept::Off => {
                let refused = delivered
                    .exchange
                    .as_ref()
                    .is_some_and(|e| e.outcome.exit() == Exit::Unavailable);
                if !refused && !held {
                    printer.note("not saved (--no-outbox)");
                }
            }
            Kept::Delivered | Kept::Unchanged(_) => {}
        }
        result
    }

    /// One line for the records held after the failure that halted the run.
    pub fn held(&self) {
        let held = self.held.load(Ordering::Relaxed);
        if held == 0 {
            return;
        }
        let records = if held == 1 {
            "record was"
        } else {
            "records were"
        };
        let kept = if self.keeping {
            "saved in the outbox (`mcnotify outbox list` shows them; -v names each)"
        } else {
            "not saved (--no-outbox)"
        };
        self.printer.error(&format!(
            "{held} more {records} not tried after that failure: {kept}"
        ));
    }
}

/// The `--json` result of one delivery (and `serve`'s answer), without a word printed:
/// the outcome, the API's answer and where a request that did not go through is kept.
pub fn result_of(job: &Job, delivered: &Delivered, store: &Store) -> RecordResult {
    let mut result = RecordResult {
        record: job.number,
        origin: job.origin.clone(),
        idempotency_key: Some(job.key.clone()),
        to: job.to.clone(),
        subject: job.subject.clone(),
        ..RecordResult::default()
    };
    if let Kept::Saved(id) | Kept::Unchanged(id) = &delivered.kept {
        result.outbox_path = Some(store.locate(id));
    }
    let Some(exchange) = &delivered.exchange else {
        result.outcome = RecordOutcome::Deferred;
        result.error = Some(HELD.into());
        return result;
    };
    result.attempts = exchange.attempts;
    result.quota = exchange.quota.clone();
    result.rate_limit = exchange.rate_limit.clone();
    result.http = exchange.outcome.http();
    result.error = exchange.outcome.error();
    result.outcome = match &exchange.outcome {
        Outcome::Accepted { id, status, .. } => {
            result.id = id.clone();
            result.status = status.clone();
            result.replayed = Some(delivered.replay.replayed());
            if let Replay::Different(earlier) = &delivered.replay {
                result.error = Some(different_incident(job, &result, earlier.as_deref()));
            }
            RecordOutcome::Sent
        }
        Outcome::Rejected(_) => RecordOutcome::Rejected,
        Outcome::Auth(_) => RecordOutcome::Auth,
        Outcome::Redirect { .. } | Outcome::NeedsTenant(_) => RecordOutcome::Config,
        Outcome::QuotaBlocked(_) | Outcome::Transient { .. } => RecordOutcome::Deferred,
    };
    result
}

/// MailingCore answered an incident with the email it accepted earlier, under the same
/// key, for a different incident: this one was not sent, and the user must know.
fn different_incident(job: &Job, result: &RecordResult, earlier: Option<&JournalEntry>) -> String {
    let id = earlier
        .and_then(|e| e.id.as_deref())
        .or(result.id.as_deref())
        .unwrap_or("?");
    let when = earlier
        .map(|e| format!(" at {}", e.time))
        .unwrap_or_default();
    format!(
        "NOT sent: the idempotency key {} was already used for a different incident, \
         so MailingCore answered with that earlier email (id={id}{when})",
        job.key
    )
}

fn finished(result: RecordResult, exit: Exit, line: Option<String>) -> Finished {
    Finished {
        result: Some(result),
        exit,
        line,
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
