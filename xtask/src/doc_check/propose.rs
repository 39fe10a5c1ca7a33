//! `doc-check --propose`: the spec edit for each unexplained difference of a
//! page, transcribed the way the spec is written (`openapi/README.md`, "How
//! the document is organised"):
//! - a row the spec lacks becomes a property with type, format, description
//!   and the keywords its description states, plus a `required` entry when
//!   it is Mandatory; an `X object` row refers to the component schema
//!   transcribed from table `X` (the one whose `x-doc-source` cites it, or a
//!   new one named with the page's schema prefix);
//! - a changed Mandatory adds the name to, or removes it from, `required`;
//! - a changed type replaces the property with its transcription;
//! - a status code the spec lacks becomes a response with the Status Codes
//!   table's description and, for a body table, the schema the operation's
//!   other responses of the same class share, or a new one;
//! - a page whose operation the spec lacks becomes a whole operation.
//!
//! Other kinds (fields the spec has and the page does not, examples, rules)
//! are left to a person: the proposal lists them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};
use workspace_orders_openapi::pointer::escape as token;
use workspace_orders_openapi::reference::{self, MAX_DEPTH};

use super::difference::{Difference, Kind};
use super::field_type::FieldType;
use super::page::{Page, Row, Table, TableRole};
use super::spec_model::Spec;
use super::stated;
use super::yaml_edit::Placement;

/// One edit of the spec, at a JSON pointer.
#[derive(Debug, Clone)]
pub enum SpecEdit {
    /// Adds `key: value` to the mapping at `parent`.
    Insert {
        parent: String,
        key: String,
        value: Value,
        placement: Placement,
    },
    /// Replaces the value of `key` in the mapping at `parent`.
    Replace {
        parent: String,
        key: String,
        value: Value,
    },
    /// Adds `name` to the `required` list of the object schema at `schema`;
    /// `page_order` is the order of the rows on the page.
    Require {
        schema: String,
        name: String,
        page_order: Vec<String>,
    },
    /// Removes `name` from the `required` list of the object schema at `schema`.
    Unrequire { schema: String, name: String },
}

impl SpecEdit {
    /// Where the edit lands: the pointer of the entry or list item it changes.
    pub fn target(&self) -> String {
        match self {
            SpecEdit::Insert { parent, key, .. } | SpecEdit::Replace { parent, key, .. } => {
                format!("{parent}/{}", token(key))
            }
            SpecEdit::Require { schema, name, .. } | SpecEdit::Unrequire { schema, name } => {
                format!("{schema}/required ({name})")
            }
        }
    }
}

/// The edits for one difference (or for a new operation).
#[derive(Debug)]
pub struct Proposed {
    /// `missing-in-spec resources[].period_num`, or `new operation POST /v1/…`.
    pub what: String,
    pub edits: Vec<SpecEdit>,
    /// Keywords or parts left to a person, and why.
    pub notes: Vec<String>,
}

/// A page's proposals and the differences nothing is proposed for.
#[derive(Debug, Default)]
pub struct PageProposal {
    pub proposed: Vec<Proposed>,
    pub not_proposed: Vec<Difference>,
    /// (kind, path) of every difference an edit is proposed for.
    pub resolves: Vec<(Kind, String)>,
}

/// Proposes the edits for the unexplained `differences` of `page` (page id
/// `page_id`), whose operation is at `operation` in the spec.
pub fn for_operation(
    page: &Page,
    page_id: &str,
    spec: &Spec,
    operation: &str,
    differences: &[Difference],
) -> Result<PageProposal, String> {
    let wanted: BTreeSet<(Kind, String)> = differences
        .iter()
        .map(|d| (d.kind, d.path.clone()))
        .collect();
    let operation_value = spec
        .document
        .pointer(operation)
        .ok_or_else(|| format!("no operation at {operation}"))?;
    let prefix = schema_prefix(spec, page_id, operation_value);
    let mut proposer = Proposer::new(page, page_id, spec, prefix);
    proposer.wanted = wanted;
    let request = format!("{operation}/requestBody/content/application~1json/schema");
    if let Some(table) = page
        .tables
        .iter()
        .position(|t| t.role() == TableRole::RequestBody)
        && spec.document.pointer(&request).is_some()
    {
        let schema = proposer.resolve(&request)?;
        proposer.walk(table, &schema, "", true, 0)?;
    }
    proposer.statuses(operation)?;
    let resolves: BTreeSet<(Kind, String)> = proposer.resolved.clone();
    let not_proposed = differences
        .iter()
        .filter(|d| !resolves.contains(&(d.kind, d.path.clone())))
        .cloned()
        .collect();
    let mut proposed = proposer.proposed;
    push_new_schemas(&mut proposed, proposer.new_schemas);
    Ok(PageProposal {
        proposed,
        not_proposed,
        resolves: resolves.into_iter().collect(),
    })
}

