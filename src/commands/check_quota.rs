//! `mcnotify check-quota`: the monthly quota for monitoring systems (0 OK, 1 WARNING,
//! 2 CRITICAL, 3 UNKNOWN), live from the API when it tells, else from the journal.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Result;
use serde::Serialize;

use crate::api::{check_base_url, Outcome, RetryPolicy};
use crate::cli::CheckQuotaArgs;
use crate::clock::{ago, now_rfc3339};
use crate::context::Context;
use crate::exit::{fail, Exit};
use crate::output::{for_terminal, Printer};
use crate::quota::{Quota, BLOCK_PERCENT};
use crate::store::{JournalEntry, Request, Store};

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

/// Where the quota figures came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Source {
    /// The probe's answer.
    Live,
    /// The last real send in the journal.
    Journal,
}

impl Source {
    fn word(self) -> &'static str {
        match self {
            Source::Live => "live",
            Source::Journal => "journal",
        }
    }
}

/// The `--json` report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    /// Null when there are no figures.
    source: Option<Source>,
    limit: Option<u64>,
    used: Option<u64>,
    percentage: Option<u64>,
    warning: bool,
    state: State,
    seen_at: Option<String>,
    blocked: bool,
    reason: Option<String>,
}

impl Report {
    /// The report of a check that could not be made.
    fn unknown(reason: String) -> Report {
        Report {
            source: None,
            limit: None,
            used: None,
            percentage: None,
            warning: false,
            state: State::Unknown,
            seen_at: None,
            blocked: false,
            reason: Some(reason),
        }
    }
}

/// Every outcome, failures included, ends with a status line on stdout: a monitoring
/// system shows that line, and a blank one tells its operator nothing.
pub fn run(args: &CheckQuotaArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    match check(args, ctx) {
        Ok(exit) => Ok(exit),
        Err(e) => {
            let exit = unknown(&e, printer);
            if let (_, Some(hint)) = crate::exit::classify(&e) {
                printer.hint(hint);
            }
            Ok(exit)
        }
    }
}

fn check(args: &CheckQuotaArgs, ctx: &Context) -> Result<Exit> {
    let (settings, printer) = (&ctx.settings, ctx.printer);
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

    watchdog(
        settings.timeout + WATCHDOG_GRACE,
        printer.json,
        printer.quiet,
    );
    let journal = ctx.store()?;
    let base_url = match check_base_url(&settings.base_url) {
        Ok(url) => url.as_str().trim_end_matches('/').to_string(),
        Err(_) => crate::api::without_userinfo(&settings.base_url)
            .trim_end_matches('/')
            .to_string(),
    };
    let base_url = base_url.as_str();
    let tenant = settings.tenant_id.as_deref();
    let (live, why_not_live) = probe(ctx, &journal);
    let history = match journal.send_history(base_url, tenant) {
        Ok(h) => {
            for note in &h.notes {
                printer.detail(1, note);
            }
            h
        }
        Err(e) => {
            printer.warn(&format!("{e:#}"));
            Default::default()
        }
    };

    let (source, quota, seen_at) = match (live, &history.last_quota) {
        (Some(q), _) => (Some(Source::Live), Some(q), Some(now_rfc3339())),
        (None, Some(entry)) => (
            Some(Source::Journal),
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

    let state = match quota.as_ref().and_then(exact_percent) {
        _ if blocked => State::Critical,
        Some(p) if p >= args.critical => State::Critical,
        Some(p) if p >= args.warn => State::Warning,
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
    if !claim_the_answer() {
        // The watchdog is answering UNKNOWN and ending the process.
        loop {
            std::thread::park();
        }
    }
    if printer.json {
        printer.json_line(&report);
    } else if !printer.quiet {
        let mut line = format!("QUOTA {} - ", state.word());
        match &quota {
            Some(q) => {
                line.push_str(&q.summary());
                match (source, &seen_at) {
                    (Some(Source::Journal), Some(time)) => {
                        line.push_str(&format!(", last seen {}", ago(time)))
                    }
                    (Some(source), _) => line.push_str(&format!(" {}", source.word())),
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
                line = status_text(&line);
                line.push_str(&perfdata(q, args));
            }
            None => line.push_str(&status_text(
                reason.as_deref().unwrap_or("no quota figures"),
            )),
        }
        printer.out(&for_terminal(&line, false));
    }
    if source == Some(Source::Journal) {
        printer.detail(1, &format!("live probe: {why_not_live}"));
    }
    Ok(state.exit())
}

/// What the check may take beyond `--timeout` (the probe keeps within it) before the
/// watchdog answers.
const WATCHDOG_GRACE: Duration = Duration::from_secs(1);

static ANSWERED: AtomicBool = AtomicBool::new(false);

/// True for the one caller that gets to print the answer.
fn claim_the_answer() -> bool {
    !ANSWERED.swap(true, Ordering::SeqCst)
}

/// After `limit`, answer UNKNOWN and end the process, unless the check has answered:
/// nothing the check does (reading the journal, the probe) may hang a monitoring check.
fn watchdog(limit: Duration, json: bool, quiet: bool) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        if !claim_the_answer() {
            return;
        }
        let reason = format!(
            "no answer within --timeout and {}s more: something the check reads or writes is stuck",
            WATCHDOG_GRACE.as_secs()
        );
        let line = if json {
            serde_json::to_string(&Report::unknown(reason)).expect("the report serialises")
        } else {
            format!("QUOTA UNKNOWN - {reason}")
        };
        if json || !quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}").and_then(|_| out.flush());
        }
        std::process::exit(3);
    });
}

