//! The connection to the database, owned by one thread of its own: the store's callers are
//! plain (blocking) code, also when they run inside an async task, so each call is handed
//! to that thread and waited for, never longer than a ceiling. A lost connection is made
//! again at the next call.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};

use super::pgpass;
use super::schema;
use crate::config::Database;
use crate::exit::{Exit, Failure};

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long one statement may run on the server.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a caller waits for its call at most (connect, then statements).
const CALL_CEILING: Duration = Duration::from_secs(30);

/// How long sent data may stay unacknowledged before the connection counts as lost (a
/// database behind a cut network answers nothing at all).
const UNACKNOWLEDGED: Duration = Duration::from_secs(10);

/// After a failed connection, calls fail at once for this long instead of each waiting for
/// a connection of its own: a server answering many requests is held up once, not per call.
const RECONNECT_AFTER: Duration = Duration::from_secs(2);

type Task = Box<dyn FnOnce(&mut Link) + Send>;

/// The handle the store's callers share.
#[derive(Debug)]
pub struct Session {
    tasks: mpsc::Sender<Task>,
    shown: String,
}

/// The thread's side: how to connect, and the connection while it lasts.
struct Link {
    config: postgres::Config,
    shown: String,
    client: Option<Client>,
    /// The statements prepared on this connection, by their text.
    statements: Statements,
    /// What the first connection found of the schema and did to it.
    migrated: Option<schema::Migrated>,
    /// When the last connection failed, and why.
    failed: Option<(Instant, String)>,
}

impl Session {
    /// Start the thread that will own the connection; nothing is connected yet.
    pub fn start(database: &Database) -> Result<Session> {
        let shown = database.shown().to_string();
        let config = connect_config(database)?;
        let (tasks, queue) = mpsc::channel::<Task>();
        let mut link = Link {
            config,
            shown: shown.clone(),
            client: None,
            statements: Statements::new(),
            migrated: None,
            failed: None,
        };
        thread::Builder::new()
            .name("mcnotify-store".into())
            .spawn(move || {
                for task in queue {
                    task(&mut link);
                }
            })?;
        Ok(Session { tasks, shown })
    }

    /// How messages name the store.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Connect (when not connected): what the schema was and is.
    pub fn migrated(&self) -> Result<schema::Migrated> {
        let (answer, answered) = mpsc::sync_channel(1);
        let task: Task = Box::new(move |link| {
            let _ = answer.send(link.client().map(|_| ()).and_then(|()| {
                link.migrated
                    .ok_or_else(|| anyhow::anyhow!("the schema was not looked at"))
            }));
        });
        self.wait(task, answered)
    }

    /// Run `work` on the connection (made first when there is none). A call that finds the
    /// connection lost runs once more on a new one. Errors name the store; one that means
    /// the database cannot be reached is a temporary failure (75).
    pub fn call<R: Send + 'static>(
        &self,
        work: impl FnMut(&mut Conn<'_>) -> Result<R, postgres::Error> + Send + 'static,
    ) -> Result<R> {
        let (answer, answered) = mpsc::sync_channel(1);
        let task: Task = Box::new(move |link| {
            let _ = answer.send(link.run(work));
        });
        self.wait(task, answered)
    }

    /// Hand `task` to the connection's thread and wait for its answer, up to the ceiling.
    fn wait<R>(&self, task: Task, answered: mpsc::Receiver<Result<R>>) -> Result<R> {
        if self.tasks.send(task).is_err() {
            return Err(unreachable(
                &self.shown,
                "its connection thread has stopped",
            ));
        }
        match answered.recv_timeout(CALL_CEILING) {
            Ok(result) => result,
            Err(_) => Err(unreachable(
                &self.shown,
                &format!("no answer within {} s", CALL_CEILING.as_secs()),
            )),
        }
    }
}

impl Link {
    fn run<R>(
        &mut self,
        mut work: impl FnMut(&mut Conn<'_>) -> Result<R, postgres::Error>,
    ) -> Result<R> {
        let fresh = self.client.is_none();
        match self.attempt(&mut work)? {
            Ok(value) => Ok(value),
            Err(e) if is_lost(&e) => {
                self.client = None;
                if fresh {
                    return Err(self.failure(&e));
                }
                self.attempt(&mut work)?.map_err(|e| {
                    if is_lost(&e) {
                        self.client = None;
                    }
                    self.failure(&e)
                })
            }
            Err(e) => Err(self.failure(&e)),
        }
    }

    /// `work` once on the connection (made first when there is none).
    fn attempt<R>(
        &mut self,
        work: &mut impl FnMut(&mut Conn<'_>) -> Result<R, postgres::Error>,
    ) -> Result<Result<R, postgres::Error>> {
        self.client()?;
        let Link {
            client, statements, ..
        } = self;
        let client = client.as_mut().expect("connected above");
        Ok(work(&mut Conn { client, statements }))
    }

    /// The connection, made (and the schema brought up to date) when there is none.
    fn client(&mut self) -> Result<&mut Client> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        if self.client.is_none() {
            if let Some((at, why)) = &self.failed {
                if at.elapsed() < RECONNECT_AFTER {
                    return Err(unreachable(&self.shown, why));
                }
            }
            let mut client = match self.config.connect(NoTls) {
                Ok(client) => client,
                Err(e) => {
                    let why = cause(&e);
                    self.failed = Some((Instant::now(), why.clone()));
                    return Err(unreachable(&self.shown, &why));
                }
            };
            self.failed = None;
            self.statements.clear();
            let migrated = schema::migrate(&mut client).map_err(|e| self.failure(&e))?;
            if migrated.from > schema::VERSION {
                return Err(Failure::new(
                    Exit::Config,
                    format!(
                        "the store {} has schema version {}, newer than this mcnotify writes ({})",
                        self.shown,
                        migrated.from,
                        schema::VERSION
                    ),
                )
                .hint("upgrade mcnotify on this host to the version the other hosts run")
                .into());
            }
            self.migrated.get_or_insert(migrated);
            self.client = Some(client);
        }
        Ok(self.client.as_mut().expect("connected above"))
    }

    fn failure(&self, e: &postgres::Error) -> anyhow::Error {
        if is_lost(e) {
            unreachable(&self.shown, &cause(e))
        } else {
            Failure::new(
                Exit::IoErr,
                format!("the store {}: {}", self.shown, cause(e)),
            )
            .into()
        }
    }
}

type Statements = HashMap<&'static str, Statement>;

/// The connection as a call sees it: each statement is prepared once per connection and
/// then only executed (one round trip instead of two).
pub struct Conn<'a> {
    client: &'a mut Client,
    statements: &'a mut Statements,
}

