//! `send` and `preview` of one incident against the stand-in: the guide's example, input
//! sources, flags over documents, retries, idempotency, escaping, exit codes.

mod support;

use support::harness::{json_lines, text, TestEnv, GUIDE_INCIDENT, HELPDESK, KEY};
use support::standin::StandIn;

#[test]
fn the_guide_example_is_sent_once_with_the_guides_fields() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let out = env
        .cmd(&server.url())
        .args(["send", "--file"])
        .arg(&file)
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(stdout.contains("clxlog000001"), "{stdout}");
    let accepted = server.accepted();
    assert_eq!(accepted.len(), 1);
    let body = &accepted[0].body;
    assert_eq!(body["to"], HELPDESK);
    assert_eq!(body["idempotencyKey"], "botpress-conv_abc123-incident");
    let req = &server.sends()[0];
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let _ = json_lines;
}
