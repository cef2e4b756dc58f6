//! mcnotify: helpdesk incidents to MailingCore transactional emails, exactly once.

mod address;
mod api;
mod app;
mod cli;
mod clock;
mod commands;
mod config;
mod context;
mod delivery;
mod dispatch;
mod email;
mod event;
mod exit;
mod field;
mod handoff;
mod help_text;
mod history;
mod incident;
mod input;
mod interrupt;
mod mapping;
mod outcome;
mod output;
mod pacing;
mod pipeline;
mod quick_parse;
mod quota;
mod report;
mod secret;
mod serve;
mod signature;
mod store;
mod template;

use std::process::ExitCode;

use crate::exit::{classify, is_broken_pipe, Exit};

/// The subcommand of a command line that did not parse, if it names one.
fn subcommand_named() -> Option<String> {
    use clap::CommandFactory;
    cli::Cli::command()
        .ignore_errors(true)
        .try_get_matches_from(std::env::args_os())
        .ok()
        .and_then(|m| m.subcommand_name().map(str::to_string))
}

fn main() -> ExitCode {
    let cli = match quick_parse::parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if !err.use_stderr() {
                Exit::Ok.into()
            } else if subcommand_named().as_deref() == Some("check-quota") {
                // A monitoring plugin's bad arguments are UNKNOWN, not a sysexits code,
                // with a status line on stdout like every other outcome.
                let json = std::env::args_os().any(|a| a == "--json");
                commands::check_quota::bad_arguments(&err, json);
                commands::check_quota::State::Unknown.exit().into()
            } else {
                Exit::Usage.into()
            };
        }
    };
    let printer = context::printer(&cli.global);
    match app::run(&cli, &printer) {
        Ok(exit) => exit.into(),
        Err(err) if is_broken_pipe(&err) => Exit::Ok.into(),
        Err(err) => {
            let (exit, hint) = classify(&err);
            if cli.global.verbose > 0 {
                printer.error(&format!("{err:?}"));
            } else {
                printer.error(&format!("{err:#}"));
            }
            if let Some(hint) = hint {
                printer.hint(hint);
            }
            exit.into()
        }
    }
}

/// A runtime like the one a run makes, for unit tests of async code.
#[cfg(test)]
fn tests_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
