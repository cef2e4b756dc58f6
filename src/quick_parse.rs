//! A command line parsed against a tree of only the subcommand it names, the global options
//! and that subcommand's own: building clap's whole tree costs more than a short run.
//!
//! The small tree holds the same argument definitions as the whole one (it leaves out only
//! what help shows: texts, examples, the global options a subcommand hides), so a command
//! line it parses means the same there; anything else — help, `--version`, any error — is
//! left to the whole tree, which prints what it always did.

use std::ffi::OsString;

use clap::{Args, FromArgMatches};

use crate::cli::{
    parse_whole, CheckQuotaArgs, Cli, CompletionsArgs, GlobalArgs, PreviewArgs, SendArgs,
    ServeArgs, StatusArgs, VerifyKeyArgs,
};

/// A subcommand's definitions, added to a `clap::Command` of its name.
type Define = fn(clap::Command) -> clap::Command;

/// The subcommands (those without subcommands of their own) and their arguments, as the
/// whole tree defines them.
const SUBCOMMANDS: [(&str, Define); 7] = [
    ("send", SendArgs::augment_args),
    ("preview", PreviewArgs::augment_args),
    ("check-quota", CheckQuotaArgs::augment_args),
    ("verify-key", VerifyKeyArgs::augment_args),
    ("status", StatusArgs::augment_args),
    ("serve", ServeArgs::augment_args),
    ("completions", CompletionsArgs::augment_args),
];

/// Parse the process's command line: with a tree of only the subcommand named when that
/// parses it, else with the whole tree (which prints help, the version and errors).
pub fn parse() -> Result<Cli, clap::Error> {
    let args: Vec<OsString> = std::env::args_os().collect();
    match quick(&args) {
        Some(cli) => Ok(cli),
        None => parse_whole(args),
    }
}

/// `args` (program name first) parsed with only the subcommand its first word of that name
/// names; `None` when that is not enough (no such word, help, `--version`, an error).
fn quick(args: &[OsString]) -> Option<Cli> {
    let (name, define) = args.iter().skip(1).find_map(|word| {
        SUBCOMMANDS
            .iter()
            .find(|(name, _)| word.to_str() == Some(name))
    })?;
    let mut cmd = GlobalArgs::augment_args(clap::Command::new("mcnotify"))
        .subcommand(define(clap::Command::new(*name)));
    let matches = cmd.try_get_matches_from_mut(args).ok()?;
    let cli = Cli::from_arg_matches(&matches).ok();
    // Freed with the process: taking clap's tree and matches apart costs a run more than
    // the few kilobytes they hold.
    std::mem::forget((cmd, matches));
    cli
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::quick;
    use crate::cli::parse_whole;

    fn words(line: &str) -> Vec<OsString> {
        line.split_whitespace().map(OsString::from).collect()
    }

    /// Command lines the small tree parses, global options before and after the subcommand.
    const PARSED: [&str; 12] = [
        "mcnotify preview --file examples/incidents/guide.json --to helpdesk@example.com",
        "mcnotify preview --file a.json --file b.csv --format curl --timeout 3 --api-key-file k",
        "mcnotify --profile preview preview --format-in csv --field a=b --field c=d --json",
        "mcnotify -vv --color never send --code 5859 --type hardware --dry-run --jobs 2",
        "mcnotify send --file - --json -q --tag a --tag b --idempotency-key abc-123",
        "mcnotify --config /etc/x.toml check-quota --warn 50 --critical 90",
        "mcnotify verify-key --send-test you@example.com --tenant-id t1",
        "mcnotify status conv_abc123 --json",
        "mcnotify serve --listen 127.0.0.1:0 --deadline 2 --flush-every 1 --max-in-flight 3",
        "mcnotify completions bash",
        "mcnotify --base-url http://127.0.0.1:9 --retries 0 --retry-max-time 1 send --file x",
        "mcnotify send --location preview --description send --code status",
    ];

    /// Command lines left to the whole tree: help, the version, errors, other subcommands,
    /// or a first word that only looks like a subcommand.
    const LEFT: [&str; 12] = [
        "mcnotify --help",
        "mcnotify preview --help",
        "mcnotify preview -h",
        "mcnotify --version",
        "mcnotify preview --version",
        "mcnotify help preview",
        "mcnotify preview --frobnicate",
        "mcnotify preview --format pdf",
        "mcnotify -q -v preview",
        "mcnotify outbox list",
        "mcnotify status",
        "mcnotify --profile send preview --file x",
    ];

    #[test]
    fn parses_as_the_whole_tree_does() {
        for line in PARSED {
            let small = quick(&words(line)).unwrap_or_else(|| panic!("{line}"));
            let whole = parse_whole(words(line)).unwrap();
            assert_eq!(format!("{small:?}"), format!("{whole:?}"), "{line}");
        }
    }

    #[test]
    fn leaves_help_the_version_and_errors_to_the_whole_tree() {
        for line in LEFT {
            assert!(quick(&words(line)).is_none(), "{line}");
        }
        assert!(parse_whole(words("mcnotify --profile send preview --file x")).is_ok());
    }
}
