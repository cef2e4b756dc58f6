//! The fault matrix: for each fault, one incident and a batch of five. Each incident ends
//! accepted exactly once (counted on the server by idempotency key) or kept on disk with
//! the reason; the exit code is the documented one; the message says what to do.

use std::time::Duration;

use crate::support::harness::{incidents, json_lines, ndjson, run, Run, TestEnv, KEY};
#[cfg(target_os = "linux")]
use crate::support::peak::run_measured;
use crate::support::standin::{Config, ErrorStyle, Fault, KeyDef, StandIn, TENANT};
use serde_json::Value;

const BATCH: usize = 5;

fn key(i: usize) -> String {
    format!("botpress-conv_{i:03}-incident")
}

/// One run of `send` for `n` records with small retry budgets.
fn send(env: &TestEnv, server: &StandIn, n: usize, extra: &[&str]) -> Run {
    let file = env.write("incidents.ndjson", &ndjson(&incidents(n, 3000)));
    run(env
        .cmd(&server.url())
        .args([
            "send",
            "--jobs",
            "1",
            "--retries",
            "2",
            "--retry-max-time",
            "6",
        ])
        .args(["--timeout", "1"])
        .args(extra)
        .arg("--file")
        .arg(&file))
}

/// The invariant of the whole matrix: each incident was accepted exactly once, or is kept
/// (outbox or `failed/`) with the reason. Returns (accepted, kept).
fn exactly_once_or_kept(env: &TestEnv, server: &StandIn, n: usize) -> (usize, usize) {
    let by_key = server.accepted_by_key();
    let kept: Vec<Value> = env
        .outbox_entries()
        .into_iter()
        .chain(env.failed_entries())
        .collect();
    let (mut accepted, mut saved) = (0, 0);
    for i in 1..=n {
        let k = key(i);
        let times = by_key.get(&k).copied().unwrap_or(0);
        let entry = kept.iter().find(|e| e["idempotencyKey"] == k.as_str());
        match (times, entry) {
            (1, None) => accepted += 1,
            (0, Some(e)) => {
                let reason = e["lastError"].as_str().unwrap_or("");
                assert!(!reason.is_empty(), "{k} kept without a reason: {e}");
                saved += 1;
            }
            _ => panic!("{k}: accepted {times} times, kept: {entry:?}"),
        }
    }
    (accepted, saved)
}

fn both(mut check: impl FnMut(usize)) {
    check(1);
    check(BATCH);
}

// 1
#[test]
fn fault_01_reset_before_the_response() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_faults([Fault::Reset, Fault::Reset]);
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 0, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
    });
}

// 2
#[test]
fn fault_02_reset_after_the_server_accepted() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_faults([Fault::ResetAfterAccept, Fault::ResetAfterAccept]);
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 0, "{}", r.all());
        // The retries reused the key: the server saw one email per incident.
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
        // The retry is answered from the server's idempotency record.
        assert_eq!(server.sends().len(), n + 1);
        assert_eq!(server.accepted().len(), n);
    });
}

// 3
#[test]
fn fault_03_500_twice_then_201() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_faults([Fault::Status(500), Fault::Status(500)]);
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 0, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
        assert_eq!(server.sends().len(), n + 2);
    });
}

// 4
#[test]
fn fault_04_503_for_longer_than_the_retry_budget() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        // A 503 for each of the three attempts `send` allows (`--retries 2`): a fourth
        // attempt would be accepted, and the count below would say so.
        server.push_faults(vec![Fault::Status(503); 3]);
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 75, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
        // One request's budget, then the rest of the run is kept without hammering.
        assert_eq!(server.sends().len(), 3);
        assert!(r.stderr.contains("503"), "{}", r.stderr);
        assert!(r.stderr.contains("outbox"), "{}", r.stderr);
        assert!(
            r.stderr.contains("outbox flush"),
            "says what to do: {}",
            r.stderr
        );
        // The records held after that failure get one line together, not one each.
        let held = format!("{} more records were not tried after that failure", n - 1);
        assert_eq!(r.stderr.contains(&held), n > 1, "{}", r.stderr);
        assert_eq!(
            r.stderr.matches("mcnotify: error:").count(),
            n.min(2),
            "{}",
            r.stderr
        );
    });
}

