//! Dispatch: settings are merged once, then the subcommand runs.

use anyhow::Result;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::commands;
use crate::config::Env;
use crate::context::{self, Context};
use crate::exit::Exit;
use crate::output::Printer;

pub fn run(cli: &Cli, printer: &Printer) -> Result<Exit> {
    let env = Env::from_process();
    let global = &cli.global;
    match &cli.command {
        Command::Send(args) => {
            let ctx = Context::load(global, Some(&args.email), &env, printer)?;
            commands::send::run(args, &ctx)
        }
        Command::Preview(args) => {
            let ctx = Context::load(global, Some(&args.email), &env, printer)?;
            commands::preview::run(args, &ctx)
        }
        Command::CheckQuota(args) => match Context::load(global, None, &env, printer) {
            Ok(ctx) => commands::check_quota::run(args, &ctx),
            Err(e) => Ok(commands::check_quota::unknown(&e, printer)),
        },
        Command::VerifyKey(args) => {
            let ctx = Context::load(global, None, &env, printer)?;
            commands::verify_key::run(args, &ctx)
        }
        Command::Status(args) => {
            let ctx = Context::load(global, None, &env, printer)?;
            commands::status::run(args, &ctx)
        }
        Command::Outbox(command) => {
            let ctx = Context::load(global, None, &env, printer)?;
            commands::outbox::run(command, &ctx)
        }
        Command::Store(command) => {
            let ctx = Context::load(global, None, &env, printer)?;
            commands::store::run(command, &ctx)
        }
        Command::Config(ConfigCommand::Show(args)) => {
            let env = Env {
                from_command_line: Some(commands::config::given_on_command_line()),
                ..env
            };
            let ctx = Context::load(global, Some(&args.email), &env, printer)?;
            commands::config::show(&ctx)
        }
        Command::Serve(args) => {
            let ctx = Context::with_flags(&context::serve_flags(global, args), &env, printer)?;
            commands::serve::run(args, &ctx)
        }
        Command::Completions(args) => commands::completions::run(args),
        Command::GenerateDocs(args) => commands::generate_docs::run(args),
    }
}
