//! `send` and `preview` of one incident against the stand-in: the guide's example, input
//! sources, flags over documents, retries, idempotency, escaping, output and exit codes.

mod support;

use std::fs;
use std::time::Duration;

use support::harness::{closed_port, json_lines, run, TestEnv, GUIDE_INCIDENT, HELPDESK, KEY};
use support::standin::{Fault, StandIn};

/// Settings that reproduce the guide's curl command.
const GUIDE_CONFIG: &str = r#"
to = "helpdesk@example.com"
from_email = "bot@example.com"
from_name = "Virtual assistant"
"#;

fn fast(cmd: &mut assert_cmd::Command) -> &mut assert_cmd::Command {
    cmd.args(["--retries", "2", "--retry-max-time", "5", "--timeout", "2"])
}

#[test]
fn the_guide_example_is_sent_once_with_the_guides_fields() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let config = env.write("config.toml", GUIDE_CONFIG);
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .env_remove("MCNOTIFY_TO")
        .arg("--config")
        .arg(&config)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        r.stdout.trim(),
        "sent 5859 Albacenter Mall -> helpdesk@example.com id=clxlog000001 QUEUED quota 421/5000 (8%)"
    );
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 1);
    let body = &accepted[0].body;
    // The guide's curl command, field for field (its addresses are the helpdesk's own).
    assert_eq!(body["to"], HELPDESK);
    assert_eq!(body["subject"], "[Incident] Code 5859 — Albacenter Mall");
    assert_eq!(body["replyTo"], "ana.perez@example.com");
    assert_eq!(body["fromEmail"], "bot@example.com");
    assert_eq!(body["fromName"], "Virtual assistant");
    assert_eq!(
        body["tags"],
        serde_json::json!(["botpress", "helpdesk", "incident"])
    );
    assert_eq!(
        body["metadata"],
        serde_json::json!({"source": "botpress", "conversationId": "conv_abc123", "incidentCode": "5859", "locale": "en"})
    );
    assert_eq!(body["idempotencyKey"], "botpress-conv_abc123-incident");
    let html = body["htmlBody"].as_str().unwrap();
    for part in [
        "<h2>New chatbot incident</h2>",
        "<p>Code: 5859</p>",
        "<p>Location: Albacenter Mall</p>",
        "<p>Contact: ana.perez@example.com</p>",
    ] {
        assert!(html.contains(part), "{part} missing from {html}");
    }
    let req = &server.sends()[0];
    assert_eq!(
        req.header("authorization").unwrap(),
        format!("Bearer {KEY}")
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert!(req.header("user-agent").unwrap().starts_with("mcnotify/"));
    assert_eq!(req.header("x-tenant-id"), None);
    // Every API outcome is journaled, without the key.
    let journal = env.journal();
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0]["outcome"], "sent");
    assert_eq!(journal[0]["id"], "clxlog000001");
}

#[test]
fn stdin_is_read_only_when_asked() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--file", "-"])
        .write_stdin(GUIDE_INCIDENT));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(server.accepted().len(), 1);
    // Without --file, stdin is not read: the flags are the incident.
    let r = run(env
        .cmd(&server.url())
        .args([
            "send",
            "--code",
            "77",
            "--location",
            "Lobby",
            "--type",
            "screen",
        ])
        .args([
            "--description",
            "Screen dark",
            "--contact-email",
            "li@example.com",
        ])
        .write_stdin(GUIDE_INCIDENT));
    assert_eq!(r.code, 0, "{}", r.all());
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 2);
    assert_eq!(accepted[1].body["metadata"]["incidentCode"], "77");
}

#[test]
fn flags_override_document_fields() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--code", "9001", "--location", "Gate 4", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    assert_eq!(body["subject"], "[Incident] Code 9001 — Gate 4");
    assert_eq!(body["metadata"]["incidentCode"], "9001");
    assert_eq!(body["replyTo"], "ana.perez@example.com");
}

