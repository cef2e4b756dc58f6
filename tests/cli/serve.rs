//! `mcnotify serve` as a child process on port 0, driven over HTTP against the stand-in:
//! every status of the table, the deadline, single flight, the background flusher, the
//! limits, the request log and the drain on SIGTERM.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::Stdio;
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use crate::support::bridge::{
    auth, base, incident, json_type, read_answer, request, set_mode, signal, wait_for, Answer,
    Server, TOKEN,
};
use crate::support::harness::{TestEnv, GUIDE_INCIDENT, HELPDESK, KEY};
use crate::support::standin::{Fault, StandIn};
use serde_json::Value;

on_both_stores!(
    the_guide_example_is_sent_once_and_answered_as_a_replay_the_second_time,
    twenty_posts_of_one_incident_at_once_make_one_request,
    with_the_api_down_it_is_kept_and_the_flusher_delivers_it_once_beside_a_cron_flush,
    a_slow_api_is_answered_202_in_time_and_delivers_one_email_in_the_end,
    a_final_refusal_is_502_and_kept_in_failed,
    the_key_of_another_incident_is_409_and_sends_nothing_new
);

fn the_guide_example_is_sent_once_and_answered_as_a_replay_the_second_time(env: TestEnv) {
    let api = StandIn::start();
    let server = Server::start(&env, &api, &[]);
    let first = server.post(GUIDE_INCIDENT);
    assert_eq!(first.status, 201, "{first:?}");
    let body = first.json();
    assert_eq!(body["outcome"], "sent");
    assert_eq!(body["replayed"], false);
    assert_eq!(body["idempotencyKey"], "botpress-conv_abc123-incident");
    assert_eq!(body["to"], HELPDESK);
    assert!(body["quota"]["limit"].is_u64(), "{body}");
    let id = body["id"].as_str().unwrap().to_string();
    assert_eq!(api.accepted().len(), 1);

    let again = server.post(GUIDE_INCIDENT);
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.json()["replayed"], true);
    assert_eq!(again.json()["id"], id.as_str());
    assert_eq!(api.accepted().len(), 1, "still one email");
    // The journal has both, as a `send` would write them.
    assert_eq!(env.journal().len(), 2);
}

