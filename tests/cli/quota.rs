//! `check-quota` and `verify-key` against the stand-in: live figures, the journal fallback
//! and its age, a blocked tenant, each probe status, the network down, malformed keys,
//! and the test send.

use std::fs;
use std::time::{Duration, Instant, SystemTime};

use crate::support::harness::{closed_port, json_lines, run, Run, TestEnv, GUIDE_INCIDENT, KEY};
use crate::support::readme::block;
use crate::support::standin::{Config, ErrorStyle, Fault, KeyDef, StandIn, TENANT};
use serde_json::json;

const LIVE_KEY: &str = "mc_live_abcdefghijklmnopqrstuvwx9z";
const SEND_ONLY: &str = "mc_test_sendonly0123456789abcdef";
const READ_ONLY: &str = "mc_test_readonly0123456789abcdef";

fn standin(quota_headers_on_logs: bool) -> StandIn {
    StandIn::with(Config {
        keys: vec![
            KeyDef::new(KEY, TENANT, &["email:send", "email:read"]),
            KeyDef::new(LIVE_KEY, TENANT, &["email:send", "email:read"]),
            KeyDef::new(SEND_ONLY, TENANT, &["email:send"]),
            KeyDef::new(READ_ONLY, TENANT, &["email:read"]),
        ],
        quota_headers_on_logs,
        ..Config::default()
    })
}

fn send_guide(env: &TestEnv, server: &StandIn) -> Run {
    let file = env.write("incident.json", GUIDE_INCIDENT);
    run(env
        .cmd(&server.url())
        .args(["send", "--retries", "0", "--file"])
        .arg(file))
}

/// A journal line for a send, `age` ago.
fn journal_line(base_url: &str, outcome: &str, used: u64, limit: u64, age: Duration) -> String {
    let time = humantime_like(SystemTime::now() - age);
    json!({
        "time": time,
        "baseUrl": base_url,
        "tenantId": null,
        "request": "send",
        "idempotencyKey": "botpress-conv_old-incident",
        "outcome": outcome,
        "http": if outcome == "sent" { 201 } else { 429 },
        "id": null,
        "status": null,
        "quota": {"limit": limit, "used": used, "percentage": used * 100 / limit, "warning": used * 100 / limit >= 80},
        "rateLimit": null,
        "error": null
    })
    .to_string()
}

/// RFC 3339 in UTC, seconds precision.
fn humantime_like(t: SystemTime) -> String {
    let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn write_journal(env: &TestEnv, lines: &[String]) {
    fs::create_dir_all(env.state_dir()).unwrap();
    fs::write(
        env.state_dir().join("journal.jsonl"),
        lines.join("\n") + "\n",
    )
    .unwrap();
}

// ---------------------------------------------------------------- check-quota

#[test]
fn live_figures_below_the_warning_are_ok() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with("QUOTA OK - 420/5000 (8%) live"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("'percent'=8.4%;@80:;@100:;0;100"),
        "{}",
        r.stdout
    );
    let probe = &server.requests()[0];
    assert_eq!(probe.method, "GET");
    assert_eq!(probe.path, "/emails/logs?page=1&limit=1");
    assert!(server.sends().is_empty(), "check-quota must not send");
}

#[test]
fn live_figures_from_80_percent_warn_and_from_100_are_critical() {
    let server = standin(true);
    let env = TestEnv::new();
    server.set_quota(5000, 4210);
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.starts_with("QUOTA WARNING - 4210/5000 (84%) live"),
        "{}",
        r.stdout
    );
    server.set_quota(100, 104);
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.starts_with("QUOTA CRITICAL - 104/100 (104%)"));
    server.set_quota(100, 115);
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("blocked"), "{}", r.stdout);
}

