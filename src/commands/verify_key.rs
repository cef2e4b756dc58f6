//! `mcnotify verify-key`: is the key valid, scoped and for this tenant?

use anyhow::Result;

use crate::cli::VerifyKeyArgs;
use crate::config::Settings;
use crate::exit::{fail, Exit};
use crate::output::Printer;

pub fn run(_args: &VerifyKeyArgs, _settings: &Settings, _printer: &Printer) -> Result<Exit> {
    fail(Exit::Internal, "verify-key is not built yet")
}