/// A transaction on a `Conn`, with the same prepared statements.
pub struct Tx<'a> {
    tx: Transaction<'a>,
    statements: &'a mut Statements,
}

fn prepared(
    client: &mut impl GenericClient,
    statements: &mut Statements,
    sql: &'static str,
) -> Result<Statement, postgres::Error> {
    if let Some(statement) = statements.get(sql) {
        return Ok(statement.clone());
    }
    let statement = client.prepare(sql)?;
    statements.insert(sql, statement.clone());
    Ok(statement)
}

/// Statement methods that prepare once and then execute, by the driver's method of the
/// same name.
macro_rules! statements {
    ($type:ident; $($method:ident -> $out:ty),*) => {
        impl $type<'_> {
            $(
                pub fn $method(
                    &mut self,
                    sql: &'static str,
                    params: &[&(dyn ToSql + Sync)],
                ) -> Result<$out, postgres::Error> {
                    let (client, statements) = self.split();
                    let statement = prepared(client, statements, sql)?;
                    client.$method(&statement, params)
                }
            )*
        }
    };
}

statements!(Conn; query -> Vec<Row>, query_one -> Row, query_opt -> Option<Row>, execute -> u64);
statements!(Tx; query_opt -> Option<Row>, execute -> u64);

impl Conn<'_> {
    fn split(&mut self) -> (&mut Client, &mut Statements) {
        (self.client, self.statements)
    }

    pub fn transaction(&mut self) -> Result<Tx<'_>, postgres::Error> {
        Ok(Tx {
            tx: self.client.transaction()?,
            statements: self.statements,
        })
    }
}

impl<'a> Tx<'a> {
    fn split(&mut self) -> (&mut Transaction<'a>, &mut Statements) {
        (&mut self.tx, self.statements)
    }

    pub fn commit(self) -> Result<(), postgres::Error> {
        self.tx.commit()
    }
}

/// The connection settings: the URL's, a password from a pgpass file when the URL has
/// none, bounded waits, and a name the server's activity view shows.
fn connect_config(database: &Database) -> Result<postgres::Config> {
    let mut config: postgres::Config = database.url().parse().map_err(|e| {
        Failure::new(
            Exit::Config,
            format!(
                "the store {} is not a connection string: {e}",
                database.shown()
            ),
        )
    })?;
    if config.get_password().is_none() {
        if let Some(password) = pgpass::lookup(&config)? {
            config.password(password);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("mcnotify");
    }
    let timeout = format!("-c statement_timeout={}", STATEMENT_TIMEOUT.as_millis());
    let options = match config.get_options() {
        Some(given) => format!("{given} {timeout}"),
        None => timeout,
    };
    config.options(&options);
    config.keepalives_idle(Duration::from_secs(10));
    config.keepalives_interval(Duration::from_secs(2));
    config.keepalives_retries(3);
    config.tcp_user_timeout(UNACKNOWLEDGED);
    Ok(config)
}

/// Whether an error means the connection is gone or the server cannot serve (down,
/// starting, shutting down, out of connections), rather than a refusal of one statement.
fn is_lost(e: &postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    match e.as_db_error() {
        None => true,
        Some(db) => {
            let code = db.code().code();
            // 08: connection exception; 57P0x: shutting down or starting; 53300: too many
            // connections.
            code.starts_with("08") || code.starts_with("57P0") || code == "53300"
        }
    }
}

/// The cause of a driver error in one line (its source, which names what failed).
fn cause(e: &postgres::Error) -> String {
    match (e.as_db_error(), std::error::Error::source(e)) {
        (Some(db), _) => db.message().to_string(),
        (None, Some(source)) => format!("{e}: {source}"),
        (None, None) => e.to_string(),
    }
}

fn unreachable(shown: &str, why: &str) -> anyhow::Error {
    Failure::new(
        Exit::TempFail,
        format!("the store {shown} is unreachable: {why}"),
    )
    .hint("check that the database is up and reachable, then run again")
    .into()
}
