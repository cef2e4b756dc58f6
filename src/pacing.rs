//! Pacing to the advertised rate limit: requests wait for the window to reset instead
//! of collecting 429s. Shared by every request of a run.

use std::pin::pin;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use tokio::sync::Notify;

use crate::quota::RateLimit;

/// Arrive this long after the server's window resets, never before it.
const MARGIN: Duration = Duration::from_millis(40);
/// How long to hold back when the window is spent and the server gave no reset time.
const UNKNOWN_RESET_WAIT: Duration = Duration::from_secs(1);
/// Instants are kept at most this far ahead: a reset or `Retry-After` near `u64::MAX`
/// seconds must not overflow `Instant` (no wait that long is ever made anyway).
const FAR: Duration = Duration::from_secs(100 * 365 * 86_400);

/// `now + wait`, without overflow (a wait beyond `FAR` counts as `FAR`).
pub fn later(now: Instant, wait: Duration) -> Instant {
    now.checked_add(wait.min(FAR))
        .unwrap_or(now + Duration::from_secs(86_400))
}

#[derive(Debug, Default)]
struct Window {
    limit: Option<u64>,
    /// Requests this run may still start in the current window; `None` while unknown.
    remaining: Option<u64>,
    /// The server's `X-RateLimit-Reset` of the current window, to tell windows apart.
    reset_value: Option<u64>,
    reset_at: Option<Instant>,
    /// Requests started but not yet answered.
    in_flight: u64,
    /// Requests started and answered in the current window (as far as this run knows).
    started: u64,
    answered: u64,
    /// The lowest `X-RateLimit-Remaining` of the current window: the server's latest count.
    lowest: Option<u64>,
    /// No request starts before this (after a rate-limit 429).
    blocked_until: Option<Instant>,
    /// Requests waiting in `acquire` (nobody to wake while zero).
    waiting: u64,
}

impl Window {
    /// The counts of a window that starts now: those in flight may land in it.
    fn new_window(&mut self) {
        self.started = self.in_flight;
        self.answered = 0;
        self.lowest = None;
    }

    /// Count a request that may start now, or say how long it must wait.
    fn step(&mut self, deadline: Instant) -> Step {
        let now = Instant::now();
        if let Some(until) = self.blocked_until {
            if now < until {
                if until > deadline {
                    return Step::TooLong(until - now);
                }
                return Step::Wait(until - now);
            }
            self.blocked_until = None;
        }
        if let Some(reset_at) = self.reset_at {
            if now >= later(reset_at, MARGIN) {
                // The window rolled over: assume it is full until a response says otherwise.
                self.remaining = self.limit.map(|l| l.saturating_sub(self.in_flight));
                self.reset_at = None;
                self.reset_value = None;
                self.new_window();
            }
        }
        match self.remaining {
            Some(0) => match self.reset_at {
                Some(reset_at) => {
                    let until = later(reset_at, MARGIN);
                    if until > deadline {
                        return Step::TooLong(until.saturating_duration_since(now));
                    }
                    Step::Wait(until.saturating_duration_since(now))
                }
                None => {
                    self.blocked_until = Some(now + UNKNOWN_RESET_WAIT);
                    self.remaining = None;
                    self.new_window();
                    Step::Wait(UNKNOWN_RESET_WAIT)
                }
            },
            Some(r) => {
                self.remaining = Some(r - 1);
                self.in_flight += 1;
                self.started += 1;
                Step::Go
            }
            None => {
                self.in_flight += 1;
                self.started += 1;
                Step::Go
            }
        }
    }

    /// How many of the requests in flight the server's latest count (`lowest` remaining)
    /// does not include yet. Answers come back in any order, so some in flight may have
    /// been counted already: when every request the server counted in this window can be
    /// this run's, those counted but not answered are in flight, and only the rest are
    /// still to come. Subtracting all of them would lose slots for the whole window (and
    /// a whole window for the last requests). When someone else uses the window too, or
    /// the limit is unknown, any of them may be uncounted.
    fn uncounted(&self, lowest: u64) -> u64 {
        match self.limit {
            Some(limit) if limit.saturating_sub(lowest) <= self.started => {
                let counted = limit.saturating_sub(lowest);
                let counted_in_flight = counted.saturating_sub(self.answered);
                self.in_flight.saturating_sub(counted_in_flight)
            }
            _ => self.in_flight,
        }
    }
}

