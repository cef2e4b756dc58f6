//! `mcnotify outbox`: list, show, drop and flush the kept requests.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};
use serde::Serialize;

use crate::cli::{OutboxCommand, OutboxFlushArgs, OutboxIdArgs, OutboxListArgs};
use crate::commands::send::{client, destination, jobs, summarise};
use crate::config::Settings;
use crate::delivery::{Courier, Job};
use crate::dispatch::{self, Interrupt, Work};
use crate::exit::{fail, Exit, Failure};
use crate::journal::Journal;
use crate::outbox::{read_entry, Entry, Outbox};
use crate::output::{for_terminal, Printer};
use crate::pacing::Pacer;
use crate::state::private_dir;

pub fn run(command: &OutboxCommand, settings: &Settings, printer: &Printer) -> Result<Exit> {
    let outbox = Outbox::new(&settings.state_dir);
    match command {
        OutboxCommand::List(args) => list(&outbox, args, printer),
        OutboxCommand::Show(args) => show(&outbox, args, printer),
        OutboxCommand::Drop(args) => drop_entry(&outbox, args, printer),
        OutboxCommand::Flush(args) => flush(&outbox, args, settings, printer),
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
    if !printer.json {
        printer.out(&format!(
            "{:<16}  {:>5}  {:>8}  {:<40}  SUBJECT",
            "ID", "AGE", "ATTEMPTS", "LAST ERROR"
        ));
    }
    for (path, e) in &entries {
        let age = age(&e.created_at);
        if printer.json {
            printer.json_line(&Listed {
                id: &e.id,
                idempotency_key: &e.idempotency_key,
                created_at: &e.created_at,
                updated_at: &e.updated_at,
                age_seconds: age.map(|a| a.as_secs()),
                attempts: e.attempts,
                last_error: &e.last_error,
                last_status: e.last_status,
                subject: &e.subject,
                to: &e.to,
                base_url: &e.base_url,
                path: path.display().to_string(),
            });
        } else {
            let row = format!(
                "{:<16}  {:>5}  {:>8}  {:<40}  {}",
                e.id,
                age.map(short_age).unwrap_or_else(|| "?".into()),
                e.attempts,
                clip(e.last_error.as_deref().unwrap_or("-"), 40),
                e.subject.as_deref().unwrap_or("-")
            );
            printer.out(&for_terminal(&row, false));
        }
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
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
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

fn flush(
    outbox: &Outbox,
    args: &OutboxFlushArgs,
    settings: &Settings,
    printer: &Printer,
) -> Result<Exit> {
    let jobs = jobs(args.jobs)?;
    let _lock = lock(outbox, args.wait, printer)?;
    let entries = entries(outbox.dir(), printer)?;
    if entries.is_empty() {
        printer.note("the outbox is empty");
        return Ok(Exit::Ok);
    }
    let client = client(settings, printer)?.with_pacer(Arc::new(Pacer::new()));
    let destination = destination(&client, settings);
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
        journal: &Journal::new(&settings.state_dir),
        destination,
        printer,
        halted: AtomicBool::new(false),
        held: AtomicUsize::new(0),
    };
    let work = entries.into_iter().enumerate().map(|(i, (path, entry))| {
        Ok(Work::Job(Job {
            number: i + 1,
            origin: format!("outbox:{}", entry.id),
            label: entry.subject.clone().unwrap_or_else(|| entry.id.clone()),
            key: entry.idempotency_key,
            body: serde_json::to_vec(&entry.body).expect("bodies serialise"),
            to: entry.to,
            subject: entry.subject,
            entry: Some(path),
        }))
    });
    let interrupt = Interrupt::install();
    let (exit, tally) = dispatch::run(work, jobs, Some(total), printer, &interrupt, |job| {
        courier.deliver(job)
    })?;
    summarise(&tally, "sent", printer);
    Ok(exit)
}

fn age(rfc3339: &str) -> Option<Duration> {
    let then = humantime::parse_rfc3339_weak(rfc3339).ok()?;
    SystemTime::now().duration_since(then).ok()
}

/// `45s`, `12m`, `3h`, `2d`.
pub fn short_age(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

fn clip(text: &str, width: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= width {
        one_line
    } else {
        let cut: String = one_line.chars().take(width - 1).collect();
        format!("{cut}…")
    }
}
