//! The spec's example requests that contradict their own tables, and how each is
//! corrected: `.ci/tools/spec/example-errata.json`, the one record that the CLI, the
//! tests and the generator checks in CI (Python) all read. `openapi/ERRATA.md`
//! explains each entry in words.

use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

/// The project's record, embedded so that the CLI and the tests cannot read another.
pub const EMBEDDED_JSON: &str = include_str!("../../../.ci/tools/spec/example-errata.json");

/// One documented example that fails its own tables, with every failing field.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleErratum {
    /// The `openapi/ERRATA.md` entry (`E01`).
    pub erratum: String,
    /// The operation's `operationId`.
    pub operation: String,
    /// The example's name under the request body's `examples`.
    pub example: String,
    pub failures: Vec<Failure>,
}

/// One field where the documented example fails, and its correction.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// From the body's root: member names and array indexes.
    pub path: Vec<Step>,
    /// Why it fails (`wrong-type`, `unknown-member`, `not-in-enum`).
    pub kind: String,
    pub fix: Fix,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Member(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Fix {
    /// The field takes this value.
    Set(Value),
    /// The member is removed.
    Remove,
}

/// A record that does not say what it must, at `place` (`examples[1].failures[0].path`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("example errata: {place}: {message}")]
pub struct ErrataError {
    pub place: String,
    pub message: String,
}

/// A correction that does not fit the body it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{erratum} ({operation} example {example}): nothing at {path} to correct")]
pub struct MisfitError {
    pub erratum: String,
    pub operation: String,
    pub example: String,
    pub path: String,
}

fn error(place: impl Into<String>, message: impl Into<String>) -> ErrataError {
    ErrataError {
        place: place.into(),
        message: message.into(),
    }
}

/// Reads a record in the format of `example-errata.json`.
pub fn parse(text: &str) -> Result<Vec<ExampleErratum>, ErrataError> {
    let file: Value =
        serde_json::from_str(text).map_err(|e| error("(file)", format!("not JSON: {e}")))?;
    let entries = file
        .get("examples")
        .and_then(Value::as_array)
        .ok_or_else(|| error("examples", "must be an array"))?;
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| entry_of(entry, &format!("examples[{index}]")))
        .collect()
}

fn text_at(entry: &Value, key: &str, place: &str) -> Result<String, ErrataError> {
    entry
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| error(format!("{place}.{key}"), "must be a string"))
}

fn entry_of(entry: &Value, place: &str) -> Result<ExampleErratum, ErrataError> {
    let failures = entry
        .get("failures")
        .and_then(Value::as_array)
        .filter(|failures| !failures.is_empty())
        .ok_or_else(|| error(format!("{place}.failures"), "must be a non-empty array"))?;
    Ok(ExampleErratum {
        erratum: text_at(entry, "erratum", place)?,
        operation: text_at(entry, "operation", place)?,
        example: text_at(entry, "example", place)?,
        failures: failures
            .iter()
            .enumerate()
            .map(|(index, failure)| failure_of(failure, &format!("{place}.failures[{index}]")))
            .collect::<Result<_, _>>()?,
    })
}

fn failure_of(failure: &Value, place: &str) -> Result<Failure, ErrataError> {
    let steps = failure
        .get("path")
        .and_then(Value::as_array)
        .filter(|steps| !steps.is_empty())
        .ok_or_else(|| error(format!("{place}.path"), "must be a non-empty array"))?;
    let path = steps
        .iter()
        .map(|step| match step {
            Value::String(name) => Ok(Step::Member(name.clone())),
            Value::Number(number) => number
                .as_u64()
                .and_then(|index| usize::try_from(index).ok())
                .map(Step::Index)
                .ok_or_else(|| error(format!("{place}.path"), format!("bad index {number}"))),
            other => Err(error(
                format!("{place}.path"),
                format!("a step must be a member name or an index, not {other}"),
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let fix = failure
        .get("fix")
        .ok_or_else(|| error(format!("{place}.fix"), "is missing"))?;
    let fix = match (fix.get("set"), fix.get("remove")) {
        (Some(value), None) => Fix::Set(value.clone()),
        (None, Some(Value::Bool(true))) => {
            if !matches!(path.last(), Some(Step::Member(_))) {
                return Err(error(
                    format!("{place}.fix"),
                    "only a member can be removed",
                ));
            }
            Fix::Remove
        }
        _ => {
            return Err(error(
                format!("{place}.fix"),
                "must be {\"set\": value} or {\"remove\": true}",
            ));
        }
    };
    Ok(Failure {
        path,
        kind: text_at(failure, "kind", place)?,
        fix,
    })
}

/// The embedded record. It is checked by this crate's tests, so an error here is a
/// broken checkout; callers report it rather than trust a partial list.
pub fn embedded() -> Result<&'static [ExampleErratum], &'static ErrataError> {
    static PARSED: OnceLock<Result<Vec<ExampleErratum>, ErrataError>> = OnceLock::new();
    match PARSED.get_or_init(|| parse(EMBEDDED_JSON)) {
        Ok(errata) => Ok(errata),
        Err(error) => Err(error),
    }
}

/// The entry for `operation`'s example `example`, if the record has one.
pub fn find<'a>(
    errata: &'a [ExampleErratum],
    operation: &str,
    example: &str,
) -> Option<&'a ExampleErratum> {
    errata
        .iter()
        .find(|entry| entry.operation == operation && entry.example == example)
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Member(name) => write!(f, ".{name}"),
            Step::Index(index) => write!(f, "[{index}]"),
        }
    }
}