#[test]
fn thresholds_are_configurable_and_checked() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .args(["check-quota", "--warn", "5", "--critical", "50"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let r = run(env
        .cmd(&server.url())
        .args(["check-quota", "--warn", "5", "--critical", "8"]));
    assert_eq!(r.code, 2, "{}", r.stdout);
    let r = run(env
        .cmd(&server.url())
        .args(["check-quota", "--warn", "90", "--critical", "80"]));
    // A monitoring plugin's bad arguments are UNKNOWN (3), whoever finds them.
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("--warn"), "{}", r.stderr);
    assert_status_line(&r, "QUOTA UNKNOWN - --warn (90)");
    for args in [&["--warn", "abc"][..], &["--no-such-flag"], &["-1"]] {
        let r = run(env.cmd(&server.url()).arg("check-quota").args(args));
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        // A status line for the monitoring UI too, not only clap's error on stderr.
        assert_status_line(&r, "QUOTA UNKNOWN - bad arguments: ");
        let r = run(env
            .cmd(&server.url())
            .args(["check-quota", "--json"])
            .args(args));
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        let report = &json_lines(r.stdout.as_bytes())[0];
        assert_eq!(report["state"], "UNKNOWN", "{report}");
        assert!(report["reason"]
            .as_str()
            .unwrap()
            .starts_with("bad arguments"));
    }
}

/// One line on stdout, starting with `prefix`, with no `|` (no perfdata to misread).
fn assert_status_line(r: &Run, prefix: &str) {
    assert_eq!(r.stdout.lines().count(), 1, "one line: {:?}", r.stdout);
    assert!(r.stdout.starts_with(prefix), "{:?}", r.stdout);
    assert!(!r.stdout.contains('|'), "{:?}", r.stdout);
}

/// Whether `value` alerts under a threshold range of the monitoring-plugin guidelines:
/// `[@]start:end`, start 0 and `:` optional, `~` for minus infinity, an empty end for
/// infinity; without `@` it alerts outside the range, with `@` inside, ends included.
fn alerts(range: &str, value: f64) -> bool {
    let (inside, range) = match range.strip_prefix('@') {
        Some(r) => (true, r),
        None => (false, range),
    };
    let (start, end) = match range.split_once(':') {
        Some((s, e)) => (s, e),
        None => ("0", range),
    };
    let start = match start {
        "~" => f64::NEG_INFINITY,
        "" => 0.0,
        s => s.parse().unwrap(),
    };
    let end = if end.is_empty() {
        f64::INFINITY
    } else {
        end.parse().unwrap()
    };
    let within = start <= value && value <= end;
    within == inside
}

/// The state a monitoring system computes from one perfdata item `'label'=value;warn;crit;…`.
fn state_from_perfdata(item: &str) -> i32 {
    let (_, rest) = item.split_once('=').unwrap();
    let fields: Vec<&str> = rest.split(';').collect();
    let value: f64 = fields[0].trim_end_matches('%').parse().unwrap();
    if alerts(fields[2], value) {
        2
    } else if alerts(fields[1], value) {
        1
    } else {
        0
    }
}

#[test]
fn the_perfdata_thresholds_agree_with_the_state_at_every_boundary() {
    let server = standin(true);
    let env = TestEnv::new();
    for (used, state) in [
        (3999, 0),
        (4000, 1),
        (4001, 1),
        (4999, 1),
        (5000, 2),
        (5400, 2),
    ] {
        server.set_quota(5000, used);
        let r = run(env.cmd(&server.url()).arg("check-quota"));
        assert_eq!(r.code, state, "{used}: {}", r.stdout);
        assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
        let (text, perf) = r.stdout.trim_end().split_once(" | ").unwrap();
        assert!(!text.contains('|') && !perf.contains('|'), "{}", r.stdout);
        let items: Vec<&str> = perf.split(' ').collect();
        assert_eq!(items.len(), 2, "{perf}");
        for item in items {
            assert_eq!(state_from_perfdata(item), state, "{used}: {item}");
        }
    }
    // The same with thresholds of the user's own, fractions included.
    server.set_quota(1000, 125);
    let r = run(env
        .cmd(&server.url())
        .args(["check-quota", "--warn", "12.5", "--critical", "50"]));
    assert_eq!(r.code, 1, "{}", r.stdout);
    let (_, perf) = r.stdout.trim_end().split_once(" | ").unwrap();
    let used = perf.split(' ').find(|i| i.starts_with("'used'")).unwrap();
    assert_eq!(state_from_perfdata(used), 1, "{perf}");
}

