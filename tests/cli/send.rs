//! `send` and `preview` of one incident against the stand-in: the guide's example, input
//! sources, flags over documents, retries, idempotency, escaping, output and exit codes.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::harness::{
    closed_port, json_lines, run, Run, TestEnv, GUIDE_INCIDENT, HELPDESK, KEY,
};
use crate::support::readme::block;
use crate::support::standin::{Config, ErrorStyle, Fault, StandIn};
use serde_json::{json, Value};

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
        let r = run(&mut guide(&env, &server, &["send"]));
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
    let server = StandIn::with(crate::support::standin::Config {
        rate_limit: Some((300, Duration::from_secs(60))),
        ..Default::default()
    });
    let env = TestEnv::new();
    let r = run(&mut guide(&env, &server, &["send", "-v"]));
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
    let r = run(&mut guide(&env, &server, &["send", "--json"]));
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
    let send = |args: &[&str]| run(&mut guide(&env, &server, args));
    server.set_quota(5000, 3000);
    let r = send(&["send"]);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    server.set_quota(5000, 4200);
    let r = send(&["send", "--code", "2"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("warning"), "{}", r.stderr);
    assert!(r.stderr.contains("/5000 (84%)"), "{}", r.stderr);
    server.set_quota(100, 104);
    let r = send(&["send", "--code", "3"]);
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

/// `send` of the guide's incident with the key only in `key_file`, named by
/// `--api-key-file` or else by `MAILINGCORE_API_KEY_FILE`.
fn send_with_key_file(env: &TestEnv, server: &StandIn, key_file: &Path, by_flag: bool) -> Run {
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let mut cmd = env.bare();
    cmd.env("MCNOTIFY_TO", HELPDESK)
        .env("MAILINGCORE_BASE_URL", server.url());
    if by_flag {
        cmd.arg("--api-key-file").arg(key_file);
    } else {
        cmd.env("MAILINGCORE_API_KEY_FILE", key_file);
    }
    run(cmd.args(["send", "--file"]).arg(file))
}

#[test]
fn a_key_file_is_trimmed_and_a_shared_one_is_warned_about_by_name_and_mode() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let key_file = env.write("mc.key", &format!("{KEY}\n"));
    set_mode(&key_file, 0o600);
    let r = exits(send_with_key_file(&env, &server, &key_file, false), 0);
    assert!(!r.stderr.contains("readable"), "{}", r.stderr);
    assert_eq!(
        server.sends()[0].header("authorization").unwrap(),
        format!("Bearer {KEY}")
    );
    set_mode(&key_file, 0o644);
    let r = exits(send_with_key_file(&env, &server, &key_file, false), 0);
    assert!(r.stderr.contains("readable by others"), "{}", r.stderr);
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);

    // Named by the flag, against a fresh stand-in: the warning names the file and its
    // mode, and the email still goes.
    let server = StandIn::start();
    let env = TestEnv::new();
    let key_file = env.write("mc.key", &format!("{KEY}\n"));
    set_mode(&key_file, 0o640);
    let r = exits(send_with_key_file(&env, &server, &key_file, true), 0);
    let warning = r
        .stderr
        .lines()
        .find(|l| l.contains("warning") && l.contains("readable by others"))
        .unwrap_or_else(|| panic!("{}", r.stderr));
    assert!(
        warning.contains(&key_file.display().to_string()),
        "{warning}"
    );
    assert!(warning.contains("640"), "{warning}");
    assert!(warning.contains("chmod 600"), "{warning}");
    assert_eq!(server.accepted().len(), 1, "a warning, not a refusal");
    assert!(r.stdout.starts_with("sent "), "{}", r.stdout);
}

#[test]
fn the_tenant_header_is_sent_when_configured() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = run(guide(&env, &server, &["send"])
        .env("MAILINGCORE_TENANT_ID", crate::support::standin::TENANT));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(
        server.sends()[0].header("x-tenant-id"),
        Some(crate::support::standin::TENANT)
    );
}

// ---------------------------------------------------------------- more of the same, in depth

/// The distinctive middle of the key: no output or file may ever contain it.
const KEY_BODY: &str = "0123456789abcdefghijklmn";
/// A key the stand-in does not know; it must not leak either.
const WRONG_KEY: &str = "mc_test_wrongwrongwrongwrong9999";

/// The exit code, showing everything printed when it differs.
fn exits(r: Run, code: i32) -> Run {
    assert_eq!(r.code, code, "exit code: {}", r.all());
    assert!(
        !r.all().contains("wrongwrongwrong"),
        "a key leaked: {}",
        r.all()
    );
    r
}

/// The binary against `server` with `args`, then `--file` and `contents` (written to
/// `incident.json`).
fn on_file(env: &TestEnv, server: &StandIn, contents: &str, args: &[&str]) -> assert_cmd::Command {
    let file = env.write("incident.json", contents);
    let mut cmd = env.cmd(&server.url());
    cmd.args(args).arg("--file").arg(file);
    cmd
}

/// The binary against `server` with `args`, then `--file` and the guide's incident.
fn guide(env: &TestEnv, server: &StandIn, args: &[&str]) -> assert_cmd::Command {
    on_file(env, server, GUIDE_INCIDENT, args)
}

/// Run `cmd`, which must exit 0, and return the body the stand-in accepted last.
fn sent(server: &StandIn, cmd: &mut assert_cmd::Command) -> Value {
    exits(run(cmd), 0);
    server.accepted().pop().expect("an email was accepted").body
}

/// `send --file incident.json` of the guide's incident with fast retries (`--timeout 2
/// --retries 1 --retry-max-time 5`, each replaced when `extra` gives it).
fn send_guide(env: &TestEnv, server: &StandIn, extra: &[&str]) -> Run {
    let mut args = vec!["send"];
    for (flag, value) in [
        ("--timeout", "2"),
        ("--retries", "1"),
        ("--retry-max-time", "5"),
    ] {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend(extra);
    run(&mut guide(env, server, &args))
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// Every file under the state dir (outbox, failed/, journal), as text.
fn state_files(env: &TestEnv) -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if let Ok(bytes) = fs::read(&path) {
                out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&env.state_dir(), &mut out);
    out
}

fn assert_no_key_on_disk(env: &TestEnv) {
    for (path, contents) in state_files(env) {
        for secret in [KEY_BODY, "wrongwrongwrong", "Bearer"] {
            assert!(
                !contents.contains(secret),
                "{secret} is in {}:\n{contents}",
                path.display()
            );
        }
    }
}

#[test]
fn the_guide_body_has_exactly_the_guides_fields_from_the_default_config_file() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // ~/.config/mcnotify/config.toml (XDG_CONFIG_HOME), not --config.
    let config = env.write("home/.config/mcnotify/config.toml", GUIDE_CONFIG);
    set_mode(&config, 0o600);
    exits(
        run(guide(&env, &server, &["send"]).env_remove("MCNOTIFY_TO")),
        0,
    );
    let mut body = server.accepted()[0].body.clone();
    let obj = body.as_object_mut().unwrap();
    assert!(obj.remove("htmlBody").unwrap().is_string());
    assert!(obj.remove("textBody").unwrap().is_string());
    // Nothing more, nothing less than the guide's curl command.
    assert_eq!(
        body,
        json!({
            "to": HELPDESK,
            "subject": "[Incident] Code 5859 — Albacenter Mall",
            "replyTo": "ana.perez@example.com",
            "fromEmail": "bot@example.com",
            "fromName": "Virtual assistant",
            "tags": ["botpress", "helpdesk", "incident"],
            "metadata": {
                "source": "botpress",
                "conversationId": "conv_abc123",
                "incidentCode": "5859",
                "locale": "en"
            },
            "idempotencyKey": "botpress-conv_abc123-incident"
        })
    );
}