impl Failure {
    /// `resources[0].create_services.update_access_agent`.
    pub fn field_path(&self) -> String {
        let text: String = self.path.iter().map(Step::to_string).collect();
        text.strip_prefix('.').map(str::to_owned).unwrap_or(text)
    }

    /// The failing field's own name.
    pub fn field(&self) -> String {
        match self.path.last() {
            Some(Step::Member(name)) => name.clone(),
            Some(Step::Index(index)) => format!("[{index}]"),
            None => String::new(),
        }
    }
}

impl ExampleErratum {
    /// The corrections, in words: `update_access_agent set to true (wrong-type)`.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = self
            .failures
            .iter()
            .map(|failure| match &failure.fix {
                Fix::Set(value) => {
                    format!("{} set to {value} ({})", failure.field(), failure.kind)
                }
                Fix::Remove => format!("{} removed ({})", failure.field(), failure.kind),
            })
            .collect();
        parts.join("; ")
    }

    /// Applies every correction to `body`; a path that leads nowhere (or a member
    /// to remove that is not there) is an error naming it, and leaves `body` as it
    /// was.
    pub fn apply(&self, body: &Value) -> Result<Value, MisfitError> {
        let mut corrected = body.clone();
        for failure in &self.failures {
            if !apply_one(&mut corrected, failure) {
                return Err(MisfitError {
                    erratum: self.erratum.clone(),
                    operation: self.operation.clone(),
                    example: self.example.clone(),
                    path: failure.field_path(),
                });
            }
        }
        Ok(corrected)
    }
}

fn apply_one(body: &mut Value, failure: &Failure) -> bool {
    let Some((last, parents)) = failure.path.split_last() else {
        return false;
    };
    let parent = parents.iter().try_fold(body, |node, step| match step {
        Step::Member(name) => node.get_mut(name.as_str()),
        Step::Index(index) => node.get_mut(*index),
    });
    match (parent, last, &failure.fix) {
        (Some(Value::Object(members)), Step::Member(name), Fix::Remove) => {
            members.remove(name).is_some()
        }
        (Some(Value::Object(members)), Step::Member(name), Fix::Set(value)) => {
            members.insert(name.clone(), value.clone()).is_some()
        }
        (Some(Value::Array(items)), Step::Index(index), Fix::Set(value)) => {
            match items.get_mut(*index) {
                Some(item) => {
                    *item = value.clone();
                    true
                }
                None => false,
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_embedded_record_reads() {
        let errata = embedded().unwrap();
        assert!(errata.len() >= 2, "{errata:?}");
        let e01 = find(errata, "createAppOrder", "createApps").unwrap();
        assert_eq!(e01.erratum, "E01");
        assert_eq!(
            e01.failures[0].field_path(),
            "resources[0].create_services.update_access_agent"
        );
        assert_eq!(
            e01.describe(),
            "update_access_agent set to true (wrong-type)"
        );
        assert!(find(errata, "createAppOrder", "other").is_none());
    }

    #[test]
    fn corrections_set_and_remove_exactly_their_field() {
        let entry = parse(
            r#"{"examples": [{"erratum": "E9", "operation": "op", "example": "ex",
                "failures": [
                  {"path": ["a", 1, "flag"], "kind": "wrong-type", "fix": {"set": true}},
                  {"path": ["a", 0, "extra"], "kind": "unknown-member", "fix": {"remove": true}}
                ]}]}"#,
        )
        .unwrap()
        .remove(0);
        let body = json!({"a": [{"extra": 1, "keep": 2}, {"flag": "true"}]});
        assert_eq!(
            entry.apply(&body).unwrap(),
            json!({"a": [{"keep": 2}, {"flag": true}]})
        );
        // A body the correction does not fit: an error naming the path, no change.
        let misfit = json!({"a": [{"keep": 2}, {"flag": "true"}]});
        let error = entry.apply(&misfit).unwrap_err();
        assert_eq!(error.path, "a[0].extra");
        assert!(error.to_string().contains("E9 (op example ex)"), "{error}");
    }

    #[test]
    fn a_malformed_record_names_the_place() {
        let cases = [
            (r#"{"examples": {}}"#, "examples"),
            (
                r#"{"examples": [{"erratum": "E1", "operation": "o", "example": "x", "failures": []}]}"#,
                "examples[0].failures",
            ),
            (
                r#"{"examples": [{"erratum": "E1", "operation": "o", "example": "x",
                    "failures": [{"path": ["a", -1], "kind": "k", "fix": {"set": 1}}]}]}"#,
                "examples[0].failures[0].path",
            ),
            (
                r#"{"examples": [{"erratum": "E1", "operation": "o", "example": "x",
                    "failures": [{"path": ["a"], "kind": "k", "fix": {"remove": false}}]}]}"#,
                "examples[0].failures[0].fix",
            ),
            (
                r#"{"examples": [{"operation": "o", "example": "x",
                    "failures": [{"path": ["a"], "kind": "k", "fix": {"set": 1}}]}]}"#,
                "examples[0].erratum",
            ),
        ];
        for (text, place) in cases {
            let error = parse(text).unwrap_err();
            assert_eq!(error.place, place, "{text}");
        }
    }
}
