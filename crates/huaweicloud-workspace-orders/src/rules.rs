//! Rules between fields that the pages state in words (the spec's `x-rules`),
//! checked before a request is sent.
//!
//! `desktops` and `size` cannot be used together; `count` is mandatory when
//! `desktop_ids` is empty; a `desktop_name` is a prefix of at most 13 characters when
//! `size` is greater than 1… No JSON Schema 3.0 keyword carries these, so the spec
//! states each once in `x-rules` on the schema it belongs to, and `cargo xtask
//! generate` emits them, with the places every operation's body uses them, as the
//! tables in [`crate::body_rules`]. This module only interprets those tables; it holds
//! no rule of its own. The client's common `pre` hook runs [`broken_rules`] on every
//! request body it is about to send, so a call, a dry run and the CLI's `validate`
//! refuse a body that breaks a rule, naming every broken rule and its fields, and
//! nothing is sent.
//!
//! ```
//! use huaweicloud_workspace_orders::rules;
//!
//! let body = serde_json::json!({"resources": [{"type": "SUBS", "create_desktops": {
//!     "desktops": [{"user_name": "alice"}], "size": 2}}]});
//! let broken = rules::broken_rules("createPeriodicOrder", &body);
//! assert_eq!(broken[0].rule.id, "desktops-size-exclusive");
//! assert_eq!(broken[0].path, "resources[0].create_desktops");
//! ```

use std::fmt;

use serde_json::Value;

/// One rule of one schema, as the spec states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Its name, unique within the schema (`desktops-size-exclusive`).
    pub id: &'static str,
    /// What it requires of [`members`](Self::members).
    pub kind: RuleKind,
    /// The members it constrains.
    pub members: &'static [&'static str],
    /// When it applies; always when `None`.
    pub when: Option<Condition>,
    /// What it says, naming the fields.
    pub message: &'static str,
    /// The sentences it comes from (page and table, SDK model).
    pub sources: &'static [&'static str],
}

/// What a rule requires of its members. A member is *set* when it is present, not
/// `null`, and not an empty string or array (the pages' "empty", "left blank").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// At most one of the members is set.
    Exclusive,
    /// All members are set, or none.
    Together,
    /// Every member is set (while the condition holds).
    Required,
    /// Every member that is a string has at most this many characters (while the
    /// condition holds).
    MaxLength(usize),
}

/// A condition on one member of the same object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    /// The member tested.
    pub member: &'static str,
    /// The test.
    pub test: Test,
}

/// How a condition tests its member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Test {
    /// The member is present with this value.
    Equals(Literal),
    /// The member is absent or has another value.
    NotEquals(Literal),
    /// The member is a number greater than this.
    GreaterThan(i64),
    /// The member is set (`true`) or not set (`false`).
    Set(bool),
}

/// A JSON value a condition compares with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Literal {
    /// A string.
    Str(&'static str),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

/// One step from a body to the objects a schema's rules apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The member of this name.
    Member(&'static str),
    /// Every item of the array.
    Items,
}

/// A place in an operation's body where a schema with rules is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The way there from the body.
    pub path: &'static [Step],
    /// The component schema.
    pub schema: &'static str,
    /// Its rules.
    pub rules: &'static [Rule],
}

/// The rules of one operation's request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationRules {
    /// The spec's `operationId` (`createPeriodicOrder`).
    pub operation_id: &'static str,
    /// The generated method's name (`create_periodic_order`).
    pub method_name: &'static str,
    /// Every place a schema with rules is used.
    pub locations: &'static [Location],
}

/// A rule a body breaks, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenRule {
    /// The object that breaks it (`resources[0].create_desktops`; empty for the body).
    pub path: String,
    /// The schema the rule belongs to.
    pub schema: &'static str,
    /// The rule.
    pub rule: &'static Rule,
}

impl BrokenRule {
    /// Every field the rule involves: its members, then the member its condition tests.
    pub fn fields(&self) -> Vec<&'static str> {
        let mut fields = self.rule.members.to_vec();
        if let Some(condition) = self.rule.when
            && !fields.contains(&condition.member)
        {
            fields.push(condition.member);
        }
        fields
    }
}

impl fmt::Display for BrokenRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.path.is_empty() {
            "(body)"
        } else {
            &self.path
        };
        write!(
            f,
            "{place}: breaks rule {} of {} (fields {}): {}",
            self.rule.id,
            self.schema,
            self.fields().join(", "),
            self.rule.message
        )
    }
}

