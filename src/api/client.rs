//! The configured MailingCore client: its endpoints, key and tenant, and its two requests.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Client as Http, Method, RequestBuilder, Url};

use super::answer::fetch;
use super::exchange::Exchange;
use super::retry::RetryPolicy;
use super::transport::{http_client, proxy_for, Transport};
use super::url::{check_base_url, endpoint, LOGS_PATH, SEND_PATH};
use crate::exit::{fail, Exit};
use crate::pacing::Pacer;
use crate::secret::ApiKey;

/// A configured MailingCore client. Cheap to share between threads.
#[derive(Clone)]
pub struct Client {
    http: Http,
    /// Which proxy is used, in words (for `-vv`).
    proxy_note: String,
    base: Url,
    /// The two endpoints, and the `Authorization` value, made once (marked sensitive, so
    /// no debug output of the request shows it).
    send_url: Url,
    probe_url: Url,
    authorization: HeaderValue,
    tenant: Option<String>,
    policy: RetryPolicy,
    pacer: Option<Arc<Pacer>>,
}

impl Client {
    pub fn new(
        base_url: &str,
        key: ApiKey,
        tenant: Option<String>,
        policy: RetryPolicy,
    ) -> Result<Client> {
        let base = check_base_url(base_url)?;
        let (proxy, proxy_note) = proxy_for(&base);
        let transport = Transport {
            connect_timeout: policy.timeout.min(Duration::from_secs(10)),
            proxy,
        };
        // Fail here, not on the first request, if no client can be made.
        let http = match http_client(&transport) {
            Ok(http) => http,
            Err(e) => return fail(Exit::Config, format!("{e:#}")),
        };

        let Ok(mut authorization) = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
        else {
            return fail(
                Exit::Config,
                format!("the API key {key} holds characters an HTTP header cannot carry"),
            );
        };
        authorization.set_sensitive(true);
        Ok(Client {
            http,
            proxy_note,
            send_url: endpoint(&base, SEND_PATH, None),
            probe_url: endpoint(&base, LOGS_PATH, Some("page=1&limit=1")),
            base,
            authorization,
            tenant,
            policy,
            pacer: None,
        })
    }

    /// Pace every request of this client to the advertised rate limit.
    pub fn with_pacer(mut self, pacer: Arc<Pacer>) -> Client {
        self.pacer = Some(pacer);
        self
    }

    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// Which proxy requests go through, in words: `proxy http://proxy:3128 (from
    /// HTTPS_PROXY) for api.mailingcore.com` or `no proxy …`.
    pub fn proxy_note(&self) -> &str {
        &self.proxy_note
    }

    /// `POST /emails/send` with the exact body, retried under the policy.
    pub async fn send(&self, body: &[u8]) -> Exchange {
        self.execute(Method::POST, &self.send_url, Some(body), true)
            .await
    }

    /// `GET /emails/logs?page=1&limit=1`, with or without `X-Tenant-Id`.
    pub async fn probe_logs(&self, with_tenant: bool) -> Exchange {
        self.execute(Method::GET, &self.probe_url, None, with_tenant)
            .await
    }

    fn request(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&[u8]>,
        with_tenant: bool,
    ) -> RequestBuilder {
        let mut req = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, self.authorization.clone());
        if let (Some(tenant), true) = (&self.tenant, with_tenant) {
            req = req.header("X-Tenant-Id", tenant);
        }
        if let Some(body) = body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_vec());
        }
        req
    }

    async fn execute(
        &self,
        method: Method,
        url: &Url,
        body: Option<&[u8]>,
        with_tenant: bool,
    ) -> Exchange {
        let sent_tenant = with_tenant && self.tenant.is_some();
        self.policy
            .run(self.pacer.as_deref(), sent_tenant, |timeout| {
                fetch(
                    self.request(&method, url, body, with_tenant)
                        .timeout(timeout),
                )
            })
            .await
    }
}
