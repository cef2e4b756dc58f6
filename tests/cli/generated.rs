//! The committed completions/ and man/ match what the command line generates.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::harness::TestEnv;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| {
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        fs::read(e.path()).unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The pages `generate-docs` writes, in a fresh directory.
fn fresh_man_pages(env: &TestEnv) -> Vec<(String, String)> {
    let out = env.dir.path().join("generated");
    env.bare()
        .args(["generate-docs", "--out-dir"])
        .arg(&out)
        .assert()
        .success();
    files(&out.join("man"))
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The `.SH` headings of a page, in order.
fn sections(page: &str) -> Vec<String> {
    page.lines()
        .filter_map(|l| l.strip_prefix(".SH "))
        .map(|h| h.trim_matches('"').to_string())
        .collect()
}

#[test]
fn man_pages_pass_mandoc_lint_with_all_warnings() {
    // mandoc has no version flag: whether it starts at all is the question.
    let have = Command::new("mandoc")
        .args(["-Tlint", "/dev/null"])
        .output()
        .is_ok();
    if !have {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("mandoc is missing; .ci/run installs it (apt-get install mandoc)");
        }
        eprintln!("skipped: mandoc is not installed");
        return;
    }
    let env = TestEnv::new();
    let pages = fresh_man_pages(&env);
    assert!(!pages.is_empty(), "generate-docs wrote no man page");
    let dir = env.dir.path().join("generated/man");
    for (name, _) in &pages {
        let out = Command::new("mandoc")
            .args(["-Tlint", "-W", "all"])
            .arg(dir.join(name))
            .output()
            .unwrap();
        let messages = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && messages.trim().is_empty(),
            "{name}: mandoc -Tlint -W all says:\n{messages}"
        );
    }
}

#[test]
fn man_pages_have_the_conventional_sections_and_a_config_page() {
    let env = TestEnv::new();
    let pages = fresh_man_pages(&env);
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    for name in [
        "mcnotify.1",
        "mcnotify-send.1",
        "mcnotify-preview.1",
        "mcnotify-check-quota.1",
        "mcnotify-verify-key.1",
        "mcnotify-outbox.1",
        "mcnotify-outbox-flush.1",
        "mcnotify-completions.1",
        "mcnotify-config.5",
    ] {
        assert!(names.contains(&name), "{name} missing: {names:?}");
    }
    assert!(
        !names.iter().any(|n| n.contains("generate-docs")),
        "{names:?}"
    );
    for (name, page) in &pages {
        let got = sections(page);
        assert!(!got.contains(&"EXTRA".to_string()), "{name}: {got:?}");
        let mut want = vec!["NAME", "SYNOPSIS", "DESCRIPTION", "EXAMPLES", "SEE ALSO"];
        if name.ends_with(".1") {
            want.push("EXIT STATUS");
        }
        if name.ends_with(".1") && name != "mcnotify-completions.1" {
            want.extend(["OPTIONS", "ENVIRONMENT", "FILES"]);
        }
        for section in want {
            assert!(
                got.iter().any(|s| s == section),
                "{name}: no {section} in {got:?}"
            );
        }
        assert!(
            page.contains("mcnotify\\-config\\fR(5)") || name == "mcnotify-config.5",
            "{name} does not point at mcnotify-config(5)"
        );
    }
    let page = |n: &str| &pages.iter().find(|(name, _)| name == n).unwrap().1;
    // Exit codes are a section of their own, with each code a tagged paragraph.
    let send = page("mcnotify-send.1");
    assert!(
        send.contains(".TP\n\\fB75\\fR\nTemporary failure"),
        "{send}"
    );
    assert!(page("mcnotify-check-quota.1").contains(".TP\n\\fB3\\fR\nUNKNOWN"));
    // Global options are a subsection after the command's own.
    let own = send.find("\\fB\\-\\-dry\\-run\\fR").unwrap();
    let global = send.find(".SS \"Global options\"").unwrap();
    assert!(own < global, "--dry-run comes after the global options");
    let config = page("mcnotify-config.5");
    for needle in [
        "/etc/mcnotify/config.toml",
        "~/.config/mcnotify/config.toml",
        ".SH KEYS",
        ".SH FIELDS",
        "[profile.NAME]",
        ".B retry_max_time",
    ] {
        assert!(config.contains(needle), "mcnotify-config(5) lacks {needle}");
    }
}

