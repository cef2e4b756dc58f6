//! The README's configuration and recipes, run as a user runs them: the sample config
//! pasted as is, the crontab line under cron's environment, the monitoring check as
//! another user with the system-wide config, and `config show` naming every source.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

use crate::support::bridge::{set_mode, Server, TOKEN};
use crate::support::harness::{incidents, json_lines, ndjson, run, TestEnv, GUIDE_INCIDENT, KEY};
use crate::support::readme::block;
use crate::support::standin::StandIn;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_mcnotify");
/// Where the README installs the binary; the tests run the freshly built one instead.
const INSTALLED: &str = "/usr/local/bin/mcnotify";

/// Every incident document under examples/.
fn example_documents() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "json" || e == "ndjson")
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &mut out,
    );
    out.sort();
    assert!(!out.is_empty(), "no incident documents in examples/");
    out
}

/// The records of a document and the code each carries where the Botpress shapes put it.
fn codes_of(path: &Path) -> Vec<String> {
    let text = fs::read_to_string(path).unwrap();
    let records: Vec<Value> = match serde_json::from_str::<Value>(&text) {
        Ok(Value::Array(items)) => items,
        Ok(one) => vec![one],
        Err(_) => text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    };
    records
        .iter()
        .map(|r| {
            [
                "/incident/machineCode",
                "/machineCode",
                "/incident/code",
                "/code",
            ]
            .iter()
            .find_map(|p| r.pointer(p))
            .map(|v| v.as_str().map_or(v.to_string(), str::to_string))
            .unwrap_or_else(|| panic!("{}: a record without a code", path.display()))
        })
        .collect()
}

#[test]
fn the_readme_sample_config_previews_every_example_with_its_code() {
    let sample = block("## Configuration", "toml", "[fields]");
    for profile in [None, Some("staging")] {
        let env = TestEnv::new();
        env.write("home/.config/mcnotify/config.toml", &sample);
        for doc in example_documents() {
            let mut cmd = env.bare();
            if let Some(p) = profile {
                cmd.args(["--profile", p]);
            }
            let r = run(cmd
                .args(["preview", "--format", "json", "--file"])
                .arg(&doc));
            assert_eq!(r.code, 0, "{}: {}", doc.display(), r.all());
            let bodies = json_lines(r.stdout.as_bytes());
            let codes = codes_of(&doc);
            assert_eq!(bodies.len(), codes.len(), "{}", r.stdout);
            for (body, code) in bodies.iter().zip(codes) {
                let subject = body["subject"].as_str().unwrap();
                assert!(subject.contains(&code), "{}: {subject}", doc.display());
                let text = body["textBody"].as_str().unwrap();
                assert!(!text.contains("unspecified"), "{}: {text}", doc.display());
                assert!(!text.contains("machineCode"), "{}: {text}", doc.display());
            }
        }
    }
}

