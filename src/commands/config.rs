//! `mcnotify config show`: the effective settings, each with where it came from.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};
use serde_json::{json, Map, Value};

use crate::cli::Cli;
use crate::config::{searched_paths, ConfigKind, KeySource, Origin, StoreSetting};
use crate::context::Context;
use crate::exit::Exit;
use crate::field::Field;

/// The ids of the arguments given on the command line (not by their environment
/// variable), read again from argv because the parsed flags no longer tell.
pub fn given_on_command_line() -> BTreeSet<String> {
    let Ok(matches) = Cli::command().try_get_matches_from(std::env::args_os()) else {
        return BTreeSet::new();
    };
    let mut given = BTreeSet::new();
    let mut at: Option<&ArgMatches> = Some(&matches);
    while let Some(m) = at {
        for id in m.ids() {
            if m.value_source(id.as_str()) == Some(ValueSource::CommandLine) {
                given.insert(id.as_str().to_string());
            }
        }
        at = m.subcommand().map(|(_, sub)| sub);
    }
    given
}

/// One line of the report: the setting, its value, and its origin as text and as the
/// fields of its `--json` entry.
#[derive(Debug)]
struct Row {
    name: &'static str,
    value: Value,
    source: String,
    origin: Map<String, Value>,
}

fn origin_fields(origin: &Origin) -> Map<String, Value> {
    let value = match origin {
        Origin::Flag(flag) => json!({"kind": "flag", "flag": flag}),
        Origin::Env(var) => json!({"kind": "env", "env": var}),
        Origin::Config {
            path,
            line,
            profile,
        } => json!({"kind": "config", "file": path.display().to_string(), "line": line,
                    "profile": profile}),
        Origin::Default => json!({"kind": "default"}),
    };
    match value {
        Value::Object(map) => map,
        _ => unreachable!("an object"),
    }
}