#[test]
fn an_error_with_bars_and_line_breaks_is_one_status_line_without_perfdata() {
    let env = TestEnv::new();
    // toml's error quotes the line with a `|` gutter over several lines.
    let config = env.write("bad.toml", "to = |x\nbase_url = \"a|b\"\n");
    let r = run(env.bare().arg("--config").arg(&config).arg("check-quota"));
    assert_eq!(r.code, 3, "{}", r.all());
    assert_status_line(&r, "QUOTA UNKNOWN - config file ");
    assert!(r.stdout.contains("bad.toml"), "{}", r.stdout);
    assert!(r.stdout.contains("line 1"), "{}", r.stdout);
    // The whole error, excerpt included, is on stderr.
    assert!(r.stderr.contains("1 | to = |x"), "{}", r.stderr);
}

#[test]
fn json_report_has_the_documented_fields() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env.cmd(&server.url()).args(["check-quota", "--json"]));
    assert_eq!(r.code, 0);
    let v = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(v["source"], "live");
    assert_eq!(v["limit"], 5000);
    assert_eq!(v["used"], 420);
    assert_eq!(v["percentage"], 8);
    assert_eq!(v["warning"], false);
    assert_eq!(v["state"], "OK");
    // Live figures are as of now.
    assert!(v["seenAt"].as_str().unwrap().ends_with('Z'), "{v}");
}

on_both_stores!(
    a_quota_429_in_the_journal_is_critical_until_a_send_passes,
    a_key_without_email_read_falls_back_to_the_journal
);

#[test]
fn without_live_headers_the_last_send_in_the_journal_is_reported_with_its_age() {
    let server = standin(false);
    let env = TestEnv::new();
    let sent = send_guide(&env, &server);
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    let r = run(env.cmd(&server.url()).args(["check-quota", "--json"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(v["source"], "journal");
    assert_eq!(v["used"], 421);
    assert!(v["seenAt"].as_str().unwrap().ends_with('Z'), "{v}");

    // An older figure reads as its age.
    let env = TestEnv::new();
    write_journal(
        &env,
        &[journal_line(
            &server.url(),
            "sent",
            4210,
            5000,
            Duration::from_secs(3 * 3600 + 60),
        )],
    );
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .starts_with("QUOTA WARNING - 4210/5000 (84%), last seen 3h ago"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_journal_of_another_api_does_not_count() {
    let env = TestEnv::new();
    let server = standin(false);
    write_journal(
        &env,
        &[journal_line(
            "https://api.mailingcore.com",
            "sent",
            4210,
            5000,
            Duration::from_secs(60),
        )],
    );
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 3, "{}", r.stdout);
}

#[test]
fn with_neither_live_figures_nor_a_journal_it_is_unknown_and_says_why() {
    let server = standin(false);
    let env = TestEnv::new();
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 3);
    assert!(r.stdout.starts_with("QUOTA UNKNOWN - "), "{}", r.stdout);
    assert!(r.stdout.contains("without X-Quota headers"), "{}", r.stdout);
    assert!(r.stdout.contains("no send"), "{}", r.stdout);

    // No key at all.
    let r = run(env
        .bare()
        .env("MAILINGCORE_BASE_URL", server.url())
        .arg("check-quota"));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no API key"), "{}", r.stdout);

    // The network down.
    let r = run(env
        .cmd(&closed_port())
        .args(["check-quota", "--timeout", "2"]));
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("no answer"), "{}", r.stdout);
}

#[test]
fn a_config_that_cannot_load_is_unknown_not_a_crash() {
    let env = TestEnv::new();
    let config = env.write("bad.toml", "this is = = not toml");
    let r = run(env.bare().arg("--config").arg(&config).arg("check-quota"));
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("QUOTA UNKNOWN"), "{}", r.stdout);
    assert!(r.stdout.contains("bad.toml"), "{}", r.stdout);
}

#[test]
fn network_down_falls_back_to_the_journal() {
    let env = TestEnv::new();
    let url = closed_port();
    write_journal(
        &env,
        &[journal_line(
            &url,
            "sent",
            421,
            5000,
            Duration::from_secs(120),
        )],
    );
    let r = run(env.cmd(&url).args(["check-quota", "--timeout", "2"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("QUOTA OK - 421/5000 (8%), last seen 2m ago"),
        "{}",
        r.stdout
    );
}

fn a_quota_429_in_the_journal_is_critical_until_a_send_passes(env: TestEnv) {
    let server = standin(true);
    server.push_fault(Fault::QuotaExceeded(ErrorStyle::Nest));
    let sent = send_guide(&env, &server);
    assert_eq!(sent.code, 75, "{}", sent.stderr);
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("blocked by a quota 429"), "{}", r.stdout);
    // The block lifts once a send is accepted again.
    let flushed = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(flushed.code, 0, "{}", flushed.stderr);
    let r = run(env.cmd(&server.url()).arg("check-quota"));
    assert_eq!(r.code, 0, "{}", r.stdout);
}

fn a_key_without_email_read_falls_back_to_the_journal(env: TestEnv) {
    let server = standin(true);
    let sent = send_guide(&env, &server);
    assert_eq!(sent.code, 0);
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_API_KEY", SEND_ONLY)
        .args(["check-quota", "-v"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("last seen"), "{}", r.stdout);
    assert!(r.stderr.contains("403"), "{}", r.stderr);
}

#[test]
fn the_probe_never_hangs_past_the_timeout() {
    let server = standin(true);
    let env = TestEnv::new();
    // One hang is all the probe meets: its one attempt takes the whole --timeout, which
    // is also its retry budget. A retry would be answered, and the exit code would say so.
    server.push_fault(Fault::Hang(Duration::from_secs(30)));
    let started = Instant::now();
    let r = run(env
        .cmd(&server.url())
        .args(["check-quota", "--timeout", "1"]));
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------- verify-key

#[test]
fn a_valid_key_is_reported_redacted_with_its_kind() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env.cmd(&server.url()).arg("verify-key"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("mc_test_…klmn"), "{}", r.stdout);
    assert!(r.stdout.contains("a test key"), "{}", r.stdout);
    assert!(r.stdout.contains("email:read"), "{}", r.stdout);
    assert!(r.stdout.contains("verdict: valid"), "{}", r.stdout);
    assert!(server.sends().is_empty());

    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_API_KEY", LIVE_KEY)
        .args(["verify-key", "--json"]));
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains(LIVE_KEY));
    let v = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["kind"], "live");
    assert_eq!(v["key"], "mc_live_…wx9z");
    let checks: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["key", "format", "probe", "send"]);
}

