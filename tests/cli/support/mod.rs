//! Shared test support: a hermetic environment for the binary and a stand-in for MailingCore.

pub mod harness;
pub mod standin;
