//! Many incidents in one run: every input format and shape, mapping by pointer, invalid
//! records in the middle, ordered `--json`, bounded concurrency, pacing to the rate limit,
//! a quota block deferring the rest, dry runs and Ctrl-C.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::harness::{incidents, json_lines, ndjson, run, TestEnv};
use crate::support::standin::{Config, ErrorStyle, Fault, StandIn, KEY};
use serde_json::{json, Value};

/// The conversation ids the server accepted, in key order, each exactly once.
fn accepted_once(server: &StandIn) -> Vec<String> {
    let by_key = server.accepted_by_key();
    assert!(
        by_key.values().all(|&n| n == 1),
        "an email was sent twice: {by_key:?}"
    );
    by_key.into_keys().collect()
}

fn keys(range: std::ops::RangeInclusive<usize>) -> Vec<String> {
    range
        .map(|i| format!("botpress-conv_{i:03}-incident"))
        .collect()
}

#[test]
fn every_format_and_shape_is_read() {
    let recs = incidents(2, 1000);
    let envelope = |r: &Value| {
        json!({
            "schema": "botpress-incident/v1",
            "conversationId": r["conversationId"],
            "incident": {
                "machineCode": r["machineCode"], "incidentType": r["incidentType"],
                "location": r["location"], "description": r["description"],
                "contactEmail": r["contactEmail"],
            }
        })
    };
    let csv = "conversationId,machineCode,incidentType,location,description,contactEmail\n\
               conv_001,1001,hardware,\"Site 1, north\",\"Line one\nline two, \"\"quoted\"\"\",user1@example.com\n\
               conv_002,1002,hardware,Site 2,Fault number 2,user2@example.com\n";
    let cases: Vec<(&str, String)> = vec![
        ("array.json", Value::Array(recs.clone()).to_string()),
        ("lines.ndjson", format!("{}\n\n{}\n", recs[0], recs[1])),
        (
            "pretty.json",
            format!(
                "{}\n{}",
                serde_json::to_string_pretty(&recs[0]).unwrap(),
                serde_json::to_string_pretty(&recs[1]).unwrap()
            ),
        ),
        ("export.csv", csv.to_string()),
        (
            "tables.json",
            json!({"rows": recs, "hasMore": false}).to_string(),
        ),
        (
            "envelopes.json",
            Value::Array(recs.iter().map(envelope).collect()).to_string(),
        ),
    ];
    for (name, contents) in cases {
        let server = StandIn::start();
        let env = TestEnv::new();
        let file = env.write(name, &contents);
        let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
        assert_eq!(r.code, 0, "{name}: {}", r.all());
        assert_eq!(accepted_once(&server), keys(1..=2), "{name}");
        if name == "export.csv" {
            let first = server
                .accepted()
                .into_iter()
                .find(|a| a.key.as_deref() == Some("botpress-conv_001-incident"))
                .unwrap();
            assert!(first.body["subject"]
                .as_str()
                .unwrap()
                .contains("Site 1, north"));
            let text = first.body["textBody"].as_str().unwrap();
            assert!(text.contains("Line one\nline two, \"quoted\""), "{text}");
        }
    }
}

#[test]
fn format_in_overrides_detection() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // A CSV file whose first cell starts with `[` would look like JSON.
    let file = env.write(
        "odd.txt",
        "machineCode,incidentType,description,contactEmail,conversationId\n[x],t,d,a@example.com,conv_001\n",
    );
    let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--format-in", "json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 65, "{}", r.all());
}

#[test]
fn several_files_are_read_in_order_and_numbered_across_them() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let recs = incidents(4, 1000);
    let a = env.write("a.ndjson", &ndjson(&recs[..2]));
    let b = env.write("b.json", &Value::Array(recs[2..].to_vec()).to_string());
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--json", "--file"])
        .arg(&a)
        .arg("--file")
        .arg(&b));
    assert_eq!(r.code, 0, "{}", r.all());
    let lines = json_lines(r.stdout.as_bytes());
    let records: Vec<u64> = lines
        .iter()
        .map(|l| l["record"].as_u64().unwrap())
        .collect();
    assert_eq!(records, [1, 2, 3, 4]);
    assert!(lines[0]["origin"].as_str().unwrap().ends_with("a.ndjson:1"));
    assert!(lines[3]["origin"].as_str().unwrap().ends_with("b.json:#2"));
    assert_eq!(accepted_once(&server), keys(1..=4));
}

