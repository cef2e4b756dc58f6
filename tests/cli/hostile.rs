//! Hostile input: each bad record gets a clear error naming its file and line or record
//! number, is not sent, and leaves the valid records around it to be sent; bad templates,
//! config and key files stop the run with 78 naming the file. Nothing panics.

use std::fs;
use std::path::Path;

use crate::support::harness::{run, Run, TestEnv, GUIDE_INCIDENT, HELPDESK, KEY};
use crate::support::peak::vm_hwm_kib;
use crate::support::standin::StandIn;
use serde_json::{json, Value};

/// A valid flat record, told apart by its code `good-N`.
fn good(n: u32) -> Value {
    json!({
        "code": format!("good-{n}"),
        "type": "hardware",
        "description": "Card reader rejects every card",
        "contactEmail": "ana@example.com",
    })
}

fn line(n: u32) -> String {
    good(n).to_string()
}

/// NDJSON: a good record, then `bad`, then another good record.
fn ndjson_around(bad: &[u8]) -> Vec<u8> {
    [
        line(1).as_bytes(),
        b"\n",
        bad,
        b"\n",
        line(2).as_bytes(),
        b"\n",
    ]
    .concat()
}

/// A JSON array: a good record, then `bad`, then another good record.
fn array_around(bad: &[u8]) -> Vec<u8> {
    [
        b"[\n".as_slice(),
        line(1).as_bytes(),
        b",\n",
        bad,
        b",\n",
        line(2).as_bytes(),
        b"\n]\n",
    ]
    .concat()
}

const CSV_HEADER: &str = "code,type,description,contactEmail\n";

fn csv_row(n: u32) -> String {
    format!("good-{n},hardware,Card reader rejects every card,ana@example.com\n")
}

/// CSV: the header, a good row, then `bad`, then another good row.
fn csv_around(bad: &[u8]) -> Vec<u8> {
    [
        CSV_HEADER.as_bytes(),
        csv_row(1).as_bytes(),
        bad,
        csv_row(2).as_bytes(),
    ]
    .concat()
}