#[test]
fn a_missing_key_names_where_it_looked() {
    let env = TestEnv::new();
    let r = run(env
        .bare()
        .env("MAILINGCORE_BASE_URL", closed_port())
        .arg("verify-key"));
    assert_eq!(r.code, 78);
    assert!(r.stdout.contains("no API key"), "{}", r.stdout);
    assert!(r.stderr.contains("MAILINGCORE_API_KEY"), "{}", r.stderr);
}

#[test]
fn malformed_keys_fail_offline() {
    let env = TestEnv::new();
    let url = closed_port();
    let cases: [(&str, &str); 4] = [
        ("inner-space.key", "mc_test_0123456789 abcdefghijklmn\n"),
        ("line-break.key", "mc_test_0123456789\nabcdefghijklmn\n"),
        ("empty.key", "\n"),
        ("wrong-prefix.key", "sk_live_0123456789abcdefghijklmn\n"),
    ];
    for (name, contents) in cases {
        let path = env.write(name, contents);
        let r = run(env
            .bare()
            .env("MAILINGCORE_BASE_URL", &url)
            .arg("--api-key-file")
            .arg(&path)
            .arg("verify-key"));
        assert_eq!(r.code, 78, "{name}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains("FAIL"), "{name}: {}", r.stdout);
        assert!(!r.stdout.contains("0123456789"), "{name}: key not redacted");
    }
    // A trailing newline is not a fault.
    let server = standin(true);
    let path = env.write("good.key", &format!("{KEY}\n"));
    let r = run(env
        .bare()
        .env("MAILINGCORE_BASE_URL", server.url())
        .arg("--api-key-file")
        .arg(&path)
        .arg("verify-key"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn a_key_without_email_read_is_valid_with_a_warning() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_API_KEY", SEND_ONLY)
        .arg("verify-key"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("lacks the email:read scope"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("check-quota"), "{}", r.stdout);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
}

#[test]
fn a_foreign_tenant_is_77_with_a_hint_about_the_tenant_header() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_TENANT_ID", "clxsomeoneelse")
        .arg("verify-key"));
    assert_eq!(r.code, 77, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("clxsomeoneelse"), "{}", r.stdout);
    assert!(r.stderr.contains("tenant"), "{}", r.stderr);
    // The right tenant passes.
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_TENANT_ID", TENANT)
        .arg("verify-key"));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let tenant_headers: Vec<_> = server
        .requests()
        .iter()
        .filter_map(|r| r.header("x-tenant-id").map(str::to_string))
        .collect();
    assert!(tenant_headers.contains(&TENANT.to_string()));
}

#[test]
fn an_unknown_or_revoked_key_is_77() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_API_KEY", "mc_live_revoked0123456789abcdefgh")
        .arg("verify-key"));
    assert_eq!(r.code, 77, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("invalid or revoked"), "{}", r.stdout);
    assert_eq!(server.requests().len(), 1, "a 401 is not retried");
}