// 5
#[test]
fn fault_05_a_server_slower_than_the_timeout() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        // The slow answer still counts on the server: the retry must not send twice.
        server.push_fault(Fault::Delay(Duration::from_millis(1500)));
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 0, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
    });
}

// 6
#[test]
fn fault_06_a_server_that_never_answers() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_faults(vec![Fault::Hang(Duration::from_secs(30)); 3]);
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 75, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
        assert!(
            r.stderr.to_lowercase().contains("timed out") || r.stderr.contains("timeout"),
            "{}",
            r.stderr
        );
        // Once it answers again, a flush delivers them.
        let f = run(env.cmd(&server.url()).args(["outbox", "flush"]));
        assert_eq!(f.code, 0, "{}", f.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
    });
}

// 7
#[test]
fn fault_07_rate_limit_429_with_and_without_reset_and_with_retry_after() {
    for fault in [
        Fault::RateLimited {
            reset: Some(Duration::from_secs(1)),
            retry_after: None,
        },
        Fault::RateLimited {
            reset: None,
            retry_after: None,
        },
        Fault::RateLimited {
            reset: None,
            retry_after: Some(1),
        },
    ] {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_faults([fault.clone(), fault.clone()]);
            let r = send(&env, &server, n, &[]);
            assert_eq!(r.code, 0, "{fault:?}: {}", r.all());
            assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
            assert_eq!(server.status_counts().get(&429), Some(&2));
        });
    }
}

// 8
#[test]
fn fault_08_quota_429_in_both_error_styles() {
    for style in [ErrorStyle::Nest, ErrorStyle::Rfc7807] {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_fault(Fault::QuotaExceeded(style));
            let r = send(&env, &server, n, &[]);
            assert_eq!(r.code, 75, "{style:?}: {}", r.all());
            assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
            assert_eq!(server.sends().len(), 1, "no hammering");
            assert!(r.stderr.contains("quota"), "{}", r.stderr);
        });
    }
}

// 9
#[test]
fn fault_09_a_2xx_that_is_not_json_or_lacks_an_id() {
    for fault in [Fault::NotJson2xx, Fault::NoId2xx] {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_fault(fault.clone());
            let r = send(&env, &server, n, &[]);
            assert_eq!(r.code, 0, "{fault:?}: {}", r.all());
            assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
            assert_eq!(server.sends().len(), n, "not resent");
            assert!(r.stderr.contains("accepted"), "{}", r.stderr);
        });
    }
}

// 10
#[test]
fn fault_10_final_answers_are_not_retried() {
    for (status, exit) in [(401, 77), (403, 77), (404, 69), (409, 69), (422, 69)] {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_fault(Fault::Status(status));
            let r = send(&env, &server, n, &[]);
            assert_eq!(r.code, exit, "{status}: {}", r.all());
            let (accepted, kept) = exactly_once_or_kept(&env, &server, n);
            assert_eq!(kept, if exit == 77 { n } else { 1 }, "{status}");
            assert_eq!(accepted + kept, n);
            assert_eq!(
                server.sends().len(),
                if exit == 77 { 1 } else { n },
                "{status}: one request for the refused record, none repeated"
            );
            assert!(r.stderr.contains(&status.to_string()), "{}", r.stderr);
        });
    }
}

