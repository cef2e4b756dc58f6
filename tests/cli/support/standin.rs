//! A stateful stand-in for the MailingCore API: `POST /emails/send` and `GET /emails/logs`
//! over real HTTP/1.1 on loopback, with keys, scopes, tenants, idempotency replay, the quota
//! ladder, a fixed-window rate limit, both error styles, and faults injected on demand.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

/// One API key the stand-in knows.
#[derive(Debug, Clone)]
pub struct KeyDef {
    pub key: String,
    pub tenant: String,
    pub scopes: Vec<String>,
}

impl KeyDef {
    pub fn new(key: &str, tenant: &str, scopes: &[&str]) -> KeyDef {
        KeyDef {
            key: key.to_string(),
            tenant: tenant.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Which documented error-body style the stand-in speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// `{"statusCode":403,"message":"...","path":"...","timestamp":"..."}`
    Nest,
    /// `{"type":"...","title":"...","detail":"...","status":403}`
    Rfc7807,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub keys: Vec<KeyDef>,
    pub quota_limit: u64,
    pub quota_used: u64,
    /// `(L, W)`: at most L requests per window of W, windows aligned to the epoch.
    pub rate_limit: Option<(u32, Duration)>,
    pub error_style: ErrorStyle,
    /// Whether `GET /emails/logs` answers carry `X-Quota-*` (undocumented either way).
    pub quota_headers_on_logs: bool,
    /// Whether answers carry `X-RateLimit-*` when a rate limit is set.
    pub rate_headers: bool,
    /// 0 picks a free port.
    pub port: u16,
    /// Whether every request and accepted body is kept for `requests()` and `accepted()`
    /// (turned off for long benchmark runs; `stats()` counts either way).
    pub keep_history: bool,
    /// A path prefix the API lives under (`/api`): requests outside it get 404.
    pub prefix: String,
    /// Answer 400 `X-Tenant-Id header is required` to requests without that header.
    pub require_tenant: bool,
}

/// The key the stand-in accepts by default, with both scopes.
pub const KEY: &str = "mc_test_0123456789abcdefghijklmn";

/// The default tenant of the default key.
pub const TENANT: &str = "clxtenant0001";

impl Default for Config {
    fn default() -> Config {
        Config {
            keys: vec![KeyDef::new(KEY, TENANT, &["email:send", "email:read"])],
            quota_limit: 5000,
            quota_used: 420,
            rate_limit: None,
            error_style: ErrorStyle::Nest,
            quota_headers_on_logs: true,
            rate_headers: true,
            port: 0,
            keep_history: true,
            prefix: String::new(),
            require_tenant: false,
        }
    }
}

/// A fault applied to the next request that arrives (any route).
#[derive(Debug, Clone)]
pub enum Fault {
    /// Read the request, then close the connection without an answer.
    Reset,
    /// Accept the send (it counts), then close the connection without an answer.
    ResetAfterAccept,
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Hold the connection open without answering for this long, then close it.
    Hang(Duration),
    /// Answer with this status and an error body in the configured style.
    Status(u16),
    /// A rate-limit 429: `reset` sets `X-RateLimit-Reset` this far ahead (rounded up to a
    /// second), `retry_after` sets `Retry-After` in seconds.
    RateLimited {
        reset: Option<Duration>,
        retry_after: Option<u64>,
    },
    /// A quota 429 in the given style.
    QuotaExceeded(ErrorStyle),
    /// A 201 whose body is not JSON.
    NotJson2xx,
    /// A 201 whose JSON body has no `id`.
    NoId2xx,
    /// A 307 to this URL.
    Redirect(String),
    /// Answer exactly this (status, headers, body); nothing is accepted.
    Answer {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Accept the send (it counts), answer as usual but with these headers set (a header
    /// of the same name is replaced; `Content-Type` too).
    AcceptWith(Vec<(String, String)>),
    /// Accept the send, then write the answer one byte at a time with this pause between.
    Dribble(Duration),
    /// An answer with a body of this many bytes, written as it goes (never held in
    /// memory): a 2xx accepts the send first, any other status accepts nothing.
    Huge { status: u16, bytes: u64 },
}

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
    pub status: Option<u16>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Running counts, kept whether or not the history is.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Requests answered or dropped, any route.
    pub requests: usize,
    /// Emails accepted (once per idempotency key).
    pub accepted: usize,
    /// Answers of each status.
    pub statuses: BTreeMap<u16, usize>,
    /// Connections accepted.
    pub connections: usize,
    /// The most requests in flight at once.
    pub max_in_flight: usize,
}

/// An email the stand-in accepted (counted once per idempotency key).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub id: String,
    pub key: Option<String>,
    pub api_key: String,
    pub body: Value,
}

#[derive(Default)]
struct State {
    faults: VecDeque<Fault>,
    down: bool,
    quota_limit: u64,
    quota_used: u64,
    requests: Vec<Request>,
    accepted: Vec<Accepted>,
    replays: HashMap<String, (u16, String)>,
    window: (u64, u32),
    next_id: u64,
    stats: Stats,
}

struct Shared {
    config: Config,
    state: Mutex<State>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    connections: AtomicUsize,
    stop: AtomicBool,
    /// Whether faults still queued when the stand-in is dropped are allowed.
    unused_faults_allowed: AtomicBool,
}

pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl StandIn {
    pub fn start() -> StandIn {
        StandIn::with(Config::default())
    }

    pub fn with(config: Config) -> StandIn {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).expect("bind stand-in");
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                quota_limit: config.quota_limit,
                quota_used: config.quota_used,
                ..State::default()
            }),
            config,
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            unused_faults_allowed: AtomicBool::new(false),
        });
        let accept = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accept.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if accept.lock().down {
                    drop(stream);
                    continue;
                }
                accept.connections.fetch_add(1, Ordering::SeqCst);
                let conn = Arc::clone(&accept);
                thread::spawn(move || serve(conn, stream));
            }
        });
        StandIn { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn push_fault(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    pub fn push_faults(&self, faults: impl IntoIterator<Item = Fault>) {
        self.shared.lock().faults.extend(faults);
    }

    /// Let faults still queued when the stand-in is dropped go unused. Only for a test that
    /// cannot know how many requests it makes (a signal that stops a run at a random
    /// point, a retry loop stopped by time rather than by count); every other test must
    /// meet every fault it queues.
    pub fn allow_unused_faults(&self) {
        self.shared
            .unused_faults_allowed
            .store(true, Ordering::SeqCst);
    }

    /// Faults queued but not yet consumed.
    pub fn pending_faults(&self) -> usize {
        self.shared.lock().faults.len()
    }

    pub fn set_quota(&self, limit: u64, used: u64) {
        let mut s = self.shared.lock();
        s.quota_limit = limit;
        s.quota_used = used;
    }

    /// While down, every connection is closed as soon as it is accepted.
    pub fn set_down(&self, down: bool) {
        self.shared.lock().down = down;
    }

    pub fn requests(&self) -> Vec<Request> {
        self.shared.lock().requests.clone()
    }

    /// Requests to `POST /emails/send`.
    pub fn sends(&self) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == "/emails/send")
            .collect()
    }

    pub fn accepted(&self) -> Vec<Accepted> {
        self.shared.lock().accepted.clone()
    }

    /// How many emails were accepted under each idempotency key.
    pub fn accepted_by_key(&self) -> BTreeMap<String, usize> {
        let mut map = BTreeMap::new();
        for a in self.accepted() {
            *map.entry(a.key.unwrap_or_default()).or_insert(0) += 1;
        }
        map
    }

    /// How many answers of each status were given.
    pub fn status_counts(&self) -> BTreeMap<u16, usize> {
        let mut map = BTreeMap::new();
        for r in self.requests() {
            if let Some(s) = r.status {
                *map.entry(s).or_insert(0) += 1;
            }
        }
        map
    }

    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    pub fn quota_used(&self) -> u64 {
        self.shared.lock().quota_used
    }

    /// Counts since the start, without copying the history.
    pub fn stats(&self) -> Stats {
        let mut stats = self.shared.lock().stats.clone();
        stats.connections = self.connections();
        stats.max_in_flight = self.max_in_flight();
        stats
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        // A fault queued and never met means the test did not test what it says.
        let unused = self.pending_faults();
        let allowed = self.shared.unused_faults_allowed.load(Ordering::SeqCst);
        if unused > 0 && !allowed && !std::thread::panicking() {
            panic!(
                "the stand-in still holds {unused} queued fault(s): {:?}",
                self.shared.lock().faults
            );
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Default)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// Instead of `body`: this many filler bytes, written in chunks.
    filler: Option<u64>,
    /// Write the answer one byte at a time, pausing this long between bytes.
    dribble: Option<Duration>,
}

