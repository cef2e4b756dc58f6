//! The MailingCore HTTP client: headers, retries with backoff, and what each answer means.

use std::cell::RefCell;
use std::net::IpAddr;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Client as Http, RequestBuilder};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde_json::Value;

use crate::exit::{fail, Exit};
use crate::pacing::Pacer;
use crate::quota::{raw_headers, retry_after, Quota, RateLimit};
use crate::secret::ApiKey;

pub const SEND_PATH: &str = "/emails/send";
pub const LOGS_PROBE_PATH: &str = "/emails/logs?page=1&limit=1";
/// The longest single wait for a rate-limit window (MailingCore's is 60 s).
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(90);

/// How hard one request tries.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Wall time one request may take, retries and waits included.
    pub max_time: Duration,
    /// One attempt's timeout.
    pub timeout: Duration,
    /// The first backoff step; it doubles each attempt.
    pub backoff: Duration,
    /// Rate-limit 429s one request waits out (until the window resets) before they count
    /// as failures; those waits are outside `max_time`. Zero for checks that must not wait.
    pub rate_limit_waits: u32,
}

impl RetryPolicy {
    /// Exponential backoff with equal jitter: half fixed, half random.
    fn backoff(&self, attempt: u32) -> Duration {
        let step = self
            .backoff
            .saturating_mul(1 << attempt.min(10))
            .min(Duration::from_secs(8));
        step / 2 + step.mul_f64(fastrand::f64() / 2.0)
    }
}

/// An error answer in either documented style (NestJS or RFC 7807).
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
}

impl ApiError {
    fn parse(status: StatusCode, body: &[u8]) -> ApiError {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let text = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Array(items) => {
                    let parts: Vec<String> = items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect();
                    (!parts.is_empty()).then(|| parts.join("; "))
                }
                _ => None,
            }
        };
        let field = |name: &str| json.as_ref().and_then(|j| j.get(name)).and_then(text);
        let message = field("detail")
            .or_else(|| field("title"))
            .or_else(|| field("message"))
            .or_else(|| {
                let raw = String::from_utf8_lossy(body);
                let raw = raw.trim();
                (!raw.is_empty() && json.is_none()).then(|| raw.chars().take(200).collect())
            })
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
        ApiError {
            status: status.as_u16(),
            message,
            kind: json
                .as_ref()
                .and_then(|j| j.get("type"))
                .and_then(|t| t.as_str())
                .map(str::to_string),
            quota: json
                .as_ref()
                .and_then(|j| j.get("quota"))
                .and_then(Quota::from_body),
        }
    }

    /// DESIGN §9: a 429 is the monthly quota when the body has a `quota` object, a
    /// `type` mentioning quota, or the rate-limit window still has room.
    fn is_quota(&self, rate: Option<&RateLimit>) -> bool {
        self.quota.is_some()
            || self
                .kind
                .as_deref()
                .is_some_and(|k| k.to_ascii_lowercase().contains("quota"))
            || rate.and_then(|r| r.remaining).is_some_and(|r| r > 0)
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.message)
    }
}

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
}

impl Outcome {
    pub fn exit(&self) -> Exit {
        match self {
            Outcome::Accepted { .. } => Exit::Ok,
            Outcome::Rejected(_) => Exit::Unavailable,
            Outcome::Auth(_) => Exit::NoPerm,
            Outcome::QuotaBlocked(_) | Outcome::Transient { .. } => Exit::TempFail,
            Outcome::Redirect { .. } => Exit::Config,
        }
    }

    pub fn http(&self) -> Option<u16> {
        match self {
            Outcome::Accepted { http, .. } | Outcome::Redirect { http, .. } => Some(*http),
            Outcome::Rejected(e) | Outcome::Auth(e) | Outcome::QuotaBlocked(e) => Some(e.status),
            Outcome::Transient { http, .. } => *http,
        }
    }