#[test]
fn a_tenant_the_key_does_not_belong_to_is_77_and_not_retried() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = exits(
        send_guide(
            &env,
            &server,
            &["--tenant-id", "clxother", "--retries", "3"],
        ),
        77,
    );
    assert!(r.stderr.contains("403"), "{}", r.stderr);
    assert_eq!(server.sends().len(), 1);
    assert_eq!(server.sends()[0].header("x-tenant-id"), Some("clxother"));
}

#[test]
fn a_flat_record_on_stdin_reports_its_origin_as_dash() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let flat = r#"{"code":"77","type":"network","description":"Router down","email":"luis@example.com","conversationId":"conv_flat"}"#;
    let r = exits(
        run(env
            .cmd(&server.url())
            .args(["send", "--json", "--file", "-"])
            .write_stdin(flat)),
        0,
    );
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert_eq!(lines[0]["origin"], "-:1");
    let body = &server.accepted()[0].body;
    assert_eq!(body["replyTo"], "luis@example.com");
    assert_eq!(body["idempotencyKey"], "botpress-conv_flat-incident");
    assert_eq!(body["subject"], "[Incident] Code 77");
}

/// What one set of flags over the guide's incident must make of the body sent.
type FlagCase = (&'static [&'static str], fn(&Value));

#[test]
fn flags_override_the_document_the_environment_and_the_defaults() {
    let cases: [FlagCase; 3] = [
        // Two incident flags: the rest still comes from the document.
        (&["--code", "9001", "--location", "Gate 4"], |body| {
            assert_eq!(body["subject"], "[Incident] Code 9001 — Gate 4");
            assert_eq!(body["metadata"]["incidentCode"], "9001");
            assert_eq!(body["replyTo"], "ana.perez@example.com");
        }),
        // Every incident flag.
        (
            &[
                "--code",
                "7777",
                "--location",
                "Plaza Norte",
                "--description",
                "Screen is black",
                "--contact-email",
                "luis@example.com",
                "--conversation-id",
                "conv_zzz",
                "--field",
                "floor=2",
            ],
            |body| {
                assert_eq!(body["subject"], "[Incident] Code 7777 — Plaza Norte");
                assert_eq!(body["replyTo"], "luis@example.com");
                assert_eq!(body["metadata"]["conversationId"], "conv_zzz");
                assert_eq!(body["idempotencyKey"], "botpress-conv_zzz-incident");
                let html = body["htmlBody"].as_str().unwrap();
                assert!(html.contains("Screen is black"), "{html}");
                assert!(html.contains("floor: 2"), "{html}");
                assert!(!html.contains("Card reader"), "{html}");
                // What the flags leave alone still comes from the document.
                assert!(html.contains("<p>Type: hardware</p>"), "{html}");
            },
        ),
        // The email flags, over the environment and the defaults.
        (
            &[
                "--to",
                "night-desk@example.com",
                "--from-email",
                "bot@example.com",
                "--from-name",
                "Night bot",
                "--reply-to",
                "ops@example.com",
                "--tag",
                "urgent",
                "--tag",
                "kiosk",
                "--source",
                "bridge",
                "--subject",
                "Kiosk down",
                "--idempotency-key",
                "ticket-42",
            ],
            |body| {
                assert_eq!(
                    body["to"], "night-desk@example.com",
                    "--to beats MCNOTIFY_TO"
                );
                assert_eq!(body["fromEmail"], "bot@example.com");
                assert_eq!(body["fromName"], "Night bot");
                assert_eq!(body["replyTo"], "ops@example.com");
                assert_eq!(body["tags"], json!(["urgent", "kiosk"]));
                assert_eq!(body["metadata"]["source"], "bridge");
                assert_eq!(body["subject"], "Kiosk down");
                assert_eq!(body["idempotencyKey"], "ticket-42");
            },
        ),
    ];
    for (flags, check) in cases {
        let server = StandIn::start();
        let env = TestEnv::new();
        exits(run(guide(&env, &server, &["send"]).args(flags)), 0);
        check(&server.accepted()[0].body);
    }
}

#[test]
fn flags_alone_get_a_digest_key_and_absent_metadata_is_omitted() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let args = [
        "send",
        "--type",
        "hardware",
        "--description",
        "Door stuck",
        "--contact-email",
        "ana@example.com",
    ];
    exits(run(env.cmd(&server.url()).args(args)), 0);
    exits(run(env.cmd(&server.url()).args(args)), 0);
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 1, "the same incident twice is one email");
    let body = &accepted[0].body;
    let key = body["idempotencyKey"].as_str().unwrap();
    assert!(
        key.starts_with("incident-") && key.len() == "incident-".len() + 32,
        "{key}"
    );
    assert_eq!(body["subject"], "[Incident] hardware");
    let metadata = body["metadata"].as_object().unwrap();
    assert!(!metadata.contains_key("conversationId"), "{metadata:?}");
    assert!(!metadata.contains_key("incidentCode"), "{metadata:?}");
    assert!(metadata.values().all(|v| !v.is_null()));
    assert_eq!(metadata["locale"], "en");
}

#[test]
fn more_usage_errors_exit_64_and_send_nothing() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let file = file.to_str().unwrap();
    let cases: [&[&str]; 8] = [
        &["send", "--file", "-", "--file", "-"],
        &["send", "--retries", "many", "--file", file],
        &["send", "--timeout", "0", "--file", file],
        &["send", "--field", "novalue", "--file", file],
        &["preview", "--format", "pdf", "--file", file],
        // A blank key, or one with a line break, names no single send.
        &["send", "--idempotency-key", "", "--file", file],
        &["send", "--idempotency-key", "a\nb", "--file", file],
        &["send", "--idempotency-key", " k1", "--file", file],
    ];
    for args in cases {
        let r = run(env.cmd(&server.url()).args(args));
        assert_eq!(r.code, 64, "{args:?}: {}", r.all());
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
    // --idempotency-key names one email: two records are a usage error.
    let two = env.write(
        "two.ndjson",
        "{\"type\":\"a\",\"description\":\"b\",\"email\":\"a@example.com\"}\n{\"type\":\"c\",\"description\":\"d\",\"email\":\"c@example.com\"}\n",
    );
    exits(
        run(env
            .cmd(&server.url())
            .args(["send", "--idempotency-key", "k1", "--file"])
            .arg(two)),
        64,
    );
    assert!(server.requests().is_empty());
}

