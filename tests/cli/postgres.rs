//! The PostgreSQL store: the schema, claims shared by many flushers, a flusher killed
//! mid-claim, two `serve` replicas, and the database going away mid-run.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

use crate::outbox::fill_outbox;
use crate::support::bridge::{base, incident, wait_for, Server};
use crate::support::harness::{closed_port, json_lines, run, Run, TestEnv};
use crate::support::standin::{Fault, StandIn};
use crate::webhooks;

fn flush(env: &TestEnv, api: &StandIn, extra: &[(&str, &str)], args: &[&str]) -> Child {
    let mut cmd = base(env, api);
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.args(["outbox", "flush", "--json"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Each of `n` keys accepted once on the stand-in, and no other.
fn each_accepted_once(api: &StandIn, n: usize) {
    let by_key = api.accepted_by_key();
    assert_eq!(by_key.len(), n, "{by_key:?}");
    assert!(by_key.values().all(|&n| n == 1), "{by_key:?}");
}

/// `outbox flush` with `args`, claims lasting `lease` seconds, run to its end.
fn flush_with_lease(env: &TestEnv, api: &StandIn, lease: &str, args: &[&str]) -> Run {
    run(env
        .cmd(&api.url())
        .env("MCNOTIFY_CLAIM_LEASE", lease)
        .args(["outbox", "flush"])
        .args(args))
}

/// A flush that found every entry claimed by another: it sends nothing and says why.
fn finds_them_claimed(r: &Run) {
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stderr.contains("being sent by another flush"),
        "{}",
        r.stderr
    );
}

#[test]
fn the_schema_is_created_once_and_migrate_says_its_version() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    let r = run(env.cmd(&api.url()).args(["store", "migrate", "--json"]));
    assert_eq!(r.code, 0, "{}", r.all());
    let first: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(
        (first["from"].clone(), first["version"].clone()),
        (json!(0), json!(1))
    );
    assert!(!first["store"].as_str().unwrap().is_empty());
    let r = run(env.cmd(&api.url()).args(["store", "migrate"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(
        r.stdout.contains("schema version 1 (up to date)"),
        "{}",
        r.stdout
    );
    // A directory store has nothing to migrate.
    let dir = TestEnv::new();
    let r = run(dir.cmd(&api.url()).args(["store", "migrate"]));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.contains("has no schema"), "{}", r.stdout);
    // A schema newer than this build is refused before anything is sent.
    let db = env.database.as_ref().unwrap();
    db.client()
        .execute("INSERT INTO mcnotify_schema (version) VALUES (2)", &[])
        .unwrap();
    let r = run(env
        .cmd(&api.url())
        .args(["send", "--file", "-"])
        .write_stdin(incident("conv_newer")));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(
        r.stderr.contains("newer than this mcnotify"),
        "{}",
        r.stderr
    );
    assert!(api.requests().is_empty());
}

#[test]
fn a_database_that_cannot_be_reached_is_75_and_nothing_is_sent() {
    let api = StandIn::start();
    let env = TestEnv::new();
    // Nothing listens there.
    let url = closed_port().replace("http://", "postgres://mcnotify@") + "/mcnotify";
    let r = run(env
        .cmd(&api.url())
        .env("MCNOTIFY_STORE", &url)
        .args(["send", "--file", "-"])
        .write_stdin(incident("conv_down")));
    assert_eq!(r.code, 75, "{}", r.all());
    assert!(r.stderr.contains("unreachable"), "{}", r.stderr);
    assert!(
        api.requests().is_empty(),
        "nothing is sent that could not be kept"
    );
    for args in [
        &["outbox", "list"][..],
        &["outbox", "flush"],
        &["store", "migrate"],
    ] {
        let r = run(env.cmd(&api.url()).env("MCNOTIFY_STORE", &url).args(args));
        assert_eq!(r.code, 75, "{args:?}: {}", r.all());
    }
}

#[test]
fn the_password_comes_from_a_private_pgpass_file_never_from_the_environment() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    let db = env.database.as_ref().unwrap();
    let role = format!("mcnotify_r{:08x}", fastrand::u32(..));
    let secret = "s3cret-pa:ss";
    db.client()
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'unused'; ALTER ROLE {role} PASSWORD '{secret}';
             GRANT ALL ON SCHEMA public TO {role}; GRANT CREATE ON DATABASE {} TO {role};",
            db.url.rsplit('/').next().unwrap()
        ))
        .unwrap();
    let mut url = url::Url::parse(&db.url).unwrap();
    url.set_username(&role).unwrap();
    let with_password = {
        let mut u = url.clone();
        u.set_password(Some(secret)).unwrap();
        u.to_string()
    };
    // In the environment, a password is refused and never printed.
    let r = run(env
        .cmd(&api.url())
        .env("MCNOTIFY_STORE", &with_password)
        .args(["outbox", "list"]));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(!r.all().contains("s3cret"), "{}", r.all());
    // From a pgpass file of mode 600 it connects.
    let host = url.host_str().unwrap().to_string();
    let port = url.port().unwrap_or(5432);
    let name = url.path().trim_start_matches('/').to_string();
    let pgpass = env.write(
        "pgpass",
        &format!("{host}:{port}:{name}:{role}:s3cret-pa\\:ss\n"),
    );
    crate::support::bridge::set_mode(&pgpass, 0o600);
    let r = run(env
        .cmd(&api.url())
        .env("MCNOTIFY_STORE", url.as_str())
        .env("PGPASSFILE", &pgpass)
        .args(["store", "migrate"]));
    assert_eq!(r.code, 0, "{}", r.all());
    // One others can read is refused, as libpq does.
    crate::support::bridge::set_mode(&pgpass, 0o644);
    let r = run(env
        .cmd(&api.url())
        .env("MCNOTIFY_STORE", url.as_str())
        .env("PGPASSFILE", &pgpass)
        .args(["outbox", "list"]));
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.stderr.contains("chmod 600"), "{}", r.stderr);
    db.client()
        .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
        .unwrap();
}

