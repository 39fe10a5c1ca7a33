//! Following `$ref`s inside one document.
//!
//! Only local references (`#/components/...`) are supported: the spec is one file,
//! and a reference to another file is a mistake to report, not to fetch.

use serde_json::Value;

/// How many `$ref`s a chain may pass through (and how deep a walk that follows them
/// may nest) before it is taken for a cycle. The spec nests fewer than ten levels.
pub const MAX_DEPTH: usize = 32;

/// Where component schemas live; a `$ref` to one of them ends in its name.
pub const COMPONENT_SCHEMAS: &str = "#/components/schemas/";

/// A `$ref` that cannot be followed, at `place`: the JSON pointer of the node whose
/// `$ref` (or chain of them) fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {kind}")]
pub struct ReferenceError {
    pub place: String,
    pub kind: ReferenceErrorKind,
}

/// Why a `$ref` cannot be followed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceErrorKind {
    /// `$ref` is not a string.
    #[error("$ref must be a string, found {0}")]
    NotAString(String),
    /// `$ref` points into another document.
    #[error("external $ref `{0}`: only references inside the document (`#/...`) are supported")]
    NotLocal(String),
    /// `$ref` points at nothing in the document.
    #[error("dangling $ref `{0}`: nothing in the document is at that pointer")]
    Dangling(String),
    /// The chain comes back to a reference it has passed, or is too long to be anything else.
    #[error("the $ref chain starting at `{start}` does not end ({chain}): a reference cycle")]
    Cycle {
        /// The chain's first reference.
        start: String,
        /// The references followed, `a -> b -> a`, or how many when over [`MAX_DEPTH`].
        chain: String,
    },
}

fn error(place: &str, kind: ReferenceErrorKind) -> ReferenceError {
    ReferenceError {
        place: place.to_owned(),
        kind,
    }
}

/// The `$ref` of `node`, if it has one.
pub fn reference_of<'a>(node: &'a Value, place: &str) -> Result<Option<&'a str>, ReferenceError> {
    match node.get("$ref") {
        None => Ok(None),
        Some(Value::String(reference)) => Ok(Some(reference)),
        Some(other) => Err(error(
            place,
            ReferenceErrorKind::NotAString(other.to_string()),
        )),
    }
}

/// What `reference` (`#/a/b`) points at in `document`, one step.
pub fn target<'a>(
    document: &'a Value,
    reference: &str,
    place: &str,
) -> Result<&'a Value, ReferenceError> {
    let pointer = reference
        .strip_prefix('#')
        .ok_or_else(|| error(place, ReferenceErrorKind::NotLocal(reference.to_owned())))?;
    document
        .pointer(pointer)
        .ok_or_else(|| error(place, ReferenceErrorKind::Dangling(reference.to_owned())))
}

/// Follows `node`'s `$ref`s (found at `place` in `document`) to the first node
/// without one.
pub fn resolve<'a>(
    document: &'a Value,
    node: &'a Value,
    place: &str,
) -> Result<&'a Value, ReferenceError> {
    follow(document, node, place).map(|(value, _)| value)
}

/// Follows the `$ref`s of the node at `pointer` in `document`; the JSON pointer of
/// the first node without one (`pointer` itself when it has none).
pub fn resolve_pointer(document: &Value, pointer: &str) -> Result<String, ReferenceError> {
    let node = document
        .pointer(pointer)
        .ok_or_else(|| error(pointer, ReferenceErrorKind::Dangling(format!("#{pointer}"))))?;
    let (_, last) = follow(document, node, pointer)?;
    Ok(match last {
        // `target` accepted it, so it starts with `#`.
        Some(reference) => reference.trim_start_matches('#').to_owned(),
        None => pointer.to_owned(),
    })
}

/// The node reached from `node` by following `$ref`s, and the last reference
/// followed (`None` when `node` has no `$ref`).
fn follow<'a>(
    document: &'a Value,
    node: &'a Value,
    place: &str,
) -> Result<(&'a Value, Option<&'a str>), ReferenceError> {
    let mut followed: Vec<&str> = Vec::new();
    let mut current = node;
    while let Some(reference) = reference_of(current, place)? {
        let cycle = followed.contains(&reference);
        if cycle || followed.len() == MAX_DEPTH {
            let chain = if cycle {
                let mut chain = followed.clone();
                chain.push(reference);
                chain.join(" -> ")
            } else {
                format!("more than {MAX_DEPTH} references")
            };
            let start = followed[0].to_owned();
            return Err(error(place, ReferenceErrorKind::Cycle { start, chain }));
        }
        followed.push(reference);
        current = target(document, reference, place)?;
    }
    Ok((current, followed.last().copied()))
}