#[test]
fn fault_10_real_scope_and_tenant_refusals() {
    const READ_ONLY: &str = "mc_test_readonly0123456789abcdef";
    both(|n| {
        let server = StandIn::with(Config {
            keys: vec![
                KeyDef::new(KEY, TENANT, &["email:send", "email:read"]),
                KeyDef::new(READ_ONLY, TENANT, &["email:read"]),
            ],
            ..Config::default()
        });
        let env = TestEnv::new();
        let file = env.write("incidents.ndjson", &ndjson(&incidents(n, 3000)));
        let scope = run(env
            .cmd(&server.url())
            .env("MAILINGCORE_API_KEY", READ_ONLY)
            .args(["send", "--file"])
            .arg(&file));
        assert_eq!(scope.code, 77, "{}", scope.all());
        assert!(scope.stderr.contains("email:send"), "{}", scope.stderr);
        let env = TestEnv::new();
        let file = env.write("incidents.ndjson", &ndjson(&incidents(n, 3000)));
        let tenant = run(env
            .cmd(&server.url())
            .env("MAILINGCORE_TENANT_ID", "clxsomeoneelse")
            .args(["send", "--file"])
            .arg(&file));
        assert_eq!(tenant.code, 77, "{}", tenant.all());
        assert!(tenant.stderr.contains("tenant"), "{}", tenant.stderr);
        assert_eq!(env.outbox_entries().len(), n);
    });
}

// 11
#[test]
fn fault_11_down_for_the_whole_run_then_up_for_flush() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.set_down(true);
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 75, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
        server.set_down(false);
        let f = run(env.cmd(&server.url()).args(["outbox", "flush"]));
        assert_eq!(f.code, 0, "{}", f.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
        assert!(env.outbox_entries().is_empty());
    });
}

// 12: two flushes at once: tests/cli/outbox.rs `two_flushes_at_once_never_send_twice`.

// 13
#[test]
fn fault_13_the_disk_refuses_the_outbox_write() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        // A state directory under a regular file cannot be created, even by root.
        let blocker = env.write("not-a-dir", "");
        // A 503 for each of the two attempts `--retries 1` allows. One job at a time, as in
        // the rest of the matrix: the first record's failure holds the rest, which are never
        // tried (with several in flight, how many attempts meet a 503 would be left to
        // timing).
        server.push_faults(vec![Fault::Status(503); 2]);
        let file = env.write("incidents.ndjson", &ndjson(&incidents(n, 3000)));
        let r = run(env
            .cmd(&server.url())
            .env("XDG_STATE_HOME", &blocker)
            .args(["send", "--jobs", "1", "--retries", "1"])
            .args(["--retry-max-time", "2", "--file"])
            .arg(&file));
        assert_eq!(r.code, 74, "{}", r.all());
        assert!(r.stderr.contains("NOT saved"), "{}", r.stderr);
        assert!(!r.stderr.contains("saved in the outbox"), "{}", r.stderr);
        assert!(server.accepted().is_empty());
    });
}

// 14
#[test]
fn fault_14_a_redirect_does_not_carry_the_key() {
    both(|n| {
        let elsewhere = StandIn::start();
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(Fault::Redirect(format!("{}/emails/send", elsewhere.url())));
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 78, "{}", r.all());
        assert!(
            elsewhere.requests().is_empty(),
            "the key followed the redirect"
        );
        assert!(r.stderr.contains("redirect"), "{}", r.stderr);
        assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
    });
}

#[test]
fn fault_14_a_redirect_is_counted_as_a_configuration_failure_in_the_summary() {
    let elsewhere = StandIn::start();
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_fault(Fault::Redirect(format!("{}/emails/send", elsewhere.url())));
    let r = send(&env, &server, 3, &["--json"]);
    assert_eq!(r.code, 78, "{}", r.all());
    let outcomes: Vec<Value> = json_lines(r.stdout.as_bytes())
        .iter()
        .map(|l| l["outcome"].clone())
        .collect();
    assert_eq!(outcomes, ["config", "deferred", "deferred"], "{}", r.stdout);
    assert!(
        r.stderr.contains(
            "mcnotify: 0 sent, 0 invalid, 0 rejected, 2 deferred, 1 not sent (configuration)\n"
        ),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("other"), "{}", r.stderr);
    assert_eq!(exactly_once_or_kept(&env, &server, 3), (0, 3));
}

/// A throttling 429 with the given headers (nothing is accepted).
fn throttled(headers: &[(&str, &str)]) -> Fault {
    Fault::Answer {
        status: 429,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .chain([("Content-Type".to_string(), "application/json".to_string())])
            .collect(),
        body: r#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}"#.into(),
    }
}