impl Answer {
    fn json(status: u16, body: Value) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string(),
            ..Answer::default()
        }
    }

    /// Set a header, replacing one of the same name.
    fn set(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }
}

fn serve(shared: Arc<Shared>, stream: TcpStream) {
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        let Some(mut request) = read_request(&mut reader) else {
            return;
        };
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let fault = shared.lock().faults.pop_front();
        let answer = respond(&shared, &request, fault.as_ref());
        request.status = answer.as_ref().map(|a| a.status);
        let mut s = shared.lock();
        s.stats.requests += 1;
        if let Some(status) = request.status {
            *s.stats.statuses.entry(status).or_insert(0) += 1;
        }
        if shared.config.keep_history {
            s.requests.push(request);
        }
        drop(s);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        let Some(answer) = answer else {
            let _ = writer.shutdown(Shutdown::Both);
            return;
        };
        if write_answer(&mut writer, &answer).is_err() {
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
        status: None,
    })
}

fn write_answer(writer: &mut TcpStream, answer: &Answer) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n",
        answer.status,
        reason(answer.status),
        answer.filler.unwrap_or(answer.body.len() as u64)
    );
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    if let Some(bytes) = answer.filler {
        writer.write_all(head.as_bytes())?;
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = bytes;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            writer.write_all(&chunk[..n])?;
            left -= n as u64;
        }
        return writer.flush();
    }
    if let Some(pause) = answer.dribble {
        head.push_str(&answer.body);
        for byte in head.as_bytes() {
            writer.write_all(std::slice::from_ref(byte))?;
            writer.flush()?;
            thread::sleep(pause);
        }
        return Ok(());
    }
    // One write: a second small one would wait for the client's delayed ACK (Nagle),
    // about 40 ms per answer on a kept-alive connection.
    head.push_str(&answer.body);
    writer.write_all(head.as_bytes())?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        409 => "Conflict",
        413 => "Payload Too Large",
        425 => "Too Early",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn epoch() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}

