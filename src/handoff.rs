//! The queue from a run's reader thread to its deliveries: bounded, and woken in batches.
//!
//! The reader and the deliveries often share one CPU. A channel that wakes the reader as
//! soon as one place is free, and the deliveries at every record, makes the two threads
//! take turns record by record: two context switches per record. Here the reader is woken
//! only once the queue has drained to half, and the deliveries only when they have nothing
//! left to start; otherwise they take what has come at their next turn.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard};

use tokio::sync::Notify;

pub struct Handoff<T> {
    state: Mutex<State<T>>,
    /// The reader waits here for room.
    room: Condvar,
    /// The deliveries wait here for work, or for the end of the input.
    ready: Notify,
    capacity: usize,
}

struct State<T> {
    items: VecDeque<T>,
    /// The reader is done: no more items will come.
    closed: bool,
    /// The deliveries are gone (ended or panicked): nothing more will be taken.
    dropped: bool,
    /// The reader waits for room.
    reader_waiting: bool,
    /// The deliveries have nothing to start and wait for the next item.
    starving: bool,
}

/// What `take` found.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    /// This many items (possibly none: the queue is empty for now).
    Some(usize),
    /// None, and none will come: the input has ended.
    Ended,
}

impl<T> Handoff<T> {
    /// A queue of at most `capacity` items.
    pub fn new(capacity: usize) -> Handoff<T> {
        Handoff {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
                dropped: false,
                reader_waiting: false,
                starving: false,
            }),
            room: Condvar::new(),
            ready: Notify::new(),
            capacity: capacity.max(2),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // Neither side panics while holding the lock: the state is always whole.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The reader's side: add one item, waiting while the queue is full. Gives the item
    /// back when the deliveries are gone.
    pub fn push(&self, item: T) -> Result<(), T> {
        let mut state = self.lock();
        while state.items.len() >= self.capacity && !state.dropped {
            state.reader_waiting = true;
            state = self.room.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        if state.dropped {
            return Err(item);
        }
        state.items.push_back(item);
        let wake = std::mem::take(&mut state.starving);
        drop(state);
        if wake {
            self.ready.notify_one();
        }
        Ok(())
    }

    /// The reader's side: the input has ended.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_one();
    }

    /// The deliveries' side: move up to `most` items into `into`, without waiting.
    pub fn take(&self, most: usize, into: &mut impl Extend<T>) -> Taken {
        let mut state = self.lock();
        if state.items.is_empty() && state.closed {
            return Taken::Ended;
        }
        let n = most.min(state.items.len());
        into.extend(state.items.drain(..n));
        let wake = state.reader_waiting && state.items.len() <= self.capacity / 2;
        if wake {
            state.reader_waiting = false;
        }
        drop(state);
        if wake {
            self.room.notify_one();
        }
        Taken::Some(n)
    }

    /// The deliveries' side, once `take` found nothing: wait until there may be something
    /// to take. Unless `starving` (nothing left to start), the reader does not wake them
    /// for an item, only for the end of the input: they take what came at their next turn.
    pub async fn wait(&self, starving: impl FnOnce() -> bool) {
        {
            let mut state = self.lock();
            if !state.items.is_empty() || state.closed {
                return;
            }
            state.starving = starving();
        }
        self.ready.notified().await;
    }

    /// The deliveries' side: they are gone; a reader waiting for room returns.
    pub fn drop_consumer(&self) {
        self.lock().dropped = true;
        self.room.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::thread;
    use std::time::Duration;

    #[test]
    fn items_come_out_in_order_and_the_end_is_told() {
        let queue = Handoff::new(4);
        for n in 0..3 {
            queue.push(n).unwrap();
        }
        queue.close();
        let mut out = Vec::new();
        assert_eq!(queue.take(2, &mut out), Taken::Some(2));
        assert_eq!(queue.take(10, &mut out), Taken::Some(1));
        assert_eq!(queue.take(10, &mut out), Taken::Ended);
        assert_eq!(out, [0, 1, 2]);
    }

    #[test]
    fn a_full_queue_holds_the_reader_until_it_has_drained_to_half() {
        let queue = Arc::new(Handoff::new(4));
        let reader = {
            let queue = queue.clone();
            thread::spawn(move || {
                for n in 0..5 {
                    queue.push(n).unwrap();
                }
            })
        };
        while queue.lock().items.len() < 4 {
            thread::yield_now();
        }
        let mut out = Vec::new();
        queue.take(1, &mut out);
        thread::sleep(Duration::from_millis(50));
        assert_eq!(queue.lock().items.len(), 3, "not woken for one place");
        queue.take(1, &mut out);
        reader.join().unwrap();
        queue.take(10, &mut out);
        assert_eq!(out, [0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_reader_waiting_for_room_gets_its_item_back_when_the_deliveries_are_gone() {
        let queue = Arc::new(Handoff::new(2));
        queue.push(0).unwrap();
        queue.push(1).unwrap();
        let reader = {
            let queue = queue.clone();
            thread::spawn(move || queue.push(2))
        };
        thread::sleep(Duration::from_millis(20));
        queue.drop_consumer();
        assert_eq!(reader.join().unwrap(), Err(2));
    }

    #[test]
    fn starving_deliveries_are_woken_by_the_next_item_and_by_the_end() {
        let queue = Arc::new(Handoff::new(8));
        let runtime = crate::tests_runtime();
        let reader = {
            let queue = queue.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                queue.push(7).unwrap();
                thread::sleep(Duration::from_millis(20));
                queue.close();
            })
        };
        runtime.block_on(async {
            let mut out = Vec::new();
            let bounded = Duration::from_secs(10);
            tokio::time::timeout(bounded, queue.wait(|| true))
                .await
                .expect("woken by the item");
            assert_eq!(queue.take(8, &mut out), Taken::Some(1));
            tokio::time::timeout(bounded, queue.wait(|| false))
                .await
                .expect("woken by the end");
            assert_eq!(queue.take(8, &mut out), Taken::Ended);
            assert_eq!(out, [7]);
        });
        reader.join().unwrap();
    }
}
