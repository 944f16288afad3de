//! The change report between two raw specs, independent of generation.
//!
//! [`diff`] compares two `openapi.json` documents as the server publishes them: operations
//! (by method and path) with their id, parameters (including how they are serialized),
//! request body and responses, and component schemas field by field. It needs neither the
//! normalizer nor progenitor, so it is there exactly when they fail on the new spec.
//! Annotations (`title`, `description`, `example`, …) are not listed; a count of the items
//! whose documentation alone changed is.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::passes::util::{ANNOTATIONS, shape};
use crate::pointer::HTTP_METHODS;

/// What changed between two specs, section by section.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecDiff {
    /// Document-level changes (`openapi`, `info.version`, top-level keys).
    pub document: Vec<String>,
    /// `METHOD /path (operationId)` of each new operation.
    pub operations_added: Vec<String>,
    /// `METHOD /path (operationId)` of each operation that is gone.
    pub operations_removed: Vec<String>,
    /// `METHOD /path` and the list of what changed in it.
    pub operations_changed: Vec<(String, Vec<String>)>,
    /// New component schemas with a one-line summary.
    pub schemas_added: Vec<String>,
    /// Component schemas that are gone.
    pub schemas_removed: Vec<String>,
    /// Component schema name and the list of what changed in it, field by field.
    pub schemas_changed: Vec<(String, Vec<String>)>,
    /// Other components (`parameters`, `responses`, …) added, removed or changed.
    pub other_components: Vec<String>,
    /// Operations and schemas whose documentation alone changed.
    pub docs_only: usize,
}

impl SpecDiff {
    /// Whether nothing but documentation changed.
    pub fn is_empty(&self) -> bool {
        self.document.is_empty()
            && self.operations_added.is_empty()
            && self.operations_removed.is_empty()
            && self.operations_changed.is_empty()
            && self.schemas_added.is_empty()
            && self.schemas_removed.is_empty()
            && self.schemas_changed.is_empty()
            && self.other_components.is_empty()
    }

    /// The report as printed by `cargo xtask update-spec`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut list = |title: &str, lines: &[String]| {
            if !lines.is_empty() {
                let _ = writeln!(out, "{title} ({}):", lines.len());
                for line in lines {
                    let _ = writeln!(out, "  {line}");
                }
            }
        };
        list("Document", &self.document);
        list("Operations added", &self.operations_added);
        list("Operations removed", &self.operations_removed);
        let changed: Vec<String> = self.operations_changed.iter().map(nested).collect();
        list("Operations changed", &changed);
        list("Schemas added", &self.schemas_added);
        list("Schemas removed", &self.schemas_removed);
        let changed: Vec<String> = self.schemas_changed.iter().map(nested).collect();
        list("Schemas changed", &changed);
        list("Other components", &self.other_components);
        if self.is_empty() {
            out.push_str("No change to operations or schemas.\n");
        }
        if self.docs_only > 0 {
            let _ = writeln!(
                out,
                "Documentation only: {} operations or schemas.",
                self.docs_only
            );
        }
        out
    }
}

fn nested((head, items): &(String, Vec<String>)) -> String {
    let mut s = head.clone();
    for item in items {
        let _ = write!(s, "\n    {item}");
    }
    s
}

