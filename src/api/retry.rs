//! How hard one request tries: the retry policy, and the loop of attempts, backoff and
//! waits that keeps to it.

use std::future::Future;
use std::time::{Duration, Instant, SystemTime};

use super::answer::Answer;
use super::classify::{classify, describe_transport, Verdict};
use super::exchange::{Exchange, Outcome};
use crate::pacing::{later, Pacer};
use crate::quota::{retry_after, rough, Quota, RateLimit, RawHeaders};

/// A wait for a rate-limit window is made when it ends within the retry budget or
/// within this (one MailingCore window is 60 s); a longer one is not made.
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

impl RetryPolicy {
    /// One request to its end under this policy, paced by `pacer`: `attempt` makes one
    /// attempt within the timeout it is given; `sent_tenant` says whether the request
    /// carries `X-Tenant-Id`.
    pub(super) async fn run<F>(
        &self,
        pacer: Option<&Pacer>,
        sent_tenant: bool,
        mut attempt: impl FnMut(Duration) -> F,
    ) -> Exchange
    where
        F: Future<Output = reqwest::Result<Answer>>,
    {
        let started = Instant::now();
        let mut exchange = Exchange {
            outcome: Outcome::Transient {
                error: "no attempt was made".into(),
                http: None,
            },
            attempts: 0,
            quota: None,
            rate_limit: None,
            headers: RawHeaders::default(),
            trace: Vec::new(),
        };
        let max_attempts = self.retries.saturating_add(1);
        // Waiting for the rate-limit window is not failing: it counts against neither
        // the attempts nor the time budget (within `rate_limit_waits`). One such wait
        // may take up to the budget, or one window when the budget is shorter.
        let window_ceiling = self.max_time.max(MAX_RATE_LIMIT_WAIT);
        let mut exempt = Duration::ZERO;
        let mut failures = 0;
        let mut rate_waits = 0;
        loop {
            if let Some(pacer) = pacer {
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
            let remaining = self.max_time.saturating_sub(spent);
            let timeout = self.timeout.min(remaining).max(Duration::from_millis(100));
            exchange.attempts += 1;
            let result = attempt(timeout).await;
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
                    exchange.headers = RawHeaders::of(&headers);
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
                    if let Some(pacer) = pacer {
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
                    if let Some(pacer) = pacer {
                        pacer.observe(None, false);
                    }
                    (describe_transport(&err), None, None, false)
                }
            };
            let give_up = |why: String| Outcome::Transient {
                error: format!("{error} ({why})"),
                http,
            };
            let wait = if limited && rate_waits < self.rate_limit_waits {
                rate_waits += 1;
                let wait = wait.unwrap_or_else(|| self.backoff(rate_waits));
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
                let wait = wait.unwrap_or_else(|| self.backoff(failures - 1));
                let spent = started.elapsed().saturating_sub(exempt);
                if spent.saturating_add(wait) >= self.max_time {
                    exchange.outcome = give_up(match asked {
                        Some(asked) => format!(
                            "the API asks to wait {}, past the {}s retry budget; kept without waiting",
                            rough(asked),
                            self.max_time.as_secs_f64()
                        ),
                        None => format!(
                            "gave up after {} attempt{} within the {}s retry budget",
                            exchange.attempts,
                            if exchange.attempts == 1 { "" } else { "s" },
                            self.max_time.as_secs_f64()
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
