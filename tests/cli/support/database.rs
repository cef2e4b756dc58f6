//! A fresh PostgreSQL database for each test that runs on the PostgreSQL store, on the
//! server `MCNOTIFY_TEST_POSTGRES` names (an admin URL; `.ci/postgres` starts one). Without
//! it such tests are skipped with a message, except under CI, where they fail.

use postgres::{Client, NoTls};
use serde_json::Value;

/// The admin URL of the test server, or `None` (after saying so) when there is none.
pub fn server() -> Option<String> {
    match std::env::var("MCNOTIFY_TEST_POSTGRES") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set MCNOTIFY_TEST_POSTGRES (.ci/run starts a server with .ci/postgres)"
            );
            eprintln!("skipped: MCNOTIFY_TEST_POSTGRES is not set (see .ci/postgres)");
            None
        }
    }
}

/// One database of the test server, dropped with this.
pub struct TestDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl TestDatabase {
    /// A new empty database, or `None` when there is no test server.
    pub fn fresh() -> Option<TestDatabase> {
        let admin = server()?;
        let name = format!("mcnotify_t{:016x}", fastrand::u64(..));
        let mut client = Client::connect(&admin, NoTls).expect("the test server answers");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        let mut url = url::Url::parse(&admin).expect("MCNOTIFY_TEST_POSTGRES is a URL");
        url.set_path(&format!("/{name}"));
        Some(TestDatabase {
            admin,
            name,
            url: url.to_string(),
        })
    }

    /// A connection to it.
    pub fn client(&self) -> Client {
        Client::connect(&self.url, NoTls).expect("connect to the test database")
    }

    /// The entries of a folder (`pending`, `failed`), by id, as `outbox show --json` has them.
    pub fn entries(&self, folder: &str) -> Vec<Value> {
        self.json_rows(
            "mcnotify_entries",
            "SELECT entry FROM mcnotify_entries WHERE folder = $1 ORDER BY id",
            &[&folder],
        )
    }

    /// The journal's lines, oldest first.
    pub fn journal(&self) -> Vec<Value> {
        self.json_rows(
            "mcnotify_journal",
            "SELECT line FROM mcnotify_journal ORDER BY seq",
            &[],
        )
    }

    /// The JSON text of column 0 of `sql`'s rows; none before `table` exists.
    fn json_rows(
        &self,
        table: &str,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Vec<Value> {
        let mut client = self.client();
        let exists: bool = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
            .unwrap()
            .get(0);
        if !exists {
            return Vec::new();
        }
        client
            .query(sql, params)
            .unwrap()
            .iter()
            .map(|row| serde_json::from_str(row.get::<_, &str>(0)).unwrap())
            .collect()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = Client::connect(&self.admin, NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}