#[test]
fn a_plain_field_list_comes_before_the_built_in_paths_and_default_paths_false_opts_out() {
    let env = TestEnv::new();
    let guide = env.write("guide.json", GUIDE_INCIDENT);
    let ticket = env.write(
        "ticket.json",
        r#"{"ticket": {"machine": "77"}, "incidentType": "power", "description": "Dead",
            "contactEmail": "b@example.com"}"#,
    );
    let preview = |config: &str, doc: &Path| {
        let config = env.write("c.toml", config);
        let r = run(env
            .bare()
            .arg("--config")
            .arg(&config)
            .args([
                "preview",
                "--to",
                "h@example.com",
                "--format",
                "json",
                "--file",
            ])
            .arg(doc));
        (r.code, json_lines(r.stdout.as_bytes()), r.stderr)
    };
    let list = "[fields]\ncode = [\"/ticket/machine\"]\n";
    let (code, bodies, err) = preview(list, &guide);
    assert_eq!(code, 0, "{err}");
    assert!(bodies[0]["subject"].as_str().unwrap().contains("5859"));
    let (_, bodies, _) = preview(list, &ticket);
    assert!(bodies[0]["subject"].as_str().unwrap().contains("77"));

    let only = "[fields]\ncode = { paths = [\"/ticket/machine\"], default_paths = false }\n";
    let (code, bodies, err) = preview(only, &guide);
    assert_eq!(code, 0, "{err}");
    assert!(!bodies[0]["subject"].as_str().unwrap().contains("5859"));
    // The envelope's code, no longer a field, shows up as an extra one.
    assert!(bodies[0]["textBody"]
        .as_str()
        .unwrap()
        .contains("machineCode"));

    // A misspelt key is an error naming the field, not a silent fallback.
    let (code, _, err) = preview(
        "[fields]\ncode = { paths = [\"/x\"], defaults = false }\n",
        &guide,
    );
    assert_eq!(code, 78, "{err}");
    assert!(
        err.contains("c.toml") && err.contains("code") && err.contains("defaults"),
        "{err}"
    );
}

/// What cron gives a job: these four variables and the crontab's own assignments.
fn cron(
    env: &TestEnv,
    line: &str,
    assignments: &[(String, String)],
) -> crate::support::harness::Run {
    let mut cmd = Std::new("/bin/sh");
    cmd.arg("-c")
        .arg(line)
        .env_clear()
        .env("HOME", env.home())
        .env("LOGNAME", "root")
        .env("SHELL", "/bin/sh")
        .env("PATH", "/usr/bin:/bin")
        .envs(assignments.iter().map(|(k, v)| (k, v)))
        .current_dir(env.home());
    let mut cmd = assert_cmd::Command::from_std(cmd);
    run(cmd.timeout(std::time::Duration::from_secs(120)))
}

/// A crontab line's command, with cron's `%` rule applied (`\%` is a literal `%`).
fn crontab_command(line: &str) -> String {
    let command = line
        .split_whitespace()
        .skip(5)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        !command.replace("\\%", "").contains('%'),
        "an unescaped % ends a cron command: {line}"
    );
    command.replace("\\%", "%")
}

