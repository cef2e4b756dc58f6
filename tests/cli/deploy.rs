//! The deployment files: the systemd units (and the README's drop-in for the webhook
//! secret) pass `systemd-analyze verify`, and the environment the units and the Dockerfile
//! give the binary (credentials, state directory, command line) starts it as they mean it to.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::bridge::{json_type, set_mode, Server, TOKEN};
use crate::support::harness::{TestEnv, KEY};
use crate::support::readme::block;
use crate::support::standin::StandIn;
use crate::support::tool::present;

const BIN: &str = env!("CARGO_BIN_EXE_mcnotify");
/// Where the units and the image install the binary.
const INSTALLED: &str = "/usr/local/bin/mcnotify";
/// serve's default deadline, in seconds.
const DEADLINE: f64 = 8.0;
const WEBHOOK_SECRET: &str = "whsec_0123456789abcdef0123456789abcdef";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The values of `key=` in a unit file, in order.
fn unit_values(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('='))
        .map(str::to_string)
        .collect()
}

fn unit_value(text: &str, key: &str) -> String {
    let values = unit_values(text, key);
    assert_eq!(values.len(), 1, "{key}= once: {values:?}");
    values[0].clone()
}

fn private_file(path: &Path, contents: &str, mode: u32) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
    set_mode(path, mode);
}

/// `cmd` with exactly `vars`, PATH and the system config directory `etc` in its
/// environment.
fn only<'a>(cmd: &'a mut Command, vars: &[(String, String)], etc: &Path) -> &'a mut Command {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("MCNOTIFY_SYSTEM_CONFIG_DIR", etc)
        .envs(vars.iter().map(|(k, v)| (k, v)))
}

/// `serve --listen 127.0.0.1:0` with only `vars` (and a config in `etc` with the helpdesk
/// address and `api`), once it prints its address.
fn start_serve(env: &TestEnv, api: &StandIn, vars: &[(String, String)], etc: &Path) -> Server {
    private_file(
        &etc.join("config.toml"),
        &format!(
            "to = \"helpdesk@example.com\"\nbase_url = \"{}\"\n",
            api.url()
        ),
        0o644,
    );
    Server::start_with(env, api, &[], |cmd| {
        only(cmd, vars, etc);
    })
}

/// SIGTERM, and the exit code; the log has no warning.
fn stop_serve(mut server: Server) -> i32 {
    let code = server.terminate().code().unwrap_or(-1);
    let log = server.log();
    assert!(
        log.iter().all(|l| !l.contains("warning")),
        "no warning about the credentials: {log:?}"
    );
    code
}

/// What systemd does for `unit` (its text) before ExecStart, under `env`'s directory: each
/// credential, mode 400, in %d (`credentials/`); the state directory, mode 700, in %S
/// (`var/lib/`). Returns the unit's environment with %d and %S replaced, and HOME.
fn as_systemd_starts(env: &TestEnv, unit: &str, text: &str) -> Vec<(String, String)> {
    let credentials = env.dir.path().join("credentials");
    let state_root = env.dir.path().join("var/lib");
    for spec in unit_values(text, "LoadCredential") {
        let (name, source) = spec.split_once(':').unwrap();
        assert!(source.starts_with("/etc/mcnotify/"), "{unit}: {spec}");
        let value = match name {
            "mailingcore-key" => KEY,
            "serve-token" => TOKEN,
            "webhook-secret" => WEBHOOK_SECRET,
            _ => panic!("{unit}: an unknown credential {spec}"),
        };
        private_file(&credentials.join(name), value, 0o400);
    }
    fs::create_dir_all(state_root.join("mcnotify")).unwrap();
    set_mode(&state_root.join("mcnotify"), 0o700);
    let mut vars: Vec<(String, String)> = unit_values(text, "Environment")
        .iter()
        .map(|e| {
            let (k, v) = e.split_once('=').unwrap();
            let v = v
                .replace("%d", credentials.to_str().unwrap())
                .replace("%S", state_root.to_str().unwrap());
            (k.to_string(), v)
        })
        .collect();
    for (k, v) in &vars {
        if k.ends_with("_FILE") {
            assert!(Path::new(v).exists(), "{unit}: {k}={v} names no credential");
        }
    }
    // A dynamic user's HOME is /; the one here has no config in it.
    vars.push(("HOME".into(), env.home().display().to_string()));
    vars
}

