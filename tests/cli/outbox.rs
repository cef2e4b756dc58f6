//! The outbox: what a failed run keeps, `list`/`show`/`drop`, and `flush` delivering each
//! kept request exactly once, under a lock, with permanent rejections moved to `failed/`.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::harness::{incidents, json_lines, ndjson, run, TestEnv, HELPDESK, KEY};
use crate::support::standin::{Fault, StandIn};
use serde_json::Value;

on_both_stores!(
    down_then_up_flush_delivers_each_exactly_once,
    flush_resends_the_exact_body_with_the_same_key,
    a_transient_failure_keeps_the_entry_with_attempts_and_error_updated,
    a_permanent_rejection_moves_the_entry_to_failed,
    list_show_and_drop,
    a_refused_entry_is_retried_once_the_cause_is_fixed_and_delivered_once,
    retry_all_moves_every_failed_entry_back_and_says_so_in_json,
    list_shows_the_whole_last_error_when_not_a_terminal,
    flush_lines_have_the_shape_of_send_lines
);

/// Send `n` incidents while the server is down: all kept, exit 75.
pub fn fill_outbox(env: &TestEnv, server: &StandIn, n: usize) {
    server.set_down(true);
    let file = env.write("batch.ndjson", &ndjson(&incidents(n, 2000)));
    let r = run(env
        .cmd(&server.url())
        .args([
            "send",
            "--retries",
            "1",
            "--retry-max-time",
            "2",
            "--timeout",
            "1",
            "--file",
        ])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(env.outbox_entries().len(), n);
    server.set_down(false);
}

fn down_then_up_flush_delivers_each_exactly_once(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 5);
    assert!(server.accepted().is_empty());
    let r = run(env.cmd(&server.url()).args(["outbox", "flush", "--json"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(json_lines(r.stdout.as_bytes()).len(), 5);
    let by_key = server.accepted_by_key();
    assert_eq!(by_key.len(), 5);
    assert!(by_key.values().all(|&n| n == 1), "{by_key:?}");
    assert!(env.outbox_entries().is_empty());
    // A second flush has nothing to do and sends nothing.
    let before = server.requests().len();
    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stderr.contains("empty"), "{}", r.stderr);
    assert_eq!(server.requests().len(), before);
}

fn flush_resends_the_exact_body_with_the_same_key(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 1);
    let kept = env.outbox_entries()[0]["body"].clone();
    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(server.sends()[0].json(), kept);
}

fn a_transient_failure_keeps_the_entry_with_attempts_and_error_updated(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 1);
    let before = env.outbox_entries()[0].clone();
    server.push_faults(vec![Fault::Status(502); 2]);
    let r = run(env.cmd(&server.url()).args([
        "outbox",
        "flush",
        "--retries",
        "1",
        "--retry-max-time",
        "3",
    ]));
    assert_eq!(r.code, 75, "{}", r.all());
    let after = &env.outbox_entries()[0];
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["createdAt"], before["createdAt"]);
    assert_eq!(
        after["attempts"].as_u64().unwrap(),
        before["attempts"].as_u64().unwrap() + 2
    );
    assert!(
        after["lastError"].as_str().unwrap().contains("502"),
        "{after}"
    );
    // A flush that fails against another API keeps where the entry was first meant to go.
    let elsewhere = crate::support::harness::closed_port();
    let r = run(env
        .cmd(&elsewhere)
        .args(["outbox", "flush", "--retries", "0", "--timeout", "1"]));
    assert_eq!(r.code, 75, "{}", r.all());
    assert!(r.stderr.contains(&server.url()), "{}", r.stderr);
    assert_eq!(env.outbox_entries()[0]["baseUrl"], before["baseUrl"]);
}

fn a_permanent_rejection_moves_the_entry_to_failed(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 2);
    let pending = env.outbox_entries();
    server.push_fault(Fault::Status(422));
    let r = run(env
        .cmd(&server.url())
        .args(["outbox", "flush", "--jobs", "1"]));
    assert_eq!(r.code, 69, "{}", r.all());
    assert!(env.outbox_entries().is_empty());
    let failed = env.failed_entries();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["lastStatus"], 422);
    // It moves with its history: when it was made and every attempt so far.
    let was = pending.iter().find(|p| p["id"] == failed[0]["id"]).unwrap();
    assert_eq!(failed[0]["createdAt"], was["createdAt"]);
    assert_eq!(
        failed[0]["attempts"].as_u64().unwrap(),
        was["attempts"].as_u64().unwrap() + 1
    );
    assert_eq!(server.accepted().len(), 1);
    // `list --failed` shows it; `list` does not.
    let r = run(env.cmd(&server.url()).args(["outbox", "list", "--json"]));
    assert!(json_lines(r.stdout.as_bytes()).is_empty(), "{}", r.stdout);
    let r = run(env
        .cmd(&server.url())
        .args(["outbox", "list", "--failed", "--json"]));
    let listed = json_lines(r.stdout.as_bytes());
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], failed[0]["id"]);
    // A flush never resends what failed for good.
    let before = server.requests().len();
    run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(server.requests().len(), before);
}

