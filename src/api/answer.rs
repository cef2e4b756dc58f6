//! One HTTP answer as read: its status, headers and body, up to a size limit.

use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};

/// How much of an answer is read: every documented answer is well under 1 KiB. A larger
/// one is read this far and treated as a malformed answer.
pub(super) const MAX_ANSWER: usize = 64 * 1024;

/// One answer: status, headers and the body up to `MAX_ANSWER`.
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: Vec<u8>,
    /// The body went on past `MAX_ANSWER` (the rest was not read).
    pub(super) truncated: bool,
}

/// One request to its end, reading at most `MAX_ANSWER` bytes of the body.
pub(super) async fn fetch(request: RequestBuilder) -> reqwest::Result<Answer> {
    let mut response = request.send().await?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await? {
        let room = MAX_ANSWER - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            // Dropping the response closes its connection: the rest is never read.
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        headers,
        body,
        truncated,
    })
}
