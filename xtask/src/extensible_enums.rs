//! Open value lists (`x-extensible-enum`) as discoverable Rust types.
//!
//! Where Huawei's sources leave a value list open (image types, disk types,
//! EIP types…), the spec says `type: string` and lists the known values in
//! `x-extensible-enum` (Zalando's convention), with `x-enum-descriptions` and
//! `x-enum-varnames` beside it. Every other generator sees a plain string.
//! typify would too, so for each such component schema we replace its type
//! (progenitor's `with_replacement`) with a newtype emitted here: it holds any
//! string, compares by value, and carries one associated constant per known
//! value, documented with the value's meaning, plus `KNOWN`, `is_known` and
//! `description`. The constants come from the spec, never from a hand list.

use std::collections::BTreeSet;

use openapiv3::{ReferenceOr, SchemaKind, Type};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Item;

use workspace_orders_openapi::pointer::escape as pointer_token;

use crate::naming::{is_typify_type_name, typify_type_name};

const EXTENSION: &str = "x-extensible-enum";

/// Where the generated types live, as seen from inside the client crate.
const TYPES_PATH: &str = "crate::generated::types";

/// One open list and what the generator emits for it.
#[derive(Debug)]
pub struct ExtensibleEnum {
    /// Component schema name, also the Rust type name.
    pub name: String,
    pub description: Option<String>,
    pub values: Vec<KnownValue>,
}

#[derive(Debug)]
pub struct KnownValue {
    pub value: String,
    /// The associated constant's name.
    pub const_name: String,
    pub description: Option<String>,
}

impl ExtensibleEnum {
    /// The path typify puts at every use of the schema.
    pub fn rust_path(&self) -> String {
        format!("{TYPES_PATH}::{}", self.name)
    }
}

/// Finds every `x-extensible-enum`; errors name the JSON pointer. The
/// extension is accepted only on a component schema of `type: string`
/// without `enum` or other string constraints, so the generated type has a
/// name and nothing it does not enforce.
pub fn collect(
    json: &Value,
    openapi: &openapiv3::OpenAPI,
) -> Result<Vec<ExtensibleEnum>, Vec<(String, String)>> {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    let mut allowed_places = BTreeSet::new();
    if let Some(components) = &openapi.components {
        for (name, schema) in &components.schemas {
            let ReferenceOr::Item(schema) = schema else {
                continue;
            };
            let Some(values) = schema.schema_data.extensions.get(EXTENSION) else {
                continue;
            };
            let at = format!("/components/schemas/{}", pointer_token(name));
            allowed_places.insert(format!("{at}/{EXTENSION}"));
            match one(name, schema, values) {
                Ok(open) => found.push(open),
                Err(message) => problems.push((at, message)),
            }
        }
    }
    find_misplaced(json, &mut String::new(), &allowed_places, &mut problems);
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

fn one(name: &str, schema: &openapiv3::Schema, values: &Value) -> Result<ExtensibleEnum, String> {
    if !is_typify_type_name(name) {
        return Err(format!(
            "{EXTENSION}: the schema name `{name}` must be UpperCamelCase ASCII as typify spells it (`{}`): \
             it names the Rust type and the replacement typify looks up",
            typify_type_name(name)
        ));
    }
    let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
        return Err(format!("{EXTENSION} needs `type: string`"));
    };
    if !string.enumeration.is_empty() {
        return Err(format!(
            "{EXTENSION} and `enum` together: an open list has no `enum` (other values are valid)"
        ));
    }
    if string.min_length.is_some() || string.max_length.is_some() || string.pattern.is_some() {
        return Err(format!(
            "{EXTENSION} with minLength/maxLength/pattern is not supported by the generator yet"
        ));
    }
    if schema.schema_data.nullable {
        return Err(format!("{EXTENSION} on a nullable schema is not supported"));
    }
    let values = string_list(values, EXTENSION)?;
    if values.is_empty() {
        return Err(format!("{EXTENSION} lists no values"));
    }
    let extension = |key: &str| -> Result<Option<Vec<String>>, String> {
        match schema.schema_data.extensions.get(key) {
            None => Ok(None),
            Some(list) => {
                let list = string_list(list, key)?;
                if list.len() != values.len() {
                    return Err(format!(
                        "{key} has {} entries for {} values in {EXTENSION}",
                        list.len(),
                        values.len()
                    ));
                }
                Ok(Some(list))
            }
        }
    };
    let names = extension("x-enum-varnames")?;
    let descriptions = extension("x-enum-descriptions")?;
    let mut seen_values = BTreeSet::new();
    let mut seen_names = BTreeSet::new();
    let mut known = Vec::new();
    for (i, value) in values.iter().enumerate() {
        if !seen_values.insert(value.clone()) {
            return Err(format!("{EXTENSION} lists `{value}` twice"));
        }
        let const_name = match &names {
            Some(names) => names[i].clone(),
            None => screaming_snake(value),
        };
        if !is_const_name(&const_name) {
            return Err(format!(
                "`{value}` gives the constant name `{const_name}`, which is not SCREAMING_SNAKE_CASE \
                 starting with a letter; name it in x-enum-varnames"
            ));
        }
        if matches!(const_name.as_str(), "KNOWN") || !seen_names.insert(const_name.clone()) {
            return Err(format!(
                "the constant name `{const_name}` (for `{value}`) is used twice or reserved"
            ));
        }
        known.push(KnownValue {
            value: value.clone(),
            const_name,
            description: descriptions.as_ref().map(|d| d[i].clone()),
        });
    }
    Ok(ExtensibleEnum {
        name: name.to_string(),
        description: schema.schema_data.description.clone(),
        values: known,
    })
}

