//! Puts the generated `schemars::JsonSchema` derives and impls behind the client
//! crate's `schemars` feature, off by default: the derives and the schemars stack
//! compiled in every consumer build, and few consumers emit JSON Schemas.
//!
//! progenitor has no switch for this, so its output is rewritten: `JsonSchema` leaves
//! every `#[derive(..)]` list and comes back as
//! `#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]`, and every
//! `impl .. JsonSchema for ..` gets `#[cfg(feature = "schemars")]`. Runs last, so it
//! also covers the impls other passes add.

use syn::punctuated::Punctuated;
use syn::{Attribute, Item, Path, Token};

/// Rewrites `file` in place, walking nested modules.
pub fn apply(file: &mut syn::File) {
    apply_items(&mut file.items);
}

fn apply_items(items: &mut [Item]) {
    for item in items {
        match item {
            Item::Mod(module) => {
                if let Some((_, items)) = &mut module.content {
                    apply_items(items);
                }
            }
            Item::Struct(item) => gate_derive(&mut item.attrs),
            Item::Enum(item) => gate_derive(&mut item.attrs),
            Item::Impl(item) => {
                let implements_json_schema = item
                    .trait_
                    .as_ref()
                    .is_some_and(|(path, _)| is_json_schema(path));
                if implements_json_schema {
                    item.attrs
                        .insert(0, syn::parse_quote!(#[cfg(feature = "schemars")]));
                }
            }
            _ => {}
        }
    }
}

fn is_json_schema(path: &Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "JsonSchema")
}

/// Moves `JsonSchema` out of the item's derive lists into one `cfg_attr`.
fn gate_derive(attrs: &mut Vec<Attribute>) {
    let mut derived = false;
    for attr in attrs.iter_mut() {
        if !attr.path().is_ident("derive") {
            continue;
        }
        let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
        else {
            continue;
        };
        if !paths.iter().any(is_json_schema) {
            continue;
        }
        derived = true;
        let kept: Vec<&Path> = paths.iter().filter(|p| !is_json_schema(p)).collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    if derived {
        // Right after the derives, before helper attributes such as `#[serde(..)]`.
        let at = attrs
            .iter()
            .rposition(|a| a.path().is_ident("derive"))
            .map_or(0, |i| i + 1);
        attrs.insert(
            at,
            syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]),
        );
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    fn rewritten(source: &str) -> String {
        let mut file: syn::File = syn::parse_str(source).unwrap();
        apply(&mut file);
        file.into_token_stream().to_string()
    }

    #[test]
    fn derives_and_impls_are_gated_in_nested_modules() {
        let out = rewritten(
            "pub mod types { \
               #[derive(Clone, schemars::JsonSchema)] #[serde(transparent)] pub struct A(String); \
               #[derive(Debug, ::schemars::JsonSchema)] pub enum B { X } \
               impl ::schemars::JsonSchema for C {} \
               impl Clone for D {} }",
        );
        assert_eq!(
            out,
            "pub mod types { \
             # [derive (Clone)] \
             # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] \
             # [serde (transparent)] pub struct A (String) ; \
             # [derive (Debug)] \
             # [cfg_attr (feature = \"schemars\" , derive (schemars :: JsonSchema))] \
             pub enum B { X } \
             # [cfg (feature = \"schemars\")] impl :: schemars :: JsonSchema for C { } \
             impl Clone for D { } }"
        );
    }
}