    /// The error in one line, `None` when accepted.
    pub fn error(&self) -> Option<String> {
        match self {
            Outcome::Accepted { .. } => None,
            Outcome::Rejected(e) | Outcome::Auth(e) => Some(e.to_string()),
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
    pub headers: Vec<String>,
    /// One line per retry, for `-v`.
    pub trace: Vec<String>,
}

thread_local! {
    /// Each thread drives its own requests on a runtime of its own, so a request never
    /// hops to another thread and back; its connections stay with it between requests.
    static LOCAL: RefCell<Option<ThreadHttp>> = const { RefCell::new(None) };
}

/// One thread's runtime and its clients, one per connect timeout.
struct ThreadHttp {
    runtime: tokio::runtime::Runtime,
    clients: Vec<(Duration, Http)>,
}

/// Run `work` with this thread's runtime and its HTTP client for the given connect
/// timeout, both made on first use (the client's connections are kept for the thread's
/// next request).
fn on_this_thread<T>(
    connect_timeout: Duration,
    work: impl FnOnce(&tokio::runtime::Runtime, &Http) -> T,
) -> Result<T> {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        if local.is_none() {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the HTTP runtime")?;
            *local = Some(ThreadHttp {
                runtime,
                clients: Vec::new(),
            });
        }
        let ThreadHttp { runtime, clients } = local.as_mut().expect("set above");
        let at = match clients.iter().position(|(t, _)| *t == connect_timeout) {
            Some(at) => at,
            None => {
                let http = Http::builder()
                    .user_agent(concat!("mcnotify/", env!("CARGO_PKG_VERSION")))
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(connect_timeout)
                    .build()
                    .context("cannot set up the HTTP client")?;
                clients.push((connect_timeout, http));
                clients.len() - 1
            }
        };
        Ok(work(runtime, &clients[at].1))
    })
}

/// One request to its end: status, headers and the whole body.
async fn fetch(
    request: RequestBuilder,
) -> reqwest::Result<(StatusCode, HeaderMap, impl std::ops::Deref<Target = [u8]>)> {
    let mut response = request.send().await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = response.bytes().await?;
    Ok((status, headers, body))
}

/// A configured MailingCore client. Cheap to share between threads.
#[derive(Clone)]
pub struct Client {
    connect_timeout: Duration,
    base: Url,
    /// The two endpoints, and the `Authorization` value, made once (marked sensitive, so
    /// no debug output of the request shows it).
    send_url: Url,
    probe_url: Url,
    authorization: HeaderValue,
    tenant: Option<String>,
    policy: RetryPolicy,
    pacer: Option<Arc<Pacer>>,
}

impl Client {
    pub fn new(
        base_url: &str,
        key: ApiKey,
        tenant: Option<String>,
        policy: RetryPolicy,
    ) -> Result<Client> {
        let base = check_base_url(base_url)?;
        let connect_timeout = policy.timeout.min(Duration::from_secs(10));
        // Fail here, not on the first request, if no client can be made.
        on_this_thread(connect_timeout, |_, _| ())?;
        let endpoint = |path: &str| {
            let root = base.as_str().trim_end_matches('/');
            Url::parse(&format!("{root}{path}"))
                .with_context(|| format!("the base URL {base_url:?} cannot take {path}"))
        };
        let Ok(mut authorization) = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
        else {
            return fail(
                Exit::Config,
                format!("the API key {key} holds characters an HTTP header cannot carry"),
            );
        };
        authorization.set_sensitive(true);
        Ok(Client {
            connect_timeout,
            send_url: endpoint(SEND_PATH)?,
            probe_url: endpoint(LOGS_PROBE_PATH)?,
            base,
            authorization,
            tenant,
            policy,
            pacer: None,
        })
    }

    /// Pace every request of this client to the advertised rate limit.
    pub fn with_pacer(mut self, pacer: Arc<Pacer>) -> Client {
        self.pacer = Some(pacer);
        self
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// `POST /emails/send` with the exact body, retried under the policy.
    pub fn send(&self, body: &[u8]) -> Exchange {
        self.execute(Method::POST, &self.send_url, Some(body), true)
    }

    /// `GET /emails/logs?page=1&limit=1`, with or without `X-Tenant-Id`.
    pub fn probe_logs(&self, with_tenant: bool) -> Exchange {
        self.execute(Method::GET, &self.probe_url, None, with_tenant)
    }

    fn request(
        &self,
        http: &Http,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        with_tenant: bool,
    ) -> RequestBuilder {
        let mut req = http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, self.authorization.clone());
        if let (Some(tenant), true) = (&self.tenant, with_tenant) {
            req = req.header("X-Tenant-Id", tenant);
        }
        if let Some(body) = body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        req
    }