/// When settings cannot even be loaded, a monitoring check still answers UNKNOWN.
/// The whole error goes to stderr, the status line to stdout.
pub fn unknown(error: &anyhow::Error, printer: &Printer) -> Exit {
    let reason = format!("{error:#}");
    printer.error(&reason);
    if printer.json {
        printer.json_line(&Report::unknown(reason));
    } else if !printer.quiet {
        printer.out(&format!("QUOTA UNKNOWN - {}", status_text(&reason)));
    }
    State::Unknown.exit()
}

/// The status line for a command line that did not parse (clap's error is on stderr):
/// JSON when `--json` was asked for, else the plugin line.
pub fn bad_arguments(error: &clap::Error, json: bool) {
    let rendered = error.render().to_string();
    let first = rendered
        .lines()
        .map(|l| l.trim_start_matches("error:").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("the command line did not parse");
    let reason = format!("bad arguments: {first}");
    if json {
        let report = Report::unknown(reason);
        println!(
            "{}",
            serde_json::to_string(&report).expect("reports serialise")
        );
    } else {
        println!("QUOTA UNKNOWN - {}", status_text(&reason));
    }
}

/// The text of a status line as monitoring systems read it: one line (the first line
/// is the status, the rest long output), and no `|`, which starts the performance data.
/// The source excerpt of a parse error (`1 | a = |x`, `  |     ^`) is left out (stderr
/// has the whole error); line breaks and runs of blanks become one space, `|` a `/`, and
/// other control characters are escaped.
pub fn status_text(text: &str) -> String {
    let excerpt = |line: &str| {
        let gutter = line
            .trim_start()
            .trim_start_matches(|c: char| c.is_ascii_digit());
        let rest = gutter.trim_start();
        rest.starts_with('|') || (!rest.is_empty() && rest.chars().all(|c| c == '^' || c == '~'))
    };
    let kept: Vec<&str> = text.lines().filter(|l| !excerpt(l)).collect();
    let kept = kept.join(" ");
    let mut out = String::with_capacity(text.len());
    for word in kept.split(char::is_whitespace) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&for_terminal(&word.replace('|', "/"), false));
    }
    out
}

/// The live figures, or why there are none. The probe retries like `send`, but all of
/// it within `--timeout`: a monitoring check must never hang.
fn probe(ctx: &Context, journal: &Store) -> (Option<Quota>, String) {
    let (settings, printer) = (&ctx.settings, ctx.printer);
    let policy = RetryPolicy {
        max_time: settings.timeout,
        rate_limit_waits: 0,
        ..ctx.retry_policy()
    };
    let client = match ctx.client_with(policy) {
        Ok(c) => c,
        Err(e) => return (None, format!("no live probe ({e:#})")),
    };
    let exchange = match ctx.block_on(client.probe_logs(true)) {
        Ok(exchange) => exchange,
        Err(e) => return (None, format!("no live probe ({e:#})")),
    };
    let entry = JournalEntry::of(
        Request::Probe,
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
    for h in exchange.headers.lines() {
        printer.detail(1, &h);
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

/// ` | 'percent'=84%;@80:;@100:;0;100 'used'=4210;@4000:;@5000:;0;5000`, for graphing.
///
/// Under the plugin guidelines' range rules a bare `80` alerts only above 80, while the
/// state here is WARNING from 80 on (inclusive). `@80:` is the range "inside 80 to
/// infinity, ends included", which alerts at 80 as the state does.
fn perfdata(q: &Quota, args: &CheckQuotaArgs) -> String {
    let from = |at: String| format!("@{at}:");
    let mut out = String::from(" |");
    if let Some(p) = exact_percent(q) {
        let p = format!("{:.2}", p);
        let p = p.trim_end_matches('0').trim_end_matches('.');
        out.push_str(&format!(
            " 'percent'={p}%;{};{};0;100",
            from(args.warn.to_string()),
            from(args.critical.to_string())
        ));
    }
    if let Some(used) = q.used {
        match q.limit {
            Some(limit) => {
                // The first count at or over the percentage.
                let at = |pct: f64| (limit as f64 * pct / 100.0).ceil() as u64;
                out.push_str(&format!(
                    " 'used'={used};{};{};0;{limit}",
                    from(at(args.warn).to_string()),
                    from(at(args.critical).to_string())
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

/// The share of the plan used, in percent: from the counts when the API gave both (the
/// header is a whole number, and `--warn 12.5` needs more), else the API's own figure.
/// The state and the performance data are both computed from it, so they always agree.
fn exact_percent(q: &Quota) -> Option<f64> {
    match (q.used, q.limit) {
        (Some(used), Some(limit)) if limit > 0 => Some(used as f64 * 100.0 / limit as f64),
        _ => q.percentage.map(|p| p as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_keep_their_names_in_json_and_text() {
        for (source, name) in [(Source::Live, "live"), (Source::Journal, "journal")] {
            assert_eq!(serde_json::to_value(source).unwrap(), name);
            assert_eq!(source.word(), name);
        }
    }
}
