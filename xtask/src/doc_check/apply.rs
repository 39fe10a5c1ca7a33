//! Turning proposed spec edits into text edits of the YAML file, checking
//! that each lands where it should, and writing the file atomically.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde_json::{Value, json};

use super::propose::SpecEdit;
use super::yaml_edit::{Document, Placement, TextEdit};

/// The text edits of `edits`, each with the index of the edit it belongs to.
/// `Require`/`Unrequire` edits of one schema are merged: a `required` list
/// keeps its order (the page's, or sorted), and is created before
/// `properties` or dropped when it would be empty.
pub fn text_edits(
    document: &Document,
    value: &Value,
    edits: &[SpecEdit],
) -> Result<Vec<(usize, TextEdit)>, String> {
    let mut out = Vec::new();
    // schema pointer → its changes, in edit order.
    let mut required: BTreeMap<&str, Vec<Change<'_>>> = BTreeMap::new();
    for (index, edit) in edits.iter().enumerate() {
        let text = match edit {
            SpecEdit::Insert {
                parent,
                key,
                value,
                placement,
            } => document.insert_entry(parent, key, value, placement)?,
            SpecEdit::Replace { parent, key, value } => {
                document.replace_entry(parent, key, value)?
            }
            SpecEdit::Require {
                schema,
                name,
                page_order,
            } => {
                required
                    .entry(schema)
                    .or_default()
                    .push((index, name, Some(page_order)));
                continue;
            }
            SpecEdit::Unrequire { schema, name } => {
                required
                    .entry(schema)
                    .or_default()
                    .push((index, name, None));
                continue;
            }
        };
        out.push((index, text));
    }
    for (schema, changes) in required {
        out.extend(required_edits(document, value, schema, &changes)?);
    }
    Ok(out)
}

/// A change of a `required` list: the edit's index, the name, and for an
/// addition the page's row order.
type Change<'a> = (usize, &'a str, Option<&'a Vec<String>>);

/// The edits of one schema's `required` list. A name added goes where the page
/// has it when the list follows the page's row order, else where sorting puts
/// it when the list is sorted, else last.
fn required_edits(
    document: &Document,
    value: &Value,
    schema: &str,
    changes: &[Change<'_>],
) -> Result<Vec<(usize, TextEdit)>, String> {
    let pointer = format!("{schema}/required");
    let first = changes[0].0;
    let Some(list) = value.pointer(&pointer).and_then(Value::as_array) else {
        if let Some((_, name, _)) = changes.iter().find(|(_, _, order)| order.is_none()) {
            return Err(format!(
                "{schema} has no required list to remove {name} from"
            ));
        }
        let mut names: Vec<&str> = changes.iter().map(|(_, name, _)| *name).collect();
        if let Some((_, _, Some(order))) = changes.first() {
            names.sort_by_key(|name| order.iter().position(|row| row == name));
        }
        names.dedup();
        let properties = value.pointer(&format!("{schema}/properties")).is_some();
        let placement = if properties {
            Placement::Before("properties".into())
        } else {
            Placement::Last
        };
        let edit = document.insert_entry(schema, "required", &json!(names), &placement)?;
        return Ok(vec![(first, edit)]);
    };
    let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
    let removed: Vec<&str> = changes
        .iter()
        .filter(|(_, _, order)| order.is_none())
        .map(|(_, name, _)| *name)
        .collect();
    let added: Vec<(usize, &str, &Vec<String>)> = changes
        .iter()
        .filter(|(_, name, _)| !names.contains(name))
        .filter_map(|(index, name, order)| order.map(|order| (*index, *name, order)))
        .collect();
    let kept = names.iter().filter(|n| !removed.contains(n)).count();
    if kept == 0 && added.is_empty() {
        // OpenAPI 3.0 wants a non-empty list: drop the key.
        return Ok(vec![(first, document.remove_entry(schema, "required")?)]);
    }
    let mut out = Vec::new();
    for (index, name, order) in changes {
        if order.is_some() {
            continue;
        }
        let position = names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| format!("{pointer} does not list {name}"))?;
        out.push((*index, document.remove_item(&pointer, position)?));
    }
    // Positions are decided among the names that stay, then mapped to the
    // original list's items (an insertion goes before one of them, or last).
    let staying: Vec<(usize, &str)> = names
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, n)| !removed.contains(n))
        .collect();
    let sorted = staying.windows(2).all(|pair| pair[0].1 <= pair[1].1);
    let mut placed: Vec<(usize, usize, usize, &str)> = Vec::new();
    for (index, name, order) in added {
        let rank = |n: &str| order.iter().position(|row| row == n);
        let ranks: Option<Vec<usize>> = staying.iter().map(|(_, n)| rank(n)).collect();
        let follows_page = ranks
            .as_ref()
            .is_some_and(|r| r.windows(2).all(|pair| pair[0] < pair[1]));
        let among_staying = match (follows_page, rank(name), &ranks) {
            (true, Some(mine), Some(ranks)) => ranks.iter().filter(|r| **r < mine).count(),
            _ if sorted => staying.iter().filter(|(_, n)| *n < name).count(),
            _ => staying.len(),
        };
        let position = staying
            .get(among_staying)
            .map_or(names.len(), |(original, _)| *original);
        placed.push((position, rank(name).unwrap_or(usize::MAX), index, name));
    }
    // Several names at one position go in page order.
    placed.sort_unstable();
    for (position, _, index, name) in placed {
        out.push((
            index,
            document.insert_item(&pointer, position, &json!(name))?,
        ));
    }
    Ok(out)
}

