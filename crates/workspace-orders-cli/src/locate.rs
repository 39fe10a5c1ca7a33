//! Where each value of a JSON text starts (`line:column`, both from 1, columns in
//! characters), by JSON pointer, and how a pointer reads as a JSON path (`$.a[0].b`).
//!
//! The text has already been parsed by serde_json, so this scanner only has to find
//! positions in well-formed JSON; on anything else it stops and knows less.

use std::collections::HashMap;

use serde_json::Value;

/// A `line:column` position, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

const START: Position = Position { line: 1, column: 1 };

/// Positions of the values and member names of one JSON text.
#[derive(Debug, Default)]
pub struct Positions {
    values: HashMap<String, Position>,
    keys: HashMap<String, Position>,
}

impl Positions {
    /// Scans `text` (well-formed JSON).
    pub fn of(text: &str) -> Self {
        let mut scanner = Scanner {
            chars: text.chars().peekable(),
            at: START,
            found: Positions::default(),
        };
        scanner.value(String::new());
        scanner.found
    }

    /// Where the value at `pointer` starts; for a pointer that names no value (a
    /// missing member), its nearest existing parent.
    pub fn value(&self, pointer: &str) -> Position {
        let mut pointer = pointer;
        loop {
            if let Some(position) = self.values.get(pointer) {
                return *position;
            }
            match pointer.rfind('/') {
                Some(cut) => pointer = &pointer[..cut],
                None => return START,
            }
        }
    }

    /// Where the member name of `pointer` starts (the value's position for array
    /// items and the root).
    pub fn key(&self, pointer: &str) -> Position {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.value(pointer))
    }
}

struct Scanner<I: Iterator<Item = char>> {
    chars: std::iter::Peekable<I>,
    at: Position,
    found: Positions,
}

impl<I: Iterator<Item = char>> Scanner<I> {
    fn bump(&mut self) -> Option<char> {
        let c = self.chars.next()?;
        if c == '\n' {
            self.at.line += 1;
            self.at.column = 1;
        } else {
            self.at.column += 1;
        }
        Some(c)
    }

    fn skip_whitespace(&mut self) {
        while self.chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.bump();
        }
    }

    /// Reads one value whose pointer is `pointer`; `false` when the text ended or
    /// was not JSON.
    fn value(&mut self, pointer: String) -> bool {
        self.skip_whitespace();
        self.found.values.insert(pointer.clone(), self.at);
        match self.chars.peek() {
            Some('{') => self.object(&pointer),
            Some('[') => self.array(&pointer),
            Some('"') => self.string().is_some(),
            Some(_) => {
                // A number, true, false or null: up to the next delimiter.
                while self
                    .chars
                    .peek()
                    .is_some_and(|c| !matches!(c, ',' | ']' | '}') && !c.is_ascii_whitespace())
                {
                    self.bump();
                }
                true
            }
            None => false,
        }
    }

    /// Reads a string literal and returns its decoded text.
    fn string(&mut self) -> Option<String> {
        let mut literal = String::new();
        literal.push(self.bump()?);
        loop {
            let c = self.bump()?;
            literal.push(c);
            match c {
                '\\' => literal.push(self.bump()?),
                '"' => break,
                _ => {}
            }
        }
        serde_json::from_str(&literal).ok()
    }

    fn object(&mut self, pointer: &str) -> bool {
        self.bump();
        loop {
            self.skip_whitespace();
            match self.chars.peek() {
                Some('}') => {
                    self.bump();
                    return true;
                }
                Some(',') => {
                    self.bump();
                }
                Some('"') => {
                    let key_at = self.at;
                    let Some(key) = self.string() else {
                        return false;
                    };
                    let member = format!("{pointer}/{}", escape(&key));
                    self.found.keys.insert(member.clone(), key_at);
                    self.skip_whitespace();
                    if self.bump() != Some(':') || !self.value(member) {
                        return false;
                    }
                }
                _ => return false,
            }
        }
    }

    fn array(&mut self, pointer: &str) -> bool {
        self.bump();
        let mut index = 0usize;
        loop {
            self.skip_whitespace();
            match self.chars.peek() {
                Some(']') => {
                    self.bump();
                    return true;
                }
                Some(',') => {
                    self.bump();
                }
                Some(_) => {
                    if !self.value(format!("{pointer}/{index}")) {
                        return false;
                    }
                    index += 1;
                }
                None => return false,
            }
        }
    }
}

/// A member name as a JSON pointer segment (RFC 6901).
pub use workspace_orders_openapi::pointer::escape;

/// `pointer` as a JSON path (`$.resources[0].add_volumes`), reading `document` to
/// tell array indices from member names that look like numbers.
pub fn json_path(document: &Value, pointer: &str) -> String {
    let mut path = String::from("$");
    let mut node = Some(document);
    for segment in workspace_orders_openapi::pointer::tokens(pointer) {
        match node {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{segment}]"));
                node = segment.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                let plain = !segment.is_empty()
                    && segment
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_');
                if plain {
                    path.push('.');
                    path.push_str(&segment);
                } else {
                    path.push_str(&format!("[{}]", Value::String(segment.clone())));
                }
                node = node.and_then(|n| n.get(&segment));
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_keys_are_found_where_they_start() {
        let text = "{\n  \"a\": [1, {\"b/c\": \"x\\\"y\"}],\n  \"é\": null\n}";
        let positions = Positions::of(text);
        assert_eq!(positions.value(""), Position { line: 1, column: 1 });
        assert_eq!(positions.key("/a"), Position { line: 2, column: 3 });
        assert_eq!(positions.value("/a"), Position { line: 2, column: 8 });
        assert_eq!(
            positions.value("/a/1"),
            Position {
                line: 2,
                column: 12
            }
        );
        assert_eq!(
            positions.value("/a/1/b~1c"),
            Position {
                line: 2,
                column: 20
            }
        );
        // Columns count characters, not bytes.
        assert_eq!(positions.value("/é"), Position { line: 3, column: 8 });
        // A missing member is reported at its parent.
        assert_eq!(
            positions.value("/a/1/missing"),
            Position {
                line: 2,
                column: 12
            }
        );
    }

    #[test]
    fn pointers_read_as_json_paths() {
        let document: Value = serde_json::json!({"a": [{"0": 1, "b c": 2}]});
        assert_eq!(json_path(&document, "/a/0/0"), "$.a[0].0");
        assert_eq!(json_path(&document, "/a/0/b c"), "$.a[0][\"b c\"]");
        assert_eq!(json_path(&document, ""), "$");
    }
}