fn epoch_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

// 15
#[test]
fn fault_15_a_wait_longer_than_the_retry_budget_is_not_waited() {
    let day = (epoch_secs() + 86_400).to_string();
    let millis = (epoch_secs() * 1000 + 60_000).to_string();
    let cases: Vec<(Fault, &str)> = vec![
        (throttled(&[("Retry-After", "86400")]), "24 h"),
        (
            throttled(&[
                ("X-RateLimit-Limit", "300"),
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", &day),
            ]),
            "24 h",
        ),
        // A reset in milliseconds read as seconds: tens of thousands of years ahead.
        (
            throttled(&[("X-RateLimit-Reset", &millis)]),
            "more than a year",
        ),
        (
            throttled(&[("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")]),
            "more than a year",
        ),
        (
            throttled(&[("Retry-After", "18446744073709551615")]),
            "more than a year",
        ),
        (
            throttled(&[
                ("X-RateLimit-Remaining", "0"),
                ("X-RateLimit-Reset", "18446744073709551615"),
            ]),
            "more than a year",
        ),
        // A 503 that asks for as long: past the budget too.
        (
            Fault::Answer {
                status: 503,
                headers: vec![("Retry-After".into(), "86400".into())],
                body: "busy".into(),
            },
            "24 h",
        ),
    ];
    for (fault, asked) in cases {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_fault(fault.clone());
            let started = std::time::Instant::now();
            let r = send(&env, &server, n, &[]);
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{fault:?}: waited {:?}",
                started.elapsed()
            );
            assert_eq!(r.code, 75, "{fault:?}: {}", r.all());
            assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
            assert!(
                r.stderr.contains(&format!("asks to wait {asked}")),
                "{fault:?}: {}",
                r.stderr
            );
            assert!(r.stderr.contains("outbox"), "{}", r.stderr);
            let reasons: Vec<String> = env
                .outbox_entries()
                .iter()
                .map(|e| e["lastError"].to_string())
                .collect();
            assert!(
                reasons.iter().any(|r| r.contains("asks to wait")),
                "{reasons:?}"
            );
            assert!(
                server.sends().len() <= 2,
                "no hammering: {}",
                server.sends().len()
            );
        });
    }
}

// 16
#[test]
fn fault_16_nonsense_header_values_are_ignored_with_a_note() {
    let max = "18446744073709551615";
    // (fault, the -v note that must appear)
    let cases: Vec<(Fault, &str)> = vec![
        (
            throttled(&[("Retry-After", "-5")]),
            "ignored the retry-after header: \"-5\"",
        ),
        (
            throttled(&[("Retry-After", "soon")]),
            "ignored the retry-after header: \"soon\"",
        ),
        (
            throttled(&[("X-RateLimit-Reset", "-1"), ("X-RateLimit-Remaining", "0")]),
            "ignored the x-ratelimit-reset header",
        ),
        (
            Fault::AcceptWith(vec![
                ("X-Quota-Used".into(), max.into()),
                ("X-Quota-Limit".into(), "1".into()),
                ("X-Quota-Percentage".into(), "NaN".into()),
                ("X-RateLimit-Remaining".into(), "-3".into()),
            ]),
            "ignored the x-quota-percentage header: \"NaN\"",
        ),
    ];
    for (fault, note) in cases {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_fault(fault.clone());
            let r = send(&env, &server, n, &["-v"]);
            assert_eq!(r.code, 0, "{fault:?}: {}", r.all());
            assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
            assert!(r.stderr.contains(note), "{fault:?}: {}", r.stderr);
        });
    }
}