/// Proposes a whole operation for a page whose operation the spec lacks.
pub fn new_operation(
    page: &Page,
    page_id: &str,
    spec: &Spec,
    operation_id: Option<&str>,
) -> Result<PageProposal, String> {
    let id = match operation_id {
        Some(id) => id.to_string(),
        None => operation_id_from_title(page.title.as_deref().unwrap_or_default())
            .ok_or("the page has no title to name the operation after; pass --operation-id")?,
    };
    if operation_ids(spec).contains(&id) {
        return Err(format!(
            "the spec already has an operation {id}; pass --operation-id with a new one"
        ));
    }
    let prefix = pascal_without_verb(&id);
    let mut proposer = Proposer::new(page, page_id, spec, prefix.clone());
    let mut notes = Vec::new();
    let mut operation = Map::new();
    operation.insert("operationId".into(), json!(id));
    let service = service_for(spec, &page.uri);
    notes.push(format!(
        "x-service {service}: the service of the spec's operations under the same version \
         prefix; check it against the endpoint catalogue"
    ));
    operation.insert("x-service".into(), json!(service));
    if let Some(tags) = shared_tags(spec) {
        operation.insert("tags".into(), tags);
    }
    if let Some(title) = &page.title {
        operation.insert("summary".into(), json!(title));
    }
    if let Some(function) = &page.function {
        operation.insert("description".into(), json!(function));
    }
    let mut source = Map::new();
    if let Some(title) = &page.title {
        source.insert("page".into(), json!(title));
    }
    if let Some(updated) = &page.updated {
        let language = if page.title.as_deref().is_some_and(has_cjk) {
            "Chinese"
        } else {
            "English"
        };
        source.insert(
            "edition".into(),
            json!(format!("{language}, updated {updated}")),
        );
    }
    if !source.is_empty() {
        operation.insert("x-doc-source".into(), Value::Object(source));
    }
    notes.push(
        "x-iam-authorization is not transcribed: add it from the page's Authorization Information"
            .into(),
    );
    let parameters = proposer.parameters();
    if !parameters.is_empty() {
        operation.insert("parameters".into(), Value::Array(parameters));
    }
    if let Some(table) = page
        .tables
        .iter()
        .position(|t| t.role() == TableRole::RequestBody)
    {
        let description = format!("Request body of {id}.");
        let name = proposer.schema_for_table(
            table,
            "request body",
            Some(description),
            true,
            &format!("{prefix}Request"),
            0,
        )?;
        let mut media = Map::new();
        media.insert("schema".into(), reference(&name));
        let mut examples = Map::new();
        for (index, example) in page.examples.iter().enumerate() {
            examples.insert(
                format!("example{}", index + 1),
                json!({
                    "summary": format!("The page's example request {}", index + 1),
                    "value": example.value,
                }),
            );
        }
        if !examples.is_empty() {
            media.insert("examples".into(), Value::Object(examples));
        }
        operation.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { "application/json": Value::Object(media) } }),
        );
    }
    let mut responses = Map::new();
    for status in page_statuses(page) {
        let response = proposer.response(status, None)?;
        responses.insert(status.to_string(), response);
    }
    operation.insert("responses".into(), Value::Object(responses));

    let method = page.method.to_ascii_lowercase();
    let path_item = format!("/paths/{}", token(&page.uri));
    let edit = if spec.document.pointer(&path_item).is_some() {
        SpecEdit::Insert {
            parent: path_item,
            key: method,
            value: Value::Object(operation),
            placement: Placement::Last,
        }
    } else {
        SpecEdit::Insert {
            parent: "/paths".into(),
            key: page.uri.clone(),
            value: json!({ method: Value::Object(operation) }),
            placement: Placement::Last,
        }
    };
    notes.append(&mut proposer.notes);
    let mut proposed = vec![Proposed {
        what: format!("new operation {} {} ({id})", page.method, page.uri),
        edits: vec![edit],
        notes,
    }];
    push_new_schemas(&mut proposed, proposer.new_schemas);
    Ok(PageProposal {
        proposed,
        not_proposed: Vec::new(),
        resolves: Vec::new(),
    })
}

/// Adds the component schemas the other edits refer to, as one proposal.
fn push_new_schemas(proposed: &mut Vec<Proposed>, new_schemas: Vec<(String, Value)>) {
    if !new_schemas.is_empty() {
        proposed.push(Proposed {
            what: "new component schemas".into(),
            edits: new_schema_edits(new_schemas),
            notes: Vec::new(),
        });
    }
}

fn new_schema_edits(schemas: Vec<(String, Value)>) -> Vec<SpecEdit> {
    schemas
        .into_iter()
        .map(|(name, value)| SpecEdit::Insert {
            parent: "/components/schemas".into(),
            key: name,
            value,
            placement: Placement::Last,
        })
        .collect()
}