/// Whether each edit's intent holds in `value` (the edited spec, reloaded):
/// the first that does not, as a message naming its place.
pub fn check_landed(value: &Value, edits: &[SpecEdit]) -> Result<(), String> {
    for edit in edits {
        let holds = match edit {
            SpecEdit::Insert { .. } | SpecEdit::Replace { .. } => {
                let (parent, key, expected) = match edit {
                    SpecEdit::Insert {
                        parent, key, value, ..
                    }
                    | SpecEdit::Replace { parent, key, value } => (parent, key, value),
                    _ => continue,
                };
                value
                    .pointer(parent)
                    .and_then(|p| p.get(key.as_str()))
                    .is_some_and(|found| found == expected)
            }
            SpecEdit::Require { schema, name, .. } | SpecEdit::Unrequire { schema, name } => {
                let listed = value
                    .pointer(&format!("{schema}/required"))
                    .and_then(Value::as_array)
                    .is_some_and(|list| list.iter().any(|n| n.as_str() == Some(name.as_str())));
                listed == matches!(edit, SpecEdit::Require { .. })
            }
        };
        if !holds {
            return Err(format!(
                "{}: the edited file does not read back as proposed",
                edit.target()
            ));
        }
    }
    Ok(())
}

/// Whether the edited spec (`edited`, reloaded) is `original` with `edits`
/// applied and nothing else: a text edit must not change a neighbour (a
/// scalar that kept trailing lines, an entry that swallowed the next one).
/// The order of `required` lists is left to the landing check above.
pub fn check_nothing_else(
    original: &Value,
    edited: &Value,
    edits: &[SpecEdit],
) -> Result<(), String> {
    let mut expected = original.clone();
    for edit in edits {
        match edit {
            SpecEdit::Insert {
                parent, key, value, ..
            }
            | SpecEdit::Replace { parent, key, value } => {
                if let Some(Value::Object(map)) = expected.pointer_mut(parent) {
                    map.insert(key.clone(), value.clone());
                }
            }
            SpecEdit::Require { schema, name, .. } => {
                if let Some(Value::Object(map)) = expected.pointer_mut(schema) {
                    let list = map.entry("required").or_insert_with(|| json!([]));
                    if let Value::Array(names) = list {
                        names.push(json!(name));
                    }
                }
            }
            SpecEdit::Unrequire { schema, name } => {
                if let Some(Value::Object(map)) = expected.pointer_mut(schema) {
                    let now_empty = match map.get_mut("required") {
                        Some(Value::Array(names)) => {
                            names.retain(|n| n.as_str() != Some(name.as_str()));
                            names.is_empty()
                        }
                        _ => false,
                    };
                    if now_empty {
                        map.remove("required");
                    }
                }
            }
        }
    }
    let (mut want, mut got) = (expected, edited.clone());
    sort_required(&mut want);
    sort_required(&mut got);
    match first_difference(&want, &got, String::new()) {
        None => Ok(()),
        Some(at) => Err(format!(
            "{at}: the text edits changed it, though no proposed edit is meant to"
        )),
    }
}

fn sort_required(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match child {
                    Value::Array(names) if key == "required" => {
                        names.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    }
                    _ => sort_required(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_required),
        _ => {}
    }
}

/// The JSON pointer of the first place where `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                let here = format!("{at}/{}", workspace_orders_openapi::pointer::escape(key));
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => {
                        if let Some(found) = first_difference(p, q, here) {
                            return Some(found);
                        }
                    }
                    _ => return Some(here),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}/{i}"))),
        _ => (a != b).then_some(at),
    }
}

/// Writes `text` to `path` through a temporary file in the same directory
/// and a rename, so a reader never sees half a file.
pub fn write_atomically(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .with_context(|| format!("{} has no parent directory", path.display()))?;
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?;
    let temp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temp, text).with_context(|| format!("cannot write {}", temp.display()))?;
    if let Err(error) = std::fs::rename(&temp, path) {
        let _ = std::fs::remove_file(&temp);
        return Err(error).with_context(|| format!("cannot replace {}", path.display()));
    }
    Ok(())
}
