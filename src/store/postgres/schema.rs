//! The store's tables in PostgreSQL, versioned: each migration runs once, in order, under
//! an advisory lock so that replicas starting together do not race.

use postgres::Client;

/// The schema version this build writes and reads.
pub const VERSION: i32 = 1;

/// Migration `n` brings the schema from version `n` to `n + 1`.
const MIGRATIONS: [&str; VERSION as usize] = [r#"
CREATE TABLE mcnotify_entries (
    folder text NOT NULL CHECK (folder IN ('pending', 'failed')),
    id text NOT NULL,
    idempotency_key text NOT NULL,
    created_at text NOT NULL,
    entry text NOT NULL,
    claimed_by text,
    claimed_until timestamptz,
    PRIMARY KEY (folder, id)
);
CREATE INDEX mcnotify_entries_order ON mcnotify_entries (folder, created_at, id);
CREATE TABLE mcnotify_journal (
    seq bigserial PRIMARY KEY,
    request text NOT NULL,
    base_url text NOT NULL,
    tenant_id text,
    idempotency_key text,
    outcome text NOT NULL,
    has_quota boolean NOT NULL,
    email_id text,
    conversation_id text,
    event_id text UNIQUE,
    line text NOT NULL
);
CREATE INDEX mcnotify_journal_key ON mcnotify_journal (idempotency_key);
CREATE INDEX mcnotify_journal_email ON mcnotify_journal (email_id);
CREATE INDEX mcnotify_journal_conversation ON mcnotify_journal (conversation_id);
CREATE INDEX mcnotify_journal_sends ON mcnotify_journal (base_url, request, seq);
CREATE TABLE mcnotify_sent (
    key text PRIMARY KEY,
    body text NOT NULL,
    kept_at timestamptz NOT NULL DEFAULT now()
);
"#];

/// The advisory lock migrations hold (an arbitrary constant of this program).
const LOCK: i64 = 0x6d63_6e6f_7469_6679;

/// What `migrate` found and did.
#[derive(Debug, Clone, Copy)]
pub struct Migrated {
    pub from: i32,
    pub to: i32,
}

/// Bring the schema up to `VERSION`; a database whose schema is newer is refused (an
/// older build must not write tables it does not know).
pub fn migrate(client: &mut Client) -> Result<Migrated, postgres::Error> {
    let current = version(client)?;
    if current == Some(VERSION) {
        return Ok(Migrated {
            from: VERSION,
            to: VERSION,
        });
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS mcnotify_schema (
            version integer NOT NULL,
            migrated_at timestamptz NOT NULL DEFAULT now()
        )",
    )?;
    let from: i32 = tx
        .query_one("SELECT coalesce(max(version), 0) FROM mcnotify_schema", &[])?
        .get(0);
    for (n, migration) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        tx.batch_execute(migration)?;
        tx.execute(
            "INSERT INTO mcnotify_schema (version) VALUES ($1)",
            &[&(n as i32 + 1)],
        )?;
    }
    tx.commit()?;
    Ok(Migrated {
        from,
        to: from.max(VERSION),
    })
}

/// The schema's version; `None` before the first migration.
pub fn version(client: &mut Client) -> Result<Option<i32>, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('mcnotify_schema') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(None);
    }
    Ok(client
        .query_one("SELECT max(version) FROM mcnotify_schema", &[])?
        .get(0))
}