struct Proposer<'a> {
    page: &'a Page,
    page_id: &'a str,
    spec: &'a Spec,
    /// The page's component schema prefix (`App`, `Periodic`, `DesktopOrder`).
    prefix: String,
    /// (kind, path) of the differences to propose edits for.
    wanted: BTreeSet<(Kind, String)>,
    resolved: BTreeSet<(Kind, String)>,
    proposed: Vec<Proposed>,
    /// Component schemas this proposal adds, in the order they are made.
    new_schemas: Vec<(String, Value)>,
    /// Page table index → component schema name, for tables already placed.
    table_schemas: BTreeMap<usize, String>,
    notes: Vec<String>,
}

impl<'a> Proposer<'a> {
    fn new(page: &'a Page, page_id: &'a str, spec: &'a Spec, prefix: String) -> Self {
        Proposer {
            page,
            page_id,
            spec,
            prefix,
            wanted: BTreeSet::new(),
            resolved: BTreeSet::new(),
            proposed: Vec::new(),
            new_schemas: Vec::new(),
            table_schemas: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    fn take(&mut self, kind: Kind, path: &str) -> bool {
        let key = (kind, path.to_string());
        if self.wanted.contains(&key) && !self.resolved.contains(&key) {
            self.resolved.insert(key);
            true
        } else {
            false
        }
    }

    fn document(&self) -> &'a Value {
        &self.spec.document
    }

    /// Follows `$ref` from the value at `pointer`; the pointer of the value reached.
    fn resolve(&self, pointer: &str) -> Result<String, String> {
        reference::resolve_pointer(self.document(), pointer).map_err(|error| error.to_string())
    }

    /// The object schema (among `schema` and its `allOf` members) that has
    /// property `name`: (that schema's pointer, the property's pointer).
    fn property(&self, schema: &str, name: &str, depth: usize) -> Option<(String, String)> {
        let pointer = format!("{schema}/properties/{}", token(name));
        if self.document().pointer(&pointer).is_some() {
            return Some((schema.to_string(), pointer));
        }
        if depth > MAX_DEPTH {
            return None;
        }
        let members = self
            .document()
            .pointer(&format!("{schema}/allOf"))?
            .as_array()?;
        (0..members.len()).find_map(|i| {
            let member = self.resolve(&format!("{schema}/allOf/{i}")).ok()?;
            self.property(&member, name, depth + 1)
        })
    }

    fn walk(
        &mut self,
        table_index: usize,
        schema: &str,
        prefix: &str,
        request: bool,
        depth: usize,
    ) -> Result<(), String> {
        let page = self.page;
        let table = &page.tables[table_index];
        if depth > MAX_DEPTH {
            return Err(format!(
                "{}: tables nest deeper than {MAX_DEPTH} levels",
                table.label()
            ));
        }
        let missing = if request {
            Kind::MissingInSpec
        } else {
            Kind::ResponseFieldMissing
        };
        let required: Vec<&str> = self
            .document()
            .pointer(&format!("{schema}/required"))
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let first_property = self
            .document()
            .pointer(&format!("{schema}/properties"))
            .and_then(Value::as_object)
            .and_then(|p| p.keys().next().cloned());
        let mut anchor: Option<String> = None;
        // Without a properties mapping to insert into, the missing rows make one
        // edit of the whole mapping, carried by the first of them.
        let mut whole_mapping: Option<(usize, Map<String, Value>)> = None;
        for row in &table.rows {
            let path = format!("{prefix}{}", row.name);
            let Some((owner, property)) = self.property(schema, &row.name, 0) else {
                if self.take(missing, &path) {
                    let mut notes = Vec::new();
                    let value = self.row_schema(row, table_index, request, &mut notes, depth)?;
                    notes.append(&mut self.notes);
                    let mut edits = Vec::new();
                    match &first_property {
                        Some(first) => edits.push(SpecEdit::Insert {
                            parent: format!("{schema}/properties"),
                            key: row.name.clone(),
                            value,
                            placement: anchor
                                .clone()
                                .map_or_else(|| Placement::Before(first.clone()), Placement::After),
                        }),
                        None => {
                            let (_, mapping) = whole_mapping
                                .get_or_insert_with(|| (self.proposed.len(), Map::new()));
                            mapping.insert(row.name.clone(), value);
                        }
                    }
                    if request && row.mandatory == Some(true) {
                        edits.push(SpecEdit::Require {
                            schema: schema.to_string(),
                            name: row.name.clone(),
                            page_order: page_order(table),
                        });
                    }
                    self.proposed.push(Proposed {
                        what: format!("{missing} {path} ({})", table.label()),
                        edits,
                        notes,
                    });
                }
                continue;
            };
            anchor = Some(row.name.clone());
            if request
                && let Some(mandatory) = row.mandatory
                && mandatory != required.contains(&row.name.as_str())
                && self.take(Kind::RequiredDiffers, &path)
            {
                let edit = if mandatory {
                    SpecEdit::Require {
                        schema: owner.clone(),
                        name: row.name.clone(),
                        page_order: page_order(table),
                    }
                } else {
                    SpecEdit::Unrequire {
                        schema: owner.clone(),
                        name: row.name.clone(),
                    }
                };
                self.proposed.push(Proposed {
                    what: format!("{} {path} ({})", Kind::RequiredDiffers, table.label()),
                    edits: vec![edit],
                    notes: Vec::new(),
                });
            }
            let property_value = self
                .document()
                .pointer(&property)
                .ok_or_else(|| format!("nothing at {property}"))?;
            if row.field_type.shape() != self.spec.shape(property_value)? {
                if self.take(Kind::TypeDiffers, &path) {
                    let mut notes = Vec::new();
                    let value = self.row_schema(row, table_index, request, &mut notes, depth)?;
                    notes.append(&mut self.notes);
                    self.proposed.push(Proposed {
                        what: format!("{} {path} ({})", Kind::TypeDiffers, table.label()),
                        edits: vec![SpecEdit::Replace {
                            parent: format!("{owner}/properties"),
                            key: row.name.clone(),
                            value,
                        }],
                        notes,
                    });
                }
                continue;
            }
            match &row.field_type {
                FieldType::Object(Some(name)) => {
                    let child = self.page.object_table(name, table, &row.name)?;
                    let target = self.resolve(&property)?;
                    self.walk(child, &target, &format!("{path}."), request, depth + 1)?;
                }
                FieldType::Array(item) => {
                    if let FieldType::Object(Some(name)) = item.as_ref() {
                        let child = self.page.object_table(name, table, &row.name)?;
                        let array = self.resolve(&property)?;
                        let items = self.resolve(&format!("{array}/items"))?;
                        self.walk(child, &items, &format!("{path}[]."), request, depth + 1)?;
                    }
                }
                FieldType::Object(None) | FieldType::Scalar(_) => {}
            }
        }
        if let Some((carrier, mapping)) = whole_mapping {
            let parent = schema.to_string();
            let edit = if self
                .document()
                .pointer(&format!("{schema}/properties"))
                .is_some()
            {
                SpecEdit::Replace {
                    parent,
                    key: "properties".into(),
                    value: Value::Object(mapping),
                }
            } else {
                SpecEdit::Insert {
                    parent,
                    key: "properties".into(),
                    value: Value::Object(mapping),
                    placement: Placement::Last,
                }
            };
            self.proposed[carrier].edits.insert(0, edit);
        }
        Ok(())
    }

    /// The property schema transcribed from `row` of table `table_index`.
    fn row_schema(
        &mut self,
        row: &Row,
        table_index: usize,
        request: bool,
        notes: &mut Vec<String>,
        depth: usize,
    ) -> Result<Value, String> {
        let table = &self.page.tables[table_index];
        let mut schema = Map::new();
        match &row.field_type {
            FieldType::Object(Some(name)) => {
                let child = self.page.object_table(name, table, &row.name)?;
                let schema_name = format!("{}{name}", self.prefix);
                let context = format!("{} {}", row.name, row.description);
                let component = self.schema_for_table(
                    child,
                    &context,
                    Some(row.description.clone()),
                    request,
                    &schema_name,
                    depth + 1,
                )?;
                return Ok(reference(&component));
            }
            FieldType::Object(None) => {
                schema.insert("type".into(), json!("object"));
                describe(&mut schema, &row.description);
            }
            FieldType::Scalar(_) => {
                scalar_type(&row.type_text, &mut schema);
                describe(&mut schema, &row.description);
                let kind = match schema.get("type").and_then(Value::as_str) {
                    Some("string") => stated::Kind::String,
                    Some("integer") => stated::Kind::Integer,
                    Some("number") => stated::Kind::Number,
                    _ => stated::Kind::Other,
                };
                self.add_stated(&mut schema, kind, row, notes);
            }
            FieldType::Array(item) => {
                schema.insert("type".into(), json!("array"));
                describe(&mut schema, &row.description);
                self.add_stated(&mut schema, stated::Kind::Array, row, notes);
                let items = match item.as_ref() {
                    FieldType::Object(Some(name)) => {
                        let child = self.page.object_table(name, table, &row.name)?;
                        let schema_name = format!("{}{name}", self.prefix);
                        let context = format!("{} {}", row.name, row.description);
                        reference(&self.schema_for_table(
                            child,
                            &context,
                            None,
                            request,
                            &schema_name,
                            depth + 1,
                        )?)
                    }
                    FieldType::Object(None) => json!({ "type": "object" }),
                    _ => {
                        let mut items = Map::new();
                        let item_text = row.type_text.trim_start_matches("Array of ");
                        scalar_type(item_text, &mut items);
                        Value::Object(items)
                    }
                };
                schema.insert("items".into(), items);
            }
        }
        Ok(Value::Object(schema))
    }

    fn add_stated(
        &self,
        schema: &mut Map<String, Value>,
        kind: stated::Kind,
        row: &Row,
        notes: &mut Vec<String>,
    ) {
        let found = stated::keywords(kind, &row.description);
        if let Some(description) = &found.description {
            describe(schema, description);
        }
        if schema.get("type").and_then(Value::as_str) == Some("integer")
            && found.keywords.contains_key("enum")
        {
            notes.push(format!(
                "{}: an integer value list: add x-enum-varnames (a name per code) by hand",
                row.name
            ));
        }
        schema.extend(found.keywords);
        notes.extend(
            found
                .skipped
                .into_iter()
                .map(|why| format!("{}: {why}", row.name)),
        );
    }

    /// The component schema for page table `table_index`: the existing one
    /// whose `x-doc-source` cites the table, else a new one named `name`.
    fn schema_for_table(
        &mut self,
        table_index: usize,
        context: &str,
        description: Option<String>,
        request: bool,
        name: &str,
        depth: usize,
    ) -> Result<String, String> {
        if let Some(existing) = self.table_schemas.get(&table_index) {
            return Ok(existing.clone());
        }
        let table = &self.page.tables[table_index];
        let citation = format!("{} {}", self.page_id, table.label());
        // Existing schemas citing this table, each with how many words of its
        // qualifier ("(system disk)") the referring row mentions.
        let context = context.to_lowercase();
        let mut citing: Vec<(usize, String)> = Vec::new();
        for (schema_name, schema) in self
            .document()
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let citations = schema
                .pointer("/x-doc-source/tables")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            for cited in citations {
                if let Some(qualifier) = cites(cited, self.page_id, table.number, &table.title) {
                    let score = qualifier
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| w.len() > 2 && context.contains(&w.to_lowercase()))
                        .count();
                    citing.push((score, schema_name.clone()));
                    break;
                }
            }
        }
        if !citing.is_empty() {
            let best = citing.iter().map(|(score, _)| *score).max().unwrap_or(0);
            let chosen: Vec<&String> = citing
                .iter()
                .filter(|(score, _)| *score == best)
                .map(|(_, n)| n)
                .collect();
            let first = chosen[0].clone();
            if chosen.len() > 1 {
                let names: Vec<&str> = chosen.iter().map(|n| n.as_str()).collect();
                self.notes.push(format!(
                    "{} is transcribed as {}: {first} was chosen; check which one fits",
                    table.label(),
                    names.join(", ")
                ));
            }
            return Ok(first);
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "{}: tables nest deeper than {MAX_DEPTH} levels",
                table.label()
            ));
        }
        let taken = |n: &str| {
            self.document()
                .pointer(&format!("/components/schemas/{}", token(n)))
                .is_some()
                || self.new_schemas.iter().any(|(existing, _)| existing == n)
        };
        let mut unique = name.to_string();
        let mut counter = 2;
        while taken(&unique) {
            unique = format!("{name}{counter}");
            counter += 1;
        }
        if unique != name {
            self.notes.push(format!(
                "{name} is taken by another schema: the new one is {unique}; rename it if a better name fits"
            ));
        }
        self.table_schemas.insert(table_index, unique.clone());
        // The slot is taken before the members are transcribed, so that a
        // schema comes before the new schemas it refers to.
        let slot = self.new_schemas.len();
        self.new_schemas.push((unique.clone(), Value::Null));
        let value = self.object_schema(table_index, description, request, &citation, depth)?;
        self.new_schemas[slot].1 = value;
        Ok(unique)
    }

    /// The object schema transcribed from a whole table.
    fn object_schema(
        &mut self,
        table_index: usize,
        description: Option<String>,
        request: bool,
        citation: &str,
        depth: usize,
    ) -> Result<Value, String> {
        let table = &self.page.tables[table_index];
        let mut schema = Map::new();
        schema.insert("type".into(), json!("object"));
        if let Some(description) = description.filter(|d| !d.is_empty()) {
            schema.insert("description".into(), json!(description));
        }
        schema.insert("x-doc-source".into(), json!({ "tables": [citation] }));
        if request {
            schema.insert("additionalProperties".into(), json!(false));
            let required: Vec<&str> = table
                .rows
                .iter()
                .filter(|r| r.mandatory == Some(true))
                .map(|r| r.name.as_str())
                .collect();
            if !required.is_empty() {
                schema.insert("required".into(), json!(required));
            }
        }
        let mut properties = Map::new();
        let mut notes = Vec::new();
        for row in &table.rows {
            let value = self.row_schema(row, table_index, request, &mut notes, depth)?;
            properties.insert(row.name.clone(), value);
        }
        self.notes.append(&mut notes);
        schema.insert("properties".into(), Value::Object(properties));
        Ok(Value::Object(schema))
    }

    /// For every status the page documents and the spec's operation lacks.
    fn statuses(&mut self, operation: &str) -> Result<(), String> {
        let responses_pointer = format!("{operation}/responses");
        let existing: Vec<u16> = self
            .document()
            .pointer(&responses_pointer)
            .and_then(Value::as_object)
            .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default();
        for status in page_statuses(self.page) {
            if existing.contains(&status) {
                if let Some(table) = self.section_table(status) {
                    let response = self.resolve(&format!("{responses_pointer}/{status}"))?;
                    let body = format!("{response}/content/application~1json/schema");
                    if self.document().pointer(&body).is_some() {
                        let schema = self.resolve(&body)?;
                        self.walk(table, &schema, &format!("response.{status}."), false, 0)?;
                    }
                }
                continue;
            }
            let path = format!("status.{status}");
            if !self.take(Kind::StatusMissing, &path) {
                continue;
            }
            let shared = self.shared_response_schema(operation, status, &existing);
            let value = self.response(status, shared)?;
            let placement = existing
                .iter()
                .filter(|s| **s > status)
                .min()
                .map_or(Placement::Last, |next| Placement::Before(next.to_string()));
            let mut notes = std::mem::take(&mut self.notes);
            if existing.is_empty() {
                notes.push("the operation has no responses to add to".into());
            }
            self.proposed.push(Proposed {
                what: format!("{} {path} (Status Codes)", Kind::StatusMissing),
                edits: vec![SpecEdit::Insert {
                    parent: responses_pointer.clone(),
                    key: status.to_string(),
                    value,
                    placement,
                }],
                notes,
            });
        }
        Ok(())
    }

    fn section_table(&self, status: u16) -> Option<usize> {
        self.page
            .response_sections
            .iter()
            .find(|s| s.status == status)
            .and_then(|s| s.table)
    }

    /// The `$ref` the operation's other responses of the same class (success
    /// or error) share, when it has every row of the status's body table.
    fn shared_response_schema(
        &self,
        operation: &str,
        status: u16,
        existing: &[u16],
    ) -> Option<String> {
        let table = &self.page.tables[self.section_table(status)?];
        let is_error = status >= 400;
        existing
            .iter()
            .filter(|s| (**s >= 400) == is_error)
            .find_map(|s| {
                let reference = self
                    .document()
                    .pointer(&format!(
                        "{operation}/responses/{s}/content/application~1json/schema/$ref"
                    ))?
                    .as_str()?;
                let target = self.resolve(reference.strip_prefix('#')?).ok()?;
                let has_all = table
                    .rows
                    .iter()
                    .all(|r| self.property(&target, &r.name, 0).is_some());
                has_all.then(|| {
                    reference
                        .rsplit('/')
                        .next()
                        .unwrap_or(reference)
                        .to_string()
                })
            })
    }

    /// A response for `status`: the Status Codes table's description and the body table's schema.
    fn response(&mut self, status: u16, shared: Option<String>) -> Result<Value, String> {
        let description = self
            .page
            .status_descriptions
            .iter()
            .find(|(code, _)| *code == status)
            .map(|(_, d)| d.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("Status code {status}."));
        let mut response = Map::new();
        response.insert("description".into(), json!(description));
        if let Some(table) = self.section_table(status) {
            let name = match shared {
                Some(name) => name,
                None => {
                    let suffix = if status >= 400 { "Error" } else { "Response" };
                    let name = format!("{}{suffix}", self.prefix);
                    let body_description = if status >= 400 {
                        "Error body.".to_string()
                    } else {
                        description.clone()
                    };
                    self.schema_for_table(
                        table,
                        &status.to_string(),
                        Some(body_description),
                        false,
                        &name,
                        0,
                    )?
                }
            };
            response.insert(
                "content".into(),
                json!({ "application/json": { "schema": reference(&name) } }),
            );
        }
        Ok(Value::Object(response))
    }

    /// The path and query parameters of the page's parameter tables.
    fn parameters(&mut self) -> Vec<Value> {
        let mut parameters = Vec::new();
        for table in &self.page.tables {
            let title = table.title.to_ascii_lowercase();
            let place = if title.starts_with("path") || table.title.starts_with("路径") {
                "path"
            } else if title.starts_with("query") || table.title.starts_with("查询") {
                "query"
            } else {
                continue;
            };
            for row in &table.rows {
                let mut schema = Map::new();
                let mut notes = Vec::new();
                match &row.field_type {
                    FieldType::Scalar(_) => scalar_type(&row.type_text, &mut schema),
                    _ => {
                        schema.insert("type".into(), json!("string"));
                        notes.push(format!("{}: not a scalar; check its schema", row.name));
                    }
                }
                let kind = match schema.get("type").and_then(Value::as_str) {
                    Some("integer") => stated::Kind::Integer,
                    Some("string") => stated::Kind::String,
                    _ => stated::Kind::Other,
                };
                self.add_stated(&mut schema, kind, row, &mut notes);
                self.notes.append(&mut notes);
                let mut parameter = Map::new();
                parameter.insert("name".into(), json!(row.name));
                parameter.insert("in".into(), json!(place));
                if place == "path" || row.mandatory == Some(true) {
                    parameter.insert("required".into(), json!(true));
                }
                describe(&mut parameter, &row.description);
                parameter.insert("schema".into(), Value::Object(schema));
                parameters.push(Value::Object(parameter));
            }
        }
        parameters
    }
}

