//! `mcnotify outbox`: list, show, drop and flush the kept requests.

use anyhow::Result;

use crate::cli::OutboxCommand;
use crate::config::Settings;
use crate::exit::{fail, Exit};
use crate::output::Printer;

pub fn run(_command: &OutboxCommand, _settings: &Settings, _printer: &Printer) -> Result<Exit> {
    fail(Exit::Internal, "outbox is not built yet")
}
