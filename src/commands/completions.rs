//! `mcnotify completions SHELL`: a completion script on stdout, with the fixes the
//! generated fish script needs.

use anyhow::{Context, Result};
use clap::{Command, CommandFactory};
use clap_complete::Shell;

use crate::cli::{Cli, CompletionsArgs};
use crate::exit::Exit;

pub fn run(args: &CompletionsArgs) -> Result<Exit> {
    let script = script(args.shell, Cli::command())?;
    std::io::Write::write_all(&mut std::io::stdout(), &script)?;
    Ok(Exit::Ok)
}

/// The completion script of `shell` for the whole command line `cmd`.
pub fn script(shell: Shell, mut cmd: Command) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mcnotify", &mut out);
    if shell == Shell::Fish {
        let text = String::from_utf8(out).context("the fish script is not UTF-8")?;
        return Ok(fish_fixes(&text, &cmd).into_bytes());
    }
    Ok(out)
}

/// The generated fish script decides "no subcommand yet" with `argparse`, which fails on a
/// global option still waiting for its value (`mcnotify --color <TAB>`), so nothing but file
/// names was offered there. It also offers no values for positional arguments
/// (`mcnotify completions <TAB>`), and offers file names where none fits.
fn fish_fixes(script: &str, cmd: &Command) -> String {
    let needs =
        "    argparse -s (__fish_mcnotify_global_optspecs) -- $cmd 2>/dev/null\n    or return\n";
    let mut text = script.replacen(
        needs,
        "    # A global option still waiting for its value: no subcommand yet.\n    \
         argparse -s (__fish_mcnotify_global_optspecs) -- $cmd 2>/dev/null\n    or return 0\n",
        1,
    );
    for sub in cmd.get_subcommands() {
        let name = sub.get_name();
        let mut positionals = sub.get_positionals().peekable();
        if positionals.peek().is_some()
            && sub
                .get_positionals()
                .all(|arg| !arg.get_possible_values().is_empty())
        {
            // Only fixed values, before or after them: never a file name.
            text.push_str(&format!(
                "complete -c mcnotify -n \"__fish_mcnotify_using_subcommand {name}\" -f\n"
            ));
        }
        for arg in positionals {
            let values: Vec<String> = arg
                .get_possible_values()
                .iter()
                .filter(|v| !v.is_hide_set())
                .map(|v| v.get_name().to_string())
                .collect();
            if values.is_empty() {
                continue;
            }
            let values = values.join(" ");
            text.push_str(&format!(
                "complete -c mcnotify -n \"__fish_mcnotify_using_subcommand {name}; and not __fish_seen_subcommand_from {values}\" -f -a \"{values}\"\n"
            ));
        }
    }
    text
}