/// Peak RSS in KiB of the binary run with `env`'s environment (its own high-water mark,
/// see `support::peak`), and its exit code and stderr.
#[cfg(target_os = "linux")]
fn peak_rss(env: &TestEnv, base_url: &str, args: &[&str]) -> (u64, i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mcnotify"));
    cmd.env_clear()
        .env("HOME", env.home())
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("MAILINGCORE_BASE_URL", base_url)
        .env("MAILINGCORE_API_KEY", KEY)
        .env("MCNOTIFY_TO", crate::support::harness::HELPDESK)
        .current_dir(env.dir.path())
        .args(args);
    let run = run_measured(cmd);
    (run.peak_kib, run.code, run.stderr)
}

#[test]
fn fault_16_check_quota_and_verify_key_note_nonsense_too() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let logs = || {
        answer(
            200,
            &[
                ("Content-Type", "application/json"),
                ("X-Quota-Limit", "5000"),
                ("X-Quota-Used", "-1"),
                ("X-RateLimit-Reset", "18446744073709551616"),
            ],
            r#"{"data":[],"meta":{"page":1,"limit":1,"total":0,"totalPages":0}}"#,
        )
    };
    server.push_fault(logs());
    let q = run(env.cmd(&server.url()).args(["-v", "check-quota"]));
    // The figure that is left is shown; without a usage figure the state is unknown.
    assert_eq!(q.code, 3, "{}", q.all());
    assert!(q.stdout.contains("QUOTA UNKNOWN - ?/5000"), "{}", q.all());
    assert!(
        q.stderr.contains("ignored the x-quota-used header: \"-1\""),
        "{}",
        q.stderr
    );
    assert!(
        q.stderr.contains("ignored the x-ratelimit-reset header"),
        "{}",
        q.stderr
    );
    server.push_fault(logs());
    let v = run(env.cmd(&server.url()).args(["-v", "verify-key"]));
    assert_eq!(v.code, 0, "{}", v.all());
    assert!(
        v.stderr.contains("ignored the x-quota-used header"),
        "{}",
        v.stderr
    );
}

// 17
#[cfg(target_os = "linux")]
#[test]
fn fault_17_a_200_mb_answer_is_read_up_to_a_limit() {
    const HUGE: u64 = 200 * 1024 * 1024;
    for status in [201, 500] {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(Fault::Huge {
            status,
            bytes: HUGE,
        });
        let file = env.write("incidents.ndjson", &ndjson(&incidents(1, 3000)));
        let file = file.to_str().unwrap();
        let started = std::time::Instant::now();
        let (kib, code, stderr) = peak_rss(
            &env,
            &server.url(),
            &["send", "--retries", "2", "--timeout", "5", "--file", file],
        );
        assert_eq!(code, 0, "{status}: {stderr}");
        assert_eq!(exactly_once_or_kept(&env, &server, 1), (1, 0));
        eprintln!("{status}: peak RSS {kib} KiB in {:?}", started.elapsed());
        assert!(kib < 48 * 1024, "{status}: peak RSS {kib} KiB");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
        if status == 201 {
            // A 2xx that cannot be read whole is the malformed-answer case: sent, warned.
            assert_eq!(server.sends().len(), 1, "not resent");
            assert!(stderr.contains("over 64 KiB"), "{stderr}");
        } else {
            // A 5xx is retried as a 5xx.
            assert_eq!(server.sends().len(), 2);
        }
    }
}

fn answer(status: u16, headers: &[(&str, &str)], body: &str) -> Fault {
    Fault::Answer {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.into(),
    }
}

