//! The Botpress card (examples/botpress/execute-code.js) run by Node against a real
//! `mcnotify serve` and the stand-in: what it sets for 201, 200, 202, 422 and a timeout.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::bridge::{Server, TOKEN};
use crate::support::harness::{closed_port, TestEnv, HELPDESK};
use crate::support::standin::{Fault, StandIn};
use crate::support::tool::present;

/// The card's `MCNOTIFY_URL` for `server`.
fn url(server: &Server) -> String {
    format!("http://{}/v1/incidents", server.addr)
}

/// The workflow variables of the conversation the card registers.
fn workflow(contact: &str) -> Value {
    json!({
        "machineCode": "5859",
        "incidentType": "hardware",
        "location": "Albacenter Mall",
        "description": "Card reader rejects every card",
        "contactEmail": contact,
    })
}

/// Runs the card with `workflow` against `url`, and returns the workflow afterwards.
fn run_card(url: &str, timeout_ms: Option<u64>, conversation: &str, workflow: Value) -> Value {
    let mut env = json!({ "MCNOTIFY_URL": url, "MCNOTIFY_TOKEN": TOKEN });
    if let Some(ms) = timeout_ms {
        env["MCNOTIFY_TIMEOUT_MS"] = ms.to_string().into();
    }
    let context = json!({
        "env": env,
        "workflow": workflow,
        "event": { "botId": "bot_1", "conversationId": conversation, "userId": "user_1",
                   "messageId": "msg_1", "integration": "webchat" },
    });
    let runner = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/botpress/run-card.js");
    let mut child = Command::new("node")
        .arg(runner)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(context.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "run-card.js failed: {stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {:?} {stderr}", out.stdout))
}

#[test]
fn a_first_registration_is_201_with_the_id_and_the_same_again_is_the_same_email() {
    if !present("node", "nodejs") {
        return;
    }
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let first = run_card(
        &url(&server),
        None,
        "conv_card",
        workflow("ana@example.com"),
    );
    assert_eq!(first["incidentRegistered"], true, "{first}");
    let id = first["incidentId"].as_str().unwrap().to_string();
    assert!(!id.is_empty(), "{first}");
    assert!(first["incidentReply"].as_str().unwrap().contains(&id));
    assert_eq!(first["incidentField"], "");
    assert_eq!(api.accepted().len(), 1);
    assert_eq!(api.sends()[0].json()["to"], HELPDESK);

    let again = run_card(
        &url(&server),
        None,
        "conv_card",
        workflow("ana@example.com"),
    );
    assert_eq!(again["incidentRegistered"], true, "{again}");
    assert_eq!(
        again["incidentId"],
        id.as_str(),
        "the replay names the first email"
    );
    assert_eq!(api.accepted().len(), 1, "still one email");
}

#[test]
fn with_the_api_down_it_is_registered_with_the_outbox_id() {
    if !present("node", "nodejs") {
        return;
    }
    let api = StandIn::start();
    api.set_down(true);
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &["--deadline", "3", "--retry-max-time", "0.5"]);
    let kept = run_card(
        &url(&server),
        None,
        "conv_down",
        workflow("ana@example.com"),
    );
    assert_eq!(kept["incidentRegistered"], true, "{kept}");
    let outbox_id = kept["incidentId"].as_str().unwrap();
    assert!(
        env.outbox_dir().join(format!("{outbox_id}.json")).exists(),
        "{kept}"
    );
    assert!(kept["incidentReply"]
        .as_str()
        .unwrap()
        .contains("as soon as our mail service is back"));
    assert!(api.accepted().is_empty());
}

#[test]
fn an_invalid_contact_names_the_variable_to_ask_again() {
    if !present("node", "nodejs") {
        return;
    }
    let api = StandIn::start();
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &[]);
    let bad = run_card(&url(&server), None, "conv_bad", workflow("ana@"));
    assert_eq!(bad["incidentRegistered"], false, "{bad}");
    assert_eq!(bad["incidentField"], "contactEmail");
    assert!(
        bad["incidentReply"].as_str().unwrap().contains("ana@"),
        "{bad}"
    );
    let mut no_type = workflow("ana@example.com");
    no_type.as_object_mut().unwrap().remove("incidentType");
    let bad = run_card(&url(&server), None, "conv_bad", no_type);
    assert_eq!(
        bad["incidentField"], "incidentType",
        "the bridge's `type` is the workflow's incidentType: {bad}"
    );
    assert!(api.requests().is_empty());
}

#[test]
fn a_bridge_slower_than_the_card_is_could_not_register() {
    if !present("node", "nodejs") {
        return;
    }
    let api = StandIn::start();
    api.push_fault(Fault::Delay(Duration::from_millis(2500)));
    let env = TestEnv::new();
    let server = Server::start(&env, &api, &["--deadline", "3"]);
    let late = run_card(
        &url(&server),
        Some(1000),
        "conv_late",
        workflow("ana@example.com"),
    );
    assert_eq!(late["incidentRegistered"], false, "{late}");
    assert_eq!(late["incidentId"], "");
    assert!(late["incidentReply"]
        .as_str()
        .unwrap()
        .contains("try again in a few minutes"));
}

#[test]
fn without_the_bridge_it_is_could_not_register() {
    if !present("node", "nodejs") {
        return;
    }
    let url = format!("{}/v1/incidents", closed_port());
    let none = run_card(&url, None, "conv_none", workflow("ana@example.com"));
    assert_eq!(none["incidentRegistered"], false, "{none}");
    assert!(none["incidentReply"]
        .as_str()
        .unwrap()
        .contains("call the helpdesk"));
}
