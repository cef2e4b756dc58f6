//! Runs many deliveries at once: bounded concurrency, results printed in input order,
//! a progress bar on a terminal, Ctrl-C handling and the closing summary.

use std::collections::{BTreeMap, VecDeque};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::delivery::{Finished, Job};
use crate::exit::Exit;
use crate::output::Printer;

/// How far results may run ahead of the oldest unfinished one (bounds memory).
const REORDER_WINDOW: usize = 4096;

/// Records read ahead per request in flight, so the reader and the workers wake each other
/// less often.
const QUEUE_PER_JOB: usize = 16;

/// Work for the dispatcher: a request to make, or a result already known (an invalid
/// record, an unreadable file).
pub enum Work {
    Job(Job),
    Done(Box<Finished>),
}

/// Counts for the closing summary.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    pub sent: usize,
    pub invalid: usize,
    pub rejected: usize,
    pub deferred: usize,
    pub auth: usize,
    pub not_sent: usize,
    pub other: usize,
}

impl Tally {
    pub fn add(&mut self, outcome: &str) {
        match outcome {
            "sent" | "dry-run" => self.sent += 1,
            "invalid" => self.invalid += 1,
            "rejected" => self.rejected += 1,
            "deferred" => self.deferred += 1,
            "auth" => self.auth += 1,
            "not-sent" => self.not_sent += 1,
            _ => self.other += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.sent
            + self.invalid
            + self.rejected
            + self.deferred
            + self.auth
            + self.not_sent
            + self.other
    }

    fn failures(&self) -> usize {
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
        if self.not_sent > 0 {
            parts.push(format!("{} not sent (interrupted)", self.not_sent));
        }
        if self.other > 0 {
            parts.push(format!("{} other", self.other));
        }
        parts.join(", ")
    }
}

/// Ctrl-C: the first stops new sends, the second exits at once.
pub struct Interrupt {
    flag: Arc<AtomicBool>,
}

impl Interrupt {
    /// Install the handler (once per process).
    pub fn install() -> Interrupt {
        static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
        let flag = FLAG
            .get_or_init(|| {
                let flag = Arc::new(AtomicBool::new(false));
                let handler_flag = flag.clone();
                let _ = ctrlc::set_handler(move || {
                    if handler_flag.swap(true, Ordering::SeqCst) {
                        std::process::exit(130);
                    }
                    eprintln!("\nmcnotify: interrupted: finishing the requests in flight (Ctrl-C again to quit now)");
                });
                flag
            })
            .clone();
        Interrupt { flag }
    }

    pub fn is_set(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

/// The requests read ahead for the workers. Bounded; the reader, once it finds the queue
/// full, is woken only when it has drained to half, so the reader and the workers do not
/// wake each other for every record.
struct Queue {
    state: Mutex<QueueState>,
    /// Workers wait here for a request.
    ready: Condvar,
    /// The reader waits here for room.
    room: Condvar,
    capacity: usize,
}

#[derive(Default)]
struct QueueState {
    items: VecDeque<(usize, Job)>,
    closed: bool,
    workers_waiting: usize,
    reader_waiting: bool,
}

impl Queue {
    fn new(capacity: usize) -> Queue {
        Queue {
            state: Mutex::new(QueueState::default()),
            ready: Condvar::new(),
            room: Condvar::new(),
            capacity: capacity.max(2),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, item: (usize, Job)) {
        let mut st = self.lock();
        while st.items.len() >= self.capacity {
            st.reader_waiting = true;
            st = self.room.wait(st).unwrap_or_else(|e| e.into_inner());
            st.reader_waiting = false;
        }
        st.items.push_back(item);
        if st.workers_waiting > 0 {
            self.ready.notify_one();
        }
    }

    /// No more requests: the workers finish what is queued, then stop.
    fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    fn pop(&self) -> Option<(usize, Job)> {
        let mut st = self.lock();
        loop {
            if let Some(item) = st.items.pop_front() {
                if st.reader_waiting && st.items.len() <= self.capacity / 2 {
                    self.room.notify_one();
                }
                return Some(item);
            }
            if st.closed {
                return None;
            }
            st.workers_waiting += 1;
            st = self.ready.wait(st).unwrap_or_else(|e| e.into_inner());
            st.workers_waiting -= 1;
        }
    }
}

/// Results come back in any order; they are printed in input order.
struct Reorder<'a> {
    state: Mutex<ReorderState>,
    advanced: Condvar,
    printer: &'a Printer,
    progress: &'a ProgressBar,
}

#[derive(Default)]
struct ReorderState {
    next: usize,
    waiting: BTreeMap<usize, Finished>,
    exit: Option<Exit>,
    tally: Tally,
    /// The reader is blocked in `wait_for_room` (else nobody to wake).
    reader_waiting: bool,
}

impl Reorder<'_> {
    fn complete(&self, seq: usize, finished: Finished) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.waiting.insert(seq, finished);
        loop {
            let next = st.next;
            let Some(done) = st.waiting.remove(&next) else {
                break;
            };
            st.next += 1;
            st.exit = Some(st.exit.map_or(done.exit, |e| e.worst(done.exit)));
            if let Some(result) = &done.result {
                st.tally.add(result.outcome);
                if self.printer.json {
                    self.printer.json_line(result);
                }
            }
            if let Some(line) = &done.line {
                self.printer.human(line);
            }
            if !self.progress.is_hidden() {
                self.progress.inc(1);
                self.progress
                    .set_message(format!("{} failed", st.tally.failures()));
            }
        }
        if st.reader_waiting {
            self.advanced.notify_all();
        }
    }