#[test]
fn four_flushes_at_once_over_500_entries_send_each_once() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    fill_outbox(&env, &api, 500);
    let before = api.sends().len();
    let flushes: Vec<Child> = (0..4).map(|_| flush(&env, &api, &[], &[])).collect();
    let mut printed = 0;
    for child in flushes {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed += json_lines(&out.stdout).len();
    }
    assert_eq!(printed, 500, "each entry is one flush's line");
    each_accepted_once(&api, 500);
    assert_eq!(api.sends().len() - before, 500, "no request was made twice");
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn a_flusher_killed_mid_claim_leaves_its_entries_to_the_next_after_the_lease() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    fill_outbox(&env, &api, 3);
    api.push_fault(Fault::Hang(Duration::from_secs(30)));
    let lease = [("MCNOTIFY_CLAIM_LEASE", "2")];
    let mut killed = flush(&env, &api, &lease, &["--jobs", "1"]);
    wait_for("the first flush's request", || {
        if let Some(status) = killed.try_wait().unwrap() {
            let mut err = String::new();
            killed
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            panic!("the flush ended ({status}) before its request: {err}");
        }
        api.pending_faults() == 0
    });
    killed.kill().unwrap();
    killed.wait().unwrap();
    let before = api.sends().len();
    // Its claim still holds: another flush sends nothing yet, and says why.
    finds_them_claimed(&flush_with_lease(&env, &api, "2", &[]));
    assert_eq!(api.sends().len(), before);
    // Once the lease runs out, the next flush delivers every entry, each once.
    thread::sleep(Duration::from_millis(2500));
    let r = flush_with_lease(&env, &api, "2", &["--json"]);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(json_lines(r.stdout.as_bytes()).len(), 3);
    each_accepted_once(&api, 3);
    assert!(env.outbox_entries().is_empty());
}

#[test]
fn two_replicas_on_one_database_send_one_email_and_record_an_event_once() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    let a = webhooks::start(&env, &api);
    let b = webhooks::start(&env, &api);
    let body = incident("conv_replicas");
    let answers: Vec<_> = thread::scope(|s| {
        let posts: Vec<_> = [&a, &b, &a, &b]
            .into_iter()
            .map(|server| s.spawn(|| server.post(&body)))
            .collect();
        posts.into_iter().map(|p| p.join().unwrap()).collect()
    });
    let ids: Vec<Value> = answers.iter().map(|a| a.json()["id"].clone()).collect();
    for answer in &answers {
        assert!(matches!(answer.status, 200 | 201), "{answer:?}");
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    each_accepted_once(&api, 1);
    // `status` on either host sees the send.
    let key = answers[0].json()["idempotencyKey"]
        .as_str()
        .unwrap()
        .to_string();
    let r = run(env.cmd(&api.url()).args(["status", &key]));
    assert_eq!(r.code, 0, "{}", r.all());
    // One delivery event, delivered to each replica: recorded once.
    let email = ids[0].as_str().unwrap();
    let event = webhooks::event("evt_replicas", "email.delivered", email, json!({}));
    let first = webhooks::signed(&a, &event);
    let second = webhooks::signed(&b, &event);
    assert_eq!(first.json()["outcome"], "recorded", "{first:?}");
    assert_eq!(second.json()["outcome"], "duplicate", "{second:?}");
    let events = env
        .journal()
        .into_iter()
        .filter(|l| l["request"] == "event")
        .count();
    assert_eq!(events, 1);
}

