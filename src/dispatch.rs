//! Runs many deliveries at once on the run's runtime: a bounded, input-ordered stream
//! with back-pressure. At most `jobs` requests are in flight, results are printed in input
//! order, and an interrupted run finishes what is in flight and says what was not sent.

use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use futures_util::stream::{FuturesOrdered, StreamExt};
use futures_util::FutureExt;
use indicatif::ProgressBar;
use tokio::runtime::Runtime;
use tokio::sync::{Notify, Semaphore};

use crate::delivery::Job;
use crate::exit::Exit;
use crate::handoff::{Handoff, Taken};
use crate::interrupt::Interrupt;
use crate::outcome::RecordOutcome;
use crate::output::Printer;
use crate::report::{progress_bar, Finished, Tally};

/// How far results may run ahead of the oldest unfinished one (bounds memory).
const REORDER_WINDOW: usize = 4096;

/// Records read ahead per request in flight, so the reader and the deliveries wake each
/// other less often.
const QUEUE_PER_JOB: usize = 16;

/// Work for the dispatcher: a request to make, or a result already known (an invalid
/// record, an unreadable file).
pub enum Work {
    Job(Box<Job>),
    Done(Box<Finished>),
}

/// How long the reader may wait for input, once interrupted and with nothing in flight,
/// before the run ends without it.
const INPUT_GRACE: Duration = Duration::from_millis(500);

/// How often an interrupted run looks whether only the reader is left.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// What the reader is doing, for a run interrupted while it waits for input that may
/// never come (`--file -` from a producer that hangs): once every request in flight has
/// finished, the run ends without the rest of the input.
#[derive(Default)]
struct InputWatch {
    /// The reader is waiting for its next record.
    reading: AtomicBool,
    /// Records read so far.
    read: AtomicUsize,
}

/// Closes the queue when the reader is done (or unwinds).
struct Closing<'a>(&'a Handoff<Work>);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// Tells the reader when the deliveries are gone (ended, or unwinding).
struct Gone<'a>(&'a Handoff<Work>);

impl Drop for Gone<'_> {
    fn drop(&mut self) {
        self.0.drop_consumer();
    }
}

/// The results in input order: the exit code, the tally, the progress bar.
struct Results<'a> {
    printer: &'a Printer,
    progress: &'a ProgressBar,
    exit: Option<Exit>,
    tally: Tally,
}

impl Results<'_> {
    fn complete(&mut self, done: Finished) {
        self.exit = Some(self.exit.map_or(done.exit, |e| e.worst(done.exit)));
        if let Some(result) = &done.result {
            self.tally.add(result.outcome);
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
                .set_message(format!("{} failed", self.tally.failures()));
        }
    }
}

