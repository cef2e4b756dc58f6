//! `mcnotify verify-key`: is the key well-formed, valid, scoped and for this tenant?
//! Offline checks first, then a probe of the logs endpoint, then (on request) one real send.

use anyhow::Result;
use serde::Serialize;

use crate::address;
use crate::api::{Client, Exchange, Outcome, RetryPolicy};
use crate::cli::VerifyKeyArgs;
use crate::clock::now_rfc3339;
use crate::config::Settings;
use crate::context::Context;
use crate::email::{Metadata, SendBody};
use crate::exit::{fail, Exit};
use crate::output::Printer;
use crate::secret::{ApiKey, KEY_PREFIXES};
use crate::store::{JournalEntry, Request, Store};

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Verdict {
    Ok,
    Warn,
    Fail,
    Skipped,
}

#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    result: Verdict,
    detail: String,
}

/// What the checks found of the key as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum KeyVerdict {
    Valid,
    /// Valid, but without the `email:read` scope the probe needs.
    ValidWithoutEmailRead,
    Invalid,
    /// Neither proved valid nor invalid (the network or the API failed).
    Unverified,
    /// The API wants the key's tenant in `X-Tenant-Id` and none is set.
    TenantRequired,
}

impl KeyVerdict {
    fn word(self) -> &'static str {
        match self {
            KeyVerdict::Valid => "valid",
            KeyVerdict::ValidWithoutEmailRead => "valid-without-email-read",
            KeyVerdict::Invalid => "invalid",
            KeyVerdict::Unverified => "unverified",
            KeyVerdict::TenantRequired => "tenant-required",
        }
    }
}

/// The `--json` report.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    verdict: KeyVerdict,
    key: Option<String>,
    kind: Option<&'static str>,
    source: Option<String>,
    checks: Vec<Check>,
    exit: u8,
}

/// Checks collected in order, printed as they come (human) or at the end (`--json`).
struct Checks<'a> {
    printer: &'a Printer,
    list: Vec<Check>,
}

impl Checks<'_> {
    fn add(&mut self, name: &'static str, result: Verdict, detail: impl Into<String>) {
        let detail = detail.into();
        if !self.printer.json {
            let word = match result {
                Verdict::Ok => "ok",
                Verdict::Warn => "warn",
                Verdict::Fail => "FAIL",
                Verdict::Skipped => "skip",
            };
            self.printer
                .human(&format!("{name:<9} {word:<4}  {detail}"));
        }
        self.list.push(Check {
            name,
            result,
            detail,
        });
    }
}

pub fn run(args: &VerifyKeyArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let test_to = match &args.send_test {
        Some(a) => match address::parse(a) {
            Ok(a) => Some(a),
            Err(e) => return fail(Exit::Usage, format!("--send-test: {e}")),
        },
        None => None,
    };
    let mut checks = Checks {
        printer,
        list: Vec::new(),
    };
    let mut report = Report {
        verdict: KeyVerdict::Invalid,
        key: None,
        kind: None,
        source: None,
        checks: Vec::new(),
        exit: 0,
    };
    let (exit, hint) = verify(ctx, test_to.as_deref(), &mut checks, &mut report);
    report.exit = exit.code();
    report.checks = checks.list;
    if printer.json {
        printer.json_line(&report);
    } else {
        printer.human(&format!("verdict: {}", report.verdict.word()));
    }
    if let Some(hint) = hint {
        printer.hint(&hint);
    }
    Ok(exit)
}