    fn execute(
        &self,
        method: Method,
        url: &Url,
        body: Option<&[u8]>,
        with_tenant: bool,
    ) -> Exchange {
        let started = Instant::now();
        let mut exchange = Exchange {
            outcome: Outcome::Transient {
                error: "no attempt was made".into(),
                http: None,
            },
            attempts: 0,
            quota: None,
            rate_limit: None,
            headers: Vec::new(),
            trace: Vec::new(),
        };
        let max_attempts = self.policy.retries.saturating_add(1);
        // Waiting for the rate-limit window is not failing: it counts against neither
        // the attempts nor the time budget (within `rate_limit_waits`).
        let mut exempt = Duration::ZERO;
        let mut failures = 0;
        let mut rate_waits = 0;
        loop {
            if let Some(pacer) = &self.pacer {
                let waited = Instant::now();
                pacer.acquire();
                exempt += waited.elapsed();
            }
            let spent = started.elapsed().saturating_sub(exempt);
            let remaining = self.policy.max_time.saturating_sub(spent);
            let timeout = self
                .policy
                .timeout
                .min(remaining)
                .max(Duration::from_millis(100));
            exchange.attempts += 1;
            let result = on_this_thread(self.connect_timeout, |runtime, http| {
                runtime.block_on(fetch(
                    self.request(http, &method, url, body, with_tenant)
                        .timeout(timeout),
                ))
            });
            let (error, http, wait, limited) = match result {
                Err(err) => {
                    exchange.outcome = Outcome::Transient {
                        error: format!("{err:#}"),
                        http: None,
                    };
                    return exchange;
                }
                Ok(Ok((status, headers, bytes))) => {
                    if let Some(q) = Quota::from_headers(&headers) {
                        exchange.quota = Some(q);
                    }
                    let rate = RateLimit::from_headers(&headers);
                    if rate.is_some() {
                        exchange.rate_limit = rate.clone();
                    }
                    exchange.headers = raw_headers(&headers);
                    let verdict = classify(status, &headers, &bytes, rate.as_ref());
                    let limited = matches!(
                        verdict,
                        Verdict::Retry {
                            rate_limited: true,
                            ..
                        }
                    );
                    if let Some(pacer) = &self.pacer {
                        pacer.observe(rate.as_ref(), limited);
                        if let (true, Some(wait)) =
                            (limited, retry_after(&headers, SystemTime::now()))
                        {
                            pacer.hold_until(Instant::now() + wait);
                        }
                    }
                    match verdict {
                        Verdict::Final(outcome) => {
                            if let Outcome::QuotaBlocked(e) = &outcome {
                                if let Some(q) = &e.quota {
                                    exchange.quota = Some(q.clone());
                                }
                            }
                            exchange.outcome = outcome;
                            return exchange;
                        }
                        Verdict::Retry { error, wait, .. } => {
                            (error, Some(status.as_u16()), wait, limited)
                        }
                    }
                }
                Ok(Err(err)) => {
                    if let Some(pacer) = &self.pacer {
                        pacer.observe(None, false);
                    }
                    (describe_transport(&err), None, None, false)
                }
            };
            let give_up = |why: String| Outcome::Transient {
                error: format!("{error} ({why})"),
                http,
            };
            let wait = if limited && rate_waits < self.policy.rate_limit_waits {
                rate_waits += 1;
                let wait = wait
                    .unwrap_or_else(|| self.policy.backoff(rate_waits))
                    .min(MAX_RATE_LIMIT_WAIT);
                exempt += wait;
                wait
            } else {
                failures += 1;
                if failures >= max_attempts {
                    exchange.outcome = give_up(format!(
                        "after {failures} attempt{}",
                        if failures == 1 { "" } else { "s" }
                    ));
                    return exchange;
                }
                let wait = wait.unwrap_or_else(|| self.policy.backoff(failures - 1));
                if started.elapsed().saturating_sub(exempt) + wait >= self.policy.max_time {
                    exchange.outcome = give_up(format!(
                        "gave up after {} attempt{} within the {}s retry budget",
                        exchange.attempts,
                        if exchange.attempts == 1 { "" } else { "s" },
                        self.policy.max_time.as_secs_f64()
                    ));
                    return exchange;
                }
                wait
            };
            exchange.trace.push(format!(
                "attempt {}: {error}; retrying in {:.1}s",
                exchange.attempts,
                wait.as_secs_f64()
            ));
            thread::sleep(wait);
        }
    }
}

