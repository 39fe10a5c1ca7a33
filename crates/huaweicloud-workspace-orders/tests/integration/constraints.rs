//! Every integer range, multiple and array size the spec states is enforced
//! by the generated types: just below the minimum, at the minimum and maximum,
//! just above the maximum and off the multiple, each bound alone (the values past
//! a `multipleOf` field's range are multiples), and refused for that reason.
//!
//! The cases come from the spec: each constrained field reachable from a
//! request body is set, inside an otherwise minimal valid body, to each
//! boundary value, and the body is deserialized into the operation's
//! generated type. A rejection must name the field's JSON path.

use crate::spec_walk;

use huaweicloud_workspace_orders::constrained::BoundedVec;
use huaweicloud_workspace_orders::types;
use serde_json::{Value, json};
use spec_walk::display_path;

fn accepts(schema: &str, body: &Value) -> Result<(), (String, String)> {
    fn check<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), (String, String)> {
        serde_path_to_error::deserialize::<_, T>(body.clone())
            .map(drop)
            .map_err(|e| (e.path().to_string(), e.inner().to_string()))
    }
    match schema {
        "AppOrderRequest" => check::<types::AppOrderRequest>(body),
        "PeriodicOrderRequest" => check::<types::PeriodicOrderRequest>(body),
        "DesktopOrderRequest" => check::<types::DesktopOrderRequest>(body),
        other => panic!("no generated body type mapped for request schema {other}"),
    }
}

/// Why a value is refused, as the error message says it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Refusal {
    /// Accepted.
    None,
    /// Below `minimum` / fewer than `minItems`.
    Min,
    /// Above `maximum` / more than `maxItems`.
    Max,
    /// Not a multiple of `multipleOf`.
    Multiple,
}

impl Refusal {
    /// Whether `message` gives this reason.
    fn explains(self, message: &str) -> bool {
        match self {
            Refusal::None => false,
            Refusal::Min => {
                message.contains("below the minimum")
                    || message.contains("is outside")
                    || message.contains("at least")
            }
            Refusal::Max => {
                message.contains("above the maximum")
                    || message.contains("is outside")
                    || message.contains("at most")
            }
            Refusal::Multiple => message.contains("is not a multiple of"),
        }
    }
}

/// (label, value, why refused) for each boundary of a field's schema. Each bound is
/// tested alone: for a `multipleOf` field the values just past its range are the
/// nearest multiples outside it (for 10..=32768 by 10: 0 and 32770), so that only
/// the bound can refuse them; "max + 1" (32769) would also be off the multiple.
fn cases(spec: &Value, field: &Value) -> Vec<(String, Value, Refusal)> {
    let mut cases = Vec::new();
    if field["type"] == "integer" {
        let step = field["multipleOf"].as_i64().unwrap_or(1);
        if let Some(min) = field["minimum"].as_i64() {
            let first = spec_walk::smallest_integer(field);
            let below = first - step;
            assert!(below < min && below % step == 0);
            cases.push((format!("below-min ({below})"), json!(below), Refusal::Min));
            cases.push((format!("min ({first})"), json!(first), Refusal::None));
        }
        if let Some(max) = field["maximum"].as_i64() {
            let last = max - max.rem_euclid(step);
            let above = last + step;
            assert!(above > max && above % step == 0);
            cases.push((format!("max ({last})"), json!(last), Refusal::None));
            cases.push((format!("above-max ({above})"), json!(above), Refusal::Max));
        }
        if step > 1 {
            let off = spec_walk::smallest_integer(field) + 1;
            cases.push((
                format!("off-multiple ({off})"),
                json!(off),
                Refusal::Multiple,
            ));
        }
    } else if field["type"] == "array" {
        let item = spec_walk::minimal(spec, &field["items"]);
        let items = |n: usize| Value::Array(vec![item.clone(); n]);
        let min = field["minItems"].as_u64().unwrap_or(0) as usize;
        if min > 0 {
            cases.push((
                format!("below-min ({} items)", min - 1),
                items(min - 1),
                Refusal::Min,
            ));
        }
        cases.push((format!("min ({min} items)"), items(min), Refusal::None));
        if let Some(max) = field["maxItems"].as_u64() {
            let max = max as usize;
            cases.push((format!("max ({max} items)"), items(max), Refusal::None));
            cases.push((
                format!("above-max ({} items)", max + 1),
                items(max + 1),
                Refusal::Max,
            ));
        }
    } else {
        panic!("constrained field of type {} is not covered", field["type"]);
    }
    cases
}

