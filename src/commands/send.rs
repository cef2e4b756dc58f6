//! `mcnotify send`: compose every record and deliver it exactly once, or keep it.

use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;

use crate::api::{check_base_url, Client, RetryPolicy};
use std::io::IsTerminal;

use crate::cli::{InputArgs, SendArgs};
use crate::config::Settings;
use crate::delivery::{Courier, Finished, Job};
use crate::dispatch::{self, Interrupt, Tally, Work};
use crate::exit::Exit;
use crate::journal::Journal;
use crate::outbox::{Destination, Outbox};
use crate::outcome::{Origin, RecordOutcome};
use crate::output::{Printer, RecordResult};
use crate::pacing::Pacer;
use crate::pipeline::{Pipeline, Prepared};

/// Requests in flight at once unless `--jobs` says otherwise.
pub const DEFAULT_JOBS: usize = 4;

pub fn run(args: &SendArgs, settings: &Settings, printer: &Printer) -> Result<Exit> {
    let jobs = jobs(args.jobs)?;
    if args.input.file.iter().any(|f| f.as_os_str() == "-") && std::io::stdin().is_terminal() {
        // The terminal is for typing the incidents: no spinner drawn over them.
        printer.no_progress();
    }
    let pipeline = Pipeline::new(&args.input, &args.incident, settings)?;
    if args.dry_run {
        return dry_run(pipeline, settings, &args.input, printer);
    }
    let client = client(settings, printer)?.with_pacer(Arc::new(Pacer::new()));
    let outbox = Outbox::new(&settings.state_dir);
    outbox.prepare(printer);
    let courier = Courier {
        client: &client,
        outbox: (!args.no_outbox).then_some(&outbox),
        journal: &Journal::new(&settings.state_dir),
        destination: destination(&client, settings),
        printer,
        halted: AtomicBool::new(false),
        held: AtomicUsize::new(0),
    };
    let interrupt = Interrupt::install();
    let work = pipeline.map(|step| step.map(|prepared| work_for(prepared, printer)));
    let (exit, tally) = dispatch::run(work, jobs, None, printer, &interrupt, |job| {
        courier.deliver(job)
    })?;
    courier.held_report();
    summarise(&tally, "sent", printer);
    Ok(nothing_sent(&args.input, tally.total(), exit, printer))
}

/// `nothing_read`, with its `--json` result line: a bridge reading one line per run
/// gets one for an input without incidents too, in the shape of the others (`record` 0,
/// `outcome` `empty`, `error` unless `--allow-empty`).
fn nothing_sent(input: &InputArgs, records: usize, exit: Exit, printer: &Printer) -> Exit {
    let code = nothing_read(records, exit, input.allow_empty, printer);
    if records == 0 && exit == Exit::Ok && printer.json {
        let origin = Origin::Input(
            input
                .file
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        );
        printer.json_line(&RecordResult {
            record: 0,
            origin,
            outcome: RecordOutcome::Empty,
            error: (code != Exit::Ok).then(|| NO_INCIDENT.to_string()),
            ..RecordResult::default()
        });
    }
    code
}

/// What a run whose input held no incident says.
const NO_INCIDENT: &str = "the input held no incident";

/// `--jobs`, checked: at least one.
pub fn jobs(jobs: Option<usize>) -> Result<usize> {
    match jobs {
        Some(0) => crate::exit::fail(Exit::Usage, "--jobs must be at least 1"),
        Some(n) => Ok(n),
        None => Ok(DEFAULT_JOBS),
    }
}

pub fn destination(client: &Client, settings: &Settings) -> Destination {
    Destination {
        base_url: client.base_url().to_string(),
        tenant_id: settings.tenant_id.clone(),
        profile: settings.profile.clone(),
    }
}

/// The one-line summary on stderr after a run of several records.
pub fn summarise(tally: &Tally, sent_word: &str, printer: &Printer) {
    if tally.total() > 1 {
        printer.note(&tally.summary(sent_word));
    }
}

/// A run whose input held no incident at all (nothing on stdin, an empty export, text that
/// is no document) exits 65: a bridge must not report a ticket that was never sent.
/// `--allow-empty` makes it a success, for replays of exports that may be empty.
pub fn nothing_read(records: usize, exit: Exit, allow_empty: bool, printer: &Printer) -> Exit {
    if records > 0 || exit != Exit::Ok {
        return exit;
    }
    if allow_empty {
        printer.note(NO_INCIDENT);
        return exit;
    }
    printer.error(NO_INCIDENT);
    printer.hint("--allow-empty makes an empty input a success (an export that may be empty)");
    Exit::DataErr
}