/// The incident codes the stand-in accepted, sorted.
fn sent_codes(server: &StandIn) -> Vec<String> {
    let mut codes: Vec<String> = server
        .accepted()
        .iter()
        .map(|a| {
            a.body["metadata"]["incidentCode"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    codes.sort();
    codes
}

fn goods(numbers: &[u32]) -> Vec<String> {
    numbers.iter().map(|n| format!("good-{n}")).collect()
}

/// `send --file NAME` of `bytes` (plus `args`) against a fresh stand-in.
fn send_file(name: &str, bytes: &[u8], args: &[&str]) -> (Run, StandIn) {
    let server = StandIn::start();
    let env = TestEnv::new();
    fs::write(env.dir.path().join(name), bytes).unwrap();
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--file", name])
        .args(args));
    assert!(
        env.outbox_entries().is_empty(),
        "an invalid record was saved"
    );
    (r, server)
}

/// The error lines on stderr, without the `mcnotify: error: ` prefix.
fn errors(r: &Run) -> Vec<&str> {
    r.stderr
        .lines()
        .filter_map(|l| l.strip_prefix("mcnotify: error: "))
        .collect()
}

/// Send `bytes` as `name`: the run ends with 65; there is one error per `(origin, words)`,
/// each naming its record and saying `words`; exactly the good records `sent` are sent.
fn expect_invalid(name: &str, bytes: &[u8], bad: &[(&str, &str)], sent: &[u32]) -> Run {
    let (r, server) = send_file(name, bytes, &[]);
    assert_eq!(r.code, 65, "{name}: {}", r.all());
    let errors = errors(&r);
    assert_eq!(errors.len(), bad.len(), "{name}: {}", r.stderr);
    for ((origin, words), error) in bad.iter().zip(&errors) {
        let expected = format!("{origin}: ");
        assert!(
            error.starts_with(&expected) && error.contains(words),
            "{name}: expected `{origin}: ...{words}...`, got {error:?}"
        );
    }
    assert_eq!(sent_codes(&server), goods(sent), "{name}: {}", r.all());
    r
}

#[test]
fn invalid_and_truncated_json_name_the_record() {
    expect_invalid(
        "bad.ndjson",
        &ndjson_around(br#"{"type": "hardware", "descr"#),
        &[("bad.ndjson:2", "invalid JSON")],
        &[1, 2],
    );
    expect_invalid(
        "garbage.ndjson",
        &ndjson_around(b"{\"type\": tru, }"),
        &[("garbage.ndjson:2", "invalid JSON")],
        &[1, 2],
    );
    // The last line cut short, as by a relay that died mid-write.
    let cut = [
        line(1).as_bytes(),
        b"\n",
        line(2).as_bytes(),
        b"\n",
        br#"{"type":"hardware","description":"Card re"#,
    ]
    .concat();
    expect_invalid(
        "cut.ndjson",
        &cut,
        &[("cut.ndjson:3", "invalid JSON: EOF")],
        &[1, 2],
    );
    expect_invalid(
        "bad.json",
        &array_around(br#"{"type": "hardware" "description": "x"}"#),
        &[("bad.json:#2", "invalid JSON")],
        &[1, 2],
    );
    // An array cut short: one error for the cut record, none for records that never were.
    let cut = format!(
        "[{},\n{},\n{{\"type\": \"hardware\", \"description\": ",
        line(1),
        line(2)
    );
    expect_invalid(
        "cut.json",
        cut.as_bytes(),
        &[("cut.json:#3", "truncated JSON")],
        &[1, 2],
    );
    // Pretty-printed documents one after another: the line where the bad one starts.
    let pretty = |n| serde_json::to_string_pretty(&good(n)).unwrap();
    let doc = format!(
        "{}\n{{\n  \"type\": \"hardware\",\n  \"description\": \n}}\n{}\n",
        pretty(1),
        pretty(2)
    );
    expect_invalid(
        "pretty.json",
        doc.as_bytes(),
        &[("pretty.json:7", "invalid JSON")],
        &[1, 2],
    );
    // A JSON value that is not an object.
    expect_invalid(
        "scalar.ndjson",
        &ndjson_around(br#""just a string""#),
        &[("scalar.ndjson:2", "must be a JSON object, not a string")],
        &[1, 2],
    );
}

#[test]
fn wrong_types_are_refused_naming_the_field() {
    let records = [
        json!({"type": 5, "description": "d", "contactEmail": "ana@example.com"}),
        json!({"type": "hardware", "description": ["a", "b"], "contactEmail": "ana@example.com"}),
        json!({"type": "hardware", "description": "d", "contactEmail": {"address": "ana@example.com"}}),
        json!({"type": true, "description": "d", "contactEmail": "ana@example.com"}),
        json!({"type": "hardware", "description": null, "contactEmail": "ana@example.com"}),
        json!({"type": "hardware", "description": "d", "contactEmail": null}),
        json!({"type": "hardware", "description": "d", "contactEmail": 42}),
        json!([1, 2]),
        json!(null),
        json!({"incident": {"machineCode": "1", "incidentType": ["hardware"], "description": "d", "contactEmail": "ana@example.com"}}),
    ];
    let mut all = vec![good(1)];
    all.extend(records);
    all.push(good(2));
    let doc = serde_json::to_vec(&Value::Array(all)).unwrap();
    expect_invalid(
        "types.json",
        &doc,
        &[
            (
                "types.json:#2",
                "field type (/type) must be text, not a number",
            ),
            (
                "types.json:#3",
                "field description (/description) must be text, not an array",
            ),
            (
                "types.json:#4",
                "field contact_email (/contactEmail) must be text, not an object",
            ),
            (
                "types.json:#5",
                "field type (/type) must be text, not a boolean",
            ),
            ("types.json:#6", "description is missing"),
            ("types.json:#7", "contact email is missing"),
            (
                "types.json:#8",
                "field contact_email (/contactEmail) must be text, not a number",
            ),
            ("types.json:#9", "must be a JSON object, not an array"),
            ("types.json:#10", "must be a JSON object, not null"),
            (
                "types.json:#11",
                "field type (/incident/incidentType) must be text, not an array",
            ),
        ],
        &[1, 2],
    );
    // Identifiers may be numbers (Tables ids): a numeric code is its text.
    let (r, server) = send_file(
        "numeric.json",
        br#"{"code": 5859, "type": "hardware", "description": "d", "contactEmail": "ana@example.com", "conversationId": 77}"#,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    assert_eq!(body["metadata"]["incidentCode"], "5859");
    assert_eq!(body["idempotencyKey"], "botpress-77-incident");
}

#[test]
fn a_missing_or_blank_required_field_is_named() {
    let doc = [
        line(1),
        r#"{"type": "hardware", "description": "d"}"#.into(),
        r#"{"description": "d", "contactEmail": "ana@example.com"}"#.into(),
        r#"{"type": "hardware", "contactEmail": "ana@example.com"}"#.into(),
        r#"{"type": "  ", "description": "d", "contactEmail": "ana@example.com"}"#.into(),
        r#"{"type": "hardware", "description": "\n\t ", "contactEmail": "ana@example.com"}"#.into(),
        r#"{}"#.into(),
        line(2),
    ]
    .join("\n");
    expect_invalid(
        "missing.ndjson",
        doc.as_bytes(),
        &[
            ("missing.ndjson:2", "contact email is missing"),
            ("missing.ndjson:3", "incident type is missing"),
            ("missing.ndjson:4", "description is missing"),
            ("missing.ndjson:5", "incident type is missing"),
            ("missing.ndjson:6", "description is missing"),
            ("missing.ndjson:7", "contact email is missing"),
        ],
        &[1, 2],
    );
    // The same in CSV, where an absent value is an empty cell.
    expect_invalid(
        "missing.csv",
        &csv_around(b"good-9,hardware,,ana@example.com\n"),
        &[("missing.csv:3", "description is missing")],
        &[1, 2],
    );
}

#[test]
fn addresses_that_only_look_valid_are_refused() {
    let bad = [
        "a@b",
        "a@@b.com",
        "user@localhost",
        "Ana <ana@example.com>",
        "\"Ana Pérez\" <ana@example.com>",
        "ana@example.com (Ana)",
        "ana@example.com, bob@example.com",
        "ana@[127.0.0.1]",
        "ana@exa mple.com",
        "ana.@example.com",
        "ana@example..com",
        "ana@-example.com",
        "@example.com",
        "ana@",
    ];
    let mut lines = vec![line(1)];
    for address in bad {
        lines.push(
            json!({"type": "hardware", "description": "d", "contactEmail": address}).to_string(),
        );
    }
    lines.push(line(2));
    let origins: Vec<String> = (0..bad.len())
        .map(|i| format!("addr.ndjson:{}", i + 2))
        .collect();
    let words: Vec<String> = bad
        .iter()
        .map(|a| format!("contact email {a:?} is not a valid address"))
        .collect();
    let expected: Vec<(&str, &str)> = origins
        .iter()
        .zip(&words)
        .map(|(o, w)| (o.as_str(), w.as_str()))
        .collect();
    expect_invalid(
        "addr.ndjson",
        lines.join("\n").as_bytes(),
        &expected,
        &[1, 2],
    );

    // A quoted local part is a valid RFC 5321 address: it is accepted and goes out as
    // written (JSON-escaped in the body, no header to break).
    let (r, server) = send_file(
        "quoted.json",
        br#"{"type": "hardware", "description": "d", "contactEmail": "\"a b\"@example.com"}"#,
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(server.accepted()[0].body["replyTo"], "\"a b\"@example.com");
}

#[test]
fn line_breaks_are_folded_in_header_fields_and_refused_in_addresses() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let doc = json!({
        "code": "5859\r\nBcc: evil@example.com",
        "type": "hardware",
        "location": "Mall\r\n\r\nX-Injected: 1",
        "description": "line one\r\nline two",
        "contactEmail": "ana@example.com",
        "contactName": "Ana\nBcc: evil@example.com",
    });
    let file = env.write("crlf.json", &doc.to_string());
    let config = env.write(
        "config.toml",
        "from_name = \"Bot\\r\\nBcc: evil@example.com\"\n",
    );
    let r = run(env
        .cmd(&server.url())
        .arg("--config")
        .arg(&config)
        .arg("send")
        .arg("--file")
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    assert_eq!(
        body["subject"],
        "[Incident] Code 5859 Bcc: evil@example.com — Mall X-Injected: 1"
    );
    assert_eq!(body["fromName"], "Bot Bcc: evil@example.com");
    assert_eq!(body["replyTo"], "ana@example.com");
    assert!(body["textBody"]
        .as_str()
        .unwrap()
        .contains("line one\r\nline two"));
    // The human result line is one line too.
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);

    // --subject and --from-name from flags are folded the same way.
    let r = run(env
        .cmd(&server.url())
        .args([
            "send",
            "--subject",
            "Help\r\nBcc: evil@example.com",
            "--from-name",
            "Bot\nX: y",
            "--idempotency-key",
            "flags-1",
            "--file",
        ])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[1].body;
    assert_eq!(body["subject"], "Help Bcc: evil@example.com");
    assert_eq!(body["fromName"], "Bot X: y");

    // A line break inside the contact address makes the record invalid (65).
    let bad = json!({"type": "hardware", "description": "d",
                     "contactEmail": "ana@example.com\r\nBcc: evil@example.com"});
    expect_invalid(
        "inject.ndjson",
        &ndjson_around(bad.to_string().as_bytes()),
        &[("inject.ndjson:2", "it has a line break")],
        &[1, 2],
    );

    // In an address setting it is a configuration error (78); nothing is sent.
    for (flag, value) in [
        ("--to", "helpdesk@example.com\nBcc: evil@example.com"),
        ("--reply-to", "ana@example.com\r\nBcc: evil@example.com"),
        ("--from-email", "bot@example.com\rBcc: evil@example.com"),
    ] {
        let server = StandIn::start();
        let r = run(env
            .cmd(&server.url())
            .args(["send", flag, value, "--file"])
            .arg(&file));
        assert_eq!(r.code, 78, "{flag}: {}", r.all());
        assert!(
            r.stderr.contains(flag) && r.stderr.contains("line break"),
            "{}",
            r.stderr
        );
        assert!(server.requests().is_empty());
    }
}

#[test]
fn nul_bytes_are_refused() {
    expect_invalid(
        "escaped.ndjson",
        &ndjson_around(
            br#"{"type": "hardware", "description": "a\u0000b", "contactEmail": "ana@example.com"}"#,
        ),
        &[("escaped.ndjson:2", "description contains a NUL character")],
        &[1, 2],
    );
    expect_invalid(
        "extra.ndjson",
        &ndjson_around(
            br#"{"type": "hardware", "description": "d", "contactEmail": "ana@example.com", "floor": "\u0000"}"#,
        ),
        &[("extra.ndjson:2", "field \"floor\" contains a NUL character")],
        &[1, 2],
    );
    expect_invalid(
        "raw.ndjson",
        &ndjson_around(
            b"{\"type\": \"hardware\", \"description\": \"a\0b\", \"contactEmail\": \"ana@example.com\"}",
        ),
        &[("raw.ndjson:2", "invalid JSON: control character")],
        &[1, 2],
    );
    expect_invalid(
        "nul.csv",
        &csv_around(b"good-9,hard\0ware,d,ana@example.com\n"),
        &[("nul.csv:3", "type contains a NUL character")],
        &[1, 2],
    );
}

#[test]
fn invalid_utf8_is_refused_per_record() {
    expect_invalid(
        "latin1.ndjson",
        &ndjson_around(
            b"{\"type\": \"hardware\", \"description\": \"Caf\xe9\", \"contactEmail\": \"ana@example.com\"}",
        ),
        &[("latin1.ndjson:2", "invalid UTF-8")],
        &[1, 2],
    );
    expect_invalid(
        "overlong.json",
        &array_around(
            b"{\"type\": \"hardware\", \"description\": \"\xc0\xaf\", \"contactEmail\": \"ana@example.com\"}",
        ),
        &[("overlong.json:#2", "invalid UTF-8")],
        &[1, 2],
    );
    expect_invalid(
        "surrogate.ndjson",
        &ndjson_around(
            br#"{"type": "hardware", "description": "\ud800", "contactEmail": "ana@example.com"}"#,
        ),
        &[("surrogate.ndjson:2", "invalid JSON")],
        &[1, 2],
    );
    expect_invalid(
        "latin1.csv",
        &csv_around(b"good-9,hardware,Caf\xe9,ana@example.com\n"),
        &[("latin1.csv:3", "invalid UTF-8")],
        &[1, 2],
    );
}

#[test]
fn a_bom_is_skipped_in_every_format_and_named_inside_the_input() {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let ndjson = [BOM, line(1).as_bytes(), b"\n", line(2).as_bytes()].concat();
    let array = [BOM, format!("[{}, {}]", line(1), line(2)).as_bytes()].concat();
    let csv = [
        BOM,
        CSV_HEADER.as_bytes(),
        csv_row(1).as_bytes(),
        csv_row(2).as_bytes(),
    ]
    .concat();
    for (name, bytes) in [
        ("bom.ndjson", ndjson),
        ("bom.json", array),
        ("bom.csv", csv),
    ] {
        let (r, server) = send_file(name, &bytes, &[]);
        assert_eq!(r.code, 0, "{name}: {}", r.all());
        assert_eq!(sent_codes(&server), goods(&[1, 2]), "{name}");
    }
    // On stdin too.
    let server = StandIn::start();
    let env = TestEnv::new();
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--file", "-"])
        .write_stdin([BOM, GUIDE_INCIDENT.as_bytes()].concat()));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(server.accepted().len(), 1);
    // A BOM in the middle (files joined with cat) is named as such.
    let joined = [
        line(1).as_bytes(),
        b"\n",
        BOM,
        line(3).as_bytes(),
        b"\n",
        line(2).as_bytes(),
    ]
    .concat();
    expect_invalid(
        "joined.ndjson",
        &joined,
        &[("joined.ndjson:2", "byte order mark")],
        &[1, 2],
    );
}

#[test]
fn a_10_mib_description_is_refused_with_memory_kept_low() {
    let huge = "x".repeat(10 << 20);
    let record =
        json!({"type": "hardware", "description": huge, "contactEmail": "ana@example.com"})
            .to_string();
    expect_invalid(
        "big.ndjson",
        &ndjson_around(record.as_bytes()),
        &[("big.ndjson:2", "larger than 1 MiB")],
        &[1, 2],
    );
    expect_invalid(
        "big.json",
        &array_around(record.as_bytes()),
        &[("big.json:#2", "larger than 1 MiB")],
        &[1, 2],
    );
    expect_invalid(
        "big.csv",
        &csv_around(format!("good-9,hardware,{huge},ana@example.com\n").as_bytes()),
        &[("big.csv:3", "larger than 1 MiB")],
        &[1, 2],
    );
    let pretty = serde_json::to_string_pretty(&good(1)).unwrap();
    let doc = format!(
        "{pretty}\n{{\n  \"description\": \"{huge}\"\n}}\n{}",
        line(2)
    );
    expect_invalid(
        "big-pretty.json",
        doc.as_bytes(),
        &[("big-pretty.json:7", "larger than 1 MiB")],
        &[1, 2],
    );
}

/// The 10 MiB record on stdin: while the process waits for more input after it, its peak
/// memory is a small multiple of the 1 MiB record limit, not of the record.
#[cfg(target_os = "linux")]
#[test]
fn a_10_mib_record_on_stdin_does_not_grow_memory() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let server = StandIn::start();
    let env = TestEnv::new();
    let huge = "x".repeat(10 << 20);
    let record =
        json!({"type": "hardware", "description": huge, "contactEmail": "ana@example.com"})
            .to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcnotify"))
        .env_clear()
        .env("HOME", env.home())
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("MAILINGCORE_BASE_URL", server.url())
        .env("MAILINGCORE_API_KEY", KEY)
        .env("MCNOTIFY_TO", HELPDESK)
        .args(["send", "--file", "-"])
        .current_dir(env.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "{}\n{record}\n{}", line(1), line(2)).unwrap();
    stdin.flush().unwrap();
    // good-2 comes after the big record: once it is sent, the big one has been read.
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.accepted().len() < 2 {
        assert!(Instant::now() < deadline, "good-2 was not sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    let peak = vm_hwm_kib(child.id());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(
        stderr.contains("-:2: the record is larger than 1 MiB"),
        "{stderr}"
    );
    assert_eq!(sent_codes(&server), goods(&[1, 2]));
    println!("peak memory after a 10 MiB record: {peak} KiB");
    assert!(
        peak < 48 * 1024,
        "peak memory {peak} KiB for a 10 MiB record"
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = "[".repeat(100_000);
    let (r, server) = send_file("deep.json", deep.as_bytes(), &[]);
    assert_eq!(r.code, 65, "{}", r.all());
    assert_eq!(errors(&r).len(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("deep.json:#1: truncated JSON"),
        "{}",
        r.stderr
    );
    assert!(server.requests().is_empty());
    expect_invalid(
        "deep.ndjson",
        &ndjson_around(deep.as_bytes()),
        &[("deep.ndjson:2", "recursion limit exceeded")],
        &[1, 2],
    );
    let balanced = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    expect_invalid(
        "balanced.json",
        &array_around(balanced.as_bytes()),
        &[("balanced.json:#2", "recursion limit exceeded")],
        &[1, 2],
    );
    let objects = format!(
        "{{\"type\": \"hardware\", \"description\": \"d\", \"contactEmail\": \"ana@example.com\", \"x\": {}1{}}}",
        "{\"a\":".repeat(100_000),
        "}".repeat(100_000)
    );
    expect_invalid(
        "objects.ndjson",
        &ndjson_around(objects.as_bytes()),
        &[("objects.ndjson:2", "recursion limit exceeded")],
        &[1, 2],
    );
}

#[test]
fn csv_with_unbalanced_quotes_names_the_row() {
    // A quote left open runs to the end of the file: the row is refused with a hint;
    // what followed it is inside the open quote and cannot be told apart.
    expect_invalid(
        "open.csv",
        &csv_around(b"good-9,hardware,\"Card reader,ana@example.com\n"),
        &[("open.csv:3", "is a quote left open?")],
        &[1],
    );
    // Too many cells.
    expect_invalid(
        "wide.csv",
        &csv_around(b"good-9,hardware,Card \"reader\", broken,ana@example.com\n"),
        &[("wide.csv:3", "the row has 5 fields; the header has 4")],
        &[1, 2],
    );
    // A quote in the middle of a cell is taken as written.
    let (r, server) = send_file(
        "stray.csv",
        &csv_around(b"good-3,hardware,Card 5\" reader,ana@example.com\n"),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(sent_codes(&server), goods(&[1, 2, 3]));
    // An open quote in the header row.
    let (r, server) = send_file(
        "header.csv",
        &[b"\"".as_slice(), &csv_around(b"")].concat(),
        &[],
    );
    assert_eq!(r.code, 65, "{}", r.all());
    assert!(
        r.stderr.contains("header.csv:1: CSV header row") && r.stderr.contains("quote left open"),
        "{}",
        r.stderr
    );
    assert!(server.requests().is_empty());
}

const MARKUP: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>";

fn assert_no_markup(html: &str) {
    for raw in ["<script", "<img", "\"'><", "' onerror"] {
        assert!(!html.contains(raw), "{raw} in {html}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&quot;&#x27;&gt;&lt;img"));
}

#[test]
fn markup_in_every_field_is_escaped_in_the_html_body() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let doc = json!({
        "code": MARKUP,
        "type": MARKUP,
        "location": MARKUP,
        "description": MARKUP,
        // A quoted local part may hold markup and still be a valid address.
        "contactEmail": "\"<script>alert(1)</script>\"@example.com",
        "contactName": MARKUP,
        "conversationId": MARKUP,
        "userId": MARKUP,
        "locale": MARKUP,
        MARKUP: MARKUP,
    });
    let file = env.write("markup.json", &doc.to_string());
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--source", MARKUP, "--field"])
        .arg(format!("{MARKUP}={MARKUP}"))
        .arg("--file")
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    let html = body["htmlBody"].as_str().unwrap();
    assert_no_markup(html);
    assert!(html.contains("&quot;&lt;script&gt;alert(1)&lt;&#x2f;script&gt;&quot;@example.com"));
    // Once per shown value: code, type, location, description, name, conversation, the
    // extra field's name and value, and the flag's.
    assert_eq!(html.matches("&lt;img src=x").count(), 9, "{html}");
    assert!(body["textBody"].as_str().unwrap().contains(MARKUP));

    // User templates are escaped too, in attributes as in text.
    env.write(
        "tpl/body.html",
        "<a title=\"{{ description }}\" href='{{ location }}'>{{ code }}</a>\
         {% for f in fields %}<b data-{{ loop.index }}=\"{{ f.name }}\">{{ f.value }}</b>{% endfor %}",
    );
    let r = run(env
        .cmd(&server.url())
        .args([
            "send",
            "--template-dir",
            "tpl",
            "--idempotency-key",
            "tpl-1",
            "--file",
        ])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let html = server.accepted()[1].body["htmlBody"]
        .as_str()
        .unwrap()
        .to_string();
    assert_no_markup(&html);
    assert_eq!(html.matches("&lt;img src=x").count(), 5, "{html}");
}

/// Run `preview` (no key, no network) with `args`; expect 78 and `words` on stderr.
fn expect_config_error(env: &TestEnv, args: &[&str], words: &[&str]) -> Run {
    let server = StandIn::start();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env.cmd(&server.url()).args(args).arg("--file").arg(&file));
    assert_eq!(r.code, 78, "{args:?}: {}", r.all());
    for w in words {
        assert!(r.stderr.contains(w), "{args:?}: {w:?} not in {}", r.stderr);
    }
    assert!(server.requests().is_empty(), "{args:?}");
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    r
}

#[test]
fn broken_or_missing_templates_exit_78_naming_the_file() {
    let env = TestEnv::new();
    let dir = |name: &str| env.dir.path().join(name).display().to_string();
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("nowhere")],
        &["template directory", "nowhere"],
    );
    fs::create_dir_all(env.dir.path().join("empty")).unwrap();
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("empty")],
        &["empty", "has none of subject.txt, body.html, body.txt"],
    );
    env.write("syntax/body.html", "{% if code %}<p>{{ code }}</p>\n");
    expect_config_error(
        &env,
        &["preview", "--template-dir", &dir("syntax")],
        &["syntax/body.html", "syntax error"],
    );
    env.write("brace/subject.txt", "[Incident] {{ code }\n");
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("brace")],
        &["brace/subject.txt", "syntax error"],
    );
    fs::create_dir_all(env.dir.path().join("latin1")).unwrap();
    fs::write(
        env.dir.path().join("latin1/body.txt"),
        b"Caf\xe9 {{ code }}\n",
    )
    .unwrap();
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("latin1")],
        &["latin1/body.txt", "UTF-8"],
    );
    fs::create_dir_all(env.dir.path().join("dir/body.html")).unwrap();
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("dir")],
        &["dir/body.html"],
    );
    env.write("unknown/body.txt", "{{ code }} {{ machine_kode }}\n");
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("unknown")],
        &["unknown/body.txt", "machine_kode"],
    );
    // A filter that does not exist is found when the template renders.
    env.write("filter/es/subject.txt", "{{ code | shout }}\n");
    expect_config_error(
        &env,
        &["send", "--template-dir", &dir("filter"), "--locale", "es"],
        &["filter/es/subject.txt", "shout"],
    );
    // From the config file, relative to it.
    let config = env.write("conf/config.toml", "template_dir = \"templates\"\n");
    expect_config_error(
        &env,
        &["--config", &config.display().to_string(), "send"],
        &["conf/templates"],
    );
}

