//! Mapping the constraints typify drops to the client crate's constrained types.
//!
//! typify (used by progenitor) keeps string lengths, patterns and enums, but
//! turns an integer with `minimum`/`maximum`/`multipleOf` into a bare `i64`
//! and an array with `minItems`/`maxItems` into a bare `Vec`. For each such
//! schema we register a conversion to `crate::constrained::BoundedInteger` or
//! `crate::constrained::BoundedVec`, whose constructors enforce the limits.
//!
//! typify looks conversions up by exact `schemars` equality with the metadata
//! (description, default, examples…) removed, so the schema object built here
//! must be the one progenitor's own OpenAPI→schemars translation produces.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use schemars::schema::{
    ArrayValidation, InstanceType, NumberValidation, SchemaObject, SingleOrVec,
};

use workspace_orders_openapi::pointer::escape as pointer_token;

/// One constrained schema and the Rust type that enforces it.
pub struct Conversion {
    /// JSON pointer of the schema in the spec.
    pub pointer: String,
    /// The schema as typify will look it up.
    pub schema: SchemaObject,
    /// The Rust type that replaces it in the generated code.
    pub rust_type: String,
}

/// Where the generated types live, as seen from inside the client crate.
const TYPES_PATH: &str = "crate::generated::types";

/// Finds every constrained integer and array schema under
/// `components/schemas`; errors name the pointer of a schema that cannot be
/// mapped.
pub fn collect(openapi: &openapiv3::OpenAPI) -> Result<Vec<Conversion>, Vec<(String, String)>> {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    if let Some(components) = &openapi.components {
        for (name, schema) in &components.schemas {
            let at = format!("/components/schemas/{}", pointer_token(name));
            walk(schema, &at, &mut found, &mut problems);
        }
    }
    // The same schema object in two places maps to the same type: register
    // it once (typify would use the first anyway).
    let mut unique: Vec<Conversion> = Vec::new();
    for conversion in found {
        if !unique.iter().any(|c| c.schema == conversion.schema) {
            unique.push(conversion);
        }
    }
    if problems.is_empty() {
        Ok(unique)
    } else {
        Err(problems)
    }
}

fn walk(
    schema: &ReferenceOr<Schema>,
    at: &str,
    found: &mut Vec<Conversion>,
    problems: &mut Vec<(String, String)>,
) {
    let ReferenceOr::Item(schema) = schema else {
        return;
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(integer)) => {
            let constrained = integer.minimum.is_some()
                || integer.maximum.is_some()
                || integer.multiple_of.is_some();
            if !constrained {
                return;
            }
            if !integer.enumeration.is_empty() {
                problems.push((
                    at.to_string(),
                    "an integer enum with range keywords is not supported; use one or the other"
                        .into(),
                ));
                return;
            }
            match integer_conversion(schema, integer) {
                Ok(conversion) => found.push(Conversion {
                    pointer: at.to_string(),
                    ..conversion
                }),
                Err(message) => problems.push((at.to_string(), message)),
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                walk(
                    &items.clone().unbox(),
                    &format!("{at}/items"),
                    found,
                    problems,
                );
            }
            if array.min_items.is_none() && array.max_items.is_none() {
                return;
            }
            match array_conversion(schema, array) {
                Ok(conversion) => found.push(Conversion {
                    pointer: at.to_string(),
                    ..conversion
                }),
                Err(message) => problems.push((at.to_string(), message)),
            }
        }
        SchemaKind::Type(Type::Object(object)) => {
            for (name, property) in &object.properties {
                walk(
                    &property.clone().unbox(),
                    &format!("{at}/properties/{}", pointer_token(name)),
                    found,
                    problems,
                );
            }
        }
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::OneOf { one_of: list }
        | SchemaKind::AnyOf { any_of: list } => {
            let keyword = match &schema.schema_kind {
                SchemaKind::AllOf { .. } => "allOf",
                SchemaKind::OneOf { .. } => "oneOf",
                _ => "anyOf",
            };
            for (i, sub) in list.iter().enumerate() {
                walk(sub, &format!("{at}/{keyword}/{i}"), found, problems);
            }
        }
        _ => {}
    }
}

