//! The progress bar of a batch: on a terminal only, hidden under `--json` and `-q`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::output::Printer;

/// The bar for a run of `total` records (a spinner when the total is not known).
pub fn progress_bar(printer: &Printer, total: Option<u64>) -> ProgressBar {
    if printer.json
        || printer.quiet
        || !printer.progress_allowed()
        || !std::io::stderr().is_terminal()
    {
        return ProgressBar::hidden();
    }
    let (length, template) = match total {
        Some(n) => (Some(n), "{bar:30} {pos}/{len} {rate} ETA {eta} {msg}"),
        None => (None, "{spinner} {pos} done {rate} {elapsed} {msg}"),
    };
    let style = ProgressStyle::with_template(template)
        .expect("the template is valid")
        // Whole requests a second: indicatif's own {per_sec} shows four decimals.
        .with_key(
            "rate",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        );
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr()).with_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}
