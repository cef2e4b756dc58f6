//! `mcnotify preview`: what `send` would POST, with no key and no network.

use anyhow::Result;

use crate::api::send_endpoint;
use crate::cli::{PreviewArgs, PreviewFormat};
use crate::config::Settings;
use crate::context::Context;
use crate::exit::Exit;
use crate::outcome::RecordOutcome;
use crate::output::{for_terminal, RecordResult};
use crate::pipeline::{Prepared, Ready};
use crate::report::{nothing_read, report_unsendable};

pub fn run(args: &PreviewArgs, ctx: &Context) -> Result<Exit> {
    let (settings, printer) = (&ctx.settings, ctx.printer);
    let pipeline = ctx.pipeline(&args.input, &args.incident)?;
    let mut exit = Exit::Ok;
    let mut shown = 0;
    let mut records = 0;
    for step in pipeline {
        records += 1;
        let ready = match step? {
            Prepared::Email(ready) => ready,
            other => {
                let finished = report_unsendable(other, printer);
                if let (true, Some(result)) = (printer.json, &finished.result) {
                    printer.json_line(result);
                }
                exit = exit.worst(finished.exit);
                continue;
            }
        };
        if printer.json {
            printer.json_line(&RecordResult {
                record: ready.number,
                origin: ready.origin.clone(),
                outcome: RecordOutcome::Preview,
                idempotency_key: Some(ready.email.body.idempotency_key.clone()),
                to: Some(ready.email.body.to.clone()),
                subject: Some(ready.email.body.subject.clone()),
                request: Some(ready.body()),
                ..RecordResult::default()
            });
            continue;
        }
        let text = match args.format {
            PreviewFormat::Json => ready.raw()?.get().to_string(),
            PreviewFormat::Html => ready.email.body.html_body.clone(),
            PreviewFormat::Text => text_view(&ready),
            PreviewFormat::Curl => curl_command(&ready, settings)?,
        };
        if shown > 0 && matches!(args.format, PreviewFormat::Text | PreviewFormat::Html) {
            printer.out("");
        }
        let text = text.trim_end_matches('\n');
        match args.format {
            // Read on a terminal: control characters in incident data are escaped.
            PreviewFormat::Text | PreviewFormat::Html => printer.out(&for_terminal(text, true)),
            PreviewFormat::Json | PreviewFormat::Curl => printer.out(text),
        }
        shown += 1;
    }
    Ok(nothing_read(records, exit, args.input.allow_empty, printer))
}

/// Header-like summary, then the text body.
fn text_view(ready: &Ready) -> String {
    let b = &ready.email.body;
    let mut lines = vec![format!("Record: {}", ready.origin), format!("To: {}", b.to)];
    match (&b.from_name, &b.from_email) {
        (Some(name), Some(email)) => lines.push(format!("From: {name} <{email}>")),
        (None, Some(email)) => lines.push(format!("From: {email}")),
        (Some(name), None) => lines.push(format!("From: {name} (the account's default sender)")),
        (None, None) => {}
    }
    if let Some(r) = &b.reply_to {
        lines.push(format!("Reply-To: {r}"));
    }
    lines.push(format!("Subject: {}", b.subject));
    if !b.tags.is_empty() {
        lines.push(format!("Tags: {}", b.tags.join(", ")));
    }
    lines.push(format!("Locale: {}", b.metadata.locale));
    lines.push(format!("Idempotency-Key: {}", b.idempotency_key));
    if let Some(t) = &b.template_version_id {
        lines.push(format!("Template-Version-Id: {t}"));
    }
    lines.push(String::new());
    lines.push(b.text_body.clone().unwrap_or_default());
    lines.join("\n")
}

/// A runnable curl command; the key comes from `$MAILINGCORE_API_KEY` when it runs.
fn curl_command(ready: &Ready, settings: &Settings) -> Result<String> {
    let body = ready.raw()?.get().to_string();
    let mut cmd = format!(
        "curl -sS -X POST {} \\\n  -H \"Authorization: Bearer $MAILINGCORE_API_KEY\" \\\n  -H 'Content-Type: application/json' \\\n",
        shell_quote(&send_endpoint(&settings.base_url))
    );
    if let Some(tenant) = &settings.tenant_id {
        cmd.push_str(&format!(
            "  -H {} \\\n",
            shell_quote(&format!("X-Tenant-Id: {tenant}"))
        ));
    }
    cmd.push_str(&format!("  --data-raw {}", shell_quote(&body)));
    Ok(cmd)
}

/// Single-quote for POSIX shells.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}
