//! `mcnotify send`: compose every record and deliver it exactly once, or keep it.

use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Result;

use crate::api::{Client, RetryPolicy};
use crate::cli::SendArgs;
use crate::config::Settings;
use crate::delivery::{Courier, Parcel};
use crate::exit::Exit;
use crate::journal::Journal;
use crate::outbox::{Destination, Outbox};
use crate::output::{Printer, RecordResult};
use crate::pipeline::{Pipeline, Prepared};

pub fn run(args: &SendArgs, settings: &Settings, printer: &Printer) -> Result<Exit> {
    let pipeline = Pipeline::new(&args.input, &args.incident, settings)?;
    let client = client(settings, printer)?;
    let outbox = Outbox::new(&settings.state_dir);
    let courier = Courier {
        client: &client,
        outbox: (!args.no_outbox).then_some(&outbox),
        journal: &Journal::new(&settings.state_dir),
        destination: Destination {
            base_url: client.base_url().to_string(),
            tenant_id: settings.tenant_id.clone(),
            profile: settings.profile.clone(),
        },
        printer,
        halted: AtomicBool::new(false),
    };
    let mut exit = Exit::Ok;
    for step in pipeline {
        let code = match step? {
            Prepared::Email(ready) => {
                let parcel = Parcel {
                    number: ready.number,
                    origin: &ready.origin,
                    label: &ready.email.label,
                    key: &ready.email.body.idempotency_key,
                    body: &ready.body,
                };
                let (result, code) = courier.deliver(&parcel);
                if printer.json {
                    printer.json_line(&result);
                }
                code
            }
            other => report_unsendable(other, printer),
        };
        exit = exit.worst(code);
    }
    Ok(exit)
}

/// The client with the key and retry policy of the settings (78 without a key).
pub fn client(settings: &Settings, printer: &Printer) -> Result<Client> {
    let (key, source, warnings) = settings.api_key()?;
    for w in warnings.iter().chain(&settings.warnings) {
        printer.warn(w);
    }
    printer.detail(2, &format!("key {} from {source}", key.redacted()));
    Client::new(
        &settings.base_url,
        key,
        settings.tenant_id.clone(),
        RetryPolicy {
            retries: settings.retries,
            max_time: settings.retry_max_time,
            timeout: settings.timeout,
            backoff: Duration::from_millis(250),
        },
    )
}

/// Invalid records (65) and unreadable files (66): reported, never sent or saved.
pub fn report_unsendable(step: Prepared, printer: &Printer) -> Exit {
    match step {
        Prepared::Invalid { number, origin, error } => {
            if origin == "flags" {
                printer.error(&error);
            } else {
                printer.error(&format!("{origin}: {error}"));
            }
            if printer.json {
                printer.json_line(&RecordResult {
                    record: number,
                    origin,
                    outcome: "invalid",
                    error: Some(error),
                    ..RecordResult::default()
                });
            }
            Exit::DataErr
        }
        Prepared::Unreadable { error, .. } => {
            printer.error(&error);
            Exit::NoInput
        }
        Prepared::Email(_) => Exit::Ok,
    }
}
