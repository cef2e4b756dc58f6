//! The process's life and its state on disk: SIGTERM and SIGHUP mid-run, a closed stderr,
//! SIGKILL at random points, a torn journal line, unsafe state directories, a full or
//! read-only disk, and several runs at once over the same state.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::harness::{incidents, json_lines, ndjson, run, TestEnv, HELPDESK, KEY};
use crate::support::standin::{Fault, StandIn};
use serde_json::Value;

fn key(i: usize) -> String {
    format!("botpress-conv_{i:03}-incident")
}

/// The binary with the test's clean environment, for runs that are signalled or raced.
fn binary(env: &TestEnv, server: &StandIn) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("mcnotify"));
    cmd.env_clear()
        .env("HOME", env.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("MAILINGCORE_BASE_URL", server.url())
        .env("MAILINGCORE_API_KEY", KEY)
        .env("MCNOTIFY_TO", HELPDESK)
        .current_dir(env.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn signal(child: &Child, signal: i32) {
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(rc, 0, "kill {signal}");
}

/// Wait for the child at most `limit`; a run that does not end is killed and fails the test.
fn wait_bounded(mut child: Child, limit: Duration) -> Output {
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the run did not end within {limit:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Every key accepted at most once on the stand-in.
fn accepted_once(server: &StandIn) -> BTreeMap<String, usize> {
    let by_key = server.accepted_by_key();
    assert!(
        by_key.values().all(|&n| n == 1),
        "an email was sent twice: {by_key:?}"
    );
    by_key
}

/// The journal's lines, each of which must parse.
fn journal_lines(env: &TestEnv) -> Vec<Value> {
    let text = fs::read_to_string(env.state_dir().join("journal.jsonl")).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("torn journal line {l:?}: {e}")))
        .collect()
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(read) = fs::read_dir(dir) else {
        return out;
    };
    for item in read.flatten() {
        let path = item.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---------------------------------------------------------------- SIGTERM and SIGHUP

/// A batch of 40 against a slow stand-in, stopped by `sig` once a few sends are under way.
fn send_stopped_by(sig: i32, code: i32) {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.push_faults(vec![Fault::Delay(Duration::from_millis(300)); 40]);
    // Every record may be slow, but the signal stops the batch after a number of requests
    // the test cannot know: the slow answers past that point go unused.
    server.allow_unused_faults();
    let file = env.write("many.ndjson", &ndjson(&incidents(40, 1000)));
    let child = binary(&env, &server)
        .args(["send", "--jobs", "2", "--json", "--file"])
        .arg(&file)
        .spawn()
        .unwrap();
    wait_until("sends under way", Duration::from_secs(20), || {
        server.sends().len() >= 3
    });
    let requested = server.sends().len();
    signal(&child, sig);
    if sig == libc::SIGHUP {
        // A hang-up may come twice (the terminal, then the shell): still a clean end.
        std::thread::sleep(Duration::from_millis(20));
        signal(&child, sig);
    }
    let out = wait_bounded(child, Duration::from_secs(30));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    let lines = json_lines(&out.stdout);
    let sent: Vec<&Value> = lines.iter().filter(|l| l["outcome"] == "sent").collect();
    let not_sent = lines.iter().filter(|l| l["outcome"] == "not-sent").count();
    assert_eq!(lines.len(), sent.len() + not_sent, "{}", text(&out.stdout));
    // The requests in flight finished: at least those started before the signal.
    assert!(
        sent.len() >= requested,
        "{} sent of {requested}",
        sent.len()
    );
    let by_key = accepted_once(&server);
    assert_eq!(
        by_key.len(),
        sent.len(),
        "the stand-in took only what is reported"
    );
    // Each accepted one is journaled.
    let journaled: Vec<String> = journal_lines(&env)
        .iter()
        .filter(|e| e["outcome"] == "sent")
        .map(|e| e["idempotencyKey"].as_str().unwrap().to_string())
        .collect();
    for k in by_key.keys() {
        assert!(journaled.contains(k), "{k} accepted but not journaled");
    }
    // The rest are named: by record in the JSON lines, or as the point to resume from.
    let records: Vec<u64> = lines
        .iter()
        .map(|l| l["record"].as_u64().unwrap())
        .collect();
    assert_eq!(records, (1..=lines.len() as u64).collect::<Vec<_>>());
    if lines.len() < 40 {
        let resume = format!("nor record {} and those after it", lines.len() + 1);
        assert!(stderr.contains(&resume), "{stderr}");
    }
    assert!(stderr.contains("not sent"), "{stderr}");
    for i in 1..=40 {
        let reported = lines
            .iter()
            .find(|l| l["idempotencyKey"] == key(i).as_str());
        let accepted = by_key.contains_key(&key(i));
        match reported {
            Some(l) => assert_eq!(l["outcome"] == "sent", accepted, "{l}"),
            None => assert!(!accepted && i > lines.len(), "record {i} lost"),
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn sigterm_finishes_in_flight_sends_journals_them_and_exits_143() {
    send_stopped_by(libc::SIGTERM, 143);
}

#[test]
fn sighup_finishes_in_flight_sends_journals_them_and_exits_129() {
    send_stopped_by(libc::SIGHUP, 129);
}

#[test]
fn sigterm_during_a_flush_keeps_what_was_not_sent() {
    let server = StandIn::start();
    let env = TestEnv::new();
    server.set_down(true);
    let file = env.write("batch.ndjson", &ndjson(&incidents(20, 2000)));
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--retries", "0", "--timeout", "1", "--file"])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(env.outbox_entries().len(), 20);
    server.set_down(false);
    server.push_faults(vec![Fault::Delay(Duration::from_millis(300)); 20]);
    let child = binary(&env, &server)
        .args(["outbox", "flush", "--jobs", "2"])
        .spawn()
        .unwrap();
    wait_until("flush under way", Duration::from_secs(20), || {
        server.sends().len() >= 3
    });
    signal(&child, libc::SIGTERM);
    let out = wait_bounded(child, Duration::from_secs(30));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert!(stderr.contains("terminated (SIGTERM)"), "{stderr}");
    let by_key = accepted_once(&server);
    assert!(!by_key.is_empty() && by_key.len() < 20, "{by_key:?}");
    let kept: Vec<String> = env
        .outbox_entries()
        .iter()
        .map(|e| e["idempotencyKey"].as_str().unwrap().to_string())
        .collect();
    for i in 1..=20 {
        let k = key(i);
        assert!(
            by_key.contains_key(&k) != kept.contains(&k),
            "{k}: accepted {} and kept {}",
            by_key.contains_key(&k),
            kept.contains(&k)
        );
    }
    // A later flush sends the rest, each once.
    let r = run(env.cmd(&server.url()).args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server).len(), 20);
}

#[test]
fn sigterm_while_waiting_for_input_that_never_comes_ends_the_run() {
    use std::io::Write;
    let server = StandIn::start();
    let env = TestEnv::new();
    let mut child = binary(&env, &server)
        .args(["send", "--json", "--file", "-"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    // A producer that wrote three records and then hangs with the pipe open.
    let mut producer = child.stdin.take().unwrap();
    producer
        .write_all(ndjson(&incidents(3, 8000)).as_bytes())
        .unwrap();
    producer.flush().unwrap();
    wait_until("three sent", Duration::from_secs(20), || {
        server.accepted().len() == 3
    });
    std::thread::sleep(Duration::from_millis(100));
    signal(&child, libc::SIGTERM);
    let out = wait_bounded(child, Duration::from_secs(10));
    drop(producer);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(143), "{stderr}");
    assert!(
        stderr.contains("nor record 4 and those after it (not read)"),
        "{stderr}"
    );
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 3, "{}", text(&out.stdout));
    assert!(lines.iter().all(|l| l["outcome"] == "sent"));
    assert_eq!(journal_lines(&env).len(), 3);
}

// ---------------------------------------------------------------- a closed stderr

#[test]
fn a_closed_stderr_neither_stops_nor_hangs_a_batch() {
    let server = StandIn::start();
    let env = TestEnv::new();
    // Invalid records, retried 503s and a quota warning: plenty to print on stderr. The
    // 503s are retried rather than final, since a final one would halt the batch and keep
    // the rest unsent: then the batch would stop for a reason other than its stderr. Three
    // 503s, one for each of the first requests, and up to three retries each: every
    // request goes through in the end, whichever attempts meet them.
    server.set_quota(5000, 4500);
    let mut records = incidents(30, 1000);
    for r in records.iter_mut().step_by(3) {
        r["contactEmail"] = Value::from("not-an-address");
    }
    server.push_faults(vec![Fault::Status(503); 3]);
    let file = env.write("many.ndjson", &ndjson(&records));
    let mut child = binary(&env, &server)
        .args(["send", "--jobs", "3", "--retries", "3", "-v", "--file"])
        .arg(&file)
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The reader goes away before the first message is written.
    drop(child.stderr.take());
    let out = wait_bounded(child, Duration::from_secs(30));
    // The invalid records make it 65; the rest all went through (no 75).
    assert_eq!(out.status.code(), Some(65), "{:?}", out.status);
    let by_key = accepted_once(&server);
    assert_eq!(
        by_key.len(),
        20,
        "every valid record went through: {by_key:?}"
    );
    assert_eq!(server.status_counts().get(&503), Some(&3));
    let kept: Vec<String> = env
        .outbox_entries()
        .iter()
        .map(|e| e["idempotencyKey"].as_str().unwrap().to_string())
        .collect();
    for (i, r) in records.iter().enumerate() {
        let k = key(i + 1);
        if r["contactEmail"] == "not-an-address" {
            continue;
        }
        assert!(
            by_key.contains_key(&k) != kept.contains(&k),
            "{k}: accepted {} and kept {}",
            by_key.contains_key(&k),
            kept.contains(&k)
        );
    }
}

// ---------------------------------------------------------------- SIGKILL at random points

/// A small xorshift generator, seeded per run (the seed is printed on failure).
struct Dice(u64);

impl Dice {
    fn new() -> Dice {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(std::process::id() as u64);
        Dice(h.finish() | 1)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `n` incidents of one round, each with its own conversation id (so its own key).
fn round_incidents(round: usize, n: usize) -> Vec<Value> {
    let mut records = incidents(n, round * 100);
    for (i, r) in records.iter_mut().enumerate() {
        r["conversationId"] = Value::from(format!("conv_r{round:02}_{i:02}"));
    }
    records
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(".tmp-"))
        })
        .collect()
}

#[test]
fn sigkill_at_random_points_loses_nothing_and_leaves_no_temp_file() {
    const ROUNDS: usize = 20;
    const PER_ROUND: usize = 40;
    let server = StandIn::start();
    let env = TestEnv::new();
    let mut dice = Dice::new();
    let seed = dice.0;
    let mut files = Vec::new();
    for round in 0..ROUNDS {
        // A few slow answers, then a 503 that halts the run: the rest are written to the
        // outbox, one atomic write each, while the kill may come.
        server.push_faults(vec![Fault::Delay(Duration::from_millis(10)); 2]);
        server.push_fault(Fault::Status(503));
        let child = if round % 4 == 3 {
            binary(&env, &server)
                .args(["outbox", "flush", "--jobs", "4", "--retries", "0"])
                .spawn()
                .unwrap()
        } else {
            let file = env.write(
                &format!("round{round:02}.ndjson"),
                &ndjson(&round_incidents(round, PER_ROUND)),
            );
            files.push(file.clone());
            binary(&env, &server)
                .args(["send", "--jobs", "4", "--retries", "0", "--file"])
                .arg(&file)
                .spawn()
                .unwrap()
        };
        std::thread::sleep(Duration::from_millis(5 + dice.below(120)));
        signal(&child, libc::SIGKILL);
        wait_bounded(child, Duration::from_secs(10));
    }
    // Right after the kills: every entry and journal line on disk is whole.
    for entry in TestEnv::json_files(&env.outbox_dir())
        .into_iter()
        .chain(TestEnv::json_files(&env.outbox_dir().join("failed")))
    {
        let bytes = fs::read(&entry).unwrap();
        assert!(
            serde_json::from_slice::<Value>(&bytes).is_ok(),
            "seed {seed}: torn entry {}",
            entry.display()
        );
    }
    journal_lines(&env);
    let left = temp_files(&env.state_dir()).len();
    eprintln!("seed {seed}: {left} temp files left by {ROUNDS} kills");

    // The next runs, unkilled: the temp files go, and everything is delivered once.
    std::thread::sleep(Duration::from_millis(1100));
    let mut send = env.cmd(&server.url());
    send.args(["send", "--retries", "0"]);
    for file in &files {
        send.arg("--file").arg(file);
    }
    run(&mut send);
    assert!(
        temp_files(&env.state_dir()).is_empty(),
        "seed {seed}: temp files left after the next run: {:?}",
        temp_files(&env.state_dir())
    );
    for _ in 0..10 {
        if env.outbox_entries().is_empty() {
            break;
        }
        run(env
            .cmd(&server.url())
            .args(["outbox", "flush", "--retries", "0"]));
    }
    assert!(env.outbox_entries().is_empty(), "seed {seed}");
    assert!(env.failed_entries().is_empty(), "seed {seed}");
    let by_key = accepted_once(&server);
    let sent_rounds = files.len();
    let mut expected = 0;
    for round in (0..ROUNDS).filter(|r| r % 4 != 3) {
        for i in 0..PER_ROUND {
            let k = format!("botpress-conv_r{round:02}_{i:02}-incident");
            assert!(by_key.contains_key(&k), "seed {seed}: {k} lost");
            expected += 1;
        }
    }
    assert_eq!(expected, sent_rounds * PER_ROUND);
    assert_eq!(by_key.len(), expected, "seed {seed}");
    no_key_with_two_bodies(&server);
    journal_lines(&env);
    for file in files_under(&env.state_dir()) {
        assert_eq!(mode(&file), 0o600, "seed {seed}: {}", file.display());
    }
}

/// Every request under one idempotency key carried the same body.
fn no_key_with_two_bodies(server: &StandIn) {
    let mut bodies: BTreeMap<String, Value> = BTreeMap::new();
    for req in server.sends() {
        let body = req.json();
        let k = body["idempotencyKey"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(seen) = bodies.get(&k) {
            assert_eq!(seen, &body, "{k} was sent with two bodies");
        } else {
            bodies.insert(k, body);
        }
    }
}

// ---------------------------------------------------------------- a torn journal line

#[test]
fn a_quota_429_after_a_torn_journal_line_still_makes_check_quota_critical() {
    let server = StandIn::with(crate::support::standin::Config {
        quota_headers_on_logs: false,
        ..Default::default()
    });
    let env = TestEnv::new();
    // A first send, then a crash that cut the next journal line short.
    let file = env.write("one.json", crate::support::harness::GUIDE_INCIDENT);
    let r = run(env.cmd(&server.url()).args(["send", "--file"]).arg(&file));
    assert_eq!(r.code, 0, "{}", r.all());
    let journal = env.state_dir().join("journal.jsonl");
    let whole = fs::read_to_string(&journal).unwrap();
    let first = whole.lines().next().unwrap().to_string();
    fs::write(&journal, format!("{first}\n{}", &first[..first.len() / 2])).unwrap();
    // The next send is refused for the monthly quota.
    server.push_fault(Fault::QuotaExceeded(
        crate::support::standin::ErrorStyle::Nest,
    ));
    let file = env.write("two.ndjson", &ndjson(&incidents(1, 7000)));
    let r = run(env
        .cmd(&server.url())
        .args(["send", "--retries", "0", "--file"])
        .arg(&file));
    assert_eq!(r.code, 75, "{}", r.all());
    let r = run(env.cmd(&server.url()).args(["check-quota", "-v"]));
    assert_eq!(r.code, 2, "{}", r.all());
    assert!(r.stdout.contains("QUOTA CRITICAL"), "{}", r.stdout);
    assert!(r.stdout.contains("blocked by a quota 429"), "{}", r.stdout);
    assert!(r.stderr.contains("journal.jsonl:2"), "{}", r.stderr);
    // The torn line stays alone on its line; the entries after it are whole lines.
    let text = fs::read_to_string(&journal).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[1], &first[..first.len() / 2]);
    for l in &lines[2..] {
        serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{l}: {e}"));
    }
}

// ---------------------------------------------------------------- a full or read-only disk

/// A mount made for one test, undone when it ends (also when it fails).
struct Mount(PathBuf);

impl Mount {
    /// `mount ARGS… TARGET`; `None` (with a note) where this machine does not allow it.
    fn new(args: &[&str], target: &Path) -> Option<Mount> {
        let ok = Command::new("mount")
            .args(args)
            .arg(target)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("cannot mount here ({args:?}); skipped");
        }
        ok.then(|| Mount(target.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Each record of a `--json` run: accepted once, kept on disk, or named NOT saved.
fn accounted_for(
    env: &TestEnv,
    server: &StandIn,
    lines: &[Value],
    n: usize,
) -> (usize, usize, usize) {
    let by_key = accepted_once(server);
    let kept: Vec<String> = env
        .outbox_entries()
        .into_iter()
        .chain(env.failed_entries())
        .map(|e| e["idempotencyKey"].as_str().unwrap().to_string())
        .collect();
    let (mut sent, mut saved, mut lost) = (0, 0, 0);
    for i in 1..=n {
        let k = key(i);
        let line = lines
            .iter()
            .find(|l| l["idempotencyKey"] == k.as_str())
            .unwrap_or_else(|| panic!("{k} not reported"));
        let not_saved = line["error"]
            .as_str()
            .is_some_and(|e| e.contains("NOT saved"));
        match (by_key.contains_key(&k), kept.contains(&k), not_saved) {
            (true, false, false) => sent += 1,
            (false, true, false) => saved += 1,
            (false, false, true) => lost += 1,
            other => panic!("{k}: (accepted, kept, named NOT saved) = {other:?}: {line}"),
        }
    }
    (sent, saved, lost)
}

#[test]
fn a_disk_that_fills_up_mid_batch_names_every_incident_it_could_not_keep() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let state = env.dir.path().join("small");
    fs::create_dir_all(&state).unwrap();
    let Some(_mount) = Mount::new(&["-t", "tmpfs", "-o", "size=96k,mode=700", "tmpfs"], &state)
    else {
        return;
    };
    server.set_down(true);
    let n = 60;
    let file = env.write("many.ndjson", &ndjson(&incidents(n, 4000)));
    let r = run(env
        .cmd(&server.url())
        .env("XDG_STATE_HOME", &state)
        .args([
            "send",
            "--json",
            "--retries",
            "0",
            "--timeout",
            "1",
            "--file",
        ])
        .arg(&file));
    assert_eq!(r.code, 74, "{}", r.all());
    assert!(r.stderr.contains("NOT saved"), "{}", r.stderr);
    let lines = json_lines(r.stdout.as_bytes());
    let outbox = state.join("mcnotify/outbox");
    let kept: Vec<Value> = TestEnv::json_files(&outbox)
        .iter()
        .map(|p| {
            serde_json::from_slice(&fs::read(p).unwrap())
                .unwrap_or_else(|e| panic!("torn entry {}: {e}", p.display()))
        })
        .collect();
    assert!(!kept.is_empty() && kept.len() < n, "{} kept", kept.len());
    let by_key = accepted_once(&server);
    assert!(by_key.is_empty());
    for i in 1..=n {
        let k = key(i);
        let line = lines
            .iter()
            .find(|l| l["idempotencyKey"] == k.as_str())
            .unwrap();
        let in_outbox = kept.iter().any(|e| e["idempotencyKey"] == k.as_str());
        let not_saved = line["error"]
            .as_str()
            .is_some_and(|e| e.contains("NOT saved"));
        assert!(
            in_outbox != not_saved,
            "{k}: kept {in_outbox}, named NOT saved {not_saved}"
        );
    }
    assert!(temp_files(&state).is_empty(), "{:?}", temp_files(&state));
    // Once there is room again, a flush delivers what was kept, each once.
    server.set_down(false);
    let r = run(env
        .cmd(&server.url())
        .env("XDG_STATE_HOME", &state)
        .args(["outbox", "flush"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(accepted_once(&server).len(), kept.len());
}

#[test]
fn a_state_directory_made_read_only_mid_batch_names_every_incident_it_could_not_keep() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let n = 30;
    // Every other record is refused for good (kept in failed/), the rest accepted slowly.
    for i in 1..=n {
        server.push_fault(if i % 2 == 1 {
            Fault::Status(422)
        } else {
            Fault::Delay(Duration::from_millis(40))
        });
    }
    let failed = env.outbox_dir().join("failed");
    fs::create_dir_all(&failed).unwrap();
    let file = env.write("many.ndjson", &ndjson(&incidents(n, 5000)));
    let child = binary(&env, &server)
        .args(["send", "--json", "--jobs", "1", "--retries", "0", "--file"])
        .arg(&file)
        .spawn()
        .unwrap();
    wait_until("entries in failed/", Duration::from_secs(20), || {
        TestEnv::json_files(&failed).len() >= 3
    });
    let root = unsafe { libc::geteuid() } == 0;
    let state = env.state_dir();
    let outbox = env.outbox_dir();
    let _mount = if root {
        // Root writes through any mode: make the directory a read-only mount instead (the
        // journal, opened before, stays writable through the mount it was opened on).
        let source = state.to_str().unwrap();
        let Some(bind) = Mount::new(&["--bind", source], &state) else {
            signal(&child, libc::SIGKILL);
            wait_bounded(child, Duration::from_secs(10));
            return;
        };
        let ro = Command::new("mount")
            .args(["-o", "remount,bind,ro"])
            .arg(&state)
            .status()
            .unwrap();
        assert!(ro.success(), "remount read-only");
        Some(bind)
    } else {
        use std::os::unix::fs::PermissionsExt;
        for dir in [&failed, &outbox, &state] {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o500)).unwrap();
        }
        None
    };
    let out = wait_bounded(child, Duration::from_secs(30));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(74), "{stderr}");
    assert!(stderr.contains("NOT saved"), "{stderr}");
    let lines = json_lines(&out.stdout);
    let (sent, saved, lost) = accounted_for(&env, &server, &lines, n);
    assert_eq!(sent, n / 2, "{stderr}");
    assert!(
        saved >= 3 && lost >= 1,
        "saved {saved}, lost {lost}: {stderr}"
    );
    assert_eq!(saved + lost, n / 2);
    if !root {
        use std::os::unix::fs::PermissionsExt;
        for dir in [&state, &outbox, &failed] {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).unwrap();
        }
    }
}

// ---------------------------------------------------------------- several runs at once

#[test]
fn overlapping_sends_and_two_flushes_at_once_send_each_key_once_with_one_body() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let all = incidents(60, 6000);
    // The API fails now and then: some retried, some kept after the retry budget.
    let mut dice = Dice::new();
    let seed = dice.0;
    for _ in 0..100 {
        server.push_fault(match dice.below(8) {
            0 => Fault::Status(503),
            1 => Fault::Reset,
            2 => Fault::ResetAfterAccept,
            _ => Fault::Delay(Duration::from_millis(dice.below(15))),
        });
    }
    let inputs = [&all[0..30], &all[15..45], &all[30..60], &all[0..60]];
    let mut children = Vec::new();
    for (i, records) in inputs.iter().enumerate() {
        let file = env.write(&format!("part{i}.ndjson"), &ndjson(records));
        children.push(
            binary(&env, &server)
                .args(["send", "--jobs", "3", "--retries", "1", "--file"])
                .arg(&file)
                .spawn()
                .unwrap(),
        );
    }
    for wait in [false, true] {
        let mut flush = binary(&env, &server);
        flush.args(["outbox", "flush", "--jobs", "2", "--retries", "1"]);
        if wait {
            flush.arg("--wait");
        }
        children.push(flush.spawn().unwrap());
    }
    for child in children {
        let out = wait_bounded(child, Duration::from_secs(60));
        let code = out.status.code();
        assert!(
            matches!(code, Some(0) | Some(75)),
            "seed {seed}: {code:?}: {}",
            text(&out.stderr)
        );
    }
    // Whole entries, one per key, each named after its key.
    let mut seen = BTreeMap::new();
    for path in TestEnv::json_files(&env.outbox_dir()) {
        let entry: Value = serde_json::from_slice(&fs::read(&path).unwrap())
            .unwrap_or_else(|e| panic!("seed {seed}: torn entry {}: {e}", path.display()));
        let k = entry["idempotencyKey"].as_str().unwrap().to_string();
        assert_eq!(
            path.file_stem().unwrap().to_string_lossy(),
            entry["id"].as_str().unwrap()
        );
        assert!(
            seen.insert(k.clone(), ()).is_none(),
            "seed {seed}: {k} kept twice"
        );
    }
    // Whole journal lines, never two interleaved.
    let journal = journal_lines(&env);
    assert!(!journal.is_empty(), "seed {seed}");
    eprintln!(
        "seed {seed}: {} kept after the runs at once, {} journal lines",
        seen.len(),
        journal.len()
    );
    assert!(temp_files(&env.state_dir()).is_empty());
    // What is left goes with one more flush once the API is well.
    for _ in 0..20 {
        if env.outbox_entries().is_empty() {
            break;
        }
        run(env.cmd(&server.url()).args(["outbox", "flush"]));
    }
    assert!(env.outbox_entries().is_empty(), "seed {seed}");
    assert!(env.failed_entries().is_empty(), "seed {seed}");
    let by_key = accepted_once(&server);
    assert_eq!(by_key.len(), 60, "seed {seed}");
    no_key_with_two_bodies(&server);
}