fn metadata_free(schema: &Schema) -> Result<schemars::Map<String, serde_json::Value>, String> {
    if schema.schema_data.nullable {
        return Err("nullable constrained schemas are not supported".into());
    }
    Ok(schema.schema_data.extensions.clone().into_iter().collect())
}

fn integer_conversion(
    schema: &Schema,
    integer: &openapiv3::IntegerType,
) -> Result<Conversion, String> {
    let extensions = metadata_free(schema)?;
    let (type_min, type_max) = match integer.format {
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
            (i64::from(i32::MIN), i64::from(i32::MAX))
        }
        _ => (i64::MIN, i64::MAX),
    };
    let min = match integer.minimum {
        Some(v) if integer.exclusive_minimum => {
            v.checked_add(1).ok_or("exclusiveMinimum overflows")?
        }
        Some(v) => v,
        None => type_min,
    };
    let max = match integer.maximum {
        Some(v) if integer.exclusive_maximum => {
            v.checked_sub(1).ok_or("exclusiveMaximum overflows")?
        }
        Some(v) => v,
        None => type_max,
    };
    let step = integer.multiple_of.unwrap_or(1);
    if step < 1 {
        return Err(format!("multipleOf must be positive, not {step}"));
    }
    if min > max {
        return Err(format!("empty range: minimum {min} is above maximum {max}"));
    }

    // Mirror of progenitor's translation (to_schema.rs): exclusive bounds
    // move to the exclusive_* keywords, numbers become f64.
    let bound = |value: Option<i64>, exclusive: bool| match (value, exclusive) {
        (Some(v), true) => (None, Some(v as f64)),
        (Some(v), false) => (Some(v as f64), None),
        (None, _) => (None, None),
    };
    let (maximum, exclusive_maximum) = bound(integer.maximum, integer.exclusive_maximum);
    let (minimum, exclusive_minimum) = bound(integer.minimum, integer.exclusive_minimum);
    let format = match &integer.format {
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
            Some("int32".to_string())
        }
        openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => {
            Some("int64".to_string())
        }
        openapiv3::VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    };
    let schema = SchemaObject {
        instance_type: Some(SingleOrVec::Single(Box::new(InstanceType::Integer))),
        format,
        number: Some(Box::new(NumberValidation {
            multiple_of: integer.multiple_of.map(|v| v as f64),
            maximum,
            exclusive_maximum,
            minimum,
            exclusive_minimum,
        })),
        extensions,
        ..Default::default()
    };
    Ok(Conversion {
        pointer: String::new(),
        schema,
        rust_type: format!(
            "crate::constrained::BoundedInteger<{}, {}, {}>",
            const_arg(min),
            const_arg(max),
            step
        ),
    })
}

/// A const generic argument; negative values need braces.
fn const_arg(value: i64) -> String {
    if value < 0 {
        format!("{{ {value} }}")
    } else {
        value.to_string()
    }
}

