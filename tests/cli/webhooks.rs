//! MailingCore's delivery webhooks on `serve` (signatures computed here with `openssl`, not
//! with the code under test) and `mcnotify status` over what they recorded.

use std::process::Stdio;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::support::bridge::{base, json_type, wait_for, Answer, Server};
use crate::support::harness::{json_lines, TestEnv, GUIDE_INCIDENT};
use crate::support::standin::StandIn;

const SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// hex(HMAC-SHA256(secret, "<t>.<body>")), by openssl.
fn sign(secret: &str, t: i64, body: &str) -> String {
    use std::io::Write;
    let mut child = std::process::Command::new("openssl")
        .args(["dgst", "-sha256", "-hmac", secret])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl (Debian package openssl) signs the test events");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{t}.{body}").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.trim().rsplit(' ').next().unwrap().to_string()
}

on_both_stores!(
    a_signed_event_is_recorded_once_and_a_redelivery_records_nothing,
    status_follows_an_incident_from_acceptance_to_delivery_and_bounce,
    status_of_an_incident_never_accepted_is_75_and_names_its_outbox_entry,
    a_hard_bounce_sends_the_incident_to_fallback_to_once
);

pub fn start(env: &TestEnv, api: &StandIn) -> Server {
    Server::start_with(env, api, &[], |cmd| {
        cmd.env("MAILINGCORE_WEBHOOK_SECRET", SECRET);
    })
}

/// POST `body` to the webhook with the signature header `signature`.
fn deliver(server: &Server, body: &str, signature: Option<String>) -> Answer {
    let mut headers = vec![json_type(), ("User-Agent", "MailingCore-Webhook/1.0")];
    let header;
    if let Some(s) = signature {
        header = s;
        headers.push(("X-MailingCore-Signature", header.as_str()));
    }
    server.request(
        "POST",
        "/v1/webhooks/mailingcore",
        &headers,
        body.as_bytes(),
    )
}

pub fn signed(server: &Server, body: &str) -> Answer {
    let t = now();
    deliver(
        server,
        body,
        Some(format!("t={t},v1={}", sign(SECRET, t, body))),
    )
}

pub fn event(id: &str, kind: &str, email: &str, extra: Value) -> String {
    let mut data = json!({
        "emailLogId": email,
        "to": "helpdesk@example.com",
        "subject": "[Incident] Code 5859",
        "occurredAt": "2026-12-03T03:02:07Z",
    });
    for (k, v) in extra.as_object().unwrap() {
        data[k] = v.clone();
    }
    json!({ "id": id, "type": kind, "createdAt": "2026-12-03T03:02:08Z", "tenantId": "clxtenant0001", "data": data })
        .to_string()
}

fn event_lines(env: &TestEnv) -> Vec<Value> {
    env.journal()
        .into_iter()
        .filter(|l| l["request"] == "event")
        .collect()
}

fn a_signed_event_is_recorded_once_and_a_redelivery_records_nothing(env: TestEnv) {
    let api = StandIn::start();
    let server = start(&env, &api);
    let body = event("evt_1", "email.delivered", "clxlog000001", json!({}));
    let first = signed(&server, &body);
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.json()["outcome"], "recorded");
    let again = signed(&server, &body);
    assert_eq!(again.status, 200);
    assert_eq!(again.json()["outcome"], "duplicate");
    let lines = event_lines(&env);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["id"], "clxlog000001");
    assert_eq!(lines[0]["event"]["id"], "evt_1");
    assert_eq!(lines[0]["event"]["type"], "email.delivered");
    // Never a call to MailingCore for an event.
    assert!(api.requests().is_empty());
    // An event of a kind that says nothing of delivery is answered, not recorded.
    let opened = signed(
        &server,
        &event("evt_2", "email.opened", "clxlog000001", json!({})),
    );
    assert_eq!(opened.status, 200);
    assert_eq!(opened.json()["outcome"], "ignored");
    assert_eq!(event_lines(&env).len(), 1);
    let metrics = server.request("GET", "/metrics", &[], b"");
    assert!(
        metrics
            .body
            .contains("mcnotify_webhook_events_total{event=\"email.delivered\"} 1"),
        "{}",
        metrics.body
    );
}