#[test]
fn every_constrained_field_is_enforced_at_its_boundaries() {
    let spec = spec_walk::spec();
    let mut report = String::new();
    let mut fields = 0;
    for op in spec_walk::operations(&spec) {
        let body_schema = &spec["components"]["schemas"][&op.body_schema];
        for field in spec_walk::constrained_fields(&spec, body_schema) {
            fields += 1;
            let path = display_path(&field.steps);
            report.push_str(&format!("{} {path}:", op.operation_id));
            for (label, value, refusal) in cases(&spec, &field.schema) {
                let accepted = refusal == Refusal::None;
                let mut body = spec_walk::minimal(&spec, body_schema);
                spec_walk::set_at(&spec, body_schema, &mut body, &field.steps, value);
                let result = accepts(&op.body_schema, &body);
                match (result, accepted) {
                    (Ok(()), true) => {}
                    (Err((at, e)), false) => {
                        assert_eq!(
                            at, path,
                            "{}: {path} {label}: the error names another field: {e}",
                            op.operation_id
                        );
                        assert!(
                            refusal.explains(&e),
                            "{}: {path} {label}: refused for another reason than {refusal:?}: {e}",
                            op.operation_id
                        );
                    }
                    (Ok(()), false) => panic!("{}: {path} {label} was accepted", op.operation_id),
                    (Err((at, e)), true) => panic!(
                        "{}: {path} {label} was rejected at {at}: {e}",
                        op.operation_id
                    ),
                }
                report.push_str(&format!(
                    " {label} {}",
                    if accepted { "ok" } else { "refused" }
                ));
            }
            report.push('\n');
        }
    }
    assert!(fields > 0, "no constrained field found: the walk is broken");
    // What is covered, for review: a new constrained field shows up here.
    // Sorted: the walk order follows the JSON map order, which depends on
    // serde_json features unified across the workspace.
    let mut lines: Vec<&str> = report.lines().collect();
    lines.sort_unstable();
    insta::assert_snapshot!(lines.join("\n"));
}

#[test]
fn builders_name_the_field_and_refuse_before_sending() {
    let error = types::PeriodicSystemVolume::try_from(
        types::PeriodicSystemVolume::builder()
            .type_(types::DiskTypeV2::SAS)
            .size(85),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "error converting supplied value for size: 85 is not a multiple of 10"
    );

    let error = types::ApplyDesktopsInternet::try_from(
        types::ApplyDesktopsInternet::builder()
            .eip_type("5_bgp")
            .eip_charge_mode(types::EipChargeMode::Bandwidth)
            .bandwidth_size(2001),
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "error converting supplied value for bandwidth_size: 2001 is outside 1..=2000"
    );

    let desktop = types::PeriodicDesktop::builder().user_name("user1");
    let desktops: Vec<types::PeriodicDesktop> = (0..101)
        .map(|_| desktop.clone().try_into().unwrap())
        .collect();
    // Optional fields take `Option<BoundedVec<…>>`: the list is checked when
    // it is made, before it can be put into a request.
    let error = BoundedVec::<types::PeriodicDesktop, 1, 100>::try_from(desktops).unwrap_err();
    assert_eq!(error.to_string(), "101 items given, at most 100 allowed");
}

/// A value no source lists, for open lists (`x-extensible-enum`).
const UNLISTED: &str = "unlisted-by-the-spec";