/// Compares two raw specs (`old` → `new`).
pub fn diff(old: &Value, new: &Value) -> SpecDiff {
    let mut d = SpecDiff::default();
    for key in ["openapi", "jsonSchemaDialect"] {
        if old.get(key) != new.get(key) {
            d.document.push(format!(
                "{key}: {} -> {}",
                brief(old.get(key)),
                brief(new.get(key))
            ));
        }
    }
    let version = |v: &Value| v.pointer("/info/version").cloned();
    if version(old) != version(new) {
        d.document.push(format!(
            "info.version: {} -> {}",
            brief(version(old).as_ref()),
            brief(version(new).as_ref())
        ));
    }
    for key in ["servers", "security", "webhooks"] {
        if old.get(key) != new.get(key) {
            d.document.push(format!("{key} changed"));
        }
    }

    let old_ops = operations(old);
    let new_ops = operations(new);
    for (key, op) in &new_ops {
        if !old_ops.iter().any(|(k, _)| k == key) {
            d.operations_added.push(format!("{key} ({})", op_id(op)));
        }
    }
    for (key, op) in &old_ops {
        let Some((_, new_op)) = new_ops.iter().find(|(k, _)| k == key) else {
            d.operations_removed.push(format!("{key} ({})", op_id(op)));
            continue;
        };
        let changes = operation_changes(op, new_op, old, new);
        if !changes.is_empty() {
            d.operations_changed.push((key.clone(), changes));
        } else if op != new_op {
            d.docs_only += 1;
        }
    }

    let schemas = |spec: &Value| -> Map<String, Value> {
        spec.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_schemas, new_schemas) = (schemas(old), schemas(new));
    for (name, schema) in &new_schemas {
        if !old_schemas.contains_key(name) {
            d.schemas_added.push(format!("{name}: {}", summary(schema)));
        }
    }
    for (name, schema) in &old_schemas {
        let Some(new_schema) = new_schemas.get(name) else {
            d.schemas_removed.push(name.clone());
            continue;
        };
        let mut changes = Vec::new();
        schema_changes("", schema, new_schema, &mut changes);
        if !changes.is_empty() {
            d.schemas_changed.push((name.clone(), changes));
        } else if schema != new_schema {
            d.docs_only += 1;
        }
    }

    let components = |spec: &Value| -> Map<String, Value> {
        spec.get("components")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_components, new_components) = (components(old), components(new));
    let kinds: BTreeSet<&String> = old_components.keys().chain(new_components.keys()).collect();
    for kind in kinds.into_iter().filter(|k| *k != "schemas") {
        let entries = |c: &Map<String, Value>| {
            c.get(kind.as_str())
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (o, n) = (entries(&old_components), entries(&new_components));
        for name in n.keys().filter(|k| !o.contains_key(*k)) {
            d.other_components.push(format!("+{kind}.{name}"));
        }
        for (name, value) in &o {
            match n.get(name) {
                None => d.other_components.push(format!("-{kind}.{name}")),
                Some(v) if shape(v) != shape(value) => {
                    d.other_components.push(format!("{kind}.{name} changed"))
                }
                _ => {}
            }
        }
    }
    d
}

/// `(METHOD /path, operation)` for every operation, with the path item's shared parameters
/// merged into the operation's.
fn operations(spec: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(Value::Object(paths)) = spec.get("paths") else {
        return out;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        let shared = item.get("parameters").and_then(Value::as_array);
        for (method, op) in item {
            if !HTTP_METHODS.contains(&method.as_str()) {
                continue;
            }
            let mut op = op.clone();
            if let (Some(shared), Value::Object(map)) = (shared, &mut op) {
                let own = map
                    .entry("parameters")
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(own) = own {
                    for p in shared {
                        let same = |q: &Value| {
                            q.get("name") == p.get("name") && q.get("in") == p.get("in")
                        };
                        if !own.iter().any(same) {
                            own.push(p.clone());
                        }
                    }
                }
            }
            out.push((format!("{} {path}", method.to_uppercase()), op));
        }
    }
    out
}

fn op_id(op: &Value) -> &str {
    op.get("operationId")
        .and_then(Value::as_str)
        .unwrap_or("no operationId")
}

/// Resolves a parameter, request body or response that is a `$ref` to another component.
fn resolve<'a>(value: &'a Value, spec: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(r) if value.as_object().is_some_and(|m| m.len() == 1) => r
            .strip_prefix('#')
            .and_then(|p| spec.pointer(p))
            .unwrap_or(value),
        _ => value,
    }
}