    /// Block the reader while results run too far ahead of the oldest unfinished one.
    fn wait_for_room(&self, seq: usize) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while seq >= st.next + REORDER_WINDOW {
            st.reader_waiting = true;
            st = self.advanced.wait(st).unwrap_or_else(|e| e.into_inner());
            st.reader_waiting = false;
        }
    }
}

/// Deliver every job of `work` with up to `jobs` in flight; returns the aggregated exit
/// code and the tally. `total` (when known) gives the progress bar its length.
pub fn run(
    work: impl Iterator<Item = Result<Work>>,
    jobs: usize,
    total: Option<u64>,
    printer: &Printer,
    interrupt: &Interrupt,
    deliver: impl Fn(&Job) -> Finished + Sync,
) -> Result<(Exit, Tally)> {
    let progress = progress_bar(printer, total);
    printer.set_progress(Some(progress.clone()));
    let reorder = Reorder {
        state: Mutex::new(ReorderState::default()),
        advanced: Condvar::new(),
        printer,
        progress: &progress,
    };
    let jobs = jobs.max(1);
    let queue = Queue::new(jobs * QUEUE_PER_JOB);
    let mut fatal = None;
    let mut unread_from = None;
    thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some((seq, job)) = queue.pop() {
                    let finished = if interrupt.is_set() {
                        Finished::not_sent(&job)
                    } else {
                        deliver(&job)
                    };
                    reorder.complete(seq, finished);
                }
            });
        }
        for (seq, step) in work.enumerate() {
            if interrupt.is_set() {
                unread_from = Some(seq);
                break;
            }
            match step {
                Ok(Work::Done(finished)) => reorder.complete(seq, *finished),
                Ok(Work::Job(job)) => {
                    reorder.wait_for_room(seq);
                    queue.push((seq, job));
                }
                Err(e) => {
                    fatal = Some(e);
                    break;
                }
            }
        }
        queue.close();
    });
    progress.finish_and_clear();
    printer.set_progress(None);
    if let Some(e) = fatal {
        return Err(e);
    }
    let st = reorder
        .state
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    let mut exit = st.exit.unwrap_or(Exit::Ok);
    if interrupt.is_set() {
        exit = Exit::Interrupted;
        let skipped = st.tally.not_sent;
        // Input after the interruption is left unread: say where to resume.
        let tail = match unread_from {
            Some(seq) => format!(", nor record {} and those after it (not read)", seq + 1),
            None => String::new(),
        };
        printer.error(&format!(
            "interrupted: {skipped} record{} in the queue were not sent{tail}; the requests in flight finished",
            if skipped == 1 { "" } else { "s" }
        ));
    }
    Ok((exit, st.tally))
}

fn progress_bar(printer: &Printer, total: Option<u64>) -> ProgressBar {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn job(n: usize) -> (usize, Job) {
        let job = Job {
            number: n,
            origin: format!("test:{n}"),
            label: n.to_string(),
            key: format!("k{n}"),
            body: Vec::new(),
            to: None,
            subject: None,
            entry: None,
            digest: None,
        };
        (n, job)
    }

    #[test]
    fn the_queue_hands_out_every_request_once_and_in_order() {
        let queue = Queue::new(8);
        let taken = Mutex::new(Vec::new());
        thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    while let Some((seq, _)) = queue.pop() {
                        mine.push(seq);
                        if seq % 7 == 0 {
                            thread::sleep(Duration::from_millis(1));
                        }
                    }
                    // Each worker sees its requests in the order they were queued.
                    assert!(mine.windows(2).all(|w| w[0] < w[1]), "{mine:?}");
                    taken.lock().unwrap().extend(mine);
                });
            }
            for n in 0..500 {
                queue.push(job(n));
            }
            queue.close();
        });
        let mut taken = taken.into_inner().unwrap();
        taken.sort_unstable();
        assert_eq!(taken, (0..500).collect::<Vec<_>>());
    }
}