fn verify(
    ctx: &Context,
    test_to: Option<&str>,
    checks: &mut Checks,
    report: &mut Report,
) -> (Exit, Option<String>) {
    let (settings, printer) = (&ctx.settings, ctx.printer);
    // Offline: present, one line, a documented prefix.
    let (key, source, warnings) = match settings.api_key() {
        Ok(found) => found,
        Err(e) => {
            let (exit, hint) = crate::exit::classify(&e);
            checks.add("key", Verdict::Fail, format!("{e:#}"));
            return (exit, hint.map(str::to_string));
        }
    };
    for w in warnings.iter().chain(&settings.warnings) {
        printer.warn(w);
    }
    report.key = Some(key.redacted());
    report.source = Some(source.to_string());
    checks.add(
        "key",
        Verdict::Ok,
        format!("{} from {source}, one line, no whitespace", key.redacted()),
    );
    let Some(prefix) = key.prefix() else {
        checks.add(
            "format",
            Verdict::Fail,
            format!(
                "{} does not start with {}: it is not a MailingCore API key (a key id or a dashboard token?)",
                key.redacted(),
                KEY_PREFIXES.join(" or ")
            ),
        );
        return (
            Exit::Config,
            Some("create a key under Dashboard → Settings → API keys and copy it whole".into()),
        );
    };
    let kind = if prefix == "mc_live_" { "live" } else { "test" };
    report.kind = Some(kind);
    checks.add(
        "format",
        Verdict::Ok,
        format!("{prefix} prefix: a {kind} key"),
    );

    // Online: the logs endpoint needs a valid key with `email:read`.
    let client = match Client::new(
        &settings.base_url,
        key.clone(),
        settings.tenant_id.clone(),
        RetryPolicy {
            rate_limit_waits: 2,
            ..ctx.retry_policy()
        },
    ) {
        Ok(c) => {
            printer.detail(2, c.proxy_note());
            c
        }
        Err(e) => {
            let (exit, hint) = crate::exit::classify(&e);
            checks.add("probe", Verdict::Skipped, format!("{e:#}"));
            return (exit, hint.map(str::to_string));
        }
    };
    let runtime = match ctx.runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            let (exit, hint) = crate::exit::classify(&e);
            checks.add("probe", Verdict::Skipped, format!("{e:#}"));
            return (exit, hint.map(str::to_string));
        }
    };
    if let Some(config) = &settings.config_path {
        printer.detail(2, &format!("config {}", config.display()));
    }
    printer.detail(
        2,
        &format!(
            "X-Tenant-Id {}; timeout {}s, {} retries within {}s",
            settings
                .tenant_id
                .as_deref()
                .unwrap_or("not sent (no tenant_id)"),
            settings.timeout.as_secs_f64(),
            settings.retries,
            settings.retry_max_time.as_secs_f64()
        ),
    );
    // The journal is advisory: a store that cannot be opened is a warning.
    let journal = ctx
        .store()
        .map_err(|e| printer.warn(&format!("{e:#}")))
        .ok();
    let probe = runtime.block_on(client.probe_logs(true));
    journal_append(
        journal.as_deref(),
        printer,
        Request::Probe,
        &client,
        settings,
        None,
        &probe,
    );
    let tenant = settings.tenant_id.as_deref();
    let mut exit = Exit::Ok;
    let mut hint = None;
    let mut can_send = true;
    match &probe.outcome {
        Outcome::Accepted { http, .. } => {
            report.verdict = KeyVerdict::Valid;
            checks.add(
                "probe",
                Verdict::Ok,
                format!("GET /emails/logs answered {http}: the key is valid and has email:read"),
            );
            if let Some(t) = tenant {
                checks.add(
                    "tenant",
                    Verdict::Ok,
                    format!("X-Tenant-Id {t} is the key's tenant"),
                );
            }
        }
        Outcome::Auth(e) if e.status == 403 => {
            // A 403 with X-Tenant-Id may be the tenant; ask again without it to tell.
            let tenant_at_fault = tenant.is_some() && {
                let again = runtime.block_on(client.probe_logs(false));
                journal_append(
                    journal.as_deref(),
                    printer,
                    Request::Probe,
                    &client,
                    settings,
                    None,
                    &again,
                );
                matches!(again.outcome, Outcome::Accepted { .. })
            };
            if tenant_at_fault {
                report.verdict = KeyVerdict::Invalid;
                checks.add("probe", Verdict::Ok, "the key is valid without X-Tenant-Id");
                checks.add(
                    "tenant",
                    Verdict::Fail,
                    format!(
                        "{e}: X-Tenant-Id {} is not this key's tenant",
                        tenant.unwrap_or_default()
                    ),
                );
                exit = Exit::NoPerm;
                can_send = false;
                hint = Some("an API key belongs to exactly one tenant: fix tenant_id (--tenant-id, MAILINGCORE_TENANT_ID, config) or remove it".into());
            } else {
                report.verdict = KeyVerdict::ValidWithoutEmailRead;
                checks.add(
                    "probe",
                    Verdict::Warn,
                    format!("{e}: the key is valid but lacks the email:read scope; check-quota cannot probe live and falls back to the journal"),
                );
                printer.warn("the key lacks email:read: this probe cannot see email:send; use --send-test ADDRESS to prove it");
            }
        }
        Outcome::Auth(e) => {
            report.verdict = KeyVerdict::Invalid;
            checks.add(
                "probe",
                Verdict::Fail,
                format!("{e}: the key is invalid or revoked"),
            );
            exit = Exit::NoPerm;
            can_send = false;
            hint = Some("create a new key under Dashboard → Settings → API keys (a revoked key cannot come back)".into());
        }
        Outcome::Transient { error, http } => {
            report.verdict = KeyVerdict::Unverified;
            let who = match http {
                Some(code) => format!("the API is failing (HTTP {code}), not the key"),
                None => "the network, not the key, is at fault".to_string(),
            };
            checks.add("probe", Verdict::Fail, format!("{error}: {who}"));
            exit = Exit::TempFail;
            can_send = false;
            hint = Some(format!(
                "check that {} is reachable from here, then run verify-key again",
                client.base_url()
            ));
        }
        Outcome::QuotaBlocked(e) => {
            report.verdict = KeyVerdict::Valid;
            checks.add(
                "probe",
                Verdict::Warn,
                format!("{e}: the key is valid but the tenant is over its monthly quota"),
            );
        }
        Outcome::NeedsTenant(e) => {
            // Sent without X-Tenant-Id (none is set) and refused for that: the key
            // itself was not judged.
            report.verdict = KeyVerdict::TenantRequired;
            checks.add(
                "tenant",
                Verdict::Fail,
                format!(
                    "{e}: this API wants the key's tenant in X-Tenant-Id and no tenant_id is set"
                ),
            );
            exit = Exit::Config;
            can_send = false;
            hint = Some("set the key's tenant: tenant_id in the config, MAILINGCORE_TENANT_ID or --tenant-id (the dashboard shows it), then run verify-key again".into());
        }
        other => {
            report.verdict = KeyVerdict::Unverified;
            checks.add(
                "probe",
                Verdict::Fail,
                format!(
                    "{}: is {} the MailingCore API?",
                    other.error().unwrap_or_default(),
                    client.base_url()
                ),
            );
            exit = Exit::Config;
            can_send = false;
            hint = Some("check base_url (--base-url, MAILINGCORE_BASE_URL, config)".into());
        }
    }
    if let Some(q) = &probe.quota {
        printer.detail(1, &format!("quota {}", q.summary()));
        printer.quota(q);
    }

    // On request: one real send, the only documented proof of `email:send`.
    let Some(to) = test_to else {
        if exit == Exit::Ok {
            checks.add(
                "send",
                Verdict::Skipped,
                "email:send not proven: add --send-test ADDRESS (spends one email of quota)",
            );
        }
        return (exit, hint);
    };
    if !can_send {
        checks.add(
            "send",
            Verdict::Skipped,
            "not attempted after the failure above",
        );
        return (exit, hint);
    }
    printer.note(&format!(
        "sending one test email to {to}: it spends one email of the monthly quota"
    ));
    let body = test_email(settings, to, &key);
    let bytes = serde_json::to_vec(&body).expect("the body serialises");
    let sent = runtime.block_on(client.send(&bytes));
    journal_append(
        journal.as_deref(),
        printer,
        Request::Send,
        &client,
        settings,
        Some(&body.idempotency_key),
        &sent,
    );
    let quota = sent
        .quota
        .as_ref()
        .map(|q| format!(" quota {}", q.summary()))
        .unwrap_or_default();
    if let Some(q) = &sent.quota {
        printer.quota(q);
    }
    match &sent.outcome {
        Outcome::Accepted { id, status, .. } => {
            checks.add(
                "send",
                Verdict::Ok,
                format!(
                    "test email to {to} accepted id={} {}{quota}: the key has email:send",
                    id.as_deref().unwrap_or("?"),
                    status.as_deref().unwrap_or("")
                ),
            );
            if report.verdict == KeyVerdict::ValidWithoutEmailRead {
                report.verdict = KeyVerdict::Valid;
                checks.add(
                    "scopes",
                    Verdict::Warn,
                    "email:send works; email:read is missing, so check-quota relies on the journal",
                );
            }
        }
        Outcome::Auth(e) => {
            report.verdict = KeyVerdict::Invalid;
            checks.add(
                "send",
                Verdict::Fail,
                format!("{e}: the key cannot send (email:send missing?)"),
            );
            exit = Exit::NoPerm;
            hint = Some("give the key the email:send scope, or create one that has it".into());
        }
        other => {
            checks.add(
                "send",
                Verdict::Fail,
                format!(
                    "{}; the test email was not kept in the outbox",
                    other.error().unwrap_or_default()
                ),
            );
            exit = exit.worst(other.exit());
        }
    }
    (exit, hint)
}