// 18
#[test]
fn fault_18_answers_outside_the_documented_set() {
    let json = ("Content-Type", "application/json");
    // (fault, exit, sent (else kept), a word the output must hold, requests beyond one
    // per record: 1 when the first is retried, None when one request halts the run)
    let cases: Vec<(Fault, i32, bool, &str, Option<usize>)> = vec![
        // Request Timeout and Too Early: the server did not act; retried.
        (
            answer(
                408,
                &[json],
                r#"{"statusCode":408,"message":"Request Timeout"}"#,
            ),
            0,
            true,
            "sent",
            Some(1),
        ),
        (
            answer(425, &[json], r#"{"statusCode":425,"message":"Too Early"}"#),
            0,
            true,
            "sent",
            Some(1),
        ),
        // Retry-After a negative number on a 503: ignored, backoff, retried.
        (
            answer(503, &[("Retry-After", "-30")], "busy"),
            0,
            true,
            "sent",
            Some(1),
        ),
        // A 503 asking until a date years ahead: not waited, kept.
        (
            answer(
                503,
                &[("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT")],
                "busy",
            ),
            75,
            false,
            "asks to wait",
            None,
        ),
        // A JSON answer labelled text/html: read as JSON, its id kept.
        (
            Fault::AcceptWith(vec![("Content-Type".into(), "text/html".into())]),
            0,
            true,
            "id=clxlog",
            Some(0),
        ),
        // Thousands of response headers: the answer is refused as malformed, retried
        // with the same key, and the API replays the email it accepted.
        (
            Fault::AcceptWith(
                (0..3000)
                    .map(|i| (format!("X-Filler-{i}"), "x".repeat(8)))
                    .collect(),
            ),
            0,
            true,
            "sent",
            Some(1),
        ),
        // An answer dribbled a byte at a time, within --timeout: read whole.
        (
            Fault::Dribble(Duration::from_millis(1)),
            0,
            true,
            "id=clxlog",
            Some(0),
        ),
        // ...and slower than --timeout: timed out, retried, replayed: one email.
        (
            Fault::Dribble(Duration::from_millis(20)),
            0,
            true,
            "sent",
            Some(1),
        ),
    ];
    for (fault, exit, sent, word, extra) in cases {
        both(|n| {
            let server = StandIn::start();
            let env = TestEnv::new();
            server.push_fault(fault.clone());
            let r = send(&env, &server, n, &[]);
            let name = format!("{fault:?}").chars().take(80).collect::<String>();
            assert_eq!(r.code, exit, "{name}: {}", r.all());
            let expected = if sent { (n, 0) } else { (0, n) };
            assert_eq!(exactly_once_or_kept(&env, &server, n), expected, "{name}");
            assert!(r.all().contains(word), "{name}: {}", r.all());
            assert!(!r.stderr.contains("not JSON"), "{name}: {}", r.stderr);
            let requests = extra.map_or(1, |extra| n + extra);
            assert_eq!(server.sends().len(), requests, "{name}");
        });
    }
}

// 19
#[test]
fn fault_19_a_413_is_a_permanent_rejection() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(answer(
            413,
            &[("Content-Type", "application/json")],
            r#"{"statusCode":413,"message":"request entity too large"}"#,
        ));
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 69, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n - 1, 1));
        assert_eq!(
            env.failed_entries().len(),
            1,
            "kept with the answer in failed/"
        );
        assert_eq!(server.sends().len(), n, "not retried");
        assert!(r.stderr.contains("413"), "{}", r.stderr);
    });
}

// 20
#[test]
fn fault_20_a_redirect_to_the_same_host_is_not_followed_either() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(Fault::Redirect(format!("{}/emails/send", server.url())));
        let r = send(&env, &server, n, &[]);
        assert_eq!(r.code, 78, "{}", r.all());
        assert_eq!(server.sends().len(), 1, "the redirect was followed");
        assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
        assert!(r.stderr.contains("redirect"), "{}", r.stderr);
    });
}

/// A loopback listener standing in for a proxy: it counts connections and records what
/// came first on each, then closes it.
struct FakeProxy {
    url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeProxy {
    fn start() -> FakeProxy {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                let mut buf = [0; 256];
                let got = stream.read(&mut buf).unwrap_or(0);
                log.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..got]).into_owned());
            }
        });
        FakeProxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
];

// 21
#[test]
fn fault_21_plain_http_to_this_machine_never_goes_through_a_proxy() {
    both(|n| {
        let server = StandIn::start();
        let proxy = FakeProxy::start();
        let env = TestEnv::new();
        let file = env.write("incidents.ndjson", &ndjson(&incidents(n, 3000)));
        let mut cmd = env.cmd(&server.url());
        for var in PROXY_VARS {
            cmd.env(var, &proxy.url);
        }
        let r = run(cmd
            .args(["-vv", "send", "--timeout", "2", "--file"])
            .arg(&file));
        assert_eq!(r.code, 0, "{}", r.all());
        assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
        assert!(
            proxy.seen().is_empty(),
            "went through the proxy: {:?}",
            proxy.seen()
        );
        assert!(r.stderr.contains("no proxy"), "{}", r.stderr);
    });
}