#[test]
fn config_files_that_are_not_toml_or_name_no_such_profile_exit_78() {
    let env = TestEnv::new();
    let path = |name: &str, contents: &[u8]| {
        let p = env.dir.path().join(name);
        fs::write(&p, contents).unwrap();
        p.display().to_string()
    };
    let json = path("config.json", br#"{"to": "helpdesk@example.com"}"#);
    expect_config_error(&env, &["--config", &json, "send"], &["config.json", "TOML"]);
    let binary = path("binary.toml", b"\xff\xfe\0\x01 garbage");
    expect_config_error(&env, &["--config", &binary, "send"], &["binary.toml"]);
    let typed = path("typed.toml", b"to = 5\n");
    expect_config_error(&env, &["--config", &typed, "send"], &["typed.toml"]);
    let profiles = path(
        "profiles.toml",
        b"to = \"helpdesk@example.com\"\n[profile.night]\nfrom_name = \"Night desk\"\n",
    );
    expect_config_error(
        &env,
        &["--config", &profiles, "--profile", "nigth", "send"],
        &["\"nigth\"", "profiles.toml", "night"],
    );
    expect_config_error(
        &env,
        &["--profile", "night", "send"],
        &["\"night\"", "no config file"],
    );
    // The same file given by the environment.
    let server = StandIn::start();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .cmd(&server.url())
        .env("MCNOTIFY_CONFIG", &json)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.stderr.contains("config.json"), "{}", r.stderr);
    assert!(server.requests().is_empty());
}