fn string_list(value: &Value, key: &str) -> Result<Vec<String>, String> {
    let Some(items) = value.as_array() else {
        return Err(format!("{key} must be a list of strings"));
    };
    items
        .iter()
        .map(|item| {
            item.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{key} must be a list of strings, found {item}"))
        })
        .collect()
}

/// `x-extensible-enum` anywhere but on a component schema cannot be given a
/// type name: report it instead of silently generating a plain `String`.
fn find_misplaced(
    node: &Value,
    at: &mut String,
    allowed: &BTreeSet<String>,
    problems: &mut Vec<(String, String)>,
) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&pointer_token(key));
                if key == EXTENSION && !allowed.contains(at.as_str()) {
                    problems.push((
                        at.clone(),
                        format!(
                            "{EXTENSION} is supported only on a component schema (`$ref` it from the property)"
                        ),
                    ));
                }
                find_misplaced(value, at, allowed, problems);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                find_misplaced(value, at, allowed, problems);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn is_const_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// `createDesktops` → `CREATE_DESKTOPS`, `GPSSD` → `GPSSD`, `wks_traffic` →
/// `WKS_TRAFFIC`.
fn screaming_snake(value: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in value.chars() {
        if !c.is_ascii_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        } else {
            if c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                && !out.ends_with('_')
            {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
        }
        previous = Some(c);
    }
    out.trim_end_matches('_').to_string()
}

/// Registers the replacement of each open list's component type.
pub fn register(settings: &mut progenitor::GenerationSettings, open: &[ExtensibleEnum]) {
    for list in open {
        settings.with_replacement(
            &list.name,
            list.rust_path(),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }
}

/// Adds each open list's newtype to the `types` module; returns the names
/// of lists that the generated code does not use (a replacement typify did
/// not apply would leave the type missing).
pub fn apply(file: &mut syn::File, open: &[ExtensibleEnum]) -> Result<(), String> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Err("the generated code has no `types` module".into());
    };
    for list in open {
        let clash = types.iter().any(|item| match item {
            Item::Struct(s) => s.ident == list.name,
            Item::Enum(e) => e.ident == list.name,
            _ => false,
        });
        if clash {
            return Err(format!(
                "typify generated its own `{}`: the replacement of /components/schemas/{} was not applied",
                list.name,
                pointer_token(&list.name)
            ));
        }
        let file: syn::File = syn::parse2(newtype(list))
            .map_err(|e| format!("the type for `{}` does not parse: {e}", list.name))?;
        types.extend(file.items);
    }
    Ok(())
}

