//! The generated surface as a reviewer reads it.
//!
//! [`Surface::parse`] reads the generated source back (with `syn`) and lists every operation
//! (Rust name, HTTP method, path, parameters with their location and type, body type, response
//! type) and every generated type (fields with types and serde attributes, enum variants).
//! The snapshot tests lock [`Surface::render`]; `cargo xtask update-spec` prints
//! [`Surface::diff`] between the current and the new spec.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quote::ToTokens;
use serde_json::Value;

/// Every operation and type of the generated raw layer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Surface {
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// Types, in the order progenitor emits them (sorted by name).
    pub types: Vec<TypeDef>,
}

/// One generated operation: a method on `raw::Client` and its builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Rust method name, e.g. `create_run`.
    pub name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Parameters other than the body.
    pub params: Vec<Param>,
    /// The request body type, if any.
    pub body: Option<String>,
    /// The success response type.
    pub response: String,
    /// The error type.
    pub error: String,
}

/// A parameter of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// Parameter name.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Rust type the builder setter accepts.
    pub ty: String,
    /// Whether the builder fails without it.
    pub required: bool,
}

/// One generated type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// Type name.
    pub name: String,
    /// `struct` or `enum`.
    pub kind: &'static str,
    /// Its serde container attributes.
    pub attrs: Vec<String>,
    /// Fields (structs) or variants (enums).
    pub members: Vec<Member>,
}

/// A field or variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Field or variant name (`0` for a tuple field).
    pub name: String,
    /// Field type, or the variant's payload (`(A, B)` / `{ a: A }`), if any.
    pub ty: Option<String>,
    /// Its serde attributes.
    pub attrs: Vec<String>,
}

/// Token text of a type or attribute, made readable: no spaces but between words and after
/// commas, no trailing commas, common paths shortened. String literals are kept as they are.
fn tidy(tokens: impl ToTokens) -> String {
    let raw = tokens.to_token_stream().to_string();
    let chars: Vec<char> = raw.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '\'' || c == '"';
    let mut s = String::with_capacity(raw.len());
    let mut in_string = false;
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            s.push(c);
            if c == '"' && chars.get(i.wrapping_sub(1)) != Some(&'\\') {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                s.push(c);
            }
            ' ' => {
                let prev = s.chars().last();
                let next = chars[i + 1..].iter().find(|c| **c != ' ').copied();
                if prev.is_some_and(word) && next.is_some_and(word)
                    || prev == Some('=')
                    || next == Some('=')
                {
                    s.push(' ');
                }
            }
            ',' => s.push_str(", "),
            '>' | ')' | ']' if s.ends_with(", ") => {
                s.truncate(s.len() - 2);
                s.push(c);
            }
            _ => {
                if s.ends_with(", ") && c == ' ' {
                    continue;
                }
                s.push(c);
            }
        }
    }
    for (from, to) in [
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::std::option::Option", "Option"),
        ("::std::collections::HashMap", "HashMap"),
        ("::std::num::", ""),
        ("::serde_json::", "serde_json::"),
        ("serde_json::Map<String, serde_json::Value>", "Map"),
        ("::uuid::Uuid", "Uuid"),
        ("::chrono::DateTime<::chrono::offset::Utc>", "DateTime<Utc>"),
        ("super::", ""),
        ("types::", ""),
        ("::std::", "std::"),
    ] {
        s = s.replace(from, to);
    }
    s.trim_start_matches("::")
        .trim_end_matches(", ")
        .to_string()
}

fn serde_attrs(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| tidy(&a.meta))
        .collect()
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut out = String::new();
    for a in attrs {
        if let syn::Meta::NameValue(nv) = &a.meta
            && nv.path.is_ident("doc")
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            out.push_str(&s.value());
            out.push('\n');
        }
    }
    out
}

/// `T` for `Wrapper<T, ..>` (a path whose last segment is `wrapper`), else the type itself.
pub(crate) fn unwrap<'a>(ty: &'a syn::Type, wrapper: &str) -> &'a syn::Type {
    if let syn::Type::Path(p) = ty
        && let Some(seg) = p.path.segments.last()
        && seg.ident == wrapper
        && let syn::PathArguments::AngleBracketed(args) = &seg.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return inner;
    }
    ty
}

/// `Result<T, String>` → `T`.
fn unwrap_result(ty: &syn::Type) -> &syn::Type {
    unwrap(ty, "Result")
}