/// Open lists stay open and closed ones stay closed: at every place a request
/// body reaches an `x-extensible-enum`, a value outside the known list is
/// accepted and sent unchanged, and so is every known value; at every string
/// `enum`, the same unlisted value is refused, naming the field.
#[test]
fn open_lists_accept_unlisted_values_and_closed_enums_refuse_them() {
    let spec = spec_walk::spec();
    let mut report = Vec::new();
    for op in spec_walk::operations(&spec) {
        let body_schema = &spec["components"]["schemas"][&op.body_schema];
        let open = spec_walk::fields_having(&spec, body_schema, &["x-extensible-enum"]);
        let closed = spec_walk::fields_having(&spec, body_schema, &["enum"]);
        for field in &open {
            let path = display_path(&field.steps);
            let known = field.schema["x-extensible-enum"].as_array().unwrap();
            for value in known.iter().cloned().chain([json!(UNLISTED)]) {
                let mut body = spec_walk::minimal(&spec, body_schema);
                spec_walk::set_at(&spec, body_schema, &mut body, &field.steps, value.clone());
                let sent = round_trip(&op.body_schema, &body).unwrap_or_else(|(at, e)| {
                    panic!("{} {path} = {value}: refused at {at}: {e}", op.operation_id)
                });
                assert_eq!(sent, body, "{} {path} = {value}: changed", op.operation_id);
            }
            let listed: Vec<&str> = known.iter().map(|v| v.as_str().unwrap()).collect();
            report.push(format!(
                "{} {path}: open, known {}",
                op.operation_id,
                listed.join(" ")
            ));
        }
        for field in closed.iter().filter(|f| f.schema["type"] == "string") {
            let path = display_path(&field.steps);
            let mut body = spec_walk::minimal(&spec, body_schema);
            spec_walk::set_at(&spec, body_schema, &mut body, &field.steps, json!(UNLISTED));
            let (at, e) = accepts(&op.body_schema, &body)
                .map(|()| panic!("{} {path}: {UNLISTED:?} was accepted", op.operation_id))
                .unwrap_err();
            assert_eq!(
                at, path,
                "{}: {path}: refused elsewhere: {e}",
                op.operation_id
            );
            assert!(e.contains("unknown variant"), "{path}: {e}");
            report.push(format!("{} {path}: closed", op.operation_id));
        }
    }
    report.sort_unstable();
    insta::assert_snapshot!(report.join("\n"));
}

fn round_trip(schema: &str, body: &Value) -> Result<Value, (String, String)> {
    fn through<T: serde::de::DeserializeOwned + serde::Serialize>(
        body: &Value,
    ) -> Result<Value, (String, String)> {
        let typed: T = serde_path_to_error::deserialize(body.clone())
            .map_err(|e| (e.path().to_string(), e.inner().to_string()))?;
        Ok(serde_json::to_value(&typed).unwrap())
    }
    match schema {
        "AppOrderRequest" => through::<types::AppOrderRequest>(body),
        "PeriodicOrderRequest" => through::<types::PeriodicOrderRequest>(body),
        "DesktopOrderRequest" => through::<types::DesktopOrderRequest>(body),
        other => panic!("no generated body type mapped for request schema {other}"),
    }
}

