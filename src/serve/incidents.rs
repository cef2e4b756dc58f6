//! The routes: `POST /v1/incidents` (one incident, answered within the deadline),
//! `/healthz`, `/readyz`, `/metrics`.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::answer::Answer;
use super::flight::Joined;
use super::Bridge;
use crate::delivery::Job;
use crate::email::{bounded_key, idempotency_key_arg};
use crate::input::{Format, Inputs, Item, MAX_RECORD_BYTES};
use crate::pipeline::Prepared;

/// Why a request kept at its deadline is in the outbox.
const OVERDUE: &str =
    "not answered by MailingCore within the deadline: kept in the outbox, still being tried";

pub async fn post(State(bridge): State<Arc<Bridge>>, request: Request) -> Answer {
    let started = tokio::time::Instant::now();
    let deadline = started + bridge.limits.deadline;
    let Ok(_slot) = bridge.slots.clone().try_acquire_owned() else {
        let mut answer = Answer::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "too many requests in flight; try again shortly",
        );
        answer.retry_after = Some(1);
        return answer;
    };
    let (parts, body) = request.into_parts();
    if !bridge.token.admits(&parts.headers) {
        return Answer::error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a bearer token is needed: Authorization: Bearer TOKEN",
        );
    }
    if !is_json(&parts.headers) {
        return Answer::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "the body must be JSON (Content-Type: application/json)",
        );
    }
    let key = match parts.headers.get("idempotency-key").map(|v| v.to_str()) {
        None => None,
        Some(Ok(k)) => match idempotency_key_arg(k) {
            Ok(k) => Some(bounded_key(k)),
            Err(e) => {
                return Answer::error(
                    StatusCode::BAD_REQUEST,
                    "bad-request",
                    format!("Idempotency-Key: {e}"),
                )
            }
        },
        Some(Err(_)) => {
            return Answer::error(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Idempotency-Key: not printable ASCII",
            )
        }
    };
    let bytes = match tokio::time::timeout_at(deadline, read_body(body)).await {
        Err(_) => {
            return Answer::error(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "the body did not arrive within the deadline",
            )
        }
        Ok(Err(answer)) => return answer,
        Ok(Ok(bytes)) => bytes,
    };
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&bytes) {
        return Answer::error(
            StatusCode::BAD_REQUEST,
            "bad-request",
            format!("the body is not JSON: {e}"),
        );
    }
    let job = match compose(&bridge, bytes, key) {
        Ok(job) => job,
        Err(answer) => return *answer,
    };
    let flight = match bridge.flights.join(&job.key) {
        Joined::Follower(flight) => flight,
        Joined::Leader(flight) => {
            let (bridge, job, landing) = (bridge.clone(), job.clone(), flight.clone());
            // Its own task, on the lane: the delivery goes on when the answer cannot wait
            // for it, and what it waits for does not hold up the server.
            let lane = bridge.clone();
            lane.lane.spawn(async move {
                let delivered = bridge.deliverer.deliver(&job).await;
                if let Some(quota) = delivered.exchange.as_ref().and_then(|e| e.quota.as_ref()) {
                    bridge.metrics.quota(quota);
                }
                for warning in &delivered.warnings {
                    bridge.log.note(warning);
                }
                let answer = Answer::delivered(&job, &delivered, bridge.deliverer.store());
                let accepted = delivered.kept.is_delivered();
                landing.land(answer, |overdue| {
                    // Kept at the deadline, then accepted: nothing is left to send.
                    if overdue && accepted {
                        if let Err(e) = bridge.store.settle(&job.key) {
                            bridge.log.note(&format!("{e:#}"));
                        }
                    }
                });
                bridge.flights.land(&job.key);
            });
            flight
        }
    };
    match tokio::time::timeout_at(deadline, flight.answer()).await {
        Ok(answer) => answer,
        Err(_) => flight.overdue(|| {
            let kept = bridge.deliverer.defer(&job, OVERDUE);
            Answer::overdue(&job, &kept, OVERDUE)
        }),
    }
}

/// The body, at most one record's worth (413 beyond).
async fn read_body(body: Body) -> Result<axum::body::Bytes, Answer> {
    to_bytes(body, MAX_RECORD_BYTES).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large {
            Answer::error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                format!("the body is larger than {} MiB", MAX_RECORD_BYTES >> 20),
            )
        } else {
            Answer::error(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "the body could not be read",
            )
        }
    })
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .is_some_and(|t| {
            t == "application/json"
                || t.split_once('/')
                    .is_some_and(|(_, sub)| sub.ends_with("+json"))
        })
}

/// The one incident of a body, composed into its request (or the answer that it is not
/// one valid incident).
fn compose(
    bridge: &Bridge,
    bytes: axum::body::Bytes,
    key: Option<String>,
) -> Result<Job, Box<Answer>> {
    let mut items = Inputs::document("request".into(), bytes.to_vec(), Format::Json);
    let first = items.next();
    if items.next().is_some() {
        return Err(Box::new(Answer::invalid(
            "the body holds more than one incident; post one per request".into(),
            None,
        )));
    }
    let Some(item) = first else {
        return Err(Box::new(Answer::invalid(
            "the body holds no incident".into(),
            None,
        )));
    };
    if let Item::Unreadable { error } = &item {
        return Err(Box::new(Answer::error(
            StatusCode::BAD_REQUEST,
            "bad-request",
            error.clone(),
        )));
    }
    let prepared = bridge.preparer.prepare(item).map_err(|e| {
        Box::new(Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            format!("cannot compose the email: {e:#}"),
        ))
    })?;
    let mut ready = match prepared {
        Prepared::Email(ready) => ready,
        Prepared::Invalid { error, field, .. } => {
            return Err(Box::new(Answer::invalid(error, field)))
        }
        Prepared::Unreadable { error } => {
            return Err(Box::new(Answer::error(
                StatusCode::BAD_REQUEST,
                "bad-request",
                error,
            )))
        }
    };
    if let Some(key) = key {
        ready.email.body.idempotency_key = key;
    }
    Job::composed(*ready).map_err(|e| {
        Box::new(Answer::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            format!("cannot write the request body: {e}"),
        ))
    })
}

pub async fn healthz() -> &'static str {
    "ok\n"
}

/// 200 when a request could be kept now, else 503 with the reason.
pub async fn readyz(State(bridge): State<Arc<Bridge>>) -> Response {
    let store = bridge.store.clone();
    let writable = tokio::task::spawn_blocking(move || store.writable())
        .await
        .unwrap_or_else(|e| Err(anyhow::anyhow!("{e}")));
    match writable {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {e:#}\n"),
        )
            .into_response(),
    }
}

pub async fn metrics(State(bridge): State<Arc<Bridge>>) -> Response {
    // Counting the outbox is a store call: off the server's thread.
    let counting = bridge.clone();
    let text = tokio::task::spawn_blocking(move || counting.metrics.render(&counting.store))
        .await
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

pub async fn not_found() -> Answer {
    Answer::error(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such route; POST /v1/incidents",
    )
}