#[test]
fn the_readme_cron_recipe_drains_the_outbox_as_cron_runs_it() {
    let section = "### Cron: replay exports and flush the outbox";
    let server = StandIn::start();
    let env = TestEnv::new();
    fs::create_dir_all(env.home()).unwrap();

    // The key goes into a file, from the shell where it was only in the environment.
    let key_steps = block(section, "sh", "~/.config/mcnotify/key");
    let out = Std::new("/bin/sh")
        .arg("-c")
        .arg(&key_steps)
        .env_clear()
        .env("HOME", env.home())
        .env("PATH", "/usr/bin:/bin")
        .env("MAILINGCORE_API_KEY", KEY)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let key_file = env.home().join(".config/mcnotify/key");
    assert_eq!(fs::read_to_string(&key_file).unwrap().trim(), KEY);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }
    // The recipe's config; only the stand-in's URL (and a short retry budget) added.
    let config = format!(
        "base_url = \"{}\"\nretries = 1\n{}",
        server.url(),
        block(section, "toml", "api_key_file")
    );
    env.write("home/.config/mcnotify/config.toml", &config);

    // Sent from the user's shell while the API is down: kept in the outbox.
    server.set_down(true);
    let batch = env.write("batch.ndjson", &ndjson(&incidents(6, 3000)));
    let r = run(env.bare().args(["send", "--file"]).arg(&batch));
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(env.outbox_entries().len(), 6);

    let crontab = block(section, "cron", "outbox flush");
    let assignments: Vec<(String, String)> = crontab
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| !k.contains(' '))
        .map(|(k, v)| (k.trim().to_string(), v.trim().trim_matches('"').to_string()))
        .collect();
    assert!(assignments.iter().any(|(k, _)| k == "MAILTO"), "{crontab}");
    let flush = crontab
        .lines()
        .find(|l| l.contains("outbox flush"))
        .map(crontab_command)
        .unwrap();
    assert!(flush.starts_with(INSTALLED), "{flush}");
    let flush = flush.replacen(INSTALLED, BIN, 1);

    // Still down: one line for the run, exit 75, nothing on stdout (cron mails it).
    let r = cron(&env, &flush, &assignments);
    assert_eq!(r.code, 75, "{}", r.all());
    assert_eq!(r.stdout, "");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stderr);
    assert!(
        lines[0].starts_with("mcnotify: error: outbox flush of 6 entries: 0 sent"),
        "{}",
        r.stderr
    );
    assert!(lines[0].contains("6 deferred"), "{}", r.stderr);
    assert_eq!(env.outbox_entries().len(), 6);

    // Back up: the next run delivers each once and prints nothing.
    server.set_down(false);
    let r = cron(&env, &flush, &assignments);
    assert_eq!(r.code, 0, "{}", r.all());
    assert_eq!(r.all(), "");
    assert!(env.outbox_entries().is_empty());
    let by_key = server.accepted_by_key();
    assert_eq!(by_key.len(), 6);
    assert!(by_key.values().all(|&n| n == 1), "{by_key:?}");

    // The bare name of the old recipe is what cron cannot find.
    let r = cron(&env, "mcnotify outbox flush -q", &assignments);
    assert_eq!(r.code, 127, "{}", r.all());
    // A key only in the shell's environment is not there under cron: the hint says so.
    env.write(
        "home/.config/mcnotify/config.toml",
        &format!("base_url = \"{}\"\n", server.url()),
    );
    let r = run(env.bare().env("MAILINGCORE_API_KEY", KEY).arg("verify-key"));
    assert_eq!(r.code, 0, "{}", r.all());
    let r = cron(&env, &format!("{BIN} verify-key"), &assignments);
    assert_eq!(r.code, 78, "{}", r.all());
    assert!(r.all().contains("cron"), "{}", r.all());
}

#[test]
fn the_readme_try_it_as_cron_runs_it_command_shows_the_key_from_the_file() {
    let section = "### Cron: replay exports and flush the outbox";
    let env = TestEnv::new();
    let try_it = block(section, "sh", "env -i");
    assert!(try_it.contains(INSTALLED), "{try_it}");
    env.write(
        "home/.config/mcnotify/config.toml",
        &block(section, "toml", "api_key_file"),
    );
    env.write("home/.config/mcnotify/key", KEY);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = env.home().join(".config/mcnotify/key");
        fs::set_permissions(key, fs::Permissions::from_mode(0o600)).unwrap();
    }
    let mut cmd = Std::new("/bin/sh");
    cmd.arg("-c")
        .arg(try_it.replace(INSTALLED, BIN))
        .env_clear()
        .env("HOME", env.home())
        .env("LOGNAME", "root")
        .env("PATH", "/usr/bin:/bin")
        .env("MAILINGCORE_API_KEY", "mc_test_shouldnotbeusedatall0000");
    let r = run(&mut assert_cmd::Command::from_std(cmd));
    assert_eq!(r.code, 0, "{}", r.all());
    // env -i dropped the exported key: the one shown is the file's.
    assert!(r.stdout.contains("mc_test_…klmn"), "{}", r.stdout);
    assert!(r.stdout.contains("config api_key_file"), "{}", r.stdout);
    assert!(!r.stdout.contains("…0000"), "{}", r.stdout);
}