#[test]
fn no_answer_is_75_and_blames_the_network() {
    let env = TestEnv::new();
    let r = run(env
        .cmd(&closed_port())
        .args(["verify-key", "--retries", "1", "--timeout", "2"]));
    assert_eq!(r.code, 75, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("the network, not the key"),
        "{}",
        r.stdout
    );

    let server = standin(true);
    server.push_faults(vec![Fault::Status(503); 3]);
    let r =
        run(env
            .cmd(&server.url())
            .args(["verify-key", "--retries", "2", "--retry-max-time", "5"]));
    assert_eq!(r.code, 75, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("HTTP 503"), "{}", r.stdout);
}

#[test]
fn send_test_spends_one_email_and_reports_it() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .args(["verify-key", "--send-test", "ops@example.com"]));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("spends one email"), "{}", r.stderr);
    assert!(r.stdout.contains("id=clxlog000001"), "{}", r.stdout);
    assert!(r.stdout.contains("quota 421/5000"), "{}", r.stdout);
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 1);
    let body = &accepted[0].body;
    assert_eq!(body["to"], "ops@example.com");
    let tags: Vec<&str> = body["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(tags.contains(&"test"), "{tags:?}");
    assert!(body["idempotencyKey"]
        .as_str()
        .unwrap()
        .starts_with("mcnotify-test-"));
    // Each test send is its own email.
    let r = run(env
        .cmd(&server.url())
        .args(["verify-key", "--send-test", "ops@example.com"]));
    assert_eq!(r.code, 0);
    assert_eq!(server.accepted().len(), 2);
    // The journal recorded the send for check-quota.
    assert!(env.journal().iter().any(|e| e["request"] == "send"));
}

#[test]
fn send_test_without_email_send_is_77() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_API_KEY", READ_ONLY)
        .args(["verify-key", "--send-test", "ops@example.com"]));
    assert_eq!(r.code, 77, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("email:send"), "{}", r.stdout);
    assert!(server.accepted().is_empty());

    let r = run(env
        .cmd(&server.url())
        .args(["verify-key", "--send-test", "not-an-address"]));
    assert_eq!(r.code, 64, "{}", r.stderr);
}

#[test]
fn send_test_is_skipped_when_the_key_is_refused() {
    let server = standin(true);
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_API_KEY", "mc_test_unknown0123456789abcdefg")
        .args(["verify-key", "--send-test", "ops@example.com", "--json"]));
    assert_eq!(r.code, 77);
    let v = &json_lines(r.stdout.as_bytes())[0];
    let send = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "send")
        .unwrap();
    assert_eq!(send["result"], "skipped");
    assert!(server.sends().is_empty());
}

