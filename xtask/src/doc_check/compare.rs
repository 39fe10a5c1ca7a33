//! Holding a parsed page against its operation in the spec: the request body
//! tables field by field (walking `X object` references in parallel with the
//! spec's schemas), the status codes, the response bodies and the example
//! requests.

use serde_json::Value;
use workspace_orders_openapi::reference::MAX_DEPTH;

use super::difference::{Difference, Kind};
use super::field_type::FieldType;
use super::json_schema::RequestValidator;
use super::page::{Page, Table, TableRole};
use super::spec_model::{Operation, Spec};

/// The comparison of one page.
pub struct Comparison {
    pub differences: Vec<Difference>,
    /// What could not be compared on this page, and why.
    pub limitations: Vec<String>,
}

/// Compares `page` with `operation`. An `Err` means the comparison could not
/// be carried out (a table reference the page cannot resolve, a broken spec).
pub fn compare(page: &Page, spec: &Spec, operation: &Operation<'_>) -> Result<Comparison, String> {
    let mut walker = Walker {
        page,
        spec,
        differences: Vec::new(),
        visited: vec![false; page.tables.len()],
    };
    walker.request_body(operation)?;
    walker.statuses(operation)?;
    walker.examples(operation)?;
    let mut limitations = limitations(page);
    let unreached: Vec<String> = page
        .tables
        .iter()
        .zip(&walker.visited)
        .filter(|(t, visited)| !**visited && t.role() != TableRole::Parameters)
        .map(|(t, _)| t.label())
        .collect();
    if !unreached.is_empty() {
        limitations.push(format!(
            "not reached from the request or response bodies, so not compared: {}",
            unreached.join(", ")
        ));
    }
    Ok(Comparison {
        differences: walker.differences,
        limitations,
    })
}

/// The kinds a field walk reports, and whether Mandatory is compared.
#[derive(Clone, Copy)]
struct WalkKinds {
    missing: Kind,
    extra: Kind,
    compare_required: bool,
}

const REQUEST: WalkKinds = WalkKinds {
    missing: Kind::MissingInSpec,
    extra: Kind::ExtraInSpec,
    compare_required: true,
};

const RESPONSE: WalkKinds = WalkKinds {
    missing: Kind::ResponseFieldMissing,
    extra: Kind::ResponseFieldExtra,
    compare_required: false,
};

struct Walker<'a> {
    page: &'a Page,
    spec: &'a Spec,
    differences: Vec<Difference>,
    /// Which page tables a walk has compared.
    visited: Vec<bool>,
}