/// Whether `citation` (an `x-doc-source` entry such as `002 Table 6 Volume
/// (system disk)` or `004 Tables 15-17 Response body parameters (400, 409,
/// 500)`) cites table `number` titled `title` of page `page_id`: its
/// parenthesised qualifier if so.
fn cites<'c>(citation: &'c str, page_id: &str, number: u32, title: &str) -> Option<&'c str> {
    let rest = citation.strip_prefix(page_id)?.strip_prefix(' ')?;
    let (numbers, rest) = if let Some(rest) = rest.strip_prefix("Tables ") {
        rest.split_once(' ')?
    } else {
        rest.strip_prefix("Table ")?.split_once(' ')?
    };
    let (low, high) = numbers.split_once('-').unwrap_or((numbers, numbers));
    let (low, high): (u32, u32) = (low.parse().ok()?, high.parse().ok()?);
    if !(low..=high).contains(&number) {
        return None;
    }
    let qualifier = rest.strip_prefix(title)?;
    if qualifier.is_empty() {
        return Some("");
    }
    qualifier.strip_prefix(" (")?.strip_suffix(')')
}

/// The names of a table's rows, in page order.
fn page_order(table: &Table) -> Vec<String> {
    table.rows.iter().map(|r| r.name.clone()).collect()
}