#[test]
fn invalid_data_exits_65_and_is_neither_sent_nor_saved() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write(
        "bad.json",
        r#"{"machineCode":"5859","location":"Mall","description":"x","contactEmail":"not-an-address"}"#,
    );
    let r = exits(
        run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file)),
        65,
    );
    assert!(r.stderr.contains("bad.json"), "{}", r.stderr);
    assert!(r.stderr.contains("not-an-address"), "{}", r.stderr);
    let bad = env.write(
        "bad.json",
        r#"{"type":"hardware","description":"x","contactEmail":"ana@"}"#,
    );
    let r = exits(
        run(env.cmd(&server.url()).arg("send").arg("--file").arg(&bad)),
        65,
    );
    assert!(
        r.stderr
            .contains("bad.json:1: contact email \"ana@\" is not a valid address"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    // --json also prints the invalid result line.
    let r = exits(
        run(env
            .cmd(&server.url())
            .args(["send", "--json", "--file"])
            .arg(&bad)),
        65,
    );
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "invalid");
    let incident = |extra: &[&str]| {
        let mut cmd = env.cmd(&server.url());
        cmd.args(["send", "--type", "hardware"]).args(extra);
        run(&mut cmd)
    };
    let r = exits(incident(&["--contact-email", "ana@example.com"]), 65);
    assert!(r.stderr.contains("description is missing"), "{}", r.stderr);
    // CR/LF inside an address makes it invalid.
    exits(
        incident(&[
            "--description",
            "d",
            "--contact-email",
            "ana@example.com\r\nBcc: x@example.com",
        ]),
        65,
    );
    // A subject over MailingCore's 998 characters.
    let long = "s".repeat(999);
    let r = exits(
        incident(&[
            "--description",
            "d",
            "--contact-email",
            "ana@example.com",
            "--subject",
            &long,
        ]),
        65,
    );
    assert!(r.stderr.contains("998"), "{}", r.stderr);
    // A record over 1 MiB.
    let big = json!({
        "type": "hardware",
        "description": "x".repeat(1 << 20),
        "contactEmail": "ana@example.com",
    });
    let big = env.write("big.json", &big.to_string());
    let r = exits(
        run(env.cmd(&server.url()).arg("send").arg("--file").arg(&big)),
        65,
    );
    assert!(r.stderr.contains("big.json:1"), "{}", r.stderr);
    assert!(r.stderr.contains("1 MiB"), "{}", r.stderr);
    assert!(server.requests().is_empty());
    assert!(env.outbox_entries().is_empty());
    assert!(env.failed_entries().is_empty());
}

#[test]
fn a_directory_or_a_missing_file_in_preview_exits_66() {
    let env = TestEnv::new();
    let dir = env.dir.path().join("adir");
    fs::create_dir_all(&dir).unwrap();
    exits(
        run(env.cmd(&closed_port()).arg("send").arg("--file").arg(&dir)),
        66,
    );
    exits(
        run(env
            .cmd(&closed_port())
            .args(["preview", "--file", "no-such-incident.json"])),
        66,
    );
}

#[test]
fn a_final_rejection_keeps_the_exact_body_and_the_answer_in_failed() {
    for style in [ErrorStyle::Nest, ErrorStyle::Rfc7807] {
        let server = StandIn::with(Config {
            error_style: style,
            ..Config::default()
        });
        let env = TestEnv::new();
        server.push_fault(Fault::Status(422));
        let r = exits(send_guide(&env, &server, &["--json", "--retries", "3"]), 69);
        assert_eq!(server.sends().len(), 1);
        let result = &json_lines(r.stdout.as_bytes())[0];
        assert_eq!(result["outcome"], "rejected");
        assert_eq!(result["http"], 422);
        assert!(
            r.stderr.contains("HTTP 422: injected 422"),
            "{style:?}: {}",
            r.stderr
        );
        let failed = env.failed_entries();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0]["lastStatus"], 422);
        assert_eq!(failed[0]["body"], server.sends()[0].json());
        assert!(failed[0]["lastError"]
            .as_str()
            .unwrap()
            .contains("injected 422"));
    }
}

#[test]
fn the_network_down_or_the_quota_block_exit_75_into_the_outbox() {
    // Connections closed as soon as they are accepted.
    let server = StandIn::start();
    let env = TestEnv::new();
    server.set_down(true);
    exits(send_guide(&env, &server, &[]), 75);
    assert_eq!(env.outbox_entries().len(), 1);

    // Nothing listening at all.
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    exits(
        run(env
            .cmd(&closed_port())
            .args(["send", "--retries", "1", "--file"])
            .arg(file)),
        75,
    );
    assert_eq!(env.outbox_entries().len(), 1);

    // The monthly quota block: not hammered, deferred.
    let server = StandIn::start();
    server.set_quota(1000, 1150);
    let env = TestEnv::new();
    let r = exits(send_guide(&env, &server, &["--json", "--retries", "3"]), 75);
    assert_eq!(server.sends().len(), 1, "a quota 429 is not retried");
    let result = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(result["outcome"], "deferred");
    assert!(
        result["error"].as_str().unwrap().contains("quota"),
        "{result}"
    );
    assert_eq!(env.outbox_entries().len(), 1);

    // --no-outbox saves nothing and says so.
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults([Fault::Status(500), Fault::Status(500)]);
    let r = exits(send_guide(&env, &server, &["--no-outbox"]), 75);
    assert!(r.stderr.contains("not saved"), "{}", r.stderr);
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn a_deferred_result_names_its_outbox_file_and_a_second_failure_updates_it() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults([Fault::Status(502), Fault::Status(503)]);
    let r = exits(send_guide(&env, &server, &["--json"]), 75);
    assert!(r.stderr.contains("saved in the outbox:"), "{}", r.stderr);
    assert!(r.stderr.contains("outbox flush"), "the hint: {}", r.stderr);
    let sends = server.sends();
    assert_eq!(sends[0].body, sends[1].body, "retries resend the same body");
    let result = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(result["outcome"], "deferred");
    assert_eq!(result["attempts"], 2);
    let path = result["outboxPath"].as_str().unwrap();
    let entry: Value = serde_json::from_slice(&fs::read(path).unwrap()).unwrap();
    assert_eq!(entry, env.outbox_entries()[0]);
    assert_eq!(entry["lastStatus"], 503);
    assert_eq!(entry["to"], HELPDESK);
    assert_eq!(entry["subject"], "[Incident] Code 5859 — Albacenter Mall");
    assert!(entry["origin"]
        .as_str()
        .unwrap()
        .ends_with("incident.json:1"));

    server.push_faults([Fault::Status(500), Fault::Status(500)]);
    exits(send_guide(&env, &server, &[]), 75);
    let entries = env.outbox_entries();
    assert_eq!(entries.len(), 1, "one entry per idempotency key");
    assert_eq!(entries[0]["attempts"], 4);
    assert_eq!(entries[0]["lastStatus"], 500);
    assert_eq!(entries[0]["createdAt"], entry["createdAt"]);
}

