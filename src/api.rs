//! The MailingCore HTTP client: headers, retries with backoff, and what each answer means.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::{Client as Http, RequestBuilder};
use reqwest::{Method, StatusCode, Url};
use serde::Serialize;
use serde_json::Value;

use crate::exit::{fail, Exit};
use crate::pacing::{later, Pacer};
use crate::quota::{raw_headers, retry_after, rough, Quota, RateLimit};
use crate::secret::ApiKey;

/// `POST` here to send; `GET` here (`?page=1&limit=1`) to probe.
const SEND_PATH: [&str; 2] = ["emails", "send"];
const LOGS_PATH: [&str; 2] = ["emails", "logs"];

/// A wait for a rate-limit window is made when it ends within the retry budget or
/// within this (one MailingCore window is 60 s); a longer one is not made.
const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(90);
/// How much of an answer is read: every documented answer is well under 1 KiB. A larger
/// one is read this far and treated as a malformed answer.
pub const MAX_ANSWER: usize = 64 * 1024;

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
    fn parse(status: StatusCode, body: &[u8], truncated: bool) -> ApiError {
        if truncated {
            return ApiError {
                status: status.as_u16(),
                message: format!(
                    "{} (an answer over {} KiB, not read further)",
                    status.canonical_reason().unwrap_or("error"),
                    MAX_ANSWER / 1024
                ),
                kind: None,
                quota: None,
            };
        }
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

    /// A 400 to a request sent without `X-Tenant-Id` that names that header (in its
    /// `type`, or in its message, where the header's name is the same in any language):
    /// the API wants a tenant. The docs document no error for a missing tenant, so the
    /// name of the header is the only sign; it decides a hint, not whether to retry.
    fn wants_tenant(&self) -> bool {
        let names = |t: &str| t.to_ascii_lowercase().contains("tenant");
        self.status == 400
            && (self.kind.as_deref().is_some_and(names)
                || self.message.to_ascii_lowercase().contains("x-tenant-id"))
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
    pub headers: Vec<String>,
    /// One line per retry, for `-v`.
    pub trace: Vec<String>,
}

/// How a client reaches the API: its connect timeout and the proxy, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transport {
    connect_timeout: Duration,
    /// The proxy URL for https requests (as the environment gave it).
    proxy: Option<String>,
}

/// The HTTP client of a transport: made once, its connections kept between requests.
fn http_client(transport: &Transport) -> Result<Http> {
    // No proxy from the environment unless chosen (`proxy_for`).
    let mut builder = Http::builder()
        .user_agent(concat!("mcnotify/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(transport.connect_timeout)
        .no_proxy();
    if let Some(proxy) = &transport.proxy {
        builder = builder.proxy(
            reqwest::Proxy::https(proxy.as_str())
                .context("cannot use the proxy of HTTPS_PROXY/ALL_PROXY")?,
        );
    }
    builder.build().context("cannot set up the HTTP client")
}

/// One answer: status, headers and the body up to `MAX_ANSWER`.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    /// The body went on past `MAX_ANSWER` (the rest was not read).
    truncated: bool,
}

/// One request to its end, reading at most `MAX_ANSWER` bytes of the body.
async fn fetch(request: RequestBuilder) -> reqwest::Result<Answer> {
    let mut response = request.send().await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ANSWER - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            // Dropping the response closes its connection: the rest is never read.
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers,
        body,
        truncated,
    })
}

/// The proxy for requests to `base`, and a line saying which (for `-vv`). Plain http
/// goes only to this machine and never through a proxy (a proxy would see the key in
/// clear text); https may go through the one `HTTPS_PROXY` (else `ALL_PROXY`) names,
/// since the TLS tunnel keeps the key private, unless `NO_PROXY` lists the host. The
/// lowercase spellings count too, as curl reads them.
fn proxy_for(base: &Url) -> (Option<String>, String) {
    if base.scheme() != "https" {
        return (
            None,
            "no proxy: plain http goes only to this machine, never through a proxy".into(),
        );
    }
    let var = |names: [&'static str; 2]| {
        names.into_iter().find_map(|n| {
            std::env::var(n)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (n, v.trim().to_string()))
        })
    };
    let Some((name, proxy)) =
        var(["HTTPS_PROXY", "https_proxy"]).or_else(|| var(["ALL_PROXY", "all_proxy"]))
    else {
        return (
            None,
            "no proxy (HTTPS_PROXY and ALL_PROXY are not set)".into(),
        );
    };
    let no = var(["NO_PROXY", "no_proxy"])
        .map(|(_, v)| v)
        .unwrap_or_default();
    let matcher = hyper_util::client::proxy::matcher::Matcher::builder()
        .https(proxy.clone())
        .no(no.clone())
        .build();
    let listed = base
        .as_str()
        .parse::<http::Uri>()
        .is_ok_and(|uri| matcher.intercept(&uri).is_none());
    let host = base.host_str().unwrap_or_default();
    if listed {
        return (None, format!("no proxy: NO_PROXY ({no}) lists {host}"));
    }
    let shown = match Url::parse(&proxy) {
        Ok(mut url) => {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.to_string()
        }
        Err(_) => proxy.split('@').next_back().unwrap_or_default().to_string(),
    };
    (
        Some(proxy),
        format!("proxy {shown} (from {name}) for {host}"),
    )
}