/// The component name a `$ref` to `#/components/schemas/<name>` names.
pub fn schema_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(COMPONENT_SCHEMAS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn document() -> Value {
        json!({
            "components": {
                "schemas": {
                    "A": { "$ref": "#/components/schemas/B" },
                    "B": { "type": "string" },
                    "Loop1": { "$ref": "#/components/schemas/Loop2" },
                    "Loop2": { "$ref": "#/components/schemas/Loop1" },
                    "a/b": { "type": "integer" }
                }
            }
        })
    }

    #[test]
    fn chains_are_followed_to_the_end() {
        let doc = document();
        let node = json!({ "$ref": "#/components/schemas/A" });
        assert_eq!(
            resolve(&doc, &node, "/x").unwrap(),
            &json!({ "type": "string" })
        );
        let plain = json!({ "type": "boolean" });
        assert_eq!(resolve(&doc, &plain, "/x").unwrap(), &plain);
        let escaped = json!({ "$ref": "#/components/schemas/a~1b" });
        assert_eq!(resolve(&doc, &escaped, "/x").unwrap()["type"], "integer");
    }

    #[test]
    fn pointers_are_followed_to_the_pointer_of_the_end() {
        let mut doc = document();
        doc["components"]["schemas"]["C"] = json!({ "$ref": "#/components/schemas/A" });
        assert_eq!(
            resolve_pointer(&doc, "/components/schemas/C").unwrap(),
            "/components/schemas/B"
        );
        assert_eq!(
            resolve_pointer(&doc, "/components/schemas/B").unwrap(),
            "/components/schemas/B"
        );
        let cycle = resolve_pointer(&doc, "/components/schemas/Loop1").unwrap_err();
        assert!(
            matches!(cycle.kind, ReferenceErrorKind::Cycle { .. }),
            "{cycle}"
        );
        let nothing = resolve_pointer(&doc, "/components/schemas/Missing").unwrap_err();
        assert_eq!(nothing.place, "/components/schemas/Missing");
        assert!(
            matches!(nothing.kind, ReferenceErrorKind::Dangling(_)),
            "{nothing}"
        );
    }

    #[test]
    fn a_cycle_names_where_it_starts() {
        let doc = document();
        let node = json!({ "$ref": "#/components/schemas/Loop1" });
        let error = resolve(&doc, &node, "/paths/~1p/post").unwrap_err();
        assert_eq!(error.place, "/paths/~1p/post");
        assert_eq!(
            error.kind,
            ReferenceErrorKind::Cycle {
                start: "#/components/schemas/Loop1".into(),
                chain: "#/components/schemas/Loop1 -> #/components/schemas/Loop2 -> #/components/schemas/Loop1".into(),
            }
        );
    }

    #[test]
    fn a_chain_longer_than_the_limit_is_a_cycle() {
        // S1 -> S2 -> ... -> S{MAX_DEPTH} -> a string: no repeat.
        let mut schemas = serde_json::Map::new();
        for i in 1..MAX_DEPTH {
            schemas.insert(
                format!("S{i}"),
                json!({ "$ref": format!("#/components/schemas/S{}", i + 1) }),
            );
        }
        schemas.insert(format!("S{MAX_DEPTH}"), json!({ "type": "string" }));
        let doc = json!({ "components": { "schemas": schemas } });
        let from = |i: usize| json!({ "$ref": format!("#/components/schemas/S{i}") });
        // Exactly MAX_DEPTH references resolve; one more does not.
        assert_eq!(resolve(&doc, &from(1), "/x").unwrap()["type"], "string");
        let one_more = json!({ "$ref": "#/components/schemas/S0" });
        let mut schemas = doc["components"]["schemas"].as_object().unwrap().clone();
        schemas.insert("S0".into(), from(1));
        let doc = json!({ "components": { "schemas": schemas } });
        let error = resolve(&doc, &one_more, "/x").unwrap_err();
        assert!(
            matches!(&error.kind, ReferenceErrorKind::Cycle { start, .. } if start == "#/components/schemas/S0"),
            "{error}"
        );
    }

    #[test]
    fn foreign_dangling_and_malformed_refs_name_their_place() {
        let doc = document();
        let cases = [
            (
                json!({ "$ref": "other.yaml#/X" }),
                "external $ref `other.yaml#/X`: only references inside",
            ),
            (
                json!({ "$ref": "#/components/schemas/None" }),
                "dangling $ref `#/components/schemas/None`",
            ),
            (json!({ "$ref": 7 }), "$ref must be a string, found 7"),
        ];
        for (node, expected) in cases {
            let message = resolve(&doc, &node, "/paths/~1p/post/requestBody")
                .unwrap_err()
                .to_string();
            assert!(
                message.starts_with("/paths/~1p/post/requestBody: "),
                "{message}"
            );
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn schema_names_come_from_component_refs_only() {
        assert_eq!(schema_name("#/components/schemas/Order"), Some("Order"));
        assert_eq!(schema_name("#/components/examples/Order"), None);
    }
}