#[test]
fn bad_signatures_are_401_and_record_nothing() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = start(&env, &api);
    let body = event(
        "evt_9",
        "email.bounced",
        "clxlog000001",
        json!({"bounceType": "hard"}),
    );
    let t = now();
    let good = sign(SECRET, t, &body);
    let cases = [
        ("no signature", body.clone(), None),
        (
            "another secret",
            body.clone(),
            Some(format!("t={t},v1={}", sign("whsec_other", t, &body))),
        ),
        (
            "stale",
            body.clone(),
            Some(format!("t={},v1={}", t - 301, sign(SECRET, t - 301, &body))),
        ),
        (
            "from the future",
            body.clone(),
            Some(format!("t={},v1={}", t + 301, sign(SECRET, t + 301, &body))),
        ),
        (
            "a byte changed",
            body.replacen("hard", "harD", 1),
            Some(format!("t={t},v1={good}")),
        ),
        ("malformed", body.clone(), Some(format!("v1={good}"))),
        (
            "a signed but broken body",
            "{".into(),
            Some(format!("t={t},v1={}", sign(SECRET, t, "{"))),
        ),
    ];
    for (what, body, signature) in cases {
        let answer = deliver(&server, &body, signature);
        let expected = if what == "a signed but broken body" {
            400
        } else {
            401
        };
        assert_eq!(answer.status, expected, "{what}: {answer:?}");
    }
    assert!(event_lines(&env).is_empty());
    // The right one still goes through, within the 5 minutes.
    let late = t - 240;
    let answer = deliver(
        &server,
        &body,
        Some(format!("t={late},v1={}", sign(SECRET, late, &body))),
    );
    assert_eq!(answer.status, 200, "{answer:?}");
    let log = server.log().join("\n");
    assert!(!log.contains(SECRET) && !log.contains(&good), "{log}");
}

#[test]
fn without_a_webhook_secret_the_endpoint_is_404() {
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let body = event("evt_1", "email.delivered", "clxlog000001", json!({}));
    let answer = deliver(&server, &body, Some("t=1,v1=00".into()));
    assert_eq!(answer.status, 404, "{answer:?}");
    assert!(event_lines(&env).is_empty());
}

/// `mcnotify status QUERY` in `env`: exit code and stdout.
fn status(env: &TestEnv, api: &StandIn, args: &[&str]) -> (i32, String) {
    let out = base(env, api)
        .arg("status")
        .args(args)
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

fn status_follows_an_incident_from_acceptance_to_delivery_and_bounce(env: TestEnv) {
    let api = StandIn::start();
    let server = start(&env, &api);
    let sent = server.post(GUIDE_INCIDENT);
    assert_eq!(sent.status, 201, "{sent:?}");
    let id = sent.json()["id"].as_str().unwrap().to_string();
    let key = "botpress-conv_abc123-incident";

    for query in [key, id.as_str(), "conv_abc123"] {
        let (code, out) = status(&env, &api, &[query]);
        assert_eq!(code, 0, "{query}: {out}");
        assert!(
            out.starts_with(&format!("{key} id={id} accepted ")),
            "{out}"
        );
    }
    let (code, out) = status(&env, &api, &["conv_unknown"]);
    assert_eq!(code, 66, "{out}");

    signed(
        &server,
        &event(
            "evt_a",
            "email.delivered",
            &id,
            json!({"occurredAt": "2026-12-03T03:02:05Z"}),
        ),
    );
    let (code, out) = status(&env, &api, &["conv_abc123"]);
    assert_eq!(code, 0);
    assert!(out.trim_end().ends_with(", delivered 03:02:05"), "{out}");

    // MailingCore's guide spells it `HARD` and `toEmail`.
    let bounce = json!({
        "id": "evt_b", "type": "email.bounced",
        "data": {"emailLogId": id, "toEmail": "helpdesk@example.com", "bounceType": "HARD",
                 "diagnostic": "550 mailbox full", "occurredAt": "2026-12-03T03:02:07Z"},
    })
    .to_string();
    assert_eq!(signed(&server, &bounce).status, 200);
    let (code, out) = status(&env, &api, &[key]);
    assert_eq!(code, 69, "{out}");
    assert!(
        out.contains("delivered 03:02:05, bounced (hard) 03:02:07"),
        "{out}"
    );
    let (code, out) = status(&env, &api, &["--json", &id]);
    assert_eq!(code, 69);
    let lines = json_lines(out.as_bytes());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["state"], "bounced (hard)");
    assert_eq!(lines[0]["events"][1]["bounceType"], "hard");
    assert_eq!(lines[0]["idempotencyKey"], key);
    // The bridge says so in its log and counts it.
    wait_for("the error line", || {
        server
            .log()
            .iter()
            .any(|l| l.contains("was not delivered") && l.contains(&id))
    });
    let metrics = server.request("GET", "/metrics", &[], b"");
    assert!(
        metrics.body.contains("mcnotify_undelivered_total 1"),
        "{}",
        metrics.body
    );
}

