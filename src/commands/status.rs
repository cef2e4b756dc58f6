//! `mcnotify status QUERY`: what the journal knows of one incident, one line per email.

use anyhow::Result;
use serde_json::json;

use crate::cli::StatusArgs;
use crate::context::Context;
use crate::event::describe;
use crate::exit::Exit;
use crate::history::{Email, Finder, Pending};
use crate::store::{EntryId, Folder, Store};

pub fn run(args: &StatusArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let store = ctx.store()?;
    let query = args.query.trim();
    let mut finder = Finder::new(query);
    let (wanted, keys) = finder.wanted();
    store.each_entry_of(&wanted, &keys.each_ref().map(String::as_str), |entry| {
        finder.read(entry)
    })?;
    let history = finder.finish();
    if history.emails.is_empty() && history.pending.is_empty() {
        printer.error(&format!(
            "nothing is known of {query:?}: no send under that idempotency key, delivery id or conversation id in the journal"
        ));
        return Ok(Exit::NoInput);
    }
    for email in &history.emails {
        if printer.json {
            printer.json_line(&json!({
                "idempotencyKey": email.idempotency_key,
                "id": email.id,
                "acceptedAt": email.accepted_at,
                "state": email.state(),
                "events": email.events,
            }));
        } else {
            printer.out(&email_line(email));
        }
    }
    for pending in &history.pending {
        let kept = kept_as(&store, pending);
        if printer.json {
            printer.json_line(&json!({
                "idempotencyKey": pending.idempotency_key,
                "state": "not-accepted",
                "outcome": pending.outcome,
                "at": pending.at,
                "error": pending.error,
                "outboxId": kept,
            }));
        } else {
            printer.out(&pending_line(pending, kept.as_deref()));
        }
    }
    // An email that did not arrive, unless its fallback did.
    let lost = history.emails.iter().any(|email| {
        let fallback = format!("{}-fallback", email.idempotency_key);
        email.undelivered()
            && !history
                .emails
                .iter()
                .any(|f| f.idempotency_key == fallback && !f.undelivered())
    });
    Ok(if lost {
        Exit::Unavailable
    } else if history.emails.is_empty() {
        Exit::TempFail
    } else {
        Exit::Ok
    })
}

/// `botpress-conv_abc123-incident id=clxlog123 accepted 2026-12-03T03:02:01Z, delivered 03:02:05`
fn email_line(email: &Email) -> String {
    let mut line = format!(
        "{} id={} accepted {}",
        email.idempotency_key,
        email.id.as_deref().unwrap_or("?"),
        email.accepted_at
    );
    for event in &email.events {
        let word = describe(&event.kind, event.bounce_type.as_deref());
        line.push_str(&format!(", {word} {}", clock(&event.at)));
    }
    line
}

/// The time of day of an RFC 3339 time (`03:02:05`), else the time as written.
fn clock(time: &str) -> &str {
    time.get(11..19)
        .filter(|t| time.as_bytes().get(10) == Some(&b'T') && t.as_bytes()[2] == b':')
        .unwrap_or(time)
}

fn pending_line(pending: &Pending, kept: Option<&str>) -> String {
    let outcome = serde_json::to_value(pending.outcome)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let mut line = format!(
        "{} not accepted yet: {outcome} at {}",
        pending.idempotency_key, pending.at
    );
    if let Some(error) = &pending.error {
        line.push_str(&format!(": {error}"));
    }
    match kept {
        Some(id) => line.push_str(&format!("; kept in the outbox as {id}")),
        None => line.push_str("; not in the outbox"),
    }
    line
}

/// The outbox entry of a key never accepted, if it is still kept.
fn kept_as(store: &Store, pending: &Pending) -> Option<String> {
    let id = EntryId::of_key(Folder::Pending, &pending.idempotency_key);
    store.get(&id).ok().map(|_| id.id)
}