fn is_option(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

/// The `T` of `V: TryInto<T>` in a builder setter's where clause.
fn setter_target(f: &syn::ImplItemFn) -> Option<String> {
    let clause = f.sig.generics.where_clause.as_ref()?;
    for pred in &clause.predicates {
        if let syn::WherePredicate::Type(pt) = pred {
            for bound in &pt.bounds {
                if let syn::TypeParamBound::Trait(tb) = bound
                    && let Some(seg) = tb.path.segments.last()
                    && seg.ident == "TryInto"
                    && let syn::PathArguments::AngleBracketed(args) = &seg.arguments
                {
                    return args.args.first().map(tidy);
                }
            }
        }
    }
    None
}

fn module<'a>(items: &'a [syn::Item], name: &str) -> &'a [syn::Item] {
    items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == name => m.content.as_ref().map(|(_, c)| c.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

/// Parameter locations by `(operationId, name)`, from the normalized spec.
fn locations(spec: &Value) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    let Some(Value::Object(paths)) = spec.get("paths") else {
        return out;
    };
    for item in paths.values() {
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let own = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for p in shared.iter().chain(own.iter()) {
                if let (Some(name), Some(location)) = (
                    p.get("name").and_then(Value::as_str),
                    p.get("in").and_then(Value::as_str),
                ) {
                    out.insert((id.to_string(), name.to_string()), location.to_string());
                }
            }
        }
    }
    out
}