#[test]
fn verify_key_verbose_shows_the_request_and_the_answer() {
    let server = standin(true);
    let env = TestEnv::new();
    let config = env.write("config.toml", "tenant_id = \"clxtenant0001\"\n");
    let stderr = |verbosity: &[&str]| {
        let r = run(env
            .cmd(&server.url())
            .arg("--config")
            .arg(&config)
            .args(verbosity)
            .arg("verify-key"));
        assert_eq!(r.code, 0, "{}", r.all());
        r.stderr
    };
    let quiet = stderr(&[]);
    let v = stderr(&["-v"]);
    let vv = stderr(&["-vv"]);
    let request = format!(
        "GET {}/emails/logs?page=1&limit=1: answered 200 after 1 attempt",
        server.url()
    );
    assert!(!quiet.contains(&request), "{quiet}");
    assert!(v.contains(&request), "{v}");
    assert!(v.to_lowercase().contains("x-quota-limit: 5000"), "{v}");
    // -vv adds the settings that shaped the request.
    assert!(vv.contains(&request), "{vv}");
    assert!(vv.contains(&format!("config {}", config.display())), "{vv}");
    assert!(vv.contains("X-Tenant-Id clxtenant0001"), "{vv}");
    assert!(!v.contains("X-Tenant-Id clxtenant0001"), "{v}");
}

/// The cron line of the README's quota recipe, without its schedule, calling `mcnotify`
/// from PATH whatever path the README gives it.
fn readme_quota_cron_line() -> String {
    let crontab = block("### Quota monitoring", "cron", "check-quota");
    let line = crontab.lines().find(|l| l.contains("check-quota")).unwrap();
    let command: String = line
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    // `/usr/local/bin/mcnotify` or `$HOME/.cargo/bin/mcnotify` -> `mcnotify`
    let mut out = String::new();
    for (i, piece) in command.split("/mcnotify").enumerate() {
        if i == 0 {
            out.push_str(piece);
            continue;
        }
        let keep = out
            .rfind(|c: char| c.is_whitespace() || c == '(' || c == '=')
            .map_or(0, |i| i + 1);
        out.truncate(keep);
        out.push_str("mcnotify");
        out.push_str(piece);
    }
    out
}

#[test]
fn the_readme_quota_cron_recipe_mails_when_not_ok_and_writes_no_shared_file() {
    let server = standin(true);
    let env = TestEnv::new();
    let line = readme_quota_cron_line();
    assert!(
        !line.contains("/tmp"),
        "a fixed file in the shared temp folder: {line}"
    );
    // A `mail` that records what it was asked to send, and a private TMPDIR to watch.
    let bin = env.dir.path().join("bin");
    fs::create_dir_all(&bin).unwrap();
    let mailed = env.dir.path().join("mailed.txt");
    let mail = bin.join("mail");
    fs::write(
        &mail,
        format!(
            "#!/bin/sh\n{{ printf '%s\\n' \"$*\"; cat; }} >> '{}'\n",
            mailed.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&mail, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let exe = assert_cmd::cargo::cargo_bin!("mcnotify");
    let tmp = env.dir.path().join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    let cron = |line: &str| {
        let mut cmd = assert_cmd::Command::new("/bin/sh");
        cmd.args(["-c", line])
            .env_clear()
            .env(
                "PATH",
                format!(
                    "{}:{}:/usr/bin:/bin",
                    bin.display(),
                    exe.parent().unwrap().display()
                ),
            )
            .env("HOME", env.home())
            .env("TMPDIR", &tmp)
            .env("MAILINGCORE_BASE_URL", server.url())
            .env("MAILINGCORE_API_KEY", KEY)
            .current_dir(env.dir.path())
            .timeout(Duration::from_secs(60));
        run(&mut cmd)
    };
    // OK: nothing mailed.
    cron(&line);
    assert!(
        !mailed.exists(),
        "{}",
        fs::read_to_string(&mailed).unwrap_or_default()
    );
    // WARNING: the status line is the subject and the body.
    server.set_quota(5000, 4210);
    cron(&line);
    let mail = fs::read_to_string(&mailed).unwrap();
    let mut lines = mail.lines();
    let args = lines.next().unwrap();
    assert!(
        args.starts_with("-s QUOTA WARNING - 4210/5000 (84%) live"),
        "{mail}"
    );
    assert!(args.ends_with(" ops@example.com"), "{mail}");
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("QUOTA WARNING - 4210/5000"),
        "{mail}"
    );
    assert_eq!(
        fs::read_dir(&tmp).unwrap().count(),
        0,
        "nothing left in TMPDIR"
    );
}
