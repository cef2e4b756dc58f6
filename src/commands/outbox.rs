//! `mcnotify outbox`: list, show, drop, flush and retry the kept requests.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Result;
use serde::Serialize;

use crate::cli::{OutboxCommand, OutboxFlushArgs, OutboxIdArgs, OutboxListArgs, OutboxRetryArgs};
use crate::clock::{age, short_age};
use crate::context::{jobs, Context};
use crate::delivery::{Deliverer, Job};
use crate::dispatch::{self, Work};
use crate::exit::{fail, Exit, Failure};
use crate::interrupt::Interrupt;
use crate::outcome::RecordOutcome;
use crate::output::{for_terminal, Printer};
use crate::pacing::Pacer;
use crate::report::{summarise, Reporter};
use crate::store::{Claimed, Entry, EntryId, Folder, Found, Locked, Retried, Store};

pub fn run(command: &OutboxCommand, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let store = ctx.store()?;
    match command {
        OutboxCommand::List(args) => list(&store, args, printer),
        OutboxCommand::Show(args) => show(&store, args, printer),
        OutboxCommand::Drop(args) => drop_entry(&store, args, printer),
        OutboxCommand::Flush(args) => flush(store, args, ctx),
        OutboxCommand::Retry(args) => retry(&store, args, printer),
    }
}

/// The entries of a folder, oldest first; unreadable ones are reported and skipped.
fn entries(store: &Store, folder: Folder, printer: &Printer) -> Result<Vec<(EntryId, Entry)>> {
    let listing = store.list(folder)?;
    for w in &listing.unreadable {
        printer.warn(w);
    }
    Ok(listing.entries)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    id: &'a str,
    idempotency_key: &'a str,
    created_at: &'a str,
    updated_at: &'a str,
    age_seconds: Option<u64>,
    attempts: u32,
    last_error: &'a Option<String>,
    last_status: Option<u16>,
    subject: &'a Option<String>,
    to: &'a Option<String>,
    base_url: &'a str,
    path: String,
}

fn list(store: &Store, args: &OutboxListArgs, printer: &Printer) -> Result<Exit> {
    let folder = if args.failed {
        Folder::Failed
    } else {
        Folder::Pending
    };
    let entries = entries(store, folder, printer)?;
    if entries.is_empty() {
        printer.note(&format!("nothing in {}", store.location(folder)));
        return Ok(Exit::Ok);
    }
    if printer.json {
        for (id, e) in &entries {
            printer.json_line(&Listed {
                id: &e.id,
                idempotency_key: &e.idempotency_key,
                created_at: &e.created_at,
                updated_at: &e.updated_at,
                age_seconds: age(&e.created_at).map(|a| a.as_secs()),
                attempts: e.attempts,
                last_error: &e.last_error,
                last_status: e.last_status,
                subject: &e.subject,
                to: &e.to,
                base_url: &e.base_url,
                path: store.locate(id),
            });
        }
        return Ok(Exit::Ok);
    }
    // The error comes last so that its cause is never cut by a column after it; on a
    // terminal the subject and the error share its width, elsewhere nothing is cut.
    let width = std::io::stdout()
        .is_terminal()
        .then(|| terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)))
        .flatten();
    let subject_of = |e: &Entry| one_line(e.subject.as_deref().unwrap_or("-"));
    let longest = entries
        .iter()
        .map(|(_, e)| subject_of(e).chars().count())
        .max()
        .unwrap_or(0)
        .max("SUBJECT".len());
    const FIXED: usize = 16 + 2 + 5 + 2 + 8 + 2;
    let (subject_width, error_width) = match width {
        Some(w) => {
            let room = w.saturating_sub(FIXED + 2).max(30);
            let subject = longest.min((room / 3).max(12));
            (subject, Some(room - subject))
        }
        None => (longest, None),
    };
    printer.out(&format!(
        "{:<16}  {:>5}  {:>8}  {:<subject_width$}  LAST ERROR",
        "ID", "AGE", "ATTEMPTS", "SUBJECT"
    ));
    for (_, e) in &entries {
        let error = one_line(e.last_error.as_deref().unwrap_or("-"));
        let row = format!(
            "{:<16}  {:>5}  {:>8}  {:<subject_width$}  {}",
            e.id,
            age(&e.created_at)
                .map(short_age)
                .unwrap_or_else(|| "?".into()),
            e.attempts,
            clip(&subject_of(e), subject_width),
            match error_width {
                Some(w) => clip(&error, w),
                None => error,
            }
        );
        printer.out(&row);
    }
    Ok(Exit::Ok)
}

