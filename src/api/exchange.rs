//! How one request ended: its outcome, the outcome's kind as the journal names it, and
//! the exchange that carries it with what the answers said along the way.

use serde::Serialize;

use super::error::ApiError;
use crate::exit::Exit;
use crate::quota::{Quota, RateLimit, RawHeaders};

/// How one request ended, after its retries.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// 2xx. `id`/`status` come from the body when it has them.
    Accepted {
        http: u16,
        id: Option<String>,
        status: Option<String>,
        note: Option<String>,
    },
    /// 400, 404, 409, 422 and other 4xx: the request will not pass as it is.
    Rejected(ApiError),
    /// 401 or 403: the key, its scopes or the tenant.
    Auth(ApiError),
    /// 429 for the monthly quota: not retried.
    QuotaBlocked(ApiError),
    /// Still failing after the retry budget: network, timeout, 5xx, rate limit.
    Transient { error: String, http: Option<u16> },
    /// A 3xx: not followed, so the key stays with the configured host.
    Redirect { http: u16, location: Option<String> },
    /// A 400 saying `X-Tenant-Id` is required, to a request sent without one: a setting
    /// is missing, the request itself is fine.
    NeedsTenant(ApiError),
}

impl Outcome {
    pub fn exit(&self) -> Exit {
        match self {
            Outcome::Accepted { .. } => Exit::Ok,
            Outcome::Rejected(_) => Exit::Unavailable,
            Outcome::Auth(_) => Exit::NoPerm,
            Outcome::QuotaBlocked(_) | Outcome::Transient { .. } => Exit::TempFail,
            Outcome::Redirect { .. } | Outcome::NeedsTenant(_) => Exit::Config,
        }
    }

    pub fn http(&self) -> Option<u16> {
        match self {
            Outcome::Accepted { http, .. } | Outcome::Redirect { http, .. } => Some(*http),
            Outcome::Rejected(e)
            | Outcome::Auth(e)
            | Outcome::QuotaBlocked(e)
            | Outcome::NeedsTenant(e) => Some(e.status),
            Outcome::Transient { http, .. } => *http,
        }
    }

    /// The error in one line, `None` when accepted.
    pub fn error(&self) -> Option<String> {
        match self {
            Outcome::Accepted { .. } => None,
            Outcome::Rejected(e) | Outcome::Auth(e) => Some(e.to_string()),
            Outcome::NeedsTenant(e) => Some(format!(
                "{e}: the API wants X-Tenant-Id and no tenant_id is set"
            )),
            Outcome::QuotaBlocked(e) => Some(format!("monthly quota exceeded ({e})")),
            Outcome::Transient { error, .. } => Some(error.clone()),
            Outcome::Redirect { http, location } => Some(format!(
                "HTTP {http}: the API redirected to {}; not followed",
                location.as_deref().unwrap_or("an unnamed place")
            )),
        }
    }
}

impl Outcome {
    /// What kind of answer this is, as the journal names it.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Accepted { .. } => OutcomeKind::Sent,
            Outcome::Rejected(_) => OutcomeKind::Rejected,
            Outcome::Auth(_) => OutcomeKind::Auth,
            Outcome::QuotaBlocked(_) => OutcomeKind::Quota,
            Outcome::Transient { .. } => OutcomeKind::Transient,
            Outcome::Redirect { .. } => OutcomeKind::Redirect,
            Outcome::NeedsTenant(_) => OutcomeKind::Config,
        }
    }
}

/// The kind of an `Outcome` without its details: the journal's `outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    /// Accepted (2xx).
    Sent,
    Rejected,
    Auth,
    /// Refused for the monthly quota.
    Quota,
    Transient,
    Redirect,
    /// Refused because the request needs a setting it lacks (the tenant).
    Config,
    /// Not an answer of the API: a delivery event it posted (`request` `event`).
    Event,
    /// A name this version does not know, read from a journal line written by another
    /// version: the line is still read. Never written.
    #[serde(other)]
    Other,
}

/// The result of one request with what its responses said along the way.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub outcome: Outcome,
    pub attempts: u32,
    pub quota: Option<Quota>,
    pub rate_limit: Option<RateLimit>,
    /// The raw quota and rate-limit headers of the last response, for `-v`.
    pub headers: RawHeaders,
    /// One line per retry, for `-v`.
    pub trace: Vec<String>,
}
