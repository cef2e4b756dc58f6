//! Dispatch: settings are merged once, then the subcommand runs.

use anyhow::Result;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::commands;
use crate::config::{Env, Settings};
use crate::exit::Exit;
use crate::output::Printer;

pub fn run(cli: &Cli, printer: &Printer) -> Result<Exit> {
    let env = Env::from_process();
    match &cli.command {
        Command::Send(args) => {
            let settings = Settings::load(&cli.global, Some(&args.email), &env)?;
            commands::send::run(args, &settings, printer)
        }
        Command::Preview(args) => {
            let settings = Settings::load(&cli.global, Some(&args.email), &env)?;
            commands::preview::run(args, &settings, printer)
        }
        Command::CheckQuota(args) => match Settings::load(&cli.global, None, &env) {
            Ok(settings) => commands::check_quota::run(args, &settings, printer),
            Err(e) => Ok(commands::check_quota::unknown(&e, printer)),
        },
        Command::VerifyKey(args) => {
            let settings = Settings::load(&cli.global, None, &env)?;
            commands::verify_key::run(args, &settings, printer)
        }
        Command::Outbox(command) => {
            let settings = Settings::load(&cli.global, None, &env)?;
            commands::outbox::run(command, &settings, printer)
        }
        Command::Config(ConfigCommand::Show(args)) => {
            let env = Env {
                from_command_line: Some(commands::config::given_on_command_line()),
                ..env
            };
            let settings = Settings::load(&cli.global, Some(&args.email), &env)?;
            commands::config::show(&settings, printer)
        }
        Command::Completions(args) => commands::completions::run(args),
        Command::GenerateDocs(args) => commands::generate_docs::run(args),
    }
}