fn key_file(dir: &Path, name: &str, contents: &[u8]) -> String {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    fs::write(&p, contents).unwrap();
    fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
    p.display().to_string()
}

#[test]
fn key_files_are_trimmed_but_empty_or_broken_keys_exit_78() {
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let send = |path: &str| {
        let server = StandIn::start();
        let r = run(env
            .cmd(&server.url())
            .env_remove("MAILINGCORE_API_KEY")
            .args(["--api-key-file", path, "send", "--file"])
            .arg(&file));
        (r, server)
    };
    let dir = env.dir.path();
    for (name, contents) in [
        ("newline.key", format!("{KEY}\n")),
        ("crlf.key", format!("{KEY}\r\n")),
        ("padded.key", format!("  \n{KEY}\t \n\n")),
        ("bom.key", format!("\u{feff}{KEY}\n")),
    ] {
        let (r, server) = send(&key_file(dir, name, contents.as_bytes()));
        assert_eq!(r.code, 0, "{name}: {}", r.all());
        assert_eq!(
            server.sends()[0].header("authorization"),
            Some(format!("Bearer {KEY}").as_str()),
            "{name}"
        );
    }
    let (first, second) = KEY.split_at(12);
    for (name, contents, words) in [
        ("empty.key", String::new(), "is empty"),
        ("blank.key", " \n\n".to_string(), "is empty"),
        ("space.key", format!("{first} {second}\n"), "whitespace"),
        ("wrapped.key", format!("{first}\n{second}\n"), "line break"),
    ] {
        let path = key_file(dir, name, contents.as_bytes());
        let (r, server) = send(&path);
        assert_eq!(r.code, 78, "{name}: {}", r.all());
        assert!(
            r.stderr.contains(name) && r.stderr.contains(words),
            "{name}: {}",
            r.stderr
        );
        assert!(server.requests().is_empty(), "{name}");
    }
}

