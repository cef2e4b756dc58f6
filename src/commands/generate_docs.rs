//! Hidden `mcnotify generate-docs --out-dir DIR`: the committed completions and man pages.

use std::fs;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateDocsArgs, CONFIG_HELP_DOCS};
use crate::commands::completions;
use crate::exit::Exit;

mod man;

pub fn run(args: &GenerateDocsArgs) -> Result<Exit> {
    // The live help names this machine's paths; the committed files must not.
    let command = || Cli::command().mut_arg("config", |a| a.help(CONFIG_HELP_DOCS));
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