#[test]
fn a_key_the_api_does_not_know_is_77() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = exits(
        run(guide(&env, &server, &["send", "-vv"]).env("MAILINGCORE_API_KEY", WRONG_KEY)),
        77,
    );
    assert!(r.stderr.contains("HTTP 401"), "{}", r.stderr);
    assert!(
        r.stderr.contains("mc_test_…9999"),
        "shown redacted: {}",
        r.stderr
    );
    assert!(server.accepted().is_empty());
    assert_no_key_on_disk(&env);
}

#[test]
fn more_configuration_errors_exit_78_before_anything_is_sent() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let send = |cmd: &mut assert_cmd::Command| run(cmd.arg("send").arg("--file").arg(&file));
    // A key with a line break inside it.
    let r = exits(
        send(
            env.cmd(&server.url())
                .env("MAILINGCORE_API_KEY", "mc_test_0123456789\nabcdefghijklmn")
                .arg("-vv"),
        ),
        78,
    );
    assert!(r.stderr.contains("line break"), "{}", r.stderr);
    // Plain http to another host given by flag.
    let r = exits(
        send(
            env.cmd(&server.url())
                .args(["--base-url", "http://10.0.0.1:8080"]),
        ),
        78,
    );
    assert!(r.stderr.contains("clear text"), "{}", r.stderr);
    // A config key that does not exist, and a --config that does not exist.
    let typo = env.write("typo.toml", "too = \"helpdesk@example.com\"\n");
    exits(send(env.cmd(&server.url()).arg("--config").arg(&typo)), 78);
    exits(
        send(env.cmd(&server.url()).args(["--config", "missing.toml"])),
        78,
    );
    // A key file that cannot be read.
    exits(
        send(
            env.cmd(&server.url())
                .args(["--api-key-file", "missing.key"]),
        ),
        78,
    );
    // A template with an unknown variable is refused by preview as well.
    env.write("tpl/body.html", "<p>{{ code }} {{ machine_kode }}</p>\n");
    let r = exits(
        run(env
            .cmd(&server.url())
            .arg("preview")
            .arg("--template-dir")
            .arg(env.dir.path().join("tpl"))
            .arg("--file")
            .arg(&file)),
        78,
    );
    assert!(r.stderr.contains("machine_kode"), "{}", r.stderr);
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn a_redirect_is_not_followed_and_is_a_configuration_error() {
    let server = StandIn::start();
    let elsewhere = StandIn::start();
    let env = TestEnv::new();
    server.push_fault(Fault::Redirect(format!("{}/emails/send", elsewhere.url())));
    let r = exits(send_guide(&env, &server, &[]), 78);
    assert!(r.stderr.contains("redirect"), "{}", r.stderr);
    assert!(
        elsewhere.requests().is_empty(),
        "the key stays with the configured host"
    );
}

#[test]
fn a_reset_after_the_api_accepted_is_replayed_not_duplicated() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_fault(Fault::ResetAfterAccept);
    let r = exits(send_guide(&env, &server, &[]), 0);
    assert_eq!(server.sends().len(), 2);
    assert_eq!(server.accepted().len(), 1);
    assert!(r.stdout.contains("id=clxlog000001"), "{}", r.stdout);
}

#[test]
fn a_hung_attempt_times_out_and_the_retry_goes_through() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_fault(Fault::Hang(Duration::from_secs(5)));
    let started = Instant::now();
    exits(send_guide(&env, &server, &["--timeout", "0.5"]), 0);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "waited out the hang"
    );
    assert_eq!(server.accepted().len(), 1);
}

#[test]
fn a_rate_limit_is_waited_out_without_spending_a_retry() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_fault(Fault::RateLimited {
        reset: None,
        retry_after: Some(1),
    });
    let started = Instant::now();
    exits(send_guide(&env, &server, &["--retries", "0"]), 0);
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "Retry-After was honoured"
    );
    assert_eq!(server.accepted().len(), 1);
    assert_eq!(server.status_counts().get(&429), Some(&1));
}

#[test]
fn a_2xx_without_json_or_id_counts_as_sent_with_a_warning() {
    for fault in [Fault::NotJson2xx, Fault::NoId2xx] {
        let server = StandIn::start();
        let env = TestEnv::new();
        server.push_fault(fault.clone());
        let r = exits(send_guide(&env, &server, &["--retries", "3"]), 0);
        assert_eq!(server.sends().len(), 1, "{fault:?}: accepted, not retried");
        assert_eq!(server.accepted().len(), 1);
        assert!(r.stderr.contains("accepted the request"), "{}", r.stderr);
        assert!(r.stdout.starts_with("sent 5859"), "{}", r.stdout);
        assert!(env.outbox_entries().is_empty());
    }
}

#[test]
fn incident_text_is_escaped_in_the_html_body_and_kept_as_written_elsewhere() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // From flags.
    let body = sent(
        &server,
        env.cmd(&server.url()).args([
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
        ]),
    );
    let html = body["htmlBody"].as_str().unwrap();
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>1"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(html.contains("&amp;"), "{html}");
    // The text body and the subject keep the text as written.
    assert!(body["textBody"].as_str().unwrap().contains("<img src=x"));
    assert!(body["subject"].as_str().unwrap().contains("<b>1</b>"));

    // From a document: double quotes and apostrophes too.
    let doc = json!({
        "code": "5859",
        "type": "hardware",
        "location": "Mall \"A\" & 'B'",
        "description": "<script>alert(\"pwned\")</script> it's broken",
        "contactEmail": "ana@example.com",
        "contactName": "Ana <b>Pérez</b>",
    });
    let body = sent(
        &server,
        &mut on_file(&env, &server, &doc.to_string(), &["send"]),
    );
    let html = body["htmlBody"].as_str().unwrap();
    assert!(!html.contains("\"pwned\""), "{html}");
    assert!(!html.contains("it's"), "{html}");
    assert!(!html.contains("<b>P"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert(&quot;pwned&quot;)"),
        "{html}"
    );
    assert!(html.contains("it&#x27;s broken"), "{html}");
    assert!(
        html.contains("Mall &quot;A&quot; &amp; &#x27;B&#x27;"),
        "{html}"
    );
    let text_body = body["textBody"].as_str().unwrap();
    assert!(text_body.contains("<script>alert(\"pwned\")</script> it's broken"));
}

