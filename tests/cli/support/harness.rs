//! A hermetic home for each test: temp HOME and XDG dirs, no inherited MailingCore or
//! mcnotify variables, the key in the environment, the base URL of a stand-in.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{json, Value};

use super::database::TestDatabase;
pub use super::standin::KEY;
pub const HELPDESK: &str = "helpdesk@example.com";

/// How long one run of the binary may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The vendor guide's incident, as a `botpress-incident/v1` envelope.
pub const GUIDE_INCIDENT: &str = r#"{
  "schema": "botpress-incident/v1",
  "conversationId": "conv_abc123",
  "incident": {
    "machineCode": "5859",
    "location": "Albacenter Mall",
    "description": "Card reader rejects every card",
    "contactEmail": "ana.perez@example.com",
    "incidentType": "hardware"
  }
}"#;

pub struct TestEnv {
    pub dir: tempfile::TempDir,
    /// The PostgreSQL store the binary is pointed at (`MCNOTIFY_STORE`), if any.
    pub database: Option<TestDatabase>,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
            database: None,
        }
    }

    /// A home whose store is a fresh PostgreSQL database; `None` without a test server.
    pub fn postgres() -> Option<TestEnv> {
        Some(TestEnv {
            database: Some(TestDatabase::fresh()?),
            ..TestEnv::new()
        })
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Where this test's system-wide config lives (in place of /etc/mcnotify).
    pub fn system_config_dir(&self) -> PathBuf {
        self.dir.path().join("etc/mcnotify")
    }

    pub fn state_dir(&self) -> PathBuf {
        self.home().join(".local/state/mcnotify")
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.state_dir().join("outbox")
    }

    /// The `*.json` files directly in `dir`, sorted.
    pub fn json_files(dir: &Path) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "json"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }

    pub fn outbox_entries(&self) -> Vec<Value> {
        if let Some(db) = &self.database {
            return db.entries("pending");
        }
        TestEnv::json_files(&self.outbox_dir())
            .iter()
            .map(|p| serde_json::from_slice(&fs::read(p).unwrap()).unwrap())
            .collect()
    }

    pub fn failed_entries(&self) -> Vec<Value> {
        if let Some(db) = &self.database {
            return db.entries("failed");
        }
        TestEnv::json_files(&self.outbox_dir().join("failed"))
            .iter()
            .map(|p| serde_json::from_slice(&fs::read(p).unwrap()).unwrap())
            .collect()
    }

    pub fn journal(&self) -> Vec<Value> {
        if let Some(db) = &self.database {
            return db.journal();
        }
        fs::read_to_string(self.state_dir().join("journal.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Write a file under the test dir and return its path.
    pub fn write(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap();
        path
    }

    /// `program` with a clean environment: nothing from the developer's shell leaks in.
    fn clean(&self, program: impl AsRef<OsStr>) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.env_clear()
            .env("HOME", self.home())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("XDG_CONFIG_HOME", self.home().join(".config"))
            .env("XDG_STATE_HOME", self.home().join(".local/state"))
            .env("XDG_DATA_HOME", self.home().join(".local/share"))
            // The system-wide config of this test, not the machine's /etc/mcnotify.
            .env("MCNOTIFY_SYSTEM_CONFIG_DIR", self.system_config_dir())
            .env("RUST_BACKTRACE", "0")
            .current_dir(self.dir.path());
        if let Some(db) = &self.database {
            cmd.env("MCNOTIFY_STORE", &db.url);
        }
        cmd
    }

    /// `program` with the clean environment of `bare`, pointed at `base_url` with the
    /// default key and helpdesk address as `cmd` is: for the binary run through another
    /// program (a terminal, a shell script), which passes that environment on.
    pub fn program(&self, program: impl AsRef<OsStr>, base_url: &str) -> std::process::Command {
        let mut cmd = self.clean(program);
        cmd.env("MAILINGCORE_BASE_URL", base_url)
            .env("MAILINGCORE_API_KEY", KEY)
            .env("MCNOTIFY_TO", HELPDESK);
        cmd
    }

    /// The binary with a clean environment: nothing from the developer's shell leaks in.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::from_std(self.clean(assert_cmd::cargo::cargo_bin!("mcnotify")));
        cmd.timeout(TIMEOUT);
        cmd
    }

    /// The binary pointed at `base_url` with the default key and helpdesk address.
    pub fn cmd(&self, base_url: &str) -> Command {
        let binary = assert_cmd::cargo::cargo_bin!("mcnotify");
        let mut cmd = Command::from_std(self.program(binary, base_url));
        cmd.timeout(TIMEOUT);
        cmd
    }
}

/// `n` flat incidents with distinct conversation ids (`conv_001`…) and machine codes
/// `code_base + 1`….
pub fn incidents(n: usize, code_base: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| {
            json!({
                "conversationId": format!("conv_{i:03}"),
                "machineCode": format!("{}", code_base + i),
                "incidentType": "hardware",
                "location": format!("Site {i}"),
                "description": format!("Fault number {i}"),
                "contactEmail": format!("user{i}@example.com"),
            })
        })
        .collect()
}

/// Records as NDJSON, one per line.
pub fn ndjson(records: &[Value]) -> String {
    records.iter().map(|r| r.to_string() + "\n").collect()
}

/// Parse stdout as JSON Lines.
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}")))
        .collect()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// What one run of the binary printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout then stderr, for assertion messages.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Run the command; fail the test if the key leaked or the binary panicked.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("the binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: text(&out.stdout),
        stderr: text(&out.stderr),
    };
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "the key leaked: {}",
        run.all()
    );
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "panic: {}",
        run.stderr
    );
    run
}

/// A loopback URL where nothing listens.
pub fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