fn describe(schema: &mut Map<String, Value>, description: &str) {
    if !description.is_empty() {
        schema.insert("description".into(), json!(description));
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// `type` and `format` of a scalar Type cell (`Integer` → int32, `Long` → int64).
fn scalar_type(type_text: &str, schema: &mut Map<String, Value>) {
    let (kind, format) = match type_text.trim() {
        "String" | "strings" => ("string", None),
        "Integer" | "Int" | "integers" => ("integer", Some("int32")),
        "Long" | "longs" => ("integer", Some("int64")),
        "Float" | "floats" => ("number", Some("float")),
        "Double" | "doubles" => ("number", Some("double")),
        "Boolean" | "booleans" => ("boolean", None),
        _ => ("number", None),
    };
    schema.insert("type".into(), json!(kind));
    if let Some(format) = format {
        schema.insert("format".into(), json!(format));
    }
}

/// Every status a page documents (response sections and the Status Codes table), sorted.
fn page_statuses(page: &Page) -> Vec<u16> {
    let mut statuses: Vec<u16> = page
        .response_sections
        .iter()
        .map(|s| s.status)
        .chain(page.status_codes.iter().copied())
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    statuses
}

/// The prefix most of the page's component schemas share (`App`, `Periodic`,
/// `DesktopOrder`): the one- or two-word prefix of the most names cited from
/// this page, the longer on a tie; else the request schema's name less `Request`.
fn schema_prefix(spec: &Spec, page_id: &str, operation: &Value) -> String {
    let cited = format!("{page_id} ");
    let names: Vec<&String> = spec
        .document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, schema)| {
            schema
                .pointer("/x-doc-source/tables")
                .and_then(Value::as_array)
                .is_some_and(|t| {
                    t.iter()
                        .all(|c| c.as_str().is_some_and(|c| c.starts_with(&cited)))
                })
        })
        .map(|(name, _)| name)
        .collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for name in &names {
        let words = camel_words(name);
        for n in 1..=2 {
            if words.len() > n {
                *counts.entry(words[..n].concat()).or_default() += 1;
            }
        }
    }
    let best = counts
        .into_iter()
        .filter(|(_, count)| *count >= 2)
        .max_by_key(|(prefix, count)| (*count, prefix.len()));
    if let Some((prefix, _)) = best {
        return prefix;
    }
    operation
        .pointer("/requestBody/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        .map(|name| name.trim_end_matches("Request").to_string())
        .unwrap_or_default()
}

fn camel_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_ascii_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

fn operation_ids(spec: &Spec) -> Vec<String> {
    let mut ids = Vec::new();
    for item in spec
        .document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for operation in item.1.as_object().into_iter().flatten() {
            if let Some(id) = operation.1.get("operationId").and_then(Value::as_str) {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

/// The `tags` every operation of the spec has, if they all have the same.
fn shared_tags(spec: &Spec) -> Option<Value> {
    let mut tags: Option<&Value> = None;
    for item in spec.document.get("paths")?.as_object()?.values() {
        for operation in item
            .as_object()?
            .values()
            .filter(|o| o.get("operationId").is_some())
        {
            let these = operation.get("tags")?;
            if tags.is_some_and(|t| t != these) {
                return None;
            }
            tags = Some(these);
        }
    }
    tags.cloned()
}

/// The `x-service` of the spec's operations whose path starts with the same
/// `/vN`, when they agree; else `Workspace`.
fn service_for(spec: &Spec, uri: &str) -> String {
    let version = uri.split('/').nth(1).unwrap_or_default();
    let mut services = BTreeSet::new();
    for (path, item) in spec
        .document
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if path.split('/').nth(1) != Some(version) {
            continue;
        }
        for operation in item.as_object().into_iter().flatten().map(|(_, o)| o) {
            if let Some(service) = operation.get("x-service").and_then(Value::as_str) {
                services.insert(service.to_string());
            }
        }
    }
    match (services.len(), services.into_iter().next()) {
        (1, Some(service)) => service,
        _ => "Workspace".into(),
    }
}

/// `Creating a Desktop Order` → `createDesktopOrder`: the verb of the title's
/// gerund, then the other words but articles, in camel case.
fn operation_id_from_title(title: &str) -> Option<String> {
    let mut words = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    let gerund = words.next()?.to_ascii_lowercase();
    let verb = match gerund.as_str() {
        "creating" => "create".to_string(),
        "placing" => "place".to_string(),
        "updating" => "update".to_string(),
        "deleting" => "delete".to_string(),
        "changing" => "change".to_string(),
        "removing" => "remove".to_string(),
        "renewing" => "renew".to_string(),
        "unsubscribing" => "unsubscribe".to_string(),
        "subscribing" => "subscribe".to_string(),
        "cancelling" | "canceling" => "cancel".to_string(),
        other => other.strip_suffix("ing").unwrap_or(other).to_string(),
    };
    let rest: String = words
        .filter(|w| !matches!(w.to_ascii_lowercase().as_str(), "a" | "an" | "the"))
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    (!verb.is_empty() && !rest.is_empty()).then(|| format!("{verb}{rest}"))
}

/// `createDesktopOrder` → `DesktopOrder`.
fn pascal_without_verb(id: &str) -> String {
    let start = id
        .find(|c: char| c.is_ascii_uppercase())
        .unwrap_or(id.len());
    let rest = &id[start..];
    if rest.is_empty() {
        let mut chars = id.chars();
        chars
            .next()
            .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    } else {
        rest.to_string()
    }
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_from_titles() {
        assert_eq!(
            operation_id_from_title("Creating a Desktop Order").as_deref(),
            Some("createDesktopOrder")
        );
        assert_eq!(
            operation_id_from_title("Placing a Yearly/Monthly Order").as_deref(),
            Some("placeYearlyMonthlyOrder")
        );
        assert_eq!(operation_id_from_title("Order").as_deref(), None);
        assert_eq!(pascal_without_verb("createDesktopOrder"), "DesktopOrder");
    }

    #[test]
    fn citations_by_number_title_and_range() {
        assert_eq!(
            cites("002 Table 6 Volume (system disk)", "002", 6, "Volume"),
            Some("system disk")
        );
        assert_eq!(cites("002 Table 7 Nic", "002", 7, "Nic"), Some(""));
        assert_eq!(
            cites(
                "004 Tables 15-17 Response body parameters (400, 409, 500)",
                "004",
                16,
                "Response body parameters"
            ),
            Some("400, 409, 500")
        );
        assert_eq!(
            cites(
                "004 Tables 15-17 Response body parameters",
                "004",
                18,
                "Response body parameters"
            ),
            None
        );
        assert_eq!(cites("002 Table 7 Nic", "004", 7, "Nic"), None);
        assert_eq!(cites("002 Table 7 Nics", "002", 7, "Nic"), None);
    }

    #[test]
    fn scalar_types_with_formats() {
        let mut schema = Map::new();
        scalar_type("Long", &mut schema);
        assert_eq!(
            Value::Object(schema),
            json!({ "type": "integer", "format": "int64" })
        );
    }
}