fn twenty_posts_of_one_incident_at_once_make_one_request(env: TestEnv) {
    let api = StandIn::start();
    api.push_fault(Fault::Delay(Duration::from_millis(800)));
    let server = Arc::new(Server::start(&env, &api, &[]));
    let gate = Arc::new(Barrier::new(20));
    let answers: Vec<Answer> = (0..20)
        .map(|_| {
            let (server, gate) = (server.clone(), gate.clone());
            thread::spawn(move || {
                gate.wait();
                server.post(&incident("conv_twenty"))
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(api.sends().len(), 1, "one request to the API");
    let ids: std::collections::BTreeSet<String> = answers
        .iter()
        .map(|a| {
            assert_eq!(a.status, 201, "{a:?}");
            a.json()["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every caller got the same email: {ids:?}");
}

fn with_the_api_down_it_is_kept_and_the_flusher_delivers_it_once_beside_a_cron_flush(env: TestEnv) {
    let api = StandIn::start();
    api.set_down(true);
    let server = Server::start(
        &env,
        &api,
        &[
            "--deadline",
            "3",
            "--flush-every",
            "0.3",
            "--retry-max-time",
            "0.5",
        ],
    );
    let started = Instant::now();
    let kept = server.post(&incident("conv_down"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "answered within the deadline"
    );
    assert_eq!(kept.status, 202, "{kept:?}");
    let body = kept.json();
    assert_eq!(body["outcome"], "deferred");
    let outbox_id = body["outboxId"].as_str().unwrap().to_string();
    assert!(
        env.outbox_entries()
            .iter()
            .any(|e| e["id"] == outbox_id.as_str()),
        "{outbox_id} is in the outbox"
    );
    assert!(api.accepted().is_empty());

    api.set_down(false);
    // A cron flush at the same moment as the server's: the lock keeps them apart.
    let cron = base(&env, &api)
        .args(["outbox", "flush", "-q"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    // It sent the entry, found nothing left, or found the server's flush holding the lock.
    assert!(matches!(cron.code(), Some(0 | 75)), "{cron:?}");
    wait_for("the outbox to empty", || env.outbox_entries().is_empty());
    let by_key = api.accepted_by_key();
    assert_eq!(
        by_key.get("botpress-conv_down-incident"),
        Some(&1),
        "{by_key:?}"
    );
    thread::sleep(Duration::from_millis(800));
    assert_eq!(api.accepted().len(), 1, "never sent twice");
}

fn a_slow_api_is_answered_202_in_time_and_delivers_one_email_in_the_end(env: TestEnv) {
    let api = StandIn::start();
    api.push_fault(Fault::Delay(Duration::from_millis(2500)));
    let server = Server::start(&env, &api, &["--deadline", "1", "--flush-every", "0.2"]);
    let started = Instant::now();
    let answer = server.post(&incident("conv_slow"));
    let took = started.elapsed();
    assert_eq!(answer.status, 202, "{answer:?}");
    assert!(
        took < Duration::from_millis(1900),
        "answered at the deadline: {took:?}"
    );
    assert!(answer.json()["outboxId"].is_string());
    // The request goes on; once accepted its entry is cleared, and nothing is sent again.
    wait_for("the email", || api.accepted().len() == 1);
    wait_for("the outbox to empty", || env.outbox_entries().is_empty());
    thread::sleep(Duration::from_millis(600));
    assert_eq!(api.accepted().len(), 1);
    assert_eq!(
        api.sends().len(),
        1,
        "the flusher left the entry in flight alone"
    );
}

#[test]
fn invalid_data_is_422_naming_the_field() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let mut record: Value = serde_json::from_str(&incident("conv_bad")).unwrap();
    record["contactEmail"] = "ana@".into();
    let answer = server.post(&record.to_string());
    assert_eq!(answer.status, 422, "{answer:?}");
    let body = answer.json();
    assert_eq!(body["outcome"], "invalid");
    assert_eq!(body["errors"][0]["field"], "contactEmail");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("ana@"));
    record["contactEmail"] = "ana@example.com".into();
    record.as_object_mut().unwrap().remove("description");
    let answer = server.post(&record.to_string());
    assert_eq!(answer.status, 422);
    assert_eq!(answer.json()["errors"][0]["field"], "description");
    assert!(api.requests().is_empty());
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn without_the_right_token_it_is_401_and_the_log_shows_no_token() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let none = server.request(
        "POST",
        "/v1/incidents",
        &[json_type()],
        GUIDE_INCIDENT.as_bytes(),
    );
    assert_eq!(none.status, 401);
    assert_eq!(none.header("WWW-Authenticate"), Some("Bearer"));
    let wrong = server.request(
        "POST",
        "/v1/incidents",
        &[
            ("Authorization", "Bearer wrong-token-guess-42"),
            json_type(),
        ],
        GUIDE_INCIDENT.as_bytes(),
    );
    assert_eq!(wrong.status, 401);
    assert!(api.requests().is_empty());
    let ok = server.post(GUIDE_INCIDENT);
    assert_eq!(ok.status, 201);
    let log = server.log().join("\n");
    assert!(log.contains("401"), "{log}");
    for secret in [
        TOKEN,
        "wrong-token-guess-42",
        KEY,
        "ana.perez@example.com",
        "Card reader",
    ] {
        assert!(!log.contains(secret), "{secret} in the log: {log}");
    }
}

#[test]
fn bodies_that_are_too_large_not_json_or_broken_are_413_415_and_400() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let big = vec![b' '; 2 << 20];
    let answer = server.request("POST", "/v1/incidents", &[auth(), json_type()], &big);
    assert_eq!(answer.status, 413, "{answer:?}");
    let answer = server.request(
        "POST",
        "/v1/incidents",
        &[auth(), ("Content-Type", "text/plain")],
        GUIDE_INCIDENT.as_bytes(),
    );
    assert_eq!(answer.status, 415);
    let answer = server.post("{\"conversationId\": ");
    assert_eq!(answer.status, 400);
    assert!(answer.json()["error"]
        .as_str()
        .unwrap()
        .contains("not JSON"));
    let answer = server.post(&format!("[{}, {}]", incident("a"), incident("b")));
    assert_eq!(answer.status, 422, "one incident per request: {answer:?}");
    let answer = server.request("GET", "/nowhere", &[], b"");
    assert_eq!(answer.status, 404);
    assert!(api.requests().is_empty());
}

#[test]
fn a_body_that_never_arrives_is_408_at_the_deadline() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &["--deadline", "1"]);
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .write_all(
            format!(
                "POST /v1/incidents HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
            )
            .as_bytes(),
        )
        .unwrap();
    let started = Instant::now();
    let answer = read_answer(stream);
    assert_eq!(answer.status, 408, "{answer:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[test]
fn over_max_in_flight_it_is_503_with_retry_after() {
    let api = StandIn::start();
    api.push_fault(Fault::Delay(Duration::from_millis(1500)));
    let env = TestEnv::new();
    let server = Arc::new(Server::start(&env, &api, &["--max-in-flight", "1"]));
    let slow = {
        let server = server.clone();
        thread::spawn(move || server.post(&incident("conv_first")))
    };
    // The first is waiting for the API (its answer takes 1.5 s).
    thread::sleep(Duration::from_millis(500));
    let busy = server.post(&incident("conv_second"));
    assert_eq!(busy.status, 503, "{busy:?}");
    assert_eq!(busy.header("Retry-After"), Some("1"));
    assert_eq!(slow.join().unwrap().status, 201);
    assert_eq!(server.post(&incident("conv_second")).status, 201);
}

#[test]
fn two_hundred_slow_connections_do_not_stop_a_normal_request() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let mut idle: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(&server.addr).unwrap();
            s.write_all(b"P").unwrap();
            s
        })
        .collect();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let dribble = {
        let stop = stop.clone();
        let mut streams: Vec<TcpStream> = idle.iter_mut().map(|s| s.try_clone().unwrap()).collect();
        thread::spawn(move || {
            for byte in b"OST /v1/incidents HTTP/1.1\r\n".iter().cycle() {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    return;
                }
                for s in &mut streams {
                    let _ = s.write_all(&[*byte]);
                }
                thread::sleep(Duration::from_secs(1));
            }
        })
    };
    thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let answer = server.post(GUIDE_INCIDENT);
    assert_eq!(answer.status, 201, "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    dribble.join().unwrap();
}

#[test]
fn sigterm_answers_every_request_in_flight_and_exits_0() {
    let api = StandIn::start();
    api.push_faults(vec![Fault::Delay(Duration::from_millis(1200)); 3]);
    let env = TestEnv::new();
    let mut server = Server::start(&env, &api, &["--deadline", "4"]);
    let addr = server.addr.clone();
    let posts: Vec<_> = (0..3)
        .map(|i| {
            let addr = addr.clone();
            thread::spawn(move || {
                request(
                    &addr,
                    "POST",
                    "/v1/incidents",
                    &[auth(), json_type()],
                    incident(&format!("conv_term{i}")).as_bytes(),
                )
            })
        })
        .collect();
    wait_for("the requests to reach the API", || {
        api.requests().len() == 3
    });
    let status = server.terminate();
    for post in posts {
        let answer = post.join().unwrap();
        assert!(answer.status == 201 || answer.status == 202, "{answer:?}");
    }
    assert_eq!(status.code(), Some(0), "{:?}", server.log());
    // Nothing lost: each is accepted or kept.
    let accepted = api.accepted_by_key();
    for i in 0..3 {
        let key = format!("botpress-conv_term{i}-incident");
        let kept = env
            .outbox_entries()
            .iter()
            .any(|e| e["idempotencyKey"] == key.as_str());
        assert!(accepted.contains_key(&key) || kept, "{key} lost");
    }
    // The port is closed once it stopped.
    assert!(TcpStream::connect(&addr).is_err());
}

fn a_final_refusal_is_502_and_kept_in_failed(env: TestEnv) {
    let api = StandIn::start();
    api.push_fault(Fault::Status(422));
    let server = Server::start(&env, &api, &[]);
    let answer = server.post(&incident("conv_refused"));
    assert_eq!(answer.status, 502, "{answer:?}");
    assert_eq!(answer.json()["outcome"], "rejected");
    assert_eq!(env.failed_entries().len(), 1);
}

#[test]
fn an_incident_that_cannot_be_kept_is_500() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &["--retry-max-time", "0.3"]);
    // The outbox is gone and a file stands in its place: nothing can be kept.
    std::fs::remove_dir_all(env.outbox_dir()).unwrap();
    std::fs::write(env.outbox_dir(), "not a directory").unwrap();
    api.set_down(true);
    let answer = server.post(&incident("conv_nowhere"));
    assert_eq!(answer.status, 500, "{answer:?}");
    assert!(answer.json()["error"]
        .as_str()
        .unwrap()
        .contains("NOT saved"));
    let ready = server.request("GET", "/readyz", &[], b"");
    assert_eq!(ready.status, 503, "{ready:?}");
    assert!(ready.body.contains("not ready"));
}

fn the_key_of_another_incident_is_409_and_sends_nothing_new(env: TestEnv) {
    let api = StandIn::start();
    let server = Server::start(&env, &api, &[]);
    assert_eq!(server.post(&incident("conv_same")).status, 201);
    let mut other: Value = serde_json::from_str(&incident("conv_same")).unwrap();
    other["description"] = "The screen is black".into();
    let answer = server.post(&other.to_string());
    assert_eq!(answer.status, 409, "{answer:?}");
    assert!(answer.json()["error"]
        .as_str()
        .unwrap()
        .contains("different incident"));
    assert_eq!(api.accepted().len(), 1);
}

#[test]
fn an_idempotency_key_header_overrides_the_computed_key() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let answer = server.request(
        "POST",
        "/v1/incidents",
        &[auth(), json_type(), ("Idempotency-Key", "ticket-4711")],
        incident("conv_header").as_bytes(),
    );
    assert_eq!(answer.status, 201, "{answer:?}");
    assert_eq!(answer.json()["idempotencyKey"], "ticket-4711");
    assert_eq!(api.accepted()[0].key.as_deref(), Some("ticket-4711"));
    let bad = server.request(
        "POST",
        "/v1/incidents",
        &[auth(), json_type(), ("Idempotency-Key", "")],
        incident("conv_header").as_bytes(),
    );
    assert_eq!(bad.status, 400, "{bad:?}");
}

