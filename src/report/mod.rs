//! Reporting, above delivery: each record's result line, the closing tally, the progress
//! bar, the records that cannot be sent and an input with no incident.

mod progress;
mod record;
mod tally;
mod unsendable;

pub use progress::progress_bar;
pub use record::{result_of, Finished, Reporter};
pub use tally::{summarise, Tally};
pub use unsendable::{nothing_read, report_unsendable, NO_INCIDENT};