#[test]
fn line_breaks_are_folded_in_the_subject_and_names_but_kept_in_the_body() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let doc = json!({
        "code": "5859",
        "type": "hardware",
        "location": "Albacenter\r\nMall",
        "description": "line one\nline two",
        "contactEmail": "ana@example.com",
    });
    let args = ["send", "--from-name", "Virtual\r\nassistant"];
    let body = sent(
        &server,
        &mut on_file(&env, &server, &doc.to_string(), &args),
    );
    assert_eq!(body["subject"], "[Incident] Code 5859 — Albacenter Mall");
    assert_eq!(body["fromName"], "Virtual assistant");
    let text_body = body["textBody"].as_str().unwrap();
    assert!(text_body.contains("line one\nline two"), "{text_body}");
}

#[test]
fn the_es_templates_follow_the_flag_or_the_document_and_unknown_locales_fall_back() {
    // The flag; a locale without templates falls back to English.
    for (locale, used, subject) in [
        ("es", "es", "[Incidencia] Código 5859 — Albacenter Mall"),
        ("xx", "en", "[Incident] Code 5859 — Albacenter Mall"),
    ] {
        let server = StandIn::start();
        let env = TestEnv::new();
        let body = sent(
            &server,
            &mut guide(&env, &server, &["send", "--locale", locale]),
        );
        assert_eq!(body["metadata"]["locale"], used);
        assert_eq!(body["subject"], subject);
    }
    let server = StandIn::start();
    let env = TestEnv::new();
    // The document's own locale, in a regional form.
    let doc = json!({
        "schema": "botpress-incident/v1",
        "conversationId": "conv_es1",
        "locale": "es-ES",
        "incident": {
            "machineCode": "5859",
            "location": "Albacenter Mall",
            "description": "El lector no funciona",
            "contactEmail": "ana.perez@example.com",
            "incidentType": "hardware"
        }
    });
    let body = sent(
        &server,
        &mut on_file(&env, &server, &doc.to_string(), &["send"]),
    );
    assert_eq!(
        body["subject"],
        "[Incidencia] Código 5859 — Albacenter Mall"
    );
    assert_eq!(body["metadata"]["locale"], "es");
    let html = body["htmlBody"].as_str().unwrap();
    assert!(
        html.starts_with("<h2>Nueva incidencia del chatbot</h2>"),
        "{html}"
    );
    assert!(html.contains("<p>Ubicación: Albacenter Mall</p>"), "{html}");
    assert!(
        html.contains("Descripción: El lector no funciona"),
        "{html}"
    );
    let text_body = body["textBody"].as_str().unwrap();
    assert!(
        text_body.starts_with("Nueva incidencia del chatbot"),
        "{text_body}"
    );
}

#[test]
fn the_json_result_carries_the_http_status_and_the_rate_limit() {
    let server = StandIn::with(Config {
        rate_limit: Some((100, Duration::from_secs(60))),
        ..Config::default()
    });
    let env = TestEnv::new();
    let r = exits(send_guide(&env, &server, &["--json"]), 0);
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    let v = &lines[0];
    assert_eq!(v["http"], 201);
    assert_eq!(v["rateLimit"]["limit"], 100);
    assert_eq!(v["rateLimit"]["remaining"], 99);
    assert!(v["rateLimit"]["reset"].as_u64().unwrap() > 1_000_000_000);
    assert!(v.as_object().unwrap().contains_key("outboxPath"));
    assert!(
        !v.as_object().unwrap().contains_key("request"),
        "sends do not echo the body"
    );
}

#[test]
fn raw_headers_only_with_verbose_and_quota_warnings_at_the_boundaries() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = exits(send_guide(&env, &server, &[]), 0);
    assert!(
        !r.stderr.to_ascii_lowercase().contains("x-quota-"),
        "{}",
        r.stderr
    );
    // (limit, used before the send, phrase of the warning or None)
    let cases: [(u64, u64, Option<&str>); 4] = [
        (5000, 3998, None),
        (5000, 3999, Some("4000/5000 (80%)")),
        (1000, 999, Some("1000/1000 (100%)")),
        (1000, 1009, Some("grace period")),
    ];
    for (limit, used, phrase) in cases {
        let server = StandIn::start();
        server.set_quota(limit, used);
        let env = TestEnv::new();
        let r = exits(send_guide(&env, &server, &[]), 0);
        let warning = r
            .stderr
            .lines()
            .find(|l| l.contains("warning") && l.contains("quota"));
        match phrase {
            None => assert!(warning.is_none(), "{used}/{limit}: {}", r.stderr),
            Some(p) => {
                let w = warning.unwrap_or_else(|| panic!("{used}/{limit}: {}", r.stderr));
                assert!(w.contains(p), "{p}: {w}");
                assert_eq!(w.contains("grace"), used >= limit, "{w}");
            }
        }
        assert!(!r.stdout.contains("warning"), "warnings go to stderr");
    }
    // -q hides the warning and the result line.
    let server = StandIn::start();
    server.set_quota(1000, 1050);
    let env = TestEnv::new();
    let r = exits(send_guide(&env, &server, &["-q"]), 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn no_state_file_holds_the_key_after_any_outcome() {
    let server = StandIn::start();
    let env = TestEnv::new();
    exits(send_guide(&env, &server, &["-vv"]), 0);
    let other = env.write(
        "other.json",
        r#"{"type":"hardware","description":"x","contactEmail":"a@example.com","conversationId":"conv_2"}"#,
    );
    let send_other = |extra: &[&str]| {
        run(env
            .cmd(&server.url())
            .args(["send", "-vv", "--retries", "1"])
            .args(extra)
            .arg("--file")
            .arg(&other))
    };
    server.push_faults([Fault::Status(500), Fault::Status(500)]);
    exits(send_other(&[]), 75);
    server.push_fault(Fault::Status(401));
    exits(send_other(&["--conversation-id", "conv_3"]), 77);
    server.push_fault(Fault::Status(409));
    exits(send_other(&["--conversation-id", "conv_4"]), 69);
    assert_eq!(env.outbox_entries().len(), 2);
    assert_eq!(env.failed_entries().len(), 1);
    assert_eq!(env.journal().len(), 4);
    assert_no_key_on_disk(&env);
}

#[test]
fn preview_makes_no_request_and_writes_no_state() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    for format in ["text", "html", "json", "curl"] {
        let r = exits(
            run(env
                .bare()
                .env("MCNOTIFY_TO", HELPDESK)
                .env("MAILINGCORE_BASE_URL", server.url())
                .args(["preview", "--format", format, "--file"])
                .arg(&file)),
            0,
        );
        assert!(r.stderr.is_empty(), "{format}: {}", r.stderr);
        assert!(!r.stdout.is_empty(), "{format}");
    }
    let r = exits(
        run(env
            .bare()
            .env("MCNOTIFY_TO", HELPDESK)
            .args(["preview", "--file"])
            .arg(&file)),
        0,
    );
    for line in [
        "To: helpdesk@example.com",
        "Reply-To: ana.perez@example.com",
        "Tags: botpress, helpdesk, incident",
        "Locale: en",
        "Idempotency-Key: botpress-conv_abc123-incident",
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "{line}: {}", r.stdout);
    }
    assert!(server.requests().is_empty());
    assert!(state_files(&env).is_empty(), "preview writes no state");
}