/// A short test email with its own idempotency key and tags marking it as a test.
fn test_email(settings: &Settings, to: &str, key: &ApiKey) -> SendBody {
    let now = now_rfc3339();
    let nonce = format!("{:016x}", fastrand::u64(..));
    let body = format!(
        "This is a test email from mcnotify verify-key, sent at {now} with the {} key {}.",
        if key.prefix() == Some("mc_live_") {
            "live"
        } else {
            "test"
        },
        key.redacted()
    );
    SendBody {
        to: to.to_string(),
        subject: "[mcnotify] test email".to_string(),
        html_body: format!("<p>{body}</p>"),
        text_body: Some(body),
        reply_to: None,
        from_email: settings.email.from_email.clone(),
        from_name: settings.email.from_name.clone(),
        tags: vec!["mcnotify".to_string(), "test".to_string()],
        metadata: Metadata {
            source: settings.email.source.clone(),
            conversation_id: None,
            incident_code: None,
            locale: "en".to_string(),
        },
        idempotency_key: format!("mcnotify-test-{nonce}"),
        template_version_id: None,
    }
}

fn journal_append(
    journal: Option<&Store>,
    printer: &Printer,
    request: Request,
    client: &Client,
    settings: &Settings,
    key: Option<&str>,
    exchange: &Exchange,
) {
    // What was asked and answered, as `send -v` shows it.
    let (method, path) = if request == Request::Send {
        ("POST", "/emails/send")
    } else {
        ("GET", "/emails/logs?page=1&limit=1")
    };
    let answer = match exchange.outcome.http() {
        Some(http) => format!("answered {http}"),
        None => exchange.outcome.error().unwrap_or_default(),
    };
    printer.detail(
        1,
        &format!(
            "{method} {}{path}: {answer} after {} attempt{}",
            client.base_url().trim_end_matches('/'),
            exchange.attempts,
            if exchange.attempts == 1 { "" } else { "s" }
        ),
    );
    // Retries, and header values that were ignored.
    for line in &exchange.trace {
        printer.detail(1, line);
    }
    for h in exchange.headers.lines() {
        printer.detail(1, &h);
    }
    let entry = JournalEntry::of(
        request,
        client.base_url(),
        settings.tenant_id.as_deref(),
        key,
        exchange,
    );
    if let Some(Err(e)) = journal.map(|j| j.append(&entry)) {
        printer.warn(&format!("{e:#}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_keep_their_names_in_json_and_text() {
        let names = [
            (KeyVerdict::Valid, "valid"),
            (
                KeyVerdict::ValidWithoutEmailRead,
                "valid-without-email-read",
            ),
            (KeyVerdict::Invalid, "invalid"),
            (KeyVerdict::Unverified, "unverified"),
            (KeyVerdict::TenantRequired, "tenant-required"),
        ];
        for (verdict, name) in names {
            assert_eq!(serde_json::to_value(verdict).unwrap(), name);
            assert_eq!(verdict.word(), name);
        }
    }
}
