//! Exit codes (sysexits, DESIGN §6) and the typed failure that carries one to `main`.

use std::fmt;
use std::process::ExitCode;

/// What a run ended with; the numbers are the documented contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Ok,
    Usage,
    DataErr,
    NoInput,
    Unavailable,
    IoErr,
    TempFail,
    NoPerm,
    Config,
    Interrupted,
    /// SIGTERM (systemd stop, `timeout`): handled like Ctrl-C.
    Terminated,
    /// SIGHUP (a closed terminal or ssh session): handled like Ctrl-C.
    HungUp,
    Internal,
    /// `check-quota`'s monitoring-plugin states: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Monitor(u8),
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Internal => 1,
            Exit::Usage => 64,
            Exit::DataErr => 65,
            Exit::NoInput => 66,
            Exit::Unavailable => 69,
            Exit::IoErr => 74,
            Exit::TempFail => 75,
            Exit::NoPerm => 77,
            Exit::Config => 78,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
            Exit::HungUp => 129,
            Exit::Monitor(state) => state,
        }
    }

    /// Rank for a run of several records: the lower the rank, the more it matters
    /// (DESIGN §9: 130 (or 143, 129 for SIGTERM, SIGHUP), then 77, 78, 66, 69, 65, 75; a lost incident, 74, ranks first
    /// after an interruption because nothing else tells the user it is gone).
    fn rank(self) -> u8 {
        match self {
            Exit::Interrupted | Exit::Terminated | Exit::HungUp => 0,
            Exit::IoErr => 1,
            Exit::Internal => 2,
            Exit::NoPerm => 3,
            Exit::Config => 4,
            Exit::NoInput => 5,
            Exit::Unavailable => 6,
            Exit::DataErr => 7,
            Exit::TempFail => 8,
            Exit::Usage => 9,
            Exit::Monitor(_) => 10,
            Exit::Ok => 11,
        }
    }

    /// The code that stands for both `self` and `other` in a run of several records.
    pub fn worst(self, other: Exit) -> Exit {
        if other.rank() < self.rank() {
            other
        } else {
            self
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// An error that knows its exit code and, optionally, a hint for the user.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Failure {
        Failure {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Failure {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Shorthand for `Err(Failure::new(..).into())`.
pub fn fail<T>(exit: Exit, message: impl Into<String>) -> anyhow::Result<T> {
    Err(Failure::new(exit, message).into())
}

/// The exit code and hint an error carries; unknown errors are internal (1).
pub fn classify(err: &anyhow::Error) -> (Exit, Option<&str>) {
    for cause in err.chain() {
        if let Some(failure) = cause.downcast_ref::<Failure>() {
            return (failure.exit, failure.hint.as_deref());
        }
    }
    (Exit::Internal, None)
}

/// True when the error is a closed stdout (`mcnotify ... | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_follows_the_documented_order() {
        let order = [
            Exit::Interrupted,
            Exit::NoPerm,
            Exit::Config,
            Exit::NoInput,
            Exit::Unavailable,
            Exit::DataErr,
            Exit::TempFail,
            Exit::Ok,
        ];
        for (i, a) in order.iter().enumerate() {
            for b in &order[i..] {
                assert_eq!(a.worst(*b), *a, "{a:?} vs {b:?}");
                assert_eq!(b.worst(*a), *a, "{b:?} vs {a:?}");
            }
        }
    }

    #[test]
    fn a_signal_outranks_every_outcome_and_keeps_its_own_code() {
        let outcomes = [
            Exit::IoErr,
            Exit::NoPerm,
            Exit::Config,
            Exit::TempFail,
            Exit::Ok,
        ];
        for (signal, code) in [
            (Exit::Interrupted, 130),
            (Exit::Terminated, 143),
            (Exit::HungUp, 129),
        ] {
            assert_eq!(signal.code(), code);
            for other in outcomes {
                assert_eq!(signal.worst(other), signal);
                assert_eq!(other.worst(signal), signal);
            }
        }
    }

    #[test]
    fn classify_finds_the_failure_under_context() {
        let err = anyhow::Error::from(Failure::new(Exit::NoInput, "gone").hint("look"))
            .context("reading incidents");
        assert_eq!(classify(&err), (Exit::NoInput, Some("look")));
        assert_eq!(classify(&anyhow::anyhow!("plain")).0, Exit::Internal);
    }
}
