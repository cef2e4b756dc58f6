//! Wall-clock time as the state files and messages show it: RFC 3339 stamps and short ages.

use std::time::{Duration, SystemTime};

/// Now, as an RFC 3339 UTC time to the second (`2026-11-24T03:00:00Z`).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}

/// How long ago an RFC 3339 time was; `None` when it does not parse or is in the future.
pub fn age(rfc3339: &str) -> Option<Duration> {
    let then = humantime::parse_rfc3339_weak(rfc3339).ok()?;
    SystemTime::now().duration_since(then).ok()
}

/// `45s`, `12m`, `3h`, `2d`.
pub fn short_age(age: Duration) -> String {
    let s = age.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86400 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86400),
    }
}

/// `3h ago` for an RFC 3339 time (`0s ago` for one in the future), `at <time>` when it
/// does not parse.
pub fn ago(time: &str) -> String {
    humantime::parse_rfc3339_weak(time)
        .ok()
        .map(|then| {
            SystemTime::now()
                .duration_since(then)
                .unwrap_or(Duration::ZERO)
        })
        .map(|age| format!("{} ago", short_age(age)))
        .unwrap_or_else(|| format!("at {time}"))
}
