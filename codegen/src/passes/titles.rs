//! `titles`: one type name, one shape.
//!
//! typify names an inline type after its `title` and, when a second, *different* schema has
//! the same title, silently reuses the first type (`Thread.status` typed as the run status
//! enum, `RunCreateStateful.input` as the cron input). pydantic puts a title on every
//! property, so this happens. This pass groups every titled inline schema by the name typify
//! would give it. A group whose schemas all have one shape is fine (typify shares one type,
//! which is what we want). A group with several shapes, or one named like a component, is a
//! clash: each of its schemas must be listed in [`RENAMES`] with the name it gets (or `None`
//! to drop a title that names no type). A clash not in the table stops the build with the
//! pointers of the schemas involved; a table entry that points at nothing is an error too.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{
    Ctx, Pass,
    util::{pascal, shape},
};
use crate::{Error, pointer::for_each_schema};

pub(super) const PASS: Pass = Pass {
    name: "titles",
    why: "typify reuses one type for different schemas that share a title",
    edit: "RENAMES in codegen/src/passes/titles.rs",
    run,
};

/// Explicit names for the inline schemas whose titles clash, by pointer.
pub const RENAMES: &[(&str, Option<&str>)] = &[
    (
        "/components/schemas/CronCreate/properties/input",
        Some("CronInput"),
    ),
    (
        "/components/schemas/CronPatch/properties/input",
        Some("CronInput"),
    ),
    (
        "/components/schemas/ThreadCronCreate/properties/input",
        Some("CronInput"),
    ),
    (
        "/components/schemas/RunCreateStateful/properties/input",
        Some("RunInput"),
    ),
    (
        "/components/schemas/RunCreateStateless/properties/input",
        Some("RunInput"),
    ),
    // `Option<Command>`: the title ("Input", a copy-paste in the server) names no type.
    (
        "/components/schemas/RunCreateStateful/properties/command",
        None,
    ),
    (
        "/components/schemas/RunCreateStateless/properties/command",
        None,
    ),
    (
        "/components/schemas/CronSearch/properties/sort_by",
        Some("CronSortBy"),
    ),
    (
        "/components/schemas/AssistantSearchRequest/properties/sort_by",
        Some("AssistantSortBy"),
    ),
    (
        "/components/schemas/ThreadSearchRequest/properties/sort_by",
        Some("ThreadSortBy"),
    ),
    (
        "/components/schemas/Run/properties/status",
        Some("RunStatus"),
    ),
    (
        "/components/schemas/Thread/properties/status",
        Some("ThreadStatus"),
    ),
    (
        "/components/schemas/ThreadSearchRequest/properties/status",
        Some("ThreadStatus"),
    ),
    (
        "/components/schemas/ThreadCountRequest/properties/status",
        Some("ThreadStatus"),
    ),
    (
        "/components/schemas/RunsCancel/properties/status",
        Some("CancelRunsStatus"),
    ),
    (
        "/components/schemas/ThreadState/properties/values",
        Some("ThreadStateValues"),
    ),
    (
        "/components/schemas/ThreadStateUpdate/properties/values",
        Some("ThreadStateUpdateValues"),
    ),
    (
        "/components/schemas/AssistantSearchRequest/properties/select/items",
        Some("AssistantSelectField"),
    ),
    (
        "/components/schemas/CronSearch/properties/select/items",
        Some("CronSelectField"),
    ),
    (
        "/components/schemas/ThreadSearchRequest/properties/select/items",
        Some("ThreadSelectField"),
    ),
    (
        "/paths/~1threads~1{thread_id}~1runs/get/parameters/4/schema/items",
        Some("RunSelectField"),
    ),
];

/// Whether typify would mint a named type for this schema (and so read its title).
fn names_a_type(schema: &serde_json::Map<String, Value>) -> bool {
    ["properties", "enum", "oneOf", "anyOf", "allOf"]
        .iter()
        .any(|k| schema.contains_key(*k))
}

struct Use {
    pointer: String,
    shape: Value,
}

fn collect(spec: &mut Value) -> Result<BTreeMap<String, Vec<Use>>, Error> {
    let mut groups: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    if let Some(Value::Object(components)) = spec.pointer("/components/schemas") {
        for (name, schema) in components {
            groups.entry(name.clone()).or_default().push(Use {
                pointer: format!("/components/schemas/{}", crate::pointer::escape(name)),
                shape: shape(schema),
            });
        }
    }
    for_each_schema(spec, &mut |at, schema| {
        let is_component = at.starts_with("/components/schemas/") && at.matches('/').count() == 3;
        if is_component || !names_a_type(schema) {
            return Ok(());
        }
        if let Some(Value::String(title)) = schema.get("title") {
            groups.entry(pascal(title)).or_default().push(Use {
                pointer: at.to_string(),
                shape: shape(&Value::Object(schema.clone())),
            });
        }
        Ok(())
    })?;
    // typify names the untitled items of a titled array `<Title>Item`: four different `select`
    // enums would all become one `SelectItem`.
    for_each_schema(spec, &mut |at, schema| {
        if let (Some(Value::String(title)), Some(Value::Object(items))) =
            (schema.get("title"), schema.get("items"))
            && !items.contains_key("title")
            && names_a_type(items)
        {
            groups
                .entry(format!("{}Item", pascal(title)))
                .or_default()
                .push(Use {
                    pointer: format!("{at}/items"),
                    shape: shape(&Value::Object(items.clone())),
                });
        }
        Ok(())
    })?;
    Ok(groups)
}

