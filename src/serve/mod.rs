//! `mcnotify serve`: the HTTP bridge a Botpress card calls. Each incident goes through
//! the same composer, idempotency, outbox and journal as `send`, and is answered within
//! the deadline; a background flusher sends what was kept.

mod answer;
mod auth;
mod flight;
mod flusher;
mod incidents;
mod lane;
mod listen;
mod log;
mod metrics;
mod webhooks;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use axum::routing::{get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::api::Client;
use crate::delivery::Deliverer;
use crate::pipeline::Preparer;
use crate::secret::Token;
use crate::store::{Destination, Store};

pub use log::RequestLog;

/// How the bridge behaves, from the settings.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Every request is answered within this.
    pub deadline: Duration,
    /// How often the outbox is flushed in the background (the least wait between rounds).
    pub flush_every: Duration,
    /// Incident requests handled at once; more are answered 503.
    pub max_in_flight: usize,
}

/// Everything a request needs, shared by all of them.
pub struct Bridge {
    preparer: Preparer,
    client: Arc<Client>,
    store: Arc<Store>,
    destination: Destination,
    deliverer: Deliverer,
    token: auth::Bearer,
    /// The secret MailingCore signs its webhooks with; none: no webhooks taken.
    webhook_secret: Option<Token>,
    /// Where an incident goes again when its email bounced (hard) or failed.
    fallback_to: Option<String>,
    limits: Limits,
    slots: Arc<Semaphore>,
    flights: flight::Flights,
    metrics: metrics::Metrics,
    log: RequestLog,
    /// Where deliveries and the flusher run.
    lane: lane::Lane,
}

impl Bridge {
    pub fn new(
        preparer: Preparer,
        client: Client,
        store: Arc<Store>,
        destination: Destination,
        token: &Token,
        limits: Limits,
        log: RequestLog,
    ) -> Result<Bridge> {
        let client = Arc::new(client);
        let deliverer = Deliverer::new(client.clone(), store.clone(), true, destination.clone())
            .without_halting();
        Ok(Bridge {
            preparer,
            client,
            store,
            destination,
            deliverer,
            token: auth::Bearer::new(token),
            webhook_secret: None,
            fallback_to: None,
            slots: Arc::new(Semaphore::new(limits.max_in_flight)),
            limits,
            flights: flight::Flights::default(),
            metrics: metrics::Metrics::new(),
            log,
            lane: lane::Lane::start()?,
        })
    }
}

impl Bridge {
    /// Take MailingCore's webhooks, signed with `secret`; after a bounce or a failure,
    /// send the incident again to `fallback_to` (then a copy of each accepted body is kept).
    pub fn with_webhooks(self, secret: Option<Token>, fallback_to: Option<String>) -> Bridge {
        let archiving = fallback_to.is_some();
        Bridge {
            webhook_secret: secret,
            deliverer: self.deliverer.archiving(archiving),
            fallback_to,
            ..self
        }
    }

    /// A deliverer for one round of the flusher: it halts at a failure every further
    /// request would meet.
    fn round_deliverer(&self) -> Deliverer {
        Deliverer::new(
            self.client.clone(),
            self.store.clone(),
            true,
            self.destination.clone(),
        )
        .archiving(self.fallback_to.is_some())
    }
}

/// Serve `listener` until `stop` resolves: the routes, the background flusher, then a
/// drain that answers every request in flight (each within its deadline).
pub async fn run(
    bridge: Arc<Bridge>,
    listener: TcpListener,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let router = Router::new()
        .route("/v1/incidents", post(incidents::post))
        .route("/v1/webhooks/mailingcore", post(webhooks::post))
        .route("/healthz", get(incidents::healthz))
        .route("/readyz", get(incidents::readyz))
        .route("/metrics", get(incidents::metrics))
        .fallback(incidents::not_found)
        .layer(axum::middleware::from_fn_with_state(
            bridge.clone(),
            log::middleware,
        ))
        .with_state(bridge.clone());
    let (stopping, _) = tokio::sync::watch::channel(false);
    let flusher = bridge
        .lane
        .spawn(flusher::run(bridge.clone(), stopping.subscribe()));
    let drain = bridge.limits.deadline + Duration::from_secs(1);
    listen::serve(listener, router, stop, drain).await;
    let _ = stopping.send(true);
    // Deliveries that outlived their answer are kept already; give them their deadline
    // to finish and record what happened.
    let _ = tokio::time::timeout(drain, bridge.flights.idle()).await;
    let _ = flusher.await;
    bridge.lane.close();
    Ok(())
}
