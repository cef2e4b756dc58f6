//! Runs many deliveries at once: bounded concurrency, results printed in input order,
//! a progress bar on a terminal, Ctrl-C handling and the closing summary.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::{mpsc, Condvar, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use indicatif::ProgressBar;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::delivery::Job;
use crate::exit::Exit;
use crate::outcome::RecordOutcome;
use crate::output::Printer;
use crate::report::{progress_bar, Finished, Tally};

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

/// The signal that interrupted the run, 0 while none has (one per process).
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// Ctrl-C (SIGINT), SIGTERM and SIGHUP: the first stops new sends and lets the requests in
/// flight finish (journaled, and kept when they fail); a second one (but a repeated
/// SIGHUP) exits at once.
pub struct Interrupt(());

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
    fn what(&self) -> &'static str {
        match SIGNAL.load(Ordering::SeqCst) {
            SIGTERM => "terminated (SIGTERM)",
            SIGHUP => "hung up (SIGHUP)",
            _ => "interrupted",
        }
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

/// Closes the queue when the reader is done, however it ends.
struct CloseOnDrop<'a>(&'a Queue);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
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
                } else if result.outcome == RecordOutcome::NotSent {
                    self.printer
                        .detail(1, &format!("{}: not sent (interrupted)", result.origin));
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
    let input = InputWatch::default();
    let (stop_watch, watch) = mpsc::channel::<()>();
    thread::scope(|scope| {
        // Even if reading panics, the workers must be told to stop, or the scope waits
        // for them forever.
        let _close = CloseOnDrop(&queue);
        for _ in 0..jobs {
            scope.spawn(|| {
                while let Some((seq, job)) = queue.pop() {
                    let finished = if interrupt.is_set() {
                        Finished::not_sent(&job)
                    } else {
                        // A panic in one delivery must not leave its place in the order
                        // empty (the run would wait for it forever): it becomes a result.
                        panic::catch_unwind(AssertUnwindSafe(|| deliver(&job)))
                            .unwrap_or_else(|_| Finished::crashed(&job, printer))
                    };
                    reorder.complete(seq, finished);
                    input.completed.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        let (input, reorder, progress) = (&input, &reorder, &progress);
        scope.spawn(move || input.watch(&watch, interrupt, reorder, progress));
        let mut work = work.enumerate();
        loop {
            input.reading.store(true, Ordering::SeqCst);
            let next = work.next();
            input.reading.store(false, Ordering::SeqCst);
            let Some((seq, step)) = next else {
                break;
            };
            input.read.store(seq + 1, Ordering::SeqCst);
            if interrupt.is_set() {
                unread_from = Some(seq);
                break;
            }
            match step {
                Ok(Work::Done(finished)) => reorder.complete(seq, *finished),
                Ok(Work::Job(job)) => {
                    reorder.wait_for_room(seq);
                    input.queued.fetch_add(1, Ordering::SeqCst);
                    queue.push((seq, job));
                }
                Err(e) => {
                    fatal = Some(e);
                    break;
                }
            }
        }
        drop(stop_watch);
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
        exit = interrupt.exit();
        report_interrupted(printer, interrupt, st.tally.not_sent, unread_from);
    }
    Ok((exit, st.tally))
}

/// The closing line of an interrupted run.
fn report_interrupted(
    printer: &Printer,
    interrupt: &Interrupt,
    skipped: usize,
    unread_from: Option<usize>,
) {
    // Input after the interruption is left unread: say where to resume.
    let tail = match unread_from {
        Some(seq) => format!(", nor record {} and those after it (not read)", seq + 1),
        None => String::new(),
    };
    printer.error(&format!(
        "{}: {skipped} record{} in the queue were not sent{tail}; the requests in flight finished",
        interrupt.what(),
        if skipped == 1 { "" } else { "s" }
    ));
}

/// How long the reader may wait for input, once interrupted and with nothing in flight,
/// before the run ends without it.
const INPUT_GRACE: Duration = Duration::from_millis(500);

/// What the reader is doing, for a run interrupted while it waits for input that may
/// never come (`--file -` from a producer that hangs): once every request in flight has
/// finished, the run ends without the rest of the input.
#[derive(Default)]
struct InputWatch {
    /// The reader is waiting for its next record.
    reading: AtomicBool,
    /// Records read so far.
    read: AtomicUsize,
    /// Requests queued, and those finished.
    queued: AtomicUsize,
    completed: AtomicUsize,
}

impl InputWatch {
    /// Check every 50 ms until `stop` is dropped (the reader is done).
    fn watch(
        &self,
        stop: &mpsc::Receiver<()>,
        interrupt: &Interrupt,
        reorder: &Reorder<'_>,
        progress: &ProgressBar,
    ) {
        let mut stuck: Option<(usize, Instant)> = None;
        while let Err(mpsc::RecvTimeoutError::Timeout) = stop.recv_timeout(WATCH_EVERY) {
            let idle = interrupt.is_set()
                && self.reading.load(Ordering::SeqCst)
                && self.completed.load(Ordering::SeqCst) == self.queued.load(Ordering::SeqCst);
            if !idle {
                stuck = None;
                continue;
            }
            let read = self.read.load(Ordering::SeqCst);
            match stuck {
                Some((at, since)) if at == read && since.elapsed() >= INPUT_GRACE => {
                    let st = reorder.state.lock().unwrap_or_else(|e| e.into_inner());
                    progress.finish_and_clear();
                    report_interrupted(reorder.printer, interrupt, st.tally.not_sent, Some(read));
                    // Everything in flight is journaled and kept; only the reader is left,
                    // blocked in a read that cannot be cancelled.
                    std::process::exit(i32::from(interrupt.exit().code()));
                }
                Some((at, _)) if at == read => {}
                _ => stuck = Some((read, Instant::now())),
            }
        }
    }
}

const WATCH_EVERY: Duration = Duration::from_millis(50);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::RecordResult;

    fn job(n: usize) -> (usize, Job) {
        let job = Job {
            number: n,
            origin: crate::outcome::Origin::Input(format!("test:{n}")),
            label: n.to_string(),
            key: format!("k{n}"),
            body: serde_json::value::RawValue::from_string("{}".into()).unwrap(),
            to: None,
            subject: None,
            entry: None,
            digest: None,
        };
        (n, job)
    }

    fn quiet_printer() -> Printer {
        let mode = crate::output::OutputMode {
            quiet: true,
            ..Default::default()
        };
        Printer::new(&mode, true)
    }

    /// Run `f` on a thread; fail if it has not returned within 10 s (a hang).
    fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(Duration::from_secs(10))
            .expect("the run did not end")
    }

    #[test]
    fn a_delivery_that_panics_becomes_a_result_and_the_run_goes_on() {
        let (exit, tally) = bounded(|| {
            let printer = quiet_printer();
            let work = (0..20).map(|n| Ok(Work::Job(job(n).1)));
            run(work, 3, None, &printer, &Interrupt(()), |job| {
                if job.number % 7 == 3 {
                    panic!("a bug in one delivery");
                }
                Finished {
                    result: Some(RecordResult {
                        outcome: RecordOutcome::Sent,
                        ..RecordResult::default()
                    }),
                    exit: Exit::Ok,
                    line: None,
                }
            })
            .unwrap()
        });
        assert_eq!(exit, Exit::Internal);
        assert_eq!((tally.sent, tally.other), (17, 3));
    }

    #[test]
    fn a_reader_that_panics_does_not_leave_the_workers_waiting() {
        let ended = bounded(|| {
            panic::catch_unwind(|| {
                let printer = quiet_printer();
                let work = (0..20).map(|n| {
                    assert!(n < 5, "a bug in the reader");
                    Ok(Work::Job(job(n).1))
                });
                run(work, 2, None, &printer, &Interrupt(()), |_| Finished {
                    result: None,
                    exit: Exit::Ok,
                    line: None,
                })
            })
            .is_err()
        });
        assert!(ended, "the panic reaches the caller");
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