#[test]
fn health_readiness_and_metrics() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    assert_eq!(server.request("GET", "/healthz", &[], b"").status, 200);
    assert_eq!(server.request("GET", "/readyz", &[], b"").status, 200);
    assert_eq!(server.post(GUIDE_INCIDENT).status, 201);
    let metrics = server.request("GET", "/metrics", &[], b"");
    assert_eq!(metrics.status, 200);
    let expected = [
        "mcnotify_incidents_total{outcome=\"sent\"} 1".to_string(),
        "mcnotify_outbox_pending 0".into(),
        "mcnotify_outbox_failed 0".into(),
        format!("mcnotify_quota_used {}", api.quota_used()),
        "mcnotify_request_duration_seconds_count 1".into(),
    ];
    for line in expected {
        assert!(
            metrics.body.contains(&line),
            "{line} not in {}",
            metrics.body
        );
    }
}

#[test]
fn json_logs_are_one_object_per_request_without_secrets() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &["--json"]);
    assert_eq!(server.post(GUIDE_INCIDENT).status, 201);
    wait_for("the log line", || {
        server.log().iter().any(|l| l.contains("/v1/incidents"))
    });
    let line = server
        .log()
        .into_iter()
        .find(|l| l.contains("/v1/incidents"))
        .unwrap();
    let entry: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["method"], "POST");
    assert_eq!(entry["status"], 201);
    assert_eq!(entry["outcome"], "sent");
    assert_eq!(entry["idempotencyKey"], "botpress-conv_abc123-incident");
    assert!(entry["durationMs"].is_number());
    assert!(entry["time"].is_string());
    assert!(!line.contains(TOKEN) && !line.contains("ana.perez"));
}