#[test]
fn fault_21_https_may_use_https_proxy_unless_no_proxy_lists_the_host() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let base = format!("https://localhost:{}", server.port());
    let try_with = |vars: &[(&str, &str)]| {
        let mut cmd = env.cmd(&base);
        for (k, v) in vars {
            cmd.env(k, v);
        }
        run(cmd.args([
            "-vv",
            "send",
            "--timeout",
            "1",
            "--retries",
            "0",
            "--no-outbox",
            "--code",
            "1",
            "--type",
            "hardware",
            "--description",
            "x",
            "--contact-email",
            "a@example.com",
        ]))
    };
    for var in ["HTTPS_PROXY", "ALL_PROXY"] {
        let proxy = FakeProxy::start();
        let r = try_with(&[(var, proxy.url.as_str())]);
        assert_eq!(r.code, 75, "{}", r.all());
        let seen = proxy.seen();
        assert_eq!(seen.len(), 1, "{var}: {seen:?}");
        assert!(
            seen[0].starts_with("CONNECT localhost:"),
            "a TLS tunnel: {seen:?}"
        );
        assert!(!seen[0].contains(KEY), "the key stays inside the tunnel");
        assert!(
            r.stderr
                .contains(&format!("proxy {}/ (from {var})", proxy.url)),
            "{}",
            r.stderr
        );
    }
    // A proxy's password is used, never shown.
    let proxy = FakeProxy::start();
    let with_password = proxy.url.replace("http://", "http://ops:proxypw@");
    let r = try_with(&[("https_proxy", with_password.as_str())]);
    assert_eq!(proxy.seen().len(), 1, "{}", r.all());
    assert!(!r.all().contains("proxypw"), "{}", r.all());
    assert!(
        r.stderr
            .contains(&format!("proxy {}/ (from https_proxy)", proxy.url)),
        "{}",
        r.stderr
    );
    // HTTP_PROXY is for http, and NO_PROXY is honoured.
    let proxy = FakeProxy::start();
    let r = try_with(&[("HTTP_PROXY", proxy.url.as_str())]);
    assert_eq!(r.code, 75, "{}", r.all());
    let r2 = try_with(&[
        ("HTTPS_PROXY", proxy.url.as_str()),
        ("NO_PROXY", "example.org, localhost"),
    ]);
    assert_eq!(r2.code, 75, "{}", r2.all());
    assert!(r2.stderr.contains("NO_PROXY"), "{}", r2.stderr);
    assert!(proxy.seen().is_empty(), "{:?}", proxy.seen());
    assert!(server.accepted().is_empty());
}

// 22
#[test]
fn fault_22_a_base_url_with_userinfo_query_or_fragment_is_refused() {
    let server = StandIn::start();
    let host = server.url().trim_start_matches("http://").to_string();
    for (base, part) in [
        (
            format!("http://ops:hunter2pass@{host}"),
            "user name or password",
        ),
        (format!("http://{host}/?region=eu"), "query"),
        (format!("http://{host}#eu"), "fragment"),
    ] {
        let env2 = TestEnv::new();
        let file = env2.write("incidents.ndjson", &ndjson(&incidents(1, 3000)));
        let r = run(env2.cmd(&base).args(["-vv", "send", "--file"]).arg(&file));
        assert_eq!(r.code, 78, "{base}: {}", r.all());
        assert!(r.stderr.contains(part), "{base}: {}", r.stderr);
        assert!(
            !r.all().contains("hunter2pass"),
            "the password was shown: {}",
            r.all()
        );
        assert!(!env2.state_dir().join("journal.jsonl").exists());
        assert!(env2.outbox_entries().is_empty());
        for args in [
            &["check-quota"][..],
            &["verify-key"],
            &[
                "preview",
                "--format",
                "curl",
                "--file",
                file.to_str().unwrap(),
            ],
        ] {
            let other = run(env2.cmd(&base).arg("-vv").args(args));
            assert!(
                !other.all().contains("hunter2pass"),
                "{args:?}: {}",
                other.all()
            );
        }
    }
    assert!(server.requests().is_empty(), "a refused base URL was used");
}

