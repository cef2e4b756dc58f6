//! The key never leaves the `Authorization` header: not in any output at any verbosity,
//! preview, outbox, journal or error; `http://` to remote hosts is refused; shared files
//! are warned about and the state directory is private.

use std::fs;
use std::path::Path;
use std::time::Duration;

use crate::support::harness::{closed_port, run, TestEnv, GUIDE_INCIDENT, KEY};
use crate::support::standin::{ErrorStyle, Fault, StandIn};

/// The key's secret middle: what a leak would show even if the prefix were trimmed.
const KEY_MIDDLE: &str = "0123456789abcdefghij";

fn scan(dir: &Path, found: &mut Vec<String>) {
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            scan(&path, found);
        } else if let Ok(bytes) = fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            if text.contains(KEY) || text.contains(KEY_MIDDLE) {
                found.push(path.display().to_string());
            }
        }
    }
}

#[test]
fn the_key_appears_in_no_output_and_no_file() {
    let server = StandIn::start();
    let elsewhere = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let batch = env.write(
        "batch.ndjson",
        &(1..=3)
            .map(|i| {
                format!(
                    "{{\"conversationId\":\"c{i}\",\"machineCode\":\"{i}\",\"incidentType\":\"t\",\"description\":\"d\",\"contactEmail\":\"u{i}@example.com\"}}\n"
                )
            })
            .collect::<String>(),
    );
    let fast = ["--retries", "1", "--retry-max-time", "2", "--timeout", "1"];
    let faults: Vec<Vec<Fault>> = vec![
        vec![],
        vec![Fault::Reset, Fault::ResetAfterAccept],
        vec![Fault::Status(500); 4],
        vec![Fault::Status(401)],
        vec![Fault::Status(403)],
        vec![Fault::Status(422)],
        vec![Fault::QuotaExceeded(ErrorStyle::Nest)],
        vec![Fault::QuotaExceeded(ErrorStyle::Rfc7807)],
        vec![Fault::RateLimited {
            reset: Some(Duration::from_secs(1)),
            retry_after: None,
        }],
        vec![Fault::NotJson2xx],
        vec![Fault::Redirect(format!("{}/emails/send", elsewhere.url()))],
        vec![Fault::Hang(Duration::from_secs(5)); 2],
    ];
    let mut outputs = Vec::new();
    for (i, faults) in faults.into_iter().enumerate() {
        for verbosity in ["-q", "-v", "-vv", "--json"] {
            server.push_faults(faults.clone());
            let input = if i % 2 == 0 { &file } else { &batch };
            outputs.push(run(env
                .cmd(&server.url())
                .args(["send", verbosity])
                .args(fast)
                .args(["--code", &format!("{i}{verbosity}"), "--file"])
                .arg(input)));
        }
    }
    server.set_down(true);
    outputs.push(run(env
        .cmd(&server.url())
        .args(["send", "-vv", "--file"])
        .arg(&batch)));
    server.set_down(false);
    for args in [
        vec!["outbox", "list", "-vv"],
        vec!["outbox", "list", "--failed", "--json"],
        vec!["outbox", "flush", "-vv"],
        vec!["check-quota", "-vv"],
        vec!["check-quota", "--json"],
        vec!["verify-key", "-vv"],
        vec!["verify-key", "--json", "--send-test", "ops@example.com"],
    ] {
        outputs.push(run(env.cmd(&server.url()).args(&args)));
    }
    for format in ["text", "html", "json", "curl"] {
        outputs.push(run(env
            .cmd(&server.url())
            .args(["preview", "-vv", "--format", format, "--file"])
            .arg(&file)));
    }
    // A 401 on the real key path and on the offline checks.
    outputs.push(run(env
        .cmd(&closed_port())
        .args(["send", "-vv", "--retries", "0", "--file"])
        .arg(&file)));
    for out in &outputs {
        assert!(!out.all().contains(KEY_MIDDLE), "leak: {}", out.all());
    }
    assert!(outputs.iter().any(|o| o.stderr.contains("mc_test_…klmn")));
    // Every file the runs wrote: outbox, failed/, journal, config, everything.
    let mut found = Vec::new();
    scan(&env.home(), &mut found);
    assert!(found.is_empty(), "the key is in {found:?}");
    assert!(!env.outbox_entries().is_empty() || !env.failed_entries().is_empty());
    assert!(!env.journal().is_empty());
    assert!(elsewhere.requests().is_empty());
}

