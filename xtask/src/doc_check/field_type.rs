//! The type notation of the doc pages' Type column (`String`, `Array of X
//! objects`, `X object`, …) and the type a spec schema gives a field, in one
//! vocabulary so the two can be compared.

use std::fmt;

/// The shape of a field, as either side describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array(Box<Shape>),
    /// A spec schema this tool cannot reduce to one shape (no `type`, `oneOf`, …).
    Other(String),
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Shape::String => f.write_str("string"),
            Shape::Integer => f.write_str("integer"),
            Shape::Number => f.write_str("number"),
            Shape::Boolean => f.write_str("boolean"),
            Shape::Object => f.write_str("object"),
            Shape::Array(items) => write!(f, "array of {items}"),
            Shape::Other(text) => f.write_str(text),
        }
    }
}

/// A Type cell of a doc page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Scalar(Shape),
    /// `X object`: its members are in the page's table titled `X`
    /// (`None` for a free-form `Object`).
    Object(Option<String>),
    /// `Array of …`.
    Array(Box<FieldType>),
}

impl FieldType {
    /// Reads a Type cell; `None` when the text is not a type the pages use.
    pub fn parse(text: &str) -> Option<FieldType> {
        let text = text.trim();
        if let Some(scalar) = scalar(text) {
            return Some(FieldType::Scalar(scalar));
        }
        if text == "Object" || text.starts_with("Map<") {
            return Some(FieldType::Object(None));
        }
        if let Some(rest) = text.strip_prefix("Array of ") {
            let item = match rest {
                "strings" => FieldType::Scalar(Shape::String),
                "integers" | "longs" => FieldType::Scalar(Shape::Integer),
                "numbers" | "floats" | "doubles" => FieldType::Scalar(Shape::Number),
                "booleans" => FieldType::Scalar(Shape::Boolean),
                "objects" => FieldType::Object(None),
                _ => {
                    let name = rest.strip_suffix(" objects")?;
                    FieldType::Object(Some(table_name(name)?.to_string()))
                }
            };
            return Some(FieldType::Array(Box::new(item)));
        }
        let name = text.strip_suffix(" object")?;
        Some(FieldType::Object(Some(table_name(name)?.to_string())))
    }

    /// The shape this type describes, for comparison with the spec.
    pub fn shape(&self) -> Shape {
        match self {
            FieldType::Scalar(shape) => shape.clone(),
            FieldType::Object(_) => Shape::Object,
            FieldType::Array(item) => Shape::Array(Box::new(item.shape())),
        }
    }
}

fn scalar(text: &str) -> Option<Shape> {
    Some(match text {
        "String" => Shape::String,
        "Integer" | "Long" | "Int" => Shape::Integer,
        "Number" | "Float" | "Double" | "BigDecimal" => Shape::Number,
        "Boolean" => Shape::Boolean,
        _ => return None,
    })
}

/// A referenced table's title: one capitalised identifier-like word (the
/// pages name object tables like types: `Resource`, `CreateDesktopReq`).
fn table_name(name: &str) -> Option<&str> {
    let mut chars = name.chars();
    let first = chars.next()?;
    (first.is_ascii_uppercase() && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_notation_the_pages_use() {
        assert_eq!(
            FieldType::parse("String"),
            Some(FieldType::Scalar(Shape::String))
        );
        assert_eq!(
            FieldType::parse("Long"),
            Some(FieldType::Scalar(Shape::Integer))
        );
        assert_eq!(
            FieldType::parse("Array of strings").map(|t| t.shape()),
            Some(Shape::Array(Box::new(Shape::String)))
        );
        assert_eq!(
            FieldType::parse("Array of Volume objects"),
            Some(FieldType::Array(Box::new(FieldType::Object(Some(
                "Volume".into()
            )))))
        );
        assert_eq!(
            FieldType::parse("CreateServices object"),
            Some(FieldType::Object(Some("CreateServices".into())))
        );
    }

    #[test]
    fn rejects_prose() {
        for text in [
            "Disk type.",
            "Yes",
            "Array of Volume object",
            "an object",
            "Two words object",
        ] {
            assert_eq!(FieldType::parse(text), None, "{text}");
        }
    }
}
