//! The `X-Quota-*` and `X-RateLimit-*` response headers as typed values.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderMap;
use serde::{Deserialize, Serialize};

/// The monthly quota as the last response told it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    pub limit: Option<u64>,
    pub used: Option<u64>,
    pub percentage: Option<u64>,
    pub warning: bool,
}

/// Usage above which the API blocks sends with 429.
pub const BLOCK_PERCENT: u64 = 110;

impl Quota {
    /// `None` when the response carried no quota header at all.
    pub fn from_headers(headers: &HeaderMap) -> Option<Quota> {
        let limit = number(headers, "x-quota-limit");
        let used = number(headers, "x-quota-used");
        let warning = headers
            .get("x-quota-warning")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let percentage = headers
            .get("x-quota-percentage")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().trim_end_matches('%').parse::<f64>().ok())
            .filter(|p| p.is_finite() && *p >= 0.0)
            .map(|p| p.floor() as u64);
        if limit.is_none() && used.is_none() && percentage.is_none() && !warning {
            return None;
        }
        Some(
            Quota {
                limit,
                used,
                percentage,
                warning,
            }
            .completed(),
        )
    }

    /// The quota object of a 429 body: `{"limit":100,"used":115,"percentage":115}`.
    pub fn from_body(value: &serde_json::Value) -> Option<Quota> {
        let obj = value.as_object()?;
        let get = |k: &str| {
            obj.get(k)
                .and_then(|v| v.as_f64())
                .map(|f| f.max(0.0).floor() as u64)
        };
        Some(
            Quota {
                limit: get("limit"),
                used: get("used"),
                percentage: get("percentage"),
                warning: true,
            }
            .completed(),
        )
    }

    fn completed(mut self) -> Quota {
        if self.percentage.is_none() {
            if let (Some(limit), Some(used)) = (self.limit, self.used) {
                if let Some(pct) = (used * 100).checked_div(limit) {
                    self.percentage = Some(pct);
                }
            }
        }
        if self.percentage.is_some_and(|p| p >= 80) {
            self.warning = true;
        }
        self
    }

    /// `421/5000 (8%)`, with what is known.
    pub fn summary(&self) -> String {
        let counts = match (self.used, self.limit) {
            (Some(u), Some(l)) => format!("{u}/{l}"),
            (Some(u), None) => format!("{u} used"),
            (None, Some(l)) => format!("?/{l}"),
            (None, None) => String::new(),
        };
        match (self.percentage, counts.is_empty()) {
            (Some(p), true) => format!("{p}%"),
            (Some(p), false) => format!("{counts} ({p}%)"),
            (None, _) => counts,
        }
    }

    /// The stderr warning from 80 %, naming the grace period above 100 %.
    pub fn warning_text(&self) -> Option<String> {
        let pct = self.percentage;
        if pct.is_some_and(|p| p > BLOCK_PERCENT) {
            return Some(format!(
                "MailingCore quota at {}: over {BLOCK_PERCENT}%, sending is blocked until the plan is upgraded or the cycle resets",
                self.summary()
            ));
        }
        if pct.is_some_and(|p| p > 100) {
            return Some(format!(
                "MailingCore quota at {}: grace period, sending stops above {BLOCK_PERCENT}%",
                self.summary()
            ));
        }
        if self.warning {
            return Some(format!(
                "MailingCore quota at {}: plan your upgrade",
                self.summary()
            ));
        }
        None
    }
}

/// The rate-limit window as the last response told it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// As sent: a Unix timestamp in seconds (or, from some servers, seconds to wait).
    pub reset: Option<u64>,
}

impl RateLimit {
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        let rl = RateLimit {
            limit: number(headers, "x-ratelimit-limit"),
            remaining: number(headers, "x-ratelimit-remaining"),
            reset: number(headers, "x-ratelimit-reset"),
        };
        (rl != RateLimit::default()).then_some(rl)
    }

    /// How long until the window resets, from `now`.
    pub fn until_reset(&self, now: SystemTime) -> Option<Duration> {
        let reset = self.reset?;
        if reset > 1_000_000_000 {
            let now = now.duration_since(UNIX_EPOCH).ok()?;
            Some(Duration::from_secs(reset).saturating_sub(now))
        } else {
            Some(Duration::from_secs(reset))
        }
    }
}

/// `Retry-After` in seconds or as an HTTP date.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(when.duration_since(now).unwrap_or_default())
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The raw quota and rate-limit headers, for `-v`.
pub fn raw_headers(headers: &HeaderMap) -> Vec<String> {
    headers
        .iter()
        .filter(|(name, _)| {
            let n = name.as_str();
            n.starts_with("x-quota-") || n.starts_with("x-ratelimit-") || n == "retry-after"
        })
        .map(|(name, value)| {
            format!(
                "{}: {}",
                name.as_str(),
                value.to_str().unwrap_or("<binary>")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn quota_headers_parse_and_warn_from_80_percent() {
        let q = Quota::from_headers(&headers(&[
            ("x-quota-limit", "5000"),
            ("x-quota-used", "421"),
            ("x-quota-percentage", "8"),
        ]))
        .unwrap();
        assert_eq!(q.summary(), "421/5000 (8%)");
        assert_eq!(q.warning_text(), None);
        let q = Quota::from_headers(&headers(&[
            ("x-quota-limit", "5000"),
            ("x-quota-used", "4210"),
        ]))
        .unwrap();
        assert_eq!(q.percentage, Some(84));
        assert!(q.warning_text().unwrap().contains("84%"));
        let q = Quota::from_headers(&headers(&[
            ("x-quota-percentage", "104"),
            ("x-quota-warning", "true"),
        ]))
        .unwrap();
        assert!(q.warning_text().unwrap().contains("grace period"));
        assert_eq!(Quota::from_headers(&HeaderMap::new()), None);
    }

    #[test]
    fn reset_is_an_epoch_or_a_delta() {
        let now = UNIX_EPOCH + Duration::from_secs(1_719_820_700);
        let epoch = RateLimit {
            reset: Some(1_719_820_800),
            ..RateLimit::default()
        };
        assert_eq!(epoch.until_reset(now), Some(Duration::from_secs(100)));
        let delta = RateLimit {
            reset: Some(7),
            ..RateLimit::default()
        };
        assert_eq!(delta.until_reset(now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")]), now),
            Some(Duration::from_secs(3))
        );
    }
}