/// The entry named by its id (or a unique prefix of it), in the outbox or `failed/`.
fn find(store: &Store, id: &str) -> Result<EntryId> {
    match store.find(id)? {
        Found::One(found) => Ok(found),
        Found::None => Err(Failure::new(
            Exit::NoInput,
            format!("no outbox entry {:?}", id.trim().trim_end_matches(".json")),
        )
        .hint("`mcnotify outbox list` (and `list --failed`) shows the ids")
        .into()),
        Found::Many(n) => fail(
            Exit::Usage,
            format!(
                "{:?} matches {n} entries; give more of the id",
                id.trim().trim_end_matches(".json")
            ),
        ),
    }
}

fn show(store: &Store, args: &OutboxIdArgs, printer: &Printer) -> Result<Exit> {
    let id = find(store, &args.id)?;
    let entry = store
        .get(&id)
        .map_err(|e| Failure::new(Exit::NoInput, format!("{e:#}")))?;
    let text = if printer.json {
        serde_json::to_string(&entry)?
    } else {
        for_terminal(&serde_json::to_string_pretty(&entry)?, true).into_owned()
    };
    printer.out(&text);
    Ok(Exit::Ok)
}

fn drop_entry(store: &Store, args: &OutboxIdArgs, printer: &Printer) -> Result<Exit> {
    let id = find(store, &args.id)?;
    let subject = store.get(&id).ok().and_then(|e| e.subject);
    store.remove(&id)?;
    printer.human(&format!("dropped {id} {}", subject.unwrap_or_default()));
    Ok(Exit::Ok)
}

/// Another flush holds the directory's lock.
fn busy() -> anyhow::Error {
    Failure::new(Exit::TempFail, "another flush is running")
        .hint("it holds the outbox lock; try again later, or pass --wait")
        .into()
}

fn flush(store: Arc<Store>, args: &OutboxFlushArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let jobs = jobs(args.jobs)?;
    // Anyone who can write there could plant an entry that this flush sends with the key.
    if let Some(why) = store.unsafe_reasons().into_iter().next() {
        return Err(Failure::new(Exit::Config, format!("refusing to flush: {why}"))
            .hint("anyone who can write there can plant an entry that a flush would send with your key; check the entries (`mcnotify outbox list`), then fix the mode")
            .into());
    }
    // Its directories were checked above: only the sweep is left.
    ctx.sweep(&store);
    let waiting = || printer.note("another flush is running; waiting for it to finish");
    // Held to the end of the flush: no other flush sends these entries meanwhile.
    let mut claim = match store.claim(args.wait, waiting)? {
        Claimed::Held(claim) => claim,
        Claimed::Busy => return Err(busy()),
    };
    for w in &claim.listing.unreadable {
        printer.warn(w);
    }
    let entries = std::mem::take(&mut claim.listing.entries);
    if entries.is_empty() {
        let held = store.count(Folder::Pending)?;
        if held > 0 {
            printer.note(&format!(
                "nothing to send here: the {held} entr{} in {} {} being sent by another flush",
                if held == 1 { "y" } else { "ies" },
                store.location(Folder::Pending),
                if held == 1 { "is" } else { "are" },
            ));
            return Ok(Exit::Ok);
        }
        let failed = store.count(Folder::Failed)?;
        if failed > 0 {
            printer.note(&format!(
                "the outbox is empty; {failed} refused for good {} in {}",
                if failed == 1 { "is" } else { "are" },
                store.location(Folder::Failed)
            ));
            printer.hint("`mcnotify outbox list --failed` shows why; once the cause is fixed, `mcnotify outbox retry ID|--all` puts them back for the next flush");
        } else {
            printer.note("the outbox is empty");
        }
        return Ok(Exit::Ok);
    }
    let client = Arc::new(ctx.client()?.with_pacer(Arc::new(Pacer::new())));
    let destination = ctx.destination(&client);
    let elsewhere: BTreeSet<&str> = entries
        .iter()
        .map(|(_, e)| e.base_url.as_str())
        .filter(|url| *url != destination.base_url)
        .collect();
    for url in elsewhere {
        printer.warn(&format!(
            "entries first meant for {url} are sent to {} (the current settings)",
            destination.base_url
        ));
    }
    let total = entries.len() as u64;
    let deliverer = Deliverer::new(client, store.clone(), true, destination);
    let reporter = Reporter::new(printer, &store, true);
    let work = entries
        .into_iter()
        .enumerate()
        .map(|(i, (id, entry))| Ok(Work::Job(Box::new(Job::from_entry(i + 1, id, entry)))));
    // Under -q (cron), a failing flush says so in one line, not one per entry.
    let one_line = printer.quiet && !printer.json;
    if one_line {
        printer.hold_errors();
    }
    let interrupt = Interrupt::install();
    let runtime = ctx.runtime()?;
    let ran = dispatch::run(
        work,
        jobs,
        Some(total),
        printer,
        &interrupt,
        runtime,
        async |job| reporter.record(job, deliverer.deliver(job).await),
    );
    let errors = if one_line {
        printer.take_errors()
    } else {
        Vec::new()
    };
    let (exit, tally) = ran?;
    if one_line && (exit != Exit::Ok || !errors.is_empty()) {
        let first = errors
            .first()
            .map(|e| format!("; first error: {e}"))
            .unwrap_or_default();
        printer.error(&format!(
            "outbox flush of {total} entr{}: {}{first}",
            if total == 1 { "y" } else { "ies" },
            tally.summary("sent")
        ));
    }
    summarise(&tally, "sent", printer);
    Ok(exit)
}

