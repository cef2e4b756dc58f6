//! Maps one input record (a JSON value) onto incident fields with RFC 6901 JSON Pointers.

use std::sync::Arc;

use serde_json::Value;

use crate::field::Field;

/// Keys that carry no incident information and are not shown as extra fields.
const IGNORED_KEYS: [&str; 4] = ["schema", "computed", "stale", "similarity"];

#[derive(Debug, Clone)]
struct Rule {
    field: Field,
    paths: Vec<Path>,
    default: Option<String>,
}

/// A path as written, parsed once into an RFC 6901 pointer and its unescaped tokens.
#[derive(Debug, Clone)]
struct Path {
    written: String,
    pointer: String,
    tokens: Vec<String>,
}

impl Path {
    fn new(written: &str) -> Path {
        let pointer = as_pointer(written);
        let tokens = pointer
            .split('/')
            .skip(1)
            .map(|t| match t.contains('~') {
                true => t.replace("~1", "/").replace("~0", "~"),
                false => t.to_string(),
            })
            .collect();
        Path {
            written: written.to_string(),
            pointer,
            tokens,
        }
    }

    /// The value at this path, as `Value::pointer` finds it.
    fn find<'v>(&self, record: &'v Value) -> Option<&'v Value> {
        self.tokens.iter().try_fold(record, |at, token| match at {
            Value::Object(map) => map.get(token),
            Value::Array(items) => array_index(token).and_then(|i| items.get(i)),
            _ => None,
        })
    }
}

/// An array index as RFC 6901 writes it: digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// The field mapping: for each field, candidate paths (first non-empty wins) and a default.
/// Its rules are shared by its clones (one a pipeline or a bridge request), never copied.
#[derive(Debug, Clone)]
pub struct FieldMap {
    rules: Arc<Vec<Rule>>,
}

impl Default for FieldMap {
    fn default() -> FieldMap {
        FieldMap {
            rules: Field::ALL
                .into_iter()
                .map(|field| Rule {
                    field,
                    paths: field.default_paths().iter().map(|p| Path::new(p)).collect(),
                    default: None,
                })
                .collect::<Vec<Rule>>()
                .into(),
        }
    }
}

/// The values one record gave, before flags and validation.
#[derive(Debug, Default, Clone)]
pub struct Mapped {
    pub values: Vec<(Field, String)>,
    /// Keys that map to no field, in document order, shown in the email.
    pub extra: Vec<(String, String)>,
}

impl Mapped {
    #[cfg(test)]
    pub fn get(&self, field: Field) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, v)| v.as_str())
    }
}

impl FieldMap {
    /// Set the paths (and default) of one field, as the config's `[fields]` does: the
    /// given paths are tried first, then the built-in ones unless `default_paths` is
    /// false, then the default value.
    pub fn set(
        &mut self,
        field: Field,
        paths: Vec<String>,
        default: Option<String>,
        default_paths: bool,
    ) {
        let rule = Arc::make_mut(&mut self.rules)
            .iter_mut()
            .find(|r| r.field == field)
            .expect("every field has a rule");
        let mut all: Vec<Path> = paths.iter().map(|p| Path::new(p)).collect();
        if default_paths {
            for p in field.default_paths() {
                let p = Path::new(p);
                if !all.iter().any(|q| q.pointer == p.pointer) {
                    all.push(p);
                }
            }
        }
        rule.paths = all;
        rule.default = default;
    }

    /// The paths of one field in the order they are tried, as written.
    pub fn paths(&self, field: Field) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| r.field == field)
            .flat_map(|r| r.paths.iter().map(|p| p.written.as_str()))
            .collect()
    }

    /// Pick the fields out of one record. Errors name the field and the path.
    pub fn apply(&self, record: &Value) -> Result<Mapped, String> {
        let Value::Object(_) = record else {
            return Err(format!(
                "a record must be a JSON object, not {}",
                kind_of(record)
            ));
        };
        let mut mapped = Mapped::default();
        let mut consumed: Vec<&str> = Vec::new();
        for rule in self.rules.iter() {
            let mut found = None;
            for path in &rule.paths {
                let Some(value) = path.find(record) else {
                    continue;
                };
                consumed.push(&path.pointer);
                let text = scalar_text(value, rule.field.accepts_number()).map_err(|kind| {
                    format!(
                        "field {} ({}) must be text, not {kind}",
                        rule.field.config_name(),
                        path.written
                    )
                })?;
                if let Some(text) = text {
                    found = Some(text);
                    break;
                }
            }
            if let Some(value) = found.or_else(|| rule.default.clone()) {
                mapped.values.push((rule.field, value));
            }
        }
        collect_extra(record, "", &consumed, &mut mapped.extra);
        Ok(mapped)
    }
}

/// A path is a JSON Pointer when it starts with `/`; otherwise it names a top-level key
/// (a CSV header).
fn as_pointer(path: &str) -> String {
    if path.starts_with('/') || path.is_empty() {
        path.to_string()
    } else {
        format!("/{}", path.replace('~', "~0").replace('/', "~1"))
    }
}

