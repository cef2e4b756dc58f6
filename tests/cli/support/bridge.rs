//! A running `mcnotify serve` for the tests: started as a child process on port 0 against
//! a stand-in, its address read from its first line, its log collected; and a small HTTP
//! client that sends one request per connection.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::harness::{TestEnv, HELPDESK, KEY};
use super::standin::StandIn;

pub const TOKEN: &str = "bridge-token-0123456789abcdef";

/// A running `mcnotify serve`, its stderr collected line by line.
pub struct Server {
    pub child: Child,
    pub addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// `serve --listen 127.0.0.1:0` with `args`, against `api`, with the token in a file
    /// named by `MCNOTIFY_SERVE_TOKEN_FILE`.
    pub fn start(env: &TestEnv, api: &StandIn, args: &[&str]) -> Server {
        Server::start_with(env, api, args, |_| {})
    }

    pub fn start_with(
        env: &TestEnv,
        api: &StandIn,
        args: &[&str],
        more: impl FnOnce(&mut Command),
    ) -> Server {
        let token = env.write("token", TOKEN);
        set_mode(&token, 0o600);
        let mut cmd = base(env, api);
        cmd.env("MCNOTIFY_SERVE_TOKEN_FILE", &token)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args);
        more(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let lines = log.clone();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { return };
                if let Some(at) = line.find("listening on http://") {
                    let addr = line[at + "listening on http://".len()..].trim_end_matches('"');
                    let addr = addr.split('"').next().unwrap().to_string();
                    let _ = tx.send(addr);
                }
                lines.lock().unwrap().push(line);
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("serve did not start: {:?}", log.lock().unwrap()));
        Server { child, addr, log }
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// POST the incident with the token.
    pub fn post(&self, body: &str) -> Answer {
        self.request(
            "POST",
            "/v1/incidents",
            &[auth(), json_type()],
            body.as_bytes(),
        )
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Answer {
        request(&self.addr, method, path, headers, body)
    }

    /// SIGTERM, then the exit status (within 30 s).
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        signal(&self.child, "-TERM");
        self.wait()
    }

    pub fn wait(&mut self) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "serve did not stop: {:?}",
                self.log()
            );
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with a clean environment against `api`.
pub fn base(env: &TestEnv, api: &StandIn) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcnotify"));
    cmd.env_clear()
        .env("HOME", env.home())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("XDG_CONFIG_HOME", env.home().join(".config"))
        .env("XDG_STATE_HOME", env.home().join(".local/state"))
        .env("MCNOTIFY_SYSTEM_CONFIG_DIR", env.system_config_dir())
        .env("MAILINGCORE_BASE_URL", api.url())
        .env("MAILINGCORE_API_KEY", KEY)
        .env("MCNOTIFY_TO", HELPDESK)
        .current_dir(env.dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(db) = &env.database {
        cmd.env("MCNOTIFY_STORE", &db.url);
    }
    cmd
}

pub fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub fn signal(child: &Child, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn auth() -> (&'static str, &'static str) {
    ("Authorization", "Bearer bridge-token-0123456789abcdef")
}

pub fn json_type() -> (&'static str, &'static str) {
    ("Content-Type", "application/json")
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One request on its own connection (`Connection: close`), read to its end.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before the whole body is written.
    let _ = stream.write_all(body);
    read_answer(stream)
}

pub fn read_answer(mut stream: TcpStream) -> Answer {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer: {text:?}"));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A flat incident of conversation `conv`.
pub fn incident(conv: &str) -> String {
    json!({
        "conversationId": conv,
        "machineCode": "5859",
        "incidentType": "hardware",
        "location": "Albacenter Mall",
        "description": "Card reader rejects every card",
        "contactEmail": "ana.perez@example.com",
    })
    .to_string()
}

pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        thread::sleep(Duration::from_millis(20));
    }
}