fn array_conversion(schema: &Schema, array: &openapiv3::ArrayType) -> Result<Conversion, String> {
    let extensions = metadata_free(schema)?;
    if array.unique_items {
        return Err("uniqueItems on a size-constrained array is not supported".into());
    }
    let items = array
        .items
        .as_ref()
        .ok_or("a size-constrained array needs `items`")?
        .clone()
        .unbox();
    let (item_schema, item_type) = match &items {
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/schemas/")
                .ok_or_else(|| format!("items $ref `{reference}` is not a component schema"))?;
            if !crate::naming::is_typify_type_name(name) {
                return Err(format!(
                    "items $ref `{reference}`: component names of constrained arrays must be UpperCamelCase ASCII as typify spells it (`{}`)",
                    crate::naming::typify_type_name(name)
                ));
            }
            (
                schemars::schema::Schema::Object(SchemaObject::new_ref(reference.clone())),
                format!("{TYPES_PATH}::{name}"),
            )
        }
        ReferenceOr::Item(item) => match &item.schema_kind {
            SchemaKind::Type(Type::String(string))
                if *string == openapiv3::StringType::default()
                    && item.schema_data == openapiv3::SchemaData::default() =>
            {
                (
                    schemars::schema::Schema::Object(SchemaObject {
                        instance_type: Some(SingleOrVec::Single(Box::new(InstanceType::String))),
                        ..Default::default()
                    }),
                    "::std::string::String".to_string(),
                )
            }
            _ => {
                return Err(
                    "items of a size-constrained array must be a $ref or a plain `type: string` schema"
                        .into(),
                );
            }
        },
    };
    let min = array.min_items.unwrap_or(0);
    let max = array.max_items.unwrap_or(usize::MAX);
    if min > max {
        return Err(format!(
            "empty range: minItems {min} is above maxItems {max}"
        ));
    }
    let schema = SchemaObject {
        instance_type: Some(SingleOrVec::Single(Box::new(InstanceType::Array))),
        array: Some(Box::new(ArrayValidation {
            items: Some(SingleOrVec::Single(Box::new(item_schema))),
            additional_items: None,
            max_items: array.max_items.map(|v| v as u32),
            min_items: array.min_items.map(|v| v as u32),
            unique_items: None,
            contains: None,
        })),
        extensions,
        ..Default::default()
    };
    let max_arg = if max == usize::MAX {
        "{ usize::MAX }".to_string()
    } else {
        max.to_string()
    };
    Ok(Conversion {
        pointer: String::new(),
        schema,
        rust_type: format!("crate::constrained::BoundedVec<{item_type}, {min}, {max_arg}>"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn document(schemas: Value) -> openapiv3::OpenAPI {
        serde_json::from_value(json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas},
        }))
        .expect("a valid OpenAPI document")
    }

    fn conversions(schemas: Value) -> Vec<Conversion> {
        collect(&document(schemas))
            .unwrap_or_else(|problems| panic!("unexpected problems: {problems:?}"))
    }

    fn problems(schemas: Value) -> Vec<(String, String)> {
        match collect(&document(schemas)) {
            Ok(found) => panic!("expected problems, got {} conversions", found.len()),
            Err(problems) => problems,
        }
    }

    fn one_property(property: Value) -> Value {
        json!({"Thing": {"type": "object", "properties": {"size": property}}})
    }

    #[test]
    fn a_bounded_integer_becomes_a_bounded_integer_matching_progenitors_schema() {
        let found = conversions(one_property(json!({
            "type": "integer", "format": "int32", "minimum": 10, "maximum": 100,
            "description": "metadata typify strips before looking up conversions",
        })));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].pointer,
            "/components/schemas/Thing/properties/size"
        );
        assert_eq!(
            found[0].rust_type,
            "crate::constrained::BoundedInteger<10, 100, 1>"
        );
        let number = found[0]
            .schema
            .number
            .as_deref()
            .expect("number validation");
        assert_eq!((number.minimum, number.maximum), (Some(10.0), Some(100.0)));
        assert_eq!(found[0].schema.format.as_deref(), Some("int32"));
        assert!(
            found[0].schema.metadata.is_none(),
            "the description is not part of the key"
        );
    }

    #[test]
    fn missing_bounds_come_from_the_format_and_exclusive_bounds_move_inwards() {
        let found = conversions(one_property(json!({
            "type": "integer", "format": "int32", "minimum": 0, "exclusiveMinimum": true,
        })));
        assert_eq!(
            found[0].rust_type,
            "crate::constrained::BoundedInteger<1, 2147483647, 1>"
        );
        // progenitor's schema keeps the bound exclusive; only the Rust type moves it.
        let number = found[0]
            .schema
            .number
            .as_deref()
            .expect("number validation");
        assert_eq!(
            (number.minimum, number.exclusive_minimum),
            (None, Some(0.0))
        );

        let found = conversions(one_property(json!({
            "type": "integer", "maximum": -1, "multipleOf": 5,
        })));
        assert_eq!(
            found[0].rust_type,
            format!(
                "crate::constrained::BoundedInteger<{{ {} }}, {{ -1 }}, 5>",
                i64::MIN
            )
        );
    }

    #[test]
    fn plain_values_get_no_conversion() {
        let found = conversions(json!({
            "Thing": {"type": "object", "properties": {
                "count": {"type": "integer", "format": "int32"},
                "names": {"type": "array", "items": {"type": "string"}},
                "label": {"type": "string", "maxLength": 5},
            }},
        }));
        assert!(found.is_empty());
    }

    #[test]
    fn a_bounded_array_of_refs_or_plain_strings_becomes_a_bounded_vec() {
        let found = conversions(json!({
            "Item": {"type": "object"},
            "Thing": {"type": "object", "properties": {
                "items": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Item"}},
                "names": {"type": "array", "maxItems": 3, "items": {"type": "string"}},
            }},
        }));
        let types: Vec<&str> = found.iter().map(|c| c.rust_type.as_str()).collect();
        assert_eq!(
            types,
            [
                "crate::constrained::BoundedVec<crate::generated::types::Item, 1, { usize::MAX }>",
                "crate::constrained::BoundedVec<::std::string::String, 0, 3>",
            ]
        );
        let array = found[1].schema.array.as_deref().expect("array validation");
        assert_eq!((array.min_items, array.max_items), (None, Some(3)));
    }

    #[test]
    fn constrained_schemas_are_found_inside_items_and_compositions() {
        let found = conversions(json!({
            "Thing": {"oneOf": [
                {"type": "object"},
                {"type": "array", "items": {"type": "integer", "minimum": 1}},
            ]},
        }));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/components/schemas/Thing/oneOf/1/items");
    }

    #[test]
    fn the_same_schema_twice_is_registered_once() {
        let found = conversions(json!({
            "A": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}},
            "B": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1, "description": "other words"}}},
        }));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].pointer, "/components/schemas/A/properties/n");
    }

    #[test]
    fn unenforceable_constraints_are_refused_at_their_place() {
        let cases = [
            (
                json!({"type": "integer", "minimum": 5, "maximum": 4}),
                "empty range: minimum 5 is above maximum 4",
            ),
            (
                json!({"type": "integer", "multipleOf": 0}),
                "multipleOf must be positive, not 0",
            ),
            (
                json!({"type": "integer", "minimum": 1, "enum": [1, 2]}),
                "an integer enum with range keywords is not supported; use one or the other",
            ),
            (
                json!({"type": "integer", "minimum": 1, "nullable": true}),
                "nullable constrained schemas are not supported",
            ),
            (
                json!({"type": "array", "minItems": 1, "uniqueItems": true, "items": {"type": "string"}}),
                "uniqueItems on a size-constrained array is not supported",
            ),
            (
                json!({"type": "array", "minItems": 1, "items": {"type": "string", "maxLength": 3}}),
                "items of a size-constrained array must be a $ref or a plain `type: string` schema",
            ),
            (
                json!({"type": "array", "minItems": 2, "maxItems": 1, "items": {"type": "string"}}),
                "empty range: minItems 2 is above maxItems 1",
            ),
            (
                json!({"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ABCItem"}}),
                "items $ref `#/components/schemas/ABCItem`: component names of constrained arrays must be UpperCamelCase ASCII as typify spells it (`AbcItem`)",
            ),
        ];
        for (schema, message) in cases {
            assert_eq!(
                problems(one_property(schema.clone())),
                [(
                    "/components/schemas/Thing/properties/size".to_string(),
                    message.to_string()
                )],
                "{schema}"
            );
        }
    }
}