fn snake_to_pascal(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

impl Surface {
    /// Reads the surface out of progenitor's output; `normalized` is the spec it was
    /// generated from (for parameter locations, which the builders do not show).
    ///
    /// # Errors
    /// When `code` is not Rust or not shaped like progenitor's builder output.
    pub fn parse(code: &str, normalized: &Value) -> Result<Surface, String> {
        let file = syn::parse_file(code).map_err(|e| format!("generated code: {e}"))?;
        let locations = locations(normalized);
        let builders: BTreeMap<String, (&syn::ItemStruct, Vec<&syn::ImplItemFn>)> = {
            let items = module(&file.items, "builder");
            let mut map = BTreeMap::new();
            for item in items {
                if let syn::Item::Struct(s) = item {
                    map.insert(s.ident.to_string(), (s, Vec::new()));
                }
            }
            for item in items {
                if let syn::Item::Impl(imp) = item
                    && let syn::Type::Path(p) = &*imp.self_ty
                    && let Some(seg) = p.path.segments.last()
                    && let Some(entry) = map.get_mut(&seg.ident.to_string())
                {
                    entry.1.extend(imp.items.iter().filter_map(|i| match i {
                        syn::ImplItem::Fn(f) => Some(f),
                        _ => None,
                    }));
                }
            }
            map
        };
        let mut surface = Surface::default();
        for item in &file.items {
            let syn::Item::Impl(imp) = item else { continue };
            let is_client =
                matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if !is_client || imp.trait_.is_some() {
                continue;
            }
            for f in imp.items.iter().filter_map(|i| match i {
                syn::ImplItem::Fn(f) => Some(f),
                _ => None,
            }) {
                let doc = doc_text(&f.attrs);
                let Some(rest) = doc.split("Sends a `").nth(1) else {
                    continue;
                };
                let method = rest.split('`').next().unwrap_or_default().to_string();
                let path = rest
                    .split("request to `")
                    .nth(1)
                    .and_then(|r| r.split('`').next())
                    .unwrap_or_default()
                    .to_string();
                let name = f.sig.ident.to_string();
                let builder_name = snake_to_pascal(&name);
                let (strukt, fns) = builders
                    .get(&builder_name)
                    .ok_or_else(|| format!("no builder `{builder_name}` for `{name}`"))?;
                let setter = |field: &str| {
                    fns.iter()
                        .find(|f| f.sig.ident == field)
                        .and_then(|f| setter_target(f))
                };
                let mut op = Operation {
                    name: name.clone(),
                    method,
                    path,
                    params: Vec::new(),
                    body: None,
                    response: String::new(),
                    error: String::new(),
                };
                for field in &strukt.fields {
                    let Some(ident) = &field.ident else { continue };
                    let fname = ident.to_string();
                    if fname == "client" {
                        continue;
                    }
                    let stored = unwrap_result(&field.ty);
                    let ty = setter(&fname).unwrap_or_else(|| tidy(stored));
                    if fname == "body" {
                        op.body = Some(ty);
                        continue;
                    }
                    op.params.push(Param {
                        location: locations
                            .get(&(name.clone(), fname.clone()))
                            .or_else(|| {
                                locations
                                    .iter()
                                    .find(|((o, p), _)| {
                                        *o == name && p.replace('-', "_").to_lowercase() == fname
                                    })
                                    .map(|(_, l)| l)
                            })
                            .cloned()
                            .unwrap_or_else(|| "?".into()),
                        required: !is_option(stored),
                        name: fname,
                        ty,
                    });
                }
                if let Some(send) = fns.iter().find(|f| f.sig.ident == "send")
                    && let syn::ReturnType::Type(_, ret) = &send.sig.output
                {
                    let ret = tidy(ret);
                    let inner = ret
                        .strip_prefix("Result<")
                        .and_then(|r| r.strip_suffix('>'))
                        .unwrap_or(&ret);
                    // `ResponseValue<T>, Error<E>`: split at the top-level comma.
                    let mut depth = 0;
                    let split = inner.char_indices().find(|(_, c)| {
                        match c {
                            '<' | '(' => depth += 1,
                            '>' | ')' => depth -= 1,
                            ',' if depth == 0 => return true,
                            _ => {}
                        }
                        false
                    });
                    let (ok, err) = match split {
                        Some((i, _)) => (inner[..i].trim(), inner[i + 1..].trim()),
                        None => (inner, ""),
                    };
                    op.response = ok
                        .strip_prefix("ResponseValue<")
                        .and_then(|r| r.strip_suffix('>'))
                        .unwrap_or(ok)
                        .to_string();
                    op.error = err
                        .strip_prefix("Error<")
                        .and_then(|r| r.strip_suffix('>'))
                        .unwrap_or(err)
                        .to_string();
                }
                surface.operations.push(op);
            }
        }
        for item in module(&file.items, "types") {
            match item {
                syn::Item::Struct(s) => surface.types.push(TypeDef {
                    name: s.ident.to_string(),
                    kind: "struct",
                    attrs: serde_attrs(&s.attrs),
                    members: s
                        .fields
                        .iter()
                        .enumerate()
                        .map(|(i, f)| Member {
                            name: f
                                .ident
                                .as_ref()
                                .map(|i| i.to_string())
                                .unwrap_or_else(|| i.to_string()),
                            ty: Some(tidy(&f.ty)),
                            attrs: serde_attrs(&f.attrs),
                        })
                        .collect(),
                }),
                syn::Item::Enum(e) => surface.types.push(TypeDef {
                    name: e.ident.to_string(),
                    kind: "enum",
                    attrs: serde_attrs(&e.attrs),
                    members: e
                        .variants
                        .iter()
                        .map(|v| Member {
                            name: v.ident.to_string(),
                            ty: match &v.fields {
                                syn::Fields::Unit => None,
                                fields => Some(tidy(fields)),
                            },
                            attrs: serde_attrs(&v.attrs),
                        })
                        .collect(),
                }),
                _ => {}
            }
        }
        if surface.operations.is_empty() {
            return Err("no operations found in the generated code".into());
        }
        Ok(surface)
    }

    /// The listing locked by the snapshot tests.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# {} operations", self.operations.len());
        for op in &self.operations {
            let _ = writeln!(out, "\n{} {} {}", op.name, op.method, op.path);
            for p in &op.params {
                let req = if p.required { "" } else { "?" };
                let _ = writeln!(out, "    {} {}{req}: {}", p.location, p.name, p.ty);
            }
            if let Some(body) = &op.body {
                let _ = writeln!(out, "    body: {body}");
            }
            let _ = writeln!(out, "    -> {}", op.response);
            let _ = writeln!(out, "    !! {}", op.error);
        }
        let _ = writeln!(out, "\n# {} types", self.types.len());
        for t in &self.types {
            let _ = writeln!(out, "\n{} {}", t.kind, t.name);
            for a in &t.attrs {
                let _ = writeln!(out, "    {a}");
            }
            for m in &t.members {
                let ty =
                    m.ty.as_deref()
                        .map(|t| format!(": {t}"))
                        .unwrap_or_default();
                let attrs = if m.attrs.is_empty() {
                    String::new()
                } else {
                    format!("  {}", m.attrs.join(" "))
                };
                let _ = writeln!(out, "  - {}{ty}{attrs}", m.name);
            }
        }
        out
    }

    /// A human-readable report of what changed from `old` to `self`.
    pub fn diff(&self, old: &Surface) -> String {
        let mut out = String::new();
        let old_ops: BTreeMap<_, _> = old
            .operations
            .iter()
            .map(|o| (o.name.as_str(), o))
            .collect();
        let new_ops: BTreeMap<_, _> = self
            .operations
            .iter()
            .map(|o| (o.name.as_str(), o))
            .collect();
        let mut section = |title: &str, lines: Vec<String>| {
            if !lines.is_empty() {
                let _ = writeln!(out, "{title}:");
                for l in lines {
                    let _ = writeln!(out, "  {l}");
                }
            }
        };
        section(
            "Operations added",
            new_ops
                .iter()
                .filter(|(n, _)| !old_ops.contains_key(*n))
                .map(|(n, o)| format!("{n} ({} {})", o.method, o.path))
                .collect(),
        );
        section(
            "Operations removed",
            old_ops
                .iter()
                .filter(|(n, _)| !new_ops.contains_key(*n))
                .map(|(n, o)| format!("{n} ({} {})", o.method, o.path))
                .collect(),
        );
        let mut changed = Vec::new();
        for (name, new) in &new_ops {
            let Some(old) = old_ops.get(name) else {
                continue;
            };
            if old == new {
                continue;
            }
            let mut what = Vec::new();
            if (old.method.as_str(), old.path.as_str()) != (new.method.as_str(), new.path.as_str())
            {
                what.push(format!(
                    "route {} {} -> {} {}",
                    old.method, old.path, new.method, new.path
                ));
            }
            for p in &new.params {
                match old.params.iter().find(|q| q.name == p.name) {
                    None => what.push(format!("param {} added ({}: {})", p.name, p.location, p.ty)),
                    Some(q) if q != p => what.push(format!(
                        "param {} {}{}: {} -> {}{}: {}",
                        p.name,
                        q.location,
                        if q.required { "" } else { "?" },
                        q.ty,
                        p.location,
                        if p.required { "" } else { "?" },
                        p.ty
                    )),
                    _ => {}
                }
            }
            for q in old
                .params
                .iter()
                .filter(|q| !new.params.iter().any(|p| p.name == q.name))
            {
                what.push(format!("param {} removed", q.name));
            }
            if old.body != new.body {
                what.push(format!("body {:?} -> {:?}", old.body, new.body));
            }
            if old.response != new.response {
                what.push(format!("response {} -> {}", old.response, new.response));
            }
            if old.error != new.error {
                what.push(format!("error {} -> {}", old.error, new.error));
            }
            changed.push(format!("{name}: {}", what.join("; ")));
        }
        section("Operations changed", changed);
        let old_types: BTreeMap<_, _> = old.types.iter().map(|t| (t.name.as_str(), t)).collect();
        let new_types: BTreeMap<_, _> = self.types.iter().map(|t| (t.name.as_str(), t)).collect();
        section(
            "Types added",
            new_types
                .keys()
                .filter(|n| !old_types.contains_key(*n))
                .map(|n| n.to_string())
                .collect(),
        );
        section(
            "Types removed",
            old_types
                .keys()
                .filter(|n| !new_types.contains_key(*n))
                .map(|n| n.to_string())
                .collect(),
        );
        let mut changed = Vec::new();
        for (name, new) in &new_types {
            let Some(old) = old_types.get(name) else {
                continue;
            };
            if old == new {
                continue;
            }
            let mut what = Vec::new();
            for m in &new.members {
                match old.members.iter().find(|o| o.name == m.name) {
                    None => what.push(format!(
                        "+{}{}",
                        m.name,
                        m.ty.as_deref()
                            .map(|t| format!(": {t}"))
                            .unwrap_or_default()
                    )),
                    Some(o) if o.ty != m.ty => what.push(format!(
                        "{}: {} -> {}",
                        m.name,
                        o.ty.as_deref().unwrap_or("()"),
                        m.ty.as_deref().unwrap_or("()")
                    )),
                    Some(o) if o.attrs != m.attrs => {
                        what.push(format!("{}: serde {:?} -> {:?}", m.name, o.attrs, m.attrs))
                    }
                    _ => {}
                }
            }
            for o in old
                .members
                .iter()
                .filter(|o| !new.members.iter().any(|m| m.name == o.name))
            {
                what.push(format!("-{}", o.name));
            }
            if old.attrs != new.attrs {
                what.push(format!("serde {:?} -> {:?}", old.attrs, new.attrs));
            }
            changed.push(format!("{name}: {}", what.join(", ")));
        }
        section("Types changed", changed);
        if out.is_empty() {
            out.push_str("No change to the generated surface.\n");
        }
        out
    }
}