#[derive(Debug, Default)]
pub struct Pacer {
    window: Mutex<Window>,
    /// Woken when an answer changes the window.
    changed: Notify,
}

/// What a request that wants to start must do now.
enum Step {
    Go,
    Wait(Duration),
    /// The wait would end past the ceiling: this long.
    TooLong(Duration),
}

impl Pacer {
    pub fn new() -> Pacer {
        Pacer::default()
    }

    /// Wait until a request may start, then count it against the window. A wait that
    /// would end more than `ceiling` from now is not made: `Err` says how long it would be.
    /// No lock is held while waiting.
    pub async fn acquire(&self, ceiling: Duration) -> Result<(), Duration> {
        let deadline = later(Instant::now(), ceiling);
        loop {
            // Listen before looking, so an answer between the look and the wait wakes it.
            let mut changed = pin!(self.changed.notified());
            changed.as_mut().enable();
            let wait = {
                let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
                match w.step(deadline) {
                    Step::Go => return Ok(()),
                    Step::TooLong(wait) => return Err(wait),
                    Step::Wait(wait) => {
                        w.waiting += 1;
                        wait
                    }
                }
            };
            let _ = tokio::time::timeout(wait.max(Duration::from_millis(1)), changed).await;
            let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
            w.waiting -= 1;
        }
    }

    /// A response came back (or the attempt failed): update the window from its headers.
    /// `rate_limited` is true for a rate-limit 429.
    pub fn observe(&self, rate: Option<&RateLimit>, rate_limited: bool) {
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        w.in_flight = w.in_flight.saturating_sub(1);
        // Counted as answered even without figures: it may have reached the server.
        w.answered += 1;
        let now = Instant::now();
        if let Some(rate) = rate {
            let reset_at = rate.until_reset(SystemTime::now()).map(|d| later(now, d));
            if rate.limit.is_some() {
                w.limit = rate.limit;
            }
            if let Some(server_remaining) = rate.remaining {
                let newer = match (rate.reset, w.reset_value) {
                    (Some(new), Some(old)) => new > old,
                    (Some(_), None) => true,
                    (None, _) => false,
                };
                if newer {
                    if w.reset_value.is_some() {
                        // The server moved to a new window before this run did: count
                        // those in flight and this one as the new window's.
                        w.new_window();
                        w.started += 1;
                        w.answered = 1;
                    }
                    w.reset_value = rate.reset;
                    w.reset_at = reset_at;
                    w.lowest = None;
                }
                if newer || rate.reset.is_none() || rate.reset == w.reset_value {
                    let lowest = w
                        .lowest
                        .map_or(server_remaining, |l| l.min(server_remaining));
                    w.lowest = Some(lowest);
                    w.remaining = Some(lowest.saturating_sub(w.uncounted(lowest)));
                }
            }
            if rate_limited {
                w.remaining = Some(0);
                if reset_at.is_some() && rate.reset >= w.reset_value {
                    w.reset_at = reset_at;
                    w.reset_value = rate.reset;
                }
            }
        } else if rate_limited {
            w.blocked_until = Some(later(now, UNKNOWN_RESET_WAIT));
        }
        if w.waiting > 0 {
            self.changed.notify_waiters();
        }
    }

    /// After a rate-limit 429 with `Retry-After`: nobody starts before then.
    pub fn hold_until(&self, until: Instant) {
        let mut w = self.window.lock().unwrap_or_else(|e| e.into_inner());
        if w.blocked_until.is_none_or(|b| b < until) {
            w.blocked_until = Some(until);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    /// Run one acquire to its end.
    fn block<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap()
            .block_on(future)
    }

    fn epoch_in(secs: u64) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + secs
    }