#[test]
fn a_retry_after_failures_sends_exactly_one_email() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults([Fault::Status(500), Fault::Reset]);
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(fast(&mut env.cmd(&server.url()))
        .args(["send", "--json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(server.sends().len(), 3);
    assert_eq!(server.accepted().len(), 1);
    let keys: Vec<_> = server
        .sends()
        .iter()
        .map(|s| s.json()["idempotencyKey"].clone())
        .collect();
    assert!(keys.iter().all(|k| k == "botpress-conv_abc123-incident"));
    let result = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(result["attempts"], 3);
    assert_eq!(result["outcome"], "sent");
}

#[test]
fn a_second_send_of_the_same_incident_is_accepted_once() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    for _ in 0..2 {
        let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
        assert_eq!(r.code, 0, "{}", r.all());
        assert!(r.stdout.contains("id=clxlog000001"), "{}", r.stdout);
    }
    assert_eq!(server.sends().len(), 2);
    assert_eq!(server.accepted().len(), 1);
}

#[test]
fn incident_text_is_escaped_in_the_html_body() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = run(env.cmd(&server.url()).args([
        "send",
        "--code",
        "<b>1</b>",
        "--location",
        "\"><script>alert(1)</script>",
        "--description",
        "Tom & Jerry's <img src=x onerror=alert(1)>",
        "--type",
        "hardware",
        "--contact-email",
        "ana@example.com",
    ]));
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    let html = body["htmlBody"].as_str().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>1"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("&amp;"), "{html}");
    // The text body and the subject keep the text as written.
    assert!(body["textBody"].as_str().unwrap().contains("<img src=x"));
    assert!(body["subject"].as_str().unwrap().contains("<b>1</b>"));
}

#[test]
fn the_spanish_templates_are_used_for_the_es_locale() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--locale", "es", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    assert_eq!(body["metadata"]["locale"], "es");
    assert_eq!(
        body["subject"],
        "[Incidencia] Código 5859 — Albacenter Mall"
    );
}

// ---------------------------------------------------------------- exit codes

#[test]
fn exit_64_for_usage_errors() {
    let env = TestEnv::new();
    for args in [
        vec!["send", "--no-such-flag"],
        vec!["frobnicate"],
        vec!["send", "--jobs", "0", "--code", "1"],
    ] {
        let r = run(env.bare().args(&args));
        assert_eq!(r.code, 64, "{args:?}: {}", r.all());
    }
    let r = run(env.bare().arg("send"));
    assert_eq!(r.code, 64, "no incident at all: {}", r.all());
}

#[test]
fn exit_65_for_an_invalid_incident_and_nothing_is_sent() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write(
        "bad.json",
        r#"{"machineCode":"5859","location":"Mall","description":"x","contactEmail":"not-an-address"}"#,
    );
    let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
    assert_eq!(r.code, 65, "{}", r.all());
    assert!(r.stderr.contains("bad.json"), "{}", r.stderr);
    assert!(r.stderr.contains("not-an-address"), "{}", r.stderr);
    assert!(server.requests().is_empty());
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn exit_66_for_an_unreadable_file() {
    let env = TestEnv::new();
    let r = run(env
        .cmd(&closed_port())
        .args(["send", "--file", "missing.json"]));
    assert_eq!(r.code, 66, "{}", r.all());
    assert!(r.stderr.contains("missing.json"), "{}", r.stderr);
}

#[test]
fn exit_69_for_a_final_rejection_which_goes_to_failed() {
    for status in [400, 404, 409, 422] {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(Fault::Status(status));
        let file = env.write("incident.json", GUIDE_INCIDENT);
        let r = run(fast(&mut env.cmd(&server.url()))
            .args(["send", "--file"])
            .arg(&file));
        assert_eq!(r.code, 69, "{status}: {}", r.all());
        assert!(r.stderr.contains(&status.to_string()), "{}", r.stderr);
        assert_eq!(server.requests().len(), 1, "{status} is not retried");
        assert!(env.outbox_entries().is_empty());
        assert_eq!(env.failed_entries().len(), 1);
    }
}

