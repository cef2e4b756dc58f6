//! `mcnotify send`: compose every record and deliver it exactly once, or keep it.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::Result;

use crate::api::check_base_url;
use crate::cli::{InputArgs, SendArgs};
use crate::context::{jobs, Context};
use crate::delivery::{Deliverer, Job};
use crate::dispatch::{self, Work};
use crate::exit::Exit;
use crate::interrupt::Interrupt;
use crate::outcome::{Origin, RecordOutcome};
use crate::output::{Printer, RecordResult};
use crate::pacing::Pacer;
use crate::pipeline::{Pipeline, Prepared};
use crate::report::{
    nothing_read, report_unsendable, summarise, Finished, Reporter, Tally, NO_INCIDENT,
};

pub fn run(args: &SendArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let jobs = jobs(args.jobs)?;
    if args.input.file.iter().any(|f| f.as_os_str() == "-") && std::io::stdin().is_terminal() {
        // The terminal is for typing the incidents: no spinner drawn over them.
        printer.no_progress();
    }
    let pipeline = ctx.pipeline(&args.input, &args.incident)?;
    if args.dry_run {
        return dry_run(pipeline, ctx, &args.input);
    }
    let client = Arc::new(ctx.client()?.with_pacer(Arc::new(Pacer::new())));
    let store = ctx.prepared_store()?;
    let keep = !args.no_outbox;
    let destination = ctx.destination(&client);
    let deliverer = Deliverer::new(client, store.clone(), keep, destination);
    let reporter = Reporter::new(printer, &store, keep);
    let interrupt = Interrupt::install();
    let runtime = ctx.runtime()?;
    let work = pipeline.map(|step| step.and_then(|prepared| work_for(prepared, printer)));
    let (exit, tally) = dispatch::run(
        work,
        jobs,
        None,
        printer,
        &interrupt,
        runtime,
        async |job| reporter.record(job, deliverer.deliver(job).await),
    )?;
    reporter.held();
    summarise(&tally, "sent", printer);
    Ok(nothing_sent(&args.input, tally.total(), exit, printer))
}

/// `nothing_read`, with its `--json` result line: a bridge reading one line per run
/// gets one for an input without incidents too, in the shape of the others (`record` 0,
/// `outcome` `empty`, `error` unless `--allow-empty`).
fn nothing_sent(input: &InputArgs, records: usize, exit: Exit, printer: &Printer) -> Exit {
    let code = nothing_read(records, exit, input.allow_empty, printer);
    if records == 0 && exit == Exit::Ok && printer.json {
        let origin = Origin::Input(
            input
                .file
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        );
        printer.json_line(&RecordResult {
            record: 0,
            origin,
            outcome: RecordOutcome::Empty,
            error: (code != Exit::Ok).then(|| NO_INCIDENT.to_string()),
            ..RecordResult::default()
        });
    }
    code
}

fn work_for(prepared: Prepared, printer: &Printer) -> Result<Work> {
    Ok(match prepared {
        Prepared::Email(ready) => Work::Job(Box::new(Job::composed(*ready)?)),
        other => Work::Done(Box::new(report_unsendable(other, printer))),
    })
}

/// Everything but the network: what would be sent, in input order.
fn dry_run(pipeline: Pipeline, ctx: &Context, input: &InputArgs) -> Result<Exit> {
    let (settings, printer) = (&ctx.settings, ctx.printer);
    check_base_url(&settings.base_url)?;
    if let Err(e) = settings.api_key() {
        printer.warn(&format!("{e} (a real send would stop here)"));
    }
    let mut exit = Exit::Ok;
    let mut tally = Tally::default();
    for step in pipeline {
        let finished = match step? {
            Prepared::Email(ready) => {
                let request = ready.body();
                let body = &ready.email.body;
                let line = format!(
                    "would send {} -> {} subject={:?} key={}",
                    ready.email.label, body.to, body.subject, body.idempotency_key
                );
                Finished {
                    result: Some(RecordResult {
                        record: ready.number,
                        origin: ready.origin,
                        outcome: RecordOutcome::DryRun,
                        idempotency_key: Some(body.idempotency_key.clone()),
                        to: Some(body.to.clone()),
                        subject: Some(body.subject.clone()),
                        request: Some(request),
                        ..RecordResult::default()
                    }),
                    exit: Exit::Ok,
                    line: Some(line),
                }
            }
            other => report_unsendable(other, printer),
        };
        exit = exit.worst(finished.exit);
        if let Some(result) = &finished.result {
            if printer.json {
                printer.json_line(result);
            }
            tally.add(result.outcome);
        }
        if let Some(line) = &finished.line {
            printer.human(line);
        }
    }
    summarise(&tally, "would be sent", printer);
    Ok(nothing_sent(input, tally.total(), exit, printer))
}
