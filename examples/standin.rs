//! Serves the test suite's stand-in for MailingCore on loopback, for benchmarks and tries
//! by hand. It accepts the key `mc_test_0123456789abcdefghijklmn`.
//!
//! ```sh
//! cargo run --release --example standin -- --port 0 --rate-limit 20/1 \
//!     --quota 10000000:0 --stats-file /tmp/standin.json
//! ```
//!
//! It prints its URL on stdout and serves until killed. With `--stats-file` it writes its
//! counts there as JSON every 100 ms (`requests`, `accepted`, `statuses`, `connections`,
//! `maxInFlight`); on Ctrl-C (SIGINT) it prints them to stderr and exits.

// The example serves a part of what the tests use of the stand-in.
#[allow(dead_code)]
#[path = "../tests/cli/support/standin.rs"]
mod standin;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use serde_json::json;

use standin::{Config, StandIn, Stats};

const USAGE: &str = "usage: standin [--port N] [--rate-limit L/WSECS] [--quota LIMIT:USED] \
[--stats-file PATH] [--keep-history]";

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok((config, stats_file)) => serve(config, stats_file),
        Err(e) => {
            eprintln!("standin: {e}\n{USAGE}");
            ExitCode::from(64)
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<(Config, Option<PathBuf>), String> {
    let mut config = Config {
        quota_limit: 10_000_000,
        quota_used: 0,
        keep_history: false,
        ..Config::default()
    };
    let mut stats_file = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => config.port = number(&value()?)?,
            "--rate-limit" => {
                let v = value()?;
                let (limit, window) = v
                    .split_once('/')
                    .ok_or_else(|| format!("--rate-limit {v}: expected L/WSECS"))?;
                let window: f64 = number(window)?;
                if window.is_nan() || window <= 0.0 {
                    return Err(format!("--rate-limit {v}: the window must be positive"));
                }
                config.rate_limit = Some((number(limit)?, Duration::from_secs_f64(window)));
            }
            "--quota" => {
                let v = value()?;
                let (limit, used) = v
                    .split_once(':')
                    .ok_or_else(|| format!("--quota {v}: expected LIMIT:USED"))?;
                config.quota_limit = number(limit)?;
                config.quota_used = number(used)?;
            }
            "--stats-file" => stats_file = Some(PathBuf::from(value()?)),
            "--keep-history" => config.keep_history = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((config, stats_file))
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))
}

fn serve(config: Config, stats_file: Option<PathBuf>) -> ExitCode {
    let server = Arc::new(StandIn::with(config));
    println!("{}", server.url());
    let interrupted = Arc::clone(&server);
    match signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]) {
        Ok(mut signals) => {
            thread::spawn(move || {
                if signals.forever().next().is_some() {
                    eprintln!("{}", to_json(&interrupted.stats()));
                    std::process::exit(0);
                }
            });
        }
        Err(e) => eprintln!("standin: no Ctrl-C handler: {e}"),
    }
    loop {
        if let Some(path) = &stats_file {
            if let Err(e) = write_stats(path, &server.stats()) {
                eprintln!("standin: cannot write {}: {e}", path.display());
                return ExitCode::from(74);
            }
        }
        thread::sleep(Duration::from_millis(100));
    }
}

fn to_json(stats: &Stats) -> String {
    let statuses: serde_json::Map<String, serde_json::Value> = stats
        .statuses
        .iter()
        .map(|(status, n)| (status.to_string(), json!(n)))
        .collect();
    json!({
        "requests": stats.requests,
        "accepted": stats.accepted,
        "statuses": statuses,
        "connections": stats.connections,
        "maxInFlight": stats.max_in_flight,
    })
    .to_string()
}

/// Replace the file at once, so a reader never sees half of it.
fn write_stats(path: &std::path::Path, stats: &Stats) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, to_json(stats) + "\n")?;
    std::fs::rename(&tmp, path)
}