#[test]
fn exit_75_after_the_retries_with_the_request_kept_in_the_outbox() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults(vec![Fault::Status(503); 3]);
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(fast(&mut env.cmd(&server.url()))
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(server.sends().len(), 3);
    let entries = env.outbox_entries();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    let path = outbox_file(&env, entry);
    assert!(
        r.stderr.contains(&path),
        "names where it went: {}",
        r.stderr
    );
    // The exact body, its key, where it was meant to go, attempts and the last error.
    assert_eq!(entry["body"], server.sends()[0].json());
    assert_eq!(entry["idempotencyKey"], "botpress-conv_abc123-incident");
    assert_eq!(entry["baseUrl"], server.url());
    assert_eq!(entry["attempts"], 3);
    assert!(entry["lastError"].as_str().unwrap().contains("503"));
    let raw = fs::read_to_string(&path).unwrap();
    assert!(!raw.contains(KEY));
    assert!(!raw.contains("Bearer"));
}

/// The path of an outbox entry, as the binary prints it.
fn outbox_file(env: &TestEnv, entry: &serde_json::Value) -> String {
    env.outbox_dir()
        .join(format!("{}.json", entry["id"].as_str().unwrap()))
        .display()
        .to_string()
}

#[test]
fn exit_77_for_a_refused_key() {
    for (status, word) in [(401, "401"), (403, "403")] {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(Fault::Status(status));
        let file = env.write("incident.json", GUIDE_INCIDENT);
        let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
        assert_eq!(r.code, 77, "{}", r.all());
        assert!(r.stderr.contains(word), "{}", r.stderr);
        assert_eq!(server.requests().len(), 1, "not retried");
        assert_eq!(env.outbox_entries().len(), 1, "kept for a later flush");
    }
}

#[test]
fn exit_78_for_configuration_errors() {
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    // No key.
    let r = run(env
        .bare()
        .env("MCNOTIFY_TO", HELPDESK)
        .env("MAILINGCORE_BASE_URL", closed_port())
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.stderr.contains("MAILINGCORE_API_KEY"), "{}", r.stderr);
    // No helpdesk address: the hint names all three places.
    let r = run(env
        .cmd(&closed_port())
        .env_remove("MCNOTIFY_TO")
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    for place in ["--to", "MCNOTIFY_TO", "config"] {
        assert!(r.stderr.contains(place), "{place}: {}", r.stderr);
    }
    // A config file that is not TOML.
    let config = env.write("broken.toml", "to = ");
    let r = run(env
        .cmd(&closed_port())
        .arg("--config")
        .arg(&config)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.stderr.contains("broken.toml"), "{}", r.stderr);
    // A template with an unknown variable.
    env.write("tpl/subject.txt", "{{ machine_nr }}");
    let r = run(env
        .cmd(&closed_port())
        .args(["send", "--template-dir"])
        .arg(env.dir.path().join("tpl"))
        .arg("--file")
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.stderr.contains("machine_nr"), "{}", r.stderr);
}

#[test]
fn plain_http_is_refused_for_remote_hosts() {
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd("http://api.mailingcore.com")
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.stderr.contains("http://"), "{}", r.stderr);
    assert!(env.outbox_entries().is_empty());
    assert!(env.journal().is_empty());
}

// ---------------------------------------------------------------- output

#[test]
fn the_key_is_absent_from_everything_at_vv() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults([Fault::Status(500), Fault::Status(401)]);
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(fast(&mut env.cmd(&server.url()))
        .args(["send", "-vv", "--file"])
        .arg(&file));
    assert_eq!(r.code, 77, "{}", r.all());
    assert!(r.stderr.contains("mc_test_…klmn"), "{}", r.stderr);
    for entry in fs::read_dir(env.outbox_dir()).unwrap().flatten() {
        if entry.path().is_file() {
            assert!(!fs::read_to_string(entry.path()).unwrap().contains(KEY));
        }
    }
    let journal = fs::read_to_string(env.state_dir().join("journal.jsonl")).unwrap();
    assert!(!journal.contains(KEY));
}

