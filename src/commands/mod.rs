//! One module per subcommand; each exposes `run`.

pub mod check_quota;
pub mod completions;
pub mod config;
pub mod generate_docs;
pub mod outbox;
pub mod preview;
pub mod send;
pub mod serve;
pub mod status;
pub mod store;
pub mod verify_key;