#[test]
fn preview_json_is_byte_for_byte_the_posted_body() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let args = ["--from-name", "Virtual assistant", "--field", "floor=2"];
    let preview = exits(
        run(env
            .cmd(&server.url())
            .args(["preview", "--format", "json"])
            .args(args)
            .arg("--file")
            .arg(&file)),
        0,
    );
    exits(
        run(env
            .cmd(&server.url())
            .arg("send")
            .args(args)
            .arg("--file")
            .arg(&file)),
        0,
    );
    assert_eq!(
        preview.stdout.trim_end().as_bytes(),
        server.sends()[0].body.as_slice()
    );
}

#[test]
fn the_printed_curl_command_sends_the_same_email() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    // The key is in the environment, yet the command only names the variable.
    let r = exits(
        run(env
            .cmd(&server.url())
            .args(["preview", "--format", "curl", "--tenant-id"])
            .arg(crate::support::standin::TENANT)
            .arg("--file")
            .arg(&file)),
        0,
    );
    let cmd = r.stdout;
    assert!(
        cmd.contains("Authorization: Bearer $MAILINGCORE_API_KEY"),
        "{cmd}"
    );
    assert!(
        cmd.contains(&format!("{}/emails/send", server.url())),
        "{cmd}"
    );
    assert!(cmd.contains("X-Tenant-Id: clxtenant0001"), "{cmd}");
    let has_curl = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if has_curl {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("{} -o /dev/null", cmd.trim_end()))
            .env("MAILINGCORE_API_KEY", KEY)
            .status()
            .unwrap();
        assert!(status.success());
        let accepted = server.accepted();
        assert_eq!(accepted.len(), 1);
        assert_eq!(
            accepted[0].body["idempotencyKey"],
            "botpress-conv_abc123-incident"
        );
        assert_eq!(
            server.sends()[0].header("authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[test]
fn preview_with_json_prints_a_preview_result_with_the_request() {
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = exits(
        run(env
            .bare()
            .env("MCNOTIFY_TO", HELPDESK)
            .args(["--json", "preview", "--file"])
            .arg(&file)),
        0,
    );
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["outcome"], "preview");
    assert_eq!(lines[0]["request"]["to"], HELPDESK);
    assert_eq!(lines[0]["idempotencyKey"], "botpress-conv_abc123-incident");
}

#[test]
fn the_config_path_and_base_url_follow_the_precedence() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let config = env.write(
        "home/.config/mcnotify/config.toml",
        &format!(
            "to = \"top@example.com\"\nfrom_name = \"Top\"\nbase_url = \"{}\"\n\
             [profile.night]\nto = \"night@example.com\"\n",
            closed_port()
        ),
    );
    set_mode(&config, 0o600);
    let file = env.write("incident.json", GUIDE_INCIDENT);
    // MCNOTIFY_CONFIG names another file than the default one.
    let other = env.write("other.toml", "to = \"other@example.com\"\n");
    set_mode(&other, 0o600);
    let r = exits(
        run(env
            .bare()
            .env("MCNOTIFY_CONFIG", &other)
            .args(["preview", "--format", "json", "--file"])
            .arg(&file)),
        0,
    );
    assert_eq!(
        serde_json::from_str::<Value>(&r.stdout).unwrap()["to"],
        "other@example.com"
    );
    // base_url: the config's points nowhere; the environment beats it...
    exits(
        run(env
            .bare()
            .env("MAILINGCORE_API_KEY", KEY)
            .env("MAILINGCORE_BASE_URL", server.url())
            .args(["send", "--file"])
            .arg(&file)),
        0,
    );
    // ...and the flag beats the environment. A profile inherits the top level.
    exits(
        run(env
            .bare()
            .env("MAILINGCORE_API_KEY", KEY)
            .env("MAILINGCORE_BASE_URL", closed_port())
            .args(["send", "--base-url"])
            .arg(server.url())
            .args([
                "--profile",
                "night",
                "--conversation-id",
                "conv_p2",
                "--file",
            ])
            .arg(&file)),
        0,
    );
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 2);
    assert_eq!(accepted[0].body["to"], "top@example.com");
    assert_eq!(accepted[1].body["to"], "night@example.com");
    assert_eq!(accepted[1].body["fromName"], "Top");
}

#[test]
fn the_key_comes_from_the_first_source_that_has_one() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let config = env.write(
        "key-config.toml",
        &format!("api_key = \"{KEY}\"\nto = \"{HELPDESK}\"\n"),
    );
    set_mode(&config, 0o600);
    let send = |cmd: &mut assert_cmd::Command, conversation: &str| {
        run(cmd
            .env("MAILINGCORE_BASE_URL", server.url())
            .arg("--config")
            .arg(&config)
            .args(["send", "--conversation-id", conversation, "--file"])
            .arg(&file))
    };
    // Only in the config file.
    let r = exits(send(&mut env.bare(), "conv_k1"), 0);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    // MAILINGCORE_API_KEY beats the config file (here a wrong key: 77).
    exits(
        send(env.bare().env("MAILINGCORE_API_KEY", WRONG_KEY), "conv_k2"),
        77,
    );
    // --api-key-file beats MAILINGCORE_API_KEY; the file is trimmed all round.
    let key_file = env.write("secrets/mc.key", &format!("  {KEY}\n\n"));
    set_mode(&key_file, 0o600);
    exits(
        send(
            env.bare()
                .env("MAILINGCORE_API_KEY", WRONG_KEY)
                .arg("--api-key-file")
                .arg(&key_file),
            "conv_k3",
        ),
        0,
    );
    let keys: Vec<String> = server
        .sends()
        .iter()
        .map(|s| s.header("authorization").unwrap_or("").to_string())
        .collect();
    assert_eq!(
        keys,
        [
            format!("Bearer {KEY}"),
            format!("Bearer {WRONG_KEY}"),
            format!("Bearer {KEY}")
        ]
    );
}

#[test]
fn the_retry_budget_caps_the_time_spent_on_one_request() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // A 503 for each of the eleven attempts `--retries 10` allows, so that only time can
    // stop the request. How many fit in the one second depends on the backoff's jitter
    // (three or four), so the rest go unused.
    server.push_faults(vec![Fault::Status(503); 11]);
    server.allow_unused_faults();
    let started = Instant::now();
    let r = exits(
        send_guide(&env, &server, &["--retries", "10", "--retry-max-time", "1"]),
        75,
    );
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    assert!(server.sends().len() < 11, "stopped by time, not by count");
    assert!(server.sends().len() >= 2, "it retried within the budget");
    assert!(r.stderr.contains("retry budget"), "{}", r.stderr);
    assert_eq!(env.outbox_entries().len(), 1);
}

