//! One module per subcommand; each exposes `run`.

pub mod completions;
pub mod generate_docs;
pub mod preview;
pub mod send;
