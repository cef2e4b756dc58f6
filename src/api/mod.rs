//! The MailingCore HTTP client: headers, retries with backoff, and what each answer means.

mod answer;
mod classify;
mod client;
mod error;
mod exchange;
mod retry;
mod transport;
mod url;

pub use client::Client;
pub use exchange::{Exchange, Outcome, OutcomeKind};
pub use retry::RetryPolicy;
pub use url::{check_base_url, send_endpoint, without_userinfo};
