//! JSON Schemas of constrained strings that keep their constraints.
//!
//! typify turns a string with `minLength`/`maxLength`/`pattern` into a
//! validated newtype, but derives `schemars::JsonSchema` on it through
//! `#[serde(transparent)]`, which emits a bare `{"type": "string"}`. For each
//! such newtype we replace the derive with an impl that states the limits, so
//! the schema users emit from the Rust types says what the spec says.

use openapiv3::{ReferenceOr, SchemaKind, Type};
use quote::{format_ident, quote};
use syn::punctuated::Punctuated;
use syn::{Item, Path, Token};

use workspace_orders_openapi::pointer::escape as pointer_token;

use crate::naming::typify_property_type_name;

/// A constrained string property and the newtype typify makes of it.
pub struct ConstrainedString {
    pub pointer: String,
    pub type_name: String,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub pattern: Option<String>,
}

/// Inline constrained string properties of component object schemas (the
/// shape the spec uses), named the way typify names them: parent type and
/// property in UpperCamelCase.
pub fn collect(openapi: &openapiv3::OpenAPI) -> Vec<ConstrainedString> {
    let mut found = Vec::new();
    let Some(components) = &openapi.components else {
        return found;
    };
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            continue;
        };
        for (property, schema) in &object.properties {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
                continue;
            };
            let constrained = string.min_length.is_some()
                || string.max_length.is_some()
                || string.pattern.is_some();
            if !constrained || !string.enumeration.is_empty() {
                continue;
            }
            found.push(ConstrainedString {
                pointer: format!(
                    "/components/schemas/{}/properties/{}",
                    pointer_token(name),
                    pointer_token(property)
                ),
                type_name: typify_property_type_name(
                    name,
                    property,
                    schema.schema_data.title.as_deref(),
                ),
                min_length: string.min_length,
                max_length: string.max_length,
                pattern: string.pattern.clone(),
            });
        }
    }
    found
}

/// Rewrites the `types` module of the generated file; returns the pointers of
/// constrained strings whose newtype was not found.
pub fn apply(file: &mut syn::File, strings: &[ConstrainedString]) -> Vec<String> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return strings.iter().map(|s| s.pointer.clone()).collect();
    };
    let mut missing = Vec::new();
    for string in strings {
        let found = types.iter_mut().find_map(|item| match item {
            Item::Struct(s) if s.ident == string.type_name => Some(s),
            _ => None,
        });
        let Some(newtype) = found else {
            missing.push(format!(
                "{} (expected type {})",
                string.pointer, string.type_name
            ));
            continue;
        };
        for attr in &mut newtype.attrs {
            if !attr.path().is_ident("derive") {
                continue;
            }
            let Ok(paths) = attr.parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
            else {
                continue;
            };
            let kept: Vec<&Path> = paths
                .iter()
                .filter(|p| p.segments.last().is_none_or(|s| s.ident != "JsonSchema"))
                .collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
        let ident = format_ident!("{}", string.type_name);
        let name = &string.type_name;
        let some = |v: Option<usize>| match v {
            Some(v) => {
                let v = u32::try_from(v).unwrap_or(u32::MAX);
                quote!(Some(#v))
            }
            None => quote!(None),
        };
        let (min, max) = (some(string.min_length), some(string.max_length));
        let pattern = match &string.pattern {
            Some(p) => quote!(Some(#p.to_string())),
            None => quote!(None),
        };
        types.push(syn::parse_quote! {
            impl schemars::JsonSchema for #ident {
                fn schema_name() -> ::std::string::String {
                    #name.to_string()
                }
                fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                    schemars::schema::SchemaObject {
                        instance_type: Some(schemars::schema::InstanceType::String.into()),
                        string: Some(Box::new(schemars::schema::StringValidation {
                            min_length: #min,
                            max_length: #max,
                            pattern: #pattern,
                        })),
                        ..Default::default()
                    }
                    .into()
                }
            }
        });
    }
    missing
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn strings(schemas: Value) -> Vec<ConstrainedString> {
        let openapi: openapiv3::OpenAPI = serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }))
        .expect("a valid OpenAPI document");
        collect(&openapi)
    }

    #[test]
    fn constrained_inline_strings_are_found_under_typifys_names() {
        let found = strings(json!({
            "Thing": {"type": "object", "properties": {
                "vpcID": {"type": "string", "minLength": 1, "maxLength": 32},
                "code": {"type": "string", "pattern": "^[a-z]+$", "title": "product code"},
            }},
        }));
        let found: Vec<_> = found
            .iter()
            .map(|s| {
                (
                    s.pointer.as_str(),
                    s.type_name.as_str(),
                    s.min_length,
                    s.max_length,
                    s.pattern.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "/components/schemas/Thing/properties/vpcID",
                    "ThingVpcId",
                    Some(1),
                    Some(32),
                    None
                ),
                (
                    "/components/schemas/Thing/properties/code",
                    "ProductCode",
                    None,
                    None,
                    Some("^[a-z]+$")
                ),
            ]
        );
    }

    /// typify makes no validated newtype of these, so there is nothing to fix.
    #[test]
    fn strings_typify_types_otherwise_are_left_alone() {
        let found = strings(json!({
            "Item": {"type": "string", "maxLength": 3},
            "Thing": {"type": "object", "properties": {
                "plain": {"type": "string"},
                "kind": {"type": "string", "maxLength": 3, "enum": ["a", "b"]},
                "item": {"$ref": "#/components/schemas/Item"},
                "count": {"type": "integer", "maximum": 3},
            }},
        }));
        assert!(
            found.is_empty(),
            "{:?}",
            found.iter().map(|s| &s.pointer).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_newtype_schema_states_the_limits_and_a_missing_newtype_is_reported() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, schemars::JsonSchema, Debug)]
                #[serde(transparent)]
                pub struct ThingCode(String);
            }
        };
        let wanted = |type_name: &str| ConstrainedString {
            pointer: format!("/components/schemas/Thing/properties/{type_name}"),
            type_name: type_name.into(),
            min_length: Some(2),
            max_length: None,
            pattern: Some("^[a-z]+$".into()),
        };
        let missing = apply(&mut file, &[wanted("ThingCode"), wanted("ThingOther")]);
        assert_eq!(
            missing,
            ["/components/schemas/Thing/properties/ThingOther (expected type ThingOther)"]
        );
        let code = prettyplease::unparse(&file);
        assert!(code.contains("#[derive(Clone, Debug)]"), "{code}");
        let squashed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(
            squashed.contains("implschemars::JsonSchemaforThingCode"),
            "{code}"
        );
        assert!(
            squashed.contains(
                "min_length:Some(2u32),max_length:None,pattern:Some(\"^[a-z]+$\".to_string())"
            ),
            "{code}"
        );
    }
}