/// The names a config error lists after `marker`, e.g. "expected one of `a`, `b`".
fn names_listed(message: &str, marker: &str) -> Vec<String> {
    let tail =
        &message[message.find(marker).unwrap_or_else(|| panic!("{message}")) + marker.len()..];
    let tail = tail.lines().next().unwrap();
    let mut names: Vec<String> = tail
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    names.sort();
    names
}

/// The tags (`.TP` then `.B name` or `.BR a ", " b`, or `.BR name ,` in a list) of one
/// `.SH` section of a roff page.
fn names_in_section(page: &str, section: &str, list: bool) -> Vec<String> {
    let body = page.split(&format!(".SH {section}\n")).nth(1).unwrap();
    let body = body.split("\n.SH ").next().unwrap();
    let lines: Vec<&str> = body.lines().collect();
    let mut names = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let tagged = i > 0 && lines[i - 1] == ".TP";
        if !(tagged || list) || !(line.starts_with(".B ") || line.starts_with(".BR ")) {
            continue;
        }
        let words = line.split_once(' ').unwrap().1;
        if list && !tagged {
            // `.BR code ,` in a sentence listing field names.
            let word = words.split(' ').next().unwrap();
            if word.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                names.push(word.to_string());
            }
            continue;
        }
        for word in words.split([' ', '"', ',']) {
            if !word.is_empty() {
                names.push(word.to_string());
            }
        }
    }
    names.sort();
    names
}

#[test]
fn the_config_page_documents_every_key_and_field_the_config_file_accepts() {
    let env = TestEnv::new();
    let pages = fresh_man_pages(&env);
    let page = &pages
        .iter()
        .find(|(n, _)| n == "mcnotify-config.5")
        .expect("mcnotify-config.5")
        .1;
    let refused = |toml: &str| {
        let config = env.write("probe.toml", toml);
        let out = env
            .bare()
            .arg("--config")
            .arg(&config)
            .args(["preview", "--to", "helpdesk@example.com", "--type", "t"])
            .args(["--description", "d", "--contact-email", "ana@example.com"])
            .assert()
            .code(78);
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let keys = names_listed(&refused("no_such_key = 1\n"), "expected one of");
    assert_eq!(
        names_in_section(page, "KEYS", false),
        keys,
        "KEYS of mcnotify-config(5)"
    );
    let fields = names_listed(&refused("[fields]\nno_such_field = [\"/x\"]\n"), "(fields:");
    let mut documented = names_in_section(page, "FIELDS", true);
    documented.retain(|n| !["paths", "default", "default_paths"].contains(&n.as_str()));
    assert_eq!(documented, fields, "FIELDS of mcnotify-config(5)");
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let env = TestEnv::new();
    let out = env.dir.path().join("generated");
    env.bare()
        .args(["generate-docs", "--out-dir"])
        .arg(&out)
        .assert()
        .success();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_GENERATED").is_some();
    for dir in ["completions", "man"] {
        let fresh = files(&out.join(dir));
        assert!(!fresh.is_empty(), "generate-docs wrote nothing into {dir}/");
        if update {
            let target = root.join(dir);
            let _ = fs::remove_dir_all(&target);
            fs::create_dir_all(&target).unwrap();
            for (name, bytes) in &fresh {
                fs::write(target.join(name), bytes).unwrap();
            }
            continue;
        }
        let committed = files(&root.join(dir));
        let names = |v: &[(String, Vec<u8>)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(
            names(&committed),
            names(&fresh),
            "{dir}/ is stale: run `UPDATE_GENERATED=1 cargo test --test cli generated`"
        );
        for ((name, a), (_, b)) in committed.iter().zip(&fresh) {
            assert!(
                a == b,
                "{dir}/{name} is stale: run `UPDATE_GENERATED=1 cargo test --test cli generated`"
            );
        }
    }
}

#[test]
fn the_completions_subcommand_prints_each_shell() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = env.bare().args(["completions", shell]).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(text.contains("mcnotify"), "{shell}: {text}");
    }
    env.bare().args(["completions", "tcsh"]).assert().code(64);
}