impl Surface {
    /// Reads back a listing written by [`Surface::render`] (the accepted snapshot), so that a
    /// new surface can be compared with the one the snapshot locks even when the current spec
    /// no longer generates (after the normalizer's tables were edited for a new spec).
    ///
    /// # Errors
    /// A line that [`Surface::render`] does not write, naming its line number.
    pub fn parse_rendered(text: &str) -> Result<Surface, String> {
        let mut surface = Surface::default();
        let mut in_types = false;
        for (i, line) in text.lines().enumerate() {
            let bad = || format!("line {}: unexpected `{line}`", i + 1);
            if line.is_empty() {
                continue;
            }
            if let Some(header) = line.strip_prefix("# ") {
                in_types = header.ends_with(" types");
                continue;
            }
            if !in_types {
                if let Some(rest) = line.strip_prefix("    ") {
                    let op = surface.operations.last_mut().ok_or_else(bad)?;
                    if let Some(body) = rest.strip_prefix("body: ") {
                        op.body = Some(body.to_string());
                    } else if let Some(response) = rest.strip_prefix("-> ") {
                        op.response = response.to_string();
                    } else if let Some(error) = rest.strip_prefix("!! ") {
                        op.error = error.to_string();
                    } else {
                        let (location, rest) = rest.split_once(' ').ok_or_else(bad)?;
                        let (name, ty) = rest.split_once(": ").ok_or_else(bad)?;
                        let required = !name.ends_with('?');
                        op.params.push(Param {
                            name: name.trim_end_matches('?').to_string(),
                            location: location.to_string(),
                            ty: ty.to_string(),
                            required,
                        });
                    }
                } else {
                    let mut words = line.splitn(3, ' ');
                    let (Some(name), Some(method), Some(path)) =
                        (words.next(), words.next(), words.next())
                    else {
                        return Err(bad());
                    };
                    surface.operations.push(Operation {
                        name: name.to_string(),
                        method: method.to_string(),
                        path: path.to_string(),
                        params: Vec::new(),
                        body: None,
                        response: String::new(),
                        error: String::new(),
                    });
                }
            } else if let Some(member) = line.strip_prefix("  - ") {
                let t = surface.types.last_mut().ok_or_else(bad)?;
                let (head, attrs) = member.split_once("  ").unwrap_or((member, ""));
                let (name, ty) = match head.split_once(": ") {
                    Some((name, ty)) => (name, Some(ty.to_string())),
                    None => (head, None),
                };
                t.members.push(Member {
                    name: name.to_string(),
                    ty,
                    attrs: split_attrs(attrs),
                });
            } else if let Some(attr) = line.strip_prefix("    ") {
                let t = surface.types.last_mut().ok_or_else(bad)?;
                t.attrs.push(attr.to_string());
            } else {
                let (kind, name) = line.split_once(' ').ok_or_else(bad)?;
                let kind = match kind {
                    "struct" => "struct",
                    "enum" => "enum",
                    _ => return Err(bad()),
                };
                surface.types.push(TypeDef {
                    name: name.to_string(),
                    kind,
                    attrs: Vec::new(),
                    members: Vec::new(),
                });
            }
        }
        if surface.operations.is_empty() {
            return Err("no operations in the listing".into());
        }
        Ok(surface)
    }
}

/// `serde(a) serde(b = "x y")` → `["serde(a)", "serde(b = \"x y\")"]`: [`Surface::render`]
/// joins a member's attributes with spaces, and each is a `serde(..)`.
fn split_attrs(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        return Vec::new();
    }
    joined
        .split(" serde(")
        .enumerate()
        .map(|(i, a)| {
            if i == 0 {
                a.to_string()
            } else {
                format!("serde({a}")
            }
        })
        .collect()
}
