//! Generated numbers refuse NaN and the infinities when serialized.
//!
//! `serde_json` writes a non-finite `f64` as `null`: a raw `after_seconds: Some(f64::NAN)`
//! would start a run at once, a `ttl` of infinity would mean no TTL. Every `f64` field (plain
//! or optional) and every `f64` newtype variant of the generated types gets a
//! `serialize_with` that fails instead, so the request is refused before it is sent. The
//! functions live in the root crate (`crate::request`), next to the check of the values
//! callers pass in.

use syn::{
    Fields, GenericArgument, PathArguments, Type, parse_quote,
    visit_mut::{self, VisitMut},
};

/// Adds the `serialize_with` attributes (see the module docs).
pub(crate) struct FiniteNumbers;

/// How a type holds an `f64`, if it is one of the shapes handled.
enum Shape {
    Plain,
    Optional,
}

fn is_f64(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("f64"))
}

fn shape(ty: &Type) -> Option<Shape> {
    if is_f64(ty) {
        return Some(Shape::Plain);
    }
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) if args.args.len() == 1 && is_f64(inner) => {
            Some(Shape::Optional)
        }
        _ => None,
    }
}

fn attribute(shape: &Shape) -> syn::Attribute {
    match shape {
        Shape::Plain => parse_quote!(#[serde(serialize_with = "crate::request::finite_number")]),
        Shape::Optional => {
            parse_quote!(#[serde(serialize_with = "crate::request::finite_optional_number")])
        }
    }
}

impl VisitMut for FiniteNumbers {
    fn visit_item_struct_mut(&mut self, item: &mut syn::ItemStruct) {
        if let Fields::Named(fields) = &mut item.fields {
            for field in &mut fields.named {
                if let Some(shape) = shape(&field.ty) {
                    field.attrs.push(attribute(&shape));
                }
            }
        }
        visit_mut::visit_item_struct_mut(self, item);
    }

    fn visit_item_enum_mut(&mut self, item: &mut syn::ItemEnum) {
        for variant in &mut item.variants {
            if let Fields::Unnamed(fields) = &variant.fields
                && fields.unnamed.len() == 1
                && let Some(shape) = shape(&fields.unnamed[0].ty)
            {
                variant.attrs.push(attribute(&shape));
            }
        }
        visit_mut::visit_item_enum_mut(self, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn run(code: &str) -> String {
        let mut file: syn::File = syn::parse_str(code).unwrap();
        FiniteNumbers.visit_file_mut(&mut file);
        file.to_token_stream().to_string()
    }

    #[test]
    fn every_f64_field_and_variant_is_checked() {
        let out = run(r#"
            pub struct Body {
                pub after_seconds: ::std::option::Option<f64>,
                pub score: f64,
                pub name: String,
                pub scores: Vec<f64>,
            }
            pub enum Input { Number(f64), Text(String) }
            pub struct Builder { after_seconds: Result<Option<f64>, String> }
        "#);
        assert_eq!(out.matches("finite_optional_number").count(), 1, "{out}");
        assert_eq!(
            out.matches("\"crate::request::finite_number\"").count(),
            2,
            "{out}"
        );
        assert!(!out.contains("Builder { # [serde"), "{out}");
    }
}