/// The parameter's identity and how it is sent: `query limit?: integer`, plus every
/// serialization keyword the spec states (`style=form explode=false`).
fn param_line(p: &Value) -> String {
    let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
    let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
    let required = if p.get("required") == Some(&Value::Bool(true)) {
        ""
    } else {
        "?"
    };
    let mut line = format!("{location} {name}{required}: ");
    match (p.get("schema"), p.get("content")) {
        (Some(schema), _) => line.push_str(&summary(schema)),
        (None, Some(Value::Object(content))) => {
            for (media, entry) in content {
                let schema = entry.get("schema").map(summary).unwrap_or_default();
                let _ = write!(line, "content {media} {schema}");
            }
        }
        _ => line.push_str("no schema"),
    }
    for key in SERIALIZATION {
        if let Some(v) = p.get(*key) {
            let _ = write!(line, " {key}={v}");
        }
    }
    line
}

/// The keywords of a parameter that change what goes on the wire.
pub(crate) const SERIALIZATION: &[&str] = &["style", "explode", "allowReserved", "allowEmptyValue"];

fn operation_changes(old: &Value, new: &Value, old_spec: &Value, new_spec: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if old.get("operationId") != new.get("operationId") {
        out.push(format!("operationId {} -> {}", op_id(old), op_id(new)));
    }
    let params = |op: &Value, spec: &Value| -> Vec<(String, Value)> {
        op.get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|p| {
                let p = resolve(p, spec);
                let key = format!(
                    "{} {}",
                    p.get("in").and_then(Value::as_str).unwrap_or("?"),
                    p.get("name").and_then(Value::as_str).unwrap_or("?")
                );
                (key, p.clone())
            })
            .collect()
    };
    let (old_params, new_params) = (params(old, old_spec), params(new, new_spec));
    // Everything of a parameter but its schema, which is compared in depth.
    let outside_schema = |p: &Value| {
        let mut p = shape(p);
        if let Value::Object(map) = &mut p {
            map.remove("schema");
        }
        p
    };
    for (key, p) in &new_params {
        match old_params.iter().find(|(k, _)| k == key) {
            None => out.push(format!("+param {}", param_line(p))),
            Some((_, o)) if outside_schema(o) != outside_schema(p) => {
                out.push(format!("param {} -> {}", param_line(o), param_line(p)))
            }
            Some((_, o)) => {
                let empty = Value::Object(Map::new());
                let schema = |p: &Value| p.get("schema").cloned().unwrap_or(empty.clone());
                schema_changes(&format!("param {key}"), &schema(o), &schema(p), &mut out);
            }
        }
    }
    for (key, p) in &old_params {
        if !new_params.iter().any(|(k, _)| k == key) {
            out.push(format!("-param {}", param_line(p)));
        }
    }
    let body = |op: &Value, spec: &Value| op.get("requestBody").map(|b| resolve(b, spec).clone());
    match (body(old, old_spec), body(new, new_spec)) {
        (None, Some(b)) => out.push(format!("+body {}", content_line(&b))),
        (Some(b), None) => out.push(format!("-body {}", content_line(&b))),
        (Some(o), Some(n)) => {
            if o.get("required") != n.get("required") {
                out.push(format!(
                    "body required: {} -> {}",
                    brief(o.get("required")),
                    brief(n.get("required"))
                ));
            }
            content_changes("body", &o, &n, &mut out);
        }
        (None, None) => {}
    }

    let responses = |op: &Value| {
        op.get("responses")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (old_responses, new_responses) = (responses(old), responses(new));
    for (status, r) in &new_responses {
        if !old_responses.contains_key(status) {
            out.push(format!(
                "+response {status} {}",
                content_line(resolve(r, new_spec))
            ));
        }
    }
    for (status, r) in &old_responses {
        match new_responses.get(status) {
            None => out.push(format!(
                "-response {status} {}",
                content_line(resolve(r, old_spec))
            )),
            Some(n) => content_changes(
                &format!("response {status}"),
                resolve(r, old_spec),
                resolve(n, new_spec),
                &mut out,
            ),
        }
    }
    for key in ["deprecated", "security", "callbacks"] {
        if old.get(key) != new.get(key) {
            out.push(format!(
                "{key}: {} -> {}",
                brief(old.get(key)),
                brief(new.get(key))
            ));
        }
    }
    out
}

