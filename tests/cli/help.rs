//! `-h` and `--help`: a subcommand's own options first, the global ones under their own
//! heading, examples that run, no option that does nothing there, and `--color` obeyed by
//! clap's own help and error messages.

use crate::support::harness::{text, TestEnv};

const SUBCOMMANDS: [&[&str]; 10] = [
    &["send"],
    &["preview"],
    &["check-quota"],
    &["verify-key"],
    &["outbox"],
    &["outbox", "list"],
    &["outbox", "show"],
    &["outbox", "drop"],
    &["outbox", "flush"],
    &["completions"],
];

fn help(env: &TestEnv, words: &[&str], flag: &str) -> String {
    let out = env.bare().args(words).arg(flag).assert().success();
    text(&out.get_output().stdout)
}

fn position(haystack: &str, needle: &str, what: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{what}: no {needle:?} in:\n{haystack}"))
}

#[test]
fn each_subcommand_lists_its_own_options_first_and_the_global_ones_under_a_heading() {
    let env = TestEnv::new();
    for words in SUBCOMMANDS {
        let what = words.join(" ");
        let short = help(&env, words, "-h");
        let examples = position(&short, "\nExamples:\n", &what);
        assert!(
            short[examples..].contains("\n  mcnotify "),
            "{what}: no example command:\n{short}"
        );
        if words == ["completions"] {
            continue;
        }
        let global = position(&short, "\nGlobal options:\n", &what);
        let own = position(&short, "\nOptions:\n", &what);
        assert!(own < global && global < examples, "{what}:\n{short}");
        // Every global option sits under its heading, none among the command's own.
        for flag in ["--config <PATH>", "--json", "--quiet", "--color <WHEN>"] {
            let at = position(&short, flag, &what);
            assert!(
                at > global && at < examples,
                "{what}: {flag} out of place:\n{short}"
            );
        }
    }
    let send = help(&env, &["send"], "-h");
    let global = position(&send, "\nGlobal options:\n", "send");
    for own in [
        "--jobs <N>",
        "--no-outbox",
        "--dry-run",
        "--file <PATH>",
        "--to <ADDRESS>",
    ] {
        assert!(position(&send, own, "send") < global, "{own}:\n{send}");
    }
    // The long help adds the exit codes after the examples.
    let long = help(&env, &["send"], "--help");
    assert!(
        position(&long, "\nExamples:\n", "send") < position(&long, "\nExit codes:\n", "send"),
        "{long}"
    );
    let quota = help(&env, &["check-quota"], "--help");
    assert!(quota.contains("  3    UNKNOWN"), "{quota}");
}

#[test]
fn preview_and_completions_leave_out_the_options_that_do_nothing_there() {
    let env = TestEnv::new();
    let preview = help(&env, &["preview"], "-h");
    for unused in [
        "--api-key-file",
        "--timeout",
        "--retries",
        "--retry-max-time",
    ] {
        assert!(
            !preview.contains(unused),
            "preview shows {unused}:\n{preview}"
        );
    }
    // `--format curl` prints the base URL and tenant, so those stay.
    for used in ["--base-url", "--tenant-id", "--config", "--to"] {
        assert!(preview.contains(used), "preview lacks {used}:\n{preview}");
    }
    let completions = help(&env, &["completions"], "-h");
    for unused in ["--config", "--base-url", "--timeout", "--json", "--color"] {
        assert!(!completions.contains(unused), "completions shows {unused}");
    }
    // Hidden is not refused: global options still parse before or after the subcommand.
    let guide = env.write("guide.json", crate::support::harness::GUIDE_INCIDENT);
    for args in [
        vec!["preview", "--timeout", "5", "--retries", "1", "--file"],
        vec![
            "--timeout",
            "5",
            "preview",
            "--api-key-file",
            "nowhere",
            "--file",
        ],
    ] {
        env.bare()
            .args(&args)
            .arg(&guide)
            .args(["--to", "helpdesk@example.com"])
            .assert()
            .success();
    }
    env.bare()
        .args(["completions", "bash", "--quiet", "--color", "never"])
        .assert()
        .success();
}

#[test]
fn the_hidden_command_is_not_listed() {
    let env = TestEnv::new();
    let top = help(&env, &[], "--help");
    assert!(top.contains("  completions "), "{top}");
    assert!(!top.contains("generate-docs"), "{top}");
}

#[test]
fn the_main_help_example_runs_as_printed() {
    let env = TestEnv::new();
    let top = help(&env, &[], "-h");
    let line = top
        .lines()
        .find(|l| {
            l.trim_start()
                .starts_with("mcnotify preview --file examples/")
        })
        .unwrap_or_else(|| panic!("no preview example:\n{top}"));
    let words: Vec<&str> = line.split_whitespace().skip(1).collect();
    let out = env
        .bare()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(&words)
        .assert()
        .success();
    assert!(
        text(&out.get_output().stdout).contains("Albacenter Mall"),
        "{line}"
    );
}

const ESC: char = '\u{1b}';

#[test]
fn color_never_reaches_clap_help_and_errors_and_always_colours_them() {
    let env = TestEnv::new();
    // CLICOLOR_FORCE would colour clap's output even into a pipe; --color never wins.
    for args in [
        vec!["--color", "never", "send", "-h"],
        vec!["send", "--color=never", "--help"],
    ] {
        let out = env
            .bare()
            .env("CLICOLOR_FORCE", "1")
            .args(&args)
            .assert()
            .success();
        let help = text(&out.get_output().stdout);
        assert!(help.contains("Global options:"), "{args:?}");
        assert!(!help.contains(ESC), "{args:?}: colour in help");
    }
    let out = env
        .bare()
        .env("CLICOLOR_FORCE", "1")
        .args(["send", "--bogus", "--color", "never"])
        .assert()
        .code(64);
    let err = text(&out.get_output().stderr);
    assert!(err.contains("--bogus"), "{err}");
    assert!(!err.contains(ESC), "colour in the error: {err:?}");

    // --color always colours them into a pipe.
    let out = env
        .bare()
        .args(["--color", "always", "preview", "-h"])
        .assert()
        .success();
    assert!(
        text(&out.get_output().stdout).contains(ESC),
        "no colour in help"
    );
    let out = env
        .bare()
        .args(["--color=always", "send", "--bogus"])
        .assert()
        .code(64);
    assert!(
        text(&out.get_output().stderr).contains(ESC),
        "no colour in the error"
    );

    // By default a pipe gets none.
    let out = env.bare().args(["send", "--bogus"]).assert().code(64);
    assert!(!text(&out.get_output().stderr).contains(ESC));
}