fn list_show_and_drop(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 2);
    let entries = env.outbox_entries();
    let id = entries[0]["id"].as_str().unwrap().to_string();

    let r = run(env.cmd(&server.url()).args(["outbox", "list"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        r.stdout.lines().count(),
        2 + 1,
        "a header and two rows: {}",
        r.stdout
    );
    assert!(r.stdout.contains(&id), "{}", r.stdout);
    assert!(r.stdout.contains("[Incident] Code 2001"), "{}", r.stdout);

    let r = run(env.cmd(&server.url()).args(["outbox", "list", "--json"]));
    let listed: Vec<Value> = json_lines(r.stdout.as_bytes());
    assert_eq!(listed.len(), 2);
    for field in [
        "id",
        "attempts",
        "lastError",
        "subject",
        "ageSeconds",
        "idempotencyKey",
    ] {
        assert!(listed[0].get(field).is_some(), "{field} in {}", listed[0]);
    }

    // `show` takes a unique prefix and prints the stored request without the key.
    let r = run(env.cmd(&server.url()).args(["outbox", "show", &id[..8]]));
    assert_eq!(r.code, 0, "{}", r.all());
    let shown: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(shown["body"]["to"], HELPDESK);
    assert!(!r.stdout.contains(KEY));

    let r = run(env.cmd(&server.url()).args(["outbox", "drop", &id]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(env.outbox_entries().len(), 1);

    for cmd in ["show", "drop"] {
        let r = run(env
            .cmd(&server.url())
            .args(["outbox", cmd, "ffffffffffffffff"]));
        assert_eq!(r.code, 66, "{cmd}: {}", r.all());
        assert!(r.stderr.contains("outbox list"), "{}", r.stderr);
    }
}

fn spawn_flush(env: &TestEnv, server: &StandIn, extra: &[&str]) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin!("mcnotify"))
        .env_clear()
        .env("HOME", env.home())
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("MAILINGCORE_BASE_URL", server.url())
        .env("MAILINGCORE_API_KEY", KEY)
        .args(["outbox", "flush", "--jobs", "1"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_flushes_at_once_never_send_twice() {
    let server = StandIn::start();
    let env = TestEnv::new();
    fill_outbox(&env, &server, 4);
    server.push_faults(vec![Fault::Delay(Duration::from_millis(200)); 4]);
    let first = spawn_flush(&env, &server, &[]);
    let started = Instant::now();
    while server.requests().is_empty() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    // Without --wait the second exits at once, saying why.
    let second = spawn_flush(&env, &server, &[]).wait_with_output().unwrap();
    assert_eq!(second.status.code(), Some(75));
    assert!(String::from_utf8_lossy(&second.stderr).contains("another flush is running"));
    // With --wait it waits, then finds nothing left to send.
    let third = spawn_flush(&env, &server, &["--wait"]);
    let first = first.wait_with_output().unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let third = third.wait_with_output().unwrap();
    assert_eq!(third.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&third.stderr).contains("waiting"));
    let by_key = server.accepted_by_key();
    assert_eq!(by_key.len(), 4);
    assert!(by_key.values().all(|&n| n == 1), "{by_key:?}");
    assert_eq!(server.sends().len(), 4, "no request was made twice");
}

#[cfg(unix)]
fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

#[cfg(unix)]
#[test]
fn an_outbox_others_can_write_is_warned_about_and_never_flushed() {
    let server = StandIn::start();
    let env = TestEnv::new();
    fill_outbox(&env, &server, 2);
    let planted = serde_json::json!({
        "id": "0000000000000000", "idempotencyKey": "planted", "createdAt": "2026-01-01T00:00:00Z",
        "updatedAt": "2026-01-01T00:00:00Z", "attempts": 0, "lastError": null, "lastStatus": null,
        "baseUrl": server.url(), "tenantId": null, "profile": null, "origin": null,
        "subject": "planted", "to": "attacker@example.com",
        "body": {"to": "attacker@example.com", "subject": "planted", "idempotencyKey": "planted"}
    });
    for (dir, bad) in [
        (env.outbox_dir(), 0o770),
        (env.outbox_dir(), 0o1777),
        (env.state_dir(), 0o722),
    ] {
        chmod(&dir, bad);
        std::fs::write(
            env.outbox_dir().join("0000000000000000.json"),
            planted.to_string(),
        )
        .unwrap();
        let before = server.sends().len();
        let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
        assert_eq!(r.code, 78, "{}", r.all());
        let fix = format!("chmod 700 {}", dir.display());
        assert!(r.stderr.contains(&fix), "{}", r.stderr);
        assert!(r.stderr.contains("refusing to flush"), "{}", r.stderr);
        assert_eq!(server.sends().len(), before, "a flush sent from {dir:?}");
        // `send` still delivers (or keeps), with the warning and the same fix.
        let mut one = incidents(1, 9000);
        one[0]["conversationId"] = Value::from("conv_perm");
        let file = env.write("one.ndjson", &ndjson(&one));
        let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
        assert_eq!(r.code, 0, "{}", r.all());
        assert!(r.stderr.contains("warning"), "{}", r.stderr);
        assert!(r.stderr.contains(&fix), "{}", r.stderr);
        chmod(&dir, 0o700);
    }
    std::fs::remove_file(env.outbox_dir().join("0000000000000000.json")).unwrap();
    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert!(server
        .sends()
        .iter()
        .all(|s| s.json()["to"] != "attacker@example.com"));
}

#[cfg(unix)]
#[test]
fn everything_mcnotify_writes_is_private_whatever_the_umask() {
    use std::os::unix::process::CommandExt;
    let server = StandIn::start();
    let env = TestEnv::new();
    server.set_down(true);
    let file = env.write("batch.ndjson", &ndjson(&incidents(3, 2000)));
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("mcnotify"));
    cmd.env_clear()
        .env("HOME", env.home())
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("MAILINGCORE_BASE_URL", server.url())
        .env("MAILINGCORE_API_KEY", KEY)
        .env("MCNOTIFY_TO", HELPDESK);
    // SAFETY: umask is async-signal-safe and touches nothing but the child's mask.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0);
            Ok(())
        });
    }
    let sent = cmd
        .args(["send", "--retries", "0", "--timeout", "1", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(75));
    server.set_down(false);
    server.push_fault(Fault::Status(422));
    let flushed = cmd_flush(&env, &server);
    assert_eq!(flushed, Some(69));
    let mut seen = 0;
    let mut stack = vec![env.state_dir()];
    while let Some(dir) = stack.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for item in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = item.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
                seen += 1;
            }
        }
    }
    // The journal, the lock and the entry in failed/.
    assert_eq!(env.failed_entries().len(), 1);
    assert!(seen >= 3, "{seen} files");

    fn cmd_flush(env: &TestEnv, server: &StandIn) -> Option<i32> {
        use std::os::unix::process::CommandExt;
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("mcnotify"));
        cmd.env_clear()
            .env("HOME", env.home())
            .env("XDG_STATE_HOME", env.home().join(".local/state"))
            .env("XDG_CONFIG_HOME", env.home().join(".config"))
            .env("MAILINGCORE_BASE_URL", server.url())
            .env("MAILINGCORE_API_KEY", KEY)
            .args(["outbox", "flush", "--jobs", "1"]);
        // SAFETY: as above.
        unsafe {
            cmd.pre_exec(|| {
                libc::umask(0);
                Ok(())
            });
        }
        cmd.output().unwrap().status.code()
    }
}

