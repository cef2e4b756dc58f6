//! The committed completions/ and man/ match what the command line generates.

use std::fs;
use std::path::{Path, PathBuf};

mod support;

use support::harness::TestEnv;

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
            "{dir}/ is stale: run `UPDATE_GENERATED=1 cargo test --test generated`"
        );
        for ((name, a), (_, b)) in committed.iter().zip(&fresh) {
            assert!(
                a == b,
                "{dir}/{name} is stale: run `UPDATE_GENERATED=1 cargo test --test generated`"
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
