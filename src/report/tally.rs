//! The closing summary of a run: counts by outcome.

use crate::outcome::RecordOutcome;
use crate::output::Printer;

/// Counts for the closing summary.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub sent: usize,
    pub invalid: usize,
    pub rejected: usize,
    pub deferred: usize,
    pub auth: usize,
    pub config: usize,
    pub not_sent: usize,
    pub other: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: RecordOutcome) {
        match outcome {
            RecordOutcome::Sent | RecordOutcome::DryRun => self.sent += 1,
            RecordOutcome::Invalid => self.invalid += 1,
            RecordOutcome::Rejected => self.rejected += 1,
            RecordOutcome::Deferred => self.deferred += 1,
            RecordOutcome::Auth => self.auth += 1,
            RecordOutcome::Config => self.config += 1,
            RecordOutcome::NotSent => self.not_sent += 1,
            RecordOutcome::Preview
            | RecordOutcome::Empty
            | RecordOutcome::Retried
            | RecordOutcome::Error => self.other += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.sent
            + self.invalid
            + self.rejected
            + self.deferred
            + self.auth
            + self.config
            + self.not_sent
            + self.other
    }

    pub fn failures(&self) -> usize {
        self.total() - self.sent
    }

    /// `98 sent, 1 invalid, 0 rejected, 1 deferred`
    pub fn summary(&self, sent_word: &str) -> String {
        let mut parts = vec![
            format!("{} {sent_word}", self.sent),
            format!("{} invalid", self.invalid),
            format!("{} rejected", self.rejected),
            format!("{} deferred", self.deferred),
        ];
        if self.auth > 0 {
            parts.push(format!("{} refused for the key", self.auth));
        }
        if self.config > 0 {
            parts.push(format!("{} not sent (configuration)", self.config));
        }
        if self.not_sent > 0 {
            parts.push(format!("{} not sent (interrupted)", self.not_sent));
        }
        if self.other > 0 {
            parts.push(format!("{} other", self.other));
        }
        parts.join(", ")
    }
}

/// The one-line summary on stderr after a run of several records.
pub fn summarise(tally: &Tally, sent_word: &str, printer: &Printer) {
    if tally.total() > 1 {
        printer.note(&tally.summary(sent_word));
    }
}