#[test]
fn a_flush_removes_temp_files_their_writers_left_but_not_a_fresh_one() {
    let server = StandIn::start();
    let env = TestEnv::new();
    fill_outbox(&env, &server, 1);
    let stale = env.outbox_dir().join(".tmp-killed");
    std::fs::write(&stale, "{\"contactEmail\": \"ana@example.com\"").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - Duration::from_secs(60))
        .unwrap();
    let fresh = env.outbox_dir().join(".tmp-writing");
    std::fs::write(&fresh, "{").unwrap();
    let r = run(env.cmd(&server.url()).args(["outbox", "flush", "-v"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!stale.exists(), "{}", r.stderr);
    assert!(fresh.exists(), "a writer may be about to lock it");
    assert!(r.stderr.contains("removed 1 temp file"), "{}", r.stderr);
}

/// Send the guide's incident once; the stand-in answers it with `fault` first.
fn send_guide_refused(env: &TestEnv, server: &StandIn) -> String {
    server.push_fault(Fault::Status(422));
    let file = env.write("guide.json", crate::support::harness::GUIDE_INCIDENT);
    let r = run(env.cmd(&server.url()).arg("send").arg("--file").arg(&file));
    assert_eq!(r.code, 69, "{}", r.all());
    assert!(env.outbox_entries().is_empty());
    let failed = env.failed_entries();
    assert_eq!(failed.len(), 1, "{}", r.all());
    failed[0]["id"].as_str().unwrap().to_string()
}

fn a_refused_entry_is_retried_once_the_cause_is_fixed_and_delivered_once(env: TestEnv) {
    let server = StandIn::start();
    let id = send_guide_refused(&env, &server);
    let was = env.failed_entries()[0].clone();

    // A flush alone cannot send it, but says where it is and what to do.
    let before = server.requests().len();
    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stderr.contains("failed"), "{}", r.stderr);
    assert!(r.stderr.contains("outbox retry"), "{}", r.stderr);
    assert_eq!(server.requests().len(), before);

    // An unknown id is 66; a bare `retry` is a usage error.
    let r = run(env
        .cmd(&server.url())
        .args(["outbox", "retry", "ffffffffffffffff"]));
    assert_eq!(r.code, 66, "{}", r.all());
    let r = run(env.cmd(&server.url()).args(["outbox", "retry"]));
    assert_eq!(r.code, 64, "{}", r.all());

    // The cause is fixed (the stand-in accepts again): retry puts it back, history kept.
    let r = run(env.cmd(&server.url()).args(["outbox", "retry", &id[..6]]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains(&id), "{}", r.stdout);
    assert!(env.failed_entries().is_empty());
    let back = env.outbox_entries();
    assert_eq!(back.len(), 1);
    for field in [
        "id",
        "createdAt",
        "attempts",
        "idempotencyKey",
        "body",
        "lastStatus",
    ] {
        assert_eq!(back[0][field], was[field], "{field}");
    }
    assert!(
        back[0]["firstError"].as_str().unwrap().contains("422"),
        "{}",
        back[0]
    );
    assert!(back[0]["retriedAt"].is_string(), "{}", back[0]);

    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(env.outbox_entries().is_empty());
    assert!(env.failed_entries().is_empty());
    let key = was["idempotencyKey"].as_str().unwrap();
    assert_eq!(server.accepted_by_key().get(key), Some(&1));
    // Nothing left: a second flush and a second retry send nothing.
    let before = server.requests().len();
    run(env.cmd(&server.url()).args(["outbox", "flush"]));
    let r = run(env.cmd(&server.url()).args(["outbox", "retry", "--all"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(server.requests().len(), before);
    assert_eq!(server.accepted().len(), 1);
}

fn retry_all_moves_every_failed_entry_back_and_says_so_in_json(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 3);
    server.push_faults(vec![Fault::Status(422); 2]);
    let r = run(env
        .cmd(&server.url())
        .args(["outbox", "flush", "--jobs", "1"]));
    assert_eq!(r.code, 69, "{}", r.all());
    assert_eq!(env.failed_entries().len(), 2);

    let r = run(env
        .cmd(&server.url())
        .args(["outbox", "retry", "--all", "--json"]));
    assert_eq!(r.code, 0, "{}", r.all());
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines.iter().all(|l| l["outcome"] == "retried"), "{lines:?}");
    assert!(env.failed_entries().is_empty());
    assert_eq!(env.outbox_entries().len(), 2);

    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    let by_key = server.accepted_by_key();
    assert_eq!(by_key.len(), 3);
    assert!(by_key.values().all(|&n| n == 1), "{by_key:?}");
}

fn list_shows_the_whole_last_error_when_not_a_terminal(env: TestEnv) {
    let server = StandIn::start();
    fill_outbox(&env, &server, 2);
    let entries = env.outbox_entries();
    let r = run(env.cmd(&server.url()).args(["outbox", "list"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.lines().next().unwrap().ends_with("LAST ERROR"));
    for e in &entries {
        let error = e["lastError"].as_str().unwrap();
        assert!(error.len() > 40, "a long error to show: {error}");
        let row = r
            .stdout
            .lines()
            .find(|l| l.starts_with(e["id"].as_str().unwrap()));
        assert!(row.unwrap().ends_with(error), "{}", r.stdout);
    }
}

fn flush_lines_have_the_shape_of_send_lines(env: TestEnv) {
    let server = StandIn::start();
    let file = env.write("guide.json", crate::support::harness::GUIDE_INCIDENT);
    server.set_down(true);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--retries", "0", "--timeout", "1", "--file"])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    server.set_down(false);
    let flushed = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(flushed.code, 0, "{}", flushed.all());
    // The same incident sent directly prints its line (a replay the stand-in answers).
    let other = TestEnv::new();
    let sent = run(other
        .cmd(&server.url())
        .arg("send")
        .arg("--file")
        .arg(&file));
    assert_eq!(sent.code, 0, "{}", sent.all());
    let shape = |line: &str| line.split(" id=").next().unwrap().to_string();
    assert!(
        sent.stdout.starts_with("sent 5859 Albacenter Mall -> "),
        "{}",
        sent.stdout
    );
    assert_eq!(
        shape(&flushed.stdout),
        shape(&sent.stdout),
        "{}",
        flushed.stdout
    );
}
