//! Shared test support: a hermetic environment for the binary, a stand-in for MailingCore,
//! and the binary's peak memory.

pub mod harness;
pub mod peak;
pub mod standin;
