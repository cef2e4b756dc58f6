//! `POST /v1/webhooks/mailingcore`: MailingCore's delivery events, their signature checked
//! before anything is read, each event recorded once in the journal, answered at once.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::to_bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde_json::json;

use super::answer::Answer;
use super::Bridge;
use crate::event::Event;
use crate::signature::verify;
use crate::store::{JournalEntry, Recorded, Request as Asked};

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
                tokio::task::spawn_blocking(move || undelivered(&bridge, &event));
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

/// A hard bounce or a failure of an email: an error line when this bridge's store sent it.
fn undelivered(bridge: &Bridge, event: &Event) {
    let Some(email) = &event.email_log_id else {
        return;
    };
    let mut key = None;
    bridge.store.each_entry(|entry| {
        if entry.request == Asked::Send && entry.id.as_deref() == Some(email) && key.is_none() {
            key = entry.idempotency_key;
        }
    });
    let Some(key) = key else {
        return;
    };
    bridge.metrics.undelivered();
    let what = crate::event::describe(&event.kind, event.bounce_type.as_deref());
    bridge.log.note(&format!(
        "error: the email {email} (key {key}) was not delivered: {what}{}; the incident did not reach the helpdesk",
        event
            .diagnostic
            .as_deref()
            .map(|d| format!(" ({})", crate::output::for_terminal(d, false)))
            .unwrap_or_default()
    ));
}
