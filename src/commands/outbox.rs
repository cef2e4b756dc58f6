//! `mcnotify outbox`: list, show, drop, flush and retry the kept requests.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::{OutboxCommand, OutboxFlushArgs, OutboxIdArgs, OutboxListArgs, OutboxRetryArgs};
use crate::clock::{age, short_age};
use crate::commands::report::summarise;
use crate::context::{jobs, Context};
use crate::delivery::{Courier, Job};
use crate::dispatch::{self, Interrupt, Work};
use crate::exit::{fail, Exit, Failure};
use crate::outbox::{read_entry, Entry, Outbox, Retried};
use crate::outcome::{Origin, RecordOutcome};
use crate::output::{for_terminal, Printer};
use crate::pacing::Pacer;
use crate::state::private_dir;

pub fn run(command: &OutboxCommand, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let outbox = ctx.outbox();
    match command {
        OutboxCommand::List(args) => list(&outbox, args, printer),
        OutboxCommand::Show(args) => show(&outbox, args, printer),
        OutboxCommand::Drop(args) => drop_entry(&outbox, args, printer),
        OutboxCommand::Flush(args) => flush(&outbox, args, ctx),
        OutboxCommand::Retry(args) => retry(&outbox, args, printer),
    }
}

/// The entries of a folder, oldest first; unreadable files are reported and skipped.
fn entries(dir: &Path, printer: &Printer) -> Result<Vec<(PathBuf, Entry)>> {
    let read = match fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    let mut out = Vec::new();
    for item in read.flatten() {
        let path = item.path();
        let is_entry = path.extension().is_some_and(|e| e == "json")
            && !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if !is_entry {
            continue;
        }
        match read_entry(&path) {
            Ok(entry) => out.push((path, entry)),
            Err(e) => printer.warn(&format!("{e:#}")),
        }
    }
    out.sort_by(|a, b| (&a.1.created_at, &a.1.id).cmp(&(&b.1.created_at, &b.1.id)));
    Ok(out)
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

fn list(outbox: &Outbox, args: &OutboxListArgs, printer: &Printer) -> Result<Exit> {
    let dir = if args.failed {
        outbox.failed_dir()
    } else {
        outbox.dir().to_path_buf()
    };
    let entries = entries(&dir, printer)?;
    if entries.is_empty() {
        printer.note(&format!("nothing in {}", dir.display()));
        return Ok(Exit::Ok);
    }
    if printer.json {
        for (path, e) in &entries {
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
                path: path.display().to_string(),
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
fn find(outbox: &Outbox, id: &str) -> Result<PathBuf> {
    let id = id.trim().trim_end_matches(".json");
    let valid = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric());
    let mut found = Vec::new();
    if valid {
        for dir in [outbox.dir().to_path_buf(), outbox.failed_dir()] {
            let Ok(read) = fs::read_dir(&dir) else {
                continue;
            };
            for item in read.flatten() {
                let name = item.file_name().to_string_lossy().into_owned();
                if name.ends_with(".json") && name.starts_with(id) {
                    found.push(item.path());
                }
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(
            Failure::new(Exit::NoInput, format!("no outbox entry {id:?}"))
                .hint("`mcnotify outbox list` (and `list --failed`) shows the ids")
                .into(),
        ),
        n => fail(
            Exit::Usage,
            format!("{id:?} matches {n} entries; give more of the id"),
        ),
    }
}

fn show(outbox: &Outbox, args: &OutboxIdArgs, printer: &Printer) -> Result<Exit> {
    let path = find(outbox, &args.id)?;
    let entry = read_entry(&path).map_err(|e| Failure::new(Exit::NoInput, format!("{e:#}")))?;
    let text = if printer.json {
        serde_json::to_string(&entry)?
    } else {
        for_terminal(&serde_json::to_string_pretty(&entry)?, true).into_owned()
    };
    printer.out(&text);
    Ok(Exit::Ok)
}

fn drop_entry(outbox: &Outbox, args: &OutboxIdArgs, printer: &Printer) -> Result<Exit> {
    let path = find(outbox, &args.id)?;
    let subject = read_entry(&path).ok().and_then(|e| e.subject);
    fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    printer.human(&format!(
        "dropped {} {}",
        path.file_stem().unwrap_or_default().to_string_lossy(),
        subject.unwrap_or_default()
    ));
    Ok(Exit::Ok)
}

/// Hold the outbox lock for the whole flush so two runs never send the same entry.
fn lock(outbox: &Outbox, wait: bool, printer: &Printer) -> Result<File> {
    private_dir(outbox.dir())?;
    let path = outbox.dir().join(".lock");
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&path)
        .with_context(|| format!("cannot open the lock {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) if wait => {
            printer.note("another flush is running; waiting for it to finish");
            file.lock()
                .with_context(|| format!("cannot lock {}", path.display()))?;
            Ok(file)
        }
        Err(TryLockError::WouldBlock) => {
            Err(Failure::new(Exit::TempFail, "another flush is running")
                .hint("it holds the outbox lock; try again later, or pass --wait")
                .into())
        }
        Err(TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", path.display()))
        }
    }
}

fn flush(outbox: &Outbox, args: &OutboxFlushArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let jobs = jobs(args.jobs)?;
    // Anyone who can write there could plant an entry that this flush sends with the key.
    if let Some(why) = outbox.unsafe_dirs().into_iter().next() {
        return Err(Failure::new(Exit::Config, format!("refusing to flush: {why}"))
            .hint("anyone who can write there can plant an entry that a flush would send with your key; check the entries (`mcnotify outbox list`), then fix the mode")
            .into());
    }
    outbox.prepare(printer);
    let _lock = lock(outbox, args.wait, printer)?;
    let entries = entries(outbox.dir(), printer)?;
    if entries.is_empty() {
        let failed = entries_count(&outbox.failed_dir());
        if failed > 0 {
            printer.note(&format!(
                "the outbox is empty; {failed} refused for good {} in {}",
                if failed == 1 { "is" } else { "are" },
                outbox.failed_dir().display()
            ));
            printer.hint("`mcnotify outbox list --failed` shows why; once the cause is fixed, `mcnotify outbox retry ID|--all` puts them back for the next flush");
        } else {
            printer.note("the outbox is empty");
        }
        return Ok(Exit::Ok);
    }
    let client = ctx.client()?.with_pacer(Arc::new(Pacer::new()));
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
    let courier = Courier {
        client: &client,
        outbox: Some(outbox),
        journal: &ctx.journal(),
        destination,
        printer,
        halted: AtomicBool::new(false),
        held: AtomicUsize::new(0),
    };
    let work = entries.into_iter().enumerate().map(|(i, (path, entry))| {
        Ok(Work::Job(Job {
            number: i + 1,
            origin: Origin::Outbox(entry.id.clone()),
            label: entry
                .label
                .clone()
                .or_else(|| entry.subject.clone())
                .unwrap_or_else(|| entry.id.clone()),
            key: entry.idempotency_key,
            body: serde_json::to_vec(&entry.body).expect("bodies serialise"),
            to: entry.to,
            subject: entry.subject,
            entry: Some(path),
            digest: entry.incident_digest,
        }))
    });
    // Under -q (cron), a failing flush says so in one line, not one per entry.
    let one_line = printer.quiet && !printer.json;
    if one_line {
        printer.hold_errors();
    }
    let interrupt = Interrupt::install();
    let ran = dispatch::run(work, jobs, Some(total), printer, &interrupt, |job| {
        courier.deliver(job)
    });
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

/// How many entries a folder holds (0 when it does not exist).
fn entries_count(dir: &Path) -> usize {
    fs::read_dir(dir)
        .map(|read| {
            read.flatten()
                .filter(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.ends_with(".json") && !name.starts_with('.')
                })
                .count()
        })
        .unwrap_or(0)
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
fn retry(outbox: &Outbox, args: &OutboxRetryArgs, printer: &Printer) -> Result<Exit> {
    let paths: Vec<PathBuf> = match &args.id {
        Some(id) => {
            let path = find(outbox, id)?;
            if path.parent() != Some(outbox.failed_dir().as_path()) {
                printer.note(&format!(
                    "{} is not in {}: it is already waiting in the outbox",
                    id.trim(),
                    outbox.failed_dir().display()
                ));
                printer.hint("`mcnotify outbox flush` sends it");
                return Ok(Exit::Ok);
            }
            vec![path]
        }
        None => entries(&outbox.failed_dir(), printer)?
            .into_iter()
            .map(|(path, _)| path)
            .collect(),
    };
    if paths.is_empty() {
        printer.note(&format!("nothing in {}", outbox.failed_dir().display()));
        return Ok(Exit::Ok);
    }
    let _lock = lock(outbox, false, printer)?;
    let mut moved = 0;
    for path in &paths {
        match outbox.retry(path)? {
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
                        path: to.display().to_string(),
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
                path.display(),
                pending.display()
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
