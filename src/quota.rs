//! The `X-Quota-*` and `X-RateLimit-*` response headers as typed values.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
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
    /// `None` when the response carried no quota header at all. A value that is no
    /// number is ignored, with a line in `notes` (shown at `-v`).
    pub fn from_headers(headers: &HeaderMap, notes: &mut Vec<String>) -> Option<Quota> {
        let limit = number(headers, "x-quota-limit", notes);
        let used = number(headers, "x-quota-used", notes);
        let warning = headers
            .get("x-quota-warning")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let percentage = text(headers, "x-quota-percentage", notes).and_then(|v| {
            let p = v
                .trim_end_matches('%')
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p >= 0.0 && *p <= u64::MAX as f64);
            if p.is_none() {
                notes.push(ignored("x-quota-percentage", v, "is not a percentage"));
            }
            p.map(|p| p.floor() as u64)
        });
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
                // In u128: `used * 100` cannot overflow whatever the headers say.
                if let Some(pct) = (u128::from(used) * 100).checked_div(u128::from(limit)) {
                    self.percentage = Some(u64::try_from(pct).unwrap_or(u64::MAX));
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
    pub fn from_headers(headers: &HeaderMap, notes: &mut Vec<String>) -> Option<RateLimit> {
        let rl = RateLimit {
            limit: number(headers, "x-ratelimit-limit", notes),
            remaining: number(headers, "x-ratelimit-remaining", notes),
            reset: number(headers, "x-ratelimit-reset", notes),
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

/// `Retry-After` in seconds or as an HTTP date (a date already past is no wait). Anything
/// else (a negative or fractional number, text) is ignored with a line in `notes`.
pub fn retry_after(
    headers: &HeaderMap,
    now: SystemTime,
    notes: &mut Vec<String>,
) -> Option<Duration> {
    let value = text(headers, "retry-after", notes)?;
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    match httpdate::parse_http_date(value) {
        Ok(when) => Some(when.duration_since(now).unwrap_or_default()),
        Err(_) => {
            notes.push(ignored(
                "retry-after",
                value,
                "is neither a number of seconds nor an HTTP date",
            ));
            None
        }
    }
}

/// How long a wait is, roughly, for messages: `23 h`, `5 min`, `12 s`.
pub fn rough(wait: Duration) -> String {
    let secs = wait.as_secs_f64();
    match secs {
        s if s >= 365.0 * 86_400.0 => "more than a year".to_string(),
        s if s >= 2.0 * 86_400.0 => format!("{} days", (s / 86_400.0).round()),
        s if s >= 3_600.0 => format!("{} h", (s / 3_600.0).round()),
        s if s >= 60.0 => format!("{} min", (s / 60.0).round()),
        s => format!("{} s", s.ceil()),
    }
}

/// A header's value as trimmed text; a value that is not visible ASCII is noted.
fn text<'a>(headers: &'a HeaderMap, name: &str, notes: &mut Vec<String>) -> Option<&'a str> {
    let value = headers.get(name)?;
    match value.to_str() {
        Ok(v) => Some(v.trim()),
        Err(_) => {
            notes.push(format!("ignored the {name} header: it is not plain text"));
            None
        }
    }
}

/// A whole number from 0 to `u64::MAX`; anything else (negative, a fraction, text, too
/// large) is ignored and noted.
fn number(headers: &HeaderMap, name: &str, notes: &mut Vec<String>) -> Option<u64> {
    let value = text(headers, name, notes)?;
    let n = value.parse().ok();
    if n.is_none() {
        notes.push(ignored(
            name,
            value,
            "is not a whole number from 0 to 2^64-1",
        ));
    }
    n
}

fn ignored(name: &str, value: &str, why: &str) -> String {
    let shown: String = value.chars().take(40).collect();
    let cut = if shown.len() < value.len() { "…" } else { "" };
    format!("ignored the {name} header: {shown:?}{cut} {why}")
}

/// The raw quota and rate-limit headers of an answer, kept as they came (shared, not
/// copied) and written out only for `-v`.
#[derive(Debug, Clone, Default)]
pub struct RawHeaders(Vec<(HeaderName, HeaderValue)>);

impl RawHeaders {
    pub fn of(headers: &HeaderMap) -> RawHeaders {
        RawHeaders(
            headers
                .iter()
                .filter(|(name, _)| {
                    let n = name.as_str();
                    n.starts_with("x-quota-") || n.starts_with("x-ratelimit-") || n == "retry-after"
                })
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
        )
    }

    /// `name: value`, one per header.
    pub fn lines(&self) -> impl Iterator<Item = String> + '_ {
        self.0.iter().map(|(name, value)| {
            format!(
                "{}: {}",
                name.as_str(),
                value.to_str().unwrap_or("<binary>")
            )
        })
    }
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
        let q = Quota::from_headers(
            &headers(&[
                ("x-quota-limit", "5000"),
                ("x-quota-used", "421"),
                ("x-quota-percentage", "8"),
            ]),
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(q.summary(), "421/5000 (8%)");
        assert_eq!(q.warning_text(), None);
        let q = Quota::from_headers(
            &headers(&[("x-quota-limit", "5000"), ("x-quota-used", "4210")]),
            &mut Vec::new(),
        )
        .unwrap();
        assert_eq!(q.percentage, Some(84));
        assert!(q.warning_text().unwrap().contains("84%"));
        let q = Quota::from_headers(
            &headers(&[("x-quota-percentage", "104"), ("x-quota-warning", "true")]),
            &mut Vec::new(),
        )
        .unwrap();
        assert!(q.warning_text().unwrap().contains("grace period"));
        assert_eq!(
            Quota::from_headers(&HeaderMap::new(), &mut Vec::new()),
            None
        );
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
            retry_after(&headers(&[("retry-after", "3")]), now, &mut Vec::new()),
            Some(Duration::from_secs(3))
        );
    }

    #[test]
    fn nonsense_header_values_are_ignored_with_a_note_never_a_panic() {
        let now = UNIX_EPOCH + Duration::from_secs(1_719_820_700);
        for value in ["-5", "-1.5", "soon", "99999999999999999999999", "0x10", ""] {
            let mut notes = Vec::new();
            let h = headers(&[
                ("retry-after", value),
                ("x-ratelimit-reset", value),
                ("x-ratelimit-remaining", value),
                ("x-quota-used", value),
                ("x-quota-percentage", value),
            ]);
            assert_eq!(retry_after(&h, now, &mut notes), None, "{value}");
            assert_eq!(RateLimit::from_headers(&h, &mut notes), None, "{value}");
            assert_eq!(Quota::from_headers(&h, &mut notes), None, "{value}");
            assert_eq!(notes.len(), 5, "{value}: {notes:?}");
            assert!(notes[0].contains("retry-after"), "{notes:?}");
        }
        let mut notes = Vec::new();
        let nan = headers(&[("x-quota-percentage", "NaN"), ("x-quota-limit", "10")]);
        let q = Quota::from_headers(&nan, &mut notes).unwrap();
        assert_eq!((q.limit, q.percentage), (Some(10), None));
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn extreme_figures_use_checked_arithmetic() {
        let max = "18446744073709551615";
        let mut notes = Vec::new();
        let q = Quota::from_headers(
            &headers(&[("x-quota-used", max), ("x-quota-limit", "1")]),
            &mut notes,
        )
        .unwrap();
        assert_eq!(q.percentage, Some(u64::MAX));
        assert!(q.warning_text().is_some());
        let h = headers(&[("retry-after", max), ("x-ratelimit-reset", max)]);
        assert_eq!(
            retry_after(&h, UNIX_EPOCH, &mut notes),
            Some(Duration::from_secs(u64::MAX))
        );
        let far = RateLimit::from_headers(&h, &mut notes).unwrap();
        assert!(far.until_reset(SystemTime::now()).unwrap() > Duration::from_secs(86_400 * 365));
        // An HTTP date far ahead is a long wait; one in the past is none.
        let h = headers(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")]);
        assert!(
            retry_after(&h, SystemTime::now(), &mut notes).unwrap()
                > Duration::from_secs(86_400 * 365)
        );
        let h = headers(&[("retry-after", "Thu, 01 Jan 1970 00:00:01 GMT")]);
        assert_eq!(
            retry_after(&h, SystemTime::now(), &mut notes),
            Some(Duration::ZERO)
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(rough(Duration::from_secs(86_400 - 3_000)), "23 h");
        assert_eq!(rough(Duration::from_secs(u64::MAX)), "more than a year");
    }
}