/// A configured MailingCore client. Cheap to share between threads.
#[derive(Clone)]
pub struct Client {
    http: Http,
    /// Which proxy is used, in words (for `-vv`).
    proxy_note: String,
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
        let (proxy, proxy_note) = proxy_for(&base);
        let transport = Transport {
            connect_timeout: policy.timeout.min(Duration::from_secs(10)),
            proxy,
        };
        // Fail here, not on the first request, if no client can be made.
        let http = match http_client(&transport) {
            Ok(http) => http,
            Err(e) => return fail(Exit::Config, format!("{e:#}")),
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
            http,
            proxy_note,
            send_url: endpoint(&base, SEND_PATH, None),
            probe_url: endpoint(&base, LOGS_PATH, Some("page=1&limit=1")),
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

    /// Which proxy requests go through, in words: `proxy http://proxy:3128 (from
    /// HTTPS_PROXY) for api.mailingcore.com` or `no proxy …`.
    pub fn proxy_note(&self) -> &str {
        &self.proxy_note
    }

    /// `POST /emails/send` with the exact body, retried under the policy.
    pub async fn send(&self, body: &[u8]) -> Exchange {
        self.execute(Method::POST, &self.send_url, Some(body), true)
            .await
    }

    /// `GET /emails/logs?page=1&limit=1`, with or without `X-Tenant-Id`.
    pub async fn probe_logs(&self, with_tenant: bool) -> Exchange {
        self.execute(Method::GET, &self.probe_url, None, with_tenant)
            .await
    }

    fn request(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        with_tenant: bool,
    ) -> RequestBuilder {
        let mut req = self
            .http
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

    async fn execute(
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
        let sent_tenant = with_tenant && self.tenant.is_some();
        // Waiting for the rate-limit window is not failing: it counts against neither
        // the attempts nor the time budget (within `rate_limit_waits`). One such wait
        // may take up to the budget, or one window when the budget is shorter.
        let window_ceiling = self.policy.max_time.max(MAX_RATE_LIMIT_WAIT);
        let mut exempt = Duration::ZERO;
        let mut failures = 0;
        let mut rate_waits = 0;
        loop {
            if let Some(pacer) = &self.pacer {
                let waited = Instant::now();
                let paced = pacer.acquire(window_ceiling).await;
                exempt = exempt.saturating_add(waited.elapsed());
                if let Err(asked) = paced {
                    exchange.outcome = Outcome::Transient {
                        error: format!(
                            "not sent: the API's rate limit asks to wait {}, {}; kept without waiting",
                            rough(asked),
                            beyond(window_ceiling)
                        ),
                        http: None,
                    };
                    return exchange;
                }
            }
            let spent = started.elapsed().saturating_sub(exempt);
            let remaining = self.policy.max_time.saturating_sub(spent);
            let timeout = self
                .policy
                .timeout
                .min(remaining)
                .max(Duration::from_millis(100));
            exchange.attempts += 1;
            let result = fetch(
                self.request(&method, url, body, with_tenant)
                    .timeout(timeout),
            )
            .await;
            let (error, http, wait, limited) = match result {
                Ok(answer) => {
                    let Answer {
                        status,
                        headers,
                        body,
                        truncated,
                    } = answer;
                    let mut notes = Vec::new();
                    if let Some(q) = Quota::from_headers(&headers, &mut notes) {
                        exchange.quota = Some(q);
                    }
                    let rate = RateLimit::from_headers(&headers, &mut notes);
                    if rate.is_some() {
                        exchange.rate_limit = rate.clone();
                    }
                    let asked = retry_after(&headers, SystemTime::now(), &mut notes);
                    exchange.headers = raw_headers(&headers);
                    for note in notes {
                        exchange
                            .trace
                            .push(format!("attempt {}: {note}", exchange.attempts));
                    }
                    let verdict = classify(
                        status,
                        &headers,
                        &body,
                        truncated,
                        rate.as_ref(),
                        asked,
                        sent_tenant,
                    );
                    let limited = matches!(
                        verdict,
                        Verdict::Retry {
                            rate_limited: true,
                            ..
                        }
                    );
                    if let Some(pacer) = &self.pacer {
                        pacer.observe(rate.as_ref(), limited);
                        if let (true, Some(wait)) = (limited, asked) {
                            pacer.hold_until(later(Instant::now(), wait));
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
                Err(err) => {
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
                let wait = wait.unwrap_or_else(|| self.policy.backoff(rate_waits));
                if wait > window_ceiling {
                    exchange.outcome = give_up(format!(
                        "the API asks to wait {}, {}; kept without waiting",
                        rough(wait),
                        beyond(window_ceiling)
                    ));
                    return exchange;
                }
                exempt = exempt.saturating_add(wait);
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
                let asked = wait;
                let wait = wait.unwrap_or_else(|| self.policy.backoff(failures - 1));
                let spent = started.elapsed().saturating_sub(exempt);
                if spent.saturating_add(wait) >= self.policy.max_time {
                    exchange.outcome = give_up(match asked {
                        Some(asked) => format!(
                            "the API asks to wait {}, past the {}s retry budget; kept without waiting",
                            rough(asked),
                            self.policy.max_time.as_secs_f64()
                        ),
                        None => format!(
                            "gave up after {} attempt{} within the {}s retry budget",
                            exchange.attempts,
                            if exchange.attempts == 1 { "" } else { "s" },
                            self.policy.max_time.as_secs_f64()
                        ),
                    });
                    return exchange;
                }
                wait
            };
            exchange.trace.push(format!(
                "attempt {}: {error}; retrying in {:.1}s",
                exchange.attempts,
                wait.as_secs_f64()
            ));
            tokio::time::sleep(wait).await;
        }
    }
}

/// `longer than the 30s retry budget` (or the window allowance when that is longer).
fn beyond(ceiling: Duration) -> String {
    if ceiling == MAX_RATE_LIMIT_WAIT {
        format!(
            "longer than the {}s this run waits for a rate limit",
            ceiling.as_secs()
        )
    } else {
        format!("longer than the {}s retry budget", ceiling.as_secs_f64())
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

/// What one answer means. `asked` is its `Retry-After`; `sent_tenant` whether the request
/// carried `X-Tenant-Id`.
fn classify(
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

/// The URL with `segments` appended to its path (`https://host/api/` + `emails/send`
/// is `https://host/api/emails/send`) and the given query.
fn endpoint(base: &Url, segments: [&str; 2], query: Option<&str>) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url.set_query(query);
    url
}

/// The send endpoint of a base URL, for showing (`preview --format curl`), without a
/// user name or password; a base URL that is no URL is shown as given (but for those).
pub fn send_endpoint(base_url: &str) -> String {
    match Url::parse(base_url) {
        Ok(mut base) => {
            let _ = base.set_password(None);
            let _ = base.set_username("");
            endpoint(&base, SEND_PATH, None).to_string()
        }
        Err(_) => format!(
            "{}/{}",
            without_userinfo(base_url).trim_end_matches('/'),
            SEND_PATH.join("/")
        ),
    }
}

/// https anywhere; plain http only to this machine, so the key never crosses a network
/// in clear text. No user name or password (they would travel in a second
/// `Authorization` header and be written wherever the URL is), no query and no fragment
/// (the endpoint paths are appended to the path).
pub fn check_base_url(base_url: &str) -> Result<Url> {
    let shown = without_userinfo(base_url);
    let Ok(url) = Url::parse(base_url) else {
        return fail(Exit::Config, format!("the base URL {shown:?} is not a URL"));
    };
    let part = if !url.username().is_empty() || url.password().is_some() {
        Some("a user name or password")
    } else if url.query().is_some() {
        Some("a query (?…)")
    } else if url.fragment().is_some() {
        Some("a fragment (#…)")
    } else {
        None
    };
    if let Some(part) = part {
        return Err(crate::exit::Failure::new(
            Exit::Config,
            format!("the base URL {shown:?} has {part}, which a base URL cannot carry"),
        )
        .hint("give the API's address only, e.g. https://api.mailingcore.com (the key goes in a key file)")
        .into());
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(crate::exit::Failure::new(
            Exit::Config,
            format!("refusing to send the API key in clear text to {shown}"),
        )
        .hint("use an https:// base URL (plain http is allowed only for localhost)")
        .into()),
        other => fail(
            Exit::Config,
            format!("the base URL {shown:?} has the unsupported scheme {other}"),
        ),
    }
}

/// The URL as given, with anything before an `@` in its authority replaced by `…`, so
/// that a password in it is never shown.
pub fn without_userinfo(base_url: &str) -> String {
    let (scheme, rest) = match base_url.find("://") {
        Some(at) => base_url.split_at(at + 3),
        None => ("", base_url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}…{}", &rest[at..]),
        None => base_url.to_string(),
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
    fn a_base_url_carries_no_userinfo_query_or_fragment() {
        for (bad, part) in [
            ("http://user:s3cret@127.0.0.1:9", "user name or password"),
            (
                "https://s3cret@api.mailingcore.com",
                "user name or password",
            ),
            (
                "http://u:s3cret@api.mailingcore.com",
                "user name or password",
            ),
            ("http://u:s3 cret@api", ""),
            ("https://api.mailingcore.com/?region=eu", "query"),
            ("https://api.mailingcore.com#eu", "fragment"),
        ] {
            let err = check_base_url(bad).unwrap_err();
            let text = format!("{err:#}");
            assert_eq!(crate::exit::classify(&err).0, Exit::Config, "{bad}");
            assert!(text.contains(part), "{bad}: {text}");
            assert!(
                !text.contains("s3cret") && !text.contains("s3 cret"),
                "{text}"
            );
        }
    }

    #[test]
    fn endpoints_are_joined_to_the_base_path() {
        for (base, send) in [
            (
                "https://api.mailingcore.com",
                "https://api.mailingcore.com/emails/send",
            ),
            (
                "https://api.mailingcore.com/",
                "https://api.mailingcore.com/emails/send",
            ),
            (
                "http://127.0.0.1:9/api",
                "http://127.0.0.1:9/api/emails/send",
            ),
            (
                "http://127.0.0.1:9/api/",
                "http://127.0.0.1:9/api/emails/send",
            ),
        ] {
            let url = check_base_url(base).unwrap();
            assert_eq!(endpoint(&url, SEND_PATH, None).as_str(), send);
            assert_eq!(send_endpoint(base), send);
        }
        let url = check_base_url("http://127.0.0.1:9/api/").unwrap();
        assert_eq!(
            endpoint(&url, LOGS_PATH, Some("page=1&limit=1")).as_str(),
            "http://127.0.0.1:9/api/emails/logs?page=1&limit=1"
        );
    }

    #[test]
    fn both_error_styles_parse() {
        let nest = br#"{"statusCode":400,"message":["to must be an email","subject should not be empty"],"path":"/emails/send"}"#;
        let e = ApiError::parse(StatusCode::BAD_REQUEST, nest, false);
        assert_eq!(
            e.message,
            "to must be an email; subject should not be empty"
        );
        let rfc = br#"{"type":"quota_exceeded","title":"Too Many Requests","detail":"Monthly quota reached","status":429}"#;
        let e = ApiError::parse(StatusCode::TOO_MANY_REQUESTS, rfc, false);
        assert_eq!(
            (e.message.as_str(), e.kind.as_deref()),
            ("Monthly quota reached", Some("quota_exceeded"))
        );
        assert!(e.is_quota(None));
        let nest_quota = br#"{"statusCode":429,"message":"Monthly email quota exceeded","quota":{"limit":100,"used":115,"percentage":115}}"#;
        assert!(ApiError::parse(StatusCode::TOO_MANY_REQUESTS, nest_quota, false).is_quota(None));
        let throttle = br#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}"#;
        let e = ApiError::parse(StatusCode::TOO_MANY_REQUESTS, throttle, false);
        assert!(!e.is_quota(Some(&RateLimit {
            remaining: Some(0),
            ..RateLimit::default()
        })));
        assert!(e.is_quota(Some(&RateLimit {
            remaining: Some(5),
            ..RateLimit::default()
        })));
        assert_eq!(
            ApiError::parse(StatusCode::BAD_GATEWAY, b"<html>", false).message,
            "<html>"
        );
    }
}