#[test]
fn the_system_config_is_read_when_the_user_has_none_and_anything_explicit_wins() {
    let server = StandIn::start();
    let env = TestEnv::new();
    let system = env.system_config_dir();
    env.write(
        "etc/mcnotify/config.toml",
        &format!(
            "to = \"system@example.com\"\nbase_url = \"{}\"\napi_key_file = \"key\"\n",
            server.url()
        ),
    );
    env.write("etc/mcnotify/key", KEY);
    let guide = env.write("guide.json", GUIDE_INCIDENT);
    let send = |cmd: &mut assert_cmd::Command| {
        let r = run(cmd.args(["send", "--json", "--file"]).arg(&guide));
        assert_eq!(r.code, 0, "{}", r.all());
        json_lines(r.stdout.as_bytes())[0]["to"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // No key in the environment, no user config: the system one, its key beside it.
    assert_eq!(send(&mut env.bare()), "system@example.com");
    assert_eq!(server.accepted().len(), 1);
    let r = run(env.bare().args(["config", "show"]));
    assert!(
        r.stdout.contains(&format!(
            "{} (the system-wide config)",
            system.join("config.toml").display()
        )),
        "{}",
        r.stdout
    );

    // A user config replaces it (nothing merged: this one has no key, so none is found).
    env.write(
        "home/.config/mcnotify/config.toml",
        "to = \"user@example.com\"\n",
    );
    let r = run(env.bare().args(["send", "--file"]).arg(&guide));
    assert_eq!(r.code, 78, "{}", r.all());
    let with_env_key = |cmd: &mut assert_cmd::Command| {
        cmd.env("MAILINGCORE_API_KEY", KEY)
            .env("MAILINGCORE_BASE_URL", server.url());
    };
    let mut cmd = env.bare();
    with_env_key(&mut cmd);
    assert_eq!(send(&mut cmd), "user@example.com");

    // MCNOTIFY_CONFIG and --config win over both.
    let named = env.write("named.toml", "to = \"named@example.com\"\n");
    let flagged = env.write("flagged.toml", "to = \"flagged@example.com\"\n");
    let mut cmd = env.bare();
    with_env_key(&mut cmd);
    cmd.env("MCNOTIFY_CONFIG", &named);
    assert_eq!(send(&mut cmd), "named@example.com");
    let mut cmd = env.bare();
    with_env_key(&mut cmd);
    cmd.env("MCNOTIFY_CONFIG", &named)
        .arg("--config")
        .arg(&flagged);
    assert_eq!(send(&mut cmd), "flagged@example.com");
}

#[test]
fn help_names_the_config_files_actually_searched() {
    let env = TestEnv::new();
    let r = run(env
        .bare()
        .env("XDG_CONFIG_HOME", "/srv/xdg")
        .env_remove("MCNOTIFY_SYSTEM_CONFIG_DIR")
        .arg("--help"));
    assert_eq!(r.code, 0, "{}", r.all());
    let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        help.contains("/srv/xdg/mcnotify/config.toml, /etc/mcnotify/config.toml"),
        "{help}"
    );
    assert!(!help.contains("~/.config"), "{help}");
    let r = run(env.bare().args(["send", "--help"]));
    let help = r.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    let user = env.home().join(".config/mcnotify/config.toml");
    assert!(help.contains(&user.display().to_string()), "{help}");
    assert!(
        help.contains(
            &env.system_config_dir()
                .join("config.toml")
                .display()
                .to_string()
        ),
        "{help}"
    );
}

/// The README's check, run as another user (nobody) with its own HOME, no key in its
/// environment, the README's system config and a key file root:group 640.
#[cfg(unix)]
#[test]
fn the_readme_icinga_check_runs_as_the_monitoring_user_from_the_system_config() {
    use std::os::unix::fs::{chown, PermissionsExt};
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: switching to another user needs root");
        return;
    }
    const NOBODY: u32 = 65534;
    let section = "### Quota monitoring";
    let server = StandIn::start();
    server.set_quota(5000, 421);
    let env = TestEnv::new();
    let open = |p: &Path| fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    open(env.dir.path());
    let system = env.system_config_dir();
    fs::create_dir_all(&system).unwrap();
    open(&system);
    open(system.parent().unwrap());
    let config = system.join("config.toml");
    fs::write(
        &config,
        format!(
            "base_url = \"{}\"\n{}",
            server.url(),
            block(section, "toml", "api_key_file")
        ),
    )
    .unwrap();
    fs::set_permissions(&config, fs::Permissions::from_mode(0o644)).unwrap();
    let key = system.join("key");
    fs::write(&key, format!("{KEY}\n")).unwrap();
    chown(&key, Some(0), Some(NOBODY)).unwrap();
    fs::set_permissions(&key, fs::Permissions::from_mode(0o640)).unwrap();
    let home = env.dir.path().join("nagios");
    fs::create_dir_all(&home).unwrap();
    chown(&home, Some(NOBODY), Some(NOBODY)).unwrap();

    let icinga = block(section, "", "CheckCommand");
    let argv = icinga
        .lines()
        .find_map(|l| l.trim().strip_prefix("command = "))
        .unwrap();
    let argv: Vec<String> = serde_json::from_str(argv).unwrap();
    assert_eq!(argv[0], INSTALLED);
    let mut cmd = Std::new(BIN);
    cmd.args(&argv[1..])
        .env_clear()
        .env("HOME", &home)
        .env("PATH", "/usr/bin:/bin")
        .env("MCNOTIFY_SYSTEM_CONFIG_DIR", &system)
        .current_dir(&home)
        .uid(NOBODY)
        .gid(NOBODY);
    let r = run(&mut assert_cmd::Command::from_std(cmd));
    assert_eq!(r.code, 0, "{}", r.all());
    assert!(r.stdout.starts_with("QUOTA OK - 421/5000"), "{}", r.stdout);
    assert!(r.stdout.contains(" live "), "{}", r.stdout);
    // Nothing on stderr: monitoring systems may show it as the status.
    assert_eq!(r.stderr, "");
    // Its probes went to its own state directory.
    assert!(home.join(".local/state/mcnotify/journal.jsonl").exists());

    // World-readable, the key draws the warning again.
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let mut cmd = Std::new(BIN);
    cmd.args(&argv[1..])
        .env_clear()
        .env("HOME", &home)
        .env("MCNOTIFY_SYSTEM_CONFIG_DIR", &system)
        .uid(NOBODY)
        .gid(NOBODY);
    let r = run(&mut assert_cmd::Command::from_std(cmd));
    assert!(r.stderr.contains("readable by others"), "{}", r.all());
}

