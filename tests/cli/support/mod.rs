//! Shared test support: a hermetic environment for the binary, a stand-in for MailingCore,
//! the binary's peak memory, a running `serve` with an HTTP client for it, a fresh
//! PostgreSQL database, the README's code blocks, and whether a program the tests drive is
//! installed.

pub mod bridge;
pub mod database;
pub mod harness;
pub mod peak;
pub mod readme;
pub mod standin;
pub mod tool;

/// Each named test `fn NAME(env: TestEnv)` run twice: `dir::NAME` on the state directory,
/// `postgres::NAME` on a fresh PostgreSQL database (skipped without a test server).
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod dir {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::support::harness::TestEnv::new());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    if let Some(env) = $crate::support::harness::TestEnv::postgres() {
                        super::$name(env);
                    }
                }
            )*
        }
    };
}