/// The README's drop-in that hands `mcnotify.service` the webhook secret.
fn webhook_drop_in() -> String {
    let drop_in = block(
        "### Running the bridge: mcnotify serve",
        "ini",
        "LoadCredential=",
    );
    assert!(drop_in.starts_with("[Service]\n"), "{drop_in}");
    drop_in
}

#[test]
fn the_systemd_units_and_the_readme_drop_in_pass_systemd_analyze_verify() {
    if !present("systemd-analyze", "systemd") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut units = Vec::new();
    for entry in fs::read_dir(root().join("contrib/systemd"))
        .unwrap()
        .flatten()
    {
        let text = fs::read_to_string(entry.path()).unwrap();
        // verify checks that ExecStart= is executable: the freshly built binary.
        let unit = dir.path().join(entry.file_name());
        fs::write(&unit, text.replace(INSTALLED, BIN)).unwrap();
        units.push(unit);
    }
    units.sort();
    assert_eq!(units.len(), 3, "{units:?}");
    // The README's drop-in, where `systemctl edit` puts it.
    let drop_ins = dir.path().join("mcnotify.service.d");
    fs::create_dir(&drop_ins).unwrap();
    fs::write(drop_ins.join("override.conf"), webhook_drop_in()).unwrap();
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&units)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // Unknown keys and bad values are only warnings: none at all.
    assert!(stderr.trim().is_empty(), "{stderr}");
}

