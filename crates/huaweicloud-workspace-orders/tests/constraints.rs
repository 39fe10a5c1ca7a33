//! Every integer range, multiple and array size the spec states is enforced
//! by the generated types: just below the minimum, at the minimum and maximum,
//! just above the maximum and off the multiple, each bound alone (the values past
//! a `multipleOf` field's range are multiples), and refused for that reason.
//!
//! The cases come from the spec: each constrained field reachable from a
//! request body is set, inside an otherwise minimal valid body, to each
//! boundary value, and the body is deserialized into the operation's
//! generated type. A rejection must name the field's JSON path.

mod spec_walk;

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
            .type_(types::DiskTypeV2::Sas)
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
