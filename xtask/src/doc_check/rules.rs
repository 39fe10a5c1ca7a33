//! doc-check and the spec's rules between fields (`x-rules`).
//!
//! Each rule quotes the sentences it comes from (`source`: page, table, field,
//! text). Two differences keep the rules and the pages together:
//! - `rule-source-missing` (`x-rules.<Schema>.<rule-id>`): a sentence a rule quotes
//!   from this page is no longer on it: the page changed, the rule may have too;
//! - `rule-unstated` (`table-<N>.<field>`): a sentence of the kind rules come from
//!   ("mandatory when", "cannot be used together", "cannot be empty"…) that no
//!   rule quotes: a new rule, or one the spec cannot check (ERRATA E18 says why).
//!
//! Sentences are compared with runs of whitespace folded to one space.

use serde_json::Value;

use super::difference::{Difference, Kind};
use super::page::Page;

/// Phrases that state a rule between fields, lower-case.
const RULE_PHRASES: &[&str] = &[
    "mandatory when",
    "mandatory only when",
    "required when",
    "cannot be used together",
    "cannot be empty",
    "must be used together",
];

struct Quote {
    schema: String,
    rule: String,
    table: String,
    text: String,
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every sentence the rules quote from page `page_id`.
fn quotes(document: &Value, page_id: &str) -> Vec<Quote> {
    let mut quotes = Vec::new();
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return quotes;
    };
    for (schema, value) in schemas {
        for rule in value
            .get("x-rules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            for source in rule
                .get("source")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if source.get("page").and_then(Value::as_str) != Some(page_id) {
                    continue;
                }
                let text = |key: &str| {
                    source
                        .get(key)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                quotes.push(Quote {
                    schema: schema.clone(),
                    rule: rule
                        .get("id")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    table: text("table"),
                    text: fold(&text("text")),
                });
            }
        }
    }
    quotes
}

/// The rule differences between page `page_id` (`page`, parsed from `text`) and
/// the spec `document`.
pub fn differences(page: &Page, text: &str, page_id: &str, document: &Value) -> Vec<Difference> {
    let quotes = quotes(document, page_id);
    let folded_page = fold(text);
    let mut differences = Vec::new();
    for quote in &quotes {
        if !folded_page.contains(&quote.text) {
            differences.push(Difference {
                kind: Kind::RuleSourceMissing,
                path: format!("x-rules.{}.{}", quote.schema, quote.rule),
                table: quote.table.clone(),
                detail: format!("the page no longer says {:?}", quote.text),
            });
        }
    }
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        for sentence in line.split_inclusive(". ") {
            let sentence = fold(sentence);
            let lower = sentence.to_lowercase();
            if !RULE_PHRASES.iter().any(|phrase| lower.contains(phrase)) {
                continue;
            }
            let quoted = quotes.iter().any(|quote| {
                sentence.contains(quote.text.trim_end_matches('.'))
                    || quote.text.contains(sentence.trim_end_matches('.'))
            });
            if quoted {
                continue;
            }
            let Some((table, row)) = row_at(page, line_number) else {
                continue;
            };
            let path = format!("table-{table}.{row}");
            if differences
                .iter()
                .any(|d: &Difference| d.kind == Kind::RuleUnstated && d.path == path)
            {
                continue;
            }
            differences.push(Difference {
                kind: Kind::RuleUnstated,
                path,
                table: format!("Table {table}"),
                detail: format!("no x-rules rule quotes {sentence:?}"),
            });
        }
    }
    differences
}

/// The table number and row name whose description holds line `line`.
fn row_at(page: &Page, line: usize) -> Option<(u32, &str)> {
    let table = page.tables.iter().rfind(|t| t.line <= line)?;
    let row = table.rows.iter().rfind(|r| r.line <= line)?;
    Some((table.number, row.name.as_str()))
}
