//! JSON pointers and a walker over every schema object of an OpenAPI document.

use serde_json::{Map, Value};

use crate::Error;

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends `token` to `pointer`.
pub(crate) fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The unescaped reference tokens of a pointer.
pub(crate) fn tokens(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// Keywords under which a schema holds one sub-schema.
const SINGLE: &[&str] = &["items", "additionalProperties", "not"];
/// Keywords under which a schema holds a list of sub-schemas.
const LIST: &[&str] = &["anyOf", "oneOf", "allOf"];

/// A visitor of schema objects: gets the pointer and the schema, may rewrite it.
pub(crate) type Visit<'a> = dyn FnMut(&str, &mut Map<String, Value>) -> Result<(), Error> + 'a;

/// Calls `f` on every schema object of the document, parents before children, with its
/// pointer. Children are visited after `f` returns, so a rewrite is seen by the walk.
pub(crate) fn for_each_schema(spec: &mut Value, f: &mut Visit<'_>) -> Result<(), Error> {
    for (pointer, schema) in schema_roots(spec) {
        walk(&pointer, schema, f)?;
    }
    Ok(())
}

fn walk(pointer: &str, schema: &mut Value, f: &mut Visit<'_>) -> Result<(), Error> {
    let Value::Object(map) = schema else {
        return Ok(());
    };
    f(pointer, map)?;
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        let base = join(pointer, "properties");
        for (name, sub) in props.iter_mut() {
            walk(&join(&base, name), sub, f)?;
        }
    }
    for key in SINGLE {
        if let Some(sub @ Value::Object(_)) = map.get_mut(*key) {
            walk(&join(pointer, key), sub, f)?;
        }
    }
    for key in LIST {
        if let Some(Value::Array(items)) = map.get_mut(*key) {
            let base = join(pointer, key);
            for (i, sub) in items.iter_mut().enumerate() {
                walk(&join(&base, &i.to_string()), sub, f)?;
            }
        }
    }
    Ok(())
}

/// The top-level schemas of the document: components, parameters, request and response bodies.
fn schema_roots(spec: &mut Value) -> Vec<(String, &mut Value)> {
    let mut roots = Vec::new();
    let Value::Object(doc) = spec else {
        return roots;
    };
    for (key, value) in doc.iter_mut() {
        match (key.as_str(), value) {
            ("components", Value::Object(components)) => {
                for (kind, entries) in components.iter_mut() {
                    let Value::Object(entries) = entries else {
                        continue;
                    };
                    let base = join("/components", kind);
                    for (name, entry) in entries.iter_mut() {
                        let at = join(&base, name);
                        match kind.as_str() {
                            "schemas" => roots.push((at, entry)),
                            "parameters" => parameter_schema(at, entry, &mut roots),
                            "responses" | "requestBodies" => content_schemas(at, entry, &mut roots),
                            _ => {}
                        }
                    }
                }
            }
            ("paths", Value::Object(paths)) => {
                for (path, item) in paths.iter_mut() {
                    let Value::Object(item) = item else { continue };
                    let path_at = join("/paths", path);
                    for (method, op) in item.iter_mut() {
                        let op_at = join(&path_at, method);
                        if method == "parameters" {
                            if let Value::Array(params) = op {
                                for (i, p) in params.iter_mut().enumerate() {
                                    parameter_schema(join(&op_at, &i.to_string()), p, &mut roots);
                                }
                            }
                            continue;
                        }
                        let Value::Object(op) = op else { continue };
                        for (field, value) in op.iter_mut() {
                            let at = join(&op_at, field);
                            match (field.as_str(), value) {
                                ("parameters", Value::Array(params)) => {
                                    for (i, p) in params.iter_mut().enumerate() {
                                        parameter_schema(join(&at, &i.to_string()), p, &mut roots);
                                    }
                                }
                                ("requestBody", body) => content_schemas(at, body, &mut roots),
                                ("responses", Value::Object(responses)) => {
                                    for (status, response) in responses.iter_mut() {
                                        content_schemas(join(&at, status), response, &mut roots);
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    roots
}

fn parameter_schema<'a>(
    at: String,
    param: &'a mut Value,
    roots: &mut Vec<(String, &'a mut Value)>,
) {
    if let Some(schema) = param.get_mut("schema") {
        roots.push((join(&at, "schema"), schema));
    }
}

fn content_schemas<'a>(
    at: String,
    holder: &'a mut Value,
    roots: &mut Vec<(String, &'a mut Value)>,
) {
    let Some(Value::Object(content)) = holder.get_mut("content") else {
        return;
    };
    let content_at = join(&at, "content");
    for (media, entry) in content.iter_mut() {
        if let Some(schema) = entry.get_mut("schema") {
            roots.push((join(&join(&content_at, media), "schema"), schema));
        }
    }
}

/// Every operation of the document as `(pointer, path, method, operation)`.
pub(crate) fn operations(
    spec: &mut Value,
) -> Vec<(String, String, String, &mut Map<String, Value>)> {
    let mut ops = Vec::new();
    if let Some(Value::Object(paths)) = spec.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                if let Value::Object(op) = op
                    && HTTP_METHODS.contains(&method.as_str())
                {
                    let at = join(&join("/paths", path), method);
                    ops.push((at, path.clone(), method.clone(), op));
                }
            }
        }
    }
    ops
}

/// The HTTP methods a path item can hold operations under.
pub(crate) const HTTP_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_splits_tokens() {
        assert_eq!(join("/paths", "/store/items"), "/paths/~1store~1items");
        assert_eq!(tokens("/paths/~1a~0b/get"), vec!["paths", "/a~b", "get"]);
    }

    #[test]
    fn visits_nested_schemas_with_pointers() {
        let mut spec = json!({
            "paths": {"/x": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "anyOf": [{"type": "object", "properties": {"a": {"type": "integer"}}}]
                }}}}}
            }}},
            "components": {"schemas": {"S": {"type": "array", "items": {"type": "string"}}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut spec, &mut |p, _| {
            seen.push(p.to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            seen,
            vec![
                "/paths/~1x/get/parameters/0/schema",
                "/paths/~1x/get/responses/200/content/application~1json/schema",
                "/paths/~1x/get/responses/200/content/application~1json/schema/anyOf/0",
                "/paths/~1x/get/responses/200/content/application~1json/schema/anyOf/0/properties/a",
                "/components/schemas/S",
                "/components/schemas/S/items",
            ]
        );
    }
}