fn newtype(list: &ExtensibleEnum) -> TokenStream {
    let ident = format_ident!("{}", list.name);
    let name = &list.name;
    let mut type_doc: Vec<String> = Vec::new();
    if let Some(description) = &list.description {
        type_doc.push(description.clone());
        type_doc.push(String::new());
    }
    type_doc.push(
        "An open list: any string is accepted and sent as it is. The values the spec \
         documents are the associated constants (all of them in [`Self::KNOWN`])."
            .to_string(),
    );
    let consts = list.values.iter().map(|known| {
        let const_ident = format_ident!("{}", known.const_name);
        let value = &known.value;
        let doc = match &known.description {
            Some(description) => format!("`{value}`: {description}."),
            None => format!("`{value}`."),
        };
        quote! {
            #[doc = #doc]
            pub const #const_ident: Self = Self(::std::borrow::Cow::Borrowed(#value));
        }
    });
    let known_idents: Vec<_> = list
        .values
        .iter()
        .map(|k| format_ident!("{}", k.const_name))
        .collect();
    let description_arms = list.values.iter().filter_map(|known| {
        let value = &known.value;
        known
            .description
            .as_ref()
            .map(|d| quote!(#value => ::std::option::Option::Some(#d),))
    });
    let values: Vec<&String> = list.values.iter().map(|k| &k.value).collect();
    let schema_description = match &list.description {
        Some(d) => quote!(::std::option::Option::Some(#d.to_string())),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        #(#[doc = #type_doc])*
        #[derive(
            ::serde::Deserialize,
            ::serde::Serialize,
            Clone,
            Debug,
            Eq,
            Hash,
            Ord,
            PartialEq,
            PartialOrd
        )]
        #[serde(transparent)]
        pub struct #ident(::std::borrow::Cow<'static, str>);

        impl #ident {
            #(#consts)*

            /// Every value the spec documents, in the spec's order.
            pub const KNOWN: &'static [Self] = &[#(Self::#known_idents),*];

            /// The value as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Whether the spec documents this value.
            pub fn is_known(&self) -> bool {
                Self::KNOWN.contains(self)
            }

            /// The spec's description of a documented value.
            pub fn description(&self) -> ::std::option::Option<&'static str> {
                match self.as_str() {
                    #(#description_arms)*
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                Self(::std::borrow::Cow::Owned(value.to_string()))
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                Self(::std::borrow::Cow::Owned(value))
            }
        }

        impl ::std::convert::From<#ident> for ::std::string::String {
            fn from(value: #ident) -> Self {
                value.0.into_owned()
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(value.into())
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::ops::Deref for #ident {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::string::String {
                #name.to_string()
            }
            fn json_schema(_: &mut schemars::r#gen::SchemaGenerator) -> schemars::schema::Schema {
                let mut extensions = schemars::Map::new();
                extensions.insert(
                    "x-extensible-enum".to_string(),
                    ::serde_json::json!([#(#values),*]),
                );
                schemars::schema::SchemaObject {
                    metadata: ::std::option::Option::Some(::std::boxed::Box::new(
                        schemars::schema::Metadata {
                            description: #schema_description,
                            ..::std::default::Default::default()
                        },
                    )),
                    instance_type: ::std::option::Option::Some(
                        schemars::schema::InstanceType::String.into(),
                    ),
                    extensions,
                    ..::std::default::Default::default()
                }
                .into()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{one, screaming_snake};

    /// typify looks a replacement up under its own spelling of the name; a
    /// name it re-cases would silently get typify's plain type instead.
    #[test]
    fn a_list_name_typify_would_recase_is_refused() {
        let schema: openapiv3::Schema =
            serde_json::from_value(serde_json::json!({"type": "string"})).expect("a schema");
        let values = serde_json::json!(["SSD"]);
        let Err(error) = one("ABCType", &schema, &values) else {
            panic!("ABCType is refused");
        };
        assert!(error.contains("as typify spells it (`AbcType`)"), "{error}");
        assert!(one("AbcType", &schema, &values).is_ok());
    }

    #[test]
    fn constant_names_from_values() {
        assert_eq!(screaming_snake("createDesktops"), "CREATE_DESKTOPS");
        assert_eq!(
            screaming_snake("ApplySubnetBandwidth"),
            "APPLY_SUBNET_BANDWIDTH"
        );
        assert_eq!(screaming_snake("GPSSD"), "GPSSD");
        assert_eq!(screaming_snake("wks_traffic"), "WKS_TRAFFIC");
        assert_eq!(screaming_snake("5_bgp"), "5_BGP");
    }
}