/// Deliver every job of `work` with up to `jobs` in flight on `runtime`; returns the
/// aggregated exit code and the tally. `total` (when known) gives the progress bar its
/// length. `work` is read on the calling thread (a read may block: stdin from a slow
/// producer), the deliveries run on the runtime on a thread of their own.
pub fn run(
    work: impl Iterator<Item = Result<Work>>,
    jobs: usize,
    total: Option<u64>,
    printer: &Printer,
    interrupt: &Interrupt,
    runtime: &Runtime,
    deliver: impl AsyncFn(&Job) -> Finished + Sync,
) -> Result<(Exit, Tally)> {
    let progress = progress_bar(printer, total);
    printer.set_progress(Some(progress.clone()));
    let jobs = jobs.max(1);
    let queue = Handoff::new(jobs * QUEUE_PER_JOB);
    let input = InputWatch::default();
    let mut fatal = None;
    let mut unread_from = None;
    let (exit, tally) = thread::scope(|scope| {
        let (input, progress, deliver, queue) = (&input, &progress, &deliver, &queue);
        let deliveries = scope.spawn(move || {
            let _gone = Gone(queue);
            runtime.block_on(deliver_all(
                queue, jobs, printer, progress, interrupt, input, deliver,
            ))
        });
        // The input ends here, also when reading it panics: the deliveries finish.
        let closing = Closing(queue);
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
                Ok(work) => {
                    // The deliveries end only once the input is closed, so a push fails
                    // only if they panicked: the join below reports that.
                    if queue.push(work).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    fatal = Some(e);
                    break;
                }
            }
        }
        drop(closing);
        match deliveries.join() {
            Ok(ended) => ended,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    progress.finish_and_clear();
    printer.set_progress(None);
    if let Some(e) = fatal {
        return Err(e);
    }
    let mut exit = exit.unwrap_or(Exit::Ok);
    if interrupt.is_set() {
        exit = interrupt.exit();
        report_interrupted(printer, interrupt, tally.not_sent, unread_from);
    }
    Ok((exit, tally))
}

/// The delivering side: takes work from the reader while fewer than `REORDER_WINDOW`
/// results wait for an earlier one, starts at most `jobs` requests at once (in input
/// order), and hands each result on in input order.
async fn deliver_all(
    queue: &Handoff<Work>,
    jobs: usize,
    printer: &Printer,
    progress: &ProgressBar,
    interrupt: &Interrupt,
    input: &InputWatch,
    deliver: &impl AsyncFn(&Job) -> Finished,
) -> (Option<Exit>, Tally) {
    let mut results = Results {
        printer,
        progress,
        exit: None,
        tally: Tally::default(),
    };
    let slots = Semaphore::new(jobs);
    let slots = &slots;
    // Requests read but not started are few (`QUEUE_PER_JOB` per slot): only results that
    // wait for an earlier one may run up to `REORDER_WINDOW` ahead.
    let ahead = jobs * QUEUE_PER_JOB;
    let unstarted = &Cell::new(0usize);
    let started = &Notify::new();
    let mut pending = FuturesOrdered::new();
    let mut open = true;
    let mut watch = tokio::time::interval(WATCH_EVERY);
    watch.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stuck: Option<(usize, Instant)> = None;
    let mut taken = Vec::with_capacity(ahead);
    while open || !pending.is_empty() {
        let mut room = (REORDER_WINDOW - pending.len()).min(ahead.saturating_sub(unstarted.get()));
        if open && room > 0 {
            match queue.take(room, &mut taken) {
                Taken::Ended => open = false,
                Taken::Some(n) => room -= n,
            }
        }
        if !open && pending.is_empty() && taken.is_empty() {
            break;
        }
        for work in taken.drain(..) {
            // Counted as taken, not when first polled: a batch taken at once is not yet
            // polled when the next room is worked out.
            if let Work::Job(_) = work {
                unstarted.set(unstarted.get() + 1);
            }
            pending.push_back(async move {
                match work {
                    Work::Done(finished) => *finished,
                    Work::Job(job) => {
                        // Closed only on drop: acquiring cannot fail.
                        let _slot = slots.acquire().await;
                        unstarted.set(unstarted.get() - 1);
                        started.notify_one();
                        if interrupt.is_set() {
                            return Finished::not_sent(&job);
                        }
                        // A panic in one delivery must not leave its place in the
                        // order empty: it becomes a result.
                        AssertUnwindSafe(deliver(&job))
                            .catch_unwind()
                            .await
                            .unwrap_or_else(|_| Finished::crashed(&job, printer))
                    }
                }
            });
        }
        tokio::select! {
            biased;
            Some(done) = pending.next(), if !pending.is_empty() => results.complete(done),
            // Starving: every request taken has its slot.
            _ = queue.wait(|| unstarted.get() == 0), if open && room > 0 => {}
            // Room to read ahead again: a request waiting for its slot got one.
            _ = started.notified(), if open && unstarted.get() >= ahead => {}
            _ = watch.tick(), if open => {
                let idle = interrupt.is_set()
                    && pending.is_empty()
                    && input.reading.load(Ordering::SeqCst);
                if !idle {
                    stuck = None;
                    continue;
                }
                let read = input.read.load(Ordering::SeqCst);
                match stuck {
                    Some((at, since)) if at == read && since.elapsed() >= INPUT_GRACE => {
                        progress.finish_and_clear();
                        report_interrupted(printer, interrupt, results.tally.not_sent, Some(read));
                        // Everything in flight is journaled and kept; only the reader is
                        // left, blocked in a read that cannot be cancelled.
                        std::process::exit(i32::from(interrupt.exit().code()));
                    }
                    Some((at, _)) if at == read => {}
                    _ => stuck = Some((read, Instant::now())),
                }
            }
        }
    }
    (results.exit, results.tally)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::RecordResult;
    use std::panic;
    use std::sync::mpsc;

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
            conversation: None,
        };
        (n, job)
    }

    /// The result of a job the API accepted.
    fn sent(job: &Job) -> Finished {
        Finished {
            result: Some(RecordResult {
                record: job.number,
                outcome: RecordOutcome::Sent,
                ..RecordResult::default()
            }),
            exit: Exit::Ok,
            line: None,
        }
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
            let work = (0..20).map(|n| Ok(Work::Job(Box::new(job(n).1))));
            let runtime = crate::tests_runtime();
            run(
                work,
                3,
                None,
                &printer,
                &Interrupt(()),
                &runtime,
                async |job| {
                    if job.number % 7 == 3 {
                        panic!("a bug in one delivery");
                    }
                    sent(job)
                },
            )
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
                    Ok(Work::Job(Box::new(job(n).1)))
                });
                let runtime = crate::tests_runtime();
                run(
                    work,
                    2,
                    None,
                    &printer,
                    &Interrupt(()),
                    &runtime,
                    async |_| Finished {
                        result: None,
                        exit: Exit::Ok,
                        line: None,
                    },
                )
            })
            .is_err()
        });
        assert!(ended, "the panic reaches the caller");
    }

    #[test]
    fn every_request_starts_once_in_input_order_with_at_most_jobs_in_flight() {
        let started = std::sync::Mutex::new(Vec::new());
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let printer = quiet_printer();
        let runtime = crate::tests_runtime();
        let work = (0..500).map(|n| Ok(Work::Job(Box::new(job(n).1))));
        let (exit, tally) = run(
            work,
            3,
            None,
            &printer,
            &Interrupt(()),
            &runtime,
            async |job| {
                started.lock().unwrap().push(job.number);
                let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Later ones finish first now and then: the order of results must not care.
                if job.number % 7 == 0 {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                tokio::task::yield_now().await;
                in_flight.fetch_sub(1, Ordering::SeqCst);
                sent(job)
            },
        )
        .unwrap();
        assert_eq!(exit, Exit::Ok);
        assert_eq!(tally.sent, 500);
        assert_eq!(started.into_inner().unwrap(), (0..500).collect::<Vec<_>>());
        assert_eq!(
            most.load(Ordering::SeqCst),
            3,
            "at most --jobs, and that many"
        );
    }
}
