//! Ctrl-C, SIGTERM and SIGHUP: the first stops new sends and lets the requests in flight
//! finish; a second one exits at once.

use std::io::Write;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Once;
use std::thread;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::exit::Exit;

/// The signal that interrupted the run, 0 while none has (one per process).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP: the first stops new sends and lets the requests in
/// flight finish (journaled, and kept when they fail); a second one (but a repeated
/// SIGHUP) exits at once.
pub struct Interrupt(pub(crate) ());

impl Interrupt {
    /// Install the handler (once per process). The signals are read on a thread of their
    /// own, so the message is printed outside the signal handler.
    pub fn install() -> Interrupt {
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(|| {
            let Ok(mut signals) = Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
                return;
            };
            thread::spawn(move || {
                for signal in signals.forever() {
                    let first =
                        SIGNAL.compare_exchange(0, signal, Ordering::SeqCst, Ordering::SeqCst);
                    match first {
                        Ok(_) => {}
                        // A hang-up often comes twice (from the terminal, then from the
                        // shell passing it on): it is never a request to hurry.
                        Err(_) if signal == SIGHUP => continue,
                        Err(_) => std::process::exit(128 + signal),
                    }
                    let (name, again) = match signal {
                        SIGTERM => ("terminated (SIGTERM)", "another signal"),
                        SIGHUP => ("hung up (SIGHUP)", "SIGTERM or SIGINT"),
                        _ => ("interrupted", "Ctrl-C again"),
                    };
                    // A closed stderr must not stop the run: the message is dropped then.
                    let _ = writeln!(
                        std::io::stderr(),
                        "\nmcnotify: {name}: finishing the requests in flight ({again} to quit now)"
                    );
                }
            });
        });
        Interrupt(())
    }

    pub fn is_set(&self) -> bool {
        SIGNAL.load(Ordering::SeqCst) != 0
    }

    /// The exit code of an interrupted run: 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP).
    pub fn exit(&self) -> Exit {
        match SIGNAL.load(Ordering::SeqCst) {
            SIGTERM => Exit::Terminated,
            SIGHUP => Exit::HungUp,
            _ => Exit::Interrupted,
        }
    }

    /// What stopped the run, for the closing report.
    pub fn what(&self) -> &'static str {
        match SIGNAL.load(Ordering::SeqCst) {
            SIGTERM => "terminated (SIGTERM)",
            SIGHUP => "hung up (SIGHUP)",
            _ => "interrupted",
        }
    }
}
