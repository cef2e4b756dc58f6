//! `POST /v1/webhooks/mailingcore`: MailingCore's delivery events, their signature checked
//! before anything is read, each event recorded once in the journal, answered at once.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde_json::json;

use super::answer::Answer;
use super::Bridge;
use crate::api::{Outcome, OutcomeKind};
use crate::delivery::Kept;
use crate::event::Event;
use crate::signature::verify;
use crate::store::{JournalEntry, Recorded, Request as Asked, Store};

/// A webhook body may be this large (events are a few hundred bytes).
const MAX_EVENT_BYTES: usize = 256 << 10;

pub async fn post(State(bridge): State<Arc<Bridge>>, request: Request) -> Answer {
    let Some(secret) = &bridge.webhook_secret else {
        return Answer::error(
            StatusCode::NOT_FOUND,
            "not-found",
            "webhooks are not configured: set webhook_secret_file in the [serve] table",
        );
    };
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(bridge.limits.deadline, to_bytes(body, MAX_EVENT_BYTES));
    let Ok(Ok(bytes)) = read.await else {
        return Answer::error(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "the body could not be read (or is over 256 KiB)",
        );
    };
    let header = parts
        .headers
        .get("x-mailingcore-signature")
        .and_then(|v| v.to_str().ok());
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    if let Err(refusal) = verify(secret.expose().as_bytes(), header, &bytes, now) {
        bridge.metrics.webhook("refused");
        return Answer::error(
            StatusCode::UNAUTHORIZED,
            "bad-signature",
            refusal.to_string(),
        );
    }
    let event = match Event::parse(&bytes) {
        Ok(event) => event,
        Err(e) => return Answer::error(StatusCode::BAD_REQUEST, "bad-request", e),
    };
    if !event.is_recorded() {
        bridge.metrics.webhook(&event.kind);
        return event_answer(&event, "ignored");
    }
    let entry = JournalEntry::of_event(&event, &bridge.destination.base_url);
    let store = bridge.store.clone();
    let recorded = tokio::task::spawn_blocking(move || store.record_event(&entry)).await;
    match recorded {
        Ok(Ok(Recorded::Duplicate)) => event_answer(&event, "duplicate"),
        Ok(Ok(Recorded::New)) => {
            bridge.metrics.webhook(&event.kind);
            if event.is_undelivered() {
                // Looking up the email reads the journal: not in the webhook's answer.
                let answer = event_answer(&event, "recorded");
                // Looking the email up reads the journal, and a fallback calls
                // MailingCore: neither in the webhook's answer.
                let lane = bridge.clone();
                lane.lane.spawn(undelivered(bridge, event));
                return answer;
            }
            event_answer(&event, "recorded")
        }
        Ok(Err(e)) => Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            format!("the event could not be recorded: {e:#}"),
        ),
        Err(_) => Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            "the event could not be recorded",
        ),
    }
}

fn event_answer(event: &Event, outcome: &'static str) -> Answer {
    let mut answer = event_answer_of(outcome);
    answer.body["id"] = event.id.clone().into();
    answer
}

fn event_answer_of(outcome: &'static str) -> Answer {
    Answer {
        status: StatusCode::OK,
        body: json!({ "outcome": outcome }),
        outcome,
        key: None,
        retry_after: None,
    }
}

/// A hard bounce or a failure of an email: when this bridge's store sent it, an error line,
/// and the incident sent once more to `fallback_to` under `<key>-fallback`.
async fn undelivered(bridge: Arc<Bridge>, event: Event) {
    let Some(email) = event.email_log_id.clone() else {
        return;
    };
    let (store, id) = (bridge.store.clone(), email.clone());
    let looked_up = tokio::task::spawn_blocking(move || sent_keys(&store, &id)).await;
    let Ok((Some(key), accepted)) = looked_up else {
        return;
    };
    bridge.metrics.undelivered();
    let what = crate::event::describe(&event.kind, event.bounce_type.as_deref());
    let diagnostic = event
        .diagnostic
        .as_deref()
        .map(|d| format!(" ({})", crate::output::for_terminal(d, false)))
        .unwrap_or_default();
    let lost =
        format!("error: the email {email} (key {key}) was not delivered: {what}{diagnostic}");
    let log = bridge.log;
    let Some(to) = &bridge.fallback_to else {
        log.note(&format!(
            "{lost}; no fallback_to is set: the incident did not reach the helpdesk"
        ));
        return;
    };
    if key.ends_with("-fallback") {
        log.note(&format!(
            "{lost}; it was the fallback itself: nothing more is sent"
        ));
        return;
    }
    let fallback_key = format!("{key}-fallback");
    if accepted.contains(&fallback_key) {
        log.note(&format!("{lost}; its fallback {fallback_key} went already"));
        return;
    }
    let Some(body) = bridge.store.sent_body(&key) else {
        log.note(&format!(
            "{lost}; no copy of the incident is kept (sent by another command, or over 30 days ago): no fallback sent"
        ));
        return;
    };
    let job = match crate::delivery::Job::fallback(&key, &body, to) {
        Ok(job) => job,
        Err(e) => {
            log.note(&format!(
                "{lost}; the kept copy cannot be read ({e}): no fallback sent"
            ));
            return;
        }
    };
    let delivered = bridge.deliverer.deliver(&job).await;
    bridge.metrics.fallback();
    for warning in &delivered.warnings {
        log.note(warning);
    }
    let went = match (&delivered.kept, &delivered.exchange) {
        (Kept::Delivered, Some(exchange)) => match &exchange.outcome {
            Outcome::Accepted { id, .. } => format!(
                "sent the incident to {to} as {fallback_key} (id {})",
                id.as_deref().unwrap_or("?")
            ),
            _ => format!("sent the incident to {to} as {fallback_key}"),
        },
        (Kept::Saved(id), _) => {
            format!("the fallback to {to} could not be sent yet: kept in the outbox as {id}")
        }
        (Kept::NotSaved(e, _), _) => format!("the fallback to {to} was NOT sent nor kept: {e}"),
        _ => format!("the fallback to {to} was not sent"),
    };
    log.note(&format!("{lost}; {went}"));
}

/// The key of the accepted send of email `id`, and every key accepted so far.
fn sent_keys(store: &Store, id: &str) -> (Option<String>, HashSet<String>) {
    let mut key = None;
    let mut accepted = HashSet::new();
    // The journal just took the event's line: a read that fails now leaves no fallback.
    let _ = store.each_entry(|entry| {
        if entry.request != Asked::Send || entry.outcome != OutcomeKind::Sent {
            return;
        }
        if entry.id.as_deref() == Some(id) && key.is_none() {
            key = entry.idempotency_key.clone();
        }
        accepted.extend(entry.idempotency_key);
    });
    (key, accepted)
}