/// The result line of one entry moved back by `retry`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RetriedLine<'a> {
    id: &'a str,
    outcome: RecordOutcome,
    idempotency_key: &'a str,
    subject: &'a Option<String>,
    attempts: u32,
    first_error: &'a Option<String>,
    path: String,
}

/// Put failed entries back in the outbox for the next flush, under the flush lock so a
/// running flush never sees an entry half moved.
fn retry(store: &Store, args: &OutboxRetryArgs, printer: &Printer) -> Result<Exit> {
    let failed_dir = store.location(Folder::Failed);
    let ids: Vec<EntryId> = match &args.id {
        Some(id) => {
            let found = find(store, id)?;
            if found.folder != Folder::Failed {
                printer.note(&format!(
                    "{} is not in {}: it is already waiting in the outbox",
                    id.trim(),
                    failed_dir
                ));
                printer.hint("`mcnotify outbox flush` sends it");
                return Ok(Exit::Ok);
            }
            vec![found]
        }
        None => entries(store, Folder::Failed, printer)?
            .into_iter()
            .map(|(id, _)| id)
            .collect(),
    };
    if ids.is_empty() {
        printer.note(&format!("nothing in {}", failed_dir));
        return Ok(Exit::Ok);
    }
    let _lock = match store.lock(false, || {})? {
        Locked::Held(lock) => lock,
        Locked::Busy => return Err(busy()),
    };
    let mut moved = 0;
    for id in &ids {
        match store.retry(id)? {
            Retried::Moved(to, entry) => {
                moved += 1;
                if printer.json {
                    printer.json_line(&RetriedLine {
                        id: &entry.id,
                        outcome: RecordOutcome::Retried,
                        idempotency_key: &entry.idempotency_key,
                        subject: &entry.subject,
                        attempts: entry.attempts,
                        first_error: &entry.first_error,
                        path: store.locate(&to),
                    });
                }
                printer.human(&format!(
                    "back in the outbox {} {}",
                    entry.id,
                    entry.subject.as_deref().unwrap_or_default()
                ));
            }
            Retried::AlreadyPending(pending) => printer.warn(&format!(
                "{} stays in failed/: the same request is already waiting as {}",
                store.locate(id),
                store.locate(&pending)
            )),
        }
    }
    if moved > 0 {
        printer.hint(
            "`mcnotify outbox flush` sends them again (same idempotency key, so never twice)",
        );
    }
    Ok(Exit::Ok)
}

/// Text on one line: line breaks and other control characters become spaces, so an
/// entry can never draw on the terminal.
/// A value on one table row: control characters (line breaks included) escaped.
fn one_line(text: &str) -> String {
    for_terminal(text, false).into_owned()
}

fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let cut: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
