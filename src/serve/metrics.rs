//! `GET /metrics`: incidents by outcome, outbox entries pending and failed, the last
//! quota figures and request durations, in the Prometheus text format.

use std::sync::atomic::AtomicI64;

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::quota::Quota;
use crate::store::{Folder, Store};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabel {
    event: String,
}

pub struct Metrics {
    registry: Registry,
    incidents: Family<OutcomeLabel, Counter>,
    pending: Gauge<i64, AtomicI64>,
    failed: Gauge<i64, AtomicI64>,
    quota_limit: Gauge<i64, AtomicI64>,
    quota_used: Gauge<i64, AtomicI64>,
    durations: Histogram,
    webhooks: Family<EventLabel, Counter>,
    undelivered: Counter,
    fallbacks: Counter,
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("mcnotify");
        let incidents = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "incidents",
            "Incident requests answered, by outcome",
            incidents.clone(),
        );
        let pending = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "outbox_pending",
            "Requests kept in the outbox, to be sent again",
            pending.clone(),
        );
        let failed = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "outbox_failed",
            "Requests MailingCore refused for good, kept in outbox/failed",
            failed.clone(),
        );
        let quota_limit = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "quota_limit",
            "The monthly quota, as MailingCore last reported it",
            quota_limit.clone(),
        );
        let quota_used = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "quota_used",
            "Emails used of the monthly quota, as MailingCore last reported it",
            quota_used.clone(),
        );
        let durations = Histogram::new(exponential_buckets(0.005, 2.0, 12));
        registry.register(
            "request_duration_seconds",
            "Time to answer an incident request",
            durations.clone(),
        );
        let webhooks = Family::<EventLabel, Counter>::default();
        registry.register(
            "webhook_events",
            "Webhook events received, by type (`refused`: a bad signature)",
            webhooks.clone(),
        );
        let undelivered = Counter::default();
        registry.register(
            "undelivered",
            "Emails sent by this bridge that MailingCore reported bounced (hard) or failed",
            undelivered.clone(),
        );
        let fallbacks = Counter::default();
        registry.register(
            "fallbacks",
            "Incidents sent again to fallback_to after their email bounced or failed",
            fallbacks.clone(),
        );
        Metrics {
            registry,
            webhooks,
            undelivered,
            fallbacks,
            incidents,
            pending,
            failed,
            quota_limit,
            quota_used,
            durations,
        }
    }

    /// One incident request answered.
    pub fn answered(&self, outcome: &str, seconds: f64) {
        self.incidents
            .get_or_create(&OutcomeLabel {
                outcome: outcome.to_string(),
            })
            .inc();
        self.durations.observe(seconds);
    }

    /// One webhook event received.
    pub fn webhook(&self, event: &str) {
        self.webhooks
            .get_or_create(&EventLabel {
                event: event.to_string(),
            })
            .inc();
    }

    /// An email of this bridge bounced (hard) or failed.
    pub fn undelivered(&self) {
        self.undelivered.inc();
    }

    /// A fallback was tried.
    pub fn fallback(&self) {
        self.fallbacks.inc();
    }

    /// The quota figures of MailingCore's latest answer.
    pub fn quota(&self, quota: &Quota) {
        let figure = |v: Option<u64>| v.and_then(|v| i64::try_from(v).ok());
        if let Some(limit) = figure(quota.limit) {
            self.quota_limit.set(limit);
        }
        if let Some(used) = figure(quota.used) {
            self.quota_used.set(used);
        }
    }

    /// The text format, with the outbox counted now.
    pub fn render(&self, store: &Store) -> String {
        // A store that cannot be counted now keeps the last figures.
        let count = |folder| {
            store
                .count(folder)
                .ok()
                .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
        };
        if let Some(n) = count(Folder::Pending) {
            self.pending.set(n);
        }
        if let Some(n) = count(Folder::Failed) {
            self.failed.set(n);
        }
        let mut text = String::new();
        // Writing to a String does not fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}
