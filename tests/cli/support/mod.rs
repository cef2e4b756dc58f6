//! Shared test support: a hermetic environment for the binary, a stand-in for MailingCore,
//! the binary's peak memory, and a running `serve` with an HTTP client for it.

pub mod bridge;
pub mod harness;
pub mod peak;
pub mod standin;