fn work_for(prepared: Prepared, printer: &Printer) -> Work {
    match prepared {
        Prepared::Email(ready) => Work::Job(Job {
            body: ready.bytes(),
            number: ready.number,
            origin: ready.origin,
            label: ready.email.label,
            key: ready.email.body.idempotency_key,
            to: Some(ready.email.body.to),
            subject: Some(ready.email.body.subject),
            entry: None,
            digest: Some(ready.email.incident_digest),
        }),
        other => Work::Done(Box::new(report_unsendable(other, printer))),
    }
}

/// Everything but the network: what would be sent, in input order.
fn dry_run(
    pipeline: Pipeline,
    settings: &Settings,
    input: &InputArgs,
    printer: &Printer,
) -> Result<Exit> {
    check_base_url(&settings.base_url)?;
    if let Err(e) = settings.api_key() {
        printer.warn(&format!("{e} (a real send would stop here)"));
    }
    let mut exit = Exit::Ok;
    let mut tally = Tally::default();
    for step in pipeline {
        let finished = match step? {
            Prepared::Email(ready) => {
                let request = ready.body();
                let body = &ready.email.body;
                let line = format!(
                    "would send {} -> {} subject={:?} key={}",
                    ready.email.label, body.to, body.subject, body.idempotency_key
                );
                Finished {
                    result: Some(RecordResult {
                        record: ready.number,
                        origin: ready.origin,
                        outcome: RecordOutcome::DryRun,
                        idempotency_key: Some(body.idempotency_key.clone()),
                        to: Some(body.to.clone()),
                        subject: Some(body.subject.clone()),
                        request: Some(request),
                        ..RecordResult::default()
                    }),
                    exit: Exit::Ok,
                    line: Some(line),
                }
            }
            other => report_unsendable(other, printer),
        };
        exit = exit.worst(finished.exit);
        if let Some(result) = &finished.result {
            if printer.json {
                printer.json_line(result);
            }
            tally.add(result.outcome);
        }
        if let Some(line) = &finished.line {
            printer.human(line);
        }
    }
    summarise(&tally, "would be sent", printer);
    Ok(nothing_sent(input, tally.total(), exit, printer))
}

/// The client with the key and retry policy of the settings (78 without a key).
pub fn client(settings: &Settings, printer: &Printer) -> Result<Client> {
    client_with(settings, printer, retry_policy(settings))
}

/// The retry policy of the settings: `--retries`, `--retry-max-time`, `--timeout`.
pub fn retry_policy(settings: &Settings) -> RetryPolicy {
    RetryPolicy {
        retries: settings.retries,
        max_time: settings.retry_max_time,
        timeout: settings.timeout,
        backoff: Duration::from_millis(250),
        rate_limit_waits: 10,
    }
}

/// The client with the key of the settings and the given retry policy.
pub fn client_with(settings: &Settings, printer: &Printer, policy: RetryPolicy) -> Result<Client> {
    let (key, source, warnings) = settings.api_key()?;
    for w in warnings.iter().chain(&settings.warnings) {
        printer.warn(w);
    }
    if let Some(config) = &settings.config_path {
        printer.detail(2, &format!("config {}", config.display()));
    }
    printer.detail(2, &format!("key {} from {source}", key.redacted()));
    let client = Client::new(&settings.base_url, key, settings.tenant_id.clone(), policy)?;
    printer.detail(2, client.proxy_note());
    Ok(client)
}

/// Invalid records (65) and unreadable files (66): reported, never sent or saved.
pub fn report_unsendable(step: Prepared, printer: &Printer) -> Finished {
    match step {
        Prepared::Invalid {
            number,
            origin,
            error,
        } => {
            printer.error(&origin.prefix(&error));
            Finished {
                result: Some(RecordResult {
                    record: number,
                    origin,
                    outcome: RecordOutcome::Invalid,
                    error: Some(error),
                    ..RecordResult::default()
                }),
                exit: Exit::DataErr,
                line: None,
            }
        }
        Prepared::Unreadable { error, .. } => {
            printer.error(&error);
            Finished {
                result: None,
                exit: Exit::NoInput,
                line: None,
            }
        }
        Prepared::Email(_) => unreachable!("emails are sent, not reported"),
    }
}
