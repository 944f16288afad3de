//! The `#[mirror]` attribute of [`langgraph-sdk`](https://crates.io/crates/langgraph-sdk): on
//! an inherent `impl` block of an async type `T`, it keeps the block and adds the same public
//! methods on `langgraph_sdk::blocking::Blocking<T>`, each calling `T`'s own method. The
//! blocking API is made from the async one, so a method cannot be added to one and not the
//! other. You do not use this crate directly.
//!
//! What each method becomes:
//! - `async fn m(..) -> O`: `fn m(..) -> O'`, which runs `T::m` to completion on the blocking
//!   client's runtime;
//! - `fn m(self, ..) -> Self` (a setter): the same setter on the wrapper;
//! - any other return type `R`: `R` itself when it is data (a fixed list of type names,
//!   [`PLAIN`], plus the generic parameters, references, slices, tuples, and `Option`/`Vec`
//!   of those), else `Blocking<R>` (`R` must then implement the SDK's `Handle`: a type that is
//!   missing from both fails to compile, instead of being wrapped by mistake); `Result<R>` and
//!   `&R` are converted inside.
//!
//! `#[mirror(skip(a, b))]` leaves out methods that have no blocking form.
//!
//! The docs of a blocking method are those of the async one (without its examples, which are
//! async), with `.await` read as `.send()`, and a link to the async method.

use std::collections::HashSet;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::{ToTokens, quote};
use syn::{
    Attribute, Error, Expr, FnArg, GenericArgument, GenericParam, Ident, ImplItem, ImplItemFn,
    ItemImpl, Lit, Meta, Pat, PathArguments, ReturnType, Type, Visibility,
    parse::{Parse, ParseStream},
    punctuated::Punctuated,
    spanned::Spanned,
};

/// Type names that are data: returned as they are by a blocking method.
const PLAIN: &[&str] = &[
    "bool",
    "u8",
    "u16",
    "u32",
    "u64",
    "usize",
    "i32",
    "i64",
    "f64",
    "str",
    "String",
    "Uuid",
    "Value",
    "Url",
    "Duration",
    "ResumePoint",
    "StreamStats",
    "SubgraphStatus",
    "FinishedMessage",
    "Role",
    "Interrupt",
];

/// Paths (as written) that are data although their last name is also a handle's.
const PLAIN_PATHS: &[&str] = &["raw::Client"];

/// `#[mirror]` or `#[mirror(skip(name, ...))]` on an inherent impl block; see the crate docs.
#[proc_macro_attribute]
pub fn mirror(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = syn::parse_macro_input!(attr as Args);
    let block = syn::parse_macro_input!(item as ItemImpl);
    let mirrored = expand(&args, &block).unwrap_or_else(Error::into_compile_error);
    quote!(#block #mirrored).into()
}

/// The attribute's arguments.
#[derive(Default)]
struct Args {
    skip: HashSet<String>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Args> {
        let mut args = Args::default();
        if input.is_empty() {
            return Ok(args);
        }
        let meta: Meta = input.parse()?;
        let list = match &meta {
            Meta::List(list) if list.path.is_ident("skip") => list,
            _ => return Err(Error::new(meta.span(), "expected `skip(name, ...)`")),
        };
        let names = list.parse_args_with(Punctuated::<Ident, syn::Token![,]>::parse_terminated)?;
        args.skip = names.iter().map(Ident::to_string).collect();
        Ok(args)
    }
}

fn expand(args: &Args, block: &ItemImpl) -> syn::Result<Tokens> {
    if let Some((_, path, _)) = &block.trait_ {
        return Err(Error::new(
            path.span(),
            "#[mirror] goes on an inherent impl block",
        ));
    }
    let self_ty = &block.self_ty;
    let type_name = last_ident(self_ty)
        .map(|i| i.to_string())
        .ok_or_else(|| Error::new(self_ty.span(), "#[mirror]: cannot name this type"))?;
    let generics: HashSet<String> = type_params(block.generics.params.iter());
    let mut methods = Vec::new();
    for item in &block.items {
        let ImplItem::Fn(method) = item else { continue };
        if !matches!(method.vis, Visibility::Public(_))
            || args.skip.contains(&method.sig.ident.to_string())
        {
            continue;
        }
        let mut scope = generics.clone();
        scope.extend(type_params(method.sig.generics.params.iter()));
        methods.push(mirror_method(method, self_ty, &type_name, &scope)?);
    }
    let (impl_generics, _, where_clause) = block.generics.split_for_impl();
    Ok(quote! {
        #[allow(clippy::all, unused_mut, unused_variables)]
        impl #impl_generics crate::blocking::Blocking<#self_ty> #where_clause {
            #(#methods)*
        }
    })
}

