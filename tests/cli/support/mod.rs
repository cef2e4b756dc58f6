//! Shared test support: a hermetic environment for the binary, a stand-in for MailingCore,
//! the binary's peak memory, a running `serve` with an HTTP client for it, the README's code
//! blocks, and whether a program the tests drive is installed.

pub mod bridge;
pub mod harness;
pub mod peak;
pub mod readme;
pub mod standin;
pub mod tool;