    #[test]
    fn a_spent_window_waits_for_the_reset() {
        let pacer = Pacer::new();
        block(pacer.acquire(Duration::MAX)).unwrap();
        let reset = epoch_in(1);
        pacer.observe(
            Some(&RateLimit {
                limit: Some(2),
                remaining: Some(1),
                reset: Some(reset),
            }),
            false,
        );
        let started = Instant::now();
        block(pacer.acquire(Duration::MAX)).unwrap(); // the last one of the window goes at once
        assert!(started.elapsed() < Duration::from_millis(200));
        pacer.observe(
            Some(&RateLimit {
                limit: Some(2),
                remaining: Some(0),
                reset: Some(reset),
            }),
            false,
        );
        block(pacer.acquire(Duration::MAX)).unwrap(); // this one waits for the reset
        let waited = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        assert!(
            waited >= Duration::from_secs(reset),
            "started before the reset"
        );
    }

    fn limited(remaining: u64, reset: u64) -> RateLimit {
        RateLimit {
            limit: Some(20),
            remaining: Some(remaining),
            reset: Some(reset),
        }
    }

    fn remaining(pacer: &Pacer) -> Option<u64> {
        pacer.window.lock().unwrap().remaining
    }

    /// Four start together; the server counts the second before the first, whose answer
    /// comes back first, then the second's with a lower figure, then a late one with the
    /// figure of the first.
    fn four_answer_out_of_order(pacer: &Pacer, reset: u64) {
        for _ in 0..4 {
            block(pacer.acquire(Duration::MAX)).unwrap();
        }
        // two counted, one answered: one of the three in flight is counted
        pacer.observe(Some(&limited(18, reset)), false);
        assert_eq!(remaining(pacer), Some(16));
        pacer.observe(Some(&limited(19, reset)), false);
        assert_eq!(
            remaining(pacer),
            Some(16),
            "an overtaken answer changes nothing"
        );
        pacer.observe(Some(&limited(17, reset)), false);
        assert_eq!(remaining(pacer), Some(16));
        for _ in 0..16 {
            block(pacer.acquire(Duration::MAX)).unwrap();
        }
        assert_eq!(remaining(pacer), Some(0));
    }

    #[test]
    fn the_first_answers_of_a_window_lose_no_slot() {
        let pacer = Pacer::new();
        four_answer_out_of_order(&pacer, epoch_in(60));
    }

    #[test]
    fn the_first_answers_after_a_rollover_lose_no_slot() {
        let pacer = Pacer::new();
        block(pacer.acquire(Duration::MAX)).unwrap();
        // A spent window that resets now: the next acquire rolls over (20 left).
        pacer.observe(Some(&limited(0, epoch_in(0))), false);
        four_answer_out_of_order(&pacer, epoch_in(60));
    }

    #[test]
    fn a_window_someone_else_uses_counts_every_request_in_flight() {
        let pacer = Pacer::new();
        for _ in 0..4 {
            block(pacer.acquire(Duration::MAX)).unwrap();
        }
        // five counted before this run's first: the three in flight may all be uncounted
        pacer.observe(Some(&limited(14, epoch_in(60))), false);
        assert_eq!(remaining(&pacer), Some(11));
    }

    #[test]
    fn a_wait_beyond_the_ceiling_is_not_made() {
        let pacer = Pacer::new();
        block(pacer.acquire(Duration::MAX)).unwrap();
        // A spent window whose reset lies a day ahead (a server clock off by a day).
        pacer.observe(Some(&limited(0, epoch_in(86_400))), false);
        let started = Instant::now();
        let asked = block(pacer.acquire(Duration::from_secs(5))).unwrap_err();
        assert!(started.elapsed() < Duration::from_millis(200));
        assert!(asked > Duration::from_secs(86_000), "{asked:?}");
        // A reset near u64::MAX, and a hold for as long: no overflow, no wait.
        let pacer = Pacer::new();
        block(pacer.acquire(Duration::MAX)).unwrap();
        pacer.observe(Some(&limited(0, u64::MAX)), true);
        pacer.hold_until(later(Instant::now(), Duration::MAX));
        assert!(block(pacer.acquire(Duration::from_secs(5))).is_err());
    }

    #[test]
    fn without_headers_nothing_waits() {
        let pacer = Pacer::new();
        let started = Instant::now();
        for _ in 0..100 {
            block(pacer.acquire(Duration::MAX)).unwrap();
            pacer.observe(None, false);
        }
        assert!(started.elapsed() < Duration::from_millis(500));
    }
}