#[test]
fn it_refuses_to_start_without_a_token_or_on_a_taken_port() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let out = base(&env, &api)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no bridge token"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let out = base(&env, &api)
        .env("MCNOTIFY_SERVE_TOKEN", TOKEN)
        .args(["serve", "--listen", &port])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen on"));
}

#[test]
fn the_serve_table_of_the_config_gives_the_token_file_and_limits() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let token = env.write("secrets/token", TOKEN);
    set_mode(&token, 0o600);
    let config = env.write(
        "config.toml",
        "[serve]\ntoken_file = \"secrets/token\"\nmax_in_flight = 3\ndeadline = 2\n",
    );
    let mut cmd = base(&env, &api);
    cmd.env("MCNOTIFY_CONFIG", &config)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let mut child = cmd.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("listening on http://127.0.0.1:"), "{first}");
    let addr = first.rsplit("http://").next().unwrap().to_string();
    let answer = request(
        &addr,
        "POST",
        "/v1/incidents",
        &[auth(), json_type()],
        GUIDE_INCIDENT.as_bytes(),
    );
    assert_eq!(answer.status, 201);
    signal(&child, "-INT");
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn usage_errors_are_64_and_a_bad_serve_table_is_78() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let out = base(&env, &api)
        .env("MCNOTIFY_SERVE_TOKEN", TOKEN)
        .args(["serve", "--idempotency-key", "one-key"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--idempotency-key"));
    let out = base(&env, &api)
        .env("MCNOTIFY_SERVE_TOKEN", TOKEN)
        .args(["serve", "--max-in-flight", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(64), "{out:?}");
    let config = env.write("bad.toml", "[serve]\nlisten = \"127.0.0.1:0\"\nbogus = 1\n");
    let out = base(&env, &api)
        .env("MCNOTIFY_SERVE_TOKEN", TOKEN)
        .env("MCNOTIFY_CONFIG", &config)
        .arg("serve")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(78), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("[serve]") && stderr.contains("bogus"),
        "{stderr}"
    );
}