/// The rules of the operation with this `operationId` or generated method name.
pub fn operation_rules(operation: &str) -> Option<&'static OperationRules> {
    crate::body_rules::OPERATIONS
        .iter()
        .find(|rules| rules.operation_id == operation || rules.method_name == operation)
}

/// Every rule `body` breaks as the request body of `operation` (an `operationId` or
/// method name), in body order; empty when it keeps them all or the operation is
/// unknown.
pub fn broken_rules(operation: &str, body: &Value) -> Vec<BrokenRule> {
    let mut broken = Vec::new();
    let Some(operation) = operation_rules(operation) else {
        return broken;
    };
    for location in operation.locations {
        visit(body, location.path, String::new(), &mut |path, object| {
            for rule in location.rules {
                if breaks(rule, object) {
                    broken.push(BrokenRule {
                        path: path.to_owned(),
                        schema: location.schema,
                        rule,
                    });
                }
            }
        });
    }
    broken.sort_by(|a, b| a.path.cmp(&b.path));
    broken
}

fn visit(
    value: &Value,
    steps: &[Step],
    path: String,
    found: &mut dyn FnMut(&str, &serde_json::Map<String, Value>),
) {
    match steps.split_first() {
        None => {
            if let Value::Object(object) = value {
                found(&path, object);
            }
        }
        Some((Step::Member(name), rest)) => {
            if let Some(child) = value.get(name) {
                let path = if path.is_empty() {
                    (*name).to_owned()
                } else {
                    format!("{path}.{name}")
                };
                visit(child, rest, path, found);
            }
        }
        Some((Step::Items, rest)) => {
            if let Value::Array(items) = value {
                for (index, item) in items.iter().enumerate() {
                    visit(item, rest, format!("{path}[{index}]"), found);
                }
            }
        }
    }
}

fn is_set(object: &serde_json::Map<String, Value>, member: &str) -> bool {
    match object.get(member) {
        None | Some(Value::Null) => false,
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

fn equals(value: Option<&Value>, literal: Literal) -> bool {
    match (value, literal) {
        (Some(Value::String(text)), Literal::Str(expected)) => text == expected,
        (Some(Value::Number(n)), Literal::Int(expected)) => n.as_i64() == Some(expected),
        (Some(Value::Bool(flag)), Literal::Bool(expected)) => *flag == expected,
        _ => false,
    }
}

fn holds(condition: Option<Condition>, object: &serde_json::Map<String, Value>) -> bool {
    let Some(Condition { member, test }) = condition else {
        return true;
    };
    let value = object.get(member);
    match test {
        Test::Equals(literal) => equals(value, literal),
        Test::NotEquals(literal) => !equals(value, literal),
        Test::GreaterThan(bound) => value
            .and_then(Value::as_f64)
            .is_some_and(|n| n > bound as f64),
        Test::Set(expected) => is_set(object, member) == expected,
    }
}

fn breaks(rule: &Rule, object: &serde_json::Map<String, Value>) -> bool {
    let set = rule
        .members
        .iter()
        .filter(|member| is_set(object, member))
        .count();
    match rule.kind {
        RuleKind::Exclusive => set > 1,
        RuleKind::Together => set > 0 && set < rule.members.len(),
        RuleKind::Required => holds(rule.when, object) && set < rule.members.len(),
        RuleKind::MaxLength(limit) => {
            holds(rule.when, object)
                && rule.members.iter().any(|member| {
                    object
                        .get(*member)
                        .and_then(Value::as_str)
                        .is_some_and(|text| text.chars().count() > limit)
                })
        }
    }
}

/// The `pre` hook's check: `Err` names every rule the JSON `body` of `operation`
/// breaks.
pub(crate) fn check_body(operation: &str, body: &[u8]) -> Result<(), String> {
    if operation_rules(operation).is_none() {
        return Ok(());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| format!("the request body is not JSON: {error}"))?;
    let broken = broken_rules(operation, &value);
    if broken.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = broken.iter().map(ToString::to_string).collect();
    Err(format!(
        "the body breaks {} rule{} between fields (the spec's x-rules): {}",
        broken.len(),
        if broken.len() == 1 { "" } else { "s" },
        lines.join("; ")
    ))
}