/// `application/json User` or `no body`.
fn content_line(holder: &Value) -> String {
    match holder.get("content").and_then(Value::as_object) {
        Some(content) if !content.is_empty() => content
            .iter()
            .map(|(media, e)| match e.get("schema") {
                Some(s) => format!("{media} {}", summary(s)),
                None => media.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        _ => "no body".into(),
    }
}

fn content_changes(at: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    let content = |h: &Value| {
        h.get("content")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let (o, n) = (content(old), content(new));
    for media in n.keys().filter(|m| !o.contains_key(*m)) {
        out.push(format!("{at}: +{media} {}", summary(&n[media]["schema"])));
    }
    for (media, entry) in &o {
        match n.get(media) {
            None => out.push(format!("{at}: -{media}")),
            Some(new_entry) => {
                let empty = Value::Object(Map::new());
                let os = entry.get("schema").unwrap_or(&empty);
                let ns = new_entry.get("schema").unwrap_or(&empty);
                schema_changes(at, os, ns, out);
            }
        }
    }
}

/// Appends what changed from `old` to `new` schema at `at` (`""` for the top of a component),
/// descending into properties, items and unions. Annotations are ignored.
fn schema_changes(at: &str, old: &Value, new: &Value, out: &mut Vec<String>) {
    if shape(old) == shape(new) {
        return;
    }
    let label = |s: &str| {
        if at.is_empty() {
            s.to_string()
        } else if s.is_empty() {
            at.to_string()
        } else {
            format!("{at}.{s}")
        }
    };
    let (Value::Object(o), Value::Object(n)) = (old, new) else {
        out.push(format!(
            "{}: {} -> {}",
            label(""),
            summary(old),
            summary(new)
        ));
        return;
    };
    let props = |m: &Map<String, Value>| m.get("properties").and_then(Value::as_object).cloned();
    let required = |m: &Map<String, Value>| -> BTreeSet<String> {
        m.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let mut handled: Vec<&str> = Vec::new();
    if let (Some(op), Some(np)) = (props(o), props(n)) {
        handled.extend(["properties", "required"]);
        let (or, nr) = (required(o), required(n));
        let req = |r: &BTreeSet<String>, name: &str| {
            if r.contains(name) {
                "required"
            } else {
                "optional"
            }
        };
        for (name, schema) in &np {
            if !op.contains_key(name) {
                out.push(format!(
                    "+{}: {} ({})",
                    label(name),
                    summary(schema),
                    req(&nr, name)
                ));
            }
        }
        for (name, schema) in &op {
            let Some(new_schema) = np.get(name) else {
                out.push(format!("-{}: {}", label(name), summary(schema)));
                continue;
            };
            if or.contains(name) != nr.contains(name) {
                out.push(format!(
                    "{}: {} -> {}",
                    label(name),
                    req(&or, name),
                    req(&nr, name)
                ));
            }
            schema_changes(&label(name), schema, new_schema, out);
        }
        // A `required` entry without a property of that name.
        for name in nr.symmetric_difference(&or) {
            if !op.contains_key(name) && !np.contains_key(name) {
                out.push(format!(
                    "{}: {} -> {}",
                    label(name),
                    req(&or, name),
                    req(&nr, name)
                ));
            }
        }
    }
    if let (Some(Value::Array(oe)), Some(Value::Array(ne))) = (o.get("enum"), n.get("enum")) {
        handled.push("enum");
        let added: Vec<String> = ne
            .iter()
            .filter(|v| !oe.contains(v))
            .map(Value::to_string)
            .collect();
        let removed: Vec<String> = oe
            .iter()
            .filter(|v| !ne.contains(v))
            .map(Value::to_string)
            .collect();
        let mut what = Vec::new();
        if !added.is_empty() {
            what.push(format!("+{}", added.join(" +")));
        }
        if !removed.is_empty() {
            what.push(format!("-{}", removed.join(" -")));
        }
        if what.is_empty() {
            what.push("order".into());
        }
        out.push(format!("{}: enum {}", label(""), what.join(" ")));
    }
    if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
        handled.push("items");
        schema_changes(&format!("{}[]", label("")), oi, ni, out);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let (Some(Value::Array(ob)), Some(Value::Array(nb))) = (o.get(key), n.get(key))
            && ob.len() == nb.len()
        {
            handled.push(key);
            for (i, (a, b)) in ob.iter().zip(nb).enumerate() {
                schema_changes(&format!("{}<{key}[{i}]>", label("")), a, b, out);
            }
        }
    }
    // Whatever else differs at this level, as one line.
    let rest = |m: &Map<String, Value>| -> Map<String, Value> {
        m.iter()
            .filter(|(k, _)| !handled.contains(&k.as_str()) && !ANNOTATIONS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), shape(v)))
            .collect()
    };
    let (orest, nrest) = (rest(o), rest(n));
    if orest != nrest {
        let keys: BTreeSet<&String> = orest
            .keys()
            .chain(nrest.keys())
            .filter(|k| orest.get(*k) != nrest.get(*k))
            .collect();
        let structural = keys.iter().any(|k| {
            [
                "type",
                "$ref",
                "anyOf",
                "oneOf",
                "allOf",
                "items",
                "properties",
                "enum",
                "const",
                "format",
                "nullable",
                "additionalProperties",
            ]
            .contains(&k.as_str())
        });
        if structural {
            out.push(format!(
                "{}: {} -> {}",
                label(""),
                summary(old),
                summary(new)
            ));
        } else {
            let what: Vec<String> = keys
                .iter()
                .map(|k| format!("{k} {} -> {}", brief(orest.get(*k)), brief(nrest.get(*k))))
                .collect();
            out.push(format!("{}: {}", label(""), what.join(", ")));
        }
    }
}

/// One-line JSON of a value (`absent` when missing), cut at 80 characters.
fn brief(value: Option<&Value>) -> String {
    let Some(value) = value else {
        return "absent".into();
    };
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text,
    }
}