#[test]
fn a_send_that_timed_out_after_the_api_took_it_is_not_sent_twice_later() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // The API answers after the client has given up: accepted, yet deferred.
    server.push_fault(Fault::Delay(Duration::from_millis(1500)));
    let r = exits(
        send_guide(&env, &server, &["--timeout", "0.3", "--retries", "0"]),
        75,
    );
    assert!(r.stderr.contains("timed out"), "{}", r.stderr);
    assert_eq!(env.outbox_entries().len(), 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.accepted().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(server.accepted().len(), 1);
    // Sending it again replays under the same idempotency key: still one email.
    let r = exits(send_guide(&env, &server, &[]), 0);
    assert!(r.stdout.contains("id=clxlog000001"), "{}", r.stdout);
    assert_eq!(server.accepted().len(), 1);
}

#[test]
fn an_input_without_incidents_is_65_unless_allowed() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // Nothing, blank lines, an empty array or Tables page, and text that is no document.
    for input in ["", "\n\n", "[]", "{\"rows\": []}", "not json\n"] {
        for command in [
            &["send", "--json"][..],
            &["send", "--dry-run"],
            &["preview"],
        ] {
            let r = run(env
                .cmd(&server.url())
                .args(command)
                .args(["--file", "-"])
                .write_stdin(input));
            assert_eq!(r.code, 65, "{input:?} {command:?}: {}", r.all());
            if command.contains(&"--json") {
                // A bridge reading one result line gets one that says what happened.
                let lines = json_lines(r.stdout.as_bytes());
                assert_eq!(lines.len(), 1, "{input:?}: {}", r.stdout);
                assert_eq!(lines[0]["outcome"], "empty", "{}", lines[0]);
                assert_eq!(lines[0]["record"], 0, "{}", lines[0]);
                assert_eq!(lines[0]["origin"], "-", "{}", lines[0]);
                assert_eq!(lines[0]["error"], "the input held no incident");
            } else {
                assert!(r.stdout.is_empty(), "{input:?}: {}", r.stdout);
            }
            assert!(
                r.stderr.contains("error: the input held no incident"),
                "{input:?}: {}",
                r.stderr
            );
            assert!(r.stderr.contains("--allow-empty"), "{}", r.stderr);
            // An export that may be empty says so, and then it is a success.
            let r = exits(
                run(env
                    .cmd(&server.url())
                    .args(command)
                    .args(["--allow-empty", "--file", "-"])
                    .write_stdin(input)),
                0,
            );
            assert!(r.stderr.contains("no incident"), "{input:?}: {}", r.stderr);
            if command.contains(&"--json") {
                let lines = json_lines(r.stdout.as_bytes());
                assert_eq!(lines.len(), 1, "{input:?}: {}", r.stdout);
                assert_eq!(lines[0]["outcome"], "empty", "{}", lines[0]);
                assert!(lines[0]["error"].is_null(), "{}", lines[0]);
            }
        }
    }
    assert!(server.requests().is_empty());
}

#[test]
fn a_send_by_hand_clears_the_outbox_entry_of_the_same_incident() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults(vec![Fault::Status(503); 2]);
    exits(send_guide(&env, &server, &[]), 75);
    assert_eq!(env.outbox_entries().len(), 1);
    exits(send_guide(&env, &server, &[]), 0);
    assert!(
        env.outbox_entries().is_empty(),
        "delivered, so nothing is pending"
    );
    assert_eq!(server.accepted().len(), 1);
}

/// The guide's conversation with another machine and fault: a different incident that
/// the default key (one per conversation) gives the same idempotency key.
const SECOND_INCIDENT: &str = r#"{
  "schema": "botpress-incident/v1",
  "conversationId": "conv_abc123",
  "incident": {
    "machineCode": "7001",
    "location": "Albacenter Mall",
    "description": "Screen stays black",
    "contactEmail": "ana.perez@example.com",
    "incidentType": "hardware"
  }
}"#;

#[test]
fn a_different_incident_under_an_accepted_key_is_reported_as_a_replay() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let guide = env.write("guide.json", GUIDE_INCIDENT);
    let second = env.write("second.json", SECOND_INCIDENT);
    let send = |file: &Path, extra: &[&str]| {
        run(env
            .cmd(&server.url())
            .arg("send")
            .args(extra)
            .arg("--file")
            .arg(file))
    };
    let first = exits(send(&guide, &["--json"]), 0);
    let first = &json_lines(first.stdout.as_bytes())[0];
    assert_eq!(first["replayed"], false, "{first}");
    let id = first["id"].as_str().unwrap().to_string();
    let accepted_at = env.journal()[0]["time"].as_str().unwrap().to_string();

    // The second incident: MailingCore answers with the first email; the result says so.
    let r = exits(send(&second, &["--json"]), 0);
    let line = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(line["replayed"], true, "{line}");
    assert_eq!(line["id"], id.as_str());
    assert!(r.stderr.contains("NOT sent"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("id={id}")), "{}", r.stderr);
    assert!(r.stderr.contains(&accepted_at), "{}", r.stderr);
    assert!(r.stderr.contains("{code}"), "{}", r.stderr);
    assert!(r.stderr.contains("idempotency_key"), "{}", r.stderr);
    // Human mode: the line says replayed, not sent.
    let r = exits(send(&second, &[]), 0);
    assert!(
        r.stdout.starts_with("replayed 7001 Albacenter Mall -> "),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("NOT sent"), "{}", r.stderr);

    // The same incident again, even with another subject (so another rendered body):
    // a quiet replay.
    for extra in [&[][..], &["--subject", "Another subject"]] {
        let r = exits(send(&guide, &[&["--json"][..], extra].concat()), 0);
        let line = &json_lines(r.stdout.as_bytes())[0];
        assert_eq!(line["replayed"], true, "{line}");
        assert!(!r.stderr.contains("NOT sent"), "{}", r.stderr);
        assert!(!r.stderr.contains("hint"), "{}", r.stderr);
    }
    assert_eq!(server.accepted().len(), 1);

    // Following the hint delivers the second incident under a key of its own.
    let config = env.write(
        "config.toml",
        "idempotency_key = \"botpress-{conversationId}-{code}\"\n",
    );
    let r = exits(
        run(env
            .cmd(&server.url())
            .arg("--config")
            .arg(&config)
            .args(["send", "--json", "--file"])
            .arg(&second)),
        0,
    );
    let line = &json_lines(r.stdout.as_bytes())[0];
    assert_eq!(line["replayed"], false, "{line}");
    assert_ne!(line["id"], id.as_str());
    assert_eq!(server.accepted().len(), 2);
}