#[test]
fn debug_and_panic_paths_redact_the_key() {
    // A config that names the key inline, then a failing run at -vv: the error path.
    let env = TestEnv::new();
    let config = env.write(
        "config.toml",
        &format!("api_key = \"{KEY}\"\nto = \"h@example.com\"\n"),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    }
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let r = run(env
        .bare()
        .env("MAILINGCORE_BASE_URL", closed_port())
        .arg("--config")
        .arg(&config)
        .args(["send", "-vv", "--retries", "0", "--file"])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    assert!(
        r.stderr.contains("config file holding api_key"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("readable by others"), "{}", r.stderr);
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_anything_is_sent() {
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    for url in [
        "http://api.mailingcore.com",
        "http://10.0.0.7:8080",
        "http://localhost.evil.example",
    ] {
        for cmd in [vec!["send", "--file"], vec!["verify-key", "--send-test"]] {
            let mut c = env.cmd(url);
            c.args(&cmd);
            if cmd[0] == "send" {
                c.arg(&file);
            } else {
                c.arg("ops@example.com");
            }
            let r = run(&mut c);
            assert_eq!(r.code, 78, "{url} {cmd:?}: {}", r.all());
            assert!(r.all().contains("http://"), "{}", r.all());
        }
    }
    // Loopback over http is allowed (local relays and tests).
    for url in ["http://127.0.0.1:9", "http://[::1]:9", "http://localhost:9"] {
        let r = run(env
            .cmd(url)
            .args(["send", "--retries", "0", "--timeout", "1", "--file"])
            .arg(&file));
        assert_eq!(r.code, 75, "{url}: {}", r.all());
    }
}

#[cfg(unix)]
#[test]
fn the_state_directory_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    server.push_faults(vec![Fault::Status(503); 4]);
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--retries", "1", "--retry-max-time", "2", "--file"])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    server.push_fault(Fault::Status(422));
    run(env
        .cmd(&server.url())
        .args(["send", "--code", "other", "--file"])
        .arg(&file));
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let mut checked = 0;
    let mut stack = vec![env.state_dir()];
    while let Some(dir) = stack.pop() {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
        for entry in fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
                checked += 1;
            }
        }
    }
    assert!(
        checked >= 3,
        "outbox entry, failed entry and journal: {checked}"
    );
}

#[cfg(unix)]
#[test]
fn shared_key_and_config_files_are_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let server = StandIn::start();
    let env = TestEnv::new();
    let file = env.write("incident.json", GUIDE_INCIDENT);
    let key = env.write("key", KEY);
    let config = env.write("config.toml", "to = \"h@example.com\"\n");
    let send = |key_mode: u32, config_mode: u32| {
        fs::set_permissions(&key, fs::Permissions::from_mode(key_mode)).unwrap();
        fs::set_permissions(&config, fs::Permissions::from_mode(config_mode)).unwrap();
        run(env
            .bare()
            .env("MAILINGCORE_BASE_URL", server.url())
            .arg("--config")
            .arg(&config)
            .arg("--api-key-file")
            .arg(&key)
            .args(["send", "--file"])
            .arg(&file))
    };
    let quiet = send(0o600, 0o644);
    assert_eq!(quiet.code, 0, "{}", quiet.all());
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
    let shared_key = send(0o644, 0o644);
    assert!(
        shared_key.stderr.contains("key file"),
        "{}",
        shared_key.stderr
    );
    assert!(
        shared_key.stderr.contains("chmod 600"),
        "{}",
        shared_key.stderr
    );
    let writable_config = send(0o600, 0o666);
    assert!(
        writable_config.stderr.contains("writable by others"),
        "{}",
        writable_config.stderr
    );
}

/// Key files that are not regular files (a FIFO with no writer, a socket, `/dev/zero`,
/// a directory) or too large end each command at once with 78 (check-quota: 3 UNKNOWN)
/// naming the file, without reading it whole.
#[cfg(target_os = "linux")]
#[test]
fn key_files_that_are_not_regular_files_fail_fast_naming_the_file() {
    use std::time::Instant;
    let server = StandIn::start();
    let env = TestEnv::new();
    let incident = env.write("incident.json", GUIDE_INCIDENT);
    let fifo = env.dir.path().join("key.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo");
    let dir = env.dir.path().join("key.dir");
    fs::create_dir(&dir).unwrap();
    let big = env.dir.path().join("big.key");
    fs::write(&big, format!("{KEY}\n").repeat(200)).unwrap();
    let socket = env.dir.path().join("key.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
    let cases: [(&Path, &str); 5] = [
        (&fifo, "is a FIFO (named pipe), not a regular file"),
        (&socket, "is a socket, not a regular file"),
        (Path::new("/dev/zero"), "is a device, not a regular file"),
        (&dir, "is a directory, not a regular file"),
        (&big, "is larger than 4 KiB"),
    ];
    for (path, words) in cases {
        for (args, expected) in [
            (vec!["send", "--file", incident.to_str().unwrap()], 78),
            (vec!["check-quota", "--timeout", "2"], 3),
            (vec!["verify-key"], 78),
        ] {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_mcnotify"));
            cmd.env_clear()
                .env("HOME", env.home())
                .env("XDG_CONFIG_HOME", env.home().join(".config"))
                .env("XDG_STATE_HOME", env.home().join(".local/state"))
                .env("MAILINGCORE_BASE_URL", server.url())
                .env("MAILINGCORE_API_KEY_FILE", path)
                .env("MCNOTIFY_TO", "helpdesk@example.com")
                .args(&args)
                .current_dir(env.dir.path());
            let started = Instant::now();
            let crate::support::peak::Measured {
                code,
                stdout,
                stderr,
                peak_kib: peak,
            } = crate::support::peak::run_measured(cmd);
            let took = started.elapsed();
            let all = format!("{stdout}{stderr}");
            let what = format!("{} {}", path.display(), args[0]);
            assert_eq!(code, expected, "{what}: {all}");
            assert!(
                all.contains(&format!("{} {words}", path.display())),
                "{what}: {all}"
            );
            assert!(!all.contains(KEY), "{what}: the key leaked: {all}");
            assert!(took < Duration::from_secs(10), "{what} took {took:?}");
            assert!(peak < 64 * 1024, "{what}: peak memory {peak} KiB");
        }
    }
    assert!(server.sends().is_empty());
}
