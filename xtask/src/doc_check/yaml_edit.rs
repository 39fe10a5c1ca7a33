//! Editing a block-style YAML file as text, at places found by JSON pointer,
//! so that every comment and every line not edited stays as it is.
//!
//! `saphyr-parser` reports where each node starts; an entry of a mapping
//! extends to the line before its next sibling (or its parent's end), less
//! trailing blank lines and comment lines, which belong to what follows.

use saphyr_parser::{Event, Parser, Span};
use serde_json::Value;
use workspace_orders_openapi::pointer::tokens;

use super::yaml_emit;

/// A parsed node and where it is (0-based lines, columns in characters).
#[derive(Debug)]
struct Node {
    line: usize,
    col: usize,
    /// The last line of the node's text (computed after parsing).
    end: usize,
    flow: bool,
    kind: NodeKind,
}

#[derive(Debug)]
enum NodeKind {
    Scalar,
    /// Entries: key, key line, key column, value.
    Map(Vec<Entry>),
    Seq(Vec<Node>),
}

#[derive(Debug)]
struct Entry {
    key: String,
    line: usize,
    col: usize,
    value: Node,
}

/// Where a new mapping entry goes among its siblings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    After(String),
    Before(String),
    Last,
}

/// One change of the text, in lines of the original (0-based).
#[derive(Debug, Clone)]
pub struct TextEdit {
    /// The first line replaced, or the line the text is inserted before.
    pub from: usize,
    /// How many lines are replaced (0: an insertion).
    pub count: usize,
    pub text: String,
}

/// A YAML document's lines and node positions.
pub struct Document {
    lines: Vec<String>,
    root: Node,
}

