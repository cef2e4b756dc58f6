//! What a run that reads incidents reports besides each delivery: the records that cannot
//! be sent, and an input with no incident.

use super::Finished;
use crate::exit::Exit;
use crate::outcome::RecordOutcome;
use crate::output::{Printer, RecordResult};
use crate::pipeline::Prepared;

/// What a run whose input held no incident says.
pub const NO_INCIDENT: &str = "the input held no incident";

/// A run whose input held no incident at all (nothing on stdin, an empty export, text that
/// is no document) exits 65: a bridge must not report a ticket that was never sent.
/// `--allow-empty` makes it a success, for replays of exports that may be empty.
pub fn nothing_read(records: usize, exit: Exit, allow_empty: bool, printer: &Printer) -> Exit {
    if records > 0 || exit != Exit::Ok {
        return exit;
    }
    if allow_empty {
        printer.note(NO_INCIDENT);
        return exit;
    }
    printer.error(NO_INCIDENT);
    printer.hint("--allow-empty makes an empty input a success (an export that may be empty)");
    Exit::DataErr
}

/// Invalid records (65) and unreadable files (66): reported, never sent or saved.
pub fn report_unsendable(step: Prepared, printer: &Printer) -> Finished {
    match step {
        Prepared::Invalid {
            number,
            origin,
            error,
            ..
        } => {
            printer.error(&origin.prefix(&error));
            Finished {
                result: Some(RecordResult {
                    record: number,
                    origin,
                    outcome: RecordOutcome::Invalid,
                    error: Some(error),
                    ..RecordResult::default()
                }),
                exit: Exit::DataErr,
                line: None,
            }
        }
        Prepared::Unreadable { error, .. } => {
            printer.error(&error);
            Finished {
                result: None,
                exit: Exit::NoInput,
                line: None,
            }
        }
        Prepared::Email(_) => unreachable!("emails are sent, not reported"),
    }
}
