//! The base URL and the endpoints made of it: what a base URL may be, and how it is shown.

use std::net::IpAddr;

use anyhow::Result;
use reqwest::Url;

use crate::exit::{fail, Exit};

/// `POST` here to send; `GET` here (`?page=1&limit=1`) to probe.
pub(super) const SEND_PATH: [&str; 2] = ["emails", "send"];
pub(super) const LOGS_PATH: [&str; 2] = ["emails", "logs"];

/// The URL with `segments` appended to its path (`https://host/api/` + `emails/send`
/// is `https://host/api/emails/send`) and the given query.
pub(super) fn endpoint(base: &Url, segments: [&str; 2], query: Option<&str>) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url.set_query(query);
    url
}

/// The send endpoint of a base URL, for showing (`preview --format curl`), without a
/// user name or password; a base URL that is no URL is shown as given (but for those).
pub fn send_endpoint(base_url: &str) -> String {
    match Url::parse(base_url) {
        Ok(mut base) => {
            let _ = base.set_password(None);
            let _ = base.set_username("");
            endpoint(&base, SEND_PATH, None).to_string()
        }
        Err(_) => format!(
            "{}/{}",
            without_userinfo(base_url).trim_end_matches('/'),
            SEND_PATH.join("/")
        ),
    }
}

/// https anywhere; plain http only to this machine, so the key never crosses a network
/// in clear text. No user name or password (they would travel in a second
/// `Authorization` header and be written wherever the URL is), no query and no fragment
/// (the endpoint paths are appended to the path).
pub fn check_base_url(base_url: &str) -> Result<Url> {
    let shown = without_userinfo(base_url);
    let Ok(url) = Url::parse(base_url) else {
        return fail(Exit::Config, format!("the base URL {shown:?} is not a URL"));
    };
    let part = if !url.username().is_empty() || url.password().is_some() {
        Some("a user name or password")
    } else if url.query().is_some() {
        Some("a query (?…)")
    } else if url.fragment().is_some() {
        Some("a fragment (#…)")
    } else {
        None
    };
    if let Some(part) = part {
        return Err(crate::exit::Failure::new(
            Exit::Config,
            format!("the base URL {shown:?} has {part}, which a base URL cannot carry"),
        )
        .hint("give the API's address only, e.g. https://api.mailingcore.com (the key goes in a key file)")
        .into());
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(crate::exit::Failure::new(
            Exit::Config,
            format!("refusing to send the API key in clear text to {shown}"),
        )
        .hint("use an https:// base URL (plain http is allowed only for localhost)")
        .into()),
        other => fail(
            Exit::Config,
            format!("the base URL {shown:?} has the unsupported scheme {other}"),
        ),
    }
}

/// The URL as given, with anything before an `@` in its authority replaced by `…`, so
/// that a password in it is never shown.
pub fn without_userinfo(base_url: &str) -> String {
    let (scheme, rest) = match base_url.find("://") {
        Some(at) => base_url.split_at(at + 3),
        None => ("", base_url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}…{}", &rest[at..]),
        None => base_url.to_string(),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_is_only_for_loopback() {
        for ok in [
            "https://api.mailingcore.com",
            "http://127.0.0.1:8025",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.mailingcore.com",
            "http://10.0.0.1",
            "ftp://x",
            "nonsense",
        ] {
            let err = check_base_url(bad).unwrap_err();
            assert_eq!(crate::exit::classify(&err).0, Exit::Config, "{bad}");
        }
    }

    #[test]
    fn a_base_url_carries_no_userinfo_query_or_fragment() {
        for (bad, part) in [
            ("http://user:s3cret@127.0.0.1:9", "user name or password"),
            (
                "https://s3cret@api.mailingcore.com",
                "user name or password",
            ),
            (
                "http://u:s3cret@api.mailingcore.com",
                "user name or password",
            ),
            ("http://u:s3 cret@api", ""),
            ("https://api.mailingcore.com/?region=eu", "query"),
            ("https://api.mailingcore.com#eu", "fragment"),
        ] {
            let err = check_base_url(bad).unwrap_err();
            let text = format!("{err:#}");
            assert_eq!(crate::exit::classify(&err).0, Exit::Config, "{bad}");
            assert!(text.contains(part), "{bad}: {text}");
            assert!(
                !text.contains("s3cret") && !text.contains("s3 cret"),
                "{text}"
            );
        }
    }

    #[test]
    fn endpoints_are_joined_to_the_base_path() {
        for (base, send) in [
            (
                "https://api.mailingcore.com",
                "https://api.mailingcore.com/emails/send",
            ),
            (
                "https://api.mailingcore.com/",
                "https://api.mailingcore.com/emails/send",
            ),
            (
                "http://127.0.0.1:9/api",
                "http://127.0.0.1:9/api/emails/send",
            ),
            (
                "http://127.0.0.1:9/api/",
                "http://127.0.0.1:9/api/emails/send",
            ),
        ] {
            let url = check_base_url(base).unwrap();
            assert_eq!(endpoint(&url, SEND_PATH, None).as_str(), send);
            assert_eq!(send_endpoint(base), send);
        }
        let url = check_base_url("http://127.0.0.1:9/api/").unwrap();
        assert_eq!(
            endpoint(&url, LOGS_PATH, Some("page=1&limit=1")).as_str(),
            "http://127.0.0.1:9/api/emails/logs?page=1&limit=1"
        );
    }
}
