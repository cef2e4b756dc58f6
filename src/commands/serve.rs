//! `mcnotify serve`: the bridge's settings checked, its address bound, then served until
//! SIGTERM or SIGINT.

use std::sync::Arc;

use anyhow::Result;
use tokio::net::TcpListener;

use crate::cli::ServeArgs;
use crate::context::Context;
use crate::exit::{fail, Exit, Failure};
use crate::pacing::Pacer;
use crate::serve::{self, Bridge, Limits, RequestLog};

pub fn run(args: &ServeArgs, ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    if args.email.idempotency_key.is_some() {
        return fail(
            Exit::Usage,
            "--idempotency-key names one email; serve computes a key per incident (a request's Idempotency-Key header overrides it)",
        );
    }
    let settings = &ctx.settings.serve;
    let (token, warnings) = settings.token()?;
    for w in &warnings {
        printer.warn(w);
    }
    let webhook_secret = match settings.webhook_secret()? {
        Some((secret, warnings)) => {
            for w in &warnings {
                printer.warn(w);
            }
            Some(secret)
        }
        None => None,
    };
    let preparer = ctx.preparer()?;
    let client = ctx.client()?.with_pacer(Arc::new(Pacer::new()));
    let store = ctx.prepared_store()?;
    store
        .writable()
        .map_err(|e| Failure::new(Exit::IoErr, format!("{e:#}")))?;
    let destination = ctx.destination(&client);
    let log = RequestLog { json: printer.json };
    let limits = Limits {
        deadline: settings.deadline,
        flush_every: settings.flush_every,
        max_in_flight: settings.max_in_flight,
    };
    let bridge = Arc::new(
        Bridge::new(preparer, client, store, destination, &token, limits, log)?
            .with_webhooks(webhook_secret, settings.fallback_to.clone()),
    );
    let listen = settings.listen.clone();
    ctx.block_on(async move {
        let listener = TcpListener::bind(&listen).await.map_err(|e| {
            Failure::new(Exit::IoErr, format!("cannot listen on {listen}: {e}"))
                .hint("give another --listen ADDR:PORT (port 0 picks a free one)")
        })?;
        let address = listener
            .local_addr()
            .map_err(|e| Failure::new(Exit::IoErr, format!("cannot listen on {listen}: {e}")))?;
        log.note(&format!("listening on http://{address}"));
        serve::run(bridge, listener, stopped()).await?;
        log.note("stopped");
        Ok::<_, anyhow::Error>(())
    })??;
    Ok(Exit::Ok)
}

/// Resolves at the first SIGTERM or SIGINT.
async fn stopped() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without the handlers the default action (ending the process) stays.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}
