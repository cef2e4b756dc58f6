//! Hidden `mcnotify generate-docs --out-dir DIR`: the committed completions and man pages.

use std::fs;

use anyhow::{Context, Result};
use clap::{Command, CommandFactory};
use clap_complete::Shell;

use crate::cli::{Cli, GenerateDocsArgs, CONFIG_HELP_DOCS};
use crate::commands::completions;
use crate::exit::Exit;

mod man;

pub fn run(args: &GenerateDocsArgs) -> Result<Exit> {
    let command = || same_on_every_machine(Cli::command());
    let completions = args.out_dir.join("completions");
    let man = args.out_dir.join("man");
    for dir in [&completions, &man] {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for (shell, name) in [
        (Shell::Bash, "mcnotify.bash"),
        (Shell::Zsh, "_mcnotify"),
        (Shell::Fish, "mcnotify.fish"),
        (Shell::Elvish, "mcnotify.elv"),
        (Shell::PowerShell, "_mcnotify.ps1"),
    ] {
        let path = completions.join(name);
        fs::write(&path, completions::script(shell, command())?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    for (name, text) in man::pages(&command()) {
        let path = man.join(name);
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(Exit::Ok)
}

/// The live `--config` help names this machine's paths, in every subcommand that carries
/// its own copy of the global options; the committed files must not.
fn same_on_every_machine(cmd: Command) -> Command {
    cmd.mut_args(|arg| {
        if arg.get_id() == "config" {
            arg.help(CONFIG_HELP_DOCS)
        } else {
            arg
        }
    })
    .mut_subcommands(same_on_every_machine)
}
