//! `mcnotify store migrate`: create or update a PostgreSQL store's tables.

use anyhow::Result;
use serde::Serialize;

use crate::cli::StoreCommand;
use crate::context::Context;
use crate::exit::Exit;
use crate::store::SCHEMA_VERSION;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Migration<'a> {
    store: &'a str,
    kind: &'static str,
    /// The schema version found (0: no tables yet), and the one it is now.
    from: Option<i32>,
    version: Option<i32>,
}

pub fn run(command: &StoreCommand, ctx: &Context) -> Result<Exit> {
    match command {
        StoreCommand::Migrate => migrate(ctx),
    }
}

fn migrate(ctx: &Context) -> Result<Exit> {
    let printer = ctx.printer;
    let store = ctx.store()?;
    let shown = store.shown();
    let migrated = store.migrate()?;
    if printer.json {
        printer.json_line(&Migration {
            store: &shown,
            kind: if migrated.is_some() {
                "postgres"
            } else {
                "dir"
            },
            from: migrated.map(|m| m.from),
            version: migrated.map(|m| m.to),
        });
        return Ok(Exit::Ok);
    }
    match migrated {
        None => printer.human(&format!(
            "the store is the directory {shown}: it has no schema to migrate"
        )),
        Some(m) if m.from == m.to => printer.human(&format!(
            "the store {shown} is at schema version {} (up to date)",
            m.to
        )),
        Some(m) => printer.human(&format!(
            "the store {shown}: schema version {} → {} (this mcnotify writes {SCHEMA_VERSION})",
            m.from, m.to
        )),
    }
    Ok(Exit::Ok)
}