fn show_json(cmd: &mut assert_cmd::Command) -> Value {
    let r = run(cmd.args(["--json", "config", "show"]));
    assert_eq!(r.code, 0, "{}", r.all());
    let lines = json_lines(r.stdout.as_bytes());
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    lines[0].clone()
}

#[test]
fn config_show_names_flag_env_profile_file_line_and_default() {
    let env = TestEnv::new();
    let config = env.write(
        "conf/config.toml",
        "to = \"top@example.com\"\nretries = 2\napi_key_file = \"key\"\n\n\
         [profile.night]\nbase_url = \"http://127.0.0.1:9\"\nfrom_email = \"night@example.com\"\n\
         [fields]\ncode = [\"/ticket/machine\"]\n",
    );
    env.write("conf/key", KEY);
    let path = config.display().to_string();
    let shown = show_json(
        env.bare()
            .arg("--config")
            .arg(&config)
            .args(["--profile", "night", "--timeout", "5"])
            .env("MAILINGCORE_TENANT_ID", "tenant_env"),
    );
    let s = &shown["settings"];
    assert_eq!(shown["configFile"]["path"], path);
    assert_eq!(shown["configFile"]["kind"], "flag");
    assert_eq!(s["profile"]["value"], "night");
    assert_eq!(s["profile"]["kind"], "flag");
    assert_eq!(s["timeout"]["value"], 5.0);
    assert_eq!(s["timeout"]["flag"], "--timeout");
    assert_eq!(s["tenant_id"]["value"], "tenant_env");
    assert_eq!(s["tenant_id"]["kind"], "env");
    assert_eq!(s["tenant_id"]["env"], "MAILINGCORE_TENANT_ID");
    assert_eq!(s["base_url"]["value"], "http://127.0.0.1:9");
    assert_eq!(s["base_url"]["kind"], "config");
    assert_eq!(s["base_url"]["profile"], "night");
    assert_eq!(s["base_url"]["file"], path);
    assert_eq!(s["base_url"]["line"], 6);
    assert_eq!(s["from_email"]["line"], 7);
    assert_eq!(s["to"]["value"], "top@example.com");
    assert_eq!(s["to"]["line"], 1);
    assert_eq!(s["to"]["profile"], Value::Null);
    assert_eq!(s["retries"]["value"], 2);
    assert_eq!(s["retries"]["line"], 2);
    let code = &shown["fields"]["code"];
    assert_eq!(code["line"], 9, "{code}");
    assert_eq!(code["paths"][0], "/ticket/machine");
    assert_eq!(code["paths"][1], "/incident/machineCode");
    assert_eq!(shown["fields"].as_object().unwrap().len(), 1);
    assert_eq!(s["retry_max_time"]["kind"], "default");
    assert_eq!(s["retry_max_time"]["value"], 30.0);
    // The key: redacted, from the config's api_key_file at line 3.
    assert_eq!(s["api_key"]["value"], "mc_test_…klmn");
    assert_eq!(s["api_key"]["kind"], "config");
    assert_eq!(s["api_key"]["line"], 3);
    let key_path = env.dir.path().join("conf/key").display().to_string();
    assert_eq!(
        s["api_key"]["key"],
        format!("config api_key_file {key_path}")
    );
    // The state directory: not there yet, then private once made.
    assert_eq!(s["state_dir"]["kind"], "default");
    assert_eq!(
        s["state_dir"]["value"],
        env.state_dir().display().to_string()
    );
    assert_eq!(s["state_dir"]["permissions"]["exists"], false);

    // The same from the environment, and the human lines.
    fs::create_dir_all(env.state_dir()).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(env.state_dir(), fs::Permissions::from_mode(0o750)).unwrap();
    }
    let from_env = || {
        let mut cmd = env.bare();
        cmd.env("MCNOTIFY_CONFIG", &config)
            .env("MCNOTIFY_PROFILE", "night")
            .env("MCNOTIFY_TO", "env@example.com")
            .env("MAILINGCORE_BASE_URL", "http://127.0.0.1:8")
            .args(["--base-url", "http://127.0.0.1:7"]);
        cmd
    };
    let shown = show_json(&mut from_env());
    let s = &shown["settings"];
    assert_eq!(shown["configFile"]["kind"], "env");
    assert_eq!(s["profile"]["env"], "MCNOTIFY_PROFILE");
    assert_eq!(s["to"]["value"], "env@example.com");
    assert_eq!(s["to"]["env"], "MCNOTIFY_TO");
    assert_eq!(s["base_url"]["value"], "http://127.0.0.1:7");
    assert_eq!(s["base_url"]["flag"], "--base-url");
    #[cfg(unix)]
    {
        assert_eq!(s["state_dir"]["permissions"]["mode"], "750");
        assert_eq!(s["state_dir"]["permissions"]["private"], false);
    }
    let r = run(from_env().args(["config", "show"]));
    assert_eq!(r.code, 0, "{}", r.all());
    let line = |name: &str| {
        r.stdout
            .lines()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} line: {}", r.stdout))
            .to_string()
    };
    assert!(line("config").contains(&format!("{path} (from MCNOTIFY_CONFIG)")));
    assert!(
        line("base_url").ends_with("flag --base-url"),
        "{}",
        r.stdout
    );
    assert!(line("to").ends_with("env MCNOTIFY_TO"), "{}", r.stdout);
    assert!(
        line("from_email").ends_with(&format!("profile night, {path}:7")),
        "{}",
        r.stdout
    );
    assert!(
        line("retries").ends_with(&format!("{path}:2")),
        "{}",
        r.stdout
    );
    assert!(line("timeout").ends_with("default"), "{}", r.stdout);
    assert!(line("state_dir").contains("mode 750"), "{}", r.stdout);
    assert!(line("api_key").contains("mc_test_…klmn"), "{}", r.stdout);
}

