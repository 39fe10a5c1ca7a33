//! Writing a JSON value as block-style YAML the way the spec is written: two
//! spaces per level, sequence items indented under their key, quoted `$ref`s
//! and status codes, long prose as folded (`>-`) scalars.

use serde_json::Value;

/// Prose longer than this (after the key) is folded over several lines.
const WIDTH: usize = 100;

/// The YAML lines of `key: value` as a mapping entry at `indent` spaces.
pub fn entry(key: &str, value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_entry(&mut out, key, value, indent);
    out
}

/// The YAML lines of `- value` as a sequence item at `indent` spaces.
pub fn item(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_item(&mut out, value, indent);
    out
}

fn write_entry(out: &mut String, key: &str, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    let key = scalar_text(key);
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for (k, v) in map {
                write_entry(out, k, v, indent + 2);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            out.push_str(&format!("{pad}{key}:\n"));
            for v in items {
                write_item(out, v, indent + 2);
            }
        }
        Value::String(text) => {
            let head = format!("{pad}{key}: ");
            write_string(out, &head, text, indent + 2);
        }
        other => out.push_str(&format!("{pad}{key}: {}\n", inline(other))),
    }
}

fn write_item(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            // The first entry shares the dash's line; the rest align with it.
            let mut first = true;
            for (k, v) in map {
                let mut entry_text = String::new();
                write_entry(&mut entry_text, k, v, indent + 2);
                if first {
                    out.push_str(&format!("{pad}- {}", &entry_text[indent + 2..]));
                    first = false;
                } else {
                    out.push_str(&entry_text);
                }
            }
        }
        Value::String(text) => {
            let head = format!("{pad}- ");
            write_string(out, &head, text, indent + 2);
        }
        other => out.push_str(&format!("{pad}- {}\n", inline(other))),
    }
}

/// A string after `head`: plain or quoted on one line, or folded when long.
fn write_string(out: &mut String, head: &str, text: &str, indent: usize) {
    let one_line = format!("{head}{}", scalar_text(text));
    if one_line.chars().count() <= WIDTH || !foldable(text) {
        out.push_str(&one_line);
        out.push('\n');
        return;
    }
    out.push_str(head);
    out.push_str(">-\n");
    let pad = " ".repeat(indent);
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(&format!("{pad}{line}\n"));
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&format!("{pad}{line}\n"));
}

/// Whether folding `text` at its spaces reads back as `text`: single spaces
/// only, no line breaks, nothing at either end.
fn foldable(text: &str) -> bool {
    !text.is_empty()
        && !text.contains("  ")
        && !text.contains(['\n', '\r', '\t'])
        && text.trim() == text
}

fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar_text(s),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string as a YAML scalar: plain where it reads back as the same string,
/// else double-quoted (JSON's string syntax is valid YAML).
pub fn scalar_text(text: &str) -> String {
    if plain_is_safe(text) {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
    }
}

fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if text.trim() != text
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
        || text.contains(|c: char| c.is_control())
    {
        return false;
    }
    // Words YAML 1.1 or 1.2 readers take for booleans, nulls or numbers stay strings.
    let lower = text.to_ascii_lowercase();
    let special = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~", ".inf", "-.inf", ".nan",
    ];
    if special.contains(&lower.as_str()) {
        return false;
    }
    // A word that starts like a number (`200`, `0x1F`, `.5`, `-1`, `1_000`) is
    // quoted for any reader; words after a space (`002 Table 7 Nic`) are prose.
    let mut chars = text.chars();
    let starts_numeric = match chars.next() {
        Some(c) if c.is_ascii_digit() => true,
        Some('+' | '-' | '.') => chars.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    if starts_numeric && !text.contains(' ') {
        return false;
    }
    // Whatever else this reader takes for something other than the string.
    let probe = format!("k: {text}");
    serde_yaml_ng::from_str::<serde_json::Value>(&probe)
        .is_ok_and(|v| v.get("k").and_then(serde_json::Value::as_str) == Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn reads_back(value: &Value) {
        let text = entry("key", value, 0);
        let parsed: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(parsed, json!({ "key": value }), "{text}");
    }

    #[test]
    fn strings_that_look_like_other_scalars_are_quoted() {
        for text in [
            "200", "true", "no", "1e3", "0x1F", "", " lead", "a: b", "#/x", "- x",
        ] {
            reads_back(&json!(text));
        }
        assert_eq!(scalar_text("Order ID."), "Order ID.");
        assert_eq!(scalar_text("200"), "\"200\"");
        assert_eq!(scalar_text("002 Table 7 Nic"), "002 Table 7 Nic");
        assert_eq!(
            scalar_text("#/components/schemas/X"),
            "\"#/components/schemas/X\""
        );
    }

    #[test]
    fn long_prose_is_folded_and_reads_back() {
        let long = "word ".repeat(60).trim_end().to_string();
        let text = entry("description", &json!(long), 6);
        assert!(text.starts_with("      description: >-\n"), "{text}");
        assert!(text.lines().all(|l| l.chars().count() <= WIDTH), "{text}");
        reads_back(&json!({ "description": long }));
    }

    #[test]
    fn nested_values_read_back() {
        reads_back(&json!({
            "type": "object",
            "required": ["a", "b"],
            "properties": { "a": { "type": "integer", "minimum": 1 }, "b": { "$ref": "#/x" } },
            "items": [{ "name": "p", "in": "path" }, 3, "x"],
            "empty": [],
        }));
    }
}