fn type_params<'a>(params: impl Iterator<Item = &'a GenericParam>) -> HashSet<String> {
    params
        .filter_map(|p| match p {
            GenericParam::Type(t) => Some(t.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// The last name of a type's path (`SearchAssistants` for `SearchAssistants<T>`).
fn last_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| &s.ident),
        Type::Group(g) => last_ident(&g.elem),
        Type::Paren(p) => last_ident(&p.elem),
        _ => None,
    }
}

fn mirror_method(
    method: &ImplItemFn,
    self_ty: &Type,
    type_name: &str,
    generics: &HashSet<String>,
) -> syn::Result<Tokens> {
    let sig = &method.sig;
    let name = &sig.ident;
    let mut blocking_sig = sig.clone();
    blocking_sig.asyncness = None;

    // The receiver and the arguments, forwarded by name.
    let mut receiver = None;
    let mut args = Vec::new();
    let mut impl_trait_args = false;
    for input in blocking_sig.inputs.iter_mut() {
        match input {
            FnArg::Receiver(r) => {
                r.mutability = None;
                receiver = Some(r.reference.is_some());
            }
            FnArg::Typed(arg) => {
                impl_trait_args |= matches!(*arg.ty, Type::ImplTrait(_));
                match &mut *arg.pat {
                    Pat::Ident(pat) => {
                        pat.mutability = None;
                        args.push(pat.ident.clone());
                    }
                    other => {
                        return Err(Error::new(
                            other.span(),
                            "#[mirror]: arguments must be plain names",
                        ));
                    }
                }
            }
        }
    }
    // Explicit type arguments when the method has some and they cannot be given implicitly.
    let turbofish = {
        let params: Vec<&Ident> = sig
            .generics
            .params
            .iter()
            .filter_map(|p| match p {
                GenericParam::Type(t) => Some(&t.ident),
                _ => None,
            })
            .collect();
        if params.is_empty() || impl_trait_args {
            quote!()
        } else {
            quote!(::<#(#params),*>)
        }
    };

    // How the async method is reached from the wrapper.
    let (unpack, call) = match receiver {
        Some(false) => (
            quote!(let (inner, rt) = crate::blocking::Blocking::into_parts(self);),
            quote!(inner.#name #turbofish(#(#args),*)),
        ),
        Some(true) => (
            quote!(let (inner, rt) = crate::blocking::Blocking::parts(self);),
            quote!(inner.#name #turbofish(#(#args),*)),
        ),
        None => (
            quote!(let rt = &crate::blocking::Runtime::pending();),
            quote!(<#self_ty>::#name #turbofish(#(#args),*)),
        ),
    };
    let rt_ref = if receiver == Some(false) {
        quote!(&rt)
    } else {
        quote!(rt)
    };

    // The result, converted.
    let output = match &sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, ty) => Some(&**ty),
    };
    let (new_output, body) = match output {
        None => {
            let value = if sig.asyncness.is_some() {
                quote!(crate::blocking::Runtime::block_on(#rt_ref, #call))
            } else {
                quote!(#call)
            };
            (None, quote!(#value;))
        }
        Some(ty) => {
            let value = if sig.asyncness.is_some() {
                quote!(crate::blocking::Runtime::block_on(#rt_ref, #call))
            } else {
                quote!(#call)
            };
            if is_self(ty) {
                let wrap = quote!(crate::blocking::Blocking::from_parts(value, ::std::clone::Clone::clone(#rt_ref)));
                (Some(ty.clone()), quote!(let value = #value; #wrap))
            } else {
                let ctx = Ctx {
                    generics,
                    is_async: sig.asyncness.is_some(),
                };
                match convert(ty, &ctx)? {
                    None => {
                        let mut plain = Vec::new();
                        returned_as_is(ty, generics, &mut plain);
                        let checks = plain.iter().map(
                            |t| quote!(let _: () = <#t as crate::blocking::NotHandle<_>>::CHECK;),
                        );
                        (Some(ty.clone()), quote!(#(#checks)* #value))
                    }
                    Some((new_ty, conv)) => (
                        Some(new_ty),
                        quote!(let value = #value; let rt: &crate::blocking::Runtime = #rt_ref; #conv),
                    ),
                }
            }
        }
    };
    blocking_sig.output = match new_output {
        None => ReturnType::Default,
        Some(ty) => ReturnType::Type(Default::default(), Box::new(ty)),
    };

    let attrs = method.attrs.iter().filter(|a| !a.path().is_ident("doc"));
    let docs = docs(
        &method.attrs,
        type_name,
        &name.to_string(),
        sig.asyncness.is_some(),
    );
    Ok(quote! {
        #(#attrs)*
        #(#[doc = #docs])*
        pub #blocking_sig {
            #unpack
            #body
        }
    })
}

fn is_self(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("Self"))
}

/// Where a type is returned: what a method gives back, and whether it is the result of an
/// `async fn` (where data is the rule and only [`ASYNC_HANDLES`] are wrapped) or of a plain
/// `fn` (where handles are the rule: builders, resources, projections, and only [`PLAIN`] is
/// data).
struct Ctx<'a> {
    generics: &'a HashSet<String>,
    is_async: bool,
}

/// The results of `async fn`s that have a blocking form: streams and sessions.
const ASYNC_HANDLES: &[&str] = &["RunStream", "PassThroughStream", "ThreadStream"];

/// The blocking form of a returned type and the conversion of `value` (of the async type) to
/// it, with the runtime `rt: &Runtime` in scope; `None` when it is returned as it is.
fn convert(ty: &Type, ctx: &Ctx) -> syn::Result<Option<(Type, Tokens)>> {
    match ty {
        Type::Group(g) => convert(&g.elem, ctx),
        Type::Paren(p) => convert(&p.elem, ctx),
        Type::Reference(r) => Ok(match convert(&r.elem, ctx)? {
            // A handle lent by the async type: the blocking form owns a clone.
            Some((new, _)) if r.mutability.is_none() => Some((
                new,
                quote!(crate::blocking::Handle::wrap(
                    ::std::clone::Clone::clone(value),
                    rt
                )),
            )),
            Some(_) => return Err(Error::new(ty.span(), "#[mirror]: `&mut` of a handle")),
            None => None,
        }),
        Type::Slice(s) => plain_inside(&s.elem, ctx),
        Type::Array(a) => plain_inside(&a.elem, ctx),
        Type::Tuple(t) => {
            for elem in &t.elems {
                plain_inside(elem, ctx)?;
            }
            Ok(None)
        }
        Type::Never(_) => Ok(None),
        Type::Path(p) if p.qself.is_none() => {
            let path = &p.path;
            let written: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            let last = path.segments.last().expect("a path has a segment");
            let name = last.ident.to_string();
            if path.segments.len() == 1 && ctx.generics.contains(&name) {
                return Ok(None);
            }
            if PLAIN.contains(&name.as_str()) || PLAIN_PATHS.contains(&written.join("::").as_str())
            {
                return Ok(None);
            }
            match name.as_str() {
                "Option" | "Vec" | "Box" | "Arc" => {
                    for arg in type_args(&last.arguments) {
                        plain_inside(arg, ctx)?;
                    }
                    Ok(None)
                }
                "Result" => {
                    let Some(inner) = type_args(&last.arguments).next() else {
                        return Ok(None);
                    };
                    let Some((new_inner, _)) = convert(inner, ctx)? else {
                        return Ok(None);
                    };
                    // `Result<H>` of a handle: attached to the runtime (which a new client
                    // starts, and may fail to).
                    let mut new = p.clone();
                    let seg = new.path.segments.last_mut().expect("a segment");
                    if let PathArguments::AngleBracketed(args) = &mut seg.arguments
                        && let Some(GenericArgument::Type(t)) = args.args.first_mut()
                    {
                        *t = new_inner;
                    }
                    Ok(Some((
                        Type::Path(new),
                        quote!(value.and_then(|value| crate::blocking::Handle::attach(value, rt))),
                    )))
                }
                _ if ctx.is_async && !ASYNC_HANDLES.contains(&name.as_str()) => Ok(None),
                _ => Ok(Some((
                    syn::parse_quote!(crate::blocking::Blocking<#ty>),
                    quote!(crate::blocking::Handle::wrap(value, rt)),
                ))),
            }
        }
        other => Err(Error::new(
            other.span(),
            "#[mirror]: no blocking form for this return type",
        )),
    }
}

/// A type inside a container, which must be data.
fn plain_inside(ty: &Type, ctx: &Ctx) -> syn::Result<Option<(Type, Tokens)>> {
    match convert(ty, ctx)? {
        None => Ok(None),
        Some(_) => Err(Error::new(
            ty.span(),
            format!(
                "#[mirror]: `{}` is not in the list of data types (langgraph-sdk-macros, PLAIN), \
                 and a handle inside a container has no blocking form",
                ty.to_token_stream()
            ),
        )),
    }
}

/// The types a blocking method returns as they are (inside `Result`, `Option`, references,
/// …), but for the generic parameters: each is checked, at compile time, to be no handle,
/// stream or future, which would be returned in its async form by mistake.
fn returned_as_is<'a>(ty: &'a Type, generics: &HashSet<String>, out: &mut Vec<&'a Type>) {
    match ty {
        Type::Group(g) => returned_as_is(&g.elem, generics, out),
        Type::Paren(p) => returned_as_is(&p.elem, generics, out),
        Type::Reference(r) => returned_as_is(&r.elem, generics, out),
        Type::Slice(s) => returned_as_is(&s.elem, generics, out),
        Type::Array(a) => returned_as_is(&a.elem, generics, out),
        Type::Tuple(t) => t
            .elems
            .iter()
            .for_each(|e| returned_as_is(e, generics, out)),
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last().expect("a path has a segment");
            let name = last.ident.to_string();
            if p.path.segments.len() == 1 && generics.contains(&name) {
                return;
            }
            if matches!(name.as_str(), "Option" | "Vec" | "Box" | "Arc" | "Result") {
                type_args(&last.arguments).for_each(|a| returned_as_is(a, generics, out));
            } else {
                out.push(ty);
            }
        }
        _ => {}
    }
}

fn type_args(args: &PathArguments) -> impl Iterator<Item = &Type> {
    let list = match args {
        PathArguments::AngleBracketed(a) => Some(&a.args),
        _ => None,
    };
    list.into_iter().flatten().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The blocking method's doc lines: the async method's, without code examples, `.await` read
/// as `.send()`, and a link to the async method.
fn docs(attrs: &[Attribute], type_name: &str, method: &str, is_async: bool) -> Vec<String> {
    let link = format!("[`{type_name}::{method}`]({type_name}::{method})");
    if method == "send" && is_async {
        return vec![format!(
            " Sends the request and blocks until the answer; the blocking form of {link}."
        )];
    }
    let mut out = Vec::new();
    let mut in_code = false;
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        let Meta::NameValue(nv) = &attr.meta else {
            continue;
        };
        let Expr::Lit(lit) = &nv.value else { continue };
        let Lit::Str(text) = &lit.lit else { continue };
        let text = text.value();
        if text.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        out.push(
            text.replace("`.await`", "`.send()`")
                .replace(".await", ".send()"),
        );
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    if !out.is_empty() {
        out.push(String::new());
    }
    let how = if is_async { " (blocks until done)" } else { "" };
    out.push(format!(" The blocking form of {link}{how}."));
    out
}