#[test]
fn fields_map_other_shapes_by_json_pointer() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let config = env.write(
        "config.toml",
        r#"
[fields]
code = ["/ticket/machine", "/ticket/alt"]
contact_email = ["/who/mail"]
description = ["/ticket/text"]
conversation_id = ["/meta/thread"]
[fields.type]
paths = ["/ticket/kind"]
default = "unspecified"
"#,
    );
    let file = env.write(
        "custom.ndjson",
        concat!(
            r#"{"ticket":{"machine":"","alt":"77","text":"Jammed"},"who":{"mail":"a@example.com"},"meta":{"thread":"conv_001"}}"#,
            "\n",
            r#"{"ticket":{"machine":"88","kind":"power","text":"Dead"},"who":{"mail":"b@example.com"},"meta":{"thread":"conv_002"}}"#,
            "\n"
        ),
    );
    let r = run(env
        .cmd(&server.url())
        .arg("--config")
        .arg(&config)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server), keys(1..=2));
    let accepted = server.accepted();
    let by_conv = |c: &str| {
        accepted
            .iter()
            .find(|a| a.body["metadata"]["conversationId"] == c)
            .unwrap()
            .body
            .clone()
    };
    // First non-empty path wins; the default fills a missing field.
    assert_eq!(by_conv("conv_001")["metadata"]["incidentCode"], "77");
    assert!(by_conv("conv_001")["textBody"]
        .as_str()
        .unwrap()
        .contains("unspecified"));
    assert_eq!(by_conv("conv_002")["metadata"]["incidentCode"], "88");
    assert_eq!(by_conv("conv_002")["replyTo"], "b@example.com");

    // CSV: paths are header names.
    let config = env.write(
        "csv.toml",
        "[fields]\ncode = [\"Machine code\"]\ncontact_email = [\"E-mail\"]\ndescription = [\"What\"]\ntype = [\"Kind\"]\nconversation_id = [\"Thread\"]\n",
    );
    let file = env.write(
        "custom.csv",
        "Machine code,E-mail,What,Kind,Thread\n99,c@example.com,Smoke,fire,conv_003\n",
    );
    let r = run(env
        .cmd(&server.url())
        .arg("--config")
        .arg(&config)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server), keys(1..=3));
}

#[test]
fn invalid_records_in_the_middle_are_reported_and_skipped() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let recs = incidents(5, 1000);
    let mut bad = recs[1].clone();
    bad["contactEmail"] = json!("ana@");
    let body = format!(
        "{}\n{}\n{{not json\n{}\n{}\n",
        recs[0], bad, recs[3], recs[4]
    );
    let file = env.write("mixed.ndjson", &body);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 65, "{}", r.all());
    assert!(r.stderr.contains("mixed.ndjson:2"), "{}", r.stderr);
    assert!(r.stderr.contains("\"ana@\""), "{}", r.stderr);
    assert!(r.stderr.contains("mixed.ndjson:3"), "{}", r.stderr);
    let outcomes: Vec<String> = json_lines(r.stdout.as_bytes())
        .iter()
        .map(|l| l["outcome"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(outcomes, ["sent", "invalid", "invalid", "sent", "sent"]);
    let mut expected = keys(1..=1);
    expected.extend(keys(4..=5));
    assert_eq!(accepted_once(&server), expected);
    assert!(r.stderr.contains("3 sent"), "summary: {}", r.stderr);
    assert!(r.stderr.contains("2 invalid"), "summary: {}", r.stderr);
}

#[test]
fn json_lines_come_in_input_order_whatever_the_completion_order() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // The first requests are slow, the later ones fast.
    server.push_faults([
        Fault::Delay(Duration::from_millis(400)),
        Fault::Delay(Duration::from_millis(300)),
        Fault::Delay(Duration::from_millis(200)),
    ]);
    let file = env.write("many.ndjson", &ndjson(&incidents(8, 1000)));
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--jobs", "4", "--json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let lines = json_lines(r.stdout.as_bytes());
    let records: Vec<u64> = lines
        .iter()
        .map(|l| l["record"].as_u64().unwrap())
        .collect();
    assert_eq!(records, (1..=8).collect::<Vec<u64>>());
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["idempotencyKey"], keys(i + 1..=i + 1)[0]);
    }
}

#[test]
fn an_idempotency_key_for_several_records_is_a_usage_error() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("two.ndjson", &ndjson(&incidents(2, 1000)));
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--idempotency-key", "fixed", "--file"])
        .arg(&file));
    assert_eq!(r.code, 64, "{}", r.all());
    assert!(server.requests().is_empty());
}

#[test]
fn concurrency_is_bounded_and_connections_are_reused() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults(vec![Fault::Delay(Duration::from_millis(50)); 20]);
    let file = env.write("many.ndjson", &ndjson(&incidents(40, 1000)));
    let used_before = server.quota_used();
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--jobs", "3", "-q", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server).len(), 40);
    let stats = server.stats();
    assert!(stats.max_in_flight <= 3, "{}", stats.max_in_flight);
    assert!(stats.max_in_flight >= 2, "ran concurrently");
    assert!(stats.connections <= 3, "{} connections", stats.connections);
    assert_eq!((stats.requests, stats.accepted), (40, 40));
    // Each email carried the key, and the server's quota counted each once.
    let accepted = server.accepted();
    assert!(accepted
        .iter()
        .all(|a| a.api_key == KEY && !a.id.is_empty()));
    assert_eq!(server.quota_used() - used_before, 40);
}

