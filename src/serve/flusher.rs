//! The background flusher: sends the outbox every `flush_every`, its entries claimed (so a
//! cron `outbox flush`, other replicas and the server never send one entry twice), waiting longer after a
//! round that could not deliver, and leaving alone the entries a request is still sending.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::Bridge;
use crate::delivery::Job;
use crate::store::Claimed;

/// The longest wait between rounds while the API keeps failing.
const MAX_WAIT: Duration = Duration::from_secs(3600);

/// How long a copy of an accepted body is kept for a fallback (bounces come within
/// minutes; MailingCore retries a webhook for about five minutes).
const KEEP_SENT: Duration = Duration::from_secs(30 * 24 * 3600);

/// How often old copies are looked for.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// How a round went.
#[derive(Debug, PartialEq, Eq)]
enum Round {
    /// Everything it tried was delivered (or there was nothing to send).
    Clear,
    /// Some entries are still waiting: back off.
    Failing,
}

pub async fn run(bridge: Arc<Bridge>, mut stopping: watch::Receiver<bool>) {
    let every = bridge.limits.flush_every;
    let mut wait = every;
    let mut pruned: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = stopping.changed() => return,
        }
        if bridge.fallback_to.is_some() && pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned = Some(tokio::time::Instant::now());
            if let Err(e) = bridge.store.prune_sent(KEEP_SENT) {
                bridge.log.note(&format!("{e:#}"));
            }
        }
        wait = match round(&bridge).await {
            Round::Clear => every,
            Round::Failing => (wait * 2).min(MAX_WAIT.max(every)),
        };
    }
}

async fn round(bridge: &Bridge) -> Round {
    let log = bridge.log;
    let store = &bridge.store;
    if let Some(why) = store.unsafe_reasons().into_iter().next() {
        log.note(&format!("not flushing the outbox: {why}"));
        return Round::Failing;
    }
    let mut claim = match store.claim(false, || {}) {
        Ok(Claimed::Held(claim)) => claim,
        // Another flush is sending them.
        Ok(Claimed::Busy) => return Round::Clear,
        Err(e) => {
            log.note(&format!("not flushing the outbox: {e:#}"));
            return Round::Failing;
        }
    };
    for warning in &claim.listing.unreadable {
        log.note(warning);
    }
    let entries = std::mem::take(&mut claim.listing.entries);
    if entries.is_empty() {
        return Round::Clear;
    }
    let deliverer = bridge.round_deliverer();
    let (mut sent, mut waiting) = (0, 0);
    for (number, (id, entry)) in entries.into_iter().enumerate() {
        if bridge.flights.contains(&entry.idempotency_key) {
            continue;
        }
        let job = Job::from_entry(number + 1, id, entry);
        let delivered = deliverer.deliver(&job).await;
        if let Some(quota) = delivered.exchange.as_ref().and_then(|e| e.quota.as_ref()) {
            bridge.metrics.quota(quota);
        }
        for warning in &delivered.warnings {
            log.note(warning);
        }
        if delivered.kept.is_delivered() {
            sent += 1;
        } else {
            waiting += 1;
        }
    }
    if sent + waiting > 0 {
        log.note(&format!(
            "outbox flush: {sent} sent, {waiting} still waiting"
        ));
    }
    if waiting > 0 {
        Round::Failing
    } else {
        Round::Clear
    }
}