/// 1 000 000 records on stdin through `send --dry-run`: the peak memory near the end is
/// about what 1 000 records take. Slow in a debug build: run it with
/// `cargo test --release --test cli hostile -- --ignored --nocapture`.
#[cfg(target_os = "linux")]
#[test]
#[ignore]
fn a_million_records_on_stdin_keep_memory_flat() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    use std::time::Instant;

    let env = TestEnv::new();
    let peak_after = |records: usize| -> (u64, std::time::Duration) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mcnotify"))
            .env_clear()
            .env("HOME", env.home())
            .env("XDG_CONFIG_HOME", env.home().join(".config"))
            .env("XDG_STATE_HOME", env.home().join(".local/state"))
            .env("MAILINGCORE_API_KEY", KEY)
            .env("MCNOTIFY_TO", HELPDESK)
            .args(["send", "--dry-run", "--file", "-"])
            .current_dir(env.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut stdin = std::io::BufWriter::new(child.stdin.take().unwrap());
        for i in 0..records {
            writeln!(
                stdin,
                r#"{{"code":"c{i}","type":"hardware","location":"Albacenter Mall","description":"Card reader rejects every card","contactEmail":"ana@example.com","conversationId":"conv_{i}"}}"#
            )
            .unwrap();
        }
        stdin.flush().unwrap();
        // Give the process time to take in what is in the pipe, then read its peak
        // while it still waits for the end of the input.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let peak = vm_hwm_kib(child.id());
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(
            stderr.contains(&format!("{records} would be sent")),
            "{stderr}"
        );
        (peak, started.elapsed())
    };
    let (small, small_time) = peak_after(1_000);
    let (large, large_time) = peak_after(1_000_000);
    println!(
        "peak memory: {small} KiB after 1 000 records ({small_time:.1?}), \
         {large} KiB after 1 000 000 records ({large_time:.1?})"
    );
    assert!(
        large < small + 8 * 1024,
        "memory grew from {small} KiB to {large} KiB"
    );
}