#[test]
fn verbose_prints_the_raw_quota_and_rate_limit_headers() {
    let server = StandIn::with(support::standin::Config {
        rate_limit: Some((300, Duration::from_secs(60))),
        ..Default::default()
    });
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "-v", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    for header in [
        "x-quota-limit: 5000",
        "x-quota-used: 421",
        "x-quota-percentage: 8",
        "x-ratelimit-limit: 300",
        "x-ratelimit-remaining: 299",
        "x-ratelimit-reset:",
    ] {
        assert!(r.stderr.contains(header), "{header}: {}", r.stderr);
    }
}

#[test]
fn json_prints_one_result_object() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--json", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0);
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 1);
    let v = &lines[0];
    assert_eq!(v["record"], 1);
    assert_eq!(v["outcome"], "sent");
    assert_eq!(v["id"], "clxlog000001");
    assert_eq!(v["status"], "QUEUED");
    assert_eq!(v["idempotencyKey"], "botpress-conv_abc123-incident");
    assert_eq!(v["to"], HELPDESK);
    assert_eq!(v["subject"], "[Incident] Code 5859 — Albacenter Mall");
    assert_eq!(
        v["quota"],
        serde_json::json!({"limit": 5000, "used": 421, "percentage": 8, "warning": false})
    );
    assert_eq!(v["attempts"], 1);
    assert!(v["error"].is_null());
    assert!(v["outboxPath"].is_null());
}

#[test]
fn quota_warnings_from_80_percent_and_the_grace_period_above_100() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    server.set_quota(5000, 3000);
    let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    server.set_quota(5000, 4200);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--code", "2", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
    assert!(r.stderr.contains("/5000 (84%)"), "{}", r.stderr);
    server.set_quota(100, 104);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--code", "3", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("grace period"), "{}", r.stderr);
}

// ---------------------------------------------------------------- preview

#[test]
fn preview_needs_no_key_and_no_network() {
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let preview = |format: &str| {
        run(env
            .bare()
            .env("MCNOTIFY_TO", HELPDESK)
            .env("MAILINGCORE_BASE_URL", closed_port())
            .args(["preview", "--format", format, "--file"])
            .arg(&file))
    };
    let text = preview("text");
    assert_eq!(text.code, 0, "{}", text.all());
    assert!(text
        .stdout
        .contains("Subject: [Incident] Code 5859 — Albacenter Mall"));
    assert!(text.stdout.contains("Card reader rejects every card"));
    let html = preview("html");
    assert!(html.stdout.contains("<h2>New chatbot incident</h2>"));

    // json is exactly what send POSTs.
    let json = preview("json");
    let previewed = &json_lines(json.stdout.as_bytes())[0];
    let server = StandIn::start();
    let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
    assert_eq!(r.code, 0);
    assert_eq!(previewed, &server.sends()[0].json());

    // curl reads the key from the environment when it runs.
    let curl = preview("curl");
    assert!(curl.stdout.contains("curl"), "{}", curl.stdout);
    assert!(
        curl.stdout.contains("$MAILINGCORE_API_KEY"),
        "{}",
        curl.stdout
    );
    assert!(curl.stdout.contains("/emails/send"), "{}", curl.stdout);
    assert!(env.journal().len() == 1, "preview journals nothing");
}