fn error_body(style: ErrorStyle, status: u16, kind: &str, message: &str, path: &str) -> Value {
    match style {
        ErrorStyle::Nest => json!({
            "statusCode": status,
            "message": message,
            "path": path,
            "timestamp": "2026-11-24T03:00:00.000Z",
        }),
        ErrorStyle::Rfc7807 => json!({
            "type": kind,
            "title": reason(status),
            "detail": message,
            "status": status,
        }),
    }
}

/// `None` closes the connection without an answer.
fn respond(shared: &Shared, req: &Request, fault: Option<&Fault>) -> Option<Answer> {
    let config = &shared.config;
    let style = config.error_style;
    let err = |status: u16, kind: &str, message: &str| {
        Answer::json(status, error_body(style, status, kind, message, &req.path))
    };
    match fault {
        Some(Fault::Reset) => return None,
        Some(Fault::Delay(d)) => thread::sleep(*d),
        Some(Fault::Hang(d)) => {
            let until = Instant::now() + *d;
            while Instant::now() < until && !shared.stop.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(20));
            }
            return None;
        }
        Some(Fault::Status(code)) => {
            return Some(err(*code, "injected", &format!("injected {code}")));
        }
        Some(Fault::RateLimited { reset, retry_after }) => {
            let mut a = err(429, "rate_limited", "ThrottlerException: Too Many Requests");
            if let Some(reset) = reset {
                let at = (epoch() + *reset).as_secs_f64().ceil() as u64;
                a.headers.push(("X-RateLimit-Limit".into(), "300".into()));
                a.headers.push(("X-RateLimit-Remaining".into(), "0".into()));
                a.headers.push(("X-RateLimit-Reset".into(), at.to_string()));
            }
            if let Some(secs) = retry_after {
                a.headers.push(("Retry-After".into(), secs.to_string()));
            }
            return Some(a);
        }
        Some(Fault::QuotaExceeded(style)) => {
            let s = shared.lock();
            return Some(quota_block(
                *style,
                s.quota_limit,
                s.quota_used.max(s.quota_limit * 111 / 100),
                &req.path,
            ));
        }
        Some(Fault::Redirect(url)) => {
            return Some(Answer {
                status: 307,
                headers: vec![("Location".into(), url.clone())],
                ..Answer::default()
            });
        }
        Some(Fault::Answer {
            status,
            headers,
            body,
        }) => {
            return Some(Answer {
                status: *status,
                headers: headers.clone(),
                body: body.clone(),
                ..Answer::default()
            });
        }
        Some(Fault::Huge { status, bytes }) if !(200..300).contains(status) => {
            return Some(Answer {
                status: *status,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                filler: Some(*bytes),
                ..Answer::default()
            });
        }
        _ => {}
    }

    let bearer = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("");
    let Some(key) = config.keys.iter().find(|k| k.key == bearer) else {
        return Some(err(401, "unauthorized", "Invalid or revoked API key"));
    };
    let Some(route) = req
        .path
        .split('?')
        .next()
        .unwrap_or("")
        .strip_prefix(config.prefix.as_str())
    else {
        return Some(err(
            404,
            "not_found",
            &format!("Cannot {} {}", req.method, req.path),
        ));
    };
    let (scope, known) = match (req.method.as_str(), route) {
        ("POST", "/emails/send") => ("email:send", true),
        ("GET", "/emails/logs") => ("email:read", true),
        _ => ("", false),
    };
    if !known {
        return Some(err(
            404,
            "not_found",
            &format!("Cannot {} {}", req.method, route),
        ));
    }
    if !key.scopes.iter().any(|s| s == scope) {
        return Some(err(
            403,
            "forbidden",
            &format!("Missing required API key scope: {scope}"),
        ));
    }
    if config.require_tenant && req.header("x-tenant-id").is_none() {
        return Some(err(400, "bad_request", "X-Tenant-Id header is required"));
    }
    if let Some(tenant) = req.header("x-tenant-id") {
        if tenant != key.tenant {
            return Some(err(403, "forbidden", "Unauthorized tenant"));
        }
    }

    let mut rate_headers = Vec::new();
    if let Some((limit, window)) = config.rate_limit {
        let now = epoch();
        let w = window.as_millis().max(1) as u64;
        let index = now.as_millis() as u64 / w;
        let reset_ms = (index + 1) * w;
        let mut s = shared.lock();
        if s.window.0 != index {
            s.window = (index, 0);
        }
        let over = s.window.1 >= limit;
        if !over {
            s.window.1 += 1;
        }
        let remaining = limit.saturating_sub(s.window.1);
        drop(s);
        if config.rate_headers {
            rate_headers.push(("X-RateLimit-Limit".to_string(), limit.to_string()));
            rate_headers.push(("X-RateLimit-Remaining".to_string(), remaining.to_string()));
            rate_headers.push((
                "X-RateLimit-Reset".to_string(),
                reset_ms.div_ceil(1000).to_string(),
            ));
        }
        if over {
            let mut a = err(429, "rate_limited", "ThrottlerException: Too Many Requests");
            a.headers.extend(rate_headers);
            return Some(a);
        }
    }

    let mut answer = if route == "/emails/logs" {
        let mut a = Answer::json(
            200,
            json!({
                "data": [],
                "meta": {"page": 1, "limit": 1, "total": 0, "totalPages": 0}
            }),
        );
        if config.quota_headers_on_logs {
            let s = shared.lock();
            a.headers.extend(quota_headers(s.quota_limit, s.quota_used));
        }
        a
    } else {
        send(shared, req, key, fault, style)?
    };
    answer.headers.extend(rate_headers);
    Some(answer)
}