enum Verdict {
    Final(Outcome),
    Retry {
        error: String,
        wait: Option<Duration>,
        rate_limited: bool,
    },
}

fn classify(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
    rate: Option<&RateLimit>,
) -> Verdict {
    let code = status.as_u16();
    if status.is_success() {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let text = |k: &str| {
            json.as_ref()
                .and_then(|j| j.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let id = text("id");
        let note = match (&json, &id) {
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
    let error = ApiError::parse(status, body);
    match code {
        429 if error.is_quota(rate) => Verdict::Final(Outcome::QuotaBlocked(error)),
        429 => {
            let now = SystemTime::now();
            let wait = retry_after(headers, now).or_else(|| rate.and_then(|r| r.until_reset(now)));
            Verdict::Retry {
                error: format!("rate limited ({error})"),
                wait: wait.map(|w| w + Duration::from_millis(50)),
                rate_limited: true,
            }
        }
        401 | 403 => Verdict::Final(Outcome::Auth(error)),
        408 | 425 => Verdict::Retry {
            error: error.to_string(),
            wait: None,
            rate_limited: false,
        },
        500..=599 => Verdict::Retry {
            error: error.to_string(),
            wait: retry_after(headers, SystemTime::now()),
            rate_limited: false,
        },
        _ => Verdict::Final(Outcome::Rejected(error)),
    }
}

fn describe_transport(err: &reqwest::Error) -> String {
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

/// https anywhere; plain http only to this machine, so the key never crosses a network
/// in clear text.
pub fn check_base_url(base_url: &str) -> Result<Url> {
    let Ok(url) = Url::parse(base_url) else {
        return fail(
            Exit::Config,
            format!("the base URL {base_url:?} is not a URL"),
        );
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(crate::exit::Failure::new(
            Exit::Config,
            format!("refusing to send the API key in clear text to {base_url}"),
        )
        .hint("use an https:// base URL (plain http is allowed only for localhost)")
        .into()),
        other => fail(
            Exit::Config,
            format!("the base URL {base_url:?} has the unsupported scheme {other}"),
        ),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_only_for_loopback() {
        for ok in [
            "https://api.mailingcore.com",
            "http://127.0.0.1:8025",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.mailingcore.com",
            "http://10.0.0.1",
            "ftp://x",
            "nonsense",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert_eq!(crate::exit::classify(&err).0, Exit::Config, "{bad}");
        }
    }

    #[test]
    fn both_error_styles_parse() {
        let nest = br#"{"statusCode":400,"message":["to must be an email","subject should not be empty"],"path":"/emails/send"}"#;
        let e = ApiError::parse(StatusCode::BAD_REQUEST, nest);
        assert_eq!(
            e.message,
            "to must be an email; subject should not be empty"
        );
        let rfc = br#"{"type":"quota_exceeded","title":"Too Many Requests","detail":"Monthly quota reached","status":429}"#;
        let e = ApiError::parse(StatusCode::TOO_MANY_REQUESTS, rfc);
        assert_eq!(
            (e.message.as_str(), e.kind.as_deref()),
            ("Monthly quota reached", Some("quota_exceeded"))
        );
        assert!(e.is_quota(None));
        let nest_quota = br#"{"statusCode":429,"message":"Monthly email quota exceeded","quota":{"limit":100,"used":115,"percentage":115}}"#;
        assert!(ApiError::parse(StatusCode::TOO_MANY_REQUESTS, nest_quota).is_quota(None));
        let throttle = br#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}"#;
        let e = ApiError::parse(StatusCode::TOO_MANY_REQUESTS, throttle);
        assert!(!e.is_quota(Some(&RateLimit {
            remaining: Some(0),
            ..RateLimit::default()
        })));
        assert!(e.is_quota(Some(&RateLimit {
            remaining: Some(5),
            ..RateLimit::default()
        })));
        assert_eq!(
            ApiError::parse(StatusCode::BAD_GATEWAY, b"<html>").message,
            "<html>"
        );
    }
}
