//! What one attempt's result means: an answer is final or worth another attempt, and a
//! failed connection is put in words.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, LOCATION};
use reqwest::StatusCode;
use serde_json::Value;

use super::answer::MAX_ANSWER;
use super::error::ApiError;
use super::exchange::Outcome;
use crate::quota::RateLimit;

/// What one answer comes to: an outcome, or another attempt (after `wait` when the
/// answer asks for one).
pub(super) enum Verdict {
    Final(Outcome),
    Retry {
        error: String,
        wait: Option<Duration>,
        rate_limited: bool,
    },
}

/// What one answer means. `asked` is its `Retry-After`; `sent_tenant` whether the request
/// carried `X-Tenant-Id`.
pub(super) fn classify(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    truncated: bool,
    rate: Option<&RateLimit>,
    asked: Option<Duration>,
    sent_tenant: bool,
) -> Verdict {
    let code = status.as_u16();
    if status.is_success() {
        // The body is read whatever its Content-Type says (a JSON answer labelled
        // text/html is still JSON); one cut at the limit is not JSON.
        let json: Option<Value> = if truncated {
            None
        } else {
            serde_json::from_slice(body).ok()
        };
        let text = |k: &str| {
            json.as_ref()
                .and_then(|j| j.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let id = text("id");
        let note = match (&json, &id) {
            (None, _) if truncated => Some(format!(
                "the API accepted the request but its answer was over {} KiB (not read further)",
                MAX_ANSWER / 1024
            )),
            (None, _) => {
                Some("the API accepted the request but its answer was not JSON".to_string())
            }
            (Some(_), None) => {
                Some("the API accepted the request but its answer had no id".to_string())
            }
            _ => None,
        };
        return Verdict::Final(Outcome::Accepted {
            http: code,
            id,
            status: text("status"),
            note,
        });
    }
    if status.is_redirection() {
        return Verdict::Final(Outcome::Redirect {
            http: code,
            location: headers
                .get(LOCATION)
                .and_then(|l| l.to_str().ok())
                .map(str::to_string),
        });
    }
    let error = ApiError::parse(status, body, truncated);
    match code {
        429 if error.is_quota(rate) => Verdict::Final(Outcome::QuotaBlocked(error)),
        429 => {
            let wait = asked.or_else(|| rate.and_then(|r| r.until_reset(SystemTime::now())));
            Verdict::Retry {
                error: format!("rate limited ({error})"),
                wait: wait.map(|w| w.saturating_add(Duration::from_millis(50))),
                rate_limited: true,
            }
        }
        400 if !sent_tenant && error.wants_tenant() => Verdict::Final(Outcome::NeedsTenant(error)),
        401 | 403 => Verdict::Final(Outcome::Auth(error)),
        // Request Timeout and Too Early: the server did not act on it; again later.
        408 | 425 => Verdict::Retry {
            error: error.to_string(),
            wait: asked,
            rate_limited: false,
        },
        500..=599 => Verdict::Retry {
            error: error.to_string(),
            wait: asked,
            rate_limited: false,
        },
        // 413 and every other 4xx: the request will not pass as it is.
        _ => Verdict::Final(Outcome::Rejected(error)),
    }
}

pub(super) fn describe_transport(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "connection failed"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    let url = err.url().map(|u| format!(" to {u}")).unwrap_or_default();
    if detail.is_empty() {
        format!("{what}{url}")
    } else {
        format!("{what}{url}: {detail}")
    }
}