impl Walker<'_> {
    fn report(&mut self, kind: Kind, path: String, table: String, detail: String) {
        self.differences.push(Difference {
            kind,
            path,
            table,
            detail,
        });
    }

    fn request_body(&mut self, operation: &Operation<'_>) -> Result<(), String> {
        let page_table = self
            .page
            .tables
            .iter()
            .position(|t| t.role() == TableRole::RequestBody);
        let schema = self.spec.request_schema(operation)?;
        match (page_table, schema) {
            (Some(table), Some(schema)) => self.walk(table, schema, "", REQUEST, 0),
            (None, None) => Ok(()),
            (Some(_), None) => Err(format!(
                "the page has a request body table but the spec's {} has no JSON request body",
                operation.id
            )),
            (None, Some(_)) => Err(format!(
                "the page has no request body table (\"Request body parameters\" / \"请求Body参数\") \
                 but the spec's {} has a request body",
                operation.id
            )),
        }
    }

    /// Compares the rows of `page.tables[table]` with the object `schema`.
    fn walk(
        &mut self,
        table_index: usize,
        schema: &Value,
        prefix: &str,
        kinds: WalkKinds,
        depth: usize,
    ) -> Result<(), String> {
        let page = self.page;
        let spec = self.spec;
        let table: &Table = &page.tables[table_index];
        // The walk follows the page's `X object` tables and the spec's `$ref`s in
        // step, so it nests no deeper than a `$ref` walk may; deeper, a table refers
        // back to itself.
        if depth > MAX_DEPTH {
            return Err(format!(
                "{}: tables nest deeper than {MAX_DEPTH} levels at {prefix}: a reference cycle?",
                table.label()
            ));
        }
        let label = table.label();
        self.visited[table_index] = true;
        let object = spec.object_view(schema)?;
        for row in &table.rows {
            let path = format!("{prefix}{}", row.name);
            let Some(property) = object.property(&row.name) else {
                self.report(
                    kinds.missing,
                    path,
                    label.clone(),
                    format!(
                        "the page has {} ({}{}); the spec does not",
                        row.name,
                        row.type_text,
                        mandatory_text(row.mandatory)
                    ),
                );
                continue;
            };
            if kinds.compare_required
                && let Some(mandatory) = row.mandatory
            {
                let required = object.required.contains(row.name.as_str());
                if mandatory != required {
                    self.report(
                        Kind::RequiredDiffers,
                        path.clone(),
                        label.clone(),
                        format!(
                            "page: Mandatory {}; spec: {}",
                            if mandatory { "Yes" } else { "No" },
                            if required { "required" } else { "optional" }
                        ),
                    );
                }
            }
            let page_shape = row.field_type.shape();
            let spec_shape = spec.shape(property)?;
            if page_shape != spec_shape {
                self.report(
                    Kind::TypeDiffers,
                    path,
                    label.clone(),
                    format!("page: {} ({page_shape}); spec: {spec_shape}", row.type_text),
                );
                continue;
            }
            match &row.field_type {
                FieldType::Object(Some(name)) => {
                    let child = self.page.object_table(name, table, &row.name)?;
                    self.walk(child, property, &format!("{path}."), kinds, depth + 1)?;
                }
                FieldType::Array(item) => {
                    if let FieldType::Object(Some(name)) = item.as_ref() {
                        let child = self.page.object_table(name, table, &row.name)?;
                        let items = spec.items(property)?.ok_or_else(|| {
                            format!("the spec's {path} is an array without items")
                        })?;
                        self.walk(child, items, &format!("{path}[]."), kinds, depth + 1)?;
                    }
                }
                FieldType::Object(None) | FieldType::Scalar(_) => {}
            }
        }
        for (name, _) in &object.properties {
            if table.rows.iter().all(|row| row.name != *name) {
                self.report(
                    kinds.extra,
                    format!("{prefix}{name}"),
                    label.clone(),
                    format!("the spec has {name}; the page's table does not"),
                );
            }
        }
        Ok(())
    }

    fn statuses(&mut self, operation: &Operation<'_>) -> Result<(), String> {
        let page = self.page;
        let mut page_statuses: Vec<u16> = page
            .response_sections
            .iter()
            .map(|s| s.status)
            .chain(page.status_codes.iter().copied())
            .collect();
        page_statuses.sort_unstable();
        page_statuses.dedup();
        let spec_statuses = self.spec.statuses(operation);
        for status in &page_statuses {
            if !spec_statuses.contains(status) {
                let detail = status_places(page, *status);
                self.report(
                    Kind::StatusMissing,
                    format!("status.{status}"),
                    "Status Codes".into(),
                    format!("the page documents {status} ({detail}); the spec's responses do not"),
                );
            }
        }
        for status in &spec_statuses {
            if !page_statuses.contains(status) {
                self.report(
                    Kind::StatusExtra,
                    format!("status.{status}"),
                    "Status Codes".into(),
                    format!(
                        "the spec has a {status} response; the page does not document {status}"
                    ),
                );
            }
        }
        for section in &page.response_sections {
            if !spec_statuses.contains(&section.status) {
                continue;
            }
            let schema = self.spec.response_schema(operation, section.status)?;
            let prefix = format!("response.{}.", section.status);
            match (section.table, schema) {
                (Some(table), Some(schema)) => self.walk(table, schema, &prefix, RESPONSE, 0)?,
                (Some(table_index), None) => {
                    self.visited[table_index] = true;
                    let table = &page.tables[table_index];
                    for row in &table.rows {
                        self.report(
                            Kind::ResponseFieldMissing,
                            format!("{prefix}{}", row.name),
                            table.label(),
                            format!(
                                "the page has {}; the spec's response has no JSON body",
                                row.name
                            ),
                        );
                    }
                }
                (None, Some(schema)) => {
                    let object = self.spec.object_view(schema)?;
                    for (name, _) in &object.properties {
                        self.report(
                            Kind::ResponseFieldExtra,
                            format!("{prefix}{name}"),
                            format!("Status code: {}", section.status),
                            format!("the spec has {name}; the page's response has no body table"),
                        );
                    }
                }
                (None, None) => {}
            }
        }
        Ok(())
    }

    fn examples(&mut self, operation: &Operation<'_>) -> Result<(), String> {
        let page = self.page;
        if page.examples.is_empty() {
            return Ok(());
        }
        let embedded = self.spec.request_examples(operation)?;
        let validator = match self.spec.request_schema(operation)? {
            Some(schema) => Some(RequestValidator::new(&self.spec.document, schema)?),
            None => None,
        };
        for (index, example) in page.examples.iter().enumerate() {
            let path = format!("example.{}", index + 1);
            let table = "Example Requests".to_string();
            if !embedded.iter().any(|(_, value)| **value == example.value) {
                self.report(
                    Kind::ExampleMissing,
                    path.clone(),
                    table.clone(),
                    missing_example_detail(example.line, &example.value, &embedded),
                );
            }
            if let Some(validator) = &validator {
                let errors = validator.errors(&example.value);
                if !errors.is_empty() {
                    self.report(
                        Kind::ExampleInvalid,
                        path,
                        table,
                        format!(
                            "the example at line {} is not valid against the request schema: {}",
                            example.line,
                            errors.join("; ")
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}

fn mandatory_text(mandatory: Option<bool>) -> &'static str {
    match mandatory {
        Some(true) => ", Mandatory Yes",
        Some(false) => ", Mandatory No",
        None => "",
    }
}

fn status_places(page: &Page, status: u16) -> String {
    let mut places = Vec::new();
    if let Some(section) = page.response_sections.iter().find(|s| s.status == status) {
        places.push(format!("response section at line {}", section.line));
    }
    if page.status_codes.contains(&status) {
        places.push("Status Codes table".to_string());
    }
    places.join(", ")
}

/// Names the embedded example closest to a page example and where they first differ.
fn missing_example_detail(line: usize, example: &Value, embedded: &[(String, &Value)]) -> String {
    let head =
        format!("the example at line {line} is not among the operation's requestBody examples");
    let closest = embedded
        .iter()
        .map(|(name, value)| {
            let mut paths = Vec::new();
            differing_paths(example, value, String::new(), &mut paths);
            (name, paths)
        })
        .min_by_key(|(_, paths)| paths.len());
    match closest {
        Some((name, paths)) => {
            let shown: Vec<&str> = paths.iter().take(5).map(String::as_str).collect();
            format!(
                "{head}; closest is {name:?}, differing at {}{}",
                shown.join(", "),
                if paths.len() > shown.len() {
                    ", …"
                } else {
                    ""
                }
            )
        }
        None => format!("{head} (it has none)"),
    }
}

/// JSON pointers at which `a` and `b` differ.
fn differing_paths(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                let here = format!("{at}/{key}");
                match y.get(key) {
                    Some(other) => differing_paths(value, other, here, out),
                    None => out.push(here),
                }
            }
            for key in y.keys().filter(|k| !x.contains_key(*k)) {
                out.push(format!("{at}/{key}"));
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (index, (p, q)) in x.iter().zip(y).enumerate() {
                differing_paths(p, q, format!("{at}/{index}"), out);
            }
        }
        _ if a == b => {}
        _ => out.push(if at.is_empty() { "/".into() } else { at }),
    }
}

/// Tables whose Mandatory column is empty: their required flags cannot be compared.
fn limitations(page: &Page) -> Vec<String> {
    let empty: Vec<String> = page
        .tables
        .iter()
        .filter(|t| {
            t.has_mandatory_column
                && matches!(t.role(), TableRole::RequestBody | TableRole::Object)
                && t.rows.iter().all(|r| r.mandatory.is_none())
        })
        .map(|t| t.number.to_string())
        .collect();
    let mut limitations = Vec::new();
    if !empty.is_empty() {
        limitations.push(format!(
            "the Mandatory column is empty in tables {}: required flags were not compared there",
            empty.join(", ")
        ));
    }
    let partial: Vec<String> = page
        .tables
        .iter()
        .filter(|t| {
            t.rows.iter().any(|r| r.mandatory.is_none())
                && t.rows.iter().any(|r| r.mandatory.is_some())
        })
        .map(|t| t.number.to_string())
        .collect();
    if !partial.is_empty() {
        limitations.push(format!(
            "some Mandatory cells are empty in tables {}: those rows' required flags were not compared",
            partial.join(", ")
        ));
    }
    limitations
}
