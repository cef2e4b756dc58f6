//! `mcnotify check-quota`: the monthly quota for monitoring systems.

use anyhow::Result;

use crate::cli::CheckQuotaArgs;
use crate::config::Settings;
use crate::exit::{fail, Exit};
use crate::output::Printer;

pub fn run(_args: &CheckQuotaArgs, _settings: &Settings, _printer: &Printer) -> Result<Exit> {
    fail(Exit::Internal, "check-quota is not built yet")
}
