//! Single flight: requests under one idempotency key at the same time (a double click, a
//! retry of the bot) make one request to MailingCore, and every caller gets its answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{watch, Notify};

use super::answer::Answer;

/// The deliveries in flight, by idempotency key.
#[derive(Default)]
pub struct Flights {
    by_key: Mutex<HashMap<String, Arc<Flight>>>,
    emptied: Notify,
}

/// One delivery in flight.
pub struct Flight {
    answer: watch::Sender<Option<Answer>>,
    /// The answer given when the deadline passed first (the request then kept).
    overdue: Mutex<Option<Answer>>,
}

/// Whether the caller makes the request or waits for the one in flight.
pub enum Joined {
    Leader(Arc<Flight>),
    Follower(Arc<Flight>),
}

impl Flights {
    pub fn join(&self, key: &str) -> Joined {
        let mut map = self.by_key.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(flight) = map.get(key) {
            return Joined::Follower(flight.clone());
        }
        let flight = Arc::new(Flight {
            answer: watch::channel(None).0,
            overdue: Mutex::new(None),
        });
        map.insert(key.to_string(), flight.clone());
        Joined::Leader(flight)
    }

    /// Whether a delivery under `key` is in flight (the flusher leaves its entry alone).
    pub fn contains(&self, key: &str) -> bool {
        self.by_key
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(key)
    }

    /// The delivery under `key` has ended.
    pub fn land(&self, key: &str) {
        let mut map = self.by_key.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(key);
        if map.is_empty() {
            self.emptied.notify_waiters();
        }
    }

    /// Returns once no delivery is in flight.
    pub async fn idle(&self) {
        loop {
            let emptied = self.emptied.notified();
            if self
                .by_key
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .is_empty()
            {
                return;
            }
            emptied.await;
        }
    }
}

impl Flight {
    /// The answer, once the delivery has ended.
    pub async fn answer(&self) -> Answer {
        let mut rx = self.answer.subscribe();
        let answer = rx.wait_for(Option::is_some).await;
        match answer {
            Ok(answer) => answer.clone().expect("waited for"),
            // The sender lives as long as the flight: it cannot be gone while awaited.
            Err(_) => unreachable!("a flight's answer outlives its waiters"),
        }
    }

    /// The delivery ended with `answer`. `overdue` is told whether an answer was already
    /// given at the deadline (the request was then kept, and may have to be cleared).
    pub fn land(&self, answer: Answer, overdue: impl FnOnce(bool)) {
        let given = self.overdue.lock().unwrap_or_else(|e| e.into_inner());
        overdue(given.is_some());
        self.answer.send_replace(Some(answer));
    }

    /// The deadline passed: the answer the delivery gave if it has just ended, else the
    /// one `keep` makes (once for all the callers).
    pub fn overdue(&self, keep: impl FnOnce() -> Answer) -> Answer {
        let mut given = self.overdue.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(answer) = self.answer.borrow().clone() {
            return answer;
        }
        given.get_or_insert_with(keep).clone()
    }
}