fn clashes(groups: &BTreeMap<String, Vec<Use>>) -> Vec<(&String, &Vec<Use>)> {
    groups
        .iter()
        .filter(|(_, uses)| uses.iter().any(|u| u.shape != uses[0].shape))
        .collect()
}

fn run(ctx: &mut Ctx) -> Result<(), Error> {
    resolve(ctx, RENAMES)
}

fn resolve(ctx: &mut Ctx, renames: &[(&str, Option<&str>)]) -> Result<(), Error> {
    for (pointer, name) in renames {
        let Some(Value::Object(schema)) = ctx.spec.pointer_mut(pointer) else {
            ctx.problem(
                pointer,
                "listed in RENAMES but not in the spec: remove the stale entry",
            );
            continue;
        };
        match name {
            Some(name) => {
                schema.insert("title".into(), Value::String(name.to_string()));
            }
            None => {
                schema.remove("title");
            }
        }
        ctx.log(pointer, format!("titled {name:?}"));
    }
    let groups = collect(&mut ctx.spec)?;
    for (name, uses) in clashes(&groups) {
        // Name the odd one out: the schema whose shape is the rarest in the group (the
        // newcomer, when a release adds one), preferring one that RENAMES does not cover.
        let count = |u: &Use| uses.iter().filter(|v| v.shape == u.shape).count();
        let unlisted = uses
            .iter()
            .filter(|u| !renames.iter().any(|(p, _)| *p == u.pointer))
            .min_by_key(|u| count(u))
            .or_else(|| uses.iter().min_by_key(|u| count(u)))
            .expect("a clash has uses");
        let pointers: Vec<&str> = uses.iter().map(|u| u.pointer.as_str()).collect();
        let e = ctx.error(
            &unlisted.pointer,
            format!(
                "title clash: `{name}` would name {} schemas of different shapes ({}); typify \
                 would silently reuse one type for all. Give each its own name in titles::RENAMES",
                uses.len(),
                pointers.join(", ")
            ),
        );
        ctx.problems.push(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_shape_shares_a_title() {
        let e = json!({"type": "string", "enum": ["a", "b"], "title": "Mode"});
        let spec = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"m": e}},
            "B": {"type": "object", "properties": {"m": {"type": "string", "enum": ["a", "b"], "title": "Mode", "default": "a"}}}
        }}});
        let mut ctx = Ctx::new(spec);
        resolve(&mut ctx, &[]).unwrap();
        assert!(ctx.problems.is_empty());
    }

    fn two_kinds() -> Value {
        json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["a"], "title": "Kind"}}},
            "B": {"type": "object", "properties": {"kind": {"type": "string", "enum": ["b"], "title": "Kind"}}}
        }}})
    }

    #[test]
    fn new_clash_is_an_error_naming_the_pointer() {
        let mut ctx = Ctx::new(two_kinds());
        ctx.start(&PASS);
        resolve(&mut ctx, &[]).unwrap();
        let err = &ctx.problems[0];
        assert_eq!(err.edit, "RENAMES in codegen/src/passes/titles.rs");
        assert_eq!(err.pointer, "/components/schemas/A/properties/kind");
        assert!(err.message.contains("title clash: `Kind`"), "{err}");
        assert!(
            err.message
                .contains("/components/schemas/B/properties/kind"),
            "{err}"
        );
    }

    #[test]
    fn listed_clash_is_renamed() {
        let mut ctx = Ctx::new(two_kinds());
        let table = [
            ("/components/schemas/A/properties/kind", Some("AKind")),
            ("/components/schemas/B/properties/kind", Some("BKind")),
        ];
        resolve(&mut ctx, &table).unwrap();
        assert!(ctx.problems.is_empty());
        assert_eq!(
            ctx.spec
                .pointer("/components/schemas/B/properties/kind/title"),
            Some(&json!("BKind"))
        );
    }

    #[test]
    fn untitled_items_of_titled_arrays_clash_by_their_derived_name() {
        let select = |values: Value| json!({"type": "array", "title": "Select", "items": {"type": "string", "enum": values}});
        let mut spec = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"select": select(json!(["a"]))}},
            "B": {"type": "object", "properties": {"select": select(json!(["b"]))}}
        }}});
        let groups = collect(&mut spec).unwrap();
        let found = clashes(&groups);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "SelectItem");
    }

    #[test]
    fn stale_entry_is_an_error() {
        let mut ctx = Ctx::new(two_kinds());
        resolve(&mut ctx, &[("/components/schemas/C", None)]).unwrap();
        // The stale entry and the clash it leaves, both in one run.
        assert_eq!(ctx.problems.len(), 2, "{:?}", ctx.problems);
        assert!(ctx.problems[0].message.contains("stale entry"));
        assert!(ctx.problems[1].message.contains("title clash"));
    }

    #[test]
    fn inline_title_equal_to_a_component_of_another_shape_clashes() {
        let mut spec = json!({"components": {"schemas": {
            "Status": {"type": "string", "enum": ["x"]},
            "A": {"type": "object", "properties": {"s": {"type": "string", "enum": ["y"], "title": "Status"}}}
        }}});
        let groups = collect(&mut spec).unwrap();
        assert_eq!(clashes(&groups).len(), 1);
    }
}