/// A TCP relay to the database that can be cut (every connection closed, new ones closed
/// at once) and restored, as a database restart or a network cut looks to its clients.
struct Relay {
    port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn to(target: &str) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (cutting, opened, target) = (cut.clone(), open.clone(), target.to_string());
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                if cutting.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&target) else {
                    continue;
                };
                opened
                    .lock()
                    .unwrap()
                    .extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    thread::spawn(move || {
                        let mut buf = [0u8; 16 << 10];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Relay { port, cut, open }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for stream in self.open.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

#[test]
fn the_database_going_away_mid_run_loses_nothing() {
    let Some(mut env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    let mut url = url::Url::parse(&env.database.as_ref().unwrap().url).unwrap();
    let target = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
    let relay = Relay::to(&target);
    url.set_port(Some(relay.port)).unwrap();
    let through_relay = url.to_string();
    let server = Server::start_with(&env, &api, &["--retries", "0"], |cmd| {
        cmd.env("MCNOTIFY_STORE", &through_relay);
    });
    let first = server.post(&incident("conv_before"));
    assert_eq!(first.status, 201, "{first:?}");

    relay.cut();
    let ready = server.request("GET", "/readyz", &[], b"");
    assert_eq!(ready.status, 503, "{ready:?}");
    // The API takes it while the database is away: the answer is 201, and its journal
    // line waits for the database.
    let during = server.post(&incident("conv_during"));
    assert_eq!(during.status, 201, "{during:?}");
    // With the API down too, it cannot be kept anywhere: the bot is told to try again.
    api.push_fault(Fault::Status(503));
    let lost = server.post(&incident("conv_nowhere"));
    assert_eq!(lost.status, 500, "{lost:?}");
    assert!(
        lost.json()["error"]
            .as_str()
            .unwrap()
            .contains("unreachable"),
        "{lost:?}"
    );

    relay.restore();
    wait_for("the server to be ready again", || {
        server.request("GET", "/readyz", &[], b"").status == 200
    });
    let keys: Vec<String> = env
        .journal()
        .iter()
        .filter(|l| l["outcome"] == "sent")
        .filter_map(|l| l["idempotencyKey"].as_str().map(str::to_string))
        .collect();
    assert!(keys.iter().any(|k| k.contains("conv_during")), "{keys:?}");
    // A CLI send during a cut is refused before anything is sent; after, it goes.
    relay.cut();
    let sends = api.sends().len();
    let r = run(env
        .cmd(&api.url())
        .env("MCNOTIFY_STORE", &through_relay)
        .args(["send", "--file", "-"])
        .write_stdin(incident("conv_cli")));
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(api.sends().len(), sends);
    relay.restore();
    let r = run(env
        .cmd(&api.url())
        .env("MCNOTIFY_STORE", &through_relay)
        .args(["send", "--file", "-"])
        .write_stdin(incident("conv_cli")));
    assert_eq!(r.code, 0, "{}", r.all());
    drop(server);
    env.database.take();
}

#[test]
fn a_claim_is_renewed_while_its_flush_is_still_sending() {
    let Some(env) = TestEnv::postgres() else {
        return;
    };
    let api = StandIn::start();
    fill_outbox(&env, &api, 1);
    api.push_fault(Fault::Delay(Duration::from_millis(3500)));
    let lease = [("MCNOTIFY_CLAIM_LEASE", "1")];
    let slow = flush(&env, &api, &lease, &["--jobs", "1"]);
    wait_for("the slow flush's request", || api.pending_faults() == 0);
    // Three leases later the first flush still holds the entry: it renewed its claim.
    thread::sleep(Duration::from_secs(3));
    finds_them_claimed(&flush_with_lease(&env, &api, "1", &[]));
    let out = slow.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(api.accepted_by_key().values().sum::<usize>(), 1);
    assert_eq!(api.sends().len(), 1, "one request in all");
    assert!(env.outbox_entries().is_empty());
}
