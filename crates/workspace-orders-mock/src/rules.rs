//! The spec's rules between fields (`x-rules`), checked as a JSON Schema keyword.
//!
//! [`crate::schema::to_json_schema`] turns a schema's `x-rules` into the keyword
//! [`KEYWORD`], which this module evaluates on every object the schema validates, so a
//! body that breaks a rule fails like any other field: a 400 naming the object, the
//! rule and its fields. The rules are read from the document at run time (format:
//! `openapi/README.md`, "Rules between fields"); the mock shares no code with the
//! client, so the two hold each other to the spec. A member is *set* when it is
//! present, not `null`, and not an empty string or array.

use serde_json::{Map, Value};

/// The keyword `x-rules` becomes in the translated schema.
pub const KEYWORD: &str = "mockRules";

#[derive(Debug, Clone)]
enum Kind {
    Exclusive,
    Together,
    Required,
    MaxLength(usize),
}

#[derive(Debug, Clone)]
enum Test {
    Equals(Value),
    NotEquals(Value),
    GreaterThan(f64),
    Set(bool),
}

/// One rule, read from the document.
#[derive(Debug, Clone)]
pub struct Rule {
    id: String,
    kind: Kind,
    members: Vec<String>,
    when: Option<(String, Test)>,
    message: String,
}

impl Rule {
    /// The rule's fields: its members, then the member its condition tests.
    fn fields(&self) -> Vec<&str> {
        let mut fields: Vec<&str> = self.members.iter().map(String::as_str).collect();
        if let Some((member, _)) = &self.when
            && !fields.contains(&member.as_str())
        {
            fields.push(member);
        }
        fields
    }

    /// How a body that breaks it is told.
    pub fn describe(&self) -> String {
        format!(
            "breaks rule {} (fields {}): {}",
            self.id,
            self.fields().join(", "),
            self.message
        )
    }

    /// The rule's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// Reads an `x-rules` list; the error says what is malformed.
pub fn parse(value: &Value) -> Result<Vec<Rule>, String> {
    let list = value.as_array().ok_or("x-rules must be a list of rules")?;
    list.iter()
        .enumerate()
        .map(|(index, rule)| parse_rule(rule).map_err(|message| format!("rule {index}: {message}")))
        .collect()
}

fn parse_rule(rule: &Value) -> Result<Rule, String> {
    let text = |key: &str| {
        rule.get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("`{key}` must be a string"))
    };
    let members = rule
        .get("members")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter()
                .map(|member| member.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or("`members` must be a list of member names")?;
    let kind = match text("kind")?.as_str() {
        "exclusive" => Kind::Exclusive,
        "together" => Kind::Together,
        "required" => Kind::Required,
        "max-length" => Kind::MaxLength(
            rule.get("max_length")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or("`max_length` must be a non-negative integer")?,
        ),
        other => return Err(format!("unknown kind `{other}`")),
    };
    let when = match rule.get("when") {
        None => None,
        Some(when) => {
            let member = when
                .get("member")
                .and_then(Value::as_str)
                .ok_or("`when` needs `member`")?;
            let test = if let Some(value) = when.get("equals") {
                Test::Equals(value.clone())
            } else if let Some(value) = when.get("not_equals") {
                Test::NotEquals(value.clone())
            } else if let Some(bound) = when.get("greater_than") {
                Test::GreaterThan(bound.as_f64().ok_or("`greater_than` must be a number")?)
            } else if let Some(flag) = when.get("set") {
                Test::Set(flag.as_bool().ok_or("`set` must be a boolean")?)
            } else {
                return Err("`when` needs equals, not_equals, greater_than or set".into());
            };
            Some((member.to_owned(), test))
        }
    };
    Ok(Rule {
        id: text("id")?,
        kind,
        members,
        when,
        message: text("message")?,
    })
}

fn is_set(object: &Map<String, Value>, member: &str) -> bool {
    match object.get(member) {
        None | Some(Value::Null) => false,
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(_) => true,
    }
}

fn holds(when: &Option<(String, Test)>, object: &Map<String, Value>) -> bool {
    let Some((member, test)) = when else {
        return true;
    };
    let value = object.get(member);
    match test {
        Test::Equals(expected) => value == Some(expected),
        Test::NotEquals(expected) => value != Some(expected),
        Test::GreaterThan(bound) => value.and_then(Value::as_f64).is_some_and(|n| n > *bound),
        Test::Set(expected) => is_set(object, member) == *expected,
    }
}

/// Whether `object` breaks `rule`.
pub fn breaks(rule: &Rule, object: &Map<String, Value>) -> bool {
    let set = rule
        .members
        .iter()
        .filter(|member| is_set(object, member))
        .count();
    match rule.kind {
        Kind::Exclusive => set > 1,
        Kind::Together => set > 0 && set < rule.members.len(),
        Kind::Required => holds(&rule.when, object) && set < rule.members.len(),
        Kind::MaxLength(limit) => {
            holds(&rule.when, object)
                && rule.members.iter().any(|member| {
                    object
                        .get(member)
                        .and_then(Value::as_str)
                        .is_some_and(|text| text.chars().count() > limit)
                })
        }
    }
}

/// The keyword's validator: the rules of one schema.
struct RulesKeyword(Vec<Rule>);

// The signature is the one `with_keyword` requires, error type included.
#[allow(clippy::result_large_err)]
pub(crate) fn keyword<'a>(
    _: &'a Map<String, Value>,
    value: &'a Value,
    location: jsonschema::paths::Location,
) -> Result<Box<dyn jsonschema::Keyword>, jsonschema::ValidationError<'a>> {
    let rules = parse(value).map_err(|message| {
        jsonschema::ValidationError::custom(location.clone(), location, value, message)
    })?;
    Ok(Box::new(RulesKeyword(rules)))
}

impl RulesKeyword {
    fn broken(&self, instance: &Value) -> Vec<&Rule> {
        match instance {
            Value::Object(object) => self.0.iter().filter(|rule| breaks(rule, object)).collect(),
            _ => Vec::new(),
        }
    }
}

impl jsonschema::Keyword for RulesKeyword {
    fn validate<'i>(
        &self,
        instance: &'i Value,
        location: &jsonschema::paths::LazyLocation,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        let broken = self.broken(instance);
        if broken.is_empty() {
            return Ok(());
        }
        let message = broken
            .iter()
            .map(|rule| rule.describe())
            .collect::<Vec<_>>()
            .join(" and ");
        Err(jsonschema::ValidationError::custom(
            jsonschema::paths::Location::new(),
            location.into(),
            instance,
            message,
        ))
    }

    fn is_valid(&self, instance: &Value) -> bool {
        self.broken(instance).is_empty()
    }
}
