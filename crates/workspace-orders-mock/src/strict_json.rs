//! JSON parsing as strict as the client's typed deserialization: a key that appears
//! twice in one object is an error naming the object's field path, instead of the
//! last value silently winning (what `serde_json::Value` does).

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why a body is not acceptable JSON.
#[derive(Debug)]
pub enum JsonError {
    /// Not JSON at all (syntax, nesting too deep, a number no float holds…).
    Syntax(serde_json::Error),
    /// A key given twice in one object.
    DuplicateKey {
        /// Field path of the repeated key (`resources[0].add_volumes.desktop_id`).
        path: String,
        /// Where the second occurrence ends, as serde_json reports it.
        line: usize,
        /// See `line`.
        column: usize,
    },
}

/// Parses `bytes` as one JSON document, refusing repeated keys.
pub fn parse(bytes: &[u8]) -> Result<Value, JsonError> {
    let duplicate = std::cell::RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed = ValueSeed {
        at: None,
        duplicate: &duplicate,
    }
    .deserialize(&mut deserializer)
    .and_then(|value| deserializer.end().map(|()| value));
    match (parsed, duplicate.into_inner()) {
        (Ok(value), _) => Ok(value),
        (Err(error), Some(path)) => Err(JsonError::DuplicateKey {
            path,
            line: error.line(),
            column: error.column(),
        }),
        (Err(error), None) => Err(JsonError::Syntax(error)),
    }
}

/// Where a value sits: its parent's place and its own key or index. Rendered only when
/// a duplicate is found, so parsing a valid body allocates no paths.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Clone, Copy)]
struct Place<'a> {
    parent: Option<&'a Place<'a>>,
    step: Step<'a>,
}

/// `a.b[0].c`, the same form as the schema failures' paths.
fn render(place: Option<&Place<'_>>) -> String {
    let mut steps = Vec::new();
    let mut current = place;
    while let Some(place) = current {
        steps.push(place.step);
        current = place.parent;
    }
    let mut path = String::new();
    for step in steps.into_iter().rev() {
        match step {
            Step::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Index(index) => path.push_str(&format!("[{index}]")),
        }
    }
    path
}

struct ValueSeed<'p, 'd> {
    at: Option<&'p Place<'p>>,
    duplicate: &'d std::cell::RefCell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        // serde_json refuses non-finite numbers before they get here.
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Value, A::Error> {
        let mut values = Vec::new();
        loop {
            let place = Place {
                parent: self.at,
                step: Step::Index(values.len()),
            };
            let seed = ValueSeed {
                at: Some(&place),
                duplicate: self.duplicate,
            };
            match items.next_element_seed(seed)? {
                Some(value) => values.push(value),
                None => return Ok(Value::Array(values)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = entries.next_key::<String>()? {
            let place = Place {
                parent: self.at,
                step: Step::Key(&key),
            };
            if object.contains_key(&key) {
                let path = render(Some(&place));
                let message = format!("{path}: the key {key:?} appears more than once");
                *self.duplicate.borrow_mut() = Some(path);
                return Err(de::Error::custom(message));
            }
            let value = entries.next_value_seed(ValueSeed {
                at: Some(&place),
                duplicate: self.duplicate,
            })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn duplicate_path(text: &str) -> String {
        match parse(text.as_bytes()) {
            Err(JsonError::DuplicateKey { path, .. }) => path,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn a_repeated_key_is_named_by_its_path() {
        assert_eq!(duplicate_path(r#"{"type": "a", "type": "b"}"#), "type");
        assert_eq!(
            duplicate_path(r#"{"a": [{"b": 1}, {"c": {"d": 1, "d": 1}}]}"#),
            "a[1].c.d"
        );
        // The same key in sibling objects is not a repetition.
        assert_eq!(
            parse(br#"{"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 2}]}"#).unwrap(),
            serde_json::json!({"a": {"k": 1}, "b": {"k": 1}, "c": [{"k": 1}, {"k": 2}]})
        );
        let Err(JsonError::DuplicateKey { line, column, .. }) = parse(b"{\"x\": 1,\n \"x\": 2}")
        else {
            panic!("not refused");
        };
        assert_eq!((line, column), (2, 4));
    }

    #[test]
    fn numbers_keep_their_written_form() {
        let value = parse(br#"[50, 50.0, 5e1, -3, 18446744073709551615]"#).unwrap();
        let forms: Vec<(bool, bool)> = value
            .as_array()
            .unwrap()
            .iter()
            .map(|number| (number.is_f64(), number.is_u64() || number.is_i64()))
            .collect();
        assert_eq!(
            forms,
            [
                (false, true),
                (true, false),
                (true, false),
                (false, true),
                (false, true)
            ]
        );
    }

    #[test]
    fn what_is_not_json_stays_a_syntax_error() {
        for text in [
            &b"{\"a\":1}{\"b\":2}"[..],
            b"{\"a\": ",
            b"{\"a\": 1e400}",
            &"[".repeat(100_000).into_bytes(),
        ] {
            assert!(
                matches!(parse(text), Err(JsonError::Syntax(_))),
                "{}",
                String::from_utf8_lossy(&text[..text.len().min(20)])
            );
        }
    }
}