/// The generated constants of each open list are the spec's known values,
/// in order, with the spec's descriptions; unlisted values are not "known".
#[test]
fn open_list_constants_are_the_spec_values() {
    let spec = spec_walk::spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    // Sorted: the map order depends on serde_json features unified across the workspace.
    let mut in_spec: Vec<&String> = schemas
        .iter()
        .filter(|(_, s)| s.get("x-extensible-enum").is_some())
        .map(|(name, _)| name)
        .collect();
    in_spec.sort_unstable();
    macro_rules! generated {
        ($($name:ident),* $(,)?) => {{
            let lists: Vec<(&str, Vec<(String, Option<&str>)>, bool)> = vec![$(
                (
                    stringify!($name),
                    types::$name::KNOWN
                        .iter()
                        .map(|v| (v.as_str().to_string(), v.description()))
                        .collect(),
                    types::$name::from(UNLISTED).is_known(),
                ),
            )*];
            lists
        }};
    }
    let lists = generated!(
        AppDiskType,
        DesktopImageType,
        DiskTypeV2,
        EipType,
        PeriodicOrderRequestType,
    );
    let mut names: Vec<&str> = lists.iter().map(|(n, _, _)| *n).collect();
    names.sort_unstable();
    assert_eq!(
        names, in_spec,
        "every x-extensible-enum schema is checked here (add new ones to the list)"
    );
    for (name, known, unlisted_is_known) in lists {
        let schema = &schemas[name];
        let values: Vec<&str> = schema["x-extensible-enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let descriptions: Vec<Option<&str>> = (0..values.len())
            .map(|i| schema["x-enum-descriptions"][i].as_str())
            .collect();
        let generated_values: Vec<&str> = known.iter().map(|(v, _)| v.as_str()).collect();
        assert_eq!(
            generated_values, values,
            "{name}: constants differ from the spec"
        );
        let generated_descriptions: Vec<Option<&str>> = known.iter().map(|(_, d)| *d).collect();
        assert_eq!(generated_descriptions, descriptions, "{name}: descriptions");
        assert!(!unlisted_is_known, "{name}: {UNLISTED} counted as known");
    }
    // A constant is the value itself on the wire.
    assert_eq!(
        serde_json::to_value(types::DesktopImageType::MARKET).unwrap(),
        json!("market")
    );
    assert_eq!(
        types::DesktopImageType::from("market"),
        types::DesktopImageType::MARKET
    );
}

/// The name patterns ERRATA E25 and E17 re-decided: Chinese characters where
/// the SDK allows them, `=` in tags; what every source excludes is still
/// refused.
#[test]
fn names_accept_chinese_and_tags_accept_equals_but_not_what_all_sources_refuse() {
    fn ok<T: TryFrom<&'static str>>(value: &'static str) -> bool {
        T::try_from(value).is_ok()
    }
    // Desktop pool names: Chinese characters, letters, digits, hyphens.
    assert!(ok::<types::CreateDesktopPoolReqName>("研发-pool-01"));
    assert!(ok::<types::CreateDesktopPoolReqName>("桌面池"));
    assert!(!ok::<types::CreateDesktopPoolReqName>("pool 01"));
    assert!(!ok::<types::CreateDesktopPoolReqName>("pool_01"));
    // Desktop names: start with a letter or digit, no hyphen at the end.
    for computer_name in [
        ok::<types::PeriodicDesktopComputerName> as fn(&'static str) -> bool,
        ok::<types::DesktopOrderDesktopComputerName>,
    ] {
        assert!(computer_name("pc研发01"));
        assert!(computer_name("a桌面"));
        assert!(!computer_name("桌面a"), "must start with a letter or digit");
        assert!(!computer_name("a桌面-"), "must not end with a hyphen");
        assert!(!computer_name("a_b"));
    }
    // User-group names of attach_user_infos.
    assert!(ok::<types::AttachInstancesUserInfoUserName>("研发组_1"));
    assert!(!ok::<types::AttachInstancesUserInfoUserName>("group 1"));
    // This desktop name stays ASCII: every source agrees.
    assert!(!ok::<types::AttachInstancesDesktopInfoComputerName>(
        "a桌面"
    ));
    // Tags: `=` (the SDK allows it), not `*<>,|/` (no source does).
    assert!(ok::<types::TagKey>("env=prod"));
    assert!(ok::<types::TagValue>("a:b+c@d.e"));
    for refused in ["a*b", "a<b", "a>b", "a,b", "a|b", "a/b"] {
        assert!(!ok::<types::TagKey>(refused), "{refused}");
        assert!(!ok::<types::TagValue>(refused), "{refused}");
    }
}