#[test]
fn pacing_keeps_under_the_rate_limit() {
    let server = StandIn::with(Config {
        rate_limit: Some((5, Duration::from_secs(1))),
        ..Config::default()
    });
    let env = TestEnv::new();
    let file = env.write("many.ndjson", &ndjson(&incidents(15, 1000)));
    let started = Instant::now();
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--jobs", "4", "--json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server), keys(1..=15));
    let limited = server.status_counts().get(&429).copied().unwrap_or(0);
    assert!(
        limited <= 1,
        "{limited} rate-limit 429s: {:?}",
        server.status_counts()
    );
    // 15 requests at 5 per window need two window resets: more than one whole window.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_rate_limit_429_waits_for_the_reset_and_resumes() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults([
        Fault::RateLimited {
            reset: Some(Duration::from_secs(1)),
            retry_after: None,
        },
        Fault::RateLimited {
            reset: None,
            retry_after: Some(1),
        },
    ]);
    let file = env.write("many.ndjson", &ndjson(&incidents(5, 1000)));
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--jobs", "1", "--retries", "1", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server), keys(1..=5));
    assert_eq!(server.status_counts().get(&429), Some(&2));
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn a_quota_429_defers_the_rest_to_the_outbox() {
    for style in [ErrorStyle::Nest, ErrorStyle::Rfc7807] {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_faults([Fault::Delay(Duration::ZERO), Fault::QuotaExceeded(style)]);
        let file = env.write("many.ndjson", &ndjson(&incidents(6, 1000)));
        let r = run(env
            .cmd(&server.url())
            .args(["send", "--jobs", "1", "--json", "--file"])
            .arg(&file));
        assert_eq!(r.code, 75, "{style:?}: {}", r.all());
        assert_eq!(accepted_once(&server), keys(1..=1), "{style:?}");
        assert_eq!(server.sends().len(), 2, "{style:?}: no hammering");
        assert_eq!(env.outbox_entries().len(), 5, "{style:?}");
        assert!(r.stderr.contains("quota"), "{}", r.stderr);
        let outcomes: Vec<String> = json_lines(r.stdout.as_bytes())
            .iter()
            .map(|l| l["outcome"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(outcomes[0], "sent");
        assert!(
            outcomes[1..].iter().all(|o| o == "deferred"),
            "{outcomes:?}"
        );
    }
}

#[test]
fn dry_run_sends_nothing_and_prints_what_would_be_sent() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("many.ndjson", &ndjson(&incidents(3, 1000)));
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--dry-run", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(r.stdout.lines().count(), 3, "{}", r.stdout);
    assert!(r.stdout.contains("would send"), "{}", r.stdout);
    assert!(
        r.stdout.contains("botpress-conv_002-incident"),
        "{}",
        r.stdout
    );
    assert!(server.requests().is_empty());
    assert!(env.journal().is_empty());
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--dry-run", "--json", "--file"])
        .arg(&file));
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["outcome"], "dry-run");
    assert_eq!(lines[0]["request"]["to"], crate::support::harness::HELPDESK);
}

#[test]
fn preview_renders_every_record() {
    let env = TestEnv::new();
    let file = env.write("many.ndjson", &ndjson(&incidents(3, 1000)));
    let r = run(env
        .bare()
        .env("MCNOTIFY_TO", crate::support::harness::HELPDESK)
        .args(["preview", "--format", "json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(json_lines(r.stdout.as_bytes()).len(), 3);
}

#[cfg(unix)]
#[test]
fn ctrl_c_finishes_in_flight_sends_and_reports_the_rest() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults(vec![Fault::Delay(Duration::from_millis(300)); 40]);
    // Every record may be slow, but the interrupt stops the batch after a number of
    // requests the test cannot know: the slow answers past that point go unused.
    server.allow_unused_faults();
    let file = env.write("many.ndjson", &ndjson(&incidents(40, 1000)));
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("mcnotify"));
    cmd.env_clear()
        .env("HOME", env.home())
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("MAILINGCORE_BASE_URL", server.url())
        .env("MAILINGCORE_API_KEY", crate::support::harness::KEY)
        .env("MCNOTIFY_TO", crate::support::harness::HELPDESK)
        .args(["send", "--jobs", "2", "--json", "--file"])
        .arg(&file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().unwrap();
    // Wait until some sends are under way, then interrupt.
    let started = Instant::now();
    while server.sends().len() < 3 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let lines = json_lines(&out.stdout);
    let sent = lines.iter().filter(|l| l["outcome"] == "sent").count();
    let not_sent = lines.iter().filter(|l| l["outcome"] == "not-sent").count();
    let records: Vec<u64> = lines
        .iter()
        .map(|l| l["record"].as_u64().unwrap())
        .collect();
    assert_eq!(records, (1..=records.len() as u64).collect::<Vec<_>>());
    assert!((2..40).contains(&sent), "{sent} sent");
    assert_eq!(lines.len(), sent + not_sent);
    if lines.len() < 40 {
        // The rest were never read: the message says where to resume.
        let resume = format!("nor record {} and those after it", lines.len() + 1);
        assert!(stderr.contains(&resume), "{stderr}");
    }
    // In-flight requests finished: everything the server took is reported as sent.
    assert_eq!(accepted_once(&server).len(), sent);
    assert!(stderr.contains("not sent"), "{stderr}");
}
