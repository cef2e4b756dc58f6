//! `mcnotify check-quota`: the monthly quota for monitoring systems (0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN), live from the API when it tells, else from the journal.

use std::time::{Duration, SystemTime};

use anyhow::Result;
use serde::Serialize;

use crate::api::{check_base_url, Outcome, RetryPolicy};
use crate::cli::CheckQuotaArgs;
use crate::commands::outbox::short_age;
use crate::commands::send::{client_with, retry_policy};
use crate::config::Settings;
use crate::exit::{fail, Exit};
use crate::journal::{Journal, JournalEntry};
use crate::outbox::now_rfc3339;
use crate::output::Printer;
use crate::quota::{Quota, BLOCK_PERCENT};

/// A monitoring-plugin state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    /// The monitoring-plugin exit code of the state.
    pub fn exit(self) -> Exit {
        Exit::Monitor(match self {
            State::Ok => 0,
            State::Warning => 1,
            State::Critical => 2,
            State::Unknown => 3,
        })
    }

    fn word(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warning => "WARNING",
            State::Critical => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// The `--json` report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    /// `live` (the probe's answer), `journal` (the last real send), or null.
    source: Option<&'static str>,
    limit: Option<u64>,
    used: Option<u64>,
    percentage: Option<u64>,
    warning: bool,
    state: State,
    seen_at: Option<String>,
    blocked: bool,
    reason: Option<String>,
}

pub fn run(args: &CheckQuotaArgs, settings: &Settings, printer: &Printer) -> Result<Exit> {
    for (flag, pct) in [("--warn", args.warn), ("--critical", args.critical)] {
        if !(pct.is_finite() && pct >= 0.0) {
            return fail(
                State::Unknown.exit(),
                format!("{flag} must be a percentage, not {pct}"),
            );
        }
    }
    if args.warn > args.critical {
        return fail(
            State::Unknown.exit(),
            format!(
                "--warn ({}) must not be above --critical ({})",
                args.warn, args.critical
            ),
        );
    }

    let journal = Journal::new(&settings.state_dir);
    let base_url = match check_base_url(&settings.base_url) {
        Ok(url) => url.as_str().trim_end_matches('/').to_string(),
        Err(_) => crate::api::without_userinfo(&settings.base_url)
            .trim_end_matches('/')
            .to_string(),
    };
    let base_url = base_url.as_str();
    let tenant = settings.tenant_id.as_deref();
    let (live, why_not_live) = probe(settings, &journal, printer);
    let history = match journal.send_history(base_url, tenant) {
        Ok(h) => h,
        Err(e) => {
            printer.warn(&format!("{e:#}"));
            Default::default()
        }
    };

    let (source, quota, seen_at) = match (live, &history.last_quota) {
        (Some(q), _) => (Some("live"), Some(q), Some(now_rfc3339())),
        (None, Some(entry)) => (
            Some("journal"),
            entry.quota.clone(),
            Some(entry.time.clone()),
        ),
        (None, None) => (None, None, None),
    };
    let blocked_at = history
        .blocked
        .as_ref()
        .map(|e: &JournalEntry| e.time.clone());
    let over_block = quota
        .as_ref()
        .and_then(|q| q.percentage)
        .is_some_and(|p| p > BLOCK_PERCENT);
    let blocked = blocked_at.is_some() || over_block;

    let state = match quota.as_ref().and_then(|q| q.percentage) {
        _ if blocked => State::Critical,
        Some(p) if p as f64 >= args.critical => State::Critical,
        Some(p) if p as f64 >= args.warn => State::Warning,
        Some(_) => State::Ok,
        None => State::Unknown,
    };
    let reason = match (&quota, state) {
        (None, _) => Some(format!(
            "no quota figures: {why_not_live}, and the journal has no send to {base_url}{} yet",
            tenant
                .map(|t| format!(" as tenant {t}"))
                .unwrap_or_default()
        )),
        (Some(_), State::Unknown) => Some("the API gave no usage percentage".to_string()),
        _ => None,
    };

    let report = Report {
        source,
        limit: quota.as_ref().and_then(|q| q.limit),
        used: quota.as_ref().and_then(|q| q.used),
        percentage: quota.as_ref().and_then(|q| q.percentage),
        warning: quota.as_ref().is_some_and(|q| q.warning),
        state,
        seen_at: seen_at.clone(),
        blocked,
        reason: reason.clone(),
    };
    if printer.json {
        printer.json_line(&report);
    } else if !printer.quiet {
        let mut line = format!("QUOTA {} - ", state.word());
        match &quota {
            Some(q) => {
                line.push_str(&q.summary());
                match (source, &seen_at) {
                    (Some("journal"), Some(time)) => {
                        line.push_str(&format!(", last seen {}", ago(time)))
                    }
                    (Some(source), _) => line.push_str(&format!(" {source}")),
                    (None, _) => {}
                }
                if let Some(time) = &blocked_at {
                    line.push_str(&format!("; sending blocked by a quota 429 {}", ago(time)));
                } else if over_block {
                    line.push_str(&format!("; over {BLOCK_PERCENT}%, sending is blocked"));
                }
                if let Some(reason) = &reason {
                    line.push_str(&format!("; {reason}"));
                }
                line.push_str(&perfdata(q, args));
            }
            None => line.push_str(reason.as_deref().unwrap_or("no quota figures")),
        }
        printer.out(&line);
    }
    if source == Some("journal") {
        printer.detail(1, &format!("live probe: {why_not_live}"));
    }
    Ok(state.exit())
}