impl Document {
    pub fn parse(text: &str) -> Result<Document, String> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut events = Vec::new();
        for event in Parser::new_from_str(text) {
            let (event, span) = event.map_err(|e| format!("not valid YAML: {e}"))?;
            events.push((event, span));
        }
        let mut index = events
            .iter()
            .position(|(e, _)| matches!(e, Event::MappingStart(..) | Event::SequenceStart(..)))
            .ok_or("the document has no mapping at its root")?;
        let mut root = build(&events, &mut index, &lines)?;
        let last = lines.len().saturating_sub(1);
        set_ends(&mut root, last, &lines);
        Ok(Document { lines, root })
    }

    fn node(&self, pointer: &str) -> Result<&Node, String> {
        let mut node = &self.root;
        for token in tokens(pointer) {
            node = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|e| e.key == token)
                    .map(|e| &e.value)
                    .ok_or_else(|| format!("{pointer}: no key {token:?}"))?,
                NodeKind::Seq(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .ok_or_else(|| format!("{pointer}: no item {token}"))?,
                NodeKind::Scalar => return Err(format!("{pointer}: {token} is below a scalar")),
            };
        }
        Ok(node)
    }

    fn block_map(&self, pointer: &str) -> Result<&[Entry], String> {
        let node = self.node(pointer)?;
        match &node.kind {
            NodeKind::Map(entries) if !node.flow && !entries.is_empty() => Ok(entries),
            _ => Err(format!(
                "{pointer} (line {}): not a block mapping with entries; edit it by hand",
                node.line + 1
            )),
        }
    }

    /// Inserts `key: value` into the mapping at `pointer`.
    pub fn insert_entry(
        &self,
        pointer: &str,
        key: &str,
        value: &Value,
        placement: &Placement,
    ) -> Result<TextEdit, String> {
        let entries = self.block_map(pointer)?;
        if entries.iter().any(|e| e.key == key) {
            return Err(format!("{pointer} already has {key:?}"));
        }
        let col = entries[0].col;
        let position = |name: &str| {
            entries
                .iter()
                .position(|e| e.key == name)
                .ok_or_else(|| format!("{pointer} has no {name:?} to place {key:?} by"))
        };
        let from = match placement {
            Placement::Last => entries[entries.len() - 1].value.end + 1,
            Placement::After(name) => entries[position(name)?].value.end + 1,
            Placement::Before(name) => match position(name)? {
                0 => entries[0].line,
                i => entries[i - 1].value.end + 1,
            },
        };
        Ok(TextEdit {
            from,
            count: 0,
            text: yaml_emit::entry(key, value, col),
        })
    }

    /// Replaces the entry `key` of the mapping at `pointer` with `key: value`.
    pub fn replace_entry(
        &self,
        pointer: &str,
        key: &str,
        value: &Value,
    ) -> Result<TextEdit, String> {
        let entries = self.block_map(pointer)?;
        let entry = entries
            .iter()
            .find(|e| e.key == key)
            .ok_or_else(|| format!("{pointer} has no {key:?}"))?;
        Ok(TextEdit {
            from: entry.line,
            count: entry.value.end + 1 - entry.line,
            text: yaml_emit::entry(key, value, entry.col),
        })
    }

    /// Removes the entry `key` of the mapping at `pointer`.
    pub fn remove_entry(&self, pointer: &str, key: &str) -> Result<TextEdit, String> {
        let mut edit = self.replace_entry(pointer, key, &Value::Null)?;
        edit.text.clear();
        Ok(edit)
    }

    /// Inserts `value` as item `index` (at the end when `index` is the length)
    /// of the block sequence at `pointer`.
    pub fn insert_item(
        &self,
        pointer: &str,
        index: usize,
        value: &Value,
    ) -> Result<TextEdit, String> {
        let items = self.block_seq(pointer)?;
        let dash_col = self.dash_col(pointer, &items[0])?;
        let from = match items.get(index) {
            Some(item) => item.line,
            None => items[items.len() - 1].end + 1,
        };
        Ok(TextEdit {
            from,
            count: 0,
            text: yaml_emit::item(value, dash_col),
        })
    }

    /// Removes item `index` of the block sequence at `pointer`.
    pub fn remove_item(&self, pointer: &str, index: usize) -> Result<TextEdit, String> {
        let items = self.block_seq(pointer)?;
        let item = items
            .get(index)
            .ok_or_else(|| format!("{pointer} has no item {index}"))?;
        Ok(TextEdit {
            from: item.line,
            count: item.end + 1 - item.line,
            text: String::new(),
        })
    }

    fn block_seq(&self, pointer: &str) -> Result<&[Node], String> {
        let node = self.node(pointer)?;
        match &node.kind {
            NodeKind::Seq(items) if !node.flow && !items.is_empty() => Ok(items),
            _ => Err(format!(
                "{pointer} (line {}): not a block sequence with items; edit it by hand",
                node.line + 1
            )),
        }
    }

    /// The column of the `- ` before `item`, which must share its line.
    fn dash_col(&self, pointer: &str, item: &Node) -> Result<usize, String> {
        let line: Vec<char> = self.lines[item.line].chars().collect();
        let dash = item
            .col
            .checked_sub(2)
            .filter(|&c| line.get(c) == Some(&'-'));
        dash.ok_or_else(|| {
            format!(
                "{pointer} (line {}): items are not written as `- item`; edit it by hand",
                item.line + 1
            )
        })
    }

    /// The text with `edits` applied. Edits at the same line keep their
    /// order; overlapping replacements are refused.
    pub fn apply(&self, edits: &[TextEdit]) -> Result<String, String> {
        let mut order: Vec<usize> = (0..edits.len()).collect();
        order.sort_by_key(|&i| (edits[i].from, edits[i].count, i));
        for pair in order.windows(2) {
            let (a, b) = (&edits[pair[0]], &edits[pair[1]]);
            if a.count > 0 && a.from + a.count > b.from {
                return Err(format!(
                    "two edits touch line {}: apply them one at a time",
                    b.from + 1
                ));
            }
        }
        let mut lines: Vec<String> = self.lines.clone();
        for &i in order.iter().rev() {
            let edit = &edits[i];
            let new: Vec<String> = edit.text.lines().map(str::to_string).collect();
            let end = (edit.from + edit.count).min(lines.len());
            let from = edit.from.min(lines.len());
            lines.splice(from..end, new);
        }
        let mut text = lines.join("\n");
        text.push('\n');
        Ok(text)
    }
}

fn position(span: &Span) -> (usize, usize) {
    (span.start.line().saturating_sub(1), span.start.col())
}

fn is_flow(lines: &[String], line: usize, col: usize) -> bool {
    lines
        .get(line)
        .and_then(|l| l.chars().nth(col))
        .is_some_and(|c| c == '[' || c == '{')
}

