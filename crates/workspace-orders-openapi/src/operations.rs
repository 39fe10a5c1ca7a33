//! Operations: the HTTP methods a path item may hold, every operation of a document,
//! and which media type of a body is its JSON one.

use serde_json::{Map, Value};

use crate::pointer;

/// The fields of a path item that are operations (OpenAPI 3.0.3, Path Item Object).
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The JSON media type.
pub const JSON: &str = "application/json";

/// One operation of a document.
#[derive(Debug, Clone, Copy)]
pub struct OperationRef<'a> {
    /// The path template (`/v1/{project_id}/orders`).
    pub path: &'a str,
    /// Lower case, one of [`METHODS`].
    pub method: &'static str,
    /// The path item holding it (for parameters shared by its operations).
    pub path_item: &'a Map<String, Value>,
    /// The operation object.
    pub operation: &'a Value,
}

impl<'a> OperationRef<'a> {
    /// The operation's `operationId`, if it has one.
    pub fn id(&self) -> Option<&'a str> {
        self.operation.get("operationId").and_then(Value::as_str)
    }

    /// JSON pointer of the path item (`/paths/~1v1~1orders`).
    pub fn path_pointer(&self) -> String {
        pointer::child("/paths", self.path)
    }

    /// JSON pointer of the operation (`/paths/~1v1~1orders/post`).
    pub fn pointer(&self) -> String {
        pointer::child(&self.path_pointer(), self.method)
    }
}

/// A document whose `paths` cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{place}: {message}")]
pub struct OperationsError {
    /// JSON pointer of the offending node.
    pub place: String,
    pub message: String,
}

/// Every operation of `document`: paths in document order, then methods in
/// [`METHODS`] order.
pub fn operations(document: &Value) -> Result<Vec<OperationRef<'_>>, OperationsError> {
    let paths = document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| OperationsError {
            place: "/paths".into(),
            message: "missing or not an object".into(),
        })?;
    let mut found = Vec::new();
    for (path, item) in paths {
        let path_item = item.as_object().ok_or_else(|| OperationsError {
            place: pointer::child("/paths", path),
            message: "a path item must be an object".into(),
        })?;
        for method in METHODS {
            if let Some(operation) = path_item.get(method) {
                found.push(OperationRef {
                    path,
                    method,
                    path_item,
                    operation,
                });
            }
        }
    }
    Ok(found)
}

/// Whether `media_type` (parameters allowed) is JSON: `application/json` or a
/// `+json` type, in any case.
pub fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == JSON || essence.ends_with("+json")
}

/// The JSON media types of a `content` map, in document order.
pub fn json_media_types(content: &Map<String, Value>) -> Vec<&str> {
    content
        .keys()
        .map(String::as_str)
        .filter(|media_type| is_json(media_type))
        .collect()
}

/// The JSON media type object of a `content` map, with its media type:
/// `application/json` if present, else the first JSON type.
pub fn json_media(content: &Value) -> Option<(&str, &Value)> {
    let content = content.as_object()?;
    if let Some((media_type, media)) = content.get_key_value(JSON) {
        return Some((media_type, media));
    }
    content
        .iter()
        .find(|(media_type, _)| is_json(media_type))
        .map(|(media_type, media)| (media_type.as_str(), media))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_come_in_path_then_method_order_with_their_pointers() {
        let document = json!({ "paths": {
            "/a/{id}": {
                "parameters": [],
                "summary": "not an operation",
                "trace": { "operationId": "traceA" },
                "get": { "operationId": "getA" },
                "patch": { "operationId": "patchA" }
            },
            "/b": { "post": {} }
        }});
        let found = operations(&document).unwrap();
        let seen: Vec<(&str, &str, Option<&str>)> = found
            .iter()
            .map(|operation| (operation.path, operation.method, operation.id()))
            .collect();
        assert_eq!(
            seen,
            [
                ("/a/{id}", "get", Some("getA")),
                ("/a/{id}", "patch", Some("patchA")),
                ("/a/{id}", "trace", Some("traceA")),
                ("/b", "post", None),
            ]
        );
        assert_eq!(found[0].pointer(), "/paths/~1a~1{id}/get");
        assert_eq!(found[0].path_pointer(), "/paths/~1a~1{id}");
        assert!(found[0].path_item.contains_key("parameters"));
    }

    #[test]
    fn unreadable_paths_are_named() {
        let error = operations(&json!({ "openapi": "3.0.3" })).unwrap_err();
        assert_eq!(error.place, "/paths");
        let error = operations(&json!({ "paths": { "/a/b": [] } })).unwrap_err();
        assert_eq!(
            error.to_string(),
            "/paths/~1a~1b: a path item must be an object"
        );
    }

    #[test]
    fn json_media_prefers_application_json() {
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/merge-patch+json"));
        assert!(!is_json("text/plain"));
        assert!(!is_json("application/jsonp"));
        let content = json!({
            "text/plain": { "n": 0 },
            "application/a+json": { "n": 1 },
            "application/json": { "n": 2 }
        });
        assert_eq!(
            json_media(&content),
            Some(("application/json", &json!({ "n": 2 })))
        );
        let content = json!({ "text/plain": {}, "application/problem+json": { "n": 1 } });
        assert_eq!(
            json_media(&content).map(|(t, _)| t),
            Some("application/problem+json")
        );
        assert_eq!(json_media(&json!({ "text/plain": {} })), None);
        assert_eq!(
            json_media_types(content.as_object().unwrap()),
            ["application/problem+json"]
        );
    }
}
