//! The request log: one line per request on stderr (a JSON object with `--json`): time,
//! method, path, status, outcome, idempotency key and duration. Never a key, a token, or
//! the incident's text.

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::json;

use super::answer::Logged;
use super::Bridge;
use crate::clock::now_rfc3339;

/// Where request lines go, and in which form.
#[derive(Debug, Clone, Copy)]
pub struct RequestLog {
    pub json: bool,
}

impl RequestLog {
    /// A line on stderr (a closed stderr is ignored: serving goes on).
    pub fn line(&self, text: &str) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{text}").and_then(|_| err.flush());
    }

    /// A message of the server itself (`--json`: an object with `message`).
    pub fn note(&self, text: &str) {
        if self.json {
            let line = json!({ "time": now_rfc3339(), "message": text });
            self.line(&line.to_string());
        } else {
            self.line(&format!("mcnotify: {text}"));
        }
    }
}

/// Logs each request once it is answered, and counts incident requests in the metrics.
pub async fn middleware(
    State(bridge): State<Arc<Bridge>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // The path only: a query string could carry anything.
    let path = request.uri().path().to_string();
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let logged = response.extensions().get::<Logged>().cloned();
    let outcome = logged.as_ref().map_or("-", |l| l.outcome);
    let key = logged.and_then(|l| l.key);
    if path == "/v1/incidents" {
        bridge.metrics.answered(outcome, elapsed.as_secs_f64());
    }
    let status = response.status().as_u16();
    let ms = elapsed.as_secs_f64() * 1000.0;
    let log = bridge.log;
    if log.json {
        let line = json!({
            "time": now_rfc3339(),
            "method": method.as_str(),
            "path": path,
            "status": status,
            "outcome": outcome,
            "idempotencyKey": key,
            "durationMs": (ms * 10.0).round() / 10.0,
        });
        log.line(&line.to_string());
    } else {
        log.line(&format!(
            "mcnotify: {} {method} {} {status} {outcome} key={} {ms:.1} ms",
            now_rfc3339(),
            crate::output::for_terminal(&path, false),
            crate::output::for_terminal(key.as_deref().unwrap_or("-"), false),
        ));
    }
    response
}
