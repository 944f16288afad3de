//! `parameters`: every parameter is serialized the way progenitor sends it.
//!
//! progenitor ignores `style`, `explode`, `allowReserved` and `content` on parameters: query
//! parameters always go out as `style: form, explode: true` (an array is `a=1&a=2`), path and
//! header parameters as `style: simple`, and reserved characters are always percent-encoded.
//! A spec that asks for anything else (`explode: false` on an array: `a=1,2`) would get a
//! client that compiles and sends a format the server does not read, with nothing in the
//! surface diff to show it. Stated defaults, and `explode` on a single value (where it
//! changes nothing), are accepted; anything else is refused with its pointer, to be fixed in
//! SPEC_FIXES (e.g. the parameter becomes one pre-joined string) or by dropping the operation.

use serde_json::Value;

use super::{Ctx, Pass};
use crate::{Error, pointer::join};

pub(super) const PASS: Pass = Pass {
    name: "parameters",
    why: "progenitor ignores parameter serialization keywords and always sends its defaults",
    edit: "SPEC_FIXES in codegen/src/passes/spec_fixes.rs, or DROPPED_OPERATIONS in codegen/src/passes/drop_ops.rs",
    run,
};

/// `(location, style progenitor uses, explode that goes with it)`.
const SENT: &[(&str, &str, bool)] = &[
    ("query", "form", true),
    ("path", "simple", false),
    ("header", "simple", false),
    ("cookie", "form", true),
];

/// The parameters of the document: `(pointer, parameter)`, from operations, path items and
/// `components.parameters` (a `$ref` parameter is checked where it is defined).
fn parameters(spec: &Value) -> Vec<(String, &Value)> {
    fn list<'a>(out: &mut Vec<(String, &'a Value)>, at: String, params: Option<&'a Value>) {
        for (i, p) in params
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            if p.get("$ref").is_none() {
                out.push((join(&at, &i.to_string()), p));
            }
        }
    }
    let mut out = Vec::new();
    for (path, item) in spec
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let path_at = join("/paths", path);
        list(
            &mut out,
            join(&path_at, "parameters"),
            item.get("parameters"),
        );
        for (method, op) in item.as_object().into_iter().flatten() {
            if crate::pointer::HTTP_METHODS.contains(&method.as_str()) {
                let at = join(&join(&path_at, method), "parameters");
                list(&mut out, at, op.get("parameters"));
            }
        }
    }
    let components = spec
        .pointer("/components/parameters")
        .and_then(Value::as_object);
    for (name, p) in components.into_iter().flatten() {
        out.push((join("/components/parameters", name), p));
    }
    out
}

/// Whether a schema holds one value (no array, no object), following one `$ref`.
fn is_single(schema: Option<&Value>, spec: &Value) -> bool {
    let Some(schema) = schema else { return false };
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => match r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
            Some(target) => target,
            None => return false,
        },
        None => schema,
    };
    matches!(
        schema.get("type").and_then(Value::as_str),
        Some("string" | "integer" | "number" | "boolean")
    )
}

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    let mut found = Vec::new();
    for (at, p) in parameters(&ctx.spec) {
        let location = p.get("in").and_then(Value::as_str).unwrap_or("");
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        let Some(&(_, style, explode)) = SENT.iter().find(|(l, _, _)| *l == location) else {
            found.push((
                join(&at, "in"),
                format!("parameter `{name}` is in `{location}`, which progenitor does not send"),
            ));
            continue;
        };
        let sent = format!(
            "progenitor sends {location} parameters as `style: {style}, explode: {explode}`"
        );
        if p.get("content").is_some() {
            found.push((
                join(&at, "content"),
                format!("parameter `{name}` is serialized by `content` (e.g. JSON in the query), which progenitor ignores: {sent}"),
            ));
        }
        if let Some(stated) = p.get("style")
            && stated.as_str() != Some(style)
        {
            found.push((
                join(&at, "style"),
                format!("parameter `{name}` has `style: {stated}`, but {sent}"),
            ));
        }
        if let Some(stated) = p.get("explode")
            && stated.as_bool() != Some(explode)
            && !is_single(p.get("schema"), &ctx.spec)
        {
            found.push((
                join(&at, "explode"),
                format!("parameter `{name}` has `explode: {stated}`, which changes how its values go on the wire, but {sent}"),
            ));
        }
        if p.get("allowReserved") == Some(&Value::Bool(true)) {
            found.push((
                join(&at, "allowReserved"),
                format!("parameter `{name}` has `allowReserved: true`, but progenitor percent-encodes reserved characters"),
            ));
        }
    }
    for (at, message) in found {
        ctx.problem(&at, message);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::run_one_all;
    use serde_json::json;

    fn spec(params: Value) -> Value {
        json!({"paths": {"/a/{id}": {"get": {"parameters": params, "responses": {}}}}})
    }

    #[test]
    fn stated_defaults_and_single_values_are_fine() {
        let (_, _, problems) = run_one_all(
            &PASS,
            spec(json!([
                {"name": "ids", "in": "query", "style": "form", "explode": true, "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "id", "in": "path", "required": true, "style": "simple", "schema": {"type": "string"}},
                {"name": "limit", "in": "query", "explode": false, "schema": {"type": "integer"}},
                {"name": "q", "in": "query", "allowReserved": false, "schema": {"type": "string"}}
            ])),
        );
        assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn other_serializations_are_refused_with_pointers() {
        let (_, _, problems) = run_one_all(
            &PASS,
            spec(json!([
                {"name": "ids", "in": "query", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "f", "in": "query", "style": "deepObject", "schema": {"type": "object"}},
                {"name": "q", "in": "query", "allowReserved": true, "schema": {"type": "string"}},
                {"name": "j", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}}
            ])),
        );
        let pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/paths/~1a~1{id}/get/parameters/0/explode",
                "/paths/~1a~1{id}/get/parameters/1/style",
                "/paths/~1a~1{id}/get/parameters/2/allowReserved",
                "/paths/~1a~1{id}/get/parameters/3/content",
            ]
        );
        assert!(problems[0].message.contains("`explode: false`"));
        assert!(problems[0].edit.contains("SPEC_FIXES"));
    }
}