#[test]
fn fault_22_a_base_url_with_a_path_prefix_still_works() {
    let server = StandIn::with(Config {
        prefix: "/api".into(),
        ..Config::default()
    });
    for base in [
        format!("{}/api", server.url()),
        format!("{}/api/", server.url()),
    ] {
        let env = TestEnv::new();
        let file = env.write("incidents.ndjson", &ndjson(&incidents(2, 3000)));
        let r = run(env.cmd(&base).args(["send", "--file"]).arg(&file));
        assert_eq!(r.code, 0, "{base}: {}", r.all());
        let probe = run(env.cmd(&base).args(["verify-key"]));
        assert_eq!(probe.code, 0, "{base}: {}", probe.all());
    }
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        paths
            .iter()
            .all(|p| p == "/api/emails/send" || p == "/api/emails/logs?page=1&limit=1"),
        "{paths:?}"
    );
}

// 23
#[test]
fn fault_23_a_400_asking_for_x_tenant_id_points_at_the_tenant() {
    for style in [ErrorStyle::Nest, ErrorStyle::Rfc7807] {
        both(|n| {
            let server = StandIn::with(Config {
                require_tenant: true,
                error_style: style,
                ..Config::default()
            });
            let env = TestEnv::new();
            let r = send(&env, &server, n, &[]);
            assert_eq!(r.code, 78, "{style:?}: {}", r.all());
            assert!(
                r.stderr.contains("X-Tenant-Id header is required"),
                "{}",
                r.stderr
            );
            for name in ["tenant_id", "MAILINGCORE_TENANT_ID", "--tenant-id"] {
                assert!(r.stderr.contains(name), "{name}: {}", r.stderr);
            }
            assert!(
                !r.stderr.contains("base-url") && !r.stderr.contains("base_url"),
                "{}",
                r.stderr
            );
            // Kept to be sent once the tenant is set, not rejected for good.
            assert_eq!(exactly_once_or_kept(&env, &server, n), (0, n));
            assert!(env.failed_entries().is_empty());
            assert_eq!(
                server.sends().len(),
                1,
                "the rest were kept without a request"
            );
            let f = run(env
                .cmd(&server.url())
                .env("MAILINGCORE_TENANT_ID", TENANT)
                .args(["outbox", "flush"]));
            assert_eq!(f.code, 0, "{}", f.all());
            assert_eq!(exactly_once_or_kept(&env, &server, n), (n, 0));
        });
        let server = StandIn::with(Config {
            require_tenant: true,
            error_style: style,
            ..Config::default()
        });
        let env = TestEnv::new();
        let v = run(env.cmd(&server.url()).args(["verify-key"]));
        assert_eq!(v.code, 78, "{}", v.all());
        assert!(v.stdout.contains("verdict: tenant-required"), "{}", v.all());
        assert!(
            v.stdout.contains("tenant") && v.stdout.contains("FAIL"),
            "{}",
            v.all()
        );
        assert!(!v.all().contains("the MailingCore API?"), "{}", v.all());
        assert!(v.stderr.contains("MAILINGCORE_TENANT_ID"), "{}", v.stderr);
        let json = run(env.cmd(&server.url()).args(["--json", "verify-key"]));
        let report: Value = serde_json::from_str(json.stdout.trim()).unwrap();
        assert_eq!(report["verdict"], "tenant-required");
        let ok = run(env
            .cmd(&server.url())
            .env("MAILINGCORE_TENANT_ID", TENANT)
            .args(["verify-key"]));
        assert_eq!(ok.code, 0, "{}", ok.all());
    }
}