fn send(
    shared: &Shared,
    req: &Request,
    key: &KeyDef,
    fault: Option<&Fault>,
    style: ErrorStyle,
) -> Option<Answer> {
    let err = |status: u16, kind: &str, message: &str| {
        Answer::json(status, error_body(style, status, kind, message, &req.path))
    };
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return Some(err(400, "validation", "Body must be JSON"));
    };
    let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or("");
    let mut problems = Vec::new();
    if !text("to").contains('@') {
        problems.push("to must be an email");
    }
    if text("subject").is_empty() {
        problems.push("subject should not be empty");
    }
    if text("htmlBody").is_empty() && text("templateVersionId").is_empty() {
        problems.push("htmlBody should not be empty");
    }
    if !problems.is_empty() {
        return Some(Answer::json(
            400,
            match style {
                ErrorStyle::Nest => {
                    json!({"statusCode": 400, "message": problems, "error": "Bad Request"})
                }
                ErrorStyle::Rfc7807 => {
                    json!({"type": "validation", "title": "Bad Request", "detail": problems.join("; "), "status": 400})
                }
            },
        ));
    }
    let idem = body
        .get("idempotencyKey")
        .and_then(Value::as_str)
        .map(str::to_string);
    let mut s = shared.lock();
    if let Some(k) = &idem {
        if let Some((status, replay)) = s.replays.get(&format!("{}\u{0}{k}", key.tenant)) {
            let (status, replay) = (*status, replay.clone());
            let mut a = Answer::json(status, serde_json::from_str(&replay).unwrap());
            a.headers.extend(quota_headers(s.quota_limit, s.quota_used));
            return Some(a);
        }
    }
    if s.quota_limit > 0 && s.quota_used * 100 / s.quota_limit > 110 {
        return Some(quota_block(style, s.quota_limit, s.quota_used, &req.path));
    }
    s.next_id += 1;
    let id = format!("clxlog{:06}", s.next_id);
    s.quota_used += 1;
    s.stats.accepted += 1;
    if shared.config.keep_history {
        s.accepted.push(Accepted {
            id: id.clone(),
            key: idem.clone(),
            api_key: key.key.clone(),
            body: body.clone(),
        });
    }
    let reply = json!({"id": id, "status": "QUEUED", "queued": true, "position": 1});
    if let Some(k) = &idem {
        s.replays
            .insert(format!("{}\u{0}{k}", key.tenant), (201, reply.to_string()));
    }
    let headers = quota_headers(s.quota_limit, s.quota_used);
    drop(s);
    let mut answer = match fault {
        Some(Fault::ResetAfterAccept) => return None,
        Some(Fault::NotJson2xx) => Answer {
            status: 201,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            body: "Created".into(),
            ..Answer::default()
        },
        Some(Fault::Huge { status, bytes }) => Answer {
            status: *status,
            headers: vec![("Content-Type".into(), "text/plain".into())],
            filler: Some(*bytes),
            ..Answer::default()
        },
        Some(Fault::Dribble(pause)) => Answer {
            dribble: Some(*pause),
            ..Answer::json(201, reply)
        },
        Some(Fault::NoId2xx) => Answer::json(201, json!({"status": "QUEUED"})),
        _ => Answer::json(201, reply),
    };
    answer.headers.extend(headers);
    if let Some(Fault::AcceptWith(set)) = fault {
        for (name, value) in set {
            answer.set(name, value);
        }
    }
    Some(answer)
}