/// A schema in one line: `string(date-time)`, `[Run]`, `"a" | "b"`, `{x, y} | null`, `any`.
pub fn summary(schema: &Value) -> String {
    let Value::Object(m) = schema else {
        return schema.to_string();
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(Value::String(r)) = m.get("$ref") {
        parts.push(r.rsplit('/').next().unwrap_or(r).to_string());
    }
    for (key, sep) in [("allOf", " & "), ("anyOf", " | "), ("oneOf", " | ")] {
        if let Some(Value::Array(branches)) = m.get(key) {
            let inner: Vec<String> = branches.iter().map(summary).collect();
            let joined = inner.join(sep);
            parts.push(if key == "oneOf" {
                format!("oneOf({joined})")
            } else if branches.len() > 1 {
                format!("({joined})")
            } else {
                joined
            });
        }
    }
    if let Some(c) = m.get("const") {
        parts.push(format!("const {c}"));
    }
    if let Some(Value::Array(values)) = m.get("enum") {
        let values: Vec<String> = values.iter().map(Value::to_string).collect();
        parts.push(values.join(" | "));
    } else {
        let types: Vec<&str> = match m.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for t in types {
            let one = match t {
                "array" => format!(
                    "[{}]",
                    m.get("items").map(summary).unwrap_or_else(|| "any".into())
                ),
                "object" => match m.get("properties").and_then(Value::as_object) {
                    Some(props) if !props.is_empty() => {
                        let names: Vec<&str> = props.keys().map(String::as_str).take(6).collect();
                        let more = if props.len() > 6 { ", …" } else { "" };
                        format!("{{{}{more}}}", names.join(", "))
                    }
                    _ => match m.get("additionalProperties") {
                        Some(ap @ Value::Object(_)) => format!("map<{}>", summary(ap)),
                        _ => "object".into(),
                    },
                },
                "null" => "null".into(),
                other => match m.get("format").and_then(Value::as_str) {
                    Some(f) => format!("{other}({f})"),
                    None => other.to_string(),
                },
            };
            parts.push(one);
        }
    }
    if parts.is_empty() && m.contains_key("properties") {
        let names: Vec<&str> = m["properties"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.keys().map(String::as_str))
            .collect();
        parts.push(format!("{{{}}}", names.join(", ")));
    }
    let mut s = if parts.is_empty() {
        "any".to_string()
    } else {
        parts.join(" | ")
    };
    if m.get("nullable") == Some(&Value::Bool(true)) {
        s.push_str(" | null");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries() {
        assert_eq!(
            summary(&json!({"type": "string", "format": "uuid"})),
            "string(uuid)"
        );
        assert_eq!(
            summary(&json!({"type": ["string", "null"]})),
            "string | null"
        );
        assert_eq!(
            summary(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Run"}})),
            "[Run]"
        );
        assert_eq!(
            summary(&json!({"anyOf": [{"type": "integer"}, {"type": "null"}]})),
            "(integer | null)"
        );
        assert_eq!(summary(&json!({"enum": ["a", "b"]})), "\"a\" | \"b\"");
        assert_eq!(summary(&json!({})), "any");
    }

    #[test]
    fn field_level_schema_changes() {
        let old = json!({"type": "object", "required": ["a", "b"], "properties": {
            "a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "string", "enum": ["x", "y"]},
            "gone": {"type": "boolean"}
        }});
        let new = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "integer", "description": "now a number"}, "b": {"type": "integer"},
            "c": {"type": "string", "enum": ["x", "z"]}, "new": {"type": "string"}
        }});
        let mut out = Vec::new();
        schema_changes("", &old, &new, &mut out);
        assert_eq!(
            out,
            [
                "+new: string (optional)",
                "a: string -> integer",
                "b: required -> optional",
                "c: enum +\"z\" -\"y\"",
                "-gone: boolean",
            ]
        );
    }

    #[test]
    fn documentation_alone_is_counted_not_listed() {
        let old = json!({"paths": {"/a": {"get": {"description": "old", "responses": {}}}},
            "components": {"schemas": {"S": {"type": "string", "description": "old"}}}});
        let new = json!({"paths": {"/a": {"get": {"description": "new", "responses": {}}}},
            "components": {"schemas": {"S": {"type": "string", "description": "new"}}}});
        let d = diff(&old, &new);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(d.docs_only, 2);
    }

    #[test]
    fn parameter_serialization_shows() {
        let op = |explode: Option<bool>| {
            let mut p = json!({"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}});
            if let Some(e) = explode {
                p["explode"] = json!(e);
            }
            json!({"paths": {"/a": {"get": {"operationId": "a", "parameters": [p], "responses": {}}}}})
        };
        let d = diff(&op(None), &op(Some(false)));
        let mut narrower = op(None);
        narrower["paths"]["/a"]["get"]["parameters"][0]["schema"]["items"]["enum"] = json!(["x"]);
        let mut wider = narrower.clone();
        wider["paths"]["/a"]["get"]["parameters"][0]["schema"]["items"]["enum"] = json!(["x", "y"]);
        assert_eq!(
            diff(&narrower, &wider).operations_changed[0].1,
            ["param query ids[]: enum +\"y\""]
        );
        assert_eq!(
            d.operations_changed,
            [(
                "GET /a".to_string(),
                vec![
                    "param query ids?: [string] -> query ids?: [string] explode=false".to_string()
                ]
            )]
        );
    }
}