#[test]
fn config_show_gives_the_key_redacted_with_its_source_or_why_there_is_none() {
    let env = TestEnv::new();
    let shown = show_json(env.bare().env("MAILINGCORE_API_KEY", KEY));
    let key = &shown["settings"]["api_key"];
    assert_eq!(key["value"], "mc_test_…klmn");
    assert_eq!(key["kind"], "env");
    assert_eq!(key["key"], "MAILINGCORE_API_KEY");
    assert_eq!(shown["configFile"]["path"], Value::Null);
    let searched = shown["configFile"]["searched"].as_array().unwrap();
    assert_eq!(searched.len(), 2, "{searched:?}");

    let file = env.write("k", KEY);
    let shown = show_json(env.bare().arg("--api-key-file").arg(&file));
    let key = &shown["settings"]["api_key"];
    assert_eq!(key["kind"], "flag");
    assert_eq!(key["key"], format!("--api-key-file {}", file.display()));

    let shown = show_json(&mut env.bare());
    let key = &shown["settings"]["api_key"];
    assert_eq!(key["value"], Value::Null);
    assert_eq!(key["kind"], "none");
    assert!(
        key["error"].as_str().unwrap().contains("no API key found"),
        "{key}"
    );
    let r = run(env.bare().args(["config", "show"]));
    assert!(r.stdout.contains("none (looked for "), "{}", r.stdout);
}

