//! How a client reaches the API: the proxy chosen for a base URL, and the HTTP client
//! made for that.

use std::time::Duration;

use anyhow::{Context, Result};
use reqwest::{Client as Http, Url};

/// How a client reaches the API: its connect timeout and the proxy, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Transport {
    pub(super) connect_timeout: Duration,
    /// The proxy URL for https requests (as the environment gave it).
    pub(super) proxy: Option<String>,
}

/// The HTTP client of a transport: made once, its connections kept between requests.
pub(super) fn http_client(transport: &Transport) -> Result<Http> {
    // No proxy from the environment unless chosen (`proxy_for`).
    let mut builder = Http::builder()
        .user_agent(concat!("mcnotify/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(transport.connect_timeout)
        .no_proxy();
    if let Some(proxy) = &transport.proxy {
        builder = builder.proxy(
            reqwest::Proxy::https(proxy.as_str())
                .context("cannot use the proxy of HTTPS_PROXY/ALL_PROXY")?,
        );
    }
    builder.build().context("cannot set up the HTTP client")
}

/// The proxy for requests to `base`, and a line saying which (for `-vv`). Plain http
/// goes only to this machine and never through a proxy (a proxy would see the key in
/// clear text); https may go through the one `HTTPS_PROXY` (else `ALL_PROXY`) names,
/// since the TLS tunnel keeps the key private, unless `NO_PROXY` lists the host. The
/// lowercase spellings count too, as curl reads them.
pub(super) fn proxy_for(base: &Url) -> (Option<String>, String) {
    if base.scheme() != "https" {
        return (
            None,
            "no proxy: plain http goes only to this machine, never through a proxy".into(),
        );
    }
    let var = |names: [&'static str; 2]| {
        names.into_iter().find_map(|n| {
            std::env::var(n)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (n, v.trim().to_string()))
        })
    };
    let Some((name, proxy)) =
        var(["HTTPS_PROXY", "https_proxy"]).or_else(|| var(["ALL_PROXY", "all_proxy"]))
    else {
        return (
            None,
            "no proxy (HTTPS_PROXY and ALL_PROXY are not set)".into(),
        );
    };
    let no = var(["NO_PROXY", "no_proxy"])
        .map(|(_, v)| v)
        .unwrap_or_default();
    let matcher = hyper_util::client::proxy::matcher::Matcher::builder()
        .https(proxy.clone())
        .no(no.clone())
        .build();
    let listed = base
        .as_str()
        .parse::<http::Uri>()
        .is_ok_and(|uri| matcher.intercept(&uri).is_none());
    let host = base.host_str().unwrap_or_default();
    if listed {
        return (None, format!("no proxy: NO_PROXY ({no}) lists {host}"));
    }
    let shown = match Url::parse(&proxy) {
        Ok(mut url) => {
            let _ = url.set_password(None);
            let _ = url.set_username("");
            url.to_string()
        }
        Err(_) => proxy.split('@').next_back().unwrap_or_default().to_string(),
    };
    (
        Some(proxy),
        format!("proxy {shown} (from {name}) for {host}"),
    )
}
