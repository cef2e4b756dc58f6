//! What `POST /v1/incidents` answers: the status for each outcome, and the `send --json`
//! result object with `outboxId`, `replayed` and, for invalid data, `errors`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::delivery::{Delivered, Job, Kept};
use crate::field::Field;
use crate::outcome::RecordOutcome;
use crate::report::result_of;
use crate::store::{Folder, Replay, Store};

/// One answer, and what the request log says of it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    /// A word for the log and the metrics: `sent`, `replayed`, `kept`, `invalid`, …
    pub outcome: &'static str,
    pub key: Option<String>,
    /// Seconds a client should wait before trying again (503).
    pub retry_after: Option<u64>,
}

/// What the request log reads from a response.
#[derive(Debug, Clone)]
pub struct Logged {
    pub outcome: &'static str,
    pub key: Option<String>,
}

impl Answer {
    /// An answer that is an error of the request itself.
    pub fn error(status: StatusCode, outcome: &'static str, message: impl Into<String>) -> Answer {
        Answer {
            status,
            body: json!({ "outcome": outcome, "error": message.into() }),
            outcome,
            key: None,
            retry_after: None,
        }
    }

    /// 422: the incident's data is at fault; `errors` names the field to ask for again.
    pub fn invalid(error: String, field: Option<Field>) -> Answer {
        let errors = json!([{ "field": field.map(Field::json_name), "message": error }]);
        Answer {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            body: json!({ "outcome": RecordOutcome::Invalid, "error": error, "errors": errors }),
            outcome: "invalid",
            key: None,
            retry_after: None,
        }
    }

    /// The answer of a delivery that ended.
    pub fn delivered(job: &Job, delivered: &Delivered, store: &Store) -> Answer {
        let result = result_of(job, delivered, store);
        let (status, outcome) = match (&delivered.kept, &delivered.replay) {
            (Kept::Delivered, Replay::First) => (StatusCode::CREATED, "sent"),
            (Kept::Delivered, Replay::Same) => (StatusCode::OK, "replayed"),
            // The key was used for another incident: this one was not sent.
            (Kept::Delivered, Replay::Different(_)) => (StatusCode::CONFLICT, "key-conflict"),
            (Kept::Saved(id), _) if id.folder == Folder::Failed => {
                (StatusCode::BAD_GATEWAY, "rejected")
            }
            (Kept::Saved(_), _) => (StatusCode::ACCEPTED, "kept"),
            (Kept::NotSaved(..) | Kept::Off | Kept::Unchanged(_), _) => {
                (StatusCode::INTERNAL_SERVER_ERROR, "not-kept")
            }
        };
        let mut body = match serde_json::to_value(&result) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        match &delivered.kept {
            Kept::Saved(id) => {
                body.insert("outboxId".into(), id.id.clone().into());
            }
            Kept::NotSaved(e, _) => {
                let error = result.error.as_deref().unwrap_or("not sent");
                body.insert("error".into(), format!("{error}; NOT saved: {e}").into());
            }
            _ => {}
        }
        Answer {
            status,
            body: Value::Object(body),
            outcome,
            key: Some(job.key.clone()),
            retry_after: None,
        }
    }

    /// 202: the deadline passed while the request was still being tried; it was kept
    /// (`kept`), or keeping it failed (500).
    pub fn overdue(job: &Job, kept: &Kept, reason: &str) -> Answer {
        let (status, outcome, error) = match kept {
            Kept::Saved(_) => (StatusCode::ACCEPTED, "kept", reason.to_string()),
            Kept::NotSaved(e, _) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "not-kept",
                format!("{reason}; NOT saved: {e}"),
            ),
            _ => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "not-kept",
                reason.to_string(),
            ),
        };
        let mut body = json!({
            "outcome": RecordOutcome::Deferred,
            "idempotencyKey": job.key,
            "to": job.to,
            "subject": job.subject,
            "error": error,
        });
        if let Kept::Saved(id) = kept {
            body["outboxId"] = id.id.clone().into();
        }
        Answer {
            status,
            body,
            outcome,
            key: Some(job.key.clone()),
            retry_after: None,
        }
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.extensions_mut().insert(Logged {
            outcome: self.outcome,
            key: self.key,
        });
        response
    }
}