fn quota_headers(limit: u64, used: u64) -> Vec<(String, String)> {
    let pct = (used * 100).checked_div(limit).unwrap_or(0);
    let mut h = vec![
        ("X-Quota-Limit".to_string(), limit.to_string()),
        ("X-Quota-Used".to_string(), used.to_string()),
        ("X-Quota-Percentage".to_string(), pct.to_string()),
    ];
    if pct >= 80 {
        h.push(("X-Quota-Warning".to_string(), "true".to_string()));
    }
    h
}

fn quota_block(style: ErrorStyle, limit: u64, used: u64, path: &str) -> Answer {
    let pct = (used * 100).checked_div(limit).unwrap_or(0);
    let message =
        format!("Monthly email quota exceeded ({pct}%). Upgrade your plan to continue sending.");
    let body = match style {
        ErrorStyle::Nest => json!({
            "statusCode": 429,
            "message": message,
            "path": path,
            "quota": {"limit": limit, "used": used, "percentage": pct},
        }),
        ErrorStyle::Rfc7807 => json!({
            "type": "quota_exceeded",
            "title": "Too Many Requests",
            "detail": "Monthly quota reached",
            "status": 429,
        }),
    };
    let mut a = Answer::json(429, body);
    a.headers.extend(quota_headers(limit, used));
    a
}
