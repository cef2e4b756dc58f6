//! An error answer of the API, in either documented style, and what it says.

use reqwest::StatusCode;
use serde::Serialize;
use serde_json::Value;

use super::answer::MAX_ANSWER;
use crate::quota::{Quota, RateLimit};

/// An error answer in either documented style (NestJS or RFC 7807).
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<Quota>,
}

impl ApiError {
    pub(super) fn parse(status: StatusCode, body: &[u8], truncated: bool) -> ApiError {
        if truncated {
            return ApiError {
                status: status.as_u16(),
                message: format!(
                    "{} (an answer over {} KiB, not read further)",
                    status.canonical_reason().unwrap_or("error"),
                    MAX_ANSWER / 1024
                ),
                kind: None,
                quota: None,
            };
        }
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let text = |v: &Value| -> Option<String> {
            match v {
                Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                Value::Array(items) => {
                    let parts: Vec<String> = items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect();
                    (!parts.is_empty()).then(|| parts.join("; "))
                }
                _ => None,
            }
        };
        let field = |name: &str| json.as_ref().and_then(|j| j.get(name)).and_then(text);
        let message = field("detail")
            .or_else(|| field("title"))
            .or_else(|| field("message"))
            .or_else(|| {
                let raw = String::from_utf8_lossy(body);
                let raw = raw.trim();
                (!raw.is_empty() && json.is_none()).then(|| raw.chars().take(200).collect())
            })
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string());
        ApiError {
            status: status.as_u16(),
            message,
            kind: json
                .as_ref()
                .and_then(|j| j.get("type"))
                .and_then(|t| t.as_str())
                .map(str::to_string),
            quota: json
                .as_ref()
                .and_then(|j| j.get("quota"))
                .and_then(Quota::from_body),
        }
    }

    /// DESIGN §9: a 429 is the monthly quota when the body has a `quota` object, a
    /// `type` mentioning quota, or the rate-limit window still has room.
    pub(super) fn is_quota(&self, rate: Option<&RateLimit>) -> bool {
        self.quota.is_some()
            || self
                .kind
                .as_deref()
                .is_some_and(|k| k.to_ascii_lowercase().contains("quota"))
            || rate.and_then(|r| r.remaining).is_some_and(|r| r > 0)
    }

    /// A 400 to a request sent without `X-Tenant-Id` that names that header (in its
    /// `type`, or in its message, where the header's name is the same in any language):
    /// the API wants a tenant. The docs document no error for a missing tenant, so the
    /// name of the header is the only sign; it decides a hint, not whether to retry.
    pub(super) fn wants_tenant(&self) -> bool {
        let names = |t: &str| t.to_ascii_lowercase().contains("tenant");
        self.status == 400
            && (self.kind.as_deref().is_some_and(names)
                || self.message.to_ascii_lowercase().contains("x-tenant-id"))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}: {}", self.status, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_error_styles_parse() {
        let nest = br#"{"statusCode":400,"message":["to must be an email","subject should not be empty"],"path":"/emails/send"}"#;
        let e = ApiError::parse(StatusCode::BAD_REQUEST, nest, false);
        assert_eq!(
            e.message,
            "to must be an email; subject should not be empty"
        );
        let rfc = br#"{"type":"quota_exceeded","title":"Too Many Requests","detail":"Monthly quota reached","status":429}"#;
        let e = ApiError::parse(StatusCode::TOO_MANY_REQUESTS, rfc, false);
        assert_eq!(
            (e.message.as_str(), e.kind.as_deref()),
            ("Monthly quota reached", Some("quota_exceeded"))
        );
        assert!(e.is_quota(None));
        let nest_quota = br#"{"statusCode":429,"message":"Monthly email quota exceeded","quota":{"limit":100,"used":115,"percentage":115}}"#;
        assert!(ApiError::parse(StatusCode::TOO_MANY_REQUESTS, nest_quota, false).is_quota(None));
        let throttle = br#"{"statusCode":429,"message":"ThrottlerException: Too Many Requests"}"#;
        let e = ApiError::parse(StatusCode::TOO_MANY_REQUESTS, throttle, false);
        assert!(!e.is_quota(Some(&RateLimit {
            remaining: Some(0),
            ..RateLimit::default()
        })));
        assert!(e.is_quota(Some(&RateLimit {
            remaining: Some(5),
            ..RateLimit::default()
        })));
        assert_eq!(
            ApiError::parse(StatusCode::BAD_GATEWAY, b"<html>", false).message,
            "<html>"
        );
    }
}