fn status_of_an_incident_never_accepted_is_75_and_names_its_outbox_entry(env: TestEnv) {
    let api = StandIn::start();
    api.set_down(true);
    let out = base(&env, &api)
        .args([
            "send",
            "--retry-max-time",
            "0.3",
            "--conversation-id",
            "conv_down",
        ])
        .args(["--type", "hardware", "--description", "Card reader"])
        .args(["--contact-email", "ana@example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(75), "{out:?}");
    let (code, text) = status(&env, &api, &["conv_down"]);
    assert_eq!(code, 75, "{text}");
    assert!(text.contains("not accepted yet: transient"), "{text}");
    assert!(text.contains("kept in the outbox as "), "{text}");
}

fn a_hard_bounce_sends_the_incident_to_fallback_to_once(env: TestEnv) {
    let api = StandIn::start();
    let config = env.write(
        "config.toml",
        "[serve]\nfallback_to = \"oncall@example.com\"\n",
    );
    let server = Server::start_with(&env, &api, &[], |cmd| {
        cmd.env("MAILINGCORE_WEBHOOK_SECRET", SECRET)
            .env("MCNOTIFY_CONFIG", &config);
    });
    let sent = server.post(GUIDE_INCIDENT);
    assert_eq!(sent.status, 201, "{sent:?}");
    let id = sent.json()["id"].as_str().unwrap().to_string();
    let key = "botpress-conv_abc123-incident";
    let bounce = event("evt_h", "email.bounced", &id, json!({"bounceType": "hard"}));
    assert_eq!(signed(&server, &bounce).status, 200);
    wait_for("the fallback email", || api.accepted().len() == 2);
    let fallback = api.accepted()[1].clone();
    assert_eq!(
        fallback.key.as_deref(),
        Some("botpress-conv_abc123-incident-fallback")
    );
    assert_eq!(fallback.body["to"], "oncall@example.com");
    assert_eq!(fallback.body["subject"], api.accepted()[0].body["subject"]);
    assert_eq!(
        fallback.body["htmlBody"],
        api.accepted()[0].body["htmlBody"]
    );
    wait_for("the error line", || {
        server.log().iter().any(|l| {
            l.contains("was not delivered") && l.contains("sent the incident to oncall@example.com")
        })
    });
    // A redelivery of the event, and another event of the same email, send nothing more.
    assert_eq!(signed(&server, &bounce).json()["outcome"], "duplicate");
    let failed = event("evt_f", "email.failed", &id, json!({}));
    assert_eq!(signed(&server, &failed).status, 200);
    wait_for("the second error line", || {
        server.log().iter().any(|l| l.contains("went already"))
    });
    assert_eq!(api.accepted().len(), 2);
    let metrics = server.request("GET", "/metrics", &[], b"");
    assert!(
        metrics.body.contains("mcnotify_fallbacks_total 1"),
        "{}",
        metrics.body
    );
    // `status` shows both emails; the incident arrived through its fallback.
    let (code, out) = status(&env, &api, &[key]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("-fallback id="), "{out}");
    // A soft bounce is not a lost email.
    let sent = server.post(&crate::support::bridge::incident("conv_soft"));
    let soft_id = sent.json()["id"].as_str().unwrap().to_string();
    let soft = event(
        "evt_s",
        "email.bounced",
        &soft_id,
        json!({"bounceType": "soft"}),
    );
    assert_eq!(signed(&server, &soft).status, 200);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(api.accepted().len(), 3, "no fallback for a soft bounce");
}