/// Builds the node whose first event is `events[*index]`, leaving `*index`
/// after its last event.
fn build(
    events: &[(Event<'_>, Span)],
    index: &mut usize,
    lines: &[String],
) -> Result<Node, String> {
    let (event, span) = events.get(*index).ok_or("the YAML ends inside a node")?;
    let (line, col) = position(span);
    *index += 1;
    let kind = match event {
        Event::Scalar(..) | Event::Alias(_) => NodeKind::Scalar,
        Event::MappingStart(..) => {
            let mut entries = Vec::new();
            loop {
                match events.get(*index) {
                    Some((Event::MappingEnd, _)) => {
                        *index += 1;
                        break;
                    }
                    Some((Event::Scalar(key, ..), key_span)) => {
                        let (key_line, key_col) = position(key_span);
                        let key = key.to_string();
                        *index += 1;
                        let value = build(events, index, lines)?;
                        entries.push(Entry {
                            key,
                            line: key_line,
                            col: key_col,
                            value,
                        });
                    }
                    _ => {
                        return Err(format!(
                            "line {}: a mapping key that is not a scalar",
                            line + 1
                        ));
                    }
                }
            }
            NodeKind::Map(entries)
        }
        Event::SequenceStart(..) => {
            let mut items = Vec::new();
            loop {
                if let Some((Event::SequenceEnd, _)) = events.get(*index) {
                    *index += 1;
                    break;
                }
                items.push(build(events, index, lines)?);
            }
            NodeKind::Seq(items)
        }
        other => {
            return Err(format!(
                "line {}: unexpected YAML event {other:?}",
                line + 1
            ));
        }
    };
    Ok(Node {
        line,
        col,
        end: line,
        flow: is_flow(lines, line, col),
        kind,
    })
}

/// Sets each node's last line: its extent ends before the next sibling (or
/// where its parent ends), less trailing blank and comment lines.
fn set_ends(node: &mut Node, extent_end: usize, lines: &[String]) {
    node.end = trim_end(node.line, extent_end, lines);
    match &mut node.kind {
        NodeKind::Map(entries) => {
            let starts: Vec<usize> = entries.iter().map(|e| e.line).collect();
            for (i, entry) in entries.iter_mut().enumerate() {
                let end = starts
                    .get(i + 1)
                    .map_or(node.end, |next| next.saturating_sub(1));
                set_ends(&mut entry.value, end, lines);
                // A value on the key's line (a scalar) still ends no earlier than its key.
                entry.value.end = entry.value.end.max(entry.line);
            }
        }
        NodeKind::Seq(items) => {
            let starts: Vec<usize> = items.iter().map(|item| item.line).collect();
            for (i, item) in items.iter_mut().enumerate() {
                let end = starts
                    .get(i + 1)
                    .map_or(node.end, |next| next.saturating_sub(1));
                set_ends(item, end, lines);
            }
        }
        NodeKind::Scalar => {}
    }
}

fn trim_end(start: usize, mut end: usize, lines: &[String]) -> usize {
    while end > start {
        let text = lines.get(end).map_or("", |l| l.trim());
        if text.is_empty() || text.starts_with('#') {
            end -= 1;
        } else {
            break;
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TEXT: &str = "\
# head comment
a:
  # section
  b:
    type: string
    description: >-
      folded
      text
  # before c
  c:
    required:
      - x
      - z
    flow: []
d: 1
";

    fn load(text: &str) -> Value {
        serde_yaml_ng::from_str(text).unwrap()
    }

    #[test]
    fn inserted_entries_land_between_siblings_and_keep_comments() {
        let doc = Document::parse(TEXT).unwrap();
        let edits = [
            doc.insert_entry(
                "/a",
                "size",
                &json!({"type": "integer"}),
                &Placement::After("b".into()),
            )
            .unwrap(),
            doc.insert_item("/a/c/required", 1, &json!("x2")).unwrap(),
            doc.insert_entry("", "e", &json!("200"), &Placement::Last)
                .unwrap(),
        ];
        let text = doc.apply(&edits).unwrap();
        assert!(
            text.contains("      text\n  size:\n    type: integer\n  # before c\n"),
            "{text}"
        );
        assert!(
            text.starts_with("# head comment\na:\n  # section\n"),
            "{text}"
        );
        let value = load(&text);
        assert_eq!(value["a"]["c"]["required"], json!(["x", "x2", "z"]));
        assert_eq!(value["e"], json!("200"));
        assert_eq!(value["a"]["b"]["description"], json!("folded text"));
    }

    #[test]
    fn replaced_and_removed_entries() {
        let doc = Document::parse(TEXT).unwrap();
        let edits = [
            doc.replace_entry("/a", "b", &json!({"type": "boolean"}))
                .unwrap(),
            doc.remove_item("/a/c/required", 0).unwrap(),
        ];
        let text = doc.apply(&edits).unwrap();
        let value = load(&text);
        assert_eq!(value["a"]["b"], json!({"type": "boolean"}));
        assert_eq!(value["a"]["c"]["required"], json!(["z"]));
        assert!(text.contains("  # before c\n"), "{text}");
    }

    #[test]
    fn flow_collections_are_refused_with_their_place() {
        let doc = Document::parse(TEXT).unwrap();
        let error = doc.insert_item("/a/c/flow", 0, &json!("x")).unwrap_err();
        assert!(error.contains("/a/c/flow (line 14)"), "{error}");
    }
}
