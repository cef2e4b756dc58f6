//! What the user sees: results on stdout (human lines or JSON Lines), everything else
//! on stderr, under `-q`, `-v` and `--color`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use indicatif::ProgressBar;
use serde::Serialize;
use serde_json::Value;

use crate::outcome::{Origin, RecordOutcome};
use crate::quota::{Quota, RateLimit};

/// One line of `--json` output: the result of one record.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordResult {
    pub record: usize,
    pub origin: Origin,
    pub outcome: RecordOutcome,
    pub id: Option<String>,
    pub status: Option<String>,
    pub http: Option<u16>,
    pub idempotency_key: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub quota: Option<Quota>,
    pub rate_limit: Option<RateLimit>,
    pub attempts: u32,
    pub error: Option<String>,
    pub outbox_path: Option<String>,
    /// For a sent record: whether MailingCore answered with an email it had accepted
    /// earlier under the same idempotency key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replayed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<Value>,
}

/// How the user asked to be shown things: `--json`, `-q`, `-v` and `--color`.
#[derive(Debug, Clone, Default)]
pub struct OutputMode {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    /// `Some` when `--color` says always or never; `None` for auto.
    pub color: Option<bool>,
}

/// Prints results and messages; shared by the threads of a run.
pub struct Printer {
    pub json: bool,
    pub quiet: bool,
    pub verbose: u8,
    color: bool,
    stdout: Mutex<io::Stdout>,
    stdout_closed: AtomicBool,
    stderr_closed: AtomicBool,
    quota_warned: AtomicBool,
    hinted: Mutex<HashSet<String>>,
    progress: Mutex<Option<ProgressBar>>,
    /// Error lines kept instead of printed, while a command summarises them itself.
    held_errors: Mutex<Option<Vec<String>>>,
    progress_off: AtomicBool,
}

impl Printer {
    pub fn new(mode: &OutputMode, no_color_env: bool) -> Printer {
        let color = mode
            .color
            .unwrap_or_else(|| !no_color_env && io::stderr().is_terminal());
        Printer {
            json: mode.json,
            quiet: mode.quiet,
            verbose: mode.verbose,
            color,
            stdout: Mutex::new(io::stdout()),
            stdout_closed: AtomicBool::new(false),
            stderr_closed: AtomicBool::new(false),
            quota_warned: AtomicBool::new(false),
            hinted: Mutex::new(HashSet::new()),
            progress: Mutex::new(None),
            held_errors: Mutex::new(None),
            progress_off: AtomicBool::new(false),
        }
    }

    /// No progress bar for this run (the terminal is in use for typing the input).
    pub fn no_progress(&self) {
        self.progress_off.store(true, Ordering::Relaxed);
    }

    /// Whether a progress bar may be drawn at all.
    pub fn progress_allowed(&self) -> bool {
        !self.progress_off.load(Ordering::Relaxed)
    }

    /// While a progress bar is drawn, lines are printed around it.
    pub fn set_progress(&self, bar: Option<ProgressBar>) {
        *self.progress.lock().unwrap_or_else(|e| e.into_inner()) = bar;
    }

    fn emit(&self, print: impl FnOnce()) {
        let bar = self
            .progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match bar {
            Some(bar) if !bar.is_hidden() => bar.suspend(print),
            _ => print(),
        }
    }

    /// A line on stderr. A closed stderr (`2>&1 | head`, a logger that died) is ignored like
    /// a closed stdout: the run goes on, delivering and keeping, without its messages.
    fn eprint(&self, text: &str) {
        if self.stderr_closed.load(Ordering::Relaxed) {
            return;
        }
        self.emit(|| {
            let mut err = io::stderr().lock();
            if writeln!(err, "{text}").and_then(|_| err.flush()).is_err() {
                self.stderr_closed.store(true, Ordering::Relaxed);
            }
        });
    }