/// The text of a scalar; `None` for null or blank. `Err` names the wrong kind.
fn scalar_text(value: &Value, number_ok: bool) -> Result<Option<String>, &'static str> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.trim().to_string())),
        Value::Number(n) if number_ok => Ok(Some(n.to_string())),
        other => Err(kind_of(other)),
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Keys no rule consumed become extra fields: top-level keys and the keys of objects
/// one level down (the envelope's `incident`); anything deeper is shown as JSON.
fn collect_extra(value: &Value, prefix: &str, consumed: &[&str], out: &mut Vec<(String, String)>) {
    let Value::Object(map) = value else { return };
    for (key, child) in map {
        if prefix.is_empty() && IGNORED_KEYS.contains(&key.as_str()) {
            continue;
        }
        let pointer = if key.contains(['~', '/']) {
            format!("{prefix}/{}", key.replace('~', "~0").replace('/', "~1"))
        } else {
            format!("{prefix}/{key}")
        };
        if consumed.contains(&pointer.as_str()) {
            continue;
        }
        match child {
            Value::Null => {}
            Value::String(s) if s.trim().is_empty() => {}
            Value::String(s) => out.push((key.clone(), s.clone())),
            Value::Object(inner) if prefix.is_empty() => {
                if !inner.is_empty() {
                    collect_extra(child, &pointer, consumed, out);
                }
            }
            Value::Array(items) if items.is_empty() => {}
            Value::Object(inner) if inner.is_empty() => {}
            other => out.push((key.clone(), other.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_find_what_json_pointers_find() {
        let doc = json!({
            "a": {"b/c": [10, {"~d": "x"}], "": "empty key"},
            "0": "zero",
            "list": ["first", "second"],
        });
        let paths = [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1/~0d",
            "/a/",
            "/0",
            "/list/1",
            "/list/01",
            "/list/+1",
            "/list/2",
            "/missing",
            "/a/b~1c/x",
            "0",
            "list",
            "a",
        ];
        for written in paths {
            let path = Path::new(written);
            assert_eq!(
                path.find(&doc),
                doc.pointer(&as_pointer(written)),
                "{written:?}"
            );
        }
    }

    #[test]
    fn envelope_and_flat_records_map_to_the_same_fields() {
        let envelope = json!({
            "schema": "botpress-incident/v1",
            "conversationId": "conv_1",
            "incident": {"machineCode": "5859", "incidentType": "hardware",
                         "description": "broken", "contactEmail": "a@example.com"},
            "transcript": "User: hi"
        });
        let flat = json!({"code": 5859, "type": "hardware", "description": "broken",
                          "email": "a@example.com", "conversationId": "conv_1", "transcript": "User: hi"});
        for record in [envelope, flat] {
            let m = FieldMap::default().apply(&record).unwrap();
            assert_eq!(m.get(Field::Code), Some("5859"));
            assert_eq!(m.get(Field::Type), Some("hardware"));
            assert_eq!(m.get(Field::ContactEmail), Some("a@example.com"));
            assert_eq!(m.get(Field::ConversationId), Some("conv_1"));
            assert_eq!(
                m.extra,
                vec![("transcript".to_string(), "User: hi".to_string())]
            );
        }
    }

    #[test]
    fn first_non_empty_path_wins_and_defaults_fill_gaps() {
        let mut map = FieldMap::default();
        map.set(
            Field::Code,
            vec!["/a".into(), "/b".into(), "Machine code".into()],
            None,
            false,
        );
        map.set(
            Field::Type,
            vec!["/kind".into()],
            Some("unspecified".into()),
            false,
        );
        let m = map
            .apply(&json!({"a": "", "b": null, "Machine code": "77"}))
            .unwrap();
        assert_eq!(m.get(Field::Code), Some("77"));
        assert_eq!(m.get(Field::Type), Some("unspecified"));
    }

    #[test]
    fn configured_paths_come_first_then_the_built_in_ones_unless_opted_out() {
        let guide = json!({"incident": {"machineCode": "5859", "incidentType": "hardware"},
                           "ticket": {"machine": "77"}});
        let mut map = FieldMap::default();
        map.set(Field::Code, vec!["/nowhere".into()], None, true);
        map.set(
            Field::Type,
            vec!["/kind".into()],
            Some("unspecified".into()),
            true,
        );
        let m = map.apply(&guide).unwrap();
        assert_eq!(m.get(Field::Code), Some("5859"));
        assert_eq!(m.get(Field::Type), Some("hardware"));
        assert!(
            m.extra.iter().all(|(k, _)| k != "machineCode"),
            "{:?}",
            m.extra
        );
        map.set(Field::Code, vec!["/ticket/machine".into()], None, true);
        assert_eq!(map.apply(&guide).unwrap().get(Field::Code), Some("77"));
        assert_eq!(
            map.paths(Field::Code)[..2],
            ["/ticket/machine", "/incident/machineCode"]
        );

        map.set(Field::Code, vec!["/nowhere".into()], None, false);
        map.set(
            Field::Type,
            vec!["/kind".into()],
            Some("unspecified".into()),
            false,
        );
        let m = map.apply(&guide).unwrap();
        assert_eq!(m.get(Field::Code), None);
        assert_eq!(m.get(Field::Type), Some("unspecified"));
        assert_eq!(map.paths(Field::Code), ["/nowhere"]);
    }

    #[test]
    fn wrong_types_are_named() {
        let err = FieldMap::default()
            .apply(&json!({"description": ["a"]}))
            .unwrap_err();
        assert_eq!(
            err,
            "field description (/description) must be text, not an array"
        );
        let err = FieldMap::default()
            .apply(&json!({"description": 5}))
            .unwrap_err();
        assert!(err.contains("not a number"), "{err}");
        assert!(FieldMap::default().apply(&json!([1])).is_err());
    }
}
