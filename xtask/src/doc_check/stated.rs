//! The schema keywords a row's description states in words: value lists
//! (`createDesktops: creating a desktop; addVolumes: …`), ranges ("ranges from
//! 0 to 100", "1 to 15 characters", "a maximum of 43 … characters", "greater
//! than 0"), "cannot be left blank" and "a multiple of 10".
//!
//! A statement that occurs more than once with different numbers ("the
//! system disk size ranges from 80 to 32760, and the data disk size ranges
//! from 10 to 32760") depends on context the row does not give: it yields no
//! keyword, and the proposal says so.

use serde_json::{Map, Value, json};

/// What a row's type is, as far as constraints go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Array,
    Other,
}

/// The keywords found, in the spec's order, and what was left out and why.
#[derive(Debug, Default)]
pub struct Stated {
    pub keywords: Map<String, Value>,
    /// The description less a bulleted value list moved into `enum`.
    pub description: Option<String>,
    pub skipped: Vec<String>,
}

/// The keywords `description` states for a field of `kind`.
pub fn keywords(kind: Kind, description: &str) -> Stated {
    let mut stated = Stated::default();
    let lower = description.to_lowercase();
    if matches!(kind, Kind::String | Kind::Integer) {
        bulleted_values(kind, description, &mut stated);
        if !stated.keywords.contains_key("enum") {
            values(kind, description, &mut stated);
        }
    }
    let ranges = ranges(&lower);
    let (min_key, max_key) = match kind {
        Kind::Integer | Kind::Number => ("minimum", "maximum"),
        Kind::String => ("minLength", "maxLength"),
        Kind::Array => ("minItems", "maxItems"),
        Kind::Other => return stated,
    };
    let mut min = None;
    let mut max = None;
    match ranges.as_slice() {
        [] => {}
        [(low, high)] => {
            min = Some(*low);
            max = Some(*high);
        }
        _ => stated.skipped.push(format!(
            "{} ranges stated ({}): they depend on context; add {min_key}/{max_key} by hand",
            ranges.len(),
            ranges
                .iter()
                .map(|(l, h)| format!("{l} to {h}"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
    if kind == Kind::String {
        if let Some(limit) = number_after(&lower, "a maximum of ") {
            max = max.or(Some(limit));
        }
        // ("X cannot be empty" is about another member as often as not: a rule.)
        if lower.contains("parameter cannot be left blank") {
            min = min.or(Some(1));
        }
    }
    if matches!(kind, Kind::Integer | Kind::Number) {
        if let Some(bound) = number_after(&lower, "greater than or equal to ") {
            min = min.or(Some(bound));
        } else if let Some(bound) = number_after(&lower, "greater than ") {
            min = min.or(Some(bound + i64::from(kind == Kind::Integer)));
        }
    }
    // A lower bound of 0 on a length or a count says nothing.
    if matches!(kind, Kind::String | Kind::Array) && min == Some(0) {
        min = None;
    }
    if let Some(min) = min {
        stated.keywords.insert(min_key.into(), json!(min));
    }
    if let Some(max) = max {
        stated.keywords.insert(max_key.into(), json!(max));
    }
    if kind == Kind::Integer
        && let Some(step) = number_after(&lower, "multiple of ")
        && step > 1
    {
        stated.keywords.insert("multipleOf".into(), json!(step));
    }
    stated
}

/// Every `A to B` with numbers on both sides ("ranges from 1 Mbit/s to 2,000
/// Mbit/s", "1 to 15 characters"), deduplicated.
fn ranges(lower: &str) -> Vec<(i64, i64)> {
    let words: Vec<&str> = lower.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if *word != "to" || i == 0 {
            continue;
        }
        // `A to B` or `A unit to B`.
        let low = number(words[i - 1]).or_else(|| {
            i.checked_sub(2)
                .and_then(|j| number(words[j]))
                .filter(|_| !words[i - 1].chars().any(|c| c.is_ascii_digit()))
        });
        let high = words.get(i + 1).and_then(|w| number(w));
        if let (Some(low), Some(high)) = (low, high)
            && low <= high
            && !found.contains(&(low, high))
        {
            found.push((low, high));
        }
    }
    found
}

/// The number at the start of the text after `phrase`, if any.
fn number_after(lower: &str, phrase: &str) -> Option<i64> {
    let (_, rest) = lower.split_once(phrase)?;
    number(rest.split_whitespace().next()?)
}

/// `2,000` / `100.` / `32760,` → the integer.
fn number(word: &str) -> Option<i64> {
    let digits: String = word
        .trim_end_matches(['.', ',', ';', ')'])
        .chars()
        .filter(|c| *c != ',')
        .collect();
    (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A bulleted value list, `Image type. • gold: public image • private: …` or
/// `• Linux • Windows`: `enum` (and `x-enum-descriptions` when every value
/// has a meaning), and the description up to the first bullet.
fn bulleted_values(kind: Kind, description: &str, stated: &mut Stated) {
    let mut pieces = description.split('•').map(str::trim);
    let intro = pieces.next().unwrap_or_default();
    let items: Vec<&str> = pieces.collect();
    if items.len() < 2 {
        return;
    }
    let mut values = Vec::new();
    let mut meanings = Vec::new();
    for item in &items {
        let (value, meaning) = match item.split_once(": ") {
            Some((value, meaning)) => (value.trim(), Some(meaning.trim().trim_end_matches('.'))),
            None => (item.trim_end_matches('.'), None),
        };
        let Some(value) = value_of(kind, value) else {
            return;
        };
        values.push(value);
        meanings.extend(meaning.map(|m| json!(m)));
    }
    if !meanings.is_empty() && meanings.len() != values.len() {
        return;
    }
    stated.keywords.insert("enum".into(), Value::Array(values));
    if !meanings.is_empty() {
        stated
            .keywords
            .insert("x-enum-descriptions".into(), Value::Array(meanings));
    }
    stated.description = Some(intro.to_string());
}

/// A listed value: an integer for integers, one identifier-like word otherwise.
fn value_of(kind: Kind, text: &str) -> Option<Value> {
    match kind {
        Kind::Integer => text.parse::<i64>().ok().map(|n| json!(n)),
        _ => (!text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)))
        .then(|| json!(text)),
    }
}

/// A value list `v1: meaning; v2: meaning` (after the description's first
/// sentence): `enum` and `x-enum-descriptions` when every part has that form.
fn values(kind: Kind, description: &str, stated: &mut Stated) {
    let parts: Vec<&str> = description.split("; ").collect();
    if parts.len() < 2 {
        return;
    }
    let mut values = Vec::new();
    let mut meanings = Vec::new();
    for (index, part) in parts.iter().enumerate() {
        // The first part starts with the sentence that introduces the list:
        // its value is the word before its last `: `.
        let split = if index == 0 {
            part.rsplit_once(": ")
                .map(|(head, meaning)| (head.rsplit(' ').next().unwrap_or(head), meaning))
        } else {
            part.split_once(": ")
        };
        let Some((value, meaning)) = split else {
            return;
        };
        let value = value.trim();
        let meaning = meaning.trim().trim_end_matches('.');
        let Some(value) = value_of(kind, value) else {
            return;
        };
        if meaning.is_empty() {
            return;
        }
        values.push(value);
        meanings.push(json!(meaning));
    }
    stated.keywords.insert("enum".into(), Value::Array(values));
    stated
        .keywords
        .insert("x-enum-descriptions".into(), Value::Array(meanings));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stated(kind: Kind, text: &str) -> Value {
        Value::Object(keywords(kind, text).keywords)
    }

    #[test]
    fn ranges_by_type() {
        assert_eq!(
            stated(
                Kind::Array,
                "IP addresses assigned to the desktop. The value ranges from 0 to 100."
            ),
            json!({ "maxItems": 100 })
        );
        assert_eq!(
            stated(
                Kind::String,
                "The desktop name can contain 1 to 15 characters in letters."
            ),
            json!({ "minLength": 1, "maxLength": 15 })
        );
        assert_eq!(
            stated(
                Kind::Integer,
                "Bandwidth size, in Mbit/s. The value ranges from 1 Mbit/s to 2,000 Mbit/s by default."
            ),
            json!({ "minimum": 1, "maximum": 2000 })
        );
        assert_eq!(
            stated(
                Kind::Integer,
                "The number of subscription periods is greater than 0."
            ),
            json!({ "minimum": 1 })
        );
        assert_eq!(
            stated(
                Kind::String,
                "This parameter cannot be left blank and can contain a maximum of 128 Unicode characters."
            ),
            json!({ "minLength": 1, "maxLength": 128 })
        );
    }

    #[test]
    fn ranges_that_depend_on_context_are_left_out_and_said() {
        let found = keywords(
            Kind::Integer,
            "The system disk size ranges from 80 to 32760, and the data disk size ranges from 10 \
             to 32760. The value must be a multiple of 10.",
        );
        assert_eq!(Value::Object(found.keywords), json!({ "multipleOf": 10 }));
        assert!(
            found.skipped[0].contains("80 to 32760, 10 to 32760"),
            "{:?}",
            found.skipped
        );
    }

    #[test]
    fn value_lists() {
        assert_eq!(
            stated(
                Kind::String,
                "Order type. createDesktops: creating a desktop; addVolumes: adding a disk"
            ),
            json!({
                "enum": ["createDesktops", "addVolumes"],
                "x-enum-descriptions": ["creating a desktop", "adding a disk"],
            })
        );
        assert_eq!(
            stated(Kind::Integer, "Options: 2: monthly; 3: yearly."),
            json!({ "enum": [2, 3], "x-enum-descriptions": ["monthly", "yearly"] })
        );
        assert_eq!(stated(Kind::String, "One thing; another thing."), json!({}));
        let bulleted = keywords(
            Kind::String,
            "Purchase option. The default value is custom. • speed: quick purchase • custom: custom purchase",
        );
        assert_eq!(
            Value::Object(bulleted.keywords),
            json!({ "enum": ["speed", "custom"], "x-enum-descriptions": ["quick purchase", "custom purchase"] })
        );
        assert_eq!(
            bulleted.description.as_deref(),
            Some("Purchase option. The default value is custom.")
        );
        assert_eq!(
            stated(Kind::String, "OS type. • Linux • Windows"),
            json!({ "enum": ["Linux", "Windows"] })
        );
        assert_eq!(
            stated(
                Kind::String,
                "Product ID. NOTE: • For details, see ListProduct. • Another note."
            ),
            json!({})
        );
    }
}