/// Incidents whose keys used to collide (a `{code}` typed inside a value, a separator
/// inside a value, 30-digit conversation ids read through a float) each get their own
/// key and their own email; a huge or control-laden conversation id gives a short,
/// printable key.
#[test]
fn incidents_whose_keys_used_to_collide_each_get_an_email() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let config = env.write(
        "config.toml",
        "idempotency_key = \"mail-{contactEmail}-{code}\"\n",
    );
    let records = [
        json!({"code": "5859", "type": "t", "description": "d", "contactEmail": "{code}@example.com"}),
        json!({"code": "5859", "type": "t", "description": "d", "contactEmail": "5859@example.com"}),
        json!({"code": "b-5859", "type": "t", "description": "d", "contactEmail": "a@example.com"}),
        json!({"code": "5859", "type": "t", "description": "d", "contactEmail": "a-b@example.com"}),
    ];
    let file = env.write(
        "collide.ndjson",
        &records.iter().map(|r| format!("{r}\n")).collect::<String>(),
    );
    let r = run(env
        .cmd(&server.url())
        .arg("--config")
        .arg(&config)
        .args(["send", "--file"])
        .arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let keys = server.accepted_by_key();
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(keys.values().all(|&n| n == 1), "{keys:?}");

    // Numbers as written: no float in between.
    let server = StandIn::start();
    let numbers = concat!(
        "{\"conversationId\": 123456789012345678901234567890, \"type\": \"t\", \"description\": \"d\", \"contactEmail\": \"a@example.com\"}\n",
        "{\"conversationId\": 123456789012345678901234567891, \"type\": \"t\", \"description\": \"d\", \"contactEmail\": \"a@example.com\"}\n",
        "{\"conversationId\": 1.2345678901234568e+29, \"type\": \"t\", \"description\": \"d\", \"contactEmail\": \"a@example.com\"}\n",
    );
    let file = env.write("numbers.ndjson", numbers);
    let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let keys: Vec<String> = server.accepted_by_key().into_keys().collect();
    assert_eq!(
        keys,
        [
            "botpress-1.2345678901234568e+29-incident",
            "botpress-123456789012345678901234567890-incident",
            "botpress-123456789012345678901234567891-incident",
        ]
    );
    let ids: Vec<String> = server
        .accepted()
        .iter()
        .map(|a| {
            a.body["metadata"]["conversationId"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        ids.contains(&"123456789012345678901234567891".to_string()),
        "{ids:?}"
    );

    // A 100 000-character id and an id with ESC and CR/LF: bounded, printable keys.
    let server = StandIn::start();
    let long = "c".repeat(100_000);
    let r = run(env.cmd(&server.url()).args([
        "send",
        "--type",
        "t",
        "--description",
        "d",
        "--contact-email",
        "a@example.com",
        "--conversation-id",
        &long,
    ]));
    assert_eq!(r.code, 0, "{}", r.all());
    let r = run(env.cmd(&server.url()).args([
        "send",
        "--type",
        "t",
        "--description",
        "d",
        "--contact-email",
        "a@example.com",
        "--conversation-id",
        "conv\x1b[2J\r\nX",
    ]));
    assert_eq!(r.code, 0, "{}", r.all());
    let keys: Vec<String> = server.accepted_by_key().into_keys().collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    for key in keys {
        assert!(key.len() <= 256, "{} bytes", key.len());
        assert!(key.chars().all(|c| (' '..='~').contains(&c)), "{key:?}");
    }
}

/// The binary with `args` against `server`, stdin and stderr piped.
#[cfg(target_os = "linux")]
fn spawn_piped(env: &TestEnv, server: &StandIn, args: &[&str]) -> std::process::Child {
    use std::process::{Command, Stdio};
    Command::new(env!("CARGO_BIN_EXE_mcnotify"))
        .env_clear()
        .env("HOME", env.home())
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("MAILINGCORE_BASE_URL", server.url())
        .env("MAILINGCORE_API_KEY", KEY)
        .env("MCNOTIFY_TO", HELPDESK)
        .args(args)
        .current_dir(env.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// On a thread: write `head`, `body` `times` times, then `tail` (a write error ends the
/// writing: the process stopped reading); the open stdin is handed back.
#[cfg(target_os = "linux")]
fn feed(
    mut stdin: std::process::ChildStdin,
    head: String,
    times: usize,
    tail: String,
) -> std::thread::JoinHandle<std::process::ChildStdin> {
    use std::io::Write;
    static CHUNK: [u8; 1 << 16] = [b'x'; 1 << 16];
    std::thread::spawn(move || {
        let _ = (|| -> std::io::Result<()> {
            stdin.write_all(head.as_bytes())?;
            for _ in 0..times {
                stdin.write_all(&CHUNK)?;
            }
            stdin.write_all(tail.as_bytes())?;
            stdin.flush()
        })();
        stdin
    })
}

/// A 40 MiB single-row CSV between two good rows: refused as over 1 MiB and read
/// through without holding it, so peak memory stays a small multiple of the limit.
#[cfg(target_os = "linux")]
#[test]
fn a_huge_csv_row_is_refused_in_bounded_memory() {
    use std::time::{Duration, Instant};
    let server = StandIn::start();
    let env = TestEnv::new();
    let mut child = spawn_piped(
        &env,
        &server,
        &["send", "--file", "-", "--format-in", "csv"],
    );
    let head = format!("{CSV_HEADER}{}good-9,hardware,", csv_row(1));
    let tail = format!(",ana@example.com\n{}", csv_row(2));
    let writer = feed(child.stdin.take().unwrap(), head, 640, tail);
    // good-2 comes after the big row: once it is sent, the big one has been read.
    let deadline = Instant::now() + Duration::from_secs(60);
    while server.accepted().len() < 2 {
        assert!(Instant::now() < deadline, "good-2 was not sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    let peak = vm_hwm_kib(child.id());
    drop(writer.join().unwrap());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("peak memory after a 40 MiB CSV row: {peak} KiB");
    assert_eq!(out.status.code(), Some(65), "{stderr}");
    assert!(
        stderr.contains("-:3: the record is larger than 1 MiB"),
        "{stderr}"
    );
    assert_eq!(sent_codes(&server), goods(&[1, 2]));
    assert!(peak < 32 * 1024, "peak memory {peak} KiB for a 40 MiB row");
}

/// A record that does not end (`x` for 200 MiB, in each format) stops the reading of its
/// file 64 MiB past the record limit, with memory flat; the record before it is sent and
/// the next file is read. Memory is read while the process waits on that next file (a
/// FIFO).
#[cfg(target_os = "linux")]
#[test]
fn a_record_that_does_not_end_stops_its_file_in_bounded_memory() {
    use std::os::unix::fs::OpenOptionsExt;
    use std::time::{Duration, Instant};
    // A top-level JSON document (a Tables page) may be held up to 64 MiB; a record 1 MiB.
    for (format, head, limit_mib) in [
        ("csv", format!("{CSV_HEADER}{}x", csv_row(1)), 32),
        ("ndjson", format!("{}\n{{\"description\": \"", line(1)), 32),
        ("json", format!("[{},\n{{\"description\": \"", line(1)), 32),
        (
            "json",
            format!("{}\n{{\"description\": \"", line(1)),
            64 + 32,
        ),
    ] {
        let server = StandIn::start();
        let env = TestEnv::new();
        let fifo = env.dir.path().join("next.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo");
        let args = [
            "send",
            "--file",
            "-",
            "--file",
            fifo.to_str().unwrap(),
            "--format-in",
            format,
        ];
        let mut child = spawn_piped(&env, &server, &args);
        let writer = feed(child.stdin.take().unwrap(), head, 3200, String::new());
        // A writer can open the FIFO without blocking once the process is opening it.
        let deadline = Instant::now() + Duration::from_secs(60);
        let next = loop {
            let open = fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(&fifo);
            if let Ok(file) = open {
                break file;
            }
            assert!(
                Instant::now() < deadline,
                "{format}: the next file was not reached"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let peak = vm_hwm_kib(child.id());
        drop(next);
        let out = child.wait_with_output().unwrap();
        drop(writer.join().unwrap());
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{format}: peak memory {peak} KiB");
        assert_eq!(out.status.code(), Some(66), "{format}: {stderr}");
        assert!(
            stderr.contains("cannot read -: a record runs on for more than 64 MiB"),
            "{format}: {stderr}"
        );
        assert_eq!(sent_codes(&server), goods(&[1]), "{format}");
        assert!(peak < limit_mib * 1024, "{format}: peak memory {peak} KiB");
    }
}

/// `/dev/zero` as the input, in every format: refused at once as binary data.
#[test]
fn dev_zero_as_input_is_refused_at_once_in_every_format() {
    let server = StandIn::start();
    let env = TestEnv::new();
    for format in ["auto", "json", "ndjson", "csv"] {
        let started = std::time::Instant::now();
        let mut cmd = env.cmd(&server.url());
        cmd.args(["send", "--file", "/dev/zero"]);
        if format != "auto" {
            cmd.args(["--format-in", format]);
        }
        let r = run(cmd.timeout(std::time::Duration::from_secs(30)));
        assert_eq!(r.code, 65, "{format}: {}", r.all());
        assert!(
            r.stderr
                .contains("/dev/zero:1: the file starts with a NUL byte"),
            "{format}: {}",
            r.stderr
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{format}"
        );
    }
    assert!(server.requests().is_empty());
}

/// No control character but line feed and tab in `text`, and the escaped form of ESC
/// shows where one was.
fn assert_no_raw_controls(what: &str, text: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        .collect();
    assert!(raw.is_empty(), "{what}: raw {raw:?} in {text:?}");
}

/// ESC sequences, CR, backspace, BEL, DEL and a C1 CSI in every field and in a file
/// name reach no terminal raw: send lines, errors, `-v` notes, `outbox list/show`,
/// `preview --format text/html` and the check-quota line escape them; `--json` and
/// `preview --format json` keep them exactly.
#[test]
fn control_characters_in_incident_data_are_escaped_on_the_terminal() {
    let hostile = |name: &str| format!("{name}\x1b[2J\x1b]0;owned\x07\rfake\x08\x7f\u{9b}31m");
    let record = json!({
        "code": hostile("5859"),
        "type": hostile("hardware"),
        "location": hostile("Mall"),
        "description": hostile("Card reader"),
        "contactEmail": "ana@example.com",
        "contactName": hostile("Ana"),
        "conversationId": hostile("conv"),
        "floor": hostile("2"),
    });
    let server = StandIn::start();
    let env = TestEnv::new();
    let name = "in\x1b[31m\r.ndjson";
    let file = env.write(name, &format!("{record}\n{{\"code\": \"x\"}}\n"));
    let fast = ["--retries", "0", "--timeout", "2", "--retry-max-time", "2"];

    let r = run(env
        .cmd(&server.url())
        .args(["send", "-v", "--file"])
        .arg(&file));
    assert_eq!(r.code, 65, "{}", r.all());
    assert_eq!(server.accepted().len(), 1);
    assert!(r.stdout.contains("sent 5859\\x1b[2J"), "{}", r.stdout);
    assert!(
        r.stderr.contains("in\\x1b[31m\\r.ndjson:2: "),
        "{}",
        r.stderr
    );
    assert_no_raw_controls("send", &r.all());

    let r = run(env
        .cmd(&server.url())
        .args(["send", "--json", "--dry-run", "--file"])
        .arg(&file));
    let first = &crate::support::harness::json_lines(r.stdout.as_bytes())[0];
    assert_eq!(
        first["request"]["metadata"]["incidentCode"],
        hostile("5859")
    );
    assert!(first["origin"]
        .as_str()
        .unwrap()
        .ends_with(&format!("{name}:1")));

    for format in ["text", "html"] {
        let r = run(env
            .cmd(&server.url())
            .args(["preview", "--format", format, "--file"])
            .arg(&file));
        assert!(r.stdout.contains("\\x1b[2J"), "{format}: {}", r.stdout);
        assert_no_raw_controls(format, &r.all());
    }
    let r = run(env
        .cmd(&server.url())
        .args(["preview", "--format", "json", "--file"])
        .arg(&file));
    assert!(r.stdout.contains('\u{7f}') && r.stdout.contains('\u{9b}'));

    // Kept in the outbox: list and show escape, `--json` does not.
    let down = StandIn::start();
    down.set_down(true);
    let r = run(env
        .cmd(&down.url())
        .args(["send"])
        .args(fast)
        .arg("--file")
        .arg(&file));
    assert_eq!(r.code, 65, "{}", r.all());
    assert_eq!(env.outbox_entries().len(), 1, "{}", r.all());
    assert_no_raw_controls("deferred send", &r.all());
    let r = run(env.cmd(&down.url()).args(["outbox", "list"]));
    assert!(r.stdout.contains("\\x1b[2J"), "{}", r.stdout);
    assert_no_raw_controls("outbox list", &r.all());
    let r = run(env.cmd(&down.url()).args(["outbox", "list", "--json"]));
    let listed = crate::support::harness::json_lines(r.stdout.as_bytes());
    let id = listed[0]["id"].as_str().unwrap().to_string();
    assert!(listed[0]["subject"].as_str().unwrap().contains('\x1b'));
    let r = run(env.cmd(&down.url()).args(["outbox", "show", &id]));
    assert!(r.stdout.contains("\\u{9b}"), "{}", r.stdout);
    assert_no_raw_controls("outbox show", &r.all());

    // The check-quota line names the tenant it looked for.
    let r = run(env.cmd(&crate::support::harness::closed_port()).args([
        "--tenant-id",
        &hostile("t"),
        "check-quota",
        "--timeout",
        "1",
    ]));
    assert_eq!(r.code, 3, "{}", r.all());
    assert!(r.stdout.contains("t\\x1b[2J"), "{}", r.stdout);
    assert_no_raw_controls("check-quota", &r.all());
}

/// An internationalised domain is sent in its ASCII form; a local part outside ASCII
/// (which needs SMTPUTF8, not documented by MailingCore) is refused naming the field.
#[test]
fn internationalised_addresses_send_the_domain_in_ascii_and_refuse_a_non_ascii_local_part() {
    let mut idn = good(1);
    idn["contactEmail"] = json!("ana@bücher.example");
    let mut local = good(9);
    local["contactEmail"] = json!("josé@example.com");
    let doc = format!("{idn}\n{local}\n{}\n", line(2));
    let (r, server) = send_file("idn.ndjson", doc.as_bytes(), &[]);
    assert_eq!(r.code, 65, "{}", r.all());
    let errors = errors(&r);
    assert_eq!(errors.len(), 1, "{}", r.stderr);
    assert!(
        errors[0].starts_with("idn.ndjson:2: contact email \"josé@example.com\"")
            && errors[0].contains("not ASCII"),
        "{}",
        errors[0]
    );
    assert_eq!(sent_codes(&server), goods(&[1, 2]));
    let first = server
        .accepted()
        .into_iter()
        .find(|a| a.body["metadata"]["incidentCode"] == "good-1")
        .unwrap();
    assert_eq!(first.body["replyTo"], "ana@xn--bcher-kva.example");
}

/// Template syntax typed into values is data: printed as typed, never evaluated.
#[test]
fn template_syntax_inside_values_is_printed_literally() {
    let typed = "{{ 7*7 }} {% raw %}x{% endraw %} {# c #} {{ to }}";
    let mut record = good(1);
    record["description"] = json!(typed);
    record["location"] = json!("{{ 7*7 }}");
    record["floor"] = json!("{% if true %}yes{% endif %}");
    let (r, server) = send_file("tpl.ndjson", format!("{record}\n").as_bytes(), &[]);
    assert_eq!(r.code, 0, "{}", r.all());
    let body = &server.accepted()[0].body;
    let text = body["textBody"].as_str().unwrap();
    let html = body["htmlBody"].as_str().unwrap();
    for part in [text, html] {
        assert!(part.contains(typed), "{part}");
        assert!(part.contains("{% if true %}yes{% endif %}"), "{part}");
        assert!(!part.contains("49"), "{part}");
    }
    assert_eq!(body["subject"], "[Incident] Code good-1 — {{ 7*7 }}");
}

/// 3 000 `--field` and 3 000 `--tag` flags: all of them go out, in order, quickly.
#[test]
fn thousands_of_field_and_tag_flags_all_go_out() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let mut cmd = env.cmd(&server.url());
    cmd.args([
        "send",
        "--type",
        "hardware",
        "--description",
        "d",
        "--contact-email",
        "ana@example.com",
    ]);
    for i in 0..3000 {
        cmd.arg("--field").arg(format!("k{i}=v{i}"));
        cmd.arg("--tag").arg(format!("t{i}"));
    }
    let started = std::time::Instant::now();
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    let body = &server.accepted()[0].body;
    let tags = body["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 3000);
    assert_eq!(tags[2999], "t2999");
    let text = body["textBody"].as_str().unwrap();
    assert!(text.contains("k0") && text.contains("v2999"), "{text}");
}

/// Files that are not UTF-8 text of a format mcnotify reads: a `;`-separated CSV,
/// UTF-16 with and without a BOM, gzip and ZIP. Each is named with what it is.
#[test]
fn other_encodings_compressed_files_and_semicolon_csv_are_named() {
    let utf16 = |text: &str, big: bool, bom: bool| -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if big { [0xFE, 0xFF] } else { [0xFF, 0xFE] });
        }
        for unit in text.encode_utf16() {
            out.extend(if big {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let ndjson = format!("{}\n{}\n", line(1), line(2));
    let csv = format!("{CSV_HEADER}{}", csv_row(1));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "semi.csv",
            "code;type;description;contactEmail\ngood-1;hardware;d;ana@example.com\n".into(),
            "looks separated by semicolons",
        ),
        (
            "tabs.txt",
            "code\ttype\tdescription\tcontactEmail\ngood-1\thardware\td\tana@example.com\n".into(),
            "looks separated by tabs",
        ),
        ("le-bom.ndjson", utf16(&ndjson, false, true), "is UTF-16"),
        ("be-bom.csv", utf16(&csv, true, true), "is UTF-16"),
        (
            "le.json",
            utf16(&ndjson, false, false),
            "looks like UTF-16 without a byte order mark",
        ),
        (
            "be.csv",
            utf16(&csv, true, false),
            "looks like UTF-16 without a byte order mark",
        ),
        (
            "export.ndjson.gz",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\x56\x4a".to_vec(),
            "gzip-compressed",
        ),
        (
            "export.xlsx",
            b"PK\x03\x04\x14\x00\x06\x00".to_vec(),
            "ZIP archive",
        ),
    ];
    for (name, bytes, words) in cases {
        let (r, server) = send_file(name, &bytes, &[]);
        assert_eq!(r.code, 65, "{name}: {}", r.all());
        let errors = errors(&r);
        assert_eq!(errors.len(), 1, "{name}: {}", r.stderr);
        assert!(
            errors[0].starts_with(&format!("{name}:1: ")) && errors[0].contains(words),
            "{name}: {}",
            errors[0]
        );
        assert!(server.requests().is_empty(), "{name}");
    }
}

/// A config path that is a directory (or a FIFO) stops the run with 78 naming it.
#[test]
fn a_config_path_that_is_a_directory_exits_78_naming_it() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let dir = env.dir.path().join("conf.d");
    fs::create_dir(&dir).unwrap();
    let fifo = env.dir.path().join("conf.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    for (path, kind) in [(&dir, "a directory"), (&fifo, "a FIFO (named pipe)")] {
        for args in [vec!["send", "--code", "1"], vec!["verify-key"]] {
            let r = run(env
                .cmd(&server.url())
                .arg("--config")
                .arg(path)
                .args(&args)
                .timeout(std::time::Duration::from_secs(20)));
            assert_eq!(r.code, 78, "{args:?}: {}", r.all());
            let words = format!("the config file {} is {kind}", path.display());
            assert!(r.stderr.contains(&words), "{}", r.stderr);
        }
    }
    assert!(server.requests().is_empty());
}

/// A journal that is a FIFO (nothing ever writes it) cannot hang `check-quota`: past
/// `--timeout` and a second it answers UNKNOWN, in text and in JSON.
#[cfg(unix)]
#[test]
fn check_quota_answers_unknown_within_its_timeout_whatever_hangs() {
    use std::time::{Duration, Instant};
    let env = TestEnv::new();
    fs::create_dir_all(env.state_dir()).unwrap();
    let journal = env.state_dir().join("journal.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&journal)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    for json in [false, true] {
        let started = Instant::now();
        let mut cmd = env.cmd(&crate::support::harness::closed_port());
        if json {
            cmd.arg("--json");
        }
        let r = run(cmd
            .args(["check-quota", "--timeout", "1"])
            .timeout(Duration::from_secs(30)));
        let took = started.elapsed();
        assert_eq!(r.code, 3, "{}", r.all());
        assert!(took < Duration::from_secs(5), "took {took:?}");
        if json {
            let report = &crate::support::harness::json_lines(r.stdout.as_bytes())[0];
            assert_eq!(report["state"], "UNKNOWN");
            assert!(report["reason"].as_str().unwrap().contains("--timeout"));
        } else {
            assert!(
                r.stdout
                    .starts_with("QUOTA UNKNOWN - no answer within --timeout"),
                "{}",
                r.stdout
            );
        }
    }
}