pub fn show(ctx: &Context) -> Result<Exit> {
    let (settings, printer) = (&ctx.settings, ctx.printer);
    let origin = |name: &str| {
        settings
            .origins
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| o.clone())
            .unwrap_or(Origin::Default)
    };
    let text = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
    let path = |v: &Option<std::path::PathBuf>| {
        v.as_ref()
            .map_or(Value::Null, |p| Value::String(p.display().to_string()))
    };
    let email = &settings.email;
    let mut rows: Vec<Row> = Vec::new();
    let mut push = |name: &'static str, value: Value, origin: Origin| {
        rows.push(Row {
            name,
            value,
            source: origin.to_string(),
            origin: origin_fields(&origin),
        });
    };

    push("profile", text(&settings.profile), origin("profile"));
    push(
        "base_url",
        Value::String(settings.base_url.clone()),
        origin("base_url"),
    );
    push("tenant_id", text(&settings.tenant_id), origin("tenant_id"));
    push(
        "timeout",
        json!(settings.timeout.as_secs_f64()),
        origin("timeout"),
    );
    push("retries", json!(settings.retries), origin("retries"));
    push(
        "retry_max_time",
        json!(settings.retry_max_time.as_secs_f64()),
        origin("retry_max_time"),
    );
    push("to", text(&email.to), origin("to"));
    push("from_email", text(&email.from_email), origin("from_email"));
    push("from_name", text(&email.from_name), origin("from_name"));
    push("reply_to", text(&email.reply_to), origin("reply_to"));
    push("tags", json!(email.tags), origin("tags"));
    push(
        "source",
        Value::String(email.source.clone()),
        origin("source"),
    );
    push(
        "locale",
        Value::String(email.locale.clone().unwrap_or_else(|| "en".into())),
        origin("locale"),
    );
    push("subject", text(&email.subject), origin("subject"));
    push(
        "template_dir",
        path(&email.template_dir),
        origin("template_dir"),
    );
    push(
        "template_version_id",
        text(&email.template_version_id),
        origin("template_version_id"),
    );
    let key_origin = origin("idempotency_key");
    push(
        "idempotency_key",
        match (&email.idempotency_key, &email.idempotency_pattern) {
            (Some(key), _) => Value::String(key.clone()),
            (None, Some(pattern)) => Value::String(pattern.clone()),
            (None, None) => Value::String("botpress-{conversationId}-incident".into()),
        },
        key_origin,
    );

    // The key: redacted, never itself; its source as the loader names it.
    let mut key_warnings = Vec::new();
    match settings.api_key() {
        Ok((key, source, warnings)) => {
            key_warnings = warnings;
            let origin = match &source {
                KeySource::ConfigFile(_) => Some(origin("api_key_file")),
                KeySource::Config(_) => Some(origin("api_key")),
                _ => None,
            };
            let mut fields = Map::new();
            let source_text = match &origin {
                Some(o) => {
                    fields = origin_fields(o);
                    format!("{source} ({o})")
                }
                None => source.to_string(),
            };
            fields.insert("key".into(), Value::String(source.to_string()));
            if origin.is_none() {
                let kind = match source {
                    KeySource::Flag(_) => "flag",
                    _ => "env",
                };
                fields.insert("kind".into(), Value::String(kind.into()));
            }
            rows.push(Row {
                name: "api_key",
                value: Value::String(key.redacted()),
                source: source_text,
                origin: fields,
            });
        }
        Err(e) => {
            let mut fields = Map::new();
            fields.insert("kind".into(), Value::String("none".into()));
            fields.insert("error".into(), Value::String(format!("{e:#}")));
            rows.push(Row {
                name: "api_key",
                value: Value::Null,
                source: format!("none: {e:#}"),
                origin: fields,
            });
        }
    }

    let state = state_dir(&settings.state_dir);
    let state_origin = origin("state_dir");
    rows.push(Row {
        name: "state_dir",
        value: Value::String(settings.state_dir.display().to_string()),
        source: state_origin.to_string(),
        origin: {
            let mut fields = origin_fields(&state_origin);
            fields.insert("permissions".into(), state.clone());
            fields
        },
    });

    let store_origin = origin("store");
    let store = match &settings.store {
        StoreSetting::Dir(_) => "dir".to_string(),
        StoreSetting::Postgres(db) => db.shown().to_string(),
    };
    rows.push(Row {
        name: "store",
        value: Value::String(store),
        source: store_origin.to_string(),
        origin: origin_fields(&store_origin),
    });

    for w in key_warnings.iter().chain(&settings.warnings) {
        printer.warn(w);
    }

    let searched: Vec<String> = searched_paths()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let config = json!({
        "path": settings.config_path.as_ref().map(|p| p.display().to_string()),
        "kind": settings.config_kind.map(kind_name),
        "searched": searched,
    });

    // The fields the config maps: their paths in the order they are tried, and the line.
    let mut fields = Map::new();
    let mut field_lines = Vec::new();
    for (name, origin) in &settings.field_origins {
        let Some(field) = Field::from_config_name(name) else {
            continue;
        };
        let paths = settings.fields.paths(field);
        field_lines.push(format!(
            "{:<20} {}  {origin}",
            format!("fields.{name}"),
            paths.join(", ")
        ));
        let mut entry = origin_fields(origin);
        entry.insert("paths".into(), json!(paths));
        entry.insert("source".into(), Value::String(origin.to_string()));
        fields.insert(name.to_string(), Value::Object(entry));
    }

    if printer.json {
        let settings_json: Map<String, Value> = rows
            .iter()
            .map(|r| {
                let mut entry = r.origin.clone();
                entry.insert("value".into(), r.value.clone());
                entry.insert("source".into(), Value::String(r.source.clone()));
                (r.name.to_string(), Value::Object(entry))
            })
            .collect();
        printer.json_line(&json!({
            "configFile": config,
            "settings": settings_json,
            "fields": fields,
        }));
        return Ok(Exit::Ok);
    }

    let config_line = match (&settings.config_path, settings.config_kind) {
        (Some(p), Some(kind)) => format!("{} ({})", p.display(), kind_text(kind)),
        _ => format!("none (looked for {})", searched.join(", ")),
    };
    printer.out(&format!("{:<20} {config_line}", "config file"));
    let width = rows
        .iter()
        .map(|r| shown(&r.value).chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for row in &rows {
        let mut source = row.source.clone();
        if row.name == "state_dir" {
            source.push_str(&format!("; {}", permissions_text(&state)));
        }
        printer.out(&format!(
            "{:<20} {:<width$}  {source}",
            row.name,
            shown(&row.value)
        ));
    }
    for line in &field_lines {
        printer.out(line);
    }
    Ok(Exit::Ok)
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(shown).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

fn kind_name(kind: ConfigKind) -> &'static str {
    match kind {
        ConfigKind::Flag => "flag",
        ConfigKind::Env => "env",
        ConfigKind::User => "user",
        ConfigKind::System => "system",
    }
}

fn kind_text(kind: ConfigKind) -> &'static str {
    match kind {
        ConfigKind::Flag => "from --config",
        ConfigKind::Env => "from MCNOTIFY_CONFIG",
        ConfigKind::User => "the user's config",
        ConfigKind::System => "the system-wide config",
    }
}

/// The state directory as it is on disk: whether it exists, its mode and owner.
fn state_dir(dir: &Path) -> Value {
    match std::fs::metadata(dir) {
        Ok(meta) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::{MetadataExt, PermissionsExt};
                let mode = meta.permissions().mode() & 0o777;
                json!({"exists": true, "mode": format!("{mode:o}"), "uid": meta.uid(),
                       "gid": meta.gid(), "private": mode & 0o077 == 0})
            }
            #[cfg(not(unix))]
            {
                let _ = meta;
                json!({"exists": true})
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => json!({"exists": false}),
        Err(e) => json!({"exists": null, "error": e.to_string()}),
    }
}

fn permissions_text(state: &Value) -> String {
    match state.get("exists") {
        Some(Value::Bool(false)) => {
            "does not exist yet (created with mode 700 when first needed)".into()
        }
        Some(Value::Bool(true)) => match (state.get("mode"), state.get("uid")) {
            (Some(Value::String(mode)), Some(uid)) => {
                let private = state.get("private") == Some(&Value::Bool(true));
                format!(
                    "mode {mode}, owner uid {uid}{}",
                    if private {
                        ""
                    } else {
                        ", open to group or others"
                    }
                )
            }
            _ => "exists".into(),
        },
        _ => format!(
            "cannot be read: {}",
            state.get("error").and_then(Value::as_str).unwrap_or("?")
        ),
    }
}
