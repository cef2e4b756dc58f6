//! The fault matrix: for each fault, one incident and a batch of five. Each incident ends
//! accepted exactly once (counted on the server by idempotency key) or kept on disk with
//! the reason; the exit code is the documented one; the message says what to do.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::harness::{incidents, json_lines, ndjson, run, Run, TestEnv, KEY};
use support::standin::{Config, ErrorStyle, Fault, KeyDef, StandIn, TENANT};

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
        server.push_faults(vec![Fault::Status(503); 20]);
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

// 12: two flushes at once: tests/outbox.rs `two_flushes_at_once_never_send_twice`.

// 13
#[test]
fn fault_13_the_disk_refuses_the_outbox_write() {
    both(|n| {
        let server = StandIn::start();
        let env = TestEnv::new();
        // A state directory under a regular file cannot be created, even by root.
        let blocker = env.write("not-a-dir", "");
        server.push_faults(vec![Fault::Status(503); 20]);
        let file = env.write("incidents.ndjson", &ndjson(&incidents(n, 3000)));
        let r = run(env
            .cmd(&server.url())
            .env("XDG_STATE_HOME", &blocker)
            .args(["send", "--retries", "1", "--retry-max-time", "2", "--file"])
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