#[test]
fn the_units_read_their_credentials_and_keep_the_state_under_the_state_directory() {
    let serve = read("contrib/systemd/mcnotify.service");
    let flush = read("contrib/systemd/mcnotify-flush.service");
    let timer = read("contrib/systemd/mcnotify-flush.timer");
    assert_eq!(
        unit_value(&serve, "ExecStart"),
        format!("{INSTALLED} serve")
    );
    assert_eq!(unit_value(&serve, "DynamicUser"), "yes");
    assert_eq!(unit_value(&serve, "KillSignal"), "SIGTERM");
    let stop: f64 = unit_value(&serve, "TimeoutStopSec").parse().unwrap();
    assert!(stop > DEADLINE, "TimeoutStopSec {stop} over the deadline");
    assert_eq!(
        unit_value(&flush, "ExecStart"),
        format!("{INSTALLED} outbox flush -q")
    );
    assert_eq!(unit_value(&flush, "Type"), "oneshot");
    assert_eq!(unit_value(&timer, "Persistent"), "true");
    assert_eq!(unit_value(&timer, "OnCalendar"), "*:0/5");

    let api = StandIn::start();
    for (unit, text) in [
        ("mcnotify.service", &serve),
        ("mcnotify-flush.service", &flush),
    ] {
        assert_eq!(unit_value(text, "StateDirectory"), "mcnotify", "{unit}");
        assert_eq!(unit_value(text, "StateDirectoryMode"), "0700", "{unit}");
        let env = TestEnv::new();
        let state_root = env.dir.path().join("var/lib");
        let vars = as_systemd_starts(&env, unit, text);
        let etc = env.system_config_dir();
        if unit == "mcnotify.service" {
            // ExecStart is `serve` (above): on a free port here.
            assert_eq!(
                stop_serve(start_serve(&env, &api, &vars, &etc)),
                0,
                "{unit}"
            );
        } else {
            private_file(
                &etc.join("config.toml"),
                "to = \"helpdesk@example.com\"\n",
                0o644,
            );
            let exec = unit_value(text, "ExecStart");
            let out = only(&mut Command::new(BIN), &vars, &etc)
                .args(exec.split(' ').skip(1))
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{unit}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.stderr.is_empty(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(
            !env.home().join(".local/state").exists(),
            "{unit}: the state went to the home directory"
        );
        let state: Vec<PathBuf> = fs::read_dir(state_root.join("mcnotify"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        assert_eq!(
            state,
            [state_root.join("mcnotify/outbox")],
            "{unit}: the outbox in the state directory"
        );
    }
}

#[test]
fn the_readme_drop_in_hands_serve_the_webhook_secret_as_a_credential() {
    // A drop-in's LoadCredential= and Environment= add to the unit's.
    let text = read("contrib/systemd/mcnotify.service") + "\n" + &webhook_drop_in();
    let api = StandIn::start();
    let env = TestEnv::new();
    let vars = as_systemd_starts(&env, "mcnotify.service", &text);
    assert!(
        vars.iter()
            .any(|(k, _)| k == "MAILINGCORE_WEBHOOK_SECRET_FILE"),
        "{vars:?}"
    );
    let server = start_serve(&env, &api, &vars, &env.system_config_dir());
    // The endpoint is there (without a secret it is 404): an unsigned event is refused.
    let answer = server.request("POST", "/v1/webhooks/mailingcore", &[json_type()], b"{}");
    assert_eq!(answer.status, 401, "{answer:?}");
    assert_eq!(stop_serve(server), 0);
}

/// The Dockerfile's instructions of the final stage: (instruction, arguments), line
/// continuations joined.
fn dockerfile() -> Vec<(String, String)> {
    let text = read("Dockerfile").replace("\\\n", " ");
    let last = text.rfind("\nFROM ").unwrap();
    text[last..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (i, rest) = l.split_once(' ').unwrap_or((l, ""));
            (i.to_string(), rest.trim().to_string())
        })
        .collect()
}

fn instruction(steps: &[(String, String)], name: &str) -> String {
    let found: Vec<&String> = steps
        .iter()
        .filter(|(i, _)| i == name)
        .map(|(_, a)| a)
        .collect();
    assert_eq!(found.len(), 1, "{name} once in the final stage");
    found[0].clone()
}

#[test]
fn the_image_runs_serve_on_the_exposed_port_with_file_secrets_and_the_state_in_its_volume() {
    let steps = dockerfile();
    let json = |name: &str| -> Vec<String> {
        serde_json::from_str(&instruction(&steps, name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let entrypoint = json("ENTRYPOINT");
    assert_eq!(entrypoint, [INSTALLED]);
    let cmd = json("CMD");
    let port = instruction(&steps, "EXPOSE");
    assert_eq!(cmd, ["serve", "--listen", &format!("0.0.0.0:{port}")]);
    assert_eq!(instruction(&steps, "USER"), "mcnotify:mcnotify");
    let volume = instruction(&steps, "VOLUME");

    // The image's file system under a temporary root.
    let env = TestEnv::new();
    let at = |p: &str| format!("{}{p}", env.dir.path().display());
    let mut vars: Vec<(String, String)> = Vec::new();
    for (_, args) in steps.iter().filter(|(i, _)| i == "ENV") {
        for pair in args.split_whitespace() {
            let (k, v) = pair.split_once('=').unwrap();
            vars.push((
                k.to_string(),
                if v.starts_with('/') {
                    at(v)
                } else {
                    v.to_string()
                },
            ));
        }
    }
    let var = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(
        var("XDG_STATE_HOME").map(|v| format!("{v}/mcnotify")),
        Some(at(&volume))
    );
    private_file(
        &PathBuf::from(var("MAILINGCORE_API_KEY_FILE").unwrap()),
        KEY,
        0o600,
    );
    private_file(
        &PathBuf::from(var("MCNOTIFY_SERVE_TOKEN_FILE").unwrap()),
        TOKEN,
        0o600,
    );
    assert!(var("MAILINGCORE_API_KEY_FILE")
        .unwrap()
        .starts_with(&at("/run/secrets/")));
    assert!(var("MCNOTIFY_SERVE_TOKEN_FILE")
        .unwrap()
        .starts_with(&at("/run/secrets/")));
    // What the image's RUN creates: the state directory, mode 700.
    fs::create_dir_all(at(&volume)).unwrap();
    set_mode(Path::new(&at(&volume)), 0o700);

    // CMD is `serve --listen 0.0.0.0:PORT` (above): on a free loopback port here.
    let api = StandIn::start();
    let etc = PathBuf::from(at("/etc/mcnotify"));
    assert_eq!(stop_serve(start_serve(&env, &api, &vars, &etc)), 0);
    assert!(
        Path::new(&at(&volume)).join("outbox").is_dir(),
        "the outbox in the volume"
    );
}
