//! The generated public surface, as a reviewer reads it: every type with its
//! fields (or variants) and their Rust types, and every client operation with
//! its parameters, success type and error type. A spec change shows up here as
//! a readable snapshot diff.

use quote2::ToTokens;
use syn2::{Fields, Item, ItemMod, Type};

fn generated() -> syn2::File {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/generated.rs");
    syn2::parse_file(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn module<'a>(items: &'a [Item], name: &str) -> &'a ItemMod {
    items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => Some(m),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no `mod {name}` in generated.rs"))
}

fn items(m: &ItemMod) -> &[Item] {
    &m.content.as_ref().unwrap().1
}

/// A type as written, without paths a reader does not need.
fn show(ty: &impl ToTokens) -> String {
    let text = ty.to_token_stream().to_string();
    let text = text
        .replace(":: std :: option :: ", "")
        .replace(":: std :: string :: ", "")
        .replace(":: std :: vec :: ", "")
        .replace(":: std :: borrow :: ", "")
        .replace(":: std :: result :: ", "")
        .replace("crate :: generated :: types :: ", "")
        .replace("crate :: constrained :: ", "")
        .replace("types :: ", "");
    text.replace(" :: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(",>", ">")
        .replace("& ", "&")
}

fn is_public(vis: &syn2::Visibility) -> bool {
    matches!(vis, syn2::Visibility::Public(_))
}

fn types_surface(types: &[Item], out: &mut String) {
    for item in types {
        match item {
            Item::Struct(s) if is_public(&s.vis) => match &s.fields {
                Fields::Named(fields) => {
                    out.push_str(&format!("struct {} {{\n", s.ident));
                    for field in &fields.named {
                        let name = field.ident.as_ref().unwrap();
                        out.push_str(&format!("    {name}: {},\n", show(&field.ty)));
                    }
                    out.push_str("}\n");
                }
                Fields::Unnamed(fields) => {
                    let inner: Vec<String> = fields.unnamed.iter().map(|f| show(&f.ty)).collect();
                    out.push_str(&format!("struct {}({});\n", s.ident, inner.join(", ")));
                }
                Fields::Unit => out.push_str(&format!("struct {};\n", s.ident)),
            },
            // The known values of an open list: its associated constants.
            Item::Impl(imp) if imp.trait_.is_none() => {
                let consts: Vec<String> = imp
                    .items
                    .iter()
                    .filter_map(|member| match member {
                        syn2::ImplItem::Const(c) if is_public(&c.vis) && c.ident != "KNOWN" => {
                            let expr = c.expr.to_token_stream().to_string();
                            let value = expr.split('"').nth(1).unwrap_or(&expr).to_string();
                            Some(format!("    const {} = {value:?}", c.ident))
                        }
                        _ => None,
                    })
                    .collect();
                if !consts.is_empty() {
                    out.push_str(&format!(
                        "known values of {} {{\n{}\n}}\n",
                        show(&imp.self_ty),
                        consts.join(",\n")
                    ));
                }
            }
            Item::Enum(e) if is_public(&e.vis) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| {
                        let wire = v
                            .attrs
                            .iter()
                            .find(|a| a.path().is_ident("serde"))
                            .map(|a| show(&a.meta))
                            .unwrap_or_default();
                        format!("    {} {wire}", v.ident).trim_end().to_string()
                    })
                    .collect();
                out.push_str(&format!(
                    "enum {} {{\n{}\n}}\n",
                    e.ident,
                    variants.join(",\n")
                ));
            }
            _ => {}
        }
    }
}

fn operations_surface(builder: &[Item], out: &mut String) {
    for item in builder {
        let Item::Impl(imp) = item else { continue };
        let Type::Path(self_ty) = imp.self_ty.as_ref() else {
            continue;
        };
        let name = &self_ty.path.segments.last().unwrap().ident;
        out.push_str(&format!("operation {name}:\n"));
        for member in &imp.items {
            let syn2::ImplItem::Fn(f) = member else {
                continue;
            };
            if !is_public(&f.vis) {
                continue;
            }
            let sig = &f.sig;
            let bounds: Vec<String> = sig
                .generics
                .where_clause
                .iter()
                .flat_map(|w| w.predicates.iter())
                .map(show)
                .filter(|b| b.contains("TryInto"))
                .collect();
            let output = match &sig.output {
                syn2::ReturnType::Default => String::new(),
                syn2::ReturnType::Type(_, ty) => format!(" -> {}", show(ty)),
            };
            out.push_str(&format!(
                "    {}{}{}{}\n",
                if sig.asyncness.is_some() {
                    "async "
                } else {
                    ""
                },
                sig.ident,
                if bounds.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", bounds.join("; "))
                },
                output
            ));
        }
    }
}

#[test]
fn generated_types_and_operations() {
    let file = generated();
    let mut types = String::new();
    types_surface(items(module(&file.items, "types")), &mut types);
    insta::assert_snapshot!("types", types);

    let mut operations = String::new();
    // The client's entry points.
    for item in &file.items {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || show(&imp.self_ty) != "Client" {
            continue;
        }
        for member in &imp.items {
            let syn2::ImplItem::Fn(f) = member else {
                continue;
            };
            if !is_public(&f.vis) {
                continue;
            }
            let output = match &f.sig.output {
                syn2::ReturnType::Default => String::new(),
                syn2::ReturnType::Type(_, ty) => format!(" -> {}", show(ty)),
            };
            operations.push_str(&format!("Client::{}{output}\n", f.sig.ident));
        }
    }
    operations_surface(items(module(&file.items, "builder")), &mut operations);
    insta::assert_snapshot!("operations", operations);
}