#[test]
fn preview_json_round_trips_through_curl() {
    // The curl command is runnable: its body is the JSON body, quoted for the shell.
    let env = TestEnv::new();
    let file = env.write(
        "incident.json",
        r#"{"machineCode":"1","location":"O'Brien's \"pub\"","description":"it's $HOME `x`","contactEmail":"a@example.com","incidentType":"a/b"}"#,
    );
    let curl = run(env
        .bare()
        .env("MCNOTIFY_TO", HELPDESK)
        .args(["preview", "--format", "curl", "--file"])
        .arg(&file));
    assert_eq!(curl.code, 0, "{}", curl.all());
    let json = run(env
        .bare()
        .env("MCNOTIFY_TO", HELPDESK)
        .args(["preview", "--format", "json", "--file"])
        .arg(&file));
    // Replace curl by a function that prints its --data argument.
    let script = format!(
        "curl() {{ while [ $# -gt 0 ]; do case $1 in --data|--data-binary|--data-raw|-d) printf '%s' \"$2\"; shift;; esac; shift; done; }}\n{}",
        curl.stdout
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("MAILINGCORE_API_KEY", "k")
        .output()
        .unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(sent, json_lines(json.stdout.as_bytes())[0]);
}

// ---------------------------------------------------------------- settings

#[test]
fn profiles_env_and_flags_take_precedence_in_order() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let config = env.write(
        "config.toml",
        r#"
to = "top@example.com"
from_name = "Top"
[profile.night]
to = "night@example.com"
"#,
    );
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let base = || {
        let mut c = env.bare();
        c.env("MAILINGCORE_BASE_URL", server.url());
        c
    };
    // (to, fromName) of the previewed body; `extra` goes after `preview`.
    let to_of = |cmd: &mut assert_cmd::Command, extra: &[&str]| {
        let r = run(cmd
            .arg("--config")
            .arg(&config)
            .arg("preview")
            .args(extra)
            .args(["--format", "json", "--file"])
            .arg(&file));
        assert_eq!(r.code, 0, "{}", r.all());
        let v = &json_lines(r.stdout.as_bytes())[0];
        (
            v["to"].as_str().unwrap().to_string(),
            v["fromName"].as_str().unwrap_or("").to_string(),
        )
    };
    assert_eq!(
        to_of(&mut base(), &[]),
        ("top@example.com".into(), "Top".into())
    );
    assert_eq!(
        to_of(base().args(["--profile", "night"]), &[]),
        ("night@example.com".into(), "Top".into())
    );
    assert_eq!(
        to_of(base().env("MCNOTIFY_PROFILE", "night"), &[]).0,
        "night@example.com"
    );
    assert_eq!(
        to_of(base().env("MCNOTIFY_TO", "env@example.com"), &[]).0,
        "env@example.com"
    );
    assert_eq!(
        to_of(
            base().env("MCNOTIFY_TO", "env@example.com"),
            &["--to", "flag@example.com"]
        )
        .0,
        "flag@example.com"
    );
    let r = run(base()
        .arg("--config")
        .arg(&config)
        .args(["--profile", "day", "preview", "--file"])
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(
        r.stderr.contains("night"),
        "names the known profiles: {}",
        r.stderr
    );
}

#[test]
fn a_key_file_is_trimmed_and_a_shared_one_is_warned_about() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let key_file = env.write("mc.key", &format!("{KEY}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key_file, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let send = || {
        run(env
            .bare()
            .env("MCNOTIFY_TO", HELPDESK)
            .env("MAILINGCORE_BASE_URL", server.url())
            .env("MAILINGCORE_API_KEY_FILE", &key_file)
            .args(["send", "--file"])
            .arg(&file))
    };
    let r = send();
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(!r.stderr.contains("readable"), "{}", r.stderr);
    assert_eq!(
        server.sends()[0].header("authorization").unwrap(),
        format!("Bearer {KEY}")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&key_file, fs::Permissions::from_mode(0o644)).unwrap();
        let r = send();
        assert_eq!(r.code, 0, "{}", r.all());
        assert!(r.stderr.contains("readable by others"), "{}", r.stderr);
        assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    }
}

#[test]
fn the_tenant_header_is_sent_when_configured() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .env("MAILINGCORE_TENANT_ID", support::standin::TENANT)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        server.sends()[0].header("x-tenant-id"),
        Some(support::standin::TENANT)
    );
}