#[test]
fn the_readme_card_is_the_example_file() {
    let card = block("### The Botpress card", "js", "axios.post");
    let file = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/botpress/execute-code.js"),
    )
    .unwrap();
    assert_eq!(
        card, file,
        "README and examples/botpress/execute-code.js differ"
    );
}

#[test]
fn the_readme_serve_config_starts_the_bridge_with_the_token_and_key_beside_it() {
    let section = "### Running the bridge: mcnotify serve";
    let api = StandIn::start();
    let env = TestEnv::new();
    let etc = env.system_config_dir();
    let config = block(section, "toml", "[serve]");
    for (name, text) in [
        ("config.toml", config.as_str()),
        ("key", KEY),
        ("serve-token", TOKEN),
    ] {
        let path = env.write(&format!("etc/mcnotify/{name}"), &format!("{text}\n"));
        set_mode(&path, if name == "config.toml" { 0o644 } else { 0o600 });
    }
    assert!(etc.join("serve-token").exists());
    // As pasted, but on a free port and against the stand-in: the key, the token and the
    // helpdesk address from the config only.
    let server = Server::start_with(&env, &api, &[], |cmd| {
        cmd.env_remove("MAILINGCORE_API_KEY")
            .env_remove("MCNOTIFY_SERVE_TOKEN_FILE")
            .env_remove("MCNOTIFY_TO");
    });
    let answer = server.post(GUIDE_INCIDENT);
    let log = server.log();
    assert!(
        log.first()
            .is_some_and(|l| l.contains("listening on http://")),
        "no warning: {log:?}"
    );
    assert_eq!(answer.status, 201, "{answer:?}");
    let sent = api.sends();
    assert_eq!(sent.len(), 1);
    let email = sent[0].json();
    assert_eq!(email["to"], "helpdesk@example.com");
    assert_eq!(email["fromEmail"], "assistant@example.com");
    assert_eq!(
        sent[0].header("Authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}