#[test]
fn a_reused_key_within_one_run_is_caught_and_hinted_once() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let records: Vec<Value> = ["5859", "7001", "7002"]
        .iter()
        .map(|code| {
            json!({
                "conversationId": "conv_same",
                "machineCode": code,
                "incidentType": "hardware",
                "description": format!("fault on {code}"),
                "contactEmail": "ana@example.com",
            })
        })
        .collect();
    let file = env.write("batch.ndjson", &crate::support::harness::ndjson(&records));
    let r = exits(
        run(env
            .cmd(&server.url())
            .args(["send", "--jobs", "1", "--json", "--file"])
            .arg(&file)),
        0,
    );
    let lines = json_lines(r.stdout.as_bytes());
    let replayed: Vec<&Value> = lines.iter().map(|l| &l["replayed"]).collect();
    assert_eq!(replayed, [false, true, true], "{}", r.stdout);
    assert_eq!(r.stderr.matches("NOT sent").count(), 2, "{}", r.stderr);
    assert_eq!(r.stderr.matches("hint:").count(), 1, "{}", r.stderr);
    assert_eq!(server.accepted().len(), 1);
}

#[test]
fn a_run_that_keeps_many_records_gives_its_hint_once() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // The first four requests hang past the timeout: all four in flight fail, each kept.
    server.push_faults(vec![Fault::Hang(Duration::from_secs(3)); 4]);
    let file = env.write(
        "batch.ndjson",
        &crate::support::harness::ndjson(&crate::support::harness::incidents(8, 100)),
    );
    let r = run(env
        .cmd(&server.url())
        .args([
            "send",
            "--jobs",
            "4",
            "--retries",
            "0",
            "--timeout",
            "1",
            "--file",
        ])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(env.outbox_entries().len(), 8);
    assert_eq!(
        r.stderr.matches("saved in the outbox: ").count(),
        4,
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("hint:").count(), 1, "{}", r.stderr);
}

/// Runs a command with stdin and stderr on a pseudo-terminal (stdout a pipe), types
/// `typed` after a pause, then one Ctrl-D; prints `{"code", "stdout", "tty"}` as JSON, with
/// `code` null when the command had not ended 15 s after the Ctrl-D (it is then killed).
const PTY_RUNNER: &str = r#"
import json, os, pty, select, subprocess, sys, time
typed, argv = sys.argv[1], sys.argv[2:]
master, slave = pty.openpty()
proc = subprocess.Popen(argv, stdin=slave, stderr=slave, stdout=subprocess.PIPE)
os.close(slave)
seen = b""
def pump(seconds):
    global seen
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            seen += data
pump(1.5)
if typed:
    os.write(master, typed.encode())
    pump(0.3)
os.write(master, b"\x04")
end = time.time() + 15
while proc.poll() is None and time.time() < end:
    pump(0.1)
code = proc.poll()
if code is None:
    proc.kill()
    proc.wait()
pump(0.2)
out = proc.stdout.read().decode("utf-8", "replace")
print(json.dumps({"code": code, "stdout": out, "tty": seen.decode("utf-8", "replace")}))
"#;

/// `mcnotify ARGS` on a terminal, as a person typing `typed` then Ctrl-D.
fn on_terminal(env: &TestEnv, server: &StandIn, typed: &str, args: &[&str]) -> Value {
    let runner = env.write("pty_runner.py", PTY_RUNNER);
    let out = env
        .program("python3", &server.url())
        .arg(&runner)
        .arg(typed)
        .arg(assert_cmd::cargo::cargo_bin!("mcnotify"))
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the runner prints JSON")
}

#[test]
fn on_a_terminal_send_prompts_and_one_ctrl_d_ends_an_empty_input() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = on_terminal(&env, &server, "", &["send", "--file", "-"]);
    assert_eq!(r["code"], 65, "one Ctrl-D ends it: {r}");
    let tty = r["tty"].as_str().unwrap();
    assert!(
        tty.contains("reading incidents from the terminal; end with Ctrl-D"),
        "{tty}"
    );
    assert!(!tty.contains(" done"), "no spinner while waiting: {tty}");
    assert!(tty.contains("the input held no incident"), "{tty}");
    assert!(server.requests().is_empty());
}

#[test]
fn on_a_terminal_a_typed_incident_is_sent_without_a_spinner() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let typed = GUIDE_INCIDENT.replace('\n', " ") + "\n";
    let r = on_terminal(&env, &server, &typed, &["send", "--file", "-"]);
    assert_eq!(r["code"], 0, "{r}");
    assert!(
        r["stdout"]
            .as_str()
            .unwrap()
            .starts_with("sent 5859 Albacenter Mall"),
        "{r}"
    );
    let tty = r["tty"].as_str().unwrap();
    assert!(tty.contains("end with Ctrl-D"), "{tty}");
    assert!(!tty.contains(" done"), "{tty}");
    assert_eq!(server.accepted().len(), 1);
}

#[test]
fn a_document_cut_inside_a_string_says_where_the_string_starts() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--json", "--file", "-"])
        .write_stdin("{\"broken json"));
    assert_eq!(r.code, 65, "{}", r.all());
    let expected = "truncated JSON: the input ends inside a string that starts at line 1 column 2 of the record";
    assert!(
        r.stderr.contains(&format!("-:1: {expected}")),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("control character"), "{}", r.stderr);
    assert_eq!(json_lines(r.stdout.as_bytes())[0]["error"], expected);
    // Cut after the string, inside an object of an array element.
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--file", "-"])
        .write_stdin("[{\"code\": \"1\"},\n {\"code\": \"2\",\n  \"extra\": {\"a\": 1"));
    assert!(
        r.stderr.contains(
            "-:#2: truncated JSON: the input ends before the object that starts at line 2 column 12 of the record is closed"
        ),
        "{}",
        r.stderr
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_readme_bridge_recipe_says_what_happened_for_every_answer() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let script = env.write(
        "bridge.sh",
        &block(
            "### A shell script or bridge service",
            "sh",
            "mcnotify send",
        ),
    );
    let bin_dir = assert_cmd::cargo::cargo_bin!("mcnotify")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let recipe = |stdin: &str| {
        let mut cmd = assert_cmd::Command::from_std(env.program("sh", &server.url()));
        cmd.arg(&script)
            .env("PATH", &path)
            .timeout(Duration::from_secs(60))
            .write_stdin(stdin.to_string());
        run(&mut cmd)
    };
    let r = recipe(GUIDE_INCIDENT);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(r.stdout, "registered: clxlog000001\n", "{}", r.all());
    assert!(r.stderr.is_empty(), "{}", r.stderr);

    for (stdin, message) in [
        ("", "bad incident data: the input held no incident"),
        (
            "{\"broken json",
            "bad incident data: truncated JSON: the input ends inside a string",
        ),
    ] {
        let r = recipe(stdin);
        assert_eq!(r.code, 1, "{}", r.all());
        assert!(r.stderr.contains(message), "{}", r.stderr);
    }

    let r = recipe(SECOND_INCIDENT);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(r.stdout, "registered: clxlog000001\n", "{}", r.all());
    assert!(r.stderr.contains("warning: NOT sent"), "{}", r.stderr);
    assert_eq!(server.accepted().len(), 1);
}
