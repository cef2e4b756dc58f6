//! A top-level JSON value as a record, or a wrapper of records (a Tables page); the
//! Runtime API's pages refused.

use std::collections::VecDeque;

use serde_json::Value;

use super::limits::{too_large, MAX_RECORD_BYTES};

/// A top-level value is a record, or a wrapper: a Tables page (`rows`) whose rows are
/// records. Runtime API message pages are refused: they carry no incident fields.
pub(super) fn unwrap_document(
    value: Value,
    rows: &mut VecDeque<(String, Result<Value, String>)>,
    origin: &str,
) -> Result<Option<Value>, String> {
    let Value::Object(map) = &value else {
        return Err(format!(
            "a record must be a JSON object, not {}",
            json_kind(&value)
        ));
    };
    if map.get("rows").is_some_and(Value::is_array) && !map.contains_key("incident") {
        let Value::Object(mut map) = value else {
            unreachable!()
        };
        let Some(Value::Array(items)) = map.remove("rows") else {
            unreachable!()
        };
        for (i, item) in items.into_iter().enumerate() {
            let record = match item {
                Value::Object(_) => {
                    let size = item.to_string().len();
                    if size > MAX_RECORD_BYTES {
                        Err(too_large())
                    } else {
                        Ok(item)
                    }
                }
                other => Err(format!(
                    "a row must be a JSON object, not {}",
                    json_kind(&other)
                )),
            };
            rows.push_back((format!("{origin}#{}", i + 1), record));
        }
        return Ok(None);
    }
    if map.get("messages").is_some_and(Value::is_array)
        || map.get("conversation").is_some_and(Value::is_object)
    {
        return Err("this is a Botpress Runtime API page (messages or conversation), which holds no incident fields; \
             export the incident envelope or a Tables page instead"
            .into());
    }
    Ok(Some(value))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
