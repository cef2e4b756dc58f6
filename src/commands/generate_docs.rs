//! Hidden `mcnotify generate-docs --out-dir DIR`: the committed completions and man pages.

use std::fs;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::{Cli, GenerateDocsArgs, CONFIG_HELP_DOCS};
use crate::exit::Exit;

pub fn run(args: &GenerateDocsArgs) -> Result<Exit> {
    // The live help names this machine's paths; the committed files must not.
    let command = || Cli::command().mut_arg("config", |a| a.help(CONFIG_HELP_DOCS));
    let completions = args.out_dir.join("completions");
    let man = args.out_dir.join("man");
    for dir in [&completions, &man] {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        clap_complete::generate_to(shell, &mut command(), "mcnotify", &completions)
            .with_context(|| format!("cannot write {shell} completions"))?;
    }
    clap_mangen::generate_to(command(), &man).context("cannot write the man pages")?;
    Ok(Exit::Ok)
}