/// When settings cannot even be loaded, a monitoring check still answers UNKNOWN.
pub fn unknown(error: &anyhow::Error, printer: &Printer) -> Exit {
    let reason = format!("{error:#}");
    if printer.json {
        printer.json_line(&Report {
            source: None,
            limit: None,
            used: None,
            percentage: None,
            warning: false,
            state: State::Unknown,
            seen_at: None,
            blocked: false,
            reason: Some(reason),
        });
    } else if !printer.quiet {
        printer.out(&format!("QUOTA UNKNOWN - {}", reason.replace('\n', " ")));
    }
    State::Unknown.exit()
}

/// The live figures, or why there are none. The probe retries like `send`, but all of
/// it within `--timeout`: a monitoring check must never hang.
fn probe(settings: &Settings, journal: &Journal, printer: &Printer) -> (Option<Quota>, String) {
    let policy = RetryPolicy {
        max_time: settings.timeout,
        rate_limit_waits: 0,
        ..retry_policy(settings)
    };
    let client = match client_with(settings, printer, policy) {
        Ok(c) => c,
        Err(e) => return (None, format!("no live probe ({e:#})")),
    };
    let exchange = client.probe_logs(true);
    let entry = JournalEntry::of(
        "probe",
        client.base_url(),
        settings.tenant_id.as_deref(),
        None,
        &exchange,
    );
    if let Err(e) = journal.append(&entry) {
        printer.warn(&format!("{e:#}"));
    }
    // Retries, and header values that were ignored.
    for line in &exchange.trace {
        printer.detail(1, line);
    }
    for h in &exchange.headers {
        printer.detail(1, h);
    }
    if let Some(q) = exchange.quota {
        return (Some(q), String::new());
    }
    let why = match &exchange.outcome {
        Outcome::Accepted { http, .. } => {
            format!("the logs endpoint answered {http} without X-Quota headers")
        }
        Outcome::Auth(e) => format!("the key was refused by the logs endpoint ({e})"),
        Outcome::Transient { error, .. } => format!("no answer from the API ({error})"),
        other => format!(
            "the logs endpoint failed ({})",
            other.error().unwrap_or_default()
        ),
    };
    (None, why)
}

/// `'used'=4210;4000;5000;0;5000 'percent'=84%;80;100;0` after a `|`, for graphing.
fn perfdata(q: &Quota, args: &CheckQuotaArgs) -> String {
    let mut out = String::from(" |");
    if let Some(p) = q.percentage {
        out.push_str(&format!(
            " 'percent'={p}%;{};{};0",
            args.warn, args.critical
        ));
    }
    if let Some(used) = q.used {
        match q.limit {
            Some(limit) => {
                let at = |pct: f64| (limit as f64 * pct / 100.0).round() as u64;
                out.push_str(&format!(
                    " 'used'={used};{};{};0;{limit}",
                    at(args.warn),
                    at(args.critical)
                ));
            }
            None => out.push_str(&format!(" 'used'={used}")),
        }
    }
    if out == " |" {
        String::new()
    } else {
        out
    }
}

/// `3h ago` for an RFC 3339 time from the journal.
fn ago(time: &str) -> String {
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
