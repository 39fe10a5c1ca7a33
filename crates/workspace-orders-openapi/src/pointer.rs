//! JSON pointers (RFC 6901): `/paths/~1v1~1orders/post`.

/// Escapes one reference token: `~` becomes `~0`, then `/` becomes `~1`.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Reverses [`escape`]: `~1` becomes `/`, then `~0` becomes `~` (in this order, so
/// that `~01` reads back as `~1`).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// `pointer` extended by one (unescaped) token.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The unescaped tokens of `pointer` (none for the whole document, `""`).
pub fn tokens(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer.split('/').skip(1).map(unescape)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_through_escaping() {
        for token in ["plain", "a/b", "c~d", "~1", "/~", "~01", ""] {
            assert_eq!(unescape(&escape(token)), token, "{token:?}");
        }
        assert_eq!(escape("~1"), "~01");
        assert_eq!(unescape("~01"), "~1");
    }

    #[test]
    fn pointers_are_built_and_read_token_by_token() {
        let pointer = child(&child("/paths", "/v1/{project_id}/x"), "post");
        assert_eq!(pointer, "/paths/~1v1~1{project_id}~1x/post");
        let document = serde_json::json!({ "paths": { "/v1/{project_id}/x": { "post": 1 } } });
        assert_eq!(document.pointer(&pointer), Some(&serde_json::json!(1)));
        assert_eq!(
            tokens(&pointer).collect::<Vec<_>>(),
            ["paths", "/v1/{project_id}/x", "post"]
        );
        assert_eq!(tokens("").count(), 0);
    }
}