    /// A line on stdout. A closed pipe (`| head`) silences stdout for the rest of the run.
    pub fn out(&self, text: &str) {
        if self.stdout_closed.load(Ordering::Relaxed) {
            return;
        }
        self.emit(|| {
            let mut out = self.stdout.lock().unwrap_or_else(|e| e.into_inner());
            if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
                self.stdout_closed.store(true, Ordering::Relaxed);
            }
        });
    }

    /// A JSON line on stdout.
    pub fn json_line(&self, value: &impl Serialize) {
        let line = serde_json::to_string(value).expect("results serialise");
        self.out(&line);
    }

    /// A human result line on stdout (hidden by `-q` and `--json`).
    pub fn human(&self, text: &str) {
        if self.shows_human() {
            self.out(&for_terminal(text, true));
        }
    }

    /// Whether human result lines are shown: a line nobody sees need not be written.
    pub fn shows_human(&self) -> bool {
        !self.quiet && !self.json
    }

    pub fn error(&self, text: &str) {
        let text = for_terminal(text, true);
        if let Some(held) = self
            .held_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            held.push(text.into_owned());
            return;
        }
        self.eprint(&format!("{}{text}", self.paint("mcnotify: error: ", "31")));
    }

    /// Keep error lines from now on instead of printing them, until `take_errors`.
    pub fn hold_errors(&self) {
        *self.held_errors.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
    }

    /// The error lines kept since `hold_errors`; later ones are printed again.
    pub fn take_errors(&self) -> Vec<String> {
        self.held_errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .unwrap_or_default()
    }

    pub fn hint(&self, text: &str) {
        if !self.quiet {
            let text = for_terminal(text, true);
            self.eprint(&format!("{}{text}", self.paint("hint: ", "36")));
        }
    }

    /// A hint printed once per run however many records earn it.
    pub fn hint_once(&self, text: &str) {
        let first = self
            .hinted
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(text.to_string());
        if first {
            self.hint(text);
        }
    }

    pub fn warn(&self, text: &str) {
        if !self.quiet {
            let text = for_terminal(text, true);
            self.eprint(&format!(
                "{}{text}",
                self.paint("mcnotify: warning: ", "33")
            ));
        }
    }

    /// Progress and notes on stderr, shown by default but not under `-q`.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            self.eprint(&format!("mcnotify: {}", for_terminal(text, true)));
        }
    }

    /// Details shown from `-v` (level 1) or `-vv` (level 2).
    pub fn detail(&self, level: u8, text: &str) {
        if self.verbose >= level {
            self.eprint(&format!("mcnotify: {}", for_terminal(text, true)));
        }
    }

    /// The quota warning, once per run.
    pub fn quota(&self, quota: &Quota) {
        if let Some(text) = quota.warning_text() {
            if !self.quota_warned.swap(true, Ordering::Relaxed) {
                self.warn(&text);
            }
        }
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Text as it may reach a terminal: every control character (C0, DEL and C1; with
/// `multi_line`, line feed and tab are kept) is written as an escape (`\r`, `\x1b`,
/// `\x08`, `\x7f`, `\u{9b}`), as `ls` and `git` do, so that incident data cannot move
/// the cursor, recolour, rewrite or hide a line. Printable Unicode is kept. Human output
/// only: `--json` stays exact.
pub fn for_terminal(text: &str, multi_line: bool) -> Cow<'_, str> {
    let escaped = |c: char| c.is_control() && !(multi_line && matches!(c, '\n' | '\t'));
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !escaped(c) => out.push(c),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::for_terminal;

    #[test]
    fn control_characters_are_escaped_and_printable_text_kept() {
        assert_eq!(
            for_terminal("a\x1b[2Jb\rc\x08d\x07e\x7ff\u{9b}g", true),
            "a\\x1b[2Jb\\rc\\x08d\\x07e\\x7ff\\u{9b}g"
        );
        assert_eq!(for_terminal("línea\n\tdos ✓", true), "línea\n\tdos ✓");
        assert_eq!(for_terminal("one\ntwo\t", false), "one\\ntwo\\t");
        assert!(matches!(
            for_terminal("plain", false),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
